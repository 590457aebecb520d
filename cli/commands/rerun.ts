/**
 * `aerchip rerun REPORT.json --out DIR`: regenerates a run from its report's provenance (input files,
 * every option, the seed; model files, NIR graphs with their input, SANA-FE networks with their
 * architecture, and compiled programs) and checks that the new report.json holds the same results as
 * the original. The inputs must still hash to the recorded SHA-256 and be reachable by the recorded
 * paths (run it from the directory the original ran in).
 *
 * What must match: every field of report.json except the two provenance fields that name the code
 * version (provenance.aerchipVersion, provenance.gitCommit). Those change with every commit even when
 * the numbers do not, so they are compared separately and reported ("same results; the report was made
 * by commit X, this is Y"), not a failure by themselves. Everything else (counters, energies, the chip
 * spec's SHA-256, options, input hashes) must be identical: the parsed JSON with the two fields removed
 * is serialised again and compared as text, so every number must be the same float64.
 *
 * A run made with --per-layer-ticks (provenance.options.perLayerTicks) writes layer-ticks.csv again, and
 * it must be byte-identical to the original's beside REPORT.json (when that file is there; its absence is
 * reported, not a failure: report.json holds the run's results).
 *
 * A difference is E_RERUN_DIFFERS, naming the fields (or layer-ticks.csv). The re-run's outputs are complete (every file was
 * written), so they are kept in --out for diffing; the message names the new report.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { AerchipError } from "../../core/diagnostics.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import type { PlacementStrategy } from "../../compiler/passes/place.ts";
import { sha256File } from "../provenance.ts";
import { readReportFile } from "./report.ts";
import { runCommand, type RunCommandOptions } from "./run.ts";
import { runNirCommand, type NirCliOptions } from "./run-nir.ts";
import { runProgramCommand } from "./run-program.ts";
import { LAYER_TICKS_FILE } from "../layer-ticks-out.ts";
import { MAX_CORE_NEURONS, MAX_INPUT_SAMPLE, MAX_TICK_PERIOD_US, MAX_RUN_TICKS, MAX_SEED, NIR_RECURRENT_BIASES, NIR_RESETS, PLACEMENTS, PRECISIONS, TIMINGS, wholeNumberProblem } from "../option-limits.ts";

export interface RerunCommandOptions {
  readonly out: string;
  readonly json: boolean;
  readonly quiet: boolean;
}

type Options = RunReport["provenance"]["options"];

function opt<T extends string | number | boolean>(o: Options, key: string, type: "string" | "number" | "boolean", file: string): T | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== type) throw new AerchipError("E_RERUN_PROVENANCE", `provenance.options.${key} is ${JSON.stringify(v)}, expected a ${type}`, { file, field: `provenance.options.${key}`, hint: "the report was edited or comes from another tool; run the model again with `aerchip run`" });
  return v as T;
}

const PROVENANCE_HINT = "the report was edited or comes from another tool; run the model again with `aerchip run`";

function badOption(file: string, key: string, value: unknown, rule: string): AerchipError {
  return new AerchipError("E_RERUN_PROVENANCE", `provenance.options.${key} is ${JSON.stringify(value)}; ${rule}`, { file, field: `provenance.options.${key}`, hint: PROVENANCE_HINT });
}

/**
 * The recorded options checked with the rules the command line applies to them (cli/main.ts,
 * cli/option-limits.ts), so that a re-run never runs, or writes, what `aerchip run` would refuse.
 */
