/**
 * Test-side encoders for event files, written from the layouts documented in ../shared/docs/papers.md §6
 * and the fixture README (not from aerchip's writers), so reader tests do not check code against itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

export interface Ev { x: number; y: number; p: number; t: number }

/** A temp directory removed after the test file. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "aerchip-events-"));
  afterAll(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** N-MNIST: x, y, p<<7 | t[22:16], t[15:8], t[7:0]. `marker` entries are overflow records (y = 240). */
export function nmnistBytes(items: ReadonlyArray<Ev | "marker">): Uint8Array {
  const out = new Uint8Array(items.length * 5);
  items.forEach((e, i) => {
    if (e === "marker") { out[i * 5 + 1] = 240; return; }
    out[i * 5] = e.x;
    out[i * 5 + 1] = e.y;
    out[i * 5 + 2] = (e.p << 7) | ((e.t >> 16) & 0x7f);
    out[i * 5 + 3] = (e.t >> 8) & 0xff;
    out[i * 5 + 4] = e.t & 0xff;
  });
  return out;
}

/**
 * AEDAT 2.0 with jAER's DVS128 address: bit 0 = 1 − polarity, bits 1–7 = 127 − x, bits 8–14 = y.
 * `special` entries set bit 15 (external events, no pixel). Big-endian [address, timestamp].
 */
export function aedat2Bytes(events: ReadonlyArray<Ev | { special: true; t: number }>, header = "#!AER-DAT2.0\r\n# This is a raw AE data file created by a test\r\n"): Uint8Array {
  const body = new Uint8Array(events.length * 8);
  const dv = new DataView(body.buffer);
  events.forEach((e, i) => {
    const address = "special" in e ? 0x8000 | 5 : (e.y << 8) | ((127 - e.x) << 1) | (e.p === 1 ? 0 : 1);
    dv.setUint32(i * 8, address, false);
    dv.setUint32(i * 8 + 4, e.t >>> 0, false);
  });
  return concat([text(header), body]);
}

export interface Aedat3Packet {
  readonly type?: number;
  readonly eventSize?: number;
  readonly tsOverflow?: number;
  /** Polarity events (valid unless `invalid`); `t` is the 31-bit in-packet timestamp. */
  readonly events?: ReadonlyArray<Ev & { invalid?: boolean }>;
  /** Extra unused slots after the events (capacity − number), filled with valid-looking garbage. */
  readonly spare?: number;
  /** Raw body for non-polarity packets: number of events of `eventSize` bytes. */
  readonly rawEvents?: number;
  /** Override the header's eventNumber (for corruption tests). */
  readonly number?: number;
}

export const AEDAT3_HEADER = "#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n#Start-Time: 2017-01-01 10:00:00 (TZ+0000)\r\n#!END-HEADER\r\n";

/** AEDAT 3.1: 28-byte little-endian packet headers, polarity data words valid | p<<1 | y<<2 | x<<17. */
export function aedat3Bytes(packets: readonly Aedat3Packet[], header = AEDAT3_HEADER): Uint8Array {
  const parts: Uint8Array[] = [text(header)];
  for (const pk of packets) {
    const type = pk.type ?? 1;
    const size = pk.eventSize ?? 8;
    const n = pk.events?.length ?? pk.rawEvents ?? 0;
    const capacity = n + (pk.spare ?? 0);
    const h = new DataView(new ArrayBuffer(28));
    h.setInt16(0, type, true);
    h.setInt16(2, 1, true);
    h.setInt32(4, size, true);
    h.setInt32(8, 4, true);
    h.setInt32(12, pk.tsOverflow ?? 0, true);
    h.setInt32(16, capacity, true);
    h.setInt32(20, pk.number ?? n, true);
    h.setInt32(24, pk.events?.filter((e) => e.invalid !== true).length ?? n, true);
    parts.push(new Uint8Array(h.buffer));
    const body = new DataView(new ArrayBuffer(capacity * size));
    if (pk.events !== undefined) {
      pk.events.forEach((e, i) => {
        body.setUint32(i * size, ((e.x << 17) | (e.y << 2) | (e.p << 1) | (e.invalid === true ? 0 : 1)) >>> 0, true);
        body.setInt32(i * size + 4, e.t, true);
      });
      for (let i = n; i < capacity; i++) {
        body.setUint32(i * size, ((3 << 17) | (3 << 2) | 1) >>> 0, true);
        body.setInt32(i * size + 4, 999, true);
      }
    } else {
      for (let i = 0; i < body.byteLength; i++) body.setUint8(i, (i * 37 + 11) & 0xff);
    }
    parts.push(new Uint8Array(body.buffer));
  }
  return concat(parts);
}

