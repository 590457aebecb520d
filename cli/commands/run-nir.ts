/**
 * `aerchip run MODEL.nir --input FILE`: a NIR graph on the chip, with the framework's own semantics.
 * Outputs, keyed by NIR node name (docs/nir.md):
 *   spikes.json         every spiking node's spikes [[t, i], ...] (i = flat C-order index in the node's shape);
 *   <node>.npy          the same as a T × shape uint8 array;
 *   <node>.v.npy        non-spiking readouts (LI, I, CubaLI): membrane trace, T × shape float64.
 * NIR step t of a node runs at chip tick t + its latency (every chip synapse delays ≥ 1 tick); outputs
 * are shifted back, so they are in NIR steps 0..T−1.
 */
import { writeOutputDir } from "../earlier-outputs.ts";
import { mappingJson } from "../mapping-json.ts";
import { basename, dirname, join } from "node:path";
import { AerchipError, formatDiagnostic } from "../../core/diagnostics.ts";
import { outputDirOption, stableJson, type OutputFile } from "../../core/atomic-write.ts";
import { checkRunOutputPaths } from "../output-paths.ts";
import { packetTracer, packetsOutFile } from "../packets-out.ts";
import { checkReadoutSize } from "../readout-files.ts";
import { nirNodeFileNames, nirOutputLines, nirReadouts, nirRunOutputs, nirSpikingNodes } from "../nir-outputs.ts";
import { nirViewOfModel } from "../nir-run-view.ts";
import { checkNirOutputSize } from "../nir-output-size.ts";
import { loadNirModel, nirChipOptions, type LoadedNirModel, type NirLoadOptions } from "../../compiler/frontends/nir/index.ts";
import type { NirResetOption } from "../../compiler/frontends/nir/options.ts";
import type { NirReportSection, RunReport } from "../../chip/report/run-report.ts";
import { loadArch } from "../load-arch.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { compileAndRunAsync } from "../pipeline.ts";
import { sha256File } from "../provenance.ts";
import { aerchipVersion } from "../version.ts";
import { eventBinningOf, eventTransformProvenance, eventTransformsOf, packetStreamTickUs } from "../event-transforms.ts";
import { checkInputHasTicks, checkInputTicks, nirStimulus, readInputSpikes } from "../spike-inputs.ts";
import { inputSelectionOf, inputSelectionProvenance } from "../input-selection.ts";
import { cliLogger } from "../logging.ts";
import { makeProgress } from "../progress.ts";
import { pacedSpec, tickPeriodProvenance, tickPeriodUsFor } from "../tick-period.ts";
import { costsProvenance } from "../costs-mode.ts";
import { gitProvenance, readoutLines, summaryText, type RunCommandOptions } from "./run.ts";
import { checkLayerTicksBeforeRun, layerTicksFile, layerTicksProvenance } from "../layer-ticks-out.ts";
import { dtBinningWarning } from "../nir-dt-check.ts";
import { nirWithInput } from "../nir-input.ts";
import { eventsMergedWarning, inputReportSection } from "../input-accounting.ts";
import { helperSourceWarnings } from "../nir-helper-agreement.ts";

export interface NirCliOptions {
  readonly input?: string;
  readonly dt?: number;
  readonly reset?: NirResetOption;
  readonly recurrentBias?: "nirtorch" | "snntorch";
  /** --nir-bias: where constant drives go (NirLoadOptions.bias). */
  readonly nirBias?: "source" | "compartment";
  readonly ifMultiSpike?: boolean;
  readonly lenient?: boolean;
}

export function nirOptions(o: NirCliOptions): NirLoadOptions {
  return {
    ...(o.dt === undefined ? {} : { dtSeconds: o.dt }),
    ...(o.reset === undefined ? {} : { reset: o.reset }),
    ...(o.recurrentBias === undefined ? {} : { recurrentBias: o.recurrentBias }),
    ...(o.nirBias === undefined ? {} : { bias: o.nirBias }),
    ...(o.ifMultiSpike === undefined ? {} : { ifMultiSpike: o.ifMultiSpike }),
    ...(o.lenient === undefined ? {} : { lenient: o.lenient }),
  };
}

/** provenance.options.nirBias: recorded when not the default "source", so reports of default runs are unchanged. */
export function nirBiasProvenance(bias: "source" | "compartment"): { nirBias?: "compartment" } {
  return bias === "compartment" ? { nirBias: "compartment" } : {};
}

