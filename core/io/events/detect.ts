/**
 * Format detection and the two entry points the CLI uses:
 *   readEvents(path, options)          → async generator of event batches, for any event format;
 *   readEventsForInput(path, options)  → {tick, neuron, steps}: spikes for a chip input of `inputShape`
 *                                        (`aerchip run --input FILE`).
 *
 * Detection: content first (magic bytes), then the extension.
 *   "#!AER-DAT2"            AEDAT 2.0          "#!AER-DAT3"        AEDAT 3.x
 *   "\x93NUMPY"             .npy               "\x89HDF\r\n\x1a\n" HDF5 (SHD / SSC)
 *   varint + 0a 04 "AERS"   aerchip AER stream
 *   no magic: .bin → N-MNIST / N-CALTECH101, .csv / .txt → CSV; other extensions of known formats
 *   without their magic are reported as corrupt by that format's reader.
 */
import { readFile } from "node:fs/promises";
import { isAerchipError } from "../../diagnostics.ts";
import { MAX_INPUT_SPIKES } from "../../run-limits.ts";
import { npyToFloat64, readNpy } from "../npy.ts";
import { AER_STREAM_MAGIC_PREFIX } from "../aer-stream-schema.ts";
import { readAerStreamChunks } from "../aer-stream.ts";
import { readAedat2, type Aedat2AddressLayout } from "./aedat2.ts";
import { readAedat31 } from "./aedat31.ts";
import { readAerStreamEvents } from "./aer-events.ts";
import { batchesOf, collectEvents } from "./batch.ts";
import { readCsvEvents } from "./csv-events.ts";
import { readGestureLabels, sliceByLabels } from "./dvs-gesture-labels.ts";
import { EventsErrorCode, eventsError } from "./errors.ts";
import { readHead } from "./file-io.ts";
import { readNmnist } from "./nmnist.ts";
import { decodeEventsNpy } from "./npy-events.ts";
import { readShd, type ShdFile } from "./shd.ts";
import { applyTransforms, binToTicks, hasTransforms as anyTransforms, inputLayoutOf, mapToInputs, type EventTransformOptions, type MapToInputsOptions } from "./transforms.ts";
import { EventFormat, type EventBatch, type InputEventCounts, type InputSpikes, type ReadEventsOptions, type SensorGeometry } from "./types.ts";

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (head.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (head[at + i] !== bytes[i]) return false;
  return true;
}

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

/** Format from the first bytes of a file, or null when they match no magic. */
export function formatFromMagic(head: Uint8Array): EventFormat | null {
  if (startsWith(head, ascii("#!AER-DAT2"))) return EventFormat.aedat2;
  if (startsWith(head, ascii("#!AER-DAT3"))) return EventFormat.aedat3;
  if (startsWith(head, NPY_MAGIC)) return EventFormat.npy;
  if (startsWith(head, HDF5_MAGIC)) return EventFormat.hdf5;
  // AER stream: a varint message length (1–5 bytes), then the header's magic field.
  for (let at = 1; at <= 5; at++) {
    if (startsWith(head, Array.from(AER_STREAM_MAGIC_PREFIX), at) && (head[at - 1] & 0x80) === 0) return EventFormat.aerStream;
  }
  return null;
}

/** Format from the extension (null when unknown). */
export function formatFromExtension(path: string): EventFormat | null {
  const m = /\.([a-z0-9]+)$/i.exec(path);
  switch (m?.[1].toLowerCase()) {
    case "bin": return EventFormat.nmnist;
    case "csv": case "txt": return EventFormat.csv;
    case "npy": return EventFormat.npy;
    case "h5": case "hdf5": return EventFormat.hdf5;
    case "aer": case "aers": return EventFormat.aerStream;
    case "aedat": case "dat": return EventFormat.aedat3;
    default: return null;
  }
}

