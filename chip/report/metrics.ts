/**
 * NeuroBench-style metrics of one run (Yik et al., "The NeuroBench framework for benchmarking neuromorphic
 * computing algorithms and systems", Nat. Commun. 16:1545, 2025; definitions as in the official harness,
 * NeuroBench/neurobench @e521c28, summarised in ../shared/docs/hardware-facts.md §6). One run is one
 * inference (one sample of `steps` ticks), so "per sample" figures are the run's totals.
 *
 * Definitions implemented (§6 "Emulator mapping" in brackets):
 *  - Footprint [stored bits of weights/state/config ÷ 8]: Σ numel × element size at the chip's real widths
 *      weights     = synapses · w,  w = axonTypes ? 1 : weightBits            (chip/spec/memory.ts entry width;
 *                    TrueNorth's per-type weights live in the neuron word)
 *      neuronState = compartments · neuronStateBits(spec)                     (state + per-neuron parameters;
 *                    + thresholdBits for each compartment that adapts its threshold, θ of thetaPlus ≠ 0 or thetaDrift ≠ 0)
 *      traces      = pre + post trace bits of every plastic projection, pair STDP (`plasticity`) and general
 *                    rules (`learning`), as the engines count them (chip/report/trace-memory.ts): one pre trace
 *                    set per (source neuron, delay, projection), and per destination core for a general rule
 *                    (each core keeps its copy with its input axons); post traces per (projection, post
 *                    neuron); each trace at the chip's traceBits (a rule's trace at its own `bits` if it
 *                    declares them). S-TLLR (x1; y1, y2) on loihi: (axons·1 + neurons·2)·7 bits
 *      total       = weights + neuronState + traces. Zero weights are included (NeuroBench: "zero weights are
 *      included"). Input neurons are data, not model, and take no neuron memory here.
 *    `synapseMemoryBytes` is reported beside it: the chip's whole synapse memory layout (weights plus delay,
 *    index and header bits, chip/spec/memory.ts) as the mapping report computes it.
 *    Per core, neuronMemoryBits = compartments · neuronStateBits(spec) + θ bits + the post-trace bits of its
 *    neurons (chip/spec/memory.ts: postTraces × traceBits per neuron); pre traces live with the input axons
 *    and count in the footprint only.
 *  - Connection sparsity [static]: Σ zero weights / Σ weights over weight layers. A projection is the view of
 *    a weight matrix: for `dense`/`sparse` encodings the matrix is pre.size × post.size (absent synapses are
 *    zeros, as in a masked Linear layer); for `conv` it is the expanded kernel, i.e. its stored synapses
 *    (an approximation of the kernel's own zero ratio when padding makes kernel entries unequally frequent).
 *    0 = dense, 1 = no connections.
 *  - Activation sparsity [1 − spikes / (neurons × steps)]: over all neuron-layer outputs (spiking populations
 *    that are not inputs) and all ticks; 0 = always active, 1 = all zero. Non-spiking readouts (LI) output a
 *    graded membrane value every tick and are left out; input populations get a per-population figure only.
 *  - Synaptic operations [Effective_ACs = Σ delivered (spike, non-zero synapse) pairs; graded → MACs;
 *    Dense = Σ_layers fan-in × neurons × steps]:
 *      effectiveACs  = Σ_n spikes(n) · |{s out of n : w_s ≠ 0}|, counted when the packet is read (emission
 *                      tick, the chip's synOps counter) with the program's initial weights
 *      effectiveMACs = 0: every activation the chip sends is a binary spike in {0, 1} (no graded spikes)
 *      dense         = Σ_projections denseWeights · steps, denseWeights = pre.size · post.size (conv: synapses)
 *    Biases are not counted.
 *  - Membrane updates: effective = the chip's integrating compartment updates (helpers included: the chip
 *    counts per core); dense = compartments of model layers × steps.
 *  - Dead neurons: no spike over the run; bursting neurons: spiking in ≥ 90 % of ticks (a neuron fires at most
 *    once per tick, so its spike count is its count of spiking ticks). Spiking populations only.
 *  - Spike density over active neurons (per population; the spiking auto-encoder's metric, papers.md §3):
 *    Σs / (N_active · T), N_active = neurons that fired at least once (size − dead), T = ticks. Unlike
 *    1 − activation sparsity it leaves the dead neurons out, so it says how hard the live ones fire
 *    (1 = a spike every tick). null for non-spiking readouts and when no neuron fired (0/0).
 *  - Firing-rate histogram: per population, neurons per bin of spikes per tick, bin edges
 *    RATE_BIN_EDGES_PER_MILLE / 1000 (1-2-5 steps; the last bin [0.9, 1] is the bursting one).
 *  - Inferences per second: 1e9 / inference time in ns, where inference time = Σ_t max(tickPeriodNs,
 *    latency_t) for a paced chip (a fixed tick period, or `run --tick-period-us`), else Σ_t latency_t (the
 *    modelled per-tick latency); null when neither is modelled. It is the report's simulated time
 *    (chip/report/time-basis.ts), the same figure static energy and average power are computed on.
 * Helper populations: front ends add populations that are not layers of the model, named with a leading
 * "__" (NIR constant drives `__nir_bias`, `__nir_once`, `__nir_bias_from_<s>`, `__nir_bias_delay_<d>`, docs/nir.md), and projections so
 * named (`__<node>.reset`, the reset of `--reset snntorch-subtract`: not model synapses, nor weights). Their spikes carry biases, which
 * NeuroBench does not count as synaptic ops, so they and their outgoing projections are left out of the
 * totals of synaptic ops, connection and activation sparsity, dead/bursting neurons and dense membrane
 * updates (they are still listed, flagged `helper`). Their stored synapses and state stay in the footprint
 * and weight count: NeuroBench counts biases as parameters.
 * Energy is not a NeuroBench algorithm-track metric; energy per inference is the run's total energy.
 * All figures are over the ticks the chip ran (a NIR model runs T + extraTicks ticks for T data steps).
 */
