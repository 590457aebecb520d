/**
 * Outboxes of a team's parts (assembly/kernels.ts partTick and writeOutboxes). Every part must put every
 * spike of the previous tick on its wheel, in the one-thread order, with the records of its own targets
 * (segments.ts). Looking those records up costs a cache miss or two per spike (a record range and the
 * records of a scattered neuron), and every part would pay it for every spike. Instead, the part that owns
 * a spiking neuron copies the neuron's records for every part, at the end of its tick, into one box per
 * target part: the lookups are split over the parts, and a part reads its boxes in part order (the
 * combined order) from consecutive memory.
 *
 * A box of part p for part q and tick parity π (a tick's boxes are read during the next tick while their
 * writers run it, hence two): int32 words [0] p's spikes that tick, [1] record words written (−1: it
 * overflowed, and q takes p's spikes from the combined list), [2] capacity in words, [3] unused, then
 * records of REC_WORDS words (delay, first, end, base). The source records of part p, per own neuron n
 * from start[n − n0]: the same records with word 0 = delay | q << 16.
 */
import { AerchipError } from "../../../core/diagnostics.ts";
import type { ArrayAllocator } from "../alloc.ts";
import type { SimState } from "../state.ts";
import { REC_WORDS, type SpikeRecords } from "./segments.ts";

/** Int32 words before a box's records. */
export const OUTBOX_HEADER_WORDS = 4;
/** Most records a box holds (a tick whose spikes carry more to one part overflows it: 256 KiB per box). */
const OUTBOX_MAX_RECORDS = 16384;
/** Delays fit in the low 16 bits of a source record's word 0 (state.ts groupDelay is uint16). */
const PART_SHIFT = 16;

export interface PartOutboxes {
  /** Per part: its source records (start over its own neurons, records). */
  readonly sources: readonly SpikeRecords[];
  /** Box addresses [(p · parts + q) · 2 + parity]. */
  readonly table: Uint32Array;
}

/**
 * The outboxes of parts whose neurons are [neuronStart[p], neuronStart[p + 1]) and whose own records are
 * `records[p]`, in `a` (the state's memory). A box holds at most all of its source's records for its
 * target, and at most OUTBOX_MAX_RECORDS.
 */
export function buildOutboxes(st: SimState, neuronStart: readonly number[], records: readonly SpikeRecords[], a: ArrayAllocator): PartOutboxes {
  const P = records.length;
  // Both hold by construction (MAX_THREADS parts; delays are uint16): a record word keeps both exactly.
  if (P >= 1 << (31 - PART_SHIFT) || st.maxDelayTicks >= 1 << PART_SHIFT) {
    throw new AerchipError("E_INTERNAL", `outbox records cannot hold ${P} parts and delays of ${st.maxDelayTicks} ticks`, { field: "threads", hint: "run with fewer threads" });
  }
  const sources: SpikeRecords[] = [];
  const table = a.u32(2 * P * P);
  for (let p = 0; p < P; p++) {
    const n0 = neuronStart[p], n1 = neuronStart[p + 1];
    // Records from p to each q: the box's capacity.
    const toPart = new Array<number>(P).fill(0);
    let total = 0;
    for (let q = 0; q < P; q++) {
      const rs = records[q].recStart;
      toPart[q] = rs[n1] - rs[n0];
      total += toPart[q];
    }
    const start = a.u32(n1 - n0 + 1);
    const rec = a.i32(REC_WORDS * total);
    let k = 0;
    for (let n = n0; n < n1; n++) {
      for (let q = 0; q < P; q++) {
        const { recStart, rec: from } = records[q];
        for (let j = recStart[n]; j < recStart[n + 1]; j++) {
          const o = REC_WORDS * k, i = REC_WORDS * j;
          rec[o] = from[i] | (q << PART_SHIFT);
          rec[o + 1] = from[i + 1];
          rec[o + 2] = from[i + 2];
          rec[o + 3] = from[i + 3];
          k++;
        }
      }
      start[n - n0 + 1] = k;
    }
    sources.push({ recStart: start, rec });
    for (let q = 0; q < P; q++) {
      const capWords = REC_WORDS * Math.max(1, Math.min(OUTBOX_MAX_RECORDS, toPart[q]));
      for (let parity = 0; parity < 2; parity++) {
        const box = a.i32(OUTBOX_HEADER_WORDS + capWords);
        box[2] = capWords;
        table[(p * P + q) * 2 + parity] = box.byteOffset;
      }
    }
  }
  return { sources, table };
}
