/**
 * Overlapping frames (core/io/events/overlap.ts, BinOptions.overlap): tonic's `overlap` of ToFrame, checked
 * against tonic's slicers (tonic/slicers.py) written out below as tonic writes them — numpy's searchsorted
 * over the sorted times, its floor / ceil / int() frame counts — then one spike per (frame, channel) with its
 * count. aerchip's --tick-us frames count from t0 and reach the last event: tonic's SliceByTime with
 * start_time = t0, include_incomplete True, plus the one frame tonic leaves out when its last frame ends
 * exactly at the last event.
 */
import { describe, expect, it } from "vitest";
import { test as fcTest, fc } from "@fast-check/vitest";
import { join } from "node:path";
import { binToTicks, flatChannels } from "../../../../core/io/events/transforms.ts";
import { collectEvents } from "../../../../core/io/events/batch.ts";
import { readNmnist } from "../../../../core/io/events/nmnist.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../../helpers/shared.ts";

/** numpy.searchsorted(a, v, side="left") on an ascending array. */
function searchsorted(a: readonly number[], v: number): number {
  let i = 0;
  while (i < a.length && a[i] < v) i++;
  return i;
}
const arange = (n: number): number[] => Array.from({ length: Math.max(n, 0) }, (_, k) => k);

/** tonic SliceByTime.get_slice_metadata (start_time given, end_time = t[-1]). */
function sliceByTime(t: readonly number[], W: number, O: number, includeIncomplete: boolean, startTime: number): Array<[number, number]> {
  const stride = W - O;
  const duration = t[t.length - 1] - startTime;
  let n = includeIncomplete ? Math.trunc(Math.ceil((duration - W) / stride) + 1) : Math.trunc(Math.floor((duration - W) / stride) + 1);
  n = Math.max(n, 1);
  return arange(n).map((k) => {
    const s = k * stride + startTime;
    return [searchsorted(t, s), searchsorted(t, s + W)];
  });
}

/** tonic SliceByTimeBins.get_slice_metadata. */
function sliceByTimeBins(t: readonly number[], N: number, o: number): Array<[number, number]> {
  const window = Math.floor((t[t.length - 1] - t[0]) / N) * (1 + o);
  const stride = window * (1 - o);
  return arange(N).map((k) => {
    const s = k * stride + t[0];
    return [searchsorted(t, s), searchsorted(t, s + window)];
  });
}

/** tonic SliceByEventCount.get_slice_metadata (include_incomplete False). */
function sliceByEventCount(n: number, N: number, O: number): Array<[number, number]> {
  const c = Math.min(N, n);
  const stride = N - O;
  const slices = Math.trunc(Math.floor((n - c) / stride) + 1);
  return arange(slices).map((k) => [k * stride, k * stride + c]);
}

/** tonic SliceByEventBins.get_slice_metadata. */
function sliceByEventBins(n: number, N: number, o: number): Array<[number, number]> {
  const c = Math.trunc(Math.floor(n / N) * (1 + o));
  const stride = Math.trunc(c * (1 - o));
  return arange(N).map((k) => [k * stride, k * stride + c]);
}

/** ToFrame's count frames as spikes (frame, channel, count): numpy slices data[start:end] clip at the end. */
function frames(channels: readonly number[], slices: Array<[number, number]>): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  slices.forEach(([a, b], k) => {
    const per = new Map<number, number>();
    for (const c of channels.slice(a, b)) per.set(c, (per.get(c) ?? 0) + 1);
    for (const c of [...per.keys()].sort((x, y) => x - y)) out.push([k, c, per.get(c)!]);
  });
  return out;
}

const spikes = (s: ReturnType<typeof binToTicks>): Array<[number, number, number]> => Array.from(s.tick, (t, i) => [t, s.channel[i], s.count[i]]);
/** Events in at least one slice, each once. */
const distinct = (n: number, slices: Array<[number, number]>): number => arange(n).filter((i) => slices.some(([a, b]) => i >= a && i < b)).length;

