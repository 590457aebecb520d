/**
 * `aerchip evaluate MODEL.nir --input DATASET --arch ARCH --out DIR`: a NIR graph, or a JSON model without
 * plasticity (cli/evaluate/dataset-model.ts), over a data set, one inference per sample, and what it costs
 * per inference (docs/evaluate.md).
 *
 * The model is compiled once and its state built once (with `--jobs N`: once per worker thread too,
 * cli/evaluate/pool.ts); before each sample the state is reset to the program's initial state
 * (chip/sim/state.ts resetNeuronState: v ← vInit, no synaptic current, no pending input, not refractory)
 * and the timing wheel starts empty, so every sample is the run `aerchip run MODEL.nir --input SAMPLE`
 * would make on its own (tests/cli/evaluate.test.ts checks this sample by sample; cli/evaluate/sample.ts
 * runs one sample, on this thread or a worker). What a real chip spends on that reset (Loihi's host
 * writes, or idle ticks to let state decay) is not modelled and not charged. `--rest-steps N` adds N
 * input-free ticks after each sample (Diehl & Cook's rest), simulated and charged (counters, energy, time),
 * while the outputs are decoded over the sample's steps only (cli/evaluate/sample.ts).
 *
 * The class of a sample is decoded from the graph's Output node (a JSON model's output population): a spiking output by its spike counts in
 * NIR steps 0 … T−1, a non-spiking readout by Σ_t v, max_t v or the last v (`--decode`); argmax, the lowest
 * index on ties (numpy.argmax). A spiking output that never fired decodes to no class (numpy would say 0)
 * and counts as wrong. With --target-from input each sample also gets its reconstruction error, the decoded
 * output per step against its own input spike rates (chip/report/reconstruction.ts).
 *
 * Outputs (written together or not at all): dataset.json (format aerchip-dataset-1: provenance, per-sample
 * rows, statistics), samples.csv (one row per sample), dataset.md (the tables a paper quotes, with the
 * per-operation costs the energy is made of) and mapping.json.
 */
import { writeOutputDir } from "../earlier-outputs.ts";
import { mappingJson } from "../mapping-json.ts";
import { datasetPathHasNoName } from "../../chip/report/formats/dataset-name.ts";
import { createHash } from "node:crypto";
import { basename, join, resolve } from "node:path";
import { AerchipError, formatDiagnostic, type Diagnostic } from "../../core/diagnostics.ts";
import { dtBinningWarning } from "../nir-dt-check.ts";
import { addEventCounts, datasetEventsMergedWarning } from "../input-accounting.ts";
import type { InputEventCounts } from "../../core/io/events/index.ts";
import { checkOutputDirUsable, outputDirOption, stableJson, type OutputFile } from "../../core/atomic-write.ts";
import { checkOutDirOutside, checkOutputPaths } from "../output-paths.ts";
import { BatchActivity, EnergyTermMeans, DATASET_FORMAT, DATASET_VERSION, summariseDataset, type DatasetDocument, type DatasetSampleResult, type DecodeMode } from "../../chip/report/dataset.ts";
import { datasetCsv, datasetLatex, datasetMarkdown, datasetTables } from "../../chip/report/formats/dataset.ts";
import { renderDatasetHtml } from "../../chip/report/formats/dataset-html.ts";
import { RECONSTRUCTION_TARGETS, type ReconstructionTarget } from "../../chip/report/reconstruction.ts";
import { plainCell } from "../../chip/report/formats/cells.ts";
import { table } from "../format.ts";
import type { LoadedNirModel } from "../../compiler/frontends/nir/index.ts";
import { loadDatasetModel } from "../evaluate/dataset-model.ts";
import { modelKind } from "../option-applicability.ts";
import type { MappingReport } from "../../compiler/compile.ts";
import type { Logger } from "../../core/log.ts";
import type { PlacementStrategy } from "../../compiler/passes/place.ts";
import { loadArch } from "../load-arch.ts";
import { chooseDecode, chooseOutput } from "../dataset-decode.ts";
import { yieldForSignals } from "../interrupt.ts";
import { sha256File } from "../provenance.ts";
import { countsOnlyDataset, type CostMode } from "../../chip/report/counts-only.ts";
import { costsProvenance } from "../costs-mode.ts";
import { aerchipVersion } from "../version.ts";
import type { InputSpikes } from "../spike-inputs.ts";
import { eventBinningOf, eventTransformProvenance, eventTransformsOf, type EventTransformChoice } from "../event-transforms.ts";
import { DatasetSampleReader } from "../dataset-reader.ts";
import { readTarget, targetPathFor, targetsDigest } from "../dataset-targets.ts";
import { compileForDataset, evaluateSample, readDatasetSample, sampleRunner, type SampleOutcome } from "../evaluate/sample.ts";
import { LayerTickSums } from "../evaluate/layer-ticks-sum.ts";
import type { SampleWorkerSetup } from "../evaluate/batch.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { sampleWorkerUrl, startSampleWorkers } from "../evaluate/pool.ts";
import { checkJobsWithThreads } from "../option-applicability.ts";
import { MAX_EVALUATE_JOBS } from "../option-limits.ts";
import { MAX_RUN_TICKS } from "../../core/run-limits.ts";
import { listDatasetSamples, parseSampleRange, type DatasetListing, type DatasetSample, type LabelSource } from "../dataset-inputs.ts";
import { makeProgress, type Progress } from "../progress.ts";
import { pacedSpec, tickPeriodProvenance, tickPeriodUsFor } from "../tick-period.ts";
import { cliLogger } from "../logging.ts";
import { gitProvenance } from "./run.ts";
import { nirBiasProvenance, type NirCliOptions } from "./run-nir.ts";

