/**
 * Reads an HDF5 file into a plain in-memory tree (groups → datasets) with h5wasm, so the NIR
 * parser never touches h5wasm objects and can be tested on trees built in memory.
 *
 * h5wasm's Node build (`h5wasm/node`) reads the host filesystem directly (NODERAWFS): a file is
 * opened read-only by its path with `new File(path, "r")`. That happens in a worker thread with a time
 * limit (core/io/hdf5-worker.ts), which sends the tree back as plain data (typed arrays transferred).
 * Before opening, the HDF5 superblock is checked by hand (signature, stored end-of-file address
 * against the file size), so a truncated or non-HDF5 file gives a coded error with a byte offset
 * instead of libhdf5's diagnostic dump.
 *
 * Values: floats → Float64Array (with the stored width), integers (any width, incl. int64 via
 * BigInt64Array) → BigInt64Array, strings → string[]; `shape` is [] for 0-d datasets. Values are
 * flat, row-major.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { AerchipError } from "../../../core/diagnostics.ts";
import { Hdf5WorkerError, withHdf5Worker } from "../../../core/io/hdf5-worker.ts";
import { hdf5TimeLimitMs } from "../../../core/io/hdf5-time-limit.ts";

export type H5Value =
  | { readonly kind: "float"; readonly shape: readonly number[]; readonly data: Float64Array; readonly bits: number }
  | { readonly kind: "int"; readonly shape: readonly number[]; readonly data: BigInt64Array }
  | { readonly kind: "string"; readonly shape: readonly number[]; readonly data: readonly string[] }
  | { readonly kind: "other"; readonly shape: readonly number[]; readonly description: string };

export interface H5Dataset {
  readonly kind: "dataset";
  /** Path inside the file, e.g. `node/nodes/fc1/weight`. */
  readonly path: string;
  readonly value: H5Value;
}

export interface H5Group {
  readonly kind: "group";
  readonly path: string;
  /** Children in the file's (alphabetical) order. */
  readonly children: ReadonlyMap<string, H5Group | H5Dataset>;
}

/** Largest dataset read (elements); NIR files hold weights, far below this. */
export const MAX_H5_DATASET_ELEMENTS = 2 ** 28;
/** Deepest group nesting followed (NIR graphs nest a few levels). */
const MAX_DEPTH = 64;

// H5T class ids (H5Tpublic.h): the ones NIR files use.
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_STRING = 3;
const H5T_ENUM = 8;

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function readBytes(fd: number, pos: number, len: number): Uint8Array {
  const buf = new Uint8Array(len);
  const n = readSync(fd, buf, 0, len, pos);
  return buf.subarray(0, n);
}

function readOffset(b: Uint8Array, at: number, size: number): number | null {
  if (at + size > b.length) return null;
  let v = 0;
  let allOnes = true;
  for (let i = size - 1; i >= 0; i--) {
    if (b[at + i] !== 0xff) allOnes = false;
    v = v * 256 + b[at + i];
  }
  return allOnes ? null : v;
}

/** Size of a regular file; a coded error for a path that is missing, unreadable or not a regular file. */
function regularFileSize(path: string, shown: string): number {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new AerchipError("E_NIR_NOT_FOUND", `NIR file "${shown}" does not exist`, { file: shown, hint: "check the path" });
    }
    throw new AerchipError("E_NIR_NOT_FOUND", `cannot read NIR file "${shown}": ${(e as Error).message}`, { file: shown, hint: "check the path and its permissions", cause: e });
  }
  if (!st.isFile()) {
    // A directory named model.nir (or a device, a FIFO): "cannot read" or "not found" would send the user
    // looking for a missing file.
    const kind = st.isDirectory() ? "a directory" : "not a regular file";
    throw new AerchipError("E_NIR_NOT_FILE", `"${shown}" is ${kind}, not a NIR file`, { file: shown, hint: "give the path of the .nir file itself" });
  }
  return st.size;
}

/**
 * Checks the superblock: the signature sits at 0, 512, 1024, 2048, … and the superblock stores the
 * end-of-file address (relative to its base address). A file shorter than that is truncated, and so is
 * one that ends before the superblock's own fields (version, offset size, addresses). `shown` is the
 * path as the user gave it (for messages).
 */
