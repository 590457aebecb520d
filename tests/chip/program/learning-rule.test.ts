/**
 * The learning-rule language: ASTs for hand-written rules, canonical text and round trips, errors that
 * point at the term (code, term number, column and caret), float evaluation with hand arithmetic, and
 * scale quantisation to Loihi's 4-bit mantissa / 2^e format.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../../core/diagnostics.ts";
import {
  LAVA_LOIHI_SCALE, RULE_SLOT_COUNT, RuleGate, RuleSlot,
  compileRule, evaluateRuleFloat, formatRule, formatRuleSet, makeScale, parseRule, parseRuleSet, quantiseRule,
  type ParsedRule,
} from "../../../chip/program/learning-rule.ts";

function catchRuleError(text: string, set = false): AerchipError {
  try {
    if (set) parseRuleSet(text);
    else parseRule(text);
  } catch (e) {
    if (e instanceof AerchipError) return e;
    throw new Error(`expected an AerchipError, got ${String(e)}`);
  }
  throw new Error(`expected '${text}' to fail`);
}

/** Column of the caret drawn under the echoed line (1-based), and the echoed line (the error's excerpt). */
function caret(e: AerchipError): { column: number; line: string } {
  const [line, caretLine] = e.excerpt ?? ["", ""];
  const column = caretLine.indexOf("^") + 1;
  return { column, line };
}

describe("parseRule: ASTs", () => {
  it("parses the pair STDP rule into two gated products with scales mantissa·2^e", () => {
    const r = parseRule("dw = 2^-4*x1*y0 - 2^-5*y1*x0");
    expect(r).toEqual({
      target: "dw",
      products: [
        { scale: { sign: 1, mantissa: 1, exponent: -4, value: 0.0625 }, dependency: { kind: "y0" }, factors: [{ variable: "x1", sgn: false, constant: 0 }] },
        { scale: { sign: -1, mantissa: 1, exponent: -5, value: -0.03125 }, dependency: { kind: "x0" }, factors: [{ variable: "y1", sgn: false, constant: 0 }] },
      ],
    });
  });

  it("reads u<k> dependencies, additive constants, sgn() and a leading minus", () => {
    const r = parseRule("dt = x1*y0 - t*u2");
    expect(r.products[1].dependency).toEqual({ kind: "u", k: 2 });
    expect(r.products[1].scale.value).toBe(-1);
    const s = parseRule("dw = -2^-3*y1*x0 + 2^-4*x1*y0*(w+2) + 3*sgn(t - 1)*u0");
    expect(s.products[0].scale).toEqual({ sign: -1, mantissa: 1, exponent: -3, value: -0.125 });
    expect(s.products[1].factors).toEqual([
      { variable: "x1", sgn: false, constant: 0 },
      { variable: "w", sgn: false, constant: 2 },
    ]);
    expect(s.products[2].factors).toEqual([{ variable: "t", sgn: true, constant: -1 }]);
    expect(s.products[2].scale.value).toBe(3);
  });

  it("multiplies every literal of a term into one normalised scale (odd mantissa)", () => {
    // 6 * 2^-5 = 3 * 2^-4; 0.75 = 3 * 2^-2; 12 * 0.5 * 2^-3 = 6 * 2^-3 = 3 * 2^-2.
    expect(parseRule("dw = 6*2^-5*x0").products[0].scale).toEqual({ sign: 1, mantissa: 3, exponent: -4, value: 0.1875 });
    expect(parseRule("dw = 0.75*x0").products[0].scale).toEqual({ sign: 1, mantissa: 3, exponent: -2, value: 0.75 });
    expect(parseRule("dw = 12*x1*0.5*y0*2^-3").products[0].scale).toEqual({ sign: 1, mantissa: 3, exponent: -2, value: 0.75 });
    // A non-dyadic decimal stays as written; 1e-4 is a valid literal.
    expect(parseRule("dw = 1e-4*y1*x0").products[0].scale).toEqual({ sign: 1, mantissa: 0.0001, exponent: 0, value: 0.0001 });
    expect(parseRule("dw = 0.1*2^-3*x0").products[0].scale).toEqual({ sign: 1, mantissa: 0.1, exponent: -3, value: 0.0125 });
  });

  it("reads (C - v) as −(v − C) and a negative constant group as a sign", () => {
    // 0.5*(1 - w)*x1*y0 = -0.5*(w - 1)*x1*y0
    const r = parseRule("dw = 0.5*(1 - w)*x1*y0");
    expect(r.products[0].scale.value).toBe(-0.5);
    expect(r.products[0].factors[0]).toEqual({ variable: "w", sgn: false, constant: -1 });
    expect(parseRule("dw = (-3)*x0").products[0].scale.value).toBe(-3);
    expect(parseRule("dw = 2^(-4)*x0").products[0].scale.exponent).toBe(-4);
  });

  it("accepts the third factor m and Loihi 1's r0/r1", () => {
    const r = parseRule("dw = m*t*u0 + r1*x1*y0 - r0*y1*x0");
    expect(r.products.map((p) => p.factors.map((f) => f.variable))).toEqual([["m", "t"], ["r1", "x1"], ["r0", "y1"]]);
  });

  it("parses a rule set separated by newlines and ';'", () => {
    const rs = parseRuleSet("dt = 2^-2*x1*y0 - 2^-2*y1*x0 - 2^-3*t*u0\ndw = m*t*u0; dd = 0*u0");
    expect(rs.map((r) => r.target)).toEqual(["dt", "dw", "dd"]);
    expect(rs[0].products).toHaveLength(3);
  });
});

