/**
 * A JSON model's own input spikes at ticks the run does not reach (tick ≥ its steps, or a shorter --steps) are
 * said, as an --input file's are (audit s24a #7): W_MODEL_SPIKES_AFTER_STEPS on stderr and in report.json
 * `warnings`, with the count, the steps and the latest tick; a run whose spikes all fall in its steps has none.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-late-"));
const modelWith = (spikes: number[][]): string => {
  const p = join(dir, `m${spikes.length}.json`);
  writeFileSync(p, JSON.stringify({
    format: "aerchip-model-1", name: "tiny", steps: 20,
    populations: [
      { name: "in", kind: "input", size: 3, spikes },
      { name: "h", kind: "neuron", size: 2, voltageDecay: 0.9, vThreshold: 1 },
    ],
    projections: [{ name: "in_h", pre: "in", post: "h", dense: { weights: [[1.5, 0], [0, 1.5], [1, 1]], delays: 1 } }],
  }));
  return p;
};
const report = (out: string) => JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
const SPIKES = [[0, 0], [1, 1], [2, 2], [5, 0]];

describe("model input spikes after the run's steps", () => {
  it("spikes at or after the model's steps are counted and said (stderr, report.json warnings)", async () => {
    const out = join(dir, "late");
    const r = await cli("run", modelWith([...SPIKES, [500, 0]]), "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/W_MODEL_SPIKES_AFTER_STEPS: 1 of the model's 5 input spikes at or after its steps 20.*latest at tick 500/);
    expect(report(out).warnings).toEqual([expect.stringMatching(/^W_MODEL_SPIKES_AFTER_STEPS: 1 of the model's 5 input spikes/)]);
  });

  it("a --steps that cuts the model's spikes is said, naming --steps; spikes within the steps give no warning", async () => {
    const model = modelWith(SPIKES);
    const cut = join(dir, "cut");
    const r = await cli("run", model, "--arch", "generic", "--out", cut, "--steps", "3", "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(report(cut).warnings).toEqual([expect.stringMatching(/^W_MODEL_SPIKES_AFTER_STEPS: 1 of the model's 4 input spikes at or after --steps 3.*latest at tick 5/)]);
    const whole = join(dir, "whole");
    const w = await cli("run", model, "--arch", "generic", "--out", whole, "--steps", "6");
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).not.toMatch(/W_MODEL_SPIKES_AFTER_STEPS/);
    expect(report(whole).warnings).toBeUndefined();
  });
});