/** What evaluateDataset takes (the library's entry; the CLI's options add the outputs and the printing). */
export interface EvaluateDatasetOptions extends NirCliOptions, EventTransformChoice {
  /** The data set: a directory of event files, an SHD/SSC .h5 file or one event file (cli/dataset-inputs.ts). */
  readonly input: string;
  /** Chip preset name or chip spec JSON file. */
  readonly arch: string;
  /** `START:END` of the data set's order (cli/dataset-inputs.ts parseSampleRange). */
  readonly samples?: string;
  /** How a directory's files are labelled (cli/dataset-inputs.ts); default "number". */
  readonly labelFrom?: LabelSource;
  /** A directory's labels from a CSV of path,label rows (cli/dataset-labels.ts); not with labelFrom. */
  readonly labels?: string;
  /** --slice-us W: every recording cut into consecutive W µs windows, each a sample (tonic's SliceByTime; cli/dataset-inputs.ts timeWindows). */
  readonly sliceUs?: number;
  /** --gesture-labels: each row of each recording's `*_labels.csv` is a sample (cli/dataset-inputs.ts). */
  readonly gestureLabels?: boolean;
  /** Permute the data set's order by `seed` before `samples` selects (cli/dataset-inputs.ts shuffledSamples). */
  readonly shuffle?: boolean;
  readonly steps?: number;
  readonly seed?: number;
  readonly placement?: PlacementStrategy;
  readonly timing?: "simple" | "detailed";
  readonly precision?: "float" | "fixed";
  readonly coreNeurons?: number;
  readonly tickUs?: number;
  readonly tickPeriodUs?: number;
  readonly realtime?: boolean;
  readonly threads?: number;
  /**
   * Samples evaluated at once, each worker thread with its own compiled model and state (1 … 64; default 1).
   * The outputs are byte-identical for every count (cli/evaluate/pool.ts); not with threads > 1.
   */
  readonly jobs?: number;
  /** The output decoded: a NIR Output node, or a JSON model's population (cli/evaluate/dataset-model.ts). */
  readonly output?: string;
  /** JSON models: the input population each sample drives (default: the only one). */
  readonly inputPopulation?: string;
  /** JSON models: weights learned by a run (its weights.json) in place of the model's (cli/initial-weights.ts). */
  readonly initialWeights?: string;
  /** JSON models: learning rules dropped, so a plastic model is evaluated with its weights fixed. */
  readonly frozen?: boolean;
  readonly decode?: DecodeMode;
  /**
   * Reconstruction error per sample against a target (auto-encoders): "input", the sample's own input spike
   * rates, against the decoded output per step (chip/report/reconstruction.ts); the output's size must be the input's.
   */
  readonly targetFrom?: ReconstructionTarget;
  /**
   * Reconstruction error per sample against a target file of its own: DIR/<sample id, extension .npy>
   * (cli/dataset-targets.ts), as many values as the output has neurons; not with targetFrom.
   */
  readonly targetDir?: string;
  /**
   * Input-free chip ticks simulated after each sample's own (Diehl & Cook's 150 ms rest), charged: energy,
   * counts and time include them; outputs, accuracy and layer activity use the sample's steps (default 0).
   */
  readonly restSteps?: number;
  /** --costs counts: dataset.json and its renderings without energy or power (chip/report/counts-only.ts countsOnlyDataset). */
  readonly costs?: CostMode;
  /** --per-layer-ticks: layer-ticks.csv, the per-tick, per-population counts summed over the samples (cli/evaluate/layer-ticks-sum.ts). */
  readonly perLayerTicks?: boolean;
  /** Print no warning on stderr (the NIR reader's, W_NIR_DT_BINNING); they are in the document either way. */
  readonly quiet?: boolean;
}

export interface EvaluateOptions extends EvaluateDatasetOptions {
  readonly out: string;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly logLevel?: string;
  readonly logFile?: string;
}