function checkRecordedOptions(o: Options, file: string): void {
  const whole = (key: string, min: number, max: number, why: string): void => {
    const v = o[key];
    if (v === undefined || v === null) return;
    const problem = wholeNumberProblem(v, min, max);
    if (problem !== undefined) throw badOption(file, key, v, `${problem} (${why})`);
  };
  whole("seed", 0, MAX_SEED, "seeds are 32-bit");
  whole("steps", 0, MAX_RUN_TICKS, "the most ticks one run simulates");
  whole("coreNeurons", 1, MAX_CORE_NEURONS, "as --core-neurons");
  whole("sample", 0, MAX_INPUT_SAMPLE, "as --sample");
  whole("gesture", 0, MAX_INPUT_SAMPLE, "as --gesture");
  const oneOf = (key: string, choices: readonly string[]): void => {
    const v = o[key];
    if (v === undefined || v === null) return;
    if (typeof v !== "string" || !choices.includes(v)) throw badOption(file, key, v, `it must be one of ${choices.join(", ")}`);
  };
  oneOf("placement", PLACEMENTS);
  oneOf("precision", PRECISIONS);
  oneOf("timing", TIMINGS);
  oneOf("reset", NIR_RESETS);
  oneOf("recurrentBias", NIR_RECURRENT_BIASES);
  for (const key of ["tickUs", "dtSeconds"]) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || !(v > 0)) throw badOption(file, key, v, "it must be a finite number > 0");
  }
  const period = o.tickPeriodUs;
  if (period !== undefined && period !== null && (typeof period !== "number" || !Number.isFinite(period) || period < 0 || period > MAX_TICK_PERIOD_US)) {
    throw badOption(file, "tickPeriodUs", period, `it must be a number from 0 to ${MAX_TICK_PERIOD_US} (as --tick-period-us)`);
  }
  if (o.realtime === true && period !== undefined && period !== null) throw badOption(file, "realtime", o.realtime, "it cannot be recorded with tickPeriodUs (as --realtime with --tick-period-us)");
}

/** What re-runs a report: the command (`aerchip run` on a model file, a NIR graph, or a compiled program) and its options. */
export interface RerunPlan {
  readonly kind: "model" | "nir" | "program";
  readonly path: string;
  readonly options: RunCommandOptions & NirCliOptions & { readonly input?: string };
}

/** The `aerchip run` options a report's provenance records (the inverse of cli/commands/run*.ts). */
export function runOptionsFromProvenance(report: RunReport, out: string, file: string): RerunPlan {
  const p = report.provenance;
  checkRecordedOptions(p.options, file);
  const model = p.inputs.find((i) => i.role === "model" || i.role === "program");
  if (model === undefined) throw new AerchipError("E_RERUN_PROVENANCE", "the report's provenance names no model or program input", { file, field: "provenance.inputs", hint: "reports written by `aerchip run` record their model; run it again with `aerchip run`" });
  const arch = opt<string>(p.options, "arch", "string", file);
  if (arch === undefined) throw new AerchipError("E_RERUN_PROVENANCE", "the report's provenance names no --arch", { file, field: "provenance.options.arch", hint: "run the model again with `aerchip run`" });
  const sanafeArch = p.inputs.find((i) => i.role === "sanafe-arch")?.path;
  const input = p.inputs.find((i) => i.role === "input")?.path;
  const labels = p.inputs.find((i) => i.role === "labels")?.path;
  const sample = opt<number>(p.options, "sample", "number", file);
  const gesture = opt<number>(p.options, "gesture", "number", file);
  const steps = opt<number>(p.options, "steps", "number", file);
  const coreNeurons = opt<number>(p.options, "coreNeurons", "number", file);
  const precision = opt<string>(p.options, "precision", "string", file);
  const tickUs = opt<number>(p.options, "tickUs", "number", file);
  const dt = opt<number>(p.options, "dtSeconds", "number", file);
  const reset = opt<string>(p.options, "reset", "string", file);
  const recurrentBias = opt<string>(p.options, "recurrentBias", "string", file);
  const ifMultiSpike = opt<boolean>(p.options, "ifMultiSpike", "boolean", file);
  const lenient = opt<boolean>(p.options, "lenient", "boolean", file);
  const tickPeriodUs = opt<number>(p.options, "tickPeriodUs", "number", file);
  const realtime = opt<boolean>(p.options, "realtime", "boolean", file);
  const perLayerTicks = opt<boolean>(p.options, "perLayerTicks", "boolean", file);
  const kind = model.role === "program" ? "program" : /\.nir$/i.test(model.path) ? "nir" : "model";
  return {
    kind, path: model.path,
    options: {
      arch, out, json: false, quiet: true,
      seed: opt<number>(p.options, "seed", "number", file) ?? 0,
      placement: (opt<string>(p.options, "placement", "string", file) ?? "greedy") as PlacementStrategy,
      timing: (opt<string>(p.options, "timing", "string", file) ?? "simple") as "simple" | "detailed",
      remap: opt<boolean>(p.options, "remap", "boolean", file) === true,
      ...(steps === undefined ? {} : { steps }),
      ...(coreNeurons === undefined ? {} : { coreNeurons }),
      ...(precision === undefined ? {} : { precision: precision as "float" | "fixed" }),
      ...(sanafeArch === undefined ? {} : { sanafeArch }),
      ...(input === undefined ? {} : { input }),
      ...(sample === undefined ? {} : { sample }),
      ...(labels === undefined ? {} : { labels }),
      ...(gesture === undefined ? {} : { gesture }),
      ...(tickUs === undefined ? {} : { tickUs }),
      ...(dt === undefined ? {} : { dt }),
      ...(reset === undefined ? {} : { reset: reset as NirCliOptions["reset"] & string }),
      ...(recurrentBias === undefined ? {} : { recurrentBias: recurrentBias as NirCliOptions["recurrentBias"] & string }),
      ...(ifMultiSpike === undefined ? {} : { ifMultiSpike }),
      ...(lenient === undefined ? {} : { lenient }),
      ...(tickPeriodUs === undefined ? {} : { tickPeriodUs }),
      ...(realtime === true ? { realtime } : {}),
      ...(perLayerTicks === true ? { perLayerTicks } : {}),
    },
  };
}

