/**
 * NeuroBench-style metrics (chip/report/metrics.ts) on constructed networks whose spikes are known by
 * hand, with the arithmetic of every metric written out here (definitions: ../shared/docs/hardware-facts.md §6).
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { runState, simulate } from "../../../chip/sim/run.ts";
import { buildRunReport } from "../../../chip/report/run-report.ts";
import { computeRunMetrics, programCoreFigures, rateBin, RATE_BIN_EDGES_PER_MILLE } from "../../../chip/report/metrics.ts";
import { buildSimState, releaseProgramSynapses } from "../../../chip/sim/state.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";
import { genericWith } from "../../helpers/specs.ts";

const PROV = { aerchipVersion: "test", inputs: [], options: {} };

/** The generic chip with bit widths chosen here, so the footprint arithmetic below does not follow the preset. */
function testSpec(extra: Partial<ChipSpec> = {}): ChipSpec {
  const base = genericWith();
  return {
    ...base,
    precision: { ...base.precision, weightBits: 8, stateBits: 16, currentBits: 16, refractoryBits: 4, thresholdBits: 12, decayBits: 12, traceBits: 8, delayBits: 6 },
    ...extra,
  };
}

/**
 * in (4 inputs):  in0 fires at ticks 0..9 (10 of 10), in1 at tick 0 only, in2 and in3 never.
 * A (4 LIF, threshold 1, reset to 0):
 *   A0: bias 1, no decay            → v = 1 every tick → fires at 0..9          (10/10: bursting)
 *   A1: bias 0.5, voltageDecay 1    → v = 0.5, 1.0, 0.5, 1.0 … → fires at 1,3,5,7,9   (5/10)
 *   A2: only a zero-weight synapse  → never fires                              (dead)
 *   A3: in0 → A3, w 1, delay 1      → input at t+1 → fires at 1..9             (9/10 = 90%: bursting)
 * R (1 non-spiking readout) ← A by a dense 4×1 matrix [0.5, 0, 0, 0.25].
 */
const MODEL = {
  format: "aerchip-model-1", name: "known-rates", steps: 10,
  populations: [
    { name: "in", kind: "input", size: 4, spikes: [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [6, 0], [7, 0], [8, 0], [9, 0], [0, 1]] },
    { name: "A", kind: "neuron", size: 4, vThreshold: 1, voltageDecay: [0, 1, 0, 0], bias: [1, 0.5, 0, 0], reset: "zero" },
    { name: "R", kind: "neuron", size: 1, spiking: false, voltageDecay: 1 },
  ],
  projections: [
    { name: "in_A", pre: "in", post: "A", sparse: { pre: [0, 1], post: [3, 2], weights: [1, 0], delays: 1 } },
    { name: "A_R", pre: "A", post: "R", dense: { weights: [[0.5], [0], [0], [0.25]], delays: 1 } },
  ],
};

function runModel(json: unknown, spec: ChipSpec, timed = true) {
  const model = parseAerchipModel(json as Json, "test.json");
  const compiled = compileModel(model.graph, spec, {});
  const sim = simulate(spec, compiled.program, model.stimulus, { steps: model.graph.defaultSteps, ...(timed ? { timing: createTimingModel("simple") } : {}) });
  const report = buildRunReport(spec, compiled.program, sim, PROV, "none");
  return { compiled, sim, report, metrics: report.metrics! };
}

