/**
 * A power of the weight in a learning rule, (w ± C)^p (audit s19 G9): Diehl & Cook 2015's default rule
 * Δw = η(x_pre − x_tar)(wMax − w)^μ with μ = 0.2 runs on the chip's learning engine — exactly with float
 * weights (the ideal mode, any chip), through the lookup table of a chip that has one with quantised weights
 * (learning-rule.ts PowerTable: T[k] = round(f(w_k)·2^F)/2^F), and Loihi refuses it with quantised weights.
 * One plastic synapse pre → post; the post neuron fires only from a strong `drive` input.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { diehlCook2015, simulateSynapse } from "../../../chip/program/named-rules.ts";
import { formatRule, parseRule } from "../../../chip/program/learning-rule.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { errorOf } from "../../helpers/errors.ts";

const ETA = 0.5, X_TAR = 0.4, MU = 0.2, TAU = 20;
const PRE_EMIT = 3, DRIVE_EMIT = 4; // pre arrives at tick 4, the post neuron fires at tick 5 (one tick later)
const W0 = 85 / 255; // on the 8-bit grid of [0, 1] (index 85), so the quantised run starts where the float one does

function model(weightBits?: number): Json {
  return {
    format: "aerchip-model-1", name: "dc-power", steps: 10,
    populations: [
      { name: "pre", kind: "input", size: 1, spikes: [[PRE_EMIT, 0]] },
      { name: "drive", kind: "input", size: 1, spikes: [[DRIVE_EMIT, 0]] },
      { name: "post", kind: "neuron", size: 1, voltageDecay: 0, vThreshold: 1, reset: "zero" },
    ],
    projections: [
      {
        name: "plastic", pre: "pre", post: "post", dense: { weights: [[W0]], delays: 1 },
        learning: { named: "diehl-cook-2015", eta: ETA, xTar: X_TAR, mu: MU, preTauTicks: TAU, wMin: 0, wMax: 1, rounding: "nearest", ...(weightBits === undefined ? {} : { weightBits }) },
      },
      { name: "drv", pre: "drive", post: "post", dense: { weights: [[5]], delays: 1 } },
    ],
  } as unknown as Json;
}

function run(spec: ChipSpec, weightBits?: number): { w: number; postTicks: number[] } {
  const m = parseAerchipModel(model(weightBits), "dc-power.model.json");
  const { program } = compileModel(m.graph, spec, { file: "dc-power.model.json" });
  const res = simulate(spec, program, m.stimulus, { steps: 10 });
  return { w: res.finalWeights.get("plastic")![0], postTicks: Array.from(res.spikes.get("post")?.tick ?? []) };
}

/** x_pre at the post spike: the trace jumped to 1 at the pre arrival (tick 4) and decayed once (tick 5). */
const X_AT_POST = Math.exp(-1 / TAU);

describe("power factor (wMax − w)^μ: Diehl & Cook's μ = 0.2", () => {
  it("parses, formats and round-trips (1 - w)^0.2; refuses powers of anything but w", () => {
    const r = parseRule("dw = 0.01*(x1 - 0.4)*(1 - w)^0.2*y0");
    expect(r.products[0].factors[1]).toEqual({ variable: "w", sgn: false, constant: 1, power: 0.2, negated: true });
    expect(formatRule(r)).toBe("dw = 0.01*(x1 - 0.4)*(1 - w)^0.2*y0");
    expect(parseRule(formatRule(r))).toEqual(r);
    expect(parseRule(formatRule(parseRule("dw = (w + 0.5)^2*x0")))).toEqual(parseRule("dw = (w + 0.5)^2*x0"));
    expect(errorOf(() => parseRule("dw = (x1 - 1)^0.5*y0")).code).toBe("E_RULE_POWER");
    expect(errorOf(() => parseRule("dw = (1 - w)^-1*y0")).code).toBe("E_RULE_POWER");
    // The message says what is wrong with the power (audit s20a F8), not that it is missing.
    expect(errorOf(() => parseRule("dw = (1 - w)^-0.5*y0")).message).toMatch(/a negative power/);
  });

  it("float weights (ideal mode): the engine's Δw = η(x − x_tar)(wMax − w)^0.2 to 1e-12, as simulateSynapse and the closed form", () => {
    for (const arch of ["generic", "loihi"]) {
      const r = run(loadPreset(arch));
      expect(r.postTicks).toEqual([DRIVE_EMIT + 1]);
      const closed = W0 + ETA * (X_AT_POST - X_TAR) * (1 - W0) ** MU;
      expect(Math.abs(r.w - closed)).toBeLessThan(1e-12);
      expect(r.w).not.toBe(W0);
      const rule = diehlCook2015({ eta: ETA, xTar: X_TAR, mu: MU, preTauTicks: TAU, wMin: 0, wMax: 1 });
      const ref = simulateSynapse(rule, { ticks: 10, preTicks: [PRE_EMIT + 1], postTicks: r.postTicks, w0: W0 });
      expect(Math.abs(ref.finalW - r.w)).toBeLessThan(1e-12);
      const onPost = rule.reference!.onPost!({ w: W0, d: 0, t: 0, x1: X_AT_POST, x2: 0, y1: 0, y2: 0, y3: 0, m: 0 });
      expect(Math.abs(W0 + onPost - r.w)).toBeLessThan(1e-12);
    }
  });

  it("quantised weights on a chip with a lookup table: the table's documented rounding, by hand", () => {
    // 2 fractional bits make the table's rounding visible: f(85/255) = (2/3)^0.2 = 0.9221 → round(3.688)/4 = 1.
    const base = loadPreset("generic");
    const spec: ChipSpec = { ...base, precision: { ...base.precision, learningLutFractionBits: 2 } };
    const entry = Math.round((1 - W0) ** MU * 4) / 4;
    expect(entry).toBe(1);
    // Δw = 0.5·(0.951229 − 0.4)·1 = 0.275615; w = 1/3 + 0.275615 = 0.608948 → nearest of k/255: k = 155.
    const step = 1 / 255;
    const expected = Math.round((W0 + ETA * (X_AT_POST - X_TAR) * entry) / step) * step;
    expect(Math.round(expected / step)).toBe(155);
    const r = run(spec, 8);
    expect(r.w).toBe(expected);
    // The exact power would have given grid point 150: the table is what the engine read.
    expect(Math.round((W0 + ETA * (X_AT_POST - X_TAR) * (1 - W0) ** MU) / step)).toBe(150);
    // The generic preset's own table (16 fractional bits) is within the grid's rounding of the exact value here.
    expect(Math.round(run(loadPreset("generic"), 8).w / step)).toBe(150);
  });

  it("Loihi's sum-of-products engine refuses it with quantised weights (E_LEARNING_CLOSED_FORM, naming the field)", () => {
    const e = errorOf(() => run(loadPreset("loihi"), 8));
    expect(e.code).toBe("E_LEARNING_CLOSED_FORM");
    expect(e.field).toBe("projections.plastic.learning.weightBits");
    expect(e.hint).toMatch(/weightBits/);
  });
});
