/**
 * `aerchip evaluate MODEL.nir --input DATASET --arch a,b,c --out DIR`: the evaluation of one chip
 * (evaluate.ts) made on each chip in turn, each written to DIR/<chip>/ with exactly the files a one-chip
 * evaluate writes (its dataset.json records that chip as its arch, so `aerchip rerun DIR/<chip>/dataset.json`
 * re-runs it), then one comparison (evaluate-compare.md, .tex, .csv, .json; chip/report/formats/
 * evaluate-compare.ts), as `aerchip compare` does for one input (compare.ts):
 *   - every chip is loaded and checked before anything runs (an unknown preset is a mistake in the command);
 *   - a chip the evaluation fails on (the model does not fit it: E_CHIP_CORES_EXCEEDED, …) is a row with
 *     its error code, and the other chips still run;
 *   - an interrupt stops everything: no comparison, and the chip directories this command created removed;
 *   - E_COMPARE_NOTHING_RAN when no chip ran (the tables are written first, to say why).
 * Each chip reads and checks the data set itself (as a one-chip evaluate does).
 */
import { writeOutputDir } from "../earlier-outputs.ts";
import { ChipDirs } from "../chip-dirs.ts";
import { datasetPathHasNoName } from "../../chip/report/formats/dataset-name.ts";
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { AerchipError, isAerchipError } from "../../core/diagnostics.ts";
import { checkOutputDirUsable, ensureDirCreated, outputDirOption, stableJson } from "../../core/atomic-write.ts";
import { listPresetNames } from "../../chip/spec/load.ts";
import { evaluateCompareCsv, evaluateCompareMarkdown, evaluateCompareRows, evaluateCompareTable, type EvaluateCompareEntry } from "../../chip/report/formats/evaluate-compare.ts";
import { latexLabelSlug, latexTable } from "../../chip/report/formats/latex.ts";
import { latexFileHead } from "../../chip/report/formats/latex-layout.ts";
import { plainCell } from "../../chip/report/formats/cells.ts";
import { table } from "../format.ts";
import { loadArch } from "../load-arch.ts";
import { throwIfInterrupted } from "../interrupt.ts";
import { makeProgress, type Progress } from "../progress.ts";
import { cliLogger } from "../logging.ts";
import { chipDirName, nothingRanHint } from "./compare.ts";
import { datasetOutputFiles, evaluateDataset, type DatasetEvaluation, type EvaluateOptions } from "./evaluate.ts";

export const EVALUATE_COMPARE_FORMAT = "aerchip-evaluate-compare";
export const EVALUATE_COMPARE_VERSION = 1;

/** Error codes about the data set, its files or the model (not about a chip): these stop the whole command. */
const NOT_ABOUT_THE_CHIP = /^E_(DATASET|EVENTS|EVALUATE|INPUT|NIR|NPY|AER|MODEL)_/;

const INTERRUPTED_HINT = "run the evaluation again; no comparison was written";