describe("formatRule: canonical text", () => {
  it("writes scale, factors in order, dependency last", () => {
    expect(formatRule(parseRule("dw = y0 * x1 * 2^-4  -  x0*2^-5*y1"))).toBe("dw = 2^-4*x1*y0 - 2^-5*y1*x0");
    expect(formatRule(parseRule("dw=-3*2^-6*(w+2)*y1*x0+sgn(w)*u1"))).toBe("dw = -3*2^-6*(w + 2)*y1*x0 + sgn(w)*u1");
    expect(formatRule(parseRule("dw = 0.01*(0.4 - x1)*y0"))).toBe("dw = -0.01*(x1 - 0.4)*y0");
  });

  const factorArb = fc.oneof(
    fc.constantFrom("x1", "x2", "y1", "y2", "y3", "w", "d", "t", "m", "r0", "r1"),
    fc.tuple(fc.constantFrom("x1", "y2", "w", "t"), fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 300 }))
      .map(([v, s, c]) => `(${v} ${s} ${c})`),
    fc.tuple(fc.constantFrom("w", "d", "t"), fc.integer({ min: -5, max: 5 }))
      .map(([v, c]) => (c === 0 ? `sgn(${v})` : `sgn(${v} ${c < 0 ? "-" : "+"} ${Math.abs(c)})`)),
  );
  const scaleArb = fc.oneof(
    fc.constant(""),
    fc.integer({ min: -12, max: 12 }).map((e) => `2^${e}*`),
    fc.tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: -9, max: 9 })).map(([m, e]) => `${m}*2^${e}*`),
    fc.double({ min: 1e-6, max: 1e3, noNaN: true }).map((v) => `${v}*`),
  );
  const productArb = fc.tuple(scaleArb, fc.array(factorArb, { maxLength: 3 }), fc.constantFrom("x0", "y0", "u3"))
    .map(([s, fs, d]) => `${s}${[...fs, d].join("*")}`);
  const ruleArb = fc.tuple(fc.constantFrom("dw", "dd", "dt"), fc.array(fc.tuple(fc.constantFrom(" + ", " - "), productArb), { minLength: 1, maxLength: 5 }))
    .map(([t, ps]) => `${t} = ${ps.map(([op, p], i) => (i === 0 ? (op === " - " ? "-" : "") : op) + p).join("")}`);

  it("parse(format(r)) deep-equals r, and format is a fixed point (property)", () => {
    fc.assert(fc.property(ruleArb, (text) => {
      const r = parseRule(text);
      const f = formatRule(r);
      expect(parseRule(f)).toEqual(r);
      expect(formatRule(parseRule(f))).toBe(f);
    }), { numRuns: 300 });
  });

  it("formats a rule set one equation per line", () => {
    const rs = parseRuleSet("dt = x1*y0; dw = m*t*u0");
    expect(formatRuleSet(rs)).toBe("dt = x1*y0\ndw = m*t*u0");
  });
});

