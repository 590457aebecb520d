/**
 * `aerchip compare MODEL --arch a,b,c --out DIR`: runs one model on several chips (presets, chip spec
 * files) exactly as `aerchip run` would (each chip's spikes/report/mapping under DIR/<chip>/, so each can be
 * rendered or re-run on its own), then writes one comparison table (compare.md, compare.csv, compare.tex,
 * compare.json) and its figure (compare.svg). A chip the model does not fit on is a row with the error
 * code; the command fails when no chip ran, and before any runs when --arch names an unknown preset or
 * an invalid chip spec file, or --input cannot be read or does not fit the model (a mistake in the command,
 * not a finding about the chip).
 */
import { refuseDuplicateJsonKey } from "../../core/io/json-duplicate-keys.ts";
import { writeOutputDir } from "../earlier-outputs.ts";
import { ChipDirs } from "../chip-dirs.ts";
import { eventBinningOf, eventTransformProvenance, eventTransformsOf, type EventTransformChoice } from "../event-transforms.ts";
import { eventTransformText } from "../../chip/report/formats/event-transform-text.ts";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { AerchipError, isAerchipError } from "../../core/diagnostics.ts";
import { ensureDirCreated, outputDirOption, stableJson } from "../../core/atomic-write.ts";
import { listPresetNames } from "../../chip/spec/load.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import { chipDirName, compareCsv, compareFigureSpec, compareMarkdown, compareRows, compareTable, type CompareEntry, type CompareOk } from "../../chip/report/formats/compare.ts";
import { latexLabelSlug, latexTable } from "../../chip/report/formats/latex.ts";
import { latexFileHead } from "../../chip/report/formats/latex-layout.ts";
import { renderVegaLiteSvg } from "../../chip/report/formats/html.ts";
import { plainCell } from "../../chip/report/formats/tables.ts";
import type { PlacementStrategy } from "../../compiler/passes/place.ts";
import { fmtInt, table } from "../format.ts";
import { eventsMergedHint } from "../input-accounting.ts";
import { billLearningFor, runCommand, type RunCommandOptions } from "./run.ts";
import type { LearningBillingBasis } from "../../chip/spec/types.ts";
import { nirOptions, runNirCommand, type NirCliOptions } from "./run-nir.ts";
import { chooseInputPopulation, readModelInput, type PopulationOutline } from "../model-input.ts";
import { checkInputHasTicks, checkInputTicks, readInputSpikes } from "../spike-inputs.ts";
import { inputSelectionOf } from "../input-selection.ts";
import { checkLearningDrive, learningFacts } from "../learning-drive.ts";
import { withInitialWeights } from "../initial-weights.ts";
import { loadNirModel } from "../../compiler/frontends/nir/index.ts";
import { nirWithInput } from "../nir-input.ts";
import { loadModel } from "../pipeline.ts";
import { loadArch } from "../load-arch.ts";
import { isYamlPath, sniffFile } from "../sanafe-inputs.ts";
import { throwIfInterrupted } from "../interrupt.ts";
import type { InputSelection } from "../input-selection.ts";
import type { CostMode } from "../../chip/report/counts-only.ts";
import { checkCostsWithBilling } from "../costs-mode.ts";
import { checkOutputPaths, checkRunOutputPaths } from "../output-paths.ts";
import { programNotComparable } from "../option-applicability.ts";

export interface CompareCommandOptions extends NirCliOptions, InputSelection, EventTransformChoice {
  /** NIR graphs and JSON models: the input spikes (as for `aerchip run MODEL --input FILE`). */
  readonly input?: string;
  /** JSON models: the input population --input replaces (as for `aerchip run`). */
  readonly inputPopulation?: string;
  /** JSON models with learning rules: as `run --third-factor`, `--psi` and `--initial-weights`, on every chip. */
  readonly thirdFactor?: RunCommandOptions["thirdFactor"];
  readonly psi?: RunCommandOptions["psi"];
  readonly initialWeights?: string;
  readonly tickUs?: number;
  /** Comma-separated presets or chip spec files; default every preset. */
  readonly arch?: string;
  readonly out: string;
  readonly steps?: number;
  readonly seed: number;
  readonly placement: PlacementStrategy;
  readonly timing: "simple" | "detailed";
  readonly precision?: "float" | "fixed";
  /** What the learning energy bills on every chip (as `run --bill-learning`). */
  readonly billLearning?: LearningBillingBasis;
  /** --costs counts: every chip's run without energy or power (as `run --costs counts`), and tables without them. */
  readonly costs?: CostMode;
  readonly json: boolean;
  readonly quiet: boolean;
}

