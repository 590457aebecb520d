/**
 * `aerchip run program.aerprog --arch ARCH --input FILE`: runs a program written by `aerchip compile`
 * (compile once, run many inputs). The program must fit this chip (chip/program/fits-spec.ts); the input
 * drives its input population (the only one, or the one --input-population names, as for the JSON model it was
 * compiled from: cli/model-input.ts), with the same formats as NIR runs (.npy, .aer, N-MNIST .bin).
 * --initial-weights loads an earlier run's weights.json (weights and learned θ, cli/program-initial-weights.ts).
 * A program compiled from a NIR graph carries the graph's node map and latencies and runs in NIR steps, with
 * the outputs of `run model.nir` (run-nir-program.ts): --input drives its first Input node, or the one
 * --input-population names; other programs run in chip ticks from tick 0.
 */
import { writeOutputDir } from "../earlier-outputs.ts";
import { join } from "node:path";
import { AerchipError, formatDiagnostic, isAerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import type { ChipProgram } from "../../chip/program/types.ts";
import { outputDirOption, stableJson } from "../../core/atomic-write.ts";
import { checkRunOutputPaths } from "../output-paths.ts";
import { readProgramFile } from "../../chip/program/codec.ts";
import { checkProgramFitsSpec } from "../../chip/program/fits-spec.ts";
import { checkAxonTypes } from "../../compiler/passes/axon-types.ts";
import { loadArch } from "../load-arch.ts";
import { runCompiledAsync, spikesJson, weightsJson } from "../pipeline.ts";
import { programWithInitialWeights } from "../program-initial-weights.ts";
import { sha256File } from "../provenance.ts";
import { aerchipVersion } from "../version.ts";
import { eventBinningOf, eventTransformProvenance, eventTransformsOf, packetStreamTickUs } from "../event-transforms.ts";
import { checkInputHasTicks, checkInputTicks, stimulusSpikesOf } from "../spike-inputs.ts";
import { chooseInputPopulation, readModelInput, silentInputsWarning } from "../model-input.ts";
import { inputSelectionOf, inputSelectionProvenance } from "../input-selection.ts";
import { cliLogger } from "../logging.ts";
import { makeProgress } from "../progress.ts";
import { packetTracer, packetsOutFile } from "../packets-out.ts";
import { pacedSpec, tickPeriodProvenance, tickPeriodUsFor } from "../tick-period.ts";
import type { RunCommandOptions } from "./run.ts";
import type { MappingReport } from "../../compiler/compile.ts";
import { costsProvenance } from "../costs-mode.ts";
import { gitProvenance, readoutLines, summaryText } from "./run.ts";
import { checkReadoutFileNames, checkReadoutSize, fileSafe, programReadouts, readoutOutputs } from "../readout-files.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import { checkLayerTicksBeforeRun, layerTicksFile, layerTicksProvenance } from "../layer-ticks-out.ts";
import { eventsMergedWarning, inputReportSection } from "../input-accounting.ts";
import { runNirProgramCommand } from "./run-nir-program.ts";

export async function runProgramCommand(programPath: string, o: RunCommandOptions & { input?: string }): Promise<void> {
  const out = outputDirOption(o.out); // an empty --out fails before the run
  checkRunOutputPaths(programPath, o); // no output over an input, nor two outputs on one file (cli/output-paths.ts)
  const archSpec = loadArch(o.arch, { ...(o.coreNeurons === undefined ? {} : { coreNeurons: o.coreNeurons }) });
  const compiled = readProgramFile(programPath);
  if (o.initialWeights !== undefined && compiled.nir !== undefined) {
    // No run of a NIR graph or of its program writes a weights.json (NIR graphs have no plastic projections), and a
    // NIR program's projections are composed paths through the graph (Affine, Conv, Scale, bias and reset
    // synapses, report.json nir.projections) in the lowered graph's synapse order, which no file names: no
    // weights.json entry maps onto them unambiguously.
    throw new AerchipError("E_WEIGHTS_PROGRAM", `${programPath} was compiled from a NIR graph: its projections are paths through the graph's nodes in the lowered graph's synapse order, and no weights.json (written by runs of JSON models with plastic projections) maps onto them`, { file: programPath, field: "--initial-weights", hint: "change the weights in the NIR graph (its nodes' weight tensors) and compile it again, or run the JSON model the weights.json came from with --initial-weights" });
  }
  // Learned weights and θ of an earlier run in place of the program's own, by projection and population name;
  // a fixed-point program's on its weight grid (cli/program-initial-weights.ts).
  const loaded = o.initialWeights === undefined ? undefined : programWithInitialWeights(compiled, o.initialWeights, programPath, archSpec);
  const program = loaded?.program ?? compiled;
  if (o.quiet !== true) for (const w of loaded?.warnings ?? []) process.stderr.write(`aerchip: ${formatDiagnostic(w)}\n`);
  checkProgramFitsSpec(archSpec, compiled, programPath);
  checkAxonTypes(compiled, archSpec, programPath); // fixed-point weights vs core.axonTypes, as compiling checks them
  // The loaded weights checked again: a fixed-point chip may not hold them (signs per source, axon types, crossbar
  // cells); then the error is the weights file's, not the program's, which ran as compiled.
  if (loaded !== undefined && o.initialWeights !== undefined) checkLoadedWeightsFit(archSpec, program, programPath, o.initialWeights);
  const inputs = program.populations.filter((p) => p.kind === "input");
  if (o.input === undefined) throw new AerchipError("E_INPUT_REQUIRED", "a chip program carries no input spikes", { file: programPath, field: "--input", hint: "give --input FILE (.npy tensor, .aer stream or N-MNIST .bin)" });
  // A program compiled from a NIR graph runs in NIR steps, as `run model.nir` (cli/commands/run-nir-program.ts),
  // --input driving the first Input node or --input-population's, whatever the number of Input nodes (audit s23x #2).
  if (program.nir !== undefined) return runNirProgramCommand(programPath, { ...program, nir: program.nir }, archSpec, out, o.input, o);
  // The input population --input drives: --input-population's, or the only one, as `run MODEL.json --input`
  // (cli/model-input.ts, same errors); the program holds no embedded spikes, so the others get none (a warning).
  const chosen = chooseInputPopulation(program.populations, o.inputPopulation, programPath, "program");
  const silent = inputs.filter((p) => p.name !== chosen.name).map((p) => p.name);
  // Warnings of the run that belong to no report section (report.json `warnings`): the loaded weights' W_QUANT_CLIPPED, W_PROGRAM_INPUTS_SILENT.
  const runWarnings = [...(loaded?.warnings ?? []), ...(silent.length > 0 ? [silentInputsWarning(programPath, chosen.name, silent)] : [])];
  if (silent.length > 0 && o.quiet !== true) process.stderr.write(`aerchip: ${formatDiagnostic(runWarnings[runWarnings.length - 1])}\n`);
  const selection = inputSelectionOf(o);
  const transforms = eventTransformsOf(o);
  const input = await readModelInput(o.input, chosen, programPath, { ...(o.tickUs === undefined ? {} : { tickUs: o.tickUs }), ...selection, transforms });
  const selected = inputSelectionProvenance(selection);
  const mergedWarning = eventsMergedWarning(input, o.input, eventBinningOf(transforms), o);
  if (mergedWarning !== undefined && o.quiet !== true) process.stderr.write(`aerchip: ${formatDiagnostic(mergedWarning)}\n`);
  if (o.steps === undefined) {
    checkInputTicks(o.input, input, o);
    checkInputHasTicks(o.input, input);
  }
  const spec = pacedSpec(archSpec, tickPeriodUsFor(o, input.tickUs, o.input), o);
  const steps = o.steps ?? input.steps;
  const provenance = {
    aerchipVersion: aerchipVersion(),
    ...gitProvenance(),
    inputs: [
      { role: "program", path: programPath, sha256: sha256File(programPath) }, { role: "input", path: o.input, sha256: sha256File(o.input) }, ...selected.inputs,
      ...(o.initialWeights === undefined ? [] : [{ role: "initial-weights", path: o.initialWeights, sha256: sha256File(o.initialWeights) }]),
    ],
    options: { arch: o.arch, steps, timing: o.timing, ...(o.inputPopulation === undefined ? {} : { inputPopulation: o.inputPopulation }), tickUs: o.tickUs ?? null, ...tickPeriodProvenance(o), ...selected.options, ...eventTransformProvenance(transforms), ...layerTicksProvenance(o), ...costsProvenance(o.costs) },
  };
  // Non-spiking readouts: their potential after every tick's update (cli/readout-files.ts).
  const readouts = programReadouts(program);
  checkReadoutFileNames(readouts, programPath);
  checkLayerTicksBeforeRun(o, steps, program.populations.length, programPath);
  checkReadoutSize(readouts, steps, programPath);
  // Readout files vs the inputs (audit s22r-y #1); weights.json only when the program has plastic projections (weightsJson writes it for them alone).
  const writesWeights = program.projections.some((p) => p.learning !== undefined || p.plasticity !== undefined);
  checkRunOutputPaths(programPath, o, [...readouts.map((r) => `${fileSafe(r.name)}.v.npy`), ...(writesWeights ? ["weights.json"] : [])]);
  const trace = packetTracer(o.packetsOut);
  const progress = makeProgress("simulating", steps, !o.quiet && !o.json);
  let result;
  try {
    result = await runCompiledAsync(spec, program, { spikes: new Map([[chosen.name, stimulusSpikesOf(input)]]) }, steps, provenance, o.timing, { logger: cliLogger(o), onProgress: progress.update, recordVoltages: readouts.map((r) => r.population), ...(trace === undefined ? {} : { tracePackets: trace }), ...(o.threads === undefined ? {} : { threads: o.threads }), ...(o.perLayerTicks === true ? { layerTallies: true } : {}) });
  } finally {
    progress.stop();
  }
  const ro = readoutOutputs(result.sim, readouts, steps, out);
  const withInput: RunReport = { ...result.report, input: inputReportSection(input, mergedWarning, steps) };
  const withReadouts: RunReport = ro.report.length === 0 ? withInput : { ...withInput, readouts: ro.report };
  const report: RunReport = runWarnings.length === 0 ? withReadouts : { ...withReadouts, warnings: runWarnings.map((w) => `${w.code}: ${w.message}`) };
  // One output set, written all or none (core/atomic-write.ts writeOutputSet).
  const packets = await packetsOutFile(trace, o.packetsOut, packetStreamTickUs(o, input.tickUs));
  const layerTicks = layerTicksFile(o, out, program, result.sim);
  // Final weights of plastic projections, as a model run writes them (audit s24b #3: a program run learned but wrote none).
  const weights = weightsJson(program.modelName, result.sim, program);
  writeOutputDir("run", [
    { path: join(out, "spikes.json"), data: spikesJson(program.modelName, `aerchip ${provenance.aerchipVersion}`, result.sim, program) },
    { path: join(out, "report.json"), data: stableJson(report, join(out, "report.json")) },
    ...(weights === undefined ? [] : [{ path: join(out, "weights.json"), data: weights }]),
    ...ro.files,
    ...(packets === undefined ? [] : [packets]),
    ...(layerTicks === undefined ? [] : [layerTicks]),
  ], out, { quiet: o.quiet, inputs: [programPath, o.input, o.initialWeights].filter((p): p is string => p !== undefined) });
  const voltages = ro.report.length === 0 ? {} : { voltages: Object.fromEntries(ro.report.map((r) => [r.population, join(out, r.file)])) };
  if (o.json) process.stdout.write(`${JSON.stringify({ report: join(out, "report.json"), spikes: join(out, "spikes.json"), ...(weights === undefined ? {} : { weights: join(out, "weights.json") }), ...(layerTicks === undefined ? {} : { layerTicks: layerTicks.path }), ...voltages, ...(packets === undefined ? {} : { packets: packets.path }), totals: report.totals })}\n`);
  else if (!o.quiet) {
    const mapping = { coresUsed: program.cores.length, coresAvailable: spec.mesh.widthTiles * spec.mesh.heightTiles * spec.mesh.coresPerTile } as MappingReport;
    process.stdout.write(`${summaryText(report, mapping)}${readoutLines(ro.report)}\nwrote ${join(o.out, "spikes.json")}, ${join(o.out, "report.json")}${weights === undefined ? "" : `, ${join(o.out, "weights.json")}`}${ro.report.map((r) => `, ${join(o.out, r.file)}`).join("")}${layerTicks === undefined ? "" : `, ${layerTicks.path}`}${packets === undefined ? "" : `, ${packets.path}`}\n`);
  }
}

/** The chip checks on a program with loaded weights, an error naming the weights file (same code). */
function checkLoadedWeightsFit(spec: ChipSpec, program: ChipProgram, programPath: string, weightsPath: string): void {
  try {
    checkProgramFitsSpec(spec, program, programPath);
    checkAxonTypes(program, spec, programPath);
  } catch (e) {
    if (!isAerchipError(e)) throw e;
    throw new AerchipError(e.code, `with the weights of ${weightsPath}, ${e.message}${e.field === undefined ? "" : ` (${e.field})`}`, {
      file: weightsPath, field: "--initial-weights", hint: `the program fits chip "${spec.name}" with its own weights, and this file's, quantised, do not: give weights the chip can store, or run the JSON model with \`--initial-weights ${weightsPath}\` (it compiles them and names what the chip cannot hold)`, cause: e,
    });
  }
}
