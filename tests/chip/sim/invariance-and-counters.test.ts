import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { COUNTER_COUNT, CounterKind } from "../../../chip/sim/counters.ts";
import { dynamicEnergyPj } from "../../../chip/report/energy.ts";
import { genericWith } from "../../helpers/specs.ts";

const DEMO = "examples/demo/ei-small.net.json";

function pairs(sp: { tick: Int32Array; neuron: Int32Array }): string {
  return Array.from(sp.tick, (t, k) => `${t}:${sp.neuron[k]}`).join(",");
}

describe("spikes do not depend on the mapping", () => {
  const model = loadJsonModel(DEMO);
  const runWith = (maxNeurons: number, placement: "greedy" | "linear" | "random", seed = 0) => {
    const spec = genericWith({ maxNeurons });
    const { program, mapping } = compileModel(model.graph, spec, { placement, seed });
    const res = simulate(spec, program, model.stimulus, { steps: model.graph.defaultSteps });
    return { res, mapping };
  };
  it("one core, many small cores, and different placements give identical spikes", () => {
    const one = runWith(1024, "greedy");
    expect(one.mapping.coresUsed).toBe(1);
    const many = runWith(37, "linear");
    expect(many.mapping.coresUsed).toBeGreaterThan(10);
    const rand = runWith(37, "random", 7);
    const greedy = runWith(37, "greedy");
    expect(new Set(rand.mapping.cores.map((c) => c.coreId))).not.toEqual(new Set(many.mapping.cores.map((c) => c.coreId)));
    for (const name of ["E", "I"]) {
      const ref = pairs(one.res.spikes.get(name)!);
      expect(ref.length).toBeGreaterThan(0);
      expect(pairs(many.res.spikes.get(name)!)).toBe(ref);
      expect(pairs(rand.res.spikes.get(name)!)).toBe(ref);
      expect(pairs(greedy.res.spikes.get(name)!)).toBe(ref);
    }
    // Placement changes hops, never synaptic work.
    const tot = (r: typeof one.res, k: number) => { let s = 0; for (let c = 0; c < r.state.coreCount; c++) s += r.counters.perCore[c * COUNTER_COUNT + k]; return s; };
    expect(tot(rand.res, CounterKind.synOps)).toBe(tot(one.res, CounterKind.synOps));
    expect(tot(one.res, CounterKind.hopsEast) + tot(one.res, CounterKind.hopsNorth)).toBe(0);
  });
});

describe("counters are consistent with each other and with the model", () => {
  const model = loadJsonModel(DEMO);
  const spec = genericWith({ maxNeurons: 64 });
  const { program } = compileModel(model.graph, spec, {});
  const T = model.graph.defaultSteps;
  const res = simulate(spec, program, model.stimulus, { steps: T });
  const K = COUNTER_COUNT;
  const total = new Float64Array(K);
  for (let c = 0; c < res.state.coreCount; c++) for (let k = 0; k < K; k++) total[k] += res.counters.perCore[c * K + k];

  it("synaptic ops = Σ over emitted spikes of their synapses; delivered = those arriving inside the run", () => {
    // Independent count from the model's own synapse lists and the recorded spikes.
    const spikeTimes = new Map<string, Map<number, number[]>>();
    for (const p of model.graph.populations) {
      const m = new Map<number, number[]>();
      const sp = p.kind === "input" ? model.stimulus.spikes.get(p.name)! : res.spikes.get(p.name)!;
      for (let k = 0; k < sp.tick.length; k++) {
        if (sp.tick[k] >= T) continue;
        const list = m.get(sp.neuron[k]) ?? [];
        list.push(sp.tick[k]);
        m.set(sp.neuron[k], list);
      }
      spikeTimes.set(p.name, m);
    }
    let expected = 0;
    let expectedOps = 0;
    for (const pr of model.graph.projections) {
      const m = spikeTimes.get(pr.pre)!;
      for (let s = 0; s < pr.preIndex.length; s++) for (const t of m.get(pr.preIndex[s]) ?? []) {
        expectedOps++;
        if (t + pr.delayTicks[s] < T) expected++;
      }
    }
    expect(total[CounterKind.synOps]).toBe(expectedOps);
    expect(res.counters.synOpsByProjection.reduce((a, b) => a + b, 0)).toBe(expectedOps);
    expect(res.synapticEventsDeliveredByProjection.reduce((a, b) => a + b, 0)).toBe(expected);
    expect(expected).toBeLessThan(expectedOps);
  });

  it("packets in = packets out, spikes = Σ population spikes, per-tick totals = per-core totals", () => {
    expect(total[CounterKind.packetsIn]).toBe(total[CounterKind.packetsOut]);
    let spikes = 0;
    for (const p of model.graph.populations) spikes += (p.kind === "input" ? 0 : res.spikes.get(p.name)!.tick.length);
    let inputSpikes = 0;
    const seen = new Set<string>();
    const st = model.stimulus.spikes.get("in")!;
    for (let k = 0; k < st.tick.length; k++) if (st.tick[k] < T && !seen.has(`${st.tick[k]}:${st.neuron[k]}`)) { seen.add(`${st.tick[k]}:${st.neuron[k]}`); inputSpikes++; }
    expect(total[CounterKind.neuronsFired]).toBe(spikes);
    expect(total[CounterKind.spikes]).toBe(spikes + inputSpikes);
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += res.counters.perTick[t * K + k];
      expect(s, `counter ${k}`).toBe(total[k]);
    }
    // Every non-input neuron is accessed every tick.
    expect(total[CounterKind.neuronAccesses]).toBe(T * (400 + 100));
  });

  it("energy = Σ counters × cost table", () => {
    const e = dynamicEnergyPj(spec, total, 0, Float64Array.of(total[CounterKind.synOps]), 0, ["sparse"]);
    const c = spec.costs;
    const hand =
      total[CounterKind.synOps] * c.energySynOpPj!.value +
      total[CounterKind.neuronUpdatesWithInput] * c.energyNeuronUpdatePj!.value +
      (total[CounterKind.neuronAccesses] - total[CounterKind.neuronUpdatesWithInput]) * c.energyNeuronInactivePj!.value +
      (total[CounterKind.hopsEast] + total[CounterKind.hopsWest]) * c.energyHopEastWestPj!.value +
      (total[CounterKind.hopsNorth] + total[CounterKind.hopsSouth]) * c.energyHopNorthSouthPj!.value +
      total[CounterKind.packetsInTile] * c.energyInTileSpikePj!.value;
    expect(e.dynamic).toBeCloseTo(hand, 6);
    expect(e.synapse).toBe(total[CounterKind.synOps] * 23.6);
  });
});