export interface EvaluateHooks {
  /** Called after each sample with the samples done and their number. */
  readonly onSample?: (done: number, total: number) => void;
  readonly logger?: Logger;
}

export interface DatasetEvaluation {
  readonly document: DatasetDocument;
  /** The compile's mapping (as `run`'s mapping.json), with a NIR graph's projections. */
  readonly mapping: MappingReport & { readonly nirProjections?: LoadedNirModel["projections"] };
  /** Where the samples ran: on `threads` worker threads (--jobs), or on this thread (--jobs 1, or no compiled worker). Not written. */
  readonly parallel: { readonly mode: "workers" | "in-process"; readonly threads: number };
  /** --per-layer-ticks: layer-ticks.csv's bytes. */
  readonly layerTicksCsv?: Uint8Array;
}

/**
 * SHA-256 that identifies the data set in the provenance: of the file (.h5 or one event file), or for a
 * directory over "id<TAB>SHA-256 of the file<LF>" of every evaluated sample, in the data set's order,
 * then, with --labels, "--labels<TAB>SHA-256 of the CSV<LF>" (a changed label file is a changed data set).
 */
export function datasetDigest(listing: DatasetListing): string {
  if (listing.kind !== "directory" && listing.gestureLabelFiles === undefined) return sha256File(listing.path);
  if (listing.kind !== "directory") return createHash("sha256").update(`${sha256File(listing.path)}\n--gesture-labels\t${sha256File(listing.gestureLabelFiles![0])}\n`).digest("hex");
  const h = createHash("sha256");
  for (const s of listing.samples) h.update(`${s.id}\t${sha256File(s.path)}\n`);
  if (listing.labelFile !== undefined) h.update(`--labels\t${sha256File(listing.labelFile)}\n`);
  for (const t of listing.gestureLabelFiles ?? []) h.update(`--gesture-labels\t${sha256File(t)}\n`);
  return h.digest("hex");
}

/**
 * The digest `evaluate --input INPUT [--samples RANGE] [--label-from L | --labels CSV] [--shuffle --seed S]`
 * records for its data set (`shuffleSeed`: S with --shuffle, else undefined), recomputed from the files as
 * they are now (`aerchip rerun` compares it with the recorded one).
 */
export async function datasetInputDigest(input: string, samples: string | undefined, labelFrom: LabelSource | undefined, shuffleSeed?: number, labelFile?: string, sliceUs?: number, gestureLabels = false): Promise<string> {
  return datasetDigest(await listDatasetSamples(input, samples === undefined ? undefined : parseSampleRange(samples), labelFrom ?? "number", shuffleSeed, labelFile, sliceUs, gestureLabels));
}

/** The digest `evaluate --target-dir DIR` records for the targets of the samples it evaluates (cli/dataset-targets.ts targetsDigest), recomputed for `aerchip rerun`. */
export async function targetsInputDigest(dir: string, input: string, samples: string | undefined, labelFrom: LabelSource | undefined, shuffleSeed?: number, labelFile?: string, sliceUs?: number, gestureLabels = false): Promise<string> {
  const listing = await listDatasetSamples(input, samples === undefined ? undefined : parseSampleRange(samples), labelFrom ?? "number", shuffleSeed, labelFile, sliceUs, gestureLabels);
  return targetsDigest(dir, listing.kind, listing.samples);
}

/**
 * --target-from input compares output neuron i with input neuron i (flat C order): the output population
 * must have as many neurons as the input the samples drive. E_EVALUATE_TARGET naming both sizes otherwise.
 */
function checkReconstructionSizes(target: ReconstructionTarget, inputName: string, inputShape: readonly number[], outputName: string, outSize: number, modelPath: string): void {
  if (!RECONSTRUCTION_TARGETS.includes(target)) throw new AerchipError("E_CLI_OPTION", `--target-from must be one of ${RECONSTRUCTION_TARGETS.join(", ")}, got ${String(target)}`, { field: "--target-from", hint: "give --target-from input" });
  const inSize = inputShape.reduce((a, b) => a * b, 1);
  if (inSize === outSize) return;
  throw new AerchipError("E_EVALUATE_TARGET", `--target-from input compares each output neuron with the input neuron of the same index, but output ${outputName} has ${outSize} neuron${outSize === 1 ? "" : "s"} and input ${inputName} ${inSize} (shape ${inputShape.join("x")})`, {
    file: modelPath, field: "--target-from", hint: `decode an output of ${inSize} neurons (--output NAME: the auto-encoder's reconstruction layer), or drop --target-from`,
  });
}

/** Evaluations this process started on workers (tells their setups apart, cli/evaluate/batch.ts). */
let evaluations = 0;

