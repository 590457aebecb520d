/**
 * `aerchip learning-cost`: a local learning rule (S-TLLR) beside BPTT from network shapes
 * (compiler/analysis/learning-cost.ts): memory T·ΣN vs k·ΣN, MACs 2T·ΣN·F vs c·(T − T_l)·ΣN·F, with
 * the counting convention. Shapes come from MODEL (NIR or JSON) or, without one, from the built-in
 * tables of the S-TLLR paper (VGG-9 on DVS Gesture, the SHD recurrent SNN).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { learningCostFromLayers, renderLearningCost, type FanInConvention, type RuleCostName } from "../../compiler/analysis/learning-cost.ts";
import type { LearningCostConvention } from "../../compiler/analysis/learning-cost-convention.ts";
import type { LearningOptimizer, LearningSignal } from "../../compiler/analysis/learning-cost-signal.ts";
import { LEARNING_SHAPE_TABLES, layersFromModelGraph, learningCostForTable, modelLayerNames, renderLearningCostTable } from "../../compiler/analysis/learning-shapes.ts";
import type { ModelGraph } from "../../compiler/ir/types.ts";
import { loadModel } from "../pipeline.ts";
import { loadNirForCli, type NirCliOptions } from "./run-nir.ts";

export interface LearningCostCommandOptions {
  readonly rule: RuleCostName;
  readonly T?: number;
  readonly Tl?: number;
  readonly table?: string;
  /** Absent: "synapses" for a model, "full-kernel" for the built-in tables (the paper's N^(l)·N^(l−1)). */
  readonly fanIn?: FanInConvention;
  readonly format: "text" | "markdown";
  /** The convention (compiler/analysis/learning-cost-convention.ts); absent = today's defaults. */
  readonly bytesPerValue?: number;
  readonly batch?: number;
  readonly optimizerStatePerWeight?: number;
  readonly weightBytes?: number;
  /** `--signal`: the learning signal whose generation is counted on its own line ("none": not counted). */
  readonly signal?: LearningSignal;
  /** `--optimizer`: "fo-stdgd" adds its extra work per weight update and w(k−1) as optimizer state. */
  readonly optimizer?: LearningOptimizer;
  /** `--readout A,B`: the model's layers costed as readouts (absent: its non-spiking populations). */
  readonly readout?: string;
  readonly json: boolean;
}

/** T_l must be below T (the rule learns on T − T_l ≥ 1 steps): a usage error naming the option the user gave. */
function checkSteps(T: number, Tl: number, o: LearningCostCommandOptions, table?: string): void {
  if (Tl < T) return;
  const fromTable = table === undefined ? "" : ` (table ${table}'s own)`;
  const message = o.Tl !== undefined
    ? `--Tl is ${Tl}; it must be below T = ${T}${o.T === undefined ? fromTable : ""}`
    : `--T is ${T}; it must be above T_l = ${Tl}${fromTable}`;
  throw new AerchipError("E_CLI_OPTION", `${message}: the rule learns on T − T_l ≥ 1 steps`, {
    field: o.Tl !== undefined ? "--Tl" : "--T", hint: "give --Tl below --T, e.g. --T 20 --Tl 15",
  });
}

/** The convention options given (only those: a default report stays as it was), with --signal and --optimizer. */
function convention(o: LearningCostCommandOptions): LearningCostConvention & { signal?: LearningSignal; optimizer?: LearningOptimizer } {
  if (o.optimizer === "fo-stdgd" && o.optimizerStatePerWeight === 0) {
    throw new AerchipError("E_CLI_OPTION", "--optimizer-state-per-weight 0 contradicts --optimizer fo-stdgd, which keeps the previous weight w(k-1) of every synapse", {
      field: "--optimizer-state-per-weight", hint: "drop --optimizer-state-per-weight (fo-stdgd keeps 1), or give 1 or more",
    });
  }
  // --weight-bytes without optimizer state is refused before this (cli/option-applicability.ts REQUIRES).
  return {
    ...(o.bytesPerValue === undefined ? {} : { bytesPerValue: o.bytesPerValue }),
    ...(o.batch === undefined ? {} : { batch: o.batch }),
    ...(o.optimizerStatePerWeight === undefined ? {} : { optimizerStatePerWeight: o.optimizerStatePerWeight }),
    ...(o.weightBytes === undefined ? {} : { weightBytes: o.weightBytes }),
    ...(o.signal === undefined || o.signal === "none" ? {} : { signal: o.signal }),
    ...(o.optimizer === undefined || o.optimizer === "sgd" ? {} : { optimizer: o.optimizer }),
  };
}

