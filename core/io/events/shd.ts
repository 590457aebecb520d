/**
 * Spiking Heidelberg Digits / Spiking Speech Commands HDF5 files (Cramer et al., IEEE TNNLS 2022).
 *
 * Layout (one file per split):
 *   spikes/times   N samples, each a variable-length array of spike times in seconds (float)
 *   spikes/units   N samples, each a variable-length array of channel ids 0–699 (one per spike time)
 *   labels         N class ids (SHD 0–19, SSC 0–34)
 *   extra/keys     class names (optional), extra/speaker, extra/meta_info (not read)
 * An event is (x = unit, y = 0, p = 0, t = time · 10^6 µs); geometry 700×1×1 (tonic's (700, 1, 1)).
 *
 * Reading goes through h5wasm (libhdf5 compiled to WebAssembly) in a worker thread with a time limit
 * (core/io/hdf5-worker.ts): libhdf5 loops forever on some damaged files, and such a read is stopped with
 * E_EVENTS_HDF5_HANG instead of hanging the process. One worker per open file, given back on close().
 * h5wasm's own value decoding does not handle float16 vlen arrays, so rows are read with its low-level
 * calls: the worker reads a hyperslab of `samplesPerRead` rows as hvl_t pairs and sends back each row's
 * length and raw element bytes; the elements are decoded here (float16/32/64, any integer width, either
 * byte order). Memory is bounded by the rows of one read, not by the file.
 *
 * Before libhdf5 sees the file, its superblock is checked here (signature, stored end-of-file address
 * against the real size) so a truncated or non-HDF5 file gives E_EVENTS_TRUNCATED / E_EVENTS_FORMAT with a
 * byte offset instead of libhdf5's diagnostic output.
 */
import { statSync } from "node:fs";
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { type AerchipError, isAerchipError } from "../../diagnostics.ts";
import { type Hdf5CallLimit, Hdf5Worker, Hdf5WorkerError } from "../hdf5-worker.ts";
import { hdf5TimeLimitMs } from "../hdf5-time-limit.ts";
import { checkGeometry } from "./batch.ts";
import { EventsErrorCode, checkPositiveInt, eventsError } from "./errors.ts";
import type { EventBatch, SensorGeometry } from "./types.ts";

export const SHD_GEOMETRY: SensorGeometry = { width: 700, height: 1, polarities: 1 };
export const SHD_TIMES_PATH = "spikes/times";
export const SHD_UNITS_PATH = "spikes/units";
export const SHD_LABELS_PATH = "labels";
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_VLEN = 9;
/** libhdf5 did not return within the time limit (core/io/hdf5-time-limit.ts): the file is damaged. */
export const SHD_HANG_CODE = "E_EVENTS_HDF5_HANG";

// ---------------------------------------------------------------------------------------------
// Superblock check (HDF5 file format spec, "Superblock", versions 0–3).

