/**
 * Spike encoders for static data (images, feature vectors): value v_i of channel i, normalised by
 * `maxValue` to u_i = v_i / maxValue ∈ [0, 1], becomes spikes over `steps` ticks.
 *
 *  - Poisson rate (Diehl & Cook 2015's input): channel i fires at rate u_i · maxRateHz; per tick it spikes
 *    with probability P_i = min(1, u_i · maxRateHz · tickUs · 10⁻⁶) (core/poisson-tick.ts: Brian's
 *    PoissonGroup, rand() < rate·dt, as in D&C's code; the mean count is the rate asked for; P is clipped at 1).
 *  - Bernoulli: spikes with probability P_i = u_i every tick (rate = u_i per tick).
 *  - Time to first spike: one spike at tick round((1 − u_i) · (steps − 1)) — the largest value fires first,
 *    at tick 0 — and none when u_i ≤ threshold. Deterministic.
 *
 * Randomness: channel i draws from createRng(seed).fork(i), so its spike train depends only on the seed,
 * its index and its own value, never on other channels or on how many there are. Output is a SpikeList
 * sorted by tick, then channel.
 */
import { poissonTickProbability } from "../../poisson-tick.ts";
import { createRng } from "../../rng.ts";
import { EventsErrorCode, checkPositiveInt, checkPositiveNumber, eventsError } from "./errors.ts";
import type { SpikeList } from "./types.ts";

export interface EncoderBaseOptions {
  /** Ticks to generate. */
  readonly steps: number;
  /** The value that maps to u = 1 (default 1; 255 for 8-bit pixels). */
  readonly maxValue?: number;
  /** Tick length in µs (default 1000), recorded in the result (and used by the Poisson rate). */
  readonly tickUs?: number;
}

export interface PoissonOptions extends EncoderBaseOptions {
  /** Firing rate of a channel at u = 1, in Hz. */
  readonly maxRateHz: number;
  readonly seed: number;
}

export interface BernoulliOptions extends EncoderBaseOptions {
  readonly seed: number;
}

export interface TtfsOptions extends EncoderBaseOptions {
  /** Channels with u ≤ threshold do not fire (default 0: a zero input never spikes). */
  readonly threshold?: number;
}

function normalised(values: ArrayLike<number>, maxValue: number): Float64Array {
  const u = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v < 0 || v > maxValue) {
      throw eventsError(EventsErrorCode.options, `value ${i} is ${v}; encoder inputs must lie in [0, maxValue = ${maxValue}]`, "rescale the data, or set maxValue (e.g. 255 for 8-bit pixels)", { field: `values[${i}]` });
    }
    u[i] = v / maxValue;
  }
  return u;
}

/** Growable (tick, channel) list, then a counting sort by tick (stable: channels stay ascending). */
class SpikeAccumulator {
  tick = new Int32Array(1024);
  channel = new Int32Array(1024);
  n = 0;

  push(t: number, c: number): void {
    if (this.n === this.tick.length) {
      const t2 = new Int32Array(this.n * 2); t2.set(this.tick); this.tick = t2;
      const c2 = new Int32Array(this.n * 2); c2.set(this.channel); this.channel = c2;
    }
    this.tick[this.n] = t;
    this.channel[this.n] = c;
    this.n++;
  }

  sorted(steps: number, tickUs: number): SpikeList {
    const start = new Int32Array(steps + 1);
    for (let k = 0; k < this.n; k++) start[this.tick[k] + 1]++;
    for (let s = 0; s < steps; s++) start[s + 1] += start[s];
    const tick = new Int32Array(this.n);
    const channel = new Int32Array(this.n);
    for (let k = 0; k < this.n; k++) {
      const at = start[this.tick[k]]++;
      tick[at] = this.tick[k];
      channel[at] = this.channel[k];
    }
    return { tick, channel, count: new Uint32Array(this.n).fill(1), steps, tickUs, t0Us: 0 };
  }
}

function base(o: EncoderBaseOptions): { steps: number; maxValue: number; tickUs: number } {
  return {
    steps: checkPositiveInt(o.steps, "steps"),
    maxValue: checkPositiveNumber(o.maxValue ?? 1, "maxValue"),
    tickUs: checkPositiveNumber(o.tickUs ?? 1000, "tickUs"),
  };
}

function checkSeed(seed: number): number {
  if (!Number.isInteger(seed)) throw eventsError(EventsErrorCode.options, `seed is ${seed}; it must be an integer`, "give an integer seed", { field: "seed" });
  return seed;
}

/** Per-tick spikes with channel probabilities prob[i] (independent streams per channel). */
function bernoulliTrains(prob: Float64Array, steps: number, seed: number, tickUs: number): SpikeList {
  const root = createRng(checkSeed(seed));
  const acc = new SpikeAccumulator();
  for (let i = 0; i < prob.length; i++) {
    const pr = prob[i];
    if (pr <= 0) continue;
    const rng = root.fork(i);
    for (let t = 0; t < steps; t++) if (rng.nextFloat() < pr) acc.push(t, i);
  }
  return acc.sorted(steps, tickUs);
}

/** Poisson rate coding: P(spike per tick) = min(1, u · maxRateHz · tickUs · 1e-6). */
export function poissonEncode(values: ArrayLike<number>, options: PoissonOptions): SpikeList {
  const { steps, maxValue, tickUs } = base(options);
  const rate = options.maxRateHz;
  if (!Number.isFinite(rate) || rate < 0) throw eventsError(EventsErrorCode.options, `maxRateHz is ${rate}; it must be a finite rate ≥ 0`, "give the firing rate at the maximum value, e.g. 63.75 Hz (Diehl & Cook)", { field: "maxRateHz" });
  const u = normalised(values, maxValue);
  for (let i = 0; i < u.length; i++) u[i] = poissonTickProbability(u[i] * rate, tickUs);
  return bernoulliTrains(u, steps, options.seed, tickUs);
}

/** Bernoulli coding: P(spike per tick) = u. */
export function bernoulliEncode(values: ArrayLike<number>, options: BernoulliOptions): SpikeList {
  const { steps, maxValue, tickUs } = base(options);
  return bernoulliTrains(normalised(values, maxValue), steps, options.seed, tickUs);
}

/** Time-to-first-spike coding: one spike at round((1 − u) · (steps − 1)) for u > threshold. */
export function ttfsEncode(values: ArrayLike<number>, options: TtfsOptions): SpikeList {
  const { steps, maxValue, tickUs } = base(options);
  const threshold = options.threshold ?? 0;
  if (!Number.isFinite(threshold) || threshold < 0 || threshold >= 1) {
    throw eventsError(EventsErrorCode.options, `threshold is ${threshold}; it must lie in [0, 1)`, "give the normalised value below which a channel stays silent", { field: "threshold" });
  }
  const u = normalised(values, maxValue);
  const acc = new SpikeAccumulator();
  for (let i = 0; i < u.length; i++) {
    if (u[i] <= threshold) continue;
    acc.push(Math.round((1 - u[i]) * (steps - 1)), i);
  }
  return acc.sorted(steps, tickUs);
}