import type { ChipSpec } from "../spec/types.ts";
import type { ChipProgram } from "../program/types.ts";
import { NeuronKind } from "../program/types.ts";
import { neuronStateBits } from "../spec/memory.ts";
import { coreSynapseMemoryBits } from "../program/core-memory.ts";
import { inputsTakeNeuronSlots } from "../spec/neuron-slots.ts";
import { COUNTER_COUNT, CounterKind } from "../sim/counters.ts";
import type { SimResult } from "../sim/run.ts";
import type { SimState } from "../sim/state.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import type { TimeBasis } from "./time-basis.ts";
import { traceBitsPerNeuron } from "./trace-memory.ts";

/** Firing-rate histogram bin edges in spikes per 1000 ticks: bin k = [e_k, e_k+1), the last closed. */
export const RATE_BIN_EDGES_PER_MILLE = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 900, 1000] as const;
/** Bursting: spiking in at least BURST_PER_MILLE / 1000 of the ticks. */
export const BURST_PER_MILLE = 900;

export interface Footprint {
  readonly weightBytes: number;
  readonly neuronStateBytes: number;
  readonly traceBytes: number;
  /** weightBytes + neuronStateBytes + traceBytes. */
  readonly totalBytes: number;
}

export interface SynapticOps {
  readonly effectiveACs: number;
  readonly effectiveMACs: number;
  readonly dense: number;
}

/** Populations a front end added that are not model layers (see the module comment). */
/**
 * Whether neuron i keeps a θ: one that moves (it rises on spikes, thetaPlus ≠ 0, or drifts, homeostasis
 * thetaDrift ≠ 0) or a loaded one held fixed (evaluate --frozen: thetaPlus 0, thetaInit ≠ 0).
 */
function adaptsThreshold(p: { readonly thetaPlus?: Float64Array; readonly thetaDrift?: Float64Array; readonly thetaInit?: Float64Array }, i: number): boolean {
  return (p.thetaPlus !== undefined && p.thetaPlus[i] !== 0) || (p.thetaDrift !== undefined && p.thetaDrift[i] !== 0) || (p.thetaInit !== undefined && p.thetaInit[i] !== 0);
}

