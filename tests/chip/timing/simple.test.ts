import { describe, expect, it } from "vitest";
import { TickWork } from "../../../chip/timing/types.ts";
import { simpleTickLatencyNs } from "../../../chip/timing/simple.ts";
import { syncLatencyNs } from "../../../chip/timing/costs.ts";
import { timingSpec } from "./spec-fixture.ts";

// Latencies: access 2, update 3, spike 10, out 5, in 7, dense 1, conv 0.5 (ns).
describe("simple timing (SANA-FE's analytical model)", () => {
  it("takes the larger of the slowest core's neuron work and the slowest core's message work, plus sync", () => {
    const spec = timingSpec(2, 1, 2, {}, 16, [{ tiles: 1, latencyNs: 100 }, { tiles: 4, latencyNs: 200 }]);
    const w = new TickWork(spec, [0, 1], ["dense", "conv"]);
    w.neuronsAccessed.set([4, 3]);
    w.neuronsUpdated.set([2, 3]);
    w.neuronsFired.set([1, 0]);
    const p0 = w.addPacket(0, 1, 1, 1, 1);
    w.addPacketSynOps(p0, 0, 6);
    const p1 = w.addPacket(0, 0, 1, 1, 1);
    w.addPacketSynOps(p1, 1, 4);
    w.syncTiles = 2;
    // gen(0) = 4·2 + 2·3 + 1·10 + 2·5 = 34; gen(1) = 3·2 + 3·3 = 15
    // recv(1) = 7 + 6·1 = 13; recv(0) = 7 + 4·0.5 = 9; sync(2 tiles) = 200 (first row with tiles ≥ 2)
    expect(simpleTickLatencyNs(w, spec)).toBe(34 + 200);
  });

  it("is bound by message work when a core receives many synaptic events", () => {
    const spec = timingSpec(2, 1, 1);
    const w = new TickWork(spec, [0, 1], ["dense"]);
    w.neuronsAccessed.set([1, 1]);
    w.neuronsUpdated.set([1, 0]);
    w.neuronsFired.set([1, 0]);
    const p = w.addPacket(0, 1, 1, 1, 1);
    w.addPacketSynOps(p, 0, 100);
    w.syncTiles = 2;
    // gen(0) = 2 + 3 + 10 + 5 = 20, recv(1) = 7 + 100 = 107, sync 0
    expect(simpleTickLatencyNs(w, spec)).toBe(107);
    // The model reads the work only: a second call gives the same answer.
    expect(simpleTickLatencyNs(w, spec)).toBe(107);
    expect(w.packetCount).toBe(1);
  });

  it("reads the sync table as step or linear", () => {
    const rows = [{ tiles: 1, latencyNs: 600 }, { tiles: 3, latencyNs: 1000 }, { tiles: 28, latencyNs: 1400 }, { tiles: 29, latencyNs: 1800 }];
    const step = { table: rows, interpolation: "step" as const, source: "t" };
    expect([0, 1, 2, 3, 4, 13, 28, 29, 64].map((k) => syncLatencyNs(step, k))).toEqual([0, 600, 1000, 1000, 1400, 1400, 1400, 1800, 1800]);
    const lin = { table: [{ tiles: 1, latencyNs: 100 }, { tiles: 5, latencyNs: 500 }], interpolation: "linear" as const, source: "t" };
    expect([1, 3, 5, 9].map((k) => syncLatencyNs(lin, k))).toEqual([100, 300, 500, 500]);
  });
});
