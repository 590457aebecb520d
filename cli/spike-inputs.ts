/**
 * Input spikes for `aerchip run --input FILE`, mapped onto a model's input population (flat C-order
 * index in its shape):
 *   .npy   a dense spike tensor T × input shape (or T × size): bool, int or float; a nonzero entry is a
 *          spike at that step (values other than 0 and 1 are refused: an input neuron emits at most one
 *          spike per tick);
 *   .aer   aerchip's AER protobuf stream: tick and address = flat input index;
 *   .bin   N-MNIST / N-CALTECH101 recordings, binned into ticks of --tick-us (see core/io/events).
 * Returns the spikes and the number of steps the input covers.
 */
import { readFileSync } from "node:fs";
import { AerchipError } from "../core/diagnostics.ts";
import { npyToFloat64, readNpy } from "../core/io/npy.ts";
import { decodeAerStream } from "../core/io/aer-stream.ts";

export interface InputSpikes {
  readonly tick: Int32Array;
  readonly neuron: Int32Array;
  /** Steps the input covers (T of the tensor, or the last tick + 1). */
  readonly steps: number;
}

export interface InputOptions {
  readonly tickUs?: number;
}

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export async function readInputSpikes(path: string, inputShape: readonly number[], opts: InputOptions = {}): Promise<InputSpikes> {
  const size = product(inputShape);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new AerchipError("E_INPUT_NOT_FOUND", `cannot read input file "${path}"`, { file: path, field: "--input", hint: "check the path" });
  }
  const lower = path.toLowerCase();
  if (lower.endsWith(".npy")) {
    const arr = readNpy(bytes, path);
    if (arr.kind !== "plain") throw new AerchipError("E_INPUT_SHAPE", "a structured .npy array is an event list, not a spike tensor", { file: path, field: "--input", hint: "give a T × input-shape spike tensor, or convert events with `aerchip convert`" });
    const shape = arr.shape;
    const T = shape.length > 0 ? shape[0] : 0;
    const per = product(shape.slice(1));
    if (shape.length < 2 || per !== size) {
      throw new AerchipError("E_INPUT_SHAPE", `the input tensor has shape [${shape.join(", ")}]; the model's input has shape [${inputShape.join(", ")}] (${size} neurons)`, {
        file: path, field: "--input", hint: `give a T × ${inputShape.join(" × ")} array (time on axis 0)`,
      });
    }
    const data = npyToFloat64(arr.data, path);
    const ticks: number[] = [];
    const neurons: number[] = [];
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < per; i++) {
        const x = data[t * per + i];
        if (x === 0) continue;
        if (x !== 1) throw new AerchipError("E_INPUT_VALUE", `input[${t}, ${i}] is ${x}; spike tensors hold 0 or 1`, { file: path, field: "--input", hint: "binarise the input (an input neuron emits at most one spike per tick)" });
        ticks.push(t);
        neurons.push(i);
      }
    }
    return { tick: Int32Array.from(ticks), neuron: Int32Array.from(neurons), steps: T };
  }
  if (lower.endsWith(".aer")) {
    const s = decodeAerStream(bytes, path);
    const tick = new Int32Array(s.tick.length);
    const neuron = new Int32Array(s.tick.length);
    let last = -1;
    for (let k = 0; k < s.tick.length; k++) {
      if (s.address[k] >= size) throw new AerchipError("E_INPUT_SHAPE", `event ${k} addresses input ${s.address[k]}; the model's input has ${size} neurons`, { file: path, field: "--input", hint: "check the stream's source shape against the model's input" });
      tick[k] = s.tick[k];
      neuron[k] = s.address[k];
      last = Math.max(last, s.tick[k]);
    }
    return { tick, neuron, steps: last + 1 };
  }
  if (lower.endsWith(".bin")) return readNmnistInput(path, bytes, inputShape, opts);
  throw new AerchipError("E_INPUT_FORMAT", `unknown input format "${path}"`, { file: path, field: "--input", hint: "use a .npy spike tensor, an .aer stream or an N-MNIST .bin recording" });
}

/**
 * N-MNIST / N-CALTECH101 `.bin`: 5-byte records, x (8 bits), y (8 bits), polarity (bit 7 of byte 2) and a
 * 23-bit timestamp in µs (bits 6..0 of byte 2, then bytes 3 and 4) (Orchard et al., Front. Neurosci. 2015).
 * Events are binned into ticks of `tickUs` (tick = ⌊t / tickUs⌋) onto an input of shape [2, H, W]
 * (channel = polarity, C order); several events of one pixel in one tick are one spike.
 */
function readNmnistInput(path: string, bytes: Buffer, inputShape: readonly number[], opts: InputOptions): InputSpikes {
  if (bytes.length % 5 !== 0) throw new AerchipError("E_INPUT_TRUNCATED", `the recording has ${bytes.length} bytes, not a whole number of 5-byte events`, { file: path, field: "--input", byteOffset: bytes.length - (bytes.length % 5), hint: "the file is truncated; re-download it" });
  if (inputShape.length !== 3 || inputShape[0] !== 2) throw new AerchipError("E_INPUT_SHAPE", `N-MNIST events need an input of shape [2, H, W]; the model's input has shape [${inputShape.join(", ")}]`, { file: path, field: "--input", hint: "use a model whose input is [2, 34, 34] (polarity, y, x)" });
  const tickUs = opts.tickUs ?? 1000;
  const [, H, W] = inputShape;
  const seen = new Set<number>();
  const ticks: number[] = [];
  const neurons: number[] = [];
  let last = -1;
  for (let off = 0; off < bytes.length; off += 5) {
    const x = bytes[off];
    const y = bytes[off + 1];
    const p = bytes[off + 2] >> 7;
    const ts = ((bytes[off + 2] & 0x7f) << 16) | (bytes[off + 3] << 8) | bytes[off + 4];
    if (x >= W || y >= H) throw new AerchipError("E_INPUT_SHAPE", `event at byte ${off} is at pixel (${x}, ${y}), outside the model's ${W}×${H} input`, { file: path, field: "--input", byteOffset: off, hint: "check the sensor size against the model's input" });
    const t = Math.floor(ts / tickUs);
    const i = (p * H + y) * W + x;
    const key = t * 2 * H * W + i;
    if (seen.has(key)) continue;
    seen.add(key);
    ticks.push(t);
    neurons.push(i);
    if (t > last) last = t;
  }
  return { tick: Int32Array.from(ticks), neuron: Int32Array.from(neurons), steps: last + 1 };
}
