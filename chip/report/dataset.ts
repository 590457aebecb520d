/**
 * A data set's results (`aerchip evaluate`): one row per sample, each an independent inference from the
 * chip's initial state, and their statistics. What papers quote from these is "per inference, averaged
 * over the test set" (energy, time, operations) and the accuracy; the batch-level activity figures follow
 * the sparse auto-encoder paper's definitions (../shared/docs/papers.md §3), over the model's layers
 * (front-end helpers such as NIR's bias drive `__nir_bias` are left out, as in the run report's metrics):
 *   dead neurons     neurons of a population that fired in no sample of the batch;
 *   density (active) Σ spikes / (N_active · Σ_samples T_s), N_active = size − dead, T_s the sample's
 *                    time steps (NIR steps; a layer's spikes counted in its own steps 0 … T_s − 1, i.e.
 *                    chip ticks latency … latency + T_s − 1, so the pipeline's drain ticks are not counted).
 * Statistics over samples: mean, sample standard deviation (n − 1 in the denominator; 0 for one sample),
 * minimum, median (the mean of the two middle values for an even count) and maximum, each summed in
 * sample order (the same numbers on every run).
 */
import type { PrecisionReport, RunReport } from "./run-report.ts";
import type { TimeBasis } from "./time-basis.ts";
import type { InputEventCounts } from "../../core/io/events/types.ts";
import type { EnergyComponent, EnergyTerm } from "./energy-terms.ts";
import { BURST_PER_MILLE } from "./metrics.ts";
import type { ReconstructionSummary, ReconstructionTarget, SampleReconstruction } from "./reconstruction.ts";

/** Energy components of one inference, pJ (the run report's totals.energyPj). */
export interface SampleEnergyPj {
  readonly synapse: number;
  readonly neuron: number;
  readonly network: number;
  readonly learning: number;
  readonly static: number;
  readonly total: number;
}

export const SAMPLE_ENERGY_KEYS = ["synapse", "neuron", "network", "learning", "static", "total"] as const;

/** One sample's inference. */
export interface DatasetSampleResult {
  /** Position in the data set's order. */
  readonly index: number;
  /** The file (relative to the data set) or "#i" for an HDF5 sample. */
  readonly id: string;
  readonly label: number | null;
  /** The decoded class (argmax, lowest index on ties); null when the output gave none (no spike at all). */
  readonly prediction: number | null;
  /** null when the sample has no label. */
  readonly correct: boolean | null;
  /** Time steps of the inference (NIR steps: the input's length, or --steps). */
  readonly steps: number;
  /** Chip ticks simulated: steps plus the graph's pipeline ticks, plus the rest's ticks (--rest-steps). */
  readonly ticks: number;
  /** Input spikes after binning in the inference's steps 0 … steps − 1. */
  readonly inputSpikes: number;
  /** Input spikes at step ≥ steps: not part of the inference's steps (a --steps shorter than the recording). */
  readonly inputSpikesBeyondSteps: number;
  /**
   * An event file's events on the way to its input spikes, as report.json's `input` (core/io/events/types.ts
   * InputEventCounts: read − dropped by the transforms − outside the ticks = binned = spikes + merged; `spikes`
   * = inputSpikes + inputSpikesBeyondSteps). Absent for a dense spike tensor, which holds spikes, not events.
   */
  readonly inputEvents?: InputEventCounts;
  /** Spikes of the model's non-input layers (helpers left out), each layer's counted in its own steps 0 … steps − 1 (as populations[]). */
  readonly spikes: number;
  /** Synaptic ops the chip performed (the run report's counter: what the synapse energy is charged on). */
  readonly synOps: number;
  /** Of synOps, those from helper populations (NIR's bias drive: one spike per tick into every biased neuron). */
  readonly helperSynOps: number;
  /** NeuroBench effective synaptic ops (ACs + MACs) of the model's layers, and their dense count (run report metrics). */
  readonly effectiveSynOps: number;
  readonly denseSynOps: number;
  /** NeuroBench activation sparsity of the inference (run report metrics). */
  readonly activationSparsity: number;
  readonly neuronUpdates: number;
  readonly packets: number;
  readonly hops: number;
  readonly energyPj: SampleEnergyPj;
  /** null when the chip spec does not model time. */
  readonly simulatedTimeNs: number | null;
  /**
   * The decoder's value per output neuron (spike counts, or the membrane decoder's values): one per
   * neuron; null for max_t v and the last v of a sample of 0 steps, which has none (samples.csv: "nan").
   */
  readonly outputValues: readonly (number | null)[];
  /** The largest value is shared by several (not all) output neurons: the lowest index was taken. */
  readonly tie: boolean;
  /** Fixed-point evaluations: the class the same model decodes to in float64 (null: no class). */
  readonly floatPrediction?: number | null;
  /** --target-from: the decoded output's error against the target (chip/report/reconstruction.ts); null for a sample of 0 steps. */
  readonly reconstruction?: SampleReconstruction | null;
}

