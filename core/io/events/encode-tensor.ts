/**
 * `aerchip convert IMAGE.npy SPIKES.npy --encode …`: one static sample (an image, any real-valued tensor of
 * the model's input shape, values in [0, maxValue]) becomes input spikes over `steps` ticks, written as the
 * dense T × (shape) 0/1 tensor (or .aer / .csv) that `aerchip run --input` reads. The encoders are those of
 * encoders.ts (one implementation each; docs/events.md, "Encoding static inputs"):
 *
 *   poisson      P(spike in a tick) = (x / maxValue) · maxRateHz · tickUs · 10⁻⁶   (Diehl & Cook 2015:
 *                maxValue 255, maxRateHz 63.75 = 255/8 · intensity 2); maxRateHz · tickUs · 10⁻⁶ ≤ 1 is
 *                required, so no probability is clipped and a channel's mean count over T ticks is exactly
 *                rate · T · tick.
 *   bernoulli    P(spike in a tick) = x / maxValue   (the spiking auto-encoder's input with maxValue 5: p = 0.2x)
 *   first-spike  one spike at tick round((1 − x / maxValue) · (steps − 1)); none where x = 0.
 *
 * Randomness: channel i (flat C-order index) draws from createRng(seed).fork(i): same file and seed → same bytes.
 * Values are checked here, before encoding, so an error names the file, the element (flat index and
 * position in the shape) and the limit: E_ENCODE_VALUE (NaN, ±∞, negative, above maxValue), E_ENCODE_DTYPE
 * (a structured array: an event list, not a tensor), E_ENCODE_SHAPE (a 0-d or empty tensor).
 */
import { AerchipError } from "../../diagnostics.ts";
import { readInputFile } from "../read-input.ts";
import { npyToFloat64, readNpy } from "../npy.ts";
import { bernoulliEncode, poissonEncode, ttfsEncode } from "./encoders.ts";
import { MAX_DENSE_ELEMENTS, writeSpikes } from "./spike-writers.ts";
import type { SpikeList } from "./types.ts";

/** The encodings (cli/option-limits.ts ENCODINGS lists the same; a test checks they agree). */
export const TENSOR_ENCODINGS = ["poisson", "bernoulli", "first-spike"] as const;
export type TensorEncoding = (typeof TENSOR_ENCODINGS)[number];

/** Largest input tensor file read (1 GiB: 134 M float64 values, far beyond one image). */
export const MAX_ENCODE_INPUT_BYTES = 2 ** 30;

export interface EncodeTensorOptions {
  readonly encoding: TensorEncoding;
  /** Ticks to generate (T, axis 0 of the output). */
  readonly steps: number;
  /** The value that maps to probability / rate 1 (default 1; 255 for 8-bit pixels). */
  readonly maxValue?: number;
  /** poisson: the rate of a channel at x = maxValue, Hz. */
  readonly maxRateHz?: number;
  /** Tick length, µs (default 1000): the Poisson probability's Δt, and the tick an .aer output records. */
  readonly tickUs?: number;
  /** poisson, bernoulli: the seed (default 0). */
  readonly seed?: number;
}

export interface EncodeTensorResult {
  readonly encoding: TensorEncoding;
  /** The input tensor's shape (the output is [steps, ...shape]). */
  readonly shape: readonly number[];
  readonly steps: number;
  /** Spikes written. */
  readonly count: number;
}

/** "[2, 0, 1]": the position of flat index `i` in `shape` (C order), for messages. */
function positionOf(i: number, shape: readonly number[]): string {
  const at = new Array<number>(shape.length);
  let rest = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    at[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return `[${at.join(", ")}]`;
}

/** Throws E_ENCODE_VALUE for the first value that is not a finite number in [0, maxValue]. */
export function checkEncodeValues(path: string, values: ArrayLike<number>, shape: readonly number[], maxValue: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && v >= 0 && v <= maxValue) continue;
    const why = Number.isNaN(v) ? "is NaN" : !Number.isFinite(v) ? `is ${v}` : v < 0 ? `is ${v}, negative` : `is ${v}, above --max-value ${maxValue}`;
    throw new AerchipError("E_ENCODE_VALUE", `${path}: element ${i} (at ${positionOf(i, shape)}) ${why}; values to encode must lie in [0, --max-value ${maxValue}]`, {
      file: path, field: `values${positionOf(i, shape)}`,
      hint: v > maxValue ? `set --max-value to the data's maximum (e.g. 255 for 8-bit pixels), or rescale the data` : "clean or rescale the data to finite values ≥ 0",
    });
  }
}

