/**
 * Learning-cost report: a trace-based local rule (S-TLLR by default) beside BPTT, from layer shapes only.
 *
 * Formulas (Apolinario & Roy, S-TLLR, Table 1 and §4; papers.md §1.4), per sample of T time steps,
 * with N_l the neurons of layer l and F_l its fan-in (synapses per neuron, conv kernels counted in full):
 *   memory  BPTT  = T · Σ_l N_l                 (every neuron's state kept at every step)
 *           rule  = k · Σ_l N_l                 (k traces per neuron; S-TLLR: k = 2, pre + post)
 *   MACs    BPTT  = 2T · Σ_l N_l·F_l            (weight gradient + backward signal, every step)
 *           rule  = c · (T − T_l) · Σ_l N_l·F_l (c MACs per synapse per learning step; S-TLLR: 3 =
 *                                                causal + non-causal + modulation; 2 when α_post = 0)
 *   ratios  memory T/k (= T/2),  MACs 2T / (c·(T − T_l)) (= 2T / (3(T − T_l))).
 */
import { AerchipError } from "../../core/diagnostics.ts";

/** The counting convention, printed with every report. */
export const LEARNING_COST_CONVENTION = [
  "Counts per training sample (one presentation of T time steps), after S-TLLR Table 1 (papers.md §1.4):",
  "memory = state values kept for learning (BPTT: every neuron's state at every step, T·ΣN; the rule: its traces per neuron, k·ΣN), not bytes;",
  "MACs = multiply-accumulates of the learning computation only (BPTT: 2 per synapse per step, weight gradient + backward signal propagation; the rule: c per synapse per learning step over T − T_l steps); the forward pass, the generation of the learning signal and the optimizer are not counted;",
  "ΣN counts every spiking or readout neuron (not the input channels; pooling layers hold none); synapses = Σ N·fan-in with the full kernel counted at every output position (padding ignored) and recurrent inputs included.",
  "The paper's tables use an undocumented normalisation (its VGG-9 MACs are 0.25 × these formulas; its memory is ≈ 2 bytes per value): compare ratios, not absolute values.",
].join("\n");

export interface LayerShape {
  readonly name: string;
  /** Neurons in the layer (N_l). */
  readonly neurons: number;
  /** Synapses per neuron (F_l), including recurrent inputs; may be an average. */
  readonly fanIn: number;
}

/** How a local rule is counted: traces per neuron and MACs per synapse per learning step. */
export interface RuleCostModel {
  readonly name: string;
  readonly tracesPerNeuron: number;
  readonly macsPerSynapseStep: number;
  readonly note: string;
}

export const RULE_COST_MODELS = {
  stllr: {
    name: "S-TLLR", tracesPerNeuron: 2, macsPerSynapseStep: 3,
    note: "pre trace + post trace per neuron; causal, non-causal and modulation MACs per synapse per step (papers.md §1.4)",
  },
  "stllr-causal": {
    name: "S-TLLR (α_post = 0)", tracesPerNeuron: 2, macsPerSynapseStep: 2,
    note: "no non-causal term: 2 MACs per synapse per step (matches the paper's DVS-CIFAR10 T_l = 0, α_post = 0 row)",
  },
} as const satisfies Record<string, RuleCostModel>;
export type RuleCostName = keyof typeof RULE_COST_MODELS;

export interface LearningCostOptions {
  /** Time steps per sample. */
  readonly T: number;
  /** First learning step: the rule learns on T − T_l steps. */
  readonly Tl: number;
  readonly rule?: RuleCostName | RuleCostModel;
  /** Bytes per stored value, for the optional byte columns (absent = values only). */
  readonly bytesPerValue?: number;
}

