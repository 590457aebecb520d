import { describe, expect, it } from "vitest";
import { TickWork } from "../../../chip/timing/types.ts";
import { createDetailedTiming, detailedTickLatencyNs } from "../../../chip/timing/detailed.ts";
import { simpleTickLatencyNs } from "../../../chip/timing/simple.ts";
import { timingSpec } from "./spec-fixture.ts";

// Latencies (ns): access 2, update 3, spike 10, out 5, in 7, dense 1, hop east-west 4, north-south 6.
describe("detailed timing (SANA-FE's message schedule)", () => {
  it("one packet: sent after its soma work, arrives after the hop delay, processed at the receiver", () => {
    const spec = timingSpec(2, 1, 1);
    const w = new TickWork(spec, [0, 1], ["dense"]);
    w.neuronsAccessed.set([1, 1]);
    w.neuronsUpdated.set([1, 0]);
    w.neuronsFired.set([1, 0]);
    w.addPacketSynOps(w.addPacket(0, 1, 1, 1, 1), 0, 3);
    w.syncTiles = 2;
    // send = 2 + 3 + 10 + 5 = 20; network = max(1 hop · 4, congestion 0) = 4; received 24;
    // processing 7 + 3·1 = 10 → done at 34. Core 1's placeholder (its access, 2 ns) ends earlier.
    expect(detailedTickLatencyNs(w, spec)).toBe(34);
    // The analytical model overlaps the hop and the processing with the sender: max(20, 10) = 20.
    expect(simpleTickLatencyNs(w, spec)).toBe(20);
  });

  it("two senders tied at the same time reach one receiver in libstdc++'s heap order", () => {
    const spec = timingSpec(3, 1, 1);
    const w = new TickWork(spec, [0, 1, 2], ["dense"]);
    w.neuronsAccessed.set([1, 1, 1]);
    w.neuronsUpdated.set([1, 1, 0]);
    w.neuronsFired.set([1, 1, 0]);
    w.addPacketSynOps(w.addPacket(0, 2, 1, 1, 1), 0, 3);
    w.addPacketSynOps(w.addPacket(1, 2, 1, 1, 1), 0, 3);
    w.syncTiles = 3;
    // Both packets are sent at 20. Queue after the pushes (core 0, core 1, core 2's placeholder at 2):
    // [ph, m1, m0]; popping ph leaves m1 on top, so core 1's packet goes first:
    //   m1: 1 hop, network 4 → received 24, receiver busy until 34; it adds 1/3 to its 2 links.
    //   m0: 2 hops; its route shares core 2's input link: ρ = 1/3, μ = 10, congestion (1/3)·10/3 < 8
    //       → network 8, earliest 28, but the receiver is busy until 34 → done at 44.
    // (Had m0 gone first the tick would end at 48.)
    expect(detailedTickLatencyNs(w, spec)).toBe(44);
  });

  it("blocks a sender when its route holds more messages than the link buffers (link_buffer_size)", () => {
    // One core sending 6 packets to itself (0 hops: one link, capacity = 1·B, each message adds 1/2).
    // Soma costs: only the spike (1 ns) → every packet is sent 1 ns after the previous one; each takes
    // 7 + 3 = 10 ns to process. 100 more neurons fire without packets: a 100 ns placeholder at the end.
    const lat = { access: 0, update: 0, spike: 1, out: 0, in: 7, hopEW: 4, hopNS: 6 };
    const build = (B: number) => {
      const spec = timingSpec(1, 1, 1, lat, B);
      const w = new TickWork(spec, [0], ["dense"]);
      for (let k = 1; k <= 6; k++) w.addPacketSynOps(w.addPacket(0, 0, k, k, k), 0, 3);
      w.neuronsAccessed[0] = 106;
      w.neuronsUpdated[0] = 106;
      w.neuronsFired[0] = 106;
      w.syncTiles = 1;
      return { spec, w };
    };
    // B = 1, hand trace (send → received, receiver free): m0 1 → 1, 11 (leaves the network at 2);
    // m1 2 → 11, 21; m2 3: ρ = .5, net 5 → 21, 31; m3 4: ρ = 1, net 10 → 31, 41;
    // m4 5: ρ = 1.5 > 1 → blocked (1.5 − 1)·μ(10) = 5, sent 10 → 41, 51; m5 queued at 10 + 1 = 11,
    // m1 leaves, ρ = 1.5 → blocked 5, sent 16 → 51, 61; placeholder at 16 + 100 = 116.
    const tight = build(1);
    expect(detailedTickLatencyNs(tight.w, tight.spec)).toBe(116);
    // B = 16: nothing blocks; the receiver finishes at 61, the placeholder ends the tick at 106.
    const roomy = build(16);
    expect(detailedTickLatencyNs(roomy.w, roomy.spec)).toBe(106);
  });

  it("adds the sync latency of the mapped tiles and reuses its scratch across ticks", () => {
    const spec = timingSpec(2, 1, 1, {}, 16, [{ tiles: 1, latencyNs: 600 }, { tiles: 3, latencyNs: 1000 }]);
    const model = createDetailedTiming();
    const w = new TickWork(spec, [0, 1], ["dense"], 1);
    for (let tick = 0; tick < 3; tick++) {
      w.reset();
      w.neuronsAccessed.set([1, 1]);
      w.neuronsUpdated.set([1, 0]);
      w.neuronsFired.set([1, 0]);
      w.addPacketSynOps(w.addPacket(0, 1, 1, 1, 1), 0, 3);
      w.syncTiles = 2;
      expect(model.tickLatencyNs(w, spec)).toBe(34 + 1000);
    }
    // An idle tick with no neurons costs only the barrier.
    w.reset();
    expect(model.tickLatencyNs(w, spec)).toBe(1000);
  });
});
