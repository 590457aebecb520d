/**
 * ChipProgram: what the compiler writes into the chip's memories. Pure data, the contract between
 * `compiler/` (which produces it) and the simulator (which builds state from it).
 *
 * Layout per core (nengo-loihi's block model, Loihi's memories):
 *  - neuron parameter memory: one entry per compartment (struct of arrays);
 *  - synapse memory: a crossbar stored as CSR rows, one row per *input axon*; each synapse holds a
 *    local target neuron, a weight and a delay in ticks, and the projection it belongs to;
 *  - output routing table: per neuron, the (destination core, destination axon) pairs its spike is
 *    sent to, one AER packet per destination core.
 *
 * Compartment dynamics (one tick, for an active compartment; `I` = synaptic input arriving this tick):
 *   u ← currentDecay·u + inputGain·I                 (currentDecay = 0 gives u = I: a plain LIF)
 *   v ← (voltageDecay·v + u) + bias                   (in this order, each operation rounded)
 *   spiking compartments fire iff v ≥ vThreshold (or v > vThreshold), then reset:
 *     zero: v ← vReset;  subtract: v ← v − vThreshold;  none: v unchanged
 *   and stay refractory (frozen, input discarded) for refractoryTicks ticks;
 *   then, for a neuron with a membrane lower bound (reverseResetMode = saturate; vMin = vReverseThreshold):
 *     if v < vMin: v ← vMin    (an integer max in fixed point; absent or `none` = no bound, −∞).
 *   Other reverse reset modes belong to sanafeLif and are refused on compartment neurons.
 * Input compartments (kind = input) do not integrate; they emit the externally supplied spikes.
 */

export const PROGRAM_FORMAT = "aerchip-program" as const;
export const PROGRAM_VERSION = 1 as const;

export const NeuronKind = { compartment: 0, input: 1 } as const;
export type NeuronKind = (typeof NeuronKind)[keyof typeof NeuronKind];

/** `saturate` (v ← threshold) is used only as a reverse-threshold reset (SANA-FE's reverse_reset_mode). */
export const ResetMode = { zero: 0, subtract: 1, none: 2, saturate: 3 } as const;
export type ResetMode = (typeof ResetMode)[keyof typeof ResetMode];

/**
 * How a compartment evolves per tick. `compartment` (the default when `dynamics` is absent) is the
 * update in the header above (its lower bound uses the reverse-threshold fields below). `sanafeLif` is SANA-FE's `leaky_integrate_fire` soma (docs/sanafe.md):
 *   updated ← v ≠ 0 ∨ input arrived ∨ bias ≠ 0 ∨ forceUpdate          (SANA-FE's "neuron update")
 *   if tick > 0: u ← currentDecay·u; v ← voltageDecay·v               (also while refractory)
 *   if vTruncScale > 0: v ← trunc(v·vTruncScale)/vTruncScale           (Loihi's 6 fraction bits)
 *   if not refractory: v ← v + bias; u ← u + inputGain·I; v ← v + u; fire iff v > vThreshold (thresholdOp),
 *     reset (zero: v ← vReset; subtract: v ← v − vThreshold; none), refractory for refractoryTicks ticks;
 *     then if v < vReverseThreshold: reverseResetMode (zero: v ← vReverseReset; subtract: v ← v − vReverseThreshold;
 *     saturate: v ← vReverseThreshold; none).
 * `lifCond` is the conductance-based LIF of Diehl & Cook 2015 (PyNN's IF_cond_exp; docs/model-format.md
 * "Conductance-based LIF"), the `cond*` fields below, one forward-Euler step of dt per tick, the
 * expressions in the order Brian2 2.5.1's `method='euler'` generates them (so float64 results are Brian2's):
 *   arrival (delivery phase, per synapse in delivery order): w > 0: ge ← ge + w;  w < 0: gi ← gi + (−w)
 *   with s = 0.001 (ms → s, as Brian2's `ms`), dt = condDtMs·s, τ = condTauMs·s, τe = condTauGeMs·s, τi = condTauGiMs·s:
 *     ge' ← ((−dt)·ge)/τe + ge;  gi' ← ((−dt)·gi)/τi + gi               (every tick, refractory or not)
 *     v'  ← (dt·(((E_rest + ge·(E_exc − v)) + gi·(E_inh − v)) − v))/τ + v  (old ge, gi; v frozen while refractory)
 *   then θ, threshold, reset and refractory period as a compartment (vThreshold + θ, thetaPlus, thetaDecay).
 */
