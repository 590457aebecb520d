/**
 * Trace memory of a run's plastic projections, per neuron (the footprint of metrics.ts and per-core
 * neuron memory read it), in the layout the engines count:
 *   - pre traces of a general rule (`learning`): one set per (source neuron, delay, projection, destination
 *     core), i.e. per input axon and delay on each core that holds synapses of the source group: on the chip
 *     each core keeps the traces with its own input axons (Davies et al. 2018; Lava's learning engine), so a
 *     source feeding k cores has k copies (identical values, which the engine stores once but counts k times:
 *     LearningEngine.traceMemoryBits, audit s24b #7). Pair STDP (`plasticity`, the snnref-1 path) keeps one set
 *     per (source neuron, delay, projection), as before. Both are charged to the source neuron;
 *   - post traces: pair STDP (`plasticity`, chip/sim/plasticity.ts) keeps one per (projection, post neuron
 *     with a synapse of it); a general rule (`learning`, chip/sim/learning.ts buildLearningEngine) keeps one
 *     set per (projection, neuron of the post population), whether or not the neuron has a synapse of it.
 * Widths: pair-STDP traces at the chip's traceBits; a general rule's trace at its own `bits` when it
 * declares them (what the engine rounds it to), else at the chip's traceBits (the engine keeps an
 * undeclared trace as a float64, the emulator's stand-in for the chip's trace register):
 *   pre bits  of a set = Σ_{x traces of the rule} (bits ?? traceBits)
 *   post bits of a set = Σ_{y traces of the rule} (bits ?? traceBits)
 * With floatTraceBits = 64 the total is the engine's own LearningEngine.traceMemoryBits
 * (tests/chip/report/trace-memory.test.ts holds the two together).
 */
import type { ChipProgram } from "../program/types.ts";
import { ruleTraceSetBits } from "../program/learning-program.ts";
import type { SimState } from "../sim/state.ts";

export interface TraceBitsPerNeuron {
  /** Pre-trace bits charged to each (global) neuron: the sets of its (delay, projection) groups. */
  readonly pre: Float64Array;
  /** Post-trace bits each neuron keeps. */
  readonly post: Float64Array;
}

/**
 * Trace bits per neuron of `st` (a wide-layout state: the layout of every plastic program), with pair-STDP
 * traces and undeclared general-rule traces at `floatTraceBits` (the chip's precision.traceBits).
 */
export function traceBitsPerNeuron(program: ChipProgram, st: SimState, floatTraceBits: number): TraceBitsPerNeuron {
  const N = st.neuronCount;
  const K = program.projections.length;
  const pre = new Float64Array(N);
  const post = new Float64Array(N);
  const preSet = new Float64Array(K);
  const postSet = new Float64Array(K);
  let any = false;
  program.projections.forEach((pr, k) => {
    if (pr.learning !== undefined) {
      preSet[k] = ruleTraceSetBits(pr.learning, true, floatTraceBits);
      postSet[k] = ruleTraceSetBits(pr.learning, false, floatTraceBits);
      any = true;
    } else if (pr.plasticity !== undefined) {
      preSet[k] = floatTraceBits;
      postSet[k] = floatTraceBits;
      any = true;
    }
  });
  if (!any || st.synapses.kind !== "wide") return { pre, post };
  // Pre: one set per (group, projection), and for a general rule per destination core too; a neuron has one
  // group per delay. seen[k·C + c] = g + 1 once group g counted projection k's set on core c (c = 0 for pair STDP).
  const C = program.cores.length;
  const seen = new Int32Array(K * C);
  for (let n = 0; n < N; n++) {
    for (let g = st.neuronGroupStart[n]; g < st.neuronGroupStart[n + 1]; g++) {
      for (let s = st.groupSynStart[g]; s < st.groupSynStart[g + 1]; s++) {
        const k = st.synProjection[s];
        if (preSet[k] === 0 && postSet[k] === 0) continue;
        const cell = k * C + (program.projections[k].learning !== undefined ? st.synCore[s] : 0);
        if (seen[cell] !== g + 1) { seen[cell] = g + 1; pre[n] += preSet[k]; }
      }
    }
  }
  // Post: pair STDP per post neuron with a synapse of k; a general rule per neuron of the post population.
  const popIndex = new Map(program.populations.map((p, i) => [p.name, i] as const));
  program.projections.forEach((pr, k) => {
    if (postSet[k] === 0) return;
    if (pr.learning !== undefined) {
      const pi = popIndex.get(pr.post);
      for (let n = 0; n < N; n++) if (st.populationOfNeuron[n] === pi) post[n] += postSet[k];
      return;
    }
    const seen = new Uint8Array(N);
    for (let s = 0; s < st.synTarget.length; s++) {
      if (st.synProjection[s] !== k) continue;
      const t = st.synTarget[s];
      if (seen[t] === 0) { seen[t] = 1; post[t] += postSet[k]; }
    }
  });
  return { pre, post };
}
