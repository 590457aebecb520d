/**
 * A thread's share of every spike's synapses. Threads own contiguous ranges of cores, hence of neurons
 * [n0, n1); a source neuron's groups (its synapses of one delay each, source-major order, state.ts) may
 * reach neurons of several threads. For each source neuron n the thread keeps its records
 * k in [recStart[n], recStart[n+1]): the maximal runs of consecutive synapses [recLo[k], recHi[k]) of one
 * group whose targets it owns (bit 31 of recLo[k] set for a run of a dense group), with that group's delay
 * recDelay[k], in group then synapse order. A spike reads its records sequentially (one cache miss per
 * spike, not one per group).
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

export interface SpikeRecords {
  readonly recStart: Uint32Array;
  readonly recDelay: Uint16Array;
  readonly recLo: Uint32Array;
  readonly recHi: Uint32Array;
}

/** The records of neurons [n0, n1)'s part; with `alloc`, in arrays it makes (the state's memory, for the WebAssembly part kernel). */
export function buildSpikeRecords(st: SimState, n0: number, n1: number, alloc?: ArrayAllocator): SpikeRecords {
  const { neuronGroupStart, groupSynStart, groupDelay } = st;
  const { groupDense } = st.synapses;
  const dense = groupDense.length > 0;
  const N = st.neuronCount;
  const recStart = new Uint32Array(N + 1);
  let delay = new Uint16Array(1024);
  let lo = new Uint32Array(1024);
  let hi = new Uint32Array(1024);
  let count = 0;
  for (let n = 0; n < N; n++) {
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
        if (count === lo.length) {
          const d2 = new Uint16Array(count * 2); d2.set(delay); delay = d2;
          const l2 = new Uint32Array(count * 2); l2.set(lo); lo = l2;
          const h2 = new Uint32Array(count * 2); h2.set(hi); hi = h2;
        }
        delay[count] = groupDelay[g];
        // A run of a dense group is dense too: its first synapse carries the flag (as an unsigned bit 31,
        // which the int32 record word reads as DENSE_RECORD_BIT).
        lo[count] = dense && groupDense[g] === 1 ? start + DENSE_FLAG_U32 : start;
        hi[count] = s;
        count++;
      }
    }
    recStart[n + 1] = count;
  }
  if (alloc === undefined) return { recStart, recDelay: delay.slice(0, count), recLo: lo.slice(0, count), recHi: hi.slice(0, count) };
  const out = { recStart: alloc.u32(N + 1), recDelay: alloc.u16(count), recLo: alloc.u32(count), recHi: alloc.u32(count) };
  out.recStart.set(recStart);
  out.recDelay.set(delay.subarray(0, count));
  out.recLo.set(lo.subarray(0, count));
  out.recHi.set(hi.subarray(0, count));
  return out;
}
