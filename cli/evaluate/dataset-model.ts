/**
 * The model `aerchip evaluate` runs over a data set (cli/commands/evaluate.ts), read the same way on the main
 * thread and in the sample workers (cli/evaluate/batch.ts):
 *
 * - a NIR graph: its Input node takes each sample, its Output nodes are the outputs (docs/nir.md);
 * - a JSON model (aerchip-model-1, snnref-1) without plasticity: each sample replaces the spikes of one input
 *   population, as `aerchip run MODEL.json --input SAMPLE` does (cli/model-input.ts: the one --input-population
 *   names, else the only one), the other input populations keep their own spikes, and the output decoded is the
 *   population --output names, else the model's only non-input population with no outgoing projection (the
 *   counterpart of a NIR graph's only Output node). Every population is at latency 0 (a JSON model's ticks are
 *   the chip's), so a sample of T steps runs T ticks, as `run --input` does.
 */
import type { ChipSpec } from "../../chip/spec/types.ts";
import { AerchipError, formatDiagnostic, type Diagnostic } from "../../core/diagnostics.ts";
import type { ModelGraph, StimulusIR } from "../../compiler/ir/types.ts";
import { loadNirModel, nirChipOptions, type LoadedNirModel } from "../../compiler/frontends/nir/index.ts";
import { nirWithInput } from "../nir-input.ts";
import type { NirOutputInfo, NirPopulationInfo } from "../../compiler/frontends/nir/lower.ts";
import { loadJsonModel } from "../../compiler/frontends/load-model.ts";
import { nirOptions, type NirCliOptions } from "../commands/run-nir.ts";
import { chooseInputPopulation } from "../model-input.ts";
import { withInitialWeights } from "../initial-weights.ts";

/** How the model is read: the NIR reader's options, and for JSON models the input and output populations. */
export interface DatasetModelOptions extends NirCliOptions {
  /** JSON models: the input population the samples drive (default: the only one). */
  readonly inputPopulation?: string;
  /** The output decoded: a NIR Output node, or a JSON model's population. */
  readonly output?: string;
  /** JSON models: an aerchip-weights file (a run's weights.json) whose weights replace the model's (cli/initial-weights.ts). */
  readonly initialWeights?: string;
  /** JSON models: learning off (every `stdp` and `learning` rule dropped): the weights stay as given, sample after sample. */
  readonly frozen?: boolean;
}

export interface DatasetModel {
  readonly graph: ModelGraph;
  /** The population each sample's spikes go to, its shape, and (one entry) its latency in chip ticks. */
  readonly inputPopulation: string;
  readonly inputShape: readonly number[];
  readonly inputs: ReadonlyArray<{ readonly latencyTicks: number }>;
  /** The outputs a sample can be decoded from (cli/dataset-decode.ts chooseOutput picks one). */
  readonly outputs: readonly NirOutputInfo[];
  /** Every population, with the chip tick its step 0 runs at. */
  readonly nodes: readonly NirPopulationInfo[];
  /** Ticks simulated past a sample's T steps (NIR pipeline latency; 0 for JSON models). */
  readonly extraTicks: number;
  readonly warnings: readonly Diagnostic[];
  /** NIR graphs: the loaded graph (reader options, projections' NIR nodes, dt). */
  readonly nir?: LoadedNirModel;
  /** JSON models: the embedded spikes of the other input populations, which every sample keeps. */
  readonly fixedSpikes?: StimulusIR["spikes"];
}

/** The model as a data set runs it; a NIR graph's warnings are printed unless `quiet`. */
export async function loadDatasetModel(modelPath: string, o: DatasetModelOptions, quiet = true, fitsChip?: ChipSpec): Promise<DatasetModel> {
  if (/\.nir$/i.test(modelPath)) {
    // --input-population: the Input node each sample drives (cli/nir-input.ts).
    // fitsChip: its core.maxDelayTicks and synapseEncoding.delayPerSynapse place the bias sources (nirChipOptions), as in `run`.
    const m = nirWithInput(await loadNirModel(modelPath, { ...nirOptions(o), ...(fitsChip === undefined ? {} : nirChipOptions(fitsChip)) }), o.inputPopulation, modelPath);
    if (!quiet) for (const w of m.warnings) process.stderr.write(`aerchip: ${formatDiagnostic(w)}\n`);
    return { ...m, nir: m };
  }
  return jsonDatasetModel(modelPath, o, fitsChip);
}

