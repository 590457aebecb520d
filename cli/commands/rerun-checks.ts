/**
 * What `aerchip rerun` checks before it runs anything, for a report.json (`aerchip run`) and a
 * dataset.json (`aerchip evaluate`) alike: the recorded options, with the rules the command line applies
 * to them (cli/main.ts, cli/option-limits.ts), so that a re-run never runs, or writes, what the command
 * would refuse; and the recorded inputs, which must still be there and hash as recorded.
 */
import { refuseDuplicateJsonKey } from "../../core/io/json-duplicate-keys.ts";
import { existsSync } from "node:fs";
import { AerchipError, isAerchipError } from "../../core/diagnostics.ts";
import { MAX_TEXT_FILE_BYTES, readInputText } from "../../core/io/read-input.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import type { PlacementStrategy } from "../../compiler/passes/place.ts";
import { eventTransformsFromProvenance } from "../event-transforms.ts";
import type { NirCliOptions } from "./run-nir.ts";
import type { CostMode } from "../../chip/report/counts-only.ts";
import { BILL_LEARNING, COST_MODES, MAX_CORE_NEURONS, MAX_INPUT_SAMPLE, MAX_TICK_PERIOD_US, MAX_RUN_TICKS, MAX_SEED, NIR_BIASES, NIR_RECURRENT_BIASES, NIR_RESETS, PLACEMENTS, PRECISIONS, TIMINGS, wholeNumberProblem } from "../option-limits.ts";

export type RecordedOptions = RunReport["provenance"]["options"];

/** The command that made the file: `run` for report.json, `evaluate` for dataset.json, `train` for train.json. */
export type RecordingCommand = "run" | "evaluate" | "train";

export function provenanceHint(command: RecordingCommand): string {
  return `the ${command === "run" ? "report" : command === "evaluate" ? "dataset.json" : "train.json"} was edited or comes from another tool; run the model again with \`aerchip ${command}\``;
}

/**
 * A result file `rerun` re-makes from its provenance (dataset.json, train.json): its parsed JSON when its
 * `format` is `format` (undefined for another kind of file, or not JSON: the caller tries the next kind),
 * checked to be `version` and to carry provenance.inputs ({ role, path, sha256 }) and provenance.options.
 */
export function readRecordedDocument(path: string, format: string, version: number, command: RecordingCommand): unknown {
  if (!existsSync(path)) return undefined;
  const noun = command === "evaluate" ? "dataset.json" : "train.json";
  const hint = provenanceHint(command);
  let raw: unknown;
  let text: string;
  try {
    text = readInputText(path, { what: "report", maxBytes: MAX_TEXT_FILE_BYTES, hint: "give the report.json written by `aerchip run`, the dataset.json written by `aerchip evaluate` or the train.json written by `aerchip train`", codes: { notFound: "E_REPORT_NOT_FOUND", tooLarge: "E_REPORT_TOO_LARGE" } });
    raw = JSON.parse(text);
  } catch (e) {
    if (isAerchipError(e)) throw e;
    return undefined;
  }
  const head = raw as { format?: unknown; version?: unknown; provenance?: unknown } | null;
  if (head === null || typeof head !== "object" || head.format !== format) return undefined;
  // A hand-edited record with a repeated key (two "seed"s) would re-run with the last value: refused.
  refuseDuplicateJsonKey(text, { file: path, code: "E_REPORT_INVALID", what: noun, hint: `${command} the model again to write a new ${noun}` });
  if (head.version !== version) {
    throw new AerchipError("E_REPORT_VERSION", `${noun} version ${JSON.stringify(head.version)} is not supported; this aerchip reads version ${version}`, { file: path, field: "version", hint: `${command} the model again with this aerchip (\`aerchip ${command}\`)` });
  }
  const p = head.provenance as { inputs?: unknown; options?: unknown } | null | undefined;
  if (p === null || typeof p !== "object") throw new AerchipError("E_RERUN_PROVENANCE", `the ${noun} has no provenance`, { file: path, field: "provenance", hint });
  const inputsOk = Array.isArray(p.inputs) && p.inputs.every((i: unknown) => {
    const x = i as { role?: unknown; path?: unknown; sha256?: unknown } | null;
    return x !== null && typeof x === "object" && typeof x.role === "string" && typeof x.path === "string" && typeof x.sha256 === "string";
  });
  if (!inputsOk) throw new AerchipError("E_RERUN_PROVENANCE", "provenance.inputs must be a list of { role, path, sha256 }", { file: path, field: "provenance.inputs", hint });
  if (p.options === null || typeof p.options !== "object" || Array.isArray(p.options)) throw new AerchipError("E_RERUN_PROVENANCE", "provenance.options must be an object", { file: path, field: "provenance.options", hint });
  return raw;
}