describe("parse errors point at the offending term", () => {
  const cases: Array<{ text: string; code: string; term?: number; column: number; contains: string }> = [
    { text: "dw = 2^-4*x1*y0 - y1*x3", code: "E_RULE_UNKNOWN_FACTOR", term: 2, column: 22, contains: "unknown factor 'x3'" },
    { text: "dw = 2^-4*x1 - 2^-5*y1*x0", code: "E_RULE_NO_DEPENDENCY", term: 1, column: 6, contains: "no dependency" },
    { text: "dw = 2^-4*x1*y0 - y1*x0*y0", code: "E_RULE_MULTIPLE_DEPENDENCIES", term: 2, column: 25, contains: "second dependency 'y0'" },
    { text: "dw = x1*y0 + m*t*u0*x0", code: "E_RULE_MULTIPLE_DEPENDENCIES", term: 2, column: 21, contains: "'x0'" },
    { text: "dx = x1*y0", code: "E_RULE_TARGET", column: 1, contains: "unknown target 'dx'" },
    { text: "dw = 3^2*x1*y0", code: "E_RULE_SCALE", term: 1, column: 6, contains: "not a power of two" },
    { text: "dw = x1*y0 + 2^0.5*x0", code: "E_RULE_SCALE", term: 2, column: 16, contains: "not an integer" },
    { text: "dw = x0 + sgn(x1)*y0", code: "E_RULE_SGN", term: 2, column: 15, contains: "sgn() of 'x1'" },
    { text: "dw = u1*w + u2*t", code: "E_RULE_DECIMATE", term: 2, column: 13, contains: "u2" },
    { text: "dw = 2^-4*x1 y0", code: "E_RULE_SYNTAX", term: 1, column: 14, contains: "expected '*'" },
    { text: "dw = x1*y0 - (x1*y0", code: "E_RULE_SYNTAX", term: 2, column: 17, contains: "expected ')'" },
    { text: "dw = x1*y0 - y1×x0", code: "E_RULE_SYNTAX", term: 2, column: 16, contains: "use '*'" },
    { text: "dw = x1*y0 - (x0 + 1)*y1", code: "E_RULE_SYNTAX", term: 2, column: 15, contains: "cannot carry an additive constant" },
    { text: "dw = x1*y0 - (x1 + y1)*x0", code: "E_RULE_SYNTAX", term: 2, column: 20, contains: "one factor and one number" },
    { text: "dw = x1*y0 -", code: "E_RULE_SYNTAX", term: 2, column: 13, contains: "missing factor" },
    { text: "dw = ", code: "E_RULE_EMPTY", column: 6, contains: "no terms" },
    { text: "dw = x1*y0 + x1**y0", code: "E_RULE_SYNTAX", term: 2, column: 17, contains: "before '*'" },
  ];
  for (const c of cases) {
    it(`${c.code}: ${c.text}`, () => {
      const e = catchRuleError(c.text);
      expect(e.code).toBe(c.code);
      expect(e.message).toContain(c.contains);
      expect(e.message).toContain(`(column ${c.column})`);
      if (c.term !== undefined) expect(e.message).toContain(`in term ${c.term} '`);
      const k = caret(e);
      expect(k.line).toBe(c.text);
      expect(k.column).toBe(c.column);
      expect(e.hint).toBeTruthy();
    });
  }

  it("names the term's text without its sign, and the caret sits under the bad factor", () => {
    const e = catchRuleError("dw = 2^-4*x1*y0 - y1*x3");
    expect(e.message).toBe("unknown factor 'x3' in term 2 'y1*x3' (column 22) of learning rule");
    const { column, line } = caret(e);
    expect(line.slice(column - 1, column + 1)).toBe("x3");
  });

  it("reports line and column in a multi-line rule set, and duplicate targets", () => {
    const e = catchRuleError("dt = x1*y0\ndw = m*t*u0 + q*x0", true);
    expect(e.code).toBe("E_RULE_UNKNOWN_FACTOR");
    expect(e.message).toContain("(line 2, column 15)");
    const d = catchRuleError("dw = x1*y0\ndt = u0*t\ndw = y1*x0", true);
    expect(d.code).toBe("E_RULE_DUPLICATE_TARGET");
    expect(d.message).toContain("(line 3, column 1)");
  });

  it("rejects an empty text and two equations in parseRule", () => {
    expect(catchRuleError("   ").code).toBe("E_RULE_EMPTY");
    expect(catchRuleError("dw = x0; dt = y0").code).toBe("E_RULE_SYNTAX");
  });

  it("carries the file and field it was given", () => {
    try {
      parseRule("dw = x9*y0", { file: "model.json", field: "projections[0].learning.dw" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AerchipError);
      expect((e as AerchipError).file).toBe("model.json");
      expect((e as AerchipError).field).toBe("projections[0].learning.dw");
    }
  });

  it("never throws anything but an AerchipError on random text (property)", () => {
    const alphabet = fc.constantFrom(..."dwtxy0123u m^*+-()=. sgn;e\n#".split(""));
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join("")), (text) => {
      try {
        parseRuleSet(text);
      } catch (e) {
        expect(e).toBeInstanceOf(AerchipError);
        expect((e as AerchipError).code).toMatch(/^E_RULE_/);
      }
    }), { numRuns: 500 });
  });
});

