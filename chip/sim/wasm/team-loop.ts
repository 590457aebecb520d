/**
 * The blocks of a multi-threaded run's tick loops in WebAssembly (assembly/kernels.ts teamTicks on the main
 * thread, workerTicks on each worker). With them a run's ticks execute no JavaScript: the loops wait on the
 * team's control block (threads/control.ts) with atomics, run the part kernel (partTick), combine the
 * parts' fired lists and count the tick (teamTick), as team.ts, part.ts and worker.ts do in TypeScript.
 * Those stay: for commands other than a tick, for parts whose cores lack a kernel, and for a part whose
 * wheel bucket lacked room (it goes on in TypeScript for the rest of the run).
 */
import { lineF64, lineI32, type ArrayAllocator } from "../alloc.ts";
import { MIN_SPIN_MS } from "../threads/control.ts";

/** Int32 words of a loop block (TM_* of assembly/kernels.ts, in this order). */
export const TEAM_LOOP_WORDS = [
  "ctrl", "done", "counts", "parts", "index", "partRt", "fusedRt", "fired", "combined", "steps", "prevFired", "status", "seq",
  "liveTally", "tallySnap", "tallySlotBytes", "tallyFromBytes", "tallyBytes", "busy", "times",
] as const;
/** Float64 words of its times block (TMF_*): the spin budget, ms (longest, current, floor), and the main thread's wait, ms. */
export const TEAM_LOOP_TIME_WORDS = ["spinMaxMs", "spinMs", "spinFloorMs", "waitMs"] as const;

type LoopWord = (typeof TEAM_LOOP_WORDS)[number];
type TimeWord = (typeof TEAM_LOOP_TIME_WORDS)[number];
const L = Object.fromEntries(TEAM_LOOP_WORDS.map((name, i) => [name, i])) as Record<LoopWord, number>;
const T = Object.fromEntries(TEAM_LOOP_TIME_WORDS.map((name, i) => [name, i])) as Record<TimeWord, number>;

/** How a loop stopped (LOOP_* of assembly/kernels.ts). */
export const LOOP_OK = 0;
/** workerTicks: a command other than a tick arrived (its sequence number is the block's `seq`). */
export const LOOP_COMMAND = 1;
/** The part kernel found a wheel bucket without room; the tick is finished in TypeScript. */
export const LOOP_DEGRADED = 2;
/** teamTicks: a worker flagged an error in the control block. */
export const LOOP_WORKER_FAILED = 3;

/** A thread's loop block: int32 words and float64 times, both in the state's memory. */
export interface TeamLoopBlock {
  readonly words: Int32Array;
  readonly times: Float64Array;
}

/** The arrays a loop block points at (all in the state's WebAssembly memory). */
export interface TeamLoopArrays {
  readonly ctrl: Int32Array;
  readonly done: Int32Array;
  readonly counts: Int32Array;
  /** Seconds each part spent computing ticks (team.ts busySeconds). */
  readonly busy: Float64Array;
  readonly index: number;
  /** The thread's part block (fused.ts FUSED_WORDS, written by team.ts partConfig). */
  readonly partRt: Int32Array;
  /** Live per-core tallies, the team's two snapshot slots, and the part's cores [c0, c1) in float64 words. */
  readonly liveTally: Float64Array;
  readonly tallySnap: Float64Array;
  readonly tallyFrom: number;
  readonly tallyTo: number;
  /** Busy-wait before sleeping, ms (0: never spin). */
  readonly spinMs: number;
  /** Main thread only: each part's fired list and the combined list. */
  readonly fired?: readonly Uint32Array[];
  readonly combined?: Uint32Array;
}

/** A loop block in the state's memory for one thread (made on the main thread). */
export function makeLoopBlock(a: ArrayAllocator, x: TeamLoopArrays): TeamLoopBlock {
  // On lines of their own: each thread writes its block's times (spin budget, waits) every tick.
  const words = lineI32(a, TEAM_LOOP_WORDS.length);
  const times = lineF64(a, TEAM_LOOP_TIME_WORDS.length);
  words[L.ctrl] = x.ctrl.byteOffset;
  words[L.done] = x.done.byteOffset;
  words[L.counts] = x.counts.byteOffset;
  words[L.parts] = x.done.length;
  words[L.index] = x.index;
  words[L.partRt] = x.partRt.byteOffset;
  words[L.liveTally] = x.liveTally.byteOffset;
  words[L.tallySnap] = x.tallySnap.byteOffset;
  words[L.tallySlotBytes] = x.tallySnap.byteLength / 2;
  words[L.tallyFromBytes] = 8 * x.tallyFrom;
  words[L.tallyBytes] = 8 * (x.tallyTo - x.tallyFrom);
  words[L.busy] = x.busy.byteOffset;
  words[L.times] = times.byteOffset;
  if (x.fired !== undefined && x.combined !== undefined) {
    const table = a.u32(x.fired.length);
    for (let p = 0; p < x.fired.length; p++) table[p] = x.fired[p].byteOffset;
    words[L.fired] = table.byteOffset;
    words[L.combined] = x.combined.byteOffset;
  }
  times[T.spinMaxMs] = x.spinMs;
  times[T.spinMs] = x.spinMs;
  times[T.spinFloorMs] = Math.min(MIN_SPIN_MS, x.spinMs);
  return { words, times };
}

/** Back to the longest spin (control.ts Waiter.reset: at the start of a run). */
export function resetLoopSpin(b: TeamLoopBlock): void {
  b.times[T.spinMs] = b.times[T.spinMaxMs];
}

/** The run's values for the main thread's loop: its fused run block and tick count. */
export function setLoopRun(b: TeamLoopBlock, fusedRt: number, steps: number): void {
  b.words[L.fusedRt] = fusedRt;
  b.words[L.steps] = steps;
}

export function loopStatus(b: TeamLoopBlock): number {
  return b.words[L.status];
}

export function loopSeq(b: TeamLoopBlock): number {
  return b.words[L.seq];
}

export function setLoopSeq(b: TeamLoopBlock, seq: number): void {
  b.words[L.seq] = seq;
}

export function loopPrevFired(b: TeamLoopBlock): number {
  return b.words[L.prevFired];
}

export function setLoopPrevFired(b: TeamLoopBlock, n: number): void {
  b.words[L.prevFired] = n;
}

/** The main thread's wait for the workers since the last call, seconds (the counter is cleared). */
export function takeLoopWaitSeconds(b: TeamLoopBlock): number {
  const ms = b.times[T.waitMs];
  b.times[T.waitMs] = 0;
  return ms / 1000;
}