describe("dead and bursting neurons on a network where they are known", () => {
  const spec = testSpec();
  const { sim, metrics } = runModel(MODEL, spec);
  const pop = (name: string) => metrics.perPopulation.find((p) => p.name === name)!;

  it("the simulator produces the spikes the model comment derives", () => {
    const a = sim.spikes.get("A")!;
    const times = (i: number) => Array.from(a.tick).filter((_, k) => a.neuron[k] === i);
    expect(times(0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(times(1)).toEqual([1, 3, 5, 7, 9]);
    expect(times(2)).toEqual([]);
    expect(times(3)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("counts dead (no spike) and bursting (≥ 90% of ticks) neurons per population", () => {
    expect(pop("A").deadNeurons).toBe(1); // A2
    expect(pop("A").burstingNeurons).toBe(2); // A0 (100%), A3 (exactly 90%)
    expect(pop("in").deadNeurons).toBe(2); // in2, in3
    expect(pop("in").burstingNeurons).toBe(1); // in0
    // A non-spiking readout has no dead/bursting count, sparsity or histogram.
    expect(pop("R").deadNeurons).toBeNull();
    expect(pop("R").burstingNeurons).toBeNull();
    expect(pop("R").activationSparsity).toBeNull();
    expect(pop("R").rateHistogram).toBeNull();
    // Totals are over spiking, non-input layers only: A.
    expect(metrics.totals.deadNeurons).toBe(1);
    expect(metrics.totals.burstingNeurons).toBe(2);
    expect(metrics.totals.spikingNeurons).toBe(4);
  });

  it("bins firing rates with the 1-2-5 edges (spikes per 1000 ticks)", () => {
    // A: A2 0/10 → bin 0 [0, 1‰); A1 5/10 = 500‰ → bin 9 [500, 900); A0 1000‰ and A3 900‰ → bin 10 [900, 1000].
    expect(pop("A").rateHistogram).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
    // in: in2, in3 → bin 0; in1 1/10 = 100‰ → bin 7 [100, 200); in0 → bin 10.
    expect(pop("in").rateHistogram).toEqual([2, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]);
    expect(metrics.rateHistogramEdgesPerTick).toEqual([0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 0.9, 1]);
  });
});

describe("spike density over active neurons, Σs / (N_active · T) (papers.md §3)", () => {
  const spec = testSpec();
  const { metrics } = runModel(MODEL, spec);
  const pop = (name: string) => metrics.perPopulation.find((p) => p.name === name)!;

  it("counts only the neurons that fired at least once, by hand", () => {
    // A: spikes 10 + 5 + 0 + 9 = 24; active A0, A1, A3 (A2 is dead) → 24 / (3 · 10) = 0.8.
    // (1 − activation sparsity = 24 / (4 · 10) = 0.6 counts the dead neuron too.)
    expect(pop("A").spikes).toBe(24);
    expect(pop("A").spikeDensityActive).toBe(24 / 30);
    // in: spikes 10 + 1 = 11; active in0, in1 → 11 / (2 · 10) = 0.55.
    expect(pop("in").spikeDensityActive).toBe(11 / 20);
    // A non-spiking readout has none.
    expect(pop("R").spikeDensityActive).toBeNull();
  });

  it("is null when no neuron of a population fired (0/0), not 0", () => {
    // The same network with A's biases and in→A weights zeroed: A never fires.
    const silent = {
      ...MODEL,
      populations: MODEL.populations.map((p) => (p.name === "A" ? { ...p, bias: [0, 0, 0, 0] } : p)),
      projections: MODEL.projections.map((pr) => (pr.name === "in_A" ? { ...pr, sparse: { ...pr.sparse!, weights: [0, 0] } } : pr)),
    };
    const m = runModel(silent, spec).metrics;
    const a = m.perPopulation.find((p) => p.name === "A")!;
    expect(a.spikes).toBe(0);
    expect(a.deadNeurons).toBe(4);
    expect(a.spikeDensityActive).toBeNull();
  });
});

describe("NeuroBench metric arithmetic (hardware-facts.md §6), written out", () => {
  const spec = testSpec();
  const { report, metrics } = runModel(MODEL, spec);
  const proj = (name: string) => metrics.perProjection.find((p) => p.name === name)!;

  it("connection sparsity = zero weights / weights of the matrix each projection views", () => {
    // in_A: a 4×4 matrix with one non-zero synapse (in1→A2 is stored but has weight 0): (16 − 1) / 16.
    expect(proj("in_A").denseWeights).toBe(16);
    expect(proj("in_A").nonZeroSynapses).toBe(1);
    expect(proj("in_A").connectionSparsity).toBe(15 / 16);
    // A_R: a dense 4×1 matrix with two zeros: 2 / 4.
    expect(proj("A_R").connectionSparsity).toBe(2 / 4);
    // Total: (15 + 2) / (16 + 4) = 0.85.
    expect(metrics.totals.connectionSparsity).toBeCloseTo(17 / 20, 15);
  });

  it("non-zero synapses and effective ACs are the same whatever the state's weight encoding (palette, float32, float64)", () => {
    const model = parseAerchipModel(MODEL as unknown as Json, "test.json");
    const compiled = compileModel(model.graph, spec, {});
    const counts = (options: { float64Weights?: boolean; float32Weights?: boolean }) => {
      const st = buildSimState(spec, compiled.program, options);
      const kind = st.synapses.kind === "wide" ? "wide" : st.synapses.weights.kind;
      const sim = runState(spec, compiled.program, st, model.stimulus, { steps: model.graph.defaultSteps });
      const m = buildRunReport(spec, compiled.program, sim, PROV, "none").metrics!;
      return { kind, perProjection: m.perProjection.map((x) => [x.nonZeroSynapses, x.synapticOps.effectiveACs]) };
    };
    const palette = counts({});
    expect(palette.kind).toBe("palette");
    expect(palette.perProjection).toEqual(metrics.perProjection.map((x) => [x.nonZeroSynapses, x.synapticOps.effectiveACs]));
    for (const options of [{ float32Weights: true }, { float64Weights: true }]) {
      const other = counts(options);
      expect(other.kind).toBe(options.float32Weights === true ? "f32" : "f64");
      expect(other.perProjection, JSON.stringify(options)).toEqual(palette.perProjection);
    }
  });

  it("effective ACs count spikes × non-zero synapses; dense ops count every weight every tick", () => {
    // in_A: in0 fires 10 times × 1 non-zero synapse; in1's one spike meets only a zero weight → 10.
    expect(proj("in_A").synapticOps.effectiveACs).toBe(10);
    // A_R: A0 10 spikes × w 0.5 + A3 9 spikes × w 0.25 (A1's 5 spikes meet w 0) → 19.
    expect(proj("A_R").synapticOps.effectiveACs).toBe(19);
    expect(metrics.totals.synapticOps.effectiveACs).toBe(29);
    // Binary spikes only: no MACs.
    expect(metrics.totals.synapticOps.effectiveMACs).toBe(0);
    // The chip's own SOP counter also pays for zero weights: in_A 10 + 1, A_R 10 + 5 + 9 → 35.
    expect(report.totals.counters.synOps).toBe(35);
    // Dense: (4·4 + 4·1) weights × 10 ticks = 200.
    expect(metrics.totals.synapticOps.dense).toBe(200);
    expect(metrics.perPopulation.find((p) => p.name === "R")!.synapticOpsIn).toEqual({ effectiveACs: 19, effectiveMACs: 0, dense: 40 });
  });

  it("activation sparsity = 1 − spikes / (neurons × ticks) over spiking layers", () => {
    // A: 10 + 5 + 0 + 9 = 24 spikes over 4 × 10 → 1 − 24/40 = 0.4. The readout R is not a spiking layer.
    expect(metrics.totals.activationSparsity).toBeCloseTo(0.4, 15);
    // Inputs get their own figure (not in the total): 11 spikes over 40 → 0.725.
    expect(metrics.perPopulation.find((p) => p.name === "in")!.activationSparsity).toBeCloseTo(0.725, 15);
  });

  it("footprint = stored bits at the chip's widths / 8", () => {
    // Weights: 6 stored synapses (2 + 4, zeros included) × 8 bits = 48 bits = 6 bytes.
    expect(metrics.totals.footprint.weightBytes).toBe(6);
    // Neuron state per compartment: v 16 + u 16 + refractory 4 + threshold 12 + decay 12 = 60 bits;
    // 5 compartments (A, R; inputs take none) → 300 bits = 37.5 bytes.
    expect(metrics.totals.footprint.neuronStateBytes).toBe(37.5);
    expect(metrics.totals.footprint.traceBytes).toBe(0);
    expect(metrics.totals.footprint.totalBytes).toBe(43.5);
    expect(metrics.totals.weightCount).toBe(6);
    // Per population: A holds its 2 incoming weights (16 bits) and 4 × 60 bits of state.
    expect(metrics.perPopulation.find((p) => p.name === "A")!.footprint).toEqual({ weightBytes: 2, neuronStateBytes: 30, traceBytes: 0, totalBytes: 32 });
  });

  it("membrane updates: dense = compartments × ticks", () => {
    expect(metrics.totals.neuronUpdates.dense).toBe(5 * 10);
    expect(metrics.totals.neuronUpdates.effective).toBe(report.totals.counters.neuronUpdates);
  });

  it("inferences per second follow the modelled latency, or the tick period when the chip has one", () => {
    expect(metrics.totals.inferenceTimeBasis).toBe("modelled-latency");
    expect(report.totals.simulatedTimeNs).toBeGreaterThan(0);
    expect(metrics.totals.inferenceTimeNs).toBe(report.totals.simulatedTimeNs);
    expect(metrics.totals.inferencesPerSecond).toBeCloseTo(1e9 / report.totals.simulatedTimeNs!, 6);
    expect(metrics.totals.energyPerInferencePj).toBe(report.totals.energyPj.total);
    // A 1 ms tick (TrueNorth-style): 10 ticks = 10 ms → 100 inferences per second.
    const clocked = runModel(MODEL, testSpec({ tickPeriodNs: 1e6 })).metrics;
    expect(clocked.totals.inferenceTimeBasis).toBe("tick-period");
    expect(clocked.totals.inferenceTimeNs).toBe(1e7);
    expect(clocked.totals.inferencesPerSecond).toBe(100);
    // No timing model and no tick period: not modelled, no rate.
    const untimed = runModel(MODEL, testSpec(), false).metrics;
    expect(untimed.totals.inferenceTimeBasis).toBe("not-modelled");
    expect(untimed.totals.inferencesPerSecond).toBeNull();
  });

  it("per-core utilisation equals the compiler's mapping report", () => {
    const { compiled, metrics: m } = runModel(MODEL, testSpec({ core: { ...genericWith().core, maxNeurons: 3 } }));
    expect(m.perCore.length).toBe(compiled.mapping.cores.length);
    expect(m.perCore.length).toBeGreaterThan(1);
    m.perCore.forEach((c, i) => {
      expect(c.coreId).toBe(compiled.mapping.cores[i].coreId);
      expect(c.utilisation).toEqual(compiled.mapping.cores[i].utilisation);
      expect(c.synapseMemoryBits).toBe(compiled.mapping.cores[i].synapseMemoryBits);
    });
  });

  it("a released program reports the same with the per-core figures computed before the release", () => {
    const spec = testSpec({ core: { ...genericWith().core, maxNeurons: 3 } });
    const { compiled, sim, report } = runModel(MODEL, spec);
    const figures = programCoreFigures(spec, compiled.program);
    const skeleton = releaseProgramSynapses(compiled.program);
    expect(buildRunReport(spec, skeleton, sim, PROV, "none", figures)).toEqual(report);
    // Without them the skeleton's empty crossbars would give zero synapses: refused.
    expect(() => buildRunReport(spec, skeleton, sim, PROV, "none")).toThrow(/released/);
  });
});

describe("learning traces in the footprint", () => {
  it("one pre trace per (source, delay, projection) and one post trace per (projection, post neuron)", () => {
    const json = {
      format: "aerchip-model-1", name: "plastic", steps: 5,
      populations: [
        { name: "in", kind: "input", size: 2, spikes: [[0, 0], [1, 1]] },
        { name: "B", kind: "neuron", size: 3, vThreshold: 1 },
      ],
      projections: [{
        name: "in_B", pre: "in", post: "B",
        sparse: { pre: [0, 0, 0, 1], post: [0, 1, 2, 0], weights: [0.5, 0.5, 0.5, 0.5], delays: [1, 1, 2, 1] },
        stdp: { A_plus: 0.01, A_minus: 0.01, tau_pre: 5, tau_post: 5 },
      }],
    };
    const spec = testSpec();
    const { metrics } = runModel(json, spec);
    // Pre traces: (in0, delay 1), (in0, delay 2), (in1, delay 1) = 3; post traces: B0, B1, B2 = 3.
    // 6 traces × 8 bits = 48 bits = 6 bytes.
    expect(metrics.totals.footprint.traceBytes).toBe(6);
    expect(metrics.perPopulation.find((p) => p.name === "in")!.footprint.traceBytes).toBe(3);
    expect(metrics.perPopulation.find((p) => p.name === "B")!.footprint.traceBytes).toBe(3);
  });
});

describe("rate bins", () => {
  it("compares spikes × 1000 with edge × ticks exactly", () => {
    expect(rateBin(0, 1000)).toBe(0);
    expect(rateBin(1, 1000)).toBe(1); // exactly 1‰
    expect(rateBin(899, 1000)).toBe(9);
    expect(rateBin(900, 1000)).toBe(RATE_BIN_EDGES_PER_MILLE.length - 2);
    expect(rateBin(3, 0)).toBe(0);
  });

  it("computeRunMetrics and the report agree", () => {
    const spec = testSpec();
    const { compiled, sim, report } = runModel(MODEL, spec);
    const again = computeRunMetrics(spec, compiled.program, sim, { simulatedTimeNs: report.totals.simulatedTimeNs ?? 0, timeBasis: report.totals.timeBasis!, energyTotalPj: report.totals.energyPj.total });
    expect(again).toEqual(report.metrics);
  });
});
