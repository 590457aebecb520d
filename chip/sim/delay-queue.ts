/**
 * The simulator's timing wheel: a ring of per-tick buckets of records (group, first synapse, end synapse,
 * target base) — a synapse group a spike scheduled for that tick, its synapse range (so delivery reads no
 * group table; the first synapse's sign bit flags a dense group, dense-groups.ts), and the target base of
 * its source neuron (offset16 layout; 0 otherwise).
 * FIFO within a bucket, so a tick's groups are applied in the order their spikes were emitted (oldest
 * emission tick first, then firing order, then the neuron's groups by delay), which fixes the order of
 * the float64 additions into each neuron's input.
 *
 * With `slots` = maxDelay + 1, a record scheduled at tick t for t + d (1 ≤ d ≤ maxDelay) never lands in
 * the bucket of tick t. Buckets double when full; after warm-up scheduling allocates nothing.
 */
import { DENSE_RECORD_BIT } from "./dense-groups.ts";

/** Int32 entries per record: group, first synapse, end synapse, base. */
export const RECORD_INTS = 4;

export class DelayQueue {
  readonly slots: number;
  private readonly buckets: Int32Array[];
  private readonly lengths: Int32Array;

  constructor(slots: number, initialRecords = 256) {
    this.slots = slots;
    this.buckets = Array.from({ length: slots }, () => new Int32Array(RECORD_INTS * Math.max(1, initialRecords)));
    this.lengths = new Int32Array(slots);
  }

  /** Bucket of absolute tick `tick`: RECORD_INTS Int32 entries per record, [0, length(tick)). */
  bucket(tick: number): Int32Array {
    return this.buckets[tick % this.slots];
  }

  /** Number of Int32 entries (RECORD_INTS per record) in the bucket of `tick`. */
  length(tick: number): number {
    return this.lengths[tick % this.slots];
  }

  clear(tick: number): void {
    this.lengths[tick % this.slots] = 0;
  }

  clearAll(): void {
    this.lengths.fill(0);
  }

  /** Appends `ints` Int32 entries (whole records, in order) to ring slot `slot` (a wheel moved here from elsewhere). */
  appendSlot(slot: number, src: Int32Array, ints: number): void {
    while (this.lengths[slot] + ints > this.buckets[slot].length) this.grow(slot);
    this.buckets[slot].set(src.subarray(0, ints), this.lengths[slot]);
    this.lengths[slot] += ints;
  }

  /**
   * Schedules the groups [g0, g1) of one spike emitted at `tick`: group g at tick + groupDelay[g], with its
   * synapses [groupSynStart[g], groupSynStart[g+1]) and `base`; a dense group's first synapse carries
   * DENSE_RECORD_BIT (dense-groups.ts; `groupDense` is empty for the wide layout, whose records carry none).
   */
  scheduleGroups(tick: number, g0: number, g1: number, groupDelay: Uint16Array, groupSynStart: Uint32Array, base: number, groupDense: Uint8Array): void {
    const flags = groupDense.length > 0;
    const slots = this.slots;
    const t0 = tick % slots;
    for (let g = g0; g < g1; g++) {
      let slot = t0 + groupDelay[g];
      if (slot >= slots) slot -= slots;
      let b = this.buckets[slot];
      const len = this.lengths[slot];
      if (len + RECORD_INTS > b.length) b = this.grow(slot);
      b[len] = g;
      b[len + 1] = flags && groupDense[g] === 1 ? groupSynStart[g] | DENSE_RECORD_BIT : groupSynStart[g];
      b[len + 2] = groupSynStart[g + 1];
      b[len + 3] = base;
      this.lengths[slot] = len + RECORD_INTS;
    }
  }

  /**
   * As scheduleGroups, for a thread that owns part of the targets: one spike's records k in [k0, k1) of
   * the part's packed records (threads/segments.ts, 4 words each: delay, first synapse, end synapse, target
   * base), each into the bucket of tick + delay as (−1, first, end, base). The group field is not needed
   * by the compact kernels and is written as −1.
   */
  scheduleRecords(tick: number, k0: number, k1: number, rec: Int32Array): void {
    const slots = this.slots;
    const t0 = tick % slots;
    for (let k = k0; k < k1; k++) {
      const o = 4 * k;
      let slot = t0 + rec[o];
      if (slot >= slots) slot -= slots;
      let b = this.buckets[slot];
      const len = this.lengths[slot];
      if (len + RECORD_INTS > b.length) b = this.grow(slot);
      b[len] = -1;
      b[len + 1] = rec[o + 1];
      b[len + 2] = rec[o + 2];
      b[len + 3] = rec[o + 3];
      this.lengths[slot] = len + RECORD_INTS;
    }
  }

  private grow(slot: number): Int32Array {
    const old = this.buckets[slot];
    const b = new Int32Array(old.length * 2);
    b.set(old);
    this.buckets[slot] = b;
    return b;
  }
}
