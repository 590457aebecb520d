/**
 * `aerchip sweep`: a weight-bit sweep (2..8) of the demo network on Loihi produces its table and figure;
 * a resumed sweep (point files deleted, as a kill would leave them) finishes with byte-identical outputs;
 * bad sweep files fail with E_SWEEP_* codes naming the field. Points run in-process from source; when
 * dist/ is built and newer than the sources, the same sweep on piscina worker threads must give the same
 * bytes.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { spawn } from "node:child_process";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../core/diagnostics.ts";
import { loadArch } from "../../cli/load-arch.ts";
import { compileAndRun, loadModel } from "../../cli/pipeline.ts";
import { registerSweepCommand, sweepCommand, type SweepSummary } from "../../cli/commands/sweep.ts";
import { parseSweepConfig } from "../../cli/sweep/config.ts";
import { buildGrid } from "../../cli/sweep/grid.ts";
import type { PointRow } from "../../cli/sweep/point.ts";
import { SWEEP_CSV_COLUMNS } from "../../cli/sweep/formats.ts";
import { expectSameFiles, SWEEP_EXAMPLE, SWEEP_OUTPUTS, sweepSnapshot } from "../helpers/sweep-files.ts";

const EXAMPLE = SWEEP_EXAMPLE;
const DEMO = resolve("examples/demo/ei-small.net.json");
const OUTPUTS = SWEEP_OUTPUTS;
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-sweep-"));

const snapshot = sweepSnapshot;
const expectSame = expectSameFiles;

function codeOf(f: () => unknown): { code: string; field: string | undefined } {
  try {
    f();
  } catch (e) {
    if (e instanceof AerchipError) return { code: e.code, field: e.field };
    throw e;
  }
  throw new Error("expected an AerchipError");
}

const cfgText = (body: string): string => `model: ${JSON.stringify(DEMO)}\narch: loihi\n${body}`;
const fakeFile = join(tmpdir(), "sweep.yaml");

let first: { out: string; files: Map<string, Buffer>; summary: SweepSummary } | undefined;
async function firstSweep(): Promise<{ out: string; files: Map<string, Buffer>; summary: SweepSummary }> {
  if (first !== undefined) return first;
  const out = tmp();
  const summary = await sweepCommand(EXAMPLE, { out, quiet: true });
  first = { out, files: snapshot(out), summary };
  return first;
}

describe("aerchip sweep: weight bits 2..8 of ei-small on loihi", () => {
  it("writes one row per point with its parameters, in grid order, and the figure", async () => {
    const { out, summary } = await firstSweep();
    expect(summary).toMatchObject({ points: 7, resumed: 0, ran: 7, failed: 0, mode: "in-process" });
    const csv = readFileSync(join(out, "sweep.csv"), "utf8").trimEnd().split("\n").map((l) => l.split(","));
    expect(csv[0]).toEqual(SWEEP_CSV_COLUMNS);
    expect(csv).toHaveLength(8);
    const col = (name: string) => csv.slice(1).map((r) => r[csv[0].indexOf(name)]);
    expect(col("weight_bits")).toEqual(["2", "3", "4", "5", "6", "7", "8"]);
    expect(new Set(col("arch"))).toEqual(new Set(["loihi"]));
    expect(new Set(col("precision"))).toEqual(new Set(["fixed"]));
    expect(new Set(col("status"))).toEqual(new Set(["ok"]));
    for (const j of col("agreement_jaccard").map(Number)) expect(j >= 0 && j <= 1).toBe(true);
    for (const e of col("energy_total_pj").map(Number)) expect(e).toBeGreaterThan(0);
    expect(new Set(col("id")).size).toBe(7);
    // The weight bits reach the chip: fewer bits change the spikes (how is not asserted, only that they do).
    expect(new Set(col("agreement_jaccard")).size).toBeGreaterThan(1);

    const doc = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as { format: string; rows: PointRow[]; provenance: { inputs: Array<{ role: string; sha256: string }> } };
    expect(doc.format).toBe("aerchip-sweep");
    expect(doc.rows.map((r) => r.params.weightBits)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(doc.provenance.inputs.map((i) => i.role)).toEqual(["sweep", "model"]);
    expect(doc.provenance.inputs[1].sha256).toMatch(/^[0-9a-f]{64}$/);

    const md = readFileSync(join(out, "sweep.md"), "utf8");
    // The Chip column carries the override marker of each point's chip, as sweep.csv's chip (audit s23b #5).
    expect(new Set(col("chip"))).toEqual(new Set(["loihi*"]));
    const mdRows = md.split("\n").filter((l) => /^\| loihi\* /.test(l));
    expect(mdRows).toHaveLength(7);
    expect(readFileSync(join(out, "sweep.tex"), "utf8").split("\n").filter((l) => /^\s+loihi\* & /.test(l))).toHaveLength(7);
    // The spike column counts the input spikes too (sweep.csv `spikes`); agreement is over non-input populations.
    expect(md).toContain("| Spikes (incl. inputs) |");
    expect(mdRows.map((l) => l.split("|")[3].trim())).toEqual(["2", "3", "4", "5", "6", "7", "8"]);
    expect(readFileSync(join(out, "sweep.tex"), "utf8")).toMatch(/\\toprule[\s\S]*\\bottomrule/);
    const svg = readFileSync(join(out, "sweep.svg"), "utf8");
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain("Weight bits");
    expect(svg).toContain("Jaccard index");
    expect((svg.match(/class="mark-line/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });

  it("a point equals a direct run of the model on loihi with that many weight bits", async () => {
    const { out } = await firstSweep();
    const doc = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as { rows: PointRow[] };
    const row = doc.rows.find((r) => r.params.weightBits === 3) as PointRow;
    const spec = loadArch("loihi");
    const direct = compileAndRun({ ...spec, precision: { ...spec.precision, weightBits: 3 } }, loadModel(DEMO), {
      steps: 100, compile: { precision: "fixed", placement: "greedy", seed: 0 }, provenance: { aerchipVersion: "test", inputs: [], options: {} },
    });
    expect(row.spikes).toBe(direct.report.totals.counters.spikes);
    expect(row.energyPj?.total).toBe(direct.report.totals.energyPj.total);
    const shared = direct.report.precision?.agreementWithFloat.reduce((s, a) => s + a.shared, 0);
    expect(row.agreement?.shared).toBe(shared);
  });

  it("resumes a killed sweep and finishes with byte-identical outputs", async () => {
    const { out, files } = await firstSweep();
    const again = tmp();
    // What a kill after four points leaves: four point files, a temporary file, no tables.
    const points = readdirSync(join(out, "points")).sort();
    const dir = join(again, "points");
    mkdirSync(dir, { recursive: true });
    for (const f of points.slice(0, 4)) copyFileSync(join(out, "points", f), join(dir, f));
    writeFileSync(join(dir, `.${points[5]}.tmp-999-0`), "{\"format\":\"aerchip-sweep-po");
    // A damaged point file is computed again.
    writeFileSync(join(dir, points[6]), "{\"format\":");
    const summary = await sweepCommand(EXAMPLE, { out: again, quiet: true });
    expect(summary).toMatchObject({ points: 7, resumed: 4, ran: 3 });
    rmSync(join(dir, `.${points[5]}.tmp-999-0`));
    expectSame(files, snapshot(again));
    // Restarted once more with everything finished: nothing runs, the same bytes again.
    const idle = await sweepCommand(EXAMPLE, { out: again, quiet: true });
    expect(idle).toMatchObject({ resumed: 7, ran: 0 });
    expectSame(files, snapshot(again));
  });

  it("runs through the commander registration with --json", async () => {
    const { files } = await firstSweep();
    const out = tmp();
    const program = new Command().exitOverride();
    registerSweepCommand(program);
    const written: string[] = [];
    const ow = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string | Uint8Array) => { written.push(String(s)); return true; }) as typeof process.stdout.write;
    try {
      await program.parseAsync(["node", "aerchip", "sweep", EXAMPLE, "--out", out, "--threads", "2", "--json"]);
    } finally {
      process.stdout.write = ow;
    }
    const summary = JSON.parse(written.join("")) as SweepSummary;
    expect(summary.points).toBe(7);
    expect([...summary.files].sort()).toEqual(OUTPUTS.map((f) => join(out, f)).sort());
    expectSame(files, snapshot(out));
  });
});

/** dist/ is usable for the worker test when it holds the compiled sweep and is newer than every source file. */
function distFresh(): boolean {
  const worker = resolve("dist/cli/sweep/worker.js");
  if (!existsSync(worker)) return false;
  const built = statSync(worker).mtimeMs;
  for (const dir of ["core", "chip", "compiler", "cli"]) {
    for (const f of readdirSync(dir, { recursive: true }) as string[]) {
      if (f.endsWith(".ts") && statSync(join(dir, f)).mtimeMs > built) return false;
    }
  }
  return true;
}

