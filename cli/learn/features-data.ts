/**
 * `aerchip learn FEATURES.npy`: real-valued feature vectors (a CNN's outputs, Deep-STDP's pseudo-label
 * step, papers.md §2 and requirement 14) as a split for the Diehl & Cook harness (cli/learn/diehl-cook.ts).
 *
 * FEATURES.npy is a 2-dimensional array, samples × D, of finite values ≥ 0 (rates: ReLU outputs; shift or
 * rectify signed features first); any integer or float dtype. Each value becomes its input neuron's rate
 * as a fraction of the file's largest value, x / max(X), which the harness turns into Poisson spikes at
 * that fraction of `rateHzPerPixel` (its "gain"; --set rateHzPerPixel=…), as MNIST pixels are.
 * LABELS.npy (optional) holds one whole-number class ≥ 0 per sample; labels only score the clusters,
 * they never reach the network. Every sample trains; there is no test split.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { readPlainNpyFile } from "../../core/io/npy-file.ts";
import type { LearnSplit } from "./mnist-data.ts";

/** Largest feature file read (bytes). */
export const MAX_FEATURE_FILE_BYTES = 2 ** 31 - 1;
/** Most classes a label file may name (the readout keeps neurons × classes sums). */
export const MAX_FEATURE_CLASSES = 65536;

function plain(path: string, field: string): { readonly shape: readonly number[]; readonly values: Float64Array } {
  return readPlainNpyFile(path, {
    what: field === "--labels" ? "label file" : "feature file", maxBytes: MAX_FEATURE_FILE_BYTES, field,
    notPlain: { code: "E_LEARN_FEATURES", message: "features are a plain samples × D array (is it an event file?)", hint: "save the features with numpy.save(path, X) where X.shape == (samples, D)" },
  });
}

/** The features (and labels) as a LearnSplit: every sample trains, none tests. */
export function readFeatureSplit(featuresPath: string, labelsPath?: string): LearnSplit {
  const f = plain(featuresPath, "dataset");
  if (f.shape.length !== 2 || f.shape[0] < 1 || f.shape[1] < 1) {
    throw new AerchipError("E_LEARN_FEATURES", `${featuresPath} has shape (${f.shape.join(", ")}); features are a 2-dimensional samples × D array with both ≥ 1`, { file: featuresPath, field: "shape", hint: "reshape to (samples, D), e.g. X.reshape(len(X), -1)" });
  }
  const [n, d] = f.shape;
  let max = 0;
  for (let i = 0; i < f.values.length; i++) {
    const x = f.values[i];
    if (!(Number.isFinite(x) && x >= 0)) {
      throw new AerchipError("E_LEARN_FEATURES", `${featuresPath}: sample ${Math.floor(i / d)}, feature ${i % d} is ${x}; features are rates, finite and ≥ 0`, { file: featuresPath, field: `[${Math.floor(i / d)}, ${i % d}]`, hint: "rectify (ReLU) or shift signed features to be ≥ 0, and drop NaN/inf" });
    }
    if (x > max) max = x;
  }
  if (max === 0) throw new AerchipError("E_LEARN_FEATURES", `${featuresPath}: every feature is 0, so no input neuron would ever spike`, { file: featuresPath, hint: "check the file holds the features" });
  const images = new Float32Array(n * d);
  for (let i = 0; i < images.length; i++) images[i] = f.values[i] / max;
  let labels = new Int32Array(n);
  let classes = 0;
  if (labelsPath !== undefined) {
    const l = plain(labelsPath, "--labels");
    if (l.shape.length !== 1 || l.shape[0] !== n) {
      throw new AerchipError("E_LEARN_LABELS", `${labelsPath} has shape (${l.shape.join(", ")}); it needs one label per sample of ${featuresPath}: (${n},)`, { file: labelsPath, field: "shape", hint: "save a 1-dimensional array of whole-number classes, one per feature row" });
    }
    labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = l.values[i];
      if (!(Number.isInteger(c) && c >= 0 && c < MAX_FEATURE_CLASSES)) {
        throw new AerchipError("E_LEARN_LABELS", `${labelsPath}: label ${i} is ${c}; labels are whole numbers in 0 … ${MAX_FEATURE_CLASSES - 1}`, { file: labelsPath, field: `[${i}]`, hint: "number the classes 0, 1, 2, …" });
      }
      labels[i] = c;
      if (c + 1 > classes) classes = c + 1;
    }
  }
  return { inputs: d, inputShape: [d], classes, trainImages: images, trainLabels: labels, testImages: new Float32Array(0), testLabels: new Int32Array(0) };
}