/** Where each chip's run goes (chip/report/formats/compare.ts, which also numbers the rows' labels by it). */
export { chipDirName };

/** Codes that say the model does not fit the chip (a finding about the chip, not about the model or input). */
export const DOES_NOT_FIT = /^E_(CHIP|CORE)_[A-Z_]*EXCEEDED$|^E_SPEC_MEMORY_TOO_SMALL$/;

/**
 * Codes that say the chip lacks something the model uses (a neuron model, a refractory counter, a learning engine, axon
 * types, a multiplicative leak, per-synapse signs, a closed-form learning term, a weight per synapse rather
 * than per crossbar cell): also about the chip, but a
 * chip with more cores does not help; one with the feature, or a model without it, does.
 */
const LACKS_FEATURE: ReadonlySet<string> = new Set([
  "E_CORE_REFRACTORY_EXCEEDED", "E_LEARNING_NO_ENGINE", "E_CORE_AXON_TYPES_EXCEEDED", "E_FIXED_LEAK_ADDITIVE", "E_FIXED_SOURCE_SIGN_MIXED",
  "E_LEARNING_CLOSED_FORM", "E_LEARNING_WEIGHT_BITS",
  // The chip does not run the population's neuron model (ChipSpec.neuronModels: lif-cond on loihi, truenorth, odin).
  "E_ARCH_NEURON_MODEL",
  // One crossbar cell per (axon, neuron) holds the sum of two synapses (chip/program/crossbar-pairs.ts):
  // a chip with per-synapse weights (loihi), or the connection written as one synapse, helps.
  "E_FIXED_CROSSBAR_PAIR_RANGE",
]);

/**
 * What to change when no chip ran, from the chips' error codes: a bigger chip only helps when the model
 * did not fit; a chip lacking a feature the model uses needs another chip or a model without it; an error
 * every chip shares (a missing --input, a wrong input shape) is in the command or the model, so the hint
 * says so instead of sending the user to look for a bigger chip.
 */
export function nothingRanHint(codes: readonly string[], tableFile = "compare.md"): string {
  const distinct = [...new Set(codes)];
  const fit = "use a chip with more cores or larger per-core limits, or a smaller model";
  const features = distinct.filter((c) => LACKS_FEATURE.has(c));
  const sizes = distinct.filter((c) => !LACKS_FEATURE.has(c) && DOES_NOT_FIT.test(c));
  const others = distinct.filter((c) => !LACKS_FEATURE.has(c) && !DOES_NOT_FIT.test(c));
  const lacking = `${features.join(", ")}: ${features.length === 1 ? "the chips lack" : "chips lack"} a feature the model uses; use a chip that has it, or change the model as each chip's error in ${tableFile} says`;
  if (others.length === 0 && features.length === 0) return fit;
  if (distinct.length === 1 && distinct[0] === "E_INPUT_REQUIRED") return "give the model's input spikes with --input FILE";
  const parts: string[] = [];
  if (others.length > 0) parts.push(`${others.join(", ")} ${others.length === 1 ? "is" : "are"} not about the chip's size: fix the model, its input or the options (each chip's full error is in ${tableFile})`);
  if (features.length > 0) parts.push(parts.length === 0 ? lacking : `for ${lacking}`);
  if (sizes.length > 0) parts.push(`for the chips the model does not fit on, ${fit}`);
  return parts.join("; ");
}

/** An interrupted comparison writes no table and removes the chip directories it had created. */
const COMPARE_INTERRUPTED_HINT = "run the comparison again; nothing was written";

