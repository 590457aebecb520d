/**
 * Event arrays in NumPy `.npy` files (parsed by core/io/npy.ts), as tonic and most Python pipelines
 * store samples:
 *  - a structured array with named fields: x, y, t, p (tonic's DVS dtype (x int16, y int16, t int64, p bool));
 *    y may be absent (tonic's audio dtype (t, x, p), e.g. SHD → y = 0), p may be absent (→ 0).
 *    Aliases: t = ts | timestamp | time, p = pol | polarity.
 *  - a plain N × k array whose columns are named by `columns` (e.g. "x,y,p,t" for tonic's pre-cut
 *    DVS128 Gesture files, whose t is in ms: pass `timeUnitUs: 1000`).
 * Times are multiplied by `timeUnitUs` (default 1: the file holds µs). Polarity −1 (the ±1 convention)
 * becomes 0, anything > 0 stays as is (so bool and {0, 1} are unchanged).
 *
 * Geometry: `options.geometry`, else inferred as (max x + 1, max y + 1, max p + 1 — at least 2 for a
 * bool p field); pass it when the sample may not reach the sensor's edge. The whole file is read into
 * memory (NumPy's format has no record framing to stream by); event samples are small, and large
 * recordings belong in AEDAT or .bin.
 *
 * Writing: `encodeEventsNpy` produces tonic's DVS dtype (x <i2, y <i2, t <i8, p |b1) when times are
 * integer µs and coordinates fit int16, and t as <f8 when times have fractions.
 */
import { readFile } from "node:fs/promises";
import { readNpy, writeNpyStructured, type NpyData, type NpyStructuredArray } from "../npy.ts";
import { batchesOf, checkGeometry, resolveReadOptions } from "./batch.ts";
import { EventsErrorCode, checkPositiveNumber, eventsError } from "./errors.ts";
import type { EventBatch, ReadEventsOptions, SensorGeometry } from "./types.ts";

export interface NpyEventsReadOptions extends ReadEventsOptions {
  /** Microseconds per unit of the file's t (default 1). */
  readonly timeUnitUs?: number;
  /** Column names of a plain N × k array, comma-separated (e.g. "x,y,t,p"). */
  readonly columns?: string;
}

const ALIASES: Readonly<Record<string, "x" | "y" | "t" | "p">> = {
  x: "x", y: "y", t: "t", ts: "t", timestamp: "t", time: "t", t_us: "t", p: "p", pol: "p", polarity: "p",
};

function toNumbers(d: NpyData): ArrayLike<number> {
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
    const out = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
    return out;
  }
  return d as ArrayLike<number>;
}

