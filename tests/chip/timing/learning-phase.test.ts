/**
 * Latency of on-chip learning (issue 5: "energy and latency per learning op from the preset"): each tick
 * adds a learning phase of max_c synUpdates_c · latencySynUpdateNs after the spiking phase, in both
 * timing models; it never changes spikes, and a tick without weight updates costs nothing more.
 */
import { describe, expect, it } from "vitest";
import { TickWork } from "../../../chip/timing/types.ts";
import { simpleTickLatencyNs } from "../../../chip/timing/simple.ts";
import { detailedTickLatencyNs } from "../../../chip/timing/detailed.ts";
import type { ChipSpec, CostEntry } from "../../../chip/spec/types.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";
import { COUNTER_COUNT as K, CounterKind } from "../../../chip/sim/counters.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { timingSpec } from "./spec-fixture.ts";
import { genericWith } from "../../helpers/specs.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";

const entry = (value: number): CostEntry => ({ value, source: "test fixture", evidence: "derived" });

function withSynUpdateNs(spec: ChipSpec, ns: number | undefined): ChipSpec {
  const costs = { ...spec.costs };
  if (ns === undefined) delete (costs as { latencySynUpdateNs?: CostEntry }).latencySynUpdateNs;
  else (costs as { latencySynUpdateNs?: CostEntry }).latencySynUpdateNs = entry(ns);
  return { ...spec, costs };
}

describe("the learning phase in the timing models", () => {
  const spec = withSynUpdateNs(timingSpec(2, 1, 1), 6);

  function work(): TickWork {
    const w = new TickWork(spec, [0, 1], ["dense"]);
    w.neuronsAccessed.set([1, 1]);
    w.neuronsUpdated.set([1, 0]);
    w.neuronsFired.set([1, 0]);
    const p = w.addPacket(0, 1, 1, 1, 1);
    w.addPacketSynOps(p, 0, 100);
    w.syncTiles = 2;
    return w;
  }

  it("simple: adds max over cores of synUpdates × latencySynUpdateNs", () => {
    const w = work();
    const without = simpleTickLatencyNs(w, spec); // 107 (see simple.test.ts)
    expect(without).toBe(107);
    w.synUpdates.set([10, 25]);
    expect(simpleTickLatencyNs(w, spec)).toBe(107 + 25 * 6);
    w.synUpdates.set([40, 25]);
    expect(simpleTickLatencyNs(w, spec)).toBe(107 + 40 * 6);
  });

  it("detailed: adds the same learning phase after the message schedule", () => {
    const w = work();
    const without = detailedTickLatencyNs(w, spec);
    w.synUpdates.set([3, 7]);
    expect(detailedTickLatencyNs(w, spec)).toBe(without + 7 * 6);
  });

  it("a chip without a synaptic-update latency has no learning phase", () => {
    const none = withSynUpdateNs(spec, undefined);
    const w = work();
    w.synUpdates.set([1000, 1000]);
    expect(simpleTickLatencyNs(w, none)).toBe(107);
  });

  it("the presets cite Loihi's 6.1 ns per synaptic update (Davies et al. 2018)", () => {
    const loihi = loadPreset("loihi");
    expect(loihi.costs.latencySynUpdateNs?.value).toBe(6.1);
    expect(loihi.costs.latencySynUpdateNs?.source).toMatch(/Davies/);
  });
});

describe.skipIf(!HAS_SHARED)(`learning latency in a pair-STDP run (c05) ${SKIP_MSG}`, () => {
  it("each tick's extra latency is the learning phase; totals bracket synUpdates × 6.1 ns; spikes unchanged", () => {
    const model = loadJsonModel(sharedPath("fixtures/snnref/c05_stdp_all2all_dense.net.json"));
    const base = genericWith({ maxNeurons: 7 });
    const { program } = compileModel(model.graph, base, {});
    const steps = model.graph.defaultSteps;
    for (const timing of ["simple", "detailed"] as const) {
      const run = (spec: ChipSpec) => simulate(spec, program, model.stimulus, { steps, timing: createTimingModel(timing), timingPerPacket: timing === "detailed" });
      const a = run(withSynUpdateNs(base, 0));
      const b = run(withSynUpdateNs(base, 6.1));
      for (const [name, sp] of a.spikes) expect(Array.from(b.spikes.get(name)!.tick), name).toEqual(Array.from(sp.tick));
      let updates = 0;
      for (let c = 0; c < a.state.coreCount; c++) updates += a.counters.perCore[c * K + CounterKind.synUpdates];
      expect(updates, "c05 updates weights").toBeGreaterThan(0);
      let extra = 0;
      for (let t = 0; t < steps; t++) {
        const d = b.tickLatencyNs[t] - a.tickLatencyNs[t];
        const tickUpdates = a.counters.perTick[t * K + CounterKind.synUpdates];
        if (tickUpdates === 0) expect(d, `tick ${t}`).toBe(0);
        else {
          // max over cores lies between the tick's total / cores and the total.
          expect(d, `tick ${t}`).toBeGreaterThanOrEqual((tickUpdates * 6.1) / a.state.coreCount - 1e-9);
          expect(d, `tick ${t}`).toBeLessThanOrEqual(tickUpdates * 6.1 + 1e-9);
        }
        extra += d;
      }
      expect(extra, timing).toBeGreaterThan(0);
    }
  });
});
