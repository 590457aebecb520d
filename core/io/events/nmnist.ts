/**
 * N-MNIST / N-CALTECH101 ATIS binary recordings (Orchard et al., Front. Neurosci. 9:437, 2015).
 *
 * Layout: 5 bytes per event, no header.
 *   byte 0 = x, byte 1 = y, bit 7 of byte 2 = polarity (1 = ON),
 *   t = (byte2 & 0x7F) << 16 | byte3 << 8 | byte4   (23 bits, µs).
 * An event with y = 240 is a timestamp-overflow marker: it is dropped and `overflowIncrementUs` is added
 * to the time of every later event. The increment is 2^13 µs in the dataset authors' reader (Read_Ndataset /
 * eventvision.py) and in tonic, so that is the default — note it is not the 2^23 µs a 23-bit counter
 * wraps at; pass `overflowIncrementUs: 2 ** 23` for recordings that follow the arithmetic convention.
 *
 * Geometry: N-MNIST is 34×34×2 (the default). N-CALTECH101 recordings vary in size (the ATIS sensor is
 * 304×240, 8-bit coordinates reach 255): pass `geometry`. An event outside the geometry is an error.
 */
import { BatchBuilder, checkGeometry, resolveReadOptions } from "./batch.ts";
import { EventsErrorCode, eventsError } from "./errors.ts";
import { ChunkedFile, writeFileStreaming } from "./file-io.ts";
import type { EventBatch, ReadEventsOptions, SensorGeometry } from "./types.ts";

export const NMNIST_RECORD_BYTES = 5;
export const NMNIST_GEOMETRY: SensorGeometry = { width: 34, height: 34, polarities: 2 };
/** y value of a timestamp-overflow marker. */
export const NMNIST_OVERFLOW_Y = 240;
export const NMNIST_OVERFLOW_INCREMENT_US = 2 ** 13;
const TS_MASK = 0x7fffff;

export interface NmnistReadOptions extends ReadEventsOptions {
  /** Added to later timestamps at each overflow marker (default 2^13 µs, the dataset authors' convention). */
  readonly overflowIncrementUs?: number;
  /** Keep only events before 100 ms, the first of N-MNIST's three saccades (tonic's `first_saccade_only`). */
  readonly firstSaccadeOnly?: boolean;
}

export const NMNIST_FIRST_SACCADE_US = 100_000;

