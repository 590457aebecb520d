/**
 * Learning-cost report: the S-TLLR vs BPTT formulas checked with hand arithmetic on small shapes and on
 * the built-in tables (VGG-9 / DVS Gesture, VGG-9 / DVS-CIFAR10, SHD RSNN), the printed ratios T/2 and
 * 2T/(3(T − T_l)), rendering, shapes from a model graph, and input errors.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AerchipError } from "../../../core/diagnostics.ts";
import {
  LEARNING_COST_CONVENTION, formatCount, learningCostFromLayers, renderLearningCost,
} from "../../../compiler/analysis/learning-cost.ts";
import {
  LEARNING_SHAPE_TABLES, layersFromModelGraph, learningCostForTable, modelLayerNames, paperScale, renderLearningCostTable, rsnnLayers, vgg9Layers,
} from "../../../compiler/analysis/learning-shapes.ts";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { shdModelJson as shdModel } from "../../helpers/shd-model.ts";

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
    // The FC layer is the readout (authors' code: a non-spiking nn.Linear trained on δ ⊗ x), as a model's
    // non-spiking output population is: 1 trace and 1 MAC per synapse per learning step.
    expect(l.map((x) => x.role ?? "hidden")).toEqual([...Array(8).fill("hidden"), "readout"]);
    const r = learningCostFromLayers(l, { T: 20, Tl: 15 });
    expect(r.totals.neurons).toBe(409611);
    // 65536·18 + 131072·576 + 65536·1152 + 65536·2304 + 32768·2304 + 32768·4608 + 2·8192·4608 + 11·512
    // = 1,179,648 + 75,497,472 + 75,497,472 + 150,994,944 + 75,497,472 + 150,994,944 + 75,497,472 + 5,632
    expect(r.totals.synapses).toBe(605165056);
    expect(r.totals.memoryBpttValues).toBe(8192220); // 20 · 409,611
    expect(r.totals.memoryRuleValues).toBe(819211); // 2 · 409,600 hidden + 1 · 11 readout
    expect(r.totals.macsBptt).toBe(24206602240); // 40 · 605,165,056
    // 3 · 5 · 605,159,424 hidden synapses + 1 · 5 · 5,632 readout synapses = 9,077,391,360 + 28,160
    expect(r.totals.macsRule).toBe(9077419520);
    expect(r.readoutLayers).toEqual(["fc 11"]);
    expect(r.ratios.memory).toBeCloseTo(8192220 / 819211, 12); // 10.0001 (T/2 = 10 for the hidden layers)
    expect(r.ratios.macs).toBeCloseTo(24206602240 / 9077419520, 12); // 2.6667 (40/15 for the hidden layers)
    // Without the readout mark every layer follows the closed forms: 2 · 409,611 and 15 · 605,165,056.
    const uniform = learningCostFromLayers(l.map(({ role: _role, ...x }) => x), { T: 20, Tl: 15 });
    expect([uniform.totals.memoryRuleValues, uniform.totals.macsRule, uniform.ratios.memory]).toEqual([819222, 9077475840, 10]);
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
    // FC 10 readout (10 neurons × 512): memory 10 · 921,610 / (2 · 921,600 + 10); MACs 20 · S / (15 · (S − 5,120) + 5 · 5,120).
    expect(report.ratios.memory).toBeCloseTo(9216100 / 1843210, 12);
    expect(report.ratios.macs).toBeCloseTo((20 * 1361613824) / (15 * 1361608704 + 5 * 5120), 12);
    expect(report.ratios.memoryFormula).toBe(5);
    expect(report.ratios.macsFormula).toBeCloseTo(20 / 15, 14);
  });

  it("SHD RSNN 700-450-20: ΣN = 470, Σ N·fan-in = 450·1150 + 20·450 = 526,500; the readout costs 1 trace and 1 MAC (authors' code: δ ⊗ tr_x)", () => {
    const t = LEARNING_SHAPE_TABLES["shd-rsnn"];
    expect(t.T).toBe(100);
    expect(t.T - t.Tl).toBe(90);
    const { report } = learningCostForTable("shd-rsnn");
    expect(report.totals.neurons).toBe(470);
    expect(report.totals.synapses).toBe(526500);
    expect(report.totals.memoryBpttValues).toBe(47000);
    // Hidden: 2 traces × 450; readout: 1 trace × 20 (δ ⊗ tr_x only, factors [0, 0.99, 0, 1]).
    expect(report.totals.memoryRuleValues).toBe(920);
    expect(report.totals.macsBptt).toBe(105300000); // 200 · 526,500
    // Hidden 3 · 90 · 517,500 = 139,725,000; readout 1 · 90 steps · 9,000 synapses = 810,000 (not 3 · 810,000).
    expect(report.layers.map((l) => [l.role ?? "hidden", l.tracesPerNeuron, l.macsPerSynapseStep, l.macsRule])).toEqual([
      ["hidden", 2, 3, 139725000], ["readout", 1, 1, 810000],
    ]);
    expect(report.totals.macsRule).toBe(140535000);
    expect(report.readoutLayers).toEqual(["readout 20"]);
    expect(report.ratios.memory).toBeCloseTo(47000 / 920, 12); // 51.087
    expect(report.ratios.memoryFormula).toBe(50); // T/2, the hidden layer's
    expect(report.ratios.macs).toBeCloseTo(105300000 / 140535000, 12); // 0.749: S-TLLR still uses more MACs, as in the paper's SHD row
    expect(report.ratios.macsFormula).toBeCloseTo(200 / 270, 14);
    // The causal-only variant keeps the readout at 1 MAC: hidden 2 · 90 · 517,500 + 810,000.
    expect(learningCostForTable("shd-rsnn", { rule: "stllr-causal" }).report.totals.macsRule).toBe(93150000 + 810000);
    // A rule without a readout model costs the readout like any layer.
    const flat = learningCostFromLayers(rsnnLayers(700, 450, 20, true), { T: 100, Tl: 10, rule: { name: "x", tracesPerNeuron: 2, macsPerSynapseStep: 3, note: "" } });
    expect([flat.totals.macsRule, flat.readoutLayers]).toEqual([142155000, []]);
    // Without the recurrent inputs: 450·700 + 20·450 = 324,000.
    expect(learningCostFromLayers(rsnnLayers(700, 450, 20, false), { T: 100, Tl: 10 }).totals.synapses).toBe(324000);
  });

  it("T and T_l can be overridden", () => {
    const { report } = learningCostForTable("vgg9-dvs-gesture", { Tl: 0 });
    // 40 · S / (60 · (S − 5,632) + 20 · 5,632), S = 605,165,056 (formula 40/60 for the hidden layers).
    expect(report.ratios.macs).toBeCloseTo((40 * 605165056) / (60 * 605159424 + 20 * 5632), 14);
    expect(report.ratios.macsFormula).toBeCloseTo(40 / 60, 14);
    expect(() => learningCostForTable("nope")).toThrow(AerchipError);
  });
});

describe("rendering", () => {
  it("prints the ratio lines with the formulas and the convention (text)", () => {
    const { report } = learningCostForTable("vgg9-dvs-gesture");
    const text = renderLearningCost(report, "text", "VGG-9");
    expect(text).toContain("memory BPTT / S-TLLR = 10.000 (formula T/2 = 20/2 = 10 for the layers other than the readout)");
    expect(text).toContain("MACs BPTT / S-TLLR = 2.667 (formula 2T/(3(T − T_l)) = 40/15 = 2.667 for the layers other than the readout)");
    expect(text).toContain("readout layer 'fc 11': δ ⊗ tr_x only");
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
    expect(md).toContain("| readout 20 | 20 | 450 | 9,000 | 2,000 | 20 | 1,800,000 | 810,000 |");
    expect(md).toContain("formula 2T/(3(T − T_l)) = 200/270 = 0.741 for the layers other than the readout");
    expect(md).toContain("formula T/2 = 100/2 = 50 for the layers other than the readout");
    expect(md).toContain("MACs BPTT / S-TLLR = 0.749");
  });

  it("a built-in table adds the paper's printed values, citing the paper (not a file outside the repository)", () => {
    const text = renderLearningCostTable("vgg9-dvs-gesture");
    expect(text).toContain("MACs BPTT 6.06e9 (0.250 × formula 2.42e10)");
    expect(text).toContain("paper MAC ratio 2.670");
    expect(text).toContain("arXiv 2306.15220");
    const shd = renderLearningCostTable("shd-rsnn");
    // S-TLLR 0.096e9 / 140,535,000 = 0.683 (0.675 when the readout was charged 3 MACs).
    expect(shd).toContain("S-TLLR 0.096e9 (0.683 × 140,535,000)");
    for (const id of Object.keys(LEARNING_SHAPE_TABLES)) expect(renderLearningCostTable(id, "markdown"), id).not.toMatch(/papers\.md/);
  });

  it("formatCount: separators below 1e9, scientific above", () => {
    expect(formatCount(8192220)).toBe("8,192,220");
    expect(formatCount(24206602240)).toBe("2.42e10");
    expect(formatCount(1477.4137)).toBe("1,477.41");
  });
});

/**
 * A 3×3 convolution, padding 1, on a 3×3 single-channel map, one output channel (9 neurons), as a
 * sparse projection. Taps that exist per output: 4 at each corner, 6 at each edge, 9 at the centre:
 * 4·4 + 4·6 + 9 = 49 = (3·3 − 2)²; the full kernel at every position: 9·9 = 81.
 */
