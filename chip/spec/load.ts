/**
 * Loading chip specs: a preset by name (`chip/spec/presets/<name>.json`) or a JSON file by path.
 * (SANA-FE architecture YAML is a front end and lives in compiler/frontends/sanafe.)
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AerchipError } from "../../core/diagnostics.ts";
import { refuseDuplicateJsonKey } from "../../core/io/json-duplicate-keys.ts";
import { readInputText } from "../../core/io/read-input.ts";
import type { ChipSpec } from "./types.ts";
import { assertValidChipSpec } from "./validate.ts";

/** Chip spec JSON files are a few KiB; 64 MiB leaves room for any cost table and stops /dev/zero-like inputs. */
export const MAX_CHIP_SPEC_FILE_BYTES = 64 * 1024 * 1024;

const PRESET_DIR = fileURLToPath(new URL("./presets/", import.meta.url));

export function listPresetNames(): string[] {
  if (!existsSync(PRESET_DIR)) return [];
  return readdirSync(PRESET_DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
}

export function loadPreset(name: string): ChipSpec {
  const names = listPresetNames();
  if (!names.includes(name)) {
    throw new AerchipError("E_SPEC_UNKNOWN_PRESET", `no chip preset named "${name}"`, {
      field: "--arch",
      hint: `use one of: ${names.join(", ")}, or a path to a chip spec file`,
    });
  }
  return parseChipSpecJson(readFileSync(`${PRESET_DIR}${name}.json`, "utf8"), `preset:${name}`);
}

export function parseChipSpecJson(text: string, file: string): ChipSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AerchipError("E_SPEC_PARSE", `chip spec is not valid JSON: ${(e as Error).message}`, { file, hint: "fix the JSON syntax" });
  }
  // A repeated key (JSON.parse keeps the last: "maxDelayTicks": 62, "maxDelayTicks": 1 reads as 1) is refused.
  refuseDuplicateJsonKey(text, { file, code: "E_SPEC_INVALID" });
  return assertValidChipSpec(raw, file);
}

/** A preset name, or a path to a JSON chip spec. */
export function loadChipSpecJson(nameOrPath: string): ChipSpec {
  if (listPresetNames().includes(nameOrPath)) return loadPreset(nameOrPath);
  if (!existsSync(nameOrPath)) {
    throw new AerchipError("E_SPEC_NOT_FOUND", `"${nameOrPath}" is neither a preset nor an existing file`, {
      field: "--arch",
      hint: `use one of: ${listPresetNames().join(", ")}, or a path to a chip spec file`,
    });
  }
  const text = readInputText(nameOrPath, {
    what: "chip spec", maxBytes: MAX_CHIP_SPEC_FILE_BYTES, field: "--arch",
    hint: `use a preset (${listPresetNames().join(", ")}) or the path of a chip spec JSON file`,
    codes: { notFound: "E_SPEC_NOT_FOUND", tooLarge: "E_SPEC_TOO_LARGE" },
  });
  return parseChipSpecJson(text, nameOrPath);
}
