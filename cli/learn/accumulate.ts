/**
 * Counters summed over many runs of one state (a training schedule: `learn`'s presentations, `train`'s
 * samples): per counter kind over every core, and per synapse encoding the synaptic count the chip's
 * energySynOpPj multiplies, the two inputs of chip/report/energy.ts dynamicEnergyPj (energy = Σ counts ×
 * per-operation cost). That count is the one `run`'s report bills (chip/report/run-report.ts):
 *   entries   (ChipSpec.synOpsBilledOn absent or "entries"): Σ_runs synOps_e, every entry a spike reads;
 *   connected (synOpsBilledOn "connected", a connect-bit crossbar): Σ_runs connected_e, the events on synapses
 *             with a non-zero weight, with each run's weights at its end (chip/report/connected-synapses.ts),
 *             so a training run bills as a `run` of each of its samples would.
 */
import type { SimState } from "../../chip/sim/state.ts";
import type { SimResult } from "../../chip/sim/run.ts";
import { COUNTER_COUNT } from "../../chip/sim/counters.ts";
import type { ChipProgram } from "../../chip/program/types.ts";
import { synOpBillingBasis, type ChipSpec } from "../../chip/spec/types.ts";
import { connectedSynOps } from "../../chip/report/connected-synapses.ts";

export interface Accumulator {
  readonly counts: Float64Array;
  /** Per encoding: the count energySynOpPj bills (every entry, or the connected events on a "connected" spec). */
  readonly synOpsByEnc: Float64Array;
  /** The program whose connected synapses are billed (a "connected" spec only). */
  readonly connectedOf?: ChipProgram;
}

/** `spec`/`program`: the chip and program the runs are of; on a spec billing connected synapses, those are counted. */
export function newAccumulator(st: SimState, spec: ChipSpec, program: ChipProgram): Accumulator {
  return {
    counts: new Float64Array(COUNTER_COUNT), synOpsByEnc: new Float64Array(Math.max(1, st.encodingNames.length)),
    ...(synOpBillingBasis(spec) === "connected" ? { connectedOf: program } : {}),
  };
}

/** Adds one run's counters (every core) to `acc`. */
export function addRunCounters(acc: Accumulator, st: SimState, res: SimResult): void {
  const K = COUNTER_COUNT;
  const E = Math.max(1, st.encodingNames.length);
  for (let c = 0; c < st.coreCount; c++) for (let k = 0; k < K; k++) acc.counts[k] += res.counters.perCore[c * K + k];
  if (acc.connectedOf !== undefined) {
    const connected = connectedSynOps(acc.connectedOf, res).totals;
    for (let e = 0; e < E; e++) acc.synOpsByEnc[e] += connected[e];
    return;
  }
  for (let c = 0; c < st.coreCount; c++) for (let e = 0; e < E; e++) acc.synOpsByEnc[e] += res.counters.synOpsByEncoding[c * E + e];
}