export function isHelperPopulation(name: string): boolean {
  return name.startsWith("__");
}

/**
 * A front end's projection that is no model synapse: from a helper population (a constant drive), or itself
 * named with the helper prefix (the NIR front end's `__<node>.reset` self-synapses of `--reset
 * snntorch-subtract`, which carry the neuron's reset −θ: docs/nir.md "Resets").
 */
export function isHelperProjection(pr: { readonly name: string; readonly pre: string }): boolean {
  return isHelperPopulation(pr.pre) || pr.name.startsWith("__");
}

export interface PopulationMetrics {
  readonly name: string;
  /** A front-end helper (constant drive), not a model layer: left out of the totals. */
  readonly helper: boolean;
  readonly kind: "input" | "neuron";
  readonly spiking: boolean;
  readonly size: number;
  readonly spikes: number;
  readonly meanRatePerTick: number;
  /** null for non-spiking readouts. */
  readonly activationSparsity: number | null;
  readonly deadNeurons: number | null;
  readonly burstingNeurons: number | null;
  /**
   * spikes ÷ ((size − deadNeurons) × ticks): spike density over the neurons that fired at least once; null for
   * non-spiking readouts and when no neuron fired. Added within version 1; absent from reports written before it.
   */
  readonly spikeDensityActive?: number | null;
  /** Neurons per firing-rate bin (RATE_BIN_EDGES_PER_MILLE); null for non-spiking readouts. */
  readonly rateHistogram: number[] | null;
  /** Over the projections ending on this population. */
  readonly synapticOpsIn: SynapticOps;
  /** null when no projection ends on this population. */
  readonly connectionSparsityIn: number | null;
  /** Incoming weights, this population's neuron state, and the traces it owns. */
  readonly footprint: Footprint;
}

export interface ProjectionMetrics {
  readonly name: string;
  /** From a helper population (a bias drive): left out of synaptic-op and sparsity totals. */
  readonly helper: boolean;
  readonly pre: string;
  readonly post: string;
  readonly encoding: string;
  readonly synapses: number;
  readonly nonZeroSynapses: number;
  /** Weights of the matrix the projection is a view of (see the module comment). */
  readonly denseWeights: number;
  readonly connectionSparsity: number;
  readonly synapticOps: SynapticOps;
}

export interface CoreMetrics {
  readonly coreId: number;
  /** Mapped neurons (compartments and input neurons), as in the mapping report. */
  readonly neurons: number;
  readonly compartments: number;
  readonly inputAxons: number;
  readonly outputAxons: number;
  readonly synapses: number;
  readonly synapseMemoryBits: number;
  readonly neuronMemoryBits: number;
  /**
   * used / limit of the neuron, input-axon, output-axon and synapse-memory limits (the mapping report's definition;
   * neurons: those taking neuron slots, i.e. without input neurons on a chip whose inputs are AER events,
   * core.inputsTakeNeuronSlots false, chip/spec/neuron-slots.ts).
   */
  readonly utilisation: { readonly neurons: number; readonly inputAxons: number; readonly outputAxons: number; readonly synapseMemory: number };
}

export type InferenceTimeBasis = TimeBasis;

export interface RunMetrics {
  readonly definitions: string;
  /** RATE_BIN_EDGES_PER_MILLE / 1000. */
  readonly rateHistogramEdgesPerTick: number[];
  readonly totals: {
    /** Stored synaptic weights, bias drives included (NeuroBench parameter count; neuron constants are not learnable here). */
    readonly weightCount: number;
    readonly footprint: Footprint & { readonly synapseMemoryBytes: number };
    readonly connectionSparsity: number;
    readonly activationSparsity: number;
    readonly synapticOps: SynapticOps;
    readonly neuronUpdates: { readonly effective: number; readonly dense: number };
    readonly deadNeurons: number;
    readonly burstingNeurons: number;
    /** Neurons of spiking non-input populations (the activation-sparsity denominator per tick). */
    readonly spikingNeurons: number;
    readonly inferenceTimeNs: number | null;
    readonly inferencesPerSecond: number | null;
    readonly inferenceTimeBasis: InferenceTimeBasis;
    readonly energyPerInferencePj: number;
  };
  readonly perPopulation: PopulationMetrics[];
  readonly perProjection: ProjectionMetrics[];
  readonly perCore: CoreMetrics[];
}

