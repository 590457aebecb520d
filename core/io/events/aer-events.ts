/**
 * Adapter between event streams and aerchip's AER protobuf stream (core/io/aer-stream.ts).
 *
 * An AER stream carries (tick, source, address) with a tick length in µs and, per source, a row-major
 * shape. As events, one source is read: time t = tick · tickUs, and the flat address is unravelled in C
 * order by the source's shape:
 *   [P, H, W] → p, y, x;   [H, W] → y, x (p = 0);   [N] → x (y = p = 0, for N ≤ 65,536);
 *   []        → unravelled by `options.geometry` ([P, H, W] order), which is then required.
 * Writing does the reverse with source shape [P, H, W]: address = (p·H + y)·W + x, tick = ⌊t / tickUs⌋
 * (events are ordered by tick, stably, because the stream requires non-decreasing ticks). The default
 * tickUs = 1 keeps integer-µs timestamps exact. The encoder works in memory (encodeAerStream), so a
 * written stream is bounded by memory; reading streams chunk by chunk.
 */
import { AER_STREAM_LIMITS, encodeAerStream, readAerStreamChunks, type AerStreamSource } from "../aer-stream.ts";
import { writeFileAtomic } from "../../atomic-write.ts";
import { checkGeometry, collectEvents, resolveReadOptions } from "./batch.ts";
import { EventsErrorCode, checkPositiveNumber, eventsError } from "./errors.ts";
import type { EventBatch, ReadEventsOptions, SensorGeometry } from "./types.ts";

export interface AerEventsReadOptions extends ReadEventsOptions {
  /** Source to read, by name or index (default 0). */
  readonly source?: string | number;
}

/** Geometry implied by a source's shape (null for an unshaped source). */
export function geometryOfAerSource(s: AerStreamSource, file?: string): SensorGeometry | null {
  const sh = s.shape;
  const where = { ...(file === undefined ? {} : { file }), field: `source "${s.name}" shape` };
  if (sh.length === 0) return null;
  let g: SensorGeometry;
  if (sh.length === 3) g = { polarities: sh[0], height: sh[1], width: sh[2] };
  else if (sh.length === 2) g = { polarities: 1, height: sh[0], width: sh[1] };
  else if (sh.length === 1) g = { polarities: 1, height: 1, width: sh[0] };
  else {
    throw eventsError(EventsErrorCode.shape, `source "${s.name}" has shape [${sh.join(", ")}]; events need a shape [P, H, W], [H, W] or [N]`,
      "as chip input, give a stream whose source has as many addresses as the input (address = input neuron); a packet stream (aerchip run --packets-out) is read with `aerchip convert FILE.aer OUT.csv`", where);
  }
  if (g.width > 65536 || g.height > 65536 || g.polarities > 256) {
    throw eventsError(EventsErrorCode.range, `source "${s.name}" has shape [${sh.join(", ")}], too large for event coordinates (≤ 65,536 × 65,536 × 256)`, "read the stream as spikes (readEventsForInput) instead", where);
  }
  return g;
}

