/**
 * One sweep point: load the model, build the chip (preset or spec file, with the point's overrides of
 * neurons per core, mesh size and weight bits), compile, run and keep the totals as one row. The same
 * function runs in a piscina worker and in-process, so the rows are identical either way.
 *
 * A point that fails with an AerchipError (the model does not fit, the spec becomes invalid at these
 * weight bits) is a row with the error code: it is a result of the sweep, not a failure of it.
 */
import type { SampleEnergyPj } from "../../chip/report/dataset.ts";
import { AerchipError, isAerchipError, type Diagnostic } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import type { ChipStimulus } from "../../chip/program/types.ts";
import { assertValidChipSpec } from "../../chip/spec/validate.ts";
import type { TimeBasis } from "../../chip/report/time-basis.ts";
import type { ModelGraph } from "../../compiler/ir/types.ts";
import { loadNirModel, nirChipOptions, type LoadedNirModel } from "../../compiler/frontends/nir/index.ts";
import { nirWithInput } from "../nir-input.ts";
import { dtBinningWarning } from "../nir-dt-check.ts";
import { loadArch } from "../load-arch.ts";
import { compileAndRunAsync, loadModel } from "../pipeline.ts";
import { nirStimulus, readInputSpikes, type InputSpikes } from "../spike-inputs.ts";
import { chooseInputPopulation, readModelInput, withInputSpikes } from "../model-input.ts";
import { eventsMergedWarning, inputReportSection } from "../input-accounting.ts";
import type { InputReportSection } from "../../chip/report/run-report.ts";
import { aerchipVersion } from "../version.ts";
import type { PointParams, PointTask } from "./grid.ts";
import { learningOutcome, type PointLearning } from "./learning-outcome.ts";

export const POINT_FORMAT = "aerchip-sweep-point";
/**
 * Version of a point file. 2 added `timeBasis`; a version-1 file (aerchip before it) has no time basis,
 * so a resumed sweep runs that point again rather than mixing rows with and without one (cli/commands/sweep.ts).
 */
export const POINT_VERSION = 2;

/**
 * A point's energy components, pJ: the run report's totals.energyPj, as a data set's sample carries them, with
 * learning null where the report's is (synapse updates on a chip without energySynUpdatePj: not modelled).
 */
export type PointEnergyPj = Omit<SampleEnergyPj, "learning"> & { readonly learning: number | null };

/** Spike agreement of a fixed-point run with the same model in float64, over all non-input populations. */
export interface PointAgreement {
  readonly spikes: number;
  readonly spikesFloat: number;
  readonly shared: number;
  /** shared / (spikes + spikesFloat − shared); 1 when both runs are silent. */
  readonly jaccard: number;
}

export interface PointRow {
  readonly format: typeof POINT_FORMAT;
  readonly version: typeof POINT_VERSION;
  readonly id: string;
  readonly index: number;
  readonly params: PointParams;
  /** "ok", or the AerchipError code of a failed point. */
  readonly status: string;
  readonly errorMessage: string | null;
  readonly model: string | null;
  readonly chip: string | null;
  readonly steps: number | null;
  readonly coresUsed: number | null;
  readonly coresAvailable: number | null;
  /** All spikes, inputs included (the run report's counters.spikes). */
  readonly spikes: number | null;
  readonly synOps: number | null;
  /** null for a failed point, and for every point of a counts-only sweep (`sweep --costs counts`). */
  readonly energyPj: PointEnergyPj | null;
  readonly simulatedTimeNs: number | null;
  /**
   * What simulatedTimeNs, power and static energy are computed on (chip/report/time-basis.ts): "tick-period"
   * (paced, e.g. TrueNorth's and SpiNNaker 2's 1 ms ticks), "modelled-latency" (compute-bound) or
   * "not-modelled"; null for a failed point. From the run report's totals.timeBasis.
   */
  readonly timeBasis: TimeBasis | null;
  readonly averagePowerMw: number | null;
  /** Fixed-point points only. */
  readonly agreement: PointAgreement | null;
  /**
   * How the final weights moved from the model's (cli/sweep/learning-outcome.ts); present only on a point whose
   * model has plastic projections and ran, so rows of static models keep their bytes.
   */
  readonly learning?: PointLearning;
}

/** The chip of a point: the spec with its overrides, validated again (weight bits change the synapse entry). */
export function pointSpec(archPath: string, p: PointParams): ChipSpec {
  const spec = loadArch(archPath, {
    ...(p.coreNeurons === null ? {} : { coreNeurons: p.coreNeurons }),
    ...(p.meshWidth === null ? {} : { meshWidth: p.meshWidth }),
    ...(p.meshHeight === null ? {} : { meshHeight: p.meshHeight }),
  });
  if (p.weightBits === null || p.weightBits === spec.precision.weightBits) return spec;
  const next = { ...spec, name: spec.name.endsWith("*") ? spec.name : `${spec.name}*`, precision: { ...spec.precision, weightBits: p.weightBits } };
  return assertValidChipSpec(next, `${archPath} with weightBits ${p.weightBits}`);
}