export interface SampleStat {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** Spikes of one non-input population in one sample: the neuron index of each spike. */
export interface PopulationActivity {
  readonly name: string;
  readonly size: number;
}

export interface DatasetPopulationSummary {
  readonly name: string;
  readonly size: number;
  /** Spikes in the layer's own steps over all samples. */
  readonly spikes: number;
  /** spikes / samples. */
  readonly meanSpikesPerInference: number;
  /** Neurons that fired in at least one sample. */
  readonly activeNeurons: number;
  /** size − activeNeurons. */
  readonly deadNeurons: number;
  readonly deadFraction: number;
  /** Neurons spiking in at least 90 % of the batch's time steps (the run report's bursting, over the batch). */
  readonly burstingNeurons: number;
  /** spikes / (activeNeurons · Σ steps); null when no neuron fired. */
  readonly densityActive: number | null;
  /**
   * NeuroBench synaptic operations into the layer per inference (means over the samples of the run
   * report's metrics.perPopulation[].synapticOpsIn): effective = non-zero synapses × their sources' spikes
   * over each run, dense = fan-in weights × the run's chip ticks (steps + pipeline ticks, as the run report
   * counts them). Σ over layers of the effective mean = the mean of the
   * rows' effectiveSynOps.
   */
  readonly meanEffectiveSynOpsIn: number;
  readonly meanDenseSynOpsIn: number;
}

export interface DatasetSummary {
  readonly samples: number;
  /** Samples with a label. */
  readonly labelled: number;
  readonly correct: number;
  /** correct / labelled; null without labels. */
  readonly accuracy: number | null;
  /** 95 % Wilson score interval of the accuracy ([low, high]); null without labels. */
  readonly accuracyInterval95: readonly [number, number] | null;
  /**
   * Fixed-point evaluations: the same model in float64 over the same samples — its accuracy (null without
   * labels) and the samples whose fixed-point class equals the float64 one.
   */
  readonly floatReference?: { readonly accuracy: number | null; readonly samePrediction: number };
  /** Samples whose output decoded to no class (counted as wrong when labelled). */
  readonly noPrediction: number;
  /** Samples decided by a tie (the lowest of several largest outputs). */
  readonly ties: number;
  /** Samples with no input spike in their steps (an empty recording, or one --steps cut to nothing). */
  readonly emptySamples: number;
  /** Input spikes at step ≥ the sample's steps, over all samples. */
  readonly inputSpikesBeyondSteps: number;
  /** The event samples' inputEvents summed (`samples`: how many samples are event files); absent when every sample is a dense spike tensor. */
  readonly inputEvents?: InputEventCounts & { readonly samples: number };
  readonly steps: { readonly total: number; readonly perSample: SampleStat };
  readonly ticks: { readonly total: number; readonly perSample: SampleStat };
  readonly perInference: {
    readonly energyPj: Readonly<Record<(typeof SAMPLE_ENERGY_KEYS)[number], SampleStat>>;
    /** total − static per sample. */
    readonly dynamicEnergyPj: SampleStat;
    /** null when the chip spec does not model time. */
    readonly simulatedTimeNs: SampleStat | null;
    readonly spikes: SampleStat;
    readonly synOps: SampleStat;
    readonly helperSynOps: SampleStat;
    readonly effectiveSynOps: SampleStat;
    readonly denseSynOps: SampleStat;
    readonly activationSparsity: SampleStat;
    readonly neuronUpdates: SampleStat;
    readonly packets: SampleStat;
    readonly hops: SampleStat;
    readonly inputSpikes: SampleStat;
  };
  /** Sums over the data set. */
  readonly totals: { readonly energyPj: number; readonly simulatedTimeNs: number | null; readonly spikes: number; readonly synOps: number };
  readonly populations: readonly DatasetPopulationSummary[];
  /**
   * The mean energy per inference as mean count × per-operation cost, one term per count and cost of the
   * run reports (chip/report/energy-terms.ts): Σ of a component's terms = perInference.energyPj[component].mean
   * up to summation order (the energy is linear in the counts).
   */
  readonly energyTerms: readonly DatasetEnergyTerm[];
  /**
   * Labelled samples: rows = label, columns = prediction (0 … classes−1), the last column "no prediction".
   * Absent without labels.
   */
  readonly confusion?: { readonly classes: number; readonly counts: readonly (readonly number[])[] };
  /** --target-from: the reconstruction error's statistics over the samples that have one (chip/report/reconstruction.ts). */
  readonly reconstruction?: ReconstructionSummary;
}

export interface DatasetEnergyTerm {
  readonly component: EnergyComponent;
  readonly countKey: string;
  readonly countLabel: string;
  /** Mean over the samples of the count. */
  readonly meanCount: number;
  readonly costKey: string;
  readonly costValue: number;
  readonly costUnit: string;
  /** meanCount × costValue. */
  readonly meanEnergyPj: number;
}

/** Sums each sample's energy terms (add), then gives their means (terms). */
export class EnergyTermMeans {
  private readonly byKey = new Map<string, { term: EnergyTerm; sum: number }>();
  private samples = 0;

