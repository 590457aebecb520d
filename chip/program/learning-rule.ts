/**
 * The learning-rule language: Loihi-style sums of products, as pure data (no simulation here).
 *
 * A rule updates one synaptic variable Z ∈ {w weight, d delay, t tag} once per learning epoch:
 *   dZ = Σ_i S_i · D_i · Π_j F_ij
 * (Davies et al., IEEE Micro 2018, Eq. 4; Lava `lava/magma/core/learning/product_series.py` @2dddb79;
 * hardware-facts.md §3.1). Each product has
 *   - a scale S = ±mantissa · 2^exponent (every numeric literal of the term multiplied together);
 *   - exactly one dependency D that gates it: `x0` (the pre-synaptic neuron spiked in the epoch),
 *     `y0` (the post-synaptic neuron spiked), or `u<k>` (unconditional, active when epoch mod 2^k = 0,
 *     Brian2Loihi's convention). A gated-off product contributes nothing; a gated-on one multiplies by 1;
 *   - factors F: pre traces x1, x2; post traces y1, y2, y3; synaptic variables w, d, t; sgn(w|d|t);
 *     a third factor `m` (per post neuron and tick: reward or learning signal); Loihi 1's reward
 *     spike/trace r0, r1; each optionally with an additive constant, written `(x1 - 2)` or `sgn(w + 1)`;
 *     and, beyond Loihi, a power of the weight `(C - w)^p` or `(w + C)^p` (p ≥ 0, any real: Diehl & Cook's
 *     (wMax − w)^μ): its base is clamped at 0 (a negative base has no real power), so the factor is
 *     max(0, ±w + C)^p. Loihi's engine has no such factor; the learning engine evaluates it exactly with
 *     float weights and through a lookup table over the weight's 2^weightBits values with quantised ones
 *     (chip/sim/learning.ts), on a chip whose spec has that table (precision.learningLutFractionBits);
 *     likewise an exponential of the weight `exp(a*w + b)` = e^(a·w + b) (Diehl & Cook's exponential weight
 *     dependence e^(−βw), e^(−β(wMax − w))), same float / lookup-table treatment, no clamp.
 *
 * Grammar (whitespace is free; one equation per line or separated by `;`):
 *   equation := target '=' ['+'|'-'] product (('+'|'-') product)*
 *   target   := 'dw' | 'dd' | 'dt'
 *   product  := item ('*' item)*
 *   item     := number ['^' ['+'|'-'] integer]          number^e only with base 2: 2^-4
 *             | 'x0' | 'y0' | 'u' digits                 the dependency
 *             | factor | 'sgn' '(' syn [('+'|'-') number] ')'
 *             | '(' ['+'|'-'] (factor | number) [('+'|'-') (number | factor)] ')'
 *             | '(' ['+'|'-'] w [('+'|'-') number] ')' '^' number            (or number ± w: a power of w)
 *             | 'exp' '(' ['+'|'-'] [number '*'] w [('+'|'-') number] ')'     an exponential of w
 *   number   := digits ['.' digits] [('e'|'E') ['+'|'-'] digits]      (1e-4, 0.75, 3)
 *
 * Canonical form (`formatRule`): scale first, then the factors in the order written, the dependency
 * last: `dw = 2^-4*x1*y0 - 3*2^-6*y1*x0`. A scale is normalised so that parse(format(r)) deep-equals r:
 * the mantissa is ≥ 0, an odd integer whenever the value is a dyadic rational m·2^e with |m| < 2^53
 * and at most 30 fractional binary digits, otherwise the decimal product as written (e.g. 0.01).
 *
 * Differences from Lava kept on purpose: a second spike indicator in a product (`x0*y0`) is an error
 * rather than a 1-bit factor, so every product has exactly one gate; a `(v + C)` constant is the value
 * added to the variable as written (Lava names the w and t forms "w+2C"; the encoding is the
 * quantiser's business, not the language's).
 */
import { AerchipError } from "../../core/diagnostics.ts";

export const RULE_TARGETS = ["dw", "dd", "dt"] as const;
export type RuleTarget = (typeof RULE_TARGETS)[number];

/** Factors a product may multiply, besides constants. */
export const RULE_FACTOR_VARIABLES = ["x1", "x2", "y1", "y2", "y3", "w", "d", "t", "m", "r0", "r1"] as const;
export type RuleFactorVariable = (typeof RULE_FACTOR_VARIABLES)[number];
/** Variables `sgn(·)` accepts (the synaptic variables, as in Lava). */
export const RULE_SGN_VARIABLES = ["w", "d", "t"] as const;

export type RuleDependency =
  | { readonly kind: "x0" }
  | { readonly kind: "y0" }
  /** Active on epochs e with e mod 2^k = 0. */
  | { readonly kind: "u"; readonly k: number };

/** One factor: `variable + constant`, or its sign when `sgn` (Lava: np.sign, so sgn(0) = 0). */
export interface RuleFactor {
  readonly variable: RuleFactorVariable;
  readonly sgn: boolean;
  /** Additive constant; 0 when the factor has none. For a power factor: the constant of the base as written. */
  readonly constant: number;
  /** Power factors only: max(0, (negated ? −v : v) + constant)^power (absent on every other factor). */
  readonly power?: number;
  readonly negated?: true;
  /**
   * Exponential factors only: exp(expRate·w + constant) (Diehl & Cook's exponential weight dependence,
   * e^(−βw) and e^(−β(wMax − w)) = e^(βw − βwMax)); absent on every other factor.
   */
  readonly expRate?: number;
}

/**
 * Whether a rule reads a function of the weight beyond a product: a power (w ± C)^p or an exponential
 * exp(a·w + C). Loihi's sum-of-products engine has neither; both take the same float / lookup-table path.
 */
export function ruleHasPowerFactor(rule: ParsedRule): boolean {
  return rule.products.some((p) => p.factors.some((f) => f.power !== undefined || f.expRate !== undefined));
}

/** S = sign · mantissa · 2^exponent = value. */
export interface RuleScale {
  readonly sign: 1 | -1;
  readonly mantissa: number;
  readonly exponent: number;
  readonly value: number;
}

export interface RuleProduct {
  readonly scale: RuleScale;
  readonly dependency: RuleDependency;
  readonly factors: readonly RuleFactor[];
}

export interface ParsedRule {
  readonly target: RuleTarget;
  readonly products: readonly RuleProduct[];
}

