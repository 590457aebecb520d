/**
 * LaTeX tables fit a standard article (audit s23b #1): an 8-column fixed-point table, the 7-column
 * energy = count × cost table with long identifiers, the per-core table of 32 rows, the costs table with
 * long sources and compare.tex. With pdflatex on the PATH each file is compiled in \documentclass{article}
 * with only booktabs and graphicx: no Overfull \hbox over OVERFULL_PT and no "Float too large for page".
 * Without pdflatex that test is skipped (its title says so); the string checks below always run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../../helpers/cli.ts";
import { latexTable, renderLatex } from "../../../chip/report/formats/latex.ts";
import { MAX_FLOAT_LINES, layoutColumns, printedLength, rowLines } from "../../../chip/report/formats/latex-layout.ts";
import type { RunReport } from "../../../chip/report/run-report.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-latex-fit-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** Overfull boxes up to this size are rounding in the estimate (invisible); the audit's were 72–375 pt. */
const OVERFULL_PT = 2;
const HAS_PDFLATEX = spawnSync("pdflatex", ["--version"], { encoding: "utf8" }).status === 0;
const PDFLATEX_NOTE = HAS_PDFLATEX ? "(pdflatex)" : "(skipped: pdflatex not found on the PATH)";

/** 40 neurons, one per core with --core-neurons 1: a per-core table of 32 rows (the report's cap). */
const MODEL = {
  format: "aerchip-model-1", name: "fit", steps: 10,
  populations: [
    { name: "in", kind: "input", size: 4, spikes: [[0, 0], [1, 1], [2, 2], [3, 3], [5, 0], [6, 2]] },
    { name: "H", kind: "neuron", size: 40, vThreshold: 1, reset: "zero" },
  ],
  projections: [{ name: "in_H", pre: "in", post: "H", dense: { weights: Array.from({ length: 4 }, (_, i) => Array.from({ length: 40 }, (_, j) => ((i + j) % 3) * 0.5)), delays: 1 } }],
};

let report: RunReport;
let reportTex: string;
let compareTex: string;

beforeAll(async () => {
  writeFileSync(join(TMP, "m.json"), JSON.stringify(MODEL));
  const run = await cli("run", join(TMP, "m.json"), "--arch", "loihi", "--precision", "fixed", "--core-neurons", "1", "--out", join(TMP, "run"), "--quiet");
  expect(run.code, run.stderr).toBe(0);
  report = JSON.parse(readFileSync(join(TMP, "run", "report.json"), "utf8")) as RunReport;
  reportTex = renderLatex(report);
  const cmp = await cli("compare", join(TMP, "m.json"), "--arch", "loihi,generic,truenorth", "--out", join(TMP, "cmp"), "--quiet");
  expect(cmp.code, cmp.stderr).toBe(0);
  compareTex = readFileSync(join(TMP, "cmp", "compare.tex"), "utf8");
}, 120_000);

/** Body rows of each float: the lines between \midrule and \bottomrule. */
function floats(tex: string): string[][] {
  return tex.split("\\begin{table}").slice(1).map((t) => {
    const lines = t.split("\n");
    return lines.slice(lines.findIndex((l) => l.includes("\\midrule")) + 1, lines.findIndex((l) => l.includes("\\bottomrule")));
  });
}

describe("LaTeX tables fit the page (strings)", () => {
  it("the run has the wide and long tables the audit found", () => {
    expect(reportTex).toContain("Fixed-point quantisation per layer");
    expect(reportTex).toContain("Energy = count");
    expect(report.perCore.length).toBeGreaterThan(32);
  });

  it("every tabular goes through \\aerchipfit, defined once at the top of each file", () => {
    for (const tex of [reportTex, compareTex]) {
      const tables = tex.split("\\begin{table}").slice(1);
      expect(tables.length).toBeGreaterThan(0);
      for (const t of tables) expect(t).toMatch(/\\aerchipfit\{%\n\s*\\begin\{tabular\}\{/);
      expect(tex.indexOf("\\providecommand{\\aerchipfit}")).toBeLessThan(tex.indexOf("\\begin{table}"));
      expect(tex.split("\\providecommand{\\aerchipfit}").length).toBe(2);
    }
  });

  it("no float holds more than MAX_FLOAT_LINES lines: long tables are split evenly and continued", () => {
    for (const body of floats(reportTex)) expect(body.length).toBeLessThanOrEqual(MAX_FLOAT_LINES);
    const n = MAX_FLOAT_LINES + 2;
    const long = { id: "long", title: "Long", columns: [{ header: "Row", align: "r" as const }], rows: Array.from({ length: n }, (_, i) => [{ v: i, f: "int" as const }]) };
    const tex = latexTable(long, "p");
    expect(floats(tex).map((b) => b.length)).toEqual([n / 2, n / 2]);
    expect(tex).toContain("\\caption{Long (continued, part 2 of 2).}");
    expect(tex).toContain("\\label{tab:p-long-part2}");
  });

  it("long headers wrap and long identifiers get break points", () => {
    expect(reportTex).toMatch(/\\begin\{tabular\}\[b\]\{@\{\}r@\{\}\}Max abs\.\\\\weight/);
    expect(reportTex).toContain("energyPacketOutPj");
    expect(reportTex).not.toMatch(/[A-Za-z]{3,}\.[A-Za-z]{3,}\.energySynOpPj/); // dotted identifiers are breakable
  });

  it("a p{} column is never narrower than the longest piece its cells cannot break", () => {
    const cells = [["loihi.yaml: synapse \"loihi_dense_synapse\" energy_process_spike", "averyveryverylongidentifierwithoutseparators"]];
    const t = { id: "x", title: "X", columns: [{ header: "Source", align: "l" as const }, { header: "Name", align: "l" as const }], rows: cells };
    const cols = layoutColumns(t, cells);
    expect(cols[1]!.chars).toBeGreaterThan(printedLength(cells[0]![1]!));
    expect(rowLines(cells[0]!, cols)).toBeGreaterThanOrEqual(1);
  });
});

function compile(name: string, tex: string): string {
  const dir = mkdtempSync(join(TMP, `${name}-`));
  writeFileSync(join(dir, "tables.tex"), tex);
  writeFileSync(join(dir, "paper.tex"), "\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage{graphicx}\n\\begin{document}\n\\input{tables.tex}\n\\end{document}\n");
  const r = spawnSync("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", "paper.tex"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
  const log = readFileSync(join(dir, "paper.log"), "latin1");
  expect(r.status, log.slice(-2000)).toBe(0);
  return log;
}

describe.skipIf(!HAS_PDFLATEX)(`LaTeX tables fit a standard article ${PDFLATEX_NOTE}`, () => {
  it("the run report and compare.tex compile with no overfull box and no float too large", () => {
    for (const [name, tex] of [["report", reportTex], ["compare", compareTex]] as const) {
      const log = compile(name, tex);
      const overfull = [...log.matchAll(/Overfull \\hbox \(([0-9.]+)pt too wide\)/g)].map((m) => Number(m[1]));
      expect(overfull.filter((pt) => pt > OVERFULL_PT), name).toEqual([]);
      expect(log, name).not.toMatch(/too large for page/);
    }
  }, 240_000);
});
