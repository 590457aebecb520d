/**
 * The S-TLLR SHD network (papers.md §1.3) as an aerchip-model-1 document: 700 inputs → 450 LIF with a
 * 450 × 450 recurrent projection → 20 non-spiking readout, zero weights (learning-cost reads shapes only).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function shdModelJson(): Record<string, unknown> {
  const zeros = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  return {
    format: "aerchip-model-1", name: "shd", steps: 1,
    populations: [
      { name: "in", kind: "input", size: 700, spikes: [] },
      { name: "hidden", kind: "neuron", size: 450, voltageDecay: 0.99, vThreshold: 0.8, reset: "subtract" },
      { name: "out", kind: "neuron", size: 20, spiking: false, voltageDecay: 0.99 },
    ],
    projections: [
      { name: "w_in", pre: "in", post: "hidden", dense: { weights: zeros(700, 450) } },
      { name: "w_rec", pre: "hidden", post: "hidden", dense: { weights: zeros(450, 450) } },
      { name: "w_out", pre: "hidden", post: "out", dense: { weights: zeros(450, 20) } },
    ],
  };
}

/** shdModelJson written to a fresh temporary directory; returns the file's path. */
export function writeShdModel(prefix = "aerchip-shd-"): string {
  const file = join(mkdtempSync(join(tmpdir(), prefix)), "shd.model.json");
  writeFileSync(file, JSON.stringify(shdModelJson()));
  return file;
}
