/**
 * The ASCII header of AEDAT files (jAER / cAER): lines starting with '#', the first being the version
 * line `#!AER-DAT<major>.<minor>`. AEDAT 2.0 data starts at the first byte after the last '#' line;
 * AEDAT 3.x headers end with the line `#!END-HEADER`. Lines end in "\r\n" (jAER, cAER) or "\n".
 */
import { EventsErrorCode, eventsError } from "./errors.ts";
import type { ChunkedFile } from "./file-io.ts";

export interface AedatHeader {
  /** e.g. "2.0", "3.1". */
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  /** Header lines without the leading '#' and the line ending. */
  readonly lines: readonly string[];
  /** File offset of the first data byte. */
  readonly dataStart: number;
}

/** Longest header accepted; real headers are a few hundred bytes (jAER 2.0 headers list settings, a few KB). */
export const MAX_AEDAT_HEADER_BYTES = 1 << 20;

/**
 * Parses the header at the start of `f` (consuming it). For AEDAT 3.x the header must end with
 * `#!END-HEADER`; for 2.x it ends before the first byte that is not '#' at the start of a line.
 */
export async function readAedatHeader(f: ChunkedFile): Promise<AedatHeader> {
  const lines: string[] = [];
  let version: string | null = null;
  let major = 0;
  let minor = 0;
  for (;;) {
    if (f.offset > MAX_AEDAT_HEADER_BYTES) {
      throw eventsError(EventsErrorCode.header, `the header is longer than ${MAX_AEDAT_HEADER_BYTES} bytes`, "the file is not an AEDAT recording, or its header is damaged", { file: f.path, byteOffset: f.offset });
    }
    await f.fill(1);
    if (f.available === 0 || f.buf[f.start] !== 0x23 /* '#' */) {
      if (version === null) {
        throw eventsError(EventsErrorCode.header, "does not start with an AEDAT version line (#!AER-DAT2.0 or #!AER-DAT3.1)", "give an AEDAT 2.0 or 3.1 recording (jAER / cAER / DV)", { file: f.path, byteOffset: f.offset });
      }
      if (major >= 3) {
        throw eventsError(EventsErrorCode.truncated, "the AEDAT 3 header has no #!END-HEADER line", "the file is truncated or its header is damaged", { file: f.path, byteOffset: f.offset });
      }
      return { version, major, minor, lines, dataStart: f.offset };
    }
    const lineStart = f.offset;
    // Find the end of the line, refilling (and growing the buffer) until it is found.
    let nl = -1;
    for (let want = Math.min(256, f.remaining); ; want = Math.min(want * 2, f.remaining)) {
      await f.fill(want);
      nl = f.buf.subarray(f.start, f.end).indexOf(0x0a);
      if (nl >= 0 || f.available >= f.remaining || want >= MAX_AEDAT_HEADER_BYTES) break;
    }
    if (nl < 0) {
      throw eventsError(EventsErrorCode.truncated, "the file ends inside a header line", "the file is truncated", { file: f.path, byteOffset: lineStart });
    }
    let text = "";
    const raw = f.buf.subarray(f.start + 1, f.start + nl);
    for (let i = 0; i < raw.length; i++) text += String.fromCharCode(raw[i]);
    if (text.endsWith("\r")) text = text.slice(0, -1);
    f.consume(nl + 1);
    if (version === null) {
      const m = /^!AER-DAT(\d+)\.(\d+)/.exec(text);
      if (m === null) {
        throw eventsError(EventsErrorCode.header, `the first line is "#${text.slice(0, 40)}", not an AEDAT version line (#!AER-DAT2.0 / #!AER-DAT3.1)`,
          "give an AEDAT 2.0 or 3.1 recording", { file: f.path, byteOffset: lineStart });
      }
      major = Number(m[1]);
      minor = Number(m[2]);
      version = `${major}.${minor}`;
    }
    lines.push(text);
    if (major >= 3 && text.startsWith("!END-HEADER")) return { version, major, minor, lines, dataStart: f.offset };
  }
}