export const METRIC_DEFINITIONS =
  "NeuroBench (Yik et al., Nat. Commun. 16:1545, 2025; harness @e521c28): footprint = stored bits of weights, neuron state and traces at the chip's widths / 8; " +
  "connection sparsity = zero weights / weights; activation sparsity = 1 - spikes / (neurons x steps) over spiking non-input layers; " +
  "effective ACs = spikes x non-zero synapses (binary spikes, so effective MACs = 0); dense ops = sum over projections of pre x post (conv: synapses) x steps; " +
  "dead = no spike in the run; bursting = spiking in >= 90% of ticks; one run = one inference.";

const bytes = (bits: number): number => bits / 8;
const footprint = (wBits: number, sBits: number, tBits: number): Footprint => ({
  weightBytes: bytes(wBits), neuronStateBytes: bytes(sBits), traceBytes: bytes(tBits), totalBytes: bytes(wBits + sBits + tBits),
});

/**
 * Spike density over active neurons, Σs / (N_active · T) with N_active = size − dead (neurons that fired at
 * least once); null when none fired (0/0). A neuron fires at most once per tick, so it lies in (0, 1].
 */
export function spikeDensityOverActive(spikes: number, size: number, dead: number, steps: number): number | null {
  const active = size - dead;
  return active > 0 && steps > 0 ? spikes / (active * steps) : null;
}

/** Bin of a neuron with `spikes` spikes over `steps` ticks (exact integer comparisons). */
export function rateBin(spikes: number, steps: number): number {
  const last = RATE_BIN_EDGES_PER_MILLE.length - 2;
  if (steps <= 0) return 0;
  for (let k = last; k > 0; k--) if (spikes * 1000 >= RATE_BIN_EDGES_PER_MILLE[k] * steps) return k;
  return 0;
}

export interface MetricsContext {
  /** The run's time on `timeBasis` (ns): Σ_t max(tickPeriodNs, latency_t) or Σ_t latency_t (chip/report/time-basis.ts). */
  readonly simulatedTimeNs: number;
  readonly timeBasis: TimeBasis;
  /** Total energy of the run (pJ), dynamic + static. */
  readonly energyTotalPj: number;
}

/** What the per-core metrics read of a program: they do not depend on the run. */
export interface ProgramCoreFigures {
  readonly perCore: CoreMetrics[];
  /** Σ synapseMemoryBits over the cores. */
  readonly synapseMemoryTotalBits: number;
}

/**
 * Per-core metrics of `program`, as the mapping report (compiler/compile.ts) computes utilisation. They read
 * the crossbars, so a caller that releases the program's per-synapse arrays once the state is built
 * (chip/sim/state.ts releaseProgramSynapses) computes them before and hands them to computeRunMetrics.
 */
export function programCoreFigures(spec: ChipSpec, program: ChipProgram): ProgramCoreFigures {
  program.cores.forEach((cp) => {
    if (cp.neurons.kind.length !== cp.neuronCount) {
      throw new AerchipError("E_INTERNAL", `core ${cp.coreId} of the program has no neuron parameters: its arrays were released`, { field: "program", hint: "compute programCoreFigures before releaseProgramSynapses and pass them to the report" });
    }
  });
  const lim = spec.core;
  const takeSlots = inputsTakeNeuronSlots(spec);
  const stateBitsPerNeuron = neuronStateBits(spec);
  const thetaBits = neuronStateBits(spec, { adaptiveThreshold: true }) - stateBitsPerNeuron;
  let synapseMemoryTotalBits = 0;
  const perCore: CoreMetrics[] = program.cores.map((cp) => {
    let compartments = 0, adaptive = 0;
    for (let i = 0; i < cp.neuronCount; i++) {
      if (cp.neurons.kind[i] !== NeuronKind.compartment) continue;
      compartments++;
      if (adaptsThreshold(cp.neurons, i)) adaptive++;
    }
    const synapses = cp.crossbar.synTarget.length;
    const inputAxons = cp.crossbar.axonCount;
    const outputAxons = cp.routing.routeDestCore.length;
    const smBits = coreSynapseMemoryBits(spec, cp); // exact per-axon layout and the core's own delay field, as the mapping report
    synapseMemoryTotalBits += smBits;
    return {
      coreId: cp.coreId, neurons: cp.neuronCount, compartments, inputAxons, outputAxons, synapses,
      synapseMemoryBits: smBits, neuronMemoryBits: compartments * stateBitsPerNeuron + adaptive * thetaBits,
      utilisation: { neurons: (takeSlots ? cp.neuronCount : compartments) / lim.maxNeurons, inputAxons: inputAxons / lim.maxInputAxons, outputAxons: outputAxons / lim.maxOutputAxons, synapseMemory: smBits / lim.synapseMemoryBits },
    };
  });
  return { perCore, synapseMemoryTotalBits };
}

