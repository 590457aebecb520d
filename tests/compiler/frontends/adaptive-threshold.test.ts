/**
 * aerchip-model-1's adaptive threshold (`thetaPlus`, `thetaDecay`: audit-papers §3, Diehl & Cook's
 * homeostasis): the neuron fires at v ≥ vThreshold + θ, θ ← θ + thetaPlus on a spike, θ ← thetaDecay·θ
 * per tick. By hand, one neuron with bias 0.5, no leak, threshold 1, reset to 0, thetaPlus 0.5, no decay
 * of θ: v = 0.5, 1.0 → fires at tick 1 (θ = 0.5); then needs 1.5: ticks 2–4 → fires at 4 (θ = 1); then 2.0
 * at tick 8 (θ = 1.5); then 2.5 at tick 13. Without adaptation it fires every second tick (1, 3, 5, …).
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileAndRun } from "../../../cli/pipeline.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { errorOf } from "../../helpers/errors.ts";

const model = (extra: Record<string, unknown>): Json => ({
  format: "aerchip-model-1", name: "theta", steps: 16,
  populations: [{ name: "A", kind: "neuron", size: 1, bias: 0.5, vThreshold: 1, reset: "zero", ...extra }],
}) as Json;

function runOf(extra: Record<string, unknown>) {
  return compileAndRun(loadPreset("generic"), parseAerchipModel(model(extra), "theta.json"), {
    provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple",
  });
}

function spikeTicks(extra: Record<string, unknown>, precision: "float" | "fixed" = "float"): number[] {
  const loaded = parseAerchipModel(model(extra), "theta.json");
  const { sim } = compileAndRun(loadPreset("generic"), loaded, {
    compile: { precision }, provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple",
  });
  return Array.from(sim.spikes.get("A")?.tick ?? []);
}

describe("adaptive threshold in aerchip-model-1", () => {
  it("raises the threshold by thetaPlus per spike: spikes at 1, 4, 8, 13 (by hand), against every second tick without", () => {
    expect(spikeTicks({ thetaPlus: 0.5 })).toEqual([1, 4, 8, 13]);
    expect(spikeTicks({})).toEqual([1, 3, 5, 7, 9, 11, 13, 15]);
    // thetaDecay 0 forgets θ at once: the same as no adaptation.
    expect(spikeTicks({ thetaPlus: 0.5, thetaDecay: 0 })).toEqual([1, 3, 5, 7, 9, 11, 13, 15]);
  });

  it("refuses a negative thetaPlus, a thetaDecay outside [0, 1], and fixed point (float only)", () => {
    expect(errorOf(() => parseAerchipModel(model({ thetaPlus: -1 }), "t.json")).field).toBe("populations[0].thetaPlus");
    expect(errorOf(() => parseAerchipModel(model({ thetaPlus: 1, thetaDecay: 1.5 }), "t.json")).field).toBe("populations[0].thetaDecay");
    expect(errorOf(() => spikeTicks({ thetaPlus: 0.5 }, "fixed")).code).toBe("E_FIXED_THETA_UNSUPPORTED");
  });

  it("counts θ in the neuron-state footprint: + precision.thresholdBits per adapting neuron (chip/spec/memory.ts)", () => {
    const spec = loadPreset("generic");
    const plain = runOf({}).report;
    const adaptive = runOf({ thetaPlus: 0.5 }).report;
    const extraBytes = spec.precision.thresholdBits / 8;
    expect(extraBytes).toBeGreaterThan(0);
    expect(adaptive.metrics!.totals.footprint.neuronStateBytes).toBe(plain.metrics!.totals.footprint.neuronStateBytes + extraBytes);
    const pop = (r: typeof plain) => r.metrics!.perPopulation.find((p) => p.name === "A")!.footprint.neuronStateBytes;
    expect(pop(adaptive)).toBe(pop(plain) + extraBytes);
    const core = (r: typeof plain) => r.metrics!.perCore.reduce((a, c) => a + c.neuronMemoryBits, 0);
    expect(core(adaptive)).toBe(core(plain) + spec.precision.thresholdBits);
    // thetaPlus 0 adapts nothing: no θ is kept.
    expect(runOf({ thetaPlus: 0 }).report.metrics!.totals.footprint.neuronStateBytes).toBe(plain.metrics!.totals.footprint.neuronStateBytes);
  });
});