export const NeuronDynamics = { compartment: 0, sanafeLif: 1, lifCond: 2 } as const;
export type NeuronDynamics = (typeof NeuronDynamics)[keyof typeof NeuronDynamics];

export const ThresholdOp = { ge: 0, gt: 1 } as const;
export type ThresholdOp = (typeof ThresholdOp)[keyof typeof ThresholdOp];

/** Neuron parameter memory of one core: every array has `neuronCount` entries. */
export interface CoreNeuronParams {
  readonly kind: Uint8Array;
  /** 1 if the compartment can fire, 0 for non-spiking readouts (LI, I). */
  readonly spiking: Uint8Array;
  readonly voltageDecay: Float64Array;
  readonly currentDecay: Float64Array;
  readonly inputGain: Float64Array;
  readonly bias: Float64Array;
  readonly vThreshold: Float64Array;
  readonly vReset: Float64Array;
  readonly vInit: Float64Array;
  readonly resetMode: Uint8Array;
  readonly thresholdOp: Uint8Array;
  readonly refractoryTicks: Uint32Array;
  /** NeuronDynamics per compartment; absent = all `compartment`. The fields below are read only for `sanafeLif`, except the reverse threshold with reset `saturate` (a compartment's vMin). */
  readonly dynamics?: Uint8Array;
  /** Potential quantisation after the decay: v ← trunc(v·s)/s when s > 0 (SANA-FE's Loihi soma: s = 64). */
  readonly vTruncScale?: Float64Array;
  /**
   * Reverse (negative) threshold and its reset; absent = no reverse threshold. sanafeLif reads every mode;
   * `compartment` neurons read `saturate` only, as their membrane lower bound vMin (header), and `none`.
   */
  readonly vReverseThreshold?: Float64Array;
  readonly reverseResetMode?: Uint8Array;
  readonly vReverseReset?: Float64Array;
  /** 1 = counted as updated every tick (SANA-FE's force_update). */
  readonly forceUpdate?: Uint8Array;
  /**
   * Adaptive threshold (homeostasis, Diehl & Cook 2015): each compartment keeps θ (starting at 0), the
   * effective threshold is vThreshold + θ; per tick θ ← thetaDecay·θ, and on a spike θ ← θ + thetaPlus.
   * Absent = no adaptation (θ = 0). Both arrays are present together.
   */
  readonly thetaPlus?: Float64Array;
  readonly thetaDecay?: Float64Array;
  /**
   * Rate-target homeostasis with bounds (the spiking auto-encoder's θ += δθ·s − δθ·ε, clipped to θ0 ± 0.1):
   * at the end of every tick, refractory or not, after the spike's increment,
   *   θ ← min(thetaMax, max(thetaMin, θ − thetaDrift))
   * so a neuron that fires more often than thetaDrift / thetaPlus spikes per tick raises its threshold and
   * one that fires less lowers it, within [thetaMin, thetaMax] (thetaMin ≤ 0 ≤ thetaMax: θ starts at 0).
   * Absent = none (drift 0, unbounded). The three arrays are present together, and only with thetaPlus.
   */
  readonly thetaDrift?: Float64Array;
  readonly thetaMin?: Float64Array;
  readonly thetaMax?: Float64Array;
  /**
   * θ at the start of a run and after resetAdaptiveThresholds (chip/sim/state.ts): a θ learned earlier
   * (`--initial-weights` of a weights.json that carries it, cli/initial-weights.ts). Absent = 0. Only with
   * thetaPlus. State, not configuration: it takes no part in the neuron configurations a core holds.
   */
  readonly thetaInit?: Float64Array;
  /**
   * Conductance-based LIF parameters (NeuronDynamics.lifCond; equations above): reversal potentials in v's
   * units, time constants and the Euler step in ms. All seven present together, only when some neuron of
   * the core is lifCond (others hold 0 and never read them).
   */
  readonly condERest?: Float64Array;
  readonly condEExc?: Float64Array;
  readonly condEInh?: Float64Array;
  readonly condTauMs?: Float64Array;
  readonly condTauGeMs?: Float64Array;
  readonly condTauGiMs?: Float64Array;
  readonly condDtMs?: Float64Array;
}

/** The conductance-LIF parameter arrays of CoreNeuronParams, in one list (codec, routing, state). */
export const COND_FIELDS = ["condERest", "condEExc", "condEInh", "condTauMs", "condTauGeMs", "condTauGiMs", "condDtMs"] as const;
export type CondField = (typeof COND_FIELDS)[number];

