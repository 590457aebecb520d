/**
 * Reading one input file whole (a model, a chip spec, a SANA-FE YAML, a report, a sweep file): the one
 * place that checks that the path names an existing regular file no larger than the caller's limit
 * before reading it.
 *
 * Why: fs.readFileSync on a directory fails with a bare EISDIR, and on /dev/zero or a FIFO it reads
 * until memory runs out (or blocks forever). Here the file is opened non-blocking (so a FIFO cannot
 * hang the open), fstat'ed on the open descriptor (so the checked file is the read one), refused unless
 * it is a regular file of at most `maxBytes`, and read to the size fstat gave.
 *
 * Errors (AerchipError, naming the file): `codes.notFound` (default E_INPUT_NOT_FOUND) when it does not
 * exist, E_INPUT_NOT_A_FILE for a directory, device, FIFO or socket, `codes.tooLarge` (default
 * E_INPUT_TOO_LARGE) above the limit, E_INPUT_READ for other read failures (permissions, I/O).
 * Callers whose format already had a not-found or too-large code pass it, so those codes stay stable.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { AerchipError } from "../diagnostics.ts";

export const InputErrorCode = {
  notFound: "E_INPUT_NOT_FOUND",
  notAFile: "E_INPUT_NOT_A_FILE",
  tooLarge: "E_INPUT_TOO_LARGE",
  read: "E_INPUT_READ",
} as const;

/** V8's longest string (0x1fffffe8 UTF-16 units): a text file of more bytes may not fit in one string. */
export const MAX_TEXT_FILE_BYTES = 0x1fffffe8;

export interface ReadInputOptions {
  /** What the file is, for messages: "model file", "chip spec", "report". */
  readonly what: string;
  /** Largest size accepted, bytes. */
  readonly maxBytes: number;
  /** The command-line option or config field that named the file, if any (e.g. "--arch"). */
  readonly field?: string;
  /** What to give instead, e.g. "give the report.json written by `aerchip run`". */
  readonly hint?: string;
  /** Format-specific codes kept for compatibility (e.g. E_MODEL_NOT_FOUND). */
  readonly codes?: { readonly notFound?: string; readonly tooLarge?: string };
}

/** "a directory", "a character device", … for a non-regular file. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isFIFO()) return "a pipe (FIFO)";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** Bytes as "1.5 MiB" for messages (the exact count is given too). */
function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 3 : 1)} MiB`;
}

/**
 * The error for a file larger than `limit` bytes: `size` is its size, or "inflated" when a compressed
 * file inflates past the limit (callers that inflate stop there).
 */
export function inputTooLarge(path: string, o: ReadInputOptions, size: number | "inflated", limit: number, hint?: string): AerchipError {
  const what = size === "inflated" ? "inflates to more than" : `is ${size} bytes, more than`;
  return new AerchipError(o.codes?.tooLarge ?? InputErrorCode.tooLarge, `${o.what} ${path} ${what} the limit of ${limit} bytes (${mib(limit)})`, {
    file: path, ...(o.field === undefined ? {} : { field: o.field }), hint: hint ?? `give a smaller ${o.what}`,
  });
}

/** The bytes of the regular file `path` (checked as described above). */
export function readInputFile(path: string, o: ReadInputOptions): Buffer {
  const where = { file: path, ...(o.field === undefined ? {} : { field: o.field }) };
  const hint = o.hint ?? `give the path of a ${o.what}`;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever; no effect on regular files.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new AerchipError(o.codes?.notFound ?? InputErrorCode.notFound, `${o.what} ${path} does not exist`, { ...where, hint: `check the path; ${hint}`, cause: e });
    }
    throw new AerchipError(InputErrorCode.read, `cannot open ${o.what} ${path}: ${(e as Error).message}`, { ...where, hint: "check that the file is readable", cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new AerchipError(InputErrorCode.notAFile, `${o.what} ${path} is ${kindOf(st)}, not a regular file`, { ...where, hint });
    if (st.size > o.maxBytes) throw inputTooLarge(path, o, st.size, o.maxBytes);
    const bytes = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, bytes, off, st.size - off, null);
      if (n === 0) break; // the file shrank while being read: keep what is there
      off += n;
    }
    return off === st.size ? bytes : bytes.subarray(0, off);
  } catch (e) {
    if (e instanceof AerchipError) throw e;
    throw new AerchipError(InputErrorCode.read, `cannot read ${o.what} ${path}: ${(e as Error).message}`, { ...where, hint: "check that the file is readable", cause: e });
  } finally {
    closeSync(fd);
  }
}

/** The regular file `path` as UTF-8 text (limit at most MAX_TEXT_FILE_BYTES, V8's longest string). */
export function readInputText(path: string, o: ReadInputOptions): string {
  return readInputFile(path, { ...o, maxBytes: Math.min(o.maxBytes, MAX_TEXT_FILE_BYTES) }).toString("utf8");
}
