/**
 * Seeded pseudo-random numbers. `Math.random` is banned in aerchip: every random draw comes from a
 * stream created here, so a run is a pure function of its inputs and seed.
 *
 * Generator: xoshiro128** (Blackman & Vigna, 2018) on four 32-bit words, seeded through SplitMix32
 * so that nearby seeds give unrelated streams. Independent sub-streams (per core, per input
 * population) come from `fork(streamId)`, which seeds a new generator from (seed, streamId) — never
 * from the parent's position — so adding draws in one stream cannot shift another.
 */

export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 32 random bits: k / 2^32. */
  nextFloat(): number;
  /** Uniform integer in [0, n), n in [1, 2^32], without modulo bias (rejection sampling). */
  nextBelow(n: number): number;
  /** A generator for sub-stream `streamId`, independent of this one's position. */
  fork(streamId: number): Rng;
  readonly seed: number;
}

const TWO_POW_32 = 4294967296;

/** SplitMix32 step (a 32-bit variant of Steele, Lea & Flood's SplitMix), used only for seeding. */
function splitMix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

class Xoshiro128ss implements Rng {
  readonly seed: number;
  private readonly streamSalt: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, streamSalt: number) {
    this.seed = seed >>> 0;
    this.streamSalt = streamSalt >>> 0;
    const st = { s: (this.seed ^ Math.imul(this.streamSalt + 1, 0x27d4eb2f)) | 0 };
    this.a = splitMix32(st);
    this.b = splitMix32(st);
    this.c = splitMix32(st);
    this.d = splitMix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  nextUint32(): number {
    // result = rotl(b * 5, 7) * 9; then the xoshiro128 state transition.
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  nextFloat(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  nextBelow(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_32) || !Number.isInteger(n)) throw new RangeError(`nextBelow: n must be an integer in [1, 2^32], got ${n}`);
    // Reject the top partial block so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** The four state words (rngState). */
  saveState(): Uint32Array {
    return Uint32Array.of(this.a, this.b, this.c, this.d);
  }

  /** Loads four state words (restoreRngState); the all-zero state is refused (it is a fixed point). */
  loadState(w: ArrayLike<number>): void {
    const a = w[0] | 0, b = w[1] | 0, c = w[2] | 0, d = w[3] | 0;
    if ((a | b | c | d) === 0) throw new RangeError("restoreRngState: the all-zero state is not a valid position");
    this.a = a; this.b = b; this.c = c; this.d = d;
  }

  fork(streamId: number): Rng {
    return new Xoshiro128ss(this.seed, Math.imul(this.streamSalt ^ 0x9e3779b9, 31) + (streamId >>> 0) + 1);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Creates the root stream for `seed` (an integer; only its low 32 bits are used). */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  return new Xoshiro128ss(seed >>> 0, 0);
}

/**
 * The position of a stream as four 32-bit words (xoshiro128** state), for checkpoints. Restoring it
 * with `restoreRngState` into a stream of the same seed and sub-stream continues the exact sequence.
 */
export function rngState(rng: Rng): Uint32Array {
  if (!(rng instanceof Xoshiro128ss)) throw new TypeError("rngState: not a stream created by createRng");
  return rng.saveState();
}

/** Sets a stream's position to one saved by `rngState` (four words, not all zero). */
export function restoreRngState(rng: Rng, state: ArrayLike<number>): void {
  if (!(rng instanceof Xoshiro128ss)) throw new TypeError("restoreRngState: not a stream created by createRng");
  if (state.length !== 4) throw new RangeError(`restoreRngState: a state has 4 words, got ${state.length}`);
  rng.loadState(state);
}
