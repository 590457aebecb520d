/**
 * BindsNET's Poisson encoder (chip/learning/poisson-isi-encoder.ts, audit s21h H2) against a line-by-line
 * transcription of BindsNET @34ee292 encodings.py `poisson` (approx=False) below. The two cannot agree spike for
 * spike (torch's random stream is not aerchip's), so the test compares the construction's statistics over
 * many trains: the per-pixel count distribution (mean, sd, histogram), no spikes from a pixel whose mean
 * interval is well past the presentation, and the first spike at the first interval (not at a random phase).
 * It also shows the per-tick encoder (D&C's, the default) does not have these statistics.
 */
import { describe, expect, it } from "vitest";
import { bindsnetPoissonEncode, logGamma, poissonDraw } from "../../../chip/learning/poisson-isi-encoder.ts";
import { poissonEncode, type SpikeTrain } from "../../../chip/learning/encoders.ts";
import { createRng, type Rng } from "../../../core/rng.ts";

/** An independent exact Poisson(λ) draw: inversion, walking the CDF from 0 (slow for large λ; fine here). */
function poissonByInversion(lambda: number, rng: Rng): number {
  const u = rng.nextFloat();
  let k = 0;
  let p = Math.exp(-lambda);
  let cdf = p;
  while (u > cdf && k < 10 * lambda + 100) { k++; p *= lambda / k; cdf += p; }
  return k;
}

/** BindsNET encodings.py poisson for one input of `datum` Hz, transcribed (time steps, dt ms); returns spike steps. */
function bindsnetTranscription(datum: number, time: number, dt: number, rng: Rng): number[] {
  const steps = Math.floor(time / dt);                                   // time = int(time / dt)
  if (datum === 0) return [];
  const rate = (1 / datum) * (1000 / dt);                               // rate[datum != 0] = 1/datum·(1000/dt)
  const intervals: number[] = [];
  for (let k = 0; k < steps + 1; k++) intervals.push(poissonByInversion(rate, rng)); // sample([time + 1])
  for (let k = 0; k < intervals.length; k++) if (intervals[k] === 0) intervals[k] += 1; // += (intervals == 0)
  const times: number[] = [];
  let c = 0;
  for (const iv of intervals) { c += iv; times.push(c >= steps + 1 ? 0 : c); } // cumsum; times[≥ time+1] = 0
  const spikes = new Uint8Array(steps + 1);
  for (const t of times) spikes[t] = 1;
  const out: number[] = [];
  for (let t = 1; t <= steps; t++) if (spikes[t] === 1) out.push(t - 1); // spikes = spikes[1:]
  return out;
}

function counts(train: SpikeTrain, n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (const i of train.neuron) c[i]++;
  return c;
}
const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const sd = (x: number[]) => { const m = mean(x); return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length); };
/** Total-variation distance between two count samples' histograms. */
function tv(a: number[], b: number[]): number {
  const h = new Map<number, number>();
  for (const x of a) h.set(x, (h.get(x) ?? 0) + 1 / a.length);
  for (const x of b) h.set(x, (h.get(x) ?? 0) - 1 / b.length);
  return 0.5 * [...h.values()].reduce((s, v) => s + Math.abs(v), 0);
}

const T = 250;
const REPS = 3000;
/** One train of REPS copies of each rate at once (inputs are independent), the encoder's counts per input. */
function encoderCounts(rateHz: number, seed: number, enc = bindsnetPoissonEncode): number[] {
  return counts(enc(new Float64Array(REPS).fill(rateHz), T, 1, createRng(seed)), REPS);
}
function transcriptionCounts(rateHz: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: REPS }, () => bindsnetTranscription(rateHz, T, 1, rng).length);
}

