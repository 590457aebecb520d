/** `aerchip compile MODEL --arch ARCH --out DIR`: writes the chip program and the mapping report. */
import { writeOutputDir } from "../earlier-outputs.ts";
import { mappingJson } from "../mapping-json.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkOutputPaths } from "../output-paths.ts";
import { outputDirOption, stableJson } from "../../core/atomic-write.ts";
import { encodeProgram } from "../../chip/program/codec.ts";
import { compileModel, type MappingReport } from "../../compiler/compile.ts";
import type { PlacementStrategy } from "../../compiler/passes/place.ts";
import { loadArch } from "../load-arch.ts";
import { formatDiagnostic } from "../../core/diagnostics.ts";
import { loadModel } from "../pipeline.ts";
import { loadNirForCli, type NirCliOptions } from "./run-nir.ts";
import { fmtInt, table } from "../format.ts";
import { nirProgramInfo } from "../nir-run-view.ts";
import { mappingWayNotes } from "../fanout-note.ts";

export interface CompileCommandOptions {
  readonly arch: string;
  readonly out: string;
  readonly seed: number;
  readonly placement: PlacementStrategy;
  readonly coreNeurons?: number;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly precision?: "float" | "fixed";
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function mappingText(m: MappingReport): string {
  const head = `${m.model} on ${m.chip}: ${fmtInt(m.neurons)} neurons, ${fmtInt(m.synapses)} synapses on ${m.coresUsed} of ${m.coresAvailable} cores (placement ${m.placement})`;
  const rows = m.cores.map((c) => [
    `${c.coreId}`, `(${c.tile.x},${c.tile.y}).${c.coreInTile}`,
    c.blocks.map((b) => `${b.population}[${b.start}:${b.start + b.count}]`).join(" "),
    c.inputNeurons === undefined ? fmtInt(c.neurons) : `${fmtInt(c.neurons)} (${fmtInt(c.inputNeurons)} in)`, fmtInt(c.inputAxons), fmtInt(c.outputAxons), fmtInt(c.synapses), fmtInt(Math.ceil(c.synapseMemoryBits / 8)),
    pct(c.utilisation.neurons), pct(c.utilisation.inputAxons), pct(c.utilisation.outputAxons), pct(c.utilisation.synapseMemory),
  ]);
  const hdr = ["core", "tile", "blocks", "neurons", "axons in", "axons out", "synapses", "syn bytes", "neur %", "in %", "out %", "mem %"];
  // Block ranges are positions in the compiler's neuron order; say so where that order is not the model's.
  const reordered = m.populations.filter((p) => p.order !== undefined).map((p) => p.name);
  const note = reordered.length === 0 ? "" : `blocks of ${reordered.join(", ")} are position ranges in the compiler's neuron order; mapping.json populations[].order gives the model index at each position\n`;
  // Input neurons that take no neuron slot (core.inputsTakeNeuronSlots false, odin) are in the neuron count, not in neur %.
  const inputsNote = m.cores.some((c) => c.inputNeurons !== undefined) ? `neurons "(N in)": N of them are input neurons, which take no neuron slot on ${m.chip} (its inputs are AER events addressing crossbar rows: core.inputsTakeNeuronSlots false), so neur % leaves them out\n` : "";
  return `${head}\n\n${table(rows, hdr)}\n${note}${inputsNote}${mappingWayNotes(m)}`;
}

/** Synapses the chip stores against the weights the NIR nodes hold (conv kernels are expanded per position). */
export function nirProjectionText(projections: ReadonlyArray<{ projection: string; pre: string; post: string; via: readonly string[]; modelWeights: number; synapses: number; encoding: string }>): string {
  const rows = projections.map((p) => [p.projection, `${p.pre} → ${p.post}`, p.via.join(", "), p.encoding, fmtInt(p.modelWeights), fmtInt(p.synapses), p.modelWeights > 0 ? `${(p.synapses / p.modelWeights).toFixed(1)}×` : ""]);
  const mw = projections.reduce((a, p) => a + p.modelWeights, 0);
  const sy = projections.reduce((a, p) => a + p.synapses, 0);
  rows.push(["total", "", "", "", fmtInt(mw), fmtInt(sy), mw > 0 ? `${(sy / mw).toFixed(1)}×` : ""]);
  return `${table(rows, ["projection", "populations", "NIR nodes", "encoding", "model weights", "synapses stored", "ratio"], "lllrrrr")}\n`;
}

export async function compileCommand(modelPath: string, o: CompileCommandOptions & NirCliOptions): Promise<void> {
  const out = outputDirOption(o.out); // an empty --out fails before compiling
  // program.aerprog and mapping.json never over the model or the chip spec read (cli/output-paths.ts).
  checkOutputPaths(["program.aerprog", "mapping.json"].map((f) => ({ role: `--out's ${f}`, path: join(out, f) })), [{ role: "<model>", path: modelPath }, ...(existsSync(o.arch) ? [{ role: "--arch", path: o.arch }] : [])]);
  const spec = loadArch(o.arch, { ...(o.coreNeurons === undefined ? {} : { coreNeurons: o.coreNeurons }) });
  const nir = /\.nir$/i.test(modelPath) ? await loadNirForCli(modelPath, o, spec) : undefined;
  // spec: a JSON model too large for the chip's cores is refused before it is built (compiler/core-capacity.ts).
  const model = nir === undefined ? loadModel(modelPath, spec) : { graph: nir.graph, stimulus: { spikes: new Map() } };
  const { program, mapping, quantisation } = compileModel(model.graph, spec, { placement: o.placement, seed: o.seed, file: modelPath, precision: o.precision ?? "float" });
  // One output set, written all or none (core/atomic-write.ts writeOutputSet).
  writeOutputDir("compile", [
    // A NIR graph's program carries its node map and latencies, so that `run program.aerprog` reports in
    // NIR steps as `run model.nir` does (chip/program/types.ts NirProgramInfo; audit s23a #2).
    { path: join(out, "program.aerprog"), data: encodeProgram(nir === undefined ? program : { ...program, nir: nirProgramInfo(nir) }) },
    { path: join(out, "mapping.json"), data: mappingJson({ ...mapping, ...(quantisation === undefined ? {} : { quantisation }), ...(nir === undefined ? {} : { nirProjections: nir.projections }) }, join(out, "mapping.json")) },
  ], out, { quiet: o.quiet, inputs: [modelPath] });
  // Fixed-point warnings (a threshold or bound moved off its rounding so the neuron cannot fire at rest):
  // recorded in mapping.json's quantisation, and said on stderr as run says its warnings (audit s22r-x #1).
  if (!o.quiet && quantisation !== undefined) for (const d of quantisation.diagnostics) process.stderr.write(`aerchip: ${formatDiagnostic(d)}\n`);
  if (o.json) process.stdout.write(`${JSON.stringify({ program: join(out, "program.aerprog"), mapping: join(out, "mapping.json"), coresUsed: mapping.coresUsed })}\n`);
  else if (!o.quiet) process.stdout.write(`${mappingText(mapping)}${nir === undefined ? "" : `\n${nirProjectionText(nir.projections)}`}\nwrote ${join(o.out, "program.aerprog")}, ${join(o.out, "mapping.json")}\n`);
}
