/**
 * Seeded RNG (core/rng.ts): same seed ⇒ same stream, forks independent of each other and of the
 * parent's position, nextBelow in range and uniform (chi-square), nextFloat in [0, 1).
 * All seeds are fixed, so the statistical bounds below are deterministic checks, not flaky ones.
 */
import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../../core/rng.ts";

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

/** Pearson's chi-square statistic of `counts` against a uniform expectation. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((s, c) => s + c, 0);
  const expected = total / counts.length;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

// Upper 0.1% points of the chi-square distribution (standard tables): df 9 → 27.877, df 6 → 22.458,
// df 99 → 148.230, df 15 → 37.697.
const CHI2_999 = { 6: 22.458, 9: 27.877, 15: 37.697, 99: 148.23 } as const;

describe("createRng", () => {
  it("is deterministic per seed and differs between seeds", () => {
    expect(draws(createRng(42), 100)).toEqual(draws(createRng(42), 100));
    expect(draws(createRng(42), 100)).not.toEqual(draws(createRng(43), 100));
    // Only the low 32 bits of the seed matter.
    expect(draws(createRng(2 ** 32 + 5), 10)).toEqual(draws(createRng(5), 10));
    expect(() => createRng(1.5)).toThrow();
  });

  it("nextUint32 returns integers in [0, 2^32) with every bit balanced", () => {
    const rng = createRng(7);
    const ones = new Array<number>(32).fill(0);
    const n = 20_000;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.nextUint32();
      if (!(Number.isInteger(x) && x >= 0 && x < 2 ** 32)) bad++;
      for (let b = 0; b < 32; b++) if ((x >>> b) & 1) ones[b]++;
    }
    expect(bad).toBe(0);
    // Each bit ~ Binomial(n, 1/2): sd = sqrt(n)/2 ≈ 71; allow 5 sd.
    for (const c of ones) expect(Math.abs(c - n / 2)).toBeLessThan(5 * Math.sqrt(n) / 2);
  });

  it("fork(id) is reproducible, independent of the parent's position, and differs per id and from the parent", () => {
    const parent = createRng(1234);
    const a1 = draws(parent.fork(1), 50);
    draws(parent, 1000); // advancing the parent must not change its forks
    expect(draws(parent.fork(1), 50)).toEqual(a1);
    expect(draws(createRng(1234).fork(1), 50)).toEqual(a1);
    const a2 = draws(createRng(1234).fork(2), 50);
    expect(a2).not.toEqual(a1);
    expect(draws(createRng(1234), 50)).not.toEqual(a1);
    // Nested forks are streams of their own.
    expect(draws(createRng(1234).fork(1).fork(1), 50)).not.toEqual(a1);
    expect(createRng(1234).fork(3).seed).toBe(1234);
  });

  it("forked streams are uncorrelated (sign agreement of paired draws ≈ 1/2)", () => {
    const root = createRng(99);
    const n = 20_000;
    for (const [i, j] of [[0, 1], [1, 2], [5, 6]] as const) {
      const x = root.fork(i);
      const y = root.fork(j);
      let agree = 0;
      for (let k = 0; k < n; k++) if ((x.nextUint32() >>> 31) === (y.nextUint32() >>> 31)) agree++;
      expect(Math.abs(agree - n / 2)).toBeLessThan(5 * Math.sqrt(n) / 2);
    }
  });

  it("nextBelow(n) stays in [0, n) and is uniform (chi-square at the 0.1% level)", () => {
    const rng = createRng(2024);
    for (const [n, df] of [[10, 9], [7, 6], [100, 99], [16, 15]] as const) {
      const counts = new Array<number>(n).fill(0);
      const total = 2000 * n;
      let outOfRange = 0;
      for (let i = 0; i < total; i++) {
        const v = rng.nextBelow(n);
        if (!(Number.isInteger(v) && v >= 0 && v < n)) outOfRange++;
        else counts[v]++;
      }
      expect(outOfRange).toBe(0);
      expect(chiSquare(counts)).toBeLessThan(CHI2_999[df]);
    }
    expect(rng.nextBelow(1)).toBe(0);
    // A bound just above 2^31 rejects almost half of all draws; results must still be in range.
    const big = 2 ** 31 + 1;
    let bigMax = 0;
    for (let i = 0; i < 1000; i++) bigMax = Math.max(bigMax, rng.nextBelow(big));
    expect(bigMax).toBeLessThan(big);
    expect(bigMax).toBeGreaterThan(2 ** 30); // the top of the range is reached
    const full = rng.nextBelow(2 ** 32);
    expect(full >= 0 && full < 2 ** 32).toBe(true);
  });

  it("nextBelow rejects bounds outside [1, 2^32] and non-integers", () => {
    const rng = createRng(1);
    for (const bad of [0, -1, 2.5, 2 ** 32 + 1, Number.NaN]) expect(() => rng.nextBelow(bad)).toThrow();
  });

  it("nextFloat is in [0, 1), equals nextUint32 / 2^32, and is uniform over 10 bins", () => {
    const a = createRng(555);
    const b = createRng(555);
    const counts = new Array<number>(10).fill(0);
    let min = 1;
    let max = 0;
    let mismatches = 0;
    for (let i = 0; i < 50_000; i++) {
      const f = a.nextFloat();
      if (f !== b.nextUint32() / 2 ** 32) mismatches++;
      if (!(f >= 0 && f < 1)) mismatches++;
      min = Math.min(min, f);
      max = Math.max(max, f);
      counts[Math.floor(f * 10)]++;
    }
    expect(mismatches).toBe(0);
    expect(min).toBeLessThan(0.001);
    expect(max).toBeGreaterThan(0.999);
    expect(chiSquare(counts)).toBeLessThan(CHI2_999[9]);
  });
});