/**
 * The model with every learning rule's weightBits set to the point's learningWeightBits (the sweep axis that
 * asks "does the rule still learn at b bits?"; the chip's precision.weightBits still bounds it when compiling,
 * E_LEARNING_WEIGHT_BITS). Unchanged when the point has none.
 */
export function withLearningWeightBits(graph: ModelGraph, bits: number | null | undefined, file: string): ModelGraph {
  if (bits === null || bits === undefined) return graph;
  return {
    ...graph,
    projections: graph.projections.map((p) => {
      if (p.learning === undefined) return p;
      if (!(Number.isFinite(p.learning.wMin) && Number.isFinite(p.learning.wMax))) {
        throw new AerchipError("E_SWEEP_FIELD", `learningWeightBits: projection "${p.name}"'s rule has no finite wMin and wMax, which a weight grid spans`, { file, field: `projections.${p.name}.learning.wMin`, hint: "give the rule finite wMin and wMax, or drop learningWeightBits from the sweep file" });
      }
      return { ...p, learning: { ...p.learning, weightBits: bits } };
    }),
  };
}

/**
 * Refused before any point runs (audit s24b #12): a plastic model on fixed-point points (every point would
 * fail with E_FIXED_PLASTIC_UNSUPPORTED: learned weights are float), and learningWeightBits on a model with
 * no learning rule (pair `stdp` has no weight grid).
 */
function checkSweepLearning(graph: ModelGraph, tasks: readonly PointTask[], model: string, file: string): void {
  const plastic = graph.projections.some((p) => p.learning !== undefined || p.plasticity !== undefined);
  const rules = graph.projections.some((p) => p.learning !== undefined);
  if (plastic && tasks.some((t) => t.params.precision === "fixed")) {
    const viaBits = tasks.some((t) => t.params.weightBits !== null);
    throw new AerchipError("E_SWEEP_FIELD", `${viaBits ? "weightBits" : "precision"}: the model ${model} learns (plastic projections), and fixed-point runs cannot learn (E_FIXED_PLASTIC_UNSUPPORTED), so every fixed-point point would fail`, {
      file, field: viaBits ? "weightBits" : "precision",
      hint: rules
        ? "to ask whether the rule still learns at fewer weight bits, sweep its width instead: `learningWeightBits: [8, 6, 4]` with `precision: float` (drop weightBits); `aerchip learn … --weight-bits 8,6,4` does so for Diehl & Cook"
        : "pair STDP (`stdp`) has no weight grid; sweep the model's other axes with `precision: float`, or write the rule as a `learning` block with weightBits",
    });
  }
  if (!rules && tasks.some((t) => t.params.learningWeightBits !== null)) {
    throw new AerchipError("E_SWEEP_FIELD", `learningWeightBits: the model ${model} has no learning rule (a projection's \`learning\` block) whose weightBits it could set`, {
      file, field: "learningWeightBits", hint: "drop learningWeightBits, or give the model a `learning` rule (pair `stdp` has no weight grid)",
    });
  }
}

