/**
 * learning-cost's learning-signal and FO-STDGD lines (compiler/analysis/learning-cost-signal.ts), against
 * hand arithmetic: the SHD table (700-450-20, T − T_l = 90), VGG-9 on DVS Gesture, and a three-layer chain.
 * Sources: papers.md §1.2 (δ by BP, grad_in = (Ψ·δ)·W at the same t, or DFA from the output error) and
 * §4 (FO-STDGD's |w(k) − w(k−1) + ε|^(1−α) factor, w(k−1) stored, Γ(2−α) constant).
 */
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../../core/diagnostics.ts";
import { learningCostFromLayers, renderLearningCost } from "../../../compiler/analysis/learning-cost.ts";
import { learningCostForTable } from "../../../compiler/analysis/learning-shapes.ts";

describe("--signal on the SHD table (700 → 450 recurrent → 20 readout, 90 learning steps)", () => {
  it("DFA: 20 output errors × 450 hidden neurons = 9,000 MACs per step × 90 = 810,000; δ to 470 neurons × 90 = 42,300; B 9,000 values", () => {
    const { report } = learningCostForTable("shd-rsnn", { signal: "dfa" });
    expect(report.signal).toEqual({
      signal: "dfa", outputLayers: ["readout 20"], errorValuesPerStep: 20, layersWithSignal: ["hidden 450 (recurrent)", "readout 20"],
      macsPerStep: 9000, otherOpsPerStep: 0, broadcastValuesPerStep: 470, macs: 810000, otherOps: 0, broadcastValues: 42300, feedbackWeights: 9000,
    });
    // The columns and ratios are those without --signal.
    const plain = learningCostForTable("shd-rsnn").report;
    expect([report.totals, report.ratios]).toEqual([plain.totals, plain.ratios]);
    const text = renderLearningCost(report);
    expect(text).toContain("20 × 450 = 9,000 MACs per step × 90 learning steps = 810,000 MACs");
    expect(text).toContain("MACs BPTT / (S-TLLR + learning signal) = 105,300,000 / 141,345,000 = 0.745");
  });

  it("BP: δ of the readout back through its 450 × 20 weights = 9,000 MACs per step × 90 = 810,000; no Ψ·δ (the readout passes δ as it is; the recurrent and input synapses carry none)", () => {
    const s = learningCostForTable("shd-rsnn", { signal: "bp" }).report.signal!;
    expect([s.macsPerStep, s.macs, s.otherOps, s.broadcastValues, s.feedbackWeights]).toEqual([9000, 810000, 0, 42300, 0]);
  });

  it("--batch 2: every signal count × 2, the feedback matrices once", () => {
    const s = learningCostForTable("shd-rsnn", { signal: "dfa", batch: 2 }).report.signal!;
    expect([s.macs, s.broadcastValues, s.feedbackWeights]).toEqual([1620000, 84600, 9000]);
  });
});

describe("--signal on VGG-9 / DVS Gesture (5 learning steps)", () => {
  it("BP: the weights of conv2..fc, 605,165,056 − 1,179,648 = 603,985,408 per step; Ψ·δ on conv2..conv8, 409,600 − 65,536 = 344,064 per step", () => {
    const s = learningCostForTable("vgg9-dvs-gesture", { signal: "bp" }).report.signal!;
    expect([s.macsPerStep, s.macs]).toEqual([603985408, 5 * 603985408]);
    expect([s.otherOpsPerStep, s.otherOps]).toEqual([344064, 1720320]);
    expect(s.broadcastValues).toBe(5 * 409611);
  });

  it("DFA: 11 output errors × 409,600 conv neurons = 4,505,600 MACs per step × 5 = 22,528,000", () => {
    const s = learningCostForTable("vgg9-dvs-gesture", { signal: "dfa" }).report.signal!;
    expect([s.outputLayers, s.macsPerStep, s.macs, s.feedbackWeights]).toEqual([["fc 11"], 4505600, 22528000, 4505600]);
  });
});

