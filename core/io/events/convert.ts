/**
 * `aerchip convert in out`: reads any supported event file and writes it in the format named by the
 * output's extension.
 *
 *   output     events (default)                                   spikes (`output: "spikes"`)
 *   .npy       structured array (x <i2, y <i2, t <i8 µs, p |b1)   dense T × (input shape) bool tensor
 *   .csv       x,y,t,p                                            tick,neuron (tick,neuron,count with counts)
 *   .aer/.aers AER stream, source [P, H, W], tick = tickUs (1 µs)  AER stream, source = input shape
 *   .bin       N-MNIST records (needs x, y < 256)                 —
 *   .aedat     AEDAT 3.1 polarity packets                         —
 *   .h5/.hdf5  not written (h5wasm cannot write variable-length arrays): E_EVENTS_UNSUPPORTED
 *
 * "spikes" bins the events onto a tick grid exactly as `aerchip run --input` does (readEventsForInput:
 * transforms, mapToInputs, tickUs / bins); the input shape defaults to the sensor's [P, H, W]. A dense
 * .npy input (a spike tensor) or an AER stream of input spikes can only be converted as spikes.
 * The transforms (time slice, crop, downsample, polarity) apply to both modes. `labels` (a DVS Gesture
 * label CSV) with `sample` (its row) converts one gesture: the events with start ≤ t < end, t − start in
 * events mode, tick 0 at start in spikes mode. Streaming writers
 * (.csv, .bin, .aedat) use bounded memory; .npy and .aer outputs are assembled in memory.
 *
 * An AER stream whose source is not pixels (no shape, or rank > 3: the packet streams of
 * `aerchip run --packets-out`) is converted only to .csv, one line per packet (aer-packets.ts), unless a
 * `geometry` (events) or an `inputShape` (spikes) says how to read its addresses.
 */
import { readFile } from "node:fs/promises";
import { readNpy } from "../npy.ts";
import { writeFileAtomic } from "../../atomic-write.ts";
import { encodeAerStreamEvents } from "./aer-events.ts";
import { aerStreamSource, isAddressSource, writeAerPacketsCsv } from "./aer-packets.ts";
import { writeAedat31 } from "./aedat31.ts";
import { collectEvents } from "./batch.ts";
import { cutGestureSample, readGestureLabel } from "./dvs-gesture-labels.ts";
import { writeCsvEvents } from "./csv-events.ts";
import { detectEventFormat, readEvents, readEventsForInput, type InputReadOptions, type OpenEventsOptions } from "./detect.ts";
import { EventsErrorCode, eventsError } from "./errors.ts";
import { writeNmnist } from "./nmnist.ts";
import { encodeEventsNpy } from "./npy-events.ts";
import { writeSpikes } from "./spike-writers.ts";
import { applyTransforms, hasTransforms } from "./transforms.ts";
import { EventFormat, type EventBatch, type SensorGeometry } from "./types.ts";

export type OutputKind = "npy" | "csv" | "aer" | "bin" | "aedat";

export interface ConvertOptions extends OpenEventsOptions, Omit<Partial<InputReadOptions>, keyof OpenEventsOptions> {
  /** "events" (default) or "spikes" (binned onto ticks for a chip input). */
  readonly output?: "events" | "spikes";
  /** Events → AER stream: tick length in µs (default 1). Spikes: tick length (default 1000). */
  readonly tickUs?: number;
  /** Spikes carry event counts: a dense .npy holds uint32 counts instead of bool, a .csv a count column (not .aer). */
  readonly counts?: boolean;
}

export interface ConvertResult {
  readonly inputFormat: EventFormat;
  readonly output: OutputKind;
  /** "packets": an AER stream of packet addresses (e.g. `run --packets-out`) written as packet CSV. */
  readonly mode: "events" | "spikes" | "packets";
  /** Events written (events mode), spikes written (spikes mode) or packets written (packets). */
  readonly count: number;
  readonly geometry?: SensorGeometry;
  readonly steps?: number;
}

/** Output kind from the extension. */
export function outputKindOf(path: string): OutputKind {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1].toLowerCase();
  switch (ext) {
    case "npy": return "npy";
    case "csv": case "txt": return "csv";
    case "aer": case "aers": return "aer";
    case "bin": return "bin";
    case "aedat": return "aedat";
    case "h5": case "hdf5":
      throw eventsError(EventsErrorCode.unsupported, "aerchip cannot write HDF5 (h5wasm writes no variable-length numeric arrays)", "write .npy (structured events) or .aer instead", { file: path });
    default:
      throw eventsError(EventsErrorCode.format, "has no output extension aerchip knows", "name the output .npy, .csv, .aer, .bin or .aedat", { file: path });
  }
}

function transformOf(o: ConvertOptions): ((b: EventBatch) => EventBatch) | null {
  return hasTransforms(o) ? (b) => applyTransforms(b, o) : null;
}

async function* transformed(stream: AsyncIterable<EventBatch>, fn: ((b: EventBatch) => EventBatch) | null): AsyncGenerator<EventBatch, void, undefined> {
  for await (const b of stream) yield fn === null ? b : fn(b);
}