export async function compareCommand(modelPath: string, o: CompareCommandOptions): Promise<void> {
  const archs = (o.arch ?? listPresetNames().join(",")).split(",").map((a) => a.trim()).filter((a) => a !== "");
  if (archs.length === 0) throw new AerchipError("E_CLI_OPTION", "--arch names no chip", { field: "--arch", hint: `give comma-separated presets (${listPresetNames().join(", ")}) or chip spec files` });
  // Every chip must exist and be valid before any runs: a typo in --arch is not a table row.
  const specs = archs.map((arch) => loadArch(arch));
  checkCostsWithBilling(o.costs, o.billLearning, modelPath);
  const countsOnly = o.costs === "counts";
  // A broken model fails the whole comparison, before any chip runs (SANA-FE networks load with their arch).
  const nir = /\.nir$/i.test(modelPath);
  // A JSON model with plastic projections: each chip's run also writes weights.json (checked below).
  let writesWeights = false;
  if (/\.aerprog$/i.test(modelPath)) throw programNotComparable(modelPath); // as checkOptionsApply (library callers)
  // The input shape --input must fit (NIR: the Input node's; JSON: the input population's), for the check below.
  let inputShape: { readonly shape: readonly number[]; readonly pop?: PopulationOutline } | undefined;
  if (nir) inputShape = { shape: nirWithInput(await loadNirModel(modelPath, nirOptions(o)), o.inputPopulation, modelPath).inputShape }; // a wrong --input-population is one usage error
  else if (!isYamlPath(modelPath) || sniffFile(modelPath) !== "network") {
    // Too large for every chip given (each counting input neurons its own way): refused before its per-neuron arrays exist (compiler/core-capacity.ts,
    // audit s22r-y #4); a model one chip could hold is loaded, and each chip's run checks its own cores.
    const m = loadModel(modelPath, specs); // YAML that is not a network: E_MODEL_FORMAT
    // What each chip's `run` would refuse of the learning drive (a model without learning rules, a Ψ other
    // than the model's, an unreadable m file, learned weights that do not fit) is refused once, before any runs.
    const graph = o.initialWeights === undefined ? m.graph : withInitialWeights(m.graph, o.initialWeights);
    const facts = learningFacts(graph);
    writesWeights = facts.learns || facts.pairStdp;
    checkLearningDrive(facts, o, modelPath);
    // A JSON model's --input population is chosen once, before any chip runs (several and no
    // --input-population is one usage error listing them, as in `run`, not a failed row per chip).
    if (o.input !== undefined) {
      const pop = chooseInputPopulation(m.graph.populations, o.inputPopulation, modelPath);
      inputShape = { shape: pop.shape, pop };
    }
    // --bill-learning on a model it cannot apply to is one usage error, not a failed row per chip.
    billLearningFor(o.billLearning, facts, modelPath);
  }
  // --input is read and checked once, before any chip runs, as `sweep` does (audit s24a #9): a missing, damaged
  // or misshapen file is the command's error naming that file, not the same failed row on every chip (and no
  // table). Each chip's run reads it again, as `aerchip run` would; the read here only refuses.
  if (o.input !== undefined && inputShape !== undefined) await checkCompareInput(o.input, inputShape, modelPath, o);
  // No output over an input (audit s22r-y #3), before any chip runs: the tables, and each chip's run files
  // (a collision there would otherwise be one chip's E_CLI_OPTION row, not a usage error).
  const inputs = [
    { role: "<model>", path: modelPath }, ...(o.input === undefined ? [] : [{ role: "--input", path: o.input }]),
    ...(o.initialWeights === undefined ? [] : [{ role: "--initial-weights", path: o.initialWeights }]),
    ...(o.thirdFactor ?? []).map((t) => ({ role: "--third-factor", path: t.path })),
  ];
  checkOutputPaths(["compare.md", "compare.csv", "compare.tex", "compare.json", "compare.svg"].map((f) => ({ role: `--out's ${f}`, path: join(outputDirOption(o.out), f) })), inputs);
  const planned = new Set<string>();
  for (const arch of archs) checkRunOutputPaths(modelPath, { ...o, arch, out: join(o.out, chipDirName(arch, planned)) }, writesWeights ? ["weights.json"] : []);
  const out = outputDirOption(o.out);
  // What this command creates, so that an interrupt (Ctrl-C, SIGTERM) can take it away again.
  const dirs = new ChipDirs(ensureDirCreated(out));
  const taken = new Set<string>();
  const entries: CompareEntry[] = [];
  // Transformed event input: the tables say how (cli/event-transforms.ts); without transforms they stay as they were.
  const transformed = o.input === undefined ? "" : eventTransformText(eventTransformProvenance(eventTransformsOf(o)));
  const transformNote = transformed === "" ? undefined : `events ${transformed}`;
  let inputNote: string | undefined;
  let runWarnings: readonly string[] = [];
  let model: string, rows: ReturnType<typeof compareRows>, t: ReturnType<typeof compareTable>, ran: number, svg: string | undefined;
  try {
    for (const [i, arch] of archs.entries()) {
      const dir = chipDirName(arch, taken);
      const chipDir = join(out, dir);
      const existed = existsSync(chipDir);
      if (!existed) dirs.createdDir(chipDir);
      try {
        // The same run as `aerchip run MODEL --arch <arch> --out DIR/<chip>`, so `aerchip rerun` reproduces it.
        const run = {
          ...o, arch, out: join(o.out, dir), json: false, quiet: true, partOf: "compare" as const,
        };
        if (nir) await runNirCommand(modelPath, run);
        else await runCommand(modelPath, run);
        // Read back with the duplicate-key check every report reader applies (core/io/json-duplicate-keys.ts).
        const reportPath = join(out, dir, "report.json");
        const reportText = readFileSync(reportPath, "utf8");
        const report = JSON.parse(reportText) as RunReport;
        refuseDuplicateJsonKey(reportText, { file: reportPath, code: "E_REPORT_INVALID", what: "report" });
        entries.push({ arch, status: "ok", report, dir });
        if (existed) dirs.rewroteDir(join(o.out, dir));
      } catch (e) {
        // A model that does not fit one chip is a row, not a failure (the chips were checked above); an
        // interrupt is not a finding about the chip: it stops the whole comparison.
        if (!isAerchipError(e)) throw e;
        if (e.code === "E_INTERRUPTED") throw new AerchipError("E_INTERRUPTED", `${e.message} (chip ${arch}, ${i + 1} of ${archs.length})`, { hint: COMPARE_INTERRUPTED_HINT });
        entries.push({ arch, status: "error", code: e.code, message: e.message });
      }
      // A signal that came while a chip's run could not see it (its load or compile) stops before the next chip.
      throwIfInterrupted(`after the run on chip ${arch} (${i + 1} of ${archs.length})`, COMPARE_INTERRUPTED_HINT);
    }
    const first = entries.find((e): e is CompareOk => e.status === "ok");
    model = first?.report.model ?? basename(modelPath);
    // Every chip reads the same input: its events and spikes (report.json input, cli/input-accounting.ts) are said once.
    const counted = first?.report.input?.kind === "events" ? inputCountsNote(first.report.input) : undefined;
    const parts = [transformNote, counted].filter((x): x is string => x !== undefined);
    inputNote = o.input === undefined || parts.length === 0 ? undefined : `${basename(o.input)}, ${parts.join("; ")}`;
    const merged = first?.report.input?.warnings.find((w) => w.startsWith("W_EVENTS_MERGED"));
    if (merged !== undefined && o.quiet !== true) process.stderr.write(`aerchip: ${merged}\n  hint: ${eventsMergedHint(o.tickUs ?? 1000, eventBinningOf(o))}\n`);
    // The runs' own warnings (a JSON model's W_THIRD_FACTOR_ROWS: the same options, so the same on every chip)
    // and their learning warnings (W_LEARNING_INITIAL_WEIGHTS_OUTSIDE_BOUNDS, in report.json learning.warnings),
    // each once over the chips that ran.
    const oks = entries.filter((e): e is CompareOk => e.status === "ok");
    runWarnings = [...new Set(oks.flatMap((e) => [...(e.report.warnings ?? []), ...(e.report.learning?.warnings ?? [])]))].filter((w) => !w.startsWith("W_EVENTS_MERGED"));
    if (o.quiet !== true) for (const w of runWarnings) process.stderr.write(`aerchip: ${w}\n`);
    rows = compareRows(entries);
    t = compareTable(model, rows, inputNote, runWarnings, countsOnly);
    ran = rows.filter((r) => r.status === "ok").length;
    svg = ran > 0 ? await renderVegaLiteSvg(compareFigureSpec(model, rows, countsOnly), "compare") : undefined;
    throwIfInterrupted("while drawing the comparison's figure", COMPARE_INTERRUPTED_HINT);
  } catch (e) {
    // No table, and none of the chip directories this comparison created (each holds one complete run).
    throw dirs.errorFor(e, "run the comparison again; no table was written", "this comparison's complete run");
  }
  // The tables are one output set, written all or none (core/atomic-write.ts writeOutputSet).
  writeOutputDir("compare", [
    { path: join(out, "compare.md"), data: compareMarkdown(model, t, rows, inputNote, runWarnings, countsOnly) },
    { path: join(out, "compare.tex"), data: `${latexFileHead(`${model} on several chips (aerchip compare)`).join("\n")}${latexTable(t, `aerchip-${latexLabelSlug(model)}`)}\n` },
    { path: join(out, "compare.csv"), data: compareCsv(rows) },
    { path: join(out, "compare.json"), data: stableJson({ format: "aerchip-compare", version: 3, model, ...(countsOnly ? { costs: "counts" } : {}), rows, ...(runWarnings.length === 0 ? {} : { warnings: runWarnings }) }, join(out, "compare.json")) },
    ...(svg === undefined ? [] : [{ path: join(out, "compare.svg"), data: svg }]),
  ], out, {
    quiet: o.quiet, inputs: [modelPath, o.input, o.initialWeights].filter((p): p is string => p !== undefined),
    // Each chip's run directory is this comparison's too (a later compare without that chip removes it).
    owned: { dirs: entries.filter((e): e is CompareOk => e.status === "ok").map((e) => e.dir) },
  });
  const files = ["compare.md", "compare.csv", "compare.tex", "compare.json", ...(ran > 0 ? ["compare.svg"] : [])].map((f) => join(o.out, f));
  if (o.json) process.stdout.write(`${JSON.stringify({ model, files, rows })}\n`);
  else if (!o.quiet) {
    process.stdout.write(`${t.title}\n${table(t.rows.map((r) => r.map(plainCell)), t.columns.map((c) => c.header), t.columns.map((c) => c.align).join(""))}\n`);
    for (const r of rows) if (r.errorMessage !== null) process.stdout.write(`  ${r.label}: ${r.status}: ${r.errorMessage}\n`);
    process.stdout.write(`wrote ${files.join(", ")}\n`);
  }
  if (ran === 0) {
    throw new AerchipError("E_COMPARE_NOTHING_RAN", `the model ran on none of the ${rows.length} chips (${rows.map((r) => `${r.label}: ${r.status}`).join("; ")})`, {
      file: modelPath, hint: nothingRanHint(rows.map((r) => r.status)),
    });
  }
}

