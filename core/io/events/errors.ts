/**
 * Error codes of the event readers, writers and transforms, and one helper that builds the
 * AerchipError (file, field, byte offset, hint) so every failure reads the same way:
 *   `E_EVENTS_TRUNCATED: recording.aedat: packet at byte 4096 declares 800 bytes, 312 remain [byte 4096]`.
 */
import { AerchipError, oneLine } from "../../diagnostics.ts";

export const EventsErrorCode = {
  /** The file does not exist. */
  notFound: "E_EVENTS_NOT_FOUND",
  /** The operating system refused a read (a failed write is E_WRITE_FAILED, as for every output). */
  io: "E_EVENTS_IO",
  /** The file ends inside a record, packet or header. */
  truncated: "E_EVENTS_TRUNCATED",
  /** Bytes that cannot be what the format says (bad sizes, counts, numbers, magic). */
  corrupt: "E_EVENTS_CORRUPT",
  /** A missing or malformed header (AEDAT version line, CSV columns, HDF5 layout). */
  header: "E_EVENTS_HEADER",
  /** An event outside the sensor geometry or the input shape. */
  outOfRange: "E_EVENTS_OUT_OF_RANGE",
  /** The file's format cannot be determined or is not an event format. */
  format: "E_EVENTS_FORMAT",
  /** A format or direction aerchip does not support (e.g. writing HDF5). */
  unsupported: "E_EVENTS_UNSUPPORTED",
  /** Invalid options (tick length, bins, shapes, rates). */
  options: "E_EVENTS_OPTIONS",
  /** The events cannot be mapped onto the requested input shape. */
  shape: "E_EVENTS_SHAPE",
  /** A value that the output format cannot store (a timestamp past its range, a coordinate too wide). */
  range: "E_EVENTS_RANGE",
} as const;
export type EventsErrorCode = (typeof EventsErrorCode)[keyof typeof EventsErrorCode];

export interface EventsErrorWhere {
  readonly file?: string;
  readonly field?: string;
  readonly byteOffset?: number;
  readonly cause?: unknown;
}

const hex2 = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;

/**
 * Text read from a file, fit for a one-line message: every byte outside printable ASCII as \xNN (a binary
 * file's "header" must not reach the terminal raw), cut to `maxChars` with "…".
 */
export function printable(text: string, maxChars = 60): string {
  const cut = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  return cut.replace(/[^\u0020-\u007e…]/g, (c) => (c.charCodeAt(0) <= 0xff ? hex2(c) : `\\u{${c.codePointAt(0)!.toString(16)}}`));
}

/**
 * Builds (does not throw) an AerchipError; the message is prefixed with the file name when known. Control
 * characters in the message (from file names or contents) are escaped (core/diagnostics.ts oneLine),
 * whatever the caller quoted, so library callers get a one-line message too.
 */
export function eventsError(code: EventsErrorCode, message: string, hint: string, where: EventsErrorWhere = {}): AerchipError {
  const text = oneLine(where.file === undefined ? message : `${where.file}: ${message}`);
  return new AerchipError(code, text, {
    ...(where.file === undefined ? {} : { file: where.file }),
    ...(where.field === undefined ? {} : { field: where.field }),
    ...(where.byteOffset === undefined ? {} : { byteOffset: where.byteOffset }),
    ...(where.cause === undefined ? {} : { cause: where.cause }),
    hint,
  });
}

/** Checks a positive integer option, throwing E_EVENTS_OPTIONS naming it otherwise. */
export function checkPositiveInt(value: number, name: string, max: number = 2 ** 31 - 1): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw eventsError(EventsErrorCode.options, `option ${name} is ${value}; it must be an integer in [1, ${max}]`, `give ${name} as a positive integer`, { field: name });
  }
  return value;
}

/** Checks a finite number > 0 (durations, rates). */
export function checkPositiveNumber(value: number, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw eventsError(EventsErrorCode.options, `option ${name} is ${value}; it must be a finite number > 0`, `give ${name} as a positive number`, { field: name });
  }
  return value;
}
