/**
 * Quantised traces with a negative impulse (audit s24b #9). The default LSB takes the impulse's sign
 * (impulse/2^max(0, bits − 3) < 0), and the engine compared "z > max" and "v > max" with a negative max, so
 * every value was pinned at max = (2^bits − 1)·lsb for ever: one spike into a 6-bit trace with impulse −1
 * summed to 19 × −7.875 over 19 ticks. The trace is now sign-magnitude: k·lsb with k ∈ [0, 2^bits − 1],
 * |z|/|lsb| rounded and saturated as a positive trace's is, so it is the exact mirror image of the trace
 * with impulse +1 (docs/learning.md §5).
 *
 * Readout: the rule dw = 2^-10·x1·u0 adds x1/1024 to the weight (starting at 0) at the end of every tick, so
 * w_final·1024 = Σ_t x1[t] (float weights, bounds ±100: nothing clips; IEEE sums are sign-symmetric, so the
 * mirror image compares exactly, and with a dyadic LSB every figure is exact).
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { genericWith } from "../../helpers/specs.ts";

interface Case { readonly steps: number; readonly spikeTicks: readonly number[]; readonly trace: Record<string, unknown>; readonly rounding?: string }

/** Σ_t x1[t] over the run: one input → one neuron that never fires (vThreshold 100), delay 1. */
function sumX1(c: Case): number {
  const m = {
    format: "aerchip-model-1", name: "neg", steps: c.steps,
    populations: [
      { name: "in", kind: "input", size: 1, spikes: c.spikeTicks.map((t) => [t, 0]) },
      { name: "out", kind: "neuron", size: 1, vThreshold: 100 },
    ],
    projections: [{
      name: "p", pre: "in", post: "out", dense: { weights: [[0]], delays: 1 },
      learning: { rule: "dw = 2^-10*x1*u0", traces: { x1: c.trace }, wMin: -100, wMax: 100, rounding: c.rounding ?? "nearest", seed: 3 },
    }],
  } as unknown as Json;
  const spec = genericWith();
  const loaded = parseAerchipModel(m, "neg.json");
  const compiled = compileModel(loaded.graph, spec, {});
  const sim = simulate(spec, compiled.program, loaded.stimulus, { steps: c.steps });
  expect(sim.spikes.get("out")!.tick.length).toBe(0);
  return sim.finalWeights.get("p")![0] * 1024;
}

describe("quantised traces with a negative impulse", () => {
  it("one spike, 6 bits, τ = 2, nearest: decays as the hand computation says, not pinned at −7.875", () => {
    // lsb = −1/2^(6−3) = −1/8, decay = e^(−1/2) = 0.60653. The spike of tick 0 arrives at tick 1: x1 = −1 = 8 LSB.
    // Each later tick, k ← round(k·0.60653): 8 → round(4.852) = 5 → round(3.033) = 3 → round(1.820) = 2
    // → round(1.213) = 1 → round(0.607) = 1 (a fixed point of nearest rounding, #5) … up to tick 19.
    const lsbs = [8, 5, 3, 2, ...Array<number>(15).fill(1)]; // ticks 1..19
    const expected = -lsbs.reduce((a, b) => a + b, 0) / 8; // −33/8
    const trace = { tauTicks: 2, impulse: -1, mode: "add", bits: 6 };
    expect(sumX1({ steps: 20, spikeTicks: [0], trace })).toBe(expected);
    expect(expected).toBe(-4.125);
    // The mirror image: impulse +1 gives the same magnitudes (the positive arithmetic is unchanged).
    expect(sumX1({ steps: 20, spikeTicks: [0], trace: { ...trace, impulse: 1 } })).toBe(-expected);
  });

  it("saturates at −(2^bits − 1)·|lsb| on jumps: 3 bits, no decay, a spike every tick", () => {
    // lsb = −1/2^max(0, 0) = −1, max = 7·lsb = −7. Arrivals at ticks 1..10 add −1 each: −1, −2, …, −7, then −7
    // (saturated) at ticks 8, 9, 10, and −7 at tick 11 (no arrival, decay 1).
    const perTick = [1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7]; // ticks 1..11
    const expected = -perTick.reduce((a, b) => a + b, 0);
    const trace = { decay: 1, impulse: -1, mode: "add", bits: 3 };
    expect(sumX1({ steps: 12, spikeTicks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], trace })).toBe(expected);
    expect(sumX1({ steps: 12, spikeTicks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], trace: { ...trace, impulse: 1 } })).toBe(-expected);
  });

  it("bits < 3: the default lsb of an add trace is the impulse (impulse/2^max(0, bits − 3), docs §5, audit s24b #4)", () => {
    // 2 bits, impulse 1, no decay: lsb = 1, max = 3. Arrivals at ticks 1..4: 1, 2, 3, 3 (saturated), tick 5: 3.
    // (The formula the docs gave, impulse/2^(bits − 3) = 2, would allow 1, 2, 3, 4, 4.)
    const perTick = [1, 2, 3, 3, 3];
    expect(sumX1({ steps: 6, spikeTicks: [0, 1, 2, 3], trace: { decay: 1, impulse: 1, mode: "add", bits: 2 } })).toBe(perTick.reduce((a, b) => a + b, 0));
  });

  it("stochastic rounding and a given lsb: the negative trace is the exact negation of the positive one", () => {
    const spikeTicks = [0, 3, 4, 9, 10, 11, 20, 33];
    for (const trace of [
      { tauTicks: 5, impulse: -1, mode: "add", bits: 5 },
      { tauTicks: 7, impulse: -0.75, mode: "set", bits: 4 },
      { tauTicks: 3, impulse: -1, mode: "add", bits: 6, lsb: 0.0625 },
    ]) {
      const neg = sumX1({ steps: 40, spikeTicks, trace, rounding: "stochastic" });
      const pos = sumX1({ steps: 40, spikeTicks, trace: { ...trace, impulse: -trace.impulse }, rounding: "stochastic" });
      expect(neg, JSON.stringify(trace)).toBeLessThan(0);
      expect(neg, JSON.stringify(trace)).toBe(-pos);
    }
  });
});
