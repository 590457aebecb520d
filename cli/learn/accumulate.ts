/**
 * Counters summed over many runs of one state (a training schedule: `learn`'s presentations, `train`'s
 * samples): per counter kind over every core, and synaptic ops per synapse encoding, the two inputs of
 * chip/report/energy.ts dynamicEnergyPj (energy = Σ counts × per-operation cost).
 */
import type { SimState } from "../../chip/sim/state.ts";
import type { SimResult } from "../../chip/sim/run.ts";
import { COUNTER_COUNT } from "../../chip/sim/counters.ts";

export interface Accumulator {
  readonly counts: Float64Array;
  readonly synOpsByEnc: Float64Array;
}

export function newAccumulator(st: SimState): Accumulator {
  return { counts: new Float64Array(COUNTER_COUNT), synOpsByEnc: new Float64Array(Math.max(1, st.encodingNames.length)) };
}

/** Adds one run's counters (every core) to `acc`. */
export function addRunCounters(acc: Accumulator, st: SimState, res: SimResult): void {
  const K = COUNTER_COUNT;
  const E = Math.max(1, st.encodingNames.length);
  for (let c = 0; c < st.coreCount; c++) {
    for (let k = 0; k < K; k++) acc.counts[k] += res.counters.perCore[c * K + k];
    for (let e = 0; e < E; e++) acc.synOpsByEnc[e] += res.counters.synOpsByEncoding[c * E + e];
  }
}