function conv3x3Model(): ReturnType<typeof parseSnnref> {
  const pre: number[] = [];
  const post: number[] = [];
  for (let oy = 0; oy < 3; oy++) for (let ox = 0; ox < 3; ox++) {
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const iy = oy + dy;
      const ix = ox + dx;
      if (iy >= 0 && iy < 3 && ix >= 0 && ix < 3) { pre.push(iy * 3 + ix); post.push(oy * 3 + ox); }
    }
  }
  return parseSnnref({
    format: "snnref-1", name: "conv3x3", steps: 4,
    populations: [{ name: "in", kind: "input", size: 9, spikes: [] }, { name: "c", kind: "lif", size: 9, decay: 0.5 }],
    projections: [{ name: "k", pre: "in", post: "c", sparse: { pre, post, weights: 1 } }],
  }, "conv3x3.json");
}

describe("fan-in convention: full-kernel vs synapses", () => {
  it("a 3×3 padded conv on 3×3: 49 synapses (synapses) vs 81 (full-kernel); MACs at T = 4, T_l = 2", () => {
    const g = conv3x3Model().graph;
    const real = learningCostFromLayers(layersFromModelGraph(g), { T: 4, Tl: 2, fanIn: "synapses" });
    const full = learningCostFromLayers(layersFromModelGraph(g, "full-kernel"), { T: 4, Tl: 2, fanIn: "full-kernel" });
    expect(real.totals.synapses).toBe(49);
    expect(full.totals.synapses).toBe(81);
    // BPTT 2·4·49 = 392 vs 2·4·81 = 648; S-TLLR 3·2·49 = 294 vs 3·2·81 = 486.
    expect([real.totals.macsBptt, real.totals.macsRule]).toEqual([392, 294]);
    expect([full.totals.macsBptt, full.totals.macsRule]).toEqual([648, 486]);
    expect(real.fanInConvention).toBe("synapses");
    expect(renderLearningCost(full)).toContain("fan-in convention full-kernel:");
    expect(renderLearningCost(real)).toContain("fan-in convention synapses:");
    // A dense layer is the same under both conventions.
    const dense = parseSnnref({
      format: "snnref-1", name: "d", steps: 1,
      populations: [{ name: "in", kind: "input", size: 3, spikes: [] }, { name: "h", kind: "lif", size: 2, decay: 0.5 }],
      projections: [{ name: "a", pre: "in", post: "h", dense: { weights: [[1, 1], [1, 1], [1, 1]] } }],
    }, "d.json").graph;
    expect(layersFromModelGraph(dense, "full-kernel")).toEqual(layersFromModelGraph(dense, "synapses"));
  });

  it("VGG-9 tables: 'synapses' counts the taps that exist, (3H−2)(3W−2)·C_in per output channel", () => {
    // 2×2 map, 1 channel: every output sees 2×2 = 4 of the 9 taps ((3·2 − 2)² / 4 = 4).
    expect(vgg9Layers({ height: 2, width: 2, channels: 1, classes: 1 }, "synapses")[0].fanIn).toBe(4);
    // Gesture conv1: 64 channels × 2 inputs × 94·94 taps = 1,131,008 synapses (full kernel: 65,536 · 18 = 1,179,648).
    const l = vgg9Layers({ height: 32, width: 32, channels: 2, classes: 11 }, "synapses");
    expect(l[0].neurons * l[0].fanIn).toBeCloseTo(1131008, 6);
    const { report } = learningCostForTable("vgg9-dvs-gesture", { fanIn: "synapses" });
    // Σ c_out·c_in·(3H−2)(3W−2): 64·2·94² + 128·64·94² + 256·128·46² + 256·256·46² + 512·256·22² + 512·512·22²
    // + 2·512·512·10² + FC 11·512 = 1,131,008 + 72,384,512 + 69,337,088 + 138,674,176 + 63,438,848 + 126,877,696
    // + 52,428,800 + 5,632 = 524,277,760 = 0.866 × the full-kernel 605,165,056; ratios unchanged.
    expect(report.totals.synapses).toBeCloseTo(524277760, 3);
    // The FC readout's 5,632 synapses at 1 MAC: 40 · S / (15 · (S − 5,632) + 5 · 5,632).
    expect(report.ratios.macs).toBeCloseTo((40 * 524277760) / (15 * 524272128 + 5 * 5632), 12);
    expect(report.fanInConvention).toBe("synapses");
    expect(learningCostForTable("vgg9-dvs-gesture").report.fanInConvention).toBe("full-kernel");
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
    // h: 6 feed-forward + 1 recurrent = 7 synapses over 2 neurons → 3.5; o: 2 over 1. feedForward: the
    // synapses from other layers (h's come from the input and itself: none; o's 2 from h), for --signal bp.
    expect(layersFromModelGraph(model.graph)).toEqual([
      { name: "h", neurons: 2, fanIn: 3.5, feedForward: [] },
      { name: "o", neurons: 1, fanIn: 2, feedForward: [{ from: "h", synapses: 2 }] },
    ]);
  });
});

