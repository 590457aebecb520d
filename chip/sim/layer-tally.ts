/**
 * Per population (layer) and per tick, the neuron and learning counters the engine otherwise keeps per core
 * (SimulateOptions.layerTallies: `aerchip run --per-layer-ticks`). Opt-in: a run without it never builds one.
 *
 * Neuron counters. The partition may pack blocks of several populations onto one core
 * (compiler/passes/partition.ts: "puts small populations together"), so a core's tally does not belong to
 * one population. The update kernels (update.ts) tally whatever core range they are given, and a core's
 * neurons are contiguous runs of one population each (blocks are contiguous neuron ranges). So this run's
 * update phase calls the same kernels on *segments* — maximal runs of one population within one core —
 * with the segment's core's class:
 *   segTally[s] = the kernel's [accesses, updates, updates with input, fired, overflows] over segment s,
 * every neuron computing exactly what it computes in a per-core call (the kernels keep no state across
 * neurons but the tallies). Then, exactly (whole numbers in float64):
 *   coreTally[c]              = Σ_{segments s of c} segTally[s]         (what addTallies bills, unchanged)
 *   layer[t, p].<counter>     = Σ_{segments s of population p} segTally[s]
 * so Σ_p layer[t, p] = perTick[t] for neuronAccesses, neuronUpdates and neuronUpdatesWithInput. The fired
 * list's per-entry running counts (for the detailed timing model) are made core-relative again by adding
 * the tallies of the core's earlier segments. The segment calls use the TypeScript kernels (the same
 * arithmetic as the WebAssembly ones), on the calling thread.
 *
 * Learning counters (synUpdates, learnTraceUpdates). Pair STDP and the learning engine count them on the
 * core of the plastic synapse, which is its post neuron's core (chip/sim/learning.ts: synCore; pre traces on
 * their synapses' core, post traces on the post neuron's core). They are attributed to the post population
 * of the plastic projection: all of a core's learning work serves the plastic synapses ending on that core,
 * so when those all end in one population the split is exact:
 *   layer[t, p].synUpdates = Σ_{cores c with learnPopulation[c] = p} tickCore[c].synUpdates
 * A core holding post neurons of plastic projections of two populations cannot be split this way and is
 * refused (E_LAYER_TICKS_LEARNING) before the run. With a learning engine (`learning` rules), the updates that
 * changed a stored weight (what a chip with learningBilledOn "changes" bills) are split the same way, from
 * the engine's per-core count (LearningEngine.weightChangesByCore, also indexed by the synapse's core), with
 * the tags applied at the run's end in its last tick, as SimResult.weightChangesPerTick has them.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipProgram } from "../program/types.ts";
import { COUNTER_COUNT, CounterKind } from "./counters.ts";
import type { LearningEngine } from "./learning.ts";
import type { SimState } from "./state.ts";
import { classRuns, TALLY_ACCESSES, TALLY_COUNT, TALLY_FIRED, TALLY_UPDATES, TALLY_WITH_INPUT, type UpdateContext } from "./update.ts";
import { updateCoreRuns } from "./update-cores.ts";

/** The counts per tick and population: [t · P + p], P = populations.length. */
export interface LayerTallies {
  readonly steps: number;
  readonly populations: readonly string[];
  readonly neuronAccesses: Float64Array;
  readonly neuronUpdates: Float64Array;
  readonly neuronUpdatesWithInput: Float64Array;
  /** Present when the run learned (pair STDP or a learning engine, learning enabled). */
  readonly synUpdates?: Float64Array;
  readonly learnTraceUpdates?: Float64Array;
  /** Present with a learning engine (`learning` rules; pair STDP does not count its weight changes). */
  readonly weightChanges?: Float64Array;
}

export class LayerTally {
  readonly result: LayerTallies;
  private readonly P: number;
  private readonly segUpd: UpdateContext;
  private readonly segRuns: Uint32Array;
  private readonly segCore: Uint32Array;
  private readonly segPop: Uint16Array;
  private readonly segOfNeuron: Uint32Array;
  private readonly segTally: Float64Array;
  /** Per segment: the running counts of its core's earlier segments (accessed, updated, fired) this tick. */
  private readonly before: Float64Array;
  private readonly learnPop: Int32Array;
  /** With a learning engine: its per-core weight-change counts when last read. */
  private readonly changesSeen: Float64Array;

  constructor(program: ChipProgram, st: SimState, upd: UpdateContext, coreClass: Uint8Array, steps: number, learns: boolean, le: LearningEngine | undefined) {
    const names = program.populations.map((p) => p.name);
    const P = names.length;
    this.P = P;
    const starts: number[] = [];
    const cores: number[] = [];
    const pops: number[] = [];
    const segOfNeuron = new Uint32Array(st.neuronCount);
    for (let c = 0; c < st.coreCount; c++) {
      for (let n = st.coreNeuronStart[c]; n < st.coreNeuronStart[c + 1]; n++) {
        if (n === st.coreNeuronStart[c] || st.populationOfNeuron[n] !== st.populationOfNeuron[n - 1]) {
          starts.push(n);
          cores.push(c);
          pops.push(st.populationOfNeuron[n]);
        }
        segOfNeuron[n] = starts.length - 1;
      }
    }
    starts.push(st.neuronCount);
    const S = cores.length;
    this.segCore = Uint32Array.from(cores);
    this.segPop = Uint16Array.from(pops);
    this.segOfNeuron = segOfNeuron;
    this.segTally = new Float64Array(Math.max(1, S) * TALLY_COUNT);
    this.before = new Float64Array(Math.max(1, S) * 3);
    this.segRuns = classRuns(Uint8Array.from(cores, (c) => coreClass[c]));
    this.segUpd = { ...upd, coreNeuronStart: Uint32Array.from(starts), coreTally: this.segTally, wasm: undefined, wasmContext: 0 };
    this.learnPop = learns ? learningPopulations(program, st) : new Int32Array(0);
    this.changesSeen = le === undefined ? new Float64Array(0) : le.weightChangesByCore.slice();
    const z = (): Float64Array => new Float64Array(steps * P);
    this.result = {
      steps, populations: names, neuronAccesses: z(), neuronUpdates: z(), neuronUpdatesWithInput: z(),
      ...(learns ? { synUpdates: z(), learnTraceUpdates: z() } : {}),
      ...(learns && le !== undefined ? { weightChanges: z() } : {}),
    };
  }