describe.skipIf(!distFresh())(distFresh() ? "aerchip sweep on piscina worker threads (needs a fresh `npm run build`)" : "aerchip sweep on piscina worker threads (needs a fresh `npm run build`; skipped: dist/ missing or older than the sources)", () => {
  it("gives the same bytes as the in-process run", async () => {
    const { files } = await firstSweep();
    const mod = (await import(pathToFileURL(resolve("dist/cli/commands/sweep.js")).href)) as { sweepCommand: typeof sweepCommand };
    const out = tmp();
    const summary = await mod.sweepCommand(EXAMPLE, { out, quiet: true, threads: 2 });
    expect(summary).toMatchObject({ mode: "workers", threads: 2, ran: 7 });
    expectSame(files, snapshot(out));
  });

  it("a sweep killed with SIGKILL mid-run and restarted finishes with the same bytes", async () => {
    const { files } = await firstSweep();
    const out = tmp();
    const url = pathToFileURL(resolve("dist/cli/commands/sweep.js")).href;
    const child = spawn(process.execPath, ["--input-type=module", "-e", `const m = await import(${JSON.stringify(url)}); await m.sweepCommand(${JSON.stringify(EXAMPLE)}, { out: ${JSON.stringify(out)}, quiet: true, threads: 1 });`], { stdio: "ignore" });
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on("exit", (_code, signal) => res(signal)));
    const points = (): number => (existsSync(join(out, "points")) ? readdirSync(join(out, "points")).filter((f) => f.endsWith(".json")).length : 0);
    const deadline = Date.now() + 60_000;
    while (points() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const done = points();
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(7);
    expect(existsSync(join(out, "sweep.csv"))).toBe(false);
    // Restarted (here in-process from source): only the missing points run.
    const summary = await sweepCommand(EXAMPLE, { out, quiet: true });
    expect(summary).toMatchObject({ resumed: done, ran: 7 - done });
    for (const f of readdirSync(join(out, "points"))) if (f.startsWith(".")) rmSync(join(out, "points", f));
    expectSame(files, snapshot(out));
  });
});

