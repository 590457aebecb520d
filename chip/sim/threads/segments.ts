/**
 * A thread's share of every spike's synapses. Threads own contiguous ranges of cores, hence of neurons
 * [n0, n1); a source neuron's groups (its synapses of one delay each, source-major order, state.ts) may
 * reach neurons of several threads. For each source neuron n the thread keeps its records
 * k in [recStart[n], recStart[n+1]): the maximal runs of consecutive synapses [lo, hi) of one group whose
 * targets it owns (bit 31 of lo set for a run of a dense group), with that group's delay, in group then
 * synapse order. A record is REC_WORDS int32 words of `rec` at 4k: delay, lo, hi, and the base its
 * targets are offsets from (the neuron's neuronBase in the offset16 layout, else 0): the three words a
 * wheel bucket record carries after its −1, so scheduling a spike reads one place (one cache miss) after
 * its neuron's recStart, and copies.
 *
 * Why this keeps every sum bit-identical to one thread: a neuron's input is the float64 sum of its
 * synapses' weights in bucket order, then synapse order (deliver.ts). A thread schedules the same spikes
 * in the same order as the one-thread run and applies, for each record, the same synapses to its neurons
 * in the same order; it merely skips synapses of other threads' neurons, which touch other sums.
 */
import { synapseTarget, type SimState } from "../state.ts";
import type { ArrayAllocator } from "../alloc.ts";

/** DENSE_RECORD_BIT (dense-groups.ts) as the uint32 bit the record arrays hold. */
const DENSE_FLAG_U32 = 0x80000000;

/** Int32 words per record of SpikeRecords.rec: delay, first synapse (bit 31: dense), end synapse, target base. */
export const REC_WORDS = 4;

export interface SpikeRecords {
  readonly recStart: Uint32Array;
  readonly rec: Int32Array;
}

/** The records of neurons [n0, n1)'s part; with `alloc`, in arrays it makes (the state's memory, for the WebAssembly part kernel). */
export function buildSpikeRecords(st: SimState, n0: number, n1: number, alloc?: ArrayAllocator): SpikeRecords {
  const { neuronGroupStart, groupSynStart, groupDelay } = st;
  const { groupDense, neuronBase } = st.synapses;
  const offsetLayout = st.synapses.kind === "offset16";
  const dense = groupDense.length > 0;
  const N = st.neuronCount;
  const recStart = new Uint32Array(N + 1);
  let rec = new Int32Array(REC_WORDS * 1024);
  let count = 0;
  for (let n = 0; n < N; n++) {
    const base = offsetLayout ? neuronBase[n] : 0;
    for (let g = neuronGroupStart[n]; g < neuronGroupStart[n + 1]; g++) {
      const s1 = groupSynStart[g + 1];
      let s = groupSynStart[g];
      while (s < s1) {
        const tg = synapseTarget(st, n, s);
        if (tg < n0 || tg >= n1) { s++; continue; }
        const start = s;
        s++;
        while (s < s1) {
          const t2 = synapseTarget(st, n, s);
          if (t2 < n0 || t2 >= n1) break;
          s++;
        }
        if (REC_WORDS * (count + 1) > rec.length) {
          const r2 = new Int32Array(rec.length * 2); r2.set(rec); rec = r2;
        }
        const o = REC_WORDS * count;
        rec[o] = groupDelay[g];
        // A run of a dense group is dense too: its first synapse carries the flag (bit 31, which the int32
        // word reads as DENSE_RECORD_BIT).
        rec[o + 1] = dense && groupDense[g] === 1 ? (start + DENSE_FLAG_U32) | 0 : start;
        rec[o + 2] = s;
        rec[o + 3] = base;
        count++;
      }
    }
    recStart[n + 1] = count;
  }
  if (alloc === undefined) return { recStart, rec: rec.slice(0, REC_WORDS * count) };
  const out = { recStart: alloc.u32(N + 1), rec: alloc.i32(REC_WORDS * count) };
  out.recStart.set(recStart);
  out.rec.set(rec.subarray(0, REC_WORDS * count));
  return out;
}
