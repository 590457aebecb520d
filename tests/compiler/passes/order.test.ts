/**
 * The order pass sorts neurons by (lo, hi, index) with ±Infinity for neurons without synapses; large
 * populations use counting sorts (one pass per key, or two 16-bit digits for wide key ranges), which must
 * give the comparison sort's order.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/rng.ts";
import { sortByLoHi } from "../../../compiler/passes/order.ts";

function reference(lo: Float64Array, hi: Float64Array): number[] {
  return Array.from({ length: lo.length }, (_, i) => i).sort((x, y) => lo[x] - lo[y] || hi[x] - hi[y] || x - y);
}

function keys(n: number, range: number, seed: number, emptyEvery: number): { lo: Float64Array; hi: Float64Array } {
  const rng = createRng(seed);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (emptyEvery > 0 && i % emptyEvery === 3) { lo[i] = Infinity; hi[i] = -Infinity; continue; }
    const a = rng.nextBelow(range);
    const b = a + rng.nextBelow(Math.max(1, Math.floor(range / 50)));
    lo[i] = a;
    hi[i] = b;
  }
  return { lo, hi };
}

describe("order: counting sorts give the comparison order", () => {
  const cases: Array<[string, number, number, number]> = [
    ["small population (comparison sort)", 500, 300, 7],
    ["narrow key range (one pass per key)", 20_000, 3_000, 11],
    ["wide key range (two 16-bit digits)", 20_000, 50_000_000, 5],
    ["no empty neurons, many ties", 9_000, 40, 0],
  ];
  for (const [label, n, range, emptyEvery] of cases) {
    it(label, () => {
      const { lo, hi } = keys(n, range, n + range, emptyEvery);
      const got = Array.from(sortByLoHi(lo, hi, n));
      const want = reference(lo, hi);
      expect(got).toEqual(want);
      expect(want.some((v, i) => v !== i)).toBe(true);
    });
  }

  it("all neurons without synapses keep their order", () => {
    const n = 5000;
    const lo = new Float64Array(n).fill(Infinity);
    const hi = new Float64Array(n).fill(-Infinity);
    expect(Array.from(sortByLoHi(lo, hi, n))).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});
