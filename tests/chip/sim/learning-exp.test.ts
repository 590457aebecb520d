/**
 * An exponential of the weight in a learning rule, exp(a·w + b) (audit s24c finding 4): Diehl & Cook 2015's
 * exponential weight dependence Δw = η(x_pre·e^(−βw) − x_tar·e^(−β(wMax − w))) at post spikes, the named rule
 * `diehl-cook-2015-exp`. Float weights: exact on any chip; quantised weights: the chip's learning lookup table
 * (T[k] = round(f(w_k)·2^F)/2^F, the same table as the power factor) or E_LEARNING_CLOSED_FORM on Loihi.
 * One plastic synapse pre → post; the post neuron fires only from a strong `drive` input (twice, so the
 * second update reads the weight the first left).
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { diehlCook2015Exp, simulateSynapse } from "../../../chip/program/named-rules.ts";
import { evaluateRuleFloat, formatRule, parseRule } from "../../../chip/program/learning-rule.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { errorOf } from "../../helpers/errors.ts";

const ETA = 0.5, X_TAR = 0.4, BETA = 3, TAU = 20, W_MAX = 1;
const PRE_EMIT = 3, DRIVE_EMITS = [4, 6]; // pre arrives at tick 4; the post neuron fires at ticks 5 and 7
const W0 = 85 / 255; // a point of the 8-bit grid of [0, 1]

function model(weightBits?: number): Json {
  return {
    format: "aerchip-model-1", name: "dc-exp", steps: 10,
    populations: [
      { name: "pre", kind: "input", size: 1, spikes: [[PRE_EMIT, 0]] },
      { name: "drive", kind: "input", size: 1, spikes: DRIVE_EMITS.map((t) => [t, 0]) },
      { name: "post", kind: "neuron", size: 1, voltageDecay: 0, vThreshold: 1, reset: "zero" },
    ],
    projections: [
      {
        name: "plastic", pre: "pre", post: "post", dense: { weights: [[W0]], delays: 1 },
        learning: { named: "diehl-cook-2015-exp", eta: ETA, xTar: X_TAR, beta: BETA, preTauTicks: TAU, wMin: 0, wMax: W_MAX, rounding: "nearest", ...(weightBits === undefined ? {} : { weightBits }) },
      },
      { name: "drv", pre: "drive", post: "post", dense: { weights: [[5]], delays: 1 } },
    ],
  } as unknown as Json;
}

function run(spec: ChipSpec, weightBits?: number): { w: number; postTicks: number[] } {
  const m = parseAerchipModel(model(weightBits), "dc-exp.model.json");
  const { program } = compileModel(m.graph, spec, { file: "dc-exp.model.json" });
  const res = simulate(spec, program, m.stimulus, { steps: 10 });
  return { w: res.finalWeights.get("plastic")![0], postTicks: Array.from(res.spikes.get("post")?.tick ?? []) };
}

/** x_pre at the post spikes: 1 at the arrival (tick 4), decayed once (tick 5) and three times (tick 7). */
const X_AT_POST = [Math.exp(-1 / TAU), Math.exp(-3 / TAU)];

/** The paper's update written out, with the factor values f1(w) = e^(−βw), f2(w) = e^(−β(wMax − w)) supplied. */
function byHand(f1: (w: number) => number, f2: (w: number) => number, grid?: number): number {
  let w = W0;
  for (const x of X_AT_POST) {
    w = Math.min(W_MAX, Math.max(0, w + ETA * (x * f1(w) - X_TAR * f2(w))));
    if (grid !== undefined) w = Math.round(w / grid) * grid;
  }
  return w;
}

