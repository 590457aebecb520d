import { describe, expect, it } from "vitest";
import { bernoulliEncode, poissonEncode, ttfsEncode } from "../../../../core/io/events/encoders.ts";

function perChannel(s: { channel: Int32Array }, n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (const ch of s.channel) c[ch]++;
  return c;
}

describe("Poisson rate encoder", () => {
  it("fires at u · maxRateHz: 2,000 ticks of 1 ms at 63.75 Hz (value 255 of 255) give ~127 spikes", () => {
    const s = poissonEncode([255, 127.5, 0], { steps: 2000, maxRateHz: 63.75, maxValue: 255, tickUs: 1000, seed: 1 });
    const c = perChannel(s, 3);
    // Expected 127.5 and 63.75 spikes; binomial sd ≈ 11 and 8: accept ±4 sd.
    expect(Math.abs(c[0] - 127.5)).toBeLessThan(44);
    expect(Math.abs(c[1] - 63.75)).toBeLessThan(32);
    expect(c[2]).toBe(0);
    expect(s.steps).toBe(2000);
    expect(s.tickUs).toBe(1000);
  });

  it("is sorted by tick then channel, deterministic per seed, and changes with the seed", () => {
    const a = poissonEncode([1, 1, 1, 1], { steps: 500, maxRateHz: 200, tickUs: 1000, seed: 7 });
    for (let k = 1; k < a.tick.length; k++) expect(a.tick[k] > a.tick[k - 1] || (a.tick[k] === a.tick[k - 1] && a.channel[k] > a.channel[k - 1])).toBe(true);
    const b = poissonEncode([1, 1, 1, 1], { steps: 500, maxRateHz: 200, tickUs: 1000, seed: 7 });
    expect(Array.from(b.tick)).toEqual(Array.from(a.tick));
    expect(Array.from(b.channel)).toEqual(Array.from(a.channel));
    const c = poissonEncode([1, 1, 1, 1], { steps: 500, maxRateHz: 200, tickUs: 1000, seed: 8 });
    expect(Array.from(c.tick)).not.toEqual(Array.from(a.tick));
  });

  it("a channel's train depends only on its own value (independent streams per channel)", () => {
    const train = (vals: number[], ch: number): number[] => {
      const s = poissonEncode(vals, { steps: 300, maxRateHz: 100, tickUs: 1000, seed: 3 });
      return Array.from(s.tick).filter((_, k) => s.channel[k] === ch);
    };
    expect(train([0.5, 0.2, 0.9], 1)).toEqual(train([0, 0.2, 0, 0, 1], 1));
  });

  it("clips the per-tick probability at 1", () => {
    const s = poissonEncode([1], { steps: 50, maxRateHz: 5000, tickUs: 1000, seed: 2 });
    expect(s.tick.length).toBe(50);
  });

  it("refuses values outside [0, maxValue]", () => {
    expect(() => poissonEncode([2], { steps: 5, maxRateHz: 10, seed: 1 })).toThrow(expect.objectContaining({ code: "E_EVENTS_OPTIONS", field: "values[0]" }));
    expect(() => poissonEncode([0.5], { steps: 5, maxRateHz: 10, seed: 1.5 })).toThrow(expect.objectContaining({ code: "E_EVENTS_OPTIONS", field: "seed" }));
  });
});

describe("Bernoulli encoder", () => {
  it("spikes with probability u every tick: 0 never, 1 always, 0.25 about a quarter", () => {
    const s = bernoulliEncode([0, 1, 0.25], { steps: 4000, seed: 11 });
    const c = perChannel(s, 3);
    expect(c[0]).toBe(0);
    expect(c[1]).toBe(4000);
    expect(Math.abs(c[2] - 1000)).toBeLessThan(4 * Math.sqrt(4000 * 0.25 * 0.75));
  });
});

describe("time-to-first-spike encoder", () => {
  it("one spike at round((1 − u)(steps − 1)); zero stays silent", () => {
    const s = ttfsEncode([255, 0, 127.5, 51], { steps: 11, maxValue: 255 });
    expect(Array.from(s.tick)).toEqual([0, 5, 8]);
    expect(Array.from(s.channel)).toEqual([0, 2, 3]);
    const t = ttfsEncode([0.05, 0.5], { steps: 11, threshold: 0.1 });
    expect(Array.from(t.channel)).toEqual([1]);
  });
});
