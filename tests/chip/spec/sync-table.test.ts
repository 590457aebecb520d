/** syncTableLatencyNs: the three interpolation rules, and SANA-FE's floor lookup on its Loihi table. */
import { describe, expect, it } from "vitest";
import { loadPreset } from "../../../chip/spec/load.ts";
import { syncTableLatencyNs, type SyncSpec } from "../../../chip/spec/types.ts";

const rows = [{ tiles: 1, latencyNs: 600 }, { tiles: 2, latencyNs: 1000 }, { tiles: 4, latencyNs: 1400 }, { tiles: 29, latencyNs: 1800 }];
const sync = (interpolation: SyncSpec["interpolation"]): SyncSpec => ({ table: rows, interpolation, source: "test" });

describe("syncTableLatencyNs", () => {
  it("floor: the last row with tiles <= k (SANA-FE LookupTable::get), the first row below all keys", () => {
    const s = sync("floor");
    const got = [0, 1, 2, 3, 4, 5, 28, 29, 32, 1000].map((k) => syncTableLatencyNs(s, k));
    expect(got).toEqual([600, 600, 1000, 1000, 1400, 1400, 1400, 1800, 1800, 1800]);
  });
  it("step: the first row with tiles >= k, the last row beyond", () => {
    const s = sync("step");
    const got = [0, 1, 2, 3, 4, 5, 28, 29, 32].map((k) => syncTableLatencyNs(s, k));
    expect(got).toEqual([600, 600, 1000, 1400, 1400, 1800, 1800, 1800, 1800]);
  });
  it("linear: interpolated between rows, clamped at both ends", () => {
    const s = sync("linear");
    expect(syncTableLatencyNs(s, 0)).toBe(600);
    expect(syncTableLatencyNs(s, 3)).toBe(1200);
    expect(syncTableLatencyNs(s, 4 + 25 / 2)).toBe(1600);
    expect(syncTableLatencyNs(s, 64)).toBe(1800);
  });
  it("an empty table costs nothing", () => {
    expect(syncTableLatencyNs({ table: [], interpolation: "floor", source: "x" }, 3)).toBe(0);
  });
  it("loihi-sanafe: the DVS reference run's 32 mapped tiles cost 1.8 µs, 3 tiles 1.0 µs", () => {
    const s = loadPreset("loihi-sanafe").sync;
    expect(syncTableLatencyNs(s, 32)).toBe(1800);
    expect(syncTableLatencyNs(s, 3)).toBe(1000);
  });
  it("loihi: Davies' 113–465 ns barrier interpolated over 1–32 tiles", () => {
    const s = loadPreset("loihi").sync;
    expect(syncTableLatencyNs(s, 1)).toBe(113);
    expect(syncTableLatencyNs(s, 32)).toBe(465);
    expect(syncTableLatencyNs(s, 16.5)).toBeCloseTo(289, 9);
  });
});