/** Detects the format of the event file at `path` (magic bytes first, then extension). */
export async function detectEventFormat(path: string): Promise<EventFormat> {
  const head = await readHead(path, 64);
  if (startsWith(head, ascii("#!AER-DAT4"))) {
    throw eventsError(EventsErrorCode.unsupported, "is AEDAT 4 (DV), which aerchip does not read", "convert it to AEDAT 3.1 or .npy with DV or tonic", { file: path, byteOffset: 0 });
  }
  const byMagic = formatFromMagic(head);
  if (byMagic !== null) return byMagic;
  const byExt = formatFromExtension(path);
  if (byExt === null || byExt === EventFormat.aedat3) {
    if (byExt === EventFormat.aedat3) {
      throw eventsError(EventsErrorCode.header, "does not start with an AEDAT version line (#!AER-DAT2.0 or #!AER-DAT3.1)", "give an AEDAT 2.0 or 3.1 recording", { file: path, byteOffset: 0 });
    }
    throw eventsError(EventsErrorCode.format, "is not a known event format (no recognised magic bytes or extension)",
      "give an N-MNIST .bin, AEDAT 2.0/3.1 .aedat, .npy, .csv, SHD .h5 or aerchip .aer file", { file: path });
  }
  return byExt;
}

/** Options of every reader, for `readEvents` and `readAllEvents`. */
export interface OpenEventsOptions extends ReadEventsOptions {
  /** Skip detection. */
  readonly format?: EventFormat;
  /** .npy / .csv: µs per unit of t. */
  readonly timeUnitUs?: number;
  /** .npy (plain N × k) / .csv (no header): column names, e.g. "x,y,t,p". */
  readonly columns?: string;
  /** AEDAT 2.0: "dvs128" (jAER, default) or "dvs128-raw". */
  readonly address?: Aedat2AddressLayout;
  /** AEDAT 2.0: add 2^32 µs at each backwards jump of the timestamp (default true). */
  readonly unwrapTimestamps?: boolean;
  /** N-MNIST: increment per overflow marker (default 2^13 µs). */
  readonly overflowIncrementUs?: number;
  /** N-MNIST: keep the first saccade (t < 100 ms) only. */
  readonly firstSaccadeOnly?: boolean;
  /** SHD / SSC: which sample (default 0). */
  readonly sample?: number;
  /** AER stream: which source (name or index, default 0). */
  readonly source?: string | number;
}

/** Streams the events of any supported file. */
export async function* readEvents(path: string, options: OpenEventsOptions = {}): AsyncGenerator<EventBatch, void, undefined> {
  const format = options.format ?? (await detectEventFormat(path));
  switch (format) {
    case EventFormat.nmnist: yield* readNmnist(path, options); return;
    case EventFormat.aedat2: yield* readAedat2(path, options); return;
    case EventFormat.aedat3: yield* readAedat31(path, options); return;
    case EventFormat.csv: yield* readCsvEvents(path, options); return;
    case EventFormat.hdf5: yield* readShd(path, options); return;
    case EventFormat.aerStream: yield* readAerStreamEvents(path, options); return;
    case EventFormat.npy: {
      const bytes = await readWhole(path);
      yield* batchesOf(decodeEventsNpy(bytes, options, path), options.batchEvents);
      return;
    }
    default:
      throw eventsError(EventsErrorCode.format, `unknown format ${String(format)}`, "use one of nmnist, aedat2, aedat3, npy, csv, hdf5, aer-stream", { file: path, field: "format" });
  }
}

/** Reads a whole (small) event file into one batch. */
export async function readAllEvents(path: string, options: OpenEventsOptions = {}): Promise<EventBatch> {
  return collectEvents(readEvents(path, options), options.geometry);
}

async function readWhole(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const notFound = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw eventsError(notFound ? EventsErrorCode.notFound : EventsErrorCode.io, notFound ? "the file does not exist" : `cannot read: ${(e as Error).message}`, "check the path", { file: path, cause: e });
  }
}

// ---------------------------------------------------------------------------------------------
// Chip input.

