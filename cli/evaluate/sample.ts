/**
 * One sample of `aerchip evaluate` (cli/commands/evaluate.ts): its inference on the compiled model, its
 * results row, the spikes its layers add to the batch activity, its energy terms and the report fields the
 * data set's document takes from the last sample. The same function runs on the main thread (`--jobs 1`,
 * or no compiled worker) and in the sample workers (cli/evaluate/worker.ts), so the rows cannot differ.
 *
 * Before each sample the state is reset to the program's initial state (chip/sim/state.ts resetNeuronState:
 * v ← vInit, no synaptic current, no pending input, not refractory; resetAdaptiveThresholds: θ ← 0) and the
 * timing wheel starts empty, so
 * each sample is the run `aerchip run MODEL --input SAMPLE` would make on its own (a NIR graph, or a JSON
 * model: cli/evaluate/dataset-model.ts), whichever state (thread) it runs on.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import type { ChipProgram, ChipStimulus, StimulusSpikes } from "../../chip/program/types.ts";
import { layerTickCounts, type LayerTickCounts } from "../../chip/report/layer-ticks.ts";
import { buildSimState, programIsPlastic, resetAdaptiveThresholds, resetNeuronState, type SimState } from "../../chip/sim/state.ts";
import { startRun, type SimResult } from "../../chip/sim/run.ts";
import { createTimingModel } from "../../chip/timing/index.ts";
import { buildRunReport, type RunReport } from "../../chip/report/run-report.ts";
import { isHelperPopulation, programCoreFigures } from "../../chip/report/metrics.ts";
import { chipOverrideNote } from "../../chip/report/formats/tables.ts";
import type { TimeBasis } from "../../chip/report/time-basis.ts";
import { energyTerms, type EnergyTerm } from "../../chip/report/energy-terms.ts";
import type { DatasetSampleResult, DecodeMode } from "../../chip/report/dataset.ts";
import { decodedPerStep, inputRateTarget, reconstructionError, type ReconstructionTarget, type SampleReconstruction } from "../../chip/report/reconstruction.ts";
import { compileModel, type CompileResult } from "../../compiler/compile.ts";
import { plasticModelError, type DatasetModel } from "./dataset-model.ts";
import type { PlacementStrategy } from "../../compiler/passes/place.ts";
import type { ThreadTeam } from "../../chip/sim/threads/team.ts";
import { runToEnd } from "../pipeline.ts";
import { decodeClass, outputValues, spikesInSteps } from "../dataset-decode.ts";
import type { NirOutputInfo } from "../../compiler/frontends/nir/lower.ts";
import { checkInputTicks, nirStimulus, type InputSpikes } from "../spike-inputs.ts";
import { DatasetSampleReader } from "../dataset-reader.ts";
import { eventTransformsOf, type EventTransformChoice } from "../event-transforms.ts";
import type { DatasetListing, DatasetSample } from "../dataset-inputs.ts";
import { readTarget, targetPathFor } from "../dataset-targets.ts";

/**
 * The options a sample's run depends on (a subset of EvaluateDatasetOptions, defaults filled in), with
 * --crop, --downsample, --polarity, --time-bins (cli/event-transforms.ts).
 */
export interface SampleRunOptions extends EventTransformChoice {
  readonly steps?: number;
  readonly tickUs?: number;
  readonly seed: number;
  readonly placement: PlacementStrategy;
  readonly timing: "simple" | "detailed";
  readonly precision?: "float" | "fixed";
  readonly threads?: number;
  /** --target-from input: each row gets its reconstruction error against its own input's rates (chip/report/reconstruction.ts). */
  readonly targetFrom?: ReconstructionTarget;
  /** --target-dir: each row's reconstruction error against its target file (cli/dataset-targets.ts). */
  readonly targets?: { readonly dir: string; readonly kind: DatasetListing["kind"] };
  /**
   * --rest-steps N: N input-free ticks simulated after each sample's ticks (Diehl & Cook's 150 ms rest), and
   * charged (they are in the run's counters, energy and time); the outputs are decoded over the sample's steps.
   */
  readonly restSteps?: number;
  /** --per-layer-ticks: each sample's counts per tick and population (chip/report/layer-ticks.ts), summed by the caller. */
  readonly perLayerTicks?: boolean;
}

/**
 * Reads one sample's events (the same for the check pre-pass and the run) through `reader`, which keeps an
 * SHD/SSC file open between samples (cli/dataset-reader.ts: the same spikes as readInputSpikes).
 */
