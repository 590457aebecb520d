/**
 * A batch of consecutive samples of `aerchip evaluate --jobs N`, as one sample worker runs it
 * (cli/evaluate/worker.ts): the worker loads the model (cli/evaluate/dataset-model.ts) and compiles it itself once, with the options
 * the main thread compiled it with (the compile is deterministic: the same program), builds its state, and
 * runs its samples with evaluateSample, the function the sequential loop calls.
 *
 * An AerchipError in a sample ends the batch: the batch's earlier samples are returned with the error (code,
 * message, file, field, hint), which the main thread throws again as it was. Any other error is a bug and
 * rejects the task.
 */
import { AerchipError, isAerchipError, type Diagnostic } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import type { DecodeMode } from "../../chip/report/dataset.ts";
import { loadDatasetModel, type DatasetModel, type DatasetModelOptions } from "./dataset-model.ts";
import { chooseDecode, chooseOutput } from "../dataset-decode.ts";
import type { DatasetSample } from "../dataset-inputs.ts";
import { nirOptions } from "../commands/run-nir.ts";
import { nirChipOptions } from "../../compiler/frontends/nir/index.ts";
import { compileForDataset, evaluateSample, sampleRunner, type SampleOutcome, type SampleRunner, type SampleRunOptions } from "./sample.ts";

/** What a runner is built from: plain data (structured-cloned into the worker). */
export interface SampleRunnerInputs {
  readonly modelPath: string;
  /** The chip, paced as the main thread paced it. */
  readonly spec: ChipSpec;
  readonly options: SampleRunOptions & DatasetModelOptions & { readonly decode?: DecodeMode };
}

/** What every task carries: the runner's inputs, and the provenance the samples' reports are built with. */
export interface SampleWorkerSetup extends SampleRunnerInputs {
  /** Tells one evaluation's setup from another's (a worker keeps the runner of the last one it saw). */
  readonly key: string;
  readonly provenance: RunReport["provenance"];
}

export interface SampleBatchTask {
  readonly setup: SampleWorkerSetup;
  readonly samples: readonly DatasetSample[];
  /** Position of the batch's first sample among the evaluated samples (0-based). */
  readonly first: number;
  readonly total: number;
}

/** An AerchipError, as data (a worker's thrown error loses its fields when it crosses the thread). */
export interface SampleError extends Omit<Diagnostic, "severity"> {
  readonly position: number;
}

export interface SampleBatchResult {
  /** The batch's samples in order, up to the one that failed (if any). */
  readonly outcomes: readonly SampleOutcome[];
  readonly error?: SampleError;
}

export function sampleErrorOf(e: AerchipError, position: number): SampleError {
  return {
    position, code: e.code, message: e.message,
    ...(e.file === undefined ? {} : { file: e.file }), ...(e.field === undefined ? {} : { field: e.field }), ...(e.hint === undefined ? {} : { hint: e.hint }),
    ...(e.byteOffset === undefined ? {} : { byteOffset: e.byteOffset }), ...(e.excerpt === undefined ? {} : { excerpt: e.excerpt }),
  };
}

export function aerchipErrorOf(e: SampleError): AerchipError {
  return new AerchipError(e.code, e.message, {
    ...(e.file === undefined ? {} : { file: e.file }), ...(e.field === undefined ? {} : { field: e.field }), ...(e.hint === undefined ? {} : { hint: e.hint }),
    ...(e.byteOffset === undefined ? {} : { byteOffset: e.byteOffset }), ...(e.excerpt === undefined ? {} : { excerpt: e.excerpt }),
  });
}

/**
 * What a worker starts on as it starts (piscina workerData), while the main thread checks the samples and
 * compiles: the model's load, and the whole runner when the chip is known before the check (it is, unless
 * --realtime takes the tick period from the samples).
 */
