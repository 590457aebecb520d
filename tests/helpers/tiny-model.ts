/** A 4-input, 3-neuron aerchip-model-1 model (the CLI audit's m/ok.json, shortened), written to `dir`. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export function tinyModel(dir: string, steps = 80): string {
  const path = join(dir, "tiny.json");
  writeFileSync(path, JSON.stringify({
    format: "aerchip-model-1", name: "tiny", steps,
    populations: [
      { name: "in", kind: "input", size: 4, spikes: [[0, 0], [0, 1], [3, 2], [3, 3], [8, 0], [8, 1]] },
      { name: "out", kind: "neuron", size: 3, voltageDecay: 0.75, vThreshold: 1, reset: "zero", refractoryTicks: 1 },
    ],
    projections: [{ name: "in_out", pre: "in", post: "out", dense: { weights: [[0.6, 0.55, 0.5], [0.5, 0.55, 0.6], [0.3, 0.25, 0.2], [0.2, 0.25, 0.3]], delays: 1 } }],
  }));
  return path;
}