describe("packets and hops on a hand-computed mapping", () => {
  // 2×2 tiles, one core per tile, one neuron per core, linear placement:
  // in → core 0 (0,0); A → core 1 (1,0); B → core 2 (0,1); C → core 3 (1,1).
  const json = {
    format: "aerchip-model-1", name: "hops", steps: 5,
    populations: [
      { name: "in", kind: "input", size: 1, spikes: [[0, 0]] },
      { name: "A", kind: "neuron", size: 1, vThreshold: 1 },
      { name: "B", kind: "neuron", size: 1, vThreshold: 1 },
      { name: "C", kind: "neuron", size: 1, vThreshold: 1 },
    ],
    projections: [
      { name: "inA", pre: "in", post: "A", sparse: { pre: [0], post: [0], weights: 1, delays: 1 } },
      { name: "inB", pre: "in", post: "B", sparse: { pre: [0], post: [0], weights: 1, delays: 2 } },
      { name: "inC", pre: "in", post: "C", sparse: { pre: [0], post: [0], weights: 1, delays: 1 } },
      { name: "AC", pre: "A", post: "C", sparse: { pre: [0], post: [0], weights: 0.5, delays: 1 } },
    ],
  };
  it("counts one packet per destination core and XY hops per direction", () => {
    const model = parseAerchipModel(json as unknown as Json, "hops.json");
    const spec = genericWith({ maxNeurons: 1 }, { widthTiles: 2, heightTiles: 2, coresPerTile: 1 });
    const { program, mapping } = compileModel(model.graph, spec, { placement: "linear", pack: false });
    expect(mapping.cores.map((c) => [c.coreId, c.tile.x, c.tile.y, c.blocks[0].population])).toEqual([[0, 0, 0, "in"], [1, 1, 0, "A"], [2, 0, 1, "B"], [3, 1, 1, "C"]]);
    const res = simulate(spec, program, model.stimulus, { steps: 5 });
    const K = COUNTER_COUNT;
    const tot = (k: number) => { let s = 0; for (let c = 0; c < 4; c++) s += res.counters.perCore[c * K + k]; return s; };
    // in fires at t=0: packets to cores 1, 2, 3 (3 packets; hops: 1 east, 1 north, 1 east + 1 north).
    // A fires at t=1 (input arrives at 1): packet to core 3, 1 north. B fires at t=2, C at t=1 (1 ≥ 1): no targets.
    // Totals: 4 packets; east 1 + 1 = 2; north 1 (B) + 1 (C) + 1 (A→C) = 3.
    expect(res.spikes.get("A")!.tick).toEqual(Int32Array.of(1));
    expect(res.spikes.get("B")!.tick).toEqual(Int32Array.of(2));
    expect(res.spikes.get("C")!.tick).toEqual(Int32Array.of(1));
    expect(tot(CounterKind.packetsOut)).toBe(4);
    expect(tot(CounterKind.hopsEast)).toBe(2);
    expect(tot(CounterKind.hopsNorth)).toBe(3);
    expect(tot(CounterKind.hopsWest) + tot(CounterKind.hopsSouth)).toBe(0);
    expect(tot(CounterKind.synOps)).toBe(4);
    expect(res.counters.perCore[0 * K + CounterKind.packetsOut]).toBe(3);
  });
});