describe("bindsnetPoissonEncode (BindsNET encodings.py poisson)", () => {
  it("a white pixel at 128 Hz: ≈ 31.6 spikes in 250 steps, sd ≈ 2, the same count histogram as the transcription", () => {
    const a = encoderCounts(128, 1);
    const b = transcriptionCounts(128, 2);
    expect(mean(a)).toBeCloseTo(31.6, 0);
    expect(Math.abs(mean(a) - mean(b))).toBeLessThan(0.15);
    expect(Math.abs(sd(a) - sd(b))).toBeLessThan(0.15);
    expect(sd(a)).toBeLessThan(2.5);
    expect(tv(a, b)).toBeLessThan(0.06);
    // The per-tick encoder (p = r·dt) sends ≈ 32.0 with sd ≈ 5.3: about the same mean, not BindsNET's spread.
    const perTick = encoderCounts(128, 1, poissonEncode);
    expect(Math.abs(mean(perTick) - 32)).toBeLessThan(0.3);
    expect(sd(perTick)).toBeGreaterThan(4);
    expect(tv(perTick, b)).toBeGreaterThan(0.3);
  });

  it("mid and faint pixels: the same mean count as the transcription (64 Hz, 10 Hz, 20 Hz with λ ≥ 10: the rejection sampler)", () => {
    for (const [rate, seed] of [[64, 3], [20, 5], [10, 7]] as const) {
      const a = encoderCounts(rate, seed);
      const b = transcriptionCounts(rate, seed + 100);
      expect(Math.abs(mean(a) - mean(b)), `${rate} Hz`).toBeLessThan(0.1 + 0.03 * mean(b));
      expect(tv(a, b), `${rate} Hz`).toBeLessThan(0.06);
    }
    // 10 Hz: mean interval 100 steps, so nearly always 2 spikes in 250 (BindsNET ≈ 2.0; per tick ≈ 2.5).
    expect(mean(encoderCounts(10, 9))).toBeCloseTo(2.0, 1);
  });

  it("a pixel whose mean interval is well past the presentation never spikes (3 Hz: λ = 333 steps > 250); rate 0 never", () => {
    expect(encoderCounts(3, 11).every((c) => c === 0)).toBe(true);
    expect(transcriptionCounts(3, 12).every((c) => c === 0)).toBe(true);
    expect(encoderCounts(0, 13).every((c) => c === 0)).toBe(true);
    // A rate whose mean interval overflows to infinity spikes never, rather than failing (audit s21i I2).
    expect(bindsnetPoissonEncode([1e-320, 128], 250, 1, createRng(5)).neuron.every((i) => i === 1)).toBe(true);
    // The per-tick encoder gives such a pixel ≈ 0.75 spikes per presentation (250 · 3 Hz · 1 ms).
    expect(mean(encoderCounts(3, 11, poissonEncode))).toBeGreaterThan(0.5);
  });

  it("the first spike comes at the first interval (mean step ≈ λ − 1 for 40 Hz, λ = 25), sorted by tick then input, and seeded", () => {
    const rates = new Float64Array(REPS).fill(40);
    const train = bindsnetPoissonEncode(rates, T, 1, createRng(21));
    const first = new Array<number>(REPS).fill(-1);
    for (let k = 0; k < train.tick.length; k++) {
      if (k > 0) expect(train.tick[k] > train.tick[k - 1] || (train.tick[k] === train.tick[k - 1] && train.neuron[k] > train.neuron[k - 1])).toBe(true);
      if (first[train.neuron[k]] < 0) first[train.neuron[k]] = train.tick[k];
    }
    expect(mean(first)).toBeGreaterThan(23.4);
    expect(mean(first)).toBeLessThan(24.6);
    const again = bindsnetPoissonEncode(rates, T, 1, createRng(21));
    expect(Array.from(again.tick)).toEqual(Array.from(train.tick));
    expect(Array.from(again.neuron)).toEqual(Array.from(train.neuron));
  });

  it("the Poisson draws are Poisson: mean and variance λ on both sides of the λ = 10 switch; log Γ exact at integers", () => {
    for (const lambda of [0.5, 7.8125, 12, 100, 1953]) {
      const rng = createRng(31);
      const x = Array.from({ length: 20000 }, () => poissonDraw(lambda, rng));
      expect(Math.abs(mean(x) - lambda) / Math.sqrt(lambda / 20000), `λ ${lambda}`).toBeLessThan(4.5);
      expect(sd(x) ** 2 / lambda, `λ ${lambda}`).toBeGreaterThan(0.95);
      expect(sd(x) ** 2 / lambda, `λ ${lambda}`).toBeLessThan(1.05);
    }
    let lf = 0;
    for (let k = 1; k <= 200; k++) { lf += Math.log(k); expect(logGamma(k + 1)).toBeCloseTo(lf, 8); }
  });
});
