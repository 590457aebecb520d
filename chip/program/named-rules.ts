/**
 * Named learning rules as data: each is rule text in the learning-rule language (learning-rule.ts)
 * plus the traces it needs (decay, impulse, bit width), weight bounds and notes. A rule that the
 * sum-of-products form cannot express carries a closed-form per-event update instead.
 *
 * Engine semantics every rule here assumes (one learning epoch = one tick; docs/learning.md §2; the
 * same order as snnref-1 P1–P5, so `pair` reproduces the c05 fixture's rule):
 *   1. every trace decays: z ← decay·z;
 *   2. pre arrival (after the synaptic delay): the x0 products are evaluated on the current state and
 *      applied; then the pre traces jump (z ← z + impulse, or z ← impulse in `set` mode);
 *   3. post spike: the y0 products are evaluated (pre traces already include this tick's arrival, post
 *      traces do not include this tick's spike) and applied; then the spike-driven post traces jump;
 *      graded post traces add impulse·g[t] every tick (S-TLLR's Ψ(u[t]));
 *   4. epoch end: u<k> products (epoch mod 2^k = 0) are evaluated and applied.
 * Within one phase every target (dw, dt, dd) is computed from the same state, then applied; the weight
 * is clipped to [wMin, wMax] after every application, the tag to its bounds when given.
 * `simulateSynapse` runs exactly this on one synapse (the reference the engine is tested against).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import {
  RULE_SLOT_COUNT, RuleGate, RuleSlot, compileRule, parseRule,
  type CompiledRule, type ParsedRule,
} from "./learning-rule.ts";
import type { PairStdpProgram } from "./types.ts";

export const TRACE_NAMES = ["x1", "x2", "y1", "y2", "y3"] as const;
export type TraceName = (typeof TRACE_NAMES)[number];

/** Lava's trace width (`W_TRACE = 7`, constants.py @2dddb79; Loihi 1: 7-bit unsigned traces). */
export const LOIHI_TRACE_BITS = 7;

export interface TraceSpec {
  readonly trace: TraceName;
  /** Per-tick multiplier: z ← decay·z (decay = exp(−1/τ) for a time constant of τ ticks). */
  readonly decay: number;
  /** Spike-driven: z ← z + impulse (`add`, all-to-all) or z ← impulse (`set`, nearest). Graded: z ← z + impulse·g[t]. */
  readonly impulse: number;
  readonly mode: "add" | "set";
  /** `spike`: jumps on the neuron's spikes; `graded`: the neuron supplies g[t] every tick (S-TLLR's Ψ(u[t])). */
  readonly input: "spike" | "graded";
  /** Hardware width of the trace (float mode ignores it; memory accounting uses it). */
  readonly bits: number;
  readonly note?: string;
}

export const Expressibility = {
  /** Sum of products with Loihi's factors (third factor `m` = Loihi 2's reward post trace or Loihi 1's r1). */
  loihi: "loihi",
  /** Sum of products, but a post trace is driven by a graded per-neuron value every tick (Loihi 2 / Lava `Loihi3FLearningRule` style). */
  gradedTraces: "graded-traces",
  /**
   * Sum of products with a power of the weight (w ± C)^p (learning-rule.ts): exact with float weights on any
   * chip; with quantised weights only on a chip whose learning engine has a lookup table over the weight's
   * values (precision.learningLutFractionBits), else E_LEARNING_CLOSED_FORM.
   */
  weightPower: "weight-power",
  /**
   * Not a sum of products: `simulateSynapse` (the one-synapse reference) calls `closedForm` instead of
   * evaluating rule text; the chip's learning engine cannot run such a rule (E_LEARNING_CLOSED_FORM).
   */
  closedForm: "closed-form",
} as const;
export type Expressibility = (typeof Expressibility)[keyof typeof Expressibility];

/** The synapse's state as a closed-form update sees it (traces already sampled for the phase). */
export interface SynapseView {
  w: number;
  d: number;
  t: number;
  x1: number;
  x2: number;
  y1: number;
  y2: number;
  y3: number;
  m: number;
}

/** Δw per phase, for rules that are not sums of products (same phases and state as x0, y0, u0 products). */
export interface ClosedFormUpdate {
  readonly onPre?: (s: Readonly<SynapseView>) => number;
  readonly onPost?: (s: Readonly<SynapseView>) => number;
  readonly onEpoch?: (s: Readonly<SynapseView>, epoch: number) => number;
}

export type NamedRuleName =
  | "pair-stdp" | "triplet-stdp" | "diehl-cook-2015" | "diehl-cook-2015-exp" | "diehl-cook-2015-code" | "reward-stdp" | "s-tllr";

export interface NamedRule {
  readonly name: NamedRuleName;
  /** One equation per target; empty when the rule is closed-form only. */
  readonly ruleTexts: readonly string[];
  /** `ruleTexts` parsed. */
  readonly rules: readonly ParsedRule[];
  readonly traces: readonly TraceSpec[];
  readonly wMin: number;
  readonly wMax: number;
  /** Tag bounds, when the rule keeps state in the tag. */
  readonly tagMin?: number;
  readonly tagMax?: number;
  /** Ticks per learning epoch (all rules here learn every tick). */
  readonly epochTicks: number;
  /** Present when the rule reads the third factor `m`; m is forced to 0 before `fromTick`. */
  readonly thirdFactor?: { readonly meaning: string; readonly fromTick: number };
  /** `per-epoch`: updates apply as they are computed; `tag-at-sample-end`: dt accumulates, then w ← w + t and t ← 0 at the end of each sample. */
  readonly apply: "per-epoch" | "tag-at-sample-end";
  readonly expressibility: Expressibility;
  readonly closedForm?: ClosedFormUpdate;
  /**
   * The same update written in closed form beside rule text that computes it (tests compare the two);
   * simulateSynapse does not call it.
   */
  readonly reference?: ClosedFormUpdate;
  /** Trace memory: Σ bits of the pre traces (per input axon) and of the post traces (per neuron). */
  readonly preTraceBitsPerAxon: number;
  readonly postTraceBitsPerNeuron: number;
  /** The parameters the rule was built from, resolved (decays, not time constants). */
  readonly parameters: Readonly<Record<string, number | string | boolean>>;
  readonly notes: readonly string[];
  readonly sources: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Parameter checks and rule-text helpers.

function bad(rule: string, field: string, message: string, hint: string): never {
  throw new AerchipError("E_RULE_PARAM", `${rule}: ${field} ${message}`, { field, hint });
}

function finite(rule: string, field: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) bad(rule, field, `is ${String(v)}; it must be a finite number`, `give ${field} as a number`);
  return v;
}