/** Synapse memory of one core: CSR rows indexed by local input axon. */
export interface CoreCrossbar {
  readonly axonCount: number;
  /** Row a spans synapses [axonRowPtr[a], axonRowPtr[a+1]). Rows are sorted by (delay, projection, target). */
  readonly axonRowPtr: Uint32Array;
  /** Local neuron index of each synapse's target. */
  readonly synTarget: Uint32Array;
  readonly synWeight: Float64Array;
  /** Delay in ticks, 1..maxDelayTicks: a spike emitted at tick t acts at tick t + delay. */
  readonly synDelayTicks: Uint16Array;
  /** Index into `ChipProgram.projections`. */
  readonly synProjection: Uint16Array;
  /** Index of the synapse inside its projection (the model's synapse order), for weight read-back. */
  readonly synIndex: Uint32Array;
}

/** Output routing table of one core: CSR by local neuron. */
export interface CoreRouting {
  readonly routePtr: Uint32Array;
  /** Global core id of each destination. */
  readonly routeDestCore: Uint32Array;
  /** Local input-axon index at the destination core. */
  readonly routeDestAxon: Uint32Array;
}

export interface CoreProgram {
  /** Global core id: tile·coresPerTile + k, tile = y·widthTiles + x. */
  readonly coreId: number;
  readonly neuronCount: number;
  readonly neurons: CoreNeuronParams;
  readonly crossbar: CoreCrossbar;
  readonly routing: CoreRouting;
}

/** A contiguous range of a population's neurons placed on one core. */
export interface PopulationBlock {
  /** Index into `ChipProgram.cores`. */
  readonly coreIndex: number;
  /** First local neuron on that core. */
  readonly neuronStart: number;
  /** First position (in the population's order, see PopulationMap.order) this block holds. */
  readonly populationStart: number;
  readonly count: number;
}

export interface PopulationMap {
  /**
   * Fixed-point programs only: the population's potentials, thresholds, biases and incoming weights are
   * integers in units of 2^-stateScaleExp of the model's values (docs/fixed-point.md).
   */
  readonly stateScaleExp?: number;
  readonly name: string;
  readonly kind: "input" | "neuron";
  readonly size: number;
  /** Logical shape (NIR node shape, C order); [size] for flat populations. */
  readonly shape: readonly number[];
  readonly spiking: boolean;
  readonly blocks: readonly PopulationBlock[];
  /**
   * The compiler's neuron order, when it is not the population's own: block positions
   * populationStart + i refer to neuron order[populationStart + i] (a permutation of 0..size−1).
   */
  readonly order?: Uint32Array;
}

/** Index in the population of the neuron at block position `pos`. */
export function populationIndexAt(pop: PopulationMap, pos: number): number {
  return pop.order === undefined ? pos : pop.order[pos];
}

/**
 * Pair-based trace STDP, evaluated by the core's learning engine every tick (snnref-1 semantics):
 *   traces decay: x ← decayPre·x (per source neuron, delay and projection), y ← decayPost·y (per post neuron);
 *   pre arrival on synapse s (after its delay): w ← clip(w − aMinus·y_post), then x ← x + 1 (allToAll) or 1 (nearest);
 *   post spike of j: w ← clip(w + aPlus·x) for every plastic synapse onto j, then y_j ← y_j + 1 or 1.
 * clip(w) = min(max(w, wMin), wMax).
 */
export interface PairStdpProgram {
  readonly rule: "pair";
  readonly nearest: boolean;
  readonly aPlus: number;
  readonly aMinus: number;
  readonly decayPre: number;
  readonly decayPost: number;
  readonly wMin: number;
  readonly wMax: number;
}

export interface ProjectionInfo {
  readonly name: string;
  readonly pre: string;
  readonly post: string;
  /** Number of synapses the model defines (before any duplication for weight sharing). */
  readonly synapseCount: number;
  /** Synapse encoding used for cost lookup (`dense`, `sparse`, `conv`). */
  readonly encoding: string;
  /** Present when the projection's synapses are plastic. */
  readonly plasticity?: PairStdpProgram;
  /**
   * A general learning rule run by the core's learning engine (chip/sim/learning.ts); exclusive with
   * `plasticity` (the snnref pair-STDP path).
   */
  readonly learning?: LearningRuleProgram;
}

