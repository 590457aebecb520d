/**
 * `--input-counts` (cli/input-counts.ts, audit s19 G6): every event of an --input is delivered, an input neuron
 * with c events in one tick firing c times, as a tonic ToFrame count frame carries c. Worked by hand on a
 * one-synapse model (w = 0.5 into a non-spiking readout with voltageDecay 1, currentDecay 0): 3 events of one
 * pixel in tick 0 give v = 3·w = 1.5 from tick 1 on and 3 synaptic ops and 3 packets with the option, and
 * v = w = 0.5, one op and one packet without (the 3 events merge into one spike). A dense count tensor's 3 is 3
 * spikes (refused without the option: spike tensors hold 0 or 1). On ../shared: the N-MNIST sample through the
 * sinabs CNN at --time-bins 10 delivers all 4,325 events as input spikes (1,899 without), --threads 2 gives
 * the same outputs as --threads 1, and `rerun` reproduces the report.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";
import { readNpy, writeNpy } from "../../core/io/npy.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import { runReportSchema } from "../../chip/report/formats/json-schema.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-input-counts-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const MODEL = join(TMP, "one.json");
writeFileSync(MODEL, JSON.stringify({
  format: "aerchip-model-1", name: "one", steps: 3,
  populations: [
    { name: "in", kind: "input", size: 1 },
    { name: "out", kind: "neuron", size: 1, spiking: false, voltageDecay: 1 },
  ],
  projections: [{ name: "in_out", pre: "in", post: "out", dense: { weights: [[0.5]], delays: 1 } }],
}));
// Three events of pixel (0, 0), polarity 1, all in tick 0 at 1 ms ticks.
const EVENTS = join(TMP, "three.csv");
writeFileSync(EVENTS, "x,y,t,p\n0,0,100,1\n0,0,200,1\n0,0,300,1\n");
// A 1 × [1] count tensor holding 3.
const COUNTS = join(TMP, "three.npy");
writeFileSync(COUNTS, writeNpy(new Float64Array([3]), [1, 1]));

const report = (out: string): RunReport => JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;
const potential = (out: string): number[] => {
  const a = readNpy(readFileSync(join(out, "out.v.npy")), "out.v.npy");
  if (a.kind !== "plain") throw new Error("out.v.npy is not a plain array");
  return Array.from(a.data as Float64Array);
};

async function runOne(name: string, input: string, ...extra: string[]): Promise<{ code: number; stderr: string; out: string }> {
  const out = join(TMP, name);
  const r = await cli("run", MODEL, "--input", input, "--steps", "3", "--arch", "loihi", "--out", out, "--quiet", ...extra);
  return { code: r.code, stderr: r.stderr, out };
}

describe("run --input-counts: 3 events of one pixel in one tick", () => {
  // One core holds both neurons (a `generic` core); --core-neurons 1 puts the input on a core of its own.
  for (const layout of [[], ["--core-neurons", "1"]]) {
    it(`deliver 3·w, 3 synaptic ops and 3 packets (w, 1 and 1 without the option) ${layout.length === 0 ? "(input on a mixed core)" : "(input core)"}`, async () => {
      const tag = layout.length === 0 ? "mixed" : "own";
      const once = await runOne(`once-${tag}`, EVENTS, ...layout);
      expect(once.code, once.stderr).toBe(0);
      expect(potential(once.out)).toEqual([0, 0.5, 0.5]);
      const o = report(once.out);
      expect(o.totals.counters.synOps).toBe(1);
      expect(o.totals.counters.packetsOut).toBe(1);
      expect(o.input).toMatchObject({ spikes: 1, eventsMerged: 2 });
      expect(o.input!.inputCounts).toBeUndefined();

      const every = await runOne(`every-${tag}`, EVENTS, "--input-counts", ...layout);
      expect(every.code, every.stderr).toBe(0);
      expect(potential(every.out)).toEqual([0, 1.5, 1.5]);
      const e = report(every.out);
      expect(e.totals.counters.synOps).toBe(3);
      expect(e.totals.counters.packetsOut).toBe(3);
      expect(e.perPopulation.find((p) => p.name === "in")!.spikes).toBe(3);
      expect(e.input).toMatchObject({ kind: "events", eventsRead: 3, eventsBinned: 3, spikes: 3, eventsMerged: 0, inputCounts: true, warnings: [] });
      expect(every.stderr).not.toMatch(/W_EVENTS_MERGED/);
      // The tick's spikes count each delivered input spike (spikes.json lists no input population).
      expect(e.perTick.spikes[0]).toBe(3);
      expect(e.provenance.options.inputCounts).toBe(true);
      expect(runReportSchema.safeParse(e).success).toBe(true);
      expect(o.provenance.options.inputCounts).toBeUndefined();
    });
  }

  it("a dense count tensor: 3 at (0, 0) is 3 spikes with the option, refused without (E_EVENTS_RANGE)", async () => {
    const every = await runOne("dense-every", COUNTS, "--input-counts");
    expect(every.code, every.stderr).toBe(0);
    expect(potential(every.out)).toEqual([0, 1.5, 1.5]);
    expect(report(every.out).input).toMatchObject({ kind: "spike-tensor", spikes: 3, inputCounts: true });
    const refused = await runOne("dense-once", COUNTS);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/E_EVENTS_RANGE/);
  });

  it("is refused where no --input is read (a JSON model without --input: E_CLI_OPTION, exit 2)", async () => {
    const r = await cli("run", MODEL, "--arch", "loihi", "--out", join(TMP, "no-input"), "--quiet", "--input-counts");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CLI_OPTION/);
    expect(r.stderr).toMatch(/--input-counts/);
  });

  it("a compiled program's run delivers them too (3 synaptic ops)", async () => {
    const prog = join(TMP, "prog");
    const c = await cli("compile", MODEL, "--arch", "loihi", "--out", prog, "--quiet");
    expect(c.code, c.stderr).toBe(0);
    const out = join(TMP, "prog-run");
    const r = await cli("run", join(prog, "program.aerprog"), "--input", EVENTS, "--input-counts", "--steps", "3", "--arch", "loihi", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(report(out).totals.counters.synOps).toBe(3);
    expect(report(out).input).toMatchObject({ spikes: 3, inputCounts: true });
  });

  it("rerun reproduces a run with --input-counts", async () => {
    const every = await runOne("rerun-src", EVENTS, "--input-counts");
    expect(every.code, every.stderr).toBe(0);
    const r = await cli("rerun", join(every.out, "report.json"), "--out", join(TMP, "rerun-out"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(TMP, "rerun-out", "report.json"), "utf8")).toBe(readFileSync(join(every.out, "report.json"), "utf8"));
  });
});

describe("evaluate --input-counts: each sample's events all delivered", () => {
  it("a data set of the 3-event file: 3 input spikes and 3 synaptic ops per sample (1 and 1 without); --jobs 2 the same; rerun reproduces dataset.json", async () => {
    const data = join(TMP, "data");
    mkdirSync(join(data, "0"), { recursive: true });
    for (const f of ["a.csv", "b.csv"]) writeFileSync(join(data, "0", f), readFileSync(EVENTS));
    const evaluate = (name: string, ...extra: string[]) => cli("evaluate", MODEL, "--input", data, "--tick-us", "1000", "--steps", "3", "--arch", "loihi", "--out", join(TMP, name), "--quiet", ...extra);
    const doc = (name: string): DatasetDocument => JSON.parse(readFileSync(join(TMP, name, "dataset.json"), "utf8")) as DatasetDocument;
    let r = await evaluate("ev-once");
    expect(r.code, r.stderr).toBe(0);
    expect(doc("ev-once").samples.map((x) => [x.inputSpikes, x.synOps])).toEqual([[1, 1], [1, 1]]);
    r = await evaluate("ev-every", "--input-counts");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/W_EVENTS_MERGED/);
    const every = doc("ev-every");
    expect(every.samples.map((x) => [x.inputSpikes, x.synOps, x.inputEvents?.eventsMerged])).toEqual([[3, 3, 0], [3, 3, 0]]);
    expect(every.provenance.options.inputCounts).toBe(true);
    r = await evaluate("ev-jobs", "--input-counts", "--jobs", "2");
    expect(r.code, r.stderr).toBe(0);
    expect(doc("ev-jobs").samples).toEqual(every.samples);
    r = await evaluate("ev-threads", "--input-counts", "--threads", "2");
    expect(r.code, r.stderr).toBe(0);
    expect(doc("ev-threads").samples).toEqual(every.samples);
    r = await cli("rerun", join(TMP, "ev-every", "dataset.json"), "--out", join(TMP, "ev-rerun"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(doc("ev-rerun").samples).toEqual(every.samples);
  }, 60_000);
});

describe("compare --input-counts", () => {
  it("each chip's run delivers every event (3 spikes, 3 synaptic ops)", async () => {
    const out = join(TMP, "cmp");
    const r = await cli("compare", MODEL, "--input", EVENTS, "--input-counts", "--arch", "loihi,generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    for (const chip of ["loihi", "generic"]) {
      const rep = report(join(out, chip));
      expect(rep.input).toMatchObject({ spikes: 3, eventsMerged: 0, inputCounts: true });
      expect(rep.totals.counters.synOps).toBe(3);
    }
  });
});

describe.skipIf(!HAS_SHARED)(`N-MNIST through the sinabs CNN with --input-counts ${SKIP_MSG}`, () => {
  const NIR = sharedPath("fixtures", "nir", "paper_cnn", "cnn_sinabs.nir");
  const BIN = sharedPath("fixtures", "events", "sample_nmnist.bin");
  const run = (name: string, ...extra: string[]) => cli("run", NIR, "--input", BIN, "--time-bins", "10", "--arch", "loihi", "--out", join(TMP, name), "--quiet", ...extra);

  it("delivers all 4,325 events (1,899 spikes without); --threads 2 equals --threads 1; rerun reproduces it", async () => {
    const binary = await run("nm-binary");
    expect(binary.code, binary.stderr).toBe(0);
    expect(report(join(TMP, "nm-binary")).input!.spikes).toBe(1899);

    const one = await run("nm-1", "--input-counts");
    expect(one.code, one.stderr).toBe(0);
    const r1 = report(join(TMP, "nm-1"));
    expect(r1.input).toMatchObject({ eventsRead: 4325, eventsBinned: 4325, spikes: 4325, eventsMerged: 0, inputCounts: true, warnings: [] });
    expect(r1.perPopulation.find((p) => p.kind === "input")!.spikes).toBe(4325);

    const two = await run("nm-2", "--input-counts", "--threads", "2");
    expect(two.code, two.stderr).toBe(0);
    const r2 = report(join(TMP, "nm-2"));
    for (const k of ["totals", "perCore", "perPopulation", "perProjection", "perTick", "input", "nir"] as const) expect(r2[k], k).toEqual(r1[k]);
    expect(readFileSync(join(TMP, "nm-2", "spikes.json"), "utf8")).toBe(readFileSync(join(TMP, "nm-1", "spikes.json"), "utf8"));

    const again = await cli("rerun", join(TMP, "nm-1", "report.json"), "--out", join(TMP, "nm-rerun"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(TMP, "nm-rerun", "report.json"), "utf8")).toBe(readFileSync(join(TMP, "nm-1", "report.json"), "utf8"));
  }, 120_000);
});

describe("--input-counts: the input population's activity is over (neuron, tick) cells (audit s20a F1)", () => {
  it("a neuron fired 3 times in one of 3 ticks is active in 1 cell: sparsity 2/3, density 1/3, not bursting; the report validates and reruns", async () => {
    const r = await runOne("cells", COUNTS, "--input-counts");
    expect(r.code, r.stderr).toBe(0);
    const rep = report(r.out);
    const input = rep.metrics!.perPopulation.find((p) => p.name === "in")!;
    expect(input.spikes).toBe(3);
    expect(input.activationSparsity).toBeCloseTo(2 / 3, 15);
    expect(input.spikeDensityActive).toBeCloseTo(1 / 3, 15);
    expect(input.burstingNeurons).toBe(0);
    expect(runReportSchema.safeParse(rep).success).toBe(true);
    const again = await cli("rerun", join(r.out, "report.json"), "--out", join(TMP, "cells-again"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
  });
});
