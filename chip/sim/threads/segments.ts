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
import type { SimState } from "../state.ts";
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
  return buildPartRecords(st, Uint32Array.of(n0, n1), [true], alloc)[0]!;
}

/**
 * The records of every wanted part p (neurons [neuronBounds[p], neuronBounds[p + 1])) in one pass over the
 * synapses: each group's synapses are cut into maximal runs of one part's targets, each run a record of
 * that part. The same records as buildSpikeRecords part by part, which walked every synapse once per part
 * (SANA-FE's DVS network, 3.56M synapses: 32 ms for two parts on the main thread at every team start).
 */
export function buildPartRecords(st: SimState, neuronBounds: Uint32Array, want: readonly boolean[], alloc?: ArrayAllocator): (SpikeRecords | undefined)[] {
  const { neuronGroupStart, groupSynStart, groupDelay } = st;
  const sy = st.synapses;
  const { groupDense, neuronBase } = sy;
  const offsetLayout = sy.kind === "offset16";
  const offset = sy.kind === "offset16" ? sy.offset : new Uint16Array(0);
  const target = sy.target;
  const dense = groupDense.length > 0;
  const N = st.neuronCount;
  const P = want.length;
  // The part owning each neuron (−1: no wanted part).
  const partOf = new Int32Array(N).fill(-1);
  for (let p = 0; p < P; p++) if (want[p]) partOf.fill(p, neuronBounds[p], neuronBounds[p + 1]);
  const recStart = want.map((w) => (w ? new Uint32Array(N + 1) : undefined));
  const rec = want.map(() => new Int32Array(REC_WORDS * 1024));
  const count = new Int32Array(P);
  // synapseTarget (state.ts), inlined: offset16 targets are base + offset, or a side table for a negative base.
  const targetOf = (base: number, s: number): number => (!offsetLayout ? target[s] : base >= 0 ? base + offset[s] : target[s + 1 + base]);
  for (let n = 0; n < N; n++) {
    const base = offsetLayout ? neuronBase[n] : 0;
    for (let g = neuronGroupStart[n]; g < neuronGroupStart[n + 1]; g++) {
      const s1 = groupSynStart[g + 1];
      let s = groupSynStart[g];
      while (s < s1) {
        const p = partOf[targetOf(base, s)];
        const start = s;
        s++;
        while (s < s1 && partOf[targetOf(base, s)] === p) s++;
        if (p < 0) continue;
        let r = rec[p];
        const c = count[p];
        if (REC_WORDS * (c + 1) > r.length) {
          const r2 = new Int32Array(r.length * 2); r2.set(r); r = r2; rec[p] = r2;
        }
        const o = REC_WORDS * c;
        r[o] = groupDelay[g];
        // A run of a dense group is dense too: its first synapse carries the flag (bit 31, which the int32
        // word reads as DENSE_RECORD_BIT).
        r[o + 1] = dense && groupDense[g] === 1 ? (start + DENSE_FLAG_U32) | 0 : start;
        r[o + 2] = s;
        r[o + 3] = offsetLayout ? base : 0;
        count[p] = c + 1;
      }
    }
    for (let p = 0; p < P; p++) { const rs = recStart[p]; if (rs !== undefined) rs[n + 1] = count[p]; }
  }
  return want.map((w, p) => {
    if (!w) return undefined;
    const words = REC_WORDS * count[p];
    if (alloc === undefined) return { recStart: recStart[p]!, rec: rec[p].slice(0, words) };
    const out = { recStart: alloc.u32(N + 1), rec: alloc.i32(words) };
    out.recStart.set(recStart[p]!);
    out.rec.set(rec[p].subarray(0, words));
    return out;
  });
}