/** A trace of the learning engine: pre traces x1, x2 per input axon; post traces y1, y2, y3 per neuron. */
export interface LearningTraceProgram {
  readonly trace: "x1" | "x2" | "y1" | "y2" | "y3";
  /** Per-tick multiplier: z ← decay·z. */
  readonly decay: number;
  /** Spike: z ← z + impulse (`add`) or z ← impulse (`set`); graded: z ← z + impulse·g[t] every tick. */
  readonly impulse: number;
  readonly mode: "add" | "set";
  /** `spike`: jumps on the neuron's spikes; `graded`: driven by a per-neuron value each tick (SimulateOptions.learningInput). */
  readonly input: "spike" | "graded";
  /**
   * Hardware width of the magnitude; absent = float64 trace. With bits, z = k·lsb, k ∈ [0, 2^bits − 1], where the
   * engine's lsb has the impulse's sign (chip/program/trace-grid.ts): [0, (2^bits − 1)·lsb] or its mirror image.
   */
  readonly bits?: number;
  /** Trace value of one LSB (with `bits`; a magnitude, > 0: a negative impulse makes it negative). */
  readonly lsb?: number;
}

/**
 * A learning rule as data: sum-of-products equations in the learning-rule language
 * (chip/program/learning-rule.ts, e.g. `dw = 2^-4*x1*y0 - 2^-5*y1*x0`), its traces, bounds, epoch and
 * weight precision. The engine semantics are in chip/sim/learning.ts and docs/learning.md.
 */
export interface LearningRuleProgram {
  /** Named rule it came from (`pair-stdp`, `diehl-cook-2015-code`, …) or `custom`. */
  readonly name: string;
  /** One equation per target (dw, dt, dd). */
  readonly ruleTexts: readonly string[];
  readonly traces: readonly LearningTraceProgram[];
  readonly wMin: number;
  readonly wMax: number;
  /** Tag bounds (absent = unbounded). */
  readonly tagMin?: number;
  readonly tagMax?: number;
  /** Ticks per learning epoch, a power of two (1 = every tick, event-ordered phases). */
  readonly epochTicks: number;
  /** The third factor m is forced to 0 before this tick (S-TLLR's T_l); absent = 0. */
  readonly thirdFactorFromTick?: number;
  /** `per-epoch`: updates apply as computed; `tag-at-sample-end`: the tag accumulates and w ← w + t at the run's end. */
  readonly apply: "per-epoch" | "tag-at-sample-end";
  /** Weight memory width: weights live on wMin + k·(wMax − wMin)/(2^bits − 1); absent = float64. */
  readonly weightBits?: number;
  /** Rounding of weights and quantised traces onto their grids. */
  readonly rounding: "nearest" | "stochastic";
  /**
   * Fractional bits of the learning engine's lookup table for power factors (w ± C)^p with quantised weights
   * (learning-rule.ts PowerTable); set by the compiler from the chip's precision.learningLutFractionBits.
   * Absent: the chip has no such table, and such a rule with weightBits is refused (E_LEARNING_CLOSED_FORM).
   */
  readonly powerLutFractionBits?: number;
  /** Seed of the stochastic rounding (stream per core: createRng(seed).fork(coreId)). */
  readonly seed: number;
}

/**
 * The chip's fixed-point arithmetic (compiler `--precision fixed`). Every neuron parameter and weight is
 * then an integer; per tick, with D = decay·2^decayBits stored in voltageDecay/currentDecay:
 *   u ← sat_c( trunc0(u·D_u / 2^decayBits) + I )        I = Σ integer weights arriving this tick
 *   v ← sat_s( trunc0(v·D_v / 2^decayBits) + u + bias )
 * trunc0 rounds toward zero (Loihi's decay rule); sat_b saturates to ±(2^(b−1) − 1) and counts an overflow.
 */
export interface FixedPointProgram {
  readonly decayBits: number;
  readonly stateBits: number;
  readonly currentBits: number;
}

export interface ChipProgram {
  /** Present for programs in the chip's fixed-point arithmetic; absent = float64 ("ideal") arithmetic. */
  readonly fixedPoint?: FixedPointProgram;
  readonly format: typeof PROGRAM_FORMAT;
  readonly version: typeof PROGRAM_VERSION;
  /** Name of the ChipSpec this was compiled for and the mesh it assumed (checked at load). */
  readonly specName: string;
  readonly meshWidthTiles: number;
  readonly meshHeightTiles: number;
  readonly coresPerTile: number;
  readonly modelName: string;
  /** Steps the model asks for when the user gives none. */
  readonly defaultSteps: number;
  readonly maxDelayTicks: number;
  readonly cores: readonly CoreProgram[];
  readonly populations: readonly PopulationMap[];
  readonly projections: readonly ProjectionInfo[];
  /**
   * Present when the program was compiled from a NIR graph (`aerchip compile model.nir`): what `aerchip run
   * program.aerprog` needs to give the spikes and files of `aerchip run model.nir` (docs/nir.md). The
   * simulator never reads it. Absent in programs of other models and in files written before it existed
   * (those run in raw chip ticks, as before).
   */
  readonly nir?: NirProgramInfo;
}

