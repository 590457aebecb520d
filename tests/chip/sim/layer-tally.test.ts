/**
 * SimulateOptions.layerTallies (chip/sim/layer-tally.ts): the neuron counters per population and tick, and the
 * learning ones when the run learns. Checked exactly: Σ_p = counters.perTick[t] for every tick and counter,
 * Σ_{t,p} = the run's totals; the run's other results equal those of a run without the option (kernels,
 * fused ticks and threads differ, numbers do not); models whose populations share a core (the case per-core
 * tallies cannot split) on chips that count every integrating compartment as updated (spinnaker2,
 * loihi-sanafe) and on ones that count the compartments with input (loihi, generic: an inactive-update cost),
 * with the detailed timing model too.
 */
import { describe, expect, it } from "vitest";
import { TWO_PLASTIC_POPULATIONS_MODEL } from "../../helpers/layer-ticks.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate, type SimResult, type SimulateOptions } from "../../../chip/sim/run.ts";
import { COUNTER_COUNT, CounterKind } from "../../../chip/sim/counters.ts";
import { countsUpdatesWithInput } from "../../../chip/sim/update-context.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";
import type { LayerTallies } from "../../../chip/sim/layer-tally.ts";
import { NeuronKind, type ChipProgram } from "../../../chip/program/types.ts";

const K = COUNTER_COUNT;
type Col = "neuronAccesses" | "neuronUpdates" | "neuronUpdatesWithInput" | "synUpdates" | "learnTraceUpdates";

/** Σ_p of column `col` equals perTick of `kind` at every tick, and Σ_{t,p} the run's per-core total. */
function expectSumsToCounters(lt: LayerTallies, res: SimResult, col: Col, kind: number): void {
  const a = lt[col]!;
  const P = lt.populations.length;
  let all = 0;
  for (let t = 0; t < lt.steps; t++) {
    let s = 0;
    for (let p = 0; p < P; p++) s += a[t * P + p];
    expect(s, `${col} at tick ${t}`).toBe(res.counters.perTick[t * K + kind]);
    all += s;
  }
  let total = 0;
  for (let c = 0; c < res.state.coreCount; c++) total += res.counters.perCore[c * K + kind];
  expect(all, `${col} over the run`).toBe(total);
}

/** Cores holding neurons of more than one population. */
function sharedCores(res: SimResult): number {
  const st = res.state;
  let shared = 0;
  for (let c = 0; c < st.coreCount; c++) {
    const pops = new Set<number>();
    for (let n = st.coreNeuronStart[c]; n < st.coreNeuronStart[c + 1]; n++) pops.add(st.populationOfNeuron[n]);
    if (pops.size > 1) shared++;
  }
  return shared;
}

// in (4) → a (3) → b (2): small enough that every preset packs the three populations onto one core; a is
// refractory for 2 ticks after a spike, b has a bias (it integrates without input).
const SMALL = {
  format: "aerchip-model-1", name: "small", steps: 40,
  populations: [
    { name: "in", kind: "input", size: 4, spikes: [[0, 0], [0, 1], [2, 2], [3, 3], [5, 0], [9, 1], [9, 2], [12, 3], [20, 0], [21, 1]] },
    { name: "a", kind: "neuron", size: 3, vThreshold: 1, voltageDecay: 0.5, refractoryTicks: 2 },
    { name: "b", kind: "neuron", size: 2, vThreshold: 2, voltageDecay: 0.5, bias: 0.25 },
  ],
  projections: [
    { name: "in_a", pre: "in", post: "a", dense: { weights: [[1, 0, 0.5], [0, 1, 0.5], [1, 1, 0], [0.5, 0, 1]], delays: 1 } },
    { name: "a_b", pre: "a", post: "b", dense: { weights: [[1, 0.5], [0.5, 1], [1, 1]], delays: 2 } },
  ],
};

function runPair(preset: string, modelPath: string, steps: number, extra: Partial<SimulateOptions> = {}): { on: SimResult; off: SimResult; program: ChipProgram } {
  const spec = loadPreset(preset);
  const m = modelPath.startsWith("SMALL") ? parseAerchipModel(SMALL as unknown as Json, "small.json") : loadJsonModel(modelPath);
  // "SMALL fixed": the chip's fixed-point arithmetic (the lifFixed kernel).
  const { program } = compileModel(m.graph, spec, modelPath.endsWith("fixed") ? { precision: "fixed" } : {});
  const timing = extra.timingPerPacket === true ? createTimingModel("detailed") : createTimingModel("simple");
  const on = simulate(spec, program, m.stimulus, { steps, timing, ...extra, layerTallies: true });
  const off = simulate(spec, program, m.stimulus, { steps, timing, ...extra });
  return { on, off, program };
}

