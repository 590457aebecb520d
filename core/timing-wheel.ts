/**
 * TimingWheel: a ring of per-tick buckets of integer handles (Brian2's spike queue idea) for events
 * whose delay is a whole number of ticks. Scheduling and draining are O(1) per handle and FIFO within a
 * bucket, so the order of events inside a tick is the order they were scheduled (deterministic).
 *
 * With `slots` = maxDelay + 1, an event scheduled at tick t for t + d (1 <= d <= maxDelay) never lands in
 * the bucket of tick t, which is being drained or was drained already.
 * Buckets start at `initialCapacity` and double when full: after warm-up no allocation happens.
 */
export class TimingWheel {
  readonly slots: number;
  private readonly buckets: Int32Array[];
  private readonly lengths: Int32Array;

  constructor(slots: number, initialCapacity = 64) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`TimingWheel: slots must be a positive integer, got ${slots}`);
    this.slots = slots;
    this.buckets = Array.from({ length: slots }, () => new Int32Array(Math.max(1, initialCapacity)));
    this.lengths = new Int32Array(slots);
  }

  /** Adds `handle` to the bucket of absolute tick `tick`. */
  schedule(tick: number, handle: number): void {
    const slot = tick % this.slots;
    let bucket = this.buckets[slot];
    const len = this.lengths[slot];
    if (len === bucket.length) {
      const grown = new Int32Array(bucket.length * 2);
      grown.set(bucket);
      this.buckets[slot] = grown;
      bucket = grown;
    }
    bucket[len] = handle;
    this.lengths[slot] = len + 1;
  }

  /** The bucket of `tick` (valid entries are [0, length(tick))). Read it, then call clear(tick). */
  bucket(tick: number): Int32Array {
    return this.buckets[tick % this.slots];
  }

  length(tick: number): number {
    return this.lengths[tick % this.slots];
  }

  clear(tick: number): void {
    this.lengths[tick % this.slots] = 0;
  }

  clearAll(): void {
    this.lengths.fill(0);
  }

  /** Handles pending in all buckets. */
  pending(): number {
    let n = 0;
    for (let i = 0; i < this.slots; i++) n += this.lengths[i];
    return n;
  }
}
