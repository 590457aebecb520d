/**
 * AEDAT 2.0 (jAER) recordings: '#' header lines (the first `#!AER-DAT2.0`), then 8-byte big-endian
 * events [uint32 address, uint32 timestamp µs].
 *
 * DVS128 address layout (jAER's DVS128 extractor):
 *   bit 0       polarity bit: 0 = ON, 1 = OFF (jAER's type = 1 − bit0; polarity ON when type = 1)
 *   bits 1–7    column; jAER mirrors it: x = 127 − ((address >> 1) & 0x7F)
 *   bits 8–14   y = (address >> 8) & 0x7F
 *   bit 15      external / sync event (no pixel): skipped
 * `address: "dvs128-raw"` decodes the same bits without jAER's mirroring and inversion
 * (x = (a >> 1) & 0x7F, p = a & 1), for recordings or tools that use the unmirrored convention.
 *
 * Timestamps are 32-bit µs and wrap after 71.6 minutes; a timestamp smaller than the previous one is
 * taken as a wrap and 2^32 µs is added to it and to every later event (`unwrapTimestamps`, default on).
 */
import { BatchBuilder, checkGeometry, resolveReadOptions } from "./batch.ts";
import { readAedatHeader } from "./aedat-header.ts";
import { EventsErrorCode, eventsError } from "./errors.ts";
import { ChunkedFile } from "./file-io.ts";
import type { EventBatch, ReadEventsOptions, SensorGeometry } from "./types.ts";

export const AEDAT2_EVENT_BYTES = 8;
export const DVS128_GEOMETRY: SensorGeometry = { width: 128, height: 128, polarities: 2 };
const TWO_POW_32 = 4294967296;
const SPECIAL_BIT = 0x8000;

export type Aedat2AddressLayout = "dvs128" | "dvs128-raw";

export interface Aedat2ReadOptions extends ReadEventsOptions {
  readonly address?: Aedat2AddressLayout;
  /** Add 2^32 µs at each backwards jump of the 32-bit timestamp (default true). */
  readonly unwrapTimestamps?: boolean;
}

/** Decodes a DVS128 address word; returns false for a special (bit 15) event. */
export function decodeDvs128Address(address: number, layout: Aedat2AddressLayout, out: { x: number; y: number; p: number }): boolean {
  if ((address & SPECIAL_BIT) !== 0) return false;
  const col = (address >>> 1) & 0x7f;
  out.y = (address >>> 8) & 0x7f;
  if (layout === "dvs128") {
    out.x = 127 - col;
    out.p = 1 - (address & 1);
  } else {
    out.x = col;
    out.p = address & 1;
  }
  return true;
}

/** Encodes (x, y, p) as a DVS128 address in the given layout (inverse of decodeDvs128Address). */
export function encodeDvs128Address(x: number, y: number, p: number, layout: Aedat2AddressLayout = "dvs128"): number {
  const col = layout === "dvs128" ? 127 - x : x;
  const bit0 = layout === "dvs128" ? 1 - p : p;
  return ((y & 0x7f) << 8) | ((col & 0x7f) << 1) | (bit0 & 1);
}

/** Streams the polarity events of an AEDAT 2.0 DVS128 recording. */
export async function* readAedat2(path: string, options: Aedat2ReadOptions = {}): AsyncGenerator<EventBatch, void, undefined> {
  const { chunkBytes, batchEvents } = resolveReadOptions(options);
  const g = checkGeometry(options.geometry ?? DVS128_GEOMETRY);
  const layout = options.address ?? "dvs128";
  if (layout !== "dvs128" && layout !== "dvs128-raw") {
    throw eventsError(EventsErrorCode.options, `address layout "${String(layout)}" is unknown`, 'use "dvs128" (jAER) or "dvs128-raw"', { field: "address" });
  }
  const unwrap = options.unwrapTimestamps !== false;
  const f = await ChunkedFile.open(path, Math.max(64, chunkBytes - (chunkBytes % AEDAT2_EVENT_BYTES)));
  try {
    const header = await readAedatHeader(f);
    if (header.major !== 2) {
      throw eventsError(EventsErrorCode.header, `is AEDAT ${header.version}, not 2.x`, "read AEDAT 3.x files with readAedat31 (detection by content does this for you)", { file: path, byteOffset: 0 });
    }
    const dataBytes = f.size - header.dataStart;
    const tail = dataBytes % AEDAT2_EVENT_BYTES;
    if (tail !== 0) {
      throw eventsError(EventsErrorCode.truncated, `the data section has ${dataBytes} bytes, not a whole number of ${AEDAT2_EVENT_BYTES}-byte events (${tail} bytes of a cut event at the end)`,
        "the recording is truncated; copy it again", { file: path, byteOffset: f.size - tail });
    }
    const out = new BatchBuilder(batchEvents, g);
    const W = g.width;
    const H = g.height;
    const xyp = { x: 0, y: 0, p: 0 };
    let last = -1;
    let wrapUs = 0;
    while (!f.atEof) {
      await f.fill(AEDAT2_EVENT_BYTES);
      const buf = f.buf;
      const n = Math.floor(f.available / AEDAT2_EVENT_BYTES);
      const base = f.offset;
      let at = f.start;
      for (let r = 0; r < n; r++, at += AEDAT2_EVENT_BYTES) {
        const address = ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
        const ts = ((buf[at + 4] << 24) | (buf[at + 5] << 16) | (buf[at + 6] << 8) | buf[at + 7]) >>> 0;
        if (unwrap && ts < last) wrapUs += TWO_POW_32;
        last = ts;
        if (!decodeDvs128Address(address, layout, xyp)) continue;
        if (xyp.x >= W || xyp.y >= H || xyp.p >= g.polarities) {
          throw eventsError(EventsErrorCode.outOfRange, `event at byte ${base + r * AEDAT2_EVENT_BYTES} is at (x ${xyp.x}, y ${xyp.y}, p ${xyp.p}), outside the ${W}×${H}×${g.polarities} geometry`,
            "pass the sensor geometry (DVS128 is 128×128)", { file: path, byteOffset: base + r * AEDAT2_EVENT_BYTES });
        }
        const i = out.n;
        out.x[i] = xyp.x;
        out.y[i] = xyp.y;
        out.p[i] = xyp.p;
        out.tUs[i] = ts + wrapUs;
        out.n = i + 1;
        if (out.n === out.capacity) {
          f.consume(at + AEDAT2_EVENT_BYTES - f.start);
          at = f.start - AEDAT2_EVENT_BYTES;
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