/** What each chip's run refuses of --input (its read, the ticks it spans), refused once for all chips. */
async function checkCompareInput(path: string, target: { readonly shape: readonly number[]; readonly pop?: PopulationOutline }, modelPath: string, o: CompareCommandOptions): Promise<void> {
  const opts = { ...(o.tickUs === undefined ? {} : { tickUs: o.tickUs }), ...inputSelectionOf(o), transforms: eventTransformsOf(o) };
  const spikes = target.pop === undefined ? await readInputSpikes(path, target.shape, opts) : await readModelInput(path, target.pop, modelPath, opts);
  if (o.steps === undefined) {
    checkInputTicks(path, spikes, o);
    checkInputHasTicks(path, spikes);
  }
}

/** "4,325 events read → 1,899 input spikes (2,426 merged)": an event input's counts, for the comparison's note. */
function inputCountsNote(i: NonNullable<RunReport["input"]>): string {
  // --event-overlap: events in several overlapping ticks are delivered in each (eventsRepeated the extra deliveries).
  const repeats = i.eventsRepeated === undefined ? "" : `, ${fmtInt(i.eventsRepeated)} repeated in overlapping ticks`;
  return `${fmtInt(i.eventsRead ?? 0)} events read → ${fmtInt(i.spikes)} input spikes (${fmtInt(i.eventsMerged ?? 0)} merged${repeats})`;
}
