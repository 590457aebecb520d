/**
 * The sweep file (`aerchip sweep sweep.yaml`): which model to run and the grid axes to vary. Parsed with
 * the `yaml` package under tight limits (a sweep file is a few lines: 1 MiB, 16 alias dereferences) and
 * checked field by field; anything outside the schema is an AerchipError E_SWEEP_* naming the field.
 *
 *   model: ../demo/ei-small.net.json   # relative to the sweep file
 *   input: spikes.npy                  # NIR graphs, and JSON models (it replaces an input population's spikes)
 *   inputPopulation: in                # JSON models with several input populations, NIR graphs with several Input nodes: the one `input` drives
 *   reset: snntorch-subtract           # NIR graphs only, as `run --reset` / `--nir-bias` / `--dt` (how the graph is read)
 *   nirBias: compartment
 *   dt: 1e-3
 *   steps: 100                         # optional; default the model's own
 *   seed: [0, 1]                       # a number or a list (an axis)
 *   arch: loihi                        # a preset / chip spec file, or a list (an axis)
 *   weightBits: {from: 2, to: 8}       # or a list; implies precision fixed
 *   learningWeightBits: [8, 6, 4]      # or {from, to}: every learning rule's weightBits (plastic models; float precision)
 *   coreNeurons / meshWidth / meshHeight / precision / placement: a value or a list
 *   timing: simple | detailed          # optional, one value
 *   tickUs: 1000                       # optional (event-data inputs)
 *   out: out/weight-bits               # optional; --out overrides; relative to the sweep file
 */
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parseDocument } from "yaml";
import { AerchipError, isAerchipError } from "../../core/diagnostics.ts";
import { MAX_RUN_TICKS } from "../../core/run-limits.ts";
import { NIR_BIASES, NIR_RESETS, PLACEMENTS, PRECISIONS, TIMINGS } from "../option-limits.ts";
import { InputErrorCode, readInputText } from "../../core/io/read-input.ts";
import type { PlacementStrategy } from "../../compiler/passes/place.ts";
import { loadArch } from "../load-arch.ts";

export const SweepErrorCode = {
  /** The file cannot be read or is not YAML (syntax error, too large, alias bomb). */
  parse: "E_SWEEP_PARSE",
  /** An unknown field, or a field of the wrong type or out of range. */
  field: "E_SWEEP_FIELD",
  /** A required field is missing. */
  missing: "E_SWEEP_MISSING",
  /** A file the sweep names does not exist. */
  notFound: "E_SWEEP_NOT_FOUND",
  /** The grid has more points than MAX_POINTS. */
  tooLarge: "E_SWEEP_TOO_LARGE",
} as const;

export const MAX_SWEEP_FILE_BYTES = 1 << 20;
export const MAX_ALIAS_COUNT = 16;
export const MAX_POINTS = 10_000;
/** Values one axis may list ({from, to} ranges included). */
export const MAX_AXIS_VALUES = 1_000;

/** The grid axes, in the order they nest (the last varies fastest). */
export const AXES = ["arch", "seed", "precision", "placement", "coreNeurons", "meshWidth", "meshHeight", "weightBits", "learningWeightBits"] as const;
export type AxisName = (typeof AXES)[number];

/** The NIR reader's options a sweep file can set (`run --reset`, `--nir-bias`, `--dt`): one value for every point. */
export const NIR_SWEEP_FIELDS = ["reset", "nirBias", "dt"] as const;
const SCALAR_FIELDS = ["model", "input", "inputPopulation", "steps", "timing", "tickUs", "out", ...NIR_SWEEP_FIELDS] as const;
const KNOWN_FIELDS: readonly string[] = [...SCALAR_FIELDS, ...AXES];