/** Recorded option `key` as a `type`, undefined when absent or null; another type is E_RERUN_PROVENANCE. */
export function opt<T extends string | number | boolean>(o: RecordedOptions, key: string, type: "string" | "number" | "boolean", file: string, command: RecordingCommand = "run"): T | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== type) throw new AerchipError("E_RERUN_PROVENANCE", `provenance.options.${key} is ${JSON.stringify(v)}, expected a ${type}`, { file, field: `provenance.options.${key}`, hint: provenanceHint(command) });
  return v as T;
}

export function badOption(file: string, key: string, value: unknown, rule: string, command: RecordingCommand = "run"): AerchipError {
  return new AerchipError("E_RERUN_PROVENANCE", `provenance.options.${key} is ${JSON.stringify(value)}; ${rule}`, { file, field: `provenance.options.${key}`, hint: provenanceHint(command) });
}

/**
 * Every option name `aerchip run` records in a report's provenance.options (cli/commands/run.ts, run-nir.ts,
 * run-program.ts, with the recorders they spread: cli/tick-period.ts, layer-ticks-out.ts, third-factor.ts,
 * costs-mode.ts, input-selection.ts, event-transforms.ts eventTransformProvenance). A name outside it was
 * not written by this aerchip's run: the re-run could not repeat it, and a difference found after running
 * would wrongly blame aerchip's code (audit s22b #9).
 */
export const RUN_RECORDED_OPTIONS: readonly string[] = [
  "arch", "steps", "seed", "placement", "timing", "coreNeurons", "remap", "precision",
  "tickUs", "tickPeriodUs", "realtime", "perLayerTicks", "thirdFactor", "psi", "billLearning", "costs", "inputPopulation",
  "sample", "gesture",
  "sensorSize", "crop", "downsample", "spatialFactor", "polarity", "timeBins", "timeBinsRule", "eventCount", "eventBins", "eventOverlap", "tickOrigin", "inputCounts",
  "dtSeconds", "reset", "recurrentBias", "nirBias", "ifMultiSpike", "lenient",
  "handMapping",
];

/** The names event-transforms.ts eventTransformProvenance writes for addEventTransformOptions' options (not --input-counts). */
const EVENT_TRANSFORM_RECORDED_OPTIONS = ["sensorSize", "crop", "downsample", "spatialFactor", "polarity", "timeBins", "timeBinsRule", "eventCount", "eventBins", "eventOverlap", "tickOrigin"] as const;

/**
 * Every option name `aerchip evaluate` records in a dataset.json's provenance.options
 * (cli/commands/evaluate.ts evaluateDataset, with tickPeriodProvenance, costsProvenance and
 * eventTransformProvenance; --input-counts too). A JSON model records inputPopulation and frozen, a NIR
 * graph its reader's options instead. --threads and --jobs are not recorded: the outputs are identical
 * for every count.
 */
export const EVALUATE_RECORDED_OPTIONS: readonly string[] = [
  "arch", "steps", "seed", "placement", "timing", "coreNeurons",
  "inputPopulation", "frozen", "dtSeconds", "reset", "recurrentBias", "nirBias", "ifMultiSpike", "lenient",
  "tickUs", "tickPeriodUs", "realtime", "samples", "shuffle", "labelFrom", "labels", "sliceUs", "gestureLabels", "output", "decode", "targetFrom", "restSteps", "perLayerTicks", "costs",
  ...EVENT_TRANSFORM_RECORDED_OPTIONS, "inputCounts",
];