function nonNegative(rule: string, field: string, v: number): number {
  finite(rule, field, v);
  if (v < 0) bad(rule, field, `is ${v}; it must be ≥ 0 (a magnitude; the rule supplies the sign)`, `give |${field}|`);
  return v;
}

/** A per-tick decay from either a decay in [0, 1] or a time constant in ticks (decay = exp(−1/τ)). */
function decayOf(rule: string, field: string, decay: number | undefined, tauTicks: number | undefined, fallbackTau?: number): number {
  if (decay !== undefined && tauTicks !== undefined) bad(rule, field, "is given both as a decay and as a time constant", "give one of them");
  if (decay !== undefined) {
    finite(rule, `${field}Decay`, decay);
    if (decay < 0 || decay > 1) bad(rule, `${field}Decay`, `is ${decay}; it must be in [0, 1]`, "decay = exp(−1/τ) for τ in ticks");
    return decay;
  }
  const tau = tauTicks ?? fallbackTau;
  if (tau === undefined) bad(rule, `${field}TauTicks`, "is missing", `give ${field}TauTicks or ${field}Decay`);
  finite(rule, `${field}TauTicks`, tau);
  if (tau <= 0) bad(rule, `${field}TauTicks`, `is ${tau}; it must be > 0`, "give the time constant in ticks");
  return Math.exp(-1 / tau);
}

function bounds(rule: string, wMin: number, wMax: number, needFinite: boolean): void {
  if (Number.isNaN(wMin) || Number.isNaN(wMax) || wMin > wMax) bad(rule, "wMin/wMax", `are [${wMin}, ${wMax}]; need wMin ≤ wMax`, "swap or fix the bounds");
  if (needFinite && (!Number.isFinite(wMin) || !Number.isFinite(wMax))) {
    bad(rule, "wMin/wMax", `are [${wMin}, ${wMax}]; a soft-bound rule needs finite bounds`, "give finite wMin and wMax");
  }
}

/** A scale as rule text: exact powers of two as 2^e, anything else as the shortest round-trip decimal. */
export function scaleText(v: number): string {
  if (v > 0) {
    const e = Math.log2(v);
    if (Number.isInteger(e) && e !== 0 && 2 ** e === v) return `2^${e}`;
  }
  return String(v);
}

/** `(v + c)` / `(v - c)`, or just `v` when c = 0. */
function plusConst(variable: string, c: number): string {
  if (c === 0) return variable;
  return `(${variable} ${c < 0 ? "-" : "+"} ${String(Math.abs(c))})`;
}

/** Joins signed terms into `target = a - b + c` (a unit scale is not written), dropping zero-scaled terms (keeping one if all are zero). */
function equation(target: string, terms: ReadonlyArray<readonly [number, string]>): string {
  const kept = terms.filter(([c]) => c !== 0);
  const use = kept.length > 0 ? kept : terms.slice(0, 1);
  let out = `${target} =`;
  use.forEach(([c, body], i) => {
    const neg = c < 0;
    const head = i === 0 ? (neg ? " -" : " ") : neg ? " - " : " + ";
    out += Math.abs(c) === 1 ? `${head}${body}` : `${head}${scaleText(Math.abs(c))}*${body}`;
  });
  return out;
}

function spikeTrace(trace: TraceName, decay: number, mode: "add" | "set", bits: number, note?: string): TraceSpec {
  return { trace, decay, impulse: 1, mode, input: "spike", bits, ...(note === undefined ? {} : { note }) };
}

function traceBits(traces: readonly TraceSpec[], pre: boolean): number {
  return traces.filter((t) => t.trace.startsWith(pre ? "x" : "y")).reduce((s, t) => s + t.bits, 0);
}

function build(
  r: Omit<NamedRule, "rules" | "preTraceBitsPerAxon" | "postTraceBitsPerNeuron" | "epochTicks">,
): NamedRule {
  const rules = r.ruleTexts.map((t) => parseRule(t, { field: `${r.name}.ruleTexts` }));
  return {
    ...r, rules, epochTicks: 1,
    preTraceBitsPerAxon: traceBits(r.traces, true),
    postTraceBitsPerNeuron: traceBits(r.traces, false),
  };
}

// ---------------------------------------------------------------------------------------------
// Pair STDP.

export interface PairStdpParams {
  /** Potentiation and depression magnitudes (≥ 0). */
  readonly aPlus: number;
  readonly aMinus: number;
  readonly preDecay?: number;
  readonly preTauTicks?: number;
  readonly postDecay?: number;
  readonly postTauTicks?: number;
  /** `all-to-all`: traces add 1 per spike; `nearest`: traces are set to 1 (snnref-1 `nearest`). */
  readonly pairing?: "all-to-all" | "nearest";
  /** `additive`: Δw = ±A·trace; `soft-bound`: Δw+ = A+·x·(wMax − w), Δw− = −A−·y·(w − wMin). */
  readonly weightDependence?: "additive" | "soft-bound";
  readonly wMin?: number;
  readonly wMax?: number;
  readonly traceBits?: number;
}

/**
 * Pair STDP, additive:  dw = A+·x1·y0 − A−·y1·x0;
 * soft-bound (multiplicative): dw = A+·x1·(wMax − w)·y0 − A−·y1·(w − wMin)·x0.
 */
