/**
 * The `detailed` timing model's schedule (detailed.ts) run by the WebAssembly kernel `detailedSchedule`
 * (chip/sim/wasm/assembly/kernels.ts): same messages, same heaps, same float64 operations in the same
 * order, so every tick's latency is bit-identical to DetailedScheduler's. It is ~3× faster, which matters
 * because SANA-FE's DVS network sends 3.7M packets in 1000 ticks.
 *
 * The scheduler owns a small WebAssembly memory (not the simulator state's: a timing model sees only a
 * TickWork and the ChipSpec). Each tick the TickWork's packet records and per-core soma counts are copied
 * in (~36 bytes per packet, a few µs per tick), the kernel runs, and the tick's latest send or processed
 * time comes back; learning and synchronisation are added here as in detailed.ts.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../spec/types.ts";
import { Wasm, type WasmMemory } from "../sim/wasm/api.ts";
import { WASM_MAX_PAGES } from "../sim/wasm/arena.ts";
import { kernelsFor, type WasmKernelExports } from "../sim/wasm/kernels.ts";
import { learningPhaseNs, syncLatencyNs, timingCosts, type TimingCosts } from "./costs.ts";
import { linksPerRouter, routeLength, sanafeCoreOrder, writeRouteLinks } from "./mesh-links.ts";
import type { TickWork } from "./types.ts";

/** Words of the kernel's context block (TX_* of assembly/kernels.ts, in this order). */
export const TIMING_WORDS = [
  "packetSrc", "packetDst", "packetDx", "packetDy", "packetSynOps", "packetAccessed", "packetUpdated", "packetFired",
  "neuronsAccessed", "neuronsUpdated", "neuronsFired", "coreTileX", "coreTileY", "coreInTile", "order", "rankOf", "synOpNs", "costs",
  "messages", "heap", "firstOf", "lastOf", "accPrev", "updPrev", "firPrev", "freeAt", "fifoHead", "fifoTail", "ready", "heads", "density",
  "pairStart", "pairLinks", "shareOfHops", "packets", "cores", "encodings", "heightTiles", "linksPerRouter", "readyWords", "densityLinks",
] as const;

/** Bytes of one message record (MSG_BYTES of assembly/kernels.ts), and of one heap entry (key, id). */
export const MESSAGE_BYTES = 64;
const HEAP_ENTRY_BYTES = 16;

/**
 * The route table (every core pair's links, built once per core table) is kept when it holds at most this
 * many links (16 MB); larger meshes recompute each route in the kernel, with the same links.
 */
const MAX_TABLE_LINKS = 4 << 20;

const PACKETS_WORD = TIMING_WORDS.indexOf("packets");

/** Float64 words at `costs` (TC_* of assembly/kernels.ts, in this order). */
export const TIMING_COST_WORDS = ["accessNs", "updateNs", "spikeOutNs", "packetOutNs", "packetInNs", "hopEastWestNs", "hopNorthSouthNs", "linkBufferPackets", "inactiveNs", "inTileNs"] as const;

type Word = (typeof TIMING_WORDS)[number];
type ArrayWord = Exclude<Word, "packets" | "cores" | "encodings" | "heightTiles" | "linksPerRouter" | "readyWords" | "densityLinks" | "pairStart" | "pairLinks">;
type Ctor = Float64ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor;

const PAGE_BYTES = 65536;

/** Sizes a layout was made for: cores, encodings, message capacity, mesh links. */
interface Shape {
  readonly C: number;
  readonly E: number;
  readonly cap: number;
  readonly links: number;
}

interface Layout {
  readonly shape: Shape;
  /** First free byte after the layout (the route table goes there). */
  readonly end: number;
  readonly ctx: Int32Array;
  readonly arrays: Record<ArrayWord, Float64Array | Int32Array | Uint32Array | Uint8Array>;
}

export class WasmDetailedScheduler {
  private readonly memory: WasmMemory;
  private readonly k: WasmKernelExports;
  private layout: Layout | undefined;
  private staticFor: TickWork | undefined;
  private costsSpec: ChipSpec | undefined;
  private costsEncodings: readonly string[] | undefined;
  private costs: TimingCosts | undefined;

  private readonly maxTableLinks: number;

  /**
   * Throws E_SIM_WASM_MEMORY when no WebAssembly memory can be made (the caller uses DetailedScheduler).
   * `maxRouteTableLinks`: the largest route table kept (default MAX_TABLE_LINKS; 0 always walks the mesh).
   */
  constructor(options: { readonly maxRouteTableLinks?: number } = {}) {
    this.maxTableLinks = options.maxRouteTableLinks ?? MAX_TABLE_LINKS;
    try {
      this.memory = new Wasm.Memory({ initial: 1, maximum: WASM_MAX_PAGES, shared: true });
      this.k = kernelsFor(this.memory);
    } catch (e) {
      throw noMemory("a WebAssembly memory for the detailed timing model could not be created", e);
    }
  }

