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
/** A second argument (OP_DERIVE: the neuron count). */
export const CTRL_ARG2 = 5;
export const CTRL_INTS = 8;

export const OP_BEGIN = 1;
export const OP_TICK = 2;
export const OP_EXIT = 3;
/** Worker 1 runs the end-of-run counter derivation kernel (wasm/derive.ts) on the context block at ARG. */
export const OP_DERIVE = 4;

/**
 * Longest busy-wait before sleeping, ms. A thread that sleeps costs a futex wake-up (30–100 µs on a VM)
 * at the next tick; a tick's serial part on the main thread and the imbalance between parts are shorter
 * than this, so during a run on idle cores nobody sleeps. AERCHIP_SPIN_MS overrides it (0 = never spin).
 */
export const SPIN_MS = spinMsFromEnv();

function spinMsFromEnv(): number {
  const v = Number(process.env.AERCHIP_SPIN_MS);
  return Number.isFinite(v) && v >= 0 ? v : 2;
}

/**
 * Below this the spin budget stops shrinking: a few ticks of a busy chip (20–100 µs each) and about two
 * futex wake-ups on a VM. Shrinking further made a run whose first ticks were slow (code not yet compiled,
 * or the VM's neighbours busy) sleep and wake on many later ticks: bench_lif10k with 2 threads, cold runs on
 * a noisy VM, 3–134 sleeps per thread with a 5 µs floor, 3–54 with this one.
 */
export const MIN_SPIN_MS = 0.2;

/**
 * Waits of one thread, spin-then-sleep with an adaptive spin budget: a spin that times out halves the
 * budget, one that succeeds lets it grow back towards the maximum. On a machine with fewer free cores
 * than threads (another process busy, or more threads than cores) the partner is often descheduled;
 * spinning would then hold the core it needs, so the budget falls to MIN_SPIN_MS and longer waits sleep,
 * as a plain futex barrier would (a team with more threads than cores never spins: team.ts). Each run
 * starts from the longest spin (reset()).
 */
export class Waiter {
  private budgetMs: number;
  private readonly maxMs: number;

  constructor(maxMs: number = SPIN_MS) {
    this.maxMs = maxMs;
    this.budgetMs = maxMs;
  }

  /** The current spin budget, ms. */
  get budget(): number {
    return this.budgetMs;
  }

  /** Back to the longest spin (at the start of a run: waits before it say nothing about its ticks). */
  reset(): void {
    this.budgetMs = this.maxMs;
  }

  /** Spins until a[i] !== `from` or the budget passed; returns the value seen last. */
  private spin(a: Int32Array, i: number, from: number): number {
    if (this.maxMs <= 0) return Atomics.load(a, i);
    const start = performance.now();
    const until = start + this.budgetMs;
    for (;;) {
      for (let k = 0; k < 256; k++) {
        const v = Atomics.load(a, i);
        if (v !== from) {
          this.budgetMs = Math.min(this.maxMs, this.budgetMs * 1.5 + MIN_SPIN_MS);
          return v;
        }
      }
      if (performance.now() > until) {
        this.budgetMs = Math.max(Math.min(MIN_SPIN_MS, this.maxMs), this.budgetMs / 2);
        return from;
      }
    }
  }

  /** Waits until a[i] differs from `from` and returns the new value. */
  waitForChange(a: Int32Array, i: number, from: number): number {
    const s = this.spin(a, i, from);
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
  waitForValue(a: Int32Array, i: number, want: number, deadlineMs = Infinity, sliceMs = 100): boolean {
    let v = Atomics.load(a, i);
    if (v === want) return true;
    this.spin(a, i, v);
    for (;;) {
      v = Atomics.load(a, i);
      if (v === want) return true;
      if (performance.now() > deadlineMs) return false;
      Atomics.wait(a, i, v, sliceMs);
    }
  }
}
