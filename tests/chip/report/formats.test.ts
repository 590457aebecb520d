/**
 * Report formats: Markdown and LaTeX golden files (tests/golden/report, compared exactly; regenerate with
 * UPDATE_GOLDEN=1 and inspect the diff by eye), tidy CSV shape, the JSON Schema against real reports,
 * and the HTML page's structure and determinism.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { RunReport } from "../../../chip/report/run-report.ts";
import { renderMarkdown, markdownCell } from "../../../chip/report/formats/markdown.ts";
import { latexEscape, renderLatex } from "../../../chip/report/formats/latex.ts";
import { CSV_COLUMNS, renderCsv } from "../../../chip/report/formats/csv.ts";
import { reportJsonSchema } from "../../../chip/report/formats/json-schema.ts";
import { parseSpikesJson, renderHtml, renumberSvgIds } from "../../../chip/report/formats/html.ts";
import { requireMetrics } from "../../../chip/report/formats/tables.ts";
import { energyTerms } from "../../../chip/report/energy-terms.ts";
import { compileAndRun, loadModel } from "../../../cli/pipeline.ts";
import { loadPreset } from "../../../chip/spec/load.ts";

const GOLDEN = "tests/golden/report";
const FIXTURE = `${GOLDEN}/known-rates.report.json`;
const fixture = (): RunReport => JSON.parse(readFileSync(FIXTURE, "utf8")) as RunReport;

function golden(name: string, actual: string): void {
  const path = `${GOLDEN}/${name}`;
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, actual);
  expect(existsSync(path), `${path} is missing; generate it with UPDATE_GOLDEN=1 and inspect it`).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

/** RFC 4180 fields of one CSV text (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; } else if (c === "\n") { row.push(field); rows.push(row); row = []; field = ""; } else field += c;
  }
  if (field !== "" || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** The demo model run in-process, as `aerchip run` would (small cores: several cores and hops). */
function demoReport(): RunReport {
  const spec = { ...loadPreset("generic"), core: { ...loadPreset("generic").core, maxNeurons: 64 } };
  const model = loadModel("examples/demo/ei-small.net.json");
  return compileAndRun(spec, model, { provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple" }).report;
}

describe("Markdown and LaTeX golden files", () => {
  it("Markdown of the known-rates report", () => golden("known-rates.md", renderMarkdown(fixture())));
  it("LaTeX (booktabs) of the known-rates report", () => golden("known-rates.tex", renderLatex(fixture())));

  it("escape what their syntax reserves", () => {
    expect(markdownCell("a|b\\c")).toBe("a\\|b\\\\c");
    expect(latexEscape("E_E 50% & #1 {x} ~ ^ \\ µs ≥ 1 → 2")).toBe("E\\_E 50\\% \\& \\#1 \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{} \\ensuremath{\\mu}s \\ensuremath{\\geq} 1 \\ensuremath{\\rightarrow} 2");
    const r = fixture();
    const odd = { ...r, model: "net_v2 | 100%", metrics: { ...r.metrics!, perPopulation: r.metrics!.perPopulation.map((p) => ({ ...p, name: `${p.name}|&_` })) } };
    const md = renderMarkdown(odd);
    expect(md).toContain("| in\\|&_ | input |");
    expect(md).toContain("| A\\|&_ | neuron | yes |");
    const tex = renderLatex(odd);
    expect(tex).toContain("net\\_v2 \\textbar{} 100\\%");
    expect(tex).toContain("A\\textbar{}\\&\\_");
    // The fixture's chip is "generic*" (--core-neurons 3): its labels keep the override as "-mod-<spec hash>".
    expect(tex).toContain("\\label{tab:aerchip-net-v2-100-generic-mod-bcae80-summary}");
  });

  it("a chip with overrides (name ending in *) is explained in the caption and gets its own LaTeX labels", () => {
    const r = fixture();
    expect(r.chip.name).toBe("generic*");
    const stock = { ...r, chip: { ...r.chip, name: "generic" }, provenance: { ...r.provenance, options: { ...r.provenance.options, coreNeurons: null } } };
    const labels = (tex: string) => [...tex.matchAll(/\\label\{([^}]+)\}/g)].map((m) => m[1]);
    const modded = labels(renderLatex(r));
    const plain = labels(renderLatex(stock));
    expect(modded).toContain("tab:aerchip-known-rates-generic-mod-bcae80-summary");
    expect(plain).toContain("tab:aerchip-known-rates-generic-summary");
    expect(modded.filter((l) => plain.includes(l))).toEqual([]);
    expect(renderMarkdown(r)).toContain("generic*: chip generic with overrides (--core-neurons 3).");
    expect(renderMarkdown(stock)).not.toContain("with overrides");
  });

  it("every LaTeX table is a balanced booktabs tabular with one cell per column", () => {
    const tex = renderLatex(demoReport());
    const tables = tex.split("\\begin{table}").slice(1);
    // Long tables continue in further floats (formats/latex-layout.ts splitRows): 8 tables.
    expect(tables.filter((t) => !t.includes("(continued, part")).length).toBe(8);
    for (const t of tables) {
      expect(t).toMatch(/\\toprule[\s\S]*\\midrule[\s\S]*\\bottomrule/);
      const head = t.split("\n").find((l) => l.includes("\\begin{tabular}{"))!.trim();
      const spec = head.slice("\\begin{tabular}{".length, -1).replace(/p\{[^}]*\}/g, "p");
      for (const line of t.split("\n").filter((l) => l.trimEnd().endsWith("\\\\"))) {
        const cells = line.replace(/\\&/g, "").split("&").length;
        expect(cells, line).toBe(spec.length);
      }
    }
  });
});