  /**
   * Phase 2 of tick t by segments (see the header), in place of updateCoreRuns over cores: writes the cores'
   * tallies to `upd.coreTally` as a per-core call would, and adds the segments' to the tick's rows.
   */
  update(upd: UpdateContext, t: number, stim: Uint32Array, from: number, to: number, coreClass: Uint8Array, coreOfNeuron: Uint32Array, n0: number, n1: number): number {
    const nFired = updateCoreRuns(this.segUpd, this.segRuns, t, stim, from, to, coreClass, coreOfNeuron, n0, n1);
    const { segTally, segCore, segPop, before, P } = this;
    const tally = upd.coreTally;
    tally.fill(0);
    const r = this.result;
    const row = t * P;
    for (let s = 0; s < segCore.length; s++) {
      const c = segCore[s];
      const j = s * TALLY_COUNT;
      const o = c * TALLY_COUNT;
      // The core's running counts before segment s (its earlier segments' tallies, added so far).
      before[s * 3] = tally[o + TALLY_ACCESSES];
      before[s * 3 + 1] = upd.updatedWithInput ? tally[o + TALLY_WITH_INPUT] : tally[o + TALLY_UPDATES];
      before[s * 3 + 2] = tally[o + TALLY_FIRED];
      for (let k = 0; k < TALLY_COUNT; k++) tally[o + k] += segTally[j + k];
      const p = row + segPop[s];
      r.neuronAccesses[p] += segTally[j + TALLY_ACCESSES];
      r.neuronUpdates[p] += segTally[j + TALLY_UPDATES];
      r.neuronUpdatesWithInput[p] += segTally[j + TALLY_WITH_INPUT];
    }
    // Per fired entry, the kernels wrote counts relative to its segment; the timing model reads them per core.
    const { fired, firedAccessed, firedUpdated, firedFired } = upd;
    for (let f = 0; f < nFired; f++) {
      const b = this.segOfNeuron[fired[f]] * 3;
      firedAccessed[f] += before[b];
      firedUpdated[f] += before[b + 1];
      firedFired[f] += before[b + 2];
    }
    return nFired;
  }

  /** The tick's learning counters (tickCore, per core, before they are folded) into its rows. */
  addLearning(t: number, tickCore: Float64Array): void {
    const r = this.result;
    if (r.synUpdates === undefined || r.learnTraceUpdates === undefined) return;
    const K = COUNTER_COUNT;
    for (let c = 0; c < this.learnPop.length; c++) {
      const su = tickCore[c * K + CounterKind.synUpdates];
      const tu = tickCore[c * K + CounterKind.learnTraceUpdates];
      if (su === 0 && tu === 0) continue;
      const p = this.populationLearningOn(c);
      r.synUpdates[t * this.P + p] += su;
      r.learnTraceUpdates[t * this.P + p] += tu;
    }
  }

  /** The engine's weight changes since the last call (per core) into tick t's rows. */
  addWeightChanges(t: number, le: LearningEngine): void {
    const out = this.result.weightChanges;
    if (out === undefined) return;
    const now = le.weightChangesByCore;
    const seen = this.changesSeen;
    for (let c = 0; c < seen.length; c++) {
      const d = now[c] - seen[c];
      if (d === 0) continue;
      out[t * this.P + this.populationLearningOn(c)] += d;
      seen[c] = now[c];
    }
  }

  private populationLearningOn(c: number): number {
    const p = this.learnPop[c];
    if (p < 0) throw new AerchipError("E_INTERNAL", `core ${c} counted learning work but holds no post neuron of a plastic projection`, { field: "layerTallies", hint: "report this as a bug" });
    return p;
  }
}

/**
 * Per core, the post population of the plastic synapses stored on it (−1: none). Throws
 * E_LAYER_TICKS_LEARNING when one core stores plastic synapses ending in two populations.
 */
function learningPopulations(program: ChipProgram, st: SimState): Int32Array {
  const out = new Int32Array(st.coreCount).fill(-1);
  const popIndex = new Map(program.populations.map((p, i) => [p.name, i] as const));
  const plasticPost = Int32Array.from(program.projections, (pr) => (pr.plasticity !== undefined || pr.learning !== undefined ? popIndex.get(pr.post) ?? -1 : -1));
  for (let s = 0; s < st.synCore.length; s++) {
    const p = plasticPost[st.synProjection[s]];
    if (p < 0) continue;
    const c = st.synCore[s];
    if (out[c] === -1) out[c] = p;
    else if (out[c] !== p) {
      const a = program.populations[out[c]].name;
      const b = program.populations[p].name;
      throw new AerchipError("E_LAYER_TICKS_LEARNING", `--per-layer-ticks cannot split core ${st.coreId[c]}'s learning counts between populations "${a}" and "${b}": both receive plastic synapses stored on that core, and the chip counts learning work per core`, {
        field: "--per-layer-ticks",
        hint: "drop --per-layer-ticks (report.json keeps the learning counts per core), or give the plastic projections' post populations cores of their own (e.g. populations too large to share a core, or a chip with smaller cores)",
      });
    }
  }
  return out;
}
