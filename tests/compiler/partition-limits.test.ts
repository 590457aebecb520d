/** Per-core limits the partitioner must respect, including distinct neuron configurations (Loihi: 32). */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../compiler/compile.ts";
import { loadPreset } from "../../chip/spec/load.ts";

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
});
