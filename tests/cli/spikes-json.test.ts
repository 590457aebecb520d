/**
 * spikes.json's pair list (cli/pipeline.ts spikePairsJson) is written byte by byte for speed; it must be
 * the text of `[tick,neuron]` pairs joined by commas, as template strings give, for every integer.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { spikePairsJson, spikesJsonFrom } from "../../cli/pipeline.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import { integerChars, MAX_SPIKES_JSON_CHARS, spikePairChars } from "../../cli/spikes-json-size.ts";

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

  it("integerChars counts the characters String() writes, for every integer kind spikePairsJson meets", () => {
    const int = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.constantFrom(0, 9, 10, 99999, 100000, 999999999, 1e9, 4294967295, -1, -10, 2 ** 40, 1.5, -0));
    fc.assert(fc.property(int, (x) => { expect(integerChars(x)).toBe(String(x).length); }), { numRuns: 2000, seed: 5 });
  });

  it("the counted length equals the written text's, so a text exactly at the limit is written", () => {
    const lists = [{ name: "a", tick: [0, 2, 10, 2 ** 40], neuron: [3, 1, 12345, 1.5] }, { name: "b", tick: [], neuron: [] }, { name: "c\"q", tick: [7], neuron: [-4] }];
    const text = spikesJsonFrom("net", "aerchip test", 11, lists);
    expect(spikePairChars(lists)).toBe(spikePairsJson(lists[0].tick, lists[0].neuron).length + spikePairsJson(lists[2].tick, lists[2].neuron).length);
    expect(spikesJsonFrom("net", "aerchip test", 11, lists, new Map(), text.length)).toBe(text);
    expect(MAX_SPIKES_JSON_CHARS).toBe(0x1fffffe8);
  });

  it("a text longer than the limit is refused with E_SPIKES_JSON_SIZE naming spikes.json, the spike count, the limit and the ticks that fit (audit s22b #20)", () => {
    // 2 neurons firing every tick for 100 ticks: with the limit one character short, V8's string limit in small.
    const tick: number[] = [];
    const neuron: number[] = [];
    for (let t = 0; t < 100; t++) for (let n = 0; n < 2; n++) { tick.push(t); neuron.push(n); }
    const lists = [{ name: "n", tick, neuron }];
    const full = spikesJsonFrom("busy", "aerchip test", 100, lists);
    let err: unknown;
    try { spikesJsonFrom("busy", "aerchip test", 100, lists, new Map(), full.length - 1); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(AerchipError);
    const e = err as AerchipError;
    expect([e.code, e.field]).toEqual(["E_SPIKES_JSON_SIZE", "spikes.json"]);
    expect(e.message).toContain("200 spikes");
    expect(e.message).toContain(`at most ${full.length - 1} characters`);
    // The last tick's two pairs do not fit, the first 99 ticks' do.
    expect(e.hint).toContain("at most 99 ");
    // And the 99 ticks named do fit: their text (with steps 99) is within the limit.
    const t99 = [{ name: "n", tick: tick.slice(0, 198), neuron: neuron.slice(0, 198) }];
    expect(spikesJsonFrom("busy", "aerchip test", 99, t99).length).toBeLessThanOrEqual(full.length - 1);
  });
});
