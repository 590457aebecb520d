/** `aerchip run MODEL --arch ARCH --out DIR`: compile, run, print a summary, write spikes/report/mapping. */
import { writeOutputDir, type OutputParent } from "../earlier-outputs.ts";
import { mappingJson } from "../mapping-json.ts";
import type { StllrPsi } from "../../chip/program/named-rules.ts";
import { thirdFactorProvenance, thirdFactorRowsWarnings, type ThirdFactorArg } from "../third-factor.ts";
import { checkLearningDrive, checkSpecBillsPairStdp, learningFacts, type LearningFacts } from "../learning-drive.ts";
import { eventBinningOf, eventTransformProvenance, eventTransformsOf, packetStreamTickUs, type EventTransformChoice } from "../event-transforms.ts";
import { join } from "node:path";
import { outputDirOption, stableJson, type OutputFile } from "../../core/atomic-write.ts";
import { checkRunOutputPaths } from "../output-paths.ts";
import type { ReadoutReport, RunReport } from "../../chip/report/run-report.ts";
import { chipOverrideNote } from "../../chip/report/formats/tables.ts";
import type { MappingReport } from "../../compiler/compile.ts";
import { mappingWayNotes } from "../fanout-note.ts";
import { perTickLatencyModelled } from "../../chip/report/time-basis.ts";
import { loadArch, withLearningBilling } from "../load-arch.ts";
import { compileAndRunAsync, loadModel, spikesJson, weightsJson } from "../pipeline.ts";
import { fixedMappingError, isYamlPath, loadSanafeModel, sanafeArchFor, sanafeArchNote, sniffFile } from "../sanafe-inputs.ts";
import type { SanafeArch } from "../../compiler/frontends/sanafe/index.ts";
import type { LoadedModel } from "../../compiler/frontends/snnref.ts";
import type { CompileOptions } from "../../compiler/compile.ts";
import type { ChipSpec, LearningBillingBasis } from "../../chip/spec/types.ts";
import { existsSync } from "node:fs";
import { gitCommit, sha256File } from "../provenance.ts";
import { aerchipVersion } from "../version.ts";
import { fmtEnergyPj, fmtInt, fmtTimeNs, table } from "../format.ts";
import { eventsMergedWarning, inputReportSection, inputSummaryLine } from "../input-accounting.ts";
import { lateEmbeddedSpikesWarning } from "../embedded-spikes.ts";
import type { PlacementStrategy } from "../../compiler/passes/place.ts";
import { AerchipError, formatDiagnostic, type Diagnostic } from "../../core/diagnostics.ts";
import { packetTracer, packetsOutFile } from "../packets-out.ts";
import { inputSelectionOf, inputSelectionProvenance, type InputSelection } from "../input-selection.ts";
import { cliLogger } from "../logging.ts";
import { makeProgress } from "../progress.ts";
import { pacedSpec, tickPeriodProvenance, tickPeriodUsFor } from "../tick-period.ts";
import { checkReadoutFileNames, checkReadoutSize, fileSafe, graphReadouts, readoutOutputs, type ReadoutSource } from "../readout-files.ts";
import { checkLayerTicksBeforeRun, layerTicksFile, layerTicksProvenance } from "../layer-ticks-out.ts";
import { withInitialWeights } from "../initial-weights.ts";
import { chooseInputPopulation, readModelInput, withInputSpikes, type PopulationOutline } from "../model-input.ts";
import { checkInputHasTicks, checkInputTicks, type InputSpikes } from "../spike-inputs.ts";
import { isCountsOnly, type CostMode } from "../../chip/report/counts-only.ts";
import { driveEnergyNotModelledText, nirBiasDrive } from "../../chip/report/nir-bias-drive.ts";
import { checkCostsWithBilling, costsProvenance } from "../costs-mode.ts";

export interface RunCommandOptions extends InputSelection, EventTransformChoice {
  /** JSON models: --input FILE replaces an input population's embedded spikes (cli/model-input.ts). */
  readonly input?: string;
  /** JSON models: the input population --input drives (default: the model's only one). */
  readonly inputPopulation?: string;
  /** --third-factor [POP=]FILE.npy, repeatable (cli/third-factor.ts). */
  readonly thirdFactor?: readonly ThirdFactorArg[];
  /** --psi NAME: graded post traces driven by Ψ(u) of each neuron's own potential (SimulateOptions.gradedPsi); default the model's psi. */
  readonly psi?: StllrPsi;
  readonly arch: string;
  readonly out: string;
  readonly steps?: number;
  readonly seed: number;
  readonly placement: PlacementStrategy;
  readonly timing: "simple" | "detailed";
  readonly coreNeurons?: number;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Set by compare: this run's --out is one chip directory of it (its manifest says so, cli/earlier-outputs.ts). */
  readonly partOf?: OutputParent;
  readonly precision?: "float" | "fixed";
  readonly packetsOut?: string;
  /** Duration of one tick in µs (event-data binning and stream headers); default 1000 (1 ms). */
  readonly tickUs?: number;
  readonly logLevel?: string;
  readonly logFile?: string;
  /** SANA-FE networks: map with aerchip's compiler instead of the file's own mappings. */
  readonly remap?: boolean;
  readonly sanafeArch?: string;
  /** Threads that run the chip's cores (results identical for every count; not part of the report). */
  readonly threads?: number;
  /** Pace the ticks at this period (µs) (cli/tick-period.ts). */
  readonly tickPeriodUs?: number;
  /** Pace the ticks at the event-file --input's tick length (cli/tick-period.ts). */
  readonly realtime?: boolean;
  /** Also write layer-ticks.csv (cli/layer-ticks-out.ts). */
  readonly perLayerTicks?: boolean;
  /** An aerchip-weights file (a run's weights.json) whose weights replace the model's (cli/initial-weights.ts). */
  readonly initialWeights?: string;
  /** What the learning energy bills, overriding the chip spec's learningBilledOn (cli/load-arch.ts withLearningBilling). */
  readonly billLearning?: LearningBillingBasis;
  /** --costs counts: the report's counts without energy or power (chip/report/counts-only.ts); default energy. */
  readonly costs?: CostMode;
}

