/**
 * The `learning` object of an aerchip-model-1 projection (docs/model-format.md, "Learning rules"): a
 * general on-chip learning rule written in the model file, read into the ChipProgram's form
 * (LearningRuleProgram, chip/program/types.ts) field for field, with the same names and units.
 *
 * Two spellings:
 *  - rule text: `rule` (one or more equations of the learning-rule language, chip/program/learning-rule.ts)
 *    plus `traces` keyed by trace name, bounds, epoch, precision;
 *  - named rule: `named` ("pair-stdp", …) plus that builder's parameters (chip/program/named-rules.ts),
 *    turned into the program form by learningProgramFromNamedRule.
 * Everything the engine would refuse at run time (dd, r0/r1/d, an undeclared trace, a graded pre trace)
 * is refused here, with the file and the JSON path, so a model never fails half-way through a run.
 */
import { AerchipError, isAerchipError } from "../../core/diagnostics.ts";
import type { LearningRuleProgram, LearningTraceProgram } from "../../chip/program/types.ts";
import { formatRule, parseRuleSet, type ParsedRule } from "../../chip/program/learning-rule.ts";
import {
  STLLR_PSI, diehlCook2015, diehlCook2015Code, diehlCook2015Exp, pairStdp, rewardStdp, stllr, tripletStdp, type NamedRule, type StllrPsi,
} from "../../chip/program/named-rules.ts";
import { learningProgramFromNamedRule } from "../../chip/program/learning-program.ts";
import { closestKey, type FieldReader, type Json, type JsonObject } from "./json-fields.ts";

/** Same limits as the program codec (chip/program/codec.ts validateLearning). */
const MAX_BITS = 24;
const MAX_EPOCH_TICKS = 2 ** 16;
const TRACE_KEYS = ["x1", "x2", "y1", "y2", "y3"] as const;
type TraceKey = (typeof TRACE_KEYS)[number];

const TEXT_KEYS = [
  "name", "rule", "traces", "wMin", "wMax", "tagMin", "tagMax", "epochTicks", "thirdFactorFromTick", "apply",
  "weightBits", "rounding", "seed",
] as const;
const TRACE_FIELD_KEYS = ["decay", "tauTicks", "impulse", "mode", "input", "bits", "lsb"] as const;
/** Chip-side precision a named rule takes besides its own parameters (LearningPrecision). */
const PRECISION_KEYS = ["weightBits", "rounding", "seed", "epochTicks"] as const;

type ParamKind = "number" | readonly string[];
const PAIRING = ["all-to-all", "nearest"] as const;

/** Parameters of each named-rule builder (named-rules.ts), with their kinds: numbers or one of some strings. */
const NAMED_PARAMS: Readonly<Record<string, Readonly<Record<string, ParamKind>>>> = {
  "pair-stdp": {
    aPlus: "number", aMinus: "number", preDecay: "number", preTauTicks: "number", postDecay: "number", postTauTicks: "number",
    pairing: PAIRING, weightDependence: ["additive", "soft-bound"], wMin: "number", wMax: "number", traceBits: "number",
  },
  "triplet-stdp": {
    aPlus2: "number", aPlus3: "number", aMinus2: "number", plusDecay: "number", plusTauTicks: "number", minusDecay: "number",
    minusTauTicks: "number", yDecay: "number", yTauTicks: "number", pairing: PAIRING, wMin: "number", wMax: "number", traceBits: "number",
  },
  "diehl-cook-2015": {
    eta: "number", xTar: "number", mu: "number", preDecay: "number", preTauTicks: "number", preTraceMode: ["add", "set"],
    wMin: "number", wMax: "number", traceBits: "number",
  },
  "diehl-cook-2015-exp": {
    eta: "number", xTar: "number", beta: "number", preDecay: "number", preTauTicks: "number", preTraceMode: ["add", "set"],
    wMin: "number", wMax: "number", traceBits: "number",
  },
  "diehl-cook-2015-code": {
    nuPre: "number", nuPost: "number", preTauTicks: "number", post1TauTicks: "number", post2TauTicks: "number",
    wMin: "number", wMax: "number", traceBits: "number",
  },
  "reward-stdp": {
    aPlus: "number", aMinus: "number", preDecay: "number", preTauTicks: "number", postDecay: "number", postTauTicks: "number",
    eligibilityDecay: "number", eligibilityTauTicks: "number", eta: "number", wMin: "number", wMax: "number",
    tagMin: "number", tagMax: "number", traceBits: "number",
  },
  "s-tllr": {
    lambdaPre: "number", lambdaPost: "number", alphaPre: "number", alphaPost: "number", learnFromTick: "number",
    learningRate: "number", mode: ["online", "accumulate"], psi: Object.keys(STLLR_PSI), wMin: "number", wMax: "number", traceBits: "number",
  },
};

