/**
 * Lowering checked against the NIR-literal reference simulator (nir-reference.ts) on synthetic
 * graphs covering every node type, nested graphs, cycles, delays and the options, and on the paper
 * CNN and Braille graphs.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createRng, type Rng } from "../../../../core/rng.ts";
import { lowerNirDocument, readNirDocument, type NirLoadOptions } from "../../../../compiler/frontends/nir/index.ts";
import { compareWithReference, errorCode, loadNpyF64, writeAndLower } from "./helpers.ts";
import { nirFile, writeH5, type H5Tree } from "./write-h5.ts";
import { SKIP_MSG } from "../../../helpers/shared.ts";

const SHARED = resolve(process.cwd(), "../shared");
const hasShared = existsSync(SHARED);
const NIR = join(SHARED, "fixtures/nir");

let tmp = "";
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "aerchip-nir-lower-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function uniform(rng: Rng, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => lo + (hi - lo) * rng.nextFloat());
}
function f32(rng: Rng, shape: number[], lo: number, hi: number): { f32: number[]; shape: number[] } {
  return { f32: uniform(rng, shape.reduce((a, b) => a * b, 1), lo, hi), shape };
}
function spikes(rng: Rng, n: number, p: number): Float64Array {
  return Float64Array.from({ length: n }, () => (rng.nextFloat() < p ? 1 : 0));
}
const fill = (n: number, v: number): number[] => new Array<number>(n).fill(v);

const load = (name: string, tree: H5Tree, opts: NirLoadOptions = {}) => writeAndLower(tmp, name, tree, opts);

function expectExact(cmp: ReturnType<typeof compareWithReference>, minSpikes: number): void {
  for (const [node, mm] of cmp.mismatches) {
    expect({ node, mismatches: mm }).toEqual({ node, mismatches: 0 });
  }
  for (const [node, e] of cmp.maxVError) {
    expect({ node, small: e < 1e-9 }).toEqual({ node, small: true });
  }
  let total = 0;
  for (const s of cmp.spikes.values()) total += s;
  expect(total).toBeGreaterThanOrEqual(minSpikes);
}

describe("lowering matches the NIR-literal reference", () => {
  it("Conv2d (groups, stride, padding) → LIF → overlapping AvgPool2d → Flatten → Linear, plus an Affine branch, summed into a CubaLIF", async () => {
    const rng = createRng(11);
    const tree = nirFile({
      input: { type: "Input", shape: [4n, 6n, 6n] },
      conv: { type: "Conv2d", weight: f32(rng, [6, 2, 3, 3], -0.4, 0.9), bias: uniform(rng, 6, -0.05, 0.1), stride: [2n, 2n], padding: [1n, 1n], dilation: [1n, 1n], groups: 2n, input_shape: [6n, 6n] },
      lif: { type: "LIF", tau: { f32: uniform(rng, 54, 5e-4, 3e-3), shape: [6, 3, 3] }, r: { f32: fill(54, 8), shape: [6, 3, 3] }, v_leak: { f32: fill(54, 0), shape: [6, 3, 3] }, v_threshold: { f32: uniform(rng, 54, 0.6, 1.2), shape: [6, 3, 3] } },
      pool: { type: "AvgPool2d", kernel_size: 2n, stride: 1n, padding: [0n, 0n] },
      flat: { type: "Flatten", start_dim: 0n, end_dim: -1n },
      fc: { type: "Linear", weight: f32(rng, [5, 24], -0.5, 1.5) },
      flat_in: { type: "Flatten", start_dim: 0n, end_dim: -1n, input_type: [4n, 6n, 6n] },
      skip: { type: "Affine", weight: f32(rng, [5, 144], -0.2, 0.3), bias: uniform(rng, 5, -0.1, 0.2) },
      cuba: { type: "CubaLIF", tau_syn: fill(5, 3e-4), tau_mem: uniform(rng, 5, 8e-4, 2e-3), r: fill(5, 4), v_leak: fill(5, 0), v_threshold: fill(5, 1), v_reset: fill(5, 0), w_in: fill(5, 1.5) },
      output: { type: "Output", shape: [5n] },
    }, [["input", "conv"], ["conv", "lif"], ["lif", "pool"], ["pool", "flat"], ["flat", "fc"], ["fc", "cuba"], ["input", "flat_in"], ["flat_in", "skip"], ["skip", "cuba"], ["cuba", "output"]]);
    const { doc, m } = await load("convmix", tree);
    expect(m.warnings).toEqual([]);
    const T = 60;
    const cmp = compareWithReference(doc, m, new Map([["input", spikes(rng, T * 144, 0.3)]]), T);
    expectExact(cmp, 20);
    expect(m.nodes.map((n) => [n.node, n.latencyTicks])).toEqual([["input", 0], ["lif", 1], ["cuba", 2]]);
    const enc = new Map(m.projections.map((p) => [p.projection, p.encoding]));
    expect(enc.get("input->lif")).toBe("conv");
    expect(enc.get("input->cuba")).toBe("dense");
    // Overlapping pooling then a dense layer: every lif neuron reaches every cuba neuron.
    expect(enc.get("lif->cuba")).toBe("dense");
  });

  it("Scale, per-element Delay, Threshold, LI/I/CubaLI readouts (with v_leak) and a linear readout of an Output", async () => {
    const rng = createRng(12);
    const tree = nirFile({
      input: { type: "Input", shape: [5n] },
      scale: { type: "Scale", scale: [1.5, -1, 2, 0.5, 1] },
      delay: { type: "Delay", delay: [0, 1e-4, 2e-4, 3e-4, 5e-4] },
      th: { type: "Threshold", threshold: [0.5, -0.5, 1, 0.2, 0.9] },
      fc: { type: "Affine", weight: f32(rng, [3, 5], -1, 1), bias: [0.1, -0.2, 0] },
      li: { type: "LI", tau: [1e-3, 2e-3, 5e-4], r: [2, 1, 3], v_leak: [0.5, 0, -0.25] },
      fc2: { type: "Linear", weight: f32(rng, [2, 5], -1, 1) },
      integ: { type: "I", r: [1, 0.5] },
      cli: { type: "CubaLI", tau_syn: [3e-4, 5e-4], tau_mem: [1e-3, 2e-3], r: [1, 2], v_leak: [0.3, -0.1], w_in: [1, 2] },
      lin_out: { type: "Affine", weight: f32(rng, [4, 5], -1, 1), bias: [0, 0.5, 0, -1] },
      out_li: { type: "Output", shape: [3n] },
      out_i: { type: "Output", shape: [2n] },
      out_cli: { type: "Output", shape: [2n] },
      out_lin: { type: "Output", shape: [4n] },
    }, [["input", "scale"], ["scale", "delay"], ["delay", "th"], ["th", "fc"], ["fc", "li"], ["li", "out_li"], ["th", "fc2"], ["fc2", "integ"], ["integ", "out_i"], ["fc2", "cli"], ["cli", "out_cli"], ["th", "lin_out"], ["lin_out", "out_lin"]]);
    const { doc, m } = await load("readouts", tree);
    const T = 50;
    // th[1] has θ = −0.5: it fires at rest, also in the tick before its latency, unless frozen.
    expect(m.warnings.map((w) => w.code)).toEqual(["W_NIR_NEEDS_START_TICK"]);
    expect([...m.startTicks]).toEqual([["th", 1]]);
    // The hint names something the user can do: no chip has a per-population start tick (audit s23a #6).
    expect(m.warnings[0].message).toContain("th (latency 1) fire at rest");
    expect(m.warnings[0].hint).not.toMatch(/start tick/);
    expect(m.warnings[0].hint).toContain("v_threshold ≥ 0");
    const stim = new Map([["input", spikes(rng, T * 5, 0.5)]]);
    const cmp = compareWithReference(doc, m, stim, T, m.startTicks);
    expectExact(cmp, 20);
    const early = compareWithReference(doc, m, stim, T);
    expect(early.maxVError.get("li")!).toBeGreaterThan(1e-6);
    expect([...cmp.maxVError.keys()].sort()).toEqual(["cli", "integ", "li", "out_lin"]);
    expect(m.outputs.map((o) => [o.output, o.population, o.spiking])).toEqual([
      ["out_cli", "cli", false], ["out_i", "integ", false], ["out_li", "li", false], ["out_lin", "out_lin", false],
    ]);
    // The CubaLI's v_leak needs the one-shot source; the delays show up as synapse delays.
    expect(m.graph.populations.map((p) => p.name)).toContain("__nir_once");
    const ith = m.graph.projections.find((p) => p.pre === "input" && p.post === "th")!;
    expect(Array.from(ith.delayTicks)).toEqual([1, 2, 3, 4, 6]);
  });

  it("Conv1d with padding \"same\", dilation and groups; IF; a second Conv1d with stride", async () => {
    const rng = createRng(13);
    const tree = nirFile({
      input: { type: "Input", shape: [4n, 12n] },
      c1: { type: "Conv1d", weight: f32(rng, [6, 2, 3], -0.3, 1), bias: fill(6, 0), stride: 1n, padding: "same", dilation: 2n, groups: 2n },
      if1: { type: "IF", r: { f32: fill(72, 1), shape: [6, 12] }, v_threshold: { f32: fill(72, 1), shape: [6, 12] }, v_reset: { f32: fill(72, 0), shape: [6, 12] } },
      c2: { type: "Conv1d", weight: f32(rng, [3, 6, 4], -0.2, 0.8), bias: [0.05, 0, -0.05], stride: 2n, padding: 1n, dilation: 1n, groups: 1n, input_shape: 12n },
      if2: { type: "IF", r: { f32: fill(18, 1), shape: [3, 6] }, v_threshold: { f32: fill(18, 1), shape: [3, 6] } },
      output: { type: "Output", shape: [3n, 6n] },
    }, [["input", "c1"], ["c1", "if1"], ["if1", "c2"], ["c2", "if2"], ["if2", "output"]]);
    for (const reset of ["to-v-reset", "subtract"] as const) {
      const { doc, m } = await load(`conv1d-${reset}`, tree, { reset });
      const T = 40;
      const cmp = compareWithReference(doc, m, new Map([["input", spikes(createRng(5), T * 48, 0.35)]]), T);
      expectExact(cmp, 30);
    }
  });

  it("a nested subgraph with a recurrent Affine (bias ≠ 0), addressed by bare and dotted names, under both recurrent-bias conventions", async () => {
    const rng = createRng(14);
    const block: H5Tree = {
      type: "NIRGraph",
      edges: { strEdges: [["in", "lif"], ["lif", "rec"], ["rec", "lif"], ["lif", "out"]] },
      nodes: {
        in: { type: "Input", shape: [6n] },
        lif: { type: "CubaLIF", tau_syn: fill(6, 4e-4), tau_mem: fill(6, 1e-3), r: fill(6, 5), v_leak: fill(6, 0), v_threshold: fill(6, 1), w_in: fill(6, 2) },
        rec: { type: "Affine", weight: f32(rng, [6, 6], -0.6, 0.6), bias: uniform(rng, 6, 0.2, 0.6) },
        out: { type: "Output", shape: [6n] },
      },
    };
    const tree = nirFile({
      input: { type: "Input", shape: [3n] },
      fc: { type: "Affine", weight: f32(rng, [6, 3], 0, 1.5), bias: fill(6, 0.05) },
      blk: block,
      fc2: { type: "Linear", weight: f32(rng, [2, 6], -0.5, 1) },
      lif2: { type: "LIF", tau: fill(2, 1e-3), r: fill(2, 10), v_leak: fill(2, 0), v_threshold: fill(2, 1) },
      output: { type: "Output", shape: [2n] },
    }, [["input", "fc"], ["fc", "blk"], ["blk.out", "fc2"], ["fc2", "lif2"], ["lif2", "output"]]);
    const stim = spikes(rng, 60 * 3, 0.3);
    const spikesAt = new Map<string, string>();
    for (const recurrentBias of ["nirtorch", "snntorch"] as const) {
      const { doc, m } = await load(`nested-${recurrentBias}`, tree, { recurrentBias });
      expect(m.nodes.map((n) => n.node)).toEqual(["input", "blk.lif", "lif2"]);
      const cmp = compareWithReference(doc, m, new Map([["input", stim]]), 60);
      expectExact(cmp, 10);
      // The recurrent bias arrives one tick later under nirtorch's convention.
      const b = m.graph.projections.find((p) => p.pre === "__nir_bias" && p.post === "blk.lif")!;
      const delays = new Set(b.delayTicks);
      expect([...delays].sort()).toEqual(recurrentBias === "nirtorch" ? [1, 2] : [1]);
      spikesAt.set(recurrentBias, JSON.stringify([...cmp.spikes]));
    }
  });

  it("bias \"compartment\": exact with the proposed start tick, wrong without it", async () => {
    const rng = createRng(15);
    const tree = nirFile({
      input: { type: "Input", shape: [4n] },
      fc1: { type: "Affine", weight: f32(rng, [5, 4], 0, 1), bias: uniform(rng, 5, 0.05, 0.15) },
      lif1: { type: "LIF", tau: fill(5, 1e-3), r: fill(5, 10), v_leak: fill(5, 0), v_threshold: fill(5, 1) },
      fc2: { type: "Affine", weight: f32(rng, [3, 5], 0, 1), bias: [0.3, 0.25, 0.35] },
      lif2: { type: "LIF", tau: fill(3, 1e-3), r: fill(3, 10), v_leak: fill(3, 0), v_threshold: fill(3, 1) },
      output: { type: "Output", shape: [3n] },
    }, [["input", "fc1"], ["fc1", "lif1"], ["lif1", "fc2"], ["fc2", "lif2"], ["lif2", "output"]]);
    const { doc, m } = await load("compartment", tree, { bias: "compartment" });
    expect(m.graph.populations.some((p) => p.name === "__nir_bias")).toBe(false);
    expect([...m.startTicks]).toEqual([["lif1", 1], ["lif2", 2]]);
    expect(m.warnings.map((w) => w.code)).toEqual(["W_NIR_NEEDS_START_TICK"]);
    expect(m.warnings[0].message).toContain("lif1 (latency 1), lif2 (latency 2)");
    expect(m.warnings[0].hint).toBe("use bias: \"source\" (the default), which is exact on every chip");
    const stim = new Map([["input", spikes(rng, 80 * 4, 0.3)]]);
    expectExact(compareWithReference(doc, m, stim, 80, m.startTicks), 10);
    const wrong = compareWithReference(doc, m, stim, 80);
    expect([...wrong.mismatches.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it("a cycle through two populations: refused; with a Delay on it exact; lenient acts one step late", async () => {
    const rng = createRng(16);
    const nodes = (delay: boolean): H5Tree => ({
      input: { type: "Input", shape: [2n] },
      a: { type: "Linear", weight: f32(rng, [3, 2], 0.5, 1.5) },
      l1: { type: "LIF", tau: fill(3, 1e-3), r: fill(3, 10), v_leak: fill(3, 0), v_threshold: fill(3, 1) },
      b: { type: "Linear", weight: f32(rng, [3, 3], -0.5, 0.8) },
      l2: { type: "LIF", tau: fill(3, 2e-3), r: fill(3, 10), v_leak: fill(3, 0), v_threshold: fill(3, 1) },
      c: { type: "Linear", weight: f32(rng, [3, 3], -0.5, 0.8) },
      ...(delay ? { d: { type: "Delay", delay: fill(3, 2e-4) } } : {}),
      output: { type: "Output", shape: [3n] },
    });
    const edges = (delay: boolean): Array<[string, string]> => [
      ["input", "a"], ["a", "l1"], ["l1", "b"], ["b", "l2"], ["l2", "output"],
      ...(delay ? ([["l2", "c"], ["c", "d"], ["d", "l1"]] as Array<[string, string]>) : ([["l2", "c"], ["c", "l1"]] as Array<[string, string]>)),
    ];
    const p = join(tmp, "cycle.nir");
    await writeH5(p, nirFile(nodes(false), edges(false)));
    const { doc } = await readNirDocument(p);
    expect((await errorCode(() => lowerNirDocument(doc))).code).toBe("E_NIR_CYCLE_LATENCY");
    const late = lowerNirDocument(doc, { lenient: true });
    expect(late.warnings.map((w) => w.code)).toContain("W_NIR_CYCLE_LATENCY");
    const { doc: doc2, m } = await load("cycle-delay", nirFile(nodes(true), edges(true)));
    expect(m.warnings).toEqual([]);
    expectExact(compareWithReference(doc2, m, new Map([["input", spikes(rng, 2 * 80, 0.4)]]), 80), 20);
  });
});

describe.skipIf(!hasShared)(`paper graphs against the reference ${SKIP_MSG}`, () => {
  it("snnTorch fixtures: the reference itself reproduces them (validates the reference)", async () => {
    for (const name of ["snntorch_dense_lif", "snntorch_rleaky_cuba"]) {
      const { doc, warnings } = await readNirDocument(join(NIR, "snntorch", `${name}.nir`));
      const m = lowerNirDocument(doc, {}, warnings);
      const x = loadNpyF64(join(NIR, "snntorch", `${name}.input.npy`));
      const cmp = compareWithReference(doc, m, new Map([["input", x.data]]), x.shape[0]);
      expectExact(cmp, 50);
    }
  });

  it("cnn_sinabs: structure of the lowering, and spike-exact against the reference on random input", async () => {
    const { doc, warnings } = await readNirDocument(join(NIR, "paper_cnn/cnn_sinabs.nir"));
    const m = lowerNirDocument(doc, {}, warnings);
    expect(m.warnings).toEqual([]);
    expect(m.inputShape).toEqual([2, 34, 34]);
    expect(m.graph.populations.map((p) => [p.name, p.size])).toEqual([["input", 2312], ["1", 4096], ["3", 4096], ["6", 512], ["10", 256], ["12", 10]]);
    expect(m.nodes.map((n) => n.latencyTicks)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(m.outputs.map((o) => [o.output, o.population])).toEqual([["output", "12"]]);
    // Conv 0 (k5, s2, p1 on 34×34 → 16×16): valid taps per axis, independent of the lowering.
    const taps = (n: number, k: number, s: number, p: number, out: number): number => {
      let c = 0;
      for (let o = 0; o < out; o++) for (let q = 0; q < k; q++) if (o * s - p + q >= 0 && o * s - p + q < n) c++;
      return c;
    };
    const proj = new Map(m.projections.map((p) => [p.projection, p]));
    expect(proj.get("input->1")!.synapses).toBe(taps(34, 5, 2, 1, 16) ** 2 * 2 * 16);
    expect(proj.get("input->1")!.modelWeights).toBe(16 * 2 * 25);
    expect(proj.get("1->3")!.synapses).toBe(taps(16, 3, 1, 1, 16) ** 2 * 16 * 16);
    // SumPool(2) then Conv(16→8, k3, p1) on 8×8: each conv tap fans in from 4 pooled neurons.
    expect(proj.get("3->6")!.synapses).toBe(taps(8, 3, 1, 1, 8) ** 2 * 16 * 8 * 4);
    expect(proj.get("3->6")!.encoding).toBe("conv");
    expect(proj.get("6->10")).toMatchObject({ synapses: 512 * 256, encoding: "dense", via: ["9"] });
    expect(proj.get("10->12")).toMatchObject({ synapses: 2560, encoding: "dense" });
    const rng = createRng(7);
    const T = 30;
    const cmp = compareWithReference(doc, m, new Map([["input", spikes(rng, T * 2312, 0.15)]]), T);
    expectExact(cmp, 1000);
  });

  it("both Braille graphs run on a 256 × 12 input, spike-exact against the reference (with their options)", async () => {
    const rng = createRng(8);
    const x = spikes(rng, 256 * 12, 0.1);
    const cases: Array<[string, NirLoadOptions]> = [
      ["braille_noDelay_bias_zero.nir", {}],
      ["braille_noDelay_bias_zero.nir", { recurrentBias: "snntorch" }],
      ["braille_noDelay_noBias_subtract.nir", { reset: "subtract" }],
    ];
    for (const [f, opts] of cases) {
      const { doc, warnings } = await readNirDocument(join(NIR, "paper_rnn", f));
      const m = lowerNirDocument(doc, opts, warnings);
      expect(m.inputShape).toEqual([12]);
      expect(m.outputs.map((o) => o.population)).toEqual(["lif2"]);
      const cmp = compareWithReference(doc, m, new Map([["input", x]]), 256);
      expectExact(cmp, 100);
    }
  });
});
