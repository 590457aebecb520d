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
 * reported, not a failure: report.json holds the run's results). An original written before the neuron and
 * learning columns were added must match in the columns it has (compareLayerTicks).
 *
 * A difference is E_RERUN_DIFFERS, naming the fields (or layer-ticks.csv). The re-run's outputs are complete (every file was
 * written), so they are kept in --out for diffing; the message names the new report.
 *
 * --out must not hold a file compared (the original, or the layer-ticks.csv / weights.json beside it):
 * the re-run would replace it before the comparison (E_CLI_OPTION, cli/output-paths.ts checkRerunOut).
 *
 * A dataset.json (`aerchip evaluate`, told apart by its format "aerchip-dataset-1") is re-run the same
 * way (cli/commands/rerun-dataset.ts): the model's SHA-256 and the data set's digest are checked, the
 * recorded options are checked, evaluate writes its files into --out, and the new dataset.json is compared
 * with the original field by field, as a report is. A train.json (`aerchip train`, format "aerchip-train") too
 * (cli/commands/rerun-train.ts), with its weights.json compared byte for byte.
 */
import type { LearningBillingBasis } from "../../chip/spec/types.ts";
import { thirdFactorFromProvenance } from "../third-factor.ts";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { AerchipError } from "../../core/diagnostics.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import { sha256File } from "../provenance.ts";
import { readReportFile } from "./report.ts";
import { runCommand, type RunCommandOptions } from "./run.ts";
import { runNirCommand, type NirCliOptions } from "./run-nir.ts";
import { runProgramCommand } from "./run-program.ts";
import { LAYER_TICKS_FILE } from "../layer-ticks-out.ts";
import { badOption, checkOptionNamesKnown, checkRecordedOptions, inputChanged, RUN_RECORDED_OPTIONS, inputMissing, opt, sharedRecordedOptions } from "./rerun-checks.ts";
import { checkDatasetInputs, evaluateOptionsFromProvenance, readDatasetForRerun } from "./rerun-dataset.ts";
import { evaluateCommand } from "./evaluate.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import { checkTrainInputs, trainRerunPlan, type TrainRerunPlan } from "./rerun-train.ts";
import { trainCommand } from "./train.ts";
import { checkRerunOut } from "../output-paths.ts";

export interface RerunCommandOptions {
  readonly out: string;
  readonly json: boolean;
  readonly quiet: boolean;
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
  checkOptionNamesKnown(p.options, RUN_RECORDED_OPTIONS, file);
  if (p.options.handMapping === true) {
    throw new AerchipError("E_RERUN_PROVENANCE", "this is the hand-mapping report of a `run --remap` (the SANA-FE network's own mapping, simulated beside aerchip's); it is re-made with that run", {
      file, field: "provenance.options.handMapping", hint: "rerun the report.json beside it: that re-makes hand-mapping-report.json too and compares it",
    });
  }
  checkRecordedOptions(p.options, file);
  const model = p.inputs.find((i) => i.role === "model" || i.role === "program");
  if (model === undefined) throw new AerchipError("E_RERUN_PROVENANCE", "the report's provenance names no model or program input", { file, field: "provenance.inputs", hint: "reports written by `aerchip run` record their model; run it again with `aerchip run`" });
  const arch = opt<string>(p.options, "arch", "string", file);
  if (arch === undefined) throw new AerchipError("E_RERUN_PROVENANCE", "the report's provenance names no --arch", { file, field: "provenance.options.arch", hint: "run the model again with `aerchip run`" });
  const sanafeArch = p.inputs.find((i) => i.role === "sanafe-arch")?.path;
  const input = p.inputs.find((i) => i.role === "input")?.path;
  const labels = p.inputs.find((i) => i.role === "labels")?.path;
  const initialWeights = p.inputs.find((i) => i.role === "initial-weights")?.path;
  const sample = opt<number>(p.options, "sample", "number", file);
  const gesture = opt<number>(p.options, "gesture", "number", file);
  const shared = sharedRecordedOptions(p.options, file, "run");
  const perLayerTicks = opt<boolean>(p.options, "perLayerTicks", "boolean", file);
  const psi = opt<string>(p.options, "psi", "string", file);
  const billLearning = opt<string>(p.options, "billLearning", "string", file);
  // JSON models run with --input: the input population it drove (recorded even when it was the default);
  // NIR graphs: the Input node --input-population named (absent: the first).
  const inputPopulation = opt<string>(p.options, "inputPopulation", "string", file);
  const thirdFactor = thirdFactorFromProvenance(p.inputs, p.options, (key) => {
    throw badOption(file, key, p.options[key], "it must list the third-factor files' populations (\"*\" for the global one), as aerchip run records --third-factor");
  });
  const kind = model.role === "program" ? "program" : /\.nir$/i.test(model.path) ? "nir" : "model";
  return {
    kind, path: model.path,
    options: {
      arch, out, json: false, quiet: true,
      ...shared,
      remap: opt<boolean>(p.options, "remap", "boolean", file) === true,
      ...(sanafeArch === undefined ? {} : { sanafeArch }),
      ...(input === undefined ? {} : { input }),
      ...(inputPopulation === undefined ? {} : { inputPopulation }),
      ...(sample === undefined ? {} : { sample }),
      ...(labels === undefined ? {} : { labels }),
      ...(gesture === undefined ? {} : { gesture }),
      ...(perLayerTicks === true ? { perLayerTicks } : {}),
      ...(thirdFactor === undefined ? {} : { thirdFactor }),
      ...(psi === undefined ? {} : { psi: psi as RunCommandOptions["psi"] & string }),
      ...(initialWeights === undefined ? {} : { initialWeights }),
      // checkRecordedOptions checked it is one of BILL_LEARNING.
      ...(billLearning === undefined ? {} : { billLearning: billLearning as LearningBillingBasis }),
    },
  };
}