export function pairStdp(p: PairStdpParams): NamedRule {
  const R = "pair-stdp";
  const aPlus = nonNegative(R, "aPlus", p.aPlus);
  const aMinus = nonNegative(R, "aMinus", p.aMinus);
  const preDecay = decayOf(R, "pre", p.preDecay, p.preTauTicks);
  const postDecay = decayOf(R, "post", p.postDecay, p.postTauTicks);
  const pairing = p.pairing ?? "all-to-all";
  const dependence = p.weightDependence ?? "additive";
  const wMin = p.wMin ?? -Infinity;
  const wMax = p.wMax ?? Infinity;
  bounds(R, wMin, wMax, dependence === "soft-bound");
  const bits = p.traceBits ?? LOIHI_TRACE_BITS;
  const mode = pairing === "nearest" ? "set" : "add";
  const text = dependence === "additive"
    ? equation("dw", [[aPlus, "x1*y0"], [-aMinus, "y1*x0"]])
    : equation("dw", [[aPlus, `x1*(${wMax} - w)*y0`], [-aMinus, `y1*${plusConst("w", -wMin)}*x0`]]);
  return build({
    name: R,
    ruleTexts: [text],
    traces: [spikeTrace("x1", preDecay, mode, bits), spikeTrace("y1", postDecay, mode, bits)],
    wMin, wMax,
    apply: "per-epoch",
    expressibility: Expressibility.loihi,
    parameters: { aPlus, aMinus, preDecay, postDecay, pairing, weightDependence: dependence, wMin, wMax },
    notes: [
      "x0 products see the post trace from earlier post spikes only; y0 products see the pre trace including this tick's arrival, so a same-tick pre/post pair is causal (snnref-1 §2).",
      pairing === "nearest"
        ? "nearest = traces reset to 1 on each spike (snnref-1 `nearest`, Loihi trace saturation); SpiNNaker's `nearest_pair` (last pre/post only, potentiation zeroed by a later post) is a different rule."
        : "all-to-all: every earlier spike contributes through the additive trace.",
    ],
    sources: ["hardware-facts.md §3.1 (Loihi example pair rule)", "snnref-1 README §2 (P2, P5)"],
  });
}

/** The named rule equivalent to a ChipProgram's PairStdpProgram (chip/program/types.ts). */
export function pairStdpFromProgram(p: PairStdpProgram): NamedRule {
  return pairStdp({
    aPlus: p.aPlus, aMinus: p.aMinus, preDecay: p.decayPre, postDecay: p.decayPost,
    pairing: p.nearest ? "nearest" : "all-to-all", weightDependence: "additive", wMin: p.wMin, wMax: p.wMax,
  });
}

// ---------------------------------------------------------------------------------------------
// Triplet STDP (Pfister & Gerstner 2006, minimal model: no triplet depression, A3− = 0).

export interface TripletStdpParams {
  /** Pair potentiation A2+, triplet potentiation A3+, pair depression A2− (all ≥ 0). */
  readonly aPlus2: number;
  readonly aPlus3: number;
  readonly aMinus2: number;
  /** Pre trace r1 (τ+), post traces o1 (τ−) and o2 (τy). */
  readonly plusDecay?: number;
  readonly plusTauTicks?: number;
  readonly minusDecay?: number;
  readonly minusTauTicks?: number;
  readonly yDecay?: number;
  readonly yTauTicks?: number;
  readonly pairing?: "all-to-all" | "nearest";
  readonly wMin?: number;
  readonly wMax?: number;
  readonly traceBits?: number;
}

/**
 * Minimal triplet rule: at a post spike Δw = r1·(A2+ + A3+·o2(t−ε)); at a pre spike Δw = −A2−·o1.
 * As rule text (x1 = r1, y1 = o1, y2 = o2, read before its own jump): dw = A2+·x1·y0 + A3+·x1·y2·y0 − A2−·y1·x0.
 */
export function tripletStdp(p: TripletStdpParams): NamedRule {
  const R = "triplet-stdp";
  const aPlus2 = nonNegative(R, "aPlus2", p.aPlus2);
  const aPlus3 = nonNegative(R, "aPlus3", p.aPlus3);
  const aMinus2 = nonNegative(R, "aMinus2", p.aMinus2);
  const plusDecay = decayOf(R, "plus", p.plusDecay, p.plusTauTicks);
  const minusDecay = decayOf(R, "minus", p.minusDecay, p.minusTauTicks);
  const yDecay = decayOf(R, "y", p.yDecay, p.yTauTicks);
  const wMin = p.wMin ?? -Infinity;
  const wMax = p.wMax ?? Infinity;
  bounds(R, wMin, wMax, false);
  const bits = p.traceBits ?? LOIHI_TRACE_BITS;
  const mode = (p.pairing ?? "all-to-all") === "nearest" ? "set" : "add";
  return build({
    name: R,
    ruleTexts: [equation("dw", [[aPlus2, "x1*y0"], [aPlus3, "x1*y2*y0"], [-aMinus2, "y1*x0"]])],
    traces: [
      spikeTrace("x1", plusDecay, mode, bits, "r1: pre trace, τ+"),
      spikeTrace("y1", minusDecay, mode, bits, "o1: post trace, τ−"),
      spikeTrace("y2", yDecay, mode, bits, "o2: slow post trace, τy; read before its own jump"),
    ],
    wMin, wMax,
    apply: "per-epoch",
    expressibility: Expressibility.loihi,
    parameters: { aPlus2, aPlus3, aMinus2, plusDecay, minusDecay, yDecay, pairing: p.pairing ?? "all-to-all", wMin, wMax },
    notes: [
      "Minimal model: the triplet depression term A3−·r2 is absent, so no second pre trace is needed.",
      "o2 enters at its value just before the current post spike (t − ε), which is the engine's order: y0 products are evaluated before the post traces jump.",
      "No parameter values are built in: take A2+, A3+, A2−, τ+, τ−, τy from Pfister & Gerstner 2006 (J. Neurosci. 26:9673) Table 4 for the data set you fit.",
    ],
    sources: ["Pfister & Gerstner 2006, minimal triplet model", "hardware-facts.md §3.4 (sPyNNaker pfister_triplet)"],
  });
}

// ---------------------------------------------------------------------------------------------
// Diehl & Cook 2015.

export interface DiehlCookParams {
  /** Learning rate η (default 0.01 = the released code's ν_post). */
  readonly eta?: number;
  /** Target pre-trace value x_tar at a post spike (default 0.4, the released code's constant). */
  readonly xTar?: number;
  /** Weight-dependence exponent μ (default 0.2, the released code's constant; 0 and 1 are expressible). */
  readonly mu?: number;
  readonly preDecay?: number;
  /** Pre-trace time constant (default 20 ticks: 20 ms at 1 ms ticks). */
  readonly preTauTicks?: number;
  /** How a pre spike moves x_pre: `add` 1 (default) or `set` to 1. */
  readonly preTraceMode?: "add" | "set";
  readonly wMax?: number;
  readonly wMin?: number;
  readonly traceBits?: number;
}

