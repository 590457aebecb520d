/**
 * Reconstruction error of an auto-encoder over a data set (`aerchip evaluate --target-from input`,
 * docs/evaluate.md "Reconstruction error"): how far the decoded output of one sample is from that sample's
 * own input. The spiking auto-encoder paper (Hübotter et al., ../shared/docs/papers.md §3; its thesis code,
 * src/losses.py) compares the decoded output-layer value with the input image and reports, per batch,
 *   reconstruction loss  Σ_i (ŷ_i − x_i)² summed over the pixels, averaged over the samples (F.mse_loss
 *                        with reduction "sum", ÷ batch size),
 *   own mse              the mean over pixels (and samples) of (ŷ_i − x_i)², and
 *   mean pixelwise error the mean of |ŷ_i − x_i|.
 * The chip sees spikes, not the image, so the target here is what the input spikes give of it: the input
 * neuron's spike RATE over the sample's T steps, and the output is its decoder's value per step:
 *
 *   x̂_i = n_i / T            n_i = input spikes of neuron i in steps 0 … T−1 (flat C order of the input)
 *   ŷ_i = c_i / T             --decode count: the output neuron's spikes per step
 *       = (Σ_{t<T} v_i[t]) / T --decode sum: its mean membrane potential (the paper's "mean" decoder)
 *       = max_{t<T} v_i[t]     --decode max (the paper's default)
 *       = v_i[T−1]             --decode last
 *   SSE = Σ_i (ŷ_i − x̂_i)²,  MSE = SSE / N,  MAE = Σ_i |ŷ_i − x̂_i| / N,  N = neurons of the output = of the input.
 *
 * So an output that spikes exactly when its input neuron does has MSE 0 with count; a rate encoder that
 * fires neuron i with probability g·x_i per step (the paper's Bernoulli p = 0.2·x) makes x̂_i ≈ g·x_i, not x_i.
 * With --target-dir the target x_i is read from a file per sample (cli/dataset-targets.ts), as stored: the
 * paper's own comparison when the file holds the image.
 * A sample of 0 steps has no rate: its error is null and it is left out of the statistics.
 */
import type { SampleStat } from "./dataset.ts";
import type { DecodeMode } from "./dataset.ts";

/**
 * Where the target of the reconstruction comes from: "input", the sample's own input spikes (rates over its
 * steps, x̂_i = n_i / T); "files", one .npy per sample (--target-dir: x_i as stored, e.g. the image).
 */
export type ReconstructionTarget = "input" | "files";
/** The choices of --target-from ("files" is --target-dir). */
export const RECONSTRUCTION_TARGETS: readonly ReconstructionTarget[] = ["input"];

/** One sample's reconstruction error (see the module comment). */
export interface SampleReconstruction {
  /** Σ_i (ŷ_i − x̂_i)²: the paper's per-sample reconstruction loss (MSE with reduction "sum"). */
  readonly sse: number;
  /** SSE / N. */
  readonly mse: number;
  /** Σ_i |ŷ_i − x̂_i| / N: the paper's mean pixelwise error. */
  readonly mae: number;
}

/** The statistics over the samples that have an error (0-step samples have none). */
export interface ReconstructionSummary {
  readonly target: ReconstructionTarget;
  /** Neurons compared per sample (N). */
  readonly neurons: number;
  /** Samples with an error (the others had 0 steps). */
  readonly samples: number;
  readonly mse: SampleStat;
  readonly sse: SampleStat;
  readonly mae: SampleStat;
}

/** x̂_i = n_i / T: each input neuron's spikes in steps 0 … T−1, per step; null for T = 0. */
export function inputRateTarget(tick: ArrayLike<number>, neuron: ArrayLike<number>, T: number, size: number): Float64Array | null {
  if (T <= 0) return null;
  const n = new Float64Array(size);
  for (let k = 0; k < tick.length; k++) if (tick[k] < T) n[neuron[k]]++;
  for (let i = 0; i < size; i++) n[i] /= T;
  return n;
}

/** ŷ_i from the decoder's values (count and sum ÷ T; max and last as they are); null when T = 0 or a value is missing. */
export function decodedPerStep(values: readonly (number | null)[], decode: DecodeMode, T: number): number[] | null {
  if (T <= 0 || values.some((v) => v === null)) return null;
  const perStep = decode === "count" || decode === "sum";
  return (values as number[]).map((v) => (perStep ? v / T : v));
}

/** SSE, MSE and MAE of `output` against `target` (the same length N ≥ 1). */
export function reconstructionError(output: ArrayLike<number>, target: ArrayLike<number>): SampleReconstruction {
  let sse = 0;
  let sae = 0;
  for (let i = 0; i < target.length; i++) {
    const d = output[i] - target[i];
    sse += d * d;
    sae += Math.abs(d);
  }
  const N = Math.max(1, target.length);
  return { sse, mse: sse / N, mae: sae / N };
}