/**
 * Per projection k of a compact-layout state: stored synapses, non-zero weights, and effective ACs (Σ over
 * non-zero synapses of their source's spikes). A function of its own with the weight test specialised per
 * encoding (one loop over every synapse: 3.56M on SANA-FE's DVS network, run once at the end of a run, so
 * mostly before V8 has optimised a larger function).
 */
function countCompactSynapses(st: SimState, spikesPerNeuron: ArrayLike<number>, stored: Float64Array, nonZero: Float64Array, effective: Float64Array): void {
  if (st.synapses.kind === "wide") return;
  const c = compactSynapseCounts(st, stored.length);
  stored.set(c.stored);
  nonZero.set(c.nonZero);
  // effective_k = Σ_n spikes_n · (non-zero synapses of neuron n in projection k)
  for (let n = 0; n < st.neuronCount; n++) {
    const sp = spikesPerNeuron[n];
    if (sp === 0) continue;
    for (let e = c.neuronStart[n]; e < c.neuronStart[n + 1]; e++) effective[c.projection[e]] += sp * c.nonZeroOf[e];
  }
}

/** Per state (compact layouts, whose weights never change): synapses per projection and non-zero ones per (neuron, projection). */
interface CompactSynapseCounts {
  readonly stored: Float64Array;
  readonly nonZero: Float64Array;
  /** Entries of neuron n: neuronStart[n] … neuronStart[n + 1] − 1, each a projection and its non-zero synapse count. */
  readonly neuronStart: Uint32Array;
  readonly projection: Uint32Array;
  readonly nonZeroOf: Float64Array;
}

/**
 * Computed once per state: every report of a run on it reads the same counts (`aerchip evaluate` reports one
 * run per sample on one state; the walk over every synapse was a third of its time).
 */
const compactCounts = new WeakMap<SimState, CompactSynapseCounts>();

function compactSynapseCounts(st: SimState, K: number): CompactSynapseCounts {
  const have = compactCounts.get(st);
  if (have !== undefined && have.stored.length === K) return have;
  if (st.synapses.kind === "wide") throw new AerchipError("E_INTERNAL", "compact synapse counts asked of a wide-layout state", { field: "state" });
  const ws = st.synapses.weights;
  const proj = st.synapses.projection;
  // Whether synapse s has a non-zero weight, as weightAt(ws, s) !== 0.
  const zeroCode = ws.kind === "palette" ? Uint8Array.from(ws.table, (w) => (w === 0 ? 1 : 0)) : undefined;
  const { neuronGroupStart, groupSynStart } = st;
  const stored = new Float64Array(K);
  const nonZero = new Float64Array(K);
  const neuronStart = new Uint32Array(st.neuronCount + 1);
  const perK = new Float64Array(K);
  const touched: number[] = [];
  const entryProjection: number[] = [];
  const entryNonZero: number[] = [];
  for (let n = 0; n < st.neuronCount; n++) {
    const lo = groupSynStart[neuronGroupStart[n]];
    const hi = groupSynStart[neuronGroupStart[n + 1]];
    for (let s = lo; s < hi; s++) {
      const k = proj === undefined ? 0 : proj[s];
      stored[k]++;
      const zero = ws.kind === "palette" ? zeroCode![ws.code[s]] === 1 : ws.w[s] === 0;
      if (!zero) {
        if (perK[k] === 0) touched.push(k);
        perK[k]++;
        nonZero[k]++;
      }
    }
    for (const k of touched) { entryProjection.push(k); entryNonZero.push(perK[k]); perK[k] = 0; }
    touched.length = 0;
    neuronStart[n + 1] = entryProjection.length;
  }
  const made = { stored, nonZero, neuronStart, projection: Uint32Array.from(entryProjection), nonZeroOf: Float64Array.from(entryNonZero) };
  compactCounts.set(st, made);
  return made;
}

