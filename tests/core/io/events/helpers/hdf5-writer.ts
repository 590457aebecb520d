/**
 * Test-only minimal HDF5 writer, written from the HDF5 File Format Specification (version 3.0), for
 * files h5wasm cannot produce: datasets of variable-length numeric arrays (SHD's spikes/times and
 * spikes/units). libhdf5 (through h5wasm) is the judge: if it reads these files back, they are HDF5.
 *
 * Structures used (all little endian, offsets and lengths 8 bytes):
 *  - superblock version 2 (48 bytes, Jenkins lookup3 checksum);
 *  - version-2 object headers ("OHDR", 4-byte chunk size, checksum) holding header messages;
 *  - groups in "compact" new-style form: Link Info (0x02, no fractal heap), Group Info (0x0A) and one
 *    Link message (0x06, hard link) per child;
 *  - datasets: Dataspace (0x01, v2 simple), Datatype (0x03: fixed-point, floating-point or
 *    variable-length sequence of those), Fill Value (0x05, v3, undefined), Data Layout (0x08, v3 contiguous);
 *  - one global heap collection ("GCOL", ≥ 4096 bytes, closed by a free-space object) holding the
 *    elements of every variable-length row; a row is stored in the dataset as
 *    [uint32 length, uint64 collection address, uint32 object index].
 */
import { writeFileSync } from "node:fs";

export type H5Type =
  | { readonly cls: "int"; readonly size: 1 | 2 | 4 | 8; readonly signed: boolean }
  | { readonly cls: "float"; readonly size: 2 | 4 | 8 }
  | { readonly cls: "vlen"; readonly base: { readonly cls: "int"; readonly size: 1 | 2 | 4 | 8; readonly signed: boolean } | { readonly cls: "float"; readonly size: 2 | 4 | 8 } };

export interface H5DatasetSpec {
  readonly kind: "dataset";
  readonly type: H5Type;
  /** For vlen: one array per row (1-D dataset); otherwise flat values with `shape`. */
  readonly data: ReadonlyArray<number> | ReadonlyArray<ReadonlyArray<number>>;
  readonly shape?: readonly number[];
}

export interface H5GroupSpec {
  readonly kind: "group";
  readonly children: Readonly<Record<string, H5GroupSpec | H5DatasetSpec>>;
}

const UNDEF = 0xffffffffffffffffn;

// ---------------------------------------------------------------------------------------------
// Jenkins lookup3 hashlittle (the checksum HDF5 uses for metadata).

function rot(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export function lookup3(data: Uint8Array, initval = 0): number {
  let length = data.length;
  let a = (0xdeadbeef + length + initval) >>> 0;
  let b = a;
  let c = a;
  let k = 0;
  while (length > 12) {
    a = (a + (data[k] | (data[k + 1] << 8) | (data[k + 2] << 16) | (data[k + 3] << 24))) >>> 0;
    b = (b + (data[k + 4] | (data[k + 5] << 8) | (data[k + 6] << 16) | (data[k + 7] << 24))) >>> 0;
    c = (c + (data[k + 8] | (data[k + 9] << 8) | (data[k + 10] << 16) | (data[k + 11] << 24))) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) return c;
  // Last block: bytes k..k+length-1, added little-endian into a, b, c.
  const tail = new Uint8Array(12);
  tail.set(data.subarray(k, k + length));
  a = (a + (tail[0] | (tail[1] << 8) | (tail[2] << 16) | (tail[3] << 24))) >>> 0;
  b = (b + (tail[4] | (tail[5] << 8) | (tail[6] << 16) | (tail[7] << 24))) >>> 0;
  c = (c + (tail[8] | (tail[9] << 8) | (tail[10] << 16) | (tail[11] << 24))) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  return c;
}

// ---------------------------------------------------------------------------------------------
// Bytes.

class Bytes {
  readonly b: number[] = [];
  u8(v: number): this { this.b.push(v & 0xff); return this; }
  u16(v: number): this { return this.u8(v).u8(v >>> 8); }
  u32(v: number): this { return this.u16(v & 0xffff).u16(v >>> 16); }
  u64(v: bigint | number): this {
    const x = BigInt.asUintN(64, BigInt(v));
    for (let i = 0n; i < 8n; i++) this.u8(Number((x >> (8n * i)) & 0xffn));
    return this;
  }
  raw(a: ArrayLike<number>): this { for (let i = 0; i < a.length; i++) this.u8(a[i]); return this; }
  ascii(s: string): this { for (let i = 0; i < s.length; i++) this.u8(s.charCodeAt(i)); return this; }
  get length(): number { return this.b.length; }
  bytes(): Uint8Array { return Uint8Array.from(this.b); }
}

function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (v === 0) return sign;
  if (exp <= 0) return sign | Math.round((mant | 0x800000) / 2 ** (14 - exp)); // subnormal (tests use small ranges)
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | Math.round(mant / 8192);
}

