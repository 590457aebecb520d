/**
 * Bounded-memory file access for the event readers and writers.
 *
 * `ChunkedFile` reads a file through one buffer of `chunkBytes`: `buf[start, end)` holds unread bytes
 * whose file offset is `offset + (i − start)`. A parser calls `fill(n)` when it needs at least n
 * contiguous bytes (a record, a packet header, a packet body); the unread tail is moved to the front and
 * the rest of the buffer refilled. The buffer only grows when one unit needs more than `chunkBytes`
 * (an AEDAT packet larger than the chunk), and then only to that unit's size, which the caller has
 * checked against the bytes left in the file first — a corrupt length can never size an allocation.
 *
 * `StreamFileWriter` writes through a temporary file in the destination's directory and renames it over
 * the destination when closed, so an interrupted conversion never leaves a half-written output.
 */
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { refuseDirectoryOutput, tempPathFor, WriteErrorCode } from "../../atomic-write.ts";
import { AerchipError } from "../../diagnostics.ts";
import { EventsErrorCode, eventsError } from "./errors.ts";

export class ChunkedFile {
  readonly path: string;
  /** File size in bytes at open. */
  readonly size: number;
  buf: Uint8Array;
  /** First unread byte in buf. */
  start = 0;
  /** End of valid data in buf. */
  end = 0;
  /** File offset of buf[0]. */
  private base = 0;
  private readonly fh: FileHandle;

  private constructor(path: string, fh: FileHandle, size: number, chunkBytes: number) {
    this.path = path;
    this.fh = fh;
    this.size = size;
    this.buf = new Uint8Array(Math.max(16, Math.min(chunkBytes, Math.max(size, 16))));
  }

  static async open(path: string, chunkBytes: number): Promise<ChunkedFile> {
    let fh: FileHandle;
    try {
      fh = await open(path, "r");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw eventsError(EventsErrorCode.notFound, "the file does not exist", "check the path of the event file", { file: path, cause: e });
      throw eventsError(EventsErrorCode.io, `the file cannot be opened: ${(e as Error).message}`, "check the path and its permissions", { file: path, cause: e });
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw eventsError(EventsErrorCode.io, "is not a regular file", "give the path of an event file", { file: path });
      return new ChunkedFile(path, fh, st.size, chunkBytes);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** File offset of the next unread byte. */
  get offset(): number {
    return this.base + this.start;
  }

  get available(): number {
    return this.end - this.start;
  }

  /** Bytes not yet consumed, in the buffer and on disk. */
  get remaining(): number {
    return this.size - this.offset;
  }

  get atEof(): boolean {
    return this.offset >= this.size;
  }

  /**
   * Makes at least `n` unread bytes available in buf (fewer only at end of file). Returns false when
   * the file ends first. Reads as much as fits in the buffer, so a caller asking for one record gets a
   * whole chunk to parse.
   */
  async fill(n: number): Promise<boolean> {
    if (this.available >= n) return true;
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.base += this.start;
      this.start = 0;
    }
    if (n > this.buf.length) {
      // One unit larger than the chunk: grow to fit it (callers bound n by the bytes left in the file).
      const grown = new Uint8Array(Math.min(Math.max(n, this.buf.length * 2), Math.max(n, this.size - this.base)));
      grown.set(this.buf.subarray(0, this.end));
      this.buf = grown;
    }
    while (this.end < n) {
      const want = Math.min(this.buf.length - this.end, this.size - (this.base + this.end));
      if (want <= 0) return false;
      let got: number;
      try {
        got = (await this.fh.read(this.buf, this.end, want, this.base + this.end)).bytesRead;
      } catch (e) {
        throw eventsError(EventsErrorCode.io, `read failed at byte ${this.base + this.end}: ${(e as Error).message}`, "check the file and the disk", { file: this.path, byteOffset: this.base + this.end, cause: e });
      }
      if (got === 0) return false; // the file shrank while being read
      this.end += got;
    }
    return true;
  }

  consume(n: number): void {
    this.start += n;
  }

  /** Skips `n` bytes (possibly beyond the buffer) without reading them. */
  skip(n: number): void {
    const inBuf = Math.min(n, this.available);
    this.start += inBuf;
    const rest = n - inBuf;
    if (rest > 0) {
      // Nothing buffered remains: restart the buffer at the new offset.
      this.base = this.base + this.end + rest;
      this.start = 0;
      this.end = 0;
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/**
 * A failed output write: E_WRITE_FAILED, the code every other output of aerchip uses (core/atomic-write.ts),
 * so `convert` reports a missing output directory alike for .csv/.bin/.aedat (streamed) and .npy/.aer.
 */
function writeFailed(path: string, message: string, hint: string, e: unknown, byteOffset?: number): AerchipError {
  return new AerchipError(WriteErrorCode.failed, `cannot write ${path}: ${message}`, { file: path, hint, cause: e, ...(byteOffset === undefined ? {} : { byteOffset }) });
}

/** Writes a file sequentially through a temporary file; `close()` renames it into place, `abort()` removes it. */
export class StreamFileWriter {
  readonly path: string;
  private readonly tmp: string;
  private readonly fh: FileHandle;
  private written = 0;

  private constructor(path: string, tmp: string, fh: FileHandle) {
    this.path = path;
    this.tmp = tmp;
    this.fh = fh;
  }

  static async create(path: string): Promise<StreamFileWriter> {
    refuseDirectoryOutput(path);
    const tmp = tempPathFor(path);
    try {
      return new StreamFileWriter(path, tmp, await open(tmp, "wx"));
    } catch (e) {
      throw writeFailed(path, (e as Error).message, "check that the output directory exists and is writable", e);
    }
  }

  get bytesWritten(): number {
    return this.written;
  }

  async write(bytes: Uint8Array): Promise<void> {
    let off = 0;
    try {
      while (off < bytes.length) off += (await this.fh.write(bytes, off, bytes.length - off)).bytesWritten;
    } catch (e) {
      throw writeFailed(this.path, `at byte ${this.written + off}: ${(e as Error).message}`, "check that the disk has space", e, this.written + off);
    }
    this.written += bytes.length;
  }

  async close(): Promise<void> {
    try {
      await this.fh.sync();
      await this.fh.close();
      await rename(this.tmp, this.path);
    } catch (e) {
      await rm(this.tmp, { force: true });
      throw writeFailed(this.path, (e as Error).message, "check that the output directory is writable", e);
    }
  }

  async abort(): Promise<void> {
    try { await this.fh.close(); } catch { /* already failing */ }
    await rm(this.tmp, { force: true });
  }
}

/** Writes `produce`'s output to `path` atomically; the temporary file is removed when `produce` throws. */
export async function writeFileStreaming(path: string, produce: (w: StreamFileWriter) => Promise<void>): Promise<void> {
  const w = await StreamFileWriter.create(path);
  try {
    await produce(w);
  } catch (e) {
    await w.abort();
    throw e;
  }
  await w.close();
}

/** Reads the first `n` bytes of a file (fewer if it is shorter). */
export async function readHead(path: string, n: number): Promise<Uint8Array> {
  const f = await ChunkedFile.open(path, Math.max(16, n));
  try {
    await f.fill(Math.min(n, f.size));
    return f.buf.slice(f.start, f.start + Math.min(n, f.available));
  } finally {
    await f.close();
  }
}
