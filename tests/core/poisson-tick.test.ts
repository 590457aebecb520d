import { describe, expect, it } from "vitest";
import { poissonTickProbability } from "../../core/poisson-tick.ts";
import { poissonEncode as learnPoisson } from "../../chip/learning/encoders.ts";
import { poissonEncode as convertPoisson } from "../../core/io/events/encoders.ts";
import { createRng } from "../../core/rng.ts";

describe("poissonTickProbability (Brian's PoissonGroup: rand() < rate·dt; audit s24c #6)", () => {
  it("is r·Δt, clipped at 1", () => {
    expect(poissonTickProbability(63.75, 1000)).toBeCloseTo(0.06375, 15);
    expect(poissonTickProbability(63.75, 500)).toBeCloseTo(0.031875, 15);
    expect(poissonTickProbability(318.75, 1000)).toBeCloseTo(0.31875, 15);
    expect(poissonTickProbability(0, 1000)).toBe(0);
    expect(poissonTickProbability(1000, 1000)).toBe(1);
    expect(poissonTickProbability(1500, 1000)).toBe(1);
  });

  it("learn's and convert's encoders send the same mean count r·T·Δt (D&C's 63.75 Hz after intensity 10: 318.75 Hz)", () => {
    const T = 20_000;
    const rate = 318.75;
    const p = rate * 1e-3;
    const sd = Math.sqrt(T * p * (1 - p));
    const learn = learnPoisson([rate], T, 1, createRng(5)).tick.length;
    const convert = convertPoisson([1], { steps: T, maxRateHz: rate, tickUs: 1000, seed: 5 }).tick.length;
    // 1 − e^(−r·dt) = 0.2730 would give 5,461 spikes, 14 sd below r·T·Δt = 6,375.
    for (const n of [learn, convert]) expect(Math.abs(n - T * p)).toBeLessThan(4 * sd);
  });
});