export interface InputReadOptions extends OpenEventsOptions, MapToInputsOptions, EventTransformOptions {
  /** Shape of the input population (C order), e.g. [2, 34, 34]. */
  readonly inputShape: readonly number[];
  /** Tick length in µs for event files (default 1000 when `bins` is not given). */
  readonly tickUs?: number;
  /** Number of time bins spanning the events instead of `tickUs`. */
  readonly bins?: number;
  /** How the bins are cut (transforms.ts BinOptions.binsRule). */
  readonly binsRule?: "proportional" | "tonic";
  /** Bins of this many events instead of a time rule (transforms.ts BinOptions.eventCount: tonic's event_count). */
  readonly eventCount?: number;
  /** This many bins of equal event counts (transforms.ts BinOptions.eventBins: tonic's n_event_bins). */
  readonly eventBins?: number;
  /** tonic's overlap between neighbouring frames, in the unit of the rule (transforms.ts BinOptions.overlap). */
  readonly overlap?: number;
  /** Start of tick 0 (µs or "first"); default 0, or the label's start for a labelled sample. */
  readonly t0Us?: number | "first";
  /** Ticks to produce (later events are dropped); default up to the last event. */
  readonly steps?: number;
  /** DVS128 Gesture label CSV: cut the recording and use labelled sample `sample` (default 0). */
  readonly labels?: string;
  /** Also return each spike's event count (`count`: the events merged into that tick and neuron). */
  readonly counts?: boolean;
  /**
   * A dense .npy tensor's elements are spike counts: a whole number c ≥ 0 at (t, i) is c spikes of input i
   * in tick t (`count` = c; at most MAX_INPUT_SPIKES in all). Without it only 0 and 1 are accepted.
   */
  readonly countTensor?: boolean;
}

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Whether the events are binned by a rule other than ticks of `tickUs` (time bins, or bins of events). */
const rebins = (o: Pick<InputReadOptions, "bins" | "eventCount" | "eventBins">): boolean => o.bins !== undefined || o.eventCount !== undefined || o.eventBins !== undefined;

/** Growable (time, index) pairs. */
class Accumulator {
  tUs = new Float64Array(4096);
  idx = new Int32Array(4096);
  n = 0;
  add(t: Float64Array, idx: Int32Array): void {
    const need = this.n + t.length;
    if (need > this.tUs.length) {
      const cap = Math.max(need, this.tUs.length * 2);
      const t2 = new Float64Array(cap); t2.set(this.tUs.subarray(0, this.n)); this.tUs = t2;
      const i2 = new Int32Array(cap); i2.set(this.idx.subarray(0, this.n)); this.idx = i2;
    }
    this.tUs.set(t, this.n);
    this.idx.set(idx, this.n);
    this.n = need;
  }
}

/**
 * Spikes for a chip input population of `inputShape` from any supported file:
 *  - a plain .npy is a dense T × (input shape) spike tensor (0/1 or bool; time on axis 0);
 *  - an AER stream whose source has as many addresses as the input is used as is (address = neuron),
 *    re-binned when `tickUs` differs from the stream's tick;
 *  - every event format is read, transformed (slice, crop, downsample, polarity), mapped to input indices
 *    (mapToInputs) and binned (binToTicks: tickUs, default 1 ms, or bins), one spike per tick and neuron.
 */
