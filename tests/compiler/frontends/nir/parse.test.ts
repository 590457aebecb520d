/** Reading and parsing NIR files: every fixture generation, and coded errors for broken files. */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadNirModel, readNirDocument } from "../../../../compiler/frontends/nir/index.ts";
import type { NirGraph } from "../../../../compiler/frontends/nir/types.ts";
import { errorCode } from "./helpers.ts";
import { nirFile, writeH5 } from "./write-h5.ts";
import { SKIP_MSG } from "../../../helpers/shared.ts";

const SHARED = resolve(process.cwd(), "../shared");
const hasShared = existsSync(SHARED);
const NIR = join(SHARED, "fixtures/nir");

let tmp = "";
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "aerchip-nir-parse-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const lif1 = { type: "LIF", tau: [0.001], r: [1], v_leak: [0], v_threshold: [1] };

describe.skipIf(!hasShared)(`fixture files parse ${SKIP_MSG}`, () => {
  it("every fixture generation (0.1.1, 0.2.0, 1.0.8.dev) reads with versions and node types", async () => {
    const files: Array<[string, string, number]> = [
      ["paper_lif/lif_norse.nir", "0.1.1", 4],
      ["paper_lif/two_lif_neurons.nir", "0.2.0", 6],
      ["paper_cnn/cnn_sinabs.nir", "0.2.0", 15],
      ["paper_rnn/braille_noDelay_bias_zero.nir", "0.2.0", 7],
      ["paper_rnn/braille_noDelay_noBias_subtract.nir", "0.2.0", 7],
      ["snntorch/snntorch_conv_lif.nir", "1.0.8.dev9+g7232ada6", 8],
      ["snntorch/snntorch_rleaky_cuba.nir", "1.0.8.dev9+g7232ada6", 7],
    ];
    for (const [f, version, nodes] of files) {
      const { doc, warnings } = await readNirDocument(join(NIR, f));
      expect(doc.version).toBe(version);
      expect(doc.graph.nodes.size).toBe(nodes);
      expect(warnings).toEqual([]);
    }
  });
  it("cnn_sinabs: types, int64 fields as numbers, missing v_reset as zeros, edges as stored", async () => {
    const { doc } = await readNirDocument(join(NIR, "paper_cnn/cnn_sinabs.nir"));
    const g = doc.graph;
    const types = [...g.nodes.values()].map((n) => n.type).sort();
    expect(types).toEqual(["Affine", "Affine", "Conv2d", "Conv2d", "Conv2d", "Flatten", "IF", "IF", "IF", "IF", "IF", "Input", "Output", "SumPool2d", "SumPool2d"]);
    const c0 = g.nodes.get("0")!;
    if (c0.type !== "Conv2d") throw new Error("node 0 is not Conv2d");
    expect(c0.stride).toEqual([2, 2]);
    expect(c0.padding).toEqual([1, 1]);
    expect(c0.groups).toBe(1);
    expect(c0.inputShape).toEqual([34, 34]);
    expect(c0.weight.shape).toEqual([16, 2, 5, 5]);
    const if1 = g.nodes.get("1")!;
    if (if1.type !== "IF") throw new Error("node 1 is not IF");
    expect(if1.vReset.data.length).toBe(4096);
    expect(if1.vReset.data.every((x) => x === 0)).toBe(true);
    const fl = g.nodes.get("8")!;
    if (fl.type !== "Flatten") throw new Error("node 8 is not Flatten");
    expect([fl.startDim, fl.endDim, fl.inputType]).toEqual([0, -1, [8, 4, 4]]);
    // Stored in hash order: the first edge is 8 → 9.
    expect(g.edges[0]).toMatchObject({ src: "8", dst: "9" });
    expect(g.edges.length).toBe(14);
  });
  it("snntorch_conv_lif: scalar pooling parameters become pairs; gzip datasets read", async () => {
    const { doc } = await readNirDocument(join(NIR, "snntorch/snntorch_conv_lif.nir"));
    const p = doc.graph.nodes.get("2")!;
    if (p.type !== "AvgPool2d") throw new Error("node 2 is not AvgPool2d");
    expect(p.kernelSize).toEqual([2, 2]);
    expect(p.stride).toEqual([2, 2]);
    const lif = doc.graph.nodes.get("1")!;
    if (lif.type !== "LIF") throw new Error("node 1 is not LIF");
    expect(lif.tau.shape).toEqual([4, 8, 8]);
  });
  it("the MALFORMED nested Braille graph: a dangling inner edge, named with its subgraph and field", async () => {
    const { doc } = await readNirDocument(join(NIR, "paper_rnn/braille_noDelay_bias_zero_subgraph.MALFORMED.nir"));
    expect((doc.graph.nodes.get("lif1") as NirGraph).type).toBe("NIRGraph");
    const e = await errorCode(loadNirModel(join(NIR, "paper_rnn/braille_noDelay_bias_zero_subgraph.MALFORMED.nir")));
    expect(e.code).toBe("E_NIR_DANGLING_EDGE");
    expect(e.field).toBe("node/nodes/lif1/edges[0]");
    expect(e.message).toContain(`subgraph "lif1"`);
    expect(e.message).toContain(`"lif"`);
  });
  it("a truncated copy: E_NIR_TRUNCATED at the file's end, before HDF5 sees it", async () => {
    const bytes = readFileSync(join(NIR, "paper_cnn/cnn_sinabs.nir"));
    const p = join(tmp, "cut.nir");
    writeFileSync(p, bytes.subarray(0, 20000));
    const e = await errorCode(loadNirModel(p));
    expect(e.code).toBe("E_NIR_TRUNCATED");
    expect(e.byteOffset).toBe(20000);
  });
  it("a copy under another name loads identically", async () => {
    const p = join(tmp, "copy.nir");
    copyFileSync(join(NIR, "paper_lif/lif_norse.nir"), p);
    const m = await loadNirModel(p);
    expect(m.graph.name).toBe("copy");
    expect(m.inputShape).toEqual([1]);
  });
});

