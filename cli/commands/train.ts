/**
 * `aerchip train MODEL.json --input DATASET --arch ARCH --out DIR`: on-chip learning of one's own JSON model
 * (its `stdp` or `learning` rules) over a data set, sample after sample on one chip.
 *
 * One compile and one simulator state; per pass, per sample (the data set's order, `--shuffle` seeded by
 * --seed): the sample's spikes replace the input population's (as `run MODEL.json --input SAMPLE`), the chip
 * runs the sample's ticks with learning on, then the neuron state (v, u, input, refractory) and the learning
 * traces return to rest — what a rest between samples achieves — while the weights, the adaptive thresholds
 * θ and the learning engine's stochastic-rounding streams carry on. With nearest rounding a pass therefore
 * equals the chained `run --input s_k --initial-weights s_{k-1}/weights.json` runs (tests/cli/train.test.ts;
 * with θ, which weights.json carries: tests/cli/learned-theta.test.ts), without recompiling per sample.
 * A three-factor rule's m comes per sample from --third-factor-dir (cli/third-factor-dir.ts; the chained runs
 * then take --third-factor), graded traces' Ψ from the model or --psi as in run.
 *
 * Writes (all or none) DIR/weights.json (the final weights: `run` and `evaluate --frozen --initial-weights`
 * take it) and DIR/train.json (format aerchip-train-1: provenance, the schedule, and per training sample the
 * means of the chip's counts and their dynamic energy = counts × the chip's per-operation costs; no time
 * model runs, so no static energy), with --eval-every N --test DATASET also DIR/curve.csv and train.json
 * `curve` (frozen tests of the weights reached, cli/train-curve.ts). Ctrl-C between samples stops with
 * E_INTERRUPTED and writes nothing.
 */
import { writeOutputDir } from "../earlier-outputs.ts";
import { learningBillingBasis, type LearningBillingBasis } from "../../chip/spec/types.ts";
import { dirname, join, resolve } from "node:path";
import { AerchipError, formatDiagnostic, type Diagnostic } from "../../core/diagnostics.ts";
import { checkOutputDirUsable, outputDirOption, stableJson } from "../../core/atomic-write.ts";
import { checkOutputPaths } from "../output-paths.ts";
import type { ChipStimulus } from "../../chip/program/types.ts";
import { compileModel } from "../../compiler/compile.ts";
import { loadJsonModel } from "../../compiler/frontends/load-model.ts";
import { buildSimState, resetNeuronState } from "../../chip/sim/state.ts";
import { runState, type SimResult } from "../../chip/sim/run.ts";
import { buildLearningEngine, hasGeneralLearning, resetLearningState } from "../../chip/sim/learning.ts";
import { resetPlasticTraces } from "../../chip/sim/plasticity.ts";
import { CounterKind } from "../../chip/sim/counters.ts";
import { dynamicEnergyPj } from "../../chip/report/energy.ts";
import { loadArch, withLearningBilling } from "../load-arch.ts";
import { listDatasetSamples, parseSampleRange } from "../dataset-inputs.ts";
import { DatasetSampleReader } from "../dataset-reader.ts";
import { eventTransformProvenance, eventTransformsOf, type EventTransformChoice } from "../event-transforms.ts";
import { readDatasetSample } from "../evaluate/sample.ts";
import { buildLearningReport } from "../../chip/report/learning-report.ts";
import { chooseInputPopulation } from "../model-input.ts";
import { withInitialWeights } from "../initial-weights.ts";
import { weightsJson } from "../pipeline.ts";
import { addRunCounters, newAccumulator } from "../learn/accumulate.ts";
import { datasetDigest } from "./evaluate.ts";
import { gitProvenance } from "./run.ts";
import { sha256File } from "../provenance.ts";
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { checkDriveApplies, checkSpecBillsPairStdp, learningFacts } from "../learning-drive.ts";
import { readThirdFactor, thirdFactorRowsWarnings, type ThirdFactorArg } from "../third-factor.ts";
import { sampleThirdFactorArgs, thirdFactorDirProvenance } from "../third-factor-dir.ts";
import type { StllrPsi } from "../../chip/program/named-rules.ts";
import { curvePoint, trainCurveFile, type CurvePoint, type CurveSetup } from "../train-curve.ts";
import { isEnergyCostKey, type CostMode } from "../../chip/report/counts-only.ts";
import { checkCostsWithBilling, costsProvenance } from "../costs-mode.ts";
import { jsonGraphDatasetModel } from "../evaluate/dataset-model.ts";
import { chooseOutput } from "../dataset-decode.ts";
import { learningEnergyModelled, notModelledCosts } from "../../chip/report/run-report.ts";
import { aerchipVersion } from "../version.ts";
import { fmtInt, fmtMean, table } from "../format.ts";
import { YIELD_EVERY_MS, interruptRequested, yieldForSignals } from "../interrupt.ts";
import { restoreTrainCheckpoint, writeTrainCheckpoint } from "../train-checkpoint.ts";
import { createTimingModel } from "../../chip/timing/index.ts";
import { runTime, type TimeBasis } from "../../chip/report/time-basis.ts";
import { staticEnergyPj } from "../../chip/report/energy.ts";
import { pacedSpec, tickPeriodProvenance, tickPeriodUsFor } from "../tick-period.ts";
import { crossbarCounts, latencyWithCrossbarNs, usesCrossbarCosts, withCrossbarEnergy } from "../../chip/report/crossbar.ts";
import type { PlacementStrategy } from "../../compiler/passes/place.ts";

