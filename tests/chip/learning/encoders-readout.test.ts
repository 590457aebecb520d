import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/rng.ts";
import { bernoulliEncode, poissonEncode } from "../../../chip/learning/encoders.ts";
import { accuracy, assignLabels, predictClass } from "../../../chip/learning/readout.ts";

describe("rate encoders", () => {
  it("Poisson: the spike count matches T·rate·dt (Brian's PoissonGroup, D&C's code) and the seed fixes the train", () => {
    const rates = [0, 20, 63.75, 200];
    const T = 20000;
    const a = poissonEncode(rates, T, 1, createRng(3));
    const b = poissonEncode(rates, T, 1, createRng(3));
    expect(Array.from(a.tick)).toEqual(Array.from(b.tick));
    const count = [0, 0, 0, 0];
    for (const n of a.neuron) count[n]++;
    expect(count[0]).toBe(0);
    for (let i = 1; i < 4; i++) {
      // p = r·dt (audit s24c #6): at 200 Hz T·p = 4,000; the former 1 − e^(−r·dt) gives 3,625 (6.6 sd below).
      const p = rates[i] * 1e-3;
      const sd = Math.sqrt(T * p * (1 - p));
      expect(Math.abs(count[i] - T * p)).toBeLessThan(5 * sd);
    }
    // Sorted by tick, at most one spike per input and tick.
    for (let k = 1; k < a.tick.length; k++) expect(a.tick[k] > a.tick[k - 1] || (a.tick[k] === a.tick[k - 1] && a.neuron[k] > a.neuron[k - 1])).toBe(true);
  });

  it("Poisson: a rate above 1/dt fires every tick (p = min(1, r·dt)), as rand() < rate·dt does", () => {
    const t = poissonEncode([1500, 999.999], 2000, 1, createRng(4));
    const count = [0, 0];
    for (const n of t.neuron) count[n]++;
    expect(count[0]).toBe(2000);
    expect(count[1]).toBeGreaterThan(1990);
  });

  it("Bernoulli with p = 1 spikes every tick; bad rates are refused with a code", () => {
    const t = bernoulliEncode([1, 0], 5, createRng(1));
    expect(Array.from(t.tick)).toEqual([0, 1, 2, 3, 4]);
    expect(() => poissonEncode([-1], 5, 1, createRng(1))).toThrow(expect.objectContaining({ code: "E_ENCODER_RATE" }));
  });
});

describe("label-assignment readout", () => {
  it("labels each neuron with its strongest class and votes by class means", () => {
    // 3 neurons, 2 classes, 4 samples: neuron 0 answers class 0, neuron 1 class 1, neuron 2 never fires.
    const counts = Float64Array.from([
      5, 1, 0,
      4, 0, 0,
      0, 3, 0,
      1, 6, 0,
    ]);
    const labels = [0, 0, 1, 1];
    const a = assignLabels(counts, labels, 3, 2);
    expect(Array.from(a)).toEqual([0, 1, -1]);
    expect(predictClass([0, 2, 0], 0, a, 2)).toBe(1);
    expect(predictClass([0, 0, 9], 0, a, 2)).toBe(-1);
    expect(accuracy(counts, labels, a, 2)).toBe(1);
    expect(accuracy(counts, [1, 1, 1, 1], a, 2)).toBe(0.5);
  });
});
