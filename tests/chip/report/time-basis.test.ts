/**
 * The time basis (chip/report/time-basis.ts): on a paced chip (tickPeriodNs P > 0) every time figure of
 * the report (simulated time, average power, static energy, inference time and rate) is computed on
 * Σ_t max(P, latency_t); without a period on Σ_t latency_t. Before, only inferences per second used the
 * period: simulated time and static energy stayed on the modelled latency (audit-papers §26.3).
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { buildRunReport } from "../../../chip/report/run-report.ts";
import { runTime } from "../../../chip/report/time-basis.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";
import { genericWith } from "../../helpers/specs.ts";

const PROV = { aerchipVersion: "test", inputs: [], options: {} };

/** Two inputs driving two LIF neurons; input 0 fires every tick, input 1 on ticks 0..4, so tick latencies differ. */
const MODEL = {
  format: "aerchip-model-1", name: "paced", steps: 10,
  populations: [
    { name: "in", kind: "input", size: 2, spikes: [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [6, 0], [7, 0], [8, 0], [9, 0], [0, 1], [1, 1], [2, 1], [3, 1], [4, 1]] },
    { name: "A", kind: "neuron", size: 2, vThreshold: 1, reset: "zero" },
  ],
  projections: [{ name: "in_A", pre: "in", post: "A", dense: { weights: [[1, 0.5], [1, 0.5]], delays: 1 } }],
};

function run(spec: ChipSpec) {
  const model = parseAerchipModel(MODEL as unknown as Json, "paced.json");
  const compiled = compileModel(model.graph, spec, {});
  const sim = simulate(spec, compiled.program, model.stimulus, { steps: 10, timing: createTimingModel("simple") });
  return { sim, report: buildRunReport(spec, compiled.program, sim, PROV, "simple") };
}

describe("runTime", () => {
  it("sums max(period, latency) per tick on a paced chip, the latencies otherwise", () => {
    const spec = genericWith();
    // P = 10: max(10, 5) + max(10, 20) + max(10, 0) = 10 + 20 + 10.
    expect(runTime({ ...spec, tickPeriodNs: 10 }, [5, 20, 0], 3)).toEqual({ basis: "tick-period", timeNs: 40, tickPeriodNs: 10 });
    expect(runTime({ ...spec, tickPeriodNs: 0 }, [5, 20, 0], 3)).toEqual({ basis: "modelled-latency", timeNs: 25, tickPeriodNs: null });
    expect(runTime(spec, [0, 0], 2)).toEqual({ basis: "not-modelled", timeNs: 0, tickPeriodNs: null });
    // A period makes time modelled even where the chip has no latency costs.
    expect(runTime({ ...spec, tickPeriodNs: 1e6 }, [0, 0], 2)).toEqual({ basis: "tick-period", timeNs: 2e6, tickPeriodNs: 1e6 });
  });
});

describe("a paced run's report", () => {
  const spec = genericWith();
  const free = run(spec);
  const lat = free.report.perTick.latencyNs;
  // A period between the shortest and the longest tick, so both sides of the max are taken.
  const P = (Math.min(...lat) + Math.max(...lat)) / 2;
  const paced = run({ ...spec, tickPeriodNs: P });

  it("the latencies vary, so the period is the longer of the two on some ticks and not on others", () => {
    expect(lat.some((l) => l > P)).toBe(true);
    expect(lat.some((l) => l < P)).toBe(true);
    expect(paced.report.perTick.latencyNs).toEqual(lat);
  });

  it("simulated time = inference time = Σ_t max(P, latency_t), by hand", () => {
    let hand = 0;
    for (const l of lat) hand += Math.max(P, l);
    const t = paced.report.totals;
    expect(t.timeBasis).toBe("tick-period");
    expect(t.tickPeriodNs).toBe(P);
    expect(t.simulatedTimeNs).toBeCloseTo(hand, 9);
    expect(paced.report.metrics!.totals.inferenceTimeBasis).toBe("tick-period");
    expect(paced.report.metrics!.totals.inferenceTimeNs).toBe(t.simulatedTimeNs);
    expect(paced.report.metrics!.totals.inferencesPerSecond).toBeCloseTo(1e9 / hand, 6);
  });

  it("static energy = static power per core × cores × that time; average power = total energy / that time", () => {
    let hand = 0;
    for (const l of lat) hand += Math.max(P, l);
    const t = paced.report.totals;
    const cores = paced.report.chip.coresUsed;
    // generic: staticPowerPerCoreMw 0.82, no chip-level static power; mW × ns = pJ.
    expect(spec.costs.staticPowerPerCoreMw?.value).toBe(0.82);
    expect(spec.costs.staticPowerChipMw).toBeUndefined();
    expect(t.energyPj.static).toBeCloseTo(0.82 * cores * hand, 6);
    expect(t.energyPj.total).toBeCloseTo(t.energyPj.dynamic + 0.82 * cores * hand, 6);
    expect(t.averagePowerMw).toBeCloseTo(t.energyPj.total / hand, 9);
  });

  it("spikes, counters and dynamic energy are the same with and without the period", () => {
    expect(paced.report.totals.counters).toEqual(free.report.totals.counters);
    expect(paced.report.perTick.spikes).toEqual(free.report.perTick.spikes);
    expect(paced.report.perCore).toEqual(free.report.perCore);
    expect(paced.report.totals.energyPj.dynamic).toBe(free.report.totals.energyPj.dynamic);
    for (const [name, s] of free.sim.spikes) {
      expect(Array.from(paced.sim.spikes.get(name)!.tick)).toEqual(Array.from(s.tick));
      expect(Array.from(paced.sim.spikes.get(name)!.neuron)).toEqual(Array.from(s.neuron));
    }
  });

  it("without a period the basis is the modelled latency, Σ_t latency_t", () => {
    const t = free.report.totals;
    expect(t.timeBasis).toBe("modelled-latency");
    expect(t.tickPeriodNs).toBeUndefined();
    expect(t.simulatedTimeNs).toBeCloseTo(lat.reduce((a, b) => a + b, 0), 9);
  });
});
