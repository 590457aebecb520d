/**
 * `aerchip rerun DATASET.json --out DIR`: what re-runs an `aerchip evaluate` from its dataset.json
 * (format aerchip-dataset-1): the recorded options (only names evaluate records: rerun-checks.ts
 * EVALUATE_RECORDED_OPTIONS; --precision from the document's precision), checked with the command line's rules (those `run`
 * shares, plus --steps ≥ 1, --samples, --shuffle, --label-from, --labels, --output, --decode, --target-from and --rest-steps), and the recorded inputs,
 * checked before anything runs: the model's SHA-256, and the data set's digest recomputed as evaluate
 * computes it (cli/commands/evaluate.ts datasetDigest: the .h5 file's SHA-256, or for a directory one over
 * every evaluated sample's id and file SHA-256 in the evaluated order — shuffled by the recorded seed
 * when `shuffle` is true — so a sample edited, added or removed changes it — and the --labels CSV's SHA-256
 * when one labelled it, so an edited label file changes it too).
 * cli/commands/rerun.ts runs evaluate into --out and compares the new dataset.json with the original as
 * it compares reports.
 */
import { existsSync } from "node:fs";
import { AerchipError, isAerchipError } from "../../core/diagnostics.ts";
import { DATASET_FORMAT, DATASET_VERSION, DECODE_MODES, type DatasetDocument, type DecodeMode } from "../../chip/report/dataset.ts";
import { RECONSTRUCTION_TARGETS, type ReconstructionTarget } from "../../chip/report/reconstruction.ts";
import { LABEL_SOURCES, parseSampleRange, type LabelSource } from "../dataset-inputs.ts";
import { MAX_RUN_TICKS, PRECISIONS, wholeNumberProblem } from "../option-limits.ts";
import { sha256File } from "../provenance.ts";
import { datasetInputDigest, targetsInputDigest, type EvaluateOptions } from "./evaluate.ts";
import { badOption, checkOptionNamesKnown, checkRecordedOptions, EVALUATE_RECORDED_OPTIONS, inputChanged, inputMissing, opt, provenanceHint, readRecordedDocument, sharedRecordedOptions } from "./rerun-checks.ts";

const PROVENANCE_HINT = provenanceHint("evaluate");

/**
 * The file at `path` as a dataset.json, when its `format` says it is one; undefined for anything else
 * (which `aerchip rerun` then reads as a report.json, with that reader's errors).
 */
export function readDatasetForRerun(path: string): DatasetDocument | undefined {
  return readRecordedDocument(path, DATASET_FORMAT, DATASET_VERSION, "evaluate") as DatasetDocument | undefined;
}

/** What re-runs an evaluation: `aerchip evaluate MODEL --input DATASET` and its options. */
export interface DatasetRerunPlan {
  readonly model: string;
  readonly dataset: string;
  readonly options: EvaluateOptions;
}