function encodeElement(out: Bytes, t: Exclude<H5Type, { cls: "vlen" }>, v: number): void {
  if (t.cls === "float") {
    if (t.size === 2) out.u16(toHalf(v));
    else { const b = new Uint8Array(t.size); const dv = new DataView(b.buffer); if (t.size === 4) dv.setFloat32(0, v, true); else dv.setFloat64(0, v, true); out.raw(b); }
    return;
  }
  if (t.size === 8) out.u64(BigInt(v));
  else if (t.size === 4) out.u32(v >>> 0);
  else if (t.size === 2) out.u16(v & 0xffff);
  else out.u8(v & 0xff);
}

/** Datatype message body. */
function datatype(t: H5Type): Bytes {
  const d = new Bytes();
  if (t.cls === "int") {
    d.u8(0x10).u8(t.signed ? 0x08 : 0).u8(0).u8(0).u32(t.size).u16(0).u16(t.size * 8);
  } else if (t.cls === "float") {
    const [sign, expLoc, expSize, mantSize, bias] = t.size === 2 ? [15, 10, 5, 10, 15] : t.size === 4 ? [31, 23, 8, 23, 127] : [63, 52, 11, 52, 1023];
    d.u8(0x11).u8(0x20).u8(sign).u8(0).u32(t.size).u16(0).u16(t.size * 8).u8(expLoc).u8(expSize).u8(0).u8(mantSize).u32(bias);
  } else {
    d.u8(0x19).u8(0).u8(0).u8(0).u32(16).raw(datatype(t.base).b);
  }
  return d;
}

interface Msg { readonly type: number; readonly flags: number; readonly body: Bytes }

function objectHeader(msgs: readonly Msg[]): Uint8Array {
  const body = new Bytes();
  for (const m of msgs) body.u8(m.type).u16(m.body.length).u8(m.flags).raw(m.body.b);
  const h = new Bytes().ascii("OHDR").u8(2).u8(0x02).u32(body.length).raw(body.b);
  const bytes = h.bytes();
  const out = new Bytes().raw(bytes).u32(lookup3(bytes));
  return out.bytes();
}

// ---------------------------------------------------------------------------------------------
// Layout: sizes first (they do not depend on addresses), then addresses, then bytes.

interface Planned {
  readonly spec: H5GroupSpec | H5DatasetSpec;
  addr: number;
  headerSize: number;
  /** Raw data (datasets). */
  dataAddr: number;
  dataSize: number;
  children?: Array<[string, Planned]>;
  /** vlen rows: global heap object index of each row (0 for an empty row). */
  rowObjects?: number[];
}

