/**
 * Input spikes for `aerchip run --input FILE`, mapped onto a model's input population (flat C-order index in
 * its shape), through the event readers of core/io/events: dense `.npy` spike tensors (T × input shape),
 * structured `.npy` event arrays, the AER protobuf stream, N-MNIST / N-CALTECH101 `.bin`, AEDAT 2.0 / 3.1,
 * CSV events and SHD / SSC HDF5. Events are binned into ticks of `tickUs` (at most one spike per input neuron
 * and tick) and pixels map to inputs with channel = polarity (docs/events.md).
 */
import { readEventsForInput } from "../core/io/events/index.ts";

export interface InputSpikes {
  readonly tick: Int32Array;
  readonly neuron: Int32Array;
  /** Steps the input covers (T of a tensor, or the last tick + 1). */
  readonly steps: number;
}

export interface InputOptions {
  readonly tickUs?: number;
  /** SHD / SSC files: which sample to read. */
  readonly sample?: number;
}

export async function readInputSpikes(path: string, inputShape: readonly number[], opts: InputOptions = {}): Promise<InputSpikes> {
  const r = await readEventsForInput(path, {
    inputShape: [...inputShape],
    tickUs: opts.tickUs ?? 1000,
    ...(opts.sample === undefined ? {} : { sample: opts.sample }),
  });
  return { tick: Int32Array.from(r.tick), neuron: Int32Array.from(r.neuron), steps: r.steps };
}
