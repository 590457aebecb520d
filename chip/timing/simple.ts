/**
 * `simple` timing (SANA-FE's analytical model, schedule_messages_timestep_simple at 8951ab0): every
 * core works in parallel, and a core's neuron work and its message work are two separate budgets:
 *   gen(c)  = accessed_c·t_access + updated_c·t_update + (accessed_c − updated_c)·t_inactive
 *             + fired_c·t_spike + packetsOut_c·t_out       (t_inactive: Loihi's inactive update; 0 in SANA-FE files)
 *   recv(c) = packetsIn_c·t_in + Σ_e synOps_{c,e}·t_syn(e)
 *   tick    = max( max_c gen(c), max_c recv(c) ) + learn + sync(syncTiles)
 *   learn   = max_c synUpdates_c·t_synUpdate   (the learning phase, costs.ts; 0 without plasticity)
 * Network transit is not on the critical path in this model.
 */
import type { ChipSpec } from "../spec/types.ts";
import { learningPhaseNs, syncLatencyNs, timingCosts, type TimingCosts } from "./costs.ts";
import type { TickWork, TimingModel } from "./types.ts";

export function simpleTickLatencyNs(work: TickWork, spec: ChipSpec): number {
  return simpleLatency(work, spec, timingCosts(spec, work.encodings));
}

function simpleLatency(work: TickWork, spec: ChipSpec, k: TimingCosts): number {
  const E = work.encodings.length;
  let worstGen = 0;
  let worstRecv = 0;
  for (let c = 0; c < work.coreCount; c++) {
    const gen = work.neuronsAccessed[c] * k.accessNs + work.neuronsUpdated[c] * k.updateNs + (work.neuronsAccessed[c] - work.neuronsUpdated[c]) * k.inactiveNs + work.neuronsFired[c] * k.spikeOutNs + work.packetsOut[c] * k.packetOutNs;
    let recv = work.packetsIn[c] * k.packetInNs;
    for (let e = 0; e < E; e++) recv += work.synOps[c * E + e] * k.synOpNs[e];
    if (gen > worstGen) worstGen = gen;
    if (recv > worstRecv) worstRecv = recv;
  }
  return Math.max(worstGen, worstRecv) + learningPhaseNs(work.synUpdates, k) + syncLatencyNs(spec.sync, work.syncTiles);
}

/**
 * The models of this module. The simulator may compute their latency inside its fused WebAssembly kernel
 * (chip/sim/wasm/fused.ts: the same operations in the same order) instead of calling tickLatencyNs.
 */
const builtIn = new WeakSet<TimingModel>();

/** Whether `m` is this module's `simple` model (not a user's model of the same name). */
export function isSimpleTiming(m: TimingModel): boolean {
  return builtIn.has(m);
}

export const simpleTiming: TimingModel = { name: "simple", tickLatencyNs: simpleTickLatencyNs };
builtIn.add(simpleTiming);

/** A `simple` TimingModel that reads the spec's costs once (per spec and encodings), not every tick. */
export function createSimpleTiming(): TimingModel {
  let cachedSpec: ChipSpec | undefined;
  let cachedEncodings: readonly string[] | undefined;
  let costs: TimingCosts | undefined;
  const model: TimingModel = {
    name: "simple",
    tickLatencyNs: (work, spec) => {
      if (costs === undefined || cachedSpec !== spec || cachedEncodings !== work.encodings) {
        costs = timingCosts(spec, work.encodings);
        cachedSpec = spec;
        cachedEncodings = work.encodings;
      }
      return simpleLatency(work, spec, costs);
    },
  };
  builtIn.add(model);
  return model;
}