export const TRAIN_FORMAT = "aerchip-train";
/**
 * train.json's format version. 2: perTrainingSample.spikes and curve[].spikes are named nonInputSpikes (they
 * always left the input population's spikes out, while an unqualified "spikes" includes them in every other
 * output: docs/reports.md "Names used in every output"; audit s23c #6). Version 1 files are refused by rerun.
 */
export const TRAIN_VERSION = 2;
/** Samples between checkpoints (--checkpoint-every), as `learn`'s default. */
export const DEFAULT_CHECKPOINT_EVERY = 500;
/** W_THIRD_FACTOR_ROWS warnings printed one by one (one per sample and directory can be thousands). */
const MAX_PRINTED_WARNINGS = 5;

export interface TrainCommandOptions extends EventTransformChoice {
  readonly input: string;
  readonly arch: string;
  readonly out: string;
  readonly passes: number;
  readonly seed: number;
  readonly placement: PlacementStrategy;
  readonly precision?: "float" | "fixed";
  readonly steps?: number;
  readonly tickUs?: number;
  readonly samples?: string;
  readonly shuffle?: boolean;
  readonly inputPopulation?: string;
  readonly initialWeights?: string;
  /** --third-factor-dir [POP=]DIR (repeatable): each sample's m from DIR's file of the same name (cli/third-factor-dir.ts). */
  readonly thirdFactorDir?: readonly ThirdFactorArg[];
  /** --psi NAME: graded traces driven by Ψ(u), as `run --psi` (default the model's psi; a different one is refused). */
  readonly psi?: StllrPsi;
  /** --eval-every N with --test DATASET: a frozen test of the current weights every N training samples (cli/train-curve.ts). */
  readonly evalEvery?: number;
  readonly test?: string;
  /** --output POP: the population the curve's tests decode (default as evaluate's). */
  readonly output?: string;
  /** What the learning energy bills, overriding the chip spec's learningBilledOn (as `run --bill-learning`). */
  readonly billLearning?: LearningBillingBasis;
  /** --costs counts: train.json and curve.csv without energy (chip/report/counts-only.ts), as `run --costs counts`. */
  readonly costs?: CostMode;
  /**
   * --timing simple|detailed: each training sample's time modelled (chip/timing) and with it the static energy
   * (perTrainingSample.simulatedTimeNs, energyPj.static, energyPj.total); absent = no time model, dynamic
   * energy only (train.json files written before the option).
   */
  readonly timing?: "simple" | "detailed";
  /** --tick-period-us P (with --timing): each tick lasts max(P, its modelled latency), as `run --tick-period-us` (cli/tick-period.ts). */
  readonly tickPeriodUs?: number;
  /**
   * --realtime (with --timing): P = the tick length the samples' events were binned at (--tick-us, default 1000;
   * an AER stream's own tick; --tick-us − --event-overlap with an overlap), as `run --realtime` and `evaluate
   * --realtime`; every sample must give the same P, and a dense spike tensor gives none (E_CLI_OPTION).
   */
  readonly realtime?: boolean;
  /** --checkpoint FILE: the training saved at sample boundaries (every checkpointEvery samples, and on Ctrl-C) so --resume continues it (cli/train-checkpoint.ts). */
  readonly checkpoint?: string;
  readonly checkpointEvery?: number;
  readonly resume?: boolean;
  /** Test hook: called after each training sample with the samples done. */
  readonly afterSample?: (done: number) => void;
  readonly json: boolean;
  readonly quiet: boolean;
}

