/**
 * loadModelFile: picks the front end for a model file by its content (JSON `format` field; gzip is
 * unpacked first) and returns the graph IR plus any stimulus the file carries.
 */
import { gunzipSync } from "node:zlib";
import { AerchipError } from "../../core/diagnostics.ts";
import { inputTooLarge, readInputFile, readInputText, type ReadInputOptions } from "../../core/io/read-input.ts";
import { sniffSanafeYaml } from "./sanafe/index.ts";
import { MAX_SANAFE_FILE_BYTES } from "./sanafe/yaml-tree.ts";
import type { JsonObject } from "./json-fields.ts";
import { parseJsonBytes } from "./json-packed.ts";
import { parseSnnref, SNNREF_FORMAT, type LoadedModel } from "./snnref.ts";
import { AERCHIP_MODEL_FORMAT, parseAerchipModel } from "./aerchip-model.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { checkJsonModelCapacity } from "../core-capacity.ts";

/** Largest model file read into memory (JSON models are parsed whole). */
export const MAX_MODEL_FILE_BYTES = 2 ** 31 - 1;

/** The read-input options of a model file (codes E_MODEL_NOT_FOUND and E_MODEL_TOO_LARGE). */
function modelInput(maxBytes: number): ReadInputOptions {
  return {
    what: "model file", maxBytes,
    hint: "give a model file (.json, .json.gz, .nir or a SANA-FE .yaml network)",
    codes: { notFound: "E_MODEL_NOT_FOUND", tooLarge: "E_MODEL_TOO_LARGE" },
  };
}

const TOO_LARGE_HINT = "JSON models are limited to 2 GiB (and 512 MiB of text outside long numeric lists); use NIR (HDF5) for large models";

/**
 * The model file's bytes, gunzipped when it starts with the gzip magic. `maxBytes` bounds both the file
 * and its inflated size: inflating stops at the limit, so a gzip bomb cannot exhaust memory.
 */
export function readModelBytes(path: string, maxBytes: number = MAX_MODEL_FILE_BYTES): Buffer {
  const opts = modelInput(maxBytes);
  const raw = readInputFile(path, opts);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      // 1 MiB output chunks: the default 16 KiB costs twice the time on large models.
      return gunzipSync(raw, { maxOutputLength: maxBytes, chunkSize: 1 << 20 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
        throw inputTooLarge(path, opts, "inflated", maxBytes, TOO_LARGE_HINT);
      }
      throw new AerchipError("E_MODEL_PARSE", `gzip data is corrupt or truncated: ${(e as Error).message}`, { file: path, hint: "re-download or re-export the file" });
    }
  }
  return raw;
}

/**
 * A .yaml/.yml path given where a JSON model is read: SANA-FE networks are read by `aerchip run` and `aerchip compare` only
 * (cli/sanafe-inputs.ts), so say what the file is instead of "not valid JSON".
 */
function yamlModelError(path: string): AerchipError {
  const kind = sniffSanafeYaml(readInputText(path, { ...modelInput(MAX_SANAFE_FILE_BYTES), codes: { notFound: "E_MODEL_NOT_FOUND", tooLarge: "E_SANAFE_TOO_LARGE" } }));
  if (kind === "network") {
    return new AerchipError("E_MODEL_FORMAT", "this command does not take SANA-FE networks (only `aerchip run` and `aerchip compare` do)", {
      file: path, hint: `run it with \`aerchip run ${path} --arch …\`, or give a JSON (snnref-1, aerchip-model-1) or NIR model`,
    });
  }
  if (kind === "architecture") {
    return new AerchipError("E_MODEL_FORMAT", "this is a SANA-FE architecture, not a model", {
      file: path, hint: "give it with --arch (or --sanafe-arch) and the network YAML as the model",
    });
  }
  return new AerchipError("E_MODEL_FORMAT", "this YAML file is not a SANA-FE network: it has no top-level `network:` section", {
    file: path, field: "network", hint: "SANA-FE networks start with `network:`; other models are JSON (.json, .json.gz) or NIR (.nir)",
  });
}

/**
 * `fitsChip`: the chip the model is for (or several: refused only when none holds it); a model whose population sizes alone need more cores than it has
 * is refused (E_CHIP_CORES_EXCEEDED, compiler/core-capacity.ts) before the front end builds its ~64 bytes
 * of parameters per neuron.
 */
export function loadJsonModel(path: string, fitsChip?: ChipSpec | readonly ChipSpec[]): LoadedModel {
  if (/\.ya?ml$/i.test(path)) throw yamlModelError(path);
  // Large numeric lists are read straight into typed arrays (json-packed.ts); the readers accept both.
  const json = parseJsonBytes(readModelBytes(path), path);
  const format = typeof json === "object" && json !== null && !Array.isArray(json) ? (json as JsonObject).format : undefined;
  if (fitsChip !== undefined && (format === SNNREF_FORMAT || format === AERCHIP_MODEL_FORMAT)) checkJsonModelCapacity((json as JsonObject).populations, fitsChip, path);
  if (format === SNNREF_FORMAT) return parseSnnref(json, path);
  if (format === AERCHIP_MODEL_FORMAT) return parseAerchipModel(json, path);
  throw new AerchipError("E_MODEL_FORMAT", `unknown model format ${JSON.stringify(format)}`, {
    file: path, field: "format", hint: `JSON models declare "format": "${SNNREF_FORMAT}" or "${AERCHIP_MODEL_FORMAT}"; NIR models end in .nir, SANA-FE networks in .yaml`,
  });
}