/** The values and shape of the plain .npy tensor at `path` (E_ENCODE_DTYPE / E_ENCODE_SHAPE otherwise). */
export function readTensor(path: string): { values: Float64Array; shape: number[] } {
  const bytes = readInputFile(path, { what: "input tensor", maxBytes: MAX_ENCODE_INPUT_BYTES, hint: "give a .npy tensor of one sample (the model's input shape)" });
  const arr = readNpy(bytes, path);
  if (arr.kind !== "plain") {
    throw new AerchipError("E_ENCODE_DTYPE", `${path}: is a structured array (fields ${[...arr.fields.keys()].join(", ")}), not a tensor of values; --encode needs a plain numeric dtype`, {
      file: path, field: "dtype", hint: "save one sample as a plain array (bool, int, uint or float), e.g. np.save(path, image.astype(np.float32)); event lists convert with --spikes",
    });
  }
  if (arr.shape.length === 0 || arr.shape.some((d) => d === 0)) {
    throw new AerchipError("E_ENCODE_SHAPE", `${path}: has shape [${arr.shape.join(", ")}]; --encode needs at least one dimension and one element`, {
      file: path, field: "shape", hint: "save one sample with the model's input shape, e.g. (1, 28, 28) or (784,)",
    });
  }
  return { values: npyToFloat64(arr.data, path), shape: arr.shape.slice() };
}

/** Spikes of `values` under `o` (values checked first). */
export function encodeTensorValues(path: string, values: Float64Array, shape: readonly number[], o: EncodeTensorOptions): SpikeList {
  const maxValue = o.maxValue ?? 1;
  checkEncodeValues(path, values, shape, maxValue);
  const base = { steps: o.steps, maxValue, tickUs: o.tickUs ?? 1000 };
  switch (o.encoding) {
    case "poisson": {
      const maxRateHz = o.maxRateHz ?? Number.NaN;
      const perTick = maxRateHz * base.tickUs * 1e-6;
      if (!(perTick <= 1)) {
        throw new AerchipError("E_ENCODE_RATE", `--max-rate-hz ${maxRateHz} at --tick-us ${base.tickUs} gives a spike probability of ${perTick} per tick; it must be at most 1 (one spike per tick)`, {
          field: "--max-rate-hz", hint: `lower --max-rate-hz to at most ${1e6 / base.tickUs} or use a shorter --tick-us`,
        });
      }
      return poissonEncode(values, { ...base, maxRateHz, seed: o.seed ?? 0 });
    }
    case "bernoulli": return bernoulliEncode(values, { ...base, seed: o.seed ?? 0 });
    case "first-spike": return ttfsEncode(values, base);
  }
}

/** Encodes the tensor at `inPath` and writes the spikes to `outPath` (.npy dense 0/1, .aer, .csv). */
export function encodeTensorFile(inPath: string, outPath: string, o: EncodeTensorOptions): EncodeTensorResult {
  // The output's format first: a wrong extension should not wait for the encoding.
  if (!/\.(npy|aers?|csv)$/i.test(outPath)) {
    // .bin (N-MNIST) and .aedat are sensor event formats (x, y, polarity, µs): they cannot hold spikes on ticks.
    const ext = /\.[^./\\]+$/.exec(outPath)?.[0];
    const why = ext === undefined ? "has no extension" : /^\.(bin|aedat)$/i.test(ext) ? `is a sensor event format (${ext}), which holds no spikes on ticks` : `has extension ${ext}, which is not a spike format`;
    throw new AerchipError("E_EVENTS_FORMAT", `${outPath}: --encode writes spikes on ticks, and the output ${why}`, { file: outPath, hint: "write .npy (the dense T × shape tensor `run --input` reads), .aer (AER stream) or .csv" });
  }
  const { values, shape } = readTensor(inPath);
  if (/\.npy$/i.test(outPath) && o.steps * values.length > MAX_DENSE_ELEMENTS) {
    throw new AerchipError("E_EVENTS_RANGE", `${outPath}: a dense ${o.steps} × ${values.length} tensor has ${o.steps * values.length} elements, more than ${MAX_DENSE_ELEMENTS}`, {
      file: outPath, field: "--steps", hint: "use fewer --steps, or write the spikes as .aer or .csv",
    });
  }
  const s = encodeTensorValues(inPath, values, shape, o);
  writeSpikes(outPath, { tick: s.tick, neuron: s.channel, steps: s.steps }, { shape, tickUs: s.tickUs });
  return { encoding: o.encoding, shape, steps: s.steps, count: s.tick.length };
}