  add(terms: readonly EnergyTerm[]): void {
    this.samples++;
    for (const t of terms) {
      const key = `${t.component}|${t.countKey}|${t.costKey}`;
      const have = this.byKey.get(key);
      if (have === undefined) this.byKey.set(key, { term: t, sum: t.count });
      else have.sum += t.count;
    }
  }

  terms(): DatasetEnergyTerm[] {
    const n = Math.max(1, this.samples);
    return [...this.byKey.values()].map(({ term: t, sum }) => ({
      component: t.component, countKey: t.countKey, countLabel: t.countLabel, meanCount: sum / n,
      costKey: t.costKey, costValue: t.costValue, costUnit: t.costUnit, meanEnergyPj: (sum / n) * t.costValue,
    }));
  }
}

/**
 * The 95 % Wilson score interval of a proportion k / n (Wilson 1927): with z = 1.959964,
 *   centre = (p + z²/2n) / (1 + z²/n),  half-width = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n).
 * Unlike p ± z·√(p(1−p)/n) it stays inside [0, 1] and is not empty at p = 0 or 1.
 */
export function wilsonInterval95(k: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  // At k = 0 (k = n) the bound is 0 (1) exactly; c − h rounds to ~1e-17 there.
  return [k === 0 ? 0 : Math.max(0, c - h), k === n ? 1 : Math.min(1, c + h)];
}

/** mean, sample std, min, median, max of `xs` (non-empty), summed in order. */
export function sampleStat(xs: readonly number[]): SampleStat {
  const n = xs.length;
  if (n === 0) return { mean: 0, std: 0, min: 0, median: 0, max: 0 };
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  const sorted = [...xs].sort((a, b) => a - b);
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, min: sorted[0], median, max: sorted[n - 1] };
}

/**
 * Which neurons of each non-input population fired in any sample, and how often all of them fired:
 * add each sample's spikes with `add`, then `summary(totalTicks)`.
 */