describe("evaluateRuleFloat and compileRule", () => {
  const pair = parseRule("dw = 2^-4*x1*y0 - 2^-5*y1*x0");

  it("gates products by x0/y0 and sums the active ones", () => {
    // post spike only: 2^-4 · x1 = 0.0625 · 0.8 = 0.05
    expect(evaluateRuleFloat(pair, { y0: true, x1: 0.8, y1: 3 })).toBeCloseTo(0.05, 15);
    // pre spike only: −2^-5 · y1 = −0.03125 · 3 = −0.09375
    expect(evaluateRuleFloat(pair, { x0: 1, x1: 0.8, y1: 3 })).toBe(-0.09375);
    // both: 0.05 − 0.09375 = −0.04375
    expect(evaluateRuleFloat(pair, { x0: 1, y0: 1, x1: 0.8, y1: 3 })).toBeCloseTo(-0.04375, 15);
    expect(evaluateRuleFloat(pair, { x1: 0.8, y1: 3 })).toBe(0);
  });

  it("applies additive constants, sgn (sgn(0) = 0) and u<k> every 2^k epochs", () => {
    const r = parseRule("dw = 2^-1*(w - 3)*x1*y0 + 2*sgn(w - 5)*u2 - t*u2");
    // y0 term: 0.5 · (1 − 3) · 4 = −4; u2 at epoch 8 (8 mod 4 = 0): 2·sgn(1 − 5) − t = −2 − 0.5 = −2.5
    expect(evaluateRuleFloat(r, { y0: 1, w: 1, x1: 4, t: 0.5, epoch: 8 })).toBe(-6.5);
    // epoch 6: u2 inactive, only the y0 term
    expect(evaluateRuleFloat(r, { y0: 1, w: 1, x1: 4, t: 0.5, epoch: 6 })).toBe(-4);
    // sgn(5 − 5) = 0: only −t
    expect(evaluateRuleFloat(r, { w: 5, t: 0.5, epoch: 0 })).toBe(-0.5);
  });

  it("refuses an active product whose factor value is missing", () => {
    try {
      evaluateRuleFloat(pair, { y0: 1 });
      expect.unreachable();
    } catch (e) {
      expect((e as AerchipError).code).toBe("E_RULE_MISSING_VALUE");
      expect((e as AerchipError).message).toContain("'x1'");
    }
  });

  it("compiled rules evaluate one gate at a time on a slot vector", () => {
    const r = parseRule("dt = 3*x1*y0 - 2*y1*x0 - 2^-2*t*u1");
    const c = compileRule(r);
    const v = new Float64Array(RULE_SLOT_COUNT);
    v[RuleSlot.x1] = 0.5; v[RuleSlot.y1] = 0.25; v[RuleSlot.t] = 8;
    expect(c.evaluateGate(v, RuleGate.y0, 0)).toBe(1.5); // 3 · 0.5
    expect(c.evaluateGate(v, RuleGate.x0, 0)).toBe(-0.5); // −2 · 0.25
    expect(c.evaluateGate(v, RuleGate.u, 2)).toBe(-2); // −0.25 · 8 at epoch 2 (2 mod 2 = 0)
    expect(c.evaluateGate(v, RuleGate.u, 3)).toBe(0); // u1 inactive at odd epochs
    expect(c.usedSlots).toEqual([RuleSlot.x1, RuleSlot.y1, RuleSlot.t]);
  });
});