/** `make()`, or undefined if it throws: an error it raises is raised again, in its place, by the evaluation's own call. */
function specIfValid(make: () => ChipSpec): ChipSpec | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

/** The options that set how the NIR graph is read (NirCliOptions but --input). */
const NIR_KEYS = ["dt", "reset", "recurrentBias", "nirBias", "ifMultiSpike", "lenient"] as const;

/** The fields of `o` named in `keys` that are set (a worker's setup carries only plain option values). */
function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/**
 * A NIR graph or JSON model over a data set, one inference per sample (see the module comment): the document
 * dataset.json holds, and the mapping. Writes nothing.
 */
export async function evaluateDataset(modelPath: string, opts: EvaluateDatasetOptions, hooks: EvaluateHooks = {}): Promise<DatasetEvaluation> {
  const o = { seed: 0, placement: "greedy" as PlacementStrategy, timing: "simple" as const, ...opts };
  const kind = modelKind(modelPath);
  if (kind !== "nir" && kind !== "json") {
    throw new AerchipError("E_EVALUATE_MODEL", `evaluate runs NIR graphs (.nir) and JSON models over a data set; ${kind === "program" ? "a compiled program" : "a SANA-FE network"} is not one`, { file: modelPath, field: "model", hint: "use `aerchip run` for SANA-FE and .aerprog models, or evaluate the model file they were made from" });
  }
  if (o.steps !== undefined && (!Number.isInteger(o.steps) || o.steps < 1)) throw new AerchipError("E_CLI_OPTION", `--steps must be a whole number >= 1, got ${o.steps}`, { field: "--steps", hint: "give the NIR steps each sample runs" });
  const rest = o.restSteps ?? 0;
  if (!Number.isInteger(rest) || rest < 0 || rest > MAX_RUN_TICKS) throw new AerchipError("E_CLI_OPTION", `--rest-steps must be a whole number from 0 to ${MAX_RUN_TICKS}, got ${rest}`, { field: "--rest-steps", hint: "give the input-free ticks simulated after each sample" });
  if (o.targetDir !== undefined && o.targetFrom !== undefined) {
    throw new AerchipError("E_CLI_OPTION", "--target-dir and --target-from both say what the output is compared with; give one", { field: "--target-dir", hint: "drop --target-from (the files are the targets) or --target-dir" });
  }
  const jobs = o.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_EVALUATE_JOBS) throw new AerchipError("E_CLI_OPTION", `--jobs must be a whole number from 1 to ${MAX_EVALUATE_JOBS}, got ${jobs}`, { field: "--jobs", hint: "give the number of samples to evaluate at once (at most the cores the machine has is useful)" });
  checkJobsWithThreads(jobs, o.threads ?? 1);
  const archSpec = loadArch(o.arch, { ...(o.coreNeurons === undefined ? {} : { coreNeurons: o.coreNeurons }) });
  if (o.labels !== undefined && o.labelFrom !== undefined) {
    throw new AerchipError("E_CLI_OPTION", "--labels and --label-from both say how the files are labelled; give one", { field: "--labels", hint: "drop --label-from (the CSV gives the labels) or --labels" });
  }
  if (o.gestureLabels === true) {
    const other = o.sliceUs !== undefined ? "--slice-us" : o.labels !== undefined ? "--labels" : o.labelFrom !== undefined ? "--label-from" : o.targetDir !== undefined ? "--target-dir" : undefined;
    if (other !== undefined) throw new AerchipError("E_CLI_OPTION", `--gesture-labels takes the samples and their classes from each recording's *_labels.csv; it does not go with ${other}`, { field: "--gesture-labels", hint: `drop ${other} (or --gesture-labels)` });
  }
  if (o.sliceUs !== undefined && o.targetDir !== undefined) {
    throw new AerchipError("E_CLI_OPTION", "--slice-us makes several samples of one file, and --target-dir has one target per file", { field: "--slice-us", hint: "drop --target-dir (or --slice-us)" });
  }
  const listing = await listDatasetSamples(o.input, o.samples === undefined ? undefined : parseSampleRange(o.samples), o.labelFrom ?? "number", o.shuffle === true ? o.seed ?? 0 : undefined, o.labels, o.sliceUs, o.gestureLabels === true);
  if (o.labelFrom !== undefined && listing.kind !== "directory") {
    throw new AerchipError("E_CLI_OPTION", `--label-from applies to a directory data set; ${o.input} is ${listing.kind === "hdf5" ? "an SHD/SSC file, labelled by its own labels" : "one file"}`, { file: o.input, field: "--label-from", hint: "drop --label-from" });
  }
  // --target-dir: where each sample's target file is (cli/dataset-targets.ts), on this thread and the workers.
  const targets = o.targetDir === undefined ? undefined : { dir: o.targetDir, kind: listing.kind };
  // --jobs: the workers start now and load the model while this thread reads every sample and compiles.
  const workerUrl = jobs > 1 && listing.samples.length > 1 ? sampleWorkerUrl() : undefined;
  // What each worker builds its runner from; without --realtime the chip is known now, so the workers
  // compile and build their state meanwhile too (the setup of the first task is compared with it).
  const workerOptions: SampleWorkerSetup["options"] = {
    seed: o.seed, placement: o.placement, timing: o.timing, ...pick(o, ["steps", "tickUs", "precision", "threads", "output", "inputPopulation", "initialWeights", "frozen", "decode", "targetFrom", "restSteps", "perLayerTicks", ...NIR_KEYS]), ...eventTransformsOf(o),
    ...(targets === undefined ? {} : { targets }),
  };
  const earlySpec = workerUrl === undefined || o.realtime === true ? undefined : specIfValid(() => pacedSpec(archSpec, o.tickPeriodUs, o));
  const workers = workerUrl === undefined ? undefined : startSampleWorkers(workerUrl, jobs, listing.samples.length, {
    modelPath, nir: pick(o, [...NIR_KEYS, "inputPopulation", "output", "initialWeights", "frozen"]),
    ...(earlySpec === undefined ? {} : { runner: { modelPath, spec: earlySpec, options: workerOptions } }),
  });
  try {
    const m = await loadDatasetModel(modelPath, o, o.quiet === true, archSpec);
    const out0 = chooseOutput(m, o.output, modelPath);
    const decode = chooseDecode(out0, o.decode, modelPath);
    const outSize = out0.shape.reduce((a, b) => a * b, 1);
    if (o.targetFrom !== undefined) checkReconstructionSizes(o.targetFrom, m.inputPopulation, m.inputShape, out0.output, outSize, modelPath);
    const logger = hooks.logger;
    if (o.steps !== undefined && o.steps + m.extraTicks > MAX_RUN_TICKS) {
      throw new AerchipError("E_CLI_OPTION", `--steps ${o.steps} plus the graph's ${m.extraTicks} pipeline ticks exceeds the ${MAX_RUN_TICKS} ticks a run simulates`, { file: modelPath, field: "--steps", hint: `give --steps at most ${MAX_RUN_TICKS - m.extraTicks}` });
    }

    // The first sample fixes the pacing (--realtime takes the tick length it was binned at). An .h5 data
    // set is opened once for the check below and once per runner for the evaluation (cli/dataset-reader.ts).
    const transforms = eventTransformsOf(o);
    const checkReader = new DatasetSampleReader(m.inputShape, o.tickUs, transforms);
    const readSample = (s: DatasetSample): Promise<InputSpikes> => readDatasetSample(o, s, checkReader);
    // Every sample is read (and checked) before anything is compiled or simulated: a damaged file, a file
    // --realtime cannot pace, or a label the output cannot give stops the command in seconds, not after
    // hours of simulation. The files are read again, one at a time, when their turn comes.
    let periodUs: number | undefined;
    let timed = 0;
    let dtWarning: Diagnostic | undefined;
    // The event samples' events read, dropped, binned and merged, summed for W_EVENTS_MERGED (cli/input-accounting.ts).
    let events: InputEventCounts | undefined;
    let eventSamples = 0;
    try {
      for (let i = 0; i < listing.samples.length; i++) {
        const s = listing.samples[i];
        // Ctrl-C is seen here too (a check of thousands of files takes seconds).
        await yieldForSignals(`while checking sample ${i + 1} of ${listing.samples.length} (${s.id}) before the evaluation`);
        const input = await readSample(s);
        if (o.targetDir !== undefined) readTarget(targetPathFor(o.targetDir, listing.kind, s), outSize, out0.output);
        const simTicks = (o.steps ?? input.steps) + m.extraTicks + rest;
        if (rest > 0 && simTicks > MAX_RUN_TICKS) {
          throw new AerchipError("E_CLI_OPTION", `${s.path}: its ${o.steps ?? input.steps} steps${m.extraTicks === 0 ? "" : ` plus the graph's ${m.extraTicks} pipeline ticks`} plus --rest-steps ${rest} make ${simTicks} ticks; a run simulates at most ${MAX_RUN_TICKS}`, { file: s.path, field: "--rest-steps", hint: `give --rest-steps at most ${Math.max(0, MAX_RUN_TICKS - simTicks + rest)}` });
        }
        // Events binned at --tick-us, or into --time-bins (dense tensors refuse the bins): not a dense tensor.
        if (input.tickUs !== undefined || eventBinningOf(transforms) !== undefined) timed++;
        if (m.nir !== undefined) dtWarning ??= dtBinningWarning(m.nir, input.tickUs, s.path, transforms.eventOverlap);
        if (input.events !== undefined) eventSamples++;
        events = addEventCounts(events, input.events);
        const p = tickPeriodUsFor(o, input.tickUs, s.path);
        if (i === 0) periodUs = p;
        else if (p !== periodUs) {
          throw new AerchipError("E_CLI_OPTION", `--realtime paces every sample at the tick its events were binned at; ${s.path} gives ${p} µs and ${listing.samples[0].path} ${periodUs} µs`, { file: s.path, field: "--realtime", hint: "give --tick-period-us P instead, or a data set of one format" });
        }
        if (s.label !== null && s.label >= outSize) {
          throw new AerchipError("E_DATASET_LABEL", `${s.path} is labelled ${s.label}, but output ${out0.output} has ${outSize} neuron${outSize === 1 ? "" : "s"} (classes 0 … ${outSize - 1})`, { file: o.labels ?? s.path, field: o.labels !== undefined ? "--labels" : listing.kind === "hdf5" ? "labels" : "--input", hint: listing.kind !== "directory" ? "check the data set matches the model's output" : o.labels !== undefined ? `check the labels in ${o.labels} (classes 0 … ${outSize - 1})` : o.labelFrom === "folders" ? `the data set has ${listing.classNames?.length ?? 0} class folders and the output ${outSize} neurons: check --input, or give --label-from none` : "check --input points at the data set's split folder (its whole-number folders are the labels), or give --label-from none" });
        }
      }
    } finally {
      checkReader.close();
    }
    if (dtWarning !== undefined && opts.quiet !== true) process.stderr.write(`aerchip: ${formatDiagnostic(dtWarning)}\n`);
    const mergedWarning = datasetEventsMergedWarning(events, eventSamples, o.tickUs ?? 1000, o.input, eventBinningOf(transforms));
    if (mergedWarning !== undefined && opts.quiet !== true) process.stderr.write(`aerchip: ${formatDiagnostic(mergedWarning)}\n`);
    const warnings = [...m.warnings, ...(dtWarning === undefined ? [] : [dtWarning]), ...(mergedWarning === undefined ? [] : [mergedWarning])].map((w) => `${w.code}: ${w.message}`);
    const spec = pacedSpec(archSpec, periodUs, o);
    const provenance = {
      aerchipVersion: aerchipVersion(),
      ...gitProvenance(),
      inputs: [
        { role: "model", path: modelPath, sha256: sha256File(modelPath) }, { role: "dataset", path: o.input, sha256: datasetDigest(listing) },
        ...(o.initialWeights === undefined ? [] : [{ role: "initial-weights", path: o.initialWeights, sha256: sha256File(o.initialWeights) }]),
        ...(o.targetDir === undefined ? [] : [{ role: "targets", path: o.targetDir, sha256: targetsDigest(o.targetDir, listing.kind, listing.samples) }]),
      ],
      options: {
        arch: o.arch, steps: o.steps ?? null, seed: o.seed, placement: o.placement, timing: o.timing, coreNeurons: o.coreNeurons ?? null,
        // A NIR graph's reader options; a JSON model's input population instead (cli/evaluate/dataset-model.ts).
        ...(m.nir === undefined ? { inputPopulation: m.inputPopulation, ...(o.frozen === true ? { frozen: true } : {}) } : {
          dtSeconds: m.nir.options.dtSeconds, reset: m.nir.options.reset, recurrentBias: m.nir.options.recurrentBias, ifMultiSpike: m.nir.options.ifMultiSpike, lenient: m.nir.options.lenient, ...nirBiasProvenance(m.nir.options.bias),
          // The Input node the samples drove, when --input-population chose it (a graph with several Inputs).
          ...(o.inputPopulation === undefined ? {} : { inputPopulation: o.inputPopulation }),
        }),
        tickUs: o.tickUs ?? null, ...tickPeriodProvenance(o),
        samples: o.samples ?? null, shuffle: o.shuffle === true, labelFrom: o.labels !== undefined ? null : o.labelFrom ?? "number", ...(o.labels === undefined ? {} : { labels: o.labels }), ...(o.sliceUs === undefined ? {} : { sliceUs: o.sliceUs }), ...(o.gestureLabels === true ? { gestureLabels: true } : {}), output: out0.output, decode,
        ...(o.targetFrom === undefined ? {} : { targetFrom: o.targetFrom }),
        ...(rest === 0 ? {} : { restSteps: rest }),
        ...(o.perLayerTicks === true ? { perLayerTicks: true } : {}),
        ...eventTransformProvenance(transforms),
      },
    };
    const c = compileForDataset(spec, m, modelPath, o);
    logger?.info({ phase: "compile", coresUsed: c.compiled.mapping.coresUsed, samples: listing.samples.length }, "model compiled for the data set");
    const activity = new BatchActivity(c.layers.map((p) => ({ name: p.name, size: p.size })));
    const rows: DatasetSampleResult[] = [];
    const termMeans = new EnergyTermMeans();
    const layerTicks = o.perLayerTicks === true ? new LayerTickSums() : undefined;
    let last: SampleOutcome | undefined;
    // Every sample's outcome, in sample order whichever thread ran it: the float sums (energy-term means) add
    // in the same order, so the outputs are byte-identical for every --jobs (cli/evaluate/pool.ts).
    const accept = (x: SampleOutcome, position: number): void => {
      rows.push(x.row);
      x.layerSpikes.forEach((neurons, k) => activity.add(k, neurons));
      x.layerSynOpsIn.forEach((ops, k) => activity.addSynOpsIn(k, ops.effective, ops.dense));
      termMeans.add(x.terms);
      if (layerTicks !== undefined && x.layerTicks !== undefined) layerTicks.add(x.layerTicks);
      last = x;
      if (workers === undefined) hooks.onSample?.(position + 1, listing.samples.length);
    };
    if (workers !== undefined) {
      // Each worker loads and compiles the model itself and builds its own state (the main thread builds none).
      const setup: SampleWorkerSetup = {
        key: `${process.pid}:${++evaluations}`, modelPath, spec, provenance, options: workerOptions,
      };
      await workers.run(setup, listing.samples, accept, (done) => hooks.onSample?.(done, listing.samples.length));
    } else {
      const runner = await sampleRunner(spec, m, modelPath, targets === undefined ? o : { ...o, targets }, c, out0, decode, provenance);
      try {
        for (let i = 0; i < listing.samples.length; i++) accept(await evaluateSample(runner, listing.samples[i], i, listing.samples.length), i);
      } finally {
        runner.team?.close();
        runner.reader.close();
      }
    }
    const r = last!.facts;
    const summary = summariseDataset(rows, activity.summary(rows.reduce((a, x) => a + x.steps, 0), rows.length), outSize, termMeans.terms(), o.targetDir !== undefined ? "files" : o.targetFrom);
    const overrides = r.chipOverrides;
    const doc: DatasetDocument = {
      format: DATASET_FORMAT, version: DATASET_VERSION, provenance, model: m.graph.name, chip: r.chip,
      ...(overrides === null ? {} : { chipOverrides: overrides }),
      input: {
        tickUs: timed === 0 || eventBinningOf(transforms) !== undefined ? null : o.tickUs ?? 1000, denseTensors: listing.samples.length - timed, dtSeconds: m.nir?.options.dtSeconds ?? null, steps: o.steps ?? null,
        ...(transforms.timeBins === undefined ? {} : { timeBins: transforms.timeBins }),
        ...(transforms.eventCount === undefined ? {} : { eventCount: transforms.eventCount }),
        ...(transforms.eventBins === undefined ? {} : { eventBins: transforms.eventBins }),
        ...(transforms.eventOverlap === undefined ? {} : { eventOverlap: transforms.eventOverlap }),
        ...(rest === 0 ? {} : { restSteps: rest }),
      },
      footprintBytes: r.footprintBytes,
      ...(warnings.length === 0 ? {} : { warnings }),
      dataset: { path: o.input, ...(datasetPathHasNoName(o.input) ? { name: basename(resolve(o.input)) } : {}), kind: listing.kind, total: listing.total, evaluated: rows.length, skippedFiles: listing.skippedFiles, ...(listing.classNames === undefined ? {} : { classNames: listing.classNames }) },
      timingModel: o.timing, precision: o.precision ?? "float",
      ...(c.compiled.quantisation === undefined ? {} : { quantisation: { layers: c.compiled.quantisation.layers, warnings: c.compiled.quantisation.diagnostics.map((x) => `${x.code}: ${x.message}`) } }),
      timeBasis: r.timeBasis, tickPeriodNs: r.tickPeriodNs,
      output: { output: out0.output, node: out0.node, size: outSize, spiking: out0.spiking, decode },
      costs: r.costs, notModelled: r.notModelled, summary, samples: rows,
    };
    return {
      // --costs counts: the samples ran and were summed as usual (their reports, not kept, with energy); the
      // document then drops every energy figure and records the mode (chip/report/counts-only.ts).
      document: o.costs === "counts" ? countsOnlyDataset({ ...doc, provenance: { ...provenance, options: { ...provenance.options, ...costsProvenance(o.costs) } } }) : doc, mapping: m.nir === undefined ? c.compiled.mapping : { ...c.compiled.mapping, nirProjections: m.nir.projections }, parallel: workers === undefined ? { mode: "in-process", threads: 1 } : { mode: "workers", threads: workers.threads },
      ...(layerTicks === undefined ? {} : { layerTicksCsv: layerTicks.csv() }),
    };
  } finally {
    await workers?.close();
  }
}