  tickLatencyNs(work: TickWork, spec: ChipSpec): number {
    const k = this.costsFor(spec, work.encodings);
    const C = work.coreCount;
    const E = work.encodings.length;
    const P = work.packetCount;
    const L = this.ensure({ C, E, cap: P + C, links: spec.mesh.widthTiles * spec.mesh.heightTiles * linksPerRouter(spec) }, work, spec, k);
    const a = L.arrays;
    a.packetSrc.set(work.packetSrc.subarray(0, P));
    a.packetDst.set(work.packetDst.subarray(0, P));
    a.packetDx.set(work.packetDx.subarray(0, P));
    a.packetDy.set(work.packetDy.subarray(0, P));
    a.packetSynOps.set(work.packetSynOps.subarray(0, P * E));
    a.packetAccessed.set(work.packetAccessed.subarray(0, P));
    a.packetUpdated.set(work.packetUpdated.subarray(0, P));
    a.packetFired.set(work.packetFired.subarray(0, P));
    a.neuronsAccessed.set(work.neuronsAccessed);
    a.neuronsUpdated.set(work.neuronsUpdated);
    a.neuronsFired.set(work.neuronsFired);
    L.ctx[PACKETS_WORD] = P;
    const last = this.k.detailedSchedule(L.ctx.byteOffset);
    return last + learningPhaseNs(work.synUpdates, k) + syncLatencyNs(spec.sync, work.syncTiles);
  }

  private costsFor(spec: ChipSpec, encodings: readonly string[]): TimingCosts {
    if (this.costs === undefined || this.costsSpec !== spec || this.costsEncodings !== encodings) {
      this.costs = timingCosts(spec, encodings);
      this.costsSpec = spec;
      this.costsEncodings = encodings;
      this.staticFor = undefined;
    }
    return this.costs;
  }

  /** A layout holding `need` (made again, larger, when it does not), with the work's core table written. */
  private ensure(need: Shape, work: TickWork, spec: ChipSpec, k: TimingCosts): Layout {
    let L = this.layout;
    if (L === undefined || L.shape.C !== need.C || L.shape.E !== need.E || L.shape.links !== need.links || L.shape.cap < need.cap) {
      const cap = Math.max(need.cap, L === undefined || L.shape.C !== need.C ? 0 : L.shape.cap * 2, 1024);
      L = this.makeLayout({ ...need, cap }, spec);
      this.layout = L;
      this.staticFor = undefined;
    }
    if (this.staticFor !== work) {
      const a = L.arrays;
      a.coreTileX.set(work.coreTileX);
      a.coreTileY.set(work.coreTileY);
      a.coreInTile.set(work.coreInTile);
      const order = sanafeCoreOrder(work, spec.mesh.heightTiles);
      order.forEach((c, i) => { a.order[i] = c; a.rankOf[c] = i; });
      a.synOpNs.set(k.synOpNs);
      const costs = a.costs;
      const values: Record<(typeof TIMING_COST_WORDS)[number], number> = {
        accessNs: k.accessNs, updateNs: k.updateNs, spikeOutNs: k.spikeOutNs, packetOutNs: k.packetOutNs, packetInNs: k.packetInNs,
        hopEastWestNs: k.hopEastWestNs, hopNorthSouthNs: k.hopNorthSouthNs, linkBufferPackets: spec.mesh.linkBufferPackets,
        inactiveNs: k.inactiveNs, inTileNs: k.inTileNs,
      };
      TIMING_COST_WORDS.forEach((w, i) => { costs[i] = values[w]; });
      this.writeRouteTable(L, work, spec);
      this.staticFor = work;
    }
    return L;
  }

