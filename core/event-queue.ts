/**
 * TimedEventQueue: a min-queue of integer event handles for events at arbitrary (sub-tick) times.
 *
 * Events are not objects. Their fields live in a struct-of-arrays pool indexed by handle
 * (timeNs Float64Array, seq Float64Array, kind Uint8Array, a/b Int32Array), slots are recycled through a
 * free-list stack, and the pool doubles when full — so once the pool and heap are warm, push/pop
 * allocate nothing. The heap (`fastpriorityqueue`) holds only the small integer handles.
 *
 * Order: handle h comes before g iff (timeNs[h], seq[h]) < (timeNs[g], seq[g]) lexicographically, where
 * seq is a counter incremented at every push. A binary heap is not stable, so without seq two events at
 * the same time could pop in either order depending on the heap's history; with it, same-time events pop
 * in push order (FIFO) and a run is reproducible. seq is a float64 counter: exact up to 2^53 pushes.
 *
 * Whole-tick delays belong on a TimingWheel (O(1)); this queue is for events whose time is not a tick.
 */
import FastPriorityQueue from "fastpriorityqueue";
import { AerchipError } from "./diagnostics.ts";

export const EventQueueErrorCode = {
  /** push() with a NaN time, a kind outside 0..255 or payload words outside int32. */
  badEvent: "E_EVENT_BAD_FIELD",
  /** A handle that is not currently allocated (never pushed, or released twice). */
  badHandle: "E_EVENT_BAD_HANDLE",
} as const;
export type EventQueueErrorCode = (typeof EventQueueErrorCode)[keyof typeof EventQueueErrorCode];

/** Slot states, kept so a double release is caught instead of corrupting the free list. */
const SLOT_FREE = 0;
const SLOT_QUEUED = 1;
const SLOT_POPPED = 2;

export class TimedEventQueue {
  private timeNsArr: Float64Array;
  private seqArr: Float64Array;
  private kindArr: Uint8Array;
  private aArr: Int32Array;
  private bArr: Int32Array;
  private slotState: Uint8Array;
  /** Stack of free handles; freeTop entries are valid. */
  private freeStack: Int32Array;
  private freeTop: number;
  private nextSeq: number;
  private heap: FastPriorityQueue<number>;
  private readonly before: (h: number, g: number) => boolean;

  constructor(initialCapacity = 1024) {
    if (!Number.isInteger(initialCapacity) || initialCapacity < 1 || initialCapacity > 2 ** 30) {
      throw new AerchipError(EventQueueErrorCode.badEvent, `TimedEventQueue: initialCapacity must be an integer in [1, 2^30], got ${initialCapacity}`, {
        field: "initialCapacity", hint: "pass the expected number of simultaneously pending events (the pool doubles when full)",
      });
    }
    this.timeNsArr = new Float64Array(initialCapacity);
    this.seqArr = new Float64Array(initialCapacity);
    this.kindArr = new Uint8Array(initialCapacity);
    this.aArr = new Int32Array(initialCapacity);
    this.bArr = new Int32Array(initialCapacity);
    this.slotState = new Uint8Array(initialCapacity);
    this.freeStack = new Int32Array(initialCapacity);
    this.freeTop = 0;
    this.nextSeq = 0;
    this.fillFreeStack(0, initialCapacity);
    // Reads the pool arrays through `this` because growth replaces them.
    this.before = (h: number, g: number): boolean => {
      const th = this.timeNsArr[h];
      const tg = this.timeNsArr[g];
      return th < tg || (th === tg && this.seqArr[h] < this.seqArr[g]);
    };
    this.heap = new FastPriorityQueue<number>(this.before);
  }

  /** Number of queued (pushed, not yet popped) events. */
  get size(): number {
    return this.heap.size;
  }

  /** Pool slots currently allocated (grows by doubling). */
  get capacity(): number {
    return this.timeNsArr.length;
  }

  /**
   * Queues an event at `timeNs` with a small `kind` code (0..255) and two int32 payload words; returns
   * its handle. The handle stays owned by the queue until it is popped.
   */
  push(timeNs: number, kind: number, a: number, b: number): number {
    if (timeNs !== timeNs || (kind & 255) !== kind || (a | 0) !== a || (b | 0) !== b) this.badEvent(timeNs, kind, a, b);
    if (this.freeTop === 0) this.grow();
    const h = this.freeStack[--this.freeTop];
    this.timeNsArr[h] = timeNs;
    this.seqArr[h] = this.nextSeq++;
    this.kindArr[h] = kind;
    this.aArr[h] = a;
    this.bArr[h] = b;
    this.slotState[h] = SLOT_QUEUED;
    this.heap.add(h);
    return h;
  }

