/** Per-core limits the partitioner must respect, including distinct neuron configurations (Loihi: 32). */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../compiler/compile.ts";
import { loadPreset } from "../../chip/spec/load.ts";
import { compartmentVMin, neuronConfigKey } from "../../chip/program/neuron-config.ts";
import { checkProgramFitsSpec } from "../../chip/program/fits-spec.ts";
import { errorOf } from "../helpers/errors.ts";

describe("distinct neuron configurations per core", () => {
  it("a population with 100 different thresholds is split so no core holds more than the chip's 32 configurations", () => {
    const size = 100;
    const json = {
      format: "aerchip-model-1", name: "cfg", steps: 5,
      populations: [
        { name: "in", kind: "input", size: 1, spikes: [[0, 0]] },
        { name: "n", kind: "neuron", size, vThreshold: Array.from({ length: size }, (_, i) => 1 + i), bias: Array.from({ length: size }, (_, i) => i % 3) },
      ],
      projections: [{ name: "p", pre: "in", post: "n", sparse: { pre: new Array(size).fill(0), post: Array.from({ length: size }, (_, i) => i), weights: 1, delays: 1 } }],
    };
    const model = parseAerchipModel(json as unknown as Json, "cfg.json");
    const loihi = loadPreset("loihi");
    expect(loihi.core.maxNeuronConfigs).toBe(32);
    const { program, mapping } = compileModel(model.graph, loihi, {});
    for (const cp of program.cores) {
      const keys = new Set<string>();
      for (let i = 0; i < cp.neuronCount; i++) if (cp.neurons.kind[i] === 0) keys.add(`${cp.neurons.vThreshold[i]}`);
      expect(keys.size).toBeLessThanOrEqual(32);
    }
    // 100 thresholds need at least 4 cores (⌈100 / 32⌉), though 100 neurons fit one core by count.
    expect(mapping.populations.find((p) => p.name === "n")!.cores).toBeGreaterThanOrEqual(4);
    // Bias is per neuron, not part of the configuration: uniform thresholds fit one core.
    const uniform = parseAerchipModel({ ...json, populations: [json.populations[0], { ...json.populations[1], vThreshold: 5 }] } as unknown as Json, "u.json");
    expect(compileModel(uniform.graph, loihi, {}).mapping.populations.find((p) => p.name === "n")!.cores).toBe(1);
  });

  it("a membrane lower bound vMin is part of the configuration: 100 bounds split like 100 thresholds; unbounded keys are unchanged", () => {
    const size = 100;
    const json = {
      format: "aerchip-model-1", name: "cfg", steps: 5,
      populations: [
        { name: "in", kind: "input", size: 1, spikes: [[0, 0]] },
        { name: "n", kind: "neuron", size, vThreshold: 5, vMin: Array.from({ length: size }, (_, i) => -1 - i) },
      ],
      projections: [{ name: "p", pre: "in", post: "n", sparse: { pre: new Array(size).fill(0), post: Array.from({ length: size }, (_, i) => i), weights: 1, delays: 1 } }],
    };
    const loihi = loadPreset("loihi");
    const bounded = compileModel(parseAerchipModel(json as unknown as Json, "b.json").graph, loihi, {});
    expect(bounded.mapping.populations.find((p) => p.name === "n")!.cores).toBeGreaterThanOrEqual(4);
    // The same program passes the chip's check (fits-spec counts the same keys).
    expect(() => checkProgramFitsSpec(loihi, bounded.program)).not.toThrow();
    // …and counts bounds: compiled for a chip without the limit, the 100 bounds on one core are refused by Loihi.
    const roomy = { ...loihi, core: { ...loihi.core, maxNeuronConfigs: 1000 } };
    const packed = compileModel(parseAerchipModel(json as unknown as Json, "b.json").graph, roomy, {});
    expect(packed.mapping.populations.find((p) => p.name === "n")!.cores).toBe(1);
    expect(errorOf(() => checkProgramFitsSpec(loihi, packed.program)).code).toBe("E_CORE_NEURON_CONFIGS_EXCEEDED");
    const one = { ...json, populations: [json.populations[0], { ...json.populations[1], vMin: -1 }] };
    expect(compileModel(parseAerchipModel(one as unknown as Json, "o.json").graph, loihi, {}).mapping.populations.find((p) => p.name === "n")!.cores).toBe(1);
    // Keys: an unbounded neuron's key is the one it had before bounds existed; bounds make distinct keys.
    const c = { spiking: true, voltageDecay: 1, currentDecay: 0, vThreshold: 5, vReset: 0, resetMode: 0, thresholdOp: 0, refractoryTicks: 0, dynamics: 0, thetaPlus: 0, thetaDecay: 1 };
    expect(neuronConfigKey(c)).toBe("1|1|0|5|0|0|0|0|0|0|1");
    expect(neuronConfigKey({ ...c, vMin: undefined })).toBe("1|1|0|5|0|0|0|0|0|0|1");
    expect(neuronConfigKey({ ...c, vMin: -1 })).not.toBe(neuronConfigKey({ ...c, vMin: -2 }));
    expect(neuronConfigKey({ ...c, vMin: -1 })).not.toBe(neuronConfigKey(c));
    // Only compartment neurons with reverseResetMode saturate have a bound (SANA-FE's reverse threshold is its own rule).
    expect(compartmentVMin(0, 3, -1)).toBe(-1);
    expect(compartmentVMin(0, 2, -1)).toBeUndefined();
    expect(compartmentVMin(0, undefined, undefined)).toBeUndefined();
    expect(compartmentVMin(1, 3, -1)).toBeUndefined();
  });
});