/** Stable error codes of the rule language (tests assert these). */
export const RuleErrorCode = {
  empty: "E_RULE_EMPTY",
  syntax: "E_RULE_SYNTAX",
  target: "E_RULE_TARGET",
  unknownFactor: "E_RULE_UNKNOWN_FACTOR",
  noDependency: "E_RULE_NO_DEPENDENCY",
  multipleDependencies: "E_RULE_MULTIPLE_DEPENDENCIES",
  scale: "E_RULE_SCALE",
  sgn: "E_RULE_SGN",
  exp: "E_RULE_EXP",
  decimate: "E_RULE_DECIMATE",
  duplicateTarget: "E_RULE_DUPLICATE_TARGET",
  missingValue: "E_RULE_MISSING_VALUE",
  quantise: "E_RULE_QUANTISE",
  power: "E_RULE_POWER",
} as const;
export type RuleErrorCode = (typeof RuleErrorCode)[keyof typeof RuleErrorCode];

export interface RuleParseOptions {
  /** Attached to errors: the file the rule came from and the field holding it. */
  readonly file?: string;
  readonly field?: string;
}

// ---------------------------------------------------------------------------------------------
// Scales.

const MAX_FRACTION_BITS = 30;
const MAX_SAFE_MANTISSA = 2 ** 53;

/** Canonical scale for sign·mantissa·2^exponent (see the header for the normal form). */
export function makeScale(sign: 1 | -1, mantissa: number, exponent: number): RuleScale {
  let m = Math.abs(mantissa);
  let e = exponent;
  const s: 1 | -1 = mantissa < 0 ? (sign === 1 ? -1 : 1) : sign;
  if (m === 0 || Number.isNaN(m)) return { sign: 1, mantissa: 0, exponent: 0, value: 0 };
  if (!Number.isInteger(m)) {
    for (let k = 1; k <= MAX_FRACTION_BITS; k++) {
      const scaled = m * 2 ** k;
      if (Number.isInteger(scaled) && scaled < MAX_SAFE_MANTISSA) {
        m = scaled;
        e -= k;
        break;
      }
    }
  }
  if (Number.isInteger(m) && m < MAX_SAFE_MANTISSA) {
    while (m % 2 === 0) {
      m /= 2;
      e += 1;
    }
  }
  return { sign: s, mantissa: m, exponent: e, value: s * m * 2 ** e };
}

// ---------------------------------------------------------------------------------------------
// Tokens.

type TokenKind = "num" | "ident" | "op" | "bad" | "end";
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offset in the full text. */
  readonly start: number;
  readonly end: number;
  readonly value: number;
}

const OPS = new Set(["+", "-", "*", "^", "(", ")", "="]);

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}
function isIdentStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}

// ---------------------------------------------------------------------------------------------
// Error reporting: every message names the term and the column and draws a caret under it.

interface Source {
  readonly text: string;
  readonly options: RuleParseOptions;
}

function lineOf(text: string, offset: number): { line: number; column: number; lineText: string; multiline: boolean } {
  // lastIndexOf clamps a negative start to 0, which would find a newline *at* offset 0.
  const before = offset === 0 ? -1 : text.lastIndexOf("\n", offset - 1);
  const lineStart = before + 1;
  let lineEnd = text.indexOf("\n", offset);
  if (lineEnd < 0) lineEnd = text.length;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (text[i] === "\n") line++;
  return {
    line,
    column: offset - lineStart + 1,
    lineText: text.slice(lineStart, lineEnd).replace(/\r$/, ""),
    multiline: text.includes("\n"),
  };
}

interface TermContext {
  /** 1-based term number in its equation. */
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

function fail(
  src: Source, code: RuleErrorCode, what: string, offset: number, term: TermContext | undefined, hint: string,
): never {
  const pos = lineOf(src.text, Math.min(Math.max(offset, 0), src.text.length));
  const where = pos.multiline ? `line ${pos.line}, column ${pos.column}` : `column ${pos.column}`;
  const termText = term === undefined ? "" : src.text.slice(term.start, term.end).trim();
  const inTerm = term === undefined ? "" : ` in term ${term.index} '${termText}'`;
  const caretLine = `${" ".repeat(pos.column - 1)}^`;
  const message = `${what}${inTerm} (${where}) of learning rule`;
  throw new AerchipError(code, message, {
    ...(src.options.file === undefined ? {} : { file: src.options.file }),
    ...(src.options.field === undefined ? {} : { field: src.options.field }),
    hint,
    // The rule's line and a caret under the column: printed under the message (formatDiagnostic).
    excerpt: [pos.lineText, caretLine],
  });
}

/**
 * Tokens of [start, end). Never throws: an unexpected character becomes a `bad` token, so that the
 * parser can report it together with the term it sits in.
 */
function tokenize(text: string, start: number, end: number): Token[] {
  const out: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\r") { i++; continue; }
    if (isDigit(c) || (c === "." && i + 1 < end && isDigit(text[i + 1]))) {
      const s = i;
      while (i < end && isDigit(text[i])) i++;
      if (i < end && text[i] === ".") { i++; while (i < end && isDigit(text[i])) i++; }
      if (i < end && (text[i] === "e" || text[i] === "E")) {
        let j = i + 1;
        if (j < end && (text[j] === "+" || text[j] === "-")) j++;
        if (j < end && isDigit(text[j])) {
          while (j < end && isDigit(text[j])) j++;
          i = j;
        }
      }
      const t = text.slice(s, i);
      out.push({ kind: "num", text: t, start: s, end: i, value: Number(t) });
      continue;
    }
    if (isIdentStart(c)) {
      const s = i;
      while (i < end && isIdentPart(text[i])) i++;
      out.push({ kind: "ident", text: text.slice(s, i), start: s, end: i, value: 0 });
      continue;
    }
    out.push({ kind: OPS.has(c) ? "op" : "bad", text: c, start: i, end: i + 1, value: 0 });
    i++;
  }
  out.push({ kind: "end", text: "", start: end, end, value: 0 });
  return out;
}

function badChar(src: Source, tok: Token, term: TermContext | undefined): never {
  const shown = tok.text === "·" || tok.text === "×" ? `'${tok.text}' (use '*')` : `'${tok.text}'`;
  fail(src, RuleErrorCode.syntax, `unexpected character ${shown}`, tok.start, term,
    "a rule uses numbers, the factors x0 x1 x2 y0 y1 y2 y3 u<k> w d t m r0 r1 sgn() exp(), and + - * ^ ( )");
}

// ---------------------------------------------------------------------------------------------
// Parser.

const FACTOR_SET: ReadonlySet<string> = new Set(RULE_FACTOR_VARIABLES);
const SGN_SET: ReadonlySet<string> = new Set(RULE_SGN_VARIABLES);
const TARGET_SET: ReadonlySet<string> = new Set(RULE_TARGETS);
const MAX_DECIMATE_K = 30;
const FACTOR_HINT =
  "factors are x1 x2 (pre traces), y1 y2 y3 (post traces), w d t (synaptic variables), m (third factor), r0 r1 (Loihi 1 reward), sgn(w|d|t), exp(a*w + b); dependencies are x0, y0 and u<k>";