/** Throws E_EVENTS_FORMAT for a non-HDF5 file and E_EVENTS_TRUNCATED for one shorter than its superblock says. */
export async function checkHdf5File(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, "r");
  } catch (e) {
    const notFound = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw eventsError(notFound ? EventsErrorCode.notFound : EventsErrorCode.io, notFound ? "the file does not exist" : `cannot open: ${(e as Error).message}`, "check the path", { file: path, cause: e });
  }
  try {
    const size = (await fh.stat()).size;
    const read = async (at: number, n: number): Promise<Uint8Array> => {
      const b = new Uint8Array(n);
      const got = (await fh.read(b, 0, n, at)).bytesRead;
      return b.subarray(0, got);
    };
    // The superblock sits at 0, 512, 1024, 2048, … (a user block may precede it).
    let sig = -1;
    for (let at = 0; at + 8 <= size && at <= 2 ** 30; at = at === 0 ? 512 : at * 2) {
      const b = await read(at, 8);
      if (HDF5_SIGNATURE.every((v, i) => b[i] === v)) {
        sig = at;
        break;
      }
    }
    if (sig < 0) throw eventsError(EventsErrorCode.format, "is not an HDF5 file (no HDF5 signature)", "give an SHD/SSC .h5 file (gunzip shd_train.h5.gz first)", { file: path, byteOffset: 0 });
    const sb = await read(sig, 64);
    const cut = (): never => {
      throw eventsError(EventsErrorCode.truncated, "ends inside the HDF5 superblock", "the file is truncated; download it again", { file: path, byteOffset: size });
    };
    // A file cut right after the signature has no version byte (undefined is no "unknown version").
    if (sb.length <= 8) cut();
    const version = sb[8];
    let offSize: number;
    let eofAt: number;
    if (version === 0 || version === 1) {
      if (sb.length <= 13) cut();
      offSize = sb[13];
      eofAt = (version === 0 ? 24 : 28) + 2 * offSize;
    } else if (version === 2 || version === 3) {
      if (sb.length <= 9) cut();
      offSize = sb[9];
      eofAt = 12 + 2 * offSize;
    } else {
      throw eventsError(EventsErrorCode.format, `has HDF5 superblock version ${version}, which is unknown`, "re-write the file with h5py", { file: path, byteOffset: sig + 8 });
    }
    if (!(offSize === 2 || offSize === 4 || offSize === 8)) {
      throw eventsError(EventsErrorCode.corrupt, `has a corrupt HDF5 superblock (offset size ${offSize})`, "the file is damaged; download it again", { file: path, byteOffset: sig + 9 });
    }
    if (sb.length < eofAt + offSize) cut();
    let eof = 0;
    for (let i = offSize - 1; i >= 0; i--) eof = eof * 256 + sb[eofAt + i];
    if (sig + eof > size) {
      throw eventsError(EventsErrorCode.truncated, `is truncated: its HDF5 superblock says it is ${sig + eof} bytes long, but it has ${size}`,
        "the file is truncated; download it again", { file: path, byteOffset: size });
    }
  } finally {
    await fh.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Element decoding.

/** IEEE 754 binary16 → number. */
function halfToNumber(h: number): number {
  const sign = (h & 0x8000) !== 0 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

interface ElementType {
  readonly kind: "int" | "float";
  readonly size: number;
  readonly signed: boolean;
  readonly littleEndian: boolean;
}

/** Decodes `n` elements at `at` in `heap` into out[0..n) (as numbers). */
function decodeElements(heap: Uint8Array, at: number, n: number, t: ElementType, out: Float64Array): void {
  const dv = new DataView(heap.buffer, heap.byteOffset, heap.byteLength);
  const le = t.littleEndian;
  for (let i = 0; i < n; i++) {
    const a = at + i * t.size;
    let v: number;
    if (t.kind === "float") {
      v = t.size === 2 ? halfToNumber(dv.getUint16(a, le)) : t.size === 4 ? dv.getFloat32(a, le) : dv.getFloat64(a, le);
    } else if (t.size === 1) v = t.signed ? dv.getInt8(a) : dv.getUint8(a);
    else if (t.size === 2) v = t.signed ? dv.getInt16(a, le) : dv.getUint16(a, le);
    else if (t.size === 4) v = t.signed ? dv.getInt32(a, le) : dv.getUint32(a, le);
    else v = Number(t.signed ? dv.getBigInt64(a, le) : dv.getBigUint64(a, le));
    out[i] = v;
  }
}

// ---------------------------------------------------------------------------------------------
// The file.

export interface ShdReadOptions {
  readonly geometry?: SensorGeometry;
  /** Rows read from the file at a time (default 64). */
  readonly samplesPerRead?: number;
}

export interface ShdSample {
  readonly index: number;
  /** Class id from `labels` (−1 when the file has no labels). */
  readonly label: number;
  readonly events: EventBatch;
}

/** h5wasm's dataset metadata, as far as it is read here. */
interface H5Metadata {
  readonly type: number;
  readonly shape?: number[] | null;
  readonly vlen_type?: { readonly type: number; readonly size: number; readonly signed: boolean; readonly littleEndian: boolean };
}

/** Rows [lo, hi) of a vlen dataset as the worker sends them: per-row element counts and the rows' bytes. */
interface RawRows {
  readonly lengths: Uint32Array;
  readonly bytes: Uint8Array;
}

/** An open SHD/SSC file. Close it (a worker thread holds the file open in its libhdf5 instance). */
export class ShdFile {
  readonly path: string;
  readonly samples: number;
  /** Class id per sample (Int32Array of length `samples`), or null when the file has no `labels`. */
  readonly labels: Int32Array | null;
  /** Class names from extra/keys, when present. */
  readonly classNames: readonly string[] | null;
  readonly geometry: SensorGeometry;
  /** libhdf5 in a worker thread (core/io/hdf5-worker.ts): a read that hangs is stopped at `limit`. */
  private readonly worker: Hdf5Worker;
  private readonly handle: number;
  private readonly limit: Hdf5CallLimit;
  private readonly timeType: ElementType;
  private readonly unitType: ElementType;
  private readonly samplesPerRead: number;
  private closed = false;

  private constructor(init: {
    path: string; worker: Hdf5Worker; handle: number; limit: Hdf5CallLimit; timeType: ElementType; unitType: ElementType;
    samples: number; labels: Int32Array | null; classNames: string[] | null; geometry: SensorGeometry; samplesPerRead: number;
  }) {
    this.path = init.path;
    this.worker = init.worker;
    this.handle = init.handle;
    this.limit = init.limit;
    this.timeType = init.timeType;
    this.unitType = init.unitType;
    this.samples = init.samples;
    this.labels = init.labels;
    this.classNames = init.classNames;
    this.geometry = init.geometry;
    this.samplesPerRead = init.samplesPerRead;
  }

  static async open(path: string, options: ShdReadOptions = {}): Promise<ShdFile> {
    const geometry = checkGeometry(options.geometry ?? SHD_GEOMETRY);
    const samplesPerRead = checkPositiveInt(options.samplesPerRead ?? 64, "samplesPerRead", 1 << 20);
    await checkHdf5File(path);
    // libhdf5 can spin forever on a damaged file: every call into it has this limit.
    const limit: Hdf5CallLimit = { limitMs: hdf5TimeLimitMs(statSync(resolve(path)).size), hangCode: SHD_HANG_CODE, file: path };
    const worker = Hdf5Worker.acquire();
    try {
      return await ShdFile.openLayout(path, worker, limit, geometry, samplesPerRead);
    } catch (e) {
      worker.release();
      throw e;
    }
  }

  private static async openLayout(path: string, worker: Hdf5Worker, limit: Hdf5CallLimit, geometry: SensorGeometry, samplesPerRead: number): Promise<ShdFile> {
    let handle: number;
    try {
      handle = await worker.call<number>("open", { path: resolve(path) }, limit);
    } catch (e) {
      if (isAerchipError(e)) throw e;
      throw eventsError(EventsErrorCode.corrupt, `HDF5 could not open the file: ${(e as Error).message ?? String(e)}`, "the file is damaged; download it again", { file: path, cause: e });
    }
    try {
      const layoutHint = "an SHD/SSC file has spikes/times and spikes/units (variable-length arrays, one per sample) and labels";
      const getDataset = async (p: string, required: boolean): Promise<H5Metadata | null> => {
        const d = await worker.call<{ kind: string; metadata?: H5Metadata }>("describe", { handle, path: p }, limit);
        if (d.kind === "dataset" && d.metadata !== undefined) return d.metadata;
        if (required) throw eventsError(EventsErrorCode.header, `has no dataset "${p}"`, layoutHint, { file: path, field: p });
        return null;
      };
      const times = (await getDataset(SHD_TIMES_PATH, true)) as H5Metadata;
      const units = (await getDataset(SHD_UNITS_PATH, true)) as H5Metadata;
      const vlenType = (m: H5Metadata, p: string, kinds: readonly number[]): { n: number; t: ElementType } => {
        const shape = m.shape ?? [];
        const base = m.vlen_type;
        if (m.type !== H5T_VLEN || base === undefined || shape.length !== 1) {
          throw eventsError(EventsErrorCode.header, `dataset "${p}" is not a one-dimensional variable-length array (HDF5 type class ${m.type}, shape [${shape.join(", ")}])`, layoutHint, { file: path, field: p });
        }
        if (!kinds.includes(base.type) || !(base.size === 1 || base.size === 2 || base.size === 4 || base.size === 8) || (base.type === H5T_FLOAT && base.size === 1)) {
          throw eventsError(EventsErrorCode.header, `dataset "${p}" holds elements of HDF5 type class ${base.type} and size ${base.size}; numbers are expected`, layoutHint, { file: path, field: p });
        }
        return { n: shape[0], t: { kind: base.type === H5T_FLOAT ? "float" : "int", size: base.size, signed: base.signed, littleEndian: base.littleEndian } };
      };
      const tt = vlenType(times, SHD_TIMES_PATH, [H5T_FLOAT, H5T_INTEGER]);
      const ut = vlenType(units, SHD_UNITS_PATH, [H5T_INTEGER, H5T_FLOAT]);
      if (tt.n !== ut.n) {
        throw eventsError(EventsErrorCode.corrupt, `spikes/times has ${tt.n} samples but spikes/units has ${ut.n}`, "the file is damaged; download it again", { file: path, field: SHD_UNITS_PATH });
      }
      let labels: Int32Array | null = null;
      if ((await getDataset(SHD_LABELS_PATH, false)) !== null) {
        const v = await worker.call<unknown>("value", { handle, path: SHD_LABELS_PATH }, limit);
        const arr = ArrayBuffer.isView(v) && !(v instanceof DataView) ? (v as unknown as ArrayLike<number | bigint>) : null;
        if (arr === null || arr.length !== tt.n) {
          throw eventsError(EventsErrorCode.corrupt, `labels has ${arr === null ? "no numeric values" : `${arr.length} entries`} for ${tt.n} samples`, layoutHint, { file: path, field: SHD_LABELS_PATH });
        }
        labels = new Int32Array(tt.n);
        for (let i = 0; i < tt.n; i++) labels[i] = Number(arr[i]);
      }
      let classNames: string[] | null = null;
      if ((await getDataset("extra/keys", false)) !== null) {
        try {
          const v = await worker.call<unknown>("value", { handle, path: "extra/keys" }, limit);
          if (Array.isArray(v) && v.every((s) => typeof s === "string")) classNames = v as string[];
        } catch (e) {
          if (isAerchipError(e)) throw e; // a hang is not optional
          classNames = null; // optional metadata in an unexpected encoding
        }
      }
      return new ShdFile({ path, worker, handle, limit, timeType: tt.t, unitType: ut.t, samples: tt.n, labels, classNames, geometry, samplesPerRead });
    } catch (e) {
      try { worker.callSync("close", { handle }, limit); } catch { /* already failing */ }
      if (isAerchipError(e)) throw e;
      throw eventsError(EventsErrorCode.corrupt, `HDF5 failed while reading the layout: ${(e as Error).message ?? String(e)}`, "the file is damaged; download it again", { file: path, cause: e });
    }
  }

  private rowsArgs(path: string, t: ElementType, lo: number, hi: number): Record<string, unknown> {
    return { handle: this.handle, path, lo, hi, elementBytes: t.size };
  }

  /** The coded error for a failed row read (a hang's AerchipError passes through). */
  private rowsError(e: unknown, lo: number, hi: number, field: string): AerchipError {
    if (isAerchipError(e)) return e;
    if (e instanceof Hdf5WorkerError && e.tag === "oom") {
      return eventsError(EventsErrorCode.io, `out of WebAssembly memory reading ${hi - lo} rows of ${field}`, "lower samplesPerRead", { file: this.path, field });
    }
    return eventsError(EventsErrorCode.corrupt, `HDF5 failed reading samples ${lo}–${hi - 1} of ${field}: ${(e as Error).message ?? String(e)}`, "the file is damaged; download it again", { file: this.path, field, cause: e });
  }

  /**
   * Rows [lo, hi) of a vlen dataset decoded: the concatenated values and per-row start offsets
   * (row r is values[starts[r], starts[r + 1])).
   */
  private decodeRows(raw: RawRows, t: ElementType): { values: Float64Array; starts: Float64Array } {
    const n = raw.lengths.length;
    const starts = new Float64Array(n + 1);
    let total = 0;
    for (let r = 0; r < n; r++) {
      starts[r] = total;
      total += raw.lengths[r];
    }
    starts[n] = total;
    const values = new Float64Array(total);
    if (total > 0) decodeElements(raw.bytes, 0, total, t, values);
    return { values, starts };
  }

  private checkRange(lo: number, hi: number): void {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > this.samples || lo > hi) {
      throw eventsError(EventsErrorCode.options, `sample range [${lo}, ${hi}) is outside the file's ${this.samples} samples`, `choose samples in 0..${this.samples - 1}`, { file: this.path, field: "sample" });
    }
    if (this.closed) throw eventsError(EventsErrorCode.options, "the file was closed", "open it again", { file: this.path });
  }

  /** Reads samples [lo, hi) as event batches (this thread waits for libhdf5; see `readSamplesAsync`). */
  readSamples(lo: number, hi: number): ShdSample[] {
    this.checkRange(lo, hi);
    if (lo === hi) return [];
    let t: RawRows;
    let u: RawRows;
    try {
      t = this.worker.callSync<RawRows>("vlenRows", this.rowsArgs(SHD_TIMES_PATH, this.timeType, lo, hi), this.limit);
    } catch (e) {
      throw this.rowsError(e, lo, hi, SHD_TIMES_PATH);
    }
    try {
      u = this.worker.callSync<RawRows>("vlenRows", this.rowsArgs(SHD_UNITS_PATH, this.unitType, lo, hi), this.limit);
    } catch (e) {
      throw this.rowsError(e, lo, hi, SHD_UNITS_PATH);
    }
    return this.toSamples(lo, hi, t, u);
  }

  /** Reads samples [lo, hi) as event batches; other work goes on while libhdf5 reads. */
  async readSamplesAsync(lo: number, hi: number): Promise<ShdSample[]> {
    this.checkRange(lo, hi);
    if (lo === hi) return [];
    let t: RawRows;
    let u: RawRows;
    try {
      t = await this.worker.call<RawRows>("vlenRows", this.rowsArgs(SHD_TIMES_PATH, this.timeType, lo, hi), this.limit);
    } catch (e) {
      throw this.rowsError(e, lo, hi, SHD_TIMES_PATH);
    }
    try {
      u = await this.worker.call<RawRows>("vlenRows", this.rowsArgs(SHD_UNITS_PATH, this.unitType, lo, hi), this.limit);
    } catch (e) {
      throw this.rowsError(e, lo, hi, SHD_UNITS_PATH);
    }
    return this.toSamples(lo, hi, t, u);
  }

  /** Checks and converts decoded rows into samples (unit within the geometry, time finite and ≥ 0). */
  private toSamples(lo: number, hi: number, rawT: RawRows, rawU: RawRows): ShdSample[] {
    const t = this.decodeRows(rawT, this.timeType);
    const u = this.decodeRows(rawU, this.unitType);
    const out: ShdSample[] = [];
    const W = this.geometry.width;
    for (let r = 0; r < hi - lo; r++) {
      const s = lo + r;
      const n = t.starts[r + 1] - t.starts[r];
      const nu = u.starts[r + 1] - u.starts[r];
      if (n !== nu) {
        throw eventsError(EventsErrorCode.corrupt, `sample ${s} has ${n} spike times but ${nu} units`, "the file is damaged; download it again", { file: this.path, field: `${SHD_UNITS_PATH}[${s}]` });
      }
      const x = new Uint16Array(n);
      const tUs = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        const unit = u.values[u.starts[r] + k];
        const sec = t.values[t.starts[r] + k];
        if (!Number.isInteger(unit) || unit < 0 || unit >= W) {
          throw eventsError(EventsErrorCode.outOfRange, `sample ${s}, spike ${k} is on unit ${unit}, outside the ${W} channels of the geometry`, "pass the geometry (width = number of channels)", { file: this.path, field: `${SHD_UNITS_PATH}[${s}][${k}]` });
        }
        if (!Number.isFinite(sec) || sec < 0) {
          throw eventsError(EventsErrorCode.corrupt, `sample ${s}, spike ${k} has time ${sec} s; times are finite seconds ≥ 0`, "the file is damaged; download it again", { file: this.path, field: `${SHD_TIMES_PATH}[${s}][${k}]` });
        }
        x[k] = unit;
        tUs[k] = sec * 1e6;
      }
      out.push({ index: s, label: this.labels === null ? -1 : this.labels[s], events: { x, y: new Uint16Array(n), p: new Uint8Array(n), tUs, length: n, geometry: this.geometry } });
    }
    return out;
  }

  /**
   * The events of sample `s` (E_EVENTS_OPTIONS, field "sample", for one the file does not have). A file
   * kept open serves many samples this way without opening it again (cli/dataset-reader.ts: an SHD data
   * set's 2,000 samples cost one open, not 2,000).
   */
  async sampleEvents(s: number): Promise<EventBatch> {
    if (!Number.isInteger(s) || s < 0 || s >= this.samples) {
      throw eventsError(EventsErrorCode.options, `sample ${s} does not exist; the file has ${this.samples} samples`, `choose a sample in 0..${this.samples - 1}`, { file: this.path, field: "sample" });
    }
    return (await this.readSamplesAsync(s, s + 1))[0].events;
  }

  /** Streams samples [start, start + count), reading `samplesPerRead` rows at a time. */
  async *iterate(start = 0, count = this.samples - start): AsyncGenerator<ShdSample, void, undefined> {
    const end = Math.min(this.samples, start + count);
    for (let lo = start; lo < end; lo += this.samplesPerRead) {
      for (const s of await this.readSamplesAsync(lo, Math.min(end, lo + this.samplesPerRead))) yield s;
    }
  }

  /** Closes the file and gives the worker back (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.worker.callSync("close", { handle: this.handle }, this.limit);
    } catch {
      // nothing to report when closing; a worker that failed here is not reused
    }
    this.worker.release();
  }
}

export interface ShdEventsOptions extends ShdReadOptions {
  /** Which sample of the file (default 0). */
  readonly sample?: number;
}

/** Streams the events of one sample of an SHD/SSC file (the event-reader interface). */
export async function* readShd(path: string, options: ShdEventsOptions = {}): AsyncGenerator<EventBatch, void, undefined> {
  const f = await ShdFile.open(path, options);
  try {
    yield await f.sampleEvents(options.sample ?? 0);
  } finally {
    f.close();
  }
}

/** Streams every sample of an SHD/SSC file with its label. */
export async function* readShdSamples(path: string, options: ShdReadOptions & { readonly start?: number; readonly count?: number } = {}): AsyncGenerator<ShdSample, void, undefined> {
  const f = await ShdFile.open(path, options);
  try {
    yield* f.iterate(options.start ?? 0, options.count ?? f.samples);
  } finally {
    f.close();
  }
}