export interface LayerCost extends LayerShape {
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
  readonly layers: readonly LayerCost[];
  readonly totals: {
    readonly neurons: number;
    readonly synapses: number;
    readonly memoryBpttValues: number;
    readonly memoryRuleValues: number;
    readonly macsBptt: number;
    readonly macsRule: number;
  };
  /** BPTT ÷ rule, from the totals, and the closed-form ratios they must equal. */
  readonly ratios: {
    readonly memory: number;
    readonly memoryFormula: number;
    readonly macs: number;
    readonly macsFormula: number;
  };
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
  if (options.bytesPerValue !== undefined && !(options.bytesPerValue > 0 && Number.isFinite(options.bytesPerValue))) {
    bad("bytesPerValue", `is ${options.bytesPerValue}; it must be > 0`, "e.g. 2 for 16-bit state");
  }
  if (layers.length === 0) bad("layers", "is empty", "give at least one layer");
  const rule = resolveRule(options.rule);
  const L = T - Tl;
  let neurons = 0;
  let synapses = 0;
  const out: LayerCost[] = layers.map((l, i) => {
    if (!Number.isInteger(l.neurons) || l.neurons < 0) bad(`layers[${i}].neurons`, `is ${l.neurons}; it must be an integer ≥ 0`, `fix layer '${l.name}'`);
    if (!Number.isFinite(l.fanIn) || l.fanIn < 0) bad(`layers[${i}].fanIn`, `is ${l.fanIn}; it must be ≥ 0`, `fix layer '${l.name}'`);
    const syn = l.neurons * l.fanIn;
    neurons += l.neurons;
    synapses += syn;
    return {
      name: l.name, neurons: l.neurons, fanIn: l.fanIn, synapses: syn,
      memoryBpttValues: T * l.neurons,
      memoryRuleValues: rule.tracesPerNeuron * l.neurons,
      macsBptt: 2 * T * syn,
      macsRule: rule.macsPerSynapseStep * L * syn,
    };
  });
  const totals = {
    neurons, synapses,
    memoryBpttValues: T * neurons,
    memoryRuleValues: rule.tracesPerNeuron * neurons,
    macsBptt: 2 * T * synapses,
    macsRule: rule.macsPerSynapseStep * L * synapses,
  };
  return {
    T, Tl, learningSteps: L, rule,
    ...(options.bytesPerValue === undefined ? {} : { bytesPerValue: options.bytesPerValue }),
    layers: out, totals,
    ratios: {
      memory: totals.memoryBpttValues / totals.memoryRuleValues,
      memoryFormula: T / rule.tracesPerNeuron,
      macs: totals.macsBptt / totals.macsRule,
      macsFormula: (2 * T) / (rule.macsPerSynapseStep * L),
    },
    convention: LEARNING_COST_CONVENTION,
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

function formatBytes(values: number, bytesPerValue: number): string {
  const b = values * bytesPerValue;
  if (b >= 1e6) return `${(b / 1e6).toFixed(2)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(2)} kB`;
  return `${b} B`;
}

/** Renders the report as an aligned text table or a Markdown table, followed by the ratios and the convention. */
export function renderLearningCost(report: LearningCostReport, format: "text" | "markdown" = "text", title?: string): string {
  const rn = report.rule.name;
  const head = ["layer", "neurons", "fan-in", "synapses", "mem BPTT", `mem ${rn}`, "MACs BPTT", `MACs ${rn}`];
  const row = (name: string, c: Omit<LayerCost, "name">): string[] => [
    name, formatCount(c.neurons), formatCount(c.fanIn), formatCount(c.synapses),
    formatCount(c.memoryBpttValues), formatCount(c.memoryRuleValues), formatCount(c.macsBptt), formatCount(c.macsRule),
  ];
  const t = report.totals;
  const rows = [
    ...report.layers.map((l) => row(l.name, l)),
    row("total", { ...t, fanIn: t.neurons === 0 ? 0 : t.synapses / t.neurons }),
  ];
  const lines: string[] = [];
  const heading = `${title === undefined ? "" : `${title}: `}${rn} vs BPTT, T = ${report.T}, T_l = ${report.Tl} (T − T_l = ${report.learningSteps})`;
  const ratioLines = [
    `memory BPTT / ${rn} = ${formatRatio(report.ratios.memory)} (formula T/${report.rule.tracesPerNeuron} = ${report.T}/${report.rule.tracesPerNeuron} = ${formatRatio(report.ratios.memoryFormula)})`,
    `MACs BPTT / ${rn} = ${formatRatio(report.ratios.macs)} (formula 2T/(${report.rule.macsPerSynapseStep}(T − T_l)) = ${2 * report.T}/${report.rule.macsPerSynapseStep * report.learningSteps} = ${formatRatio(report.ratios.macsFormula)})`,
  ];
  if (report.bytesPerValue !== undefined) {
    ratioLines.push(`memory at ${report.bytesPerValue} bytes/value: BPTT ${formatBytes(t.memoryBpttValues, report.bytesPerValue)}, ${rn} ${formatBytes(t.memoryRuleValues, report.bytesPerValue)}`);
  }
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