/** The commit of the running aerchip, when it runs from a git checkout (provenance.gitCommit). */
export function gitProvenance(): { gitCommit?: string } {
  const c = gitCommit();
  return c === undefined ? {} : { gitCommit: c };
}

export function summaryText(report: RunReport, mapping: MappingReport): string {
  const t = report.totals;
  const c = t.counters;
  // --costs counts (chip/report/counts-only.ts): no energy table, power or billing line.
  const countsOnly = isCountsOnly(report);
  // A chip name ending in `*` is a preset with command-line overrides: say which, under the head line.
  const overrides = chipOverrideNote(report);
  // A mapping made another way than the default (fill packing, fan-out groups) says so, one line each.
  const ways = mappingWayNotes(mapping).trimEnd();
  const head = `aerchip ${report.provenance.aerchipVersion}: ${report.model} on ${report.chip.name} — ${runLengthText(report)}, ${mapping.coresUsed} of ${mapping.coresAvailable} cores, timing ${report.timingModel}` +
    (overrides === null ? "" : `\n${overrides}`) + (ways === "" ? "" : `\n${ways}`);
  const rows: string[][] = [
    ["spikes", fmtInt(c.spikes), (c.spikes / Math.max(1, report.steps)).toFixed(2)],
    ["synaptic ops", fmtInt(c.synOps), (c.synOps / Math.max(1, report.steps)).toFixed(2)],
    ["neuron updates", fmtInt(c.neuronUpdates), (c.neuronUpdates / Math.max(1, report.steps)).toFixed(2)],
    // Loihi-class specs charge neuron energy on these two (active vs inactive update), not on "neuron updates".
    ["neuron updates with input", fmtInt(c.neuronUpdatesWithInput), (c.neuronUpdatesWithInput / Math.max(1, report.steps)).toFixed(2)],
    ["neuron accesses", fmtInt(c.neuronAccesses), (c.neuronAccesses / Math.max(1, report.steps)).toFixed(2)],
    ["packets", fmtInt(c.packetsOut), (c.packetsOut / Math.max(1, report.steps)).toFixed(2)],
    ["hops", fmtInt(c.hopsEast + c.hopsWest + c.hopsNorth + c.hopsSouth), ((c.hopsEast + c.hopsWest + c.hopsNorth + c.hopsSouth) / Math.max(1, report.steps)).toFixed(2)],
  ];
  // Learning runs: the updates the learning energy bills beside those that changed a weight (learning-report.ts).
  const l = report.learning;
  // Which of the two the learning energy bills: totals.learningBilledOn (the chip spec's, or --bill-learning).
  const onChanges = t.learningBilledOn === "changes";
  if (l !== undefined) {
    const perStep = (v: number): string => (v / Math.max(1, report.steps)).toFixed(2);
    rows.push(
      ["learning rule evaluations", fmtInt(l.ruleEvaluations), perStep(l.ruleEvaluations)],
      [onChanges || countsOnly ? "synapse updates" : "synapse updates (billed)", fmtInt(l.synUpdates), perStep(l.synUpdates)],
      [onChanges && !countsOnly ? "updates that changed a weight (billed)" : "updates that changed a weight", fmtInt(l.weightChanges), perStep(l.weightChanges)],
    );
    // Rules that read the third factor m: the non-zero values of it the engine received (the learning signal's broadcast).
    if (l.rules.some((x) => x.readsThirdFactor)) rows.push(["third-factor values delivered (m ≠ 0)", fmtInt(l.thirdFactorValues ?? 0), perStep(l.thirdFactorValues ?? 0)]);
  }
  const learningNotes = [
    ...(onChanges && !countsOnly ? ["learning energy billed on weight changes (learningBilledOn \"changes\"): the updates that changed a weight × energySynUpdatePj"] : []),
    ...(l?.notes ?? []).map((n) => `note: ${n}`),
  ].join("\n");
  const e = t.energyPj;
  const energy = countsOnly ? "" : table([
    ["synapse", fmtEnergyPj(e.synapse)], ["neuron", fmtEnergyPj(e.neuron)], ["network", fmtEnergyPj(e.network)],
    // Synapse updates on a chip without energySynUpdatePj: unknown, not 0 (as time without latency costs).
    ["learning", e.learning === null ? "not modelled" : fmtEnergyPj(e.learning)], ["static", fmtEnergyPj(e.static)], ["total", fmtEnergyPj(e.total)],
  ], ["energy", "total"]);
  // A paced chip without latency costs: each tick lasts the period (chip/report/time-basis.ts perTickLatencyModelled).
  const latencyModelled = perTickLatencyModelled(t.simulatedTimeNs, report.perTick.latencyNs);
  const time = countsOnly ? countsOnlyTimeText(t, report.steps, latencyModelled)
    : t.simulatedTimeNs === null || t.averagePowerMw === null
      ? "simulated time not modelled, average power not modelled (this chip spec has no latency costs)"
      : `simulated time ${fmtTimeNs(t.simulatedTimeNs)} (${fmtTimeNs(t.simulatedTimeNs / Math.max(1, report.steps))} per ${report.nir === undefined ? "step" : "tick"}), average power ${(t.averagePowerMw).toPrecision(4)} mW\n${timeBasisLine(t, report.provenance.options, latencyModelled)}`;
  const prec = report.precision === undefined ? "" : `fixed point: ${report.precision.agreementWithFloat.map((a) => `${a.population} ${a.spikes} spikes vs ${a.spikesFloat} in float (jaccard ${a.jaccard.toFixed(4)})`).join("; ")}; overflows ${fmtInt(c.overflows)}`;
  const countsNote = countsOnly ? "costs counts: energy and power not reported (--costs counts)" : "";
  const missing = report.notModelled.length > 0 ? `not modelled by this chip spec: ${report.notModelled.join(", ")}` : "";
  const input = report.input === undefined ? "" : inputSummaryLine(report.input);
  const drive = nirBiasDriveLine(report);
  // A NIR run's counts are over chip ticks (T NIR steps + the layer latency), and so is this column.
  return [head, input, "", table(rows, ["count", "total", report.nir === undefined ? "per step" : "per tick"]), drive, "", energy, "", learningNotes, "", time, prec, missing, countsNote].filter((l, i, a) => !(l === "" && a[i - 1] === "")).join("\n").trimEnd() + "\n";
}

