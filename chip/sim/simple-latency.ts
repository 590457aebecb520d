/**
 * The `simple` per-tick latency model (analytical, after SANA-FE's): cores work in parallel and the
 * tick ends at a mesh-wide barrier, so
 *   tick latency = max_c Σ_op count_c(op) · latency(op) + sync(mapped tiles)
 * where the per-core sum covers synaptic ops (per encoding), neuron accesses and updates, spikes out,
 * and packets out/in. Network transit overlaps with core work in this model.
 */
import { syncTableLatencyNs, type ChipSpec, type CostEntry } from "../spec/types.ts";
import { COUNTER_COUNT, CounterKind } from "./counters.ts";
import { synOpLatencyNs } from "../report/energy.ts";
import type { SimState } from "./state.ts";
import type { TickLatencyFn } from "./run.ts";

const v = (c: CostEntry | undefined): number => (c === undefined ? 0 : c.value);

export function mappedTiles(st: SimState, spec: ChipSpec): number {
  const tiles = new Set<number>();
  for (let c = 0; c < st.coreCount; c++) tiles.add(Math.floor(st.coreId[c] / spec.mesh.coresPerTile));
  return tiles.size;
}

export function makeSimpleLatency(spec: ChipSpec, st: SimState): TickLatencyFn {
  const c = spec.costs;
  const K = COUNTER_COUNT;
  const E = Math.max(1, st.encodingNames.length);
  const synLat = Float64Array.from(st.encodingNames, (e) => synOpLatencyNs(c, e));
  const access = v(c.latencyNeuronAccessNs);
  const update = v(c.latencyNeuronUpdateNs);
  const inactive = c.latencyNeuronInactiveNs;
  const spikeOut = v(c.latencySpikeOutNs);
  const pktOut = v(c.latencyPacketOutNs);
  const pktIn = v(c.latencyPacketInNs);
  const barrierNs = syncTableLatencyNs(spec.sync, mappedTiles(st, spec));
  return (_tick, state, tickCore, tickSynOpsByEncoding) => {
    let worst = 0;
    for (let core = 0; core < state.coreCount; core++) {
      const o = core * K;
      let ns = 0;
      for (let e = 0; e < synLat.length; e++) ns += tickSynOpsByEncoding[core * E + e] * synLat[e];
      const accesses = tickCore[o + CounterKind.neuronAccesses];
      ns += accesses * access;
      if (inactive !== undefined) {
        const withInput = tickCore[o + CounterKind.neuronUpdatesWithInput];
        ns += withInput * update + (accesses - withInput) * inactive.value;
      } else ns += tickCore[o + CounterKind.neuronUpdates] * update;
      ns += tickCore[o + CounterKind.neuronsFired] * spikeOut + tickCore[o + CounterKind.packetsOut] * pktOut + tickCore[o + CounterKind.packetsIn] * pktIn;
      if (ns > worst) worst = ns;
    }
    return worst + barrierNs;
  };
}
