/**
 * `aerchip run` on a JSON model writes each non-spiking readout's membrane potential as <population>.v.npy
 * (audit-papers §4) with its decoders in report.json `readouts` (sum / max / last over T and each one's
 * argmax), in the all-or-none output set; spikes and counters are those of a run that records nothing.
 *
 * The model, by hand (chip/program/types.ts: v ← voltageDecay·v + I, I = spikes sent at t − delay):
 *   in0 fires at ticks 0..4, in1 at 0, in2 at 4; delay 1, so their input arrives at ticks 1..5, 1 and 5.
 *   R (3 non-spiking neurons, voltageDecay 0.5): in0 → R0 w 1, in1 → R1 w 4, in2 → R2 w 3.
 *     R0: 0, 1, 1.5, 1.75, 1.875, 1.9375     sum 8.0625  max 1.9375  last 1.9375
 *     R1: 0, 4, 2,   1,    0.5,   0.25      sum 7.75    max 4       last 0.25
 *     R2: 0, 0, 0,   0,    0,     3         sum 3       max 3       last 3
 *   argmax: sum → 0, max → 1, last → 2 (the three decoders disagree on purpose).
 *   H (1 LIF, threshold 1, reset to 0) ← in0 w 1: fires at ticks 1..5 (a spiking population beside R).
 * All values are dyadic, so a fixed-point run gives them exactly too.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { readNpy, type NpyPlainArray } from "../../core/io/npy.ts";
import { compileAndRun, loadModel } from "../../cli/pipeline.ts";
import { loadArch } from "../../cli/load-arch.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import { readoutDecoders } from "../../chip/report/readout-decoders.ts";
import { MAX_RECORDED_VALUES } from "../../core/run-limits.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-readout-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const MODEL = {
  format: "aerchip-model-1", name: "readout-by-hand", steps: 6,
  populations: [
    { name: "in", kind: "input", size: 3, spikes: [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [0, 1], [4, 2]] },
    { name: "H", kind: "neuron", size: 1, vThreshold: 1, reset: "zero" },
    { name: "R", kind: "neuron", size: 3, spiking: false, voltageDecay: 0.5 },
  ],
  projections: [
    { name: "in_R", pre: "in", post: "R", sparse: { pre: [0, 1, 2], post: [0, 1, 2], weights: [1, 4, 3], delays: 1 } },
    { name: "in_H", pre: "in", post: "H", sparse: { pre: [0], post: [0], weights: [1], delays: 1 } },
  ],
};
const V_BY_HAND = [
  [0, 0, 0],
  [1, 4, 0],
  [1.5, 2, 0],
  [1.75, 1, 0],
  [1.875, 0.5, 0],
  [1.9375, 0.25, 3],
];
const modelPath = join(TMP, "readout.model.json");
writeFileSync(modelPath, JSON.stringify(MODEL));

const readJson = (p: string): RunReport => JSON.parse(readFileSync(p, "utf8")) as RunReport;
function vOf(out: string): { shape: number[]; rows: number[][] } {
  const a = readNpy(readFileSync(join(out, "R.v.npy"))) as NpyPlainArray;
  expect(a.dtype.kind).toBe("f");
  expect(a.dtype.descr).toBe("<f8");
  const [T, n] = a.shape;
  return { shape: [...a.shape], rows: Array.from({ length: T }, (_, t) => Array.from(a.data as Float64Array).slice(t * n, (t + 1) * n)) };
}

describe("run writes the membrane potential of non-spiking readouts (JSON models)", () => {
  it("R.v.npy is T × size float64, the potential after each tick's update", async () => {
    const out = join(TMP, "float");
    const r = await cli("run", modelPath, "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const v = vOf(out);
    expect(v.shape).toEqual([6, 3]);
    expect(v.rows).toEqual(V_BY_HAND);
    // Listed in the output line, with the decoders' classes.
    expect(r.stdout).toContain(join(out, "R.v.npy"));
    expect(r.stdout).toMatch(/readout R .*argmax of Σv 0, of max v 1, of last v 2/);
  });

  it("report.json has sum / max / last over T per readout neuron and each decoder's argmax", () => {
    const rep = readJson(join(TMP, "float", "report.json"));
    expect(rep.readouts).toEqual([{
      population: "R", file: "R.v.npy", size: 3, shape: [3], steps: 6,
      sumV: [8.0625, 7.75, 3], maxV: [1.9375, 4, 3], lastV: [1.9375, 0.25, 3],
      argmax: { sum: 0, max: 1, last: 2 },
    }]);
  });

  it("the rendered report shows each decoder's class, and the CSV every readout neuron's values", async () => {
    const { renderMarkdown } = await import("../../chip/report/formats/markdown.ts");
    const { renderCsv, CSV_COLUMNS } = await import("../../chip/report/formats/csv.ts");
    const rep = readJson(join(TMP, "float", "report.json"));
    expect(renderMarkdown(rep)).toContain("| R | 3 | 6 | 0 | 1 | 2 | R.v.npy |");
    const lines = renderCsv(rep).trimEnd().split("\n").map((l) => l.split(","));
    const col = (c: string) => CSV_COLUMNS.indexOf(c);
    const row = (entity: string, id: string) => lines.find((l) => l[col("entity")] === entity && l[col("id")] === id)!;
    expect(["readout_argmax_sum", "readout_argmax_max", "readout_argmax_last"].map((c) => row("readout", "R")[col(c)])).toEqual(["0", "1", "2"]);
    expect(["readout_sum_v", "readout_max_v", "readout_last_v"].map((c) => Number(row("readout_neuron", "R[1]")[col(c)]))).toEqual([7.75, 4, 0.25]);
  });

  it("spikes and counters are those of the same run without recording", () => {
    const out = join(TMP, "float");
    const rep = readJson(join(out, "report.json"));
    const plain = compileAndRun(loadArch("generic", {}), loadModel(modelPath), { provenance: rep.provenance, timing: "simple" }).report;
    expect(rep.totals).toEqual(JSON.parse(JSON.stringify(plain.totals)));
    expect(rep.perTick).toEqual(JSON.parse(JSON.stringify(plain.perTick)));
    expect(rep.perPopulation).toEqual(JSON.parse(JSON.stringify(plain.perPopulation)));
    expect(rep.metrics).toEqual(JSON.parse(JSON.stringify(plain.metrics)));
    const spikes = JSON.parse(readFileSync(join(out, "spikes.json"), "utf8")) as { spikes: Record<string, number[][]> };
    expect(spikes.spikes.H).toEqual([[1, 0], [2, 0], [3, 0], [4, 0], [5, 0]]);
    expect(spikes.spikes.R).toEqual([]);
  });

  it("--json names the trace files", async () => {
    const out = join(TMP, "json");
    const r = await cli("run", modelPath, "--arch", "generic", "--out", out, "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).voltages).toEqual({ R: join(out, "R.v.npy") });
  });

  it("a fixed-point run writes v in model units (the integer state × 2^−stateScaleExp)", async () => {
    const out = join(TMP, "fixed");
    const r = await cli("run", modelPath, "--arch", "loihi", "--precision", "fixed", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const rep = readJson(join(out, "report.json"));
    const q = rep.precision!.layers.find((l) => l.population === "R")!.stateScaleExp;
    expect(q).toBeGreaterThan(4); // every hand value is a multiple of 2^-4: exact at this scale
    expect(vOf(out).rows).toEqual(V_BY_HAND);
    expect(rep.readouts![0].argmax).toEqual({ sum: 0, max: 1, last: 2 });
  });

  it("a compiled program (run program.aerprog --input) writes the same trace", async () => {
    const { writeNpy } = await import("../../core/io/npy.ts");
    const c = await cli("compile", modelPath, "--arch", "generic", "--out", join(TMP, "prog"));
    expect(c.code, c.stderr).toBe(0);
    // The model's input spikes as a T × 3 tensor: in0 at 0..4, in1 at 0, in2 at 4.
    const x = new Float32Array(6 * 3);
    for (const [t, i] of MODEL.populations[0].spikes!) x[t * 3 + i] = 1;
    writeFileSync(join(TMP, "prog-in.npy"), writeNpy(x, [6, 3]));
    const out = join(TMP, "prog-run");
    const r = await cli("run", join(TMP, "prog", "program.aerprog"), "--input", join(TMP, "prog-in.npy"), "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(join(out, "R.v.npy"));
    expect(vOf(out).rows).toEqual(V_BY_HAND);
    expect(readJson(join(out, "report.json")).readouts![0].argmax).toEqual({ sum: 0, max: 1, last: 2 });
  });

  it("models without non-spiking populations write no .v.npy and no readouts", async () => {
    const spiking = { ...MODEL, populations: MODEL.populations.filter((p) => p.name !== "R"), projections: MODEL.projections.filter((p) => p.post !== "R") };
    const path = join(TMP, "spiking.model.json");
    writeFileSync(path, JSON.stringify(spiking));
    const out = join(TMP, "spiking");
    const r = await cli("run", path, "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith(".v.npy"))).toEqual([]);
    expect(readJson(join(out, "report.json")).readouts).toBeUndefined();
  });

  it("the trace file is part of the all-or-none output set", async () => {
    const out = join(TMP, "blocked");
    // R.v.npy cannot be written (a directory is in its place): nothing else is written either.
    const r0 = await cli("run", modelPath, "--arch", "generic", "--out", out, "--quiet");
    expect(r0.code).toBe(0);
    rmSync(out, { recursive: true, force: true });
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(out, "R.v.npy"), { recursive: true });
    const r = await cli("run", modelPath, "--arch", "generic", "--out", out, "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_WRITE_FAILED/);
    expect(existsSync(join(out, "report.json"))).toBe(false);
    expect(existsSync(join(out, "spikes.json"))).toBe(false);
  });

  it("two readouts whose file names would be the same are refused before the run", async () => {
    const clash = {
      ...MODEL,
      populations: [...MODEL.populations, { name: "a b", kind: "neuron", size: 1, spiking: false }, { name: "a/b", kind: "neuron", size: 1, spiking: false }],
    };
    const path = join(TMP, "clash.model.json");
    writeFileSync(path, JSON.stringify(clash));
    const r = await cli("run", path, "--arch", "generic", "--out", join(TMP, "clash"), "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_OUTPUT_NAME_CLASH/);
  });

  it("a trace over the recording limit is refused before the run, naming the largest --steps that fits", async () => {
    // 5,000 readout neurons × 1e6 ticks = 5e9 values (it was E_INTERNAL: an impossible typed array length).
    const big = { ...MODEL, populations: [MODEL.populations[0], { name: "R", kind: "neuron", size: 5000, spiking: false }], projections: [] };
    const path = join(TMP, "big.model.json");
    writeFileSync(path, JSON.stringify(big));
    const r = await cli("run", path, "--arch", "generic", "--steps", "1000000", "--out", join(TMP, "big"), "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^aerchip: E_RECORD_SIZE/);
    expect(r.stderr).toContain(`at most ${Math.floor(MAX_RECORDED_VALUES / 5000)}`);
    expect(existsSync(join(TMP, "big"))).toBe(false);
  });

  it("a readout name too long for a file name is refused before the run", async () => {
    const long = { ...MODEL, populations: [MODEL.populations[0], { name: "R".repeat(300), kind: "neuron", size: 1, spiking: false }], projections: [] };
    const path = join(TMP, "long.model.json");
    writeFileSync(path, JSON.stringify(long));
    const r = await cli("run", path, "--arch", "generic", "--out", join(TMP, "long"), "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^aerchip: E_OUTPUT_NAME_TOO_LONG/);
  });
});

describe("readout decoders", () => {
  it("sum, max and last over T; argmax takes the lowest index on ties; T = 0 has no max or last", () => {
    const d = readoutDecoders(Float64Array.from([1, -2, 1, 3, -1, 3]), 2, 3);
    // rows (1, −2, 1) and (3, −1, 3): sum (4, −3, 4), max (3, −1, 3), last (3, −1, 3).
    expect(d).toEqual({ sumV: [4, -3, 4], maxV: [3, -1, 3], lastV: [3, -1, 3], argmax: { sum: 0, max: 0, last: 0 } });
    // A readout whose potential stays negative: max is the largest negative value, not 0.
    expect(readoutDecoders(Float64Array.from([-3, -1, -2, -5]), 2, 2).maxV).toEqual([-2, -1]);
    expect(readoutDecoders(new Float64Array(0), 0, 2)).toEqual({ sumV: [0, 0], maxV: null, lastV: null, argmax: { sum: 0, max: null, last: null } });
  });
});

describe("NIR runs use the same readout files and decoders", () => {
  it("a LI readout's <node>.v.npy and report.json readouts agree", async () => {
    const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
    const { writeNpy } = await import("../../core/io/npy.ts");
    const path = join(TMP, "li.nir");
    await writeH5(path, nirFile({
      input: { type: "Input", shape: [2n] },
      fc: { type: "Linear", weight: { f32: [1, 0, 0, 2], shape: [2, 2] } },
      li: { type: "LI", tau: [1e-3, 2e-3], r: [1, 1], v_leak: [0, 0] },
      output: { type: "Output", shape: [2n] },
    }, [["input", "fc"], ["fc", "li"], ["li", "output"]]));
    // in0 at steps 0 and 1, in1 at step 3; T = 5.
    const x = Float32Array.from([1, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
    writeFileSync(join(TMP, "li-in.npy"), writeNpy(x, [5, 2]));
    const out = join(TMP, "nir");
    const r = await cli("run", path, "--input", join(TMP, "li-in.npy"), "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/output output: membrane trace \(see li\.v\.npy\)/);
    expect(r.stdout).toMatch(/readout li \(2 neurons, membrane in li\.v\.npy\): argmax of Σv \d/);
    const a = readNpy(readFileSync(join(out, "li.v.npy"))) as NpyPlainArray;
    expect([...a.shape]).toEqual([5, 2]);
    const v = Float64Array.from(a.data as Float64Array);
    const rep = readJson(join(out, "report.json"));
    expect(rep.readouts!.map((x) => [x.population, x.file, x.steps])).toEqual([["li", "li.v.npy", 5]]);
    expect(rep.readouts![0]).toEqual({ population: "li", file: "li.v.npy", size: 2, shape: [2], steps: 5, ...readoutDecoders(v, 5, 2) });
    // The readout integrates: its potential is not all zero.
    expect(rep.readouts![0].maxV!.some((m) => m > 0)).toBe(true);
  });
});
