/**
 * Each neuron's traffic per spike in one 16-byte record, for the emission kernel's counting (emitSpikes).
 *
 * Why: a spike's traffic is a constant of its neuron (packets = its routes, hops east / west / north /
 * south, local and in-tile packets, synaptic ops = the synapses of its groups), kept in the state as one
 * array per quantity (build-parts.ts, state.ts). Counting a tick's spikes reads ~10 arrays per spike at a
 * random neuron, ~10 cache lines. A multi-threaded run counts every tick on the main thread while its
 * caches hold its own part of the chip, so those reads miss (bench_lif10k, 2 threads: ~4 µs of a ~35 µs
 * tick). One record per neuron puts them on one line (a one-thread run, which also schedules each spike's
 * groups and so reads most of those arrays anyway, keeps them in its caches and does not use the records):
 *   record n = [routes, hopsEast, hopsWest, hopsNorth, hopsSouth, packetsLocal, packetsInTile, synOps] (uint16),
 * all zero for a neuron without routes (the kernel then adds nothing, as it skips such a neuron in the arrays).
 * The sums are the same whole numbers added in the same order. A state with any value above 65,535 (or no
 * neurons) gets no record, and the kernel reads the arrays as before. Memory: 16 bytes per neuron (the
 * 1M-neuron / 100M-synapse network: 0.16 bytes per synapse).
 */
import type { SimState } from "../state.ts";
import type { ArrayAllocator } from "../alloc.ts";

/** uint16 words per neuron. */
export const EMIT_RECORD_WORDS = 8;
const MAX_U16 = 0xffff;

type Traffic = Pick<SimState, "neuronCount" | "routePtr" | "neuronGroupStart" | "groupSynStart" | "neuronHopsEast" | "neuronHopsWest" | "neuronHopsNorth" | "neuronHopsSouth" | "neuronPacketsLocal" | "neuronPacketsInTile">;

/** The records of every neuron, or undefined when a value does not fit in 16 bits. */
export function buildEmitRecords(st: Traffic, alloc: ArrayAllocator): Uint16Array | undefined {
  const N = st.neuronCount;
  if (N === 0) return undefined;
  const { routePtr, neuronGroupStart, groupSynStart } = st;
  const fields = [st.neuronHopsEast, st.neuronHopsWest, st.neuronHopsNorth, st.neuronHopsSouth, st.neuronPacketsLocal, st.neuronPacketsInTile];
  // Check first, so that a state that cannot have records allocates nothing.
  for (let n = 0; n < N; n++) {
    if (routePtr[n + 1] - routePtr[n] === 0) continue;
    if (routePtr[n + 1] - routePtr[n] > MAX_U16) return undefined;
    if (groupSynStart[neuronGroupStart[n + 1]] - groupSynStart[neuronGroupStart[n]] > MAX_U16) return undefined;
    for (const f of fields) if (f[n] > MAX_U16) return undefined;
  }
  const rec = alloc.u16(EMIT_RECORD_WORDS * N);
  for (let n = 0; n < N; n++) {
    const has = routePtr[n + 1] - routePtr[n] > 0;
    const o = EMIT_RECORD_WORDS * n;
    rec[o] = routePtr[n + 1] - routePtr[n];
    for (let i = 0; i < fields.length; i++) rec[o + 1 + i] = has ? fields[i][n] : 0;
    rec[o + 7] = has ? groupSynStart[neuronGroupStart[n + 1]] - groupSynStart[neuronGroupStart[n]] : 0;
  }
  return rec;
}
