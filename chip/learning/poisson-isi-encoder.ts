/**
 * BindsNET's Poisson encoder ([C] BindsNET @34ee292 bindsnet/encoding/encodings.py `poisson`, approx=False),
 * drawn from aerchip's seeded stream (core/rng.ts) instead of torch's:
 *   λ_i = 1000 / (rate_i · dt)              mean inter-spike interval in steps (rate in Hz, dt in ms)
 *   ISI_k ~ Poisson(λ_i), then 0 → 1        ("incrementing by 1 to avoid zero intervals")
 *   t_k = Σ_{m ≤ k} ISI_m                    the first spike comes at the first interval, not at a random phase
 *   spike at output step t_k − 1 for 1 ≤ t_k ≤ ticks (BindsNET drops index 0 and times ≥ ticks + 1)
 * A rate of 0 gives no spikes. Consequences (measured in the audit, s21h H2): the mean count of a white pixel
 * at 128 Hz over 250 steps is ≈ 31.6, not 32 (the first interval starts at step 0 with no spike there, which
 * costs about 0.4 spike per presentation), counts are nearly regular (sd ≈ 2), and a
 * pixel whose λ is well above the presentation (rate ≲ 3.5 Hz at 250 steps) almost never spikes: its first
 * interval already ends after the presentation. BindsNET draws time + 1 intervals; drawing until the sum
 * passes `ticks` gives the same spikes (later intervals only add times ≥ ticks + 1, which it discards).
 * Poisson draws: Knuth's product of uniforms for λ < 10, Hörmann's transformed rejection (PTRS, 1993) for
 * λ ≥ 10, as NumPy's legacy sampler; both exact.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { Rng } from "../../core/rng.ts";
import type { SpikeTrain } from "./encoders.ts";

/** Stirling-series log Γ(x) for x > 0 (NumPy's random_loggam coefficients). */
export function logGamma(x: number): number {
  const a = [8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04, -5.952380952380952e-04, 8.417508417508418e-04,
    -1.917526917526918e-03, 6.410256410256410e-03, -2.955065359477124e-02, 1.796443723688307e-01, -1.39243221690590e+00];
  if (x === 1 || x === 2) return 0;
  const n = x < 7 ? Math.floor(7 - x) : 0;
  let x0 = x + n;
  const x2 = 1 / (x0 * x0);
  let gl0 = a[9];
  for (let k = 8; k >= 0; k--) gl0 = gl0 * x2 + a[k];
  let gl = gl0 / x0 + 0.5 * Math.log(2 * Math.PI) + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 1; k <= n; k++) { gl -= Math.log(x0 - 1); x0 -= 1; }
  return gl;
}

/** One Poisson(λ) draw, λ ≥ 0. */
export function poissonDraw(lambda: number, rng: Rng): number {
  if (lambda === 0) return 0;
  if (lambda < 10) {
    // Knuth: the number of uniforms whose running product stays above e^(−λ).
    const enlam = Math.exp(-lambda);
    let x = 0;
    let prod = 1;
    for (;;) {
      prod *= rng.nextFloat();
      if (prod > enlam) x++;
      else return x;
    }
  }
  // PTRS (Hörmann 1993, "The transformed rejection method for generating Poisson random variables").
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = rng.nextFloat() - 0.5;
    const V = rng.nextFloat();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor((2 * a / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) return k;
  }
}

/** BindsNET's `poisson` encoder for inputs at `ratesHz[i]` over `ticks` ticks of `tickMs` ms, from `rng`. */
export function bindsnetPoissonEncode(ratesHz: ArrayLike<number>, ticks: number, tickMs: number, rng: Rng): SpikeTrain {
  if (!Number.isInteger(ticks) || ticks < 0) throw new AerchipError("E_ENCODER_TICKS", `bindsnetPoissonEncode: ticks is ${ticks}; it must be an integer ≥ 0`, { field: "ticks", hint: "give the presentation length in ticks" });
  const n = ratesHz.length;
  const byTick: number[][] = Array.from({ length: ticks }, () => []);
  for (let i = 0; i < n; i++) {
    const r = ratesHz[i];
    if (!(r >= 0) || !Number.isFinite(r)) throw new AerchipError("E_ENCODER_RATE", `bindsnetPoissonEncode: rate ${i} is ${r} Hz; rates are finite and ≥ 0`, { field: "ratesHz", hint: "scale intensities to rates in Hz" });
    if (r === 0) continue;
    const lambda = 1000 / (r * tickMs);
    // A rate so small that its mean interval overflows (r < ~1e-305 Hz) never spikes within any presentation.
    if (!Number.isFinite(lambda)) continue;
    // Pixels in index order, intervals in time order: the stream's use is fixed, so a seed gives one train.
    for (let t = 0; ;) {
      t += Math.max(1, poissonDraw(lambda, rng));
      if (t > ticks) break;
      byTick[t - 1].push(i);
    }
  }
  const tick: number[] = [];
  const neuron: number[] = [];
  for (let t = 0; t < ticks; t++) for (const i of byTick[t]) { tick.push(t); neuron.push(i); }
  return { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) };
}
