/**
 * What a NIR run needs of its graph to feed input and write outputs in NIR steps (docs/nir.md, "Time on the
 * chip"): per node its population, shape, spiking flag and latency, the outputs, extraTicks. One view for
 * `run model.nir` (from the loaded graph) and `run program.aerprog` of a program compiled from one (from
 * the program's NIR bookkeeping, chip/program/types.ts NirProgramInfo, written by `compile`), so that both
 * give the same spikes and files (audit s23a #2).
 */
import type { LoadedNirModel, NirPopulationInfo } from "../compiler/frontends/nir/index.ts";
import { NIR_PROGRAM_INFO_VERSION, type ChipProgram, type NirProgramInfo } from "../chip/program/types.ts";
import type { NirReportSection } from "../chip/report/run-report.ts";

/** A node of the run's view: the front end's record of a population made from a NIR node. */
export type NirViewNode = NirPopulationInfo;

export interface NirRunView {
  readonly nirVersion: string;
  readonly dtSeconds: number;
  /** Simulate T + extraTicks ticks for T NIR steps. */
  readonly extraTicks: number;
  /** The Input node --input drives (the first in graph order, or --input-population's) and its shape. */
  readonly input: NirViewNode;
  readonly nodes: readonly NirViewNode[];
  readonly outputs: ReadonlyArray<NirViewNode & { readonly output: string }>;
  readonly projections: NirReportSection["projections"];
}

export function nirViewOfModel(m: LoadedNirModel): NirRunView {
  return {
    // The Input node --input drives: the first, or the one --input-population chose (cli/nir-input.ts).
    nirVersion: m.nirVersion, dtSeconds: m.options.dtSeconds, extraTicks: m.extraTicks, input: m.inputs.find((i) => i.population === m.inputPopulation) ?? m.inputs[0],
    nodes: m.nodes, outputs: m.outputs, projections: m.projections,
  };
}

/** The bookkeeping `compile` stores with the program of a NIR graph. */
export function nirProgramInfo(m: LoadedNirModel): NirProgramInfo {
  return {
    layoutVersion: NIR_PROGRAM_INFO_VERSION, nirVersion: m.nirVersion, dtSeconds: m.options.dtSeconds, extraTicks: m.extraTicks,
    nodes: m.nodes.map((n) => ({ node: n.node, type: n.type, population: n.population, latencyTicks: n.latencyTicks })),
    outputs: m.outputs.map((o) => ({ output: o.output, node: o.node })),
    projections: m.projections.map((p) => ({ ...p, via: [...p.via] })),
    warnings: m.warnings.map((w) => `${w.code}: ${w.message}`),
    // How the graph was read, for the program runs' provenance.compiledWith (audit s23x #6).
    lowering: {
      reset: m.options.reset, resetByNode: Object.keys(m.options.resetByNode).sort().map((node) => ({ node, reset: m.options.resetByNode[node] })),
      recurrentBias: m.options.recurrentBias, bias: m.options.bias, ifMultiSpike: m.options.ifMultiSpike, lenient: m.options.lenient,
    },
  };
}

/**
 * The view of a program's NIR bookkeeping (validated when the file was read: chip/program/codec.ts
 * validateNir), shapes and spiking flags from the program's populations. `input` is the first Input node;
 * a run driving another (--input-population) replaces it (cli/nir-input.ts programNirInput).
 */
export function nirViewOfProgram(program: ChipProgram & { readonly nir: NirProgramInfo }): NirRunView {
  const pops = new Map(program.populations.map((p) => [p.name, p] as const));
  const nodes: NirViewNode[] = program.nir.nodes.map((n) => {
    const p = pops.get(n.population)!;
    return { ...n, shape: p.shape, spiking: p.spiking };
  });
  const byNode = new Map(nodes.map((n) => [n.node, n] as const));
  return {
    nirVersion: program.nir.nirVersion, dtSeconds: program.nir.dtSeconds, extraTicks: program.nir.extraTicks,
    input: nodes.find((n) => n.type === "Input")!,
    nodes, outputs: program.nir.outputs.map((o) => ({ ...byNode.get(o.node)!, output: o.output })), projections: program.nir.projections,
  };
}
