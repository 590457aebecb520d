/**
 * The report's per-tick series add up to its totals on every preset: Σ_t latencyNs[t] = simulatedTimeNs
 * (Σ_t max(P, latencyNs[t]) on a chip paced at its own tick period P),
 * and the spikes, synaptic ops and packets per tick sum to the counters. (On cim-crossbar the total
 * included the crossbar reads' latency while every per-tick latency was 0, so the series summed to 0.)
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { listPresetNames, loadPreset } from "../../../chip/spec/load.ts";
import { buildRunReport } from "../../../chip/report/run-report.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";

// 6 inputs → 5 neurons, delays of 1 (every preset takes it), spikes at several ticks so some ticks send nothing.
const MODEL = {
  format: "aerchip-model-1", name: "sums", steps: 12,
  populations: [
    { name: "in", kind: "input", size: 6, spikes: [[0, 0], [0, 3], [1, 1], [4, 2], [4, 5], [7, 4], [9, 0]] },
    { name: "out", kind: "neuron", size: 5, vThreshold: 1, voltageDecay: 0.5 },
  ],
  projections: [{ name: "p", pre: "in", post: "out", dense: { weights: Array.from({ length: 6 }, (_, i) => Array.from({ length: 5 }, (_, j) => ((i + j) % 3) * 0.5)), delays: 1 } }],
};

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

describe("per-tick series sum to the totals", () => {
  for (const name of listPresetNames()) {
    for (const timing of ["simple", "detailed"] as const) {
      it(`${name}, ${timing} timing`, () => {
        const spec = loadPreset(name);
        const model = parseAerchipModel(MODEL as unknown as Json, "sums.json");
        const { program } = compileModel(model.graph, spec, {});
        const res = simulate(spec, program, model.stimulus, { steps: MODEL.steps, timing: createTimingModel(timing), timingPerPacket: timing === "detailed" });
        const r = buildRunReport(spec, program, res, { aerchipVersion: "test", inputs: [], options: {} }, timing);
        expect(r.perTick.latencyNs).toHaveLength(MODEL.steps);
        // A chip without a time model (odin) reports time as null ("not modelled"); its ticks then add no time.
        // A paced chip (truenorth, spinnaker2: tickPeriodNs P = 1 ms, no latency costs) lasts Σ_t max(P, latency_t).
        const P = spec.tickPeriodNs ?? 0;
        expect(sum(r.perTick.latencyNs.map((l) => Math.max(P, l)))).toBeCloseTo(r.totals.simulatedTimeNs ?? 0, 6);
        if (P > 0) expect(r.totals.timeBasis).toBe("tick-period");
        expect(sum(r.perTick.spikes)).toBe(r.totals.counters.spikes);
        expect(sum(r.perTick.synOps)).toBe(r.totals.counters.synOps);
        expect(sum(r.perTick.packets)).toBe(r.totals.counters.packetsOut);
      });
    }
  }
});
