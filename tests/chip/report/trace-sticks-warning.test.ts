/**
 * Round-to-nearest traces that never decay to 0 (audit s24b #5). With `rounding: "nearest"` a quantised trace
 * x = k·lsb decays to round(k·decay)·lsb, which is x again while x·(1 − decay) < lsb/2: an 8-bit add trace with
 * τ = 20 (lsb 1/32) stops at 10 LSB = 0.3125 after a spike and keeps it for ever. That is the documented
 * arithmetic (docs/learning.md §5), kept; the run now says so with W_LEARNING_TRACE_STICKS (report.json
 * learning.warnings, printed by run/train/compare), naming the projection, the trace and the value.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { buildRunReport } from "../../../chip/report/run-report.ts";
import { genericWith } from "../../helpers/specs.ts";

const PROV = { aerchipVersion: "test", inputs: [], options: {} };

/** The audit's xs.json: one pre spike at tick 0; dw = −2^-10·x1·u0 reads Σ_t x1 into the weight (starts at 0). */
function run(steps: number, rounding: string, x1: Record<string, unknown> = { tauTicks: 20, impulse: 1, mode: "add", bits: 8 }) {
  const m = {
    format: "aerchip-model-1", name: "xs", steps,
    populations: [{ name: "in", kind: "input", size: 1, spikes: [[0, 0]] }, { name: "out", kind: "neuron", size: 1, vThreshold: 100 }],
    projections: [{
      name: "p", pre: "in", post: "out", dense: { weights: [[0]], delays: 1 },
      learning: { rule: "dw = -2^-10*x1*u0", traces: { x1 }, wMin: -100, wMax: 100, rounding },
    }],
  } as unknown as Json;
  const spec = genericWith();
  const loaded = parseAerchipModel(m, "xs.json");
  const compiled = compileModel(loaded.graph, spec, {});
  const sim = simulate(spec, compiled.program, loaded.stimulus, { steps });
  const report = buildRunReport(spec, compiled.program, sim, PROV, "simple");
  return { sumX1: -sim.finalWeights.get("p")![0] * 1024, warnings: report.learning!.warnings ?? [] };
}

describe("W_LEARNING_TRACE_STICKS", () => {
  it("the engine's trace sticks at 10/32 = 0.3125 (100 more ticks add 100 × 0.3125), and the run warns with that value", () => {
    const a = run(100, "nearest");
    const b = run(200, "nearest");
    expect(b.sumX1 - a.sumX1).toBe(100 * 0.3125);
    expect(a.warnings.length).toBe(1);
    expect(a.warnings[0]).toMatch(/^W_LEARNING_TRACE_STICKS: projection "p": trace x1 \(8 bits, lsb 0\.03125, decay 0\.951229\) with "rounding": "nearest" stops decaying at 0\.3125 \(10 LSB, 0\.3125 of its impulse\)/);
    expect(a.warnings[0]).toMatch(/"rounding": "stochastic".*more trace bits/);
  });

  it("a negative impulse sticks at −0.3125 and says so", () => {
    const w = run(50, "nearest", { tauTicks: 20, impulse: -1, mode: "add", bits: 8 }).warnings;
    expect(w.length).toBe(1);
    expect(w[0]).toContain("stops decaying at -0.3125 (10 LSB, 0.3125 of its impulse)");
  });

  it("no warning with stochastic rounding, a float trace, or a decay whose nearest rounding reaches 0 (τ = 1: 0.5/(1 − e^−1) < 1)", () => {
    expect(run(20, "stochastic").warnings).toEqual([]);
    expect(run(20, "nearest", { tauTicks: 20, impulse: 1, mode: "add" }).warnings).toEqual([]);
    expect(run(20, "nearest", { tauTicks: 1, impulse: 1, mode: "add", bits: 8 }).warnings).toEqual([]);
  });
});