export function checkHdf5Superblock(path: string, shown: string = path): void {
  const size = regularFileSize(path, shown);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new AerchipError("E_NIR_NOT_FOUND", `cannot read NIR file "${shown}": ${(e as Error).message}`, { file: shown, hint: "check the path and its permissions", cause: e });
  }
  const truncated = (what: string): AerchipError =>
    new AerchipError("E_NIR_TRUNCATED", `"${shown}" is truncated: it ends inside the HDF5 superblock (${what}), after ${size} bytes`, {
      file: shown, byteOffset: size, hint: "the file is truncated; copy or export it again",
    });
  try {
    let sig = -1;
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      const b = readBytes(fd, at, 8);
      if (HDF5_SIGNATURE.every((x, i) => b[i] === x)) {
        sig = at;
        break;
      }
      if (at > 2 ** 30) break;
    }
    if (sig < 0) {
      throw new AerchipError("E_NIR_NOT_HDF5", `"${shown}" is not an HDF5 file (no HDF5 signature found)`, {
        file: shown, byteOffset: 0, hint: "NIR files are HDF5 files written by nir.write; check that the file is not a Git-LFS pointer or a different format",
      });
    }
    const sb = readBytes(fd, sig, 128);
    if (sb.length <= 8) throw truncated("no version byte after the signature");
    const version = sb[8];
    let baseAt: number;
    let offSizeAt: number;
    if (version === 0 || version === 1) {
      offSizeAt = 13;
      baseAt = version === 0 ? 24 : 28;
    } else if (version === 2 || version === 3) {
      offSizeAt = 9;
      baseAt = 12;
    } else {
      throw new AerchipError("E_NIR_HDF5", `"${shown}": unsupported HDF5 superblock version ${version}`, { file: shown, byteOffset: sig + 8, hint: "re-write the file with h5py" });
    }
    if (sb.length <= offSizeAt) throw truncated("no offset size");
    const offSize = sb[offSizeAt];
    const eofAt = baseAt + 2 * offSize;
    if (!(offSize === 2 || offSize === 4 || offSize === 8)) {
      throw new AerchipError("E_NIR_HDF5", `"${shown}": corrupt HDF5 superblock (offset size ${offSize})`, { file: shown, byteOffset: sig, hint: "the file is damaged; re-export it" });
    }
    const base = readOffset(sb, baseAt, offSize) ?? 0;
    if (eofAt + offSize > sb.length) throw truncated("no end-of-file address");
    const eof = readOffset(sb, eofAt, offSize);
    if (eof === null) {
      throw new AerchipError("E_NIR_TRUNCATED", `"${shown}": the HDF5 superblock is cut short`, { file: shown, byteOffset: size, hint: "the file is truncated; copy or export it again" });
    }
    if (base + eof > size) {
      throw new AerchipError("E_NIR_TRUNCATED", `"${shown}" is truncated: the HDF5 superblock says the file is ${base + eof} bytes long, but it has ${size}`, {
        file: shown, byteOffset: size, hint: "the file is truncated; copy or export it again",
      });
    }
  } finally {
    closeSync(fd);
  }
}

/** A dataset as the libhdf5 worker returns it (core/io/hdf5-worker.ts, operation "tree"). */
interface RawDataset {
  readonly kind: "dataset";
  readonly path: string;
  /** H5T class id and element size in bytes (h5wasm's metadata). */
  readonly type: number;
  readonly size: number;
  readonly shape: number[];
  /** h5wasm's `Dataset.value`, or null when it is of a form structured clone does not carry. */
  readonly value: unknown;
}

interface RawGroup {
  readonly kind: "group";
  readonly path: string;
  readonly children: Map<string, RawGroup | RawDataset>;
}

