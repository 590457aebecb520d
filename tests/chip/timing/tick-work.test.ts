import { describe, expect, it } from "vitest";
import { TickWork } from "../../../chip/timing/types.ts";
import { timingSpec } from "./spec-fixture.ts";

describe("TickWork", () => {
  const spec = timingSpec(4, 2, 2);

  it("derives tile coordinates from row-major core ids and rejects ids outside the mesh", () => {
    // core id 11 → tile 5 → x = 5 mod 4 = 1, y = 1; second core of its tile.
    const w = new TickWork(spec, [0, 11, 6], ["dense"]);
    expect([w.coreTileX[1], w.coreTileY[1], w.coreInTile[1]]).toEqual([1, 1, 1]);
    expect([w.coreTileX[2], w.coreTileY[2], w.coreInTile[2]]).toEqual([3, 0, 0]);
    expect(() => new TickWork(spec, [16], ["dense"])).toThrowError(expect.objectContaining({ code: "E_TIMING_CORE" }));
  });

  it("records packets with signed hops, counts packets in/out and synaptic events, grows and resets", () => {
    const w = new TickWork(spec, [0, 11, 6], ["dense", "conv"], 1);
    const p0 = w.addPacket(0, 1, 1, 1, 1);
    w.addPacketSynOps(p0, 1, 5);
    const p1 = w.addPacket(1, 2, 3, 2, 1);
    w.addPacketSynOps(p1, 0, 2);
    const p2 = w.addPacket(1, 1, 3, 2, 1);
    w.addPacketSynOps(p2, 0, 4);
    expect(w.packetCount).toBe(3);
    expect([w.packetDx[0], w.packetDy[0], w.packetDx[1], w.packetDy[1], w.packetDx[2], w.packetDy[2]]).toEqual([1, 1, 2, -1, 0, 0]);
    expect(Array.from(w.packetsOut)).toEqual([1, 2, 0]);
    expect(Array.from(w.packetsIn)).toEqual([0, 2, 1]);
    // synOps are booked at the receiving core: core 1 got 5 conv + 4 dense, core 2 got 2 dense.
    expect(Array.from(w.synOps)).toEqual([0, 0, 4, 5, 2, 0]);
    expect(Array.from(w.packetSynOps.subarray(0, 6))).toEqual([0, 5, 2, 0, 4, 0]);
    expect(w.packetAccessed[1]).toBe(3);
    w.reset();
    expect(w.packetCount).toBe(0);
    expect(Array.from(w.synOps).every((x) => x === 0)).toBe(true);
    expect(Array.from(w.packetSynOps.subarray(0, 6)).every((x) => x === 0)).toBe(true);
    expect(Array.from(w.packetsIn).every((x) => x === 0)).toBe(true);
  });
});