async function pointModel(task: PointTask, fitsChip?: ChipSpec | readonly ChipSpec[]): Promise<{ graph: ModelGraph; stimulus: ChipStimulus; steps: number; input?: InputSpikes; nir?: LoadedNirModel }> {
  if (/\.nir$/i.test(task.model)) {
    // The point's chip places the bias sources (nirChipOptions: maxDelayTicks, delayPerSynapse), as in `run`. checkModel's
    // load against every point's chip (a list) only reads the input, which the bias sources do not change.
    const one = fitsChip === undefined || !("core" in fitsChip) ? undefined : fitsChip;
    // The sweep file's reset, nirBias, dt: as run's --reset, --nir-bias, --dt (cli/commands/run-nir.ts nirOptions).
    const nir = task.nir ?? {};
    const loaded = await loadNirModel(task.model, {
      ...(nir.reset === undefined ? {} : { reset: nir.reset }), ...(nir.nirBias === undefined ? {} : { bias: nir.nirBias }), ...(nir.dt === undefined ? {} : { dtSeconds: nir.dt }),
      ...(one === undefined ? {} : nirChipOptions(one)),
    });
    const m = nirSweepInput(loaded, task);
    if (task.input === null) {
      throw new AerchipError("E_INPUT_REQUIRED", "a NIR graph carries no input spikes", { file: task.model, field: "input", hint: `add \`input: FILE\` to the sweep file (a T × ${m.inputShape.join(" × ")} .npy, an .aer stream or an N-MNIST .bin)` });
    }
    const input = await readInputSpikes(task.input, m.inputShape, task.tickUs === null ? {} : { tickUs: task.tickUs });
    const T = task.steps ?? input.steps;
    return { graph: m.graph, stimulus: nirStimulus(m, input), steps: T + m.extraTicks, input, nir: m };
  }
  const m = loadModel(task.model, fitsChip); // too large for the chip: refused before it is built (compiler/core-capacity.ts)
  if (task.input === null) return { graph: m.graph, stimulus: m.stimulus, steps: task.steps ?? m.graph.defaultSteps };
  // A JSON model's input population driven by the file, as `run MODEL.json --input FILE` (cli/model-input.ts):
  // the run lasts the input's ticks unless `steps` says otherwise.
  let pop;
  try {
    pop = chooseInputPopulation(m.graph.populations, task.inputPopulation ?? undefined, task.model);
  } catch (e) {
    // The choice is the sweep file's `inputPopulation`, not a command-line option.
    if (!isAerchipError(e) || e.code !== "E_CLI_OPTION") throw e;
    const inputs = m.graph.populations.filter((p) => p.kind === "input").map((p) => p.name);
    const what = task.inputPopulation === null ? `the model ${task.model} has ${inputs.length} input populations (${inputs.join(", ")}), and \`input\` drives one` : `"${task.inputPopulation}" is not an input population of ${task.model} (its input populations: ${inputs.join(", ")})`;
    throw new AerchipError("E_SWEEP_FIELD", `inputPopulation: ${what}`, { file: task.model, field: "inputPopulation", hint: task.inputPopulation === null ? `add \`inputPopulation: NAME\` to the sweep file, one of: ${inputs.join(", ")}` : `give one of: ${inputs.join(", ")}` });
  }
  const input = await readModelInput(task.input, pop, task.model, task.tickUs === null ? {} : { tickUs: task.tickUs });
  return { graph: m.graph, stimulus: withInputSpikes(m, pop.name, input).stimulus, steps: task.steps ?? input.steps, input };
}

/** The sweep file's `inputPopulation` of a NIR graph: the Input node `input` drives (cli/nir-input.ts), its errors named by the sweep field. */
function nirSweepInput(m: LoadedNirModel, task: PointTask): LoadedNirModel {
  try {
    return nirWithInput(m, task.inputPopulation ?? undefined, task.model);
  } catch (e) {
    if (!isAerchipError(e) || e.code !== "E_CLI_OPTION") throw e;
    throw new AerchipError("E_SWEEP_FIELD", `inputPopulation: ${e.message.replace(/^--input-population /, "")}`, { file: task.model, field: "inputPopulation", ...(e.hint === undefined ? {} : { hint: e.hint }) });
  }
}

/**
 * Loads the model once, so a broken model fails the sweep before any point runs, and says how the sweep's
 * `input` file became input spikes (cli/input-accounting.ts: events read, merged, …; the same for every
 * point, so sweep.json and the table's note carry it once) with W_EVENTS_MERGED when many events merged.
 */
export async function checkModel(task: PointTask, tasks: readonly PointTask[] = [task], sweepFile: string = task.model): Promise<{ input?: InputReportSection; warning?: Diagnostic; dtWarnings?: readonly Diagnostic[] }> {
  // Checked against every point's chip (audit s22r-y #4; each counts input neurons its own way): a model that no point's chip can
  // hold fails now, coded; one that some can hold loads, and each point checks its own chip. A point whose
  // chip overrides are invalid is left to its own row.
  const specs: ChipSpec[] = [];
  for (const t of tasks) {
    try { specs.push(pointSpec(t.archPath, t.params)); } catch (e) { if (!isAerchipError(e)) throw e; }
  }
  const m = await pointModel(task, specs);
  checkSweepLearning(m.graph, tasks, task.model, sweepFile);
  if (m.input === undefined || task.input === null) return {};
  const warning = eventsMergedWarning(m.input, task.input, undefined);
  const dt = m.nir === undefined ? [] : sweepDtBinningWarnings(m.nir, tasks, m.input.tickUs, task.input);
  return { input: inputReportSection(m.input, warning, m.steps), ...(warning === undefined ? {} : { warning }), ...(dt.length === 0 ? {} : { dtWarnings: dt }) };
}

/** Point ids a sweep warning lists before it abbreviates. */
const LISTED_POINT_IDS = 10;

