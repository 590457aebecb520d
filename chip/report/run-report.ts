/**
 * The run report: one versioned JSON document with the same counters and energies at every level
 * (chip totals, per core, per population, per tick), the cost table used with its sources, and the
 * provenance needed to regenerate it. Energies are in pJ, times in ns; every energy figure is the
 * counters shown next to it × the cited per-operation costs (chip/report/energy.ts).
 */
import { COST_KEYS, learningBillingBasis, synOpBillingBasis, type ChipSpec, type CostEntry, type LearningBillingBasis } from "../spec/types.ts";
import { hasPlasticity } from "../sim/plasticity.ts";
import { costUnit } from "../spec/presets.ts";
import type { ChipProgram } from "../program/types.ts";
import { COUNTER_COUNT, COUNTER_NAMES, CounterKind } from "../sim/counters.ts";
import type { SimResult } from "../sim/run.ts";
import { dynamicEnergyPj, staticEnergyPj, type EnergyBreakdownPj } from "./energy.ts";
import { crossbarCounts, latencyWithCrossbarNs, usesCrossbarCosts, withCrossbarEnergy } from "./crossbar.ts";
import { createHash } from "node:crypto";
import { computeRunMetrics, type ProgramCoreFigures, type RunMetrics } from "./metrics.ts";
import { assertReportFinite } from "./finite-guard.ts";
import { runTime, type TimeBasis } from "./time-basis.ts";
import { buildLearningReport, type LearningReport } from "./learning-report.ts";
import type { ReadoutDecoders } from "./readout-decoders.ts";
import { countsOnlyReport, isCountsOnly } from "./counts-only.ts";
import { connectedSynOps } from "./connected-synapses.ts";

export const REPORT_FORMAT = "aerchip-report" as const;
export const REPORT_VERSION = 1 as const;

export type CounterRecord = Record<(typeof COUNTER_NAMES)[number], number>;

export interface Provenance {
  readonly aerchipVersion: string;
  readonly inputs: ReadonlyArray<{ readonly role: string; readonly path: string; readonly sha256: string }>;
  readonly options: Readonly<Record<string, string | number | boolean | null>>;
  /**
   * Runs of a program compiled from a NIR graph: the options it was compiled with (dtSeconds, precision and the
   * NIR reader's reset, recurrentBias, nirBias, ifMultiSpike, lenient), read from the program. A record, not
   * options of this run: rerun does not pass them (the program file, whose SHA-256 is recorded, fixes them).
   */
  readonly compiledWith?: Readonly<Record<string, string | number | boolean>>;
  /** Commit of the aerchip source tree that produced the report (read from .git without spawning git), when known. */
  readonly gitCommit?: string;
}

export interface PrecisionReport {
  readonly mode: "fixed";
  /** Per layer: state scale exponent, weight quantisation error, clipped weights, exponents, decay and threshold errors (maxThresholdError: absent in reports written before it was reported). */
  readonly layers: ReadonlyArray<{ readonly population: string; readonly stateScaleExp: number; readonly maxAbsWeightError: number; readonly maxRelWeightError: number; readonly clippedWeights: number; readonly weightExponents: Readonly<Record<string, number>>; readonly maxDecayError: number; readonly maxThresholdError?: number }>;
  readonly warnings: readonly string[];
  /** Spikes of the fixed-point run against the same model in float64. */
  readonly agreementWithFloat: ReadonlyArray<{ readonly population: string; readonly spikes: number; readonly spikesFloat: number; readonly shared: number; readonly jaccard: number }>;
}

/** NIR runs only (written by cli/commands/run-nir.ts): the graph's version, data steps, pipeline ticks, outputs and projections. */
export interface NirReportSection {
  readonly version: string;
  /** Data steps T; the chip ran T + extraTicks ticks (the pipeline's latency). */
  readonly steps: number;
  readonly extraTicks: number;
  readonly inputShape: readonly number[];
  /** Per output node: spike count of each output neuron over the T data steps (null for a non-spiking readout). */
  readonly outputs: ReadonlyArray<{ readonly output: string; readonly node: string; readonly spiking: boolean; readonly counts: readonly number[] | null }>;
  /** Per projection: the graph's weights and the synapses the chip stores for them. */
  readonly projections: ReadonlyArray<{ readonly projection: string; readonly pre: string; readonly post: string; readonly via: readonly string[]; readonly modelWeights: number; readonly synapses: number; readonly encoding: string }>;
  readonly warnings: readonly string[];
}

