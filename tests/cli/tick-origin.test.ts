/**
 * `--tick-origin first-event` (cli/event-transforms.ts, audit s21 G5): --tick-us ticks (with or without
 * --event-overlap) starting at the recording's first event, as tonic's ToFrame(time_window=W, overlap=X)
 * frames do, instead of at t = 0. Checked against tonic's SliceByTime (tonic/slicers.py, written out below
 * as tonic writes it: numpy's searchsorted over the sorted times, start_time = the first event): aerchip's
 * ticks are tonic's include_incomplete True frames plus the frame holding the last event when tonic's last
 * frame ends exactly there, so tonic's default frames (include_incomplete False) are their first
 * ⌊(D − W)/S⌋ + 1 ticks. The default (zero) keeps the reports' bytes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { test as fcTest, fc } from "@fast-check/vitest";
import { cli } from "../helpers/cli.ts";
import { if4EventPaths, writeIf4Events } from "../helpers/if4-events.ts";
import { spikesNpy } from "../helpers/nir-dataset.ts";
import { readInputSpikes } from "../../cli/spike-inputs.ts";
import type { RunReport } from "../../chip/report/run-report.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-tick-origin-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** numpy.searchsorted(a, v, side="left") on an ascending array. */
function searchsorted(a: readonly number[], v: number): number {
  let i = 0;
  while (i < a.length && a[i] < v) i++;
  return i;
}

/** tonic SliceByTime.get_slice_metadata with start_time = t[0] (ToFrame's default) and end_time = t[-1]. */
function sliceByTime(t: readonly number[], W: number, O: number, includeIncomplete: boolean): Array<[number, number]> {
  const stride = W - O;
  const duration = t[t.length - 1] - t[0];
  const n = Math.max(includeIncomplete ? Math.trunc(Math.ceil((duration - W) / stride) + 1) : Math.trunc(Math.floor((duration - W) / stride) + 1), 1);
  return Array.from({ length: n }, (_, k): [number, number] => [searchsorted(t, k * stride + t[0]), searchsorted(t, k * stride + t[0] + W)]);
}

/** ToFrame's count frames, each (frame, channel) listed once per event in it (as --input-counts delivers them). */
function deliveries(channels: readonly number[], slices: Array<[number, number]>): string[] {
  const out: string[] = [];
  slices.forEach(([a, b], k) => {
    for (const c of channels.slice(a, b)) out.push(`${k}:${c}`);
  });
  return out.sort();
}

describe("--tick-origin first-event: tonic's time_window frames", () => {
  // Sorted integer times from 0..2000 µs on (a late first event), with repeats; x in 0..3, p in 0..1 on a [2, 1, 4] input.
  const events = fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1 })), { minLength: 1, maxLength: 40 }))
    .map(([start, ev]) => {
      let at = start;
      return ev.map(([dt, x, p]) => [(at += dt), x, p] as [number, number, number]);
    });
  let run = 0;
  fcTest.prop([events, fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 999 }).map((q) => q / 1000)], { numRuns: 40 })(
    "W µs overlapping by O: tonic's SliceByTime from the first event (include_incomplete True, plus the frame at its last end); its default frames are the first ticks",
    async (ev, W, frac) => {
      const O = Math.floor(frac * W);
      const file = join(TMP, `p${run++}.csv`);
      writeFileSync(file, `x,y,t,p\n${ev.map(([t, x, p]) => `${x},0,${t},${p}`).join("\n")}\n`);
      const s = await readInputSpikes(file, [2, 1, 4], { tickUs: W, transforms: { sensorSize: { width: 4, height: 1, polarities: 2 }, ...(O === 0 ? {} : { eventOverlap: O }), tickOrigin: "first-event", inputCounts: true } });
      const t = ev.map((e) => e[0]);
      const channels = ev.map(([, x, p]) => p * 4 + x);
      let slices = sliceByTime(t, W, O, true);
      const S = W - O;
      if ((slices.length - 1) * S + t[0] + W <= t[t.length - 1]) {
        const k = slices.length;
        slices = [...slices, [searchsorted(t, k * S + t[0]), searchsorted(t, k * S + t[0] + W)]];
      }
      expect(s.steps).toBe(slices.length);
      const got = Array.from(s.tick, (k, i) => `${k}:${s.neuron[i]}`).sort();
      expect(got).toEqual(deliveries(channels, slices));
      // tonic's default ToFrame(time_window=W, overlap=O): include_incomplete False, the first ticks.
      const dflt = sliceByTime(t, W, O, false);
      expect(got.filter((d) => Number(d.split(":")[0]) < dflt.length)).toEqual(deliveries(channels, dflt));
    },
  );
});

