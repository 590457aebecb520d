/**
 * Learning-cost report: the S-TLLR vs BPTT formulas checked with hand arithmetic on small shapes and on
 * the built-in tables (VGG-9 / DVS Gesture, VGG-9 / DVS-CIFAR10, SHD RSNN), the printed ratios T/2 and
 * 2T/(3(T − T_l)), rendering, shapes from a model graph, and input errors.
 */
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../../core/diagnostics.ts";
import {
  LEARNING_COST_CONVENTION, formatCount, learningCostFromLayers, renderLearningCost,
} from "../../../compiler/analysis/learning-cost.ts";
import {
  LEARNING_SHAPE_TABLES, layersFromModelGraph, learningCostForTable, paperScale, renderLearningCostTable, rsnnLayers, vgg9Layers,
} from "../../../compiler/analysis/learning-shapes.ts";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";

describe("learningCostFromLayers: formulas", () => {
  // Two layers: 10 neurons × fan-in 4 = 40 synapses, 5 × 10 = 50; ΣN = 15, Σ N·F = 90. T = 8, T_l = 6.
  const layers = [{ name: "a", neurons: 10, fanIn: 4 }, { name: "b", neurons: 5, fanIn: 10 }];
  const r = learningCostFromLayers(layers, { T: 8, Tl: 6 });

  it("memory T·ΣN vs 2·ΣN and MACs 2T·ΣNF vs 3(T − T_l)·ΣNF", () => {
    expect(r.totals).toEqual({
      neurons: 15, synapses: 90,
      memoryBpttValues: 8 * 15, // 120
      memoryRuleValues: 2 * 15, // 30
      macsBptt: 2 * 8 * 90, // 1440
      macsRule: 3 * 2 * 90, // 540
    });
    expect(r.layers[1]).toMatchObject({ synapses: 50, memoryBpttValues: 40, memoryRuleValues: 10, macsBptt: 800, macsRule: 300 });
    expect(r.learningSteps).toBe(2);
  });

  it("ratios: memory 120/30 = 4 = T/2, MACs 1440/540 = 8/3 = 2T/(3(T − T_l))", () => {
    expect(r.ratios.memory).toBe(4);
    expect(r.ratios.memoryFormula).toBe(4);
    expect(r.ratios.macs).toBeCloseTo(8 / 3, 14);
    expect(r.ratios.macsFormula).toBeCloseTo(16 / 6, 14);
  });

  it("the causal-only S-TLLR variant counts 2 MACs per synapse step; a custom model is accepted", () => {
    const c = learningCostFromLayers(layers, { T: 8, Tl: 6, rule: "stllr-causal" });
    expect(c.totals.macsRule).toBe(2 * 2 * 90);
    const m = learningCostFromLayers(layers, { T: 8, Tl: 0, rule: { name: "pair", tracesPerNeuron: 1, macsPerSynapseStep: 1, note: "" } });
    expect(m.totals.memoryRuleValues).toBe(15);
    expect(m.totals.macsRule).toBe(8 * 90);
    expect(m.ratios.memory).toBe(8);
  });

  it("rejects bad T, T_l, layers and rules with E_LEARNING_COST", () => {
    const code = (f: () => unknown): string => {
      try { f(); } catch (e) { return e instanceof AerchipError ? e.code : "raw"; }
      return "none";
    };
    expect(code(() => learningCostFromLayers(layers, { T: 0, Tl: 0 }))).toBe("E_LEARNING_COST");
    expect(code(() => learningCostFromLayers(layers, { T: 10, Tl: 10 }))).toBe("E_LEARNING_COST");
    expect(code(() => learningCostFromLayers(layers, { T: 10, Tl: -1 }))).toBe("E_LEARNING_COST");
    expect(code(() => learningCostFromLayers([], { T: 10, Tl: 1 }))).toBe("E_LEARNING_COST");
    expect(code(() => learningCostFromLayers([{ name: "x", neurons: -1, fanIn: 1 }], { T: 10, Tl: 1 }))).toBe("E_LEARNING_COST");
    expect(code(() => learningCostFromLayers(layers, { T: 10, Tl: 1, rule: "bptt" as "stllr" }))).toBe("E_LEARNING_COST");
  });
});