/**
 * Diehl & Cook 2015's default rule, at a post spike only: Δw = η·(x_pre − x_tar)·(wMax − w)^μ.
 * Rule text for μ = 0 (dw = η·(x1 − x_tar)·y0) and μ = 1 (dw = η·(x1 − x_tar)·(wMax − w)·y0), Loihi
 * products; any other μ is a power of the weight, the factor (wMax − w)^μ (learning-rule.ts; its base clamped
 * at 0): exact with float weights, a lookup table with quantised ones (expressibility weight-power).
 * `reference.onPost` is the same update in closed form.
 */
export function diehlCook2015(p: DiehlCookParams = {}): NamedRule {
  const R = "diehl-cook-2015";
  const eta = nonNegative(R, "eta", p.eta ?? 0.01);
  const xTar = finite(R, "xTar", p.xTar ?? 0.4);
  const mu = nonNegative(R, "mu", p.mu ?? 0.2);
  const preDecay = decayOf(R, "pre", p.preDecay, p.preTauTicks, 20);
  const wMin = p.wMin ?? 0;
  const wMax = p.wMax ?? 1;
  bounds(R, wMin, wMax, true);
  const bits = p.traceBits ?? LOIHI_TRACE_BITS;
  const mode = p.preTraceMode ?? "add";
  const x = plusConst("x1", -xTar);
  const integer = mu === 0 || mu === 1;
  const ruleTexts = mu === 0 ? [equation("dw", [[eta, `${x}*y0`]])]
    : mu === 1 ? [equation("dw", [[eta, `${x}*(${wMax} - w)*y0`]])]
      : [equation("dw", [[eta, `${x}*(${wMax} - w)^${mu}*y0`]])];
  const reference: ClosedFormUpdate = {
    // Δw = η·(x_pre − x_tar)·(wMax − w)^μ; the base is clamped at 0 so a weight at the bound stays real.
    onPost: (s) => eta * (s.x1 - xTar) * Math.max(0, wMax - s.w) ** mu,
  };
  return build({
    name: R,
    ruleTexts,
    traces: [spikeTrace("x1", preDecay, mode, bits, "x_pre")],
    wMin, wMax,
    apply: "per-epoch",
    expressibility: integer ? Expressibility.loihi : Expressibility.weightPower,
    reference,
    parameters: { eta, xTar, mu, preDecay, preTraceMode: mode, wMin, wMax },
    notes: [
      "Depression comes only from the x_tar offset: a post spike with x_pre < x_tar weakens the synapse; pre spikes never change w.",
      integer
        ? `μ = ${mu} makes (wMax − w)^μ a product, so the rule is a sum of products.`
        : `μ = ${mu} is not 0 or 1: (wMax − w)^μ is a power factor, not a Loihi product. Float weights evaluate it exactly on any chip (the ideal mode); with weightBits it needs a learning engine with a lookup table over the weight's values (precision.learningLutFractionBits: the generic preset), and Loihi's refuses it (E_LEARNING_CLOSED_FORM).`,
      "Parameter provenance (papers.md §5): x_tar = 0.4 and μ = 0.2 are constants in the released code (present, unused there) [C]; the equation itself is from the paper [M]; η = 0.01 is the code's ν_post.",
    ],
    sources: ["Diehl & Cook 2015, Front. Comput. Neurosci. 9:99", "papers.md §5"],
  });
}

/** `diehl-cook-2015`'s parameters with β, the exponential dependence's strength, in place of μ. */
export interface DiehlCookExpParams extends Omit<DiehlCookParams, "mu"> {
  /** Strength β of the exponential weight dependence (> 0; no default: papers.md gives no value). */
  readonly beta: number;
}

/** `exp(a*w + c)` as rule text. */
function expText(rate: number, c: number): string {
  const lin = rate === 1 ? "w" : rate === -1 ? "-w" : `${String(rate)}*w`;
  return c === 0 ? `exp(${lin})` : `exp(${lin} ${c < 0 ? "-" : "+"} ${String(Math.abs(c))})`;
}

/**
 * Diehl & Cook 2015's exponential weight dependence, at a post spike only:
 *   Δw = η·(x_pre·e^(−β·w) − x_tar·e^(−β·(wMax − w)))
 * As rule text: dw = η·x1·exp(−β·w)·y0 − η·x_tar·exp(β·w − β·wMax)·y0. The exponentials are functions of
 * the weight (learning-rule.ts exp factor): exact with float weights on any chip, through the learning
 * engine's lookup table with quantised weights (precision.learningLutFractionBits; Loihi: E_LEARNING_CLOSED_FORM).
 */