/**
 * NIR runs whose constant drives are synapses of a helper neuron (`--nir-bias source`, the default): what share of
 * the synaptic ops and dynamic energy they are (chip/report/nir-bias-drive.ts), so that it is not quoted unawares.
 */
export function nirBiasDriveLine(report: RunReport): string {
  const d = nirBiasDrive(report);
  if (d === undefined || d.synOps === 0) return "";
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const mode = report.provenance.options.nirBias ?? "source";
  const energy = d.energyPj === null ? "" : ` and ${fmtEnergyPj(d.energyPj)} of ${fmtEnergyPj(report.totals.energyPj.dynamic)} dynamic energy${d.dynamicEnergyShare === null ? "" : ` (${pct(d.dynamicEnergyShare)})`}`;
  const how = mode === "compartment"
    ? "drives that cannot be compartment biases (--nir-bias compartment takes only those from step 0 into v)"
    : "NIR biases and leak drives, delivered as synapses of a helper neuron firing every tick (--nir-bias source, the default; --nir-bias compartment puts them in compartment biases, no synaptic ops)";
  return `constant drives: ${fmtInt(d.synOps)} of ${fmtInt(report.totals.counters.synOps)} synaptic ops (${pct(d.synOpsShare)})${energy} are ${how}${driveEnergyNotModelledText(d)}`;
}

/**
 * What the run's length counts: ticks, which are the model's steps for JSON and SANA-FE models; a NIR graph's
 * T steps take T + extraTicks chip ticks (its layer latency, docs/nir.md), and every count and per-tick
 * figure covers all of those ticks (audit s23a #8).
 */
export function runLengthText(report: Pick<RunReport, "steps" | "nir">): string {
  const n = report.nir;
  if (n === undefined) return `${report.steps} steps`;
  return `${report.steps} ticks (${n.steps} NIR steps + ${n.extraTicks} tick${n.extraTicks === 1 ? "" : "s"} of layer latency)`;
}

/** The time line of a counts-only summary: the simulated time and its basis, no power or static energy. */
function countsOnlyTimeText(t: RunReport["totals"], steps: number, latencyModelled: boolean): string {
  if (t.simulatedTimeNs === null) return "simulated time not modelled (this chip spec has no latency costs)";
  const basis = t.timeBasis === "tick-period" && t.tickPeriodNs !== undefined ? `time basis tick-period: ${tickDurationText(t.tickPeriodNs, latencyModelled)}`
    : t.timeBasis === "modelled-latency" ? "time basis modelled-latency: ticks run back to back (compute-bound)" : "";
  return `simulated time ${fmtTimeNs(t.simulatedTimeNs)} (${fmtTimeNs(t.simulatedTimeNs / Math.max(1, steps))} per step)${basis === "" ? "" : `\n${basis}`}`;
}