/**
 * `--readout A,B`: names of the model's neuron populations; an empty list or a name that is no layer is a
 * usage error naming the choices (a population the user misspelt would otherwise be costed as hidden).
 */
function readoutNames(graph: ModelGraph, text: string | undefined, model: string): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(",").map((n) => n.trim()).filter((n) => n !== "");
  const choices = modelLayerNames(graph);
  const hint = `name one or more of the model's neuron populations, comma-separated: ${choices.join(", ")}`;
  if (names.length === 0) throw new AerchipError("E_CLI_OPTION", "--readout names no layer", { field: "--readout", file: model, hint });
  for (const n of names) {
    if (!choices.includes(n)) throw new AerchipError("E_CLI_OPTION", `--readout names '${n}', which is not a layer of ${graph.name} (the layers are its neuron populations)`, { field: "--readout", file: model, hint });
  }
  return names;
}

export async function learningCostCommand(model: string | undefined, o: LearningCostCommandOptions & NirCliOptions): Promise<void> {
  const conv = convention(o);
  if (model !== undefined) {
    if (o.table !== undefined) throw new AerchipError("E_CLI_OPTION", "--table names a built-in shape table; with a model the shapes come from the model", { field: "--table", file: model, hint: "drop --table, or drop the model" });
    if (o.T === undefined || o.Tl === undefined) throw new AerchipError("E_CLI_OPTION", "a model's learning cost needs --T and --Tl", { field: o.T === undefined ? "--T" : "--Tl", hint: "e.g. --T 20 --Tl 15" });
    checkSteps(o.T, o.Tl, o);
    const graph = /\.nir$/i.test(model) ? (await loadNirForCli(model, { ...o, quiet: o.json })).graph : loadModel(model).graph;
    const fanIn = o.fanIn ?? "synapses";
    const readouts = readoutNames(graph, o.readout, model);
    const report = learningCostFromLayers(layersFromModelGraph(graph, fanIn, readouts), { ...conv, T: o.T, Tl: o.Tl, rule: o.rule, fanIn });
    process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : `${renderLearningCost(report, o.format, graph.name)}\n`);
    return;
  }
  if (o.readout !== undefined) throw new AerchipError("E_CLI_OPTION", "--readout names a model's layers; the built-in tables mark their own readout (the SHD readout, the VGG-9 FC layer)", { field: "--readout", hint: "give a model, or drop --readout" });
  if (o.table !== undefined && o.table !== "all" && !Object.hasOwn(LEARNING_SHAPE_TABLES, o.table)) {
    throw new AerchipError("E_CLI_OPTION", `--table is '${o.table}'; there is no such built-in shape table`, { field: "--table", hint: `use one of ${[...Object.keys(LEARNING_SHAPE_TABLES), "all"].join(", ")}` });
  }
  const ids = o.table === undefined ? ["vgg9-dvs-gesture", "shd-rsnn"] : o.table === "all" ? Object.keys(LEARNING_SHAPE_TABLES) : [o.table];
  for (const id of ids) checkSteps(o.T ?? LEARNING_SHAPE_TABLES[id].T, o.Tl ?? LEARNING_SHAPE_TABLES[id].Tl, o, id);
  const overrides = { ...conv, rule: o.rule, fanIn: o.fanIn ?? "full-kernel", ...(o.T === undefined ? {} : { T: o.T }), ...(o.Tl === undefined ? {} : { Tl: o.Tl }) };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(ids.map((id) => learningCostForTable(id, overrides)))}\n`);
    return;
  }
  // Each table keeps its own T and T_l unless --T/--Tl are given: then they apply to every table shown
  // (as with --json), checked as for one table (T_l in 0..T−1).
  process.stdout.write(`${ids.map((id) => renderLearningCostTable(id, o.format, overrides)).join("\n\n")}\n`);
}
