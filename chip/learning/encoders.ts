/**
 * Rate encoders: intensities → input spike trains for one presentation, seeded (core/rng.ts).
 *   Poisson:   each tick, P(spike) = min(1, rate·Δt)     (core/poisson-tick.ts: Brian's PoissonGroup, as in
 *                                                         Diehl & Cook 2015's code; at most one spike per tick)
 *   Bernoulli: each tick, P(spike) = p                   (p given directly, e.g. the pixel value)
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { poissonTickProbability } from "../../core/poisson-tick.ts";
import type { Rng } from "../../core/rng.ts";

export interface SpikeTrain {
  /** Tick and input index of every spike, sorted by tick then index. */
  readonly tick: Int32Array;
  readonly neuron: Int32Array;
}

function check(ticks: number, where: string): void {
  if (!Number.isInteger(ticks) || ticks < 0) throw new AerchipError("E_ENCODER_TICKS", `${where}: ticks is ${ticks}; it must be an integer ≥ 0`, { field: "ticks", hint: "give the presentation length in ticks" });
}

/**
 * Poisson spikes at `ratesHz[i]` for input i over `ticks` ticks of `tickMs` milliseconds: p = min(1, r·Δt) per
 * tick (a rate above 1/Δt, e.g. after many intensity raises, fires every tick).
 */
export function poissonEncode(ratesHz: ArrayLike<number>, ticks: number, tickMs: number, rng: Rng): SpikeTrain {
  check(ticks, "poissonEncode");
  const n = ratesHz.length;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = ratesHz[i];
    if (!(r >= 0) || !Number.isFinite(r)) throw new AerchipError("E_ENCODER_RATE", `poissonEncode: rate ${i} is ${r} Hz; rates are finite and ≥ 0`, { field: "ratesHz", hint: "scale intensities to rates in Hz" });
    p[i] = poissonTickProbability(r, tickMs * 1000);
  }
  return bernoulliEncode(p, ticks, rng);
}

/** One Bernoulli draw per input and tick with probability p[i]. */
export function bernoulliEncode(p: ArrayLike<number>, ticks: number, rng: Rng): SpikeTrain {
  check(ticks, "bernoulliEncode");
  const tick: number[] = [];
  const neuron: number[] = [];
  const n = p.length;
  // Only inputs with p > 0 draw (MNIST: most pixels are 0).
  const active: number[] = [];
  for (let i = 0; i < n; i++) if (p[i] > 0) active.push(i);
  for (let t = 0; t < ticks; t++) {
    for (const i of active) {
      if (rng.nextFloat() < p[i]) { tick.push(t); neuron.push(i); }
    }
  }
  return { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) };
}