/** E_EVALUATE_PLASTIC: a model whose learning would make each sample's start depend on the ones before. */
export function plasticModelError(modelPath: string): AerchipError {
  return new AerchipError("E_EVALUATE_PLASTIC", "the model has plastic synapses: evaluate runs each sample from the same initial state, which learning would change", { file: modelPath, hint: "add --frozen to evaluate it with learning off (with --initial-weights W.json for the weights `aerchip train` or a run learned), or use `aerchip train` / `run` for on-chip learning" });
}

function jsonDatasetModel(modelPath: string, o: DatasetModelOptions, fitsChip?: ChipSpec): DatasetModel {
  // fitsChip: a model too large for the chip's cores is refused before it is built (compiler/core-capacity.ts, audit s22r-y #4).
  const loaded = loadJsonModel(modelPath, fitsChip);
  // Weights learned on chip (`run`'s weights.json) and learning off: the trained model's test, as D&C's
  // frozen test pass (cli/initial-weights.ts checks that the file fits the model).
  return jsonGraphDatasetModel(modelPath, withInitialWeights(loaded.graph, o.initialWeights), loaded.stimulus, o);
}

/**
 * A JSON model's graph (its weights already in place: a file's, or `train --eval-every`'s current ones) as a
 * data set runs it; `stimulus`: the model file's own input spikes.
 */
export function jsonGraphDatasetModel(modelPath: string, weighted: ModelGraph, stimulus: StimulusIR, o: DatasetModelOptions): DatasetModel {
  const loaded = { stimulus };
  // --frozen also freezes a θ the file carried (D&C: "θ frozen at test"): thetaPlus 0, thetaDecay 1 and no homeostatic drift, so
  // every sample starts from the learned θ (resetAdaptiveThresholds) and keeps it. A model's θ that no file
  // set still starts at 0 and adapts within each sample, as without --frozen.
  const graph: ModelGraph = o.frozen !== true ? weighted : {
    ...weighted,
    populations: weighted.populations.map((p) => (p.params?.thetaInit === undefined ? p : { ...p, params: { ...p.params, thetaPlus: new Float64Array(p.size), thetaDecay: new Float64Array(p.size).fill(1), ...(p.params.thetaDrift === undefined ? {} : { thetaDrift: new Float64Array(p.size) }) } })),
    projections: weighted.projections.map(({ plasticity: _p, learning: _l, learningPsi: _s, ...rest }) => rest),
  };
  // Refused here, before any sample is read (the compiled program is checked again: compileForDataset).
  if (graph.projections.some((p) => p.plasticity !== undefined || p.learning !== undefined)) throw plasticModelError(modelPath);
  const input = chooseInputPopulation(graph.populations, o.inputPopulation, modelPath);
  const nodes: NirPopulationInfo[] = graph.populations.map((p) => ({ node: p.name, type: p.kind, population: p.name, shape: p.shape, spiking: p.spiking, latencyTicks: 0 }));
  const layers = graph.populations.filter((p) => p.kind !== "input");
  const names = layers.map((p) => p.name).join(", ");
  let out;
  if (o.output !== undefined) {
    out = layers.find((p) => p.name === o.output);
    if (out === undefined) throw new AerchipError("E_CLI_OPTION", `--output ${o.output}: the model has no ${graph.populations.some((p) => p.name === o.output) ? "output population of that name (it is an input population)" : "population of that name"}`, { file: modelPath, field: "--output", hint: `use one of its non-input populations: ${names}` });
  } else {
    // The counterpart of a NIR graph's Output node: a population whose spikes or potential go nowhere else.
    const sinks = layers.filter((p) => !graph.projections.some((q) => q.pre === p.name));
    if (sinks.length !== 1) {
      throw new AerchipError("E_CLI_OPTION", `the model has ${sinks.length} non-input populations with no outgoing projection${sinks.length === 0 ? "" : ` (${sinks.map((p) => p.name).join(", ")})`}; evaluate decodes one`, { file: modelPath, field: "--output", hint: `give --output NAME, one of: ${(sinks.length === 0 ? layers : sinks).map((p) => p.name).join(", ") || "(none)"}` });
    }
    out = sinks[0];
  }
  const fixedSpikes = new Map([...loaded.stimulus.spikes].filter(([name]) => name !== input.name));
  return {
    graph, inputPopulation: input.name, inputShape: input.shape, inputs: [{ latencyTicks: 0 }],
    outputs: [{ node: out.name, type: out.kind, population: out.name, shape: out.shape, spiking: out.spiking, latencyTicks: 0, output: out.name }],
    nodes, extraTicks: 0, warnings: [], fixedSpikes,
  };
}