export class BatchActivity {
  /** Spikes per neuron over the batch (a neuron spikes at most once per tick: the ticks it spiked in). */
  private readonly perNeuron: Float64Array[];
  private readonly spikes: number[];
  private readonly synOpsEffective: number[];
  private readonly synOpsDense: number[];
  private readonly populations: readonly PopulationActivity[];

  constructor(populations: readonly PopulationActivity[]) {
    this.populations = populations;
    this.perNeuron = populations.map((p) => new Float64Array(p.size));
    this.spikes = populations.map(() => 0);
    this.synOpsEffective = populations.map(() => 0);
    this.synOpsDense = populations.map(() => 0);
  }

  /** Population `p`'s synaptic operations in one sample (whole numbers: their sums are exact in any order). */
  addSynOpsIn(p: number, effective: number, dense: number): void {
    this.synOpsEffective[p] += effective;
    this.synOpsDense[p] += dense;
  }

  /** Population `p`'s spikes of one sample (neuron indices, any order, repeats allowed). */
  add(p: number, neurons: ArrayLike<number>): void {
    const f = this.perNeuron[p];
    for (let k = 0; k < neurons.length; k++) f[neurons[k]]++;
    this.spikes[p] += neurons.length;
  }

  /** `totalTicks`: the time steps of all samples (the density's denominator); `samples`: how many. */
  summary(totalTicks: number, samples = 1): DatasetPopulationSummary[] {
    return this.populations.map((p, i) => {
      let active = 0;
      let bursting = 0;
      for (const n of this.perNeuron[i]) {
        if (n > 0) active++;
        // Bursting as the run report's metrics define it (metrics.ts BURST_PER_MILLE), over the batch's steps.
        if (totalTicks > 0 && n * 1000 >= BURST_PER_MILLE * totalTicks) bursting++;
      }
      const dead = p.size - active;
      return {
        name: p.name, size: p.size, spikes: this.spikes[i], meanSpikesPerInference: this.spikes[i] / Math.max(1, samples), activeNeurons: active, deadNeurons: dead,
        deadFraction: p.size === 0 ? 0 : dead / p.size,
        burstingNeurons: bursting,
        densityActive: active === 0 || totalTicks === 0 ? null : this.spikes[i] / (active * totalTicks),
        meanEffectiveSynOpsIn: this.synOpsEffective[i] / Math.max(1, samples),
        meanDenseSynOpsIn: this.synOpsDense[i] / Math.max(1, samples),
      };
    });
  }
}

/** Classes of the confusion matrix: the output's size, or more when a label or prediction lies beyond it. */
function classCount(rows: readonly DatasetSampleResult[], outputSize: number): number {
  let c = outputSize;
  for (const r of rows) {
    if (r.label !== null) c = Math.max(c, r.label + 1);
    if (r.prediction !== null) c = Math.max(c, r.prediction + 1);
  }
  return c;
}

/** A confusion matrix is written for at most this many classes (SSC has 35; larger ones would swamp the file). */
export const MAX_CONFUSION_CLASSES = 1000;

