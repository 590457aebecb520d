import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.ts";
import { writeShdModel } from "../helpers/shd-model.ts";

/** A 3×3, padding-1 convolution on a 3×3 map (one channel in and out) as a sparse projection: 49 synapses, 81 with the full kernel. */
function conv3x3File(): string {
  const pre: number[] = [];
  const post: number[] = [];
  for (let oy = 0; oy < 3; oy++) for (let ox = 0; ox < 3; ox++) for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
    const iy = oy + dy;
    const ix = ox + dx;
    if (iy >= 0 && iy < 3 && ix >= 0 && ix < 3) { pre.push(iy * 3 + ix); post.push(oy * 3 + ox); }
  }
  const file = join(mkdtempSync(join(tmpdir(), "aerchip-lc-")), "conv3x3.json");
  writeFileSync(file, JSON.stringify({
    format: "snnref-1", name: "conv3x3", steps: 4,
    populations: [{ name: "in", kind: "input", size: 9, spikes: [] }, { name: "c", kind: "lif", size: 9, decay: 0.5 }],
    projections: [{ name: "k", pre: "in", post: "c", sparse: { pre, post, weights: 1 } }],
  }));
  return file;
}

describe("aerchip learning-cost", () => {
  it("prints the S-TLLR tables for VGG-9 on DVS Gesture and the SHD RSNN with the formula ratios", async () => {
    const r = await cli("learning-cost", "--json");
    expect(r.code).toBe(0);
    const reports = JSON.parse(r.stdout) as Array<{ report: { T: number; Tl: number; ratios: { memory: number; memoryFormula: number; macs: number; macsFormula: number } } }>;
    expect(reports.map((x) => [x.report.T, x.report.Tl])).toEqual([[20, 15], [100, 10]]);
    // T/2 and 2T/(3(T − T_l)) for the conv layers; the FC readout (11 neurons, 5,632 synapses) at 1 trace and 1 MAC.
    expect(reports[0].report.ratios.memoryFormula).toBeCloseTo(20 / 2, 9);
    expect(reports[0].report.ratios.macsFormula).toBeCloseTo((2 * 20) / (3 * 5), 9);
    expect(reports[0].report.ratios.memory).toBeCloseTo(8192220 / 819211, 9);
    expect(reports[0].report.ratios.macs).toBeCloseTo(24206602240 / 9077419520, 9);
    // SHD: hidden 3 MACs/synapse, readout 1 (δ ⊗ tr_x): 200·526,500 / (270·517,500 + 90·9,000) = 0.749.
    expect(reports[1].report.ratios.macs).toBeCloseTo((200 * 526500) / (270 * 517500 + 90 * 9000), 9);
    expect(reports[1].report.ratios.macsFormula).toBeCloseTo((2 * 100) / (3 * 90), 9);
    const text = await cli("learning-cost");
    expect(text.stdout).toMatch(/VGG-9/);
    expect(text.stdout).toMatch(/SHD/);
  });

  it("--T/--Tl without a model or --table apply to both default tables, checked as for one table", async () => {
    const text = await cli("learning-cost", "--T", "10", "--Tl", "5");
    expect(text.code).toBe(0);
    expect(text.stdout.match(/T = 10, T_l = 5/g)?.length).toBe(2);
    const bad = await cli("learning-cost", "--T", "10", "--Tl", "20");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/E_CLI_OPTION/);
    expect(bad.stderr).toContain("field: --Tl");
    expect(bad.stdout).toBe("");
    // --T alone below a table's own T_l (VGG-9: 15) names --T.
    const low = await cli("learning-cost", "--table", "vgg9-dvs-gesture", "--T", "10");
    expect([low.code, low.stdout]).toEqual([2, ""]);
    expect(low.stderr).toContain("field: --T]");
  });

  it("a model without --T is a usage error with a code", async () => {
    const r = await cli("learning-cost", "no-such-model.json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CLI_OPTION/);
    expect(r.stderr).toContain("field: --T");
    const table = await cli("learning-cost", "no-such-model.json", "--T", "20", "--Tl", "15", "--table", "shd-rsnn");
    expect(table.code).toBe(2);
    expect(table.stderr).toContain("field: --table");
  });

  it("an unknown --table is a usage error naming --table (exit 2)", async () => {
    for (const name of ["nosuch", "constructor"]) {
      const r = await cli("learning-cost", "--table", name);
      expect([r.code, r.stdout], name).toEqual([2, ""]);
      expect(r.stderr).toMatch(/E_CLI_OPTION/);
      expect(r.stderr).toContain("field: --table");
    }
  });

  it("--T and --Tl have an upper bound (no Infinity or NaN in the tables); at the bound the figures are finite", async () => {
    for (const args of [["--T", "1e300"], ["--T", "1000001"], ["--table", "shd-rsnn", "--T", "1e300"], ["--T", "20", "--Tl", "1e300"]]) {
      const r = await cli("learning-cost", ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(new RegExp(args.includes("--Tl") ? "--Tl" : "--T "));
      expect(r.stdout).toBe("");
    }
    const max = await cli("learning-cost", "--T", "1000000", "--Tl", "999999", "--json");
    expect(max.code, max.stderr).toBe(0);
    expect(max.stdout).not.toMatch(/Infinity|NaN|null/);
  });

  it("--fan-in: a model counts real synapses by default, the full kernel on request; the tables the reverse; the convention is printed", async () => {
    const file = conv3x3File();
    const json = async (...args: string[]): Promise<{ fanInConvention: string; totals: { synapses: number; macsBptt: number; macsRule: number } }> => {
      const r = await cli("learning-cost", file, "--T", "4", "--Tl", "2", "--json", ...args);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const real = await json();
    expect([real.fanInConvention, real.totals.synapses, real.totals.macsBptt, real.totals.macsRule]).toEqual(["synapses", 49, 392, 294]);
    const full = await json("--fan-in", "full-kernel");
    expect([full.fanInConvention, full.totals.synapses, full.totals.macsBptt, full.totals.macsRule]).toEqual(["full-kernel", 81, 648, 486]);
    const text = await cli("learning-cost", file, "--T", "4", "--Tl", "2", "--fan-in", "full-kernel");
    expect(text.stdout).toContain("fan-in convention full-kernel:");
    // The built-in VGG-9 table: full kernel by default (605,165,056 synapses), real taps with --fan-in synapses (524,277,760).
    const t = await cli("learning-cost", "--table", "vgg9-dvs-gesture", "--json", "--fan-in", "synapses");
    const [{ report }] = JSON.parse(t.stdout) as Array<{ report: { fanInConvention: string; totals: { synapses: number } } }>;
    expect(report.fanInConvention).toBe("synapses");
    expect(report.totals.synapses).toBeCloseTo(524277760, 3);
    const bad = await cli("learning-cost", "--fan-in", "kernel");
    expect([bad.code, bad.stdout]).toEqual([2, ""]);
  });

  it("a model's non-spiking readout is costed with the rule's readout cost: the SHD network as a model gives --table shd-rsnn's totals; --readout overrides", async () => {
    const file = writeShdModel("aerchip-lc-");
    type Totals = { macsRule: number; memoryRuleValues: number; macsBptt: number; memoryBpttValues: number };
    const model = await cli("learning-cost", file, "--T", "100", "--Tl", "10", "--json");
    expect(model.code, model.stderr).toBe(0);
    const m = JSON.parse(model.stdout) as { totals: Totals; readoutLayers: string[] };
    const table = (JSON.parse((await cli("learning-cost", "--table", "shd-rsnn", "--json")).stdout) as Array<{ report: { totals: Totals } }>)[0].report;
    // Hidden 3 · 90 · 517,500 + readout 1 · 90 · 9,000 = 140,535,000 MACs; traces 2 · 450 + 1 · 20 = 920.
    expect([m.totals.macsRule, m.totals.memoryRuleValues, m.readoutLayers]).toEqual([140535000, 920, ["out"]]);
    expect(m.totals).toEqual(table.totals);
    // --readout hidden: the hidden layer at 1 trace / 1 MAC (450 + 90 · 517,500), out as a hidden layer (40 + 3 · 90 · 9,000).
    const marked = JSON.parse((await cli("learning-cost", file, "--T", "100", "--Tl", "10", "--json", "--readout", "hidden")).stdout) as { totals: Totals; readoutLayers: string[] };
    expect([marked.totals.macsRule, marked.totals.memoryRuleValues, marked.readoutLayers]).toEqual([46575000 + 2430000, 490, ["hidden"]]);
    const both = JSON.parse((await cli("learning-cost", file, "--T", "100", "--Tl", "10", "--json", "--readout", "out,hidden")).stdout) as { readoutLayers: string[] };
    expect(both.readoutLayers).toEqual(["hidden", "out"]);
    // Unknown names (an input population is no layer) and --readout without a model are usage errors.
    for (const name of ["nope", "in", "out,nope", ","]) {
      const bad = await cli("learning-cost", file, "--T", "100", "--Tl", "10", "--readout", name);
      expect([bad.code, bad.stdout], name).toEqual([2, ""]);
      expect(bad.stderr).toMatch(/E_CLI_OPTION/);
      expect(bad.stderr).toContain("field: --readout");
      expect(bad.stderr).toContain("hidden, out");
    }
    const noModel = await cli("learning-cost", "--readout", "out");
    expect([noModel.code, noModel.stdout]).toEqual([2, ""]);
    expect(noModel.stderr).toContain("field: --readout");
  });

  it("a NIR graph's LI output node is a readout by default: input 3 → IF 2 → LI 2, T = 4, T_l = 1", async () => {
    const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
    const path = join(mkdtempSync(join(tmpdir(), "aerchip-lc-")), "li.nir");
    await writeH5(path, nirFile({
      input: { type: "Input", shape: [3n] },
      fc1: { type: "Linear", weight: { f32: [1, 1, 1, 1, 1, 1], shape: [2, 3] } },
      hid: { type: "IF", r: [1, 1], v_threshold: [1, 1] },
      fc2: { type: "Linear", weight: { f32: [1, 1, 1, 1], shape: [2, 2] } },
      li: { type: "LI", tau: [1e-3, 1e-3], r: [1, 1], v_leak: [0, 0] },
      output: { type: "Output", shape: [2n] },
    }, [["input", "fc1"], ["fc1", "hid"], ["hid", "fc2"], ["fc2", "li"], ["li", "output"]]));
    const r = await cli("learning-cost", path, "--T", "4", "--Tl", "1", "--json");
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { readoutLayers: string[]; layers: Array<{ name: string; memoryRuleValues: number; macsRule: number }> };
    // hid: 2 traces × 2 neurons, 3 MACs × 3 steps × 6 synapses = 54; li: 1 trace × 2, 1 × 3 × 4 synapses = 12.
    expect(rep.readoutLayers).toEqual(["li"]);
    expect(rep.layers.map((l) => [l.name, l.memoryRuleValues, l.macsRule])).toEqual([["hid", 4, 54], ["li", 2, 12]]);
  });

  it("--fan-in full-kernel on the autoencoder's stride-2 convTranspose2d counts 4·4·4 inputs × 1·3·3 taps = 576 weight uses (484 synapses exist)", async () => {
    const model = "examples/conv/autoencoder.model.json";
    const get = async (...args: string[]): Promise<{ layers: Array<{ name: string; synapses: number; macsRule: number }> }> => {
      const r = await cli("learning-cost", model, "--T", "20", "--Tl", "15", "--json", ...args);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    // recon: 576 × 3 MACs × 5 steps = 8,640 (it was 1,024 × 15 = 15,360 with the best-connected output neuron's 16 taps).
    expect((await get("--fan-in", "full-kernel")).layers.map((l) => [l.name, l.synapses, l.macsRule])).toEqual([["code", 576, 8640], ["recon", 576, 8640]]);
    expect((await get()).layers.map((l) => [l.name, l.synapses])).toEqual([["code", 484], ["recon", 484]]);
  });

  it("a NIR graph's bias source (__nir_bias) is no layer and its bias synapses no fan-in: small-valid.nir is lif 3 × 3 inputs = 9 synapses", async () => {
    const r = await cli("learning-cost", join(import.meta.dirname, "../robustness/fixtures/small-valid.nir"), "--T", "10", "--Tl", "5", "--json", "--signal", "bp");
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { totals: { neurons: number; synapses: number; macsRule: number }; layers: Array<{ name: string }>; signal: { macs: number; broadcastValues: number } };
    // It was lif (10 synapses: 9 + 1 bias) and __nir_bias (1 neuron): ΣN 4.
    expect(rep.layers.map((l) => l.name)).toEqual(["lif"]);
    expect([rep.totals.neurons, rep.totals.synapses, rep.totals.macsRule]).toEqual([3, 9, 3 * 5 * 9]);
    // No layer feeds lif, so BP passes δ nowhere; lif's 3 neurons get δ on 5 steps.
    expect([rep.signal.macs, rep.signal.broadcastValues]).toEqual([0, 15]);
    const bad = await cli("learning-cost", join(import.meta.dirname, "../robustness/fixtures/small-valid.nir"), "--T", "10", "--Tl", "5", "--readout", "__nir_bias");
    expect(bad.code).toBe(2);
  });
});