function dependencyOf(name: string): RuleDependency | undefined {
  if (name === "x0") return { kind: "x0" };
  if (name === "y0") return { kind: "y0" };
  if (/^u[0-9]+$/.test(name)) {
    const k = Number(name.slice(1));
    if (k <= MAX_DECIMATE_K) return { kind: "u", k };
  }
  return undefined;
}

function unknownName(src: Source, tok: Token, term: TermContext): never {
  if (/^u[0-9]+$/.test(tok.text)) {
    fail(src, RuleErrorCode.syntax, `decimation exponent of '${tok.text}' is above ${MAX_DECIMATE_K}`, tok.start, term,
      `u<k> is active every 2^k epochs; use k in 0..${MAX_DECIMATE_K}`);
  }
  if (TARGET_SET.has(tok.text)) {
    fail(src, RuleErrorCode.syntax, `target '${tok.text}' used as a factor`, tok.start, term,
      "write one equation per line (or separate them with ';'); use w, d or t for the current value");
  }
  fail(src, RuleErrorCode.unknownFactor, `unknown factor '${tok.text}'`, tok.start, term, FACTOR_HINT);
}

class EquationParser {
  private pos = 0;
  private readonly src: Source;
  private readonly toks: Token[];
  constructor(src: Source, toks: Token[]) {
    this.src = src;
    this.toks = toks;
  }

  private peek(): Token {
    return this.toks[this.pos];
  }
  private next(): Token {
    const t = this.toks[this.pos];
    if (t.kind !== "end") this.pos++;
    return t;
  }
  private isOp(t: Token, op: string): boolean {
    return t.kind === "op" && t.text === op;
  }

