/**
 * `aerchip run program.aerprog --input FILE` for a program compiled from a NIR graph (`aerchip compile
 * model.nir`): the program's NIR bookkeeping (chip/program/types.ts NirProgramInfo) gives what `run model.nir`
 * takes from the graph, so the two give the same spikes.json, <node>.npy, <node>.v.npy and report.json `nir`
 * section (audit s23a #2): input step t at tick t + the Input node's latency, T + extraTicks ticks, each node's
 * ticks shifted back by its latency. What differs: no mapping.json (compile wrote it), and the options the
 * graph was compiled with (--dt, --reset, …) are the program's, not this command's: report.json records them
 * in provenance.compiledWith (read from the program), not in provenance.options (audit s23x #6).
 * --input drives the first Input node, or the one --input-population names, as in `run model.nir` (audit s23x #2).
 */
import { writeOutputDir } from "../earlier-outputs.ts";
import { join } from "node:path";
import { formatDiagnostic, type Diagnostic } from "../../core/diagnostics.ts";
import { stableJson, type OutputFile } from "../../core/atomic-write.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import type { ChipProgram, NirProgramInfo } from "../../chip/program/types.ts";
import type { NirReportSection, RunReport } from "../../chip/report/run-report.ts";
import type { MappingReport } from "../../compiler/compile.ts";
import { checkRunOutputPaths } from "../output-paths.ts";
import { runCompiledAsync } from "../pipeline.ts";
import { sha256File } from "../provenance.ts";
import { aerchipVersion } from "../version.ts";
import { eventBinningOf, eventTransformProvenance, eventTransformsOf, packetStreamTickUs } from "../event-transforms.ts";
import { checkInputHasTicks, checkInputTicks, readInputSpikes, stimulusSpikesOf } from "../spike-inputs.ts";
import { inputSelectionOf, inputSelectionProvenance } from "../input-selection.ts";
import { cliLogger } from "../logging.ts";
import { makeProgress } from "../progress.ts";
import { packetTracer, packetsOutFile } from "../packets-out.ts";
import { pacedSpec, tickPeriodProvenance, tickPeriodUsFor } from "../tick-period.ts";
import { costsProvenance } from "../costs-mode.ts";
import { checkReadoutSize } from "../readout-files.ts";
import { checkNirOutputSize } from "../nir-output-size.ts";
import { dtBinningWarning } from "../nir-dt-check.ts";
import { eventsMergedWarning, inputReportSection } from "../input-accounting.ts";
import { checkLayerTicksBeforeRun, layerTicksFile, layerTicksProvenance } from "../layer-ticks-out.ts";
import { nirNodeFileNames, nirOutputLines, nirReadouts, nirRunOutputs, nirSpikingNodes } from "../nir-outputs.ts";
import { nirViewOfProgram } from "../nir-run-view.ts";
import { gitProvenance, readoutLines, summaryText, type RunCommandOptions } from "./run.ts";
import { writtenList } from "./run-nir.ts";
import { programNirInput } from "../nir-input.ts";

