import { describe, expect, it } from "vitest";
import { test as fcTest, fc } from "@fast-check/vitest";
import { makeBatch } from "../../../../core/io/events/batch.ts";
import {
  binEvents, binToTicks, centerBox, crop, downsample, flatChannels, inputLayoutOf, mapToInputs, mergePolarities, selectPolarity, sliceByTime, sliceTime, splitPolarities,
} from "../../../../core/io/events/transforms.ts";

const g = { width: 4, height: 3, polarities: 2 };
//            x  y  p  t
const rows = [[0, 0, 0, 0], [3, 2, 1, 999], [1, 2, 0, 1000], [3, 0, 1, 1500], [2, 1, 1, 2999], [2, 1, 1, 2000]];
const b = makeBatch({ x: rows.map((r) => r[0]), y: rows.map((r) => r[1]), p: rows.map((r) => r[2]), tUs: rows.map((r) => r[3]) }, g);

describe("per-batch transforms", () => {
  it("downsample divides coordinates and rounds the geometry up", () => {
    const d = downsample(b, 2);
    expect(Array.from(d.x)).toEqual([0, 1, 0, 1, 1, 1]);
    expect(Array.from(d.y)).toEqual([0, 1, 1, 0, 0, 0]);
    expect(d.geometry).toEqual({ width: 2, height: 2, polarities: 2 });
    expect(downsample(b, { x: 4, y: 1 }).geometry).toEqual({ width: 1, height: 3, polarities: 2 });
  });

  it("merge and split polarities", () => {
    const m = mergePolarities(b);
    expect(Array.from(m.p)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(m.geometry.polarities).toBe(1);
    const [off, on] = splitPolarities(b);
    expect(Array.from(off.tUs)).toEqual([0, 1000]);
    expect(Array.from(on.tUs)).toEqual([999, 1500, 2999, 2000]);
    expect(on.geometry.polarities).toBe(1);
    expect(() => selectPolarity(b, 2)).toThrow(expect.objectContaining({ code: "E_EVENTS_OPTIONS" }));
  });

  it("crop keeps events in the box and shifts them; centerBox centres it", () => {
    const c = crop(b, { x: 1, y: 1, width: 3, height: 2 });
    expect(c.geometry).toEqual({ width: 3, height: 2, polarities: 2 });
    expect(Array.from(c.x)).toEqual([2, 0, 1, 1]);
    expect(Array.from(c.y)).toEqual([1, 1, 0, 0]);
    expect(centerBox({ width: 128, height: 128, polarities: 2 }, 32, 32)).toEqual({ x: 48, y: 48, width: 32, height: 32 });
    expect(() => crop(b, { x: 2, y: 0, width: 3, height: 1 })).toThrow(expect.objectContaining({ code: "E_EVENTS_OPTIONS" }));
  });

  it("time slices are [start, end) and can be rebased", () => {
    expect(Array.from(sliceTime(b, 999, 2000).tUs)).toEqual([999, 1000, 1500]);
    expect(Array.from(sliceTime(b, 999, 2000, true).tUs)).toEqual([0, 1, 501]);
    expect(sliceByTime(b, 1000).map((s) => s.length)).toEqual([2, 2, 2]);
  });
});

describe("mapping pixels to input indices", () => {
  it("[C, H, W]: (p·H + y)·W + x — the same as the flat channel", () => {
    const idx = mapToInputs(b, g, [2, 3, 4]);
    expect(Array.from(idx)).toEqual(rows.map(([x, y, p]) => (p * 3 + y) * 4 + x));
    expect(Array.from(flatChannels(b))).toEqual(Array.from(idx));
  });

  it("[H, W, C]: (y·W + x)·C + p, chosen automatically when the last axis is the channel axis", () => {
    expect(inputLayoutOf([3, 4, 2])).toBe("hwc");
    expect(inputLayoutOf([2, 34, 34])).toBe("chw");
    expect(Array.from(mapToInputs(b, g, [3, 4, 2]))).toEqual(rows.map(([x, y, p]) => (y * 4 + x) * 2 + p));
  });

  it("[1, H, W] and [H, W] merge polarities; a flat [N] follows the sensor", () => {
    const merged = rows.map(([x, y]) => y * 4 + x);
    expect(Array.from(mapToInputs(b, g, [1, 3, 4]))).toEqual(merged);
    expect(Array.from(mapToInputs(b, g, [3, 4]))).toEqual(merged);
    expect(Array.from(mapToInputs(b, g, [24]))).toEqual(rows.map(([x, y, p]) => (p * 3 + y) * 4 + x));
    expect(Array.from(mapToInputs(b, g, [12]))).toEqual(merged);
    expect(() => mapToInputs(b, g, [13])).toThrow(expect.objectContaining({ code: "E_EVENTS_SHAPE" }));
  });

  it("events beyond the input are an error, or −1 with outOfRange: drop", () => {
    expect(() => mapToInputs(b, g, [2, 3, 3])).toThrow(expect.objectContaining({ code: "E_EVENTS_OUT_OF_RANGE", field: "events[1]" }));
    expect(Array.from(mapToInputs(b, g, [2, 3, 3], { outOfRange: "drop" }))).toEqual([0, -1, 7, -1, 14, 14]);
  });
});

describe("binning to ticks", () => {
  it("tickUs from t0 = 0: at most one spike per (tick, channel), counts kept, sorted", () => {
    const s = binEvents(b, { tickUs: 1000 });
    // events (t, channel): (0,0) (999,23) (1000,9) (1500,15) (2999,18) (2000,18)
    expect(Array.from(s.tick)).toEqual([0, 0, 1, 1, 2]);
    expect(Array.from(s.channel)).toEqual([0, 23, 9, 15, 18]);
    expect(Array.from(s.count)).toEqual([1, 1, 1, 1, 2]);
    expect(s.steps).toBe(3);
  });

  it("t0 = first, explicit steps drop later events", () => {
    const s = binToTicks(Float64Array.of(500, 700, 2600), Int32Array.of(1, 2, 3), { tickUs: 1000, t0Us: "first", steps: 2 });
    expect([Array.from(s.tick), Array.from(s.channel), s.steps, s.t0Us]).toEqual([[0, 0], [1, 2], 2, 500]);
  });

  it("bins span first to last event; the last event falls in the last bin", () => {
    const s = binToTicks(Float64Array.of(100, 200, 350, 400, 1100), Int32Array.of(0, 0, 0, 0, 0), { bins: 4 });
    expect(Array.from(s.tick)).toEqual([0, 1, 3]);
    // bin = ⌊(t − 100) · 4 / 1000⌋: 100, 200 → 0; 350, 400 → 1; 1100 → 3.
    expect(Array.from(s.count)).toEqual([2, 2, 1]);
    expect(s.steps).toBe(4);
    expect(s.tickUs).toBe(250);
    const one = binToTicks(Float64Array.of(5, 5), Int32Array.of(0, 1), { bins: 3 });
    expect([Array.from(one.tick), one.steps]).toEqual([[0, 0], 3]);
  });

  it("needs exactly one of tickUs and bins", () => {
    expect(() => binToTicks(new Float64Array(0), new Int32Array(0), {})).toThrow(expect.objectContaining({ code: "E_EVENTS_OPTIONS" }));
    expect(() => binToTicks(new Float64Array(0), new Int32Array(0), { tickUs: 1, bins: 2 })).toThrow(expect.objectContaining({ code: "E_EVENTS_OPTIONS" }));
  });

  fcTest.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: -1, max: 50 })), { maxLength: 300 }), fc.integer({ min: 1, max: 5000 })])(
    "spike lists are sorted, unique, and count every kept event once",
    (evs, tickUs) => {
      const s = binToTicks(Float64Array.from(evs, (e) => e[0]), Int32Array.from(evs, (e) => e[1]), { tickUs });
      for (let k = 1; k < s.tick.length; k++) {
        expect(s.tick[k] > s.tick[k - 1] || (s.tick[k] === s.tick[k - 1] && s.channel[k] > s.channel[k - 1])).toBe(true);
      }
      const kept = evs.filter((e) => e[1] >= 0);
      expect(Array.from(s.count).reduce((a, c) => a + c, 0)).toBe(kept.length);
      const keys = new Set(kept.map((e) => `${Math.floor(e[0] / tickUs)},${e[1]}`));
      expect(s.tick.length).toBe(keys.size);
    },
  );
});
