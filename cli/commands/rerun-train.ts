/**
 * `aerchip rerun DIR/train.json --out DIR2` (format aerchip-train, cli/commands/train.ts): the recorded
 * options read back (only names train records: rerun-checks.ts TRAIN_RECORDED_OPTIONS) and checked as the command line checks them, every input found and hashing as recorded
 * (the data set by its digest over the samples trained on), then `aerchip train` runs again into DIR2;
 * cli/commands/rerun.ts compares the new train.json with the original field by field (the code version
 * apart) and weights.json byte for byte.
 */
import { existsSync } from "node:fs";
import { AerchipError } from "../../core/diagnostics.ts";
import { eventTransformsFromProvenance } from "../event-transforms.ts";
import type { CostMode } from "../../chip/report/counts-only.ts";
import { BILL_LEARNING, COST_MODES, MAX_LEARN_PASSES, MAX_RUN_TICKS, MAX_SEED, PLACEMENTS, PRECISIONS, TIMINGS, wholeNumberProblem } from "../option-limits.ts";
import type { LearningBillingBasis } from "../../chip/spec/types.ts";
import { sha256File } from "../provenance.ts";
import { datasetDigest } from "./evaluate.ts";
import { listDatasetSamples, parseSampleRange } from "../dataset-inputs.ts";
import { thirdFactorFromProvenance } from "../third-factor.ts";
import { THIRD_FACTOR_DIR_ROLE, thirdFactorDirDigest } from "../third-factor-dir.ts";
import { STLLR_PSI } from "../../chip/program/named-rules.ts";
import { badOption, checkOptionNamesKnown, inputChanged, inputMissing, opt, provenanceHint, readRecordedDocument, TRAIN_RECORDED_OPTIONS, type RecordedOptions } from "./rerun-checks.ts";
import { TRAIN_FORMAT, TRAIN_VERSION, type TrainCommandOptions } from "./train.ts";
import type { PlacementStrategy } from "../../compiler/passes/place.ts";

interface TrainInput { readonly role: string; readonly path: string; readonly sha256: string }

export interface TrainRerunPlan {
  readonly model: string;
  readonly dataset: string;
  readonly arch: string;
  readonly options: TrainCommandOptions;
  readonly inputs: readonly TrainInput[];
}

const HINT = provenanceHint("train");