  private makeLayout(shape: Shape, spec: ChipSpec): Layout {
    const { C, E, cap, links } = shape;
    const readyWords = Math.ceil(C / 32);
    const maxHops = spec.mesh.widthTiles + spec.mesh.heightTiles - 2;
    const f64 = Float64Array, i32 = Int32Array, u32 = Uint32Array, u8 = Uint8Array;
    const spec_: Record<ArrayWord, [Ctor, number]> = {
      packetSrc: [u32, cap], packetDst: [u32, cap], packetDx: [i32, cap], packetDy: [i32, cap], packetSynOps: [u32, cap * E],
      packetAccessed: [u32, cap], packetUpdated: [u32, cap], packetFired: [u32, cap],
      neuronsAccessed: [f64, C], neuronsUpdated: [f64, C], neuronsFired: [f64, C],
      coreTileX: [u32, C], coreTileY: [u32, C], coreInTile: [u32, C], order: [i32, C], rankOf: [i32, C], synOpNs: [f64, E], costs: [f64, TIMING_COST_WORDS.length],
      messages: [u8, cap * MESSAGE_BYTES], heap: [u8, C * HEAP_ENTRY_BYTES],
      firstOf: [i32, C], lastOf: [i32, C], accPrev: [f64, C], updPrev: [f64, C], firPrev: [f64, C], freeAt: [f64, C],
      fifoHead: [i32, C], fifoTail: [i32, C], ready: [u32, readyWords], heads: [u8, C * HEAP_ENTRY_BYTES], density: [f64, links],
      shareOfHops: [f64, maxHops + 1],
    };
    // Offsets: the context block first, then each array on a 64-byte cache line (a message record is one
    // line); address 0 is never used.
    let top = 64;
    const place = (bytes: number): number => {
      const at = top;
      top = (top + bytes + 63) & ~63;
      return at;
    };
    const ctxAt = place(TIMING_WORDS.length * 4);
    const at = {} as Record<ArrayWord, number>;
    for (const w of Object.keys(spec_) as ArrayWord[]) {
      const [Ctor, n] = spec_[w];
      at[w] = place(Math.max(1, n) * Ctor.BYTES_PER_ELEMENT);
    }
    this.reserve(top);
    const buffer = this.memory.buffer as unknown as ArrayBuffer;
    const ctx = new Int32Array(buffer, ctxAt, TIMING_WORDS.length);
    const arrays = {} as Record<ArrayWord, Float64Array | Int32Array | Uint32Array | Uint8Array>;
    for (const w of Object.keys(spec_) as ArrayWord[]) {
      const [Ctor, n] = spec_[w];
      arrays[w] = new Ctor(buffer, at[w], n);
      ctx[TIMING_WORDS.indexOf(w)] = at[w];
    }
    const counts: Record<Exclude<Word, ArrayWord>, number> = {
      packets: 0, cores: C, encodings: E, heightTiles: spec.mesh.heightTiles, linksPerRouter: linksPerRouter(spec),
      readyWords, densityLinks: links, pairStart: 0, pairLinks: 0,
    };
    for (const [w, v] of Object.entries(counts)) ctx[TIMING_WORDS.indexOf(w as Word)] = v;
    // A message's density on each link of its route: 1 / (hops + 2) (detailed.ts computes it per message).
    const share = arrays.shareOfHops;
    for (let h = 0; h <= maxHops; h++) share[h] = 1 / (2 + h);
    return { shape, end: top, ctx, arrays };
  }

  /**
   * Every core pair's route (mesh-links.ts writeRouteLinks) after the layout, when it fits MAX_TABLE_LINKS:
   * the kernel then reads each route's links instead of walking the mesh three times per message.
   */
  private writeRouteTable(L: Layout, work: TickWork, spec: ChipSpec): void {
    const C = work.coreCount;
    const at = (w: Word): number => TIMING_WORDS.indexOf(w);
    L.ctx[at("pairStart")] = 0;
    L.ctx[at("pairLinks")] = 0;
    let total = 0;
    for (let s = 0; s < C && total <= this.maxTableLinks; s++) for (let d = 0; d < C; d++) total += routeLength(work, s, d);
    if (total > this.maxTableLinks || this.maxTableLinks === 0) return;
    const startAt = L.end;
    const linksAt = (startAt + (C * C + 1) * 4 + 7) & ~7;
    this.reserve(linksAt + total * 4);
    const buffer = this.memory.buffer as unknown as ArrayBuffer;
    const start = new Int32Array(buffer, startAt, C * C + 1);
    const links = new Int32Array(buffer, linksAt, Math.max(1, total));
    const H = spec.mesh.heightTiles;
    const perRouter = linksPerRouter(spec);
    let n = 0;
    for (let s = 0; s < C; s++) {
      for (let d = 0; d < C; d++) {
        start[s * C + d] = n;
        n += writeRouteLinks(work, s, d, H, perRouter, links, n);
      }
    }
    start[C * C] = n;
    L.ctx[at("pairStart")] = startAt;
    L.ctx[at("pairLinks")] = linksAt;
  }

  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil(bytes / PAGE_BYTES);
    if (pages > WASM_MAX_PAGES) throw noMemory(`the detailed timing model needs ${bytes} bytes, more than a WebAssembly memory holds`, undefined);
    try {
      this.memory.grow(pages - have / PAGE_BYTES);
    } catch (e) {
      throw noMemory(`the detailed timing model's WebAssembly memory could not grow to ${bytes} bytes`, e);
    }
  }
}

function noMemory(message: string, cause: unknown): AerchipError {
  return new AerchipError("E_SIM_WASM_MEMORY", message, { field: "timing", hint: "the TypeScript scheduler runs instead (same latencies)", cause });
}