/**
 * W_NIR_DT_BINNING for a sweep over a NIR graph (cli/nir-dt-check.ts, the warning `run` gives): evaluated for
 * every point (its dt: the sweep file's `dt`, else the graph's as loaded; the input binned at `tickUs`), one
 * warning per distinct text, naming the points it applies to, so a sweep says it once, not once per point.
 */
export function sweepDtBinningWarnings(m: Pick<LoadedNirModel, "nodes" | "options">, tasks: readonly PointTask[], tickUs: number | undefined, inputFile: string): Diagnostic[] {
  const byText = new Map<string, { d: Diagnostic; dt: number; ids: string[] }>();
  for (const t of tasks) {
    const dt = t.nir?.dt ?? m.options.dtSeconds;
    const d = dtBinningWarning({ nodes: m.nodes, options: { dtSeconds: dt } }, tickUs, inputFile);
    if (d === undefined) continue;
    const seen = byText.get(d.message);
    if (seen === undefined) byText.set(d.message, { d, dt, ids: [t.id] }); else seen.ids.push(t.id);
  }
  return [...byText.values()].map(({ d, dt, ids }) => {
    const all = ids.length === tasks.length;
    const listed = ids.slice(0, LISTED_POINT_IDS).join(", ") + (ids.length > LISTED_POINT_IDS ? `, … (${ids.length - LISTED_POINT_IDS} more)` : "");
    // The sweep file's fields in place of run's --dt / --tick-us (tickUs is defined here: the warning needs it).
    const hint = `set \`dt: ${(tickUs ?? 0) * 1e-6}\` in the sweep file (the bin width), or \`tickUs: ${dt * 1e6}\` (dt), unless the rescaling is meant`;
    return { ...d, field: "dt", message: `${d.message} (${all ? `every point of the sweep, ${ids.length}` : `${ids.length} of the ${tasks.length} points`}: ${listed})`, hint };
  });
}

export async function runPoint(task: PointTask): Promise<PointRow> {
  const p = task.params;
  const base = { format: POINT_FORMAT, version: POINT_VERSION, id: task.id, index: task.index, params: p } as const;
  try {
    const spec = pointSpec(task.archPath, p);
    const model = await pointModel(task, spec);
    // Interruptible: in-process, Ctrl-C stops the running point between chunks of its simulation.
    const graph = withLearningWeightBits(model.graph, p.learningWeightBits, task.model);
    const outcome = await compileAndRunAsync(spec, { graph, stimulus: model.stimulus }, {
      steps: model.steps,
      compile: { placement: p.placement, seed: p.seed, file: task.model, precision: p.precision },
      // Rows keep only totals; the run's own provenance is the sweep's (sweep.json).
      // `sweep --costs counts`: the run's report is counts-only (chip/report/counts-only.ts), the row's energy null.
      provenance: { aerchipVersion: aerchipVersion(), inputs: [], options: task.costs === "counts" ? { costs: "counts" } : {} },
      timing: task.timing,
    });
    const r = outcome.report;
    const e = r.totals.energyPj;
    let agreement: PointAgreement | null = null;
    if (r.precision !== undefined) {
      let spikes = 0, spikesFloat = 0, shared = 0;
      for (const a of r.precision.agreementWithFloat) { spikes += a.spikes; spikesFloat += a.spikesFloat; shared += a.shared; }
      const union = spikes + spikesFloat - shared;
      agreement = { spikes, spikesFloat, shared, jaccard: union === 0 ? 1 : shared / union };
    }
    const learned = learningOutcome(graph, outcome.sim.finalWeights);
    return {
      ...base, status: "ok", errorMessage: null, model: r.model, chip: r.chip.name, steps: r.steps,
      coresUsed: r.chip.coresUsed, coresAvailable: r.chip.coresAvailable, spikes: r.totals.counters.spikes, synOps: r.totals.counters.synOps,
      energyPj: task.costs === "counts" ? null : { synapse: e.synapse, neuron: e.neuron, network: e.network, learning: e.learning, static: e.static, total: e.total },
      simulatedTimeNs: r.totals.simulatedTimeNs, timeBasis: r.totals.timeBasis ?? r.metrics?.totals.inferenceTimeBasis ?? null,
      averagePowerMw: r.totals.averagePowerMw, agreement,
      ...(learned === undefined ? {} : { learning: learned }),
    };
  } catch (e) {
    // A stopped point is not a result: it must run again on resume.
    if (!isAerchipError(e) || e.code === "E_INTERRUPTED") throw e;
    return {
      ...base, status: e.code, errorMessage: e.message, model: null, chip: null, steps: null, coresUsed: null, coresAvailable: null,
      spikes: null, synOps: null, energyPj: null, simulatedTimeNs: null, timeBasis: null, averagePowerMw: null, agreement: null,
    };
  }
}
