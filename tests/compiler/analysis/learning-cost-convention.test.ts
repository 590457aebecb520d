/**
 * The learning-cost convention (bytes per value, batch, optimizer state) in learningCostFromLayers:
 * hand arithmetic per layer and in the totals (with a readout layer, whose totals are sums), and the
 * input errors (E_LEARNING_COST, naming the field).
 */
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../../core/diagnostics.ts";
import { learningCostFromLayers } from "../../../compiler/analysis/learning-cost.ts";
import { rsnnLayers } from "../../../compiler/analysis/learning-shapes.ts";

describe("learning-cost convention", () => {
  // 10 neurons × fan-in 4 = 40 synapses, 5 × 10 = 50: ΣN = 15, Σ N·F = 90; T = 8, T_l = 6 (2 learning steps).
  const layers = [{ name: "a", neurons: 10, fanIn: 4 }, { name: "b", neurons: 5, fanIn: 10 }];

  it("batch N scales every layer's and the totals' memory and MACs; bytes = values × B; optimizer = K × synapses, not × N", () => {
    const r = learningCostFromLayers(layers, { T: 8, Tl: 6, batch: 3, bytesPerValue: 4, optimizerStatePerWeight: 2, weightBytes: 1 });
    // Layer a: BPTT 3·8·10 = 240 values, 3·2·8·40 = 1,920 MACs; S-TLLR 3·2·10 = 60 values, 3·3·2·40 = 720 MACs.
    expect(r.layers[0]).toMatchObject({ memoryBpttValues: 240, memoryRuleValues: 60, macsBptt: 1920, macsRule: 720 });
    // Totals: 3·8·15 = 360 and 3·2·15 = 90 values (× 4 B = 1,440 and 360 B); 3·16·90 = 4,320 and 3·6·90 = 1,620 MACs.
    expect(r.totals).toMatchObject({ memoryBpttValues: 360, memoryRuleValues: 90, macsBptt: 4320, macsRule: 1620, memoryBpttBytes: 1440, memoryRuleBytes: 360 });
    expect(r.optimizer).toEqual({ statePerWeight: 2, weights: 90, values: 180, weightBytes: 1, bytes: 180 });
    expect(r.batch).toBe(3);
    expect(r.ratios.memory).toBe(4);
    expect(r.ratios.macs).toBeCloseTo(16 / 6, 12);
  });

  it("a readout layer's summed totals scale with the batch too (SHD: 2 × 140,535,000 rule MACs)", () => {
    const r = learningCostFromLayers(rsnnLayers(700, 450, 20), { T: 100, Tl: 10, batch: 2 });
    expect(r.totals.macsRule).toBe(2 * (3 * 90 * 517_500 + 90 * 9_000));
    expect(r.totals.memoryRuleValues).toBe(2 * (2 * 450 + 20));
    expect(r.ratios.macs).toBeCloseTo((200 * 526_500) / (270 * 517_500 + 90 * 9_000), 12);
  });

  it("at the defaults the report has no batch, bytes or optimizer fields, and the convention is the one printed before", () => {
    const r = learningCostFromLayers(layers, { T: 8, Tl: 6 });
    expect(Object.keys(r)).not.toContain("batch");
    expect(Object.keys(r)).not.toContain("optimizer");
    expect(Object.keys(r.totals)).not.toContain("memoryBpttBytes");
    expect(r.convention).not.toMatch(/^(bytes|batch|optimizer state):/m);
  });

  it("refuses a bad batch, bytes or K, and weight bytes without optimizer state", () => {
    const cases: Array<[Record<string, number>, string]> = [
      [{ batch: 0 }, "batch"], [{ batch: 1.5 }, "batch"], [{ bytesPerValue: 0 }, "bytesPerValue"],
      [{ optimizerStatePerWeight: -1 }, "optimizerStatePerWeight"], [{ optimizerStatePerWeight: 0.5 }, "optimizerStatePerWeight"],
      [{ weightBytes: 4 }, "weightBytes"], [{ optimizerStatePerWeight: 1, weightBytes: Number.NaN }, "weightBytes"],
    ];
    for (const [extra, field] of cases) {
      let err: unknown;
      try { learningCostFromLayers(layers, { T: 8, Tl: 6, ...extra }); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(AerchipError);
      expect([(err as AerchipError).code, (err as AerchipError).field]).toEqual(["E_LEARNING_COST", field]);
    }
  });
});