type Builder = (p: Record<string, number | string>) => NamedRule;
// The parameter objects are checked key by key above; each builder checks its own values.
const BUILDERS: Readonly<Record<string, Builder>> = {
  "pair-stdp": (p) => pairStdp(p as unknown as Parameters<typeof pairStdp>[0]),
  "triplet-stdp": (p) => tripletStdp(p as unknown as Parameters<typeof tripletStdp>[0]),
  "diehl-cook-2015": (p) => diehlCook2015(p as unknown as Parameters<typeof diehlCook2015>[0]),
  "diehl-cook-2015-exp": (p) => diehlCook2015Exp(p as unknown as Parameters<typeof diehlCook2015Exp>[0]),
  "diehl-cook-2015-code": (p) => diehlCook2015Code(p as unknown as Parameters<typeof diehlCook2015Code>[0]),
  "reward-stdp": (p) => rewardStdp(p as unknown as Parameters<typeof rewardStdp>[0]),
  "s-tllr": (p) => stllr(p as unknown as Parameters<typeof stllr>[0]),
};

function checkKeys(r: FieldReader, o: JsonObject, field: string, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const near = closestKey(k, allowed);
    r.fail(`${field}.${k}`, `${field}.${k} is not a field of ${what}${near === undefined ? "" : `; did you mean ${near}?`} Allowed: ${allowed.join(", ")}`, "check the spelling (see docs/model-format.md, Learning rules)");
  }
}

/** An optional bound: absent or null = unbounded (JSON has no infinities). */
function bound(r: FieldReader, v: Json | undefined, field: string, unbounded: number): number {
  return v === undefined || v === null ? unbounded : r.number(v, field);
}

function oneOf<T extends string>(r: FieldReader, v: Json | undefined, field: string, values: readonly T[], fallback: T): T {
  const s = r.string(v, field, fallback);
  if (!(values as readonly string[]).includes(s)) r.fail(field, `${field} must be one of ${values.map((x) => `"${x}"`).join(", ")}, got ${JSON.stringify(s)}`, "choose one of the listed values");
  return s as T;
}

function epochTicks(r: FieldReader, v: Json | undefined, field: string): number {
  const e = r.int(v, field, 1, MAX_EPOCH_TICKS, 1);
  if ((e & (e - 1)) !== 0) r.fail(field, `${field} must be a power of two in [1, ${MAX_EPOCH_TICKS}], got ${e}`, "epochs are 2^k ticks");
  return e;
}