/**
 * `chip`: the target chip, whose core.maxDelayTicks bounds the bias synapses and whose synapseEncoding.delayPerSynapse
 * says whether one bias source may send with several delays (nirChipOptions: NirLoadOptions.maxDelayTicks, delayPerSynapse).
 * `inputPopulation` (--input-population): the Input node --input drives (default: the first; cli/nir-input.ts).
 */
export async function loadNirForCli(modelPath: string, o: NirCliOptions & { quiet?: boolean; inputPopulation?: string }, chip?: Pick<ChipSpec, "core" | "synapseEncoding">): Promise<LoadedNirModel> {
  const m = nirWithInput(await loadNirModel(modelPath, { ...nirOptions(o), ...(chip === undefined ? {} : nirChipOptions(chip)) }), o.inputPopulation, modelPath);
  if (o.quiet !== true) for (const w of m.warnings) process.stderr.write(`aerchip: ${formatDiagnostic(w)}\n`);
  return m;
}


export async function runNirCommand(modelPath: string, o: RunCommandOptions & NirCliOptions): Promise<void> {
  const out = outputDirOption(o.out); // an empty --out fails before the run
  checkRunOutputPaths(modelPath, o); // no output over an input, nor two outputs on one file (cli/output-paths.ts)
  const archSpec = loadArch(o.arch, { ...(o.coreNeurons === undefined ? {} : { coreNeurons: o.coreNeurons }) });
  const m = await loadNirForCli(modelPath, o, archSpec);
  if (o.input === undefined) {
    throw new AerchipError("E_INPUT_REQUIRED", "a NIR graph carries no input spikes", { file: modelPath, field: "--input", hint: `give --input FILE: a T × ${m.inputShape.join(" × ")} .npy spike tensor, an .aer stream or an N-MNIST .bin recording` });
  }
  const selection = inputSelectionOf(o);
  const transforms = eventTransformsOf(o);
  const input = await readInputSpikes(o.input, m.inputShape, { ...(o.tickUs === undefined ? {} : { tickUs: o.tickUs }), ...selection, transforms });
  const selected = inputSelectionProvenance(selection);
  const dtWarning = dtBinningWarning(m, input.tickUs, o.input, o.eventOverlap);
  if (dtWarning !== undefined && o.quiet !== true) process.stderr.write(`aerchip: ${formatDiagnostic(dtWarning)}\n`);
  const mergedWarning = eventsMergedWarning(input, o.input, eventBinningOf(transforms), o);
  if (mergedWarning !== undefined && o.quiet !== true) process.stderr.write(`aerchip: ${formatDiagnostic(mergedWarning)}\n`);
  const warnings = [...m.warnings, ...(dtWarning === undefined ? [] : [dtWarning]), ...(mergedWarning === undefined ? [] : [mergedWarning])];
  if (o.steps === undefined) {
    checkInputTicks(o.input, input, o);
    checkInputHasTicks(o.input, input);
  }
  const spec = pacedSpec(archSpec, tickPeriodUsFor(o, input.tickUs, o.input), o);
  const T = o.steps ?? input.steps;
  const stimulus = nirStimulus(m, input);
  const view = nirViewOfModel(m);
  const readouts = nirReadouts(view);
  // The node files (<node>.npy, <node>.v.npy) against the inputs too, now that the graph names them.
  checkRunOutputPaths(modelPath, o, nirNodeFileNames(view));
  const logger = cliLogger(o);
  const provenance = {
    aerchipVersion: aerchipVersion(),
    ...gitProvenance(),
    inputs: [{ role: "model", path: modelPath, sha256: sha256File(modelPath) }, { role: "input", path: o.input, sha256: sha256File(o.input) }, ...selected.inputs],
    options: {
      arch: o.arch, steps: o.steps ?? null, seed: o.seed, placement: o.placement, timing: o.timing, coreNeurons: o.coreNeurons ?? null,
      precision: o.precision ?? "float", dtSeconds: m.options.dtSeconds, reset: m.options.reset, recurrentBias: m.options.recurrentBias,
      ifMultiSpike: m.options.ifMultiSpike, lenient: m.options.lenient, ...nirBiasProvenance(m.options.bias), ...(o.inputPopulation === undefined ? {} : { inputPopulation: o.inputPopulation }), tickUs: o.tickUs ?? null, ...tickPeriodProvenance(o), ...selected.options, ...eventTransformProvenance(transforms), ...layerTicksProvenance(o), ...costsProvenance(o.costs),
    },
  };
  const ticks = T + m.extraTicks;
  checkLayerTicksBeforeRun(o, ticks, m.graph.populations.length, modelPath);
  checkReadoutSize(readouts, ticks, modelPath);
  checkNirOutputSize(nirSpikingNodes(view), T, modelPath, { ...(o.steps === undefined ? {} : { steps: o.steps }), ...(input.tickUs === undefined ? {} : { inputTickUs: input.tickUs }), ...(o.eventOverlap === undefined ? {} : { eventOverlap: o.eventOverlap }) });
  const trace = packetTracer(o.packetsOut);
  const progress = makeProgress("simulating", ticks, !o.quiet && !o.json);
  let outcome;
  try {
    outcome = await compileAndRunAsync(spec, { graph: m.graph, stimulus }, {
      steps: ticks,
      compile: { placement: o.placement, seed: o.seed, file: modelPath, precision: o.precision ?? "float" },
      provenance, timing: o.timing,
      hooks: { logger, onProgress: progress.update, recordVoltages: readouts.map((r) => r.population), ...(trace === undefined ? {} : { tracePackets: trace }), ...(o.threads === undefined ? {} : { threads: o.threads }), ...(o.perLayerTicks === true ? { layerTallies: true } : {}) },
    });
  } finally {
    progress.stop();
  }
  const { compiled, sim } = outcome;
  // A helper source (__nir_bias, __nir_once) that fires otherwise than in float: the model's drives are off.
  const helperWarnings = helperSourceWarnings(outcome.report, new Set(m.nodes.map((n) => n.population)), modelPath);
  if (o.quiet !== true) for (const w of helperWarnings) process.stderr.write(`aerchip: ${formatDiagnostic(w)}\n`);
  const nirOut = nirRunOutputs(sim, view, T, out, { modelName: m.graph.name, simulator: `aerchip ${provenance.aerchipVersion}`, warnings: [...warnings, ...helperWarnings].map((w) => `${w.code}: ${w.message}`) });
  const report: RunReport & { nir: NirReportSection } = { ...outcome.report, input: inputReportSection(input, mergedWarning, T), nir: nirOut.nir };
  // One output set, written all or none (core/atomic-write.ts writeOutputSet): spikes.json, node files, readouts.
  const files: OutputFile[] = [...nirOut.files];
  const ro = { report: nirOut.readouts };
  const full: RunReport = ro.report.length === 0 ? report : { ...report, readouts: ro.report };
  files.push({ path: join(out, "report.json"), data: stableJson(full, join(out, "report.json")) });
  files.push({ path: join(out, "mapping.json"), data: mappingJson({ ...compiled.mapping, nirProjections: m.projections }, join(out, "mapping.json")) });
  const packets = await packetsOutFile(trace, o.packetsOut, packetStreamTickUs(o, input.tickUs));
  if (packets !== undefined) files.push(packets);
  // Chip ticks, as report.json's perTick (NIR's extraTicks included; the .npy files are shifted by node latency).
  const layerTicks = layerTicksFile(o, out, compiled.program, sim);
  if (layerTicks !== undefined) files.push(layerTicks);
  writeOutputDir("run", files, out, { quiet: o.quiet, partOf: o.partOf, inputs: [modelPath, o.input].filter((p): p is string => p !== undefined) });
  // --json: a key for every file written, as run's JSON models (cli/commands/run.ts): mapping.json, and each
  // spiking node's <node>.npy under nodeSpikes by node name (as voltages holds the readouts' .v.npy).
  if (o.json) { process.stdout.write(`${JSON.stringify({ report: join(out, "report.json"), spikes: join(out, "spikes.json"), mapping: join(out, "mapping.json"), outputs: report.nir, ...(Object.keys(nirOut.nodeSpikes).length === 0 ? {} : { nodeSpikes: nirOut.nodeSpikes }), ...(layerTicks === undefined ? {} : { layerTicks: layerTicks.path }), ...(packets === undefined ? {} : { packets: packets.path }), ...(ro.report.length === 0 ? {} : { voltages: Object.fromEntries(ro.report.map((r) => [r.population, join(out, r.file)])) }) })}\n`); return; }
  if (o.quiet) return;
  process.stdout.write(`${summaryText(full, compiled.mapping)}\n${nirOutputLines(report.nir, ro.report)}\n${readoutLines(ro.report)}\nwrote ${writtenList(files, out, o.out)}\n`);
}

/** Every file written, as the last output line says it: those in the output directory by name after the first, others by path. */
export function writtenList(files: readonly OutputFile[], out: string, shownOut: string): string {
  const names = files.map((f) => (dirname(f.path) === out ? basename(f.path) : f.path));
  return names.map((n, i) => (i === 0 && dirname(files[0].path) === out ? join(shownOut, n) : n)).join(", ");
}
