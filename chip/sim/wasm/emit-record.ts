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
import type { WasmStateBinding } from "./binding.ts";

/** uint16 words per neuron. */
export const EMIT_RECORD_WORDS = 8;
const MAX_U16 = 0xffff;

type Traffic = Pick<SimState, "neuronCount" | "routePtr" | "neuronGroupStart" | "groupSynStart" | "neuronHopsEast" | "neuronHopsWest" | "neuronHopsNorth" | "neuronHopsSouth" | "neuronPacketsLocal" | "neuronPacketsInTile">;

/**
 * The state's records (made once, in its memory, and kept in its binding), or null when a value does not
 * fit. A team makes them while its workers start (threads/team.ts), so its first run does not.
 */
export function emitRecordsOf(b: WasmStateBinding, st: Traffic): Uint16Array | null {
  if (b.runs.emitRecord === undefined) {
    const built = buildEmitRecords(st);
    let rec: Uint16Array | null = null;
    if (built !== undefined) {
      rec = b.arena.allocator().u16(built.length);
      rec.set(built);
    }
    b.runs.emitRecord = rec;
  }
  return b.runs.emitRecord;
}

/**
 * The records of every neuron (a heap array), or undefined when a value does not fit in 16 bits. One pass
 * per quantity, so each loop reads one array type (this runs once per state, mostly before V8 has
 * optimised it).
 */
export function buildEmitRecords(st: Traffic): Uint16Array | undefined {
  const N = st.neuronCount;
  if (N === 0) return undefined;
  const { routePtr, neuronGroupStart, groupSynStart } = st;
  const tmp = new Uint16Array(EMIT_RECORD_WORDS * N);
  // Routes and synaptic ops; a neuron without routes keeps a zero record.
  for (let n = 0, o = 0; n < N; n++, o += EMIT_RECORD_WORDS) {
    const routes = routePtr[n + 1] - routePtr[n];
    if (routes === 0) continue;
    const syn = groupSynStart[neuronGroupStart[n + 1]] - groupSynStart[neuronGroupStart[n]];
    if (routes > MAX_U16 || syn > MAX_U16) return undefined;
    tmp[o] = routes;
    tmp[o + 7] = syn;
  }
  const fields = [st.neuronHopsEast, st.neuronHopsWest, st.neuronHopsNorth, st.neuronHopsSouth, st.neuronPacketsLocal, st.neuronPacketsInTile];
  for (let i = 0; i < fields.length; i++) if (!copyField(fields[i], tmp, 1 + i, N)) return undefined;
  return tmp;
}

/** Word `at` of each record with routes ← f[n]; false when a value does not fit in 16 bits. */
function copyField(f: ArrayLike<number>, rec: Uint16Array, at: number, N: number): boolean {
  for (let n = 0, o = 0; n < N; n++, o += EMIT_RECORD_WORDS) {
    if (rec[o] === 0) continue;
    const x = f[n];
    if (x > MAX_U16) return false;
    rec[o + at] = x;
  }
  return true;
}