describe("--tick-origin on the command line", () => {
  const { IF4, EVENTS } = if4EventPaths(TMP);
  // 7 events from t = 100 µs, on input neurons 2 2 0 3 3 2 2. At --tick-us 1000 --event-overlap 500 from the first
  // event, ticks of [100, 1100) [600, 1600) [1100, 2100) [1600, 2600) (⌊(2100 − 100 − 1000)/500⌋ + 2 = 4):
  // {e0 e1 e2 e3} {e3 e4} {e4 e5} {e5 e6} → 3 + 1 + 2 + 1 = 7 spikes, 3 merged, 10 deliveries, 3 repeats.
  // From t = 0 (4 ticks as well): {e0 e1 e2 e3} {e2 e3} {e4 e5} {e4 e5 e6} → 9 spikes, 2 merged, 11 deliveries.
  beforeAll(() => writeIf4Events(TMP));
  const report = (out: string): RunReport => JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;

  it("run: counted from the first event, recorded in the provenance and rerun byte for byte; zero is the default's bytes", async () => {
    const a = join(TMP, "first");
    const r = await cli("run", IF4, "--input", EVENTS, "--tick-us", "1000", "--event-overlap", "500", "--tick-origin", "first-event", "--arch", "generic", "--out", a, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(report(a).input).toMatchObject({ eventsBinned: 7, eventsRepeated: 3, spikes: 7, eventsMerged: 3 });
    expect(report(a).provenance.options.tickOrigin).toBe("first-event");
    const again = await cli("rerun", join(a, "report.json"), "--out", join(TMP, "first-again"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(TMP, "first-again", "report.json"), "utf8")).toBe(readFileSync(join(a, "report.json"), "utf8"));
    // From t = 0 (the default, or zero given): 11 deliveries, 4 repeats; no provenance key.
    for (const extra of [[], ["--tick-origin", "zero"]]) {
      const b = join(TMP, `zero${extra.length}`);
      expect((await cli("run", IF4, "--input", EVENTS, "--tick-us", "1000", "--event-overlap", "500", ...extra, "--arch", "generic", "--out", b, "--quiet")).code).toBe(0);
      expect(report(b).input).toMatchObject({ eventsRepeated: 4, spikes: 9, eventsMerged: 2 });
      expect(report(b).provenance.options).not.toHaveProperty("tickOrigin");
    }
  });

  it("refused with the event and bin rules and without an event input (E_CLI_OPTION, exit 2); a dense tensor is E_EVENTS_OPTIONS", async () => {
    for (const rule of [["--event-count", "3"], ["--event-bins", "3"], ["--time-bins", "2"]]) {
      const r = await cli("run", IF4, "--input", EVENTS, ...rule, "--tick-origin", "first-event", "--arch", "generic", "--out", join(TMP, "no"));
      expect(r.code, rule.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/E_CLI_OPTION[^\n]*--tick-origin/);
    }
    const j = await cli("run", "examples/learning/stdp-pair.model.json", "--tick-origin", "first-event", "--arch", "loihi", "--out", join(TMP, "no"));
    expect(j.code).toBe(2);
    expect(j.stderr).toMatch(/E_CLI_OPTION[^\n]*--tick-origin does not apply/);
    spikesNpy(join(TMP, "dense.npy"), 3, 4, [[0, 1]]);
    const d = await cli("run", IF4, "--input", join(TMP, "dense.npy"), "--tick-origin", "first-event", "--arch", "generic", "--out", join(TMP, "no"));
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/E_EVENTS_OPTIONS/);
  });
});