/**
 * How long a paced tick lasts: max(P, its modelled latency), or just P on a chip spec without latency costs
 * (truenorth, spinnaker2), where no tick has a modelled latency (the HTML page's wording; audit s23y #6a).
 */
function tickDurationText(periodNs: number, latencyModelled: boolean): string {
  return latencyModelled ? `each tick lasts max(${fmtTimeNs(periodNs)}, its modelled latency)`
    : `each tick lasts the ${fmtTimeNs(periodNs)} period (this chip spec has no latency costs, so no tick has a modelled latency)`;
}

/**
 * Which convention simulated time, average power and static energy follow (chip/report/time-basis.ts):
 * researchers quote both, so the summary says which one these numbers are. `latencyModelled` false: a paced
 * chip without latency costs (perTickLatencyModelled), whose ticks each last the period.
 */
export function timeBasisLine(t: RunReport["totals"], options: RunReport["provenance"]["options"] = {}, latencyModelled = true): string {
  if (t.timeBasis === "tick-period" && t.tickPeriodNs !== undefined) {
    // The way back to the other basis depends on where the period came from: --realtime, --tick-period-us, or the preset.
    const other = options.realtime === true ? "without --realtime they run on the chip's own time basis"
      : options.tickPeriodUs !== undefined ? "without --tick-period-us they run on the chip's own time basis"
        : "--tick-period-us 0 drops the chip's own period";
    return `time basis tick-period: ${tickDurationText(t.tickPeriodNs, latencyModelled)}; static energy and power are over that time (${other})`;
  }
  if (t.timeBasis === "modelled-latency") return "time basis modelled-latency: ticks run back to back (compute-bound); static energy and power are over that time (--tick-period-us, or --realtime for an event input, paces them)";
  return "";
}

/** Hand mapping vs aerchip's remapping, side by side. */
export function remapComparisonText(hand: RunReport, handMap: MappingReport, remap: RunReport, remapMap: MappingReport): string {
  // null: not modelled by that chip spec (simulated time without latency costs).
  const row = (label: string, a: number | null, b: number | null, fmt: (x: number) => string): string[] => [
    label, a === null ? "not modelled" : fmt(a), b === null ? "not modelled" : fmt(b), a === null || b === null || a === 0 ? "" : `${(((b - a) / a) * 100).toFixed(1)}%`,
  ];
  const he = hand.totals.energyPj;
  const re = remap.totals.energyPj;
  // --costs counts: both reports carry no energy (chip/report/counts-only.ts).
  const energyRows = isCountsOnly(remap) ? [] : [
    row("synapse energy", he.synapse, re.synapse, fmtEnergyPj),
    row("neuron energy", he.neuron, re.neuron, fmtEnergyPj),
    row("network energy", he.network, re.network, fmtEnergyPj),
    row("static energy", he.static, re.static, fmtEnergyPj),
    row("total energy", he.total, re.total, fmtEnergyPj),
  ];
  const rows = [
    row("cores used", handMap.coresUsed, remapMap.coresUsed, fmtInt),
    row("packets", hand.totals.counters.packetsOut, remap.totals.counters.packetsOut, fmtInt),
    row("hops", hand.totals.sanafe.hops, remap.totals.sanafe.hops, fmtInt),
    ...energyRows,
    row("simulated time", hand.totals.simulatedTimeNs, remap.totals.simulatedTimeNs, fmtTimeNs),
  ];
  return `mapping comparison (same network and input; spikes are identical by construction)\n${table(rows, ["", `hand mapping (${hand.chip.name})`, `aerchip remap (${remap.chip.name})`, "change"])}\n`;
}

type FixedMapping = Pick<CompileOptions, "fixedPlacement" | "fixedOrder">;

/** The model of `aerchip run`, loaded: what runCommand reads of it, and the model itself behind take(). */
interface RunModel extends LearningFacts {
  readonly name: string;
  readonly defaultSteps: number;
  readonly populations: number;
  /** Its non-spiking populations, whose membrane potential the run records and writes (<name>.v.npy). */
  readonly readouts: readonly ReadoutSource[];
  /** SANA-FE networks without --remap: the file's own mapping. */
  readonly fixed: FixedMapping;
  /** Name, kind, size and shape of every population (--input picks its input population among them). */
  readonly outlines: readonly PopulationOutline[];
  /** --remap: the file's own mapping on its own architecture, run after aerchip's; it needs the model again. */
  readonly handMapping?: { readonly spec: ChipSpec; readonly placement: FixedMapping; readonly model: LoadedModel };
  /** JSON models: W_MODEL_SPIKES_AFTER_STEPS for their own input spikes at ticks ≥ steps (cli/embedded-spikes.ts); SANA-FE: none. */
  lateSpikes(steps: number, replaced: string | undefined, stepsFrom: "--steps" | "model"): Diagnostic | undefined;
  /** Hands the model over to the pipeline and forgets it; call once. With `input`, that population's spikes are replaced. */
  take(input?: { readonly population: string; readonly spikes: InputSpikes }): LoadedModel;
}