/**
 * Where two reports differ, field by field: objects are compared key by key down to the differing leaf
 * (arrays are leaves), and each difference says whether the field is only in the re-run ("added": written by
 * a newer aerchip), only in the original ("removed") or in both with other values ("changed").
 */
export function fieldDifferences(a: unknown, b: unknown, prefix = ""): Array<{ path: string; kind: "added" | "removed" | "changed" }> {
  const out: Array<{ path: string; kind: "added" | "removed" | "changed" }> = [];
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
  const ra = isObject(a) ? a : {};
  const rb = isObject(b) ? b : {};
  for (const k of [...new Set([...Object.keys(ra), ...Object.keys(rb)])]) {
    if (JSON.stringify(ra[k]) === JSON.stringify(rb[k])) continue;
    const path = `${prefix}${k}`;
    if (!(k in ra)) out.push({ path, kind: "added" });
    else if (!(k in rb)) out.push({ path, kind: "removed" });
    else if (isObject(ra[k]) && isObject(rb[k])) out.push(...fieldDifferences(ra[k], rb[k], `${path}.`));
    else out.push({ path, kind: "changed" });
  }
  return out;
}

/** The re-run's layer-ticks.csv against the original's: "identical", "differs", or "original missing". */
export function compareLayerTicks(originalPath: string, newPath: string): "identical" | "differs" | "original missing" {
  if (!existsSync(originalPath)) return "original missing";
  return readFileSync(originalPath).equals(readFileSync(newPath)) ? "identical" : "differs";
}

/** Provenance fields that name the code which made a report, not what it computed. */
export const CODE_VERSION_FIELDS = ["aerchipVersion", "gitCommit"] as const;

/** The report's JSON text without the code-version fields, with every other value (and key order) kept. */
export function resultsText(report: unknown): string {
  const copy = structuredClone(report) as { provenance?: Record<string, unknown> };
  if (copy.provenance !== null && typeof copy.provenance === "object") {
    for (const k of CODE_VERSION_FIELDS) delete copy.provenance[k];
  }
  return JSON.stringify(copy);
}

/** "commit X made the report, this is Y" for each code-version field that differs; [] when none does. */
export function codeVersionChanges(original: unknown, rerun: unknown): string[] {
  const a = ((original as { provenance?: Record<string, unknown> })?.provenance ?? {});
  const b = ((rerun as { provenance?: Record<string, unknown> })?.provenance ?? {});
  const out: string[] = [];
  if (a.aerchipVersion !== b.aerchipVersion) out.push(`aerchip ${String(a.aerchipVersion ?? "unknown")} made the report, this is ${String(b.aerchipVersion ?? "unknown")}`);
  if (a.gitCommit !== b.gitCommit) out.push(`commit ${String(a.gitCommit ?? "unknown")} made the report, this is ${String(b.gitCommit ?? "unknown")}`);
  return out;
}