/** `cores`: the program's per-core figures, computed before its arrays were released (else from `program`). */
/**
 * Ticks in which each neuron fired at least once. A neuron fires at most once per tick, so this is its spike
 * count, except for an input population whose stimulus kept repeats (--input-counts): there c spikes of one
 * neuron in one tick are one active tick, counted from the spike record (sorted by tick, then neuron, so the
 * repeats of one (tick, neuron) are adjacent).
 */
function activeTicksPerNeuron(program: ChipProgram, res: SimResult, spikesPerNeuron: ArrayLike<number>): ArrayLike<number> {
  const st = res.state;
  let out: Float64Array | undefined;
  program.populations.forEach((p, pi) => {
    if (p.kind !== "input") return;
    const rec = res.spikes.get(p.name);
    if (rec === undefined) return;
    let repeats = false;
    for (let k = 1; k < rec.tick.length && !repeats; k++) repeats = rec.tick[k] === rec.tick[k - 1] && rec.neuron[k] === rec.neuron[k - 1];
    if (!repeats) return;
    const local = new Float64Array(p.size);
    for (let k = 0; k < rec.tick.length; k++) if (k === 0 || rec.tick[k] !== rec.tick[k - 1] || rec.neuron[k] !== rec.neuron[k - 1]) local[rec.neuron[k]]++;
    out ??= Float64Array.from(spikesPerNeuron);
    for (let n = 0; n < st.neuronCount; n++) if (st.populationOfNeuron[n] === pi) out[n] = local[st.indexInPopulation[n]];
  });
  return out ?? spikesPerNeuron;
}