/** Decodes an in-memory .npy holding events into one batch. */
export function decodeEventsNpy(bytes: Uint8Array, options: NpyEventsReadOptions = {}, file?: string): EventBatch {
  const where = (field: string): { file?: string; field: string } => ({ ...(file === undefined ? {} : { file }), field });
  const unit = checkPositiveNumber(options.timeUnitUs ?? 1, "timeUnitUs");
  const arr = readNpy(bytes, file);
  let cols: Partial<Record<"x" | "y" | "t" | "p", ArrayLike<number>>> = {};
  let n: number;
  let boolPolarity = false;
  if (arr.kind === "structured") {
    if (arr.shape.length !== 1) {
      throw eventsError(EventsErrorCode.shape, `the structured array has shape [${arr.shape.join(", ")}]; an event list is one-dimensional`, "save the events as a 1-D structured array", where("shape"));
    }
    n = arr.shape[0];
    cols = fieldsOf(arr, file);
    for (const [name, f] of arr.fields) if (ALIASES[name.toLowerCase()] === "p" && f.dtype.kind === "b") boolPolarity = true;
  } else {
    if (options.columns === undefined) {
      throw eventsError(EventsErrorCode.shape, `a plain array of shape [${arr.shape.join(", ")}] is not an event list without column names`,
        'pass columns (e.g. "x,y,t,p") for an N × k array, or give a structured array with fields x, y, t, p', where("columns"));
    }
    const names = options.columns.split(",").map((s) => s.trim().toLowerCase());
    if (arr.shape.length !== 2 || arr.shape[1] !== names.length) {
      throw eventsError(EventsErrorCode.shape, `the array has shape [${arr.shape.join(", ")}]; columns "${options.columns}" need N × ${names.length}`, "give an N × k array with one column per name", where("columns"));
    }
    n = arr.shape[0];
    const k = names.length;
    const all = toNumbers(arr.data);
    names.forEach((name, c) => {
      const key = ALIASES[name];
      if (key === undefined) return; // other columns are ignored
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) col[i] = all[i * k + c];
      cols[key] = col;
    });
  }
  const xs = cols.x;
  const ts = cols.t;
  if (xs === undefined || ts === undefined) {
    throw eventsError(EventsErrorCode.header, `the events have no ${xs === undefined ? "x" : "t"} field`, "an event array needs at least fields x and t (and usually y and p)", where("fields"));
  }
  const ys = cols.y;
  const ps = cols.p;
  const x = new Uint16Array(n);
  const y = new Uint16Array(n);
  const p = new Uint8Array(n);
  const tUs = new Float64Array(n);
  let maxX = 0;
  let maxY = 0;
  let maxP = 0;
  for (let i = 0; i < n; i++) {
    const xv = xs[i];
    const yv = ys === undefined ? 0 : ys[i];
    let pv = ps === undefined ? 0 : ps[i];
    if (pv < 0) pv = 0;
    const tv = ts[i] * unit;
    if (!Number.isInteger(xv) || !Number.isInteger(yv) || xv < 0 || yv < 0 || xv > 65535 || yv > 65535 || !Number.isInteger(pv) || pv > 255) {
      throw eventsError(EventsErrorCode.outOfRange, `event ${i} has x ${xv}, y ${yv}, p ${pv}; coordinates are integers in [0, 65535] and polarities integers in [0, 255]`, "fix the event array", where(`events[${i}]`));
    }
    if (!Number.isFinite(tv)) throw eventsError(EventsErrorCode.corrupt, `event ${i} has time ${ts[i]}`, "times must be finite numbers", where(`events[${i}].t`));
    // docs/events.md §3: a recording's times count from its start, so a negative one is damage, not data
    // (binned, it would either be dropped or become tick 0's origin and shift every other event).
    if (tv < 0) throw eventsError(EventsErrorCode.corrupt, `event ${i} has time ${ts[i]} (negative)`, "event times must be ≥ 0 (µs from the recording's start): fix or drop the event", where(`events[${i}].t`));
    x[i] = xv;
    y[i] = yv;
    p[i] = pv;
    tUs[i] = tv;
    if (xv > maxX) maxX = xv;
    if (yv > maxY) maxY = yv;
    if (pv > maxP) maxP = pv;
  }
  let g: SensorGeometry;
  if (options.geometry !== undefined) {
    g = checkGeometry(options.geometry);
    if (n > 0 && (maxX >= g.width || maxY >= g.height || maxP >= g.polarities)) {
      let i = 0;
      while (x[i] < g.width && y[i] < g.height && p[i] < g.polarities) i++;
      throw eventsError(EventsErrorCode.outOfRange, `event ${i} (x ${x[i]}, y ${y[i]}, p ${p[i]}) lies outside the ${g.width}×${g.height}×${g.polarities} geometry`, "pass the sensor geometry the events were recorded with", where(`events[${i}]`));
    }
  } else {
    // A bool polarity field declares two channels even when a sample has only one kind of event.
    g = { width: maxX + 1, height: maxY + 1, polarities: Math.max(maxP + 1, boolPolarity ? 2 : 1) };
  }
  return { x, y, p, tUs, length: n, geometry: g };
}

function fieldsOf(arr: NpyStructuredArray, file: string | undefined): Partial<Record<"x" | "y" | "t" | "p", ArrayLike<number>>> {
  const out: Partial<Record<"x" | "y" | "t" | "p", ArrayLike<number>>> = {};
  for (const [name, f] of arr.fields) {
    const key = ALIASES[name.toLowerCase()];
    if (key === undefined || out[key] !== undefined) continue;
    if (f.shape.length !== 0) {
      throw eventsError(EventsErrorCode.shape, `field "${name}" is a sub-array of shape [${f.shape.join(", ")}]; event fields are scalars`, "store one scalar per event in each field", { ...(file === undefined ? {} : { file }), field: name });
    }
    out[key] = toNumbers(f.data);
  }
  return out;
}

/** Streams the events of a `.npy` event file (read whole, yielded in batches). */
export async function* readNpyEvents(path: string, options: NpyEventsReadOptions = {}): AsyncGenerator<EventBatch, void, undefined> {
  const { batchEvents } = resolveReadOptions(options);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const notFound = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw eventsError(notFound ? EventsErrorCode.notFound : EventsErrorCode.io, notFound ? "the file does not exist" : `cannot read: ${(e as Error).message}`, "check the path", { file: path, cause: e });
  }
  yield* batchesOf(decodeEventsNpy(bytes, options, path), batchEvents);
}

/** Encodes events as a structured .npy (tonic's DVS dtype; t as <f8 when a time has a fraction). */
export function encodeEventsNpy(b: EventBatch): Uint8Array {
  const n = b.length;
  let integral = true;
  for (let i = 0; i < n && integral; i++) integral = Number.isSafeInteger(b.tUs[i]);
  let fitsInt16 = true;
  for (let i = 0; i < n && fitsInt16; i++) fitsInt16 = b.x[i] <= 32767 && b.y[i] <= 32767;
  const t = integral ? BigInt64Array.from(b.tUs, (v) => BigInt(v)) : Float64Array.from(b.tUs);
  const x = fitsInt16 ? new Int16Array(b.x) : Uint16Array.from(b.x);
  const y = fitsInt16 ? new Int16Array(b.y) : Uint16Array.from(b.y);
  const polarityIsBool = b.geometry.polarities <= 2;
  return writeNpyStructured([
    { name: "x", data: x },
    { name: "y", data: y },
    { name: "t", data: t },
    { name: "p", data: Uint8Array.from(b.p), bool: polarityIsBool },
  ], [n]);
}
