/**
 * `aerchip learn … --set rateHzPerPixel=auto`: the input gain chosen by a stated, deterministic search
 * instead of D&C's MNIST value (audit s19 G14). With D&C's constants a low-dimensional feature vector
 * (12 features instead of 784 pixels) drives so little input that most samples stay below D&C's 5 spikes
 * even after their intensity loop (intensity + 1 up to maxIntensity), and the frozen pass leaves samples
 * silent (cluster −1): the clustering then measures the encoder, not STDP.
 *
 * The search: rungs g_k = 63.75 Hz · 2^k, k = 0 … AUTO_GAIN_RUNGS − 1 (the default gain, doubled; the
 * encoder's p = min(1, g·Δt) (core/poisson-tick.ts) reaches 1 spike per tick at a white pixel from 1,020 Hz at 1 ms
 * ticks, where the ladder stops). For each
 * rung in turn a probe network is built exactly as the run builds its own (same seed, so the same
 * initial weights and the same Poisson stream at every rung), its weights normalised as before the first
 * training sample, θ frozen at 0 and learning off, and each of the first AUTO_GAIN_PROBE_SAMPLES training
 * samples is shown once at D&C's first intensity (2, i.e. the rate is x/max(X) · g_k; no re-showing). The
 * chosen gain is the first (smallest) rung at which at least AUTO_GAIN_FRACTION of the probed samples gave
 * ≥ minSpikes excitatory spikes (with 0.5: the median sample reaches D&C's threshold without their intensity
 * loop). If no rung does, the largest is taken and the search says so (reached: false). The probes are
 * not trained, not charged to any figure, and do not touch the run's random streams (separate networks).
 * Probing is in float weights: one gain for every weight width, so the widths stay comparable.
 */
import type { LearnNeuronModel } from "./diehl-cook-cond.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import { poissonTickProbability } from "../../core/poisson-tick.ts";
import { DiehlCookRun, DIEHL_COOK_DEFAULTS, type DiehlCookParams } from "./diehl-cook.ts";
import type { LearnSplit } from "./mnist-data.ts";

/** Rungs of the ladder: the default gain × 2^k, k = 0 … 8. */
export const AUTO_GAIN_RUNGS = 9;
/** Training samples probed per rung (all of them when fewer). */
export const AUTO_GAIN_PROBE_SAMPLES = 100;
/** Fraction of the probed samples that must reach minSpikes (0.5: the median sample). */
export const AUTO_GAIN_FRACTION = 0.5;

export interface AutoGainRung {
  readonly rateHzPerPixel: number;
  /** Probed samples that gave ≥ minSpikes excitatory spikes at intensity 2. */
  readonly samplesAtMinSpikes: number;
  /** Probed samples that gave no excitatory spike at all. */
  readonly silentSamples: number;
  readonly probedSamples: number;
  /**
   * The Poisson encoder's spike probability per tick for the brightest input (value 1) at this rung,
   * min(1, rate·tickMs/1000) (core/poisson-tick.ts): the rate is the encoder's parameter, and no input fires more than once a tick.
   */
  readonly pSpikeBrightest: number;
}

/** The search as written to learn-features.json / learn-mnist.json (`inputGainSearch`). */
export interface AutoGainChoice {
  readonly rule: string;
  /** The rungs probed, smallest first, up to the chosen one. */
  readonly rungs: readonly AutoGainRung[];
  readonly chosenRateHzPerPixel: number;
  /** False when no rung reached the fraction (the largest rung was taken). */
  readonly reached: boolean;
  /** The search stopped at a rung whose brightest input already spikes with p ≥ AUTO_GAIN_SATURATED_P: higher rungs could not drive it harder. */
  readonly saturated?: boolean;
}

/** A rung whose brightest input spikes with at least this probability per tick ends the search (doubling adds < 0.1 %). */
export const AUTO_GAIN_SATURATED_P = 0.999;

export const AUTO_GAIN_RULE =
  `rateHzPerPixel = the smallest of ${DIEHL_COOK_DEFAULTS.rateHzPerPixel}·2^k Hz, k = 0…${AUTO_GAIN_RUNGS - 1}, at which ≥ ${100 * AUTO_GAIN_FRACTION}% of the first ≤ ${AUTO_GAIN_PROBE_SAMPLES} training samples give ≥ minSpikes excitatory spikes, each shown once at intensity 2 to the untrained network (weights normalised, θ frozen, learning off, float weights, the run's seed); the largest rung probed if none does, the ladder ending early at a rung where the brightest input already spikes with p ≥ ${AUTO_GAIN_SATURATED_P} per tick (p = min(1, rate·tickMs/1000): the rate is the Poisson encoder's parameter, and no input fires more than once a tick) (cli/learn/auto-gain.ts)`;

/**
 * `--set` text with `rateHzPerPixel=auto` taken out: the rest (for parseSetOption) and whether auto was asked
 * for. Items are read in order and a later value of the key wins, as for numbers; `auto` for any other key is refused.
 */