/**
 * Loads the model outside runCommand, so that no local of that async function holds it: V8 keeps every
 * local of a suspended async function reachable, used again or not, and the IR graph (per-synapse arrays,
 * about 64 MB for SANA-FE's dvs.yaml) would then stay in memory through the whole simulation, though
 * only the compiler reads it (compileAndRunAsync keeps it for a fixed-point run's float64 reference;
 * --remap keeps it in handMapping for the second run). A SANA-FE model's stimulus() closes over the
 * whole lowered network, so only its result is kept.
 */
function loadRunModel(modelPath: string, o: RunCommandOptions, sanafe: { arch: SanafeArch } | undefined, archSpec: ChipSpec): RunModel {
  let model: LoadedModel | undefined;
  let fixed: FixedMapping = {};
  let handMapping: RunModel["handMapping"];
  if (sanafe !== undefined) {
    const sm = loadSanafeModel(modelPath, sanafe.arch);
    const loaded = { graph: sm.graph, stimulus: sm.stimulus(o.steps ?? sm.graph.defaultSteps) };
    const placement = { fixedPlacement: sm.placement.coreOf, fixedOrder: sm.placement.orderInCore };
    if (o.remap !== true) fixed = placement;
    else handMapping = { spec: sanafe.arch.spec, placement, model: loaded };
    model = loaded;
  } else {
    if (o.remap === true) throw new AerchipError("E_CLI_OPTION", "--remap applies to models that carry their own mapping (SANA-FE networks)", { field: "--remap", hint: "aerchip maps other models automatically; drop --remap" });
    // archSpec: a model too large for the chip's cores is refused before its per-neuron arrays exist (audit s22b #19).
    model = loadModel(modelPath, archSpec);
    // Learned weights of an earlier run in place of the model's own, before compiling (cli/initial-weights.ts).
    if (o.initialWeights !== undefined) model = { ...model, graph: withInitialWeights(model.graph, o.initialWeights) };
  }
  const graph = model.graph;
  // The stimulus alone (not the graph) stays reachable for the late-spike count; the pipeline keeps it anyway.
  const embedded = sanafe === undefined ? model.stimulus : undefined;
  const readouts = graphReadouts(graph);
  checkReadoutFileNames(readouts, modelPath);
  return {
    name: graph.name, defaultSteps: graph.defaultSteps, populations: graph.populations.length, readouts, fixed,
    ...learningFacts(graph),
    outlines: graph.populations.map((p) => ({ name: p.name, kind: p.kind, size: p.size, shape: p.shape })),
    ...(handMapping === undefined ? {} : { handMapping }),
    lateSpikes: (steps, replaced, stepsFrom) => embedded === undefined ? undefined : lateEmbeddedSpikesWarning(embedded, steps, modelPath, replaced, stepsFrom),
    take: (input) => {
      if (model === undefined) throw new AerchipError("E_INTERNAL", "the loaded model was handed to the pipeline twice", { file: modelPath, field: "take" });
      const m = model;
      model = undefined;
      return input === undefined ? m : withInputSpikes(m, input.population, input.spikes);
    },
  };
}

/**
 * --bill-learning, checked against the model: it sets what plastic projections' learning energy bills, so a
 * model without one is refused, and "changes" needs the weight changes that only `learning` rules count.
 */
export function billLearningFor(basis: LearningBillingBasis | undefined, rm: { readonly learns: boolean; readonly pairStdp: boolean }, modelPath: string): LearningBillingBasis | undefined {
  if (basis === undefined) return undefined;
  if (!rm.learns && !rm.pairStdp) throw new AerchipError("E_CLI_OPTION", "--bill-learning sets what the learning energy bills, and no projection of the model is plastic", { file: modelPath, field: "--bill-learning", hint: "drop --bill-learning, or give a projection a \"learning\" rule (docs/learning.md)" });
  if (basis === "changes" && rm.pairStdp) {
    throw new AerchipError("E_CLI_OPTION", "--bill-learning changes bills the updates that changed a weight, and pair STDP (\"stdp\") projections of this model do not count them", { file: modelPath, field: "--bill-learning", hint: "use --bill-learning evaluations, or write the rule as a \"learning\" rule (docs/learning.md)" });
  }
  return basis;
}