export interface SweepAxes {
  readonly arch: readonly string[];
  readonly seed: readonly number[];
  readonly precision: ReadonlyArray<"float" | "fixed">;
  readonly placement: readonly PlacementStrategy[];
  /** null: the chip's own value (the axis is not swept). */
  readonly coreNeurons: ReadonlyArray<number | null>;
  readonly meshWidth: ReadonlyArray<number | null>;
  readonly meshHeight: ReadonlyArray<number | null>;
  readonly weightBits: ReadonlyArray<number | null>;
  /** Every learning rule's weightBits (the model's `learning.weightBits` replaced); null: the model's own. */
  readonly learningWeightBits: ReadonlyArray<number | null>;
}

export interface SweepConfig {
  /** The sweep file, absolute. */
  readonly file: string;
  /** As written in the file (the model path relative to the sweep file): shown in tables. */
  readonly modelAsGiven: string;
  /** Absolute paths. */
  readonly model: string;
  readonly input: string | null;
  /** JSON models: the input population `input` drives (null: the model's only one). */
  readonly inputPopulation: string | null;
  readonly steps: number | null;
  readonly timing: "simple" | "detailed";
  readonly tickUs: number | null;
  /** Absolute, when the file names one. */
  readonly out: string | null;
  readonly axes: SweepAxes;
  /** Axes given in the file with more than one value, in AXES order (the figure's x is the first of weightBits, then these). */
  readonly swept: readonly AxisName[];
  /** NIR graphs: how the graph is read, as `run --reset`, `--nir-bias`, `--dt` (fields absent: the reader's defaults). */
  readonly nir: SweepNirOptions;
}

/** A sweep file's `reset`, `nirBias`, `dt` (only those given). */
export interface SweepNirOptions {
  readonly reset?: (typeof NIR_RESETS)[number];
  readonly nirBias?: (typeof NIR_BIASES)[number];
  /** Seconds. */
  readonly dt?: number;
}

/**
 * The chip an `arch` value names: a preset as is; anything that looks like a file (a path separator or a
 * .json/.yaml ending) relative to the sweep file's directory.
 */
export function resolveArch(arch: string, sweepFile: string): string {
  return /[\\/]|\.(json|ya?ml)$/i.test(arch) && !isAbsolute(arch) ? resolve(dirname(sweepFile), arch) : arch;
}

/**
 * A name that resolves to no chip, or a spec file invalid on its own, is an error of the sweep file (as
 * `compare --arch` / `evaluate --arch` refuse it before anything runs), not a failed point: fails with the
 * chip loader's code (E_SPEC_NOT_FOUND, E_SPEC_*, E_SANAFE_*) naming `arch[i]`. What depends on the point
 * (its core / mesh / weight-bit overrides, whether the model fits) stays a point's row.
 */
function checkArch(file: string, field: string, arch: string): void {
  try {
    loadArch(resolveArch(arch, file));
  } catch (e) {
    if (!isAerchipError(e)) throw e;
    const hint = e.code === "E_SPEC_NOT_FOUND" ? `${e.hint ?? "use a preset or a chip spec file"} (paths in a sweep file are relative to the sweep file)` : e.hint;
    throw new AerchipError(e.code, `${field} ${JSON.stringify(arch)}: ${e.message}`, { file, field, ...(hint === undefined ? {} : { hint }), cause: e });
  }
}

function fieldError(file: string, field: string, message: string, hint: string): AerchipError {
  return new AerchipError(SweepErrorCode.field, `${field}: ${message}`, { file, field, hint });
}

/** E_INPUT_NOT_A_FILE when the sweep's `field` names a directory or device (checked before any point runs). */
function assertRegularFile(file: string, field: string, path: string): void {
  if (statSync(path).isFile()) return;
  const what = statSync(path).isDirectory() ? "a directory" : "not a regular file";
  throw new AerchipError(InputErrorCode.notAFile, `${field} ${path} is ${what}`, { file, field, hint: "give the path of a file (relative to the sweep file)" });
}