export async function readEventsForInput(path: string, options: InputReadOptions): Promise<InputSpikes> {
  const shape = options.inputShape;
  const size = inputSize(shape);
  const format = options.format ?? (await detectEventFormat(path));
  const hasTransforms = anyTransforms(options);
  if (format === EventFormat.npy && options.columns === undefined) {
    const bytes = await readWhole(path);
    const arr = readNpy(bytes, path);
    if (arr.kind === "plain") {
      if (hasTransforms || rebins(options) || options.overlap !== undefined || options.t0Us === "first" || options.geometry !== undefined) throw eventsError(EventsErrorCode.options, "sensor-size, crop, downsample, spatial-factor, polarity, time-slice, time-bin, event-count, event-bin, event-overlap and first-event tick-origin options apply to events, not to a dense spike tensor (its rows are the ticks)", "drop those options, or give an event file", { file: path });
      if (options.countTensor === true) return denseCountSpikes(path, arr.shape, npyToFloat64(arr.data, path), shape);
      return withCounts(denseTensorSpikes(path, arr.shape, npyToFloat64(arr.data, path), shape), options);
    }
    return eventsToInput(path, batchesOf(decodeEventsNpy(bytes, options, path), options.batchEvents), options, size, options.t0Us);
  }
  // The stream's own ticks, unless its events are to be transformed or binned anew.
  if (format === EventFormat.aerStream && !hasTransforms && options.labels === undefined && !rebins(options) && options.overlap === undefined) {
    const direct = await aerStreamSpikes(path, options, size);
    if (direct !== null) return direct;
  }
  // N-MNIST / N-CALTECH101 files do not record their sensor size: without a geometry, take the input's
  // H × W (mapToInputs still checks every event against the input).
  let readOptions: OpenEventsOptions = { ...options, format };
  if (format === EventFormat.nmnist && options.geometry === undefined && !hasTransforms && (shape.length === 2 || shape.length === 3)) {
    const hwc = shape.length === 3 && inputLayoutOf(shape, options.layout) === "hwc";
    const [H, W] = shape.length === 2 ? shape : hwc ? [shape[0], shape[1]] : [shape[1], shape[2]];
    if (H <= 256 && W <= 256) readOptions = { ...readOptions, geometry: { width: W, height: H, polarities: 2 } };
  }
  let stream: AsyncIterable<EventBatch> = readEvents(path, readOptions);
  let t0: number | "first" | undefined = options.t0Us;
  if (options.labels !== undefined) {
    const labels = await readGestureLabels(options.labels);
    const want = options.sample ?? 0;
    if (!Number.isInteger(want) || want < 0 || want >= labels.length) {
      throw eventsError(EventsErrorCode.options, `labelled sample ${want} does not exist; ${options.labels} has ${labels.length}`, `choose a sample in 0..${labels.length - 1}`, { file: options.labels, field: "sample" });
    }
    let picked: EventBatch | null = null;
    for await (const s of sliceByLabels(stream, labels)) {
      if (s.index === want) {
        picked = s.events;
        break;
      }
    }
    const l = labels[want];
    if (picked === null) picked = { x: new Uint16Array(0), y: new Uint16Array(0), p: new Uint8Array(0), tUs: new Float64Array(0), length: 0, geometry: { width: 1, height: 1, polarities: 1 } };
    stream = batchesOf(picked);
    t0 ??= l.startUs;
  }
  return eventsToInput(path, stream, options, size, t0);
}

/** The number of input neurons of `shape` (E_EVENTS_SHAPE for an empty shape or one with a size < 1). */
function inputSize(shape: readonly number[]): number {
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw eventsError(EventsErrorCode.shape, `input shape [${shape.join(", ")}] is invalid`, "give the input population's shape", { field: "inputShape" });
  }
  return product(shape);
}

/**
 * Spikes for a chip input from sample `sample` of an SHD/SSC file already open: the same spikes as
 * readEventsForInput(f.path, { ...options, sample }) (the same transforms, mapping and binning of the same
 * events), without opening the file again. `options.labels` (DVS Gesture) does not apply to an HDF5 file.
 */
export async function shdSampleForInput(f: ShdFile, sample: number, options: Omit<InputReadOptions, "labels" | "sample" | "format">): Promise<InputSpikes> {
  const size = inputSize(options.inputShape);
  async function* one(): AsyncGenerator<EventBatch, void, undefined> {
    yield await f.sampleEvents(sample);
  }
  return eventsToInput(f.path, one(), options, size, options.t0Us);
}

