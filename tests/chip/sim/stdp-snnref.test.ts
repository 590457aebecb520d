import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import { parseJsonText } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";
import { genericWith } from "../../helpers/specs.ts";

describe.skipIf(!HAS_SHARED)(`pair STDP on chip reproduces the snnref reference ${SKIP_MSG}`, () => {
  it("c05_stdp_all2all_dense: spikes and every final weight bit-for-bit, over several cores", () => {
    const file = sharedPath("fixtures/snnref/c05_stdp_all2all_dense.net.json");
    const model = parseSnnref(parseJsonText(readFileSync(file, "utf8"), file), file);
    const expected = JSON.parse(readFileSync(sharedPath("fixtures/snnref/c05_stdp_all2all_dense.expected.json"), "utf8"));
    // The reference resolved tau with the C library's exp; use its numbers (snnref README §1).
    const spec = genericWith({ maxNeurons: 17 });
    const { program, mapping } = compileModel(model.graph, spec, {});
    expect(mapping.populations.find((p) => p.name === "out")!.cores).toBeGreaterThanOrEqual(3);
    const res = simulate(spec, program, model.stimulus, { steps: model.graph.defaultSteps });
    const sp = res.spikes.get("out")!;
    expect(Array.from(sp.tick, (t, k) => [t, sp.neuron[k]])).toEqual(expected.spikes.out);
    const w = res.finalWeights.get("in_out")!;
    const exp = expected.final_weights.in_out as number[];
    expect(w.length).toBe(exp.length);
    let mismatches = 0;
    for (let s = 0; s < exp.length; s++) if (!Object.is(w[s], exp[s])) mismatches++;
    expect(mismatches).toBe(0);
  });

  it("resolves tau to the same decay the reference used", () => {
    const file = sharedPath("fixtures/snnref/c05_stdp_all2all_dense.net.json");
    const model = parseSnnref(parseJsonText(readFileSync(file, "utf8"), file), file);
    const expected = JSON.parse(readFileSync(sharedPath("fixtures/snnref/c05_stdp_all2all_dense.expected.json"), "utf8"));
    const out = model.graph.populations.find((p) => p.name === "out")!;
    expect(out.params!.voltageDecay[0]).toBe(expected.resolved.populations.out.decay);
    const pr = model.graph.projections.find((p) => p.name === "in_out")!;
    expect(pr.plasticity!.decayPre).toBe(expected.resolved.projections.in_out.decay_pre);
  });
});
