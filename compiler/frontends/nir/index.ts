/**
 * NIR front end: `.nir` (HDF5) file → ModelGraph plus what the run needs to feed inputs and read
 * outputs back in NIR terms (per-node population, shape and latency).
 *
 *   const m = await loadNirModel("model.nir", { dtSeconds: 1e-4 });
 *   // feed T steps of spikes to m.inputPopulation (flat C-order index in m.inputShape),
 *   // simulate T + m.extraTicks ticks, and read node X's step t at tick t + X.latencyTicks.
 *
 * Steps: read-hdf5 → parse (typed NIR) → flatten nested graphs and classify cycle edges (graph.ts)
 * → infer shapes → lower (discretise neurons, compose linear nodes into synapses, place constant
 * drives, assign latencies). Options and conventions: options.ts and docs/nir.md.
 */
import { basename } from "node:path";
import { AerchipError, type Diagnostic } from "../../../core/diagnostics.ts";
import type { ModelGraph } from "../../ir/types.ts";
import { lowerNir, type NirOutputInfo, type NirPopulationInfo, type NirProjectionInfo } from "./lower.ts";
import { resolveNirOptions, type NirLoadOptions, type ResolvedNirOptions } from "./options.ts";
import { parseNirTree } from "./parse.ts";
import { readHdf5Tree } from "./read-hdf5.ts";
import type { NirDocument } from "./types.ts";

export type { NirLoadOptions, ResolvedNirOptions } from "./options.ts";
export { nirChipOptions } from "./options.ts";
export type { NirOutputInfo, NirPopulationInfo, NirProjectionInfo } from "./lower.ts";
export type { NirDocument } from "./types.ts";

export interface LoadedNirModel {
  readonly graph: ModelGraph;
  /** The file's NIR version string. */
  readonly nirVersion: string;
  /** Population of the Input node the input spikes drive (the first; selectNirInput picks another), and its shape (input spikes index it in C order). */
  readonly inputPopulation: string;
  readonly inputShape: readonly number[];
  readonly inputs: readonly NirPopulationInfo[];
  /** One entry per Output node: the population that carries it (a neuron node or a readout). */
  readonly outputs: readonly NirOutputInfo[];
  /** Every population made from a NIR node (Inputs, neurons, readouts). */
  readonly nodes: readonly NirPopulationInfo[];
  /** Per projection: NIR nodes it comes from, model weights vs synapses, encoding. */
  readonly projections: readonly NirProjectionInfo[];
  /** Largest latency in ticks: simulate T + extraTicks ticks for T NIR steps. */
  readonly extraTicks: number;
  /** Populations exact only if the chip keeps them frozen before this tick (see NirLowering.startTicks); usually empty. */
  readonly startTicks: ReadonlyMap<string, number>;
  readonly options: ResolvedNirOptions;
  readonly warnings: readonly Diagnostic[];
}

/** Reads and parses a NIR file without lowering it. */
export async function readNirDocument(path: string): Promise<{ doc: NirDocument; warnings: Diagnostic[] }> {
  const tree = await readHdf5Tree(path);
  return parseNirTree(tree, path);
}

/** Lowers an already parsed NIR document. */
export function lowerNirDocument(doc: NirDocument, options: NirLoadOptions = {}, parseWarnings: readonly Diagnostic[] = []): LoadedNirModel {
  const opts = resolveNirOptions(options, basename(doc.file).replace(/\.nir$/i, "") || "nir-model");
  const warnings: Diagnostic[] = [...parseWarnings];
  let low;
  try {
    low = lowerNir(doc, opts, warnings);
  } catch (e) {
    if (e instanceof AerchipError) throw e.withFile(doc.file);
    throw e;
  }
  const first = low.inputs[0];
  if (low.inputs.length > 1) warnings.push(severalInputsWarning(doc.file, low.inputs, first, false));
  return {
    graph: low.graph, nirVersion: doc.version, inputPopulation: first.population, inputShape: first.shape, inputs: low.inputs,
    outputs: low.outputs, nodes: low.nodes, projections: low.projections, extraTicks: low.extraTicks, startTicks: low.startTicks,
    options: opts, warnings,
  };
}

/**
 * W_NIR_SEVERAL_INPUTS: a graph with several Input nodes whose stimulus drives only `driven` (m.inputPopulation);
 * the others receive no spikes. `chosen`: the user named `driven` (selectNirInput), so it is no default.
 */
export function severalInputsWarning(file: string, inputs: readonly NirPopulationInfo[], driven: NirPopulationInfo, chosen: boolean): Diagnostic {
  const others = inputs.filter((i) => i !== driven).map((i) => `"${i.node}"`);
  return {
    code: "W_NIR_SEVERAL_INPUTS", severity: "warning", file,
    message: `the graph has ${inputs.length} Input nodes (${inputs.map((i) => i.node).join(", ")}); the input spikes drive ${chosen ? "" : "the first, "}"${driven.node}", and ${others.join(", ")} receive${others.length === 1 ? "s" : ""} no spikes`,
    hint: `choose the Input the spikes drive with --input-population NAME (one of: ${inputs.map((i) => i.node).join(", ")}); a library caller can give each input population its own spikes in the chip stimulus`,
  };
}

/**
 * The model with `node` (an Input node's name) as the input its stimulus drives (inputPopulation,
 * inputShape), and its W_NIR_SEVERAL_INPUTS naming the Inputs that then receive nothing. `undefined`: unchanged.
 * An unknown name is E_NIR_OPTION (field `input`).
 */
export function selectNirInput(m: LoadedNirModel, node: string | undefined): LoadedNirModel {
  if (node === undefined) return m;
  const file = m.warnings.find((w) => w.code === "W_NIR_SEVERAL_INPUTS")?.file;
  const chosen = m.inputs.find((i) => i.node === node);
  if (chosen === undefined) {
    const names = m.inputs.map((i) => i.node).join(", ");
    const other = m.nodes.some((n) => n.node === node);
    throw new AerchipError("E_NIR_OPTION", `"${node}" is ${other ? "a NIR node but not an Input node" : "not a node of the graph"}; its Input nodes: ${names}`, { ...(file === undefined ? {} : { file }), field: "input", hint: `give one of: ${names}` });
  }
  const warnings = m.warnings.filter((w) => w.code !== "W_NIR_SEVERAL_INPUTS");
  if (m.inputs.length > 1) warnings.push(severalInputsWarning(file ?? "", m.inputs, chosen, true));
  return { ...m, inputPopulation: chosen.population, inputShape: chosen.shape, warnings };
}

/** Loads a `.nir` file and lowers it to the graph IR. */
export async function loadNirModel(path: string, options: NirLoadOptions = {}): Promise<LoadedNirModel> {
  const { doc, warnings } = await readNirDocument(path);
  return lowerNirDocument(doc, options, warnings);
}
