/**
 * Each plastic projection's `seed` drives its own rule's stochastic rounding (chip/sim/learning.ts
 * LearningEngine.coreRng: one stream per rule and core). Audit s24b #8: every rule drew from the
 * first rule's seed, so a second projection's `seed` was ignored and the first's changed both.
 * Two identical 12 → 5 projections (p → out, p2 → out2), 4-bit weights, 5-bit traces, stochastic rounding.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";

const T = 60;
// A fixed spike pattern: input i fires at every tick t with (7t + 5i) mod 11 < 3.
const spikes: Array<[number, number]> = [];
for (let t = 0; t < T; t++) for (let i = 0; i < 12; i++) if ((7 * t + 5 * i) % 11 < 3) spikes.push([t, i]);
const weights = Array.from({ length: 12 }, (_, i) => Array.from({ length: 5 }, (_, j) => 0.1 + ((3 * i + 7 * j) % 10) / 20));

function model(seedP: number | undefined, seedP2: number | undefined, rounding = "stochastic"): Json {
  const learning = (seed: number | undefined) => ({
    rule: "dw = 2^-4*x1*y0 - 2^-5*y1*x0",
    traces: { x1: { tauTicks: 8, impulse: 1, mode: "add", bits: 5 }, y1: { tauTicks: 12, impulse: 1, mode: "add", bits: 5 } },
    wMin: 0, wMax: 1, rounding, weightBits: 4, ...(seed === undefined ? {} : { seed }),
  });
  const neuron = (name: string) => ({ name, kind: "neuron", size: 5, voltageDecay: 0.8, vThreshold: 1, reset: "zero", refractoryTicks: 1 });
  return {
    format: "aerchip-model-1", name: "seeds", steps: T,
    populations: [{ name: "in", kind: "input", size: 12, spikes }, neuron("out"), neuron("out2")],
    projections: [
      { name: "p", pre: "in", post: "out", dense: { weights, delays: 1 }, learning: learning(seedP) },
      { name: "p2", pre: "in", post: "out2", dense: { weights, delays: 1 }, learning: learning(seedP2) },
    ],
  } as unknown as Json;
}

function finalWeights(m: Json, coreNeurons?: number): Record<string, string> {
  const spec = loadPreset("loihi");
  const parsed = parseAerchipModel(m, "seeds.json");
  const { program } = compileModel(parsed.graph, coreNeurons === undefined ? spec : { ...spec, core: { ...spec.core, maxNeurons: coreNeurons } }, {});
  const res = simulate(spec, program, parsed.stimulus, { steps: T, timing: createTimingModel("simple") });
  return Object.fromEntries([...res.finalWeights].map(([k, w]) => [k, Array.from(w).join(",")]));
}

describe("per-projection rounding seeds (audit s24b #8)", () => {
  const w11 = finalWeights(model(1, 1));
  it("changing p2's seed changes p2's weights and not p's", () => {
    const w17 = finalWeights(model(1, 7));
    expect(w17.p).toBe(w11.p);
    expect(w17.p2).not.toBe(w11.p2);
  });
  it("changing p's seed changes p's weights and not p2's", () => {
    const w71 = finalWeights(model(7, 1));
    expect(w71.p).not.toBe(w11.p);
    expect(w71.p2).toBe(w11.p2);
  });
  it("a projection's weights do not depend on another plastic projection: p alone (a one-rule model) equals p beside p2", () => {
    const m = model(1, 1) as unknown as { projections: unknown[] };
    const alone = finalWeights({ ...m, projections: m.projections.slice(0, 1) } as unknown as Json);
    expect(alone.p).toBe(w11.p);
  });
  it("rules with equal seeds still round independently (p2 is not p's copy, though both see the same spikes)", () => {
    // Equal synapses and equal spikes: one stream per rule from the same seed would give equal weights.
    expect(w11.p2).not.toBe(w11.p);
  });
  it("the default seed is 1", () => {
    expect(finalWeights(model(undefined, undefined))).toEqual(w11);
  });
});