export function computeRunMetrics(spec: ChipSpec, program: ChipProgram, res: SimResult, ctx: MetricsContext, cores?: ProgramCoreFigures): RunMetrics {
  const st = res.state;
  const T = res.steps;
  const P = program.populations.length;
  const K = program.projections.length;
  const spikesPerNeuron = res.counters.spikesPerNeuron;
  const popIndex = new Map(program.populations.map((p, i) => [p.name, i] as const));
  const plastic = program.projections.map((pr) => pr.plasticity !== undefined);

  // Per projection: non-zero synapses (program weights) and effective ACs, walking the source-major layout.
  const nonZero = new Float64Array(K);
  const stored = new Float64Array(K);
  const effective = new Float64Array(K);
  if (st.synapses.kind !== "wide") {
    // Compact layouts (no plastic projection): the state's weights are the program's.
    countCompactSynapses(st, spikesPerNeuron, stored, nonZero, effective);
  } else {
    for (let n = 0; n < st.neuronCount; n++) {
      const sp = spikesPerNeuron[n];
      for (let g = st.neuronGroupStart[n]; g < st.neuronGroupStart[n + 1]; g++) {
        for (let s = st.groupSynStart[g]; s < st.groupSynStart[g + 1]; s++) {
          const k = st.synProjection[s];
          stored[k]++;
          // The simulator's weights are the program's except where learning changed them: read those from the program.
          const w = plastic[k] ? program.cores[st.synCore[s]].crossbar.synWeight[st.synLocal[s]] : st.synWeight[s];
          if (w !== 0) {
            nonZero[k]++;
            effective[k] += sp;
          }
        }
      }
    }
  }
  // Trace bits of every plastic projection (pair STDP and general rules), per population and per core.
  const traceBits = traceBitsPerNeuron(program, st, spec.precision.traceBits);
  const popTraceBits = new Float64Array(P);
  const corePostTraceBits = new Float64Array(program.cores.length);
  for (let n = 0; n < st.neuronCount; n++) {
    popTraceBits[st.populationOfNeuron[n]] += traceBits.pre[n] + traceBits.post[n];
    corePostTraceBits[st.coreOfNeuron[n]] += traceBits.post[n];
  }

  const wBitsPerSynapse = spec.core.axonTypes !== undefined ? 1 : spec.precision.weightBits;
  const stateBitsPerNeuron = neuronStateBits(spec);
  // Compartments that adapt their threshold keep θ too (chip/spec/memory.ts): per population, their count.
  const thetaBits = neuronStateBits(spec, { adaptiveThreshold: true }) - stateBitsPerNeuron;
  const popAdaptive = new Float64Array(P);
  if (st.thetaPlus !== undefined) for (let n = 0; n < st.neuronCount; n++) if (adaptsThreshold(st, n)) popAdaptive[st.populationOfNeuron[n]]++;

  const perProjection: ProjectionMetrics[] = program.projections.map((pr, k) => {
    const pre = program.populations[popIndex.get(pr.pre) ?? 0];
    const post = program.populations[popIndex.get(pr.post) ?? 0];
    const denseWeights = pr.encoding === "conv" ? pr.synapseCount : pre.size * post.size;
    const nz = Math.min(nonZero[k], denseWeights);
    return {
      name: pr.name, helper: isHelperProjection(pr), pre: pr.pre, post: pr.post, encoding: pr.encoding, synapses: pr.synapseCount, nonZeroSynapses: nonZero[k], denseWeights,
      connectionSparsity: denseWeights === 0 ? 1 : (denseWeights - nz) / denseWeights,
      synapticOps: { effectiveACs: effective[k], effectiveMACs: 0, dense: denseWeights * T },
    };
  });

  const RB = RATE_BIN_EDGES_PER_MILLE.length - 1;
  // Activity is over (neuron, tick) cells: an input neuron fired c times in one tick (--input-counts) is one
  // active cell, so sparsity, density, bursting and the rate histogram stay fractions of the cells.
  const activeTicks = activeTicksPerNeuron(program, res, spikesPerNeuron);
  const popActive = new Float64Array(P);
  const popSpikes = new Float64Array(P);
  const popDead = new Float64Array(P);
  const popBurst = new Float64Array(P);
  const hist = new Float64Array(P * RB);
  for (let n = 0; n < st.neuronCount; n++) {
    const p = st.populationOfNeuron[n];
    const sp = spikesPerNeuron[n];
    const act = activeTicks[n];
    popSpikes[p] += sp;
    popActive[p] += act;
    if (sp === 0) popDead[p]++;
    if (T > 0 && act * 1000 >= BURST_PER_MILLE * T) popBurst[p]++;
    hist[p * RB + rateBin(act, T)]++;
  }
  const perPopulation: PopulationMetrics[] = program.populations.map((p, i) => {
    let ac = 0, dense = 0, zeros = 0, weights = 0, wBits = 0, any = false;
    program.projections.forEach((pr, k) => {
      if (pr.post !== p.name) return;
      const m = perProjection[k];
      wBits += stored[k] * wBitsPerSynapse;
      if (m.helper) return;
      any = true;
      ac += m.synapticOps.effectiveACs;
      dense += m.synapticOps.dense;
      weights += m.denseWeights;
      zeros += m.denseWeights - Math.min(m.nonZeroSynapses, m.denseWeights);
    });
    const neuronPop = p.kind === "neuron";
    const cells = p.size * T;
    return {
      name: p.name, helper: isHelperPopulation(p.name), kind: p.kind, spiking: p.spiking, size: p.size, spikes: popSpikes[i],
      meanRatePerTick: cells > 0 ? popSpikes[i] / cells : 0,
      activationSparsity: p.spiking ? (cells > 0 ? 1 - popActive[i] / cells : 1) : null,
      deadNeurons: p.spiking ? popDead[i] : null,
      burstingNeurons: p.spiking ? popBurst[i] : null,
      spikeDensityActive: p.spiking ? spikeDensityOverActive(popActive[i], p.size, popDead[i], T) : null,
      rateHistogram: p.spiking ? Array.from(hist.subarray(i * RB, (i + 1) * RB)) : null,
      synapticOpsIn: { effectiveACs: ac, effectiveMACs: 0, dense },
      connectionSparsityIn: any ? (weights === 0 ? 1 : zeros / weights) : null,
      footprint: footprint(wBits, neuronPop ? p.size * stateBitsPerNeuron + popAdaptive[i] * thetaBits : 0, popTraceBits[i]),
    };
  });

  const figures = cores ?? programCoreFigures(spec, program);
  const { synapseMemoryTotalBits } = figures;
  // The program's per-core figures plus the post traces its neurons keep (they depend on the state's layout).
  const perCore = figures.perCore.map((c, i) => (corePostTraceBits[i] === 0 ? c : { ...c, neuronMemoryBits: c.neuronMemoryBits + corePostTraceBits[i] }));

  // Totals.
  let weightCount = 0, storedSynapses = 0, denseW = 0, zeroW = 0, acs = 0, denseOps = 0;
  perProjection.forEach((m, k) => {
    // Bias drives count as parameters (NeuroBench counts biases); reset self-synapses are the neuron's θ, not weights.
    if (!m.helper || isHelperPopulation(m.pre)) weightCount += m.synapses;
    storedSynapses += stored[k];
    if (m.helper) return;
    denseW += m.denseWeights;
    zeroW += m.denseWeights - Math.min(m.nonZeroSynapses, m.denseWeights);
    acs += m.synapticOps.effectiveACs;
    denseOps += m.synapticOps.dense;
  });
  let layerSpikes = 0, layerNeurons = 0, dead = 0, burst = 0, compartments = 0, stateBits = 0, traceTotal = 0;
  perPopulation.forEach((m, i) => {
    traceTotal += popTraceBits[i];
    if (m.kind !== "neuron") return;
    stateBits += m.size * stateBitsPerNeuron + popAdaptive[i] * thetaBits;
    if (m.helper) return;
    compartments += m.size;
    if (!m.spiking) return;
    layerSpikes += m.spikes;
    layerNeurons += m.size;
    dead += m.deadNeurons ?? 0;
    burst += m.burstingNeurons ?? 0;
  });
  let updates = 0;
  for (let c = 0; c < st.coreCount; c++) updates += res.counters.perCore[c * COUNTER_COUNT + CounterKind.neuronUpdates];
  // One run is one inference: its time is the report's simulated time, on the same basis.
  const basis: InferenceTimeBasis = ctx.timeBasis;
  const inferenceTimeNs = basis === "not-modelled" ? null : ctx.simulatedTimeNs;
  const wBits = storedSynapses * wBitsPerSynapse;
  const tBits = traceTotal;
  const layerCells = layerNeurons * T;
  return {
    definitions: METRIC_DEFINITIONS,
    rateHistogramEdgesPerTick: RATE_BIN_EDGES_PER_MILLE.map((e) => e / 1000),
    totals: {
      weightCount,
      footprint: { ...footprint(wBits, stateBits, tBits), synapseMemoryBytes: bytes(synapseMemoryTotalBits) },
      connectionSparsity: denseW === 0 ? 1 : zeroW / denseW,
      activationSparsity: layerCells > 0 ? 1 - layerSpikes / layerCells : 1,
      synapticOps: { effectiveACs: acs, effectiveMACs: 0, dense: denseOps },
      neuronUpdates: { effective: updates, dense: compartments * T },
      deadNeurons: dead, burstingNeurons: burst, spikingNeurons: layerNeurons,
      inferenceTimeNs,
      inferencesPerSecond: inferenceTimeNs !== null && inferenceTimeNs > 0 ? 1e9 / inferenceTimeNs : null,
      inferenceTimeBasis: basis,
      energyPerInferencePj: ctx.energyTotalPj,
    },
    perPopulation, perProjection, perCore,
  };
}
