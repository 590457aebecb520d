/**
 * TickWork: the work one tick did, as the simulator records it, for the swappable timing models.
 *
 * Timing models are pure functions of a TickWork and the ChipSpec: they turn work into the tick's
 * latency and never change spikes. The simulator fills one TickWork per tick (reset() first):
 *
 *  per core slot c (the simulator's core index; `coreIds[c]` is the global core id):
 *    synOps[c·E + e]   synaptic events processed *at* core c (the receiving core) with encoding e
 *    neuronsAccessed   compartments the soma visited (SANA-FE: every mapped neuron, every tick)
 *    neuronsUpdated    compartments counted as updated (SANA-FE's criterion, fired ones included)
 *    neuronsFired      compartments that fired
 *    packetsOut        AER packets core c sent (one per fired neuron and destination core)
 *    packetsIn         AER packets core c received
 *    synUpdates        plastic weight updates (read-modify-writes) of core c's learning engine
 *  Only compartments billed with the chip's soma costs are counted (input neurons are not: SANA-FE
 *  bills them with their input unit, whose costs are 0 in its Loihi file).
 *
 *  per packet p, in emission order (packets of one core keep the order its neurons fired in; within
 *  one neuron, the order of its destinations):
 *    packetSrc, packetDst   core slots; packetDx, packetDy  signed tile offsets dst − src
 *    packetSynOps[p·E + e]  synaptic events the packet triggers at its destination, per encoding
 *    packetAccessed/Updated/Fired  how many compartments of the source core had been accessed /
 *        updated / had fired when the packet was emitted, counting the firing neuron itself, in the
 *        core's processing order. SANA-FE's detailed model charges each packet the soma work done
 *        since the previous packet of its core (the differences of these running counts).
 *
 *  syncTiles: the number the sync table is looked up with (SANA-FE: tiles holding ≥ 1 neuron).
 *
 * Growth doubles the packet arrays; after warm-up a tick allocates nothing.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../spec/types.ts";
import { heapArrays, type ArrayAllocator } from "../sim/alloc.ts";

export class TickWork {
  readonly coreCount: number;
  readonly encodings: readonly string[];
  /** Global core id, tile coordinates and position in the tile of each core slot (fixed). */
  readonly coreIds: Uint32Array;
  readonly coreTileX: Uint32Array;
  readonly coreTileY: Uint32Array;
  readonly coreInTile: Uint32Array;

  readonly synOps: Float64Array;
  readonly neuronsAccessed: Float64Array;
  readonly neuronsUpdated: Float64Array;
  readonly neuronsFired: Float64Array;
  readonly packetsOut: Float64Array;
  readonly packetsIn: Float64Array;
  readonly synUpdates: Float64Array;

  packetCount = 0;
  packetSrc: Uint32Array;
  packetDst: Uint32Array;
  packetDx: Int32Array;
  packetDy: Int32Array;
  packetSynOps: Uint32Array;
  packetAccessed: Uint32Array;
  packetUpdated: Uint32Array;
  packetFired: Uint32Array;

  syncTiles = 0;

  /** Where the packet arrays (and the per-core counts) live: ordinary arrays, or a simulator state's memory. */
  private readonly alloc: ArrayAllocator;

  constructor(spec: ChipSpec, coreIds: ArrayLike<number>, encodings: readonly string[], initialPackets = 1024, alloc: ArrayAllocator = heapArrays) {
    this.alloc = alloc;
    const C = coreIds.length;
    const E = Math.max(1, encodings.length);
    this.coreCount = C;
    this.encodings = encodings.length > 0 ? [...encodings] : [""];
    this.coreIds = Uint32Array.from(coreIds);
    this.coreTileX = alloc.u32(C);
    this.coreTileY = alloc.u32(C);
    this.coreInTile = alloc.u32(C);
    const { widthTiles, heightTiles, coresPerTile } = spec.mesh;
    for (let c = 0; c < C; c++) {
      const id = this.coreIds[c];
      const tile = Math.floor(id / coresPerTile);
      if (tile >= widthTiles * heightTiles) {
        throw new AerchipError("E_TIMING_CORE", `core id ${id} is outside the ${widthTiles}×${heightTiles}×${coresPerTile} mesh of "${spec.name}"`, { field: "coreIds", hint: "build the TickWork with the program's core ids" });
      }
      this.coreTileX[c] = tile % widthTiles;
      this.coreTileY[c] = Math.floor(tile / widthTiles);
      this.coreInTile[c] = id % coresPerTile;
    }
    this.synOps = alloc.f64(C * E);
    this.neuronsAccessed = alloc.f64(C);
    this.neuronsUpdated = alloc.f64(C);
    this.neuronsFired = alloc.f64(C);
    this.packetsOut = alloc.f64(C);
    this.packetsIn = alloc.f64(C);
    this.synUpdates = alloc.f64(C);
    const P = Math.max(1, initialPackets);
    this.packetSrc = alloc.u32(P);
    this.packetDst = alloc.u32(P);
    this.packetDx = alloc.i32(P);
    this.packetDy = alloc.i32(P);
    this.packetSynOps = alloc.u32(P * E);
    this.packetAccessed = alloc.u32(P);
    this.packetUpdated = alloc.u32(P);
    this.packetFired = alloc.u32(P);
  }

  /** Clears the per-tick counters and packets (syncTiles and the core table stay). */
  reset(): void {
    this.synOps.fill(0);
    this.neuronsAccessed.fill(0);
    this.neuronsUpdated.fill(0);
    this.neuronsFired.fill(0);
    this.packetsOut.fill(0);
    this.packetsIn.fill(0);
    this.synUpdates.fill(0);
    this.packetSynOps.fill(0, 0, this.packetCount * this.encodings.length);
    this.packetCount = 0;
  }

  /**
   * Records one packet from core slot `src` to `dst`; also counts packetsOut/packetsIn. Returns its
   * index, so the caller can add its synaptic events with `addPacketSynOps`.
   */
  addPacket(src: number, dst: number, accessedSoFar: number, updatedSoFar: number, firedSoFar: number): number {
    const p = this.packetCount;
    if (p === this.packetSrc.length) this.grow();
    this.packetSrc[p] = src;
    this.packetDst[p] = dst;
    this.packetDx[p] = this.coreTileX[dst] - this.coreTileX[src];
    this.packetDy[p] = this.coreTileY[dst] - this.coreTileY[src];
    this.packetAccessed[p] = accessedSoFar;
    this.packetUpdated[p] = updatedSoFar;
    this.packetFired[p] = firedSoFar;
    this.packetsOut[src]++;
    this.packetsIn[dst]++;
    this.packetCount = p + 1;
    return p;
  }

  /** Adds `count` synaptic events of encoding `e` for packet `p` (also to the destination core's synOps). */
  addPacketSynOps(p: number, e: number, count: number): void {
    const E = this.encodings.length;
    this.packetSynOps[p * E + e] += count;
    this.synOps[this.packetDst[p] * E + e] += count;
  }

  /** Makes room for `more` packets beyond packetCount (callers filling the packet arrays directly). */
  reservePackets(more: number): void {
    while (this.packetCount + more > this.packetSrc.length) this.grow();
  }

  private grow(): void {
    const P = this.packetSrc.length * 2;
    const E = this.encodings.length;
    const g32 = (a: Uint32Array, n: number): Uint32Array => {
      const b = this.alloc.u32(n);
      b.set(a);
      return b;
    };
    const gi32 = (a: Int32Array, n: number): Int32Array => {
      const b = this.alloc.i32(n);
      b.set(a);
      return b;
    };
    this.packetSrc = g32(this.packetSrc, P);
    this.packetDst = g32(this.packetDst, P);
    this.packetDx = gi32(this.packetDx, P);
    this.packetDy = gi32(this.packetDy, P);
    this.packetSynOps = g32(this.packetSynOps, P * E);
    this.packetAccessed = g32(this.packetAccessed, P);
    this.packetUpdated = g32(this.packetUpdated, P);
    this.packetFired = g32(this.packetFired, P);
  }
}

/** A timing model: the latency of one tick from its work. Never changes spikes or counters. */
export interface TimingModel {
  readonly name: string;
  tickLatencyNs(work: TickWork, spec: ChipSpec): number;
  /**
   * true: createTimingModel(name) makes a model with the same latencies, and no tick's latency depends on
   * another tick, so a run may schedule the ticks on a thread of its own (thread.ts). Built-in per-packet
   * models only; absent for user models.
   */
  readonly threadable?: boolean;
}

export const TIMING_MODEL_NAMES = ["simple", "detailed"] as const;
export type TimingModelName = (typeof TIMING_MODEL_NAMES)[number];