describe("tidy CSV", () => {
  const report = demoReport();
  const rows = parseCsv(renderCsv(report));

  it("has a fixed header, one row per entity and the same number of fields on every row", () => {
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    for (const r of rows) expect(r.length).toBe(CSV_COLUMNS.length);
    const entity = rows.slice(1).map((r) => r[CSV_COLUMNS.indexOf("entity")]);
    const count = (e: string) => entity.filter((x) => x === e).length;
    expect(count("totals")).toBe(1);
    expect(count("core")).toBe(report.perCore.length);
    expect(count("population")).toBe(report.perPopulation.length);
    expect(count("projection")).toBe(report.perProjection.length);
    expect(count("tick")).toBe(report.steps);
    expect(report.perCore.length).toBeGreaterThan(1);
    expect(count("energy_term")).toBe(energyTerms(report).length);
    expect(rows.length).toBe(1 + 1 + energyTerms(report).length + report.perCore.length + report.perPopulation.length + report.perProjection.length + report.steps);
  });

  it("reloads to the report's exact numbers, and entity rows add up to the totals", () => {
    const col = (name: string) => CSV_COLUMNS.indexOf(name);
    const of = (e: string) => rows.slice(1).filter((r) => r[col("entity")] === e);
    const tot = of("totals")[0];
    expect(Number(tot[col("energy_total_pj")])).toBe(report.totals.energyPj.total);
    expect(Number(tot[col("syn_ops")])).toBe(report.totals.counters.synOps);
    const sum = (rs: string[][], c: string) => rs.reduce((a, r) => a + Number(r[col(c)]), 0);
    expect(sum(of("core"), "syn_ops")).toBe(report.totals.counters.synOps);
    expect(sum(of("tick"), "syn_ops")).toBe(report.totals.counters.synOps);
    expect(sum(of("tick"), "latency_ns")).toBeCloseTo(report.totals.simulatedTimeNs!, 6);
    expect(sum(of("population"), "spikes")).toBe(report.totals.counters.spikes);
    expect(sum(of("projection"), "effective_acs")).toBe(report.metrics!.totals.synapticOps.effectiveACs);
    // A cell that does not apply is empty, not 0.
    expect(of("tick")[0][col("utilisation_neurons")]).toBe("");
  });
});

describe("spike density over active neurons in the CSV", () => {
  const col = (name: string) => CSV_COLUMNS.indexOf(name);
  const densityOf = (rows: string[][], id: string) => rows.find((r) => r[col("entity")] === "population" && r[col("id")] === id)![col("spike_density_active")];

  it("is spikes ÷ ((neurons − dead) × ticks), also for a report written before the field existed", () => {
    // The committed fixture has no spikeDensityActive: it follows from spikes, dead neurons and ticks.
    // A: 24 spikes, 4 − 1 dead = 3 active, 10 ticks → 0.8; in: 11 / (2 × 10) = 0.55; R (readout): empty.
    expect(fixture().metrics!.perPopulation[1].spikeDensityActive).toBeUndefined();
    const rows = parseCsv(renderCsv(fixture()));
    expect(Number(densityOf(rows, "A"))).toBe(24 / 30);
    expect(Number(densityOf(rows, "in"))).toBe(11 / 20);
    expect(densityOf(rows, "R")).toBe("");
  });
});

