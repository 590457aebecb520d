/**
 * A plain (numeric) .npy array read from a file, as float64 in C order: the file checked as every input
 * file is (core/io/read-input.ts), the array as npy.ts reads it, and a structured array (an event list)
 * refused with the caller's code, message and hint, since each caller says what its array should be.
 */
import { AerchipError } from "../diagnostics.ts";
import { npyToFloat64, readNpy } from "./npy.ts";
import { readInputFile, type ReadInputOptions } from "./read-input.ts";

export interface PlainNpyOptions extends ReadInputOptions {
  /** The error for a structured array: its code, the message after "<path> is a structured array; ", and a hint. */
  readonly notPlain: { readonly code: string; readonly message: string; readonly hint: string };
}

export function readPlainNpyFile(path: string, o: PlainNpyOptions): { readonly shape: readonly number[]; readonly values: Float64Array } {
  const arr = readNpy(readInputFile(path, o), path);
  if (arr.kind !== "plain") {
    throw new AerchipError(o.notPlain.code, `${path} is a structured array; ${o.notPlain.message}`, { file: path, ...(o.field === undefined ? {} : { field: o.field }), hint: o.notPlain.hint });
  }
  return { shape: arr.shape, values: npyToFloat64(arr.data, path) };
}
