/**
 * loadModelFile: picks the front end for a model file by its content (JSON `format` field; gzip is
 * unpacked first) and returns the graph IR plus any stimulus the file carries.
 */
import { readFileSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { AerchipError } from "../../core/diagnostics.ts";
import type { JsonObject } from "./json-fields.ts";
import { parseJsonBytes } from "./json-packed.ts";
import { parseSnnref, SNNREF_FORMAT, type LoadedModel } from "./snnref.ts";
import { AERCHIP_MODEL_FORMAT, parseAerchipModel } from "./aerchip-model.ts";

/** Largest model file read into memory (JSON models are parsed whole). */
export const MAX_MODEL_FILE_BYTES = 2 ** 31 - 1;

export function readModelBytes(path: string): Buffer {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new AerchipError("E_MODEL_NOT_FOUND", `cannot read model file "${path}"`, { file: path, hint: "check the path" });
  }
  if (size > MAX_MODEL_FILE_BYTES) throw new AerchipError("E_MODEL_TOO_LARGE", `model file is ${size} bytes`, { file: path, hint: "JSON models are limited to 2 GiB; use NIR (HDF5) for large models" });
  const raw = readFileSync(path);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      // 1 MiB output chunks: the default 16 KiB costs twice the time on large models.
      return gunzipSync(raw, { maxOutputLength: MAX_MODEL_FILE_BYTES, chunkSize: 1 << 20 });
    } catch (e) {
      throw new AerchipError("E_MODEL_PARSE", `gzip data is corrupt or truncated: ${(e as Error).message}`, { file: path, hint: "re-download or re-export the file" });
    }
  }
  return raw;
}

export function loadJsonModel(path: string): LoadedModel {
  // Large numeric lists are read straight into typed arrays (json-packed.ts); the readers accept both.
  const json = parseJsonBytes(readModelBytes(path), path);
  const format = typeof json === "object" && json !== null && !Array.isArray(json) ? (json as JsonObject).format : undefined;
  if (format === SNNREF_FORMAT) return parseSnnref(json, path);
  if (format === AERCHIP_MODEL_FORMAT) return parseAerchipModel(json, path);
  throw new AerchipError("E_MODEL_FORMAT", `unknown model format ${JSON.stringify(format)}`, {
    file: path, field: "format", hint: `JSON models declare "format": "${SNNREF_FORMAT}" or "${AERCHIP_MODEL_FORMAT}"; NIR models end in .nir, SANA-FE networks in .yaml`,
  });
}
