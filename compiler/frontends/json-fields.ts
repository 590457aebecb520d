/**
 * Field readers for JSON model files: each checks type and range and throws an AerchipError naming
 * the file and the field path, so a malformed model never becomes NaN weights or a stack trace.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { refuseDuplicateJsonKey } from "../../core/io/json-duplicate-keys.ts";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** Largest population or synapse list a JSON model may declare (protects allocation). */
export const MAX_JSON_ELEMENTS = 1 << 28;

/**
 * A flat JSON list of numbers read straight into a Float64Array (json-packed.ts), holding exactly the
 * numbers JSON.parse would give. It stands where the list stood in the Json tree; every list reader
 * below accepts it (`array` hands back the plain list).
 */
export class PackedNumbers {
  readonly values: Float64Array;
  constructor(values: Float64Array) {
    this.values = values;
  }
}

/** A value as text for a message: JSON.stringify writes Infinity and NaN as null, which hides the problem. */
export function valueText(v: unknown): string {
  return typeof v === "number" && !Number.isFinite(v) ? String(v) : JSON.stringify(v) ?? String(v);
}

/** Edit distance (insert, delete, substitute), case-insensitive. */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[t.length];
}

/**
 * The known key `key` was most likely meant to be: the nearest by edit distance when close (at most a third
 * of its length, at least 2), or one that starts with it or it starts with (vThresh → vThreshold).
 */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of allowed) {
    const d = editDistance(key, k);
    if (d < bestD) { best = k; bestD = d; }
  }
  if (best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3))) return best;
  const low = key.toLowerCase();
  return key.length >= 3 ? allowed.find((k) => k.toLowerCase().startsWith(low) || low.startsWith(k.toLowerCase())) : undefined;
}

export class FieldReader {
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  fail(field: string, message: string, hint: string, code = "E_MODEL_FIELD"): never {
    throw new AerchipError(code, message, { file: this.file, field, hint });
  }

  /**
   * Refuses keys of `o` outside `allowed` (a misspelt key would otherwise be ignored and its default used),
   * naming the key's path and the closest known key. `field` is the object's path ("" at the top level).
   */
  knownKeys(o: JsonObject, field: string, allowed: readonly string[], what: string): void {
    for (const k of Object.keys(o)) {
      if (allowed.includes(k)) continue;
      const near = closestKey(k, allowed);
      const path = field === "" ? k : `${field}.${k}`;
      this.fail(path, `${path}: unknown key ${JSON.stringify(k)} in ${what}${near === undefined ? "" : `; did you mean ${near}?`}`,
        `${near === undefined ? "" : `rename it to ${near}, or remove it; `}known keys: ${allowed.join(", ")}`);
    }
  }

  boolean(v: Json | undefined, field: string, fallback: boolean): boolean {
    if (v === undefined) return fallback;
    if (typeof v !== "boolean") this.fail(field, `${field} must be true or false, got ${valueText(v)}`, "write the JSON literal true or false, without quotes");
    return v;
  }

  object(v: Json | undefined, field: string): JsonObject {
    if (typeof v !== "object" || v === null || Array.isArray(v) || (v as unknown) instanceof PackedNumbers) this.fail(field, `${field} must be an object`, "see the format's documentation");
    return v;
  }

  array(v: Json | undefined, field: string): Json[] {
    if ((v as unknown) instanceof PackedNumbers) return Array.from((v as unknown as PackedNumbers).values);
    if (!Array.isArray(v)) this.fail(field, `${field} must be a list`, "see the format's documentation");
    return v;
  }

  /** The numbers of a packed list, or undefined for anything else. */
  packed(v: Json | undefined): Float64Array | undefined {
    return (v as unknown) instanceof PackedNumbers ? (v as unknown as PackedNumbers).values : undefined;
  }

