/**
 * `aerchip evaluate --slice-us W` (audit s24c finding 5): every recording cut into consecutive W µs windows,
 * each window a sample — tonic's SliceByTime(time_window=W) with its defaults (overlap 0,
 * include_incomplete=False: n = max(1, floor((t_last − t_0 − W)/W + 1)) windows [t_0 + kW, t_0 + (k+1)W)). The
 * windows' event counts are compared with a direct count of the events of the file in each window; the
 * option is recorded in dataset.json and `aerchip rerun` repeats it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { timeWindows } from "../../cli/dataset-inputs.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-eval-slice-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = join(TMP, "m.json");
const DATA = join(TMP, "data");
const W = 1000;
const GDATA = join(TMP, "gesture");
/** class (1–11, as DVS Gesture's files), start, end (µs). */
const GESTURE_ROWS: ReadonlyArray<readonly [number, number, number]> = [[4, 150, 1137], [2, 1137, 2138], [1, 3000, 5000]];
// Recording a (class folder 3): first event 137 µs, last 4137 µs = t_0 + 4W exactly, so tonic gives 4
// windows and drops the event at 4137 (the incomplete fifth window). Recording b: 250 … 2100 µs: 1 window.
const A_T = [137, 200, 900, 1136, 1137, 1500, 2136, 2137, 2138, 3000, 3136, 3137, 4137];
const B_T = [250, 700, 1249, 1250, 2100];

function csv(ts: readonly number[]): string {
  return "x,y,t,p\n" + ts.map((t, i) => `${i % 2},${(i >> 1) % 2},${t},${i % 2}`).join("\n") + "\n";
}

beforeAll(() => {
  writeFileSync(MODEL, JSON.stringify({
    format: "aerchip-model-1", name: "m", steps: 2,
    populations: [{ name: "in", kind: "input", size: 8 }, { name: "out", kind: "neuron", size: 4, vThreshold: 0.5, reset: "zero" }],
    projections: [{ name: "p", pre: "in", post: "out", dense: { weights: Array.from({ length: 8 }, (_, i) => [0, 1, 2, 3].map((j) => (i % 4 === j ? 1 : 0))), delays: 1 } }],
  }));
  mkdirSync(join(DATA, "3"), { recursive: true });
  writeFileSync(join(DATA, "3", "a.csv"), csv(A_T));
  writeFileSync(join(DATA, "3", "b.csv"), csv(B_T));
  // --gesture-labels: recording g.csv (the A_T events) with its table g_labels.csv: classes 1–11 in the file.
  mkdirSync(GDATA, { recursive: true });
  writeFileSync(join(GDATA, "g.csv"), csv(A_T));
  writeFileSync(join(GDATA, "g_labels.csv"), GESTURE_ROWS.map((r) => r.join(",")).reduce((acc, l) => `${acc}${l}\n`, "class,startTime_usec,endTime_usec\n"));
});

/** Independent count: events with start ≤ t < end, windows from the first event, whole windows only. */
function directWindows(ts: readonly number[]): Array<{ start: number; end: number; events: number }> {
  const t0 = Math.min(...ts);
  const n = Math.max(1, Math.floor((Math.max(...ts) - t0) / W));
  return Array.from({ length: n }, (_, k) => ({ start: t0 + k * W, end: t0 + (k + 1) * W, events: ts.filter((t) => t >= t0 + k * W && t < t0 + (k + 1) * W).length }));
}

interface Row { id: string; label: number | null; inputEvents?: { eventsRead: number; eventsDroppedByTransforms: number } }
interface Doc { samples: Row[]; provenance: { options: Record<string, unknown> } }
const readDoc = (dir: string): Doc => JSON.parse(readFileSync(join(dir, "dataset.json"), "utf8")) as Doc;