export function diehlCook2015Exp(p: DiehlCookExpParams): NamedRule {
  const R = "diehl-cook-2015-exp";
  const eta = nonNegative(R, "eta", p.eta ?? 0.01);
  const xTar = finite(R, "xTar", p.xTar ?? 0.4);
  if (p.beta === undefined) bad(R, "beta", "is missing", "give beta > 0 (the strength of the weight dependence; the paper's value is not in papers.md)");
  const beta = finite(R, "beta", p.beta);
  if (beta <= 0) bad(R, "beta", `is ${beta}; it must be > 0`, "give beta > 0 (β → 0 is the rule without weight dependence: diehl-cook-2015 with mu = 0)");
  const preDecay = decayOf(R, "pre", p.preDecay, p.preTauTicks, 20);
  const wMin = p.wMin ?? 0;
  const wMax = p.wMax ?? 1;
  bounds(R, wMin, wMax, true);
  const bits = p.traceBits ?? LOIHI_TRACE_BITS;
  const mode = p.preTraceMode ?? "add";
  const text = equation("dw", [[eta, `x1*${expText(-beta, 0)}*y0`], [-eta * xTar, `${expText(beta, -beta * wMax)}*y0`]]);
  const reference: ClosedFormUpdate = {
    // Δw = η·(x_pre·e^(−βw) − x_tar·e^(−β(wMax − w)))
    onPost: (s) => eta * (s.x1 * Math.exp(-beta * s.w) - xTar * Math.exp(-beta * (wMax - s.w))),
  };
  return build({
    name: R,
    ruleTexts: [text],
    traces: [spikeTrace("x1", preDecay, mode, bits, "x_pre")],
    wMin, wMax,
    apply: "per-epoch",
    expressibility: Expressibility.weightPower,
    reference,
    parameters: { eta, xTar, beta, preDecay, preTraceMode: mode, wMin, wMax },
    notes: [
      "Depression comes only from the x_tar term: a post spike with x_pre·e^(−βw) < x_tar·e^(−β(wMax − w)) weakens the synapse; pre spikes never change w.",
      "e^(−βw) and e^(−β(wMax − w)) are exponential factors, not Loihi products. Float weights evaluate them exactly on any chip (the ideal mode); with weightBits they need a learning engine with a lookup table over the weight's values (precision.learningLutFractionBits: the generic preset; each entry rounded to that many fractional bits), and Loihi's refuses the rule (E_LEARNING_CLOSED_FORM).",
      "Parameter provenance (papers.md §5): the equation is the paper's exponential variant [M]; x_tar = 0.4 and η = 0.01 follow diehl-cook-2015 (code constants [C]); β has no default (not in papers.md).",
    ],
    sources: ["Diehl & Cook 2015, Front. Comput. Neurosci. 9:99 (exponential weight dependence)", "papers.md §5"],
  });
}

export interface DiehlCookCodeParams {
  /** Depression per pre spike (default 1e-4) and potentiation scale per post spike (default 1e-2). */
  readonly nuPre?: number;
  readonly nuPost?: number;
  /** Time constants in ticks (defaults 20, 20, 40: the code's ms at 1 ms ticks; use 40, 40, 80 at its 0.5 ms step). */
  readonly preTauTicks?: number;
  readonly post1TauTicks?: number;
  readonly post2TauTicks?: number;
  readonly wMin?: number;
  readonly wMax?: number;
  readonly traceBits?: number;
}

/**
 * The rule in Diehl & Cook's released code (`peter-u-diehl/stdp-mnist`, papers.md §5): traces set to
 * 1 on spikes; pre spike w −= ν_pre·post1; post spike w += ν_post·x_pre·post2(before the update).
 *   dw = ν_post·x1·y2·y0 − ν_pre·y1·x0
 */
export function diehlCook2015Code(p: DiehlCookCodeParams = {}): NamedRule {
  const R = "diehl-cook-2015-code";
  const nuPre = nonNegative(R, "nuPre", p.nuPre ?? 1e-4);
  const nuPost = nonNegative(R, "nuPost", p.nuPost ?? 1e-2);
  const preDecay = decayOf(R, "pre", undefined, p.preTauTicks, 20);
  const post1Decay = decayOf(R, "post1", undefined, p.post1TauTicks, 20);
  const post2Decay = decayOf(R, "post2", undefined, p.post2TauTicks, 40);
  const wMin = p.wMin ?? 0;
  const wMax = p.wMax ?? 1;
  bounds(R, wMin, wMax, false);
  const bits = p.traceBits ?? LOIHI_TRACE_BITS;
  return build({
    name: R,
    ruleTexts: [equation("dw", [[nuPost, "x1*y2*y0"], [-nuPre, "y1*x0"]])],
    traces: [
      spikeTrace("x1", preDecay, "set", bits, "pre (τ 20 ms in the code)"),
      spikeTrace("y1", post1Decay, "set", bits, "post1 (τ 20 ms)"),
      spikeTrace("y2", post2Decay, "set", bits, "post2 (τ 40 ms), read before its reset to 1"),
    ],
    wMin, wMax,
    apply: "per-epoch",
    expressibility: Expressibility.loihi,
    parameters: { nuPre, nuPost, preDecay, post1Decay, post2Decay, wMin, wMax },
    notes: [
      "The paper's 'triplet'-like variant as released; the paper's default power-law rule is diehlCook2015().",
      "Weight normalisation (Σ_j w_ij = 78 per neuron before each sample) and the adaptive threshold belong to the training schedule, not to the rule.",
    ],
    sources: ["peter-u-diehl/stdp-mnist @d527ca3 (papers.md §5) [C]"],
  });
}

// ---------------------------------------------------------------------------------------------
// Reward-modulated STDP: eligibility in the tag, weight gated by the third factor.

export interface RewardStdpParams {
  readonly aPlus: number;
  readonly aMinus: number;
  readonly preDecay?: number;
  readonly preTauTicks?: number;
  readonly postDecay?: number;
  readonly postTauTicks?: number;
  /** Eligibility decay λ_e per tick (or its time constant). */
  readonly eligibilityDecay?: number;
  readonly eligibilityTauTicks?: number;
  /** Weight learning rate η. */
  readonly eta: number;
  readonly wMin?: number;
  readonly wMax?: number;
  readonly tagMin?: number;
  readonly tagMax?: number;
  readonly traceBits?: number;
}

/**
 * The tag t is the eligibility trace e; m is the reward (per post neuron and tick):
 *   dt = A+·x1·y0 − A−·y1·x0 − (1 − λ_e)·t·u0      (so e ← λ_e·e + STDP pairings each tick)
 *   dw = η·m·t·u0
 * Both are evaluated on the same state, so the weight sees the eligibility before this tick's decay.
 */
