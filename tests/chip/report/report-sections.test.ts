/**
 * What the rendered reports carry beyond the tables every run has (audit-docs findings 5, 6, 14, 16):
 * the fixed-point quantisation and spike agreement with float, a NIR graph's output spike counts, the
 * run-identifying CSV columns that keep stacked files apart, and population kinds named as in report.json.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RunReport } from "../../../chip/report/run-report.ts";
import { CSV_COLUMNS, RUN_COLUMNS, renderCsv } from "../../../chip/report/formats/csv.ts";
import { renderMarkdown } from "../../../chip/report/formats/markdown.ts";
import { renderLatex } from "../../../chip/report/formats/latex.ts";
import { renderHtml } from "../../../chip/report/formats/html.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { compileAndRun, loadModel } from "../../../cli/pipeline.ts";

const fixture = (): RunReport => JSON.parse(readFileSync("tests/golden/report/known-rates.report.json", "utf8")) as RunReport;
const csvRows = (r: RunReport) => renderCsv(r).trimEnd().split("\n").slice(1).map((l) => l.split(","));
const col = (name: string) => CSV_COLUMNS.indexOf(name);

describe("fixed-point section", () => {
  const r = compileAndRun(loadPreset("loihi"), loadModel("examples/demo/ei-small.net.json"), {
    steps: 60, compile: { precision: "fixed" }, provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0, precision: "fixed" } }, timing: "simple",
  }).report;
  const p = r.precision!;

  it("md, LaTeX and HTML give the per-layer quantisation and the spike agreement with float64", async () => {
    expect(p.agreementWithFloat.length).toBeGreaterThan(0);
    const a = p.agreementWithFloat[0];
    const l = p.layers[0];
    const md = renderMarkdown(r);
    expect(md).toContain("## Fixed-point quantisation per layer");
    expect(md).toContain(`| ${l.population} | ${l.stateScaleExp} | `);
    expect(md).toContain("## Fixed-point spikes against float64");
    expect(md).toMatch(new RegExp(`\\| ${a.population} \\| [\\d,]+ \\| [\\d,]+ \\| [\\d,]+ \\| [\\d.]+ \\|`));
    expect(renderLatex(r)).toContain("\\label{tab:aerchip-ei-small-loihi-fixed-point-agreement}");
    expect(await renderHtml(r)).toContain('<section id="table-fixed-point-agreement">');
  });

  it("the CSV has the agreement and quantisation on the population rows, the exponent on projection rows", () => {
    const rows = csvRows(r);
    const pop = rows.find((x) => x[col("entity")] === "population" && x[col("id")] === a0().population)!;
    expect(Number(pop[col("agreement_spikes")])).toBe(a0().spikes);
    expect(Number(pop[col("agreement_spikes_float")])).toBe(a0().spikesFloat);
    expect(Number(pop[col("agreement_jaccard")])).toBe(a0().jaccard);
    const layer = p.layers.find((x) => x.population === a0().population)!;
    expect(Number(pop[col("state_scale_exp")])).toBe(layer.stateScaleExp);
    const [proj, e] = Object.entries(layer.weightExponents)[0];
    expect(Number(rows.find((x) => x[col("entity")] === "projection" && x[col("id")] === proj)![col("weight_exponent")])).toBe(e);
    expect(new Set(rows.map((x) => x[col("precision")]))).toEqual(new Set(["fixed"]));
  });
  const a0 = () => p.agreementWithFloat[0];
});

describe("NIR section", () => {
  const base = fixture();
  const r: RunReport = {
    ...base,
    nir: {
      version: "0.2.0", steps: 7, extraTicks: 3, inputShape: [2, 2],
      outputs: [{ output: "output", node: "A", spiking: true, counts: [1, 0, 5, 5] }, { output: "v", node: "R", spiking: false, counts: null }],
      projections: [{ projection: "in_A", pre: "in", post: "A", via: ["fc"], modelWeights: 16, synapses: 16, encoding: "dense" }],
      warnings: [],
    },
  };

  it("md and LaTeX give the output spike counts, the most-spiking neuron and data steps + pipeline ticks", () => {
    const md = renderMarkdown(r);
    expect(md).toContain("| output | A | 11 | 2, 3 | 1, 0, 5, 5 |");
    expect(md).toContain(`The chip ran ${r.steps} ticks = 7 data steps + 3 pipeline ticks`);
    expect(md).toContain("| in_A | fc | dense | 16 | 16 |");
    expect(renderLatex(r)).toContain("-nir-outputs}");
    // A non-spiking output names its trace file when the report has it.
    expect(renderMarkdown({ ...r, readouts: [{ population: "R", file: "R.v.npy", size: 1, shape: [1], steps: 7, sumV: [0], maxV: [0], lastV: [0], argmax: { sum: 0, max: 0, last: 0 } }] } as RunReport))
      .toContain("membrane trace in R.v.npy");
  });

  it("the CSV has one nir_output row per output neuron and the model weights on projection rows", () => {
    const rows = csvRows(r);
    const out = rows.filter((x) => x[col("entity")] === "nir_output");
    expect(out.map((x) => [x[col("id")], Number(x[col("spikes")])])).toEqual([["output[0]", 1], ["output[1]", 0], ["output[2]", 5], ["output[3]", 5]]);
    const totals = rows.find((x) => x[col("entity")] === "totals")!;
    expect([totals[col("nir_data_steps")], totals[col("nir_extra_ticks")]]).toEqual(["7", "3"]);
  });
});

describe("tidy CSV: run identity, population kinds, incoming quantities", () => {
  it("every row names its run, so files of different runs stacked together stay apart", () => {
    expect(CSV_COLUMNS.slice(0, RUN_COLUMNS.length)).toEqual([...RUN_COLUMNS]);
    const r = fixture();
    const other: RunReport = { ...r, model: "other", provenance: { ...r.provenance, options: { ...r.provenance.options, seed: 7 } } };
    const key = (x: string[]) => RUN_COLUMNS.map((c) => x[col(c)]).join("|");
    const a = new Set(csvRows(r).map(key));
    const b = new Set(csvRows(other).map(key));
    expect(a.size).toBe(1);
    expect(b.size).toBe(1);
    expect([...a][0]).not.toBe([...b][0]);
    const row = csvRows(r)[0];
    expect([row[col("model")], row[col("chip")], row[col("steps")], row[col("timing_model")], row[col("precision")], row[col("seed")], row[col("placement")]])
      .toEqual(["known-rates", "generic*", "10", "simple", "float", "0", "greedy"]);
    expect(row[col("chip_spec_sha256")]).toBe(r.chip.specSha256);
  });

  it("run_id tells apart runs whose readable run columns are equal (another input, sample or NIR option)", () => {
    const r = fixture();
    const withInput = (sha: string, extra: Record<string, string | number>): RunReport => ({
      ...r, provenance: { ...r.provenance, inputs: [...r.provenance.inputs, { role: "input", path: "x.aedat", sha256: sha }], options: { ...r.provenance.options, ...extra } },
    });
    const id = (x: RunReport) => csvRows(x)[0][col("run_id")];
    const readable = (x: RunReport) => RUN_COLUMNS.filter((c) => c !== "run_id").map((c) => csvRows(x)[0][col(c)]).join("|");
    const g0 = withInput("aa", { gesture: 0 });
    const g1 = withInput("aa", { gesture: 1 });
    const other = withInput("bb", { gesture: 0 });
    expect(readable(g0)).toBe(readable(g1));
    expect(new Set([id(g0), id(g1), id(other)]).size).toBe(3);
    expect(id(g0)).toMatch(/^[0-9a-f]{16}$/);
    // Options that only add an output file are not part of it.
    expect(id({ ...g0, provenance: { ...g0.provenance, options: { ...g0.provenance.options, perLayerTicks: true } } })).toBe(id(g0));
    // The code version is not part of it: a rerun by a later commit keeps its id.
    expect(id({ ...g0, provenance: { ...g0.provenance, gitCommit: "f".repeat(40), aerchipVersion: "9.9.9" } })).toBe(id(g0));
  });

  it("the totals row's time is simulated_time_ns; tick rows keep each tick's latency_ns", () => {
    const r = fixture();
    const rows = csvRows(r);
    const totals = rows.find((x) => x[col("entity")] === "totals")!;
    expect(Number(totals[col("simulated_time_ns")])).toBe(r.totals.simulatedTimeNs);
    expect(totals[col("latency_ns")]).toBe("");
  });

  it("population kind is report.json's, with spiking and helper as their own columns; incoming quantities end in _in", () => {
    const r = fixture();
    const rows = csvRows(r).filter((x) => x[col("entity")] === "population");
    expect(rows.map((x) => [x[col("id")], x[col("kind")], x[col("spiking")], x[col("helper")]])).toEqual(
      r.metrics!.perPopulation.map((p) => [p.name, p.kind, String(p.spiking), String(p.helper)]));
    const a = rows.find((x) => x[col("id")] === "A")!;
    expect(Number(a[col("syn_ops_in")])).toBe(r.perPopulation.find((p) => p.name === "A")!.synOpsIn);
    expect(a[col("syn_ops")]).toBe("");
    expect(CSV_COLUMNS).toContain("neurons_in_rate_bin_0_1_per_mille");
    expect(CSV_COLUMNS).toContain("neuron_updates_dense");
    expect(CSV_COLUMNS).not.toContain("membrane_updates_dense");
    const md = renderMarkdown(r);
    expect(md).toContain("| A | neuron | yes |");
    expect(md).toContain("| R | neuron | no |");
    expect(md).not.toMatch(/Membrane updates/);
  });
});
