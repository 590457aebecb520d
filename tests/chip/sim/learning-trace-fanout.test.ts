/**
 * Pre traces per destination core (audit s24b #7). On the chip each core keeps the presynaptic traces with its
 * own input axons (Davies et al. 2018; Lava's learning engine), so a source feeding k cores has k copies. The
 * engine kept (and counted) one per (source, delay, projection), and charged all its updates to the first core.
 * Now it stores one value (the copies are identical) but counts memory and learnTraceUpdates per destination core;
 * spikes and weights do not change.
 *
 * Model (the audit's fan.json): 1 input → 4 neurons, x1 and y1 float traces (64 bits in the engine, 7 on loihi),
 * one input spike at tick 0 arriving at tick 1, no post spike (vThreshold 100), 10 ticks.
 * Hand count of one x1 copy: 1 jump (tick 1) + 8 decays of a non-zero value (ticks 2..9) = 9 updates; y1 stays 0.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { buildRunReport } from "../../../chip/report/run-report.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";

const PROV = { aerchipVersion: "test", inputs: [], options: {} };

const FAN = {
  format: "aerchip-model-1", name: "fan", steps: 10,
  populations: [
    { name: "in", kind: "input", size: 1, spikes: [[0, 0]] },
    { name: "out", kind: "neuron", size: 4, vThreshold: 100 },
  ],
  projections: [{
    name: "p", pre: "in", post: "out", dense: { weights: [[0.1, 0.1, 0.1, 0.1]], delays: 1 },
    learning: {
      rule: "dw = 2^-4*x1*y0 - 2^-5*y1*x0",
      traces: { x1: { tauTicks: 10, impulse: 1, mode: "add" }, y1: { tauTicks: 10, impulse: 1, mode: "add" } },
      wMin: 0, wMax: 1, rounding: "nearest",
    },
  }],
} as unknown as Json;

function run(neuronsPerCore: number) {
  const base = loadPreset("loihi");
  const spec: ChipSpec = { ...base, core: { ...base.core, maxNeurons: neuronsPerCore } };
  const loaded = parseAerchipModel(FAN, "fan.json");
  const compiled = compileModel(loaded.graph, spec, {});
  const sim = simulate(spec, compiled.program, loaded.stimulus, { steps: 10 });
  const report = buildRunReport(spec, compiled.program, sim, PROV, "simple");
  const outCores = new Set(Array.from(sim.state.synCore));
  return { sim, report, outCores: [...outCores].sort((a, b) => a - b) };
}

describe("pre traces are counted per destination core", () => {
  it("one core: 9 updates and one x1 set (as before)", () => {
    const { sim, report, outCores } = run(4);
    expect(outCores.length).toBe(1);
    expect(report.totals.counters.learnTraceUpdates).toBe(9);
    // 1 x1 set + 4 y1 = 5 traces × 64 bits (float traces), × 7 bits on loihi in the footprint.
    expect(sim.learning!.traceMemoryBits).toBe(5 * 64);
    expect(report.metrics!.totals.footprint.traceBytes).toBe((5 * 7) / 8);
  });

  it("four destination cores: 4 copies of x1, 9 updates on each of them, same spikes and weights", () => {
    const one = run(4);
    const four = run(1);
    expect(four.outCores.length).toBe(4);
    expect(four.report.totals.counters.learnTraceUpdates).toBe(4 * 9);
    for (const c of four.outCores) expect(four.report.perCore[c].counters.learnTraceUpdates, `core ${c}`).toBe(9);
    // Memory: 4 x1 copies + 4 y1 = 8 traces.
    expect(four.sim.learning!.traceMemoryBits).toBe(8 * 64);
    expect(four.report.metrics!.totals.footprint.traceBytes).toBe((8 * 7) / 8);
    expect(Array.from(four.sim.finalWeights.get("p")!)).toEqual(Array.from(one.sim.finalWeights.get("p")!));
    expect(Array.from(four.sim.spikes.get("out")!.tick)).toEqual(Array.from(one.sim.spikes.get("out")!.tick));
    // The unpriced counter changes nothing billed: same learning energy (the 4 x0 evaluations at the arrival, on either placement).
    expect(four.report.totals.energyPj.learning).toBe(one.report.totals.energyPj.learning);
  });
});