/**
 * Where two reports differ, field by field: objects are compared key by key down to the differing leaf,
 * and so are arrays of objects of the same length, element by element (`samples[3].energyPj.total`);
 * other arrays (of numbers: per-tick series) are leaves. Each difference says whether the field is only in
 * the re-run ("added": written by a newer aerchip), only in the original ("removed") or in both with other
 * values ("changed").
 */
export function fieldDifferences(a: unknown, b: unknown, prefix = ""): Array<{ path: string; kind: "added" | "removed" | "changed" }> {
  const out: Array<{ path: string; kind: "added" | "removed" | "changed" }> = [];
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
  const ra = isObject(a) ? a : {};
  const rb = isObject(b) ? b : {};
  for (const k of [...new Set([...Object.keys(ra), ...Object.keys(rb)])]) {
    if (JSON.stringify(ra[k]) === JSON.stringify(rb[k])) continue;
    const path = `${prefix}${k}`;
    const x = ra[k];
    const y = rb[k];
    if (!(k in ra)) out.push({ path, kind: "added" });
    else if (!(k in rb)) out.push({ path, kind: "removed" });
    else if (isObject(x) && isObject(y)) out.push(...fieldDifferences(x, y, `${path}.`));
    else if (Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every(isObject) && y.every(isObject)) {
      x.forEach((xe, n) => {
        if (JSON.stringify(xe) !== JSON.stringify(y[n])) out.push(...fieldDifferences(xe, y[n], `${path}[${n}].`));
      });
    } else out.push({ path, kind: "changed" });
  }
  return out;
}

/** A file the re-run wrote (layer-ticks.csv, weights.json) against the original's beside the report: "identical", "differs", or "original missing". */
export function compareOutputFile(originalPath: string, newPath: string): "identical" | "differs" | "original missing" {
  if (!existsSync(originalPath)) return "original missing";
  return readFileSync(originalPath).equals(readFileSync(newPath)) ? "identical" : "differs";
}

/**
 * layer-ticks.csv against the original's: compareOutputFile, and an original written before the engine's
 * columns were added (chip/report/layer-ticks.ts LAYER_TICK_ENGINE_COLUMNS: its header is a prefix of the
 * re-run's) is compared on its own columns: "leading columns identical" when every row's leading fields are
 * byte-identical (the re-run's row with its extra trailing fields removed, all numbers, so no quoting).
 */
export function compareLayerTicks(originalPath: string, newPath: string): LayerTicksComparison {
  const whole = compareOutputFile(originalPath, newPath);
  if (whole !== "differs") return whole;
  const before = readFileSync(originalPath, "utf8").split("\n");
  const after = readFileSync(newPath, "utf8").split("\n");
  const oldColumns = before[0].split(",");
  const newColumns = after[0].split(",");
  const extra = newColumns.length - oldColumns.length;
  if (extra <= 0 || before.length !== after.length || newColumns.slice(0, oldColumns.length).join(",") !== before[0]) return "differs";
  for (let i = 1; i < after.length; i++) {
    let line = after[i];
    for (let k = 0; k < extra && line !== ""; k++) line = line.slice(0, line.lastIndexOf(","));
    if (line !== before[i]) return "differs";
  }
  return "leading columns identical";
}

