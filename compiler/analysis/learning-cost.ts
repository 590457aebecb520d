/**
 * Learning-cost report: a trace-based local rule (S-TLLR by default) beside BPTT, from layer shapes only.
 *
 * Formulas (Apolinario & Roy, "S-TLLR", arXiv 2306.15220, TMLR 2025: Table 1 and its memory/MAC
 * formulas, transcribed from a secondary summary [S]), per sample of T time steps, with N_l the
 * neurons of layer l and F_l its fan-in (synapses per neuron; FanInConvention says how a conv is counted):
 *   memory  BPTT  = T · Σ_l N_l                 (every neuron's state kept at every step)
 *           rule  = k · Σ_l N_l                 (k traces per neuron; S-TLLR: k = 2, pre + post)
 *   MACs    BPTT  = 2T · Σ_l N_l·F_l            (weight gradient + backward signal, every step)
 *           rule  = c · (T − T_l) · Σ_l N_l·F_l (c MACs per synapse per learning step; S-TLLR: 3 =
 *                                                causal + non-causal + modulation; 2 when α_post = 0)
 *   ratios  memory T/k (= T/2),  MACs 2T / (c·(T − T_l)) (= 2T / (3(T − T_l))).
 * A readout layer (LayerShape.role = "readout") uses the rule's readout model when it has one: the
 * authors' code (mapolinario94/S-TLLR @29c5755 [C]) trains its output (accumulate) layer with δ ⊗ tr_x
 * only (factors [λ_post, λ_pre, α_post, α_pre] = [0, 0.99, 0, 1]): 1 trace per neuron and 1 MAC per
 * synapse per learning step, so the totals' ratios then differ from the closed forms (printed).
 * The user's convention (bytes per value, batch of N samples, optimizer state per weight) is applied by
 * learning-cost-convention.ts: counts × N per batch, bytes = values × B; at its defaults nothing changes.
 * The learning signal's generation (BP or DFA, papers.md §1.2) and FO-STDGD's extra work per weight
 * update (papers.md §4) are counted by learning-cost-signal.ts on their own lines, outside the columns.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { checkConvention, conventionLines, optimizerStateCost, type LearningCostConvention, type OptimizerStateCost } from "./learning-cost-convention.ts";
import {
  LEARNING_OPTIMIZERS, LEARNING_SIGNALS, foStdgdCost, signalConventionLines, signalCost, signalLines,
  type LearningOptimizer, type LearningSignal, type OptimizerUpdateCost, type SignalCost, type SignalLayer,
} from "./learning-cost-signal.ts";

/** How a layer's fan-in is counted (the synapses of a convolution differ at the map's border). */
export type FanInConvention = "full-kernel" | "synapses";
export const FAN_IN_CONVENTIONS: readonly FanInConvention[] = ["full-kernel", "synapses"];

/** The convention line for each fan-in convention, printed with every report. */
export const FAN_IN_CONVENTION_TEXT: Readonly<Record<FanInConvention, string>> = {
  "full-kernel": "fan-in convention full-kernel: every neuron of a projection counts as many synapses as its best-connected neuron (a conv: the full k×k·C_in kernel at every output position, padding taps included, as the paper's N^(l)·N^(l−1) counts it; a model's convTranspose2d: its full k×k·C_out kernel at every input position, i.e. its weight uses, cropped taps included); dense and recurrent layers are unchanged.",
  synapses: "fan-in convention synapses: every synapse that exists counts once (a padded conv has fewer at the map's border: (3H−2)(3W−2)/(9HW) of the full kernel for 3×3, padding 1 on H×W); dense and recurrent layers are unchanged.",
};

