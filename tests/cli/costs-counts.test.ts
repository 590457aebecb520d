/**
 * `--costs counts` (chip/report/counts-only.ts, requirement 26) on run, compare, evaluate, train and sweep:
 * every count of the default run and no energy or power anywhere: not in the terminal summary,
 * report.md/.tex/.html/.csv, or report.json (energy fields null, energy costs left out,
 * provenance.options.costs "counts"). The default mode is unchanged; the JSON Schema accepts the counts-only
 * report; `aerchip rerun` reproduces it byte for byte; a bad value is a usage error.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { cli } from "../helpers/cli.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import { countsOnlyReport, isEnergyCostKey } from "../../chip/report/counts-only.ts";
import { reportJsonSchema, runReportSchema } from "../../chip/report/formats/json-schema.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import { writeNpy } from "../../core/io/npy.ts";
import { loadPreset } from "../../chip/spec/load.ts";
import { sample } from "../helpers/pair-samples.ts";

const MODEL = "examples/demo/ei-small.net.json";
const TMP = mkdtempSync(join(tmpdir(), "aerchip-costs-counts-"));
const ARGS = ["--arch", "generic", "--core-neurons", "64", "--steps", "60"];

const readText = (dir: string, f = "report.json"): string => readFileSync(join(dir, f), "utf8");
const read = (dir: string): RunReport => JSON.parse(readText(dir)) as RunReport;

async function run(name: string, ...extra: string[]): Promise<{ dir: string; stdout: string }> {
  const dir = join(TMP, name);
  const res = await cli("run", MODEL, ...ARGS, "--out", dir, ...extra);
  expect(res.code, res.stderr).toBe(0);
  return { dir, stdout: res.stdout };
}

/** The one sentence a counts-only output says about energy (that there is none); anything else is a leak. */
const NOTES = [/Counts only \(--costs counts\): no energy or power is reported\.?/gi, /costs counts: energy and power not reported \(--costs counts\)/g, /--costs counts/g];

/** Energy or power in rendered text: an energy or power unit, or the words energy / power outside the note. */
function energyLeaks(text: string): string[] {
  let rest = text;
  for (const n of NOTES) rest = rest.replace(n, "");
  const leaks: string[] = [];
  for (const re of [/\b(pJ|nJ|µJ|mJ|mW)\b/g, /\\ensuremath\{\\mu\}J/g, /energy/gi, /power/gi, /_pj\b/gi]) {
    for (const m of rest.matchAll(re)) leaks.push(rest.slice(Math.max(0, m.index - 40), m.index + 40));
  }
  return leaks;
}