describe("built-in shape tables", () => {
  it("VGG-9 at 32×32×2: ΣN = 409,611 and Σ N·fan-in = 605,165,056 (papers.md §1.4: 409,611 and 6.05e8)", () => {
    const l = vgg9Layers({ height: 32, width: 32, channels: 2, classes: 11 });
    // neurons: 64·1024 + 128·1024 + 256·256·2 + 512·64·2 + 512·16·2 + 11
    expect(l.map((x) => x.neurons)).toEqual([65536, 131072, 65536, 65536, 32768, 32768, 8192, 8192, 11]);
    expect(l.map((x) => x.fanIn)).toEqual([18, 576, 1152, 2304, 2304, 4608, 4608, 4608, 512]);
    const r = learningCostFromLayers(l, { T: 20, Tl: 15 });
    expect(r.totals.neurons).toBe(409611);
    // 65536·18 + 131072·576 + 65536·1152 + 65536·2304 + 32768·2304 + 32768·4608 + 2·8192·4608 + 11·512
    // = 1,179,648 + 75,497,472 + 75,497,472 + 150,994,944 + 75,497,472 + 150,994,944 + 75,497,472 + 5,632
    expect(r.totals.synapses).toBe(605165056);
    expect(r.totals.memoryBpttValues).toBe(8192220); // 20 · 409,611
    expect(r.totals.memoryRuleValues).toBe(819222); // 2 · 409,611
    expect(r.totals.macsBptt).toBe(24206602240); // 40 · 605,165,056
    expect(r.totals.macsRule).toBe(9077475840); // 15 · 605,165,056
    expect(r.ratios.memory).toBe(10); // T/2 = 20/2
    expect(r.ratios.macs).toBeCloseTo(40 / 15, 14); // 2T/(3(T − T_l)) = 40/15 = 2.667
  });

  it("the paper's VGG-9 Gesture MACs are 0.25 × the formulas (papers.md §1.4)", () => {
    const { table, report } = learningCostForTable("vgg9-dvs-gesture");
    const k = paperScale(report, table.paper!);
    // 6.06e9 / 2.4207e10 = 0.2503; 2.27e9 / 9.0775e9 = 0.2501
    expect(k.macsBptt).toBeCloseTo(0.25, 2);
    expect(k.macsRule).toBeCloseTo(0.25, 2);
    // 16.13e6 / 8,192,220 = 1.969 bytes per value
    expect(k.bytesPerValueBptt).toBeCloseTo(1.97, 2);
  });

  it("VGG-9 at 48×48×2 (DVS-CIFAR10): ΣN = 921,610, ratios 5 and 20/15", () => {
    const { report } = learningCostForTable("vgg9-dvs-cifar10");
    expect(report.totals.neurons).toBe(921610);
    expect(report.totals.synapses).toBe(1361613824);
    expect(report.ratios.memory).toBe(5);
    expect(report.ratios.macs).toBeCloseTo(20 / 15, 14);
  });

  it("SHD RSNN 700-450-20: ΣN = 470, Σ N·fan-in = 450·1150 + 20·450 = 526,500; ratios 50 and 200/270", () => {
    const t = LEARNING_SHAPE_TABLES["shd-rsnn"];
    expect(t.T).toBe(100);
    expect(t.T - t.Tl).toBe(90);
    const { report } = learningCostForTable("shd-rsnn");
    expect(report.totals.neurons).toBe(470);
    expect(report.totals.synapses).toBe(526500);
    expect(report.totals.memoryBpttValues).toBe(47000);
    expect(report.totals.memoryRuleValues).toBe(940);
    expect(report.totals.macsBptt).toBe(105300000); // 200 · 526,500
    expect(report.totals.macsRule).toBe(142155000); // 270 · 526,500
    expect(report.ratios.memory).toBe(50);
    expect(report.ratios.macs).toBeCloseTo(200 / 270, 14); // 0.741: S-TLLR uses more MACs, as in the paper's SHD row
    // Without the recurrent inputs: 450·700 + 20·450 = 324,000.
    expect(learningCostFromLayers(rsnnLayers(700, 450, 20, false), { T: 100, Tl: 10 }).totals.synapses).toBe(324000);
  });

  it("T and T_l can be overridden", () => {
    const { report } = learningCostForTable("vgg9-dvs-gesture", { Tl: 0 });
    expect(report.ratios.macs).toBeCloseTo(40 / 60, 14);
    expect(() => learningCostForTable("nope")).toThrow(AerchipError);
  });
});