/** The S-TLLR SHD network as an aerchip-model-1 file (tests/helpers/shd-model.ts). */
function shdModelJson(): Json {
  return shdModel() as unknown as Json;
}

describe("a model's readout (papers.md §1.1 readout, §1.2 output layer δ ⊗ tr_x)", () => {
  // in → ro (non-spiking, 1 synapse) and in → th (spiking, 1 synapse); T = 8, T_l = 2: 6 learning steps.
  const chk = parseAerchipModel({
    format: "aerchip-model-1", name: "chk", steps: 8,
    populations: [
      { name: "in", kind: "input", size: 1, spikes: [] },
      { name: "ro", kind: "neuron", size: 1, spiking: false, voltageDecay: 1 },
      { name: "th", kind: "neuron", size: 1, voltageDecay: 1, vThreshold: 1 },
    ],
    projections: [
      { name: "a", pre: "in", post: "ro", dense: { weights: [[-0.4]] } },
      { name: "b", pre: "in", post: "th", dense: { weights: [[1]] } },
    ],
  }, "chk.json").graph;

  it("a non-spiking population is a readout by default: ro 1 trace and 1 · 6 · 1 = 6 MACs; th 2 traces and 3 · 6 · 1 = 18", () => {
    const layers = layersFromModelGraph(chk);
    expect(layers.map((l) => l.role ?? "hidden")).toEqual(["readout", "hidden"]);
    const r = learningCostFromLayers(layers, { T: 8, Tl: 2 });
    expect(r.layers.map((l) => [l.name, l.memoryRuleValues, l.macsRule])).toEqual([["ro", 1, 6], ["th", 2, 18]]);
    expect([r.totals.memoryRuleValues, r.totals.macsRule, r.readoutLayers]).toEqual([3, 24, ["ro"]]);
    // BPTT is unchanged by the role: 8 · 2 values, 2 · 8 · 2 MACs.
    expect([r.totals.memoryBpttValues, r.totals.macsBptt]).toEqual([16, 32]);
  });

  it("readouts given by name replace the default; a name that is no layer is refused naming the choices", () => {
    const r = learningCostFromLayers(layersFromModelGraph(chk, "synapses", ["th"]), { T: 8, Tl: 2 });
    // th: 1 trace, 6 MACs; ro now a hidden layer: 2 traces, 18 MACs.
    expect(r.layers.map((l) => [l.name, l.memoryRuleValues, l.macsRule])).toEqual([["ro", 2, 18], ["th", 1, 6]]);
    expect(r.readoutLayers).toEqual(["th"]);
    expect(modelLayerNames(chk)).toEqual(["ro", "th"]);
    for (const bad of [["nope"], ["in"]]) {
      try {
        layersFromModelGraph(chk, "synapses", bad);
        expect.unreachable();
      } catch (e) {
        expect((e as AerchipError).code).toBe("E_LEARNING_COST");
        expect((e as AerchipError).hint).toContain("ro, th");
      }
    }
  });

  it("the SHD network written as a model gives the shd-rsnn table's totals (140,535,000 rule MACs, 920 traces)", () => {
    const graph = parseAerchipModel(shdModelJson(), "shd.json").graph;
    const model = learningCostFromLayers(layersFromModelGraph(graph), { T: 100, Tl: 10 });
    const table = learningCostForTable("shd-rsnn").report;
    for (const k of ["neurons", "synapses", "memoryBpttValues", "memoryRuleValues", "macsBptt", "macsRule"] as const) {
      expect(model.totals[k], k).toBe(table.totals[k]);
    }
    expect([model.totals.macsRule, model.totals.memoryRuleValues, model.readoutLayers]).toEqual([140535000, 920, ["out"]]);
  });
});