/** The plan of a train.json, or undefined when `path` is not one (another kind of report). */
export function trainRerunPlan(path: string, out: string): TrainRerunPlan | undefined {
  const raw = readRecordedDocument(path, TRAIN_FORMAT, TRAIN_VERSION, "train") as { provenance: { inputs: TrainInput[]; options: RecordedOptions } } | undefined;
  if (raw === undefined) return undefined;
  const p = raw.provenance;
  const inputs = p.inputs;
  const o = p.options;
  checkOptionNamesKnown(o, TRAIN_RECORDED_OPTIONS, path, "train");
  const role = (r: string): string | undefined => inputs.find((i) => i.role === r)?.path;
  const model = role("model");
  const dataset = role("dataset");
  if (model === undefined || dataset === undefined) throw new AerchipError("E_RERUN_PROVENANCE", "the train.json's provenance names no model or dataset input", { file: path, field: "provenance.inputs", hint: HINT });
  const whole = (key: string, min: number, max: number): number | undefined => {
    const v = opt<number>(o, key, "number", path, "train");
    const problem = v === undefined ? undefined : wholeNumberProblem(v, min, max);
    if (problem !== undefined) throw badOption(path, key, v, problem, "train");
    return v;
  };
  const oneOf = <T extends string>(key: string, choices: readonly string[]): T | undefined => {
    const v = opt<string>(o, key, "string", path, "train");
    if (v !== undefined && !choices.includes(v)) throw badOption(path, key, v, `it must be one of ${choices.join(", ")}`, "train");
    return v as T | undefined;
  };
  const arch = opt<string>(o, "arch", "string", path, "train");
  if (arch === undefined) throw new AerchipError("E_RERUN_PROVENANCE", "the train.json's provenance names no --arch", { file: path, field: "provenance.options.arch", hint: HINT });
  const tickUs = opt<number>(o, "tickUs", "number", path, "train");
  if (tickUs !== undefined && !(tickUs > 0 && Number.isFinite(tickUs))) throw badOption(path, "tickUs", tickUs, "it must be a number > 0 (as --tick-us)", "train");
  const samples = opt<string>(o, "samples", "string", path, "train");
  const inputPopulation = opt<string>(o, "inputPopulation", "string", path, "train");
  const precision = oneOf<"float" | "fixed">("precision", PRECISIONS);
  const steps = whole("steps", 1, MAX_RUN_TICKS);
  const initialWeights = role("initial-weights");
  const thirdFactorDir = thirdFactorFromProvenance(inputs, o, (key) => {
    throw badOption(path, key, o[key], "it must list the third-factor directories' populations (\"*\" for the global one), as aerchip train records --third-factor-dir", "train");
  }, THIRD_FACTOR_DIR_ROLE, "thirdFactorDir");
  const psi = oneOf<NonNullable<TrainCommandOptions["psi"]>>("psi", Object.keys(STLLR_PSI));
  // Learning curve (--eval-every N --test DATASET [--output POP]).
  const evalEvery = whole("evalEvery", 1, Number.MAX_SAFE_INTEGER);
  const test = role("test");
  const output = opt<string>(o, "output", "string", path, "train");
  if ((evalEvery === undefined) !== (test === undefined)) throw badOption(path, "evalEvery", o.evalEvery ?? null, "it and an input of role test are recorded together (--eval-every N --test DATASET)", "train");
  const billLearning = oneOf<LearningBillingBasis>("billLearning", BILL_LEARNING);
  const costs = oneOf<CostMode>("costs", COST_MODES);
  // Absent in train.json files written before --timing: no time model, as then.
  const timing = oneOf<"simple" | "detailed">("timing", TIMINGS);
  const tickPeriodUs = opt<number>(o, "tickPeriodUs", "number", path, "train");
  if (tickPeriodUs !== undefined && !(tickPeriodUs >= 0 && Number.isFinite(tickPeriodUs))) throw badOption(path, "tickPeriodUs", tickPeriodUs, "it must be a number ≥ 0 (as --tick-period-us)", "train");
  const realtime = opt<boolean>(o, "realtime", "boolean", path, "train");
  if (realtime !== undefined && (realtime !== true || tickPeriodUs !== undefined)) throw badOption(path, "realtime", realtime, "it is recorded as true, and never with tickPeriodUs (as --realtime with --tick-period-us)", "train");
  const transforms = eventTransformsFromProvenance(o, (key) => {
    throw badOption(path, key, o[key], "it is not a value aerchip train records for an event transform", "train");
  });
  return {
    model, dataset, arch, inputs,
    options: {
      input: dataset, arch, out, json: false, quiet: true,
      passes: whole("passes", 1, MAX_LEARN_PASSES) ?? 1,
      seed: whole("seed", 0, MAX_SEED) ?? 0,
      placement: oneOf<PlacementStrategy>("placement", PLACEMENTS) ?? "greedy",
      ...(precision === undefined ? {} : { precision }),
      ...(steps === undefined ? {} : { steps }),
      ...(tickUs === undefined ? {} : { tickUs }),
      ...(samples === undefined ? {} : { samples }),
      ...(opt<boolean>(o, "shuffle", "boolean", path, "train") === true ? { shuffle: true } : {}),
      ...(inputPopulation === undefined ? {} : { inputPopulation }),
      ...(initialWeights === undefined ? {} : { initialWeights }),
      ...(thirdFactorDir === undefined ? {} : { thirdFactorDir }),
      ...(psi === undefined ? {} : { psi }),
      ...(evalEvery === undefined || test === undefined ? {} : { evalEvery, test }),
      ...(output === undefined ? {} : { output }),
      ...(billLearning === undefined ? {} : { billLearning }),
      ...(costs === undefined ? {} : { costs }),
      ...(timing === undefined ? {} : { timing }),
      ...(tickPeriodUs === undefined ? {} : { tickPeriodUs }),
      ...(realtime === true ? { realtime } : {}),
      ...transforms,
    },
  };
}

/**
 * Every recorded input is there and hashes as recorded (the data set by its digest over the samples trained
 * on; a --third-factor-dir by its digest over those samples' files, a missing one E_THIRD_FACTOR_MISSING).
 */
export async function checkTrainInputs(plan: TrainRerunPlan, file: string): Promise<void> {
  const o = plan.options;
  for (const input of plan.inputs) if (!existsSync(input.path)) throw inputMissing(input.role, input.path, file);
  const listing = await listDatasetSamples(plan.dataset, o.samples === undefined ? undefined : parseSampleRange(o.samples), "none", o.shuffle === true ? o.seed : undefined);
  for (const input of plan.inputs) {
    const sha = input.role === "dataset" ? datasetDigest(listing)
      : input.role === "test" ? datasetDigest(await listDatasetSamples(input.path, undefined, "number"))
      : input.role === THIRD_FACTOR_DIR_ROLE ? thirdFactorDirDigest(input.path, listing)
      : sha256File(input.path);
    if (sha !== input.sha256) throw inputChanged(input.role, input.path, sha, input.sha256, file);
  }
}