export async function readDatasetSample(o: Pick<SampleRunOptions, "steps" | "tickUs" | "eventOverlap">, s: DatasetSample, reader: DatasetSampleReader): Promise<InputSpikes> {
  const input = await reader.read(s);
  if (o.steps === undefined) checkInputTicks(s.path, input, o);
  return input;
}

/** The compiled model and what the evaluation takes from it (no simulator state yet). */
export interface DatasetCompile {
  readonly compiled: CompileResult;
  readonly program: ChipProgram;
  /** The model's layers: neither inputs nor front-end helpers (NIR's bias drive). */
  readonly layers: readonly ChipProgram["populations"][number][];
  readonly cores: ReturnType<typeof programCoreFigures>;
}

export function compileForDataset(spec: ChipSpec, m: DatasetModel, modelPath: string, o: SampleRunOptions): DatasetCompile {
  const compiled = compileModel(m.graph, spec, { placement: o.placement, seed: o.seed, file: modelPath, precision: o.precision ?? "float" });
  const program = compiled.program;
  if (programIsPlastic(program)) throw plasticModelError(modelPath);
  const layers = program.populations.filter((p) => p.kind !== "input" && !isHelperPopulation(p.name));
  return { compiled, program, layers, cores: programCoreFigures(spec, program) };
}

/** Everything one sample's run needs: the compiled model, its state (and its float64 twin's), the decoder. */
export interface SampleRunner {
  readonly spec: ChipSpec;
  readonly m: DatasetModel;
  readonly o: SampleRunOptions;
  readonly c: DatasetCompile;
  readonly st: SimState;
  readonly team: ThreadTeam | undefined;
  /** The float64 twin of a fixed-point compile: its program and a state of its own (one thread, no timing). */
  readonly floatRef: { readonly program: ChipProgram; readonly st: SimState } | undefined;
  readonly out0: NirOutputInfo;
  readonly outSize: number;
  readonly decode: DecodeMode;
  readonly recordVoltages: readonly string[];
  readonly latencyOf: ReadonlyMap<string, number>;
  readonly provenance: RunReport["provenance"];
  /** Reads the samples (an SHD file stays open between them: close it when the runner's samples are done). */
  readonly reader: DatasetSampleReader;
}

/** Builds the state (one per runner: per worker thread, or the main thread's) for a compiled model. */
export async function sampleRunner(spec: ChipSpec, m: DatasetModel, modelPath: string, o: SampleRunOptions, c: DatasetCompile, out0: NirOutputInfo, decode: DecodeMode, provenance: RunReport["provenance"]): Promise<SampleRunner> {
  const threads = o.threads ?? 1;
  // One team for every sample (its workers start once); the detailed model's extra threads are timing
  // threads instead, which each run starts itself.
  const teamed = threads > 1 && o.timing !== "detailed";
  const st = buildSimState(spec, c.program, { shared: threads > 1 });
  let team: ThreadTeam | undefined;
  if (teamed) {
    const { threadTeamFor } = await import("../../chip/sim/threads/team.ts");
    team = threadTeamFor(spec, c.program, st, threads);
  }
  // A fixed-point evaluation also runs each sample on the same model in float64 ("ideal"), as `run
  // --precision fixed` does for its spike agreement: does the model still classify at the chip's precision?
  let floatRef: SampleRunner["floatRef"];
  if (c.compiled.quantisation !== undefined) {
    const program = compileModel(m.graph, spec, { placement: o.placement, seed: o.seed, file: modelPath, precision: "float" }).program;
    floatRef = { program, st: buildSimState(spec, program) };
  }
  return {
    spec, m, o, c, st, team, floatRef, out0, outSize: out0.shape.reduce((a, b) => a * b, 1), decode,
    recordVoltages: decode === "count" ? [] : [out0.population],
    latencyOf: new Map(m.nodes.map((n) => [n.population, n.latencyTicks] as const)), provenance,
    reader: new DatasetSampleReader(m.inputShape, o.tickUs, eventTransformsOf(o)),
  };
}

/** What the data set's document takes from a sample's run report (the last sample's, as the sequential loop always did). */
export interface SampleReportFacts {
  readonly chip: RunReport["chip"];
  readonly chipOverrides: ReturnType<typeof chipOverrideNote>;
  readonly footprintBytes: number;
  readonly timeBasis: TimeBasis | null;
  readonly tickPeriodNs: number | null;
  readonly costs: RunReport["costs"];
  readonly notModelled: RunReport["notModelled"];
}

