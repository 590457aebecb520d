/**
 * Writers for spikes on a tick grid (chip inputs after binning, or a chip's output spikes):
 *  - `.npy`: a dense T × (shape) tensor, bool (a spike or not) or, with `counts`, uint32 event counts;
 *    time on axis 0, neurons in C order — what aerchip's `--input` and NumPy / PyTorch code expect;
 *  - `.aer` / `.aers`: aerchip's AER protobuf stream, one source with the given shape, address = neuron;
 *  - `.csv`: `tick,neuron` lines (plus `count`).
 */
import { writeNpy } from "../npy.ts";
import { encodeAerStream } from "../aer-stream.ts";
import { writeFileAtomic } from "../../atomic-write.ts";
import { encodeCsvSpikes } from "./csv-events.ts";
import { EventsErrorCode, checkPositiveNumber, eventsError } from "./errors.ts";

export interface SpikeTrains {
  readonly tick: ArrayLike<number>;
  /** Flat neuron / channel index (C order in `shape`). */
  readonly neuron: ArrayLike<number>;
  readonly steps: number;
  /** Events per spike (optional; written by count tensors and CSV). */
  readonly count?: ArrayLike<number>;
}

/** Largest dense tensor written (elements). */
export const MAX_DENSE_ELEMENTS = 2 ** 31 - 1;

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

function checkSpikes(s: SpikeTrains, size: number): void {
  if (s.tick.length !== s.neuron.length) throw eventsError(EventsErrorCode.options, `${s.tick.length} ticks but ${s.neuron.length} neurons`, "give one neuron per spike");
  for (let k = 0; k < s.tick.length; k++) {
    const t = s.tick[k];
    const n = s.neuron[k];
    if (!Number.isInteger(t) || t < 0 || t >= s.steps || !Number.isInteger(n) || n < 0 || n >= size) {
      throw eventsError(EventsErrorCode.range, `spike ${k} (tick ${t}, neuron ${n}) is outside ${s.steps} steps × ${size} neurons`, "check the steps and the shape", { field: `spikes[${k}]` });
    }
  }
}

/** Dense T × size tensor: 1 where a spike is (or the event count with `counts`). */
export function spikesToDense(s: SpikeTrains, size: number, counts = false): Uint8Array | Uint32Array {
  const total = s.steps * size;
  if (total > MAX_DENSE_ELEMENTS) {
    throw eventsError(EventsErrorCode.range, `a dense ${s.steps} × ${size} tensor has ${total} elements, more than ${MAX_DENSE_ELEMENTS}`, "write the spikes as .aer or .csv, or use a longer tick", { field: "steps" });
  }
  checkSpikes(s, size);
  const out = counts ? new Uint32Array(total) : new Uint8Array(total);
  for (let k = 0; k < s.tick.length; k++) {
    const at = s.tick[k] * size + s.neuron[k];
    if (counts) out[at] += s.count === undefined ? 1 : s.count[k];
    else out[at] = 1;
  }
  return out;
}

/** `.npy` bytes of the dense tensor with shape [steps, ...shape]. */
export function encodeDenseSpikesNpy(s: SpikeTrains, shape: readonly number[], counts = false): Uint8Array {
  const dense = spikesToDense(s, product(shape), counts);
  return dense instanceof Uint8Array ? writeNpy(dense, [s.steps, ...shape], { bool: true }) : writeNpy(dense, [s.steps, ...shape]);
}

export interface SpikeStreamOptions {
  readonly tickUs: number;
  /** Source name (default "input"). */
  readonly sourceName?: string;
}

/** AER stream bytes: one source of `shape`, tick and address = neuron per spike (sorted by tick). */
export function encodeSpikesAerStream(s: SpikeTrains, shape: readonly number[], options: SpikeStreamOptions): Uint8Array {
  checkSpikes(s, product(shape));
  const n = s.tick.length;
  const order = Array.from({ length: n }, (_, i) => i);
  let sorted = true;
  for (let k = 1; k < n && sorted; k++) sorted = s.tick[k] >= s.tick[k - 1];
  if (!sorted) order.sort((a, b) => s.tick[a] - s.tick[b] || a - b);
  return encodeAerStream({
    tickUs: checkPositiveNumber(options.tickUs, "tickUs"),
    sources: [{ name: options.sourceName ?? "input", shape: [...shape] }],
    tick: Uint32Array.from(order, (i) => s.tick[i]),
    address: Uint32Array.from(order, (i) => s.neuron[i]),
  });
}

export interface WriteSpikesOptions {
  /** Neuron shape (C order); default [max neuron + 1]. */
  readonly shape?: readonly number[];
  /** Tick length in µs, recorded in AER streams (default 1000). */
  readonly tickUs?: number;
  /** Dense .npy holds event counts (uint32) instead of bool. */
  readonly counts?: boolean;
}

/** Writes spikes to `path`, choosing the format by extension (.npy, .aer / .aers, .csv). */
export function writeSpikes(path: string, s: SpikeTrains, options: WriteSpikesOptions = {}): void {
  let maxNeuron = -1;
  for (let k = 0; k < s.neuron.length; k++) if (s.neuron[k] > maxNeuron) maxNeuron = s.neuron[k];
  const shape = options.shape ?? [Math.max(1, maxNeuron + 1)];
  const lower = path.toLowerCase();
  if (lower.endsWith(".npy")) writeFileAtomic(path, encodeDenseSpikesNpy(s, shape, options.counts === true));
  else if (lower.endsWith(".aer") || lower.endsWith(".aers")) writeFileAtomic(path, encodeSpikesAerStream(s, shape, { tickUs: options.tickUs ?? 1000 }));
  else if (lower.endsWith(".csv")) {
    checkSpikes(s, product(shape));
    writeFileAtomic(path, encodeCsvSpikes(s.tick, s.neuron, s.count));
  } else {
    throw eventsError(EventsErrorCode.format, `cannot tell the spike format of "${path}" from its extension`, "write .npy (dense tensor), .aer (AER stream) or .csv", { file: path });
  }
}
