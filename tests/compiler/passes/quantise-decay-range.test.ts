/**
 * Fixed-point decays are multipliers D/2^decayBits in [0, 1] (docs/fixed-point.md, "Quantisation"; audit s23d
 * #4): a voltageDecay or currentDecay outside is refused with E_FIXED_DECAY_RANGE naming the population and
 * the field, while float precision runs any finite decay (growing or sign-flipping dynamics included).
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { AerchipError } from "../../../core/diagnostics.ts";

function model(decays: Record<string, number>) {
  return parseAerchipModel({
    format: "aerchip-model-1", name: "decay", steps: 4,
    populations: [
      { name: "in", kind: "input", size: 1, spikes: [[0, 0]] },
      { name: "h", kind: "neuron", size: 1, vThreshold: 100, ...decays },
    ],
    projections: [{ name: "in_h", pre: "in", post: "h", dense: { weights: [[1]], delays: 1 } }],
  } as unknown as Json, "decay.json");
}

function errorOf(f: () => unknown): AerchipError | undefined {
  try { f(); } catch (e) { if (e instanceof AerchipError) return e; throw e; }
  return undefined;
}

describe("E_FIXED_DECAY_RANGE", () => {
  const spec = loadPreset("loihi");
  for (const [field, value] of [["voltageDecay", 1.5], ["voltageDecay", -0.5], ["currentDecay", 2]] as const) {
    it(`${field} ${value}: refused in fixed point, naming the field and the range; float runs it`, () => {
      const m = model({ [field]: value });
      const err = errorOf(() => compileModel(m.graph, spec, { precision: "fixed", file: "decay.json" }));
      expect(err?.code).toBe("E_FIXED_DECAY_RANGE");
      expect(err?.field).toBe(`populations.h.${field}`);
      expect(err?.message).toContain("[0, 1]");
      const { program } = compileModel(m.graph, spec, { precision: "float" });
      const v = simulate(spec, program, m.stimulus, { steps: 4, recordVoltages: ["h"] }).voltages.get("h")!;
      // u ← cd·u + I, v ← vd·v + u: the input 1 arrives at tick 1 (u = v = 1); at tick 2 u = cd, v = vd + cd.
      const vd = field === "voltageDecay" ? value : 1;
      const cd = field === "currentDecay" ? value : 0;
      expect(Array.from(v.subarray(0, 3))).toEqual([0, 1, vd + cd]);
    });
  }

  it("the bounds 0 and 1 themselves are accepted", () => {
    const m = model({ voltageDecay: 1, currentDecay: 0 });
    expect(() => compileModel(m.graph, spec, { precision: "fixed" })).not.toThrow();
    const m0 = model({ voltageDecay: 0, currentDecay: 1 });
    expect(() => compileModel(m0.graph, spec, { precision: "fixed" })).not.toThrow();
  });
});