describe("JSON Schema of report v1", () => {
  const schema = reportJsonSchema();
  const validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);

  it("is draft 2020-12 and requires the report's fields", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.required).toEqual(expect.arrayContaining(["format", "version", "provenance", "totals", "perCore", "perTick"]));
  });

  it("validates a real report of the demo run and the committed fixture (an unknown field must be added to the schema)", () => {
    const demo = JSON.parse(JSON.stringify(demoReport()));
    const res = validator.safeParse(demo);
    expect(res.success, res.success ? "" : `${JSON.stringify(res.error.issues.slice(0, 3))}; new report fields belong in chip/report/formats/json-schema.ts`).toBe(true);
    expect(validator.safeParse(fixture()).success).toBe(true);
  });

  it("rejects reports that break it", () => {
    const demo = JSON.parse(JSON.stringify(demoReport())) as Record<string, unknown>;
    const { totals: _t, ...noTotals } = demo;
    void _t;
    expect(validator.safeParse(noTotals).success).toBe(false);
    expect(validator.safeParse({ ...demo, extra: 1 }).success).toBe(false);
    expect(validator.safeParse({ ...demo, version: 2 }).success).toBe(false);
    expect(validator.safeParse({ ...demo, steps: "300" }).success).toBe(false);
    const m = demo.metrics as { totals: Record<string, unknown> };
    expect(validator.safeParse({ ...demo, metrics: { ...m, totals: { ...m.totals, activationSparsity: 1.5 } } }).success).toBe(false);
  });
});

describe("HTML report", () => {
  const report = fixture();
  const spikes = parseSpikesJson(readFileSync(`${GOLDEN}/known-rates.spikes.json`, "utf8"), report, "known-rates.spikes.json");

  it("is one self-contained page with the SVG figures and every table, the same bytes every time", async () => {
    const a = await renderHtml(report, { spikes });
    const b = await renderHtml(report, { spikes });
    expect(a).toBe(b);
    for (const id of ["raster", "mesh", "energy", "latency", "rates"]) expect(a).toMatch(new RegExp(`<figure id="fig-${id}">\\n<h2>[^<]*</h2>\\n<svg `));
    expect((a.match(/<svg /g) ?? []).length).toBe(5);
    for (const id of ["summary", "energy", "populations", "projections", "cores", "costs", "provenance"]) expect(a).toContain(`<section id="table-${id}">`);
    expect(a).not.toMatch(/<script|<link|<img|src=|@import/);
    // Element ids are unique over the page.
    const ids = [...a.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("draws the raster from spikes.json, or says it has none", async () => {
    const withSpikes = await renderHtml(report, { spikes });
    expect(withSpikes).toContain("All 24 spikes of 2 population(s)");
    const without = await renderHtml(report);
    expect(without).toContain("No spikes were given");
    expect((without.match(/<svg /g) ?? []).length).toBe(4);
  });

  it("spikes.json errors are coded", () => {
    expect(() => parseSpikesJson("{", report, "s.json")).toThrow(expect.objectContaining({ code: "E_SPIKES_PARSE" }));
    expect(() => parseSpikesJson('{"spikes":{"A":[[0,9]]}}', report, "s.json")).toThrow(expect.objectContaining({ code: "E_SPIKES_PARSE", field: "spikes.A[0]" }));
  });

  it("renumbers SVG ids and their references", () => {
    const svg = '<svg><defs><clipPath id="clip3"><rect/></clipPath><linearGradient id="g_7"/></defs><g clip-path="url(#clip3)" fill="url(#g_7)"/><use href="#clip3"/></svg>';
    expect(renumberSvgIds(svg, "fig")).toBe('<svg><defs><clipPath id="fig-0"><rect/></clipPath><linearGradient id="fig-1"/></defs><g clip-path="url(#fig-0)" fill="url(#fig-1)"/><use href="#fig-0"/></svg>');
  });

  it("a report without metrics (an older v1 report) asks for a rerun", () => {
    const { metrics: _m, ...old } = report;
    void _m;
    expect(() => requireMetrics(old as RunReport)).toThrow(expect.objectContaining({ code: "E_REPORT_NO_METRICS" }));
  });
});