async function eventsToInput(path: string, stream: AsyncIterable<EventBatch>, o: InputReadOptions, size: number, t0: number | "first" | undefined): Promise<InputSpikes> {
  const acc = new Accumulator();
  let checked = false;
  let eventsRead = 0;
  try {
    for await (const raw of stream) {
      eventsRead += raw.length;
      const b = applyTransforms(raw, o);
      if (!checked) {
        checkTransformedGeometry(b.geometry, o);
        checked = true;
      }
      acc.add(b.tUs, mapToInputs(b, b.geometry, o.inputShape, o));
    }
  } catch (e) {
    throw isAerchipError(e) ? e.withFile(path) : e;
  }
  const spikes = binToTicks(acc.tUs.subarray(0, acc.n), acc.idx.subarray(0, acc.n), {
    ...(o.eventCount !== undefined ? { eventCount: o.eventCount } : o.eventBins !== undefined ? { eventBins: o.eventBins }
      : o.bins === undefined ? { tickUs: o.tickUs ?? 1000 } : { bins: o.bins, ...(o.binsRule === undefined ? {} : { binsRule: o.binsRule }) }),
    ...(o.overlap === undefined ? {} : { overlap: o.overlap }),
    ...(t0 === undefined ? {} : { t0Us: t0 }),
    ...(o.steps === undefined ? {} : { steps: o.steps }),
  });
  for (let k = 0; k < spikes.channel.length; k++) {
    if (spikes.channel[k] >= size) throw eventsError(EventsErrorCode.shape, `input index ${spikes.channel[k]} is beyond the ${size} input neurons`, "check the input shape", { file: path });
  }
  // With an overlap, --tick-us frames start every tickUs − overlap µs: that is the time between ticks (spikes.tickUs).
  const tickUs = o.overlap === undefined ? o.tickUs ?? 1000 : spikes.tickUs;
  return { tick: spikes.tick, neuron: spikes.channel, steps: spikes.steps, ...(!rebins(o) ? { tickUs } : {}), ...(o.counts === true ? { count: spikes.count } : {}), events: eventCounts(eventsRead, acc.n, spikes.count, spikes.eventsInTicks) };
}

/**
 * The accounting of InputEventCounts from the events read, those left after the transforms, and the spikes'
 * event counts; `eventsInTicks` (overlapping frames only: SpikeList.eventsInTicks) the distinct events binned,
 * where the counts count an event once per tick it is in.
 */
export function eventCounts(eventsRead: number, afterTransforms: number, count: Uint32Array, eventsInTicks?: number): InputEventCounts {
  let delivered = 0;
  for (let k = 0; k < count.length; k++) delivered += count[k];
  const binned = eventsInTicks ?? delivered;
  return {
    eventsRead, eventsDroppedByTransforms: eventsRead - afterTransforms, eventsOutsideTicks: afterTransforms - binned,
    eventsBinned: binned, spikes: count.length, eventsMerged: delivered - count.length,
    ...(eventsInTicks === undefined ? {} : { eventsRepeated: delivered - binned }),
  };
}

/** A dense tensor's spikes each stand for one event (its elements are 0 or 1). */
function withCounts(s: InputSpikes, o: InputReadOptions): InputSpikes {
  return o.counts === true ? { ...s, count: new Uint32Array(s.tick.length).fill(1) } : s;
}

/**
 * A dense T × (input shape) tensor's rows (T) and elements per row, checked against the input's shape. The
 * trailing dimensions must be the input's shape, the flat [N] (N = the input's neurons), or either with
 * size-1 dimensions added or removed (e.g. a batch of 1): these keep every element's C-order index, so
 * element (t, i) is input i. A same-size tensor in another layout (channels-last (T, H, W, C) for [C, H, W])
 * would put its spikes on other neurons, so it is refused rather than reshaped.
 */
function denseShape(path: string, arrShape: readonly number[], inputShape: readonly number[]): { T: number; per: number } {
  const size = product(inputShape);
  const T = arrShape.length > 0 ? arrShape[0] : 0;
  const trailing = arrShape.slice(1);
  const per = product(trailing);
  if (arrShape.length < 2 || per !== size) {
    throw eventsError(EventsErrorCode.shape, `the spike tensor has shape [${arrShape.join(", ")}]; the input has shape [${inputShape.join(", ")}] (${size} neurons)`,
      `give a T × ${inputShape.join(" × ")} array (time on axis 0), or a structured event array`, { file: path, field: "shape" });
  }
  if (!sameLayout(trailing, inputShape)) {
    throw eventsError(EventsErrorCode.shape, `the spike tensor has shape [${arrShape.join(", ")}]: its trailing dimensions [${trailing.join(", ")}] hold ${size} elements but are not the input's shape [${inputShape.join(", ")}], so reading them in order would put spikes on the wrong neurons`,
      `give a T × ${inputShape.join(" × ")} array (time on axis 0; e.g. transpose a channels-last tensor to channels-first), or a flat T × ${size} array in that order`, { file: path, field: "shape" });
  }
  return { T, per };
}