export function rewardStdp(p: RewardStdpParams): NamedRule {
  const R = "reward-stdp";
  const aPlus = nonNegative(R, "aPlus", p.aPlus);
  const aMinus = nonNegative(R, "aMinus", p.aMinus);
  const eta = finite(R, "eta", p.eta);
  const preDecay = decayOf(R, "pre", p.preDecay, p.preTauTicks);
  const postDecay = decayOf(R, "post", p.postDecay, p.postTauTicks);
  const eligibilityDecay = decayOf(R, "eligibility", p.eligibilityDecay, p.eligibilityTauTicks);
  const wMin = p.wMin ?? -Infinity;
  const wMax = p.wMax ?? Infinity;
  bounds(R, wMin, wMax, false);
  const tagMin = p.tagMin ?? -Infinity;
  const tagMax = p.tagMax ?? Infinity;
  if (Number.isNaN(tagMin) || Number.isNaN(tagMax) || tagMin > tagMax) bad(R, "tagMin/tagMax", `are [${tagMin}, ${tagMax}]; need tagMin ≤ tagMax`, "fix the tag bounds");
  const bits = p.traceBits ?? LOIHI_TRACE_BITS;
  const dt = equation("dt", [[aPlus, "x1*y0"], [-aMinus, "y1*x0"], [-(1 - eligibilityDecay), "t*u0"]]);
  const dw = equation("dw", [[eta, "m*t*u0"]]);
  return build({
    name: R,
    ruleTexts: [dt, dw],
    traces: [spikeTrace("x1", preDecay, "add", bits), spikeTrace("y1", postDecay, "add", bits)],
    wMin, wMax, tagMin, tagMax,
    thirdFactor: { meaning: "reward (or dopamine) signal per post neuron and tick", fromTick: 0 },
    apply: "per-epoch",
    expressibility: Expressibility.loihi,
    parameters: { aPlus, aMinus, eta, preDecay, postDecay, eligibilityDecay, wMin, wMax, tagMin, tagMax },
    notes: [
      "Lava's R-STDP (proc/learning_rules/r_stdp_learning_rule.py) has the same shape with the reward as post trace y2 (dw = u0·t·y2); here the reward is the third factor m.",
      "The tag does not decay by itself on Loihi, hence the −(1 − λ_e)·t·u0 product.",
    ],
    sources: ["hardware-facts.md §3.1 (Lava R-STDP)", "Izhikevich 2007 (dopamine-modulated STDP)"],
  });
}

// ---------------------------------------------------------------------------------------------
// S-TLLR (Apolinario & Roy): three-factor, temporally local.

/** Secondary activations Ψ(u) (papers.md §1.2; `inverseSquare` is the code's default). */
export const STLLR_PSI = {
  inverseSquare: (u: number, vTh: number): number => 1 / (100 * Math.abs(u - vTh) + 1) ** 2,
  triangle: (u: number, vTh: number): number => 0.3 * Math.max(1 - Math.abs(u - vTh), 0),
  sigmoid: (u: number, vTh: number): number => {
    const s = 1 / (1 + Math.exp(-(u - vTh)));
    return 4 * s * (1 - s);
  },
  lorentzian: (u: number, vTh: number): number => 1 / (1 + (10 * (u - vTh)) ** 2),
} as const;
export type StllrPsi = keyof typeof STLLR_PSI;

/**
 * Factor sets [λ_post, λ_pre, α_post, α_pre] of the hidden layers, read in the authors' code
 * (mapolinario94/S-TLLR @29c5755) [C]; the paper's ablations of α_post (0 / +1 / −1) are from a
 * secondary summary of arXiv 2306.15220 [S]. The code's readout (accumulate) layer uses its own set,
 * [0, 0.99, 0, 1] (δ ⊗ tr_x only, λ_pre = 0.99) [C]; it is not listed here (λ_post = 0 and α_post = 0
 * leave only the causal product): compiler/analysis/learning-cost.ts counts it as one MAC per synapse.
 */
export const STLLR_FACTORS = {
  dvsGesture: { lambdaPost: 0.2, lambdaPre: 0.75, alphaPost: -1, alphaPre: 1 }, //  [C] S-TLLR code, DVS Gesture
  dvsCifar10: { lambdaPost: 0.2, lambdaPre: 0.5, alphaPost: -1, alphaPre: 1 }, //   [C] S-TLLR code, DVS-CIFAR10
  nCaltech101: { lambdaPost: 0.2, lambdaPre: 0.5, alphaPost: -1, alphaPre: 1 }, //  [C] S-TLLR code, N-CALTECH101
  shd: { lambdaPost: 0.5, lambdaPre: 1, alphaPost: 1, alphaPre: 1 }, //             [C] S-TLLR code, SHD hidden layer (λ_pre = 1: non-decaying pre trace)
} as const;

export interface StllrParams {
  readonly lambdaPre: number;
  readonly lambdaPost: number;
  readonly alphaPre: number;
  readonly alphaPost: number;
  /** First tick (0-based, from the sample start) with a learning signal: T − T_l ticks learn. */
  readonly learnFromTick: number;
  /** ρ in Δw = ρ·Σ_t m[t]·e[t] (negative for gradient descent on ∂L/∂y). */
  readonly learningRate: number;
  /** `online`: apply every tick (code mode `stllr_online`); `accumulate`: sum in the tag, apply at the sample end (`stllr`). */
  readonly mode?: "online" | "accumulate";
  readonly psi?: StllrPsi;
  readonly wMin?: number;
  readonly wMax?: number;
  readonly traceBits?: number;
}

/**
 * e_ij[t] = α_pre·Ψ(u_i[t])·x̄_j[t] + α_post·s_j[t]·λ_post·ȳ_i[t−1],  x̄_j[t] = λ_pre·x̄_j[t−1] + s_j[t],
 * ȳ_i[t] = λ_post·ȳ_i[t−1] + Ψ(u_i[t]);  Δw_ij = ρ·Σ_{t ≥ T_l} m_i[t]·e_ij[t]  (m = learning signal δ).
 * As rule text, with x1 = x̄, y1 = ȳ (graded by Ψ), y2 = Ψ(u[t]) (graded, decay 0):
 *   dw (or dt) = ρα_pre·m·y2·x1·u0 + ρα_post·m·y1·x0
 * The x0 product reads y1 after its decay and before this tick's Ψ, i.e. λ_post·ȳ[t−1]: the paper's
 * Σ_{t'<t} λ_post^{t−t'}Ψ[t']. The authors' code uses ȳ[t−1] itself; scale α_post by 1/λ_post for it.
 */
