/**
 * Every report format says which time basis (chip/report/time-basis.ts) its time, power and static energy
 * use: the Markdown/LaTeX/HTML summary row and energy note, and the CSV's time_basis and tick_period_ns
 * columns, and `compare`'s time-basis column (chips paced at their own tick beside compute-bound ones). Reports written before totals.timeBasis existed fall back to metrics.totals.inferenceTimeBasis.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RunReport } from "../../../chip/report/run-report.ts";
import { renderMarkdown } from "../../../chip/report/formats/markdown.ts";
import { renderLatex } from "../../../chip/report/formats/latex.ts";
import { csvRows } from "../../../chip/report/formats/csv.ts";
import { requireMetrics, timeBasisText } from "../../../chip/report/formats/tables.ts";
import { compareCsv, compareRows, compareTable, COMPARE_CSV_COLUMNS } from "../../../chip/report/formats/compare.ts";
import { markdownTable } from "../../../chip/report/formats/markdown.ts";
import { compileAndRun, loadModel } from "../../../cli/pipeline.ts";
import { loadPreset } from "../../../chip/spec/load.ts";

const PROV = { aerchipVersion: "test", inputs: [], options: {} };

function report(tickPeriodNs?: number): RunReport {
  const base = loadPreset("generic");
  const spec = tickPeriodNs === undefined ? base : { ...base, tickPeriodNs };
  return compileAndRun(spec, loadModel("examples/demo/ei-small.net.json"), { provenance: PROV, timing: "simple" }).report;
}

describe("the time basis in the rendered formats", () => {
  const paced = report(1e6);
  const free = report();

  it("a paced report: summary row, energy note and CSV columns name tick-period and the period", () => {
    expect(paced.totals.timeBasis).toBe("tick-period");
    expect(timeBasisText(requireMetrics(paced))).toBe("tick-period (each tick max(1.000 ms, its latency))");
    const md = renderMarkdown(paced);
    expect(md).toContain("| Time basis (time, power, static energy) | tick-period (each tick max(1.000 ms, its latency)) |");
    expect(md).toContain("Time basis: tick-period (each tick max(1.000 ms, its latency))");
    expect(renderLatex(paced)).toContain("Time basis (time, power, static energy) & tick-period");
    const totals = csvRows(paced).find((r) => r.entity === "totals")!;
    expect([totals.time_basis, totals.tick_period_ns]).toEqual(["tick-period", 1e6]);
  });

  it("an unpaced report says modelled-latency and has no period", () => {
    expect(renderMarkdown(free)).toContain("| Time basis (time, power, static energy) | modelled-latency |");
    const totals = csvRows(free).find((r) => r.entity === "totals")!;
    expect([totals.time_basis, totals.tick_period_ns]).toEqual(["modelled-latency", null]);
  });

  it("a report without totals.timeBasis (written before it) takes metrics' inference time basis", () => {
    const old = JSON.parse(readFileSync("tests/golden/report/known-rates.report.json", "utf8")) as RunReport;
    expect(old.totals.timeBasis).toBeUndefined();
    expect(timeBasisText(requireMetrics(old))).toBe("modelled-latency");
  });

  it("compare: each chip's row names its time basis (table, CSV, compare.json rows)", () => {
    const rows = compareRows([
      { arch: "paced", status: "ok", report: paced, dir: "paced" },
      { arch: "free", status: "ok", report: free, dir: "free" },
      { arch: "broken", status: "error", code: "E_X", message: "no" },
    ]);
    expect(rows.map((r) => r.timeBasis)).toEqual(["tick-period", "modelled-latency", null]);
    const md = markdownTable(compareTable("m", rows));
    expect(md).toContain("| Time basis |");
    expect(md).toMatch(/\| tick-period \|\n/);
    const csv = compareCsv(rows).trim().split("\n").map((l) => l.split(","));
    const k = COMPARE_CSV_COLUMNS.indexOf("time_basis");
    expect(csv.slice(1).map((l) => l[k])).toEqual(["tick-period", "modelled-latency", ""]);
  });
});
