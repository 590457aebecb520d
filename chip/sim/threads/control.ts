/**
 * The shared control block of a multi-threaded run and its waits. The main thread issues commands by
 * writing OP/ARG and then bumping SEQ; every worker runs the command and stores SEQ into its `done` slot.
 * Atomics.store/load are sequentially consistent, so everything a thread wrote before storing a
 * sequence number is visible to a thread that loaded it: the barrier is also the memory fence for the
 * plain typed-array state.
 *
 * Waits spin first (a tick on a busy chip is tens of microseconds; a futex wake-up costs about as much)
 * and then sleep in Atomics.wait, so idle workers cost nothing between a run's chunks.
 */
export const CTRL_SEQ = 0;
export const CTRL_OP = 1;
export const CTRL_ARG = 2;
/** Set to 1 by a worker that failed (its error follows on its message port). */
export const CTRL_ERROR = 3;
/** Length of the combined fired list of the previous tick (workers schedule it). */
export const CTRL_PREV_FIRED = 4;
export const CTRL_INTS = 8;

export const OP_BEGIN = 1;
export const OP_TICK = 2;
export const OP_EXIT = 3;

/**
 * Busy-wait time before sleeping, ms. A worker that sleeps costs a futex wake-up (30–100 µs on a VM) at
 * the next tick; the main thread's serial part of a tick (counting, timing model) is shorter than this, so
 * during a run nobody sleeps. A team with more threads than the machine has cores does not spin (a
 * spinning thread would hold the core its partner needs). AERCHIP_SPIN_MS overrides it (0 = never spin).
 */
export const SPIN_MS = spinMsFromEnv();

function spinMsFromEnv(): number {
  const v = Number(process.env.AERCHIP_SPIN_MS);
  return Number.isFinite(v) && v >= 0 ? v : 2;
}

/** Spins until a[i] !== `from` or `spinMs` passed; returns the value seen last. */
function spin(a: Int32Array, i: number, from: number, spinMs: number): number {
  if (spinMs <= 0) return Atomics.load(a, i);
  const until = performance.now() + spinMs;
  for (;;) {
    for (let k = 0; k < 1000; k++) {
      const v = Atomics.load(a, i);
      if (v !== from) return v;
    }
    if (performance.now() > until) return from;
  }
}

/** Waits until a[i] differs from `from` and returns the new value. */
export function waitForChange(a: Int32Array, i: number, from: number, spinMs = SPIN_MS): number {
  const s = spin(a, i, from, spinMs);
  if (s !== from) return s;
  for (;;) {
    Atomics.wait(a, i, from);
    const v = Atomics.load(a, i);
    if (v !== from) return v;
  }
}

/**
 * Waits until a[i] === want (values only grow towards it); sleeps in slices of `sliceMs` and returns
 * false when `deadlineMs` (performance.now() time) passes first.
 */
export function waitForValue(a: Int32Array, i: number, want: number, spinMs = SPIN_MS, deadlineMs = Infinity, sliceMs = 100): boolean {
  let v = Atomics.load(a, i);
  if (v === want) return true;
  v = spin(a, i, v, spinMs);
  for (;;) {
    v = Atomics.load(a, i);
    if (v === want) return true;
    if (performance.now() > deadlineMs) return false;
    Atomics.wait(a, i, v, sliceMs);
  }
}
