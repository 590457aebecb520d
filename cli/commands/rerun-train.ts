/**
 * `aerchip rerun DIR/train.json --out DIR2` (format aerchip-train, cli/commands/train.ts): the recorded
 * options read back and checked as the command line checks them, every input found and hashing as recorded
 * (the data set by its digest over the samples trained on), then `aerchip train` runs again into DIR2;
 * cli/commands/rerun.ts compares the new train.json with the original field by field (the code version
 * apart) and weights.json byte for byte.
 */
import { existsSync } from "node:fs";
import { AerchipError } from "../../core/diagnostics.ts";
import { eventTransformsFromProvenance } from "../event-transforms.ts";
import { BILL_LEARNING, MAX_LEARN_PASSES, MAX_RUN_TICKS, MAX_SEED, PLACEMENTS, PRECISIONS, wholeNumberProblem } from "../option-limits.ts";
import type { LearningBillingBasis } from "../../chip/spec/types.ts";
import { sha256File } from "../provenance.ts";
import { datasetInputDigest } from "./evaluate.ts";
import { badOption, inputChanged, inputMissing, opt, provenanceHint, readRecordedDocument, type RecordedOptions } from "./rerun-checks.ts";
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
  const billLearning = oneOf<LearningBillingBasis>("billLearning", BILL_LEARNING);
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
      ...(billLearning === undefined ? {} : { billLearning }),
      ...transforms,
    },
  };
}

/** Every recorded input is there and hashes as recorded (the data set by its digest over the samples trained on). */
export async function checkTrainInputs(plan: TrainRerunPlan, file: string): Promise<void> {
  for (const input of plan.inputs) {
    if (!existsSync(input.path)) throw inputMissing(input.role, input.path, file);
    const sha = input.role === "dataset"
      ? await datasetInputDigest(input.path, plan.options.samples, "none", plan.options.shuffle === true ? plan.options.seed : undefined)
      : sha256File(input.path);
    if (sha !== input.sha256) throw inputChanged(input.role, input.path, sha, input.sha256, file);
  }
}