describe("--signal on a chain a (10, fan-in 4) → b (5, fan-in 10) → c (2, fan-in 5), T = 8, T_l = 6", () => {
  const chain = [{ name: "a", neurons: 10, fanIn: 4 }, { name: "b", neurons: 5, fanIn: 10 }, { name: "c", neurons: 2, fanIn: 5 }];
  it("c a readout — BP: 10 + 50 = 60 MACs and Ψ·δ on b (5) per step, × 2 steps; DFA: 2 × 15 = 30 per step", () => {
    const layers = [chain[0], chain[1], { ...chain[2], role: "readout" as const }];
    const bp = learningCostFromLayers(layers, { T: 8, Tl: 6, signal: "bp" }).signal!;
    expect([bp.macs, bp.otherOps, bp.broadcastValues]).toEqual([120, 10, 34]);
    const dfa = learningCostFromLayers(layers, { T: 8, Tl: 6, signal: "dfa" }).signal!;
    expect([dfa.macs, dfa.broadcastValues, dfa.feedbackWeights]).toEqual([60, 34, 30]);
  });

  it("no readout: the last layer gives the error and, spiking, scales its δ by Ψ too: Ψ·δ 2 + 5 per step", () => {
    const bp = learningCostFromLayers(chain, { T: 8, Tl: 6, signal: "bp" }).signal!;
    expect([bp.outputLayers, bp.macs, bp.otherOps]).toEqual([["c"], 120, 14]);
  });

  it("an unknown signal is refused", () => {
    expect(() => learningCostFromLayers(chain, { T: 8, Tl: 6, signal: "rtrl" as never })).toThrow(AerchipError);
  });
});

describe("--optimizer fo-stdgd (papers.md §4)", () => {
  it("SHD: 526,500 weights × 1 MAC and × 4 other ops per update, one update per sample (or batch); w(k−1): 526,500 values; Γ once", () => {
    const r = learningCostForTable("shd-rsnn", { optimizer: "fo-stdgd" }).report;
    expect(r.optimizerUpdate).toEqual({ optimizer: "fo-stdgd", updates: 1, weights: 526500, macsPerWeightUpdate: 1, otherOpsPerWeightUpdate: 4, macs: 526500, otherOps: 2106000, onceOps: 1 });
    expect(r.optimizer).toEqual({ statePerWeight: 1, weights: 526500, values: 526500 });
    // One update per batch: not × batch.
    expect(learningCostForTable("shd-rsnn", { optimizer: "fo-stdgd", batch: 2 }).report.optimizerUpdate!.macs).toBe(526500);
    // In bytes at --weight-bytes; K given by the caller wins; K = 0 contradicts FO-STDGD.
    expect(learningCostForTable("shd-rsnn", { optimizer: "fo-stdgd", weightBytes: 4 }).report.optimizer!.bytes).toBe(2106000);
    expect(learningCostForTable("shd-rsnn", { optimizer: "fo-stdgd", optimizerStatePerWeight: 2 }).report.optimizer!.values).toBe(1053000);
    expect(() => learningCostForTable("shd-rsnn", { optimizer: "fo-stdgd", optimizerStatePerWeight: 0 })).toThrow(AerchipError);
    const text = renderLearningCost(r);
    expect(text).toContain("526,500 weights × 1 MAC (g·|w(k) − w(k−1) + ε|^(1−α)) = 526,500 MACs and × 4 other ops (2 additions, |·|, the power ^(1−α)) = 2,106,000 other ops");
    // The convention says what is counted where, and no longer that the optimizer is not counted.
    expect(r.convention).toContain("the optimizer's extra work are counted on their own lines");
    expect(r.convention).not.toContain("the optimizer are not counted");
  });

  it("the defaults add nothing: no signal, optimizerUpdate or optimizer fields", () => {
    const r = learningCostForTable("shd-rsnn", { signal: "none", optimizer: "sgd" }).report;
    expect(["signal" in r, "optimizerUpdate" in r, "optimizer" in r]).toEqual([false, false, false]);
    expect(r.convention).toContain("the generation of the learning signal and the optimizer are not counted");
  });
});