function expectSameResults(on: SimResult, off: SimResult): void {
  expect(Array.from(on.counters.perTick)).toEqual(Array.from(off.counters.perTick));
  expect(Array.from(on.counters.perCore)).toEqual(Array.from(off.counters.perCore));
  expect(Array.from(on.tickLatencyNs)).toEqual(Array.from(off.tickLatencyNs));
  expect(Array.from(on.counters.spikesPerNeuron)).toEqual(Array.from(off.counters.spikesPerNeuron));
  expect(off.layerTallies).toBeUndefined();
}

describe("per-population, per-tick neuron counters (layerTallies)", () => {
  const cases = [
    ["spinnaker2", "SMALL", "simple"], ["spinnaker2", "SMALL", "detailed"], ["loihi", "SMALL fixed", "simple"], ["loihi", "SMALL", "detailed"],
    ["loihi", "examples/demo/ei-small.net.json", "simple"], ["loihi", "examples/demo/ei-small.net.json", "detailed"],
    ["loihi-sanafe", "examples/demo/ei-small.net.json", "detailed"], ["generic", "examples/demo/ei-small.net.json", "simple"],
  ] as const;
  for (const [preset, model, timing] of cases) {
    it(`sum over populations to perTick on ${model} (shared cores) on ${preset}, ${timing} timing`, () => {
      const { on, off } = runPair(preset, model, model.startsWith("SMALL") ? 40 : 120, timing === "detailed" ? { timingPerPacket: true } : {});
      const lt = on.layerTallies!;
      expect(lt).toBeDefined();
      expect(sharedCores(on)).toBeGreaterThan(0);
      expect(lt.synUpdates).toBeUndefined();
      expectSumsToCounters(lt, on, "neuronAccesses", CounterKind.neuronAccesses);
      expectSumsToCounters(lt, on, "neuronUpdates", CounterKind.neuronUpdates);
      expectSumsToCounters(lt, on, "neuronUpdatesWithInput", CounterKind.neuronUpdatesWithInput);
      expectSameResults(on, off);
      // Not a per-core copy: the input population is accessed never, each neuron population once per neuron and tick.
      const P = lt.populations.length;
      const compartments = lt.populations.map((_, p) => compartmentsOf(on, p));
      expect(compartments[lt.populations.indexOf("in")]).toBe(0);
      for (let p = 0; p < P; p++) for (let t = 0; t < lt.steps; t++) expect(lt.neuronAccesses[t * P + p]).toBe(compartments[p]);
    });
  }

  it("count every integrating compartment on a chip without an inactive-update cost, those with input on loihi", () => {
    expect(countsUpdatesWithInput(loadPreset("spinnaker2"))).toBe(false);
    expect(countsUpdatesWithInput(loadPreset("loihi"))).toBe(true);
    const { on } = runPair("spinnaker2", "SMALL", 40);
    const lt = on.layerTallies!;
    const P = lt.populations.length;
    // Some population has updates without input in some tick (the two counters differ per population).
    let differs = false;
    for (let i = 0; i < lt.steps * P; i++) if (lt.neuronUpdates[i] !== lt.neuronUpdatesWithInput[i]) differs = true;
    expect(differs).toBe(true);
  });

  it("keep results equal with threads asked (the cores then run on one thread)", () => {
    const { on, off } = runPair("loihi", "examples/demo/ei-small.net.json", 80, { threads: 2 });
    expect(on.threads).toBe(1);
    expectSameResults(on, off);
    expectSumsToCounters(on.layerTallies!, on, "neuronUpdatesWithInput", CounterKind.neuronUpdatesWithInput);
  });
});

/** Compartments (non-input neurons) of population p: its accesses in every tick. */
function compartmentsOf(res: SimResult, p: number): number {
  const st = res.state;
  let n0 = 0;
  for (let n = 0; n < st.neuronCount; n++) if (st.populationOfNeuron[n] === p && st.kind[n] !== NeuronKind.input) n0++;
  return n0;
}