describe("evaluate --slice-us", () => {
  it("timeWindows: tonic's window count and boundaries", () => {
    expect(timeWindows(A_T, W)).toEqual(directWindows(A_T).map((w) => [w.start, w.end]));
    expect(timeWindows(A_T, W)).toHaveLength(4);
    expect(timeWindows([5, 900], W)).toEqual([[5, 1005]]); // shorter than W: one window (tonic's max(n_slices, 1))
    expect(timeWindows([], W)).toEqual([]);
    expect(timeWindows([0, 1000], W)).toEqual([[0, 1000]]);
  });

  it("each whole window of each recording is a sample: ids FILE@START-ENDus, the file's label, the window's events", async () => {
    const out = join(TMP, "s");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--tick-us", "500", "--slice-us", String(W), "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = readDoc(out);
    const want = [
      ...directWindows(A_T).map((w) => ({ id: `3/a.csv@${w.start}-${w.end}us`, events: w.events })),
      ...directWindows(B_T).map((w) => ({ id: `3/b.csv@${w.start}-${w.end}us`, events: w.events })),
    ];
    // By hand: a: [137, 1137) 137 200 900 1136; [1137, 2137) 1137 1500 2136; [2137, 3137) 2137 2138 3000 3136;
    // [3137, 4137) 3137 (4137 dropped); b: [250, 1250) 250 700 1249 (1250, 2100: incomplete window dropped).
    expect(want.map((w) => w.events)).toEqual([4, 3, 4, 1, 3]);
    expect(doc.samples.map((s) => s.id)).toEqual(want.map((w) => w.id));
    expect(doc.samples.map((s) => s.label)).toEqual(want.map(() => 3));
    expect(doc.samples.map((s) => s.inputEvents!.eventsRead - s.inputEvents!.eventsDroppedByTransforms)).toEqual(want.map((w) => w.events));
    expect(doc.provenance.options.sliceUs).toBe(W);
    const samplesCsv = readFileSync(join(out, "samples.csv"), "utf8");
    expect(samplesCsv).toContain("3/a.csv@1137-2137us");
    const rr = await cli("rerun", join(out, "dataset.json"), "--out", join(TMP, "rr"), "--quiet");
    expect(rr.code, rr.stderr).toBe(0);
    expect(readDoc(join(TMP, "rr")).samples.map((s) => s.id)).toEqual(want.map((w) => w.id));
  });

  it("--gesture-labels: each label row of a recording is a sample: its events start ≤ t < end, class − 1, recorded, rerun", async () => {
    const out = join(TMP, "g");
    const r = await cli("evaluate", MODEL, "--input", GDATA, "--arch", "generic", "--tick-us", "500", "--gesture-labels", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = readDoc(out);
    // By hand: [150, 1137): 200 900 1136 → 3; [1137, 2138): 1137 1500 2136 2137 → 4; [3000, 5000): 3000 3136 3137 4137 → 4.
    expect(GESTURE_ROWS.map(([, a, b]) => A_T.filter((t) => t >= a && t < b).length)).toEqual([3, 4, 4]);
    expect(doc.samples.map((s) => s.id)).toEqual(GESTURE_ROWS.map(([, a, b]) => `g.csv@${a}-${b}us`));
    expect(doc.samples.map((s) => s.label)).toEqual([3, 1, 0]);
    expect(doc.samples.map((s) => s.inputEvents!.eventsRead - s.inputEvents!.eventsDroppedByTransforms)).toEqual([3, 4, 4]);
    expect(doc.provenance.options.gestureLabels).toBe(true);
    const rr = await cli("rerun", join(out, "dataset.json"), "--out", join(TMP, "grr"), "--quiet");
    expect(rr.code, rr.stderr).toBe(0);
    expect(readDoc(join(TMP, "grr")).samples.map((s) => s.label)).toEqual([3, 1, 0]);
    const bad = await cli("evaluate", MODEL, "--input", GDATA, "--arch", "generic", "--gesture-labels", "--slice-us", "1000", "--out", join(TMP, "gbad"), "--quiet");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/E_CLI_OPTION/);
  });
});
