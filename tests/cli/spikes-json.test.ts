/**
 * spikes.json's pair list (cli/pipeline.ts spikePairsJson) is written byte by byte for speed; it must be
 * the text of `[tick,neuron]` pairs joined by commas, as template strings give, for every integer.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { spikePairsJson, spikesJsonFrom } from "../../cli/pipeline.ts";

const reference = (tick: ArrayLike<number>, neuron: ArrayLike<number>): string =>
  Array.from({ length: tick.length }, (_, k) => `[${tick[k]},${neuron[k]}]`).join(",");

describe("spikePairsJson", () => {
  it("equals the template-string text for any integers (0, powers of ten, 2^32 − 1, negatives)", () => {
    const int = fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.constantFrom(0, 9, 10, 99, 100, 4294967295, -1));
    fc.assert(fc.property(fc.array(fc.tuple(int, int), { maxLength: 200 }), (pairs) => {
      const tick = pairs.map((p) => p[0]);
      const neuron = pairs.map((p) => p[1]);
      expect(spikePairsJson(tick, neuron)).toBe(reference(tick, neuron));
    }), { numRuns: 300, seed: 12 });
  });

  it("typed arrays as the simulator gives them, and values outside 32 bits or not integers, as String() writes them", () => {
    const tick = Int32Array.of(0, 1, 999, 1000);
    const neuron = Uint32Array.of(4294967295, 0, 12, 7);
    expect(spikePairsJson(tick, neuron)).toBe("[0,4294967295],[1,0],[999,12],[1000,7]");
    expect(spikePairsJson([2 ** 40, 1.5], [-0, 1e21])).toBe(reference([2 ** 40, 1.5], [-0, 1e21]));
    expect(spikePairsJson([], [])).toBe("");
  });

  it("spikes.json: populations in order, empty lists, final weights", () => {
    const text = spikesJsonFrom("net", "aerchip test", 5, [{ name: "a", tick: [0, 2], neuron: [3, 1] }, { name: "b", tick: [], neuron: [] }], new Map([["w", Float64Array.of(0.5)]]));
    expect(text).toBe('{"format":"snnref-1-result","network":"net","simulator":"aerchip test","steps":5,"spikes":{"a":[[0,3],[2,1]],"b":[]},"final_weights":{"w":[0.5]}}\n');
    expect(JSON.parse(text).spikes.a).toEqual([[0, 3], [2, 1]]);
  });
});