export interface SampleWorkerPreload {
  readonly modelPath: string;
  /** How the model is read (NIR reader options; a JSON model's input and output populations). */
  readonly nir: DatasetModelOptions;
  readonly runner?: SampleRunnerInputs;
}

interface Started<T> {
  readonly key: string;
  readonly value: Promise<T>;
}

let preloaded: { readonly model: Started<DatasetModel>; readonly runner?: Started<SampleRunner> } | undefined;

// spec: the chip the model is loaded for (a NIR graph's bias sources depend on its core.maxDelayTicks and
// synapseEncoding.delayPerSynapse: nirChipOptions).
const modelKey = (modelPath: string, o: DatasetModelOptions, spec?: ChipSpec): string => JSON.stringify([modelPath, nirOptions(o), o.inputPopulation ?? null, o.output ?? null, o.initialWeights ?? null, o.frozen === true, spec === undefined ? null : nirChipOptions(spec)]);
const runnerKey = (i: SampleRunnerInputs): string => JSON.stringify([i.modelPath, i.spec, i.options]);

/** Not a failure to report: a failed start fails again, with the same error, when the setup uses it. */
function started<T>(key: string, value: Promise<T>): Started<T> {
  value.catch(() => {});
  return { key, value };
}

/** Starts loading the model, and building the runner (called once, as the worker module loads); runnerFromSetup takes them if the setup is the same. */
export function preloadModel(p: SampleWorkerPreload): void {
  const spec = p.runner?.spec;
  const model = started(modelKey(p.modelPath, p.nir, spec), loadDatasetModel(p.modelPath, p.nir, true, spec));
  preloaded = { model };
  // The provenance is set per task (it only goes into each sample's report, which is not kept).
  if (p.runner !== undefined) preloaded = { model, runner: started(runnerKey(p.runner), buildRunner(p.runner, { aerchipVersion: "", inputs: [], options: {} })) };
}

/** A runner built from its inputs: the same steps as the main thread's (cli/commands/evaluate.ts). */
async function buildRunner(i: SampleRunnerInputs, provenance: RunReport["provenance"]): Promise<SampleRunner> {
  const o = i.options;
  const key = modelKey(i.modelPath, o, i.spec);
  const m = await (preloaded?.model.key === key ? preloaded.model.value : loadDatasetModel(i.modelPath, o, true, i.spec));
  const out0 = chooseOutput(m, o.output, i.modelPath);
  const decode = chooseDecode(out0, o.decode, i.modelPath);
  const c = compileForDataset(i.spec, m, i.modelPath, o);
  return sampleRunner(i.spec, m, i.modelPath, o, c, out0, decode, provenance);
}

/** The runner for a setup: the one started with the worker if its inputs are the setup's, else built now. */
export async function runnerFromSetup(setup: SampleWorkerSetup): Promise<SampleRunner> {
  if (preloaded?.runner !== undefined && preloaded.runner.key === runnerKey(setup)) return { ...(await preloaded.runner.value), provenance: setup.provenance };
  return buildRunner(setup, setup.provenance);
}

let cached: { readonly key: string; readonly runner: Promise<SampleRunner> } | undefined;

/** Runs one batch on this thread's runner (built on the first batch of an evaluation). */
export async function runSampleBatch(task: SampleBatchTask): Promise<SampleBatchResult> {
  const outcomes: SampleOutcome[] = [];
  let position = task.first;
  try {
    if (cached?.key !== task.setup.key) cached = { key: task.setup.key, runner: runnerFromSetup(task.setup) };
    const runner = await cached.runner;
    try {
      for (const s of task.samples) {
        outcomes.push(await evaluateSample(runner, s, position, task.total));
        position++;
      }
    } finally {
      // An SHD file is open while the batch's consecutive samples are read, and no longer.
      runner.reader.close();
    }
    return { outcomes };
  } catch (e) {
    if (!isAerchipError(e)) throw e;
    return { outcomes, error: sampleErrorOf(e, position) };
  }
}