/** What the counts are per: one training sample, or (with --batch N) a batch of N samples. */
function countsPer(batch: number): string {
  return batch === 1
    ? "Counts per training sample (one presentation of T time steps)"
    : `Counts per batch of ${batch} training samples (${batch} presentations of T time steps: ${batch} × the per-sample counts; the optimizer state, when listed, once)`;
}
const SOURCE = ", after Apolinario & Roy, S-TLLR, arXiv 2306.15220, Table 1 and its memory/MAC formulas:";
const NOT_COUNTED = "the forward pass, the generation of the learning signal and the optimizer are not counted;";
/** With --signal or --optimizer fo-stdgd the second half of NOT_COUNTED no longer holds: they are counted on their own lines. */
const COUNTED_APART = "the forward pass is not counted; the generation of the learning signal and the optimizer's extra work are counted on their own lines (below), not in these columns or the ratios;";

/** The counting convention, printed with every report (followed by the fan-in convention line); per sample. */
export const LEARNING_COST_CONVENTION = [
  `${countsPer(1)}${SOURCE}`,
  "memory = state values kept for learning (BPTT: every neuron's state at every step, T·ΣN; the rule: its traces per neuron, k·ΣN), not bytes;",
  `MACs = multiply-accumulates of the learning computation only (BPTT: 2 per synapse per step, weight gradient + backward signal propagation; the rule: c per synapse per learning step over T − T_l steps); ${NOT_COUNTED}`,
  "ΣN counts every spiking or readout neuron (not the input channels; pooling layers hold none); synapses = Σ N·fan-in, recurrent inputs included; a readout layer (the tables' SHD readout and VGG-9 FC; in a model, its non-spiking populations or the layers named with --readout) uses the rule's readout cost (S-TLLR: δ ⊗ tr_x only, 1 trace and 1 MAC, as in the authors' code mapolinario94/S-TLLR @29c5755).",
  "The paper's tables use an undocumented normalisation that differs per table (its printed MACs and MB are not these counts; a built-in table prints its own paper ÷ formula factors and bytes per value below it): compare ratios, not absolute values.",
].join("\n");

export interface LayerShape {
  readonly name: string;
  /** Neurons in the layer (N_l). */
  readonly neurons: number;
  /** Synapses per neuron (F_l), including recurrent inputs; may be an average. */
  readonly fanIn: number;
  /** "readout": the output (accumulate) layer, costed with the rule's readout model when it has one. */
  readonly role?: "readout";
  /**
   * Synapses arriving from each other layer (not the input, not the layer's own recurrent ones): the
   * weights a same-t backward pass (--signal bp) sends δ back through. Absent: the list is a chain, the
   * first layer fed by the input and layer i by layer i − 1 with all its N·fan-in synapses.
   */
  readonly feedForward?: SignalLayer["feedForward"];
}

/** How a local rule is counted: traces per neuron and MACs per synapse per learning step. */
export interface RuleCostModel {
  readonly name: string;
  readonly tracesPerNeuron: number;
  readonly macsPerSynapseStep: number;
  readonly note: string;
  /** The cost of a readout layer (role "readout"), when it differs from the other layers. */
  readonly readout?: { readonly tracesPerNeuron: number; readonly macsPerSynapseStep: number; readonly note: string };
}

/**
 * S-TLLR's readout: the authors' code trains the output (accumulate) layer with δ ⊗ tr_x only
 * (mapolinario94/S-TLLR @29c5755, factors [0, 0.99, 0, 1] for SHD [C]): one pre trace, one MAC
 * (δ_i·tr_x_j) per synapse per learning step; no post trace, no non-causal term.
 */
const STLLR_READOUT = {
  tracesPerNeuron: 1, macsPerSynapseStep: 1,
  note: "δ ⊗ tr_x only (the authors' code, mapolinario94/S-TLLR @29c5755: factors [0, 0.99, 0, 1] for the SHD output layer; VGG-9's FC is an nn.Linear trained on δ ⊗ x): 1 trace per neuron, 1 MAC per synapse per learning step",
} as const;

