/**
 * `--event-count N` / `--event-bins N` on an event --input (cli/event-transforms.ts; tonic's ToFrame
 * event_count / n_event_bins): the ticks hold N events, or N ticks hold equal event counts, in the
 * recording's order. The 7 events below (IF4's 2 pixels × 2 polarities), by hand:
 *   --event-count 3: ticks {e0 e1 e2} {e3 e4 e5}, e6 dropped → 2 ticks; (x0,p1) twice in tick 0 and (x1,p1)
 *     twice in tick 1 merge: 6 binned → 4 spikes, 2 merged, 1 outside the ticks;
 *   --event-bins 3: ⌊7/3⌋ = 2 per tick: {e0 e1} {e2 e3} {e4 e5}, e6 dropped → 3 ticks, 5 spikes, 1 merged.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { IF4_EVENTS_CSV, if4EventPaths, writeIf4Events } from "../helpers/if4-events.ts";
import type { RunReport } from "../../chip/report/run-report.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-event-bins-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const { IF4, EVENTS } = if4EventPaths(TMP);
beforeAll(() => writeIf4Events(TMP));
const report = (out: string): RunReport => JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;

describe("--event-count / --event-bins", () => {
  it("run: ticks of 3 events (2 ticks, 4 spikes) and 3 bins of 2 events (5 spikes); recorded and rerun", async () => {
    const a = join(TMP, "count3");
    const r = await cli("run", IF4, "--input", EVENTS, "--event-count", "3", "--arch", "generic", "--out", a);
    expect(r.code, r.stderr).toBe(0);
    const { warnings: _w, ...counts } = report(a).input!;
    expect(counts).toEqual({ kind: "events", eventsRead: 7, eventsDroppedByTransforms: 0, eventsOutsideTicks: 1, eventsBinned: 6, spikes: 4, eventsMerged: 2 });
    expect(report(a).provenance.options.eventCount).toBe(3);
    // 2 merged of 6 binned is over the 10 % line: the hint names the option to change.
    expect(r.stderr).toMatch(/W_EVENTS_MERGED[^\n]*\[file: [^\]]*field: --event-count\]\n {2}hint: use a smaller --event-count than 3/);
    const again = await cli("rerun", join(a, "report.json"), "--out", join(TMP, "count3-again"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(TMP, "count3-again", "report.json"), "utf8")).toBe(readFileSync(join(a, "report.json"), "utf8"));
    const b = join(TMP, "bins3");
    const rb = await cli("run", IF4, "--input", EVENTS, "--event-bins", "3", "--arch", "generic", "--out", b, "--quiet");
    expect(rb.code, rb.stderr).toBe(0);
    expect(report(b).input).toMatchObject({ eventsOutsideTicks: 1, eventsBinned: 6, spikes: 5, eventsMerged: 1 });
    expect(report(b).steps).toBeGreaterThanOrEqual(3);
  });

  it("refuses two binning rules, --realtime with one, and bins of events on a dense tensor", async () => {
    for (const extra of [["--tick-us", "1000"], ["--time-bins", "2"], ["--event-bins", "2"]]) {
      const r = await cli("run", IF4, "--input", EVENTS, "--event-count", "3", ...extra, "--arch", "generic", "--out", join(TMP, "no"));
      expect(r.code, extra.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/E_CLI_OPTION/);
    }
    const rt = await cli("run", IF4, "--input", EVENTS, "--event-bins", "3", "--realtime", "--arch", "generic", "--out", join(TMP, "no"));
    expect(rt.code).toBe(2);
    expect(rt.stderr).toMatch(/--realtime/);
  });

  it("evaluate: dataset.json and dataset.md say the binning", async () => {
    const set = join(TMP, "set");
    mkdirSync(join(set, "1"), { recursive: true });
    writeFileSync(join(set, "1", "a.csv"), IF4_EVENTS_CSV);
    const out = join(TMP, "eval");
    const r = await cli("evaluate", IF4, "--input", set, "--event-count", "3", "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8"));
    expect(doc.input).toMatchObject({ tickUs: null, eventCount: 3 });
    expect(readFileSync(join(out, "dataset.md"), "utf8")).toMatch(/in ticks of 3 consecutive events per sample/);
  });
});
