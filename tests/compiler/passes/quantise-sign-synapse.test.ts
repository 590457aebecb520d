/**
 * A sign bit per synapse beside the magnitude (`precision.weightSignPerSynapse`, SpiNNaker 2's synapse type):
 * fixed point keeps negative weights (before, spinnaker2's unsigned weights rounded them to 0, dropping
 * inhibition), and the spec refuses a second sign rule beside it.
 */
import { describe, expect, it } from "vitest";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { validateChipSpec } from "../../../chip/spec/validate.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";

const spinnaker2 = loadPreset("spinnaker2");

/** in0 → n +2 every tick, in1 → n −1 on odd ticks (inhibition), in1 → m +3: one source, both signs. */
function model() {
  const spikes: number[][] = [];
  for (let t = 0; t < 20; t++) spikes.push([t, 0]);
  for (let t = 1; t < 20; t += 2) spikes.push([t, 1]);
  const lif = (name: string) => ({ name, kind: "lif", size: 1, decay: 1.0, v_th: 6, reset: "zero", refractory: 0, bias: 0, v_init: 0, threshold_op: ">=" });
  const json = {
    format: "snnref-1", name: "spinnaker_sign", steps: 20,
    populations: [{ name: "in", kind: "input", size: 2, spikes }, lif("n"), lif("m")],
    projections: [
      { name: "in_n", pre: "in", post: "n", dtype: "int", dense: { weights: [[2], [-1]], delays: 1 } },
      { name: "in_m", pre: "in", post: "m", dtype: "int", dense: { weights: [[0], [3]], delays: 1 } },
    ],
  };
  return parseSnnref(json as unknown as Json, "spinnaker_sign.net.json");
}

function run(precision: "fixed" | "float") {
  const m = model();
  const { program, quantisation } = compileModel(m.graph, spinnaker2, { precision });
  const res = simulate(spinnaker2, program, m.stimulus, { steps: 20 });
  return { program, quantisation, n: Array.from(res.spikes.get("n")!.tick), m: Array.from(res.spikes.get("m")!.tick) };
}

describe("weightSignPerSynapse (spinnaker2, --precision fixed)", () => {
  it("the preset holds the sign per synapse", () => {
    expect(spinnaker2.precision.weightSigned).toBe(false);
    expect(spinnaker2.precision.weightSignPerSynapse).toBe(true);
  });

  it("keeps negative weights, also of a source with both signs: fixed spikes equal float", () => {
    const float = run("float");
    expect(float.n).toEqual([4, 8, 12, 16]);
    const fixed = run("fixed");
    expect(fixed.n).toEqual(float.n);
    expect(fixed.m).toEqual(float.m);
    expect(fixed.quantisation!.layers.find((l) => l.population === "n")).toMatchObject({ maxAbsWeightError: 0, clippedWeights: 0 });
    expect(fixed.quantisation!.diagnostics).toEqual([]);
    // The compiled program passes the run-time check (a negative magnitude-with-sign weight is storable).
    expect(() => checkProgramFitsSpec(spinnaker2, fixed.program)).not.toThrow();
  });

  it("the spec refuses a per-synapse sign beside a two's-complement or per-source sign", () => {
    const both = { ...spinnaker2, precision: { ...spinnaker2.precision, weightSigned: true } };
    expect(validateChipSpec(both).map((e) => e.field)).toContain("precision.weightSignPerSynapse");
    const perSource = { ...spinnaker2, precision: { ...spinnaker2.precision, weightSignPerSource: true } };
    expect(validateChipSpec(perSource).map((e) => e.field)).toContain("precision.weightSignPerSynapse");
  });
});