describe("full-kernel on a transposed convolution: the kernel's weight uses per input position", () => {
  it("the autoencoder's stride-2 decoder: 4·4·4 inputs × (1·3·3) taps = 576 (484 synapses exist; the best-connected output's 16 × 64 = 1,024 was wrong)", () => {
    const graph = parseAerchipModel(JSON.parse(readFileSync(join(import.meta.dirname, "../../../examples/conv/autoencoder.model.json"), "utf8")) as Json, "autoencoder.model.json").graph;
    const real = layersFromModelGraph(graph, "synapses");
    const full = layersFromModelGraph(graph, "full-kernel");
    // Per spatial dimension 2 + 3 + 3 + 3 = 11 of the 4 × 3 taps land in the map (the first row/column loses one):
    // 11² · 4 channels = 484 for both the conv2d encoder and the transposed decoder.
    expect(real.map((l) => [l.name, l.neurons * l.fanIn])).toEqual([["code", 484], ["recon", 484]]);
    // Encoder: 64 outputs × (1·3·3) = 576; decoder: 64 inputs × (1·3·3) = 576.
    expect(full.map((l) => [l.name, l.neurons * l.fanIn])).toEqual([["code", 576], ["recon", 576]]);
    const r = learningCostFromLayers(full, { T: 20, Tl: 15, fanIn: "full-kernel" });
    // recon: BPTT 2 · 20 · 576 = 23,040, S-TLLR 3 · 5 · 576 = 8,640.
    expect(r.layers.map((l) => [l.macsBptt, l.macsRule])).toEqual([[23040, 8640], [23040, 8640]]);
    expect(renderLearningCost(r)).toContain("a model's convTranspose2d: its full k×k·C_out kernel at every input position");
  });

  it("C_in 2 → C_out 3, 2×2 kernel, stride 2, padding 1 on 2×2: 8 inputs × 3·2·2 = 96 weight uses, 24 synapses", () => {
    const graph = parseAerchipModel({
      format: "aerchip-model-1", name: "ct", steps: 1,
      populations: [
        { name: "x", kind: "input", size: 8, shape: [2, 2, 2], spikes: [] },
        // OH = (2 − 1)·2 − 2·1 + (2 − 1) + 1 = 2.
        { name: "y", kind: "neuron", size: 12, shape: [3, 2, 2] },
      ],
      projections: [{ name: "up", pre: "x", post: "y", convTranspose2d: { kernelShape: [2, 3, 2, 2], weights: new Array<number>(24).fill(1), stride: 2, padding: 1 } }],
    } as unknown as Json, "ct.json").graph;
    // Per dimension input 0 reaches output −1 (cropped) and 0, input 1 reaches 1 and 2 (cropped): 1 + 1 of 4 taps,
    // so 2² = 4 per (C_in, C_out) pair: 2 · 3 · 4 = 24 synapses.
    expect(layersFromModelGraph(graph, "synapses")[0].neurons * layersFromModelGraph(graph, "synapses")[0].fanIn).toBe(24);
    expect(layersFromModelGraph(graph, "full-kernel")[0]).toEqual({ name: "y", neurons: 12, fanIn: 96 / 12, feedForward: [] });
  });
});

