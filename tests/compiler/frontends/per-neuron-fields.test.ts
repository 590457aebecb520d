/**
 * A per-neuron numeric parameter (snnref-1 v_th, decay, tau, bias, v_init, refractory; aerchip-model-1
 * vThreshold, bias, …) is "a scalar or a per-neuron list of length size": given as a string or another
 * non-number, the error says both forms, not "must be a list" (audit s22b #10).
 */
import { describe, expect, it } from "vitest";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { errorOf } from "../../helpers/errors.ts";

function snnref(lif: Record<string, unknown>): Json {
  return {
    format: "snnref-1", name: "m", steps: 5,
    populations: [
      { name: "in", kind: "input", size: 2, spikes: [[0, 0]] },
      { name: "out", kind: "lif", size: 3, ...lif },
    ],
    projections: [{ name: "p", pre: "in", post: "out", dense: { weights: [[1, 1, 1], [1, 1, 1]] } }],
  } as unknown as Json;
}

describe("per-neuron numeric fields given as something else", () => {
  for (const key of ["v_th", "decay", "tau", "bias", "v_init", "refractory"]) {
    for (const bad of ["4", true, { v: 4 }]) {
      it(`snnref ${key} = ${JSON.stringify(bad)}: "a number or a list of 3 numbers"`, () => {
        const e = errorOf(() => parseSnnref(snnref({ [key]: bad }), "m.json"));
        expect(e.code).toBe("E_MODEL_FIELD");
        expect(e.field).toBe(`populations[1].${key}`);
        expect(e.message).toBe(`populations[1].${key} must be a number or a list of 3 numbers (one per neuron), got ${JSON.stringify(bad)}`);
      });
    }
  }

  it("a number and a list still read; a list of the wrong length keeps its own message", () => {
    expect(() => parseSnnref(snnref({ v_th: 4 }), "m.json")).not.toThrow();
    expect(() => parseSnnref(snnref({ v_th: [1, 2, 3] }), "m.json")).not.toThrow();
    expect(errorOf(() => parseSnnref(snnref({ v_th: [1, 2] }), "m.json")).message).toMatch(/has 2 entries, the population has 3 neurons/);
  });

  it("aerchip-model-1 vThreshold as a string: the same message", () => {
    const m = {
      format: "aerchip-model-1", name: "m", steps: 5,
      populations: [{ name: "in", kind: "input", size: 1, spikes: [] }, { name: "n", kind: "neuron", size: 2, voltageDecay: 0, vThreshold: "1" }],
      projections: [],
    } as unknown as Json;
    const e = errorOf(() => parseAerchipModel(m, "m.json"));
    expect(e.message).toMatch(/vThreshold must be a number or a list of 2 numbers \(one per neuron\), got "1"/);
  });
});