export const RULE_COST_MODELS = {
  stllr: {
    name: "S-TLLR", tracesPerNeuron: 2, macsPerSynapseStep: 3,
    note: "pre trace + post trace per neuron; causal, non-causal and modulation MACs per synapse per step (Apolinario & Roy, arXiv 2306.15220, Table 1 formulas)",
    readout: STLLR_READOUT,
  },
  "stllr-causal": {
    name: "S-TLLR (α_post = 0)", tracesPerNeuron: 2, macsPerSynapseStep: 2,
    note: "no non-causal term: 2 MACs per synapse per step (matches the paper's DVS-CIFAR10 T_l = 0, α_post = 0 row)",
    readout: STLLR_READOUT,
  },
} as const satisfies Record<string, RuleCostModel>;
export type RuleCostName = keyof typeof RULE_COST_MODELS;

/** The report's options; the convention (bytes, batch, optimizer state) is in learning-cost-convention.ts. */
export interface LearningCostOptions extends LearningCostConvention {
  /** Time steps per sample. */
  readonly T: number;
  /** First learning step: the rule learns on T − T_l steps. */
  readonly Tl: number;
  readonly rule?: RuleCostName | RuleCostModel;
  /** How the layers' fan-in was counted (a label: the layer shapes carry the counts); printed. */
  readonly fanIn?: FanInConvention;
  /** The learning signal whose generation is counted on its own line (default "none": not counted). */
  readonly signal?: LearningSignal;
  /** "fo-stdgd": FO-STDGD's extra per-weight work on its own line, and 1 previous weight as optimizer state (default "sgd"). */
  readonly optimizer?: LearningOptimizer;
}

export interface LayerCost extends LayerShape {
  /** The rule cost applied to this layer (the readout model for a readout layer). */
  readonly tracesPerNeuron: number;
  readonly macsPerSynapseStep: number;
  readonly synapses: number;
  readonly memoryBpttValues: number;
  readonly memoryRuleValues: number;
  readonly macsBptt: number;
  readonly macsRule: number;
}

export interface LearningCostReport {
  readonly T: number;
  readonly Tl: number;
  readonly learningSteps: number;
  readonly rule: RuleCostModel;
  readonly bytesPerValue?: number;
  /** Samples per batch (present only when not 1): every memory and MAC count is per batch. */
  readonly batch?: number;
  /** Optimizer-state memory (present only with optimizerStatePerWeight > 0, or with FO-STDGD). */
  readonly optimizer?: OptimizerStateCost;
  /** The learning signal's generation (present only with signal "bp" or "dfa"). */
  readonly signal?: SignalCost;
  /** The optimizer's extra work per update (present only with optimizer "fo-stdgd"). */
  readonly optimizerUpdate?: OptimizerUpdateCost;
  readonly fanInConvention: FanInConvention;
  readonly layers: readonly LayerCost[];
  readonly totals: {
    readonly neurons: number;
    readonly synapses: number;
    readonly memoryBpttValues: number;
    readonly memoryRuleValues: number;
    readonly macsBptt: number;
    readonly macsRule: number;
    /** values × bytesPerValue (present only with bytesPerValue). */
    readonly memoryBpttBytes?: number;
    readonly memoryRuleBytes?: number;
  };
  /**
   * BPTT ÷ rule, from the totals, and the closed-form ratios of the rule (equal to the totals' ratios
   * unless a readout layer used the readout model: `readoutLayers` lists those).
   */
  readonly ratios: {
    readonly memory: number;
    readonly memoryFormula: number;
    readonly macs: number;
    readonly macsFormula: number;
  };
  /** Names of the layers costed with the rule's readout model (empty: every layer follows the closed forms). */
  readonly readoutLayers: readonly string[];
  readonly convention: string;
}

function bad(field: string, message: string, hint: string): never {
  throw new AerchipError("E_LEARNING_COST", `learning cost: ${field} ${message}`, { field, hint });
}

