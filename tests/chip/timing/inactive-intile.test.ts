/**
 * The detailed timing model charges what `simple` charges for idle compartments (latencyNeuronInactiveNs:
 * each accessed compartment without input, Loihi's inactive update) and the within-tile spike latency
 * (latencyInTileSpikeNs) as the network floor of a message between two cores of one tile (audit s23c #1, #2).
 * Before, an idle core cost nothing in `detailed`, so on loihi and generic detailed came out far below simple.
 */
import { describe, expect, it } from "vitest";
import { TickWork, type TimingModel } from "../../../chip/timing/types.ts";
import { createDetailedTiming, detailedTickLatencyNs } from "../../../chip/timing/detailed.ts";
import { simpleTickLatencyNs } from "../../../chip/timing/simple.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { createRng } from "../../../core/rng.ts";
import { timingSpec } from "./spec-fixture.ts";

// Fixture latencies (ns): access 2, update 3, spike 10, out 5, in 7, dense 1, hop east-west 4; inactive 0.5.
describe("inactive compartments in the detailed schedule", () => {
  it("an idle core's compartments make a placeholder as long as simple's gen(c)", () => {
    const spec = timingSpec(2, 1, 1, { inactive: 0.5 });
    const w = new TickWork(spec, [0, 1], ["dense"]);
    w.neuronsAccessed.set([0, 100]);
    w.syncTiles = 1;
    // Core 1: 100 accesses, none updated: 100·2 + 100·0.5 = 250, in both models.
    expect(simpleTickLatencyNs(w, spec)).toBe(250);
    expect(detailedTickLatencyNs(w, spec)).toBe(250);
  });

  it("idle compartments processed before a firing neuron delay its packet", () => {
    const spec = timingSpec(2, 1, 1, { inactive: 0.5 });
    const w = new TickWork(spec, [0, 1], ["dense"]);
    // Core 0 processes 10 compartments before the firing one (which had input): 11 accessed, 1 updated.
    w.addPacketSynOps(w.addPacket(0, 1, 11, 1, 1), 0, 3);
    w.neuronsAccessed.set([11, 0]);
    w.neuronsUpdated.set([1, 0]);
    w.neuronsFired.set([1, 0]);
    w.syncTiles = 1;
    // g = 11·2 + 1·3 + 10·0.5 + 1·10 + 5 = 45; network 1 hop · 4 → 49; processing 7 + 3 → 59.
    expect(detailedTickLatencyNs(w, spec)).toBe(59);
    // Without the inactive latency the packet left 5 ns earlier.
    expect(detailedTickLatencyNs(w, timingSpec(2, 1, 1))).toBe(54);
  });
});

describe("the within-tile spike latency in the detailed schedule", () => {
  it("is the network floor of a message between two cores of one tile, not of one to its own core", () => {
    const spec = timingSpec(1, 1, 2, { access: 0, update: 0, spike: 0, out: 0, inTile: 2.5 });
    const w = new TickWork(spec, [0, 1], ["dense"]);
    w.addPacketSynOps(w.addPacket(0, 1, 1, 1, 1), 0, 3);
    w.syncTiles = 1;
    // Sent at 0, in-tile 2.5, processed 7 + 3 → 12.5 (10 without the in-tile latency).
    expect(detailedTickLatencyNs(w, spec)).toBe(12.5);
    const local = new TickWork(spec, [0, 1], ["dense"]);
    local.addPacketSynOps(local.addPacket(0, 0, 1, 1, 1), 0, 3);
    local.syncTiles = 1;
    expect(detailedTickLatencyNs(local, spec)).toBe(10);
  });
});

/** The audit's idle model: one input spike at tick 0 into one of 1000 neurons that never fire. */
const IDLE = {
  format: "aerchip-model-1", name: "idle", steps: 3,
  populations: [{ name: "in", kind: "input", size: 1, spikes: [[0, 0]] }, { name: "A", kind: "neuron", size: 1000, vThreshold: 5 }],
  projections: [{ name: "p", pre: "in", post: "A", sparse: { pre: [0], post: [0], weights: [1], delays: 1 } }],
};