/** The data set's statistics from its rows and its batch activity; `outputSize`: neurons of the decoded output (one class each). */
export function summariseDataset(rows: readonly DatasetSampleResult[], populations: readonly DatasetPopulationSummary[], outputSize = 0, energyTerms: readonly DatasetEnergyTerm[] = [], target?: ReconstructionTarget): DatasetSummary {
  const labelled = rows.filter((r) => r.label !== null);
  const correct = labelled.filter((r) => r.correct === true).length;
  const col = (f: (r: DatasetSampleResult) => number): number[] => rows.map(f);
  const energy = {} as Record<(typeof SAMPLE_ENERGY_KEYS)[number], SampleStat>;
  for (const k of SAMPLE_ENERGY_KEYS) energy[k] = sampleStat(col((r) => r.energyPj[k]));
  const timed = rows.every((r) => r.simulatedTimeNs !== null);
  const ticks = col((r) => r.ticks);
  const steps = col((r) => r.steps);
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const classes = classCount(labelled, outputSize);
  const confusion = labelled.length > 0 && classes <= MAX_CONFUSION_CLASSES
    ? (() => {
      const counts = Array.from({ length: classes }, () => new Array<number>(classes + 1).fill(0));
      for (const r of labelled) counts[r.label as number][r.prediction === null ? classes : r.prediction]++;
      return { classes, counts };
    })()
    : undefined;
  return {
    samples: rows.length,
    labelled: labelled.length,
    correct,
    accuracy: labelled.length === 0 ? null : correct / labelled.length,
    accuracyInterval95: labelled.length === 0 ? null : wilsonInterval95(correct, labelled.length),
    ...(rows.length > 0 && rows.every((r) => r.floatPrediction !== undefined) ? {
      floatReference: {
        accuracy: labelled.length === 0 ? null : labelled.filter((r) => r.floatPrediction === r.label).length / labelled.length,
        samePrediction: rows.filter((r) => r.floatPrediction === r.prediction).length,
      },
    } : {}),
    noPrediction: rows.filter((r) => r.prediction === null).length,
    ties: rows.filter((r) => r.tie).length,
    emptySamples: rows.filter((r) => r.inputSpikes === 0).length,
    inputSpikesBeyondSteps: sum(col((r) => r.inputSpikesBeyondSteps)),
    ...inputEventsSum(rows),
    steps: { total: sum(steps), perSample: sampleStat(steps) },
    ticks: { total: sum(ticks), perSample: sampleStat(ticks) },
    perInference: {
      energyPj: energy,
      dynamicEnergyPj: sampleStat(col((r) => r.energyPj.total - r.energyPj.static)),
      simulatedTimeNs: timed ? sampleStat(col((r) => r.simulatedTimeNs as number)) : null,
      spikes: sampleStat(col((r) => r.spikes)),
      synOps: sampleStat(col((r) => r.synOps)),
      helperSynOps: sampleStat(col((r) => r.helperSynOps)),
      effectiveSynOps: sampleStat(col((r) => r.effectiveSynOps)),
      denseSynOps: sampleStat(col((r) => r.denseSynOps)),
      activationSparsity: sampleStat(col((r) => r.activationSparsity)),
      neuronUpdates: sampleStat(col((r) => r.neuronUpdates)),
      packets: sampleStat(col((r) => r.packets)),
      hops: sampleStat(col((r) => r.hops)),
      inputSpikes: sampleStat(col((r) => r.inputSpikes)),
    },
    totals: {
      energyPj: sum(col((r) => r.energyPj.total)),
      simulatedTimeNs: timed ? sum(col((r) => r.simulatedTimeNs as number)) : null,
      spikes: sum(col((r) => r.spikes)),
      synOps: sum(col((r) => r.synOps)),
    },
    populations,
    energyTerms,
    ...(confusion === undefined ? {} : { confusion }),
    ...(target === undefined ? {} : { reconstruction: reconstructionSummary(rows, target, outputSize) }),
  };
}

/** mean, std, min, median, max of each error over the rows that have one (in sample order). */
function reconstructionSummary(rows: readonly DatasetSampleResult[], target: ReconstructionTarget, neurons: number): ReconstructionSummary {
  const errs = rows.flatMap((r) => (r.reconstruction === undefined || r.reconstruction === null ? [] : [r.reconstruction]));
  return {
    target, neurons, samples: errs.length,
    mse: sampleStat(errs.map((e) => e.mse)), sse: sampleStat(errs.map((e) => e.sse)), mae: sampleStat(errs.map((e) => e.mae)),
  };
}