describe("run --costs counts", () => {
  it("report.json: the default run's counts, every energy and power field null, the mode in provenance", async () => {
    const def = await run("default", "--quiet");
    const counts = await run("counts", "--quiet", "--costs", "counts");
    const d = read(def.dir);
    const c = read(counts.dir);
    expect(c.provenance.options.costs).toBe("counts");
    expect(d.provenance.options.costs).toBeUndefined();
    expect(c.totals.energyPj).toBeNull();
    expect(c.totals.averagePowerMw).toBeNull();
    expect(c.totals.energyPerStepPj).toBeNull();
    expect(c.perTick.energyPj).toBeNull();
    expect(c.metrics?.totals.energyPerInferencePj).toBeNull();
    expect(c.perCore.every((x) => x.energyPj === null)).toBe(true);
    expect(c.costs.some((x) => isEnergyCostKey(x.key))).toBe(false);
    expect(c.costs.length).toBeGreaterThan(0); // the latency costs stay: time is modelled
    expect(c.notModelled.some(isEnergyCostKey)).toBe(false);
    // Counts exactly the default run's: the counts-only report is the default one with the energy taken out.
    expect(c.totals.counters).toEqual(d.totals.counters);
    expect(c.totals.simulatedTimeNs).toBe(d.totals.simulatedTimeNs);
    expect(c.perTick.latencyNs).toEqual(d.perTick.latencyNs);
    expect(c.metrics?.totals.footprint).toEqual(d.metrics?.totals.footprint);
    expect(c.metrics?.totals.synapticOps).toEqual(d.metrics?.totals.synapticOps);
    const expected = countsOnlyReport({ ...d, provenance: { ...d.provenance, options: { ...d.provenance.options, costs: "counts" } } });
    expect(c).toEqual(JSON.parse(JSON.stringify(expected)));
    // The closed schema, and the exported JSON Schema, accept it.
    expect(runReportSchema.safeParse(c).success).toBe(true);
    const validator = z.fromJSONSchema(reportJsonSchema() as Parameters<typeof z.fromJSONSchema>[0]);
    expect(validator.safeParse(c).success).toBe(true);
    expect(validator.safeParse(d).success).toBe(true);
  });

  it("--costs energy is the default: report.json byte-identical to a run without the option", async () => {
    const def = await run("default-2", "--quiet");
    const energy = await run("energy", "--quiet", "--costs", "energy");
    expect(readText(energy.dir)).toBe(readText(def.dir));
    expect(read(energy.dir).totals.energyPj.total).toBeGreaterThan(0);
  });

  it("no energy or power in the summary, Markdown, LaTeX, HTML or CSV; the counts are printed", async () => {
    const { dir, stdout } = await run("render", "--costs", "counts");
    expect(stdout).toContain("synaptic ops");
    expect(stdout).toContain("simulated time");
    expect(energyLeaks(stdout)).toEqual([]);
    const c = read(dir);
    for (const format of ["md", "latex", "html"]) {
      const res = await cli("report", join(dir, "report.json"), "--format", format);
      expect(res.code, res.stderr).toBe(0);
      expect(energyLeaks(res.stdout), format).toEqual([]);
      expect(res.stdout, format).toContain("Synaptic ops");
    }
    // CSV: the energy and power columns stay (files of both modes stack) and are empty on every row.
    const csv = await cli("report", join(dir, "report.json"), "--format", "csv");
    expect(csv.code, csv.stderr).toBe(0);
    const [head, ...rows] = csv.stdout.trimEnd().split("\n").map((l) => l.split(","));
    const energyCols = head.map((h, i) => [h, i] as const).filter(([h]) => /energy|power/.test(h)).map(([, i]) => i);
    expect(energyCols.length).toBeGreaterThan(0);
    for (const row of rows) for (const i of energyCols) expect(row[i], `${head[i]} of ${row.slice(9, 11).join(" ")}`).toBe("");
    expect(rows.some((r) => r[head.indexOf("entity")] === "energy_term")).toBe(false);
    const totals = rows.find((r) => r[head.indexOf("entity")] === "totals")!;
    expect(Number(totals[head.indexOf("syn_ops")])).toBe(c.totals.counters.synOps);
  });

  it("aerchip rerun reproduces a counts-only report byte for byte", async () => {
    const { dir } = await run("rerun-src", "--quiet", "--costs", "counts");
    const again = await cli("rerun", join(dir, "report.json"), "--out", join(TMP, "rerun-out"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expect(readText(join(TMP, "rerun-out"))).toBe(readText(dir));
    // A recorded mode other than energy or counts is refused, naming the field.
    const bad = read(dir) as unknown as { provenance: { options: Record<string, unknown> } };
    bad.provenance.options.costs = "joules";
    const badPath = join(TMP, "bad-costs.report.json");
    writeFileSync(badPath, JSON.stringify(bad));
    const refused = await cli("rerun", badPath, "--out", join(TMP, "rerun-bad"), "--quiet");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("E_REPORT_INVALID");
    expect(refused.stderr).toContain("provenance.options.costs");
  });

  it("a report with null energy that does not say it is counts-only is refused by report and rerun (E_REPORT_INVALID), not rendered as 0", async () => {
    const { dir } = await run("forged", "--quiet");
    const r = read(dir) as unknown as { totals: Record<string, unknown> };
    r.totals.energyPj = null;
    const forged = join(TMP, "forged.report.json");
    writeFileSync(forged, JSON.stringify(r));
    for (const args of [["report", forged, "--format", "md"], ["rerun", forged, "--out", join(TMP, "forged-rerun")]]) {
      const res = await cli(...args);
      expect(res.code, args[0]).toBe(1);
      expect(res.stderr).toContain("E_REPORT_INVALID");
      expect(res.stderr).toContain("totals.energyPj");
    }
  });

  it("an unknown --costs value, and --bill-learning with --costs counts, are usage errors (exit 2)", async () => {
    for (const args of [["run", MODEL, ...ARGS], ["compare", MODEL], ["evaluate", MODEL, "--input", TMP, "--arch", "loihi"], ["train", MODEL, "--input", TMP, "--arch", "loihi"], ["sweep", "examples/sweep/weight-bits.yaml"]]) {
      const bad = await cli(...args, "--out", join(TMP, "bad"), "--costs", "joules");
      expect(bad.code, args[0]).toBe(2);
      expect(bad.stderr, args[0]).toMatch(/^aerchip: E_CLI_OPTION: .*--costs/);
    }
    const billed = await cli("run", "examples/learning/stllr.model.json", "--arch", "loihi", "--out", join(TMP, "billed"), "--costs", "counts", "--bill-learning", "changes");
    expect(billed.code).toBe(2);
    expect(billed.stderr).toContain("E_CLI_OPTION");
  });

});

describe("run --costs counts on learning models", () => {
  const STLLR = "examples/learning/stllr.model.json";
  const runLearning = async (name: string, model: string, arch: string, ...extra: string[]): Promise<{ dir: string; stdout: string; report: RunReport }> => {
    const dir = join(TMP, name);
    const res = await cli("run", model, "--arch", arch, "--out", dir, ...extra);
    expect(res.code, res.stderr).toBe(0);
    return { dir, stdout: res.stdout, report: read(dir) };
  };

  it("S-TLLR with and without its third factor: the learning counts of the default run, no energy or billing in the notes or outputs", async () => {
    for (const extra of [[], ["--third-factor", "examples/learning/delta.npy"]]) {
      const tag = extra.length === 0 ? "nodelta" : "delta";
      const def = await runLearning(`stllr-${tag}`, STLLR, "loihi", "--quiet", ...extra);
      const counts = await runLearning(`stllr-${tag}-counts`, STLLR, "loihi", "--costs", "counts", ...extra);
      const c = counts.report;
      expect(c.totals.counters).toEqual(def.report.totals.counters);
      expect(c.learning?.rules).toEqual(def.report.learning?.rules);
      expect(c.learning?.weightChanges).toBe(def.report.learning?.weightChanges);
      expect(c.totals.learningBilledOn).toBeUndefined();
      expect(energyLeaks(counts.stdout), tag).toEqual([]);
      expect(energyLeaks(JSON.stringify(c.learning)), tag).toEqual([]);
      const md = await cli("report", join(counts.dir, "report.json"), "--format", "md");
      expect(energyLeaks(md.stdout), tag).toEqual([]);
    }
  });

  it("a chip spec billing weight changes runs pair STDP in counts mode (there is no energy to bill), with the default run's counts", async () => {
    const spec = join(TMP, "loihi-changes.json");
    writeFileSync(spec, JSON.stringify({ ...loadPreset("loihi"), name: "loihi-event-driven", learningBilledOn: "changes" }));
    // examples/learning/stdp-pair.model.json with snnref-1's pair STDP ("stdp") in place of its learning rule.
    const model = JSON.parse(readFileSync("examples/learning/stdp-pair.model.json", "utf8")) as { projections: Array<Record<string, unknown>> };
    delete model.projections[0].learning;
    model.projections[0].stdp = { A_plus: 0.03125, A_minus: 0.03125, tau_pre: 10, tau_post: 10, mode: "all_to_all", wmin: 0, wmax: 1 };
    const pairStdp = join(TMP, "pair-stdp.model.json");
    writeFileSync(pairStdp, JSON.stringify(model));
    const refused = await cli("run", pairStdp, "--arch", spec, "--out", join(TMP, "stdp-refused"), "--quiet");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("E_LEARNING_BILLING");
    const counts = await runLearning("stdp-counts", pairStdp, spec, "--quiet", "--costs", "counts");
    const def = await runLearning("stdp-default", pairStdp, "loihi", "--quiet");
    expect(counts.report.totals.counters.synUpdates).toBeGreaterThan(0);
    expect(counts.report.totals.counters).toEqual(def.report.totals.counters);
    expect(counts.report.totals.energyPj).toBeNull();
  });
});

describe("compare --costs counts", () => {
  it("every chip's counts as in the default comparison; no energy or power in compare.md/.tex/.svg; null in compare.json, empty in compare.csv", async () => {
    const cmp = async (name: string, ...extra: string[]): Promise<string> => {
      const dir = join(TMP, name);
      const res = await cli("compare", MODEL, "--arch", "loihi,generic", "--steps", "60", "--out", dir, "--quiet", ...extra);
      expect(res.code, res.stderr).toBe(0);
      return dir;
    };
    const def = await cmp("cmp-default");
    const counts = await cmp("cmp-counts", "--costs", "counts");
    type Doc = { costs?: string; rows: Array<Record<string, unknown>> };
    const d = JSON.parse(readText(def, "compare.json")) as Doc;
    const c = JSON.parse(readText(counts, "compare.json")) as Doc;
    expect(c.costs).toBe("counts");
    expect(d.costs).toBeUndefined();
    const energyKeys = ["energyPj", "energyPerSynOpPj", "averagePowerMw"];
    c.rows.forEach((row, i) => {
      for (const k of energyKeys) expect(row[k], k).toBeNull();
      expect(d.rows[i].energyPj).not.toBeNull();
      const rest = (x: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(x).filter(([k]) => !energyKeys.includes(k) && k !== "learningBilledOn"));
      expect(rest(row)).toEqual(rest(d.rows[i]));
    });
    for (const f of ["compare.md", "compare.tex", "compare.svg"]) expect(energyLeaks(readText(counts, f)), f).toEqual([]);
    const [head, ...rows] = readText(counts, "compare.csv").trimEnd().split("\n").map((l) => l.split(","));
    for (const col of ["energy_pj", "energy_per_syn_op_pj", "average_power_mw"]) for (const row of rows) expect(row[head.indexOf(col)]).toBe("");
    // Each chip's run is a counts-only run (rerunnable on its own).
    expect(read(join(counts, "loihi")).provenance.options.costs).toBe("counts");
    expect(read(join(counts, "loihi")).totals.energyPj).toBeNull();
  });
});

describe("evaluate --costs counts", () => {
  /** Two labelled 8 × 8 spike tensors for the conv auto-encoder (as tests/cli/evaluate-json-model.test.ts). */
  function dataset(): string {
    const data = join(TMP, "data");
    const tensor = (T: number, on: (t: number, i: number) => boolean): Uint8Array => {
      const d = new Uint8Array(T * 64);
      for (let t = 0; t < T; t++) for (let i = 0; i < 64; i++) if (on(t, i)) d[t * 64 + i] = 1;
      return writeNpy(d, [T, 1, 8, 8], { bool: true });
    };
    for (const [id, bytes] of [["0/a.npy", tensor(12, (t, i) => t % 2 === 0 && i >= 24 && i < 32)], ["1/b.npy", tensor(10, (t, i) => t % 2 === 0 && i % 8 === 3)]] as const) {
      mkdirSync(join(data, id.split("/")[0]), { recursive: true });
      writeFileSync(join(data, id), bytes);
    }
    return data;
  }
  const AE = "examples/conv/autoencoder.model.json";

  it("dataset.json: the default evaluation's counts, energy fields null; no energy in the summary, samples.csv, dataset.md/.tex/.html; rerun byte-identical", async () => {
    const data = dataset();
    const ev = async (name: string, ...extra: string[]): Promise<{ dir: string; stdout: string }> => {
      const dir = join(TMP, name);
      const res = await cli("evaluate", AE, "--input", data, "--arch", "loihi", "--out", dir, ...extra);
      expect(res.code, res.stderr).toBe(0);
      return { dir, stdout: res.stdout };
    };
    const def = await ev("ev-default", "--quiet");
    const counts = await ev("ev-counts", "--costs", "counts");
    const d = JSON.parse(readText(def.dir, "dataset.json")) as DatasetDocument;
    const c = JSON.parse(readText(counts.dir, "dataset.json")) as DatasetDocument;
    expect(c.provenance.options.costs).toBe("counts");
    expect(d.provenance.options.costs).toBeUndefined();
    expect(c.summary.perInference.energyPj).toBeNull();
    expect(c.summary.perInference.dynamicEnergyPj).toBeNull();
    expect(c.summary.totals.energyPj).toBeNull();
    expect(c.summary.energyTerms).toBeNull();
    expect(c.samples.every((r) => r.energyPj === null)).toBe(true);
    expect(c.costs.some((x) => isEnergyCostKey(x.key))).toBe(false);
    // Every count as in the default evaluation.
    const { energyPj: _e, dynamicEnergyPj: _d, ...countsPerInference } = d.summary.perInference;
    expect(c.summary.perInference).toEqual({ ...countsPerInference, energyPj: null, dynamicEnergyPj: null });
    expect(c.samples.map(({ energyPj: _x, ...rest }) => rest)).toEqual(d.samples.map(({ energyPj: _x, ...rest }) => rest));
    expect(c.summary.populations).toEqual(d.summary.populations);
    expect(energyLeaks(counts.stdout)).toEqual([]);
    for (const f of ["dataset.md", "dataset.tex", "dataset.html"]) expect(energyLeaks(readText(counts.dir, f)), f).toEqual([]);
    const [head, ...rows] = readText(counts.dir, "samples.csv").trimEnd().split("\n").map((l) => l.split(","));
    const cols = head.filter((h) => h.startsWith("energy_"));
    expect(cols.length).toBe(6);
    for (const row of rows) for (const col of cols) expect(row[head.indexOf(col)]).toBe("");
    const again = await cli("rerun", join(counts.dir, "dataset.json"), "--out", join(TMP, "ev-rerun"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expect(readText(join(TMP, "ev-rerun"), "dataset.json")).toBe(readText(counts.dir, "dataset.json"));
  });

  it("several chips: evaluate-compare.md/.tex without energy, its JSON rows' energy null", async () => {
    const data = join(TMP, "data");
    const dir = join(TMP, "ev-multi");
    const res = await cli("evaluate", AE, "--input", data, "--arch", "loihi,generic", "--out", dir, "--quiet", "--costs", "counts");
    expect(res.code, res.stderr).toBe(0);
    for (const f of ["evaluate-compare.md", "evaluate-compare.tex"]) expect(energyLeaks(readText(dir, f)), f).toEqual([]);
    const doc = JSON.parse(readText(dir, "evaluate-compare.json")) as { costs?: string; rows: Array<Record<string, unknown>> };
    expect(doc.costs).toBe("counts");
    for (const row of doc.rows) {
      expect(row.energyMeanPj).toBeNull();
      expect(row.energyPerEffectiveSynOpPj).toBeNull();
      expect(row.effectiveSynOpsMean).toBeGreaterThan(0);
    }
    expect((JSON.parse(readText(join(dir, "loihi"), "dataset.json")) as DatasetDocument).summary.totals.energyPj).toBeNull();
  });
});

describe("train --costs counts", () => {
  it("train.json and curve.csv: the default training's counts and weights, energy null (curve cells empty), no energy in the summary; rerun byte-identical", async () => {
    const MODEL = "examples/learning/stdp-pair.model.json";
    const data = join(TMP, "train-data");
    mkdirSync(data, { recursive: true });
    sample(join(data, "a.npy"), 24, (t, i) => i < 2 && t % 3 === 0);
    sample(join(data, "b.npy"), 24, (t, i) => (i >= 2 && t % 2 === 0) || (i === 0 && t % 5 === 0));
    const test = join(TMP, "train-test");
    for (const k of [0, 1]) {
      mkdirSync(join(test, String(k)), { recursive: true });
      sample(join(test, String(k), "x.npy"), 20, (t, i) => (k === 0 ? i < 2 : i >= 2) && t % 2 === 0);
    }
    const train = async (name: string, ...extra: string[]): Promise<{ dir: string; stdout: string }> => {
      const dir = join(TMP, name);
      const res = await cli("train", MODEL, "--input", data, "--arch", "loihi", "--timing", "simple", "--eval-every", "1", "--test", test, "--out", dir, ...extra);
      expect(res.code, res.stderr).toBe(0);
      return { dir, stdout: res.stdout };
    };
    const def = await train("train-default", "--quiet");
    const counts = await train("train-counts", "--costs", "counts");
    type Doc = { provenance: { options: Record<string, unknown> }; perTrainingSample: Record<string, unknown>; learningBilledOn?: string; curve: Array<Record<string, unknown>>; notModelled: string[]; weightChanges: number | null };
    const d = JSON.parse(readText(def.dir, "train.json")) as Doc;
    const c = JSON.parse(readText(counts.dir, "train.json")) as Doc;
    expect(c.provenance.options.costs).toBe("counts");
    expect(c.perTrainingSample.energyPj).toBeNull();
    expect(c.learningBilledOn).toBeUndefined();
    expect(c.notModelled.some(isEnergyCostKey)).toBe(false);
    expect({ ...c.perTrainingSample, energyPj: 0 }).toEqual({ ...d.perTrainingSample, energyPj: 0 });
    expect(c.weightChanges).toBe(d.weightChanges);
    expect(c.curve.map((p) => ({ ...p, dynamicEnergyPj: 0 }))).toEqual(d.curve.map((p) => ({ ...p, dynamicEnergyPj: 0 })));
    expect(c.curve.every((p) => p.dynamicEnergyPj === null)).toBe(true);
    expect(readText(counts.dir, "weights.json")).toBe(readText(def.dir, "weights.json"));
    expect(readText(counts.dir, "curve.csv").trimEnd().split("\n").slice(1).every((l) => l.endsWith(","))).toBe(true);
    expect(energyLeaks(counts.stdout)).toEqual([]);
    // --json prints the curve too: its energy is null there as in train.json (audit s21 F1).
    const js = await train("train-counts-json", "--costs", "counts", "--json");
    const line = JSON.parse(js.stdout.trim().split("\n").pop()!) as { curve: Array<Record<string, unknown>> };
    expect(line.curve.length).toBeGreaterThan(0);
    expect(line.curve.every((p) => p.dynamicEnergyPj === null)).toBe(true);
    const again = await cli("rerun", join(counts.dir, "train.json"), "--out", join(TMP, "train-rerun"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expect(readText(join(TMP, "train-rerun"), "train.json")).toBe(readText(counts.dir, "train.json"));
  }, 60_000);
});

describe("sweep --costs counts", () => {
  it("the default sweep's counts per point, energy null in sweep.json and the point files, no energy in sweep.md/.tex/.svg, empty in sweep.csv; points of their own", async () => {
    const yaml = join(TMP, "sweep.yaml");
    writeFileSync(yaml, `model: ${resolve(MODEL)}\narch: loihi\nsteps: 40\nseed: 0\nprecision: fixed\nweightBits: [4, 8]\n`);
    const sweep = async (name: string, ...extra: string[]): Promise<string> => {
      const dir = join(TMP, name);
      const res = await cli("sweep", yaml, "--out", dir, "--threads", "1", "--quiet", ...extra);
      expect(res.code, res.stderr).toBe(0);
      return dir;
    };
    const def = await sweep("sweep-default");
    const counts = await sweep("sweep-counts", "--costs", "counts");
    type Doc = { settings: Record<string, unknown>; rows: Array<Record<string, unknown>> };
    const d = JSON.parse(readText(def, "sweep.json")) as Doc;
    const c = JSON.parse(readText(counts, "sweep.json")) as Doc;
    expect(c.settings.costs).toBe("counts");
    expect(d.settings.costs).toBeUndefined();
    expect(c.rows.length).toBe(2);
    c.rows.forEach((row, i) => {
      expect(row.energyPj).toBeNull();
      expect(row.averagePowerMw).toBeNull();
      expect(d.rows[i].energyPj).not.toBeNull();
      expect(row.id).not.toBe(d.rows[i].id);
      const rest = (x: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(x).filter(([k]) => !["energyPj", "averagePowerMw", "id"].includes(k)));
      expect(rest(row)).toEqual(rest(d.rows[i]));
      expect((JSON.parse(readText(join(counts, "points"), `${String(row.id)}.json`)) as Record<string, unknown>).energyPj).toBeNull();
    });
    for (const f of ["sweep.md", "sweep.tex", "sweep.svg"]) expect(energyLeaks(readText(counts, f)), f).toEqual([]);
    const [head, ...rows] = readText(counts, "sweep.csv").trimEnd().split("\n").map((l) => l.split(","));
    const cols = head.filter((h) => /energy|power/.test(h));
    expect(cols.length).toBe(7);
    for (const row of rows) for (const col of cols) expect(row[head.indexOf(col)]).toBe("");
  }, 60_000);
});

describe("learn --costs counts", () => {
  it("learn-mnist.json and learn-features.json: the default run's results with the energy fields null, no energy columns in the printed tables", async () => {
    const learn = async (name: string, ...args: string[]): Promise<{ dir: string; stdout: string }> => {
      const dir = join(TMP, name);
      const res = await cli("learn", ...args, "--arch", "loihi", "--out", dir);
      expect(res.code, res.stderr).toBe(0);
      return { dir, stdout: res.stdout };
    };
    const MNIST = ["mnist", "--neurons", "4", "--train", "20", "--test", "10", "--weight-bits", "4"];
    const def = await learn("learn-default", ...MNIST);
    const counts = await learn("learn-counts", ...MNIST, "--costs", "counts");
    type Doc = { costs?: string; results: Array<Record<string, unknown>> };
    const d = JSON.parse(readText(def.dir, "learn-mnist.json")) as Doc;
    const c = JSON.parse(readText(counts.dir, "learn-mnist.json")) as Doc;
    expect(c.costs).toBe("counts");
    expect(d.costs).toBeUndefined();
    const energy = ["energyPerTrainSamplePj", "energyPerInferencePj", "learningEnergyPerTrainSamplePj"];
    c.results.forEach((r, i) => {
      for (const k of energy) expect(r[k], k).toBeNull();
      expect(r.learningBilledOn).toBeUndefined();
      const rest = (x: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(x).filter(([k]) => !energy.includes(k) && k !== "learningBilledOn"));
      expect(rest(r)).toEqual(rest(d.results[i]));
    });
    expect(energyLeaks(counts.stdout.replace(/costs counts: energy not reported \(--costs counts\)/, ""))).toEqual([]);
    expect(def.stdout).toContain("µJ/train");
    // A feature data set (learn-features.json).
    const X = new Float32Array(12 * 8).map((_, k) => ((k * 7) % 5) / 4);
    writeFileSync(join(TMP, "X.npy"), writeNpy(X, [12, 8]));
    const f = await learn("learn-features", join(TMP, "X.npy"), "--neurons", "3", "--costs", "counts");
    const fd = JSON.parse(readText(f.dir, "learn-features.json")) as Doc;
    expect(fd.costs).toBe("counts");
    expect(fd.results[0].energyPerTrainSamplePj).toBeNull();
    expect(energyLeaks(f.stdout.replace(/costs counts: energy not reported \(--costs counts\)/, ""))).toEqual([]);
  }, 120_000);
});