/** Whether trailing dims read in C order are the input's neurons in order: the same shape up to size-1 dims, or flat. */
function sameLayout(trailing: readonly number[], inputShape: readonly number[]): boolean {
  if (trailing.length === 1) return true;
  const a = trailing.filter((d) => d !== 1);
  const b = inputShape.filter((d) => d !== 1);
  return a.length === b.length && a.every((d, k) => d === b[k]);
}

/**
 * A dense T × (input shape) tensor of spike counts (InputReadOptions.countTensor): element c at (t, i), a
 * whole number ≥ 0, gives one spike of input i at tick t with `count` c (a tonic ToFrame count frame).
 */
function denseCountSpikes(path: string, arrShape: readonly number[], data: Float64Array, inputShape: readonly number[]): InputSpikes {
  const { T, per } = denseShape(path, arrShape, inputShape);
  let n = 0;
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === 0) continue;
    if (!(Number.isInteger(v) && v > 0)) {
      const t = Math.floor(i / per);
      throw eventsError(EventsErrorCode.range, `element [${t}, ${i - t * per}] is ${v}; a count tensor holds whole numbers ≥ 0 (spikes per tick and input)`, "round the counts to whole numbers", { file: path, field: `[${t}, ${i - t * per}]` });
    }
    n++;
    total += v;
  }
  if (total > MAX_INPUT_SPIKES) {
    throw eventsError(EventsErrorCode.range, `the count tensor holds ${total} spikes; an input delivers at most ${MAX_INPUT_SPIKES}`, "run fewer ticks of it, or scale the counts down", { file: path, field: "counts" });
  }
  return { ...nonzeroSpikes(data, per, n, true), steps: T };
}

/** A dense T × (input shape) tensor: nonzero = spike (only 0 and 1 are accepted). */
function denseTensorSpikes(path: string, arrShape: readonly number[], data: Float64Array, inputShape: readonly number[]): InputSpikes {
  const { T, per } = denseShape(path, arrShape, inputShape);
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === 0) continue;
    if (v !== 1) {
      const t = Math.floor(i / per);
      throw eventsError(EventsErrorCode.range, `element [${t}, ${i - t * per}] is ${v}; spike tensors hold 0 or 1`, "binarise the tensor (an input neuron emits at most one spike per tick), or read its whole numbers as spike counts (aerchip --input-counts)", { file: path, field: `[${t}, ${i - t * per}]` });
    }
    n++;
  }
  const { tick, neuron } = nonzeroSpikes(data, per, n, false);
  return { tick, neuron, steps: T };
}

/**
 * The n nonzero elements of a dense T × `per` tensor (row-major) as spikes: element i at tick ⌊i / per⌋ of
 * input i mod per, in (tick, input) order; with `counts`, each element's value as its count.
 */
function nonzeroSpikes(data: Float64Array, per: number, n: number, counts: boolean): { tick: Int32Array; neuron: Int32Array; count?: Uint32Array } {
  const tick = new Int32Array(n);
  const neuron = new Int32Array(n);
  const count = counts ? new Uint32Array(n) : undefined;
  let k = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0) continue;
    const t = Math.floor(i / per);
    tick[k] = t;
    neuron[k] = i - t * per;
    if (count !== undefined) count[k] = data[i];
    k++;
  }
  return count === undefined ? { tick, neuron } : { tick, neuron, count };
}