/** Converts `inPath` to `outPath` (format by extension; see the module comment). */
export async function convertEventFile(inPath: string, outPath: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  const output = outputKindOf(outPath);
  const inputFormat = options.format ?? (await detectEventFormat(inPath));
  let mode = options.output ?? "events";
  if (mode !== "events" && mode !== "spikes") {
    throw eventsError(EventsErrorCode.options, `output mode "${String(mode)}" is unknown`, 'use "events" or "spikes"', { field: "output" });
  }
  if (inputFormat === EventFormat.aerStream && options.geometry === undefined && !(mode === "spikes" && options.inputShape !== undefined)) {
    const source = await aerStreamSource(inPath, options.source ?? 0);
    if (isAddressSource(source)) {
      const what = `source "${source.name}" holds packet addresses${source.shape.length === 0 ? "" : ` (shape [${source.shape.join(", ")}])`}, not pixels`;
      if (output !== "csv" || mode !== "events") {
        throw eventsError(EventsErrorCode.unsupported, `${what}, so it cannot be ${mode === "spikes" ? "binned as input spikes" : `written as .${output}`}`, "convert it to .csv without --spikes: one line per packet (tick, t_us, address and its fields)", { file: inPath, field: "source" });
      }
      if (hasTransforms(options)) {
        throw eventsError(EventsErrorCode.options, `${what}; crop, downsample, polarity and time-slice options apply to events`, "drop those options", { file: inPath, field: "source" });
      }
      const count = await writeAerPacketsCsv(inPath, outPath, options.source ?? 0);
      return { inputFormat, output, mode: "packets", count };
    }
  }
  // A dense spike tensor carries no events.
  let denseShape: number[] | null = null;
  if (inputFormat === EventFormat.npy && options.columns === undefined) {
    const arr = readNpy(await readFile(inPath), inPath);
    if (arr.kind === "plain") {
      denseShape = arr.shape.slice(1);
      mode = "spikes";
    }
  }
  const fn = transformOf(options);
  if (mode === "spikes") {
    if (output === "bin" || output === "aedat") {
      throw eventsError(EventsErrorCode.unsupported, `spikes on a tick grid cannot be written as .${output}`, "write spikes as .npy, .aer or .csv", { file: outPath });
    }
    if (options.counts === true && output === "aer") {
      throw eventsError(EventsErrorCode.options, "an AER stream holds one address per spike and no event count", "write counts as .npy (uint32 tensor) or .csv (count column), or drop counts", { file: outPath, field: "counts" });
    }
    let shape = options.inputShape ?? denseShape;
    if (shape === null) {
      // The sensor's [P, H, W] after the transforms: read the first batch to learn it.
      const it = transformed(readEvents(inPath, { ...options, format: inputFormat }), fn)[Symbol.asyncIterator]();
      const first = await it.next();
      await it.return?.();
      const g = first.done === true ? undefined : first.value.geometry;
      if (g === undefined) throw eventsError(EventsErrorCode.options, "the input has no events to learn the geometry from", "give inputShape", { file: inPath, field: "inputShape" });
      shape = [g.polarities, g.height, g.width];
    }
    const s = await readEventsForInput(inPath, { ...options, format: inputFormat, inputShape: shape });
    writeSpikes(outPath, s, { shape, tickUs: options.tickUs ?? 1000, ...(options.counts === true ? { counts: true } : {}) });
    return { inputFormat, output, mode, count: s.tick.length, steps: s.steps };
  }
  // A labelled DVS Gesture sample: its events, times re-based to the label's start (as spikes mode's t0).
  const events = options.labels === undefined
    ? readEvents(inPath, { ...options, format: inputFormat })
    : cutGestureSample(readEvents(inPath, { ...options, format: inputFormat }), await readGestureLabel(options.labels, options.sample ?? 0));
  const stream = transformed(events, fn);
  switch (output) {
    case "csv": {
      const count = await writeCsvEvents(outPath, stream);
      return { inputFormat, output, mode, count };
    }
    case "bin": {
      const count = await writeNmnist(outPath, stream, options.overflowIncrementUs, inPath);
      return { inputFormat, output, mode, count };
    }
    case "aedat": {
      // The header names the geometry: take it from the first batch.
      const it = stream[Symbol.asyncIterator]();
      const first = await it.next();
      const g = first.done === true ? (options.geometry ?? { width: 128, height: 128, polarities: 2 }) : first.value.geometry;
      async function* rest(): AsyncGenerator<EventBatch, void, undefined> {
        if (first.done !== true) yield first.value;
        for (let r = await it.next(); r.done !== true; r = await it.next()) yield r.value;
      }
      try {
        const count = await writeAedat31(outPath, rest(), g, inPath);
        return { inputFormat, output, mode, count, geometry: g };
      } finally {
        // The reader is open since the first batch: when the writer fails before taking the rest (e.g. the
        // output directory is missing), end it here, or its file stays open until garbage collection.
        await it.return?.();
      }
    }
    case "npy": {
      const all = await collectEvents(stream, options.geometry);
      writeFileAtomic(outPath, encodeEventsNpy(all));
      return { inputFormat, output, mode, count: all.length, geometry: all.geometry };
    }
    case "aer": {
      const all = await collectEvents(stream, options.geometry);
      writeFileAtomic(outPath, encodeAerStreamEvents(all, { tickUs: options.tickUs ?? 1 }));
      return { inputFormat, output, mode, count: all.length, geometry: all.geometry };
    }
  }
}