/** The files one evaluation writes into `out` (one output set: written all or none). */
export async function datasetOutputFiles(out: string, result: DatasetEvaluation): Promise<OutputFile[]> {
  const doc = result.document;
  return [
    { path: join(out, "dataset.json"), data: stableJson(doc, join(out, "dataset.json")) },
    { path: join(out, "samples.csv"), data: datasetCsv(doc) },
    { path: join(out, "dataset.md"), data: datasetMarkdown(doc) },
    { path: join(out, "dataset.tex"), data: datasetLatex(doc) },
    { path: join(out, "dataset.html"), data: await renderDatasetHtml(doc) },
    { path: join(out, "mapping.json"), data: mappingJson(result.mapping, join(out, "mapping.json")) },
    ...(result.layerTicksCsv === undefined ? [] : [{ path: join(out, "layer-ticks.csv"), data: result.layerTicksCsv }]),
  ];
}

export async function evaluateCommand(modelPath: string, o: EvaluateOptions): Promise<void> {
  // Before anything runs (several chips: before the first, whose failures would otherwise be table rows).
  checkJobsWithThreads(o.jobs ?? 1, o.threads ?? 1);
  // No output (--log-file; one chip's files in --out) over a file it reads (cli/output-paths.ts).
  const single = o.arch.includes(",") ? [] : ["dataset.json", "samples.csv", "dataset.md", "dataset.tex", "dataset.html", "mapping.json", "layer-ticks.csv"].map((f) => ({ role: `--out's ${f}`, path: join(outputDirOption(o.out), f) }));
  checkOutputPaths([...(o.logFile === undefined ? [] : [{ role: "--log-file", path: o.logFile }]), ...single], [
    { role: "<model>", path: modelPath }, { role: "--input", path: o.input },
    ...(o.labels === undefined ? [] : [{ role: "--labels", path: o.labels }]),
    ...(o.initialWeights === undefined ? [] : [{ role: "--initial-weights", path: o.initialWeights }]),
  ]);
  checkOutDirOutside({ role: "--out", path: outputDirOption(o.out) }, { role: "--input", path: o.input }); // not into the data set read
  // Several chips (`--arch loihi,truenorth`): one evaluation per chip under DIR/<chip>/ and a comparison.
  if (o.arch.includes(",")) return (await import("./evaluate-multi.ts")).evaluateManyCommand(modelPath, o);
  const out = outputDirOption(o.out);
  // Before any simulation: an --out that cannot be written fails now, not at the end.
  checkOutputDirUsable(out);
  const logger = cliLogger(o);
  let bar: Progress | undefined;
  let result: DatasetEvaluation;
  try {
    result = await evaluateDataset(modelPath, o, {
      logger,
      onSample: (done, total) => {
        bar ??= makeProgress("evaluating", total, !o.quiet && !o.json, "samples");
        bar.update(done);
      },
    });
  } finally {
    bar?.stop();
  }
  const doc = result.document;
  const summary = doc.summary;
  const files = await datasetOutputFiles(out, result);
  writeOutputDir("evaluate", files, out, { quiet: o.quiet, inputs: [modelPath, o.initialWeights].filter((p): p is string => p !== undefined) });
  logger.info({ phase: "write", out }, "outputs written");
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ dataset: join(out, "dataset.json"), samples: join(out, "samples.csv"), markdown: join(out, "dataset.md"), latex: join(out, "dataset.tex"), html: join(out, "dataset.html"), mapping: join(out, "mapping.json"), summary })}\n`);
    return;
  }
  if (o.quiet) return;
  process.stdout.write(`${datasetSummaryText(doc)}\nwrote ${files.map((f) => join(o.out, f.path.slice(out.length + 1))).join(", ")}\n`);
}

/** The terminal summary: the tables of dataset.md as aligned text (summary, per inference, activity). */
export function datasetSummaryText(d: DatasetDocument): string {
  const parts: string[] = [];
  for (const t of datasetTables(d)) {
    if (t.id === "dataset-costs" || t.id === "dataset-confusion") continue;
    if (t.id === "dataset-summary") {
      // Item and value both left-aligned: a long value (the warnings) must not push every other value right.
      parts.push(`aerchip ${d.provenance.aerchipVersion}: evaluate ${d.model} on ${d.chip.name}`, table(t.rows.map((r) => r.map(plainCell)), undefined, "ll"));
    } else parts.push(`${t.title.toLowerCase()}`, table(t.rows.map((r) => r.map(plainCell)), t.columns.map((c) => c.header), t.columns.map((c) => c.align).join("")));
    if (t.note !== undefined) parts.push(t.note);
    parts.push("");
  }
  return parts.join("\n");
}