export function buildHdf5(root: H5GroupSpec): Uint8Array {
  const all: Planned[] = [];
  const heapObjects: Bytes[] = [];
  const plan = (spec: H5GroupSpec | H5DatasetSpec): Planned => {
    const p: Planned = { spec, addr: 0, headerSize: 0, dataAddr: 0, dataSize: 0 };
    all.push(p);
    if (spec.kind === "group") p.children = Object.entries(spec.children).map(([k, v]) => [k, plan(v)]);
    else if (spec.type.cls === "vlen") {
      const base = spec.type.base;
      p.rowObjects = (spec.data as ReadonlyArray<ReadonlyArray<number>>).map((row) => {
        if (row.length === 0) return 0;
        const o = new Bytes();
        for (const v of row) encodeElement(o, base, v);
        heapObjects.push(o);
        return heapObjects.length;
      });
    }
    return p;
  };
  const top = plan(root);
  const messagesOf = (p: Planned): Msg[] => {
    const s = p.spec;
    if (s.kind === "group") {
      const msgs: Msg[] = [
        { type: 0x02, flags: 0, body: new Bytes().u8(0).u8(0).u64(UNDEF).u64(UNDEF) },
        { type: 0x0a, flags: 0, body: new Bytes().u8(0).u8(0) },
      ];
      for (const [name, c] of p.children ?? []) msgs.push({ type: 0x06, flags: 0, body: new Bytes().u8(1).u8(0).u8(name.length).ascii(name).u64(c.addr) });
      return msgs;
    }
    const n = s.type.cls === "vlen" ? s.data.length : (s.data as ReadonlyArray<number>).length;
    const shape = s.shape ?? [n];
    const space = new Bytes().u8(2).u8(shape.length).u8(0).u8(shape.length === 0 ? 0 : 1);
    for (const d of shape) space.u64(d);
    return [
      { type: 0x01, flags: 0, body: space },
      { type: 0x03, flags: 1, body: datatype(s.type) },
      { type: 0x05, flags: 1, body: new Bytes().u8(3).u8(0x0a) },
      { type: 0x08, flags: 0, body: new Bytes().u8(3).u8(1).u64(p.dataAddr).u64(p.dataSize) },
    ];
  };
  // Data sizes.
  for (const p of all) {
    const s = p.spec;
    if (s.kind !== "dataset") continue;
    p.dataSize = s.type.cls === "vlen" ? 16 * s.data.length : (s.data as ReadonlyArray<number>).length * s.type.size;
  }
  // Header sizes (addresses are fixed-width, so placeholder values give the final sizes).
  for (const p of all) p.headerSize = objectHeader(messagesOf(p)).length;
  // Addresses: superblock, object headers, global heap, raw data.
  let at = 48;
  for (const p of all) { p.addr = at; at += p.headerSize; }
  const heapAddr = at;
  let heapSize = 16;
  for (const o of heapObjects) heapSize += 16 + Math.ceil(o.length / 8) * 8;
  heapSize = Math.max(4096, heapSize + 16);
  if (heapObjects.length > 0) at += heapSize;
  for (const p of all) if (p.spec.kind === "dataset") { p.dataAddr = at; at += p.dataSize; }
  const eof = at;
  // Bytes.
  const file = new Uint8Array(eof);
  const sb = new Bytes().raw([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]).u8(2).u8(8).u8(8).u8(0).u64(0).u64(UNDEF).u64(eof).u64(top.addr);
  const sbBytes = sb.bytes();
  file.set(new Bytes().raw(sbBytes).u32(lookup3(sbBytes)).bytes(), 0);
  for (const p of all) {
    const h = objectHeader(messagesOf(p));
    if (h.length !== p.headerSize) throw new Error("object header size changed between passes");
    file.set(h, p.addr);
  }
  if (heapObjects.length > 0) {
    const g = new Bytes().ascii("GCOL").u8(1).u8(0).u8(0).u8(0).u64(heapSize);
    heapObjects.forEach((o, i) => {
      g.u16(i + 1).u16(1).u32(0).u64(o.length).raw(o.b);
      while (g.length % 8 !== 0) g.u8(0);
    });
    const free = heapSize - g.length;
    g.u16(0).u16(0).u32(0).u64(free);
    while (g.length < heapSize) g.u8(0);
    file.set(g.bytes(), heapAddr);
  }
  for (const p of all) {
    const s = p.spec;
    if (s.kind !== "dataset") continue;
    const d = new Bytes();
    if (s.type.cls === "vlen") {
      (s.data as ReadonlyArray<ReadonlyArray<number>>).forEach((row, r) => {
        const idx = (p.rowObjects as number[])[r];
        d.u32(row.length).u64(idx === 0 ? 0 : heapAddr).u32(idx);
      });
    } else {
      for (const v of s.data as ReadonlyArray<number>) encodeElement(d, s.type, v);
    }
    file.set(d.bytes(), p.dataAddr);
  }
  return file;
}

/** An SHD-layout file: spikes/times (vlen float of `timeBytes`), spikes/units (vlen uint16), labels (uint16). */
export function shdFile(samples: ReadonlyArray<{ readonly times: readonly number[]; readonly units: readonly number[]; readonly label: number }>, timeBytes: 2 | 4 | 8 = 4): Uint8Array {
  return buildHdf5({
    kind: "group",
    children: {
      labels: { kind: "dataset", type: { cls: "int", size: 2, signed: false }, data: samples.map((s) => s.label) },
      spikes: {
        kind: "group",
        children: {
          times: { kind: "dataset", type: { cls: "vlen", base: { cls: "float", size: timeBytes } }, data: samples.map((s) => s.times) },
          units: { kind: "dataset", type: { cls: "vlen", base: { cls: "int", size: 2, signed: false } }, data: samples.map((s) => s.units) },
        },
      },
    },
  });
}

export function writeShdFile(path: string, samples: Parameters<typeof shdFile>[0], timeBytes: 2 | 4 | 8 = 4): void {
  writeFileSync(path, shdFile(samples, timeBytes));
}