  string(v: Json | undefined, field: string, fallback?: string): string {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== "string") this.fail(field, `${field} must be a string`, "quote the value");
    return v;
  }

  number(v: Json | undefined, field: string, fallback?: number): number {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(field, `${field} must be a finite number, got ${valueText(v)}`, "NaN and infinities are not allowed (a number past ±1.8e308 reads as Infinity)");
    return v;
  }

  int(v: Json | undefined, field: string, min: number, max: number, fallback?: number): number {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      this.fail(field, `${field} must be an integer in [${min}, ${max}], got ${valueText(v)}`, "use a whole number within the range");
    }
    return v;
  }

  /** A scalar or a per-element list of length `size`, as Float64Array. */
  perNeuron(v: Json | undefined, field: string, size: number, fallback: number): Float64Array {
    const out = new Float64Array(size);
    if (v === undefined) return out.fill(fallback);
    // null is refused rather than read as "the default": JSON writers emit null for NaN, and a null that
    // silently became the default would hide that. Formats that give null a meaning handle it before here.
    if (v === null) this.fail(field, `${field} is null`, `give a number or one number per neuron, or omit the key for the default (${fallback})`);
    if (typeof v === "number") return out.fill(this.number(v, field));
    // Neither a number nor a list (a quoted "4", true, an object): say both forms the field takes.
    if (this.packed(v) === undefined && !Array.isArray(v)) {
      this.fail(field, `${field} must be a number or a list of ${size} numbers (one per neuron), got ${valueText(v)}`, "write the number without quotes, or one number per neuron");
    }
    const list = this.packed(v) ?? this.array(v, field);
    if (list.length !== size) this.fail(field, `${field} has ${list.length} entries, the population has ${size} neurons`, "give one value per neuron or a single scalar");
    if (list instanceof Float64Array) {
      for (let i = 0; i < size; i++) if (!Number.isFinite(list[i])) this.number(list[i], `${field}[${i}]`);
      out.set(list);
      return out;
    }
    for (let i = 0; i < size; i++) {
      const x = list[i];
      // The field path is built only for the error (building it per element dominates large lists).
      if (typeof x !== "number" || !Number.isFinite(x)) this.number(x, `${field}[${i}]`);
      out[i] = x as number;
    }
    return out;
  }

  /** A list of numbers as Float64Array, with a per-element check. */
  numberList(v: Json | undefined, field: string, expectedLength?: number): Float64Array {
    const list = this.packed(v) ?? this.array(v, field);
    if (list.length > MAX_JSON_ELEMENTS) this.fail(field, `${field} has ${list.length} entries, more than ${MAX_JSON_ELEMENTS}`, "split the model");
    if (expectedLength !== undefined && list.length !== expectedLength) {
      this.fail(field, `${field} has ${list.length} entries, expected ${expectedLength}`, "make the synapse lists the same length");
    }
    if (list instanceof Float64Array) {
      for (let i = 0; i < list.length; i++) if (!Number.isFinite(list[i])) this.number(list[i], `${field}[${i}]`);
      return list;
    }
    const out = new Float64Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      if (typeof x !== "number" || !Number.isFinite(x)) this.number(x, `${field}[${i}]`);
      out[i] = x as number;
    }
    return out;
  }

  intList(v: Json | undefined, field: string, min: number, max: number, expectedLength?: number): Uint32Array {
    const list = this.packed(v) ?? this.array(v, field);
    if (expectedLength !== undefined && list.length !== expectedLength) {
      this.fail(field, `${field} has ${list.length} entries, expected ${expectedLength}`, "make the synapse lists the same length");
    }
    const out = new Uint32Array(list.length);
    if (list instanceof Float64Array) {
      for (let i = 0; i < list.length; i++) {
        const x = list[i];
        if (!Number.isInteger(x) || x < min || x > max) this.int(x, `${field}[${i}]`, min, max);
        out[i] = x;
      }
      return out;
    }
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      if (typeof x !== "number" || !Number.isInteger(x) || x < min || x > max) this.int(x, `${field}[${i}]`, min, max);
      out[i] = x as number;
    }
    return out;
  }
}

export function parseJsonText(text: string, file: string): Json {
  let tree: Json;
  try {
    tree = JSON.parse(text) as Json;
  } catch (e) {
    throw new AerchipError("E_MODEL_PARSE", `not valid JSON: ${(e as Error).message}`, { file, hint: "fix the JSON syntax (is the file truncated?)" });
  }
  refuseDuplicateKeys(text, file);
  return tree;
}

/**
 * E_MODEL_FIELD for a key repeated in one object (core/io/json-duplicate-keys.ts): JSON.parse would keep the
 * last value silently (a second vThreshold wins). `text` is valid JSON; `line` maps its offsets to the file's lines.
 */
export function refuseDuplicateKeys(text: string, file: string, line?: (offset: number) => number): void {
  refuseDuplicateJsonKey(text, { file, code: "E_MODEL_FIELD", ...(line === undefined ? {} : { line }) });
}