/** One sample's results: its row, its layers' spikes (neuron indices, in `layers` order), its energy terms. */
export interface SampleOutcome {
  readonly row: DatasetSampleResult;
  readonly layerSpikes: readonly Int32Array[];
  /** Per layer (in `layers` order): NeuroBench synaptic ops into it, effective (ACs + MACs) and dense (the run report's metrics). */
  readonly layerSynOpsIn: ReadonlyArray<{ readonly effective: number; readonly dense: number }>;
  readonly terms: readonly EnergyTerm[];
  readonly facts: SampleReportFacts;
  /** --per-layer-ticks: the sample's counts per chip tick and population. */
  readonly layerTicks?: LayerTickCounts;
}

/** One sample's inference on the runner's state, decoded (see the module comment). `position`: 0-based among the evaluated samples. */
export async function evaluateSample(r: SampleRunner, s: DatasetSample, position: number, total: number): Promise<SampleOutcome> {
  const { spec, m, o, c } = r;
  const input = await readDatasetSample(o, s, r.reader);
  const T = o.steps ?? input.steps;
  const ticks = T + m.extraTicks;
  // The rest: ticks after the sample's own, simulated with no input at all (spikes at tick ≥ `ticks`, past
  // --steps, are dropped: without a rest the run ended before them), so the sample's ticks are those of the
  // run without a rest, spike for spike, and the rest only adds what the state does while it decays.
  const rest = o.restSteps ?? 0;
  const simTicks = ticks + rest;
  const what = `simulating sample ${position + 1} of ${total} (${s.id})`;
  const stimulus = rest === 0 ? datasetStimulus(m, input) : stimulusBefore(datasetStimulus(m, input), ticks);
  const threads = o.threads ?? 1;
  // θ too: each sample starts from the chip's initial state, as `run --input SAMPLE` does (audit s19 F2).
  resetNeuronState(r.st);
  resetAdaptiveThresholds(r.st);
  const sim = await runToEnd(startRun(spec, c.program, r.st, stimulus, {
    steps: simTicks, timing: createTimingModel(o.timing), timingPerPacket: o.timing === "detailed", recordVoltages: r.recordVoltages,
    ...(r.team !== undefined ? { team: r.team } : threads > 1 ? { threads } : {}),
    ...(o.perLayerTicks === true ? { layerTallies: true } : {}),
  }), what);
  const report = buildRunReport(spec, c.program, sim, r.provenance, o.timing, c.cores);
  let layerSpikesTotal = 0;
  const layerSpikes = c.layers.map((p) => {
    const inSteps = spikesInSteps(sim, p.name, r.latencyOf.get(p.name) ?? 0, T);
    layerSpikesTotal += inSteps.length;
    return inSteps;
  });
  const values = outputValues(sim, r.out0, r.outSize, T, r.decode);
  const { prediction, tie } = decodeClass(values, r.decode);
  const floatPrediction = r.floatRef === undefined ? undefined : decodeClass(outputValues(await runFloat(r, r.floatRef, stimulus, ticks, `${what}, float64 reference`), r.out0, r.outSize, T, r.decode), r.decode).prediction;
  const cn = report.totals.counters;
  let beyond = 0;
  for (let k = 0; k < input.tick.length; k++) if (input.tick[k] >= T) beyond++;
  const e = report.totals.energyPj;
  const ops = report.metrics?.totals.synapticOps;
  const row: DatasetSampleResult = {
    index: s.index, id: s.id, label: s.label, prediction, correct: s.label === null ? null : prediction === s.label,
    steps: T, ticks: simTicks, inputSpikes: input.tick.length - beyond, inputSpikesBeyondSteps: beyond,
    ...(input.events === undefined ? {} : { inputEvents: input.events }),
    spikes: layerSpikesTotal,
    synOps: cn.synOps,
    helperSynOps: report.perProjection.filter((p) => isHelperPopulation(p.pre)).reduce((a, p) => a + p.synOps, 0),
    effectiveSynOps: ops === undefined ? 0 : ops.effectiveACs + ops.effectiveMACs,
    denseSynOps: ops?.dense ?? 0,
    activationSparsity: report.metrics?.totals.activationSparsity ?? 0,
    neuronUpdates: cn.neuronUpdates, packets: cn.packetsOut, hops: cn.hopsEast + cn.hopsWest + cn.hopsNorth + cn.hopsSouth,
    energyPj: { synapse: e.synapse, neuron: e.neuron, network: e.network, learning: e.learning ?? 0, static: e.static, total: e.total }, // evaluate runs no learning (plastic models run --frozen): never null here
    simulatedTimeNs: report.totals.simulatedTimeNs,
    outputValues: values, tie,
    ...(floatPrediction === undefined ? {} : { floatPrediction }),
    ...(o.targetFrom === undefined ? {} : { reconstruction: inputReconstruction(input, T, values, r) }),
    ...(o.targets === undefined ? {} : { reconstruction: fileReconstruction(readTarget(targetPathFor(o.targets.dir, o.targets.kind, s), r.outSize, r.out0.output), T, values, r) }),
  };
  const facts: SampleReportFacts = {
    chip: report.chip, chipOverrides: chipOverrideNote(report), footprintBytes: report.metrics?.totals.footprint.totalBytes ?? 0,
    timeBasis: report.totals.timeBasis ?? null, tickPeriodNs: report.totals.tickPeriodNs ?? null, costs: report.costs, notModelled: report.notModelled,
  };
  const perPop = new Map((report.metrics?.perPopulation ?? []).map((p) => [p.name, p.synapticOpsIn] as const));
  const layerSynOpsIn = c.layers.map((p) => {
    const ops = perPop.get(p.name);
    return { effective: ops === undefined ? 0 : ops.effectiveACs + ops.effectiveMACs, dense: ops?.dense ?? 0 };
  });
  return { row, layerSpikes, layerSynOpsIn, terms: energyTerms(report), facts, ...(o.perLayerTicks === true ? { layerTicks: layerTickCounts(c.program, sim) } : {}) };
}

