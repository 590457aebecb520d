/**
 * Building, joining and collecting event batches.
 *
 * `BatchBuilder` is what a reader's hot loop writes into: four preallocated typed arrays and a fill
 * count, handed out as a batch by `take()` (which allocates the next arrays, so a consumer may keep every
 * batch it receives). Memory per reader is therefore one batch under construction plus what the consumer
 * keeps.
 */
import { EventsErrorCode, checkPositiveInt, eventsError } from "./errors.ts";
import type { EventBatch, SensorGeometry } from "./types.ts";

export const DEFAULT_BATCH_EVENTS = 65536;
export const DEFAULT_CHUNK_BYTES = 1 << 20;
/** Coordinates are stored as Uint16. */
export const MAX_COORDINATE = 65535;

/** Validates a geometry (positive integers; width and height ≤ 65,536; polarities ≤ 256). */
export function checkGeometry(g: SensorGeometry, what = "geometry"): SensorGeometry {
  const ok = (v: number, max: number): boolean => Number.isInteger(v) && v >= 1 && v <= max;
  if (g === null || typeof g !== "object" || !ok(g.width, MAX_COORDINATE + 1) || !ok(g.height, MAX_COORDINATE + 1) || !ok(g.polarities, 256)) {
    throw eventsError(EventsErrorCode.options, `${what} ${JSON.stringify(g)} is invalid: width and height must be integers in [1, 65536] and polarities in [1, 256]`,
      "give the sensor size, e.g. {width: 128, height: 128, polarities: 2}", { field: what });
  }
  return { width: g.width, height: g.height, polarities: g.polarities };
}

export function sameGeometry(a: SensorGeometry, b: SensorGeometry): boolean {
  return a.width === b.width && a.height === b.height && a.polarities === b.polarities;
}

export function emptyBatch(geometry: SensorGeometry): EventBatch {
  return { x: new Uint16Array(0), y: new Uint16Array(0), p: new Uint8Array(0), tUs: new Float64Array(0), length: 0, geometry };
}

/** A batch from arrays (copied into the right typed arrays). Coordinates are checked against the geometry. */
export function makeBatch(
  fields: { readonly x: ArrayLike<number>; readonly y: ArrayLike<number>; readonly p: ArrayLike<number>; readonly tUs: ArrayLike<number> },
  geometry: SensorGeometry,
): EventBatch {
  const n = fields.x.length;
  if (fields.y.length !== n || fields.p.length !== n || fields.tUs.length !== n) {
    throw eventsError(EventsErrorCode.options, `event fields have different lengths (x ${n}, y ${fields.y.length}, p ${fields.p.length}, t ${fields.tUs.length})`, "give one value per event in every field");
  }
  const g = checkGeometry(geometry);
  const b: EventBatch = { x: Uint16Array.from(fields.x), y: Uint16Array.from(fields.y), p: Uint8Array.from(fields.p), tUs: Float64Array.from(fields.tUs), length: n, geometry: g };
  for (let i = 0; i < n; i++) {
    if (fields.x[i] !== b.x[i] || fields.y[i] !== b.y[i] || fields.p[i] !== b.p[i] || b.x[i] >= g.width || b.y[i] >= g.height || b.p[i] >= g.polarities) {
      throw eventsError(EventsErrorCode.outOfRange, `event ${i} (x ${fields.x[i]}, y ${fields.y[i]}, p ${fields.p[i]}) lies outside the ${g.width}×${g.height}×${g.polarities} geometry`, "give coordinates inside the geometry", { field: `events[${i}]` });
    }
    if (!Number.isFinite(b.tUs[i])) {
      throw eventsError(EventsErrorCode.options, `event ${i} has time ${fields.tUs[i]}; times must be finite microseconds`, "give finite event times", { field: `events[${i}].t` });
    }
  }
  return b;
}

/** Views events [lo, hi) of a batch (no copy). */
export function sliceBatch(b: EventBatch, lo: number, hi: number): EventBatch {
  return { x: b.x.subarray(lo, hi), y: b.y.subarray(lo, hi), p: b.p.subarray(lo, hi), tUs: b.tUs.subarray(lo, hi), length: Math.max(0, hi - lo), geometry: b.geometry };
}