/** An AER stream used directly (address = neuron) when its source matches the input size; null otherwise. */
async function aerStreamSpikes(path: string, o: InputReadOptions, size: number): Promise<InputSpikes | null> {
  const ticks: Int32Array[] = [];
  const neurons: Int32Array[] = [];
  let total = 0;
  let streamTickUs = 1;
  let sourceId = 0;
  for await (const c of readAerStreamChunks(path)) {
    if (total === 0 && ticks.length === 0) {
      const want = o.source ?? 0;
      sourceId = typeof want === "number" ? want : c.header.sources.findIndex((s) => s.name === want);
      const src = c.header.sources[sourceId];
      if (src === undefined) {
        throw eventsError(EventsErrorCode.options, `the stream has no source ${JSON.stringify(want)}`, "choose one of the stream's sources", { file: path, field: "source" });
      }
      if (src.shape.length > 0 && product(src.shape) !== size) return null; // pixels: go through the event path
      streamTickUs = c.header.tickUs;
    }
    let n = 0;
    for (let k = 0; k < c.tick.length; k++) if (c.source[k] === sourceId) n++;
    const t = new Int32Array(n);
    const a = new Int32Array(n);
    let j = 0;
    for (let k = 0; k < c.tick.length; k++) {
      if (c.source[k] !== sourceId) continue;
      if (c.address[k] >= size) {
        throw eventsError(EventsErrorCode.outOfRange, `event ${c.firstEvent + k} addresses input ${c.address[k]}; the input has ${size} neurons`, "check the stream's source shape against the model's input", { file: path, byteOffset: c.byteOffset });
      }
      t[j] = c.tick[k];
      a[j] = c.address[k];
      j++;
    }
    ticks.push(t);
    neurons.push(a);
    total += n;
  }
  // On the stream's own grid, bin the integer ticks themselves (exact); otherwise re-bin the times t = tick · tickUs.
  const rebin = o.tickUs !== undefined && o.tickUs !== streamTickUs;
  const times = new Float64Array(total);
  const idx = new Int32Array(total);
  let at = 0;
  for (let i = 0; i < ticks.length; i++) {
    for (let k = 0; k < ticks[i].length; k++) times[at + k] = rebin ? ticks[i][k] * streamTickUs : ticks[i][k];
    idx.set(neurons[i], at);
    at += ticks[i].length;
  }
  const spikes = binToTicks(times, idx, {
    tickUs: rebin ? (o.tickUs as number) : 1,
    t0Us: typeof o.t0Us === "number" && !rebin ? o.t0Us / streamTickUs : (o.t0Us ?? 0),
    ...(o.steps === undefined ? {} : { steps: o.steps }),
  });
  return { tick: spikes.tick, neuron: spikes.channel, steps: spikes.steps, tickUs: rebin ? (o.tickUs as number) : streamTickUs, ...(o.counts === true ? { count: spikes.count } : {}), events: eventCounts(total, total, spikes.count) };
}

/**
 * A crop, downsample or polarity choice is meant to make the recording the model's input: when the
 * transformed sensor (W × H, and its channels for a [C, H, W] or [H, W, C] input) is not the input's, the
 * events would land in one corner or one channel of it, which looks like a result and is a mistake. Flat
 * inputs are checked by mapToInputs (sizes must match exactly).
 */
function checkTransformedGeometry(g: SensorGeometry, o: InputReadOptions): void {
  if (o.crop === undefined && o.downsample === undefined && o.spatialFactor === undefined && o.polarity === undefined) return;
  const shape = o.inputShape;
  if (shape.length !== 2 && shape.length !== 3) return;
  const hwc = shape.length === 3 && inputLayoutOf(shape, o.layout) === "hwc";
  const [C, H, W] = shape.length === 2 ? [1, shape[0], shape[1]] : hwc ? [shape[2], shape[0], shape[1]] : [shape[0], shape[1], shape[2]];
  const channelsDiffer = shape.length === 3 && o.polarity !== undefined && g.polarities !== C;
  if (g.width === W && g.height === H && !channelsDiffer) return;
  const what = [o.crop === undefined ? "" : "--crop", o.downsample === undefined ? "" : "--downsample", o.spatialFactor === undefined ? "" : "--spatial-factor", o.polarity === undefined ? "" : "--polarity"].filter((x) => x !== "").join(", ");
  throw eventsError(EventsErrorCode.shape, `after ${what} the events cover a ${g.width}×${g.height} sensor with ${g.polarities} channel${g.polarities === 1 ? "" : "s"}; the model's input is ${W}×${H} with ${C} channel${C === 1 ? "" : "s"} ([${shape.join(", ")}])`,
    "choose the crop box and downsampling factor that turn the sensor into the input's size (e.g. a 128×128 DVS onto 32×32: --downsample 4; onto 48×48: --spatial-factor 0.375), and --polarity only for a one-channel input", { field: "inputShape" });
}