export type LayerTicksComparison = ReturnType<typeof compareOutputFile> | "leading columns identical";

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

/** How the re-run is named in what rerun prints: the command's input, the file compared, and the original. */
interface RerunComparison {
  /** "MODEL" or "MODEL over DATASET". */
  readonly what: string;
  readonly arch: string;
  /** "report" (report.json) or "dataset.json". */
  readonly noun: string;
  readonly originalPath: string;
  readonly newPath: string;
  /** Runs made with --per-layer-ticks: the re-run's layer-ticks.csv against the original's. */
  readonly layerTicks?: LayerTicksComparison;
}

/**
 * The re-run's file against the original: prints the outcome (--json: one line; --quiet: nothing) and
 * throws E_RERUN_DIFFERS, naming the fields, when anything but the code version differs.
 */
function reportComparison(c: RerunComparison, o: RerunCommandOptions): void {
  const { originalPath, newPath, layerTicks, noun } = c;
  const before = readFileSync(originalPath);
  const after = readFileSync(newPath);
  const identical = before.equals(after);
  const a: unknown = JSON.parse(before.toString("utf8"));
  const b: unknown = JSON.parse(after.toString("utf8"));
  const sameResults = identical || resultsText(a) === resultsText(b);
  const versionChanges = identical ? [] : codeVersionChanges(a, b);
  if (o.json) process.stdout.write(`${JSON.stringify({ report: newPath, original: originalPath, identical, sameResults, codeVersionChanges: versionChanges, ...(layerTicks === undefined ? {} : { layerTicks }) })}\n`);
  else if (!o.quiet && identical) process.stdout.write(`re-ran ${c.what} on ${c.arch}: ${newPath} is byte-identical to ${originalPath}\n`);
  else if (!o.quiet && sameResults) process.stdout.write(`re-ran ${c.what} on ${c.arch}: same results; ${newPath} matches ${originalPath} in every field but the code version (${versionChanges.join("; ")})\n`);
  if (!o.quiet && !o.json && layerTicks === "identical") process.stdout.write(`${join(o.out, LAYER_TICKS_FILE)} is byte-identical to the original's\n`);
  if (!o.quiet && !o.json && layerTicks === "leading columns identical") process.stdout.write(`${join(o.out, LAYER_TICKS_FILE)} matches the original's in every column the original has (it was written before the neuron and learning columns were added)\n`);
  if (!o.quiet && !o.json && layerTicks === "original missing") process.stdout.write(`note: the report was made with --per-layer-ticks, but no ${LAYER_TICKS_FILE} is beside it to compare; wrote ${join(o.out, LAYER_TICKS_FILE)}\n`);
  if (sameResults && layerTicks === "differs") {
    throw new AerchipError("E_RERUN_DIFFERS", `the re-run's ${join(o.out, LAYER_TICKS_FILE)} differs from ${join(dirname(originalPath), LAYER_TICKS_FILE)} (report.json has the same results); the re-run's outputs are kept in ${o.out} for comparison`, {
      file: originalPath, field: LAYER_TICKS_FILE, hint: `compare the two files (e.g. \`diff ${join(dirname(originalPath), LAYER_TICKS_FILE)} ${join(o.out, LAYER_TICKS_FILE)}\`); the original may have been edited`,
    });
  }
  if (!sameResults) {
    const diffs = fieldDifferences(a, b).filter((d) => !CODE_VERSION_FIELDS.some((k) => d.path === `provenance.${k}`));
    const shown = diffs.slice(0, 12).map((d) => (d.kind === "changed" ? d.path : `${d.path} (${d.kind === "added" ? "only in the re-run" : "only in the original"})`));
    const list = diffs.length === 0 ? "formatting" : `${shown.join(", ")}${diffs.length > shown.length ? `, and ${diffs.length - shown.length} more` : ""}`;
    // Fields only the re-run has, with every shared field equal: the original was written by an older aerchip.
    const onlyNewFields = diffs.length > 0 && diffs.every((d) => d.kind === "added");
    // dataset.json: the data-set directory gained or lost files outside the evaluated samples (whose digest matched).
    const onlyDatasetTree = noun === "dataset.json" && diffs.length > 0 && diffs.every((d) => d.path.startsWith("dataset."));
    const plural = noun === "report" ? "reports" : `${noun} files`;
    throw new AerchipError("E_RERUN_DIFFERS", `the re-run ${noun} ${newPath} differs from ${originalPath} in ${list}${versionChanges.length === 0 ? "" : ` (${versionChanges.join("; ")})`}; the re-run's outputs are kept in ${o.out} for comparison`, {
      file: originalPath,
      hint: onlyDatasetTree
        ? `only the description of the data-set directory differs (${diffs.map((d) => d.path).join(", ")}): files outside the evaluated samples were added or removed, and the evaluated samples hash as before; the per-sample results are the same`
        : onlyNewFields
        ? `every field both ${plural} have is equal; the re-run only adds fields that the aerchip which wrote the original did not write yet, so the original is older than this aerchip: keep the re-run's ${noun} as the reproducible one`
        : `compare the two ${plural} (e.g. \`diff ${originalPath} ${newPath}\`); the inputs hash the same, so the difference comes from aerchip itself (its code, or a chip preset: see chip.specSha256)`,
    });
  }
}