describe("sweep grid", () => {
  it("is the Cartesian product in a fixed order, with stable ids, float points once", () => {
    const cfg = parseSweepConfig(cfgText("seed: [1, 0]\nprecision: [fixed, float]\nweightBits: [4, 2]\n"), fakeFile);
    const grid = buildGrid(cfg);
    expect(grid.tasks.map((t) => [t.params.seed, t.params.precision, t.params.weightBits])).toEqual([
      [1, "fixed", 4], [1, "fixed", 2], [1, "float", null], [0, "fixed", 4], [0, "fixed", 2], [0, "float", null],
    ]);
    expect(cfg.swept).toEqual(["seed", "precision", "weightBits"]);
    // Ids depend on the parameters and the model's bytes only.
    const again = buildGrid(parseSweepConfig(cfgText("weightBits: [2, 4]\nprecision: [float, fixed]\nseed: [0, 1]\n"), join(tmpdir(), "other.yaml")));
    const byParams = (g: typeof grid) => new Map(g.tasks.map((t) => [JSON.stringify(t.params), t.id]));
    expect(byParams(again)).toEqual(byParams(grid));
    for (const t of grid.tasks) expect(t.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it("reads ranges and defaults weightBits sweeps to fixed precision", () => {
    const cfg = parseSweepConfig(cfgText("weightBits: {from: 2, to: 8, step: 3}\ncoreNeurons: 64\n"), fakeFile);
    expect(cfg.axes.weightBits).toEqual([2, 5, 8]);
    expect(cfg.axes.precision).toEqual(["fixed"]);
    expect(cfg.axes.coreNeurons).toEqual([64]);
    expect(cfg.swept).toEqual(["weightBits"]);
  });

  it("rejects bad sweep files with E_SWEEP_* codes naming the field", () => {
    const bad = (body: string) => codeOf(() => parseSweepConfig(cfgText(body), fakeFile));
    expect(bad("voltageBits: [2, 3]\n")).toEqual({ code: "E_SWEEP_FIELD", field: "voltageBits" });
    expect(bad("weightBits: [2, 40]\n")).toEqual({ code: "E_SWEEP_FIELD", field: "weightBits[1]" });
    expect(bad("weightBits: {from: 8, to: 2}\n")).toEqual({ code: "E_SWEEP_FIELD", field: "weightBits" });
    expect(bad("weightBits: {from: 2, upto: 8}\n")).toEqual({ code: "E_SWEEP_FIELD", field: "weightBits.upto" });
    expect(bad("weightBits: [2, 2]\n")).toEqual({ code: "E_SWEEP_FIELD", field: "weightBits[1]" });
    expect(bad("weightBits: [2, 3]\nprecision: float\n")).toEqual({ code: "E_SWEEP_FIELD", field: "precision" });
    expect(bad("placement: [greedy, best]\n")).toEqual({ code: "E_SWEEP_FIELD", field: "placement[1]" });
    expect(bad("seed: []\n")).toEqual({ code: "E_SWEEP_FIELD", field: "seed" });
    expect(bad("steps: -1\n")).toEqual({ code: "E_SWEEP_FIELD", field: "steps" });
    expect(bad("coreNeurons: {from: 1, to: 100000}\n").code).toBe("E_SWEEP_FIELD");
    expect(bad("seed: {from: 0, to: 999}\nweightBits: {from: 1, to: 32}\n").code).toBe("E_SWEEP_TOO_LARGE");
    expect(codeOf(() => parseSweepConfig("arch: loihi\n", fakeFile))).toEqual({ code: "E_SWEEP_MISSING", field: "model" });
    expect(codeOf(() => parseSweepConfig(`model: ${JSON.stringify(DEMO)}\n`, fakeFile))).toEqual({ code: "E_SWEEP_MISSING", field: "arch" });
    expect(codeOf(() => parseSweepConfig("model: nowhere.json\narch: loihi\n", fakeFile))).toEqual({ code: "E_SWEEP_NOT_FOUND", field: "model" });
    expect(codeOf(() => parseSweepConfig("- model\n- arch\n", fakeFile)).code).toBe("E_SWEEP_PARSE");
    expect(codeOf(() => parseSweepConfig("model: [unclosed\n", fakeFile)).code).toBe("E_SWEEP_PARSE");
    expect(codeOf(() => parseSweepConfig(cfgText("seed: 1\nseed: 2\n"), fakeFile)).code).toBe("E_SWEEP_PARSE");
  });

  it("refuses an arch that names no chip or an invalid spec file when the file is read, and writes nothing (audit s22b #5)", async () => {
    const dir = tmp();
    const spec = JSON.parse(readFileSync(resolve("chip/spec/presets/generic.json"), "utf8")) as { costs: { energyNeuronUpdatePj: { value: number } } };
    spec.costs.energyNeuronUpdatePj.value = -1;
    writeFileSync(join(dir, "negcost.json"), JSON.stringify(spec));
    const file = join(dir, "sweep.yaml");
    const body = (arch: string) => `model: ${JSON.stringify(DEMO)}\narch: ${arch}\nsteps: 5\n`;
    expect(codeOf(() => parseSweepConfig(body("[loihi, lohi]"), file))).toEqual({ code: "E_SPEC_NOT_FOUND", field: "arch[1]" });
    expect(codeOf(() => parseSweepConfig(body("nope"), file))).toEqual({ code: "E_SPEC_NOT_FOUND", field: "arch" });
    expect(codeOf(() => parseSweepConfig(body("[loihi, negcost.json]"), file))).toEqual({ code: "E_SPEC_COST_INVALID", field: "arch[1]" });
    expect(codeOf(() => parseSweepConfig(body("[loihi, missing/chip.json]"), file))).toEqual({ code: "E_SPEC_NOT_FOUND", field: "arch[1]" });
    // Through the command: exit-1 error before any point runs, and no output directory.
    writeFileSync(file, body("[loihi, lohi]"));
    const out = join(dir, "out");
    await expect(sweepCommand(file, { out, quiet: true })).rejects.toMatchObject({ code: "E_SPEC_NOT_FOUND", field: "arch[1]", file });
    expect(existsSync(out)).toBe(false);
    // A spec file valid on its own (relative to the sweep file) is accepted.
    spec.costs.energyNeuronUpdatePj.value = 1;
    writeFileSync(join(dir, "ok.json"), JSON.stringify(spec));
    expect(parseSweepConfig(body("[loihi, ok.json]"), file).axes.arch).toEqual(["loihi", "ok.json"]);
  });

  it("refuses tickUs without an input file, as run refuses --tick-us (audit s22b #7)", () => {
    expect(codeOf(() => parseSweepConfig(cfgText("tickUs: 1000\n"), fakeFile))).toEqual({ code: "E_SWEEP_FIELD", field: "tickUs" });
  });

  it("refuses an alias bomb without expanding it", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let k = 1; k < 12; k++) lines.push(`${String.fromCharCode(97 + k)}: &${String.fromCharCode(97 + k)} [${Array(10).fill(`*${String.fromCharCode(96 + k)}`).join(", ")}]`);
    const text = `${cfgText("")}${lines.join("\n")}\n`;
    const t0 = performance.now();
    let err: unknown;
    try { parseSweepConfig(text, fakeFile); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(AerchipError);
    expect((err as AerchipError).code).toBe("E_SWEEP_PARSE");
    expect((err as AerchipError).message).toMatch(/alias/i);
    expect(performance.now() - t0).toBeLessThan(2000);
    // A few aliases are fine.
    expect(parseSweepConfig(cfgText("seed: &s [0, 1]\nweightBits: [2, 3]\n"), fakeFile).axes.seed).toEqual([0, 1]);
  });

  it("a point that does not fit is a row with its error code", async () => {
    const dir = tmp();
    const file = join(dir, "fit.yaml");
    writeFileSync(file, `model: ${JSON.stringify(DEMO)}\narch: loihi\nsteps: 20\nmeshWidth: 1\nmeshHeight: 1\ncoreNeurons: [64, 256]\n`);
    const summary = await sweepCommand(file, { out: join(dir, "out"), quiet: true });
    expect(summary).toMatchObject({ points: 2, failed: 1 });
    const doc = JSON.parse(readFileSync(join(dir, "out", "sweep.json"), "utf8")) as { rows: PointRow[] };
    expect(doc.rows[0].params.coreNeurons).toBe(64);
    expect(doc.rows[0].status).toMatch(/^E_/);
    expect(doc.rows[0].energyPj).toBeNull();
    expect(doc.rows[1].status).toBe("ok");
    expect(doc.rows[1].coresUsed).toBeLessThanOrEqual(4);
    expect(readFileSync(join(dir, "out", "sweep.csv"), "utf8").split("\n")[1]).toContain(doc.rows[0].status);
  });
});
