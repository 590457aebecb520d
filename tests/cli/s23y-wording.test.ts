/**
 * Audit s23y #6 (a, b, c, d, f): what the outputs say.
 * a. A paced chip without latency costs (spinnaker2, truenorth) has no modelled latency: the run summary, the
 *    Markdown/LaTeX time-basis row and dataset.md say each tick lasts the period, as the HTML page does, not
 *    "max(1 ms, its modelled latency)"; a chip with latency costs keeps the max wording.
 * b. compare with one --arch item given twice where both fail: compare.csv/json carry the printed label
 *    (`odin #2`), and the printed and Markdown lists of chips that did not run use it.
 * c. An input that a run would overwrite with one of its own --out files: the hint says to use another --out
 *    directory or move the input (the file's name is not the user's to change).
 * d. A mapping made with fan-out groups says so: a line of compile's and run's output, mapping.json fanOutGroups.
 * f. compare's note defines the not-modelled time basis beside tick-period and modelled-latency.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { compileAndRun, loadModel } from "../../cli/pipeline.ts";
import { loadPreset } from "../../chip/spec/load.ts";
import { summaryText } from "../../cli/commands/run.ts";
import { renderMarkdown } from "../../chip/report/formats/markdown.ts";
import { renderLatex } from "../../chip/report/formats/latex.ts";
import { datasetMarkdown } from "../../chip/report/formats/dataset.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import { evaluateIf4Once } from "../helpers/nir-dataset.ts";
import { COMPARE_NOTE, COMPARE_NOTE_COUNTS, compareRows } from "../../chip/report/formats/compare.ts";

/** RFC 4180 rows (quoted fields may hold commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  return text.trimEnd().split("\n").map((line) => {
    const cells: string[] = [];
    let cur = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ",") { cells.push(cur); cur = ""; } else cur += ch;
    }
    cells.push(cur);
    return cells;
  });
}

const TMP = mkdtempSync(join(tmpdir(), "aerchip-s23y-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const PROV = { aerchipVersion: "test", inputs: [], options: {} };
const LIF = { kind: "lif", decay: 0.9, v_th: 1.0, reset: "zero", refractory: 0, bias: 0.0, v_init: 0.0, threshold_op: ">=" };

/** snnref-1: `inputs` inputs → 3 LIF neurons, dense 0.6, inputs 0..2 spiking at ticks 0..2. */
function model(name: string, inputs: number): string {
  const path = join(TMP, `${name}.json`);
  writeFileSync(path, JSON.stringify({
    format: "snnref-1", name, steps: 6,
    populations: [{ name: "in", kind: "input", size: inputs, spikes: [[0, 0], [1, 1], [2, 2]] }, { name: "out", size: 3, ...LIF }],
    projections: [{ name: "a", pre: "in", post: "out", dtype: "float", dense: { weights: Array.from({ length: inputs }, () => [0.6, 0.6, 0.6]), delays: 1 } }],
  }));
  return path;
}