/** Streams the events of an N-MNIST / N-CALTECH101 `.bin` file. */
export async function* readNmnist(path: string, options: NmnistReadOptions = {}): AsyncGenerator<EventBatch, void, undefined> {
  const { chunkBytes, batchEvents } = resolveReadOptions(options);
  const g = checkGeometry(options.geometry ?? NMNIST_GEOMETRY);
  const increment = options.overflowIncrementUs ?? NMNIST_OVERFLOW_INCREMENT_US;
  if (!Number.isFinite(increment) || increment < 0) {
    throw eventsError(EventsErrorCode.options, `overflowIncrementUs is ${increment}; it must be a finite number ≥ 0`, "omit it to use 2^13 µs", { field: "overflowIncrementUs" });
  }
  const tEnd = options.firstSaccadeOnly === true ? NMNIST_FIRST_SACCADE_US : Infinity;
  const f = await ChunkedFile.open(path, Math.max(NMNIST_RECORD_BYTES, chunkBytes - (chunkBytes % NMNIST_RECORD_BYTES)));
  try {
    const tail = f.size % NMNIST_RECORD_BYTES;
    if (tail !== 0) {
      throw eventsError(EventsErrorCode.truncated, `the file has ${f.size} bytes, which is not a whole number of ${NMNIST_RECORD_BYTES}-byte events (${tail} bytes of a cut event at the end)`,
        "the recording is truncated; copy or download it again", { byteOffset: f.size - tail, file: path });
    }
    const out = new BatchBuilder(batchEvents, g);
    const W = g.width;
    const H = g.height;
    const P = g.polarities;
    let offsetUs = 0;
    while (!f.atEof) {
      await f.fill(NMNIST_RECORD_BYTES);
      const buf = f.buf;
      const records = Math.floor(f.available / NMNIST_RECORD_BYTES);
      const base = f.offset;
      let at = f.start;
      for (let r = 0; r < records; r++, at += NMNIST_RECORD_BYTES) {
        const x = buf[at];
        const y = buf[at + 1];
        const b2 = buf[at + 2];
        if (y === NMNIST_OVERFLOW_Y) {
          offsetUs += increment;
          continue;
        }
        const p = b2 >> 7;
        const t = ((((b2 & 0x7f) << 16) | (buf[at + 3] << 8) | buf[at + 4]) & TS_MASK) + offsetUs;
        if (x >= W || y >= H || p >= P) {
          f.consume(at - f.start);
          throw eventsError(EventsErrorCode.outOfRange, `event at byte ${base + r * NMNIST_RECORD_BYTES} is at (x ${x}, y ${y}, p ${p}), outside the ${W}×${H}×${P} geometry`,
            "give the sensor's size (the readers' geometry option; on the command line --sensor-size W,H: N-CALTECH101 needs e.g. 240,180), or check that the file is an N-MNIST recording", { file: path, byteOffset: base + r * NMNIST_RECORD_BYTES });
        }
        if (t >= tEnd) continue;
        const i = out.n;
        out.x[i] = x;
        out.y[i] = y;
        out.p[i] = p;
        out.tUs[i] = t;
        out.n = i + 1;
        if (out.n === out.capacity) {
          f.consume(at + NMNIST_RECORD_BYTES - f.start);
          at = f.start - NMNIST_RECORD_BYTES; // the for-increment brings it back to f.start
          yield out.take();
        }
      }
      f.consume(at - f.start);
    }
    if (out.pendingAtEnd) yield out.take();
  } finally {
    await f.close();
  }
}

/**
 * Overflow markers the writer inserts into one file at most: 2^20 markers are 5 MiB of records and, at the
 * default 2^13 µs increment, about 2.4 hours of recording (N-MNIST samples last about 0.3 s). A time that
 * needs more is refused before anything is encoded (a time of 1e11 µs would need 12 million markers).
 */
export const NMNIST_MAX_OVERFLOW_MARKERS = 2 ** 20;

/**
 * Encodes events as N-MNIST records. Times must be integer µs ≥ 0 and non-decreasing; a time at or past
 * the 23-bit range of the current segment is reached by inserting overflow markers (each adding
 * `overflowIncrementUs`, default 2^13, as the reader expects). Coordinates must be < 256 and y ≠ 240.
 */
export class NmnistEncoder {
  private offsetUs = 0;
  private lastUs = 0;
  /** Overflow markers encoded so far (bounded by NMNIST_MAX_OVERFLOW_MARKERS). */
  private markers = 0;
  private readonly increment: number;

  constructor(overflowIncrementUs: number = NMNIST_OVERFLOW_INCREMENT_US) {
    if (!Number.isInteger(overflowIncrementUs) || overflowIncrementUs < 1) {
      throw eventsError(EventsErrorCode.options, `overflowIncrementUs is ${overflowIncrementUs}; the writer needs a positive integer`, "omit it to use 2^13 µs", { field: "overflowIncrementUs" });
    }
    this.increment = overflowIncrementUs;
  }

  /** Overflow markers needed before an event at `t` µs when the segment starts at `off` µs. */
  private markersFor(t: number, off: number): number {
    return t - off > TS_MASK ? Math.ceil((t - off - TS_MASK) / this.increment) : 0;
  }