  parse(): ParsedRule {
    const src = this.src;
    const first = this.next();
    if (first.kind !== "ident") {
      fail(src, RuleErrorCode.target, first.kind === "end" ? "missing target" : `expected a target before '${first.text}'`,
        first.start, undefined, "start the rule with dw =, dd = or dt =");
    }
    if (!TARGET_SET.has(first.text)) {
      fail(src, RuleErrorCode.target, `unknown target '${first.text}'`, first.start, undefined,
        "the target is dw (weight), dd (delay) or dt (tag)");
    }
    const target = first.text as RuleTarget;
    const eq = this.next();
    if (!this.isOp(eq, "=")) {
      fail(src, RuleErrorCode.syntax, `expected '=' after '${target}'`, eq.start, undefined, `write '${target} = <sum of products>'`);
    }
    if (this.peek().kind === "end") {
      fail(src, RuleErrorCode.empty, `rule '${target}' has no terms`, this.peek().start, undefined,
        "write at least one product after '=', e.g. 2^-4*x1*y0");
    }
    const products: RuleProduct[] = [];
    let decimateK: number | undefined;
    let decimateAt = -1;
    let sign: 1 | -1 = 1;
    let termIndex = 0;
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, "+") || this.isOp(t, "-")) {
        this.next();
        if (this.isOp(t, "-")) sign = sign === 1 ? -1 : 1;
      }
      const termStart = this.peek().start;
      termIndex++;
      const termEnd = this.findTermEnd();
      const term: TermContext = { index: termIndex, start: termStart, end: termEnd };
      const { product, uAt } = this.parseProduct(sign, term);
      if (product.dependency.kind === "u") {
        if (decimateK !== undefined && decimateK !== product.dependency.k) {
          fail(src, RuleErrorCode.decimate,
            `u${product.dependency.k} mixes decimation exponents with u${decimateK} (column ${lineOf(src.text, decimateAt).column})`,
            uAt, term, "Loihi (and Lava) allow one u<k> exponent per rule; use the same k in every unconditional product");
        }
        decimateK = product.dependency.k;
        decimateAt = uAt;
      }
      products.push(product);
      const after = this.peek();
      if (after.kind === "end") break;
      if (this.isOp(after, "+") || this.isOp(after, "-")) {
        sign = 1;
        continue;
      }
      fail(src, RuleErrorCode.syntax, `unexpected '${after.text}'`, after.start, term,
        "terms are separated by + or -, factors by *");
    }
    return { target, products };
  }

  /** Offset where the current term ends: the next top-level + or - that is not an exponent sign. */
  private findTermEnd(): number {
    let depth = 0;
    for (let i = this.pos; i < this.toks.length; i++) {
      const t = this.toks[i];
      if (t.kind === "end") return t.start;
      if (t.kind !== "op") continue;
      if (t.text === "(") depth++;
      else if (t.text === ")") depth = Math.max(0, depth - 1);
      else if ((t.text === "+" || t.text === "-") && depth === 0) {
        const prev = this.toks[i - 1];
        if (i > this.pos && !(prev.kind === "op" && (prev.text === "^" || prev.text === "*"))) return t.start;
      }
    }
    return this.toks[this.toks.length - 1].start;
  }

  private parseProduct(sign: 1 | -1, term: TermContext): { product: RuleProduct; uAt: number } {
    const src = this.src;
    let s: 1 | -1 = sign;
    let mantissa = 1;
    let exponent = 0;
    const factors: RuleFactor[] = [];
    let dependency: RuleDependency | undefined;
    let depAt = -1;
    let uAt = -1;
    const setDependency = (d: RuleDependency, tok: Token): void => {
      if (dependency !== undefined) {
        fail(src, RuleErrorCode.multipleDependencies,
          `second dependency '${tok.text}' (the product is already gated by '${depName(dependency)}' at column ${lineOf(src.text, depAt).column})`,
          tok.start, term, "each product is gated by exactly one of x0, y0, u<k>; split it into separate products");
      }
      dependency = d;
      depAt = tok.start;
      if (d.kind === "u") uAt = tok.start;
    };
    for (;;) {
      const tok = this.next();
      if (tok.kind === "bad") badChar(src, tok, term);
      if (tok.kind === "end" || (tok.kind === "op" && tok.text !== "(")) {
        const what = tok.kind === "end" ? "missing factor at the end" : `expected a factor or number before '${tok.text}'`;
        fail(src, RuleErrorCode.syntax, what, tok.start, term,
          tok.text === "-" || tok.text === "+"
            ? "a sign belongs at the start of a term; write -2^-3*y1*x0, or (x1 - 2) for a factor with a constant"
            : "every '*' must be followed by a factor or a number");
      }
      if (tok.kind === "num") {
        if (this.isOp(this.peek(), "^")) {
          this.next();
          if (tok.value !== 2) {
            fail(src, RuleErrorCode.scale, `'${tok.text}^' is not a power of two`, tok.start, term,
              "scales are mantissa·2^exponent: write 2^-4, 3*2^-5, or a decimal such as 1e-3");
          }
          exponent += this.parseExponent(term);
        } else {
          mantissa *= tok.value;
        }
      } else if (tok.kind === "ident") {
        const dep = dependencyOf(tok.text);
        if (dep !== undefined) {
          setDependency(dep, tok);
        } else if (tok.text === "sgn") {
          factors.push(this.parseSgn(tok, term));
        } else if (tok.text === "exp") {
          factors.push(this.parseExp(tok, term));
        } else if (FACTOR_SET.has(tok.text)) {
          factors.push({ variable: tok.text as RuleFactorVariable, sgn: false, constant: 0 });
        } else {
          unknownName(src, tok, term);
        }
      } else {
        // '(' group: a factor with an additive constant, or a signed constant.
        const g = this.parseGroup(tok, term);
        if (this.isOp(this.peek(), "^")) {
          factors.push(this.parsePower(g, tok, term));
        } else if (g.kind === "const") {
          mantissa *= g.value;
        } else if (g.kind === "dep") {
          setDependency(g.dep, g.tok);
        } else {
          if (g.negate) s = s === 1 ? -1 : 1;
          factors.push(g.factor);
        }
      }
      const after = this.peek();
      if (this.isOp(after, "*")) {
        this.next();
        continue;
      }
      if (after.kind === "end" || this.isOp(after, "+") || this.isOp(after, "-")) break;
      if (this.isOp(after, "(") || after.kind === "ident" || after.kind === "num") {
        fail(src, RuleErrorCode.syntax, `expected '*' before '${after.text}'`, after.start, term,
          "separate the factors of a product with '*', e.g. 2^-4*x1*y0");
      }
      if (this.isOp(after, ")")) {
        fail(src, RuleErrorCode.syntax, "unbalanced ')'", after.start, term, "remove the ')' or add the matching '('");
      }
      if (after.kind === "bad") badChar(src, after, term);
      fail(src, RuleErrorCode.syntax, `unexpected '${after.text}'`, after.start, term, "terms are separated by + or -, factors by *");
    }
    if (dependency === undefined) {
      fail(src, RuleErrorCode.noDependency, "product has no dependency", term.start, term,
        "multiply it by x0 (pre spike), y0 (post spike) or u<k> (every 2^k epochs), e.g. u0*t");
    }
    if (!Number.isFinite(mantissa) || !Number.isFinite(2 ** exponent)) {
      fail(src, RuleErrorCode.scale, "scale is not finite", term.start, term, "use smaller constants or exponents");
    }
    return { product: { scale: makeScale(s, mantissa, exponent), dependency, factors }, uAt };
  }

  private parseExponent(term: TermContext): number {
    const src = this.src;
    let t = this.next();
    let paren = false;
    if (this.isOp(t, "(")) {
      paren = true;
      t = this.next();
    }
    let neg = false;
    if (this.isOp(t, "-") || this.isOp(t, "+")) {
      neg = t.text === "-";
      t = this.next();
    }
    if (t.kind !== "num" || !Number.isInteger(t.value) || /[.eE]/.test(t.text)) {
      fail(src, RuleErrorCode.scale, t.kind === "num" ? `exponent '${t.text}' is not an integer` : "missing exponent after '^'",
        t.start, term, "write an integer power of two, e.g. 2^-4");
    }
    if (t.value > 1023) {
      fail(src, RuleErrorCode.scale, `exponent '${t.text}' is too large`, t.start, term, "use an exponent within ±1023");
    }
    if (paren) {
      const close = this.next();
      if (!this.isOp(close, ")")) fail(src, RuleErrorCode.syntax, "expected ')' after the exponent", close.start, term, "write 2^(-4) or 2^-4");
    }
    return neg ? -t.value : t.value;
  }

  /** `sgn(v)` or `sgn(v ± C)` with v ∈ {w, d, t}. */
  private parseSgn(sgnTok: Token, term: TermContext): RuleFactor {
    const src = this.src;
    const open = this.next();
    if (!this.isOp(open, "(")) fail(src, RuleErrorCode.syntax, "expected '(' after sgn", open.start, term, "write sgn(w), sgn(d) or sgn(t)");
    const v = this.next();
    if (v.kind !== "ident") fail(src, RuleErrorCode.sgn, "sgn() needs a synaptic variable", v.start, term, "write sgn(w), sgn(d) or sgn(t)");
    if (!SGN_SET.has(v.text)) {
      if (FACTOR_SET.has(v.text) || dependencyOf(v.text) !== undefined) {
        fail(src, RuleErrorCode.sgn, `sgn() of '${v.text}' (only w, d, t)`, v.start, term,
          "Loihi's sgn factor applies to the synaptic variables w, d and t only");
      }
      unknownName(src, v, term);
    }
    let constant = 0;
    let t = this.next();
    if (this.isOp(t, "+") || this.isOp(t, "-")) {
      const neg = t.text === "-";
      const c = this.next();
      if (c.kind !== "num" || this.isOp(this.peek(), "^")) {
        fail(src, RuleErrorCode.syntax, "expected a number after the sign in sgn()", c.start, term, "write sgn(w + 2)");
      }
      constant = neg ? -c.value : c.value;
      t = this.next();
    }
    if (!this.isOp(t, ")")) fail(src, RuleErrorCode.syntax, "expected ')' to close sgn(", t.start, term, `close the sgn( opened at column ${lineOf(src.text, sgnTok.start).column}`);
    return { variable: v.text as RuleFactorVariable, sgn: true, constant };
  }

  /**
   * `exp([±][a*]w [± b])`: the factor exp(±a·w ± b), a and b numbers (Diehl & Cook's exponential weight
   * dependence). Only the weight may appear in the exponent.
   */
  private parseExp(expTok: Token, term: TermContext): RuleFactor {
    const src = this.src;
    const hint = "write exp(-3*w), exp(3*w - 3) or exp(-w)";
    const open = this.next();
    if (!this.isOp(open, "(")) fail(src, RuleErrorCode.syntax, "expected '(' after exp", open.start, term, hint);
    let t = this.next();
    let rate = 1;
    if (this.isOp(t, "+") || this.isOp(t, "-")) {
      if (t.text === "-") rate = -1;
      t = this.next();
    }
    if (t.kind === "num") {
      const star = this.next();
      if (!this.isOp(star, "*")) fail(src, RuleErrorCode.exp, "exp() needs the weight: a·w", star.start, term, hint);
      rate *= t.value;
      t = this.next();
    }
    if (t.kind !== "ident" || t.text !== "w") {
      fail(src, RuleErrorCode.exp, "exp() applies to the weight only", t.start, term, hint);
    }
    let constant = 0;
    t = this.next();
    if (this.isOp(t, "+") || this.isOp(t, "-")) {
      const neg = t.text === "-";
      const c = this.next();
      if (c.kind !== "num" || this.isOp(this.peek(), "^")) fail(src, RuleErrorCode.syntax, "expected a number after the sign in exp()", c.start, term, hint);
      constant = neg ? -c.value : c.value;
      t = this.next();
    }
    if (!this.isOp(t, ")")) fail(src, RuleErrorCode.syntax, "expected ')' to close exp(", t.start, term, `close the exp( opened at column ${lineOf(src.text, expTok.start).column}`);
    if (!Number.isFinite(rate)) fail(src, RuleErrorCode.exp, `exp() rate ${rate} is not finite`, expTok.start, term, hint);
    return { variable: "w", sgn: false, constant: constant === 0 ? 0 : constant, expRate: rate === 0 ? 0 : rate };
  }

  /**
   * `( [±] a [± b] )` where one of a, b is a factor variable and the other a number, or both absent
   * but a number: a signed constant. A negated variable flips the product's sign: (−v + C) = −(v − C).
   */
  private parseGroup(
    open: Token, term: TermContext,
  ):
    | { kind: "const"; value: number }
    | { kind: "dep"; dep: RuleDependency; tok: Token }
    | { kind: "factor"; factor: RuleFactor; negate: boolean; baseConstant: number } {
    const src = this.src;
    const operand = (): { tok: Token; neg: boolean } => {
      let t = this.next();
      let neg = false;
      if (this.isOp(t, "+") || this.isOp(t, "-")) {
        neg = t.text === "-";
        t = this.next();
      }
      if (t.kind === "num") {
        if (this.isOp(this.peek(), "^")) {
          fail(src, RuleErrorCode.syntax, "powers of two go outside parentheses", this.peek().start, term,
            "write 2^-3*(x1 - 2), not (2^-3 + x1)");
        }
        return { tok: t, neg };
      }
      if (t.kind === "ident") {
        if (t.text === "sgn") fail(src, RuleErrorCode.syntax, "sgn() cannot be nested in parentheses", t.start, term, "write sgn(w + 2)");
        if (!FACTOR_SET.has(t.text) && dependencyOf(t.text) === undefined) unknownName(src, t, term);
        return { tok: t, neg };
      }
      if (t.kind === "end") fail(src, RuleErrorCode.syntax, "unbalanced '('", open.start, term, "close the parenthesis with ')'");
      if (t.kind === "bad") badChar(src, t, term);
      fail(src, RuleErrorCode.syntax, `unexpected '${t.text}' in parentheses`, t.start, term,
        "parentheses hold a factor with an additive constant, e.g. (x1 - 2) or (w + 1)");
    };
    const a = operand();
    let b: { tok: Token; neg: boolean } | undefined;
    const sep = this.peek();
    if (this.isOp(sep, "+") || this.isOp(sep, "-")) {
      b = operand();
    }
    const close = this.next();
    if (!this.isOp(close, ")")) {
      if (close.kind === "end") fail(src, RuleErrorCode.syntax, "unbalanced '('", open.start, term, "close the parenthesis with ')'");
      fail(src, RuleErrorCode.syntax, `expected ')' but found '${close.text}'`, close.start, term,
        "parentheses hold one factor and one additive constant, e.g. (x1 - 2)");
    }
    if (b === undefined) {
      if (a.tok.kind === "num") return { kind: "const", value: a.neg ? -a.tok.value : a.tok.value };
      const dep = dependencyOf(a.tok.text);
      if (dep !== undefined) {
        if (a.neg) fail(src, RuleErrorCode.syntax, `dependency '${a.tok.text}' cannot be negated`, a.tok.start, term, "put the sign at the start of the term");
        return { kind: "dep", dep, tok: a.tok };
      }
      return { kind: "factor", factor: { variable: a.tok.text as RuleFactorVariable, sgn: false, constant: 0 }, negate: a.neg, baseConstant: 0 };
    }
    const varOp = a.tok.kind === "ident" ? a : b;
    const numOp = a.tok.kind === "ident" ? b : a;
    if (varOp.tok.kind !== "ident" || numOp.tok.kind !== "num") {
      const at = a.tok.kind === "ident" ? b.tok : a.tok;
      fail(src, RuleErrorCode.syntax, "parentheses must hold one factor and one number", at.start, term,
        "a sum of two factors is not a product; write (x1 - 2) or split the term");
    }
    if (dependencyOf(varOp.tok.text) !== undefined) {
      fail(src, RuleErrorCode.syntax, `dependency '${varOp.tok.text}' cannot carry an additive constant`, varOp.tok.start, term,
        "x0, y0 and u<k> only gate a product; use a trace (x1, y1, …) with a constant instead");
    }
    const c = numOp.neg ? -numOp.tok.value : numOp.tok.value;
    // (−v + c) = −(v − c)
    const constant = varOp.neg ? -c : c;
    return {
      kind: "factor",
      factor: { variable: varOp.tok.text as RuleFactorVariable, sgn: false, constant: constant === 0 ? 0 : constant },
      negate: varOp.neg,
      baseConstant: c === 0 ? 0 : c,
    };
  }

  /**
   * `(±w ± C)^p` after its group: a power factor max(0, ±w + C)^p with p a non-negative number (any real).
   * The base keeps its sign as written ((1 − w)^p is not −(w − 1)^p), so no sign moves to the product.
   */
  private parsePower(
    g: ReturnType<EquationParser["parseGroup"]>, open: Token, term: TermContext,
  ): RuleFactor {
    const src = this.src;
    const caret = this.next();
    if (g.kind !== "factor" || g.factor.variable !== "w") {
      fail(src, RuleErrorCode.power, "a power applies to the weight only", open.start, term,
        "write (1 - w)^0.2 or (w + 0.5)^2; powers of traces or constants are not factors (write 2^-4 for a scale)");
    }
    let t = this.next();
    if (this.isOp(t, "(")) {
      const inner = this.next();
      const close = this.next();
      if (!this.isOp(close, ")")) fail(src, RuleErrorCode.syntax, "expected ')' after the power", close.start, term, "write (1 - w)^0.2 or (1 - w)^(0.2)");
      t = inner;
    }
    if (t.kind !== "num" || !Number.isFinite(t.value) || t.value < 0) {
      const what = t.kind === "num" ? `power '${t.text}' is not a finite number ≥ 0` : this.isOp(t, "-") ? "a negative power: powers of the weight are ≥ 0" : "missing power after '^'";
      fail(src, RuleErrorCode.power, what, t.kind === "end" ? caret.start : t.start, term,
        "write a power ≥ 0, e.g. (1 - w)^0.2");
    }
    return { variable: "w", sgn: false, constant: g.baseConstant, power: t.value, ...(g.negate ? { negated: true as const } : {}) };
  }
}

