/**
 * Atomic file output: data is written to a temporary file in the destination's directory (so the final
 * rename never crosses a file system), flushed to disk with fsync, then renamed over the destination.
 * rename(2) replaces the name in one step, so a run killed at any moment leaves either the old file or
 * the complete new one, never a half-written report. A failure removes the temporary file and throws
 * an AerchipError (E_WRITE_FAILED, E_WRITE_MKDIR, E_WRITE_JSON) naming the path.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { AerchipError } from "./diagnostics.ts";

export const WriteErrorCode = {
  failed: "E_WRITE_FAILED",
  mkdir: "E_WRITE_MKDIR",
  /** The value cannot be serialised as JSON (a BigInt, a cycle). */
  json: "E_WRITE_JSON",
} as const;
export type WriteErrorCode = (typeof WriteErrorCode)[keyof typeof WriteErrorCode];

/** Distinguishes temporary files of several writes to one path from one process. */
let counter = 0;

/** The temporary name used for `path`: hidden, same directory, unique per process and call. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter++}`);
}

/** Creates `dir` and its parents if missing. */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new AerchipError(WriteErrorCode.mkdir, `cannot create directory ${dir}: ${(e as Error).message}`, {
      file: dir, hint: "choose an output directory you can write to (a path whose parents are directories)", cause: e,
    });
  }
}

/** Writes `data` (a string as UTF-8) to `path` atomically. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(path);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let fd = -1;
  try {
    fd = openSync(tmp, "wx"); // "x": never follow or reuse a file someone else created under this name
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== -1) {
      try { closeSync(fd); } catch { /* already failing; report the first error */ }
    }
    rmSync(tmp, { force: true });
    throw new AerchipError(WriteErrorCode.failed, `cannot write ${path}: ${(e as Error).message}`, {
      file: path, hint: "check that the output directory exists and is writable and that the disk has space", cause: e,
    });
  }
}

/** JSON text with 2-space indentation and a trailing newline; keys in insertion order (deterministic). */
export function stableJson(value: unknown, path?: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, 2) as string | undefined;
  } catch (e) {
    throw new AerchipError(WriteErrorCode.json, `cannot serialise ${path ?? "value"} as JSON: ${(e as Error).message}`, {
      ...(path === undefined ? {} : { file: path }), hint: "convert BigInts to numbers or strings and remove circular references", cause: e,
    });
  }
  if (text === undefined) {
    throw new AerchipError(WriteErrorCode.json, `cannot serialise ${path ?? "value"} as JSON: it is ${typeof value}`, {
      ...(path === undefined ? {} : { file: path }), hint: "pass an object, array, string, number, boolean or null",
    });
  }
  return `${text}\n`;
}

/** `value` as stable JSON (see stableJson), written atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, stableJson(value, path));
}