/**
 * One non-spiking readout population's membrane trace, written as `file` (T × shape float64, model units),
 * and its decoders (readout-decoders.ts). Written by `run` (cli/readout-files.ts), for JSON, SANA-FE and NIR models.
 */
export interface ReadoutReport extends ReadoutDecoders {
  /** The population (NIR: the node). */
  readonly population: string;
  /** The trace's file name, in the run's output directory. */
  readonly file: string;
  readonly size: number;
  readonly shape: readonly number[];
  /** Ticks in the trace (NIR: data steps T). */
  readonly steps: number;
}

/**
 * Runs with `--input FILE` (cli/input-accounting.ts): how the input file became the input population's
 * spikes. An event file ("events") gives its event counts step by step (core/io/events/types.ts
 * InputEventCounts: eventsRead − eventsDroppedByTransforms − eventsOutsideTicks = eventsBinned = spikes +
 * eventsMerged); a dense .npy spike tensor ("spike-tensor") holds spikes, not events, so it gives `spikes` only.
 * `spikes` counts every tick of the input, also those after a shorter --steps. Added within version 1.
 */
export interface InputReportSection {
  readonly kind: "events" | "spike-tensor";
  readonly eventsRead?: number;
  readonly eventsDroppedByTransforms?: number;
  readonly eventsOutsideTicks?: number;
  readonly eventsBinned?: number;
  readonly spikes: number;
  readonly eventsMerged?: number;
  /**
   * --event-overlap (tonic's overlapping frames): the extra deliveries of events in more than one tick; the
   * ticks deliver eventsBinned + eventsRepeated events = spikes + eventsMerged. Present only with the option.
   */
  readonly eventsRepeated?: number;
  /**
   * Of `spikes`, those at a step at or after `steps` (a --steps shorter than the input), outside the steps the
   * run covers: a JSON model or program never emits them; a NIR graph's input may, in its pipeline ticks,
   * after the steps it reports on. Present only when there are some (added within version 1), with `steps`.
   */
  readonly spikesAfterSteps?: number;
  readonly steps?: number;
  /**
   * --input-counts: every binned event (a count tensor's every count) is an input spike, an input neuron
   * firing once per event of its tick (spikes = eventsBinned, eventsMerged = 0). Present only with it.
   */
  readonly inputCounts?: true;
  /** W_EVENTS_MERGED (more than 10 % of the binned events merged), as "CODE: message". */
  readonly warnings: readonly string[];
}

/**
 * Whether a run's learning energy is known: the chip spec has energySynUpdatePj, or the run billed no synapse
 * update (0 updates cost 0 on any chip). Otherwise report.json's totals.energyPj.learning is null and every
 * rendered report says "not modelled" (docs/reports.md), as for time on a chip without latency costs.
 */
export function learningEnergyModelled(spec: ChipSpec, synUpdates: number): boolean {
  return spec.costs.energySynUpdatePj !== undefined || synUpdates === 0;
}

/** The per-operation costs a chip spec does not give (their operations add no energy or time), in COST_KEYS order. */
export function notModelledCosts(spec: ChipSpec): string[] {
  const table = spec.costs as Record<string, CostEntry | undefined>;
  return COST_KEYS.filter((key) => table[key] === undefined);
}

/**
 * In a counts-only report (`--costs counts`, provenance.options.costs "counts": chip/report/counts-only.ts) every
 * energy and power field (totals.energyPj, energyPerStepPj, averagePowerMw, crossbar.energyPj, perCore[].energyPj,
 * perTick.energyPj, metrics.totals.energyPerInferencePj) is null although typed as a number: a reader checks
 * isCountsOnly(report) before reading one (the renderers do; readers of files refuse nulls without the mode).
 */