/** Reads and validates a sweep file. */
export function loadSweepConfig(path: string): SweepConfig {
  const file = resolve(path);
  // E_SWEEP_NOT_FOUND, E_INPUT_NOT_A_FILE (a directory, a device), E_SWEEP_PARSE when too large.
  const text = readInputText(path, {
    what: "sweep file", maxBytes: MAX_SWEEP_FILE_BYTES, hint: "give the path of a sweep YAML file (see examples/sweep/weight-bits.yaml)",
    codes: { notFound: SweepErrorCode.notFound, tooLarge: SweepErrorCode.parse },
  });
  return parseSweepConfig(text, file);
}

/** Parses sweep YAML text; relative paths are resolved against the directory of `file`. */
export function parseSweepConfig(text: string, file: string): SweepConfig {
  const raw = parseYaml(text, file);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new AerchipError(SweepErrorCode.parse, "the sweep file is not a YAML mapping of fields", { file, hint: "start with `model: path/to/model.json` and add axes such as `weightBits: {from: 2, to: 8}`" });
  }
  const doc = raw as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!KNOWN_FIELDS.includes(key)) {
      throw fieldError(file, key, "unknown field", `the fields are ${KNOWN_FIELDS.join(", ")}; the grid axes are ${AXES.join(", ")}`);
    }
  }
  const base = dirname(file);
  const pathField = (key: string): string | null => {
    const v = doc[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== "string" || v === "") throw fieldError(file, key, "must be a file path", `give a path relative to the sweep file (${base})`);
    return isAbsolute(v) ? v : resolve(base, v);
  };
  const model = pathField("model");
  if (model === null) throw new AerchipError(SweepErrorCode.missing, "the sweep file names no model", { file, field: "model", hint: "add `model: path/to/model.json` (relative to the sweep file)" });
  if (!existsSync(model)) throw new AerchipError(SweepErrorCode.notFound, `model ${model} does not exist`, { file, field: "model", hint: "paths in a sweep file are relative to the sweep file" });
  assertRegularFile(file, "model", model);
  const input = pathField("input");
  // NIR graphs take it as their Input node's spikes, JSON models in place of an input population's (as `run --input`);
  // a SANA-FE network's spikes come from its own input neurons.
  if (input !== null && /\.ya?ml$/i.test(model)) throw fieldError(file, "input", "does not apply to SANA-FE networks: their input spikes come from their own input neurons", "drop `input:`");
  const ip = doc.inputPopulation;
  if (ip !== undefined && ip !== null && (typeof ip !== "string" || ip === "")) throw fieldError(file, "inputPopulation", "must be a population name", "give the name of a JSON model's input population or of a NIR graph's Input node");
  const inputPopulation = typeof ip === "string" ? ip : null;
  if (inputPopulation !== null && input === null) throw fieldError(file, "inputPopulation", "names the population `input` drives, and there is no `input`", "add `input: FILE`, or drop `inputPopulation`");
  if (input !== null && !existsSync(input)) throw new AerchipError(SweepErrorCode.notFound, `input ${input} does not exist`, { file, field: "input", hint: "paths in a sweep file are relative to the sweep file" });
  if (input !== null) assertRegularFile(file, "input", input);
  const steps = doc.steps === undefined || doc.steps === null ? null : intValue(file, "steps", doc.steps, 0, MAX_RUN_TICKS);
  const tickUs = doc.tickUs === undefined || doc.tickUs === null ? null : positiveNumber(file, "tickUs", doc.tickUs);
  // As `run --tick-us` (cli/option-applicability.ts): it bins the events of an `input` file onto ticks; a JSON
  // model's (or SANA-FE network's) own spikes are on ticks already, so without `input` it would change nothing.
  // (A NIR graph without `input` is refused for the missing input itself.)
  if (tickUs !== null && input === null && !/\.nir$/i.test(model)) {
    throw fieldError(file, "tickUs", "bins the events of an `input` file onto ticks, and there is no `input`: the model's own input spikes are on ticks already", "drop `tickUs`, or add `input: FILE` (event data whose spikes replace an input population's)");
  }
  const timing = doc.timing === undefined || doc.timing === null ? "simple" : choice(file, "timing", doc.timing, TIMINGS);
  const nir = nirFields(file, doc, model);
  const out = pathField("out");

  const archList = axisValues(file, "arch", doc.arch, (v, f) => {
    if (typeof v !== "string" || v.trim() === "") throw fieldError(file, f, "must be a preset name or a chip spec file", "e.g. `arch: loihi` or `arch: [loihi, truenorth]`");
    checkArch(file, f, v.trim());
    return v.trim();
  });
  if (archList === null) throw new AerchipError(SweepErrorCode.missing, "the sweep file names no chip", { file, field: "arch", hint: "add `arch: loihi` (a preset, a chip spec file, or a list of them)" });
  const ints = (key: AxisName, min: number, max: number) => axisValues(file, key, doc[key], (v, f) => intValue(file, f, v, min, max), { min, max });
  const seed = ints("seed", 0, 2 ** 32 - 1);
  const coreNeurons = ints("coreNeurons", 1, 1 << 30);
  const meshWidth = ints("meshWidth", 1, 1 << 16);
  const meshHeight = ints("meshHeight", 1, 1 << 16);
  const weightBits = ints("weightBits", 1, 32);
  // A rule's weightBits (chip/program/learning-program.ts accepts 1..24); the chip's precision.weightBits bounds it per point (E_LEARNING_WEIGHT_BITS).
  const learningWeightBits = ints("learningWeightBits", 1, 24);
  const precisionGiven = axisValues(file, "precision", doc.precision, (v, f) => choice(file, f, v, PRECISIONS));
  const placement = axisValues(file, "placement", doc.placement, (v, f) => choice(file, f, v, PLACEMENTS));
  // Weight bits only matter to fixed-point arithmetic: sweeping them implies `precision: fixed`.
  const precision = precisionGiven ?? [weightBits === null ? "float" : "fixed"];
  if (weightBits !== null && !precision.includes("fixed")) {
    throw fieldError(file, "precision", "weightBits is swept but precision has no `fixed`", "float runs ignore the chip's weight bits: use `precision: fixed` (or [fixed, float] for a float baseline)");
  }
  const axes: SweepAxes = {
    arch: archList, seed: seed ?? [0], precision, placement: placement ?? ["greedy"],
    coreNeurons: coreNeurons ?? [null], meshWidth: meshWidth ?? [null], meshHeight: meshHeight ?? [null], weightBits: weightBits ?? [null],
    learningWeightBits: learningWeightBits ?? [null],
  };
  let points = 1;
  for (const a of AXES) points *= axes[a].length;
  if (points > MAX_POINTS) {
    throw new AerchipError(SweepErrorCode.tooLarge, `the grid has ${points} points, more than ${MAX_POINTS}`, { file, hint: "split the sweep into several files or sweep fewer axes at once" });
  }
  const swept = AXES.filter((a) => axes[a].length > 1);
  return { file, modelAsGiven: doc.model as string, model, input, inputPopulation, steps, timing, tickUs, out, axes, swept, nir };
}