/** The `aerchip evaluate` options a dataset.json's provenance records (the inverse of evaluateDataset's provenance). */
export function evaluateOptionsFromProvenance(doc: DatasetDocument, out: string, file: string): DatasetRerunPlan {
  const p = doc.provenance;
  const o = p.options;
  checkOptionNamesKnown(o, EVALUATE_RECORDED_OPTIONS, file, "evaluate");
  checkRecordedOptions(o, file, "evaluate");
  if (o.steps !== undefined && o.steps !== null) {
    const problem = wholeNumberProblem(o.steps, 1, MAX_RUN_TICKS);
    if (problem !== undefined) throw badOption(file, "steps", o.steps, `${problem} (as evaluate --steps)`, "evaluate");
  }
  if (o.restSteps !== undefined && o.restSteps !== null) {
    const problem = wholeNumberProblem(o.restSteps, 0, MAX_RUN_TICKS);
    if (problem !== undefined) throw badOption(file, "restSteps", o.restSteps, `${problem} (as evaluate --rest-steps)`, "evaluate");
  }
  const oneOf = (key: string, choices: readonly string[]): void => {
    const v = o[key];
    if (v === undefined || v === null) return;
    if (typeof v !== "string" || !choices.includes(v)) throw badOption(file, key, v, `it must be one of ${choices.join(", ")}`, "evaluate");
  };
  oneOf("labelFrom", LABEL_SOURCES);
  oneOf("decode", DECODE_MODES);
  oneOf("targetFrom", RECONSTRUCTION_TARGETS);
  const samples = opt<string>(o, "samples", "string", file, "evaluate");
  if (samples !== undefined) {
    try {
      parseSampleRange(samples);
    } catch (e) {
      if (!isAerchipError(e)) throw e;
      throw badOption(file, "samples", samples, "it must be START:END (0-based, END excluded, END > START; either may be left out) or one index (as --samples)", "evaluate");
    }
  }
  const output = opt<string>(o, "output", "string", file, "evaluate");
  if (output === "") throw badOption(file, "output", output, "it must name an Output node of the graph (as --output)", "evaluate");
  const model = p.inputs.find((i) => i.role === "model");
  if (model === undefined) throw new AerchipError("E_RERUN_PROVENANCE", "the dataset.json's provenance names no model input", { file, field: "provenance.inputs", hint: PROVENANCE_HINT });
  const dataset = p.inputs.find((i) => i.role === "dataset");
  if (dataset === undefined) throw new AerchipError("E_RERUN_PROVENANCE", "the dataset.json's provenance names no dataset input", { file, field: "provenance.inputs", hint: PROVENANCE_HINT });
  const arch = opt<string>(o, "arch", "string", file, "evaluate");
  if (arch === undefined) throw new AerchipError("E_RERUN_PROVENANCE", "the dataset.json's provenance names no --arch", { file, field: "provenance.options.arch", hint: PROVENANCE_HINT });
  const shared = sharedRecordedOptions(o, file, "evaluate");
  // evaluate records --precision as the document's precision, not in provenance.options: read it there, or
  // a fixed-point evaluation would re-run in float and differ in every fixed-point field.
  const precision: unknown = (doc as { precision?: unknown }).precision;
  if (precision !== undefined && (typeof precision !== "string" || !(PRECISIONS as readonly string[]).includes(precision))) {
    throw new AerchipError("E_RERUN_PROVENANCE", `precision is ${JSON.stringify(precision)}; it must be one of ${PRECISIONS.join(", ")}`, { file, field: "precision", hint: PROVENANCE_HINT });
  }
  const labelFrom = opt<string>(o, "labelFrom", "string", file, "evaluate");
  const labels = opt<string>(o, "labels", "string", file, "evaluate");
  if (labels === "") throw badOption(file, "labels", labels, "it must name the label CSV (as --labels)", "evaluate");
  const shuffle = opt<boolean>(o, "shuffle", "boolean", file, "evaluate");
  const sliceUs = opt<number>(o, "sliceUs", "number", file, "evaluate");
  const gestureLabels = opt<boolean>(o, "gestureLabels", "boolean", file, "evaluate");
  if (sliceUs !== undefined && !(Number.isFinite(sliceUs) && sliceUs > 0)) throw badOption(file, "sliceUs", sliceUs, "it must be a number > 0 (µs, as --slice-us)", "evaluate");
  const decode = opt<string>(o, "decode", "string", file, "evaluate");
  const targetFrom = opt<string>(o, "targetFrom", "string", file, "evaluate");
  // JSON models: the input population the samples drove (recorded even when it was the default).
  const inputPopulation = opt<string>(o, "inputPopulation", "string", file, "evaluate");
  const frozen = opt<boolean>(o, "frozen", "boolean", file, "evaluate");
  const initialWeights = p.inputs.find((i) => i.role === "initial-weights")?.path;
  const targetDir = p.inputs.find((i) => i.role === "targets")?.path;
  return {
    model: model.path, dataset: dataset.path,
    options: {
      input: dataset.path, arch, out, json: false, quiet: true,
      ...shared,
      ...(precision === undefined ? {} : { precision: precision as "float" | "fixed" }),
      ...(samples === undefined ? {} : { samples }),
      ...(shuffle === true ? { shuffle } : {}),
      // "number" is the default, and evaluate refuses --label-from on a data set that is not a directory.
      ...(labelFrom === undefined || labelFrom === "number" ? {} : { labelFrom: labelFrom as LabelSource }),
      ...(labels === undefined ? {} : { labels }),
      ...(sliceUs === undefined ? {} : { sliceUs }),
      ...(gestureLabels === true ? { gestureLabels } : {}),
      ...(output === undefined ? {} : { output }),
      ...(inputPopulation === undefined ? {} : { inputPopulation }),
      ...(frozen === true ? { frozen } : {}),
      ...(initialWeights === undefined ? {} : { initialWeights }),
      ...(decode === undefined ? {} : { decode: decode as DecodeMode }),
      ...(targetFrom === undefined ? {} : { targetFrom: targetFrom as ReconstructionTarget }),
      ...(targetDir === undefined ? {} : { targetDir }),
      ...(typeof o.restSteps === "number" && o.restSteps > 0 ? { restSteps: o.restSteps } : {}),
      ...(o.perLayerTicks === true ? { perLayerTicks: true } : {}),
    },
  };
}

