/**
 * Bins of events (core/io/events/transforms.ts BinOptions.eventCount / eventBins): tonic's
 * ToFrame(event_count = N) and ToFrame(n_event_bins = N) without overlap, checked against tonic's slicing
 * written out below (SliceByEventCount: c = min(N, n), ⌊(n − c)/N⌋ + 1 slices [k·N, k·N + c);
 * SliceByEventBins: c = ⌊n/N⌋, N slices [k·c, (k+1)·c)), then one spike per (tick, channel) with its count.
 */
import { describe, expect, it } from "vitest";
import { test as fcTest, fc } from "@fast-check/vitest";
import { binToTicks } from "../../../../core/io/events/transforms.ts";

/** tonic's slices as (start, end) index pairs over the kept events. */
function tonicSlices(n: number, rule: { eventCount: number } | { eventBins: number }): Array<[number, number]> {
  if ("eventCount" in rule) {
    const c = Math.min(rule.eventCount, n);
    const slices = Math.floor((n - c) / rule.eventCount) + 1;
    return Array.from({ length: slices }, (_, k) => [k * rule.eventCount, k * rule.eventCount + c]);
  }
  const c = Math.floor(n / rule.eventBins);
  return Array.from({ length: rule.eventBins }, (_, k) => [k * c, (k + 1) * c]);
}

/** The spikes (tick, channel, count) tonic's frames hold: per slice, the events counted per channel. */
function expected(channels: number[], rule: { eventCount: number } | { eventBins: number }): Array<[number, number, number]> {
  const kept = channels.filter((c) => c >= 0);
  const out: Array<[number, number, number]> = [];
  tonicSlices(kept.length, rule).forEach(([a, b], k) => {
    const per = new Map<number, number>();
    for (const c of kept.slice(a, b)) per.set(c, (per.get(c) ?? 0) + 1);
    for (const c of [...per.keys()].sort((x, y) => x - y)) out.push([k, c, per.get(c)!]);
  });
  return out;
}

const spikes = (s: ReturnType<typeof binToTicks>): Array<[number, number, number]> => Array.from(s.tick, (t, i) => [t, s.channel[i], s.count[i]]);

describe("bins of events (tonic event_count / n_event_bins)", () => {
  // Channels of 7 events in the recording's order (times increasing); −1 = dropped by a transform.
  const t = Float64Array.of(100, 300, 500, 900, 1500, 1999, 2100, 2500);
  const ch = Int32Array.of(3, 3, 2, 1, 1, 3, 3, -1);

  it("event_count 3: two ticks of 3 events, the 7th event (incomplete tick) dropped; by hand", () => {
    const s = binToTicks(t, ch, { eventCount: 3 });
    expect(s.steps).toBe(2);
    expect(spikes(s)).toEqual([[0, 2, 1], [0, 3, 2], [1, 1, 2], [1, 3, 1]]);
  });

  it("n_event_bins 3: ⌊7/3⌋ = 2 events per tick, 3 ticks, the last event dropped; fewer events than bins: empty ticks", () => {
    const s = binToTicks(t, ch, { eventBins: 3 });
    expect(s.steps).toBe(3);
    expect(spikes(s)).toEqual([[0, 3, 2], [1, 1, 1], [1, 2, 1], [2, 1, 1], [2, 3, 1]]);
    const few = binToTicks(t, ch, { eventBins: 9 });
    expect(few.steps).toBe(9);
    expect(few.tick.length).toBe(0);
  });

  it("event_count above the events: one tick with all of them; no events: one empty tick", () => {
    const s = binToTicks(t, ch, { eventCount: 100 });
    expect(s.steps).toBe(1);
    expect(spikes(s)).toEqual([[0, 1, 2], [0, 2, 1], [0, 3, 4]]);
    expect(binToTicks(new Float64Array(0), new Int32Array(0), { eventCount: 4 }).steps).toBe(1);
  });

  it("refuses two rules at once and a count below 1", () => {
    expect(() => binToTicks(t, ch, { eventCount: 2, tickUs: 1000 })).toThrow(expect.objectContaining({ code: "E_EVENTS_OPTIONS" }));
    expect(() => binToTicks(t, ch, { eventCount: 2, eventBins: 2 })).toThrow(expect.objectContaining({ code: "E_EVENTS_OPTIONS" }));
    expect(() => binToTicks(t, ch, { eventCount: 0 })).toThrow();
  });

  fcTest.prop([
    fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 60 }),
    fc.integer({ min: 1, max: 12 }),
    fc.boolean(),
  ])("equals tonic's slicing for any events and N", (channels, N, byCount) => {
    const times = Float64Array.from(channels, (_, i) => 10 * i);
    const rule = byCount ? { eventCount: N } : { eventBins: N };
    const s = binToTicks(times, Int32Array.from(channels), rule);
    expect(spikes(s)).toEqual(expected(channels, rule));
    expect(s.steps).toBe(tonicSlices(channels.filter((c) => c >= 0).length, rule).length);
  });
});
