/**
 * `--event-overlap X` (cli/event-transforms.ts, core/io/events/overlap.ts): tonic's ToFrame overlap on an event
 * --input. The 7 events below (IF4's 4 inputs: channel (p·H + y)·W + x = 2, 2, 0, 3, 3, 2, 2), by hand:
 *   --event-count 3 --event-overlap 1: stride 2, ⌊(7 − 3)/2⌋ + 1 = 3 ticks of ranks [0,3) [2,5) [4,7):
 *     {2 2 0} {0 3 3} {3 2 2} → 6 spikes, 3 merged; 9 deliveries of 7 events (e2, e4 twice): 2 repeated;
 *   --tick-us 1000 --event-overlap 500: ticks [0,1000) [500,1500) [1000,2000) [1500,2500) (⌊(2100 − 1000)/500⌋ + 2 = 4),
 *     a tick every 500 µs: {e0 e1 e2 e3} {e2 e3} {e4 e5} {e4 e5 e6} → 3 + 2 + 2 + 2 = 9 spikes, 2 merged, 11
 *     deliveries, 4 repeated.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { IF4_EVENTS_CSV, if4EventPaths, writeIf4Events } from "../helpers/if4-events.ts";
import { spikesNpy } from "../helpers/nir-dataset.ts";
import type { RunReport } from "../../chip/report/run-report.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-event-overlap-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const { IF4, EVENTS } = if4EventPaths(TMP);
beforeAll(() => writeIf4Events(TMP));
const report = (out: string): RunReport => JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;
const counts = (out: string): Record<string, unknown> => {
  const { warnings: _w, ...c } = report(out).input!;
  return c;
};

describe("--event-overlap", () => {
  it("run --event-count 3 --event-overlap 1: 3 ticks sharing events, the repeats in the accounting; recorded and rerun", async () => {
    const a = join(TMP, "count");
    const r = await cli("run", IF4, "--input", EVENTS, "--event-count", "3", "--event-overlap", "1", "--arch", "generic", "--out", a);
    expect(r.code, r.stderr).toBe(0);
    expect(counts(a)).toEqual({ kind: "events", eventsRead: 7, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 7, spikes: 6, eventsMerged: 3, eventsRepeated: 2 });
    expect(report(a).provenance.options.eventOverlap).toBe(1);
    // The summary line gives the deliveries; W_EVENTS_MERGED is on the 9 delivered (3 of 9 > 10 %).
    expect(r.stdout).toMatch(/7 events read \(7 binned, 9 delivered in overlapping ticks \(2 repeats\)\) → 6 spikes \(3 events merged, 33\.3 %/);
    expect(r.stderr).toMatch(/W_EVENTS_MERGED: 3 of the 9 event deliveries/);
    const again = await cli("rerun", join(a, "report.json"), "--out", join(TMP, "count-again"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(TMP, "count-again", "report.json"), "utf8")).toBe(readFileSync(join(a, "report.json"), "utf8"));
  });

  it("run --tick-us 1000 --event-overlap 500: a tick every 500 µs (4 ticks), --realtime paces at 500 µs; --packets-out stamps 500 µs", async () => {
    const a = join(TMP, "window");
    const r = await cli("run", IF4, "--input", EVENTS, "--tick-us", "1000", "--event-overlap", "500", "--realtime", "--packets-out", join(TMP, "p.aer"), "--arch", "generic", "--out", a, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(counts(a)).toEqual({ kind: "events", eventsRead: 7, eventsDroppedByTransforms: 0, eventsOutsideTicks: 0, eventsBinned: 7, spikes: 9, eventsMerged: 2, eventsRepeated: 4 });
    expect(report(a).nir?.steps).toBe(4);
    expect(report(a).totals.tickPeriodNs).toBe(500_000);
    const { decodeAerStream } = await import("../../core/io/aer-stream.ts");
    expect(decodeAerStream(readFileSync(join(TMP, "p.aer"))).header.tickUs).toBe(500);
  });

  it("W_EVENTS_MERGED's hint names the --tick-us W given, not the stride W − X, for NIR, JSON models and .aerprog (audit s21 G1)", async () => {
    // 2 of the 11 deliveries merged (18 % > 10 %): the warning fires; following "--tick-us < 500" would be refused (X ≥ W).
    const model = join(TMP, "g1.model.json");
    writeFileSync(model, JSON.stringify({
      format: "aerchip-model-1", name: "g1", steps: 1,
      populations: [{ name: "in", kind: "input", size: 4, shape: [2, 1, 2], spikes: [] }, { name: "E", kind: "neuron", size: 1, vThreshold: 1e12 }],
      projections: [{ name: "in_E", pre: "in", post: "E", encoding: "sparse", sparse: { pre: [0], post: [0], weights: [1], delays: [1] } }],
    }));
    const prog = join(TMP, "g1-prog");
    expect((await cli("compile", model, "--arch", "generic", "--out", prog, "--quiet")).code).toBe(0);
    for (const [name, file] of [["nir", IF4], ["json", model], ["prog", join(prog, "program.aerprog")]]) {
      const r = await cli("run", file, "--input", EVENTS, "--tick-us", "1000", "--event-overlap", "500", "--arch", "generic", "--out", join(TMP, `g1-${name}`));
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stderr, name).toMatch(/W_EVENTS_MERGED: [^\n]*\n *hint: use a smaller --tick-us than 1000 /);
    }
  });

  it("the report's Input table gives the repeats, deliveries, merges and spikes as shares of the 11 deliveries, not of the 7 events read (audit s21 G2)", async () => {
    const a = join(TMP, "g2");
    expect((await cli("run", IF4, "--input", EVENTS, "--tick-us", "1000", "--event-overlap", "500", "--arch", "generic", "--out", a, "--quiet")).code).toBe(0);
    const md = await cli("report", join(a, "report.json"), "--format", "md");
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toMatch(/\| Step \| Events or spikes \| Share of events read \| Share of deliveries \|/);
    expect(md.stdout).toMatch(/\| Events read \| 7 \| 100\.0% \| – \|/);
    expect(md.stdout).toMatch(/\| Binned into a tick and input neuron \| 7 \| 100\.0% \| – \|/);
    expect(md.stdout).toMatch(/\| Repeated [^|]* \| 4 \| – \| 36\.4% \|/);
    expect(md.stdout).toMatch(/\| Delivered in the ticks \(binned \+ repeated\) \| 11 \| – \| 100\.0% \|/);
    // 2 of 11 = 18.2 %: the summary line's and W_EVENTS_MERGED's figure.
    expect(md.stdout).toMatch(/\| Merged [^|]* \| 2 \| – \| 18\.2% \|/);
    expect(md.stdout).toMatch(/\| Input spikes \| 9 \| – \| 81\.8% \|/);
    expect(report(a).input!.warnings[0]).toMatch(/\(18\.2 %\)/);
  });

  it("too many ticks from a large overlap: E_EVENTS_RANGE and E_SIM_STEPS_EXCEEDED name --event-overlap in the message and hint (audit s21 G4)", async () => {
    for (const [x, code] of [["999.99999999", "E_EVENTS_RANGE"], ["999.999", "E_SIM_STEPS_EXCEEDED"]]) {
      const r = await cli("run", IF4, "--input", EVENTS, "--tick-us", "1000", "--event-overlap", x, "--arch", "generic", "--out", join(TMP, "no"));
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`${code}: [^\\n]*--event-overlap ${x.replace(".", "\\.")}[^\\n]*\\n *hint: [^\\n]*smaller --event-overlap`));
    }
  });

  it("help: --realtime says it paces at --tick-us − X with an overlap, in run, evaluate and train (audit s21 G4)", async () => {
    for (const cmd of ["run", "evaluate", "train"]) {
      const h = await cli(cmd, "--help");
      const flat = h.stdout.replace(/\s+/g, " ");
      expect(flat.slice(flat.indexOf("--realtime "), flat.indexOf("--realtime ") + 300), cmd).toMatch(/--tick-us − X with --event-overlap X/);
    }
  });

  it("no overlap, or 0: the same spikes and numbers; only --event-overlap adds eventsRepeated and the provenance key", async () => {
    // Proportional --time-bins take 0 too (docs/events.md §4: overlap 0 changes nothing; audit s21 G4).
    for (const rule of [["--event-count", "3"], ["--tick-us", "700"], ["--event-bins", "3"], ["--time-bins", "2"]]) {
      const a = join(TMP, `none${rule[0]}`);
      const b = join(TMP, `zero${rule[0]}`);
      expect((await cli("run", IF4, "--input", EVENTS, ...rule, "--arch", "generic", "--out", a, "--quiet")).code).toBe(0);
      expect((await cli("run", IF4, "--input", EVENTS, ...rule, "--event-overlap", "0", "--arch", "generic", "--out", b, "--quiet")).code).toBe(0);
      const ra = report(a);
      const rb = report(b);
      expect(ra.input).not.toHaveProperty("eventsRepeated");
      expect(ra.provenance.options).not.toHaveProperty("eventOverlap");
      expect({ ...rb.input, eventsRepeated: undefined }).toEqual({ ...ra.input, eventsRepeated: undefined });
      expect(rb.input?.eventsRepeated).toBe(0);
      expect(rb.metrics).toEqual(ra.metrics);
      expect(rb.steps).toBe(ra.steps);
    }
  });

  it("--time-bins 2 --time-bins-rule tonic and --event-bins 2 take a fraction of a bin", async () => {
    // tonic n_time_bins: w = ⌊2000/2⌋ = 1000, window 1500 every 750 µs from 100: [100,1600) [850,2350): e3 e4 in both.
    const a = join(TMP, "tbins");
    const r = await cli("run", IF4, "--input", EVENTS, "--time-bins", "2", "--time-bins-rule", "tonic", "--event-overlap", "0.5", "--arch", "generic", "--out", a, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(report(a).input).toMatchObject({ eventsBinned: 7, eventsRepeated: 2, eventsOutsideTicks: 0 });
    // n_event_bins 2, overlap 0.5: c = int(3·1.5) = 4 every int(4·0.5) = 2: ranks [0,4) [2,6), e6 dropped.
    const b = join(TMP, "ebins");
    expect((await cli("run", IF4, "--input", EVENTS, "--event-bins", "2", "--event-overlap", "0.5", "--arch", "generic", "--out", b, "--quiet")).code).toBe(0);
    expect(report(b).input).toMatchObject({ eventsBinned: 6, eventsRepeated: 2, eventsOutsideTicks: 1 });
  });

  it("--input-counts delivers every copy: 9 spikes of the 9 deliveries, none merged", async () => {
    const a = join(TMP, "counts");
    const r = await cli("run", IF4, "--input", EVENTS, "--event-count", "3", "--event-overlap", "1", "--input-counts", "--arch", "generic", "--out", a, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(report(a).input).toMatchObject({ eventsBinned: 7, eventsRepeated: 2, spikes: 9, eventsMerged: 0, inputCounts: true });
  });

  it("refuses an overlap outside tonic's range for the rule, proportional --time-bins, and no event input (E_CLI_OPTION, exit 2)", async () => {
    const refused = [
      ["--event-count", "3", "--event-overlap", "3"], ["--event-count", "3", "--event-overlap", "1.5"],
      ["--event-bins", "3", "--event-overlap", "1"], ["--time-bins", "2", "--event-overlap", "0.5"],
      ["--time-bins", "2", "--time-bins-rule", "tonic", "--event-overlap", "1"],
      ["--event-overlap", "1000"], ["--tick-us", "200", "--event-overlap", "250"], ["--event-overlap", "-1"], ["--event-overlap", "x"],
    ];
    for (const args of refused) {
      const r = await cli("run", IF4, "--input", EVENTS, ...args, "--arch", "generic", "--out", join(TMP, "no"));
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/E_CLI_OPTION[^\n]*--event-overlap/);
    }
    // The largest overlaps in range are taken (so the refusals above are the range's, not an unknown option's).
    for (const args of [["--event-count", "3", "--event-overlap", "2"], ["--event-bins", "3", "--event-overlap", "0.99"], ["--tick-us", "200", "--event-overlap", "199.5"]]) {
      expect((await cli("run", IF4, "--input", EVENTS, ...args, "--arch", "generic", "--out", join(TMP, `ok${args[0]}`), "--quiet")).code, args.join(" ")).toBe(0);
    }
    // A JSON model without --input: no event file to bin.
    const j = await cli("run", "examples/learning/stdp-pair.model.json", "--event-overlap", "100", "--arch", "loihi", "--out", join(TMP, "no"));
    expect(j.code).toBe(2);
    expect(j.stderr).toMatch(/E_CLI_OPTION[^\n]*--event-overlap does not apply/);
    // A dense spike tensor is on ticks already: refused by the reader (exit 1).
    spikesNpy(join(TMP, "dense.npy"), 3, 4, [[0, 1]]);
    const d = await cli("run", IF4, "--input", join(TMP, "dense.npy"), "--event-overlap", "100", "--arch", "generic", "--out", join(TMP, "no"));
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/E_EVENTS_OPTIONS/);
  });

  it("evaluate: dataset.json records it and sums the repeats; compare runs every chip with it", async () => {
    const set = join(TMP, "set");
    mkdirSync(join(set, "1"), { recursive: true });
    writeFileSync(join(set, "1", "a.csv"), IF4_EVENTS_CSV);
    const out = join(TMP, "eval");
    const r = await cli("evaluate", IF4, "--input", set, "--event-count", "3", "--event-overlap", "1", "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8"));
    expect(doc.input).toMatchObject({ eventCount: 3, eventOverlap: 1 });
    expect(doc.summary.inputEvents).toMatchObject({ eventsBinned: 7, eventsRepeated: 2, spikes: 6, eventsMerged: 3 });
    expect(doc.samples[0].steps).toBe(3);
    expect(readFileSync(join(out, "dataset.md"), "utf8")).toMatch(/overlapping by 1 event /);
    const cmp = join(TMP, "cmp");
    const c = await cli("compare", IF4, "--input", EVENTS, "--event-count", "3", "--event-overlap", "1", "--arch", "generic,loihi", "--out", cmp, "--quiet");
    expect(c.code, c.stderr).toBe(0);
    expect(report(join(cmp, "loihi")).input).toMatchObject({ eventsRepeated: 2, spikes: 6 });
  });

  it("evaluate's samples.csv: with an overlap the rows add up (events_repeated) and say W and the stride; without one its columns are unchanged (audit s21 G3)", async () => {
    const set = join(TMP, "set-g3");
    mkdirSync(join(set, "1"), { recursive: true });
    writeFileSync(join(set, "1", "a.csv"), IF4_EVENTS_CSV);
    const rows = (out: string): Record<string, string>[] => {
      const [head, ...lines] = readFileSync(join(out, "samples.csv"), "utf8").trimEnd().split("\n");
      const cols = head.split(",");
      return lines.map((l) => Object.fromEntries(l.split(",").map((v, k) => [cols[k], v])));
    };
    const a = join(TMP, "eval-g3");
    expect((await cli("evaluate", IF4, "--input", set, "--tick-us", "1000", "--event-overlap", "500", "--arch", "generic", "--out", a, "--quiet")).code).toBe(0);
    const [r] = rows(a);
    expect({ tick_us: r.tick_us, event_overlap: r.event_overlap, tick_stride_us: r.tick_stride_us, events_repeated: r.events_repeated }).toEqual({ tick_us: "1000", event_overlap: "500", tick_stride_us: "500", events_repeated: "4" });
    const n = (k: string): number => Number(r[k]);
    // 7 − 0 − 0 + 4 = 11 deliveries = 9 spikes + 2 merged.
    expect(n("events_read") - n("events_dropped_by_transforms") - n("events_outside_ticks") + n("events_repeated")).toBe(n("input_spikes") + n("events_merged"));
    expect(n("input_spikes")).toBe(9);
    const b = join(TMP, "eval-g3-none");
    expect((await cli("evaluate", IF4, "--input", set, "--tick-us", "1000", "--arch", "generic", "--out", b, "--quiet")).code).toBe(0);
    const { DATASET_CSV_COLUMNS } = await import("../../chip/report/formats/dataset.ts");
    expect(readFileSync(join(b, "samples.csv"), "utf8").split("\n")[0]).toBe(DATASET_CSV_COLUMNS.join(","));
    // --event-count: no stride in µs (the ticks are of events), the repeats still there.
    const c = join(TMP, "eval-g3-count");
    expect((await cli("evaluate", IF4, "--input", set, "--event-count", "3", "--event-overlap", "1", "--arch", "generic", "--out", c, "--quiet")).code).toBe(0);
    expect(rows(c)[0]).toMatchObject({ event_overlap: "1", tick_stride_us: "", events_repeated: "2" });
  });

  it("train: the overlapping ticks are the training sample's (3 ticks of 3 events, not 2)", async () => {
    const set = join(TMP, "train-set");
    mkdirSync(set, { recursive: true });
    writeFileSync(join(set, "a.csv"), IF4_EVENTS_CSV);
    const ticks = async (extra: string[]): Promise<number> => {
      const out = join(TMP, `train${extra.length}`);
      const r = await cli("train", "examples/learning/stdp-pair.model.json", "--input", set, "--event-count", "3", ...extra, "--arch", "loihi", "--out", out, "--quiet");
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(readFileSync(join(out, "train.json"), "utf8"));
      if (extra.length > 0) expect(doc.provenance.options.eventOverlap).toBe(1);
      return doc.schedule.ticks as number;
    };
    expect(await ticks([])).toBe(2);
    expect(await ticks(["--event-overlap", "1"])).toBe(3);
  });
});