export interface RunReport {
  /** Runs with --input: the input's events and spikes (InputReportSection). Added within version 1. */
  readonly input?: InputReportSection;
  /**
   * Runs of models with non-spiking readout populations (written by cli/commands/run.ts and run-nir.ts):
   * each one's trace file and decoders. Added within version 1.
   */
  readonly readouts?: readonly ReadoutReport[];
  /** Fixed-point runs only. */
  readonly precision?: PrecisionReport;
  /** NIR runs only. */
  readonly nir?: NirReportSection;
  readonly format: typeof REPORT_FORMAT;
  readonly version: typeof REPORT_VERSION;
  readonly provenance: Provenance;
  readonly model: string;
  readonly chip: {
    readonly name: string; readonly source: string; readonly coresUsed: number; readonly coresAvailable: number;
    /** SHA-256 of the chip spec as loaded (JSON.stringify of the validated spec): changes whenever a preset's figures do. */
    readonly specSha256?: string;
    /** The mesh the chip spec describes (figures draw cores on it). */
    readonly mesh?: { readonly widthTiles: number; readonly heightTiles: number; readonly coresPerTile: number };
  };
  readonly steps: number;
  readonly timingModel: string;
  readonly totals: {
    readonly counters: CounterRecord;
    readonly synOpsByEncoding: Readonly<Record<string, number>>;
    /**
     * Chip specs that bill synaptic energy on connected synapses only (ChipSpec.synOpsBilledOn "connected",
     * TrueNorth): "connected", and the events on non-zero-weight synapses by encoding, the count energySynOpPj
     * multiplies there (chip/report/connected-synapses.ts; per core and tick the same). Absent when the synaptic
     * energy bills synOps (every entry, zero weights included), and from reports written before it (added within version 1).
     */
    readonly synOpsBilledOn?: "connected";
    readonly connectedSynOpsByEncoding?: Readonly<Record<string, number>>;
    /** Synaptic events applied before the run ended (arrival t + delay < steps): the reference simulators' count. */
    readonly synapticEventsDelivered: number;
    /** Compute-in-memory presets only: crossbar reads, active rows, ADC conversions and their energy (in `synapse`). */
    readonly crossbar?: { readonly reads: number; readonly activeRows: number; readonly conversions: number; readonly energyPj: number };
    /**
     * The five counters as SANA-FE v2.2.1 defines them (docs/sanafe.md §5), for side-by-side comparison:
     * synapticEvents = synOps; packets = packetsOut (core-local included); hops = all directions;
     * neuronUpdates = compartment updates + input-neuron spikes; neuronsFired = all spikes incl. inputs.
     */
    readonly sanafe: { readonly synapticEvents: number; readonly packets: number; readonly hops: number; readonly neuronUpdates: number; readonly neuronsFired: number };
    /**
     * learning is null when the run billed synapse updates (counters.synUpdates > 0) on a chip spec without
     * energySynUpdatePj (spinnaker2, odin, loihi-sanafe): unknown, not 0, as simulatedTimeNs without latency costs.
     * It then adds nothing to dynamic and total, as every cost the spec leaves out (notModelled); per core the
     * breakdown keeps 0. A run without synapse updates keeps 0 (nothing was left unbilled).
     */
    readonly energyPj: Omit<EnergyBreakdownPj, "learning"> & { readonly learning: number | null; readonly static: number; readonly total: number };
    /**
     * What energyPj.learning bills (ChipSpec.learningBilledOn, or `run --bill-learning`): "evaluations" =
     * counters.synUpdates · energySynUpdatePj, "changes" = learning.weightChanges · energySynUpdatePj (per core and
     * tick the same, with that scope's changes). Present when the run learned (synUpdates > 0 or a learning
     * engine) or bills changes; absent from other runs and from reports written before it (added within version 1).
     */
    readonly learningBilledOn?: LearningBillingBasis;
    /**
     * What simulatedTimeNs, averagePowerMw, energyPj.static and metrics' inference time are computed on
     * (chip/report/time-basis.ts): "tick-period" (Σ_t max(tickPeriodNs, latency_t)), "modelled-latency"
     * (Σ_t latency_t) or "not-modelled". Added within version 1; absent from reports written before it.
     */
    readonly timeBasis?: TimeBasis;
    /** The tick period (ns) of basis "tick-period" (the chip spec's, or `run --tick-period-us`); absent otherwise. */
    readonly tickPeriodNs?: number;
    /** null when the chip does not model time (timeBasis "not-modelled"): unknown, not 0. */
    readonly simulatedTimeNs: number | null;
    /** null when time is not modelled (see simulatedTimeNs). */
    readonly averagePowerMw: number | null;
    readonly energyPerStepPj: number;
  };
  readonly costs: ReadonlyArray<{ readonly key: string; readonly value: number; readonly unit: string; readonly source: string; readonly evidence: string }>;
  readonly notModelled: readonly string[];
  readonly perCore: ReadonlyArray<{
    readonly coreId: number; readonly tile: { readonly x: number; readonly y: number }; readonly counters: CounterRecord; readonly energyPj: EnergyBreakdownPj;
    /**
     * counters.synOps split by encoding, as totals.synOpsByEncoding: with per-encoding synapse costs (loihi-sanafe,
     * SANA-FE arch YAMLs) energyPj.synapse = Σ_enc synOpsByEncoding[enc] · cost(enc) + the core's other synapse
     * terms. Added within version 1; absent from reports written before it.
     */
    readonly synOpsByEncoding?: Readonly<Record<string, number>>;
  }>;
  readonly perPopulation: ReadonlyArray<{ readonly name: string; readonly kind: string; readonly size: number; readonly spikes: number; readonly synOpsIn: number; readonly meanRatePerTick: number; readonly deadNeurons: number }>;
  /**
   * connectedSynOps: on a spec billing connected synapses (totals.synOpsBilledOn), the projection's events on
   * non-zero weights, the count its synapse energy bills (connected-synapses.ts; Σ = Σ connectedSynOpsByEncoding).
   */
  readonly perProjection: ReadonlyArray<{ readonly name: string; readonly pre: string; readonly post: string; readonly synapses: number; readonly synOps: number; readonly connectedSynOps?: number; readonly synapticEventsDelivered: number }>;
  /**
   * Runs of the general learning engine only (learning-report.ts): synapse updates billed vs updates that
   * changed a weight, per rule, and notes (a three-factor rule that never saw its signal). Added within version 1.
   */
  readonly learning?: LearningReport;
  /**
   * Warnings of the run that belong to no section (`aerchip run`: W_THIRD_FACTOR_ROWS), as "CODE: message";
   * absent when there are none. Added within version 1.
   */
  readonly warnings?: readonly string[];
  /**
   * NeuroBench-style metrics (chip/report/metrics.ts): footprint, connection and activation sparsity,
   * effective and dense synaptic ops, dead and bursting neurons, firing-rate histograms, utilisation per
   * core, inferences per second. Added within version 1; absent from reports written before it.
   */
  readonly metrics?: RunMetrics;
  readonly perTick: {
    readonly latencyNs: number[];
    readonly spikes: number[];
    readonly synOps: number[];
    readonly packets: number[];
    readonly hops: number[];
    readonly energyPj: number[];
  };
}