/** The decoded output's error against the sample's target file (x_i as stored); null for a sample of 0 steps. */
function fileReconstruction(target: Float64Array, T: number, values: readonly (number | null)[], r: SampleRunner): SampleReconstruction | null {
  const output = decodedPerStep(values, r.decode, T);
  return output === null ? null : reconstructionError(output, target);
}

/**
 * The stimulus' spikes at chip ticks before `end` (the rest after a sample's ticks is input-free); each
 * population's other fields (keepRepeats: --input-counts) as they were.
 */
function stimulusBefore(st: ChipStimulus, end: number): ChipStimulus {
  const spikes = new Map<string, StimulusSpikes>();
  for (const [name, sp] of st.spikes) {
    const keep: number[] = [];
    for (let k = 0; k < sp.tick.length; k++) if (sp.tick[k] < end) keep.push(k);
    spikes.set(name, { ...sp, tick: Int32Array.from(keep, (k) => sp.tick[k]), neuron: Int32Array.from(keep, (k) => sp.neuron[k]) });
  }
  return { ...st, spikes };
}

/**
 * The decoded output's error against the sample's own input spike rates (chip/report/reconstruction.ts:
 * x̂_i = n_i / T against ŷ_i, the decoder's value per step); null for a sample of 0 steps. The output's size
 * equals the input's (checked before anything runs, cli/commands/evaluate.ts).
 */
function inputReconstruction(input: Pick<InputSpikes, "tick" | "neuron">, T: number, values: readonly (number | null)[], r: SampleRunner): SampleReconstruction | null {
  const target = inputRateTarget(input.tick, input.neuron, T, r.outSize);
  const output = decodedPerStep(values, r.decode, T);
  return target === null || output === null ? null : reconstructionError(output, target);
}

/**
 * A sample's chip stimulus: its spikes into the model's input population (NIR: at the Input node's latency),
 * and a JSON model's other input populations' own spikes, as `run MODEL.json --input SAMPLE` runs it.
 */
function datasetStimulus(m: DatasetModel, input: Pick<InputSpikes, "tick" | "neuron" | "inputCounts">): ChipStimulus {
  const s = nirStimulus(m, input);
  if (m.fixedSpikes === undefined || m.fixedSpikes.size === 0) return s;
  return { spikes: new Map([...m.fixedSpikes, ...s.spikes]) };
}

/** One sample on the float64 reference: its spikes and readout traces (no timing model, no report). */
async function runFloat(r: SampleRunner, f: NonNullable<SampleRunner["floatRef"]>, stimulus: ChipStimulus, ticks: number, what: string): Promise<SimResult> {
  resetNeuronState(f.st);
  resetAdaptiveThresholds(f.st);
  return runToEnd(startRun(r.spec, f.program, f.st, stimulus, { steps: ticks, recordVoltages: r.recordVoltages }), what);
}