function depName(d: RuleDependency): string {
  return d.kind === "u" ? `u${d.k}` : d.kind;
}

/** Splits a rule set into equations: one per line or per `;`. Returns [start, end) offsets of non-blank ones. */
function splitEquations(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let s = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === ";" || text[i] === "\n") {
      if (text.slice(s, i).trim().length > 0) out.push([s, i]);
      s = i + 1;
    }
  }
  return out;
}

/** Parses one equation, e.g. `dw = 2^-4*x1*y0 - 2^-5*y1*x0`. Throws AerchipError E_RULE_*. */
export function parseRule(text: string, options: RuleParseOptions = {}): ParsedRule {
  const src: Source = { text, options };
  const parts = splitEquations(text);
  if (parts.length === 0) {
    fail(src, RuleErrorCode.empty, "empty learning rule", 0, undefined, "write e.g. dw = 2^-4*x1*y0 - 2^-5*y1*x0");
  }
  if (parts.length > 1) {
    fail(src, RuleErrorCode.syntax, "more than one equation", parts[1][0], undefined,
      "parseRule takes one equation; use parseRuleSet for dw, dd and dt together");
  }
  return new EquationParser(src, tokenize(text, parts[0][0], parts[0][1])).parse();
}

/** Parses up to one equation per target (dw, dd, dt), separated by newlines or `;`. */
export function parseRuleSet(text: string, options: RuleParseOptions = {}): ParsedRule[] {
  const src: Source = { text, options };
  const parts = splitEquations(text);
  if (parts.length === 0) {
    fail(src, RuleErrorCode.empty, "empty learning rule", 0, undefined, "write e.g. dw = 2^-4*x1*y0 - 2^-5*y1*x0");
  }
  const seen = new Map<RuleTarget, number>();
  const out: ParsedRule[] = [];
  for (const [s, e] of parts) {
    const toks = tokenize(text, s, e);
    const rule = new EquationParser(src, toks).parse();
    const prev = seen.get(rule.target);
    if (prev !== undefined) {
      fail(src, RuleErrorCode.duplicateTarget,
        `second equation for '${rule.target}' (the first is at line ${lineOf(text, prev).line}, column ${lineOf(text, prev).column})`,
        toks[0].start, undefined, "merge the products into one equation per target");
    }
    seen.set(rule.target, toks[0].start);
    out.push(rule);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Formatting.

function formatNumber(v: number): string {
  return String(v);
}

function formatScale(scale: RuleScale): string | undefined {
  if (scale.mantissa === 0) return "0";
  const pow = scale.exponent === 0 ? undefined : `2^${scale.exponent}`;
  if (scale.mantissa === 1) return pow;
  return pow === undefined ? formatNumber(scale.mantissa) : `${formatNumber(scale.mantissa)}*${pow}`;
}

function formatFactor(f: RuleFactor): string {
  if (f.expRate !== undefined) {
    const a = f.expRate;
    const lin = a === 1 ? "w" : a === -1 ? "-w" : `${formatNumber(a)}*w`;
    return f.constant === 0 ? `exp(${lin})` : `exp(${lin} ${f.constant < 0 ? "-" : "+"} ${formatNumber(Math.abs(f.constant))})`;
  }
  if (f.power !== undefined) {
    const v = f.negated === true ? `-${f.variable}` : f.variable;
    const base = f.constant === 0 ? v
      : f.negated === true ? `${formatNumber(f.constant)} - ${f.variable}` : `${v} ${f.constant < 0 ? "-" : "+"} ${formatNumber(Math.abs(f.constant))}`;
    return `(${base})^${formatNumber(f.power)}`;
  }
  const inner = f.constant === 0 ? f.variable : `${f.variable} ${f.constant < 0 ? "-" : "+"} ${formatNumber(Math.abs(f.constant))}`;
  if (f.sgn) return `sgn(${inner})`;
  return f.constant === 0 ? inner : `(${inner})`;
}

/** One product without its sign, e.g. `2^-4*x1*y0`. */
export function formatProduct(p: RuleProduct): string {
  const parts: string[] = [];
  const s = formatScale(p.scale);
  if (s !== undefined) parts.push(s);
  for (const f of p.factors) parts.push(formatFactor(f));
  parts.push(depName(p.dependency));
  return parts.join("*");
}

/** Canonical text: parseRule(formatRule(r)) deep-equals r. */
export function formatRule(rule: ParsedRule): string {
  let out = `${rule.target} =`;
  rule.products.forEach((p, i) => {
    const neg = p.scale.sign < 0;
    if (i === 0) out += neg ? " -" : " ";
    else out += neg ? " - " : " + ";
    out += formatProduct(p);
  });
  return out;
}

export function formatRuleSet(rules: readonly ParsedRule[]): string {
  return rules.map(formatRule).join("\n");
}

// ---------------------------------------------------------------------------------------------
// Float evaluation.

/**
 * Slots of the value vector a compiled rule reads. x0 and y0 are spike indicators (≠ 0 = spiked this
 * epoch); the rest are the factor values as the engine sampled them for this dependency (Loihi: at the
 * pre-spike time for x0 products, at the post-spike time for y0 products, at the epoch end for u<k>).
 */
export const RuleSlot = {
  x0: 0, y0: 1, x1: 2, x2: 3, y1: 4, y2: 5, y3: 6, w: 7, d: 8, t: 9, m: 10, r0: 11, r1: 12,
} as const;
export type RuleSlot = (typeof RuleSlot)[keyof typeof RuleSlot];
export const RULE_SLOT_COUNT = 13;

export type RuleValues = Partial<Record<keyof typeof RuleSlot, number | boolean>> & {
  /** Epoch index for u<k> products (active when epoch mod 2^k = 0); default 0. */
  readonly epoch?: number;
};

/** Which products an engine phase evaluates: x0 at a pre arrival, y0 at a post spike, u at the epoch end. */
export const RuleGate = { x0: 0, y0: 1, u: 2 } as const;
export type RuleGate = (typeof RuleGate)[keyof typeof RuleGate];
const DEP_X0 = RuleGate.x0;
const DEP_Y0 = RuleGate.y0;
const DEP_U = RuleGate.u;

/**
 * A rule flattened into typed arrays for the float engine: evaluate(values, epoch) returns
 *   dZ = Σ_products [dependency active] · S · Π (factor + C)      (sgn factors: sign(v + C))
 * without allocating. A power factor is max(0, coef·w + C)^p (coef = −1 when written −w), or, when the
 * rule is compiled with a weight table (`PowerTable`, quantised weights), the table's entry for w.
 */
export interface CompiledRule {
  readonly target: RuleTarget;
  readonly productCount: number;
  readonly depKind: Uint8Array;
  /** 2^k for u<k> products (1 otherwise). */
  readonly depPeriod: Float64Array;
  readonly scale: Float64Array;
  readonly factorStart: Uint32Array;
  readonly factorSlot: Uint8Array;
  readonly factorConst: Float64Array;
  readonly factorSgn: Uint8Array;
  /**
   * Functions of the weight: 1 where the factor is max(0, factorCoef·v + C)^factorPow, or, where factorIsExp
   * is 1, exp(factorCoef·v + C) (0 elsewhere).
   */
  readonly factorIsPow: Uint8Array;
  readonly factorIsExp: Uint8Array;
  readonly factorCoef: Float64Array;
  readonly factorPow: Float64Array;
  /** With a PowerTable: per factor, the table over the weight grid (empty for every other factor). */
  readonly factorTable: readonly Float64Array[];
  /** The weight grid the tables index: entry k is for w = tableW0 + k·tableStep (tableStep 0: no tables). */
  readonly tableW0: number;
  readonly tableStep: number;
  /** Slots the rule reads besides x0/y0 (for "missing value" checks and trace allocation). */
  readonly usedSlots: readonly RuleSlot[];
  /** Σ over every active product (x0/y0 active when their slot is non-zero). */
  evaluate(values: Float64Array, epoch: number): number;
  /** Σ over the products gated by `gate` only (u<k> products still need epoch mod 2^k = 0); ignores the x0/y0 slots. */
  evaluateGate(values: Float64Array, gate: RuleGate, epoch: number): number;
}

/**
 * A learning engine's lookup table for power factors (a modelling choice, docs/learning.md): with weights on
 * the grid w_k = w0 + k·step, k = 0 … entries − 1, a power factor reads T[k] = round(f(w_k)·2^F)/2^F, f the
 * exact factor max(0, ±w_k + C)^p and F = fractionBits (round half up; entries ≥ 0, their integer part not
 * limited). A weight off the grid reads the entry of the nearest grid point.
 */
export interface PowerTable {
  readonly w0: number;
  readonly step: number;
  readonly entries: number;
  readonly fractionBits: number;
}

/** The exact power factor max(0, coef·v + C)^p (0^0 = 1), or with `exp` = 1 the exponential factor exp(coef·v + C). */
export function powerFactorValue(v: number, coef: number, constant: number, power: number, exp = 0): number {
  const b = coef * v + constant;
  if (exp === 1) return Math.exp(b);
  return Math.pow(b > 0 ? b : 0, power);
}

export function compileRule(rule: ParsedRule, table?: PowerTable): CompiledRule {
  const P = rule.products.length;
  const depKind = new Uint8Array(P);
  const depPeriod = new Float64Array(P).fill(1);
  const scale = new Float64Array(P);
  const factorStart = new Uint32Array(P + 1);
  let nf = 0;
  for (const p of rule.products) nf += p.factors.length;
  const factorSlot = new Uint8Array(nf);
  const factorConst = new Float64Array(nf);
  const factorSgn = new Uint8Array(nf);
  const factorIsPow = new Uint8Array(nf);
  const factorIsExp = new Uint8Array(nf);
  const factorCoef = new Float64Array(nf).fill(1);
  const factorPow = new Float64Array(nf).fill(1);
  const factorTable: Float64Array[] = [];
  const tableW0 = table?.w0 ?? 0;
  const tableStep = table?.step ?? 0;
  const used = new Set<RuleSlot>();
  let f = 0;
  rule.products.forEach((p, i) => {
    const d = p.dependency;
    depKind[i] = d.kind === "x0" ? DEP_X0 : d.kind === "y0" ? DEP_Y0 : DEP_U;
    if (d.kind === "u") depPeriod[i] = 2 ** d.k;
    scale[i] = p.scale.value;
    factorStart[i] = f;
    for (const fac of p.factors) {
      factorSlot[f] = RuleSlot[fac.variable];
      factorConst[f] = fac.constant;
      factorSgn[f] = fac.sgn ? 1 : 0;
      let tab = new Float64Array(0);
      if (fac.power !== undefined || fac.expRate !== undefined) {
        factorIsPow[f] = 1;
        factorIsExp[f] = fac.expRate !== undefined ? 1 : 0;
        factorCoef[f] = fac.expRate ?? (fac.negated === true ? -1 : 1);
        factorPow[f] = fac.power ?? 1;
        if (table !== undefined) {
          tab = new Float64Array(table.entries);
          const scaleF = 2 ** table.fractionBits;
          for (let k = 0; k < table.entries; k++) tab[k] = Math.round(powerFactorValue(table.w0 + k * table.step, factorCoef[f], fac.constant, factorPow[f], factorIsExp[f]) * scaleF) / scaleF;
        }
      }
      factorTable.push(tab);
      used.add(RuleSlot[fac.variable]);
      f++;
    }
  });
  factorStart[P] = f;
  const usedSlots = [...used].sort((a, b) => a - b);
  const productValue = (values: Float64Array, i: number): number => {
    let prod = scale[i];
    for (let j = factorStart[i]; j < factorStart[i + 1]; j++) {
      if (factorIsPow[j] === 1) {
        const w = values[factorSlot[j]];
        prod *= tableStep > 0 ? factorTable[j][Math.round((w - tableW0) / tableStep)] : powerFactorValue(w, factorCoef[j], factorConst[j], factorPow[j], factorIsExp[j]);
        continue;
      }
      const v = values[factorSlot[j]] + factorConst[j];
      prod *= factorSgn[j] === 1 ? Math.sign(v) : v;
    }
    return prod;
  };
  return {
    target: rule.target, productCount: P, depKind, depPeriod, scale, factorStart, factorSlot, factorConst, factorSgn,
    factorIsPow, factorIsExp, factorCoef, factorPow, factorTable, tableW0, tableStep, usedSlots,
    evaluate(values: Float64Array, epoch: number): number {
      let dz = 0;
      for (let i = 0; i < P; i++) {
        const k = depKind[i];
        if (k === DEP_X0) { if (values[RuleSlot.x0] === 0) continue; }
        else if (k === DEP_Y0) { if (values[RuleSlot.y0] === 0) continue; }
        else if (epoch % depPeriod[i] !== 0) continue;
        dz += productValue(values, i);
      }
      return dz;
    },
    evaluateGate(values: Float64Array, gate: RuleGate, epoch: number): number {
      let dz = 0;
      for (let i = 0; i < P; i++) {
        if (depKind[i] !== gate) continue;
        if (gate === DEP_U && epoch % depPeriod[i] !== 0) continue;
        dz += productValue(values, i);
      }
      return dz;
    },
  };
}

/**
 * Reference float evaluation of one rule on one synapse (tests, and the float engine's slow path).
 * Every factor the active products read must be present in `values`.
 */
export function evaluateRuleFloat(rule: ParsedRule, values: RuleValues): number {
  const vec = new Float64Array(RULE_SLOT_COUNT);
  const epoch = values.epoch ?? 0;
  for (const name of Object.keys(RuleSlot) as Array<keyof typeof RuleSlot>) {
    const v = values[name];
    if (v !== undefined) vec[RuleSlot[name]] = typeof v === "boolean" ? (v ? 1 : 0) : v;
  }
  for (const p of rule.products) {
    const d = p.dependency;
    const active = d.kind === "x0" ? vec[0] !== 0 : d.kind === "y0" ? vec[1] !== 0 : epoch % 2 ** d.k === 0;
    if (!active) continue;
    for (const f of p.factors) {
      if (values[f.variable] === undefined) {
        throw new AerchipError(RuleErrorCode.missingValue,
          `evaluating '${rule.target}': product '${formatProduct(p)}' is active but no value was given for '${f.variable}'`,
          { field: f.variable, hint: `pass ${f.variable} in the values object` });
      }
    }
  }
  return compileRule(rule).evaluate(vec, epoch);
}

// ---------------------------------------------------------------------------------------------
// Fixed-point scales.

/**
 * How the hardware stores a product's scale: a signed two's-complement mantissa of `mantissaBits`
 * and an exponent in [minExponent, maxExponent]; additive constants are integers of `constantBits`.
 */
export interface ScaleFormat {
  readonly mantissaBits: number;
  readonly minExponent: number;
  readonly maxExponent: number;
  readonly constantBits: number;
}

/**
 * Lava's Loihi model (`constants.py` and `product_series.py` @2dddb79): W_S_MANT = 4 (mantissa in
 * [−8, 7]), exponent −7 ≤ e < 9, W_CONST = 8 (constants saturate to [−2^8, 2^8 − 1] in the
 * bit-approximate applier).
 */
export const LAVA_LOIHI_SCALE: ScaleFormat = { mantissaBits: 4, minExponent: -7, maxExponent: 8, constantBits: 8 };
/** Brian2Loihi's exponent range e ∈ [−7, 9] (hardware-facts.md §3.1); mantissa and constants as Lava. */
export const BRIAN2LOIHI_SCALE: ScaleFormat = { mantissaBits: 4, minExponent: -7, maxExponent: 9, constantBits: 8 };

export interface ScaleQuantisation {
  /** 1-based term number. */
  readonly term: number;
  readonly text: string;
  readonly value: number;
  readonly quantisedValue: number;
  /** Hardware encoding: signed mantissa and exponent with quantisedValue = mantissa·2^exponent. */
  readonly mantissa: number;
  readonly exponent: number;
  /** quantisedValue ≠ value. */
  readonly rounded: boolean;
  /** |value| beyond the largest representable magnitude (clamped). */
  readonly saturated: boolean;
  /** A non-zero value that became 0. */
  readonly underflow: boolean;
  /** |quantised − value| / |value| (0 for value 0). */
  readonly relativeError: number;
}

export interface ConstantQuantisation {
  readonly term: number;
  readonly factor: string;
  readonly value: number;
  readonly quantisedValue: number;
  readonly rounded: boolean;
  readonly saturated: boolean;
}

export interface QuantisedRule {
  readonly rule: ParsedRule;
  readonly scales: readonly ScaleQuantisation[];
  readonly constants: readonly ConstantQuantisation[];
  /** Some scale or constant changed. */
  readonly rounded: boolean;
}

function checkFormat(f: ScaleFormat): void {
  const bad = (field: string, why: string): never => {
    throw new AerchipError(RuleErrorCode.quantise, `scale format ${field} ${why}`, {
      field, hint: "use e.g. LAVA_LOIHI_SCALE = {mantissaBits: 4, minExponent: -7, maxExponent: 8, constantBits: 8}",
    });
  };
  if (!Number.isInteger(f.mantissaBits) || f.mantissaBits < 2 || f.mantissaBits > 31) bad("mantissaBits", `is ${f.mantissaBits}; it must be an integer in 2..31`);
  if (!Number.isInteger(f.minExponent) || !Number.isInteger(f.maxExponent) || f.minExponent > f.maxExponent || Math.abs(f.minExponent) > 1000 || Math.abs(f.maxExponent) > 1000) {
    bad("minExponent/maxExponent", `is [${f.minExponent}, ${f.maxExponent}]; it must be an integer range within ±1000`);
  }
  if (!Number.isInteger(f.constantBits) || f.constantBits < 1 || f.constantBits > 31) bad("constantBits", `is ${f.constantBits}; it must be an integer in 1..31`);
}

/** Nearest m·2^e with m ∈ [−2^(b−1), 2^(b−1) − 1], e in range; ties go to the smaller exponent. */
function quantiseScale(v: number, f: ScaleFormat): { m: number; e: number } {
  const mMax = 2 ** (f.mantissaBits - 1) - 1;
  const mMin = -(2 ** (f.mantissaBits - 1));
  if (v === 0) return { m: 0, e: 0 };
  let best = { m: 0, e: 0 };
  let bestErr = Math.abs(v);
  for (let e = f.minExponent; e <= f.maxExponent; e++) {
    const step = 2 ** e;
    let m = Math.sign(v) * Math.round(Math.abs(v) / step);
    m = Math.min(mMax, Math.max(mMin, m));
    const err = Math.abs(v - m * step);
    if (err < bestErr) {
      best = { m, e };
      bestErr = err;
    }
  }
  return best;
}

/**
 * Rounds every scale to the nearest value the hardware can hold (see ScaleFormat) and every additive
 * constant to an integer in [−2^constantBits, 2^constantBits − 1], and says which ones changed.
 */
export function quantiseRule(rule: ParsedRule, format: ScaleFormat = LAVA_LOIHI_SCALE): QuantisedRule {
  checkFormat(format);
  const mMax = 2 ** (format.mantissaBits - 1) - 1;
  const mMin = -(2 ** (format.mantissaBits - 1));
  const maxPos = mMax * 2 ** format.maxExponent;
  const maxNeg = mMin * 2 ** format.maxExponent;
  const cMax = 2 ** format.constantBits - 1;
  const cMin = -(2 ** format.constantBits);
  const scales: ScaleQuantisation[] = [];
  const constants: ConstantQuantisation[] = [];
  const products: RuleProduct[] = rule.products.map((p, i) => {
    const v = p.scale.value;
    const { m, e } = quantiseScale(v, format);
    const q = m * 2 ** e;
    scales.push({
      term: i + 1, text: (p.scale.sign < 0 ? "-" : "") + formatProduct(p), value: v, quantisedValue: q, mantissa: m, exponent: e,
      rounded: q !== v, saturated: v > maxPos || v < maxNeg, underflow: v !== 0 && q === 0,
      relativeError: v === 0 ? 0 : Math.abs(q - v) / Math.abs(v),
    });
    const factors = p.factors.map((f) => {
      if (f.constant === 0) return f;
      const r = Math.round(f.constant);
      const c = Math.min(cMax, Math.max(cMin, r));
      constants.push({
        term: i + 1, factor: formatFactor(f), value: f.constant, quantisedValue: c,
        rounded: c !== f.constant, saturated: r !== c,
      });
      return { ...f, constant: c === 0 ? 0 : c };
    });
    return { scale: makeScale(m < 0 ? -1 : 1, Math.abs(m), e), dependency: p.dependency, factors };
  });
  const rounded = scales.some((s) => s.rounded) || constants.some((c) => c.rounded);
  return { rule: { target: rule.target, products }, scales, constants, rounded };
}