describe("renderLearningCostTable: the paper's normalisation is stated per table (audit s24b #6)", () => {
  // The shared note used to say "its memory is ≈ 2 bytes per value" (true for VGG-9 only: 1.97) above
  // SHD's own 0.961 MB / 47,000 values = 20.45 bytes/value. Every bytes-per-value and "× formula" factor a
  // table's text states must be that table's own paper ÷ formula figure.
  for (const id of Object.keys(LEARNING_SHAPE_TABLES)) {
    it(id, () => {
      const { report } = learningCostForTable(id);
      const k = paperScale(report, LEARNING_SHAPE_TABLES[id].paper!);
      const text = renderLearningCostTable(id);
      const own = new Set([k.bytesPerValueBptt, k.bytesPerValueRule].map((v) => v.toFixed(2)));
      const stated = [...text.matchAll(/([0-9.]+) bytes(?: per |\/)value/g)].map((m) => Number(m[1]).toFixed(2));
      expect(stated.length).toBeGreaterThan(0);
      for (const s of stated) expect(own).toContain(s);
      const factors = new Set([k.macsBptt, k.macsRule].map((v) => v.toFixed(3)));
      for (const m of text.matchAll(/([0-9.]+) × (?:these formulas|formula)/g)) expect(factors).toContain(Number(m[1]).toFixed(3));
    });
  }
});
