/**
 * The graph IR every front end lowers to (snnref JSON, aerchip JSON, NIR, SANA-FE YAML): named
 * populations of compartments and projections between them, with per-neuron parameters already in
 * the chip's compartment form (see chip/program/types.ts for the update equations).
 *
 * Front ends do the model-specific discretisation (e.g. NIR's tau/dt → voltageDecay); the passes
 * after this point (normalise, quantise, partition, place, route) never look at the source format.
 */
import type { CoreNeuronParams, LearningRuleProgram, ResetMode, ThresholdOp } from "../../chip/program/types.ts";
import type { StllrPsi } from "../../chip/program/named-rules.ts";

/**
 * Per-neuron parameters of a population; every array has `size` entries. The same fields, with the same
 * meaning, as a core's neuron parameter memory (chip/program/types.ts CoreNeuronParams), without the
 * per-compartment kind and spiking flags, which the IR keeps per population.
 */
export type NeuronParamsIR = Omit<CoreNeuronParams, "kind" | "spiking">;

export interface PopulationIR {
  readonly name: string;
  readonly kind: "input" | "neuron";
  readonly size: number;
  /** Logical shape (C order); [size] for flat populations. */
  readonly shape: readonly number[];
  /** false for non-spiking readouts (LI / I / CubaLI): they expose their membrane trace instead. */
  readonly spiking: boolean;
  /** Present for kind "neuron". */
  readonly params?: NeuronParamsIR;
}

/** Synapses as a coordinate list; index s is the model's synapse order (used for weight read-back). */
export interface ProjectionIR {
  readonly name: string;
  readonly pre: string;
  readonly post: string;
  /** Synapse encoding for cost look-up and memory accounting: "dense", "sparse" or "conv". */
  readonly encoding: string;
  readonly preIndex: Uint32Array;
  readonly postIndex: Uint32Array;
  readonly weight: Float64Array;
  /** Delay in ticks, >= 1. */
  readonly delayTicks: Uint16Array;
  /** On-chip learning rule, when the projection is plastic. */
  readonly plasticity?: PairStdpIR;
  /** A general on-chip learning rule (exclusive with `plasticity`), carried unchanged into ProjectionInfo.learning. */
  readonly learning?: LearningRuleIR;
  /**
   * The Ψ(u) the model names for the rule's graded post traces (an s-tllr rule's `psi`, only when the
   * model gives it): `aerchip run`'s Ψ drive for this projection unless --psi is given. The run's option,
   * not the program's: a compiled program (.aerprog) does not carry it.
   */
  readonly learningPsi?: StllrPsi;
  /** A kernel projection's geometry (aerchip-model-1 `conv2d` / `convTranspose2d`); absent for other projections. */
  readonly kernel?: KernelIR;
  /**
   * The one weighted node a NIR projection's synapses come through, counted on its own (before pooling
   * and other parameter-free nodes on the path were folded into the synapse list): learning-cost counts
   * these, so that a pool is a layer without neurons or weights as in the paper's tables (papers.md §1.4).
   * Absent for other projections and for NIR paths through zero or several weighted nodes.
   */
  readonly unfolded?: UnfoldedLinearIR;
}

/**
 * A NIR Affine/Linear/Conv node's own counts (compiler/frontends/nir/lower.ts):
 *   synapses    its entries on its own input map (padding taps dropped), as if it were a layer by itself
 *   weightUses  its output size × weights per output (Conv: (Ci/groups)·KH·KW; Affine/Linear: in_features),
 *               the full kernel at every output position, padding taps included
 */
export interface UnfoldedLinearIR {
  readonly node: string;
  readonly synapses: number;
  readonly weightUses: number;
}

/**
 * The kernel a convolution projection was expanded from, kept for conventions that count the full kernel
 * (learning-cost `--fan-in full-kernel`; the synapse lists above drop the taps that fall outside the map).
 * `tapsPerNeuron` is the kernel taps one neuron of the side the kernel is anchored on uses:
 *   conv2d            per OUTPUT neuron (it gathers):  (Ci/groups)·KH·KW
 *   convTranspose2d   per INPUT neuron (it scatters):   (Co/groups)·KH·KW
 * so the full kernel's weight uses are post.size × taps (conv2d) or pre.size × taps (convTranspose2d).
 */
export interface KernelIR {
  readonly kind: "conv2d" | "convTranspose2d";
  readonly tapsPerNeuron: number;
}

/** The general learning rule of a projection: the ChipProgram's form (chip/program/types.ts). */
export type LearningRuleIR = LearningRuleProgram;

export interface ModelGraph {
  readonly name: string;
  /** Steps to simulate when the user gives none. */
  readonly defaultSteps: number;
  readonly populations: readonly PopulationIR[];
  readonly projections: readonly ProjectionIR[];
}

/** External spikes for the input populations: population name → (tick, neuron) pairs. */
export interface StimulusIR {
  /** keepRepeats: a neuron named c times in one tick fires c times (chip/program/types.ts StimulusSpikes). */
  readonly spikes: ReadonlyMap<string, { readonly tick: Int32Array; readonly neuron: Int32Array; readonly keepRepeats?: boolean }>;
}

/** Fills a per-neuron parameter block with one value per field (front ends override per neuron). */
export function uniformNeuronParams(
  size: number,
  p: {
    voltageDecay: number; currentDecay?: number; inputGain?: number; bias?: number; vThreshold: number;
    vReset?: number; vInit?: number; resetMode: ResetMode; thresholdOp?: ThresholdOp; refractoryTicks?: number;
  },
): NeuronParamsIR {
  return {
    voltageDecay: new Float64Array(size).fill(p.voltageDecay),
    currentDecay: new Float64Array(size).fill(p.currentDecay ?? 0),
    inputGain: new Float64Array(size).fill(p.inputGain ?? 1),
    bias: new Float64Array(size).fill(p.bias ?? 0),
    vThreshold: new Float64Array(size).fill(p.vThreshold),
    vReset: new Float64Array(size).fill(p.vReset ?? 0),
    vInit: new Float64Array(size).fill(p.vInit ?? 0),
    resetMode: new Uint8Array(size).fill(p.resetMode),
    thresholdOp: new Uint8Array(size).fill(p.thresholdOp ?? 0),
    refractoryTicks: new Uint32Array(size).fill(p.refractoryTicks ?? 0),
  };
}

/**
 * Pair-based trace STDP on a projection (snnref-1 semantics, see docs/learning.md):
 * traces decay by `decayPre`/`decayPost` each tick; on a pre arrival w ← clip(w − aMinus·y_post) and
 * x ← x + 1 (all_to_all) or x ← 1 (nearest); on a post spike w ← clip(w + aPlus·x) and y ← y + 1 or 1.
 */
export interface PairStdpIR {
  readonly rule: "pair";
  readonly mode: "all_to_all" | "nearest";
  readonly aPlus: number;
  readonly aMinus: number;
  readonly decayPre: number;
  readonly decayPost: number;
  readonly wMin: number;
  readonly wMax: number;
}