function toValue(ds: RawDataset): H5Value {
  const { shape, size } = ds;
  const raw = ds.value;
  if (ds.type === H5T_STRING) {
    if (typeof raw === "string") return { kind: "string", shape, data: [raw] };
    if (Array.isArray(raw) && raw.every((s) => typeof s === "string")) return { kind: "string", shape, data: raw as string[] };
    return { kind: "other", shape, description: "string dataset of an unexpected form" };
  }
  if (ds.type === H5T_FLOAT) {
    if (typeof raw === "number") return { kind: "float", shape, data: Float64Array.of(raw), bits: size * 8 };
    if (raw instanceof Float32Array || raw instanceof Float64Array) return { kind: "float", shape, data: raw instanceof Float64Array ? raw : Float64Array.from(raw), bits: size * 8 };
    return { kind: "other", shape, description: `float${size * 8} dataset` };
  }
  if (ds.type === H5T_INTEGER || ds.type === H5T_ENUM) {
    if (typeof raw === "bigint") return { kind: "int", shape, data: BigInt64Array.of(raw) };
    if (typeof raw === "number") return { kind: "int", shape, data: BigInt64Array.of(BigInt(raw)) };
    if (typeof raw === "boolean") return { kind: "int", shape, data: BigInt64Array.of(raw ? 1n : 0n) };
    // The worker sent a copy of its own: no second copy needed.
    if (raw instanceof BigInt64Array) return { kind: "int", shape, data: raw };
    if (raw instanceof BigUint64Array) {
      const out = new BigInt64Array(raw.length);
      for (let i = 0; i < raw.length; i++) out[i] = BigInt.asIntN(64, raw[i]);
      return { kind: "int", shape, data: out };
    }
    if (ArrayBuffer.isView(raw) && !(raw instanceof DataView) && !(raw instanceof Float32Array) && !(raw instanceof Float64Array)) {
      const arr = raw as unknown as ArrayLike<number>;
      const out = new BigInt64Array(arr.length);
      for (let i = 0; i < arr.length; i++) out[i] = BigInt(arr[i]);
      return { kind: "int", shape, data: out };
    }
    return { kind: "other", shape, description: "integer dataset of an unexpected form" };
  }
  return { kind: "other", shape, description: `HDF5 type class ${ds.type}` };
}

function convert(g: RawGroup): H5Group {
  const children = new Map<string, H5Group | H5Dataset>();
  for (const [key, child] of g.children) {
    children.set(key, child.kind === "group" ? convert(child) : { kind: "dataset", path: child.path, value: toValue(child) });
  }
  return { kind: "group", path: g.path, children };
}

/**
 * Reads the whole HDF5 file at `path` (read-only) into a plain tree. libhdf5 runs in a worker thread
 * (core/io/hdf5-worker.ts): it can loop forever on a damaged file, and past the time limit
 * (core/io/hdf5-time-limit.ts) the worker is stopped and E_NIR_HDF5_HANG is thrown.
 */
export async function readHdf5Tree(path: string): Promise<H5Group> {
  const abs = resolve(path);
  checkHdf5Superblock(abs, path);
  const limitMs = hdf5TimeLimitMs(statSync(abs).size);
  let raw: RawGroup;
  try {
    raw = await withHdf5Worker<RawGroup>("tree", { path: abs, maxElements: MAX_H5_DATASET_ELEMENTS, maxDepth: MAX_DEPTH }, { limitMs, hangCode: "E_NIR_HDF5_HANG", file: path });
  } catch (e) {
    throw nirHdf5Error(e, path);
  }
  return convert(raw);
}

/** The coded error for a failure inside the worker (the same codes and messages as reading on this thread). */
function nirHdf5Error(e: unknown, path: string): AerchipError {
  if (e instanceof AerchipError) return e;
  const message = (e as Error)?.message ?? String(e);
  if (e instanceof Hdf5WorkerError) {
    const where = String(e.detail?.path ?? "");
    if (e.tag === "tooLarge") {
      return new AerchipError("E_NIR_TOO_LARGE", `dataset "${where}" has ${String(e.detail?.count)} elements; at most ${MAX_H5_DATASET_ELEMENTS} are read`, { file: path, field: where, hint: "split the model or reduce the layer size" });
    }
    if (e.tag === "tooDeep") {
      return new AerchipError("E_NIR_STRUCTURE", `group "${where}" is nested more than ${MAX_DEPTH} levels deep`, { file: path, field: where, hint: "NIR graphs nest only a few levels" });
    }
    if (e.phase === "open") {
      return new AerchipError("E_NIR_HDF5", `HDF5 could not open "${path}": ${message}`, { file: path, hint: "the file is damaged or not HDF5; export it again", cause: e });
    }
    // libhdf5 reported an error (its stack is in e.detail.stack; printed only with AERCHIP_DEBUG=1): whatever it
    // returned is not the file's data, so nothing read is used.
    if (e.tag === "hdf5" && where !== "") {
      const what = String(e.detail?.what ?? "object");
      return new AerchipError("E_NIR_HDF5", `"${path}" is damaged: reading ${what} "${where}" failed; ${message}`, {
        file: path, field: where, hint: "the file is damaged; re-export it (nir.write) or copy it again", cause: e,
      });
    }
  }
  return new AerchipError("E_NIR_HDF5", `HDF5 failed while reading "${path}": ${message}`, { file: path, hint: "the file is damaged; export it again", cause: e });
}
