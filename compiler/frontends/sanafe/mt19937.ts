/**
 * The 32-bit Mersenne Twister (Matsumoto & Nishimura 1998, as specified for std::mt19937 in
 * ISO C++ [rand.predef]) and libstdc++'s `uniform_real_distribution<double>(0, 1)`, which is
 * `generate_canonical<double, 53>`: two draws g₁, g₂ combined as (g₁ + g₂·2³²) / 2⁶⁴ in double
 * arithmetic (clamped below 1).
 *
 * Why here: SANA-FE's `input` soma draws its Poisson spikes from an mt19937 seeded with the unit's
 * construction index, so reproducing its spike trains bit for bit needs the same generator. This is
 * the only use; everything else in aerchip uses core/rng.ts.
 */
const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
const TWO_POW_32 = 4294967296;

export class Mt19937 {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      // 1812433253 · prev + i, modulo 2^32 (split multiply keeps it exact).
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** Next 32-bit output in [0, 2^32). */
  next(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k] & UPPER) | (mt[(k + 1) % N] & LOWER);
        mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** libstdc++ generate_canonical<double, 53>: (g₁ + g₂·2³²) / 2⁶⁴, never 1. */
  nextCanonical(): number {
    const g1 = this.next();
    const g2 = this.next();
    const sum = g1 + g2 * TWO_POW_32;
    const r = sum / (TWO_POW_32 * TWO_POW_32);
    return r >= 1 ? 1 - Number.EPSILON / 2 : r;
  }
}