/**
 * `reset`, `nirBias`, `dt`: the values `run` takes for --reset, --nir-bias, --dt, checked as the run's
 * options are; like them (cli/option-applicability.ts) refused on a model that is not a NIR graph, where they
 * would change nothing.
 */
function nirFields(file: string, doc: Record<string, unknown>, model: string): SweepNirOptions {
  const given = (k: string): boolean => doc[k] !== undefined && doc[k] !== null;
  for (const k of NIR_SWEEP_FIELDS) {
    if (given(k) && !/\.nir$/i.test(model)) throw fieldError(file, k, "sets how a NIR graph is read, and the model is not a NIR graph (.nir)", `drop \`${k}\``);
  }
  return {
    ...(given("reset") ? { reset: choice(file, "reset", doc.reset, NIR_RESETS) } : {}),
    ...(given("nirBias") ? { nirBias: choice(file, "nirBias", doc.nirBias, NIR_BIASES) } : {}),
    ...(given("dt") ? { dt: positiveNumber(file, "dt", doc.dt, "give the integration time step in seconds, e.g. `dt: 1e-4`") } : {}),
  };
}

function parseYaml(text: string, file: string): unknown {
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    throw new AerchipError(SweepErrorCode.parse, `cannot parse the sweep file: ${(e as Error).message}`, { file, hint: "check the YAML syntax", cause: e });
  }
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    throw new AerchipError(SweepErrorCode.parse, `not valid YAML: ${err.message.split("\n")[0]}`, { file, byteOffset: err.pos[0], hint: "check the YAML syntax (indentation, colons, quotes)" });
  }
  try {
    // toJS counts alias dereferences against maxAliasCount (billion-laughs documents throw here).
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (isAerchipError(e)) throw e;
    throw new AerchipError(SweepErrorCode.parse, `cannot read the sweep file: ${(e as Error).message}`, {
      file, hint: `YAML aliases are limited to ${MAX_ALIAS_COUNT} dereferences; write the values out instead`, cause: e,
    });
  }
}