export function splitAutoGain(set: string | undefined): { readonly set: string | undefined; readonly auto: boolean } {
  if (set === undefined) return { set, auto: false };
  let auto = false;
  const kept: string[] = [];
  for (const part of set.split(",").map((x) => x.trim()).filter((x) => x !== "")) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq).trim();
    const isAuto = eq >= 0 && part.slice(eq + 1).trim() === "auto";
    if (isAuto && key !== "rateHzPerPixel") {
      throw new AerchipError("E_CLI_OPTION", `--set has "${part}"; only rateHzPerPixel can be auto`, { field: "--set", hint: `give ${key} a number, e.g. ${key}=${(DIEHL_COOK_DEFAULTS as unknown as Record<string, number>)[key] ?? 1}` });
    }
    if (key === "rateHzPerPixel") {
      // The later value wins: drop an earlier numeric one when auto comes after it, and vice versa.
      auto = isAuto;
      for (let i = kept.length - 1; i >= 0; i--) if (kept[i].split("=")[0].trim() === "rateHzPerPixel") kept.splice(i, 1);
      if (isAuto) continue;
    }
    kept.push(part);
  }
  return { set: kept.join(","), auto };
}

/** The search (header): the overrides other than the gain are the run's own. */
export function chooseInputGain(
  spec: ChipSpec, data: LearnSplit,
  o: { readonly neurons: number; readonly seed: number; readonly params: Partial<DiehlCookParams>; readonly rounding: "nearest" | "stochastic"; readonly neuronModel?: LearnNeuronModel },
): AutoGainChoice {
  const rungs: AutoGainRung[] = [];
  for (let k = 0; k < AUTO_GAIN_RUNGS; k++) {
    const g = DIEHL_COOK_DEFAULTS.rateHzPerPixel * 2 ** k;
    const probe = new DiehlCookRun(spec, data, { neurons: o.neurons, seed: o.seed, rounding: o.rounding, params: { ...o.params, rateHzPerPixel: g }, ...(o.neuronModel === undefined ? {} : { neuronModel: o.neuronModel }) });
    const spikes = probe.probeSpikes(AUTO_GAIN_PROBE_SAMPLES);
    const minSpikes = probe.params.minSpikes;
    let atMin = 0;
    let silent = 0;
    for (const n of spikes) { if (n >= minSpikes) atMin++; if (n === 0) silent++; }
    const pSpikeBrightest = poissonTickProbability(g, probe.params.tickMs * 1000);
    rungs.push({ rateHzPerPixel: g, samplesAtMinSpikes: atMin, silentSamples: silent, probedSamples: spikes.length, pSpikeBrightest });
    if (atMin >= AUTO_GAIN_FRACTION * spikes.length) return { rule: AUTO_GAIN_RULE, rungs, chosenRateHzPerPixel: g, reached: true };
    if (pSpikeBrightest >= AUTO_GAIN_SATURATED_P) return { rule: AUTO_GAIN_RULE, rungs, chosenRateHzPerPixel: g, reached: false, saturated: true };
  }
  return { rule: AUTO_GAIN_RULE, rungs, chosenRateHzPerPixel: rungs[rungs.length - 1].rateHzPerPixel, reached: false };
}

/** paramsProvenance's entry for the chosen gain. */
export function autoGainProvenance(c: AutoGainChoice, defaultSource: string): string {
  const last = c.rungs[c.rungs.length - 1];
  return `aerchip: --set rateHzPerPixel=auto chose ${c.chosenRateHzPerPixel} Hz = ${DIEHL_COOK_DEFAULTS.rateHzPerPixel}·2^${c.rungs.length - 1} (encoder rate; brightest input p = ${last.pSpikeBrightest.toFixed(4)} per tick; ${last.samplesAtMinSpikes} of ${last.probedSamples} probed samples at ≥ minSpikes${c.reached ? "" : c.saturated === true ? "; no rung reached the target before the encoder saturated, the last was taken" : "; no rung reached the target, the largest was taken"}; inputGainSearch has every rung) (default ${DIEHL_COOK_DEFAULTS.rateHzPerPixel}: ${defaultSource})`;
}

/** One line for the printed summary. */
export function autoGainLine(c: AutoGainChoice): string {
  const last = c.rungs[c.rungs.length - 1];
  const tried = c.rungs.map((r) => `${r.rateHzPerPixel} Hz: ${r.samplesAtMinSpikes}/${r.probedSamples}`).join(", ");
  return `input gain: rateHzPerPixel=auto chose ${c.chosenRateHzPerPixel} Hz, the Poisson encoder's rate (brightest input spikes with p = ${last.pSpikeBrightest.toFixed(4)} per tick; ${last.samplesAtMinSpikes} of ${last.probedSamples} probed samples gave ≥ minSpikes spikes at intensity 2${c.reached ? "" : c.saturated === true ? "; NO rung reached half of them before the encoder saturated (higher rates cannot fire an input more than once a tick): more input will not help, look at the features or minSpikes" : "; NO rung reached half of them, the largest was taken"}; rungs ${tried})`;
}
