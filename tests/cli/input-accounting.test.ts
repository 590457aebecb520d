/**
 * Input event accounting (cli/input-accounting.ts, audit s19 B8): `run --input EVENTS` reports the events
 * read, dropped by the transforms, outside the ticks, binned, the input spikes and the events merged (an
 * input neuron emits at most one spike per tick) in report.json's `input`, the summary and the rendered
 * report, and warns W_EVENTS_MERGED when more than 10 % of the binned events merged. A dense spike tensor
 * reports its spikes only. `evaluate` gives the counts per sample (dataset.json, samples.csv), summed
 * (summary.inputEvents, dataset.md) and one W_EVENTS_MERGED for the data set. Counts of the small fixture are worked out by hand below; the N-MNIST figures
 * were checked with an independent numpy binning of the file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy, writeIf4Nir } from "../helpers/nir-dataset.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import { runReportSchema } from "../../chip/report/formats/json-schema.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-input-accounting-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const IF4 = join(TMP, "if4.nir");
const IF2 = join(TMP, "if2.nir");
const EVENTS = join(TMP, "ev.csv");

// Two pixels (x 0, 1; y 0) × two polarities: a flat input of 4 (docs/events.md). At 1 ms ticks:
//   tick 0: (x0, p1) at 100 and 300 µs → one spike, one event merged; (x0, p0) at 500; (x1, p1) at 900
//   tick 1: (x1, p1) at 1500; (x0, p1) at 1999        tick 2: (x0, p1) at 2100
// 7 events → 6 spikes, 1 merged (14.3 % of those binned: over the 10 % line).
const CSV = "x,y,t,p\n0,0,100,1\n0,0,300,1\n0,0,500,0\n1,0,900,1\n1,0,1500,1\n0,0,1999,1\n0,0,2100,1\n";

beforeAll(async () => {
  await writeIf4Nir(IF4);
  const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
  await writeH5(IF2, nirFile({
    input: { type: "Input", shape: [2n] },
    fc: { type: "Linear", weight: { f32: [2, 0, 0, 2], shape: [2, 2] } },
    lif: { type: "IF", r: [1, 1], v_threshold: [1, 1] },
    output: { type: "Output", shape: [2n] },
  }, [["input", "fc"], ["fc", "lif"], ["lif", "output"]]));
  writeFileSync(EVENTS, CSV);
});

const report = (out: string): RunReport => JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;
const counts = (r: RunReport): unknown => {
  const { warnings: _w, ...rest } = r.input!;
  return rest;
};

describe("run --input: events read, dropped, binned, merged", () => {
  it("1 ms ticks: 7 events → 6 spikes, 1 merged; W_EVENTS_MERGED on stderr, in input.warnings and nir.warnings; the summary line", async () => {
    const out = join(TMP, "t1000");
    const r = await cli("run", IF4, "--input", EVENTS, "--tick-us", "1000", "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const rep = report(out);
    expect(counts(rep)).toEqual({ kind: "events", eventsRead: 7, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 7, spikes: 6, eventsMerged: 1 });
    // The input population's spikes are the ones counted.
    expect(rep.perPopulation.find((p) => p.kind === "input")!.spikes).toBe(6);
    expect(r.stderr).toMatch(/W_EVENTS_MERGED: 1 of the 7 events binned \(14\.3 %\)/);
    expect(r.stderr).toMatch(/hint: use a smaller --tick-us than 1000/);
    expect(rep.input!.warnings).toHaveLength(1);
    expect(rep.input!.warnings[0]).toMatch(/^W_EVENTS_MERGED: /);
    expect(rep.nir!.warnings.filter((w) => w.startsWith("W_EVENTS_MERGED"))).toHaveLength(1);
    expect(r.stdout).toMatch(/^input: 7 events read → 6 spikes \(1 event merged, 14\.3 %/m);
    expect(runReportSchema.safeParse(rep).success).toBe(true);
  });

  it("--steps 2 of the input's 3 ticks: the spikes of tick 2 are counted and said to be outside the run's steps (audit-s19 F7)", async () => {
    const out = join(TMP, "steps2");
    const r = await cli("run", IF4, "--input", EVENTS, "--tick-us", "1000", "--steps", "2", "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const rep = report(out);
    // Tick 2 holds one spike, (x0, p1) at 2100 µs.
    expect(counts(rep)).toMatchObject({ spikes: 6, spikesAfterSteps: 1 });
    expect(r.stdout).toMatch(/; 1 of the spikes at or after --steps 2, outside the steps the run covers$/m);
    expect(runReportSchema.safeParse(rep).success).toBe(true);
    // Without --steps the field is absent (reports keep their bytes).
    expect(report(join(TMP, "t1000")).input!.spikesAfterSteps).toBeUndefined();
  });

  it("0.2 ms ticks: no two events share a tick and input neuron, so none merge and nothing is warned", async () => {
    const out = join(TMP, "t200");
    const r = await cli("run", IF4, "--input", EVENTS, "--tick-us", "200", "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(counts(report(out))).toEqual({ kind: "events", eventsRead: 7, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 7, spikes: 7, eventsMerged: 0 });
    expect(report(out).input!.warnings).toEqual([]);
    expect(r.stderr).not.toMatch(/W_EVENTS_MERGED/);
  });

  it("--time-bins 2 --time-bins-rule tonic: the last event is past the last bin (outside), apart from the merged one", async () => {
    // Window ⌊(2100 − 100) / 2⌋ = 1000 µs from 100: bin 0 holds 100…900 (x0 p1 twice), bin 1 1500, 1999; 2100 is bin 2: dropped.
    const out = join(TMP, "bins");
    const r = await cli("run", IF4, "--input", EVENTS, "--time-bins", "2", "--time-bins-rule", "tonic", "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(counts(report(out))).toEqual({ kind: "events", eventsRead: 7, eventsDroppedByTransforms: 0, eventsOutsideTicks: 1, eventsBinned: 6, spikes: 5, eventsMerged: 1 });
    expect(r.stderr).toMatch(/W_EVENTS_MERGED: 1 of the 6 events binned \(16\.7 %\)[^\n]*\[file: [^\]]*field: --time-bins\]\n {2}hint: use more --time-bins than 2/);
    expect(r.stdout).toMatch(/^input: 7 events read \(1 outside the ticks; 6 binned\) → 5 spikes/m);
  });

  it("--polarity 1 drops the other polarity's event before binning (a separate count from the merged ones)", async () => {
    const out = join(TMP, "pol");
    const r = await cli("run", IF2, "--input", EVENTS, "--polarity", "1", "--tick-us", "1000", "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(counts(report(out))).toEqual({ kind: "events", eventsRead: 7, eventsDroppedByTransforms: 1, eventsOutsideTicks: 0, eventsBinned: 6, spikes: 5, eventsMerged: 1 });
  });

  it("a dense spike tensor has no events: spikes only, no warning", async () => {
    const npy = join(TMP, "dense.npy");
    spikesNpy(npy, 3, 4, [[0, 1], [0, 2], [2, 1]]);
    const out = join(TMP, "dense");
    const r = await cli("run", IF4, "--input", npy, "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(report(out).input).toEqual({ kind: "spike-tensor", spikes: 3, warnings: [] });
    expect(r.stdout).toMatch(/^input: 3 spikes \(a spike tensor\)$/m);
  });

  it("a chip program run reports the same section; --quiet keeps the warning off stderr but in the report", async () => {
    const prog = join(TMP, "prog");
    let r = await cli("compile", IF4, "--arch", "generic", "--out", prog);
    expect(r.code, r.stderr).toBe(0);
    const out = join(TMP, "prog-run");
    r = await cli("run", join(prog, "program.aerprog"), "--input", EVENTS, "--tick-us", "1000", "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(counts(report(out))).toEqual({ kind: "events", eventsRead: 7, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 7, spikes: 6, eventsMerged: 1 });
    expect(report(out).input!.warnings[0]).toMatch(/^W_EVENTS_MERGED/);
  });

  it("the Markdown report has the input table; rerun is byte-identical", async () => {
    const out = join(TMP, "t1000");
    const md = await cli("report", join(out, "report.json"), "--format", "md");
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toMatch(/\| Events read \| 7 \| 100\.0% \|/);
    expect(md.stdout).toMatch(/\| Merged \(an input neuron already had its spike in that tick\) \| 1 \| 14\.3% \|/);
    expect(md.stdout).toMatch(/\| Input spikes \| 6 \| – \|/);
    const re = await cli("rerun", join(out, "report.json"), "--out", join(TMP, "t1000-re"));
    expect(re.code, re.stderr).toBe(0);
    expect(readFileSync(join(TMP, "t1000-re", "report.json"), "utf8")).toBe(readFileSync(join(out, "report.json"), "utf8"));
  });
});

describe.skipIf(!HAS_SHARED)(`N-MNIST sample: events merged at 10 bins and at 1 ms ${SKIP_MSG}`, () => {
  const nir = (): string => sharedPath("fixtures/nir/paper_cnn/cnn_sinabs.nir");
  const bin = (): string => sharedPath("fixtures/events/sample_nmnist.bin");
  it("--time-bins 10: 4,325 events → 1,899 spikes, 2,426 merged (warned); --tick-us 1000: 4,318 spikes, 7 merged (not warned)", async () => {
    const tb = join(TMP, "nm-tb10");
    let r = await cli("run", nir(), "--input", bin(), "--time-bins", "10", "--arch", "loihi", "--out", tb);
    expect(r.code, r.stderr).toBe(0);
    expect(counts(report(tb))).toEqual({ kind: "events", eventsRead: 4325, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 4325, spikes: 1899, eventsMerged: 2426 });
    expect(r.stderr).toMatch(/W_EVENTS_MERGED: 2,426 of the 4,325 events binned \(56\.1 %\)/);
    const ms = join(TMP, "nm-1ms");
    r = await cli("run", nir(), "--input", bin(), "--tick-us", "1000", "--arch", "loihi", "--out", ms);
    expect(r.code, r.stderr).toBe(0);
    expect(counts(report(ms))).toEqual({ kind: "events", eventsRead: 4325, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 4325, spikes: 4318, eventsMerged: 7 });
    expect(r.stderr).not.toMatch(/W_EVENTS_MERGED/);
  });

  it("evaluate --time-bins 10 over the sample: the same counts in its row and the summary, and the warning", async () => {
    const dir = join(TMP, "nm-data");
    mkdirSync(join(dir, "4"), { recursive: true });
    writeFileSync(join(dir, "4", "a.bin"), readFileSync(bin()));
    const out = join(TMP, "nm-eval");
    const r = await cli("evaluate", nir(), "--input", dir, "--time-bins", "10", "--arch", "loihi", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;
    expect(d.samples[0].inputEvents).toEqual({ eventsRead: 4325, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 4325, spikes: 1899, eventsMerged: 2426 });
    expect(d.summary.inputEvents).toEqual({ samples: 1, ...d.samples[0].inputEvents });
    expect(d.warnings!.filter((w) => w.startsWith("W_EVENTS_MERGED"))).toHaveLength(1);
  });
});

describe("evaluate: per sample and summed, one data-set warning", () => {
  // 1/a.csv: the 7 events above (6 spikes, 1 merged); 0/b.csv: 3 events on distinct ticks (3 spikes); 2/c.npy: a dense tensor.
  const make = (name: string, withB: boolean): string => {
    const dir = join(TMP, name);
    mkdirSync(join(dir, "1"), { recursive: true });
    writeFileSync(join(dir, "1", "a.csv"), CSV);
    if (withB) {
      mkdirSync(join(dir, "0"), { recursive: true });
      writeFileSync(join(dir, "0", "b.csv"), "x,y,t,p\n0,0,100,1\n1,0,1100,0\n1,0,2100,1\n");
      mkdirSync(join(dir, "2"), { recursive: true });
      spikesNpy(join(dir, "2", "c.npy"), 3, 4, [[0, 1], [1, 2]]);
    }
    return dir;
  };

  it("dataset.json rows and summary, samples.csv columns, dataset.md row; 1 merged of 10 binned (10 %) is not over the line; rerun is byte-identical", async () => {
    const out = join(TMP, "eval-mixed");
    const r = await cli("evaluate", IF4, "--input", make("data-mixed", true), "--tick-us", "1000", "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/W_EVENTS_MERGED/);
    const d = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;
    const byId = new Map(d.samples.map((s) => [s.id, s]));
    expect(byId.get("1/a.csv")!.inputEvents).toEqual({ eventsRead: 7, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 7, spikes: 6, eventsMerged: 1 });
    expect(byId.get("0/b.csv")!.inputEvents).toEqual({ eventsRead: 3, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 3, spikes: 3, eventsMerged: 0 });
    expect(byId.get("2/c.npy")!.inputEvents).toBeUndefined();
    expect(d.summary.inputEvents).toEqual({ samples: 2, eventsRead: 10, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 10, spikes: 9, eventsMerged: 1 });
    expect(d.warnings ?? []).toEqual([]);
    const csv = readFileSync(join(out, "samples.csv"), "utf8").trimEnd().split("\n").map((l) => l.split(","));
    const col = (name: string): number => csv[0].indexOf(name);
    const row = (id: string): string[] => csv.find((l) => l[col("sample")] === id)!;
    expect(["events_read", "events_dropped_by_transforms", "events_outside_ticks", "events_merged"].map((c) => row("1/a.csv")[col(c)])).toEqual(["7", "0", "0", "1"]);
    expect(["events_read", "events_merged"].map((c) => row("2/c.npy")[col(c)])).toEqual(["", ""]);
    expect(readFileSync(join(out, "dataset.md"), "utf8")).toMatch(/\| Input events \| 10 events read over 2 samples, 10 binned → 9 input spikes; 1 event merged \(10\.0 % of those binned\)/);
    const re = await cli("rerun", join(out, "dataset.json"), "--out", join(TMP, "eval-mixed-re"));
    expect(re.code, re.stderr).toBe(0);
    expect(readFileSync(join(TMP, "eval-mixed-re", "dataset.json"), "utf8")).toBe(readFileSync(join(out, "dataset.json"), "utf8"));
  });

  it("one event sample with 14.3 % merged: W_EVENTS_MERGED once, on stderr and in dataset.json's warnings", async () => {
    const out = join(TMP, "eval-one");
    const r = await cli("evaluate", IF4, "--input", make("data-one", false), "--tick-us", "1000", "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/W_EVENTS_MERGED/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/W_EVENTS_MERGED: 1 of the 7 events binned over the 1 event sample \(14\.3 %\)/);
    const d = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;
    expect(d.warnings!.filter((w) => w.startsWith("W_EVENTS_MERGED"))).toHaveLength(1);
  });
});

describe("compare: every chip's report.json has the input section; the note says it once", () => {
  it("the counts in compare.md's input note, W_EVENTS_MERGED once on stderr", async () => {
    const out = join(TMP, "cmp");
    const r = await cli("compare", IF4, "--input", EVENTS, "--tick-us", "1000", "--arch", "generic,loihi", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    for (const chip of ["generic", "loihi"]) expect(counts(report(join(out, chip)))).toEqual({ kind: "events", eventsRead: 7, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 7, spikes: 6, eventsMerged: 1 });
    expect(readFileSync(join(out, "compare.md"), "utf8")).toMatch(/Input: ev\.csv, 7 events read → 6 input spikes \(1 merged\)\./);
    expect(r.stderr.match(/W_EVENTS_MERGED/g)).toHaveLength(1);
  });
});

describe("sweep with an event input: the input's counts once, in sweep.json, the table's note and a warning", () => {
  it("7 events → 6 spikes, 1 merged for every point; W_EVENTS_MERGED on stderr; a sweep without input has no section", async () => {
    const sw = join(TMP, "sweep.yaml");
    writeFileSync(sw, `model: ${IF4}\ninput: ${EVENTS}\ntickUs: 1000\narch: [generic, loihi]\n`);
    const out = join(TMP, "sweep-out");
    const r = await cli("sweep", sw, "--out", out, "--threads", "1");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as { input?: RunReport["input"]; rows: Array<{ spikes: number }> };
    const { warnings, ...rest } = doc.input!;
    expect(rest).toEqual({ kind: "events", eventsRead: 7, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 7, spikes: 6, eventsMerged: 1 });
    expect(warnings).toHaveLength(1);
    expect(r.stderr).toMatch(/W_EVENTS_MERGED: 1 of the 7 events binned \(14\.3 %\)/);
    expect(readFileSync(join(out, "sweep.md"), "utf8")).toMatch(/Every point's input: 7 events read → 6 spikes \(1 event merged, 14\.3 %/);
    // The same run as `run`: its report's input section.
    const one = join(TMP, "sweep-run");
    expect((await cli("run", IF4, "--input", EVENTS, "--tick-us", "1000", "--arch", "generic", "--out", one, "--quiet")).code).toBe(0);
    expect(doc.input).toEqual(report(one).input);
    const quiet = await cli("sweep", sw, "--out", join(TMP, "sweep-quiet"), "--threads", "1", "--quiet");
    expect(quiet.stderr).not.toMatch(/W_EVENTS_MERGED/);
    // A JSON model (its own spikes): no input section.
    const sw2 = join(TMP, "sweep2.yaml");
    writeFileSync(sw2, `model: ${join(process.cwd(), "examples/demo/ei-small.net.json")}\narch: generic\nsteps: 20\n`);
    const r2 = await cli("sweep", sw2, "--out", join(TMP, "sweep2-out"), "--threads", "1", "--quiet");
    expect(r2.code, r2.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(TMP, "sweep2-out", "sweep.json"), "utf8")).input).toBeUndefined();
  });
});

describe("sweep over a JSON model with an input file (its input population's spikes replaced, as run --input)", () => {
  it("each point equals `run MODEL.json --input FILE` on its chip; inputPopulation is checked", async () => {
    const model = join(TMP, "two-in.model.json");
    writeFileSync(model, JSON.stringify({
      format: "aerchip-model-1", name: "two-in", steps: 2,
      populations: [{ name: "a", kind: "input", size: 3, spikes: [] }, { name: "b", kind: "input", size: 3, spikes: [] }, { name: "out", kind: "neuron", size: 3, vThreshold: 0.5 }],
      projections: [{ pre: "a", post: "out", dense: { weights: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] } }, { pre: "b", post: "out", dense: { weights: [[0.2, 0, 0], [0, 0.2, 0], [0, 0, 0.2]] } }],
    }));
    const npy = join(TMP, "two-in.npy");
    spikesNpy(npy, 4, 3, [[0, 0], [1, 1], [2, 2], [3, 0]]);
    const sw = join(TMP, "sweep-json.yaml");
    writeFileSync(sw, `model: ${model}\ninput: ${npy}\ninputPopulation: a\narch: [generic, loihi]\n`);
    const out = join(TMP, "sweep-json-out");
    const r = await cli("sweep", sw, "--out", out, "--threads", "1", "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as { rows: Array<{ params: { arch: string }; spikes: number; synOps: number; steps: number; energyPj: { total: number } }>; input: unknown };
    expect(doc.input).toEqual({ kind: "spike-tensor", spikes: 4, warnings: [] });
    // Recorded and said (audit s20c F5, F6): the ticks are the input's, and the population it drives.
    expect((doc as unknown as { settings: { inputPopulation: string } }).settings.inputPopulation).toBe("a");
    expect(readFileSync(join(out, "sweep.md"), "utf8")).toMatch(/The input's number of ticks per point, .*input population a driven by the input/);
    for (const row of doc.rows) {
      const one = join(TMP, `sweep-json-run-${row.params.arch}`);
      const rr = await cli("run", model, "--input", npy, "--input-population", "a", "--arch", row.params.arch, "--out", one, "--quiet");
      expect(rr.code, rr.stderr).toBe(0);
      const rep = report(one);
      expect(row.steps).toBe(4);
      expect([row.spikes, row.synOps, row.energyPj.total]).toEqual([rep.totals.counters.spikes, rep.totals.counters.synOps, rep.totals.energyPj.total]);
    }
    // Two input populations and no inputPopulation: the run's usage error, as a failed point each.
    writeFileSync(sw, `model: ${model}\ninput: ${npy}\narch: generic\n`);
    const amb = await cli("sweep", sw, "--out", join(TMP, "sweep-json-amb"), "--threads", "1", "--quiet");
    expect(amb.code).toBe(1);
    expect(amb.stderr).toMatch(/E_SWEEP_FIELD: inputPopulation: the model .* has 2 input populations/);
    // inputPopulation without input is refused when the sweep file is read.
    writeFileSync(sw, `model: ${model}\ninputPopulation: a\narch: generic\n`);
    const noInput = await cli("sweep", sw, "--out", join(TMP, "sweep-json-no"), "--threads", "1");
    expect(noInput.code).not.toBe(0);
    expect(noInput.stderr).toMatch(/E_SWEEP_FIELD.*inputPopulation/);
  });
});