/** Streams the events of one source of an AER stream file. */
export async function* readAerStreamEvents(path: string, options: AerEventsReadOptions = {}): AsyncGenerator<EventBatch, void, undefined> {
  const { chunkBytes } = resolveReadOptions(options);
  let sourceId = -1;
  let g: SensorGeometry | null = null;
  let tickUs = 1;
  const bufferBytes = Math.min(Math.max(16, chunkBytes), AER_STREAM_LIMITS.maxChunkBytes);
  for await (const c of readAerStreamChunks(path, { bufferBytes })) {
    if (sourceId < 0) {
      const sources = c.header.sources;
      const want = options.source ?? 0;
      sourceId = typeof want === "number" ? want : sources.findIndex((s) => s.name === want);
      if (!Number.isInteger(sourceId) || sourceId < 0 || sourceId >= sources.length) {
        throw eventsError(EventsErrorCode.options, `the stream has no source ${JSON.stringify(want)} (sources: ${sources.map((s) => s.name).join(", ") || "none"})`, "choose one of the stream's sources", { file: path, field: "source" });
      }
      g = options.geometry !== undefined ? checkGeometry(options.geometry) : geometryOfAerSource(sources[sourceId], path);
      if (g === null) {
        throw eventsError(EventsErrorCode.shape, `source "${sources[sourceId].name}" has no shape, so its addresses cannot be turned into pixels`, "pass the sensor geometry", { file: path, field: "geometry" });
      }
      tickUs = c.header.tickUs;
    }
    const geo = g as SensorGeometry;
    const W = geo.width;
    const HW = geo.height * W;
    const size = HW * geo.polarities;
    let n = 0;
    for (let k = 0; k < c.tick.length; k++) if (c.source[k] === sourceId) n++;
    const x = new Uint16Array(n);
    const y = new Uint16Array(n);
    const p = new Uint8Array(n);
    const tUs = new Float64Array(n);
    let i = 0;
    for (let k = 0; k < c.tick.length; k++) {
      if (c.source[k] !== sourceId) continue;
      const a = c.address[k];
      if (a >= size) {
        throw eventsError(EventsErrorCode.outOfRange, `event ${c.firstEvent + k} has address ${a}, beyond the ${size} pixels of the ${W}×${geo.height}×${geo.polarities} geometry`,
          "pass the geometry the stream was written with", { file: path, field: `address[${c.firstEvent + k}]`, byteOffset: c.byteOffset });
      }
      const pp = Math.floor(a / HW);
      const rem = a - pp * HW;
      const yy = Math.floor(rem / W);
      x[i] = rem - yy * W;
      y[i] = yy;
      p[i] = pp;
      tUs[i] = c.tick[k] * tickUs;
      i++;
    }
    yield { x, y, p, tUs, length: n, geometry: geo };
  }
}

export interface AerEventsWriteOptions {
  /** Tick length of the stream in µs (default 1: integer-µs times are kept exactly). */
  readonly tickUs?: number;
  /** Source name (default "events"). */
  readonly sourceName?: string;
}

/** Encodes events as an AER stream (one source of shape [P, H, W]). */
export function encodeAerStreamEvents(b: EventBatch, options: AerEventsWriteOptions = {}): Uint8Array {
  const tickUs = checkPositiveNumber(options.tickUs ?? 1, "tickUs");
  const g = b.geometry;
  const n = b.length;
  const tick = new Uint32Array(n);
  const address = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const t = Math.floor(b.tUs[i] / tickUs);
    if (!(t >= 0 && t <= 0xffffffff)) {
      throw eventsError(EventsErrorCode.range, `event ${i} at ${b.tUs[i]} µs is tick ${t}; AER stream ticks are uint32 (0 … 4,294,967,295)`, "use a longer tickUs, or shift the times to start at 0", { field: `events[${i}].t` });
    }
    tick[i] = t;
    address[i] = (b.p[i] * g.height + b.y[i]) * g.width + b.x[i];
    if (i > 0 && t < tick[i - 1]) sorted = false;
  }
  if (!sorted) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, c) => tick[a] - tick[c] || a - c);
    const t2 = Uint32Array.from(order, (i) => tick[i]);
    const a2 = Uint32Array.from(order, (i) => address[i]);
    tick.set(t2);
    address.set(a2);
  }
  return encodeAerStream({ tickUs, sources: [{ name: options.sourceName ?? "events", shape: [g.polarities, g.height, g.width] }], tick, address });
}

/** Writes events as an AER stream file (collects the stream in memory first). Returns the event count. */
export async function writeAerStreamEvents(path: string, batches: AsyncIterable<EventBatch> | Iterable<EventBatch>, options: AerEventsWriteOptions = {}, geometry?: SensorGeometry): Promise<number> {
  const all = await collectEvents(toAsync(batches), geometry);
  writeFileAtomic(path, encodeAerStreamEvents(all, options));
  return all.length;
}

async function* toAsync<T>(it: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T, void, undefined> {
  for await (const v of it) yield v;
}