/** Rule text: one string (equations separated by newlines or `;`) or a list with one equation per entry. */
function parseRuleTexts(r: FieldReader, raw: Json | undefined, field: string): { texts: string[]; rules: Array<{ rule: ParsedRule; field: string }> } {
  if (raw === undefined) r.fail(field, `${field} is missing`, "write the rule, e.g. \"dw = 2^-4*x1*y0 - 2^-5*y1*x0\"");
  const items: Array<[string, string]> = typeof raw === "string" ? [[raw, field]] : r.array(raw, field).map((t, i) => [r.string(t, `${field}[${i}]`), `${field}[${i}]`]);
  if (items.length === 0) r.fail(field, `${field} is an empty list`, "give at least one equation");
  const texts: string[] = [];
  const rules: Array<{ rule: ParsedRule; field: string }> = [];
  const seen = new Set<string>();
  for (const [text, f] of items) {
    let parsed: ParsedRule[];
    try {
      parsed = parseRuleSet(text, { file: r.file, field: f });
    } catch (e) {
      // The parser's message names the term and the column; the JSON path goes in front of it.
      if (isAerchipError(e)) throw new AerchipError(e.code, `${f}: ${e.message}`, { file: r.file, field: f, ...(e.hint === undefined ? {} : { hint: e.hint }), ...(e.excerpt === undefined ? {} : { excerpt: e.excerpt }) });
      throw e;
    }
    for (const rule of parsed) {
      if (seen.has(rule.target)) r.fail(f, `${field} has two equations for ${rule.target}`, "merge the products into one equation per target", "E_RULE_DUPLICATE_TARGET");
      seen.add(rule.target);
      rules.push({ rule, field: f });
    }
    // The engine parses each entry as one equation: keep the text as written when it is one, else the canonical form of each.
    if (parsed.length === 1) texts.push(text);
    else for (const rule of parsed) texts.push(formatRule(rule));
  }
  return { texts, rules };
}

function parseTrace(r: FieldReader, raw: Json, field: string, name: TraceKey): LearningTraceProgram {
  const o = r.object(raw, field);
  checkKeys(r, o, field, TRACE_FIELD_KEYS, "a trace");
  if (o.decay !== undefined && o.tauTicks !== undefined) r.fail(field, `${field} gives both decay and tauTicks`, "give one of them (decay = exp(−1/tauTicks))");
  let decay: number;
  if (o.tauTicks !== undefined) {
    const tau = r.number(o.tauTicks, `${field}.tauTicks`);
    if (!(tau > 0)) r.fail(`${field}.tauTicks`, `${field}.tauTicks must be > 0, got ${tau}`, "give the time constant in ticks (decay = exp(−1/tauTicks))");
    decay = Math.exp(-1 / tau);
  } else {
    if (o.decay === undefined) r.fail(field, `${field} needs decay or tauTicks`, "give the per-tick decay in [0, 1] or a time constant in ticks");
    decay = r.number(o.decay, `${field}.decay`);
    if (decay < 0 || decay > 1) r.fail(`${field}.decay`, `${field}.decay must be in [0, 1], got ${decay}`, "decay is the per-tick multiplier exp(−1/τ)");
  }
  const impulse = r.number(o.impulse, `${field}.impulse`, 1);
  const mode = oneOf(r, o.mode, `${field}.mode`, ["add", "set"] as const, "add");
  const input = oneOf(r, o.input, `${field}.input`, ["spike", "graded"] as const, "spike");
  if (input === "graded" && name.startsWith("x")) r.fail(`${field}.input`, `${field}.input is "graded"; only post traces (y1, y2, y3) can be driven by a graded value`, "use \"spike\" for x1 and x2", "E_LEARNING_TRACE");
  const bits = o.bits === undefined ? undefined : r.int(o.bits, `${field}.bits`, 1, MAX_BITS);
  let lsb: number | undefined;
  if (o.lsb !== undefined) {
    if (bits === undefined) r.fail(`${field}.lsb`, `${field}.lsb is given without bits`, "give bits too (a float trace has no LSB)");
    lsb = r.number(o.lsb, `${field}.lsb`);
    if (!(lsb > 0)) r.fail(`${field}.lsb`, `${field}.lsb must be > 0, got ${lsb}`, "give the value of one trace LSB");
  }
  return { trace: name, decay, impulse, mode, input, ...(bits === undefined ? {} : { bits }), ...(lsb === undefined ? {} : { lsb }) };
}

