/**
 * A batch of consecutive samples of `aerchip evaluate --jobs N`, as one sample worker runs it
 * (cli/evaluate/worker.ts): the worker loads the NIR model and compiles it itself once, with the options
 * the main thread compiled it with (the compile is deterministic: the same program), builds its state, and
 * runs its samples with evaluateSample, the function the sequential loop calls.
 *
 * An AerchipError in a sample ends the batch: the batch's earlier samples are returned with the error (code,
 * message, file, field, hint), which the main thread throws again as it was. Any other error is a bug and
 * rejects the task.
 */
import { AerchipError, isAerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import type { DecodeMode } from "../../chip/report/dataset.ts";
import { loadNirModel, type LoadedNirModel } from "../../compiler/frontends/nir/index.ts";
import { chooseDecode, chooseOutput } from "../dataset-decode.ts";
import type { DatasetSample } from "../dataset-inputs.ts";
import { nirOptions, type NirCliOptions } from "../commands/run-nir.ts";
import { compileForDataset, evaluateSample, sampleRunner, type SampleOutcome, type SampleRunner, type SampleRunOptions } from "./sample.ts";

/** What every worker needs to build its runner: plain data (structured-cloned into the worker). */
export interface SampleWorkerSetup {
  /** Tells one evaluation's setup from another's (a worker keeps the runner of the last one it saw). */
  readonly key: string;
  readonly modelPath: string;
  /** The chip, paced as the main thread paced it. */
  readonly spec: ChipSpec;
  readonly options: SampleRunOptions & NirCliOptions & { readonly output?: string; readonly decode?: DecodeMode };
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
export interface SampleError {
  readonly position: number;
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly field?: string;
  readonly hint?: string;
  readonly byteOffset?: number;
  readonly excerpt?: readonly string[];
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

/** What a worker may load as it starts (piscina workerData), while the main thread checks the samples and compiles. */
export interface SampleWorkerPreload {
  readonly modelPath: string;
  readonly nir: NirCliOptions;
}

let preloaded: { readonly modelPath: string; readonly options: string; readonly model: Promise<LoadedNirModel> } | undefined;

/** Starts loading the model (called once, as the worker module loads); runnerFromSetup takes it if the setup's model and NIR options are the same. */
export function preloadModel(p: SampleWorkerPreload): void {
  const options = nirOptions(p.nir);
  const model = loadNirModel(p.modelPath, options);
  // A failure is reported when the model is used (loading it again gives the same error); not unhandled.
  model.catch(() => {});
  preloaded = { modelPath: p.modelPath, options: JSON.stringify(options), model };
}

/** The runner a worker builds from the setup: the same steps as the main thread's (cli/commands/evaluate.ts). */
export async function runnerFromSetup(setup: SampleWorkerSetup): Promise<SampleRunner> {
  const o = setup.options;
  const options = nirOptions(o);
  const m = await (preloaded !== undefined && preloaded.modelPath === setup.modelPath && preloaded.options === JSON.stringify(options) ? preloaded.model : loadNirModel(setup.modelPath, options));
  const out0 = chooseOutput(m, o.output, setup.modelPath);
  const decode = chooseDecode(out0, o.decode, setup.modelPath);
  const c = compileForDataset(setup.spec, m, setup.modelPath, o);
  return sampleRunner(setup.spec, m, setup.modelPath, o, c, out0, decode, setup.provenance);
}

let cached: { readonly key: string; readonly runner: Promise<SampleRunner> } | undefined;

/** Runs one batch on this thread's runner (built on the first batch of an evaluation). */
export async function runSampleBatch(task: SampleBatchTask): Promise<SampleBatchResult> {
  const outcomes: SampleOutcome[] = [];
  let position = task.first;
  try {
    if (cached?.key !== task.setup.key) cached = { key: task.setup.key, runner: runnerFromSetup(task.setup) };
    const runner = await cached.runner;
    for (const s of task.samples) {
      outcomes.push(await evaluateSample(runner, s, position, task.total));
      position++;
    }
    return { outcomes };
  } catch (e) {
    if (!isAerchipError(e)) throw e;
    return { outcomes, error: sampleErrorOf(e, position) };
  }
}