  /**
   * The bytes of one batch (events continue the stream encoded so far). `file` is the output and `source`
   * the input the events come from (both named in errors).
   */
  encode(b: EventBatch, firstEvent = 0, file?: string, source?: string): Uint8Array {
    let markers = 0;
    // First pass: check every event and count markers (arithmetically: a loop adding the increment
    // would run for ever once off + increment no longer changes off) so the output is allocated once.
    let off = this.offsetUs;
    for (let i = 0; i < b.length; i++) {
      const t = b.tUs[i];
      this.check(b, i, t, firstEvent, file, source);
      const k = this.markersFor(t, off);
      if (this.markers + markers + k > NMNIST_MAX_OVERFLOW_MARKERS) {
        const maxUs = this.offsetUs + (NMNIST_MAX_OVERFLOW_MARKERS - this.markers) * this.increment + TS_MASK;
        throw eventsError(EventsErrorCode.range, `event ${firstEvent + i}${source === undefined ? "" : ` of ${source}`} has time ${t} µs; N-MNIST reaches it only through overflow markers of ${this.increment} µs, and a file holds at most ${NMNIST_MAX_OVERFLOW_MARKERS} of them (times up to ${maxUs} µs)`,
          "shift or slice the recording so its times start near 0, or write .npy, .csv or .aedat", { field: `events[${firstEvent + i}].t`, ...(file === undefined ? {} : { file }) });
      }
      markers += k;
      off += k * this.increment;
    }
    this.markers += markers;
    const out = new Uint8Array((b.length + markers) * NMNIST_RECORD_BYTES);
    let at = 0;
    for (let i = 0; i < b.length; i++) {
      const t = b.tUs[i];
      for (let k = this.markersFor(t, this.offsetUs); k > 0; k--) {
        this.offsetUs += this.increment;
        out[at + 1] = NMNIST_OVERFLOW_Y;
        at += NMNIST_RECORD_BYTES;
      }
      const ts = t - this.offsetUs;
      out[at] = b.x[i];
      out[at + 1] = b.y[i];
      out[at + 2] = ((b.p[i] & 1) << 7) | ((ts >> 16) & 0x7f);
      out[at + 3] = (ts >> 8) & 0xff;
      out[at + 4] = ts & 0xff;
      at += NMNIST_RECORD_BYTES;
      this.lastUs = t;
    }
    return out;
  }

  private check(b: EventBatch, i: number, t: number, firstEvent: number, file: string | undefined, source: string | undefined): void {
    const where = { field: `events[${firstEvent + i}]`, ...(file === undefined ? {} : { file }) };
    const of = source === undefined ? "" : ` of ${source}`;
    if (b.x[i] > 255 || b.y[i] > 255 || b.y[i] === NMNIST_OVERFLOW_Y || b.p[i] > 1) {
      throw eventsError(EventsErrorCode.range, `event ${firstEvent + i}${of} at (x ${b.x[i]}, y ${b.y[i]}, p ${b.p[i]}) cannot be stored in N-MNIST format (x, y < 256, y ≠ 240, p ∈ {0, 1})`,
        "crop or downsample the events, or write another format (.npy, .csv, .aedat)", where);
    }
    if (!Number.isInteger(t) || t < 0 || t < this.lastUs || (i > 0 && t < b.tUs[i - 1])) {
      throw eventsError(EventsErrorCode.range, `event ${firstEvent + i}${of} has time ${t} µs; N-MNIST stores non-decreasing integer microseconds ≥ 0`,
        "sort the events by time and round times to µs, or write .npy or .csv", where);
    }
  }
}

/** Writes a stream of events as an N-MNIST `.bin` file (atomically, in bounded memory). */
export async function writeNmnist(path: string, batches: AsyncIterable<EventBatch> | Iterable<EventBatch>, overflowIncrementUs?: number, source?: string): Promise<number> {
  const enc = new NmnistEncoder(overflowIncrementUs);
  let events = 0;
  await writeFileStreaming(path, async (w) => {
    for await (const b of batches) {
      await w.write(enc.encode(b, events, path, source));
      events += b.length;
    }
  });
  return events;
}