describe("per-population, per-tick learning counters (layerTallies)", () => {
  it("sum to perTick synUpdates and learnTraceUpdates on stdp-pair (loihi), all on the post population", () => {
    const { on, off } = runPair("loihi", "examples/learning/stdp-pair.model.json", 80);
    const lt = on.layerTallies!;
    expect(sharedCores(on)).toBeGreaterThan(0);
    expectSumsToCounters(lt, on, "synUpdates", CounterKind.synUpdates);
    expectSumsToCounters(lt, on, "learnTraceUpdates", CounterKind.learnTraceUpdates);
    expectSumsToCounters(lt, on, "neuronUpdatesWithInput", CounterKind.neuronUpdatesWithInput);
    expectSameResults(on, off);
    // The updates that changed a weight: Σ_p = SimResult.weightChangesPerTick at every tick.
    const P = lt.populations.length;
    let changes = 0;
    for (let t = 0; t < lt.steps; t++) {
      let s = 0;
      for (let p = 0; p < P; p++) s += lt.weightChanges![t * P + p];
      expect(s, `weightChanges at tick ${t}`).toBe(on.weightChangesPerTick![t]);
      changes += s;
    }
    expect(changes).toBeGreaterThan(0);
    const inIdx = lt.populations.indexOf("in");
    let onIn = 0, total = 0;
    for (let t = 0; t < lt.steps; t++) { onIn += lt.synUpdates![t * P + inIdx] + lt.learnTraceUpdates![t * P + inIdx]; total += lt.synUpdates![t * P + 1 - inIdx]; }
    expect(onIn).toBe(0);
    expect(total).toBeGreaterThan(0);
  });

  it("sum to perTick synUpdates with pair STDP (`stdp`, the WebAssembly STDP kernels by default) on a shared core", () => {
    const model = {
      ...SMALL, name: "small-stdp",
      projections: SMALL.projections.map((pr, k) => (k === 0 ? { ...pr, stdp: { A_plus: 0.05, A_minus: 0.04, tau_pre: 5, tau_post: 5, wmin: 0, wmax: 1 } } : pr)),
    };
    const spec = loadPreset("loihi");
    const m = parseAerchipModel(model as unknown as Json, "small-stdp.json");
    const { program } = compileModel(m.graph, spec, {});
    const on = simulate(spec, program, m.stimulus, { steps: 40, timing: createTimingModel("simple"), layerTallies: true });
    const off = simulate(spec, program, m.stimulus, { steps: 40, timing: createTimingModel("simple") });
    expect(sharedCores(on)).toBeGreaterThan(0);
    expect(on.counters.perCore.reduce((x, _, i) => (i % K === CounterKind.synUpdates ? x + on.counters.perCore[i] : x), 0)).toBeGreaterThan(0);
    expectSumsToCounters(on.layerTallies!, on, "synUpdates", CounterKind.synUpdates);
    expectSumsToCounters(on.layerTallies!, on, "neuronUpdatesWithInput", CounterKind.neuronUpdatesWithInput);
    expectSameResults(on, off);
    expect(Array.from(on.finalWeights.get("in_a")!)).toEqual(Array.from(off.finalWeights.get("in_a")!));
    // Pair STDP does not count its weight changes (chip/sim/plasticity.ts): no such column.
    expect(on.layerTallies!.weightChanges).toBeUndefined();
  });

  it("refuses a core whose plastic synapses end in two populations (E_LAYER_TICKS_LEARNING)", () => {
    const model = TWO_PLASTIC_POPULATIONS_MODEL;
    const spec = loadPreset("loihi");
    const m = parseAerchipModel(model as unknown as Json, "two-plastic.json");
    const { program } = compileModel(m.graph, spec, {});
    expect(() => simulate(spec, program, m.stimulus, { steps: 10, layerTallies: true })).toThrow(expect.objectContaining({ code: "E_LAYER_TICKS_LEARNING" }));
    // Without learning (frozen) the same run splits its neuron counters.
    const frozen = simulate(spec, program, m.stimulus, { steps: 10, layerTallies: true, learningEnabled: false });
    expect(frozen.layerTallies!.synUpdates).toBeUndefined();
  });
});