/** What the chip's engine refuses (chip/sim/learning.ts buildRule), checked here with the JSON path. */
function checkRuleAgainstEngine(r: FieldReader, rules: ReadonlyArray<{ rule: ParsedRule; field: string }>, traces: readonly LearningTraceProgram[], tracesField: string): void {
  const declared = new Set(traces.map((t) => t.trace));
  for (const { rule, field } of rules) {
    if (rule.target === "dd") r.fail(field, `${field}: the chip's learning engine does not learn delays (dd)`, "learn dw and dt only", "E_LEARNING_TARGET");
    for (const p of rule.products) for (const f of p.factors) {
      if (f.variable === "r0" || f.variable === "r1" || f.variable === "d") {
        r.fail(field, `${field}: the rule reads ${f.variable}, which the chip's learning engine does not provide`, "use the third factor m for reward; delays are not plastic", "E_LEARNING_FACTOR");
      }
      if ((TRACE_KEYS as readonly string[]).includes(f.variable) && !declared.has(f.variable as TraceKey)) {
        r.fail(`${tracesField}.${f.variable}`, `${field}: the rule reads ${f.variable}, which ${tracesField} does not define`, `add "${f.variable}": {"tauTicks": …} to ${tracesField}`, "E_LEARNING_TRACE");
      }
    }
  }
}

function parseRuleTextLearning(r: FieldReader, o: JsonObject, field: string): LearningRuleProgram {
  checkKeys(r, o, field, TEXT_KEYS, "a learning rule");
  const { texts, rules } = parseRuleTexts(r, o.rule, `${field}.rule`);
  const tracesField = `${field}.traces`;
  const to = o.traces === undefined ? {} : r.object(o.traces, tracesField);
  checkKeys(r, to, tracesField, TRACE_KEYS, "the traces (x1, x2 pre; y1, y2, y3 post)");
  // Program order x1, x2, y1, y2, y3, whatever the file's key order.
  const traces = TRACE_KEYS.filter((k) => to[k] !== undefined).map((k) => parseTrace(r, to[k], `${tracesField}.${k}`, k));
  checkRuleAgainstEngine(r, rules, traces, tracesField);
  const wMin = bound(r, o.wMin, `${field}.wMin`, -Infinity);
  const wMax = bound(r, o.wMax, `${field}.wMax`, Infinity);
  if (wMin > wMax) r.fail(`${field}.wMin`, `${field}.wMin ${wMin} is above wMax ${wMax}`, "swap or fix the bounds");
  const tagMin = o.tagMin === undefined || o.tagMin === null ? undefined : r.number(o.tagMin, `${field}.tagMin`);
  const tagMax = o.tagMax === undefined || o.tagMax === null ? undefined : r.number(o.tagMax, `${field}.tagMax`);
  if (tagMin !== undefined && tagMax !== undefined && tagMin > tagMax) r.fail(`${field}.tagMin`, `${field}.tagMin ${tagMin} is above tagMax ${tagMax}`, "fix the tag bounds");
  const weightBits = o.weightBits === undefined ? undefined : r.int(o.weightBits, `${field}.weightBits`, 1, MAX_BITS);
  if (weightBits !== undefined && !(Number.isFinite(wMin) && Number.isFinite(wMax))) {
    r.fail(`${field}.weightBits`, `${field}.weightBits needs finite wMin and wMax (the weight grid spans them)`, "give wMin and wMax");
  }
  const thirdFactorFromTick = o.thirdFactorFromTick === undefined ? undefined : r.int(o.thirdFactorFromTick, `${field}.thirdFactorFromTick`, 0, 2 ** 31 - 1);
  return {
    name: r.string(o.name, `${field}.name`, "custom"),
    ruleTexts: texts,
    traces,
    wMin, wMax,
    ...(tagMin === undefined ? {} : { tagMin }),
    ...(tagMax === undefined ? {} : { tagMax }),
    epochTicks: epochTicks(r, o.epochTicks, `${field}.epochTicks`),
    ...(thirdFactorFromTick === undefined ? {} : { thirdFactorFromTick }),
    apply: oneOf(r, o.apply, `${field}.apply`, ["per-epoch", "tag-at-sample-end"] as const, "per-epoch"),
    ...(weightBits === undefined ? {} : { weightBits }),
    rounding: oneOf(r, o.rounding, `${field}.rounding`, ["nearest", "stochastic"] as const, "stochastic"),
    seed: r.int(o.seed, `${field}.seed`, 0, 2 ** 32 - 1, 1),
  };
}

