/**
 * The shared control block of a multi-threaded run and its waits. The main thread issues commands by
 * writing OP/ARG and then bumping SEQ; every worker runs the command and stores SEQ into its `done` slot.
 * Atomics.store/load are sequentially consistent, so everything a thread wrote before storing a
 * sequence number is visible to a thread that loaded it: the barrier is also the memory fence for the
 * plain typed-array state.
 *
 * Waits spin first (a tick on a busy chip is tens of microseconds; a futex wake-up costs about as much)
 * and then sleep in Atomics.wait, so idle workers cost nothing between a run's chunks.
 *
 * The WebAssembly tick loops (wasm/team-loop.ts; assembly/kernels.ts teamTicks, workerTicks, waitChange)
 * follow the same protocol on the same block and the same spin rule as Waiter: a change to either is a
 * change to both (binary.test.ts checks the block's offsets, OP_TICK and MIN_SPIN_MS).
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
  /**
   * [budget, longest spin, floor], ms, in a float64 array: a field holding 2, then 0.5 would change its
   * representation in V8 (small integer, then double), which deoptimises the code that reads it.
   */
  private readonly ms = new Float64Array(3);

  constructor(maxMs: number = SPIN_MS) {
    this.ms[0] = maxMs;
    this.ms[1] = maxMs;
    this.ms[2] = Math.min(MIN_SPIN_MS, maxMs);
  }

  /** The current spin budget, ms. */
  get budget(): number {
    return this.ms[0];
  }

  /** Back to the longest spin (at the start of a run: waits before it say nothing about its ticks). */
  reset(): void {
    this.ms[0] = this.ms[1];
  }

  /**
   * Spins until a[i] !== `from` or the budget passed; returns the value seen last. Both budget updates are
   * computed on every call and one is kept: an optimised branch that had never run (the first wait that
   * times out, or the first that does not) would be deoptimised and the function compiled again.
   */
  private spin(a: Int32Array, i: number, from: number): number {
    const ms = this.ms;
    const budget = ms[0];
    if (ms[1] <= 0) return Atomics.load(a, i);
    const v = poll(a, i, from, performance.now() + budget);
    const grown = Math.min(ms[1], budget * 1.5 + MIN_SPIN_MS);
    const shrunk = Math.max(ms[2], budget * 0.5);
    ms[0] = v !== from ? grown : shrunk;
    return v;
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

/**
 * Reads a[i] until it differs from `from` or performance.now() passes `untilMs`; returns the value seen
 * last. A loop of its own with no property access: V8 optimises it on the stack (OSR) early in a run, and a
 * loop that also updated the waiter's fields was deoptimised and recompiled several times per thread in a
 * cold bench_lif10k run (`--trace-deopt`), each compile 2–7 ms of a core both threads need.
 */
function poll(a: Int32Array, i: number, from: number, untilMs: number): number {
  for (;;) {
    for (let k = 0; k < 256; k++) {
      const v = Atomics.load(a, i);
      if (v !== from) return v;
    }
    if (performance.now() > untilMs) return from;
  }
}