function resolveRule(rule: LearningCostOptions["rule"]): RuleCostModel {
  if (rule === undefined) return RULE_COST_MODELS.stllr;
  if (typeof rule === "string") {
    const m = (RULE_COST_MODELS as Record<string, RuleCostModel>)[rule];
    if (m === undefined) bad("rule", `'${rule}' is unknown`, `use one of ${Object.keys(RULE_COST_MODELS).join(", ")} or give a RuleCostModel`);
    return m;
  }
  if (!(rule.tracesPerNeuron > 0) || !Number.isFinite(rule.tracesPerNeuron)) bad("rule.tracesPerNeuron", `is ${rule.tracesPerNeuron}; it must be > 0`, "count the traces a neuron keeps");
  if (!(rule.macsPerSynapseStep > 0) || !Number.isFinite(rule.macsPerSynapseStep)) bad("rule.macsPerSynapseStep", `is ${rule.macsPerSynapseStep}; it must be > 0`, "count the MACs per synapse per learning step");
  return rule;
}

/** The report for the given layers (see the header for the formulas). */
export function learningCostFromLayers(layers: readonly LayerShape[], options: LearningCostOptions): LearningCostReport {
  const { T, Tl } = options;
  if (!Number.isInteger(T) || T < 1) bad("T", `is ${T}; it must be an integer ≥ 1`, "give the time steps per sample");
  if (!Number.isInteger(Tl) || Tl < 0 || Tl >= T) bad("Tl", `is ${Tl}; it must be an integer in 0..T−1 (T = ${T})`, "the rule must learn on at least one step: T_l < T");
  const signal = options.signal ?? "none";
  if (!LEARNING_SIGNALS.includes(signal)) bad("signal", `is '${String(signal)}'`, `use one of ${LEARNING_SIGNALS.join(", ")}`);
  const optimizerName = options.optimizer ?? "sgd";
  if (!LEARNING_OPTIMIZERS.includes(optimizerName)) bad("optimizer", `is '${String(optimizerName)}'`, `use one of ${LEARNING_OPTIMIZERS.join(", ")}`);
  // FO-STDGD keeps w(k−1): one weight-sized array of optimizer state unless the caller gives its own K ≥ 1.
  if (optimizerName === "fo-stdgd" && options.optimizerStatePerWeight === 0) {
    bad("optimizerStatePerWeight", "is 0 with the fo-stdgd optimizer", "FO-STDGD keeps the previous weight w(k−1): give 1 (or more), or leave it out");
  }
  const conv: LearningCostConvention = optimizerName === "fo-stdgd" ? { ...options, optimizerStatePerWeight: options.optimizerStatePerWeight ?? 1 } : options;
  const { batch } = checkConvention(conv);
  if (layers.length === 0) bad("layers", "is empty", "give at least one layer");
  const rule = resolveRule(options.rule);
  const fanIn = options.fanIn ?? "full-kernel";
  if (!FAN_IN_CONVENTIONS.includes(fanIn)) bad("fanIn", `is '${String(fanIn)}'`, `use one of ${FAN_IN_CONVENTIONS.join(", ")}`);
  const L = T - Tl;
  let neurons = 0;
  let synapses = 0;
  let memoryRule = 0;
  let macsRule = 0;
  const readoutLayers: string[] = [];
  const out: LayerCost[] = layers.map((l, i) => {
    if (!Number.isInteger(l.neurons) || l.neurons < 0) bad(`layers[${i}].neurons`, `is ${l.neurons}; it must be an integer ≥ 0`, `fix layer '${l.name}'`);
    if (!Number.isFinite(l.fanIn) || l.fanIn < 0) bad(`layers[${i}].fanIn`, `is ${l.fanIn}; it must be ≥ 0`, `fix layer '${l.name}'`);
    const syn = l.neurons * l.fanIn;
    const cost = l.role === "readout" && rule.readout !== undefined ? rule.readout : rule;
    if (cost !== rule) readoutLayers.push(l.name);
    neurons += l.neurons;
    synapses += syn;
    const layer: LayerCost = {
      name: l.name, neurons: l.neurons, fanIn: l.fanIn, ...(l.role === undefined ? {} : { role: l.role }),
      tracesPerNeuron: cost.tracesPerNeuron, macsPerSynapseStep: cost.macsPerSynapseStep, synapses: syn,
      // × batch: each sample of a batch keeps its own states and traces and does its own MACs.
      memoryBpttValues: batch * T * l.neurons,
      memoryRuleValues: batch * cost.tracesPerNeuron * l.neurons,
      macsBptt: batch * 2 * T * syn,
      macsRule: batch * cost.macsPerSynapseStep * L * syn,
    };
    memoryRule += layer.memoryRuleValues;
    macsRule += layer.macsRule;
    return layer;
  });
  // Without a readout layer the totals are the closed forms' products (the same figures as the sums).
  const uniform = readoutLayers.length === 0;
  const counts = {
    neurons, synapses,
    memoryBpttValues: batch * T * neurons,
    memoryRuleValues: uniform ? batch * rule.tracesPerNeuron * neurons : memoryRule,
    macsBptt: batch * 2 * T * synapses,
    macsRule: uniform ? batch * rule.macsPerSynapseStep * L * synapses : macsRule,
  };
  const bpv = options.bytesPerValue;
  const totals = bpv === undefined ? counts : { ...counts, memoryBpttBytes: counts.memoryBpttValues * bpv, memoryRuleBytes: counts.memoryRuleValues * bpv };
  const optimizer = optimizerStateCost(conv, synapses);
  const signalLayers: SignalLayer[] = layers.map((l, i) => ({
    name: l.name, neurons: l.neurons, ...(l.role === undefined ? {} : { role: l.role }),
    feedForward: l.feedForward ?? (i === 0 ? [] : [{ from: layers[i - 1].name, synapses: l.neurons * l.fanIn }]),
  }));
  const signalReport = signal === "none" ? undefined : signalCost(signal, signalLayers, L, batch);
  const optimizerUpdate = optimizerName === "fo-stdgd" ? foStdgdCost(synapses) : undefined;
  const extra = signalReport !== undefined || optimizerUpdate !== undefined;
  return {
    T, Tl, learningSteps: L, rule,
    ...(bpv === undefined ? {} : { bytesPerValue: bpv }),
    ...(batch === 1 ? {} : { batch }),
    ...(optimizer === undefined ? {} : { optimizer }),
    ...(signalReport === undefined ? {} : { signal: signalReport }),
    ...(optimizerUpdate === undefined ? {} : { optimizerUpdate }),
    fanInConvention: fanIn,
    layers: out, totals,
    ratios: {
      memory: totals.memoryBpttValues / totals.memoryRuleValues,
      memoryFormula: T / rule.tracesPerNeuron,
      macs: totals.macsBptt / totals.macsRule,
      macsFormula: (2 * T) / (rule.macsPerSynapseStep * L),
    },
    readoutLayers,
    // The first line says what the counts are per (B7: it said "per training sample" under a per-batch heading).
    convention: [
      (batch === 1 ? LEARNING_COST_CONVENTION : LEARNING_COST_CONVENTION.replace(countsPer(1), countsPer(batch))).replace(NOT_COUNTED, extra ? COUNTED_APART : NOT_COUNTED),
      FAN_IN_CONVENTION_TEXT[fanIn], ...conventionLines(conv), ...signalConventionLines(signalReport, optimizerUpdate),
    ].join("\n"),
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering.

/** Integers with thousands separators below 1e9, three significant digits in scientific form above. */
export function formatCount(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1e9) return v.toExponential(2).replace("e+", "e");
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  return v.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

function formatRatio(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

function formatBytes(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(2)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(2)} kB`;
  return `${Number.isInteger(b) ? b : b.toFixed(2)} B`;
}

/** Renders the report as an aligned text table or a Markdown table, followed by the ratios and the convention. */
export function renderLearningCost(report: LearningCostReport, format: "text" | "markdown" = "text", title?: string): string {
  const rn = report.rule.name;
  const head = ["layer", "neurons", "fan-in", "synapses", "mem BPTT", `mem ${rn}`, "MACs BPTT", `MACs ${rn}`];
  type RowCounts = Pick<LayerCost, "neurons" | "fanIn" | "synapses" | "memoryBpttValues" | "memoryRuleValues" | "macsBptt" | "macsRule">;
  const row = (name: string, c: RowCounts): string[] => [
    name, formatCount(c.neurons), formatCount(c.fanIn), formatCount(c.synapses),
    formatCount(c.memoryBpttValues), formatCount(c.memoryRuleValues), formatCount(c.macsBptt), formatCount(c.macsRule),
  ];
  const t = report.totals;
  const rows = [
    ...report.layers.map((l) => row(l.name, l)),
    row("total", { ...t, fanIn: t.neurons === 0 ? 0 : t.synapses / t.neurons }),
  ];
  const lines: string[] = [];
  const perBatch = report.batch === undefined ? "" : `, per batch of ${report.batch} samples`;
  const heading = `${title === undefined ? "" : `${title}: `}${rn} vs BPTT, T = ${report.T}, T_l = ${report.Tl} (T − T_l = ${report.learningSteps}), fan-in ${report.fanInConvention}${perBatch}`;
  // With a readout layer on the readout model the closed forms hold for the other layers only: say so.
  const ro = report.readoutLayers;
  const others = ro.length === 0 ? "" : " for the layers other than the readout";
  const ratioLines = [
    `memory BPTT / ${rn} = ${formatRatio(report.ratios.memory)} (formula T/${report.rule.tracesPerNeuron} = ${report.T}/${report.rule.tracesPerNeuron} = ${formatRatio(report.ratios.memoryFormula)}${others})`,
    `MACs BPTT / ${rn} = ${formatRatio(report.ratios.macs)} (formula 2T/(${report.rule.macsPerSynapseStep}(T − T_l)) = ${2 * report.T}/${report.rule.macsPerSynapseStep * report.learningSteps} = ${formatRatio(report.ratios.macsFormula)}${others})`,
  ];
  if (ro.length > 0 && report.rule.readout !== undefined) {
    ratioLines.push(`readout layer ${ro.map((n) => `'${n}'`).join(", ")}: ${report.rule.readout.note}`);
  }
  if (t.memoryBpttBytes !== undefined && t.memoryRuleBytes !== undefined) {
    ratioLines.push(`memory at ${report.bytesPerValue} bytes/value${perBatch}: BPTT ${formatBytes(t.memoryBpttBytes)}, ${rn} ${formatBytes(t.memoryRuleBytes)}`);
  }
  const o = report.optimizer;
  if (o !== undefined) {
    // K × weights, once for the whole batch (the weights are shared by its samples).
    const bytes = o.bytes === undefined ? "" : ` = ${formatBytes(o.bytes)} at ${o.weightBytes} bytes/weight`;
    ratioLines.push(`optimizer state: ${o.statePerWeight} × ${formatCount(o.weights)} weights = ${formatCount(o.values)} values${bytes} (one copy for the batch; add it to either memory figure)`);
  }
  ratioLines.push(...signalLines(report, formatCount));
  if (format === "markdown") {
    lines.push(`**${heading}**`, "");
    lines.push(`| ${head.join(" | ")} |`);
    lines.push(`|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
    for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
    lines.push("");
    for (const l of ratioLines) lines.push(`- ${l}`);
    lines.push("", ...report.convention.split("\n").map((l) => `> ${l}`));
  } else {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
    lines.push(heading, fmt(head), widths.map((w) => "-".repeat(w)).join("  "));
    for (const r of rows.slice(0, -1)) lines.push(fmt(r));
    lines.push(widths.map((w) => "-".repeat(w)).join("  "), fmt(rows[rows.length - 1]), "");
    lines.push(...ratioLines, "", report.convention);
  }
  return lines.join("\n");
}
