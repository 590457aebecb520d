/**
 * A chip spec without latency costs (odin) does not model time: its simulated time and average power are
 * unknown, so report.json holds null (as metrics.inferenceTimeNs with basis "not-modelled") and every
 * rendering says "not modelled" rather than 0 (audit-numbers item 2). compare's spike column is the
 * non-input spikes and says so (item 3).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import type { RunReport } from "../../chip/report/run-report.ts";

const MODEL = "tests/golden/report/known-rates.net.json";
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-untimed-"));

describe("time and power on a chip that does not model time", () => {
  it("report.json holds null, and the summary, md, LaTeX, HTML and CSV say not modelled", async () => {
    const out = tmp();
    const run = await cli("run", MODEL, "--arch", "odin", "--out", out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("simulated time not modelled, average power not modelled");
    expect(run.stdout).not.toMatch(/simulated time 0 ns|0\.000 mW/);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;
    expect(report.metrics?.totals.inferenceTimeBasis).toBe("not-modelled");
    expect(report.totals.simulatedTimeNs).toBeNull();
    expect(report.totals.averagePowerMw).toBeNull();
    expect(report.totals.energyPj.total).toBeGreaterThan(0);
    for (const [format, ext] of [["md", "md"], ["latex", "tex"], ["html", "html"]] as const) {
      const file = join(out, `report.${ext}`);
      const r = await cli("report", join(out, "report.json"), "--format", format, "--out", file);
      expect(r.code, r.stderr).toBe(0);
      const text = readFileSync(file, "utf8");
      expect(text).toMatch(/Simulated time \(ns\)(?:\W|<[^>]*>)+not modelled/);
      expect(text).toMatch(/Average power \(mW\)(?:\W|<[^>]*>)+not modelled/);
    }
    const csvFile = join(out, "report.csv");
    expect((await cli("report", join(out, "report.json"), "--format", "csv", "--out", csvFile)).code).toBe(0);
    const [head, totals, ...rest] = readFileSync(csvFile, "utf8").trimEnd().split("\n").map((l) => l.split(","));
    expect(totals[head.indexOf("entity")]).toBe("totals");
    expect(totals[head.indexOf("simulated_time_ns")]).toBe("");
    expect(totals[head.indexOf("average_power_mw")]).toBe("");
    // Per tick: report.json keeps the timing model's 0 ns (docs/reports.md says to read them as not modelled); the CSV leaves them empty.
    expect(report.perTick.latencyNs.every((ns) => ns === 0)).toBe(true);
    const ticks = rest.filter((l) => l[head.indexOf("entity")] === "tick");
    expect(ticks.length).toBe(report.steps);
    for (const t of ticks) expect(t[head.indexOf("latency_ns")]).toBe("");
    // No static energy without time: no static energy-term row either.
    expect(rest.filter((l) => l[head.indexOf("entity")] === "energy_term" && l[head.indexOf("kind")] === "static")).toEqual([]);
    // The report is accepted back (schema validation) and reproduces.
    const again = await cli("rerun", join(out, "report.json"), "--out", join(out, "again"));
    expect(again.code, again.stderr).toBe(0);
  });

  it("a paced chip without latency costs (truenorth: 1 ms ticks) has a time but no per-tick latency: CSV cells empty, HTML says so", async () => {
    const out = tmp();
    const run = await cli("run", MODEL, "--arch", "truenorth", "--out", out);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;
    expect(report.totals.simulatedTimeNs).toBe(report.steps * 1e6);
    expect(report.perTick.latencyNs.every((ns) => ns === 0)).toBe(true);
    const csvFile = join(out, "report.csv");
    expect((await cli("report", join(out, "report.json"), "--format", "csv", "--out", csvFile)).code).toBe(0);
    const [head, totals, ...rest] = readFileSync(csvFile, "utf8").trimEnd().split("\n").map((l) => l.split(","));
    expect(Number(totals[head.indexOf("simulated_time_ns")])).toBe(report.steps * 1e6);
    const ticks = rest.filter((l) => l[head.indexOf("entity")] === "tick");
    expect(ticks.length).toBe(report.steps);
    for (const t of ticks) expect(t[head.indexOf("latency_ns")]).toBe("");
    const html = join(out, "report.html");
    expect((await cli("report", join(out, "report.json"), "--format", "html", "--out", html)).code).toBe(0);
    expect(readFileSync(html, "utf8")).toContain("no tick has a modelled latency; each tick lasts the tick period");
    // A chip with latency costs keeps its per-tick numbers.
    const gen = tmp();
    expect((await cli("run", MODEL, "--arch", "generic", "--out", gen)).code).toBe(0);
    const gcsv = join(gen, "report.csv");
    expect((await cli("report", join(gen, "report.json"), "--format", "csv", "--out", gcsv)).code).toBe(0);
    const [gh, , ...grest] = readFileSync(gcsv, "utf8").trimEnd().split("\n").map((l) => l.split(","));
    expect(grest.filter((l) => l[gh.indexOf("entity")] === "tick").every((l) => Number(l[gh.indexOf("latency_ns")]) > 0)).toBe(true);
  });

  it("compare says not modelled for odin's time and power and names its spike count; loihi keeps numbers", async () => {
    const out = tmp();
    const r = await cli("compare", MODEL, "--arch", "odin,loihi", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(out, "compare.md"), "utf8");
    expect(md).toContain("Spikes (model layers)");
    const odin = md.split("\n").find((l) => l.startsWith("| odin "));
    expect(odin?.match(/not modelled/g)?.length).toBe(3);
    const loihi = md.split("\n").find((l) => l.startsWith("| loihi "));
    expect(loihi).not.toContain("not modelled");
    // The header may wrap onto two lines (a one-column tabular, chip/report/formats/latex-layout.ts).
    expect(readFileSync(join(out, "compare.tex"), "utf8").replaceAll("\\\\", " ")).toContain("Spikes (model layers)");
    const json = JSON.parse(readFileSync(join(out, "compare.json"), "utf8")) as { rows: Array<Record<string, unknown>> };
    const [o, l] = json.rows;
    expect(o).toMatchObject({ arch: "odin", averagePowerMw: null, inferenceTimeNs: null, timeModelled: false });
    expect(l).toMatchObject({ arch: "loihi", timeModelled: true });
    expect(typeof l.averagePowerMw).toBe("number");
    const loihiReport = JSON.parse(readFileSync(join(out, "loihi", "report.json"), "utf8")) as RunReport;
    // A JSON model has no front-end helpers: its model layers' spikes are the non-input spikes.
    expect(o.modelLayerSpikes).toBe(loihiReport.totals.counters.neuronsFired);
    const [csvHead, csvOdin] = readFileSync(join(out, "compare.csv"), "utf8").split("\n").map((x) => x.split(","));
    expect(csvHead).toContain("model_layer_spikes");
    expect(csvOdin[csvHead.indexOf("average_power_mw")]).toBe("");
    expect(csvOdin[csvHead.indexOf("time_modelled")]).toBe("false");
  });

  it("the sweep table says not modelled for odin's time, and sweep.json holds null", async () => {
    const out = tmp();
    const cfg = join(out, "sweep.yaml");
    writeFileSync(cfg, `model: ${JSON.stringify(resolve(MODEL))}\narch: [odin, loihi]\nsteps: 10\n`);
    const r = await cli("sweep", cfg, "--out", join(out, "sweep"), "--threads", "1", "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(out, "sweep", "sweep.md"), "utf8");
    expect(md.split("\n").find((l) => l.startsWith("| odin "))).toContain("not modelled");
    expect(md.split("\n").find((l) => l.startsWith("| loihi "))).not.toContain("not modelled");
    const rows = (JSON.parse(readFileSync(join(out, "sweep", "sweep.json"), "utf8")) as { rows: Array<Record<string, unknown>> }).rows;
    expect(rows[0]).toMatchObject({ simulatedTimeNs: null, averagePowerMw: null });
  });
});