export async function runNirProgramCommand(programPath: string, program: ChipProgram & { readonly nir: NirProgramInfo }, archSpec: ChipSpec, out: string, inputPath: string, o: RunCommandOptions): Promise<void> {
  // The Input node --input drives: --input-population's, or the first, as `run model.nir` (audit s23x #2).
  const all = nirViewOfProgram(program);
  const chosen = programNirInput(all.nodes, o.inputPopulation, programPath);
  if (chosen.warning !== undefined && o.quiet !== true) process.stderr.write(`aerchip: ${formatDiagnostic(chosen.warning)}\n`);
  const view = { ...all, input: chosen.input };
  const selection = inputSelectionOf(o);
  const transforms = eventTransformsOf(o);
  const input = await readInputSpikes(inputPath, view.input.shape, { ...(o.tickUs === undefined ? {} : { tickUs: o.tickUs }), ...selection, transforms });
  const selected = inputSelectionProvenance(selection);
  const dtWarning = dtBinningWarning({ nodes: view.nodes, options: { dtSeconds: view.dtSeconds } }, input.tickUs, inputPath, o.eventOverlap);
  if (dtWarning !== undefined && o.quiet !== true) process.stderr.write(`aerchip: ${formatDiagnostic(dtWarning)}\n`);
  const mergedWarning = eventsMergedWarning(input, inputPath, eventBinningOf(transforms), o);
  if (mergedWarning !== undefined && o.quiet !== true) process.stderr.write(`aerchip: ${formatDiagnostic(mergedWarning)}\n`);
  if (o.steps === undefined) {
    checkInputTicks(inputPath, input, o);
    checkInputHasTicks(inputPath, input);
  }
  const spec = pacedSpec(archSpec, tickPeriodUsFor(o, input.tickUs, inputPath), o);
  const T = o.steps ?? input.steps;
  const ticks = T + view.extraTicks;
  // NIR step t of the Input node is chip tick t + its latency (cli/spike-inputs.ts nirStimulus).
  const lat = view.input.latencyTicks;
  const stimulus = { spikes: new Map([[view.input.population, stimulusSpikesOf({ ...input, tick: Int32Array.from(input.tick, (t) => t + lat) })]]) };
  const readouts = nirReadouts(view);
  checkRunOutputPaths(programPath, o, nirNodeFileNames(view)); // node files vs the inputs (audit s22r-y #1)
  checkLayerTicksBeforeRun(o, ticks, program.populations.length, programPath);
  checkReadoutSize(readouts, ticks, programPath);
  checkNirOutputSize(nirSpikingNodes(view), T, programPath, { ...(o.steps === undefined ? {} : { steps: o.steps }), ...(input.tickUs === undefined ? {} : { inputTickUs: input.tickUs }), ...(o.eventOverlap === undefined ? {} : { eventOverlap: o.eventOverlap }) });
  const provenance = {
    aerchipVersion: aerchipVersion(),
    ...gitProvenance(),
    inputs: [{ role: "program", path: programPath, sha256: sha256File(programPath) }, { role: "input", path: inputPath, sha256: sha256File(inputPath) }, ...selected.inputs],
    options: { arch: o.arch, steps: o.steps ?? null, timing: o.timing, ...(o.inputPopulation === undefined ? {} : { inputPopulation: o.inputPopulation }), tickUs: o.tickUs ?? null, ...tickPeriodProvenance(o), ...selected.options, ...eventTransformProvenance(transforms), ...layerTicksProvenance(o), ...costsProvenance(o.costs) },
    // How the program was compiled, from the program itself: informational, not options rerun passes (audit s23x #6).
    compiledWith: compiledWithProvenance(program),
  };
  const trace = packetTracer(o.packetsOut);
  const progress = makeProgress("simulating", ticks, !o.quiet && !o.json);
  let result;
  try {
    result = await runCompiledAsync(spec, program, stimulus, ticks, provenance, o.timing, { logger: cliLogger(o), onProgress: progress.update, recordVoltages: readouts.map((r) => r.population), ...(trace === undefined ? {} : { tracePackets: trace }), ...(o.threads === undefined ? {} : { threads: o.threads }), ...(o.perLayerTicks === true ? { layerTallies: true } : {}) });
  } finally {
    progress.stop();
  }
  const warnings = [...withRunInputWarning(program.nir.warnings, chosen.warning), ...[dtWarning, mergedWarning].filter((w) => w !== undefined).map((w) => `${w.code}: ${w.message}`)];
  const nirOut = nirRunOutputs(result.sim, view, T, out, { modelName: program.modelName, simulator: `aerchip ${provenance.aerchipVersion}`, warnings });
  const report: RunReport & { nir: NirReportSection } = { ...result.report, input: inputReportSection(input, mergedWarning, T), nir: nirOut.nir };
  const full: RunReport = nirOut.readouts.length === 0 ? report : { ...report, readouts: nirOut.readouts };
  // One output set, written all or none (core/atomic-write.ts writeOutputSet).
  const files: OutputFile[] = [...nirOut.files, { path: join(out, "report.json"), data: stableJson(full, join(out, "report.json")) }];
  const packets = await packetsOutFile(trace, o.packetsOut, packetStreamTickUs(o, input.tickUs));
  if (packets !== undefined) files.push(packets);
  // Chip ticks, as report.json's perTick (extraTicks included; the .npy files are shifted by node latency).
  const layerTicks = layerTicksFile(o, out, program, result.sim);
  if (layerTicks !== undefined) files.push(layerTicks);
  writeOutputDir("run", files, out, { quiet: o.quiet, inputs: [programPath, inputPath] });
  const ro = nirOut.readouts;
  if (o.json) { process.stdout.write(`${JSON.stringify({ report: join(out, "report.json"), spikes: join(out, "spikes.json"), outputs: report.nir, ...(Object.keys(nirOut.nodeSpikes).length === 0 ? {} : { nodeSpikes: nirOut.nodeSpikes }), ...(layerTicks === undefined ? {} : { layerTicks: layerTicks.path }), ...(packets === undefined ? {} : { packets: packets.path }), ...(ro.length === 0 ? {} : { voltages: Object.fromEntries(ro.map((r) => [r.population, join(out, r.file)])) }) })}\n`); return; }
  if (o.quiet) return;
  const mapping = { coresUsed: program.cores.length, coresAvailable: spec.mesh.widthTiles * spec.mesh.heightTiles * spec.mesh.coresPerTile } as MappingReport;
  process.stdout.write(`${summaryText(full, mapping)}\n${nirOutputLines(report.nir, ro)}\n${readoutLines(ro)}\nwrote ${writtenList(files, out, o.out)}\n`);
}

/**
 * The compile-time warnings with W_NIR_SEVERAL_INPUTS (written for the first Input, as compile drives no
 * input) replaced in place by this run's, which names the Input --input drives: report.json nir.warnings
 * then equals `run model.nir`'s for the same --input-population.
 */
function withRunInputWarning(compiled: readonly string[], run: Diagnostic | undefined): string[] {
  const text = run === undefined ? undefined : `${run.code}: ${run.message}`;
  const at = compiled.findIndex((w) => w.startsWith("W_NIR_SEVERAL_INPUTS:"));
  if (at < 0) return text === undefined ? [...compiled] : [...compiled, text];
  return compiled.flatMap((w, i) => (i === at ? (text === undefined ? [] : [text]) : w.startsWith("W_NIR_SEVERAL_INPUTS:") ? [] : [w]));
}

/**
 * provenance.compiledWith: dtSeconds and precision, and the NIR reader's options when the program records them
 * (NirProgramInfo.lowering; absent in programs written before it), named as `run model.nir` records them in
 * provenance.options (bias as nirBias; resetByNode as "node=mode, …", only when not empty).
 */
function compiledWithProvenance(program: ChipProgram & { readonly nir: NirProgramInfo }): Record<string, string | number | boolean> {
  const l = program.nir.lowering;
  return {
    dtSeconds: program.nir.dtSeconds, precision: program.fixedPoint === undefined ? "float" : "fixed",
    ...(l === undefined ? {} : { reset: l.reset, recurrentBias: l.recurrentBias, nirBias: l.bias, ifMultiSpike: l.ifMultiSpike, lenient: l.lenient }),
    ...(l === undefined || l.resetByNode.length === 0 ? {} : { resetByNode: l.resetByNode.map((x) => `${x.node}=${x.reset}`).join(", ") }),
  };
}