/** A dataset.json (`aerchip evaluate`): its inputs and options checked, evaluate run again into --out, and compared. */
async function rerunDataset(doc: DatasetDocument, path: string, o: RerunCommandOptions): Promise<void> {
  const plan = evaluateOptionsFromProvenance(doc, o.out, path);
  await checkDatasetInputs(doc, plan, path);
  await evaluateCommand(plan.model, plan.options);
  reportComparison({ what: `${plan.model} over ${plan.dataset}`, arch: plan.options.arch, noun: "dataset.json", originalPath: path, newPath: join(o.out, "dataset.json") }, o);
}

/**
 * A train.json (`aerchip train`): its inputs and options checked, train run again into --out; the new
 * train.json compared as a report is, and weights.json byte for byte with the one beside the original.
 */
async function rerunTrain(plan: TrainRerunPlan, path: string, o: RerunCommandOptions): Promise<void> {
  await checkTrainInputs(plan, path);
  await trainCommand(plan.model, plan.options);
  const weights = compareOutputFile(join(dirname(path), "weights.json"), join(o.out, "weights.json"));
  if (weights === "differs") {
    throw new AerchipError("E_RERUN_DIFFERS", `the re-run's ${join(o.out, "weights.json")} differs from ${join(dirname(path), "weights.json")}; the re-run's outputs are kept in ${o.out} for comparison`, {
      file: path, field: "weights.json", hint: "compare the two files; the inputs hash the same, so the difference comes from aerchip itself (its code, or a chip preset)",
    });
  }
  reportComparison({ what: `${plan.model} over ${plan.dataset}`, arch: plan.arch, noun: "train.json", originalPath: path, newPath: join(o.out, "train.json") }, o);
  if (!o.quiet && !o.json && weights === "identical") process.stdout.write(`${join(o.out, "weights.json")} is byte-identical to the original's\n`);
}

export async function rerunCommand(reportPath: string, o: RerunCommandOptions): Promise<void> {
  // The files compared (the report, train.json or dataset.json, and the weights.json or layer-ticks.csv
  // beside it) are read after the re-run has written --out: an --out holding them would replace the
  // original first and then "verify" the re-run against itself. Refused before anything runs.
  if (existsSync(reportPath)) checkRerunOut(o.out, reportPath, [join(dirname(reportPath), "weights.json"), join(dirname(reportPath), LAYER_TICKS_FILE)]);
  const train = trainRerunPlan(reportPath, o.out);
  if (train !== undefined) return rerunTrain(train, reportPath, o);
  const dataset = readDatasetForRerun(reportPath);
  if (dataset !== undefined) return rerunDataset(dataset, reportPath, o);
  const original = readReportFile(reportPath);
  for (const input of original.provenance.inputs) {
    if (!existsSync(input.path)) throw inputMissing(input.role, input.path, reportPath);
    const sha = sha256File(input.path);
    if (sha !== input.sha256) throw inputChanged(input.role, input.path, sha, input.sha256, reportPath);
  }
  const plan = runOptionsFromProvenance(original, o.out, reportPath);
  if (plan.kind === "nir") await runNirCommand(plan.path, plan.options);
  else if (plan.kind === "program") await runProgramCommand(plan.path, plan.options);
  else await runCommand(plan.path, plan.options);
  const layerTicks = plan.options.perLayerTicks === true ? compareLayerTicks(join(dirname(reportPath), LAYER_TICKS_FILE), join(o.out, LAYER_TICKS_FILE)) : undefined;
  reportComparison({ what: plan.path, arch: String(original.provenance.options.arch), noun: "report", originalPath: reportPath, newPath: join(o.out, "report.json"), ...(layerTicks === undefined ? {} : { layerTicks }) }, o);
}
