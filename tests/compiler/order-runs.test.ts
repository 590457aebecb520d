/** compiler/order-runs.ts: mapping.json's compact neuron order decodes to the order it encodes. */
import { describe, expect, it } from "vitest";
import { decodeOrderRuns, encodeOrderRuns } from "../../compiler/order-runs.ts";

describe("order runs", () => {
  it("writes runs of 3 or more with one step as [first, step, count] and the rest as numbers", () => {
    expect(encodeOrderRuns([0, 4, 8, 1, 5, 9, 2, 7])).toEqual([[0, 4, 3], [1, 4, 3], 2, 7]);
    expect(encodeOrderRuns([5, 4, 3, 2, 1, 0])).toEqual([[5, -1, 6]]);
    expect(encodeOrderRuns([3, 1])).toEqual([3, 1]);
    expect(encodeOrderRuns([])).toEqual([]);
  });

  it("decodes to the order it encodes", () => {
    // A fixed pseudo-random permutation (LCG) and a convolution-like one (position-major over 8 channels).
    const n = 500;
    const rnd = Array.from({ length: n }, (_, i) => (i * 263 + 17) % n);
    const conv = Array.from({ length: 8 * 64 }, (_, k) => (k % 8) * 64 + Math.floor(k / 8));
    for (const order of [rnd, conv, [2, 0, 1], [0]]) expect(decodeOrderRuns(encodeOrderRuns(order))).toEqual(order);
    // 64 positions × 8 channels: one run per position instead of 512 numbers.
    expect(encodeOrderRuns(conv)).toHaveLength(64);
  });
});