/**
 * A structured .npy (format 1.0, NEP 1): magic, version, uint16 header length, a Python dict literal
 * padded with spaces and "\n" to a multiple of 64 bytes, then packed little-endian records.
 */
export function structuredNpyBytes(fields: ReadonlyArray<{ name: string; descr: string; values: ArrayLike<number | bigint> }>): Uint8Array {
  const n = fields[0].values.length;
  const sizeOf = (d: string): number => Number(/\d+$/.exec(d)![0]);
  const descr = `[${fields.map((f) => `('${f.name}', '${f.descr}')`).join(", ")}]`;
  let dict = `{'descr': ${descr}, 'fortran_order': False, 'shape': (${n},), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, " ") + "\n";
  const head = new Uint8Array(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(head.buffer).setUint16(8, dict.length, true);
  const rec = fields.reduce((a, f) => a + sizeOf(f.descr), 0);
  const body = new DataView(new ArrayBuffer(n * rec));
  for (let i = 0; i < n; i++) {
    let off = i * rec;
    for (const f of fields) {
      const v = f.values[i];
      switch (f.descr) {
        case "<i2": body.setInt16(off, Number(v), true); break;
        case "<u2": body.setUint16(off, Number(v), true); break;
        case "<i8": body.setBigInt64(off, BigInt(v), true); break;
        case "<f8": body.setFloat64(off, Number(v), true); break;
        case "<f4": body.setFloat32(off, Number(v), true); break;
        case "|b1": case "|u1": body.setUint8(off, Number(v)); break;
        case "|i1": body.setInt8(off, Number(v)); break;
        default: throw new Error(`test npy writer: ${f.descr}`);
      }
      off += sizeOf(f.descr);
    }
  }
  return concat([head, text(dict), new Uint8Array(body.buffer)]);
}

/** A plain C-order .npy of float64 or uint8 (`|b1` when bool). */
export function plainNpyBytes(values: ArrayLike<number>, shape: readonly number[], descr: "<f8" | "|b1" | "|u1" = "<f8"): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, " ") + "\n";
  const head = new Uint8Array(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(head.buffer).setUint16(8, dict.length, true);
  const body = descr === "<f8" ? new Uint8Array(Float64Array.from(values).buffer) : Uint8Array.from(values);
  return concat([head, text(dict), body]);
}

/** Reads a whole async stream of batches into plain event objects. */
export async function eventsOf(stream: AsyncIterable<{ x: Uint16Array; y: Uint16Array; p: Uint8Array; tUs: Float64Array; length: number }>): Promise<Ev[]> {
  const out: Ev[] = [];
  for await (const b of stream) for (let i = 0; i < b.length; i++) out.push({ x: b.x[i], y: b.y[i], p: b.p[i], t: b.tUs[i] });
  return out;
}

/** Deterministic pseudo-random events (LCG; tests only). */
export function randomEvents(n: number, w: number, h: number, seed: number, maxStepUs = 50): Ev[] {
  let s = seed >>> 0;
  const next = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s; };
  const out: Ev[] = [];
  let t = next() % 1000;
  for (let i = 0; i < n; i++) {
    t += next() % (maxStepUs + 1);
    out.push({ x: next() % w, y: next() % h, p: next() & 1, t });
  }
  return out;
}