export function stllr(p: StllrParams): NamedRule {
  const R = "s-tllr";
  const lambdaPre = finite(R, "lambdaPre", p.lambdaPre);
  const lambdaPost = finite(R, "lambdaPost", p.lambdaPost);
  if (lambdaPre < 0 || lambdaPre > 1) bad(R, "lambdaPre", `is ${lambdaPre}; it must be in [0, 1]`, "λ_pre is the pre-trace decay per tick");
  if (lambdaPost < 0 || lambdaPost > 1) bad(R, "lambdaPost", `is ${lambdaPost}; it must be in [0, 1]`, "λ_post is the post-trace decay per tick");
  const alphaPre = finite(R, "alphaPre", p.alphaPre);
  const alphaPost = finite(R, "alphaPost", p.alphaPost);
  const rho = finite(R, "learningRate", p.learningRate);
  const fromTick = p.learnFromTick;
  if (!Number.isInteger(fromTick) || fromTick < 0) bad(R, "learnFromTick", `is ${fromTick}; it must be an integer ≥ 0`, "give T_l in ticks");
  const mode = p.mode ?? "online";
  const psi = p.psi ?? "inverseSquare";
  if (!(psi in STLLR_PSI)) bad(R, "psi", `is '${String(psi)}'`, `use one of ${Object.keys(STLLR_PSI).join(", ")}`);
  const wMin = p.wMin ?? -Infinity;
  const wMax = p.wMax ?? Infinity;
  bounds(R, wMin, wMax, false);
  const bits = p.traceBits ?? LOIHI_TRACE_BITS;
  const target = mode === "online" ? "dw" : "dt";
  const text = equation(target, [[rho * alphaPre, "m*y2*x1*u0"], [rho * alphaPost, "m*y1*x0"]]);
  return build({
    name: R,
    ruleTexts: [text],
    traces: [
      { trace: "x1", decay: lambdaPre, impulse: 1, mode: "add", input: "spike", bits, note: "x̄: pre spike trace, λ_pre" },
      { trace: "y1", decay: lambdaPost, impulse: 1, mode: "add", input: "graded", bits, note: "ȳ: post trace of Ψ(u), λ_post" },
      { trace: "y2", decay: 0, impulse: 1, mode: "add", input: "graded", bits, note: "Ψ(u[t]) of this tick (decay 0)" },
    ],
    wMin, wMax,
    thirdFactor: { meaning: "learning signal δ_i[t] = ∂L/∂y_i[t] (BP or DFA), zero before T_l", fromTick },
    apply: mode === "online" ? "per-epoch" : "tag-at-sample-end",
    expressibility: Expressibility.gradedTraces,
    parameters: { lambdaPre, lambdaPost, alphaPre, alphaPost, learnFromTick: fromTick, learningRate: rho, mode, psi },
    notes: [
      "Ψ(u[t]) is a graded per-neuron value, not a spike: y1 and y2 are post traces the neuron drives every tick (Loihi 2 / Lava Loihi3FLearningRule style); Loihi 1's spike-driven traces cannot express the rule.",
      "The x0 product uses λ_post·ȳ[t−1] (the paper's sum); the authors' code uses ȳ[t−1]: scale α_post by 1/λ_post to match the code (not possible for λ_post = 0; use stllrWeightChange with variant 'code').",
      mode === "accumulate"
        ? "accumulate: the products add into the tag over the window; the schedule applies w ← w + t and resets t at the end of each sample (one optimizer step per sample in the code's `stllr` mode)."
        : "online: w changes every tick from T_l on (code mode `stllr_online`).",
      "The learning signal itself (a backward pass or DFA matrix) is not part of the rule; cost it separately (compiler/analysis/learning-cost.ts).",
    ],
    sources: ["Apolinario & Roy, arXiv 2306.15220 (papers.md §1.2) [C][S]", "hardware-facts.md §3.5"],
  });
}

/**
 * Closed-form S-TLLR weight change of one synapse over one sample (per-tick lists indexed from 0):
 * Δw = ρ·Σ_{t ≥ learnFromTick} m[t]·e[t] with e as in `stllr`, the non-causal trace taken as
 * λ_post·ȳ[t−1] (`paper`) or ȳ[t−1] (`code`). No weight bounds.
 */
export function stllrWeightChange(
  p: Pick<StllrParams, "lambdaPre" | "lambdaPost" | "alphaPre" | "alphaPost" | "learnFromTick" | "learningRate">,
  run: { readonly preSpikes: ArrayLike<number>; readonly psi: ArrayLike<number>; readonly signal: ArrayLike<number> },
  variant: "paper" | "code" = "paper",
): number {
  const T = run.psi.length;
  if (run.preSpikes.length !== T || run.signal.length !== T) {
    throw new AerchipError("E_RULE_PARAM", `stllrWeightChange: preSpikes (${run.preSpikes.length}), psi (${T}) and signal (${run.signal.length}) must have one entry per tick`, {
      hint: "give the three per-tick lists the same length",
    });
  }
  let xBar = 0;
  let yBar = 0;
  let dw = 0;
  for (let t = 0; t < T; t++) {
    const s = run.preSpikes[t] !== 0 ? 1 : 0;
    xBar = p.lambdaPre * xBar + s;
    const nonCausal = variant === "paper" ? p.lambdaPost * yBar : yBar;
    const e = p.alphaPre * run.psi[t] * xBar + p.alphaPost * s * nonCausal;
    yBar = p.lambdaPost * yBar + run.psi[t];
    if (t >= p.learnFromTick) dw += run.signal[t] * e;
  }
  return p.learningRate * dw;
}

// ---------------------------------------------------------------------------------------------
// Reference single-synapse run.

export interface SynapseRun {
  readonly ticks: number;
  /** Ticks at which a pre spike arrives (after the delay) and at which the post neuron spikes. */
  readonly preTicks: readonly number[];
  readonly postTicks: readonly number[];
  /** Third factor per tick (absent entries are 0). */
  readonly thirdFactor?: readonly number[];
  /** Graded post input per tick for `graded` traces (S-TLLR: Ψ(u[t])). */
  readonly graded?: readonly number[];
  /** Starting weight, kept as given (also outside [wMin, wMax]) until an update clips it, as the engine's float weights. */
  readonly w0: number;
  readonly tag0?: number;
  readonly delay0?: number;
}

export interface SynapseTrajectory {
  /** Weight and tag after each tick. */
  readonly w: Float64Array;
  readonly tag: Float64Array;
  readonly finalW: number;
  readonly finalTag: number;
  readonly finalDelay: number;
  /** Trace values at the end of each tick, per trace of the rule. */
  readonly traces: Readonly<Partial<Record<TraceName, Float64Array>>>;
}