describe("overlapping frames (tonic's overlap)", () => {
  // 7 events, times ascending, channels 0..3.
  const t = Float64Array.of(0, 300, 500, 900, 1500, 1999, 2100);
  const ch = Int32Array.of(3, 3, 2, 1, 1, 3, 3);

  it("time window 1000 µs, overlap 500: frames every 500 µs, by hand", () => {
    // D = 2100: ⌊(2100 − 1000)/500⌋ + 2 = 4 frames: [0,1000) [500,1500) [1000,2000) [1500,2500).
    const s = binToTicks(t, ch, { tickUs: 1000, overlap: 500 });
    expect(s.steps).toBe(4);
    expect(s.tickUs).toBe(500);
    expect(spikes(s)).toEqual([[0, 1, 1], [0, 2, 1], [0, 3, 2], [1, 1, 1], [1, 2, 1], [2, 1, 1], [2, 3, 1], [3, 1, 1], [3, 3, 2]]);
    expect(s.eventsInTicks).toBe(7);
    let delivered = 0;
    for (const c of s.count) delivered += c;
    expect(delivered).toBe(11); // e2 e3 e4 e5 in two frames each
  });

  it("event_count 3, overlap 1: frames every 2 events, the incomplete last dropped; n_event_bins 2, overlap 0.5", () => {
    // c = 3, stride 2, ⌊(7 − 3)/2⌋ + 1 = 3 frames: ranks [0,3) [2,5) [4,7).
    const s = binToTicks(t, ch, { eventCount: 3, overlap: 1 });
    expect(s.steps).toBe(3);
    expect(spikes(s)).toEqual([[0, 2, 1], [0, 3, 2], [1, 1, 2], [1, 2, 1], [2, 1, 1], [2, 3, 2]]);
    // c = int(3·1.5) = 4, stride int(4·0.5) = 2: [0,4) [2,6).
    const b = binToTicks(t, ch, { eventBins: 2, overlap: 0.5 });
    expect(spikes(b)).toEqual([[0, 1, 1], [0, 2, 1], [0, 3, 2], [1, 1, 2], [1, 2, 1], [1, 3, 1]]);
    expect(b.eventsInTicks).toBe(6);
  });

  it("overlap 0 or none: the frames without overlap, byte for byte; eventsInTicks only when an overlap is given", () => {
    for (const rule of [{ tickUs: 700 }, { eventCount: 3 }, { eventBins: 3 }, { bins: 4, binsRule: "tonic" as const }]) {
      const a = binToTicks(t, ch, rule);
      const b = binToTicks(t, ch, { ...rule, overlap: 0 });
      expect(spikes(b)).toEqual(spikes(a));
      expect([b.steps, b.tickUs]).toEqual([a.steps, a.tickUs]);
      expect(a.eventsInTicks).toBeUndefined();
      expect(b.eventsInTicks).toBe(a.count.reduce((x, y) => x + y, 0));
    }
  });

  it("refuses overlaps outside tonic's range (E_EVENTS_OPTIONS)", () => {
    for (const rule of [{ tickUs: 1000, overlap: 1000 }, { tickUs: 1000, overlap: -1 }, { eventCount: 3, overlap: 3 }, { eventCount: 3, overlap: 0.5 }, { eventBins: 2, overlap: 1 }, { bins: 2, binsRule: "tonic" as const, overlap: 1 }, { bins: 2, overlap: 0.5 }]) {
      expect(() => binToTicks(t, ch, rule), JSON.stringify(rule)).toThrow(expect.objectContaining({ code: "E_EVENTS_OPTIONS" }));
    }
    // An overlap a hair below the tick puts each event in ~10^8 frames: refused before the keys are allocated.
    expect(() => binToTicks(t, ch, { tickUs: 1000, overlap: 999.99999 })).toThrow(expect.objectContaining({ code: "E_EVENTS_RANGE", field: "overlap" }));
  });

  // Sorted times with repeats (integer µs), channels −1..5 (−1: dropped by a transform, in no frame).
  const events = fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -1, max: 5 })), { minLength: 1, maxLength: 50 }).map((ev) => {
    let at = 0;
    return ev.map(([dt, c]) => [(at += dt), c] as [number, number]);
  });

  fcTest.prop([events, fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 999 }).map((p) => p / 1000), fc.integer({ min: 0, max: 50 })])(
    "time window W, overlap O µs: tonic's SliceByTime from t0 (include_incomplete), plus the frame holding an event at its last frame's end",
    (ev, W, frac, t0) => {
      const O = Math.floor(frac * W);
      const kept = ev.filter(([tt, c]) => c >= 0 && tt >= t0);
      const s = binToTicks(Float64Array.from(ev, (e) => e[0]), Int32Array.from(ev, (e) => e[1]), { tickUs: W, overlap: O, t0Us: t0 });
      if (kept.length === 0) return void expect(s.tick.length).toBe(0);
      const tt = kept.map((e) => e[0]);
      let slices = sliceByTime(tt, W, O, true, t0);
      const lastEnd = (slices.length - 1) * (W - O) + t0 + W;
      if (lastEnd <= tt[tt.length - 1]) {
        const k = slices.length;
        slices = [...slices, [searchsorted(tt, k * (W - O) + t0), searchsorted(tt, k * (W - O) + t0 + W)]];
      }
      expect(s.steps).toBe(slices.length);
      expect(spikes(s)).toEqual(frames(kept.map((e) => e[1]), slices));
      expect(s.eventsInTicks).toBe(distinct(kept.length, slices));
      expect(s.tickUs).toBe(W - O);
    },
  );

  fcTest.prop([events, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 99 }).map((p) => p / 100), fc.constantFrom("eventCount", "eventBins", "bins")])(
    "event_count (overlap in events), n_event_bins and n_time_bins (overlap a fraction of a bin): tonic's slices",
    (ev, N, Oevents, o, rule) => {
      const kept = ev.filter(([, c]) => c >= 0);
      const chans = kept.map((e) => e[1]);
      const times = Float64Array.from(ev, (e) => e[0]);
      const channel = Int32Array.from(ev, (e) => e[1]);
      let slices: Array<[number, number]>;
      let s: ReturnType<typeof binToTicks>;
      if (rule === "eventCount") {
        const O = Oevents % N;
        s = binToTicks(times, channel, { eventCount: N, overlap: O });
        slices = sliceByEventCount(kept.length, N, O);
      } else if (rule === "eventBins") {
        s = binToTicks(times, channel, { eventBins: N, overlap: o });
        slices = sliceByEventBins(kept.length, N, o);
      } else {
        if (kept.length === 0) return;
        s = binToTicks(times, channel, { bins: N, binsRule: "tonic", overlap: o });
        slices = sliceByTimeBins(kept.map((e) => e[0]), N, o);
      }
      expect(s.steps).toBe(slices.length);
      expect(spikes(s)).toEqual(frames(chans, slices));
      expect(s.eventsInTicks).toBe(distinct(kept.length, slices));
    },
  );

  it.skipIf(!HAS_SHARED)(`the N-MNIST sample (4,325 events): every rule with an overlap equals tonic's slices ${SKIP_MSG}`, async () => {
    const b = await collectEvents(readNmnist(sharedPath("fixtures", "events", "sample_nmnist.bin")));
    const t = Array.from(b.tUs);
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThanOrEqual(t[i - 1]); // tonic slices sorted times
    const ch = flatChannels(b);
    const chans = Array.from(ch);
    const check = (s: ReturnType<typeof binToTicks>, slices: Array<[number, number]>): void => {
      expect(s.steps).toBe(slices.length);
      expect(spikes(s)).toEqual(frames(chans, slices));
      expect(s.eventsInTicks).toBe(distinct(chans.length, slices));
    };
    // 1 ms windows every 0.75 ms from the first event (t0 "first"): (D − W)/S is not whole here, so tonic's include_incomplete count.
    const first = binToTicks(b.tUs, ch, { tickUs: 1000, overlap: 250, t0Us: "first" });
    check(first, sliceByTime(t, 1000, 250, true, t[0]));
    check(binToTicks(b.tUs, ch, { eventCount: 100, overlap: 30 }), sliceByEventCount(t.length, 100, 30));
    check(binToTicks(b.tUs, ch, { eventBins: 10, overlap: 0.25 }), sliceByEventBins(t.length, 10, 0.25));
    check(binToTicks(b.tUs, ch, { bins: 10, binsRule: "tonic", overlap: 0.25 }), sliceByTimeBins(t, 10, 0.25));
  });
});
