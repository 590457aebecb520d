/**
 * NumPy `.npy` reader and writer (format versions 1.0, 2.0 and 3.0, as specified in NumPy's
 * `numpy/lib/format.py` documentation, NEP 1).
 *
 * ## API
 *   readNpy(bytes, file?)          → NpyArray (plain or structured), data always in C order
 *   writeNpy(data, shape, opts?)   → Uint8Array holding a little-endian, C-order .npy file
 *   writeNpyStructured(fields, shape) → Uint8Array of a structured array (one typed array per field)
 *   npyToFloat64(data, file?)      → Float64Array (int64/uint64 checked to fit ±2^53)
 *   npyElementCount(shape)         → product of the dimensions
 *
 * A plain array is `{kind: "plain", dtype, shape, data}`; `data` is a typed array chosen by dtype:
 *   bool → Uint8Array (0/1), i1 Int8Array, u1 Uint8Array, i2 Int16Array, u2 Uint16Array,
 *   i4 Int32Array, u4 Uint32Array, i8 BigInt64Array, u8 BigUint64Array, f2 and f4 Float32Array
 *   (half floats are widened exactly), f8 Float64Array.
 * A structured array (descr a list such as `[('x','<u2'),('y','<u2'),('t','<i8'),('p','u1')]`) is
 * `{kind: "structured", fields, shape}`: `fields` maps each field name, in file order, to
 * `{dtype, shape (sub-array shape, [] for scalars), data}` with `data.length = count · prod(shape)`.
 * Padding fields (empty names, `|V` types) are skipped. Nested structured fields are refused.
 *
 * Safety: the declared shape is checked against the bytes present, and against 2^31 − 1 elements,
 * before anything is allocated; every failure is an AerchipError `E_NPY_*` with the byte offset.
 * Big-endian data is byte-swapped; Fortran-order data is transposed to C order.
 */
import { AerchipError } from "../diagnostics.ts";

export const NPY_MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"
/** Largest element count accepted (JS typed arrays and the project's indices are 32-bit). */
export const NPY_MAX_ELEMENTS = 2 ** 31 - 1;

export type NpyKind = "b" | "i" | "u" | "f";

export interface NpyDtype {
  readonly kind: NpyKind;
  /** Bytes per element in the file. */
  readonly itemBytes: number;
  readonly littleEndian: boolean;
  /** The descr string as found in (or written to) the header, e.g. "<f4", "|b1". */
  readonly descr: string;
}

export type NpyData =
  | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

export interface NpyPlainArray {
  readonly kind: "plain";
  readonly version: string;
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** True when the file stored Fortran order; `data` is converted to C order regardless. */
  readonly fortranOrder: boolean;
  readonly data: NpyData;
}

export interface NpyField {
  readonly dtype: NpyDtype;
  /** Sub-array shape of the field ([] for a scalar field). */
  readonly shape: readonly number[];
  readonly data: NpyData;
}

export interface NpyStructuredArray {
  readonly kind: "structured";
  readonly version: string;
  readonly shape: readonly number[];
  readonly fortranOrder: boolean;
  /** Bytes per record in the file. */
  readonly itemBytes: number;
  readonly fields: ReadonlyMap<string, NpyField>;
}

export type NpyArray = NpyPlainArray | NpyStructuredArray;

function fail(code: string, message: string, file: string | undefined, byteOffset: number, hint: string): never {
  throw new AerchipError(code, file === undefined ? message : `${file}: ${message}`, { ...(file === undefined ? {} : { file }), byteOffset, hint });
}