/** Layout of NirProgramInfo; a reader refuses a record of another layout (E_PROGRAM_VERSION). */
export const NIR_PROGRAM_INFO_VERSION = 1 as const;

/** One NIR node made into a population (compiler/frontends/nir/lower.ts NirPopulationInfo). */
export interface NirProgramNode {
  /** NIR node name (dotted for flattened subgraphs), or the Output's name for a readout made for it. */
  readonly node: string;
  /** NIR node type ("Input", "LIF", …; "Output" for such a readout). */
  readonly type: string;
  /** The program population that runs it: its shape and spiking flag are the node's. */
  readonly population: string;
  /** NIR step t of the node happens at chip tick t + latencyTicks. */
  readonly latencyTicks: number;
}

/**
 * The NIR bookkeeping of a compiled graph. A run of T NIR steps simulates T + extraTicks ticks, feeds input
 * step t at tick t + the Input node's latency, and reads node X's step t at tick t + X.latencyTicks.
 */
export interface NirProgramInfo {
  /** NIR_PROGRAM_INFO_VERSION. */
  readonly layoutVersion: number;
  /** The NIR file's version string. */
  readonly nirVersion: string;
  /** Seconds per NIR step the graph was lowered with (its τ and Delay nodes are fixed to it). */
  readonly dtSeconds: number;
  /** The largest latencyTicks. */
  readonly extraTicks: number;
  /** Every population made from a NIR node, in graph order; --input drives the first Input node unless --input-population names another. */
  readonly nodes: readonly NirProgramNode[];
  /** Per Output node: its name and the node (in `nodes`) that carries it. */
  readonly outputs: ReadonlyArray<{ readonly output: string; readonly node: string }>;
  /** Per projection: the NIR nodes it comes from and their weights against the synapses stored (report.json nir.projections). */
  readonly projections: ReadonlyArray<{ readonly projection: string; readonly pre: string; readonly post: string; readonly via: readonly string[]; readonly modelWeights: number; readonly synapses: number; readonly encoding: string }>;
  /** The front end's warnings when it was compiled ("CODE: message"), repeated in every run's nir.warnings. */
  readonly warnings: readonly string[];
  /**
   * The NIR reader's options the graph was lowered with besides dtSeconds (compiler/frontends/nir/options.ts),
   * shown in a program run's report.json provenance.compiledWith (audit s23x #6). Absent in programs written
   * before it was recorded (they still run; the report then shows dtSeconds and precision only).
   */
  readonly lowering?: NirProgramLowering;
}

/** NirProgramInfo.lowering: compiler/frontends/nir/options.ts ResolvedNirOptions as the graph was lowered. */
export interface NirProgramLowering {
  /** Reset of spiking nodes: "to-v-reset", "subtract" or "snntorch-subtract" (--reset). */
  readonly reset: string;
  /** Per-node reset overrides (library option resetByNode), in node-name order; empty from the CLI. */
  readonly resetByNode: ReadonlyArray<{ readonly node: string; readonly reset: string }>;
  /** "nirtorch" or "snntorch" (--recurrent-bias). */
  readonly recurrentBias: string;
  /** Where constant drives go: "source" or "compartment" (--nir-bias). */
  readonly bias: string;
  /** --if-multi-spike. */
  readonly ifMultiSpike: boolean;
  /** --lenient. */
  readonly lenient: boolean;
}

/**
 * One input population's spikes: (tick, neuron) pairs in any order. A neuron named several times in one
 * tick fires once (an input neuron emits at most one spike per tick) unless `keepRepeats` is true: then it
 * fires as many times as it is named, each spike a spike of its own (its packets, synaptic ops and hops
 * counted, its targets integrating w each time: `--input-counts`, docs/events.md).
 */
export interface StimulusSpikes {
  readonly tick: Int32Array;
  readonly neuron: Int32Array;
  readonly keepRepeats?: boolean;
}

/** External spikes for input populations: population name → (tick, neuron) pairs (any order). */
export interface ChipStimulus {
  readonly spikes: ReadonlyMap<string, StimulusSpikes>;
}
