/**
 * A NIR graph with two Input nodes (audit s23a #4): --input drives the first unless --input-population names
 * another Input node; the one left without spikes is named in W_NIR_SEVERAL_INPUTS. The run equals the NIR-literal
 * reference with that input driven and the other silent.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readNpy, npyToFloat64, writeNpy } from "../../core/io/npy.ts";
import { createRng } from "../../core/rng.ts";
import { readNirDocument } from "../../compiler/frontends/nir/index.ts";
import { simulateNir } from "../compiler/frontends/nir/nir-reference.ts";
import { nirFile, writeH5 } from "../compiler/frontends/nir/write-h5.ts";
import { cli } from "../helpers/cli.ts";
import { uniform, fill } from "../compiler/frontends/nir/random-tensors.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-nir-two-in-"));
const npy = (p: string): Float64Array => {
  const a = readNpy(readFileSync(p), p);
  if (a.kind !== "plain") throw new Error("structured");
  return npyToFloat64(a.data);
};
const T = 60;

let dir = "";
let model = "";
let xa = new Float64Array(0);
let xb = new Float64Array(0);
const fileA = (): string => join(dir, "a.npy");
const fileB = (): string => join(dir, "b.npy");

beforeAll(async () => {
  dir = tmp();
  model = join(dir, "two.nir");
  const rng = createRng(31);
  // a_in[3] → fa → A[6] ← fb ← b_in[5]; A → out.
  await writeH5(model, nirFile({
    a_in: { type: "Input", shape: [3n] },
    b_in: { type: "Input", shape: [5n] },
    fa: { type: "Affine", weight: { f32: uniform(rng, 18, 0, 1.2), shape: [6, 3] }, bias: uniform(rng, 6, 0, 0.05) },
    fb: { type: "Affine", weight: { f32: uniform(rng, 30, 0, 1), shape: [6, 5] }, bias: fill(6, 0) },
    A: { type: "LIF", tau: fill(6, 1e-3), r: fill(6, 10), v_leak: fill(6, 0), v_threshold: fill(6, 1) },
    out: { type: "Output", shape: [6n] },
  }, [["a_in", "fa"], ["b_in", "fb"], ["fa", "A"], ["fb", "A"], ["A", "out"]]));
  xa = Float64Array.from({ length: T * 3 }, () => (rng.nextFloat() < 0.3 ? 1 : 0));
  xb = Float64Array.from({ length: T * 5 }, () => (rng.nextFloat() < 0.3 ? 1 : 0));
  writeFileSync(fileA(), writeNpy(Uint8Array.from(xa), [T, 3], { bool: true }));
  writeFileSync(fileB(), writeNpy(Uint8Array.from(xb), [T, 5], { bool: true }));
});

async function reference(stim: ReadonlyMap<string, Float64Array>): Promise<Float64Array> {
  const { doc } = await readNirDocument(model);
  return simulateNir(doc, stim, T, { dtSeconds: 1e-4, reset: "to-v-reset", recurrentBias: "nirtorch" }).out.get("A")!;
}

const mismatches = (a: Float64Array, b: Float64Array): number => a.reduce((n, v, k) => n + ((v !== 0) !== (b[k] !== 0) ? 1 : 0), 0);

describe("a NIR graph with two Input nodes", () => {
  it("--input-population b_in drives b_in: spikes equal the reference with a_in silent, and the warning names a_in as receiving nothing", async () => {
    const out = join(dir, "b");
    const r = await cli("run", model, "--input", fileB(), "--input-population", "b_in", "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("W_NIR_SEVERAL_INPUTS");
    expect(r.stderr).toContain(`the input spikes drive "b_in", and "a_in" receives no spikes`);
    const got = npy(join(out, "A.npy"));
    const want = await reference(new Map([["b_in", xb]]));
    expect(mismatches(got, want)).toBe(0);
    expect(want.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    // b_in's spikes really moved the network: with nothing driven, A fires differently.
    expect(mismatches(got, await reference(new Map()))).toBeGreaterThan(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.provenance.options.inputPopulation).toBe("b_in");
    expect(report.nir.inputShape).toEqual([5]);
  });

  it("without --input-population the first Input (a_in) is driven, and the warning says how to choose another", async () => {
    const out = join(dir, "a");
    const r = await cli("run", model, "--input", fileA(), "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`the input spikes drive the first, "a_in", and "b_in" receives no spikes`);
    expect(r.stderr).toContain("--input-population NAME (one of: a_in, b_in)");
    expect(mismatches(npy(join(out, "A.npy")), await reference(new Map([["a_in", xa]])))).toBe(0);
  });

  it("--input-population naming a node that is no Input, or no node, is a usage error listing the Inputs (run and compare)", async () => {
    for (const [name, what] of [["A", "that node is a LIF node, not an Input node"], ["fa", "the graph has no Input node of that name"]]) {
      const r = await cli("run", model, "--input", fileA(), "--input-population", name, "--arch", "generic", "--out", join(dir, `bad-${name}`));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`E_CLI_OPTION: --input-population ${name}: ${what}`);
      expect(r.stderr).toContain("give one of its Input nodes: a_in, b_in");
    }
    const c = await cli("compare", model, "--input", fileB(), "--input-population", "fa", "--arch", "generic", "--out", join(dir, "cmp-bad"));
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("E_CLI_OPTION: --input-population fa");
    const ok = await cli("compare", model, "--input", fileB(), "--input-population", "b_in", "--arch", "generic", "--out", join(dir, "cmp"), "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
    expect(mismatches(npy(join(dir, "cmp", "generic", "A.npy")), npy(join(dir, "b", "A.npy")))).toBe(0);
  });

  it("a program compiled from the graph runs as the graph: the first Input by default, --input-population another, recorded so rerun repeats it (audit s23x #2)", async () => {
    const prog = join(dir, "prog");
    const c = await cli("compile", model, "--arch", "generic", "--out", prog, "--quiet");
    expect(c.code, c.stderr).toBe(0);
    const program = join(prog, "program.aerprog");
    for (const [tag, file, extra, warning] of [
      ["pa", fileA(), [], `the input spikes drive the first, "a_in", and "b_in" receives no spikes`],
      ["pb", fileB(), ["--input-population", "b_in"], `the input spikes drive "b_in", and "a_in" receives no spikes`],
    ] as const) {
      const direct = join(dir, `${tag}-direct`);
      const d = await cli("run", model, "--input", file, "--arch", "generic", "--out", direct, ...extra);
      expect(d.code, d.stderr).toBe(0);
      const out = join(dir, tag);
      const r = await cli("run", program, "--input", file, "--arch", "generic", "--out", out, ...extra);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("W_NIR_SEVERAL_INPUTS: the graph has 2 Input nodes (a_in, b_in)");
      expect(r.stderr).toContain(warning);
      // The same node files and report sections as the graph's run (its warnings included, naming the Input driven).
      for (const f of ["A.npy", "spikes.json"]) expect({ f, same: readFileSync(join(out, f)).equals(readFileSync(join(direct, f))) }).toEqual({ f, same: true });
      const rp = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
      const rd = JSON.parse(readFileSync(join(direct, "report.json"), "utf8"));
      expect(rp.nir).toEqual(rd.nir);
      expect(rp.totals.counters).toEqual(rd.totals.counters);
      expect(rp.provenance.options.inputPopulation).toBe(extra.length === 0 ? undefined : "b_in");
      const again = await cli("rerun", join(out, "report.json"), "--out", join(dir, `${tag}-again`));
      expect(again.code, again.stderr).toBe(0);
      expect(readFileSync(join(dir, `${tag}-again`, "report.json"), "utf8")).toBe(readFileSync(join(out, "report.json"), "utf8"));
    }
    expect(mismatches(npy(join(dir, "pb", "A.npy")), await reference(new Map([["b_in", xb]])))).toBe(0);
    for (const [name, what] of [["A", "that node is a LIF node, not an Input node"], ["fa", "the graph has no Input node of that name"]]) {
      const r = await cli("run", program, "--input", fileA(), "--input-population", name, "--arch", "generic", "--out", join(dir, `pbad-${name}`));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`E_CLI_OPTION: --input-population ${name}: ${what}`);
      expect(r.stderr).toContain("give one of its Input nodes: a_in, b_in");
    }
    // --initial-weights: refused for a NIR program (no weights.json maps onto its projections), saying what to do instead.
    const wf = join(dir, "w.json");
    writeFileSync(wf, JSON.stringify({ format: "aerchip-weights", version: 1, model: "m", projections: { p: { pre: "a_in", post: "A", rule: "", synapseCount: 1, weights: [1] } } }));
    const iw = await cli("run", program, "--input", fileA(), "--initial-weights", wf, "--arch", "generic", "--out", join(dir, "piw"));
    expect(iw.code).toBe(1);
    expect(iw.stderr).toMatch(/E_WEIGHTS_PROGRAM: [^\n]*compiled from a NIR graph: its projections are paths through the graph's nodes[^\n]*\n {2}hint: change the weights in the NIR graph/);
    expect(existsSync(join(dir, "piw"))).toBe(false);
  });

  it("evaluate records --input-population (and --nir-bias compartment) in dataset.json, and rerun repeats them byte for byte (audit s23x #3, #4)", async () => {
    const ds = join(dir, "ds");
    for (const k of ["0", "1"]) {
      mkdirSync(join(ds, k), { recursive: true });
      writeFileSync(join(ds, k, `s${k}.npy`), writeNpy(Uint8Array.from(xb), [T, 5], { bool: true }));
    }
    const out = join(dir, "ev");
    const e = await cli("evaluate", model, "--input", ds, "--input-population", "b_in", "--nir-bias", "compartment", "--arch", "generic", "--out", out, "--quiet");
    expect(e.code, e.stderr).toBe(0);
    const options = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")).provenance.options;
    expect(options.inputPopulation).toBe("b_in");
    expect(options.nirBias).toBe("compartment");
    const again = await cli("rerun", join(out, "dataset.json"), "--out", join(dir, "ev-again"));
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(dir, "ev-again", "dataset.json"), "utf8")).toBe(readFileSync(join(out, "dataset.json"), "utf8"));
  });

  it("sweep: inputPopulation names the Input node `input` drives; another node is E_SWEEP_FIELD", async () => {
    const sw = join(dir, "sweep.yaml");
    writeFileSync(sw, `model: ${model}\ninput: ${fileB()}\ninputPopulation: b_in\narch: generic\nout: ${join(dir, "sw")}\n`);
    const ok = await cli("sweep", sw, "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
    const row = (JSON.parse(readFileSync(join(dir, "sw", "sweep.json"), "utf8")) as { rows: Array<{ status: string; spikes: number }> }).rows[0];
    // The point's spikes are the run's (b_in's input spikes included).
    const run = JSON.parse(readFileSync(join(dir, "b", "report.json"), "utf8")) as { totals: { counters: { spikes: number } } };
    expect(row).toMatchObject({ status: "ok", spikes: run.totals.counters.spikes });
    writeFileSync(sw, `model: ${model}\ninput: ${fileB()}\ninputPopulation: A\narch: generic\nout: ${join(dir, "sw2")}\n`);
    const bad = await cli("sweep", sw);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("E_SWEEP_FIELD: inputPopulation: A: that node is a LIF node, not an Input node");
  });
});