  /** Removes and returns the earliest event's handle, or -1 when empty. Read its fields, then release() it. */
  pop(): number {
    if (this.heap.size === 0) return -1;
    const h = this.heap.poll() as number;
    this.slotState[h] = SLOT_POPPED;
    return h;
  }

  /** Time of the earliest queued event; +Infinity when empty (so `peekTimeNs() <= horizon` is false). */
  peekTimeNs(): number {
    if (this.heap.size === 0) return Infinity;
    return this.timeNsArr[this.heap.peek() as number];
  }

  timeNs(h: number): number {
    return this.timeNsArr[h];
  }

  /** Push order of `h` (the tie-breaker). */
  seq(h: number): number {
    return this.seqArr[h];
  }

  kind(h: number): number {
    return this.kindArr[h];
  }

  a(h: number): number {
    return this.aArr[h];
  }

  b(h: number): number {
    return this.bArr[h];
  }

  /** Returns a popped handle's slot to the pool; the handle must not be used afterwards. */
  release(h: number): void {
    if (!(h >= 0 && h < this.slotState.length && this.slotState[h] === SLOT_POPPED)) {
      const state = h >= 0 && h < this.slotState.length && Number.isInteger(h) ? (this.slotState[h] === SLOT_FREE ? "free" : "still queued") : "out of range";
      throw new AerchipError(EventQueueErrorCode.badHandle, `TimedEventQueue.release: handle ${h} is ${state}; only a handle returned by pop() can be released, once`, {
        field: "handle", hint: "release each popped handle exactly once and never release a queued one",
      });
    }
    this.slotState[h] = SLOT_FREE;
    this.freeStack[this.freeTop++] = h;
  }

  /** Drops every event (queued or popped) and restarts handle and seq numbering, keeping the pool's capacity. */
  clear(): void {
    this.heap = new FastPriorityQueue<number>(this.before);
    this.slotState.fill(SLOT_FREE);
    this.freeTop = 0;
    this.fillFreeStack(0, this.timeNsArr.length);
    this.nextSeq = 0;
  }

  /** Pushes handles hi-1 … lo so that the lowest handle is handed out first (deterministic numbering). */
  private fillFreeStack(lo: number, hi: number): void {
    for (let h = hi - 1; h >= lo; h--) this.freeStack[this.freeTop++] = h;
  }

  private grow(): void {
    const old = this.timeNsArr.length;
    const cap = old * 2;
    this.timeNsArr = grownCopy(this.timeNsArr, new Float64Array(cap));
    this.seqArr = grownCopy(this.seqArr, new Float64Array(cap));
    this.kindArr = grownCopy(this.kindArr, new Uint8Array(cap));
    this.aArr = grownCopy(this.aArr, new Int32Array(cap));
    this.bArr = grownCopy(this.bArr, new Int32Array(cap));
    this.slotState = grownCopy(this.slotState, new Uint8Array(cap));
    // The stack is empty when growth happens; it must be able to hold every handle.
    this.freeStack = new Int32Array(cap);
    this.freeTop = 0;
    this.fillFreeStack(old, cap);
  }

  private badEvent(timeNs: number, kind: number, a: number, b: number): never {
    const [field, value, limit] =
      timeNs !== timeNs ? ["timeNs", timeNs, "a number (not NaN)"]
      : (kind & 255) !== kind ? ["kind", kind, "an integer in 0..255"]
      : (a | 0) !== a ? ["a", a, "an int32"]
      : ["b", b, "an int32"];
    throw new AerchipError(EventQueueErrorCode.badEvent, `TimedEventQueue.push: ${field} is ${value}; it must be ${limit}`, {
      field, hint: "event payload words are int32 indices; store larger data in a side table and pass its index",
    });
  }
}

function grownCopy<A extends Float64Array | Uint8Array | Int32Array>(src: A, dst: A): A {
  dst.set(src);
  return dst;
}