export async function runCommand(modelPath: string, o: RunCommandOptions): Promise<void> {
  const out = outputDirOption(o.out); // an empty --out fails before the run
  checkRunOutputPaths(modelPath, o); // no output over an input, nor two outputs on one file (cli/output-paths.ts)
  const archSpec = loadArch(o.arch, { ...(o.coreNeurons === undefined ? {} : { coreNeurons: o.coreNeurons }) });
  if (o.steps !== undefined && (!Number.isInteger(o.steps) || o.steps < 0)) throw new AerchipError("E_CLI_OPTION", `--steps must be a whole number >= 0, got ${o.steps}`, { field: "--steps", hint: "give a number of ticks" });
  const sanafe = isYamlPath(modelPath) && sniffFile(modelPath) === "network" ? sanafeArchFor(modelPath, o.arch, o.sanafeArch) : undefined;
  if (sanafe !== undefined && (o.input !== undefined || o.inputPopulation !== undefined)) throw new AerchipError("E_CLI_OPTION", "--input does not apply to SANA-FE networks: their input spikes come from their own input neurons", { file: modelPath, field: "--input", hint: "drop --input" });
  if (o.inputPopulation !== undefined && o.input === undefined) throw new AerchipError("E_CLI_OPTION", "--input-population names the population --input drives, and no --input was given", { file: modelPath, field: "--input-population", hint: "add --input FILE, or drop --input-population" });
  checkCostsWithBilling(o.costs, o.billLearning, modelPath);
  const rm = loadRunModel(modelPath, o, sanafe, archSpec);
  // --input (JSON models): the file's spikes replace one input population's (cli/model-input.ts); the run
  // then lasts the input's T ticks unless --steps says otherwise, as for NIR graphs.
  const selection = inputSelectionOf(o);
  const transforms = eventTransformsOf(o);
  let input: { readonly population: string; readonly spikes: InputSpikes } | undefined;
  if (o.input !== undefined) {
    const pop = chooseInputPopulation(rm.outlines, o.inputPopulation, modelPath);
    const spikes = await readModelInput(o.input, pop, modelPath, { ...(o.tickUs === undefined ? {} : { tickUs: o.tickUs }), ...selection, transforms });
    if (o.steps === undefined) {
      checkInputTicks(o.input, spikes, o);
      checkInputHasTicks(o.input, spikes);
    }
    input = { population: pop.name, spikes };
  }
  // --realtime needs an event-file --input (its binning's tick length); cli/option-applicability.ts refuses it without --input.
  const periodUs = tickPeriodUsFor(o, input?.spikes.tickUs, o.input);
  const spec = withLearningBilling(pacedSpec(archSpec, periodUs, o), billLearningFor(o.billLearning, rm, modelPath));
  checkSpecBillsPairStdp(spec, rm.pairStdp, modelPath, o.costs);
  const { fixed, handMapping } = rm;
  const thirdFactorArgs = o.thirdFactor ?? [];
  // m and Ψ checked against the model's learning rules (cli/learning-drive.ts; compare checks the same before its chips run).
  const { psi, thirdFactor } = checkLearningDrive(rm, o, modelPath);
  const tf = thirdFactorProvenance(thirdFactorArgs);
  const selected = inputSelectionProvenance(selection);
  // Recorded only with --input, so reports of runs without one stay byte-identical to earlier ones.
  const inputRecord = input === undefined || o.input === undefined ? { inputs: [], options: {} } : {
    inputs: [{ role: "input", path: o.input, sha256: sha256File(o.input) }, ...selected.inputs],
    options: { inputPopulation: input.population, tickUs: o.tickUs ?? null, ...selected.options, ...eventTransformProvenance(transforms) },
  };
  const provenance = {
    aerchipVersion: aerchipVersion(),
    inputs: [
      { role: "model", path: modelPath, sha256: sha256File(modelPath) },
      ...(existsSync(o.arch) ? [{ role: "arch", path: o.arch, sha256: sha256File(o.arch) }] : []),
      ...(sanafe !== undefined && sanafe.path !== o.arch ? [{ role: "sanafe-arch", path: sanafe.path, sha256: sha256File(sanafe.path) }] : []),
      ...inputRecord.inputs,
      ...tf.inputs,
      ...(o.initialWeights === undefined ? [] : [{ role: "initial-weights", path: o.initialWeights, sha256: sha256File(o.initialWeights) }]),
    ],
    options: { arch: o.arch, steps: o.steps ?? null, seed: o.seed, placement: o.placement, timing: o.timing, coreNeurons: o.coreNeurons ?? null, remap: o.remap === true, precision: o.precision ?? "float", ...tickPeriodProvenance(o), ...layerTicksProvenance(o), ...tf.options, ...(o.psi === undefined ? {} : { psi: o.psi }), ...(o.billLearning === undefined ? {} : { billLearning: o.billLearning }), ...costsProvenance(o.costs), ...inputRecord.options },
    ...gitProvenance(),
  };
  const logger = cliLogger(o);
  logger.info({ phase: "load", model: modelPath, arch: spec.name, populations: rm.populations }, "model loaded");
  const trace = packetTracer(o.packetsOut);
  const steps = o.steps ?? input?.spikes.steps ?? rm.defaultSteps;
  // A third-factor file with other than one row per tick: allowed (padded with 0 or cut), and said (W_THIRD_FACTOR_ROWS).
  // The model's own input spikes at ticks the run does not reach (W_MODEL_SPIKES_AFTER_STEPS), said as an --input file's are.
  const late = rm.lateSpikes(steps, input?.population, o.steps === undefined ? "model" : "--steps");
  const warnings = [...thirdFactorRowsWarnings(thirdFactorArgs, thirdFactor, rm.populationSizes, steps), ...(late === undefined ? [] : [late])];
  // An event --input whose events merged into fewer spikes than they were (cli/input-accounting.ts), as for
  // NIR graphs: said on stderr and in report.json's input section (only there, not also in `warnings`).
  const mergedWarning = input === undefined || o.input === undefined ? undefined : eventsMergedWarning(input.spikes, o.input, eventBinningOf(transforms), o);
  if (o.quiet !== true) for (const w of [...warnings, ...(mergedWarning === undefined ? [] : [mergedWarning])]) process.stderr.write(`aerchip: ${formatDiagnostic(w)}\n`);
  checkLayerTicksBeforeRun(o, steps, rm.populations, modelPath);
  checkReadoutSize(rm.readouts, steps, modelPath);
  // Readout files vs the inputs (audit s22r-y #1); weights.json only when the model has plastic projections
  // (cli/pipeline.ts weightsJson writes it for them alone), so a frozen run may read D/weights.json and write D.
  const writesWeights = rm.learns || rm.pairStdp;
  checkRunOutputPaths(modelPath, o, [...rm.readouts.map((r) => `${fileSafe(r.name)}.v.npy`), ...(writesWeights ? ["weights.json"] : []), ...(handMapping === undefined ? [] : ["hand-mapping-report.json"])]);
  const progress = makeProgress("simulating", steps, !o.quiet && !o.json);
  let outcome;
  try {
    // rm.take(): the model goes to the pipeline as a temporary, not a local of this function (loadRunModel),
    // so the pipeline can collect its graph before building the state; --remap keeps it for the second run.
    // Of the program, only populations and projections are read below (spikes and weights files).
    outcome = await compileAndRunAsync(spec, rm.take(input), {
      ...(o.steps === undefined && input === undefined ? {} : { steps }),
      compile: { placement: o.placement, seed: o.seed, file: modelPath, precision: o.precision ?? "float", ...fixed },
      provenance,
      timing: o.timing,
      modelReleased: handMapping === undefined,
      releaseProgram: true,
      // Non-spiking readouts: their potential after every tick's update (cli/readout-files.ts).
      hooks: { logger, onProgress: progress.update, recordVoltages: rm.readouts.map((r) => r.population), ...(trace === undefined ? {} : { tracePackets: trace }), ...(o.threads === undefined ? {} : { threads: o.threads }), ...(thirdFactor.length === 0 ? {} : { thirdFactor }), ...(psi === undefined ? {} : { gradedPsi: psi }), ...(o.perLayerTicks === true ? { layerTallies: true } : {}) },
    });
  } catch (e) {
    // The network file's own mapping over one of this chip's per-core limits: the hint names --remap and the file's architecture.
    throw fixed.fixedPlacement !== undefined && sanafe !== undefined ? fixedMappingError(e, modelPath, spec.name, sanafe.path, o.arch) : e;
  } finally {
    progress.stop();
  }
  const { compiled, sim } = outcome;
  // Plastic projections whose starting weights lie outside their rule's bounds (W_LEARNING_INITIAL_WEIGHTS_OUTSIDE_BOUNDS,
  // chip/report/learning-report.ts): on stderr as the other warnings, and in report.json's learning section.
  if (o.quiet !== true) for (const w of outcome.report.learning?.warnings ?? []) process.stderr.write(`aerchip: ${w}\n`);
  // Readouts' membrane traces (<population>.v.npy) and their decoders (report.json readouts).
  const ro = readoutOutputs(sim, rm.readouts, sim.steps, out);
  const withInput: RunReport = input === undefined ? outcome.report : { ...outcome.report, input: inputReportSection(input.spikes, mergedWarning, steps) };
  const withReadouts: RunReport = ro.report.length === 0 ? withInput : { ...withInput, readouts: ro.report };
  const report: RunReport = warnings.length === 0 ? withReadouts : { ...withReadouts, warnings: warnings.map((w) => `${w.code}: ${w.message}`) };
  // The outputs are one set, written all or none (core/atomic-write.ts writeOutputSet): every file is
  // rendered first, so a report too large to serialise, or an unwritable later file, leaves nothing.
  const files: OutputFile[] = [];
  const packets = await packetsOutFile(trace, o.packetsOut, packetStreamTickUs(o, input?.spikes.tickUs));
  if (packets !== undefined) files.push(packets);
  files.push({ path: join(out, "spikes.json"), data: spikesJson(rm.name, `aerchip ${provenance.aerchipVersion}`, sim, compiled.program) });
  files.push({ path: join(out, "report.json"), data: stableJson(report, join(out, "report.json")) });
  files.push({ path: join(out, "mapping.json"), data: mappingJson(compiled.mapping, join(out, "mapping.json")) });
  files.push(...ro.files);
  // Final weights of plastic projections (stdp or learning), only when the model has any.
  const weights = weightsJson(rm.name, sim, compiled.program);
  if (weights !== undefined) files.push({ path: join(out, "weights.json"), data: weights });
  const layerTicks = layerTicksFile(o, out, compiled.program, sim);
  if (layerTicks !== undefined) files.push(layerTicks);
  // --remap: the file's own (hand) mapping on its own architecture, beside aerchip's remapping; simulated
  // before the set is written so that its report is one file of the set (all or none, also on Ctrl-C).
  // Paced as aerchip's mapping, so the two are compared on the same time basis.
  let handMappingText = "";
  const handFile = join(out, "hand-mapping-report.json");
  if (handMapping !== undefined) {
    const hand = await compileAndRunAsync(pacedSpec(handMapping.spec, periodUs, o), handMapping.model, {
      ...(o.steps === undefined ? {} : { steps: o.steps }),
      compile: { file: modelPath, ...handMapping.placement },
      // handMapping: this report is the --remap run's second simulation (rerun re-makes it from report.json).
      provenance: { ...provenance, options: { ...provenance.options, remap: false, arch: handMapping.spec.name, handMapping: true } },
      timing: o.timing,
      ...(o.threads === undefined ? {} : { hooks: { threads: o.threads } }),
    });
    files.push({ path: handFile, data: stableJson(hand.report, handFile) });
    handMappingText = `\n${remapComparisonText(hand.report, hand.compiled.mapping, report, compiled.mapping)}`;
  }
  writeOutputDir("run", files, out, { quiet: o.quiet, partOf: o.partOf, inputs: [modelPath, o.input, o.initialWeights].filter((p): p is string => p !== undefined) });
  // Every file written, the --out ones as `o.out` spells it; the "wrote" line is the last line printed.
  const vFiles = ro.report.map((r) => join(o.out, r.file));
  const handShown = join(o.out, "hand-mapping-report.json");
  const wrote = [join(o.out, "spikes.json"), join(o.out, "report.json"), join(o.out, "mapping.json"), ...(weights === undefined ? [] : [join(o.out, "weights.json")]), ...vFiles, ...(layerTicks === undefined ? [] : [layerTicks.path]), ...(handMapping === undefined ? [] : [handShown]), ...(packets === undefined ? [] : [packets.path])];
  if (o.json) process.stdout.write(`${JSON.stringify({ report: join(out, "report.json"), spikes: join(out, "spikes.json"), mapping: join(out, "mapping.json"), ...(weights === undefined ? {} : { weights: join(out, "weights.json") }), ...(layerTicks === undefined ? {} : { layerTicks: layerTicks.path }), ...(ro.report.length === 0 ? {} : { voltages: Object.fromEntries(ro.report.map((r) => [r.population, join(out, r.file)])) }), ...(handMapping === undefined ? {} : { handMappingReport: handFile }), ...(packets === undefined ? {} : { packets: packets.path }), totals: report.totals, ...(report.learning === undefined ? {} : { learning: report.learning }) })}\n`);
  else if (!o.quiet) {
    process.stdout.write(summaryText(report, compiled.mapping) + readoutLines(ro.report));
    process.stdout.write(threadsNote(o.threads, sim.threads, sim.timingThreads, input?.spikes.inputCounts === true, o.perLayerTicks === true));
    process.stdout.write(sanafeArchNote(sanafe));
    process.stdout.write(`${handMappingText}\nwrote ${wrote.join(", ")}\n`);
  }
  logger.info({ phase: "write", out }, "outputs written");
}