function parseNamedLearning(r: FieldReader, o: JsonObject, field: string): LearningRuleProgram {
  const name = r.string(o.named, `${field}.named`);
  const spec = NAMED_PARAMS[name];
  if (spec === undefined) r.fail(`${field}.named`, `${field}.named is "${name}"; named rules are ${Object.keys(NAMED_PARAMS).join(", ")}`, "choose a named rule or write the rule text in `rule`");
  checkKeys(r, o, field, ["named", ...Object.keys(spec), ...PRECISION_KEYS], `the named rule "${name}"`);
  const params: Record<string, number | string> = {};
  for (const [k, kind] of Object.entries(spec)) {
    if (o[k] === undefined || o[k] === null) continue;
    params[k] = kind === "number" ? r.number(o[k], `${field}.${k}`) : oneOf(r, o[k], `${field}.${k}`, kind, kind[0]);
  }
  const weightBits = o.weightBits === undefined ? undefined : r.int(o.weightBits, `${field}.weightBits`, 1, MAX_BITS);
  const traceBits = params.traceBits === undefined ? undefined : r.int(o.traceBits, `${field}.traceBits`, 1, MAX_BITS);
  const precision = {
    ...(weightBits === undefined ? {} : { weightBits }),
    ...(traceBits === undefined ? {} : { traceBits }),
    rounding: oneOf(r, o.rounding, `${field}.rounding`, ["nearest", "stochastic"] as const, "stochastic"),
    seed: r.int(o.seed, `${field}.seed`, 0, 2 ** 32 - 1, 1),
    epochTicks: epochTicks(r, o.epochTicks, `${field}.epochTicks`),
  };
  let program: LearningRuleProgram;
  try {
    program = learningProgramFromNamedRule(BUILDERS[name](params), precision);
  } catch (e) {
    // The builders name the parameter ("preTauTicks", "wMin/wMax"); give it the JSON path and the file.
    if (!isAerchipError(e)) throw e;
    const sub = e.field === undefined || e.field === "rule" || e.field.includes(".") ? "named" : e.field.split("/")[0];
    const f = `${field}.${sub}`;
    throw new AerchipError(e.code, `${f}: ${e.message}`, { file: r.file, field: f, ...(e.hint === undefined ? {} : { hint: e.hint }), ...(e.excerpt === undefined ? {} : { excerpt: e.excerpt }) });
  }
  if (program.weightBits !== undefined && !(Number.isFinite(program.wMin) && Number.isFinite(program.wMax))) {
    r.fail(`${field}.weightBits`, `${field}.weightBits needs finite wMin and wMax (the weight grid spans them)`, "give wMin and wMax");
  }
  return program;
}

/**
 * The Ψ(u) a learning object names for its graded traces: an s-tllr rule's `psi`, when the file gives it
 * (checked by parseLearning; the builder's own default is not a choice the model made).
 */
export function learningPsi(raw: Json): StllrPsi | undefined {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const o = raw as JsonObject;
  return o.named === "s-tllr" && typeof o.psi === "string" && o.psi in STLLR_PSI ? (o.psi as StllrPsi) : undefined;
}

/** The `learning` object at `field` (e.g. `projections[2].learning`), as the ChipProgram's rule. */
export function parseLearning(r: FieldReader, raw: Json, field: string): LearningRuleProgram {
  const o = r.object(raw, field);
  if (o.named !== undefined) {
    if (o.rule !== undefined || o.traces !== undefined) r.fail(`${field}.named`, `${field} gives both a named rule and rule text`, "give either `named` with its parameters or `rule` with `traces`");
    return parseNamedLearning(r, o, field);
  }
  return parseRuleTextLearning(r, o, field);
}
