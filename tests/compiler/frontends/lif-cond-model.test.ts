/**
 * aerchip-model-1's `"model": "lif-cond"` populations (compiler/frontends/model-cond.ts): the seven conductance
 * parameters are required, the compartment keys it does not read are refused, vInit/vReset default to
 * eRest, all lif-cond populations share dtMs, learning onto them is read (pair `stdp` and `learning` rules), and a chip spec's
 * neuronModels is checked.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { validateChipSpec } from "../../../chip/spec/validate.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { errorOf } from "../../helpers/errors.ts";

const COND = { name: "E", kind: "neuron", size: 2, model: "lif-cond", eRest: -65, eExc: 0, eInh: -100, tauMs: 100, tauGeMs: 1, tauGiMs: 2, dtMs: 0.5, vThreshold: -52 };

function model(pop: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    format: "aerchip-model-1", name: "c", steps: 5,
    populations: [{ name: "in", kind: "input", size: 1, spikes: [[0, 0]] }, pop, ...(extra.populations as unknown[] ?? [])],
    projections: extra.projections ?? [{ name: "in_E", pre: "in", post: "E", dense: { weights: [[1, -1]], delays: 1 } }],
  };
}
const parse = (m: unknown) => parseAerchipModel(m as Json, "c.json");

describe("lif-cond populations", () => {
  it("read the conductance parameters; v starts and resets at eRest", () => {
    const p = parse(model(COND)).graph.populations[1].params!;
    expect(Array.from(p.condERest!)).toEqual([-65, -65]);
    expect(Array.from(p.condTauGiMs!)).toEqual([2, 2]);
    expect(Array.from(p.condDtMs!)).toEqual([0.5, 0.5]);
    expect(Array.from(p.vInit)).toEqual([-65, -65]);
    expect(Array.from(p.vReset)).toEqual([-65, -65]);
    expect(Array.from(p.dynamics!)).toEqual([2, 2]);
  });

  it("a missing parameter is E_MODEL_FIELD naming it", () => {
    const { tauMs: _, ...noTau } = COND;
    const e = errorOf(() => parse(model(noTau)));
    expect(e.code).toBe("E_MODEL_FIELD");
    expect(e.field).toBe("populations[1].tauMs");
  });

  it("a non-positive time constant or step is refused", () => {
    expect(errorOf(() => parse(model({ ...COND, tauGeMs: 0 }))).field).toBe("populations[1].tauGeMs");
    expect(errorOf(() => parse(model({ ...COND, dtMs: -1 }))).field).toBe("populations[1].dtMs");
  });

  it("a compartment key it does not read (voltageDecay) is an unknown key", () => {
    const e = errorOf(() => parse(model({ ...COND, voltageDecay: 0.9 })));
    expect(e.code).toBe("E_MODEL_FIELD");
    expect(e.message).toContain('unknown key "voltageDecay" in a lif-cond population');
  });

  it("conductance keys on a lif population are unknown keys; an unknown model is refused", () => {
    expect(errorOf(() => parse(model({ name: "E", kind: "neuron", size: 2, eRest: -65 }))).message).toContain('unknown key "eRest"');
    expect(errorOf(() => parse(model({ ...COND, model: "izhikevich" }))).field).toBe("populations[1].model");
  });

  it("two lif-cond populations with different dtMs are refused", () => {
    const e = errorOf(() => parse(model(COND, { populations: [{ ...COND, name: "F", dtMs: 1 }] })));
    expect(e.field).toBe("populations[2].dtMs");
  });

  it("a learning rule onto a lif-cond population is read (its deliveries go to g_e / g_i: tests/chip/sim/lif-cond-plastic-brian2.test.ts)", () => {
    const stdp = parse(model(COND, { projections: [{ name: "in_E", pre: "in", post: "E", dense: { weights: [[1, 1]], delays: 1 }, stdp: { A_plus: 0.1, A_minus: 0.1, tau_pre: 2, tau_post: 2, wmin: 0, wmax: 1 } }] }));
    expect(stdp.graph.projections[0].plasticity?.aPlus).toBe(0.1);
    const rule = parse(model(COND, { projections: [{ name: "in_E", pre: "in", post: "E", dense: { weights: [[1, 1]], delays: 1 }, learning: { named: "diehl-cook-2015-code", nuPre: 0.0001, nuPost: 0.01, preTauTicks: 40, post1TauTicks: 40, post2TauTicks: 80, wMin: 0, wMax: 1 } }] }));
    expect(rule.graph.projections[0].learning).toBeDefined();
  });
});

describe("ChipSpec.neuronModels", () => {
  it("must be a non-empty list of known, distinct names", () => {
    const base = loadPreset("generic") as unknown as Record<string, unknown>;
    for (const bad of [[], ["lif", "lif"], ["hh"], "lif"]) {
      const diags = validateChipSpec({ ...base, neuronModels: bad });
      expect(diags.some((d) => d.field === "neuronModels"), JSON.stringify(bad)).toBe(true);
    }
    expect(validateChipSpec({ ...base, neuronModels: ["lif"] }).filter((d) => d.severity === "error")).toEqual([]);
  });
});