/** One line per non-spiking readout: the class each decoder gives (report.json readouts, docs/reports.md). */
export function readoutLines(readouts: readonly ReadoutReport[]): string {
  const cls = (i: number | null): string => (i === null ? "none" : String(i));
  return readouts.map((r) => `readout ${r.population} (${fmtInt(r.size)} neuron${r.size === 1 ? "" : "s"}, membrane in ${r.file}): argmax of Σv ${cls(r.argmax.sum)}, of max v ${cls(r.argmax.max)}, of last v ${cls(r.argmax.last)}\n`).join("");
}

/**
 * Says how the threads were used when some scheduled the detailed model's messages, and why a run used
 * fewer threads than asked (plastic synapses run on one thread; at most one thread per used core); empty
 * otherwise.
 */
export function threadsNote(asked: number | undefined, used: number, timingThreads = 0, inputCounts = false, perLayerTicks = false): string {
  const timing = timingThreads === 0 ? "" : `note: ${timingThreads} of the ${used} threads scheduled the detailed model's messages (timing threads, pipelined with the simulation); results do not depend on it\n`;
  if (asked === undefined || asked <= used) return timing;
  // --input-counts: the chip's cores run on one thread (chip/sim/run.ts: the repeats of a tick's input).
  // --per-layer-ticks: the update phase runs by population segments on one thread (chip/sim/layer-tally.ts).
  const why = used - timingThreads === 1 && inputCounts ? "with --input-counts the chip's cores run on one thread" : used - timingThreads === 1 && perLayerTicks ? "with --per-layer-ticks the chip's cores run on one thread" : used === 1 ? "models with plastic synapses, or a chip with one used core, run on one thread" : "at most one thread per used core";
  return `${timing}note: ran on ${used} thread${used === 1 ? "" : "s"} of the ${asked} asked (${why}); results do not depend on it\n`;
}