describe("rendering", () => {
  it("prints the ratio lines with the formulas and the convention (text)", () => {
    const { report } = learningCostForTable("vgg9-dvs-gesture");
    const text = renderLearningCost(report, "text", "VGG-9");
    expect(text).toContain("memory BPTT / S-TLLR = 10 (formula T/2 = 20/2 = 10)");
    expect(text).toContain("MACs BPTT / S-TLLR = 2.667 (formula 2T/(3(T − T_l)) = 40/15 = 2.667)");
    expect(text).toContain("total ");
    expect(text).toContain("409,611");
    expect(text).toContain("2.42e10");
    expect(text).toContain(LEARNING_COST_CONVENTION.split("\n")[0]);
    // Every table row has the same width in text mode.
    const rows = text.split("\n").filter((l) => l.startsWith("conv"));
    expect(rows).toHaveLength(8);
  });

  it("prints a Markdown table and the SHD ratio 200/270", () => {
    const { report } = learningCostForTable("shd-rsnn");
    const md = renderLearningCost(report, "markdown");
    expect(md).toContain("| layer | neurons | fan-in | synapses | mem BPTT | mem S-TLLR | MACs BPTT | MACs S-TLLR |");
    expect(md).toContain("| hidden 450 (recurrent) | 450 | 1,150 | 517,500 | 45,000 | 900 | 103,500,000 | 139,725,000 |");
    expect(md).toContain("formula 2T/(3(T − T_l)) = 200/270 = 0.741");
    expect(md).toContain("formula T/2 = 100/2 = 50");
  });

  it("a built-in table adds the paper's printed values", () => {
    const text = renderLearningCostTable("vgg9-dvs-gesture");
    expect(text).toContain("MACs BPTT 6.06e9 (0.250 × formula 2.42e10)");
    expect(text).toContain("paper MAC ratio 2.670");
  });

  it("formatCount: separators below 1e9, scientific above", () => {
    expect(formatCount(8192220)).toBe("8,192,220");
    expect(formatCount(24206602240)).toBe("2.42e10");
    expect(formatCount(1477.4137)).toBe("1,477.41");
  });
});

describe("layersFromModelGraph", () => {
  it("one layer per neuron population with fan-in = incoming synapses / size", () => {
    const model = parseSnnref({
      format: "snnref-1", name: "g", steps: 1,
      populations: [
        { name: "in", kind: "input", size: 3, spikes: [] },
        { name: "h", kind: "lif", size: 2, decay: 0.5 },
        { name: "o", kind: "lif", size: 1, decay: 0.5 },
      ],
      projections: [
        { name: "a", pre: "in", post: "h", dense: { weights: [[1, 1], [1, 1], [1, 1]] } },
        { name: "r", pre: "h", post: "h", sparse: { pre: [0], post: [1], weights: 1 } },
        { name: "b", pre: "h", post: "o", dense: { weights: [[1], [1]] } },
      ],
    }, "g.json");
    // h: 6 feed-forward + 1 recurrent = 7 synapses over 2 neurons → 3.5; o: 2 over 1.
    expect(layersFromModelGraph(model.graph)).toEqual([
      { name: "h", neurons: 2, fanIn: 3.5 },
      { name: "o", neurons: 1, fanIn: 2 },
    ]);
  });
});