describe("broken and unusual files", () => {
  it("missing file, and a file that is not HDF5", async () => {
    expect((await errorCode(loadNirModel(join(tmp, "nope.nir")))).code).toBe("E_NIR_NOT_FOUND");
    const p = join(tmp, "text.nir");
    writeFileSync(p, "version https://git-lfs.github.com/spec/v1\n");
    const e = await errorCode(loadNirModel(p));
    expect(e.code).toBe("E_NIR_NOT_HDF5");
    expect(e.byteOffset).toBe(0);
  });
  it("a directory named *.nir is reported as a directory, not as a missing file", async () => {
    const d = join(tmp, "adir.nir");
    mkdirSync(d);
    const e = await errorCode(loadNirModel(d));
    expect(e.code).toBe("E_NIR_NOT_FILE");
    expect(e.message).toContain("directory");
  });
  it("a file cut inside the HDF5 superblock (8, 9, 12, 20 bytes) is truncated, not an unknown version", async () => {
    const valid = readFileSync(resolve("tests/robustness/fixtures/small-valid.nir"));
    for (const n of [8, 9, 12, 20]) {
      const p = join(tmp, `cut${n}.nir`);
      writeFileSync(p, valid.subarray(0, n));
      const e = await errorCode(loadNirModel(p));
      expect(e.code, `${n} bytes`).toBe("E_NIR_TRUNCATED");
      expect(e.byteOffset, `${n} bytes`).toBe(n);
    }
  });
  it("an unknown node type names the node and its type field", async () => {
    const p = join(tmp, "unknown.nir");
    await writeH5(p, nirFile({ input: { type: "Input", shape: [3n] }, x: { type: "Spiral", w: [1] }, output: { type: "Output", shape: [3n] } }, [["input", "x"], ["x", "output"]]));
    const e = await errorCode(loadNirModel(p));
    expect(e.code).toBe("E_NIR_UNKNOWN_NODE");
    expect(e.field).toBe("node/nodes/x/type");
    expect(e.message).toContain("Spiral");
  });
  it("a missing required field names the node and field", async () => {
    const p = join(tmp, "nofield.nir");
    await writeH5(p, nirFile({ input: { type: "Input", shape: [1n] }, lif: { type: "LIF", r: [1], v_leak: [0], v_threshold: [1] }, output: { type: "Output", shape: [1n] } }, [["input", "lif"], ["lif", "output"]]));
    const e = await errorCode(loadNirModel(p));
    expect(e.code).toBe("E_NIR_FIELD");
    expect(e.field).toBe("node/nodes/lif/tau");
  });
  it("a shape mismatch names the node", async () => {
    const p = join(tmp, "shape.nir");
    await writeH5(p, nirFile({
      input: { type: "Input", shape: [5n] },
      fc: { type: "Linear", weight: { f32: new Array(12).fill(0.1), shape: [3, 4] } },
      lif: { type: "LIF", tau: [1e-3, 1e-3, 1e-3], r: [1, 1, 1], v_leak: [0, 0, 0], v_threshold: [1, 1, 1] },
      output: { type: "Output", shape: [3n] },
    }, [["input", "fc"], ["fc", "lif"], ["lif", "output"]]));
    const e = await errorCode(loadNirModel(p));
    expect(e.code).toBe("E_NIR_SHAPE_MISMATCH");
    expect(e.message).toContain(`"fc"`);
    expect(e.field).toBe("node/nodes/fc/weight");
  });
  it("a dangling top-level edge", async () => {
    const p = join(tmp, "dangling.nir");
    await writeH5(p, nirFile({ input: { type: "Input", shape: [1n] }, lif: lif1, output: { type: "Output", shape: [1n] } }, [["input", "lif"], ["lif", "out"]]));
    const e = await errorCode(loadNirModel(p));
    expect(e.code).toBe("E_NIR_DANGLING_EDGE");
    expect(e.field).toBe("node/edges[1]");
  });
  it("a file without a graph", async () => {
    const p = join(tmp, "nograph.nir");
    await writeH5(p, { version: "1.0.7", stuff: [1, 2] });
    expect((await errorCode(loadNirModel(p))).code).toBe("E_NIR_STRUCTURE");
  });
  it("a non-spiking LI feeding a layer is refused; as a readout it is fine", async () => {
    const li = { type: "LI", tau: [1e-3], r: [1], v_leak: [0] };
    const p = join(tmp, "li.nir");
    await writeH5(p, nirFile({ input: { type: "Input", shape: [1n] }, li, fc: { type: "Linear", weight: { f32: [1], shape: [1, 1] } }, lif: lif1, output: { type: "Output", shape: [1n] } },
      [["input", "li"], ["li", "fc"], ["fc", "lif"], ["lif", "output"]]));
    const e = await errorCode(loadNirModel(p));
    expect(e.code).toBe("E_NIR_UNSUPPORTED");
    expect(e.message).toContain(`"li"`);
    const q = join(tmp, "li-out.nir");
    await writeH5(q, nirFile({ input: { type: "Input", shape: [1n] }, li, output: { type: "Output", shape: [1n] } }, [["input", "li"], ["li", "output"]]));
    const m = await loadNirModel(q);
    expect(m.outputs.map((o) => [o.population, o.spiking])).toEqual([["li", false]]);
  });
  it("a cycle of linear nodes only", async () => {
    const p = join(tmp, "loop.nir");
    const w = { f32: [0.5], shape: [1, 1] };
    await writeH5(p, nirFile({ input: { type: "Input", shape: [1n] }, a: { type: "Linear", weight: w }, b: { type: "Linear", weight: w }, lif: lif1, output: { type: "Output", shape: [1n] } },
      [["input", "a"], ["a", "b"], ["b", "a"], ["b", "lif"], ["lif", "output"]]));
    expect((await errorCode(loadNirModel(p))).code).toBe("E_NIR_ALGEBRAIC_LOOP");
  });
  it("multi-spike IF: refused, or lowered single-spike with a warning when lenient", async () => {
    const p = join(tmp, "if.nir");
    await writeH5(p, nirFile({ input: { type: "Input", shape: [1n] }, n: { type: "IF", r: [1], v_threshold: [1] }, output: { type: "Output", shape: [1n] } }, [["input", "n"], ["n", "output"]]));
    expect((await errorCode(loadNirModel(p, { ifMultiSpike: true }))).code).toBe("E_NIR_MULTISPIKE");
    const m = await loadNirModel(p, { ifMultiSpike: true, lenient: true });
    expect(m.warnings.map((w) => w.code)).toEqual(["W_NIR_MULTISPIKE"]);
    expect(m.graph.populations.find((q) => q.name === "n")!.params!.resetMode[0]).toBe(1); // ResetMode.subtract
  });
  it("bad options", async () => {
    const p = join(tmp, "opt.nir");
    await writeH5(p, nirFile({ input: { type: "Input", shape: [1n] }, lif: lif1, output: { type: "Output", shape: [1n] } }, [["input", "lif"], ["lif", "output"]]));
    expect((await errorCode(loadNirModel(p, { dtSeconds: 0 }))).code).toBe("E_NIR_OPTION");
    expect((await errorCode(loadNirModel(p, { reset: "zero" as never }))).code).toBe("E_NIR_OPTION");
    // dt beyond τ: the Euler step overshoots; loaded with a warning.
    const m = await loadNirModel(p, { dtSeconds: 0.01 });
    expect(m.warnings.map((w) => w.code)).toEqual(["W_NIR_DT_LARGE"]);
    expect(m.graph.populations.find((q) => q.name === "lif")!.params!.voltageDecay[0]).toBeCloseTo(-9, 5);
  });
  it("a NIR 0.0.x-style file: graph at the root, integer edges, 'weights'/'v_th', Linear with bias, Output without shape", async () => {
    const p = join(tmp, "old.nir");
    await writeH5(p, {
      nodes: {
        "0": { type: "Input", shape: [2n] },
        "1": { type: "Linear", weights: { f32: [1, 0.5, -1, 2], shape: [2, 2] }, bias: [0.25, 0] },
        "2": { type: "LIF", tau: [1e-3, 2e-3], r: [1, 1], v_leak: [0, 0], v_th: [0.1, 0.2] },
        "3": { type: "Output" },
      },
      edges: { i64edges: [[0, 1], [1, 2], [2, 3]] },
    });
    const m = await loadNirModel(p);
    expect(m.nirVersion).toBe("unknown");
    expect(m.outputs.map((o) => [o.output, o.population])).toEqual([["3", "2"]]);
    const lif = m.graph.populations.find((q) => q.name === "2")!;
    expect(Array.from(lif.params!.vThreshold, (x) => Math.fround(x))).toEqual([Math.fround(0.1), Math.fround(0.2)]);
    // The bias became an Affine bias: a synapse from the bias source onto neuron 0 only.
    const b = m.graph.projections.find((q) => q.pre === "__nir_bias")!;
    expect(Array.from(b.postIndex)).toEqual([0]);
  });
});