/**
 * Every option name `aerchip train` records in a train.json's provenance.options (cli/commands/train.ts,
 * with thirdFactorDirProvenance, tickPeriodProvenance, costsProvenance and eventTransformProvenance; train
 * has no --input-counts). --checkpoint, --checkpoint-every and --resume are not recorded: a resumed
 * training's outputs are an uninterrupted one's.
 */
export const TRAIN_RECORDED_OPTIONS: readonly string[] = [
  "arch", "seed", "placement", "precision", "passes", "steps", "tickUs", "samples", "shuffle", "inputPopulation",
  "thirdFactorDir", "psi", "evalEvery", "output", "billLearning", "timing", "tickPeriodUs", "realtime", "costs",
  ...EVENT_TRANSFORM_RECORDED_OPTIONS,
];

const RECORDING_FILE: Record<RecordingCommand, string> = { run: "report.json", evaluate: "dataset.json", train: "train.json" };

/**
 * Refuses (E_RERUN_PROVENANCE) a recorded option whose name is not in `known` (the command's list above),
 * before anything runs: the re-run could not repeat an option it does not know, and running without it
 * would silently make something else than the original (audit s22b #9; dataset.json and train.json s23).
 */
export function checkOptionNamesKnown(o: RecordedOptions, known: readonly string[], file: string, command: RecordingCommand = "run"): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    throw new AerchipError("E_RERUN_PROVENANCE", `provenance.options.${key} is not an option aerchip ${command} records in a ${RECORDING_FILE[command]} (it records ${known.join(", ")}), so this aerchip cannot repeat it`, {
      file, field: `provenance.options.${key}`,
      hint: `re-run it with the aerchip that wrote it (provenance.aerchipVersion: a newer one may record options this one does not know), or, if the ${RECORDING_FILE[command]} was edited, run the model again with \`aerchip ${command}\``,
    });
  }
}

/** The options `run` and `evaluate` share, checked with the command line's rules. */
export function checkRecordedOptions(o: RecordedOptions, file: string, command: RecordingCommand = "run"): void {
  const whole = (key: string, min: number, max: number, why: string): void => {
    const v = o[key];
    if (v === undefined || v === null) return;
    const problem = wholeNumberProblem(v, min, max);
    if (problem !== undefined) throw badOption(file, key, v, `${problem} (${why})`, command);
  };
  whole("seed", 0, MAX_SEED, "seeds are 32-bit");
  whole("steps", 0, MAX_RUN_TICKS, "the most ticks one run simulates");
  whole("coreNeurons", 1, MAX_CORE_NEURONS, "as --core-neurons");
  whole("sample", 0, MAX_INPUT_SAMPLE, "as --sample");
  whole("gesture", 0, MAX_INPUT_SAMPLE, "as --gesture");
  const oneOf = (key: string, choices: readonly string[]): void => {
    const v = o[key];
    if (v === undefined || v === null) return;
    if (typeof v !== "string" || !choices.includes(v)) throw badOption(file, key, v, `it must be one of ${choices.join(", ")}`, command);
  };
  oneOf("placement", PLACEMENTS);
  oneOf("precision", PRECISIONS);
  oneOf("timing", TIMINGS);
  oneOf("reset", NIR_RESETS);
  oneOf("recurrentBias", NIR_RECURRENT_BIASES);
  oneOf("nirBias", NIR_BIASES);
  oneOf("billLearning", BILL_LEARNING);
  oneOf("costs", COST_MODES);
  for (const key of ["tickUs", "dtSeconds"]) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || !(v > 0)) throw badOption(file, key, v, "it must be a finite number > 0", command);
  }
  const period = o.tickPeriodUs;
  if (period !== undefined && period !== null && (typeof period !== "number" || !Number.isFinite(period) || period < 0 || period > MAX_TICK_PERIOD_US)) {
    throw badOption(file, "tickPeriodUs", period, `it must be a number from 0 to ${MAX_TICK_PERIOD_US} (as --tick-period-us)`, command);
  }
  if (o.realtime === true && period !== undefined && period !== null) throw badOption(file, "realtime", o.realtime, "it cannot be recorded with tickPeriodUs (as --realtime with --tick-period-us)", command);
}