export async function trainCommand(modelPath: string, o: TrainCommandOptions): Promise<void> {
  const out = outputDirOption(o.out);
  if ((o.evalEvery === undefined) !== (o.test === undefined)) {
    const [given, missing] = o.evalEvery === undefined ? ["--test", "--eval-every N"] : ["--eval-every", "--test DATASET"];
    throw new AerchipError("E_CLI_OPTION", `${given} makes a learning curve and needs ${missing}`, { field: given, hint: "give --eval-every N and --test DATASET together (a frozen test every N training samples), or neither" });
  }
  if (o.output !== undefined && o.test === undefined) throw new AerchipError("E_CLI_OPTION", "--output names the population the learning curve's tests decode, and there is no --test", { field: "--output", hint: "drop --output, or give --eval-every N --test DATASET" });
  // Before any training: a --out that cannot take the files fails in seconds, not after the last sample.
  checkOutputDirUsable(out);
  // Its files (train.json, weights.json, --checkpoint) never over an input, nor over each other (cli/output-paths.ts).
  checkOutputPaths([
    ...(o.checkpoint === undefined ? [] : [{ role: "--checkpoint", path: o.checkpoint }]),
    ...["train.json", "weights.json"].map((f) => ({ role: `--out's ${f}`, path: join(out, f) })),
  ], [{ role: "<model>", path: modelPath }, ...(o.initialWeights === undefined ? [] : [{ role: "--initial-weights", path: o.initialWeights }])]);
  if (o.resume === true && o.checkpoint === undefined) throw new AerchipError("E_CLI_OPTION", "--resume needs --checkpoint <file>", { field: "--resume", hint: "give the checkpoint file the interrupted training wrote" });
  if (o.checkpointEvery !== undefined && o.checkpoint === undefined) throw new AerchipError("E_CLI_OPTION", "--checkpoint-every sets how often --checkpoint saves, and there is no --checkpoint", { field: "--checkpoint-every", hint: "add --checkpoint FILE, or drop --checkpoint-every" });
  // A checkpoint that could never be written fails now, not at the first save (cli/train-checkpoint.ts).
  if (o.checkpoint !== undefined && existsSync(o.checkpoint) && statSync(o.checkpoint).isDirectory()) throw new AerchipError("E_CLI_OPTION", `--checkpoint ${o.checkpoint} is a directory`, { field: "--checkpoint", hint: "give a file path for the checkpoint, e.g. out/train.ckpt" });
  if (o.checkpoint !== undefined) checkOutputDirUsable(dirname(resolve(o.checkpoint)));
  if (o.checkpoint !== undefined && o.resume !== true && existsSync(o.checkpoint)) {
    throw new AerchipError("E_CHECKPOINT_EXISTS", `checkpoint ${o.checkpoint} already exists`, { file: o.checkpoint, field: "--checkpoint", hint: "add --resume to continue that training, or delete the file to start again" });
  }
  if (o.resume === true && !existsSync(o.checkpoint!)) throw new AerchipError("E_CHECKPOINT_MISSING", `checkpoint ${o.checkpoint} does not exist`, { file: o.checkpoint, field: "--checkpoint", hint: "give the file the interrupted training wrote, or start without --resume" });
  if (o.tickPeriodUs !== undefined && o.timing === undefined) throw new AerchipError("E_CLI_OPTION", "--tick-period-us paces each sample's modelled time, and no time is modelled without --timing", { field: "--tick-period-us", hint: "add --timing simple, or drop --tick-period-us" });
  if (o.realtime === true && o.timing === undefined) throw new AerchipError("E_CLI_OPTION", "--realtime paces each sample's modelled time, and no time is modelled without --timing", { field: "--realtime", hint: "add --timing simple, or drop --realtime" });
  checkCostsWithBilling(o.costs, o.billLearning, modelPath);
  const countsOnly = o.costs === "counts";
  // The chip before pacing: --realtime's period is known once the samples are read (below).
  const unpaced = withLearningBilling(loadArch(o.arch), o.billLearning);
  const loaded = loadJsonModel(modelPath);
  const graph = withInitialWeights(loaded.graph, o.initialWeights);
  // Pair STDP counts no weight changes: refused before training, not after it (chip/report/energy.ts learningBilledCount).
  // A counts-only training bills nothing (its energy, computed below on evaluations, is dropped).
  if (!countsOnly && learningBillingBasis(unpaced) === "changes" && graph.projections.some((p) => p.plasticity !== undefined)) {
    if (o.billLearning !== undefined) throw new AerchipError("E_CLI_OPTION", "--bill-learning changes bills the updates that changed a weight, and pair STDP (\"stdp\") projections of this model do not count them", { file: modelPath, field: "--bill-learning", hint: `use --bill-learning evaluations, or write the rule as a "learning" rule (docs/learning.md)` });
    checkSpecBillsPairStdp(unpaced, true, modelPath);
  }
  if (!graph.projections.some((p) => p.plasticity !== undefined || p.learning !== undefined)) {
    throw new AerchipError("E_TRAIN_NOT_PLASTIC", `model ${graph.name} has no plastic projection: there is nothing to train`, { file: modelPath, hint: "give a projection an `stdp` or `learning` rule (docs/model-format.md), or use `aerchip evaluate` for a fixed model" });
  }
  const dirs = o.thirdFactorDir ?? [];
  // --third-factor-dir and --psi checked against the model's rules as run checks its options (cli/learning-drive.ts).
  const psi = checkDriveApplies(learningFacts(graph), dirs, o.psi, modelPath, "--third-factor-dir");
  const pop = chooseInputPopulation(graph.populations, o.inputPopulation, modelPath);
  const listing = await listDatasetSamples(o.input, o.samples === undefined ? undefined : parseSampleRange(o.samples), "none", o.shuffle === true ? o.seed : undefined);
  const transforms = eventTransformsOf(o);
  const fixed = new Map(loaded.stimulus.spikes);
  const reader = new DatasetSampleReader(pop.shape, o.tickUs, transforms);
  const sizes = new Map(graph.populations.map((p) => [p.name, p.size] as const));
  // A sample's third factor: its files in the --third-factor-dir directories, read as `run --third-factor` reads one.
  const thirdFactorOf = (s: (typeof listing.samples)[number]) => {
    const args = sampleThirdFactorArgs(dirs, listing.kind, s);
    return { args, schedules: readThirdFactor(args, sizes, modelPath, "--third-factor-dir") };
  };
  // Every sample (and its third-factor files) read and checked before the first is trained on (as evaluate
  // does): a damaged, missing or wrong-shape file fails in seconds, not after the samples before it have trained.
  const warnings: Diagnostic[] = [];
  // --tick-period-us P, or with --realtime the tick the samples were binned at (the same for every sample, as evaluate requires).
  let periodUs = o.tickPeriodUs;
  try {
    for (const [i, s] of listing.samples.entries()) {
      const input = await readDatasetSample(o, s, reader);
      if (o.realtime === true) {
        const p = tickPeriodUsFor(o, input.tickUs, s.path);
        if (i === 0) periodUs = p;
        else if (p !== periodUs) throw new AerchipError("E_CLI_OPTION", `--realtime paces every sample at the tick its events were binned at; ${s.path} gives ${p} µs and ${listing.samples[0].path} ${periodUs} µs`, { file: s.path, field: "--realtime", hint: "give --tick-period-us P instead, or a data set of one format" });
      }
      if (dirs.length === 0) continue;
      const tf = thirdFactorOf(s);
      warnings.push(...thirdFactorRowsWarnings(tf.args, tf.schedules, sizes, o.steps ?? input.steps, "--third-factor-dir"));
    }
  } catch (e) {
    reader.close();
    throw e;
  }
  const spec = pacedSpec(unpaced, periodUs, o);
  const compiled = (() => {
    try {
      return compileModel(graph, spec, { placement: o.placement, seed: o.seed, file: modelPath, precision: o.precision ?? "float" });
    } catch (e) {
      reader.close();
      throw e;
    }
  })();
  const program = compiled.program;
  const st = buildSimState(spec, program);
  const le = hasGeneralLearning(program) ? buildLearningEngine(program, st) : undefined;
  const layers = program.populations.filter((p) => p.kind !== "input").map((p) => p.name);
  if (!o.quiet) {
    // Rows ≠ ticks (W_THIRD_FACTOR_ROWS, as in run): the first few on stderr, all of them in train.json.
    for (const w of warnings.slice(0, MAX_PRINTED_WARNINGS)) process.stderr.write(`aerchip: ${formatDiagnostic(w)}\n`);
    if (warnings.length > MAX_PRINTED_WARNINGS) process.stderr.write(`aerchip: … and ${warnings.length - MAX_PRINTED_WARNINGS} more W_THIRD_FACTOR_ROWS warnings (all in train.json \`warnings\`)\n`);
  }
  // The learning curve's test set and output, checked before training (the output as evaluate chooses it).
  let curveSetup: CurveSetup | undefined;
  if (o.test !== undefined) {
    const test = await listDatasetSamples(o.test, undefined, "number");
    const probe = jsonGraphDatasetModel(modelPath, graph, loaded.stimulus, { inputPopulation: pop.name, frozen: true, ...(o.output === undefined ? {} : { output: o.output }) });
    const out0 = chooseOutput(probe, o.output, modelPath);
    // Every test sample read (shape, ticks) and its label checked against the output's neurons, as evaluate
    // checks them, before the first training sample: not at the first point, after training has run.
    const outSize = out0.shape.reduce((a, b) => a * b, 1);
    const testReader = new DatasetSampleReader(pop.shape, o.tickUs, transforms);
    try {
      for (const s of test.samples) {
        await readDatasetSample(o, s, testReader);
        if (s.label !== null && s.label >= outSize) throw new AerchipError("E_DATASET_LABEL", `${s.path} is labelled ${s.label}, but output ${out0.output} has ${outSize} neuron${outSize === 1 ? "" : "s"} (classes 0 … ${outSize - 1})`, { file: s.path, field: "--test", hint: "check --test points at the test set's split folder (its whole-number folders are the labels), or give --output" });
      }
    } finally {
      testReader.close();
    }
    curveSetup = {
      spec, modelPath, graph, stimulus: loaded.stimulus, test, inputPopulation: pop.name, ...(o.output === undefined ? {} : { output: o.output }),
      options: { seed: o.seed, placement: o.placement, timing: "simple", ...(o.precision === undefined ? {} : { precision: o.precision }), ...(o.steps === undefined ? {} : { steps: o.steps }), ...(o.tickUs === undefined ? {} : { tickUs: o.tickUs }), ...transforms },
    };
  }
  // The training's provenance (train.json), known before it starts: also the checkpoint's fingerprint.
  const tfRecord = thirdFactorDirProvenance(dirs, listing);
  const provenance = {
    aerchipVersion: aerchipVersion(), ...gitProvenance(),
    inputs: [
      { role: "model", path: modelPath, sha256: sha256File(modelPath) }, { role: "dataset", path: o.input, sha256: datasetDigest(listing) },
      ...(existsSync(o.arch) ? [{ role: "arch", path: o.arch, sha256: sha256File(o.arch) }] : []),
      ...(o.initialWeights === undefined ? [] : [{ role: "initial-weights", path: o.initialWeights, sha256: sha256File(o.initialWeights) }]),
      ...tfRecord.inputs,
      ...(curveSetup === undefined || o.test === undefined ? [] : [{ role: "test", path: o.test, sha256: datasetDigest(curveSetup.test) }]),
    ],
    options: {
      arch: o.arch, seed: o.seed, placement: o.placement, precision: o.precision ?? "float", passes: o.passes, steps: o.steps ?? null, tickUs: o.tickUs ?? null,
      samples: o.samples ?? null, shuffle: o.shuffle === true, inputPopulation: pop.name, ...eventTransformProvenance(transforms),
      // Recorded only when given, so a train.json without them keeps its bytes.
      ...tfRecord.options, ...(o.psi === undefined ? {} : { psi: o.psi }),
      ...(o.evalEvery === undefined ? {} : { evalEvery: o.evalEvery }), ...(o.output === undefined ? {} : { output: o.output }),
      ...(o.billLearning === undefined ? {} : { billLearning: o.billLearning }),
      ...(o.timing === undefined ? {} : { timing: o.timing }), ...tickPeriodProvenance(o), ...costsProvenance(o.costs),
    },
  };
  const curve: CurvePoint[] = [];
  const acc = newAccumulator(st, spec, program);
  const total = listing.samples.length * o.passes;
  let last: SimResult | undefined;
  let ticks = 0;
  let layerSpikes = 0;
  let timeNs = 0;
  let staticPj = 0;
  let crossbarPj = 0;
  const crossbar = usesCrossbarCosts(spec);
  let timeBasis: TimeBasis | undefined;
  let done = 0;
  let lastYield = performance.now();
  // --checkpoint: the state between samples saved (cli/train-checkpoint.ts), --resume continuing from it.
  const ckFile = o.checkpoint === undefined ? undefined : resolve(o.checkpoint);
  const fingerprint = { provenance, specSha256: createHash("sha256").update(JSON.stringify(spec)).digest("hex") };
  if (ckFile !== undefined && o.resume === true) {
    const p = restoreTrainCheckpoint(ckFile, fingerprint, st, le, acc, total);
    ({ done, ticks, layerSpikes, timeNs, staticPj, crossbarPj } = p);
    timeBasis = p.timeBasis;
    curve.push(...p.curve);
  }
  const save = (): void => {
    if (ckFile !== undefined && done < total) writeTrainCheckpoint(ckFile, fingerprint, st, le, acc, { done, ticks, layerSpikes, timeNs, staticPj, crossbarPj, ...(timeBasis === undefined ? {} : { timeBasis }), curve });
  };
  const every = o.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  try {
    for (let pass = 0; pass < o.passes; pass++) {
      for (const [k, s] of listing.samples.entries()) {
        // Samples a resumed training has done already.
        if (pass * listing.samples.length + k < done) continue;
        const input = await readDatasetSample(o, s, reader);
        const steps = o.steps ?? input.steps;
        const spikes = new Map(fixed);
        spikes.set(pop.name, { tick: input.tick, neuron: input.neuron });
        const stimulus: ChipStimulus = { spikes };
        const thirdFactor = dirs.length === 0 ? undefined : thirdFactorOf(s).schedules;
        last = runState(spec, program, st, stimulus, {
          steps, ...(le === undefined ? {} : { learningEngine: le }), ...(psi === undefined ? {} : { gradedPsi: psi }), ...(thirdFactor === undefined ? {} : { thirdFactor }),
          ...(o.timing === undefined ? {} : { timing: createTimingModel(o.timing), timingPerPacket: o.timing === "detailed" }),
        });
        // Compute-in-memory chips: the crossbar reads, derived from the spikes, as run's report adds them (chip/report/crossbar.ts).
        const xb = crossbar ? crossbarCounts(spec, program, last) : undefined;
        if (xb !== undefined) crossbarPj += xb.totalEnergyPj;
        if (o.timing !== undefined) {
          // The sample's time on the chip's basis (paced at its tick period, or its modelled latencies plus a
          // compute-in-memory chip's crossbar reads) and the static energy over it.
          const rt = runTime(spec, latencyWithCrossbarNs(last.tickLatencyNs, xb), steps);
          timeNs += rt.timeNs;
          staticPj += staticEnergyPj(spec, compiled.mapping.coresUsed, rt.timeNs);
          timeBasis = rt.basis;
        }
        addRunCounters(acc, st, last);
        for (const name of layers) layerSpikes += last.spikes.get(name)?.tick.length ?? 0;
        ticks += steps;
        // Back to rest for the next sample; weights, θ and the rounding streams carry on.
        resetNeuronState(st);
        if (st.plasticity !== undefined) resetPlasticTraces(st.plasticity);
        if (le !== undefined) resetLearningState(le);
        done++;
        // A point every --eval-every samples and at the end: tested on a compile and state of its own.
        if (curveSetup !== undefined && (done % o.evalEvery! === 0 || done === total)) curve.push(await curvePoint(curveSetup, done, program, st, last));
        if (!o.quiet && !o.json && (done === total || Math.floor((10 * done) / total) > Math.floor((10 * (done - 1)) / total))) process.stderr.write(`aerchip train: ${done}/${total} samples\n`);
        o.afterSample?.(done);
        if (done % every === 0) save();
        if (interruptRequested() || performance.now() - lastYield >= YIELD_EVERY_MS) {
          // Ctrl-C at a sample boundary: the checkpoint (if asked for) holds this boundary, so --resume loses nothing.
          if (interruptRequested()) save();
          await yieldForSignals(`during training, at sample ${done} of ${total}`, ckFile === undefined ? "nothing was written; run the command again (with --checkpoint FILE, a later Ctrl-C keeps the training for --resume)" : `the training so far is in ${o.checkpoint}; run the same command with --resume to continue it`);
          lastYield = performance.now();
        }
      }
    }
  } finally {
    reader.close();
  }
  if (last === undefined) throw new AerchipError("E_DATASET_EMPTY", `${o.input} gave no sample to train on`, { file: o.input, field: "--input", hint: "give a data set with samples" });
  const n = Math.max(1, total);
  const per = (k: number): number => acc.counts[k] / n;
  // What the figures leave out, said beside them as `run` says it (chip/report/learning-report.ts, over the
  // whole training: a rule's third factor m, which train does not supply, or undriven graded traces), and the
  // costs the chip spec does not give (their energy is not counted: 0, not unknown).
  const learning = le === undefined ? undefined : buildLearningReport(program, le, { synUpdates: acc.counts[CounterKind.synUpdates], ruleEvaluations: acc.counts[CounterKind.learnRuleEvaluations] }, psi, countsOnly ? null : learningBillingBasis(spec));
  // A chip spec billing learning on weight changes (learningBilledOn "changes") bills the engine's; pair STDP counts none (refused there).
  // Counts only: the energy is dropped, so it is billed on evaluations, which every rule counts.
  const billSpec = countsOnly && learningBillingBasis(spec) === "changes" ? { ...spec, learningBilledOn: "evaluations" as const } : spec;
  // acc.synOpsByEnc is the count energySynOpPj bills, as run's report bills it: every entry, or on a spec billing
  // connected synapses the events on non-zero weights (cli/learn/accumulate.ts).
  const e0 = dynamicEnergyPj(billSpec, acc.counts, 0, acc.synOpsByEnc, 0, st.encodingNames, learning?.weightChanges);
  const connectedBilled = acc.connectedOf !== undefined;
  // A compute-in-memory chip's crossbar reads are synapse energy, as in run's report.
  const e = withCrossbarEnergy(e0, crossbarPj);
  // Starting weights outside a rule's bounds (W_LEARNING_INITIAL_WEIGHTS_OUTSIDE_BOUNDS): on stderr as in run, and in train.json `warnings`.
  if (!o.quiet) for (const w of learning?.warnings ?? []) process.stderr.write(`aerchip: ${w}\n`);
  const weightChanges = learning === undefined ? null : learning.weightChanges;
  const notes = learning === undefined ? ["weightChanges is null: pair STDP (`stdp`) counts its synapse updates (synUpdates), not the ones that changed a weight."] : [...learning.notes];
  // Counts only: the latency costs the spec leaves out, not its energy ones (chip/report/counts-only.ts).
  const notModelled = notModelledCosts(spec).filter((k) => !countsOnly || !isEnergyCostKey(k));
  // Counts only: the curve's test energy is null too (curve.csv's cells empty).
  const curveOut: CurvePoint[] = countsOnly ? curve.map((p) => ({ ...p, dynamicEnergyPj: null })) : curve;
  const doc = {
    format: TRAIN_FORMAT, version: TRAIN_VERSION,
    provenance,
    model: graph.name,
    chip: { name: spec.name, specSha256: createHash("sha256").update(JSON.stringify(spec)).digest("hex"), coresUsed: compiled.mapping.coresUsed, coresAvailable: compiled.mapping.coresAvailable },
    schedule: {
      samples: listing.samples.length, passes: o.passes, presentations: total, ticks,
      betweenSamples: "neuron state and learning traces reset; weights, adaptive thresholds and stochastic-rounding streams carried",
    },
    perTrainingSample: {
      // Counts only (--costs counts): null.
      energyPj: countsOnly ? null : {
        dynamic: e.dynamic / n, synapse: e.synapse / n, neuron: e.neuron / n, network: e.network / n,
        // null: not modelled, as run's report.json totals.energyPj.learning (a chip with a learning engine but no
        // energySynUpdatePj: spinnaker2, odin, loihi-sanafe); dynamic and total leave it out.
        learning: learningEnergyModelled(spec, acc.counts[CounterKind.synUpdates]) ? e.learning / n : null,
        // With a time model: the static energy over the sample's simulated time, and the total.
        ...(o.timing === undefined ? {} : { static: staticPj / n, total: (e.dynamic + staticPj) / n }),
      },
      ...(o.timing === undefined ? {} : { simulatedTimeNs: timeNs / n, timeBasis: timeBasis ?? "not-modelled", ...(timeBasis === "tick-period" && spec.tickPeriodNs !== undefined ? { tickPeriodNs: spec.tickPeriodNs } : {}) }),
      nonInputSpikes: layerSpikes / n, synOps: per(CounterKind.synOps), neuronUpdates: per(CounterKind.neuronUpdates),
      synUpdates: per(CounterKind.synUpdates), learnRuleEvaluations: per(CounterKind.learnRuleEvaluations), learnTraceUpdates: per(CounterKind.learnTraceUpdates),
      // Billed on connected synapses: the count energyPj.synapse bills, so the figure can be reconciled from the file.
      ...(connectedBilled ? { connectedSynOps: acc.synOpsByEnc.reduce((a, b) => a + b, 0) / n } : {}),
    },
    weightChanges,
    // What perTrainingSample.energyPj.learning bills (ChipSpec.learningBilledOn or --bill-learning); absent when counts only.
    ...(countsOnly ? {} : { learningBilledOn: learningBillingBasis(spec) }),
    // A spec billing energySynOpPj on connected synapses (ChipSpec.synOpsBilledOn, as report.json totals.synOpsBilledOn).
    ...(connectedBilled ? { synOpsBilledOn: "connected" } : {}),
    notes,
    ...(warnings.length === 0 && learning?.warnings === undefined ? {} : { warnings: [...warnings.map((w) => `${w.code}: ${w.message}`), ...(learning?.warnings ?? [])] }),
    notModelled,
    ...(curveSetup === undefined ? {} : { curve: curveOut }),
    energyNote: countsOnly
      ? "counts only (--costs counts): no energy is reported; nonInputSpikes are the spikes of the model's non-input populations (inputs excluded)"
      : o.timing === undefined
      ? "dynamic energy = the chip's counts x its per-operation costs (chip/report/energy.ts); no time model runs (give --timing), so no static energy; nonInputSpikes are the spikes of the model's non-input populations (inputs excluded); costs in notModelled are not in the chip spec, so their operations add no energy"
      : `dynamic energy = the chip's counts x its per-operation costs (chip/report/energy.ts); static = the chip's static power for the cores used x each sample's simulated time (timing model ${o.timing}, on the time basis timeBasis); total = dynamic + static; nonInputSpikes are the spikes of the model's non-input populations (inputs excluded); costs in notModelled are not in the chip spec, so their operations add no energy`,
  };
  const weights = weightsJson(graph.name, last, program);
  if (weights === undefined) throw new AerchipError("E_INTERNAL", "a plastic program returned no final weights", { file: modelPath });
  const files = [{ path: join(out, "weights.json"), data: weights }, { path: join(out, "train.json"), data: stableJson(doc, join(out, "train.json")) }, ...(curveSetup === undefined ? [] : [trainCurveFile(out, curveOut)])];
  writeOutputDir("train", files, out, { quiet: o.quiet, inputs: [modelPath, o.initialWeights].filter((p): p is string => p !== undefined) });
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ weights: files[0].path, train: files[1].path, schedule: doc.schedule, perTrainingSample: doc.perTrainingSample, weightChanges, ...(curveSetup === undefined ? {} : { curve: curveOut }) })}\n`);
    return;
  }
  if (o.quiet) return;
  const pj = (x: number): string => `${(x / 1000).toFixed(3)} nJ`;
  const p = doc.perTrainingSample;
  // The learning energy bills synapse updates (Loihi) or the updates that changed a weight (learningBilledOn);
  // counts only (--costs counts): no energy row and nothing billed.
  const onChanges = !countsOnly && learningBillingBasis(spec) === "changes";
  const ep = p.energyPj;
  const rows = [
    ...(ep === null || ep.total === undefined ? [] : [["total energy", pj(ep.total)], ["static energy", pj(ep.static ?? 0)]]),
    ...(ep === null ? [] : [["dynamic energy", pj(ep.dynamic)], ["of which learning", ep.learning === null ? "not modelled" : pj(ep.learning)]]),
    ...(p.simulatedTimeNs === undefined ? [] : [["simulated time", `${(p.simulatedTimeNs / 1e3).toFixed(3)} µs (${p.timeBasis})`]]),
    // Means over the training samples keep their fraction (train.json's 24.5 spikes is not 25).
    ["spikes (excl. inputs)", fmtMean(p.nonInputSpikes)], ["synaptic ops", fmtMean(p.synOps)],
    [onChanges || countsOnly ? "synapse updates" : "synapse updates (billed)", fmtMean(p.synUpdates)],
    ...(onChanges && weightChanges !== null ? [["updates that changed a weight (billed)", fmtMean(weightChanges / n)]] : []),
  ];
  process.stdout.write(`aerchip ${aerchipVersion()}: train ${graph.name} on ${spec.name}${spec.name.endsWith("*") ? ` (${spec.name.slice(0, -1)} with ${[...(o.billLearning === undefined ? [] : [`learning billed on ${learningBillingBasis(spec)}: --bill-learning`]), ...(o.tickPeriodUs === undefined ? [] : [`ticks paced at ${o.tickPeriodUs} µs: --tick-period-us`]), ...(o.realtime === true && periodUs !== undefined ? [`ticks paced at ${periodUs} µs: --realtime`] : [])].join(", ")})` : ""} — ${listing.samples.length} samples × ${o.passes} pass(es), ${fmtInt(ticks)} ticks, input population ${pop.name}\n\nper training sample\n${table(rows, ["quantity", "mean"], "lr")}\n${weightChanges === null ? "" : `\nupdates that changed a weight: ${fmtInt(weightChanges)} in all\n`}${notes.map((x) => `note: ${x}\n`).join("")}${notModelled.length === 0 ? "" : `not modelled by this chip spec: ${notModelled.join(", ")}\n`}${countsOnly ? "costs counts: energy and power not reported (--costs counts)\n" : ""}${curveText(curve, curveSetup !== undefined)}\nwrote ${["weights.json", "train.json", ...(curveSetup === undefined ? [] : ["curve.csv"])].map((f) => join(o.out, f)).join(", ")}\n`);
}

/** The printed learning curve: test accuracy (or spikes per inference without labels) after n training samples. */
function curveText(curve: readonly CurvePoint[], asked: boolean): string {
  if (!asked) return "";
  const labelled = curve.some((p) => p.accuracy !== null);
  const at = curve.map((p) => `${p.samples}: ${labelled ? (p.accuracy === null ? "—" : `${(100 * p.accuracy).toFixed(1)}%`) : p.nonInputSpikes.toFixed(1)}`).join(", ");
  return `\nlearning curve (${labelled ? "frozen test accuracy" : "spikes (excl. inputs) per test inference"} after n training samples; curve.csv has every figure):\n  ${at}\n`;
}
