/**
 * Fixed-point mode (compiler --precision fixed, chip/program FixedPointProgram): the integer snnref cases
 * on the `loihi` preset, spike agreement with the float run, and overflow counting.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import { parseJsonText, type Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { COUNTER_COUNT, CounterKind } from "../../../chip/sim/counters.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { roundHalfAway } from "../../../compiler/passes/quantise.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";

const loihi = loadPreset("loihi");

function pairs(sp: { tick: Int32Array; neuron: Int32Array }): number[][] {
  return Array.from(sp.tick, (t, k) => [t, sp.neuron[k]]);
}

describe("quantisation rules", () => {
  it("rounds half away from zero", () => {
    expect([2.5, -2.5, 2.4, -2.6, 0.5, -0.5].map(roundHalfAway)).toEqual([3, -3, 2, -3, 1, -1]);
  });
});

describe.skipIf(!HAS_SHARED)(`fixed-point loihi on the integer snnref cases ${SKIP_MSG}`, () => {
  // Cases whose values all fit the bit widths exactly: integer weights and thresholds, dyadic decays
  // (12-bit decay constants) and biases, so every float operation of the reference is exact in fixed point.
  for (const name of ["c01_if_dense_tiny", "c08_bias_chain"]) {
    it(`${name}: fixed-point spikes equal the reference`, () => {
      const file = sharedPath("fixtures/snnref", `${name}.net.json`);
      const model = parseSnnref(parseJsonText(readFileSync(file, "utf8"), file), file);
      const expected = JSON.parse(readFileSync(sharedPath("fixtures/snnref", `${name}.expected.json`), "utf8"));
      const { program, quantisation } = compileModel(model.graph, loihi, { precision: "fixed" });
      expect(program.fixedPoint).toEqual({ decayBits: 12, stateBits: 24, currentBits: 24 });
      for (const l of quantisation!.layers) expect(l.maxAbsWeightError).toBe(0);
      const res = simulate(loihi, program, model.stimulus, { steps: model.graph.defaultSteps });
      for (const [pop, list] of Object.entries(expected.spikes as Record<string, number[][]>)) expect(pairs(res.spikes.get(pop)!), pop).toEqual(list);
      let overflows = 0;
      for (let c = 0; c < res.state.coreCount; c++) overflows += res.counters.perCore[c * COUNTER_COUNT + CounterKind.overflows];
      expect(overflows).toBe(0);
    });
  }

  it("c04 (decays 0.9 and 0.8 do not fit 12 bits): quantisation error is reported and spikes stay close", () => {
    const file = sharedPath("fixtures/snnref/c04_ei_2000_int.net.json");
    const model = parseSnnref(parseJsonText(readFileSync(file, "utf8"), file), file);
    const fixed = compileModel(model.graph, loihi, { precision: "fixed" });
    const E = fixed.quantisation!.layers.find((l) => l.population === "E")!;
    // 0.9 · 4096 = 3686.4 → 3686: error 0.4 / 4096.
    expect(E.maxDecayError).toBeCloseTo(0.4 / 4096, 12);
    const a = simulate(loihi, fixed.program, model.stimulus, { steps: model.graph.defaultSteps });
    const floatProg = compileModel(model.graph, loihi, {}).program;
    const b = simulate(loihi, floatProg, model.stimulus, { steps: model.graph.defaultSteps });
    const na = a.spikes.get("E")!.tick.length;
    const nb = b.spikes.get("E")!.tick.length;
    expect(Math.abs(na - nb) / nb).toBeLessThan(0.2);
  });
});

describe("overflow is saturated and counted, never silent", () => {
  it("a non-spiking integrator driven past 24 bits saturates and counts each clamp", () => {
    const json = {
      format: "aerchip-model-1", name: "overflow", steps: 100,
      populations: [
        { name: "in", kind: "input", size: 1, spikes: [] },
        { name: "acc", kind: "neuron", size: 1, spiking: false, voltageDecay: 1, vThreshold: 1000, bias: 100 },
      ],
      projections: [],
    };
    const model = parseAerchipModel(json as unknown as Json, "overflow.json");
    const { program } = compileModel(model.graph, loihi, { precision: "fixed" });
    const q = program.populations.find((p) => p.name === "acc")!.stateScaleExp!;
    // 1000 · 2^q ≤ 2^21 gives q = 11; bias 100 · 2^11 = 204,800 per tick; v passes 2^23 − 1 after 41 ticks.
    expect(q).toBe(11);
    const res = simulate(loihi, program, model.stimulus, { steps: 100, recordVoltages: ["acc"] });
    let overflows = 0;
    for (let c = 0; c < res.state.coreCount; c++) overflows += res.counters.perCore[c * COUNTER_COUNT + CounterKind.overflows];
    expect(overflows).toBe(100 - 40);
    const trace = res.voltages.get("acc")!;
    expect(trace[39]).toBe(40 * 100);
    expect(trace[99]).toBe((2 ** 23 - 1) / 2 ** 11);
  });
});