/**
 * Every recorded input must be there and hash as recorded: the data set by its digest over the samples
 * the plan evaluates (a directory that can no longer be listed as it was is changed too), other inputs
 * by their file's SHA-256.
 */
export async function checkDatasetInputs(doc: DatasetDocument, plan: DatasetRerunPlan, file: string): Promise<void> {
  for (const input of doc.provenance.inputs) {
    if (!existsSync(input.path)) throw inputMissing(input.role, input.path, file);
    let sha: string;
    if (input.role === "dataset") {
      const labels = plan.options.labels;
      if (labels !== undefined && !existsSync(labels)) throw inputMissing("label file (--labels)", labels, file);
      try {
        sha = await datasetInputDigest(input.path, plan.options.samples, plan.options.labelFrom, plan.options.shuffle === true ? plan.options.seed : undefined, labels, plan.options.sliceUs, plan.options.gestureLabels === true);
      } catch (e) {
        // A label file that no longer fits the data set (a row lost, a path renamed) is a changed input too.
        if (!isAerchipError(e) || !["E_DATASET_EMPTY", "E_DATASET_FORMAT", "E_DATASET_LABEL"].includes(e.code)) throw e;
        throw new AerchipError("E_RERUN_INPUT_CHANGED", `input dataset "${input.path}" has changed since the evaluation: ${e.message}`, { file, field: "provenance.inputs", hint: "restore the data set's original files to reproduce the evaluation" });
      }
    } else if (input.role === "targets") {
      // --target-dir: a digest over the evaluated samples' target files (cli/dataset-targets.ts), not one file's.
      sha = await targetsInputDigest(input.path, plan.dataset, plan.options.samples, plan.options.labelFrom, plan.options.shuffle === true ? plan.options.seed : undefined, plan.options.labels, plan.options.sliceUs, plan.options.gestureLabels === true);
    } else sha = sha256File(input.path);
    if (sha !== input.sha256) {
      // The data set's digest covers its files and the --labels CSV: say that either may have changed.
      const labels = input.role === "dataset" ? plan.options.labels : undefined;
      if (labels !== undefined) {
        throw new AerchipError("E_RERUN_INPUT_CHANGED", `input dataset "${input.path}" or its label file "${labels}" has changed since the evaluation (SHA-256 ${sha.slice(0, 12)}…, recorded ${input.sha256.slice(0, 12)}…)`, { file, field: "provenance.inputs", hint: "restore the data set's files and the --labels CSV to reproduce the evaluation" });
      }
      throw inputChanged(input.role, input.path, sha, input.sha256, file);
    }
  }
}