describe("an idle core on loihi (latencyNeuronInactiveNs 5.3 ns, Davies et al. 2018 Table 2)", () => {
  const spec = loadPreset("loihi");
  const model = parseAerchipModel(IDLE as unknown as Json, "idle.model.json");
  const { program } = compileModel(model.graph, spec, {});
  const run = (timing: TimingModel): Float64Array =>
    Float64Array.from(simulate(spec, program, model.stimulus, { steps: 3, timing, timingPerPacket: timing.name === "detailed" }).tickLatencyNs);
  const simple = run(createTimingModel("simple"));

  it("simple charges every idle compartment (hand numbers: sync 113, inactive 5.3, update 8.4, synaptic op 3.5)", () => {
    // tick 0: 113 + max(1000·5.3, 1·3.5); tick 1: 113 + 999·5.3 + 1·8.4; tick 2: 113 + 1000·5.3.
    expect(Array.from(simple).map((x) => Number(x.toFixed(6)))).toEqual([5413, 5416.1, 5413]);
  });

  it.each(["js", "wasm"] as const)("detailed (%s scheduler) includes the 1000 × 5.3 ns, so no tick is below simple's gen(c) term", (kernels) => {
    const detailed = run(createDetailedTiming(kernels));
    // gen(c) of A's core (sync added): 113 + 1000·5.3, 113 + 999·5.3 + 8.4, 113 + 1000·5.3. The input's
    // packet (3.5 ns of processing) ends long before, so detailed equals it on this model.
    const gen = [113 + 1000 * 5.3, 113 + 999 * 5.3 + 8.4, 113 + 1000 * 5.3];
    for (let t = 0; t < 3; t++) {
      expect(detailed[t], `tick ${t}`).toBeGreaterThanOrEqual(gen[t] - 1e-9);
      expect(detailed[t], `tick ${t}`).toBeCloseTo(simple[t], 9);
    }
  });
});

describe("detailed is never below simple (it only adds network effects to the same per-core work)", () => {
  it("on 200 random ticks with inactive and in-tile latencies, both schedulers", () => {
    // Per core, the detailed model sends its messages one after another (Σ g = gen(c)) and a receiver
    // processes its messages one after another (Σ d = recv(c)), so its tick ≥ max(gen, recv) = simple's.
    const spec = timingSpec(3, 2, 2, { inactive: 1.5, inTile: 0.7 }, 4, [{ tiles: 1, latencyNs: 20 }]);
    const cores = [0, 1, 2, 3, 4, 7, 8, 10, 11];
    const rng = createRng(23);
    for (const kernels of ["js", "wasm"] as const) {
      const model = createDetailedTiming(kernels);
      const w = new TickWork(spec, cores, ["dense"], 4);
      for (let tick = 0; tick < 200; tick++) {
        w.reset();
        const soma = cores.map(() => [0, 0, 0]);
        const P = rng.nextBelow(60);
        for (let p = 0; p < P; p++) {
          const c = rng.nextBelow(cores.length);
          const s = soma[c];
          const accessed = 1 + rng.nextBelow(20);
          s[0] += accessed; s[1] += rng.nextBelow(accessed + 1); s[2]++;
          w.addPacketSynOps(w.addPacket(c, rng.nextBelow(cores.length), s[0], s[1], s[2]), 0, rng.nextBelow(12));
        }
        cores.forEach((_, c) => {
          const idle = rng.nextBelow(40);
          w.neuronsAccessed[c] = soma[c][0] + idle;
          w.neuronsUpdated[c] = soma[c][1] + rng.nextBelow(idle + 1);
          w.neuronsFired[c] = soma[c][2];
        });
        w.syncTiles = 1;
        expect(model.tickLatencyNs(w, spec), `${kernels} tick ${tick}`).toBeGreaterThanOrEqual(simpleTickLatencyNs(w, spec) - 1e-9);
      }
    }
  });
});