export async function rerunCommand(reportPath: string, o: RerunCommandOptions): Promise<void> {
  const original = readReportFile(reportPath);
  for (const input of original.provenance.inputs) {
    if (!existsSync(input.path)) {
      throw new AerchipError("E_RERUN_INPUT_MISSING", `input ${input.role} "${input.path}" recorded in the report does not exist from ${process.cwd()}`, { file: reportPath, field: "provenance.inputs", hint: "run `aerchip rerun` from the directory the original run was started in (paths are recorded as given)" });
    }
    const sha = sha256File(input.path);
    if (sha !== input.sha256) {
      throw new AerchipError("E_RERUN_INPUT_CHANGED", `input ${input.role} "${input.path}" has changed since the report was made (SHA-256 ${sha.slice(0, 12)}…, recorded ${input.sha256.slice(0, 12)}…)`, { file: reportPath, field: "provenance.inputs", hint: "restore the original input file (e.g. from version control) to reproduce the report" });
    }
  }
  const plan = runOptionsFromProvenance(original, o.out, reportPath);
  const model = plan.path;
  if (plan.kind === "nir") await runNirCommand(plan.path, plan.options);
  else if (plan.kind === "program") await runProgramCommand(plan.path, plan.options);
  else await runCommand(plan.path, plan.options);
  const newPath = join(o.out, "report.json");
  const before = readFileSync(reportPath);
  const after = readFileSync(newPath);
  const identical = before.equals(after);
  const a: unknown = JSON.parse(before.toString("utf8"));
  const b: unknown = JSON.parse(after.toString("utf8"));
  const sameResults = identical || resultsText(a) === resultsText(b);
  const versionChanges = identical ? [] : codeVersionChanges(a, b);
  const layerTicks = plan.options.perLayerTicks === true ? compareLayerTicks(join(dirname(reportPath), LAYER_TICKS_FILE), join(o.out, LAYER_TICKS_FILE)) : undefined;
  if (o.json) process.stdout.write(`${JSON.stringify({ report: newPath, original: reportPath, identical, sameResults, codeVersionChanges: versionChanges, ...(layerTicks === undefined ? {} : { layerTicks }) })}\n`);
  else if (!o.quiet && identical) process.stdout.write(`re-ran ${model} on ${String(original.provenance.options.arch)}: ${newPath} is byte-identical to ${reportPath}\n`);
  else if (!o.quiet && sameResults) process.stdout.write(`re-ran ${model} on ${String(original.provenance.options.arch)}: same results; ${newPath} matches ${reportPath} in every field but the code version (${versionChanges.join("; ")})\n`);
  if (!o.quiet && !o.json && layerTicks === "identical") process.stdout.write(`${join(o.out, LAYER_TICKS_FILE)} is byte-identical to the original's\n`);
  if (!o.quiet && !o.json && layerTicks === "original missing") process.stdout.write(`note: the report was made with --per-layer-ticks, but no ${LAYER_TICKS_FILE} is beside it to compare; wrote ${join(o.out, LAYER_TICKS_FILE)}\n`);
  if (sameResults && layerTicks === "differs") {
    throw new AerchipError("E_RERUN_DIFFERS", `the re-run's ${join(o.out, LAYER_TICKS_FILE)} differs from ${join(dirname(reportPath), LAYER_TICKS_FILE)} (report.json has the same results); the re-run's outputs are kept in ${o.out} for comparison`, {
      file: reportPath, field: LAYER_TICKS_FILE, hint: `compare the two files (e.g. \`diff ${join(dirname(reportPath), LAYER_TICKS_FILE)} ${join(o.out, LAYER_TICKS_FILE)}\`); the original may have been edited`,
    });
  }
  if (!sameResults) {
    const diffs = fieldDifferences(a, b).filter((d) => !CODE_VERSION_FIELDS.some((k) => d.path === `provenance.${k}`));
    const shown = diffs.slice(0, 12).map((d) => (d.kind === "changed" ? d.path : `${d.path} (${d.kind === "added" ? "only in the re-run" : "only in the original"})`));
    const list = diffs.length === 0 ? "formatting" : `${shown.join(", ")}${diffs.length > shown.length ? `, and ${diffs.length - shown.length} more` : ""}`;
    // Fields only the re-run has, with every shared field equal: the original was written by an older aerchip.
    const onlyNewFields = diffs.length > 0 && diffs.every((d) => d.kind === "added");
    throw new AerchipError("E_RERUN_DIFFERS", `the re-run report ${newPath} differs from ${reportPath} in ${list}${versionChanges.length === 0 ? "" : ` (${versionChanges.join("; ")})`}; the re-run's outputs are kept in ${o.out} for comparison`, {
      file: reportPath,
      hint: onlyNewFields
        ? "every field both reports have is equal; the re-run only adds fields that the aerchip which wrote the original did not write yet, so the original is older than this aerchip: keep the re-run's report as the reproducible one"
        : `compare the two reports (e.g. \`diff ${reportPath} ${newPath}\`); the inputs hash the same, so the difference comes from aerchip itself (its code, or a chip preset: see chip.specSha256)`,
    });
  }
}