/**
 * The recorded options `run` and `evaluate` take alike, as the command's options (absent ones left out,
 * defaults filled in as the command line fills them): seed, placement, timing, steps, core size, precision,
 * the tick (--tick-us, --tick-period-us, --realtime), the NIR reader's options and the event transforms.
 */
export function sharedRecordedOptions(o: RecordedOptions, file: string, command: RecordingCommand) {
  const steps = opt<number>(o, "steps", "number", file, command);
  const coreNeurons = opt<number>(o, "coreNeurons", "number", file, command);
  const precision = opt<string>(o, "precision", "string", file, command);
  const tickUs = opt<number>(o, "tickUs", "number", file, command);
  const tickPeriodUs = opt<number>(o, "tickPeriodUs", "number", file, command);
  const realtime = opt<boolean>(o, "realtime", "boolean", file, command);
  const dt = opt<number>(o, "dtSeconds", "number", file, command);
  const reset = opt<string>(o, "reset", "string", file, command);
  const recurrentBias = opt<string>(o, "recurrentBias", "string", file, command);
  const nirBias = opt<string>(o, "nirBias", "string", file, command);
  const ifMultiSpike = opt<boolean>(o, "ifMultiSpike", "boolean", file, command);
  const lenient = opt<boolean>(o, "lenient", "boolean", file, command);
  // --costs counts (chip/report/counts-only.ts); checkRecordedOptions checked it is one of COST_MODES.
  const costs = opt<string>(o, "costs", "string", file, command) as CostMode | undefined;
  const transforms = eventTransformsFromProvenance(o, (key) => {
    throw badOption(file, key, o[key], `it is not a value aerchip ${command} records for --sensor-size, --crop, --downsample, --spatial-factor, --polarity, --time-bins or --time-bins-rule`, command);
  });
  return {
    seed: opt<number>(o, "seed", "number", file, command) ?? 0,
    placement: (opt<string>(o, "placement", "string", file, command) ?? "greedy") as PlacementStrategy,
    timing: (opt<string>(o, "timing", "string", file, command) ?? "simple") as "simple" | "detailed",
    ...(steps === undefined ? {} : { steps }),
    ...(coreNeurons === undefined ? {} : { coreNeurons }),
    ...(precision === undefined ? {} : { precision: precision as "float" | "fixed" }),
    ...(tickUs === undefined ? {} : { tickUs }),
    ...(tickPeriodUs === undefined ? {} : { tickPeriodUs }),
    ...(realtime === true ? { realtime } : {}),
    ...(dt === undefined ? {} : { dt }),
    ...(reset === undefined ? {} : { reset: reset as NirCliOptions["reset"] & string }),
    ...(recurrentBias === undefined ? {} : { recurrentBias: recurrentBias as NirCliOptions["recurrentBias"] & string }),
    ...(nirBias === undefined ? {} : { nirBias: nirBias as NirCliOptions["nirBias"] & string }),
    ...(ifMultiSpike === undefined ? {} : { ifMultiSpike }),
    ...(lenient === undefined ? {} : { lenient }),
    ...(costs === undefined ? {} : { costs }),
    ...transforms,
  };
}

/** A recorded input that is not where it was recorded (paths are recorded as given). */
export function inputMissing(role: string, path: string, file: string): AerchipError {
  return new AerchipError("E_RERUN_INPUT_MISSING", `input ${role} "${path}" recorded in the report does not exist from ${process.cwd()}`, { file, field: "provenance.inputs", hint: "run `aerchip rerun` from the directory the original run was started in (paths are recorded as given)" });
}

/** A recorded input whose SHA-256 (`sha`, recomputed) is no longer the recorded one. */
export function inputChanged(role: string, path: string, sha: string, recorded: string, file: string): AerchipError {
  return new AerchipError("E_RERUN_INPUT_CHANGED", `input ${role} "${path}" has changed since the report was made (SHA-256 ${sha.slice(0, 12)}…, recorded ${recorded.slice(0, 12)}…)`, { file, field: "provenance.inputs", hint: "restore the original input file (e.g. from version control) to reproduce the report" });
}