function counterRecord(a: Float64Array, o: number): CounterRecord {
  const r = {} as CounterRecord;
  COUNTER_NAMES.forEach((name, k) => { r[name] = a[o + k]; });
  return r;
}

/**
 * `cores`: the program's per-core figures (metrics.ts programCoreFigures), needed when `program` is a
 * skeleton whose per-synapse arrays were released after the state was built.
 */
export function buildRunReport(chipSpec: ChipSpec, program: ChipProgram, res: SimResult, provenance: Provenance, timingModel: string, cores?: ProgramCoreFigures): RunReport {
  // `--costs counts` (provenance.options.costs, counts-only.ts): the energy computed below is dropped at the end,
  // so it is billed on evaluations, which every rule counts (a spec billing changes would refuse pair STDP,
  // energy.ts learningBilledCount, over an energy no one sees). chip.specSha256 stays the given spec's.
  const countsOnly = isCountsOnly({ provenance });
  const spec = countsOnly && learningBillingBasis(chipSpec) === "changes" ? { ...chipSpec, learningBilledOn: "evaluations" as const } : chipSpec;
  const st = res.state;
  const K = COUNTER_COUNT;
  const encs = st.encodingNames;
  const E = Math.max(1, encs.length);
  const { perCore, perTick, synOpsByEncoding, synOpsByTickEncoding, synOpsByProjection, spikesPerNeuron } = res.counters;
  const totals = new Float64Array(K);
  for (let c = 0; c < st.coreCount; c++) for (let k = 0; k < K; k++) totals[k] += perCore[c * K + k];
  const encTotals = new Float64Array(E);
  for (let c = 0; c < st.coreCount; c++) for (let e = 0; e < E; e++) encTotals[e] += synOpsByEncoding[c * E + e];
  // Compute-in-memory presets: crossbar reads, derived from the spikes (chip/report/crossbar.ts).
  const xb = usesCrossbarCosts(spec) ? crossbarCounts(spec, program, res) : undefined;
  // Learning billed on weight changes (spec.learningBilledOn "changes"): the engine's changes of this run, by core
  // and tick (SimResult); none for pair STDP, which counts none (learningBilledCount then refuses the run).
  const changesByCore = hasPlasticity(program) ? undefined : res.weightChangesPerCore;
  const changesByTick = hasPlasticity(program) ? undefined : res.weightChangesPerTick;
  const changesTotal = changesByCore === undefined ? (hasPlasticity(program) ? undefined : 0) : changesByCore.reduce((a, b) => a + b, 0);
  // The synaptic count energySynOpPj multiplies: every entry (synOps) or, on a connect-bit crossbar (spec
  // synOpsBilledOn "connected"), the entries with a non-zero weight (connected-synapses.ts).
  const connected = synOpBillingBasis(spec) === "connected" ? connectedSynOps(program, res) : undefined;
  const billedByCore = connected?.perCore ?? synOpsByEncoding;
  const billedByTick = connected?.perTick ?? synOpsByTickEncoding;
  const billedTotals = connected?.totals ?? encTotals;
  const dyn = withCrossbarEnergy(dynamicEnergyPj(spec, totals, 0, billedTotals, 0, encs, changesTotal), xb?.totalEnergyPj ?? 0);
  // Tick t's modelled latency is its timing model's latency plus, on compute-in-memory presets, its crossbar
  // reads (perTick.latencyNs). The run's time is Σ_t latency_t, or Σ_t max(tickPeriodNs, latency_t) on a
  // paced chip (chip/report/time-basis.ts); static energy, average power and inference time all use it.
  const tickLatencyNs = Array.from(latencyWithCrossbarNs(res.tickLatencyNs, xb));
  const time = runTime(spec, tickLatencyNs, res.steps);
  const simulatedTimeNs = time.timeNs;
  const staticPj = staticEnergyPj(spec, st.coreCount, simulatedTimeNs);
  const total = dyn.dynamic + staticPj;
  const costs: Array<{ key: string; value: number; unit: string; source: string; evidence: string }> = [];
  const notModelled = notModelledCosts(spec);
  const table = spec.costs as Record<string, CostEntry | undefined>;
  for (const key of COST_KEYS) {
    const c = table[key];
    if (c !== undefined) costs.push({ key, value: c.value, unit: costUnit(key), source: c.source, evidence: c.evidence });
  }
  for (const [enc, cc] of Object.entries(spec.costs.synapseEncodings ?? {})) {
    for (const [k, c] of Object.entries(cc)) if (c !== undefined) costs.push({ key: `synapseEncodings.${enc}.${k}`, value: c.value, unit: costUnit(k), source: c.source, evidence: c.evidence });
  }
  const perTickEnergy: number[] = [];
  for (let t = 0; t < res.steps; t++) perTickEnergy.push(dynamicEnergyPj(spec, perTick, t * K, billedByTick, t * E, encs, changesByTick === undefined ? changesTotal : changesByTick[t]).dynamic + (xb?.energyPerTickPj[t] ?? 0));
  // Per population: spikes, dead neurons, synaptic ops arriving (via projections ending on it).
  const P = program.populations.length;
  const popSpikes = new Float64Array(P);
  const popDead = new Float64Array(P);
  for (let n = 0; n < st.neuronCount; n++) {
    const p = st.populationOfNeuron[n];
    popSpikes[p] += spikesPerNeuron[n];
    if (spikesPerNeuron[n] === 0) popDead[p]++;
  }
  const popIndex = new Map(program.populations.map((p, i) => [p.name, i] as const));
  const popSynIn = new Float64Array(P);
  program.projections.forEach((pr, k) => { popSynIn[popIndex.get(pr.post) ?? 0] += synOpsByProjection[k]; });
  const col = (k: number): number[] => Array.from({ length: res.steps }, (_, t) => perTick[t * K + k]);
  const metrics = computeRunMetrics(spec, program, res, { simulatedTimeNs, timeBasis: time.basis, energyTotalPj: total }, cores);
  // A chip without latency costs (and no tick period) does not model time: its time and power are unknown, not 0.
  const timeModelled = time.basis !== "not-modelled";
  const report = assertReportFinite<RunReport>({
    format: REPORT_FORMAT, version: REPORT_VERSION, provenance, model: program.modelName,
    chip: {
      name: spec.name, source: spec.source, coresUsed: st.coreCount, coresAvailable: spec.mesh.widthTiles * spec.mesh.heightTiles * spec.mesh.coresPerTile,
      specSha256: createHash("sha256").update(JSON.stringify(chipSpec)).digest("hex"),
      mesh: { widthTiles: spec.mesh.widthTiles, heightTiles: spec.mesh.heightTiles, coresPerTile: spec.mesh.coresPerTile },
    },
    steps: res.steps, timingModel,
    totals: {
      counters: counterRecord(totals, 0),
      synOpsByEncoding: Object.fromEntries(encs.map((e, i) => [e, encTotals[i]])),
      ...(connected === undefined ? {} : { synOpsBilledOn: "connected" as const, connectedSynOpsByEncoding: Object.fromEntries(encs.map((e, i) => [e, connected.totals[i]])) }),
      synapticEventsDelivered: res.synapticEventsDeliveredByProjection.reduce((a, b) => a + b, 0),
      ...(xb === undefined ? {} : {
        crossbar: {
          reads: xb.readsPerCore.reduce((a, b) => a + b, 0), activeRows: xb.activeRowsPerCore.reduce((a, b) => a + b, 0),
          conversions: xb.readsPerCore.reduce((a, r, c) => a + r * xb.columnsPerCore[c], 0), energyPj: xb.totalEnergyPj,
        },
      }),
      sanafe: {
        synapticEvents: totals[CounterKind.synOps],
        packets: totals[CounterKind.packetsOut],
        hops: totals[CounterKind.hopsEast] + totals[CounterKind.hopsWest] + totals[CounterKind.hopsNorth] + totals[CounterKind.hopsSouth],
        neuronUpdates: totals[CounterKind.neuronUpdates] + totals[CounterKind.spikes] - totals[CounterKind.neuronsFired],
        neuronsFired: totals[CounterKind.spikes],
      },
      energyPj: { ...dyn, ...(learningEnergyModelled(spec, totals[CounterKind.synUpdates]) ? {} : { learning: null }), static: staticPj, total },
      ...(totals[CounterKind.synUpdates] > 0 || res.learning !== undefined || learningBillingBasis(spec) !== "evaluations" ? { learningBilledOn: learningBillingBasis(spec) } : {}),
      timeBasis: time.basis,
      ...(time.tickPeriodNs === null ? {} : { tickPeriodNs: time.tickPeriodNs }),
      simulatedTimeNs: timeModelled ? simulatedTimeNs : null,
      averagePowerMw: timeModelled ? (simulatedTimeNs > 0 ? total / simulatedTimeNs : 0) : null,
      energyPerStepPj: res.steps > 0 ? total / res.steps : 0,
    },
    costs, notModelled,
    perCore: Array.from({ length: st.coreCount }, (_, c) => ({
      coreId: st.coreId[c], tile: { x: st.coreTileX[c], y: st.coreTileY[c] },
      counters: counterRecord(perCore, c * K),
      synOpsByEncoding: Object.fromEntries(encs.map((e, i) => [e, synOpsByEncoding[c * E + i]])),
      energyPj: withCrossbarEnergy(dynamicEnergyPj(spec, perCore, c * K, billedByCore, c * E, encs, changesByCore === undefined ? changesTotal : changesByCore[c]), xb?.energyPerCorePj[c] ?? 0),
    })),
    perPopulation: program.populations.map((p, i) => ({
      name: p.name, kind: p.kind, size: p.size, spikes: popSpikes[i], synOpsIn: popSynIn[i],
      meanRatePerTick: res.steps > 0 ? popSpikes[i] / (p.size * res.steps) : 0, deadNeurons: popDead[i],
    })),
    perProjection: program.projections.map((pr, k) => ({ name: pr.name, pre: pr.pre, post: pr.post, synapses: pr.synapseCount, synOps: synOpsByProjection[k], ...(connected === undefined ? {} : { connectedSynOps: connected.perProjection[k] }), synapticEventsDelivered: res.synapticEventsDeliveredByProjection[k] })),
    ...(res.learning === undefined ? {} : {
      learning: buildLearningReport(program, res.learning, { synUpdates: totals[CounterKind.synUpdates], ruleEvaluations: totals[CounterKind.learnRuleEvaluations] }, res.gradedPsi, countsOnly ? null : learningBillingBasis(spec)),
    }),
    metrics,
    perTick: {
      latencyNs: tickLatencyNs, spikes: col(CounterKind.spikes), synOps: col(CounterKind.synOps),
      packets: col(CounterKind.packetsOut),
      hops: Array.from({ length: res.steps }, (_, t) => perTick[t * K + CounterKind.hopsEast] + perTick[t * K + CounterKind.hopsWest] + perTick[t * K + CounterKind.hopsNorth] + perTick[t * K + CounterKind.hopsSouth]),
      energyPj: perTickEnergy,
    },
  }, spec.name);
  // `--costs counts` (provenance.options.costs): the same report without its energy and power (counts-only.ts).
  return countsOnly ? countsOnlyReport(report) : report;
}