describe("quantiseRule (Lava: 4-bit mantissa in [−8, 7], exponent in [−7, 8])", () => {
  it("keeps representable scales and reports nothing rounded", () => {
    const q = quantiseRule(parseRule("dw = 2^-4*x1*y0 - 3*2^-6*y1*x0 + 7*2^8*u0"));
    expect(q.rounded).toBe(false);
    expect(q.scales.map((s) => s.quantisedValue)).toEqual([0.0625, -0.046875, 1792]);
    expect(q.rule).toEqual(parseRule("dw = 2^-4*x1*y0 - 3*2^-6*y1*x0 + 7*2^8*u0"));
  });

  it("rounds 0.01 to the nearest m·2^e: 1·2^-7 (the exponent cannot go below −7)", () => {
    // candidates: e = −7: round(0.01·128) = round(1.28) = 1 → 0.0078125 (err 0.0021875);
    // larger e only get coarser. So 1·2^-7.
    const q = quantiseRule(parseRule("dw = 0.01*x1*y0"));
    expect(q.scales[0]).toMatchObject({ mantissa: 1, exponent: -7, quantisedValue: 0.0078125, rounded: true, saturated: false, underflow: false });
    expect(q.scales[0].relativeError).toBeCloseTo(0.21875, 12);
  });

  it("rounds 0.1 to 6·2^-6 = 0.09375 and 0.3 to 5·2^-4 = 0.3125", () => {
    // 0.1: e = −6 → round(6.4) = 6 → 0.09375 (err 0.00625); e = −5 → 3 → 0.09375 too (tie: smaller e kept).
    // 0.3: e = −5 → round(9.6) = 10 > 7 → 7/32 = 0.21875; e = −4 → round(4.8) = 5 → 0.3125 (err 0.0125).
    const q = quantiseRule(parseRule("dw = 0.1*x1*y0 - 0.3*y1*x0"));
    expect(q.scales[0]).toMatchObject({ mantissa: 6, exponent: -6, quantisedValue: 0.09375 });
    expect(q.scales[1]).toMatchObject({ mantissa: -5, exponent: -4, quantisedValue: -0.3125 });
    expect(formatRule(q.rule)).toBe("dw = 3*2^-5*x1*y0 - 5*2^-4*y1*x0");
  });

  it("flags saturation above 7·2^8 and below −8·2^8, and underflow below 2^-8", () => {
    const q = quantiseRule(parseRule("dw = 5000*x0 - 5000*y0 + 0.001*u0"));
    expect(q.scales[0]).toMatchObject({ quantisedValue: 1792, saturated: true });
    expect(q.scales[1]).toMatchObject({ quantisedValue: -2048, saturated: true });
    // 0.001·128 = 0.128 rounds to 0 at the smallest exponent
    expect(q.scales[2]).toMatchObject({ quantisedValue: 0, underflow: true });
  });

  it("rounds and saturates additive constants to integers in [−2^8, 2^8 − 1]", () => {
    const q = quantiseRule(parseRule("dw = (w + 2.6)*y0 + (t - 300)*x0 + (x1 - 4)*u0"));
    expect(q.constants).toEqual([
      { term: 1, factor: "(w + 2.6)", value: 2.6, quantisedValue: 3, rounded: true, saturated: false },
      { term: 2, factor: "(t - 300)", value: -300, quantisedValue: -256, rounded: true, saturated: true },
      { term: 3, factor: "(x1 - 4)", value: -4, quantisedValue: -4, rounded: false, saturated: false },
    ]);
  });

  it("accepts another exponent range (Brian2Loihi's e ≤ 9) and checks the format", () => {
    const q = quantiseRule(parseRule("dw = 3584*x0"), { ...LAVA_LOIHI_SCALE, maxExponent: 9 });
    expect(q.scales[0]).toMatchObject({ mantissa: 7, exponent: 9, rounded: false }); // 7·512
    expect(() => quantiseRule(parseRule("dw = x0"), { ...LAVA_LOIHI_SCALE, mantissaBits: 0 })).toThrow(AerchipError);
  });

  it("makeScale keeps zero canonical", () => {
    expect(makeScale(-1, 0, 5)).toEqual({ sign: 1, mantissa: 0, exponent: 0, value: 0 });
    expect(parseRule("dw = -0*x0").products[0].scale).toEqual({ sign: 1, mantissa: 0, exponent: 0, value: 0 });
  });
});

// Keeps the ParsedRule type import honest (it is part of the public API the tests exercise).
const _typeCheck: ParsedRule = parseRule("dw = x0");
void _typeCheck;