describe("a. paced chips without latency costs: each tick lasts the period", () => {
  it("run summary, Markdown and LaTeX on spinnaker2; the max wording stays for a paced chip with latency costs", () => {
    const path = model("small", 4);
    const spinn = compileAndRun(loadPreset("spinnaker2"), loadModel(path), { provenance: PROV, timing: "simple" });
    expect(spinn.report.totals.timeBasis).toBe("tick-period");
    const text = summaryText(spinn.report, spinn.compiled.mapping);
    expect(text).toContain("time basis tick-period: each tick lasts the 1.00000 ms period (this chip spec has no latency costs, so no tick has a modelled latency)");
    expect(text).not.toContain("its modelled latency)");
    const md = renderMarkdown(spinn.report);
    expect(md).toContain("| Time basis (time, power, static energy) | tick-period (each tick lasts the 1.000 ms period; no latency costs, so no modelled latency) |");
    expect(md).not.toContain("its latency");
    expect(renderLatex(spinn.report)).toContain("each tick lasts the 1.000 ms period; no latency costs");
    // generic paced at 1 ms has latency costs: a tick lasts max(P, its latency).
    const g = loadPreset("generic");
    const paced = compileAndRun({ ...g, tickPeriodNs: 1e6 }, loadModel(path), { provenance: PROV, timing: "simple" });
    expect(summaryText(paced.report, paced.compiled.mapping)).toContain("each tick lasts max(1.00000 ms, its modelled latency)");
    expect(renderMarkdown(paced.report)).toContain("tick-period (each tick max(1.000 ms, its latency))");
  });

  it("--costs counts on truenorth: the time line says the same", async () => {
    const r = await cli("run", model("tn", 4), "--arch", "truenorth", "--costs", "counts", "--out", join(TMP, "tn"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("time basis tick-period: each tick lasts the 1.00000 ms period (this chip spec has no latency costs");
  });

  it("dataset.md: the period alone without latency costs, max(P, latency) with them", async () => {
    mkdirSync(join(TMP, "ds"));
    const d = await evaluateIf4Once(join(TMP, "ds"));
    const paced = (costs: DatasetDocument["costs"]): string => datasetMarkdown({ ...d, timeBasis: "tick-period", tickPeriodNs: 1e6, costs });
    const latency = { key: "latencySynOpNs", value: 2, unit: "ns", source: "s", evidence: "e" };
    const energy = { key: "energySynOpPj", value: 2, unit: "pJ", source: "s", evidence: "e" };
    expect(paced([energy])).toContain("| Time basis | tick-period (each tick lasts the 1000 us period; no latency costs, so no modelled latency) |");
    expect(paced([energy, latency])).toContain("| Time basis | tick-period (each tick lasts max(1000 us, its modelled latency)) |");
  });
});

describe("b. compare: an --arch item given twice where both fail", () => {
  it("compare.csv and compare.json carry the label; the printed and Markdown failure lists say odin #2", async () => {
    const out = join(TMP, "cmp");
    const r = await cli("compare", model("big", 257), "--arch", "odin,generic,odin", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}odin: E_CHIP_CORES_EXCEEDED: /m);
    expect(r.stdout).toMatch(/^ {2}odin #2: E_CHIP_CORES_EXCEEDED: /m);
    const csv = parseCsv(readFileSync(join(out, "compare.csv"), "utf8"));
    const label = csv[0].indexOf("label");
    expect(label).toBeGreaterThan(-1);
    expect(csv.slice(1).map((row) => row[label])).toEqual(["odin", "generic", "odin #2"]);
    const json = JSON.parse(readFileSync(join(out, "compare.json"), "utf8")) as { rows: Array<{ label: string; arch: string }> };
    expect(json.rows.map((x) => x.label)).toEqual(["odin", "generic", "odin #2"]);
    const md = readFileSync(join(out, "compare.md"), "utf8");
    expect(md).toMatch(/^- odin: `E_CHIP_CORES_EXCEEDED`/m);
    expect(md).toMatch(/^- odin #2: `E_CHIP_CORES_EXCEEDED`/m);
  });

  it("compareRows labels failed rows as the table does", () => {
    const rows = compareRows([{ arch: "odin", status: "error", code: "E_X", message: "m" }, { arch: "odin", status: "error", code: "E_X", message: "m" }]);
    expect(rows.map((x) => x.label)).toEqual(["odin", "odin #2"]);
  });
});

describe("c. an input in --out under a name the run writes", () => {
  it("the hint says to use another --out directory or move the input, not to rename the output", async () => {
    const dir = join(TMP, "clash");
    mkdirSync(dir, { recursive: true });
    copyFileSync(model("clash", 4), join(dir, "report.json"));
    const r = await cli("run", join(dir, "report.json"), "--arch", "generic", "--out", dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("E_CLI_OPTION");
    expect(r.stderr).toContain("hint: use another --out directory, or move the file given as <model> out of it (report.json is a name this command writes there)");
    expect(r.stderr).not.toContain("another path");
  });
});

describe("d. fan-out groups are said", () => {
  /** in[10] → a[100], in → b[100], x[10] → c[200], listed in, a, c, b, x: on truenorth (one destination core) the first mapping splits a and b. */
  function fanpack(): string {
    const sizes: Record<string, number> = { in: 10, x: 10, a: 100, b: 100, c: 200 };
    const dense = (r: number, c: number): number[][] => Array.from({ length: r }, () => new Array(c).fill(1));
    const path = join(TMP, "fanpack.json");
    writeFileSync(path, JSON.stringify({
      format: "aerchip-model-1", name: "fanpack", steps: 3,
      populations: ["in", "a", "c", "b", "x"].map((name) => (name === "in" || name === "x" ? { name, kind: "input", size: sizes[name], spikes: [[0, 0]] } : { name, kind: "neuron", size: sizes[name], vThreshold: 4 })),
      projections: [["in", "a"], ["in", "b"], ["x", "c"]].map(([pre, post]) => ({ name: `${pre}_${post}`, pre, post, dense: { weights: dense(sizes[pre], sizes[post]), delays: 1 } })),
    }));
    return path;
  }

  it("compile and run print one line and mapping.json has fanOutGroups: true; a model mapped the first way has neither", async () => {
    const out = join(TMP, "fan");
    const c = await cli("compile", fanpack(), "--arch", "truenorth", "--out", out);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain("fan-out groups: packed in file order, a neuron sent to more cores than truenorth allows (core.maxFanOutCores)");
    expect((JSON.parse(readFileSync(join(out, "mapping.json"), "utf8")) as { fanOutGroups?: boolean }).fanOutGroups).toBe(true);
    const r = await cli("run", fanpack(), "--arch", "truenorth", "--out", join(TMP, "fan-run"));
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^fan-out groups: /gm)).toHaveLength(1);
    const plain = await cli("compile", model("plain", 4), "--arch", "truenorth", "--out", join(TMP, "plain"));
    expect(plain.stdout).not.toContain("fan-out groups");
    expect(JSON.parse(readFileSync(join(TMP, "plain", "mapping.json"), "utf8"))).not.toHaveProperty("fanOutGroups");
  });
});

describe("f. compare's note defines every time basis", () => {
  it("tick-period, modelled-latency and not-modelled, with and without energy", () => {
    for (const note of [COMPARE_NOTE, COMPARE_NOTE_COUNTS]) {
      for (const basis of ["tick-period (", "modelled-latency (", "not-modelled ("]) expect(note).toContain(basis);
    }
    expect(COMPARE_NOTE).toContain("not-modelled (the chip spec has neither latency costs nor a tick period");
  });
});