export async function evaluateManyCommand(modelPath: string, o: EvaluateOptions): Promise<void> {
  const archs = o.arch.split(",").map((a) => a.trim()).filter((a) => a !== "");
  if (archs.length === 0) throw new AerchipError("E_CLI_OPTION", "--arch names no chip", { field: "--arch", hint: `give a preset (${listPresetNames().join(", ")}), a chip spec file, or several separated by commas` });
  // Every chip must exist and be valid before any evaluation: a typo in --arch is not a table row.
  for (const arch of archs) loadArch(arch);
  const out = outputDirOption(o.out);
  // Before any simulation: an --out that cannot be written fails now, not at the end.
  checkOutputDirUsable(out);
  const logger = cliLogger(o);
  // What this command creates, so that an interrupt (Ctrl-C, SIGTERM) can take it away again.
  const dirs = new ChipDirs(ensureDirCreated(out));
  const taken = new Set<string>();
  const entries: EvaluateCompareEntry[] = [];
  try {
    for (const [i, arch] of archs.entries()) {
      const dir = chipDirName(arch, taken);
      const chipDir = join(out, dir);
      let bar: Progress | undefined;
      let result: DatasetEvaluation | undefined;
      try {
        // The evaluation `aerchip evaluate MODEL --arch <arch> --out DIR/<chip>` makes (the same options).
        result = await evaluateDataset(modelPath, { ...o, arch }, {
          logger,
          onSample: (done, total) => {
            bar ??= makeProgress(`evaluating on ${arch} (${i + 1} of ${archs.length})`, total, !o.quiet && !o.json, "samples");
            bar.update(done);
          },
        });
      } catch (e) {
        // A chip the evaluation fails on is a row (the chips were checked above); an interrupt is not a
        // finding about the chip: it stops everything.
        if (!isAerchipError(e)) throw e;
        if (e.code === "E_INTERRUPTED") throw new AerchipError("E_INTERRUPTED", `${e.message} (chip ${arch}, ${i + 1} of ${archs.length})`, { hint: INTERRUPTED_HINT });
        // A problem of the data set, its files or the model is the same on every chip: it stops the command
        // at the first chip rather than repeating as every chip's row.
        if (NOT_ABOUT_THE_CHIP.test(e.code)) throw e;
        entries.push({ arch, status: "error", code: e.code, message: e.message });
      } finally {
        bar?.stop();
      }
      if (result !== undefined) {
        const existed = existsSync(chipDir);
        if (!existed) dirs.createdDir(chipDir);
        writeOutputDir("evaluate", await datasetOutputFiles(chipDir, result), chipDir, { quiet: o.quiet, partOf: "evaluate-compare", inputs: [modelPath, o.initialWeights].filter((p): p is string => p !== undefined) });
        if (existed) dirs.rewroteDir(join(o.out, dir));
        entries.push({ arch, status: "ok", dir, document: result.document });
      }
      // A signal that came while the evaluation could not see it (its load or compile) stops before the next chip.
      throwIfInterrupted(`after the evaluation on chip ${arch} (${i + 1} of ${archs.length})`, INTERRUPTED_HINT);
    }
  } catch (e) {
    // No comparison, and none of the chip directories this command created (each holds one complete evaluation).
    throw dirs.errorFor(e, "run the evaluation again; no comparison was written", "this command's complete evaluation");
  }
  const first = entries.find((e) => e.status === "ok");
  const model = first?.status === "ok" ? first.document.model : basename(modelPath);
  const rows = evaluateCompareRows(entries);
  // --costs counts (chip/report/counts-only.ts): every chip's document and the comparison without energy.
  const countsOnly = o.costs === "counts";
  const t = evaluateCompareTable(model, o.input, rows, datasetPathHasNoName(o.input) ? basename(resolve(o.input)) : undefined, countsOnly);
  const ran = rows.filter((r) => r.status === "ok").length;
  // The tables are one output set, written all or none (core/atomic-write.ts writeOutputSet).
  const names = ["evaluate-compare.md", "evaluate-compare.tex", "evaluate-compare.csv", "evaluate-compare.json"];
  writeOutputDir("evaluate-compare", [
    { path: join(out, names[0]), data: evaluateCompareMarkdown(t, rows, countsOnly) },
    { path: join(out, names[1]), data: `${latexFileHead(`${model} over a data set on several chips (aerchip evaluate)`).join("\n")}${latexTable(t, `aerchip-${latexLabelSlug(model)}`)}\n` },
    { path: join(out, names[2]), data: evaluateCompareCsv(rows) },
    { path: join(out, names[3]), data: stableJson({ format: EVALUATE_COMPARE_FORMAT, version: EVALUATE_COMPARE_VERSION, model, dataset: o.input, ...(countsOnly ? { costs: "counts" } : {}), rows }, join(out, names[3])) },
  ], out, {
    quiet: o.quiet, inputs: [modelPath, o.initialWeights].filter((p): p is string => p !== undefined),
    // Each chip's evaluation directory is this command's too (a later one without that chip removes it).
    owned: { dirs: rows.filter((r) => r.dir !== null).map((r) => r.dir!) },
  });
  logger.info({ phase: "write", out }, "outputs written");
  const files = names.map((f) => join(o.out, f));
  if (o.json) process.stdout.write(`${JSON.stringify({ model, dataset: o.input, files, rows })}\n`);
  else if (!o.quiet) {
    process.stdout.write(`${t.title}\n${table(t.rows.map((r) => r.map(plainCell)), t.columns.map((c) => c.header), t.columns.map((c) => c.align).join(""))}\n`);
    for (const r of rows) if (r.errorMessage !== null) process.stdout.write(`  ${r.arch}: ${r.status}: ${r.errorMessage}\n`);
    process.stdout.write(`each chip's evaluation in ${rows.filter((r) => r.dir !== null).map((r) => join(o.out, r.dir!)).join(", ") || "(none)"}\nwrote ${files.join(", ")}\n`);
  }
  if (ran === 0) {
    throw new AerchipError("E_COMPARE_NOTHING_RAN", `the evaluation ran on none of the ${rows.length} chips (${rows.map((r) => `${r.arch}: ${r.status}`).join("; ")})`, {
      file: modelPath, hint: nothingRanHint(rows.map((r) => r.status), "evaluate-compare.md"),
    });
  }
}
