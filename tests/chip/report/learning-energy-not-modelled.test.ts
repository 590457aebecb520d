/**
 * Learning on a chip whose spec has a learning engine but no energySynUpdatePj (spinnaker2, odin, loihi-sanafe):
 * the learning energy is unknown, not 0 (audit s24b #13). report.json has totals.energyPj.learning null, the run
 * summary and the md/LaTeX/HTML energy tables say "not modelled", the CSV cell is empty, and compare's note names
 * the chip; as for time on a chip without latency costs. A run without synapse updates keeps 0, and a chip with
 * the cost bills it as before.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunReport } from "../../../chip/report/run-report.ts";
import { renderMarkdown } from "../../../chip/report/formats/markdown.ts";
import { renderLatex } from "../../../chip/report/formats/latex.ts";
import { renderCsv } from "../../../chip/report/formats/csv.ts";
import { renderHtml } from "../../../chip/report/formats/html.ts";
import { runReportSchema } from "../../../chip/report/formats/json-schema.ts";
import { compareMarkdown, compareRows, compareTable } from "../../../chip/report/formats/compare.ts";
import { compileAndRun, loadModel } from "../../../cli/pipeline.ts";
import { summaryText } from "../../../cli/commands/run.ts";
import { loadPreset } from "../../../chip/spec/load.ts";

const PAIR = "examples/learning/stdp-pair.model.json";

/** The pair-STDP example without its rule: nothing learns. */
function frozenModelPath(): string {
  const model = JSON.parse(readFileSync(PAIR, "utf8"));
  for (const p of model.projections) delete p.learning;
  const path = join(mkdtempSync(join(tmpdir(), "aerchip-learnnm-")), "frozen.model.json");
  writeFileSync(path, JSON.stringify(model));
  return path;
}

function run(arch: string, path = PAIR) {
  return compileAndRun(loadPreset(arch), loadModel(path), { provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple" });
}

/** The energy table's learning row of a Markdown report. */
function mdLearningRow(r: RunReport): string {
  return renderMarkdown(r).split("\n").find((l) => l.startsWith("| Learning |"))!;
}

function csvTotals(r: RunReport, column: string): string {
  const [head, totals] = renderCsv(r).split("\n");
  return totals.split(",")[head.split(",").indexOf(column)];
}

describe("learning energy on a chip without energySynUpdatePj", () => {
  it("spinnaker2: synapse updates billed, learning energy null / not modelled in every format", async () => {
    const spec = loadPreset("spinnaker2");
    expect(spec.costs.energySynUpdatePj).toBeUndefined();
    const { report: r, compiled } = run("spinnaker2");
    expect(r.totals.counters.synUpdates).toBeGreaterThan(0);
    expect(r.totals.energyPj.learning).toBeNull();
    // Not modelled adds nothing: dynamic = synapse + neuron + network, total = dynamic + static.
    const e = r.totals.energyPj;
    expect(e.dynamic).toBeCloseTo(e.synapse + e.neuron + e.network, 9);
    expect(e.total).toBeCloseTo(e.dynamic + e.static, 9);
    expect(runReportSchema.safeParse(JSON.parse(JSON.stringify(r))).success).toBe(true);
    expect(mdLearningRow(r)).toMatch(/^\| Learning \| not modelled \|/);
    expect(renderLatex(r)).toMatch(/Learning & not modelled &/);
    expect(await renderHtml(r)).toContain('<td class="l">Learning</td><td class="r">not modelled</td>');
    expect(csvTotals(r, "energy_learning_pj")).toBe("");
    expect(summaryText(r, compiled.mapping)).toMatch(/^learning\s+not modelled$/m);
  });

  it("compare names the chip whose learning energy is not modelled; loihi bills it", () => {
    const loihi = run("loihi").report;
    const sanafe = run("loihi-sanafe").report;
    expect(loihi.totals.energyPj.learning).toBeCloseTo(loihi.totals.counters.synUpdates * loadPreset("loihi").costs.energySynUpdatePj!.value, 6);
    expect(sanafe.totals.energyPj.learning).toBeNull();
    const rows = compareRows([{ arch: "loihi", status: "ok", report: loihi, dir: "loihi" }, { arch: "loihi-sanafe", status: "ok", report: sanafe, dir: "loihi-sanafe" }]);
    expect(rows.map((x) => x.learningEnergyModelled)).toEqual([undefined, false]);
    const md = compareMarkdown(loihi.model, compareTable(loihi.model, rows), rows);
    expect(md).toContain("Learning energy not modelled on loihi-sanafe");
  });

  it("a run without synapse updates keeps learning 0 on the same chip", () => {
    const r = run("spinnaker2", frozenModelPath()).report;
    expect(r.totals.counters.synUpdates).toBe(0);
    expect(r.totals.energyPj.learning).toBe(0);
    expect(mdLearningRow(r)).not.toContain("not modelled");
  });
});