/** Joins batches (of one geometry) into one. */
export function concatBatches(batches: readonly EventBatch[], geometry?: SensorGeometry): EventBatch {
  const g = geometry ?? batches[0]?.geometry;
  if (g === undefined) throw eventsError(EventsErrorCode.options, "concatBatches: no batches and no geometry", "give a geometry for an empty stream");
  if (batches.length === 1 && sameGeometry(batches[0].geometry, g)) return batches[0];
  let n = 0;
  for (const b of batches) {
    if (!sameGeometry(b.geometry, g)) {
      throw eventsError(EventsErrorCode.options, `cannot join batches of geometry ${b.geometry.width}×${b.geometry.height}×${b.geometry.polarities} and ${g.width}×${g.height}×${g.polarities}`, "transform the batches to one geometry first");
    }
    n += b.length;
  }
  const out = { x: new Uint16Array(n), y: new Uint16Array(n), p: new Uint8Array(n), tUs: new Float64Array(n) };
  let at = 0;
  for (const b of batches) {
    out.x.set(b.x, at);
    out.y.set(b.y, at);
    out.p.set(b.p, at);
    out.tUs.set(b.tUs, at);
    at += b.length;
  }
  return { ...out, length: n, geometry: g };
}

/** Reads a whole stream into one batch (for files that fit in memory). */
export async function collectEvents(stream: AsyncIterable<EventBatch>, geometry?: SensorGeometry): Promise<EventBatch> {
  const parts: EventBatch[] = [];
  let g = geometry;
  for await (const b of stream) {
    g ??= b.geometry;
    if (b.length > 0) parts.push(b);
  }
  if (g === undefined) throw eventsError(EventsErrorCode.options, "the stream yielded no batches and no geometry was given", "give a geometry");
  return parts.length === 0 ? emptyBatch(g) : concatBatches(parts, g);
}

/** Splits one in-memory batch into batches of at most `batchEvents` (views). */
export async function* batchesOf(b: EventBatch, batchEvents: number = DEFAULT_BATCH_EVENTS): AsyncGenerator<EventBatch, void, undefined> {
  checkPositiveInt(batchEvents, "batchEvents");
  if (b.length === 0) {
    yield b;
    return;
  }
  for (let lo = 0; lo < b.length; lo += batchEvents) yield sliceBatch(b, lo, Math.min(b.length, lo + batchEvents));
}

/**
 * Accumulates events for a reader. Usage in a hot loop:
 *   const i = builder.n; builder.x[i] = …; builder.y[i] = …; builder.p[i] = …; builder.tUs[i] = …; builder.n = i + 1;
 *   if (builder.n === builder.capacity) yield builder.take();
 */
export class BatchBuilder {
  readonly capacity: number;
  readonly geometry: SensorGeometry;
  x: Uint16Array;
  y: Uint16Array;
  p: Uint8Array;
  tUs: Float64Array;
  n = 0;
  /** Batches handed out so far. */
  taken = 0;

  constructor(capacity: number, geometry: SensorGeometry) {
    this.capacity = checkPositiveInt(capacity, "batchEvents");
    this.geometry = geometry;
    this.x = new Uint16Array(capacity);
    this.y = new Uint16Array(capacity);
    this.p = new Uint8Array(capacity);
    this.tUs = new Float64Array(capacity);
  }

  get full(): boolean {
    return this.n >= this.capacity;
  }

  /** The filled part as a batch; the builder starts a fresh set of arrays. */
  take(): EventBatch {
    const n = this.n;
    const b: EventBatch = n === this.capacity
      ? { x: this.x, y: this.y, p: this.p, tUs: this.tUs, length: n, geometry: this.geometry }
      : { x: this.x.slice(0, n), y: this.y.slice(0, n), p: this.p.slice(0, n), tUs: this.tUs.slice(0, n), length: n, geometry: this.geometry };
    if (n === this.capacity) {
      this.x = new Uint16Array(this.capacity);
      this.y = new Uint16Array(this.capacity);
      this.p = new Uint8Array(this.capacity);
      this.tUs = new Float64Array(this.capacity);
    }
    this.n = 0;
    this.taken++;
    return b;
  }

  /** True when the rest should be yielded at the end of a stream: events remain, or none were yielded (an
   * empty file still yields one empty batch, which carries the geometry). */
  get pendingAtEnd(): boolean {
    return this.n > 0 || this.taken === 0;
  }
}

/** Per-format defaults resolved from ReadEventsOptions. */
export function resolveReadOptions(o: { readonly chunkBytes?: number; readonly batchEvents?: number }): { chunkBytes: number; batchEvents: number } {
  return {
    chunkBytes: checkPositiveInt(o.chunkBytes ?? DEFAULT_CHUNK_BYTES, "chunkBytes", 1 << 30),
    batchEvents: checkPositiveInt(o.batchEvents ?? DEFAULT_BATCH_EVENTS, "batchEvents", 1 << 26),
  };
}