describe("exponential factor exp(a·w + b): Diehl & Cook's exponential weight dependence", () => {
  it("parses, formats and round-trips exp(-3*w) and exp(3*w - 3); refuses exponentials of anything but w", () => {
    const r = parseRule("dw = 0.5*x1*exp(-3*w)*y0 - 0.2*exp(3*w - 3)*y0");
    expect(r.products[0].factors[1]).toEqual({ variable: "w", sgn: false, constant: 0, expRate: -3 });
    expect(r.products[1].factors[0]).toEqual({ variable: "w", sgn: false, constant: -3, expRate: 3 });
    expect(formatRule(r)).toBe("dw = 2^-1*x1*exp(-3*w)*y0 - 0.2*exp(3*w - 3)*y0");
    expect(parseRule(formatRule(r))).toEqual(r);
    expect(parseRule(formatRule(parseRule("dw = exp(-w)*x0")))).toEqual(parseRule("dw = exp(-w)*x0"));
    const v = evaluateRuleFloat(r, { y0: true, x1: 0.7, w: 0.25 });
    expect(Math.abs(v - (0.5 * 0.7 * Math.exp(-0.75) - 0.2 * Math.exp(0.75 - 3)))).toBeLessThan(1e-15);
    expect(errorOf(() => parseRule("dw = exp(x1)*y0")).code).toBe("E_RULE_EXP");
    expect(errorOf(() => parseRule("dw = exp(2)*y0")).code).toBe("E_RULE_EXP");
  });

  it("the named rule: its text is the paper's equation; beta is required and > 0", () => {
    const rule = diehlCook2015Exp({ eta: ETA, xTar: X_TAR, beta: BETA, preTauTicks: TAU });
    expect(rule.ruleTexts).toEqual(["dw = 2^-1*x1*exp(-3*w)*y0 - 0.2*exp(3*w - 3)*y0"]);
    expect(errorOf(() => diehlCook2015Exp({ beta: 0 })).code).toBe("E_RULE_PARAM");
    expect(errorOf(() => diehlCook2015Exp({} as never)).field).toBe("beta");
  });

  it("float weights (ideal mode): two post spikes, engine = hand computation to 1e-12 on generic and loihi", () => {
    const exact = byHand((w) => Math.exp(-BETA * w), (w) => Math.exp(-BETA * (W_MAX - w)));
    // Independent numbers (numpy float64, same equation): w1 = 0.4812352, w2 = 0.5406376.
    expect(exact).toBeCloseTo(0.5406376, 6);
    for (const arch of ["generic", "loihi"]) {
      const r = run(loadPreset(arch));
      expect(r.postTicks).toEqual(DRIVE_EMITS.map((t) => t + 1));
      expect(Math.abs(r.w - exact)).toBeLessThan(1e-12);
      const rule = diehlCook2015Exp({ eta: ETA, xTar: X_TAR, beta: BETA, preTauTicks: TAU });
      const ref = simulateSynapse(rule, { ticks: 10, preTicks: [PRE_EMIT + 1], postTicks: r.postTicks, w0: W0 });
      expect(Math.abs(ref.finalW - r.w)).toBeLessThan(1e-12);
    }
  });

  it("quantised weights on a chip with a lookup table: the table's rounding, by hand", () => {
    const base = loadPreset("generic");
    const spec: ChipSpec = { ...base, precision: { ...base.precision, learningLutFractionBits: 2 } };
    const step = 1 / 255;
    const lut = (f: (w: number) => number) => (w: number) => Math.round(f(Math.round(w / step) * step) * 4) / 4;
    const expected = byHand(lut((w) => Math.exp(-BETA * w)), lut((w) => Math.exp(-BETA * (W_MAX - w))), step);
    const r = run(spec, 8);
    expect(Math.abs(r.w - expected)).toBeLessThan(1e-12);
    // The exact exponentials land on another grid point: the table is what the engine read.
    const exactGrid = byHand((w) => Math.exp(-BETA * w), (w) => Math.exp(-BETA * (W_MAX - w)), step);
    expect(Math.round(exactGrid / step)).not.toBe(Math.round(expected / step));
  });

  it("Loihi's sum-of-products engine refuses it with quantised weights (E_LEARNING_CLOSED_FORM, naming the field)", () => {
    const e = errorOf(() => run(loadPreset("loihi"), 8));
    expect(e.code).toBe("E_LEARNING_CLOSED_FORM");
    expect(e.field).toBe("projections.plastic.learning.weightBits");
  });
});