const TRACE_SLOT: Readonly<Record<TraceName, number>> = {
  x1: RuleSlot.x1, x2: RuleSlot.x2, y1: RuleSlot.y1, y2: RuleSlot.y2, y3: RuleSlot.y3,
};

function tickSet(name: string, ticks: readonly number[], T: number): Uint8Array {
  const out = new Uint8Array(T);
  for (const t of ticks) {
    if (!Number.isInteger(t) || t < 0 || t >= T) {
      throw new AerchipError("E_RULE_PARAM", `simulateSynapse: ${name} tick ${t} is outside 0..${T - 1}`, {
        field: name, hint: "give integer ticks inside the run",
      });
    }
    out[t] = 1;
  }
  return out;
}

/**
 * Runs a named rule on one synapse with the engine order of this file's header, in float64.
 * The reference for hand-computed tests and for the chip's learning engine.
 */
export function simulateSynapse(rule: NamedRule, run: SynapseRun): SynapseTrajectory {
  const T = run.ticks;
  if (!Number.isInteger(T) || T < 0) {
    throw new AerchipError("E_RULE_PARAM", `simulateSynapse: ticks is ${T}; it must be an integer ≥ 0`, { field: "ticks", hint: "give the run length in ticks" });
  }
  const pre = tickSet("preTicks", run.preTicks, T);
  const post = tickSet("postTicks", run.postTicks, T);
  const compiled: CompiledRule[] = rule.rules.map((r) => compileRule(r));
  const vec = new Float64Array(RULE_SLOT_COUNT);
  const view: SynapseView = { w: run.w0, d: run.delay0 ?? 0, t: run.tag0 ?? 0, x1: 0, x2: 0, y1: 0, y2: 0, y3: 0, m: 0 };
  const tagMin = rule.tagMin ?? -Infinity;
  const tagMax = rule.tagMax ?? Infinity;
  const clipW = (w: number): number => Math.min(Math.max(w, rule.wMin), rule.wMax);
  const clipT = (t: number): number => Math.min(Math.max(t, tagMin), tagMax);
  let w = run.w0; // clipped by the first update, not before (snnref-1 P2, Brian2; audit s23d #1)
  let tag = run.tag0 ?? 0;
  let delay = run.delay0 ?? 0;
  const wOut = new Float64Array(T);
  const tagOut = new Float64Array(T);
  const traceOut: Partial<Record<TraceName, Float64Array>> = {};
  for (const tr of rule.traces) traceOut[tr.trace] = new Float64Array(T);
  const z = new Float64Array(RULE_SLOT_COUNT);
  const fromTick = rule.thirdFactor?.fromTick ?? 0;
  const cf = rule.closedForm;
  // The u phase runs only for a rule with u<k> products (or a closed-form onEpoch), as in the engine
  // (chip/sim/learning.ts hasU): a phase with dw = 0 would still clip the weight, and a starting weight
  // outside [wMin, wMax] is kept until an update of the rule touches it.
  let hasU = cf?.onEpoch !== undefined;
  for (const c of compiled) for (let i = 0; i < c.productCount; i++) if (c.depKind[i] !== RuleGate.x0 && c.depKind[i] !== RuleGate.y0) hasU = true;

  const phase = (gate: RuleGate, t: number): void => {
    vec.set(z);
    vec[RuleSlot.w] = w;
    vec[RuleSlot.d] = delay;
    vec[RuleSlot.t] = tag;
    vec[RuleSlot.m] = t >= fromTick ? (run.thirdFactor?.[t] ?? 0) : 0;
    let dw = 0;
    let dt = 0;
    let dd = 0;
    for (const c of compiled) {
      const v = c.evaluateGate(vec, gate, t);
      if (c.target === "dw") dw += v;
      else if (c.target === "dt") dt += v;
      else dd += v;
    }
    if (cf !== undefined) {
      view.w = w; view.d = delay; view.t = tag; view.m = vec[RuleSlot.m];
      view.x1 = vec[RuleSlot.x1]; view.x2 = vec[RuleSlot.x2];
      view.y1 = vec[RuleSlot.y1]; view.y2 = vec[RuleSlot.y2]; view.y3 = vec[RuleSlot.y3];
      if (gate === RuleGate.x0 && cf.onPre !== undefined) dw += cf.onPre(view);
      if (gate === RuleGate.y0 && cf.onPost !== undefined) dw += cf.onPost(view);
      if (gate === RuleGate.u && cf.onEpoch !== undefined) dw += cf.onEpoch(view, t);
    }
    w = clipW(w + dw);
    tag = clipT(tag + dt);
    delay += dd;
  };
  /** Pre (x) or post (y) traces after the phase: spike-driven ones jump on a spike, graded ones add every tick. */
  const jump = (pre: boolean, spiked: boolean, t: number): void => {
    for (const tr of rule.traces) {
      if (tr.trace.startsWith("x") !== pre) continue;
      const k = TRACE_SLOT[tr.trace];
      if (tr.input === "graded") z[k] += tr.impulse * (run.graded?.[t] ?? 0);
      else if (spiked) z[k] = tr.mode === "set" ? tr.impulse : z[k] + tr.impulse;
    }
  };
  for (let t = 0; t < T; t++) {
    for (const tr of rule.traces) z[TRACE_SLOT[tr.trace]] *= tr.decay;
    if (pre[t] === 1) phase(RuleGate.x0, t);
    jump(true, pre[t] === 1, t);
    if (post[t] === 1) phase(RuleGate.y0, t);
    jump(false, post[t] === 1, t);
    if (hasU) phase(RuleGate.u, t);
    if (rule.apply === "tag-at-sample-end" && t === T - 1) {
      w = clipW(w + tag);
      tag = 0;
    }
    wOut[t] = w;
    tagOut[t] = tag;
    for (const tr of rule.traces) (traceOut[tr.trace] as Float64Array)[t] = z[TRACE_SLOT[tr.trace]];
  }
  return { w: wOut, tag: tagOut, finalW: w, finalTag: tag, finalDelay: delay, traces: traceOut };
}