function intValue(file: string, field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw fieldError(file, field, `must be a whole number in ${min}..${max}, got ${JSON.stringify(v)}`, `give a whole number between ${min} and ${max}`);
  }
  return v;
}

function positiveNumber(file: string, field: string, v: unknown, hint = "give a positive number"): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw fieldError(file, field, `must be a number > 0, got ${JSON.stringify(v)}`, hint);
  return v;
}

function choice<T extends string>(file: string, field: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    throw fieldError(file, field, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`, `use one of ${allowed.join(", ")}`);
  }
  return v as T;
}

/**
 * One axis: a single value, a non-empty list of distinct values, or (numeric axes) `{from, to, step?}`
 * with from ≤ to and step ≥ 1 (default 1). undefined/null: the axis is not given.
 */
function axisValues<T>(file: string, key: string, v: unknown, item: (v: unknown, field: string) => T, range?: { min: number; max: number }): T[] | null {
  if (v === undefined || v === null) return null;
  let values: T[];
  if (Array.isArray(v)) {
    if (v.length === 0) throw fieldError(file, key, "is an empty list", "list at least one value or remove the field");
    if (v.length > MAX_AXIS_VALUES) throw fieldError(file, key, `lists ${v.length} values, more than ${MAX_AXIS_VALUES}`, "sweep fewer values");
    values = v.map((x, i) => item(x, `${key}[${i}]`));
  } else if (typeof v === "object") {
    if (range === undefined) throw fieldError(file, key, "must be a value or a list of values", `e.g. \`${key}: [a, b]\``);
    const r = v as Record<string, unknown>;
    for (const k of Object.keys(r)) if (!["from", "to", "step"].includes(k)) throw fieldError(file, `${key}.${k}`, "unknown field of a range", "a range is {from, to, step}");
    if (r.from === undefined || r.to === undefined) throw fieldError(file, key, "a range needs both `from` and `to`", `e.g. \`${key}: {from: 2, to: 8}\``);
    const from = intValue(file, `${key}.from`, r.from, range.min, range.max);
    const to = intValue(file, `${key}.to`, r.to, range.min, range.max);
    const step = r.step === undefined ? 1 : intValue(file, `${key}.step`, r.step, 1, range.max);
    if (to < from) throw fieldError(file, key, `from (${from}) is greater than to (${to})`, "give from ≤ to");
    if (Math.floor((to - from) / step) + 1 > MAX_AXIS_VALUES) throw fieldError(file, key, `the range has more than ${MAX_AXIS_VALUES} values`, "use a larger step");
    values = [];
    for (let x = from; x <= to; x += step) values.push(item(x, key));
  } else {
    values = [item(v, key)];
  }
  const seen = new Set<string>();
  values.forEach((x, i) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) throw fieldError(file, `${key}[${i}]`, `lists ${k} twice`, "list each value once");
    seen.add(k);
  });
  return values;
}