export const DATASET_FORMAT = "aerchip-dataset-1";
/** The event samples' input events summed, or nothing when no sample is an event file. */
function inputEventsSum(rows: readonly DatasetSampleResult[]): { inputEvents?: InputEventCounts & { readonly samples: number } } {
  const ev = rows.flatMap((r) => (r.inputEvents === undefined ? [] : [r.inputEvents]));
  if (ev.length === 0) return {};
  const add = (f: (e: InputEventCounts) => number): number => ev.reduce((a, e) => a + f(e), 0);
  return {
    inputEvents: {
      samples: ev.length, eventsRead: add((e) => e.eventsRead), eventsDroppedByTransforms: add((e) => e.eventsDroppedByTransforms),
      eventsOutsideTicks: add((e) => e.eventsOutsideTicks), eventsBinned: add((e) => e.eventsBinned), spikes: add((e) => e.spikes), eventsMerged: add((e) => e.eventsMerged),
      ...(ev.some((e) => e.eventsRepeated !== undefined) ? { eventsRepeated: add((e) => e.eventsRepeated ?? 0) } : {}),
    },
  };
}

export const DATASET_VERSION = 1;

/** How a sample's class is read from the Output node (cli/commands/evaluate.ts). */
export type DecodeMode = "count" | "sum" | "max" | "last";
export const DECODE_MODES: readonly DecodeMode[] = ["count", "sum", "max", "last"];

/** The document dataset.json holds (`aerchip evaluate`). */
export interface DatasetDocument {
  readonly format: typeof DATASET_FORMAT;
  readonly version: typeof DATASET_VERSION;
  readonly provenance: RunReport["provenance"];
  readonly model: string;
  readonly chip: RunReport["chip"];
  readonly dataset: {
    readonly path: string;
    /** The directory's own name when `path` has none ("." or ".."; chip/report/formats/dataset-name.ts). */
    readonly name?: string;
    readonly kind: "directory" | "hdf5" | "file";
    /** Samples in the data set; `evaluated` of them were run (--samples). */
    readonly total: number;
    readonly evaluated: number;
    /** Directory data sets: files skipped for not being event files. */
    readonly skippedFiles: number;
    readonly classNames?: readonly string[];
  };
  /** What the chip name's `*` stands for (the overrides of the preset), when it has one. */
  readonly chipOverrides?: string;
  /**
   * How the inputs were read: the tick length events were binned at (null when every sample is a dense
   * spike tensor, one row per step), how many samples are dense tensors, the NIR dt, and --steps (null:
   * each sample's own length).
   */
  /**
   * tickUs: the bin width of event files (null for dense tensors only, or with timeBins: N bins per recording,
   * eventCount: ticks of N events, eventBins: N ticks of equal event counts). eventOverlap (--event-overlap,
   * absent without it): tonic's overlap between neighbouring ticks in the binning rule's unit (µs with tickUs,
   * whose ticks then start every tickUs − eventOverlap µs; events with eventCount; a fraction of a bin otherwise).
   * restSteps (--rest-steps, absent when 0): input-free chip ticks simulated after each sample's own and
   * charged (in every row's ticks, counters, energy and time); outputs and layer activity use the steps.
   */
  readonly input: { readonly tickUs: number | null; readonly denseTensors: number; readonly dtSeconds: number | null; readonly steps: number | null; readonly timeBins?: number; readonly eventCount?: number; readonly eventBins?: number; readonly eventOverlap?: number; readonly restSteps?: number };
  /** The chip's memory for the model (run report metrics.totals.footprint.totalBytes: weights, neuron state, traces). */
  readonly footprintBytes: number;
  /** The NIR reader's warnings and W_NIR_DT_BINNING (input bin width ≠ the graph's dt), as "CODE: message". */
  readonly warnings?: readonly string[];
  readonly timingModel: string;
  readonly precision: "float" | "fixed";
  /** Fixed-point compiles: the quantisation per layer (as report.json's precision.layers) and its warnings. */
  readonly quantisation?: { readonly layers: PrecisionReport["layers"]; readonly warnings: readonly string[] };
  readonly timeBasis: TimeBasis | null;
  readonly tickPeriodNs: number | null;
  readonly output: { readonly output: string; readonly node: string; readonly size: number; readonly spiking: boolean; readonly decode: DecodeMode };
  /** Per-operation costs every energy figure is made of (as report.json's `costs`). */
  readonly costs: RunReport["costs"];
  readonly notModelled: RunReport["notModelled"];
  readonly summary: DatasetSummary;
  readonly samples: readonly DatasetSampleResult[];
}