export function npyElementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Header: a Python dict literal. A tiny parser for the subset NumPy writes (strings, ints,
// True/False/None, tuples, lists, dicts).
// ---------------------------------------------------------------------------------------------

type PyValue = string | number | boolean | null | PyValue[] | { readonly [k: string]: PyValue };

class PyLiteralParser {
  private pos = 0;
  private readonly text: string;
  private readonly file: string | undefined;
  private readonly baseOffset: number;

  constructor(text: string, file: string | undefined, baseOffset: number) {
    this.text = text;
    this.file = file;
    this.baseOffset = baseOffset;
  }

  parseAll(): PyValue {
    const v = this.value();
    this.ws();
    if (this.pos !== this.text.length) this.err(`unexpected text after the header dict`);
    return v;
  }

  private err(what: string): never {
    fail("E_NPY_HEADER", `malformed .npy header: ${what} at header character ${this.pos}`, this.file, this.baseOffset + this.pos, "the file is not a valid .npy file; re-save it with numpy.save");
  }

  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private value(): PyValue {
    this.ws();
    const c = this.text[this.pos];
    if (c === undefined) this.err("unexpected end");
    if (c === "'" || c === '"') return this.str();
    if (c === "{") return this.dict();
    if (c === "(" || c === "[") return this.seq(c === "(" ? ")" : "]");
    if (c === "-" || c === "+" || (c >= "0" && c <= "9")) return this.num();
    for (const [word, val] of [["True", true], ["False", false], ["None", null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return val;
      }
    }
    // NumPy ≥ 2 may write shapes as np.int64(3) in some versions of repr; accept "name(int)".
    const m = /^[A-Za-z_][A-Za-z0-9_.]*\(/.exec(this.text.slice(this.pos));
    if (m !== null) {
      this.pos += m[0].length;
      const inner = this.value();
      this.ws();
      if (this.text[this.pos] !== ")") this.err("expected ')'");
      this.pos++;
      return inner;
    }
    this.err(`unexpected character ${JSON.stringify(c)}`);
  }

  private str(): string {
    const q = this.text[this.pos++];
    let out = "";
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      if (c === q) return out;
      if (c === "\\") {
        const e = this.text[this.pos++];
        if (e === "n") out += "\n";
        else if (e === "t") out += "\t";
        else if (e === "x" || e === "u") {
          const len = e === "x" ? 2 : 4;
          const hex = this.text.slice(this.pos, this.pos + len);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.err("bad escape");
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += len;
        } else if (e === undefined) this.err("unterminated string");
        else out += e;
      } else out += c;
    }
    this.err("unterminated string");
  }

  private num(): number {
    const m = /^[-+]?\d+L?/.exec(this.text.slice(this.pos));
    if (m === null) this.err("bad number");
    this.pos += m[0].length;
    return Number(m[0].replace("L", ""));
  }

  private seq(close: string): PyValue[] {
    this.pos++;
    const out: PyValue[] = [];
    for (;;) {
      this.ws();
      if (this.text[this.pos] === close) {
        this.pos++;
        return out;
      }
      out.push(this.value());
      this.ws();
      const c = this.text[this.pos];
      if (c === ",") this.pos++;
      else if (c !== close) this.err(`expected ',' or '${close}'`);
    }
  }

  private dict(): { [k: string]: PyValue } {
    this.pos++;
    const out: { [k: string]: PyValue } = {};
    for (;;) {
      this.ws();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return out;
      }
      const k = this.value();
      if (typeof k !== "string") this.err("dict keys must be strings");
      this.ws();
      if (this.text[this.pos] !== ":") this.err("expected ':'");
      this.pos++;
      out[k] = this.value();
      this.ws();
      const c = this.text[this.pos];
      if (c === ",") this.pos++;
      else if (c !== "}") this.err("expected ',' or '}'");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// dtypes
// ---------------------------------------------------------------------------------------------

const TYPECODE_ALIASES: Readonly<Record<string, string>> = {
  "?": "b1", b: "i1", B: "u1", h: "i2", H: "u2", i: "i4", I: "u4", l: "i8", L: "u8", q: "i8", Q: "u8",
  e: "f2", f: "f4", d: "f8", bool: "b1",
};

/** Parses a scalar descr such as "<f4", ">i2", "|u1", "|b1", "?" ; null when unsupported. */
export function parseScalarDescr(descr: string): NpyDtype | null {
  let order = descr[0];
  let body = descr;
  if (order === "<" || order === ">" || order === "|" || order === "=") body = descr.slice(1);
  else order = "|";
  body = TYPECODE_ALIASES[body] ?? body;
  const m = /^([biuf])(\d+)$/.exec(body);
  if (m === null) return null;
  const kind = m[1] as NpyKind;
  const itemBytes = Number(m[2]);
  const ok =
    (kind === "b" && itemBytes === 1) ||
    ((kind === "i" || kind === "u") && (itemBytes === 1 || itemBytes === 2 || itemBytes === 4 || itemBytes === 8)) ||
    (kind === "f" && (itemBytes === 2 || itemBytes === 4 || itemBytes === 8));
  if (!ok) return null;
  // "=" is native order; aerchip runs on little-endian hosts (x86-64, arm64).
  const littleEndian = order !== ">";
  return { kind, itemBytes, littleEndian, descr };
}

function allocFor(dtype: NpyDtype, n: number): NpyData {
  switch (dtype.kind) {
    case "b": return new Uint8Array(n);
    case "i": return dtype.itemBytes === 1 ? new Int8Array(n) : dtype.itemBytes === 2 ? new Int16Array(n) : dtype.itemBytes === 4 ? new Int32Array(n) : new BigInt64Array(n);
    case "u": return dtype.itemBytes === 1 ? new Uint8Array(n) : dtype.itemBytes === 2 ? new Uint16Array(n) : dtype.itemBytes === 4 ? new Uint32Array(n) : new BigUint64Array(n);
    case "f": return dtype.itemBytes === 8 ? new Float64Array(n) : new Float32Array(n);
  }
}

/** IEEE 754 binary16 → number (exact). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Decodes `n` elements of `dtype` that sit `strideBytes` apart starting at `byteOffset`, into
 * `out[outIndex(k)]` for k = 0..n−1 (outIndex maps file order to C order).
 */
function decodeStrided(view: DataView, dtype: NpyDtype, byteOffset: number, strideBytes: number, n: number, out: NpyData, outIndex: Int32Array | null): void {
  const le = dtype.littleEndian;
  for (let k = 0; k < n; k++) {
    const at = byteOffset + k * strideBytes;
    const j = outIndex === null ? k : outIndex[k];
    switch (dtype.kind) {
      case "b": (out as Uint8Array)[j] = view.getUint8(at) !== 0 ? 1 : 0; break;
      case "i":
        if (dtype.itemBytes === 1) (out as Int8Array)[j] = view.getInt8(at);
        else if (dtype.itemBytes === 2) (out as Int16Array)[j] = view.getInt16(at, le);
        else if (dtype.itemBytes === 4) (out as Int32Array)[j] = view.getInt32(at, le);
        else (out as BigInt64Array)[j] = view.getBigInt64(at, le);
        break;
      case "u":
        if (dtype.itemBytes === 1) (out as Uint8Array)[j] = view.getUint8(at);
        else if (dtype.itemBytes === 2) (out as Uint16Array)[j] = view.getUint16(at, le);
        else if (dtype.itemBytes === 4) (out as Uint32Array)[j] = view.getUint32(at, le);
        else (out as BigUint64Array)[j] = view.getBigUint64(at, le);
        break;
      case "f":
        if (dtype.itemBytes === 2) (out as Float32Array)[j] = halfToNumber(view.getUint16(at, le));
        else if (dtype.itemBytes === 4) (out as Float32Array)[j] = view.getFloat32(at, le);
        else (out as Float64Array)[j] = view.getFloat64(at, le);
        break;
    }
  }
}

/**
 * For Fortran-order storage: perm[k] = C-order flat index of the k-th element in the file.
 * File order varies the first axis fastest.
 */
function fortranToCIndex(shape: readonly number[], count: number): Int32Array {
  const nd = shape.length;
  const cStride = new Array<number>(nd).fill(1);
  for (let a = nd - 2; a >= 0; a--) cStride[a] = cStride[a + 1] * shape[a + 1];
  const idx = new Array<number>(nd).fill(0);
  const perm = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    let c = 0;
    for (let a = 0; a < nd; a++) c += idx[a] * cStride[a];
    perm[k] = c;
    for (let a = 0; a < nd; a++) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return perm;
}

interface FieldSpec {
  readonly name: string;
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  readonly offset: number;
}

function parseShape(v: PyValue | undefined, what: string, file: string | undefined, at: number): number[] {
  if (!Array.isArray(v)) fail("E_NPY_HEADER", `${what} must be a tuple of integers`, file, at, "re-save the file with numpy.save");
  return v.map((d) => {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) fail("E_NPY_SHAPE", `${what} has an invalid dimension ${JSON.stringify(d)}`, file, at, "dimensions are non-negative integers");
    return d;
  });
}

function parseDescr(descr: PyValue | undefined, file: string | undefined, at: number): { scalar: NpyDtype } | { fields: FieldSpec[]; itemBytes: number } {
  const unsupported: (what: string) => never = (what) =>
    fail("E_NPY_DTYPE", `unsupported dtype ${what}`, file, at, "use bool, (u)int8–64, float16/32/64, or a flat structured dtype of those");
  if (typeof descr === "string") {
    const d = parseScalarDescr(descr);
    if (d === null) unsupported(JSON.stringify(descr));
    return { scalar: d };
  }
  if (Array.isArray(descr)) {
    const fields: FieldSpec[] = [];
    let offset = 0;
    const names = new Set<string>();
    for (const f of descr) {
      if (!Array.isArray(f) || f.length < 2 || f.length > 3) unsupported(`field ${JSON.stringify(f)}`);
      let name = f[0];
      // (title, name) pairs: the second element is the field name.
      if (Array.isArray(name) && name.length === 2 && typeof name[1] === "string") name = name[1];
      if (typeof name !== "string") unsupported(`field name ${JSON.stringify(f[0])}`);
      const t = f[1];
      if (typeof t !== "string") unsupported(`nested field ${JSON.stringify(name)}`);
      const sub = f.length === 3 ? parseShape(f[2], `sub-array shape of field "${name}"`, file, at) : [];
      if (name === "" && /^\|?V\d+$/.test(t)) {
        offset += Number(t.replace(/^\|?V/, "")) * npyElementCount(sub);
        continue;
      }
      const dt = parseScalarDescr(t);
      if (dt === null) unsupported(`${JSON.stringify(t)} of field "${name}"`);
      if (names.has(name)) fail("E_NPY_DTYPE", `field "${name}" appears twice`, file, at, "field names must be unique");
      names.add(name);
      fields.push({ name, dtype: dt, shape: sub, offset });
      offset += dt.itemBytes * npyElementCount(sub);
    }
    if (fields.length === 0) unsupported("with no fields");
    return { fields, itemBytes: offset };
  }
  if (descr !== null && typeof descr === "object" && !Array.isArray(descr)) {
    // {'names': [...], 'formats': [...], 'offsets': [...], 'itemsize': n}
    const o = descr as { readonly [k: string]: PyValue };
    const names = o.names;
    const formats = o.formats;
    const offsets = o.offsets;
    if (!Array.isArray(names) || !Array.isArray(formats) || names.length !== formats.length) unsupported("dict without names/formats");
    const fields: FieldSpec[] = [];
    let end = 0;
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const t = formats[i];
      if (typeof name !== "string" || typeof t !== "string") unsupported(`field ${i}`);
      const dt = parseScalarDescr(t);
      if (dt === null) unsupported(`${JSON.stringify(t)} of field "${name}"`);
      const off = Array.isArray(offsets) && typeof offsets[i] === "number" ? (offsets[i] as number) : end;
      fields.push({ name, dtype: dt, shape: [], offset: off });
      end = Math.max(end, off + dt.itemBytes);
    }
    const itemBytes = typeof o.itemsize === "number" ? o.itemsize : end;
    if (itemBytes < end) unsupported("whose itemsize is smaller than its fields");
    return { fields, itemBytes };
  }
  return unsupported(JSON.stringify(descr));
}

/** Reads a .npy file held in memory. */
export function readNpy(bytes: Uint8Array, file?: string): NpyArray {
  if (bytes.length < 10 || !NPY_MAGIC.every((b, i) => bytes[i] === b)) {
    fail("E_NPY_MAGIC", `not a .npy file (missing the \\x93NUMPY magic)`, file, 0, "give a file written by numpy.save");
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    fail("E_NPY_VERSION", `unsupported .npy format version ${major}.${minor}`, file, 6, "aerchip reads .npy versions 1.0, 2.0 and 3.0");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail("E_NPY_TRUNCATED", `file ends inside the header length field`, file, 8, "the file is truncated; re-save it");
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lenBytes;
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) {
    fail("E_NPY_TRUNCATED", `header declares ${headerLen} bytes but only ${bytes.length - headerStart} follow`, file, headerStart, "the file is truncated; re-save it");
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  // v1/v2 headers are latin-1, v3 is UTF-8 (for non-ASCII field names).
  const headerText = major === 3 ? new TextDecoder("utf-8").decode(headerBytes) : Array.from(headerBytes, (b) => String.fromCharCode(b)).join("");
  const header = new PyLiteralParser(headerText, file, headerStart).parseAll();
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    fail("E_NPY_HEADER", `the header is not a dict`, file, headerStart, "re-save the file with numpy.save");
  }
  const h = header as { readonly [k: string]: PyValue };
  const fortran = h.fortran_order;
  if (typeof fortran !== "boolean") fail("E_NPY_HEADER", `header field 'fortran_order' must be True or False`, file, headerStart, "re-save the file with numpy.save");
  const shape = parseShape(h.shape, "header field 'shape'", file, headerStart);
  const dt = parseDescr(h.descr, file, headerStart);
  const count = npyElementCount(shape);
  if (count > NPY_MAX_ELEMENTS) {
    fail("E_NPY_TOO_LARGE", `shape (${shape.join(", ")}) has ${count} elements; at most ${NPY_MAX_ELEMENTS} are supported`, file, headerStart, "split the array into smaller files");
  }
  const itemBytes = "scalar" in dt ? dt.scalar.itemBytes : dt.itemBytes;
  const needBytes = count * itemBytes;
  const haveBytes = bytes.length - dataStart;
  if (needBytes > haveBytes) {
    fail("E_NPY_TRUNCATED", `shape (${shape.join(", ")}) needs ${needBytes} data bytes but only ${haveBytes} are present`, file, dataStart, "the file is truncated or its header is wrong; re-save it");
  }
  const version = `${major}.0`;
  const perm = fortran && shape.length > 1 ? fortranToCIndex(shape, count) : null;
  if ("scalar" in dt) {
    const dtype = dt.scalar;
    const data = allocFor(dtype, count);
    if (perm === null && dtype.littleEndian && dtype.kind !== "b" && !(dtype.kind === "f" && dtype.itemBytes === 2)) {
      // Fast path: copy the bytes (the copy is aligned, unlike the file's data offset).
      new Uint8Array(data.buffer, data.byteOffset, needBytes).set(bytes.subarray(dataStart, dataStart + needBytes));
    } else {
      decodeStrided(view, dtype, dataStart, itemBytes, count, data, perm);
    }
    return { kind: "plain", version, dtype, shape, fortranOrder: fortran, data };
  }
  const fields = new Map<string, NpyField>();
  for (const f of dt.fields) {
    const per = npyElementCount(f.shape);
    const data = allocFor(f.dtype, count * per);
    if (per === 1) {
      decodeStrided(view, f.dtype, dataStart + f.offset, itemBytes, count, data, perm);
    } else {
      // Sub-array field: element e of record k lands at perm(k)·per + e.
      const idx = new Int32Array(per);
      for (let k = 0; k < count; k++) {
        const base = (perm === null ? k : perm[k]) * per;
        for (let e = 0; e < per; e++) idx[e] = base + e;
        decodeStrided(view, f.dtype, dataStart + k * itemBytes + f.offset, f.dtype.itemBytes, per, data, idx);
      }
    }
    fields.set(f.name, { dtype: f.dtype, shape: f.shape, data });
  }
  return { kind: "structured", version, shape, fortranOrder: fortran, itemBytes, fields };
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

export interface WriteNpyOptions {
  /** Write a Uint8Array as `|b1` (bool) instead of `|u1`. */
  readonly bool?: boolean;
}

function descrOf(data: NpyData, bool: boolean): NpyDtype {
  const mk = (kind: NpyKind, itemBytes: number, descr: string): NpyDtype => ({ kind, itemBytes, littleEndian: true, descr });
  if (data instanceof Uint8Array) return bool ? mk("b", 1, "|b1") : mk("u", 1, "|u1");
  if (data instanceof Int8Array) return mk("i", 1, "|i1");
  if (data instanceof Int16Array) return mk("i", 2, "<i2");
  if (data instanceof Uint16Array) return mk("u", 2, "<u2");
  if (data instanceof Int32Array) return mk("i", 4, "<i4");
  if (data instanceof Uint32Array) return mk("u", 4, "<u4");
  if (data instanceof BigInt64Array) return mk("i", 8, "<i8");
  if (data instanceof BigUint64Array) return mk("u", 8, "<u8");
  if (data instanceof Float32Array) return mk("f", 4, "<f4");
  return mk("f", 8, "<f8");
}

function pyStr(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

function checkShape(shape: readonly number[], count: number, what: string): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new AerchipError("E_NPY_SHAPE", `${what}: invalid dimension ${d} in shape [${shape.join(", ")}]`, { hint: "dimensions are non-negative integers" });
  }
  if (npyElementCount(shape) !== count) {
    throw new AerchipError("E_NPY_SHAPE", `${what}: shape [${shape.join(", ")}] holds ${npyElementCount(shape)} elements but the data has ${count}`, { hint: "give a shape whose product is the data length" });
  }
}

/** Header + padding so that the data starts on a 64-byte boundary (as NumPy writes it). */
function encodeHeader(dict: string): Uint8Array {
  const utf8 = new TextEncoder().encode(dict);
  // v1.0: latin-1 header up to 65535 bytes (2-byte length); v2.0: longer; v3.0: UTF-8 (4-byte length).
  const ascii = utf8.length === dict.length;
  const paddedFor = (lenBytes: number): number => Math.ceil((8 + lenBytes + utf8.length + 1) / 64) * 64;
  let major = 3;
  let lenBytes = 4;
  if (ascii) {
    major = paddedFor(2) - 10 <= 0xffff ? 1 : 2;
    lenBytes = major === 1 ? 2 : 4;
  }
  const padded = paddedFor(lenBytes);
  const out = new Uint8Array(padded);
  out.set(NPY_MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const hlen = padded - 8 - lenBytes;
  const dv = new DataView(out.buffer);
  if (lenBytes === 2) dv.setUint16(8, hlen, true);
  else dv.setUint32(8, hlen, true);
  out.set(utf8, 8 + lenBytes);
  out.fill(0x20, 8 + lenBytes + utf8.length, padded - 1);
  out[padded - 1] = 0x0a;
  return out;
}

function dataBytes(data: NpyData, bool: boolean): Uint8Array {
  if (bool) {
    const b = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) b[i] = (data as Uint8Array)[i] !== 0 ? 1 : 0;
    return b;
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The bytes of the header writeNpy writes for a bool (|b1) array of this shape (padded to a multiple of 64). */
export function npyBoolHeaderBytes(shape: readonly number[]): number {
  return encodeHeader(`{'descr': ${pyStr("|b1")}, 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`).length;
}

/** Writes a plain array in C order, little endian. */
export function writeNpy(data: NpyData, shape: readonly number[], opts: WriteNpyOptions = {}): Uint8Array {
  checkShape(shape, data.length, "writeNpy");
  const bool = opts.bool === true;
  const dtype = descrOf(data, bool);
  const head = encodeHeader(`{'descr': ${pyStr(dtype.descr)}, 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`);
  const body = dataBytes(data, bool);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

export interface StructuredFieldInput {
  readonly name: string;
  readonly data: NpyData;
  /** Write a Uint8Array field as bool. */
  readonly bool?: boolean;
}

/** Writes a structured (record) array with one scalar field per entry, packed, little endian. */
export function writeNpyStructured(fields: readonly StructuredFieldInput[], shape: readonly number[]): Uint8Array {
  const count = npyElementCount(shape);
  if (fields.length === 0) throw new AerchipError("E_NPY_DTYPE", "writeNpyStructured: no fields", { hint: "give at least one field" });
  const dts = fields.map((f) => {
    checkShape(shape, f.data.length, `writeNpyStructured field "${f.name}"`);
    return descrOf(f.data, f.bool === true);
  });
  const itemBytes = dts.reduce((s, d) => s + d.itemBytes, 0);
  const descr = `[${fields.map((f, i) => `(${pyStr(f.name)}, ${pyStr(dts[i].descr)})`).join(", ")}]`;
  const head = encodeHeader(`{'descr': ${descr}, 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`);
  const out = new Uint8Array(head.length + count * itemBytes);
  let off = 0;
  for (let fi = 0; fi < fields.length; fi++) {
    const src = dataBytes(fields[fi].data, fields[fi].bool === true);
    const w = dts[fi].itemBytes;
    for (let k = 0; k < count; k++) out.set(src.subarray(k * w, k * w + w), head.length + k * itemBytes + off);
    off += w;
  }
  out.set(head, 0);
  return out;
}

/** Largest magnitude up to which every integer is exact in float64. */
const SAFE_BIG = 2n ** 53n;

/**
 * Converts any plain npy data to Float64Array. 64-bit integers must lie in [−2^53, 2^53] so the
 * conversion is exact; otherwise E_NPY_RANGE names the first offending element.
 */
export function npyToFloat64(data: NpyData, file?: string): Float64Array {
  const out = new Float64Array(data.length);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) {
      const big = data[i];
      if (big > SAFE_BIG || big < -SAFE_BIG) {
        throw new AerchipError("E_NPY_RANGE", `${file === undefined ? "" : `${file}: `}element ${i} = ${data[i]} does not fit a float64 exactly (|x| > 2^53)`, {
          ...(file === undefined ? {} : { file }), hint: "rescale the values or store them as float64",
        });
      }
      out[i] = Number(big);
    }
    return out;
  }
  for (let i = 0; i < data.length; i++) out[i] = data[i] as number;
  return out;
}
