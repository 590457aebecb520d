/**
 * `detailed` timing: SANA-FE's semi-analytical message schedule (schedule_messages_timestep_detailed,
 * src/schedule.cpp at 8951ab0), computed from a TickWork.
 *
 * Messages. Each core's packets, in emission order, become messages with
 *   generation g = (soma work since the core's previous packet) + t_out, the soma work being
 *                 Δaccessed·t_access + Δupdated·t_update + (Δaccessed − Δupdated)·t_inactive + Δfired·t_spike
 *                 (the first packet counts from 0)
 *   processing d = t_in + Σ_e synOps_e·t_syn(e)      (at the receiving core)
 *   min hop      = |dx|·t_hopEW + |dy|·t_hopNS, or t_inTile for a message between two cores of one tile
 * plus a placeholder (no destination) carrying the core's remaining soma work when it is not 0.
 *
 * t_inactive (latencyNeuronInactiveNs: Loihi's inactive update, Davies et al. 2018 Table 2; the `simple`
 * model's (accessed − updated)·t_inactive) is soma work like an access or an update: SANA-FE adds each
 * neuron's soma latency, in the core's processing order, to the delay of the core's next message, and the
 * work after the last spike to a placeholder. So an idle compartment processed before a firing neuron
 * delays that neuron's packets, and idle compartments after the last one lengthen the placeholder; summed
 * over a core's messages, the soma work is exactly simple's gen(c) without t_out. (0 in SANA-FE files.)
 * t_inTile (latencyInTileSpikeNs, Davies Table 2 "within-tile spike latency") is the network delay floor of
 * a message that changes core but not tile, the messages the energy report bills at energyInTileSpikePj
 * (packetsInTile); a message to its own core (packetsLocal) has none, and inter-tile messages pay only
 * their hops. SANA-FE files have no in-tile cost, so their schedule is unchanged.
 *
 * Schedule. A priority queue ordered by send time holds each core's next message (the first is sent at
 * its g, each next one at the previous one's send time + its g). Popping message m at time s:
 *   1. messages in flight whose receive time ≤ s leave the network;
 *   2. congestion: the message's XY route is a list of router links (the source core's injection
 *      link, the links it leaves each router by, and the final link); every message in flight adds
 *      1/(hops + 2) to each link of its route. ρ = Σ density over m's route; capacity = (hops+1)·B
 *      (B = link buffer packets); μ = mean processing delay of the messages in flight;
 *      if ρ > capacity: m is blocked for (ρ − capacity)·μ (its send time, and its core, move on);
 *      network delay = max(min hop, ρ·μ/(hops + 1));
 *      received = max(receiver free, send + network); receiver free ← max(free + d, send + network + d);
 *   3. m enters the network; the core's next message is queued at (m's send time + its g).
 * The tick ends at the latest send/processed time, plus the learning phase (costs.ts learningPhaseNs; 0
 * without plasticity, so SANA-FE's networks are unaffected), plus sync(syncTiles).
 *
 * Ties: the queue follows libstdc++'s heap rules (std-heap.ts), cores enter it in SANA-FE's core order
 * (tile id = x·height + y, then the core's place in its tile), and messages leave the network core by
 * core in that order, so equal-time events resolve as in SANA-FE.
 */
import type { ChipSpec } from "../spec/types.ts";
import { learningPhaseNs, syncLatencyNs, timingCosts, type TimingCosts } from "./costs.ts";
import { StdMinHeap } from "./std-heap.ts";
import { AerchipError } from "../../core/diagnostics.ts";
import { defaultKernels, wasmKernelsAvailable, type KernelChoice } from "../sim/wasm/kernels.ts";
import { WasmDetailedScheduler } from "./detailed-wasm.ts";
import { linksPerRouter as linksPerRouterOf, routeLength, sanafeCoreOrder, writeRouteLinks } from "./mesh-links.ts";
import type { TickWork, TimingModel } from "./types.ts";


/** Reusable scratch for the detailed schedule; one per simulation (not thread-safe). */
export class DetailedScheduler {
  private cap = 0;
  private gen = new Float64Array(0);
  private proc = new Float64Array(0);
  private minHop = new Float64Array(0);
  private sent = new Float64Array(0);
  private received = new Float64Array(0);
  private src = new Int32Array(0);
  private dst = new Int32Array(0);
  private hops = new Int32Array(0);
  private nextInCore = new Int32Array(0);
  private fifoNext = new Int32Array(0);
  private heap = new StdMinHeap(new Float64Array(0));
  private density = new Float64Array(0);
  private route = new Int32Array(64);
  /** Per message: its links in routeBuf [routeStart, routeStart + routeLen) while it is in the network. */
  private routeStart = new Int32Array(0);
  private routeLen = new Int32Array(0);
  private routeBuf = new Int32Array(1024);
  private costsSpec: ChipSpec | undefined;
  private costsEncodings: readonly string[] | undefined;
  private costs: TimingCosts | undefined;
  private rankFor: readonly number[] | undefined;
  private rank = new Int32Array(0);
  private readyBits = new Uint32Array(0);
  private heads = new Int32Array(0);
  private headKey = new Float64Array(0);

  tickLatencyNs(work: TickWork, spec: ChipSpec): number {
    const k = this.costsFor(spec, work.encodings);
    const C = work.coreCount;
    const E = work.encodings.length;
    const P = work.packetCount;
    this.ensure(P + C, spec);
    const { gen, proc, minHop, sent, received, src, dst, hops, nextInCore, fifoNext, density, routeStart, routeLen } = this;
    let routeBuf: Int32Array = this.routeBuf;
    let routeUsed = 0;
    const pairOffset = this.pairCache(work);
    const H = spec.mesh.heightTiles;
    const linksPerRouter = linksPerRouterOf(spec);
    const B = spec.mesh.linkBufferPackets;
    density.fill(0);

    // SANA-FE's core order: tile id x·H + y (tiles are numbered column-major there), then core in tile.
    const order = this.coreOrder(work, H);
    const { firstOf, lastOf, accPrev, updPrev, firPrev, freeAt, fifoHead, fifoTail } = this.perCore(C);
    firstOf.fill(-1);
    lastOf.fill(-1);
    accPrev.fill(0);
    updPrev.fill(0);
    firPrev.fill(0);
    freeAt.fill(0);
    fifoHead.fill(-1);
    fifoTail.fill(-1);
    let M = 0;
    for (let p = 0; p < P; p++) {
      const c = work.packetSrc[p];
      const a = work.packetAccessed[p];
      const u = work.packetUpdated[p];
      const f = work.packetFired[p];
      const da = a - accPrev[c];
      const du = u - updPrev[c];
      gen[M] = da * k.accessNs + du * k.updateNs + (da - du) * k.inactiveNs + (f - firPrev[c]) * k.spikeOutNs + k.packetOutNs;
      accPrev[c] = a;
      updPrev[c] = u;
      firPrev[c] = f;
      let d = k.packetInNs;
      for (let e = 0; e < E; e++) d += work.packetSynOps[p * E + e] * k.synOpNs[e];
      proc[M] = d;
      const dx = work.packetDx[p];
      const dy = work.packetDy[p];
      hops[M] = Math.abs(dx) + Math.abs(dy);
      src[M] = c;
      dst[M] = work.packetDst[p];
      minHop[M] = hops[M] === 0 ? (dst[M] === c ? 0 : k.inTileNs) : Math.abs(dx) * k.hopEastWestNs + Math.abs(dy) * k.hopNorthSouthNs;
      nextInCore[M] = -1;
      if (firstOf[c] < 0) firstOf[c] = M;
      else nextInCore[lastOf[c]] = M;
      lastOf[c] = M;
      M++;
    }
    for (let c = 0; c < C; c++) {
      const da = work.neuronsAccessed[c] - accPrev[c];
      const du = work.neuronsUpdated[c] - updPrev[c];
      const rest = da * k.accessNs + du * k.updateNs + (da - du) * k.inactiveNs + (work.neuronsFired[c] - firPrev[c]) * k.spikeOutNs;
      if (rest !== 0) {
        gen[M] = rest;
        proc[M] = 0;
        src[M] = c;
        dst[M] = -1;
        hops[M] = 0;
        minHop[M] = 0;
        nextInCore[M] = -1;
        if (firstOf[c] < 0) firstOf[c] = M;
        else nextInCore[lastOf[c]] = M;
        lastOf[c] = M;
        M++;
      }
    }

    // Network state. When messages leave the network only the receiving cores whose FIFO head has
    // arrived are visited: heads not yet arrived wait in a min-heap by arrival time; arrived ones are
    // flagged in a bit set indexed by the core's position in SANA-FE's order and visited in that order
    // (so the density and mean updates happen in exactly SANA-FE's sequence). Each message's route is
    // computed once, when it enters the network.
    let inFlight = 0;
    let mean = 0;
    const heap = this.heap;
    heap.key = sent;
    heap.clear();
    const { rankOf, ready, heads, headKey } = this.orderIndex(order, C);
    ready.fill(0);
    let nHeads = 0;
    for (const c of order) {
      const m = firstOf[c];
      if (m < 0) continue;
      sent[m] = gen[m];
      heap.push(m);
    }
    let last = 0;
    while (heap.size > 0) {
      const m = heap.pop();
      const t = sent[m];
      if (t > last) last = t;
      // 1. Messages received by t leave the network (receiving cores in SANA-FE order, FIFO each).
      if (nHeads > 0 && headKey[heads[0]] <= t) {
        while (nHeads > 0 && headKey[heads[0]] <= t) {
          const c = heads[0];
          nHeads = popHead(heads, headKey, nHeads);
          const rank = rankOf[c];
          ready[rank >> 5] |= 1 << (rank & 31);
        }
        for (let w = 0; w < ready.length; w++) {
          let bits = ready[w];
          ready[w] = 0;
          while (bits !== 0) {
            const low = bits & -bits;
            bits ^= low;
            const c = order[(w << 5) + 31 - Math.clz32(low)];
            let h = fifoHead[c];
            while (h >= 0 && t >= received[h]) {
              const amount = -1 / (2 + hops[h]);
              const r0 = routeStart[h];
              const r1 = r0 + routeLen[h];
              const links = pairOffset !== undefined ? this.pairLinks : routeBuf;
              for (let i = r0; i < r1; i++) density[links[i]] += amount;
              if (inFlight > 1) mean += (mean - proc[h]) / (inFlight - 1);
              else mean = 0;
              inFlight--;
              h = fifoNext[h];
            }
            fifoHead[c] = h;
            if (h < 0) fifoTail[c] = -1;
            else {
              headKey[c] = received[h];
              nHeads = pushHead(heads, headKey, nHeads, c);
            }
          }
        }
      }
      const d = dst[m];
      if (d >= 0) {
        // 2. Congestion along the route, blocking, network delay, arrival at the receiver. Routes depend
        // only on (source core, destination core): computed once per pair and kept.
        let r0: number;
        let n: number;
        if (pairOffset !== undefined) {
          const key = src[m] * C + d;
          r0 = pairOffset[key];
          if (r0 < 0) r0 = this.cachePairRoute(work, m, key, H, linksPerRouter);
          n = this.pairLength[key];
        } else {
          n = this.routeLinks(work, m, H, linksPerRouter);
          if (routeUsed + n > routeBuf.length) routeBuf = this.growRouteBuf(routeUsed + n);
          for (let i = 0; i < n; i++) routeBuf[routeUsed + i] = this.route[i];
          r0 = routeUsed;
          routeUsed += n;
        }
        const links = pairOffset !== undefined ? this.pairLinks : routeBuf;
        let rho = 0;
        for (let i = r0; i < r0 + n; i++) rho += density[links[i]];
        const capacity = (hops[m] + 1) * B;
        if (rho > capacity) sent[m] += (rho - capacity) * mean;
        const congestion = (rho * mean) / (hops[m] + 1);
        const network = Math.max(minHop[m], congestion);
        const earliest = sent[m] + network;
        received[m] = Math.max(freeAt[d], earliest);
        freeAt[d] = Math.max(freeAt[d] + proc[m], earliest + proc[m]);
        if (freeAt[d] > last) last = freeAt[d];
        // 3. Into the network (its links kept for when it leaves).
        const adjust = 1 / (2 + hops[m]);
        routeStart[m] = r0;
        routeLen[m] = n;
        for (let i = r0; i < r0 + n; i++) density[links[i]] += adjust;
        mean += (proc[m] - mean) / (inFlight + 1);
        inFlight++;
        fifoNext[m] = -1;
        if (fifoTail[d] < 0) {
          fifoHead[d] = m;
          headKey[d] = received[m];
          nHeads = pushHead(heads, headKey, nHeads, d);
        } else fifoNext[fifoTail[d]] = m;
        fifoTail[d] = m;
      }
      const next = nextInCore[m];
      if (next >= 0) {
        sent[next] = sent[m] + gen[next];
        heap.push(next);
        if (sent[next] > last) last = sent[next];
      }
    }
    return last + learningPhaseNs(work.synUpdates, k) + syncLatencyNs(spec.sync, work.syncTiles);
  }

  /** Per (source core, destination core): offset of its route in pairLinks (−1: not computed yet) and length. */
  private pairFor: TickWork | undefined;
  private pairOffsets: Int32Array | undefined;
  private pairLength = new Int32Array(0);
  private pairLinks = new Int32Array(0);
  private pairUsed = 0;

  /** The route cache for `work`'s core table (undefined when C² pairs would take too much memory). */
  private pairCache(work: TickWork): Int32Array | undefined {
    const C = work.coreCount;
    if (C > 1024) return undefined;
    if (this.pairFor !== work || this.pairOffsets === undefined) {
      this.pairOffsets = new Int32Array(C * C).fill(-1);
      this.pairLength = new Int32Array(C * C);
      this.pairLinks = new Int32Array(1024);
      this.pairUsed = 0;
      this.pairFor = work;
    }
    return this.pairOffsets;
  }

  /** Computes message m's route into the pair cache under `key`; returns its offset. */
  private cachePairRoute(work: TickWork, m: number, key: number, H: number, linksPerRouter: number): number {
    const n = this.routeLinks(work, m, H, linksPerRouter);
    if (this.pairUsed + n > this.pairLinks.length) {
      const g = new Int32Array(Math.max(this.pairUsed + n, this.pairLinks.length * 2));
      g.set(this.pairLinks);
      this.pairLinks = g;
    }
    const at = this.pairUsed;
    for (let i = 0; i < n; i++) this.pairLinks[at + i] = this.route[i];
    this.pairUsed += n;
    this.pairOffsets![key] = at;
    this.pairLength[key] = n;
    return at;
  }

  /** Timing costs of (spec, encodings), read once per scheduler rather than per tick. */
  private costsFor(spec: ChipSpec, encodings: readonly string[]): TimingCosts {
    if (this.costs === undefined || this.costsSpec !== spec || this.costsEncodings !== encodings) {
      this.costs = timingCosts(spec, encodings);
      this.costsSpec = spec;
      this.costsEncodings = encodings;
    }
    return this.costs;
  }

  /** Position of each core in `order`, a bit set over positions, and the arrival heap of FIFO heads. */
  private orderIndex(order: readonly number[], C: number): { rankOf: Int32Array; ready: Uint32Array; heads: Int32Array; headKey: Float64Array } {
    if (this.rankFor !== order || this.rank.length !== C) {
      this.rank = new Int32Array(C);
      order.forEach((c, i) => { this.rank[c] = i; });
      this.readyBits = new Uint32Array(Math.ceil(C / 32));
      this.heads = new Int32Array(C);
      this.headKey = new Float64Array(C);
      this.rankFor = order;
    }
    return { rankOf: this.rank, ready: this.readyBits, heads: this.heads, headKey: this.headKey };
  }

  private growRouteBuf(n: number): Int32Array {
    const g = new Int32Array(Math.max(n, this.routeBuf.length * 2));
    g.set(this.routeBuf);
    this.routeBuf = g;
    return g;
  }

  private orderFor: TickWork | undefined;
  private orderCache: readonly number[] = [];
  private coreScratch: CoreScratch | undefined;

  /** Core slots sorted by SANA-FE core id; cached per TickWork (its core table never changes). */
  private coreOrder(work: TickWork, H: number): readonly number[] {
    if (this.orderFor !== work || this.orderCache.length !== work.coreCount) {
      this.orderCache = sanafeCoreOrder(work, H);
      this.orderFor = work;
    }
    return this.orderCache;
  }

  private perCore(C: number): CoreScratch {
    if (this.coreScratch === undefined || this.coreScratch.firstOf.length !== C) {
      this.coreScratch = {
        firstOf: new Int32Array(C), lastOf: new Int32Array(C), accPrev: new Float64Array(C), updPrev: new Float64Array(C),
        firPrev: new Float64Array(C), freeAt: new Float64Array(C), fifoHead: new Int32Array(C), fifoTail: new Int32Array(C),
      };
    }
    return this.coreScratch;
  }

  /** Fills this.route with message m's link indices (SANA-FE's XY route); returns their count. */
  private routeLinks(work: TickWork, m: number, H: number, linksPerRouter: number): number {
    const need = routeLength(work, this.src[m], this.dst[m]);
    if (need > this.route.length) this.route = new Int32Array(need * 2);
    return writeRouteLinks(work, this.src[m], this.dst[m], H, linksPerRouter, this.route, 0);
  }

  private ensure(n: number, spec: ChipSpec): void {
    const links = spec.mesh.widthTiles * spec.mesh.heightTiles * linksPerRouterOf(spec);
    if (this.density.length !== links) this.density = new Float64Array(links);
    if (n <= this.cap) return;
    const cap = Math.max(n, this.cap * 2, 64);
    this.cap = cap;
    this.gen = new Float64Array(cap);
    this.proc = new Float64Array(cap);
    this.minHop = new Float64Array(cap);
    this.sent = new Float64Array(cap);
    this.received = new Float64Array(cap);
    this.src = new Int32Array(cap);
    this.dst = new Int32Array(cap);
    this.hops = new Int32Array(cap);
    this.nextInCore = new Int32Array(cap);
    this.fifoNext = new Int32Array(cap);
    this.routeStart = new Int32Array(cap);
    this.routeLen = new Int32Array(cap);
    this.heap = new StdMinHeap(this.sent, cap);
  }
}

/** Binary min-heap of cores keyed by headKey (the arrival of their FIFO head); returns the new size. */
function pushHead(heads: Int32Array, key: Float64Array, n: number, c: number): number {
  let i = n;
  const k = key[c];
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (key[heads[parent]] <= k) break;
    heads[i] = heads[parent];
    i = parent;
  }
  heads[i] = c;
  return n + 1;
}

/** Removes the root of the heap; returns the new size. */
function popHead(heads: Int32Array, key: Float64Array, n: number): number {
  const size = n - 1;
  if (size === 0) return 0;
  const c = heads[size];
  const k = key[c];
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && key[heads[child + 1]] < key[heads[child]]) child++;
    if (key[heads[child]] >= k) break;
    heads[i] = heads[child];
    i = child;
  }
  heads[i] = c;
  return size;
}

interface CoreScratch {
  readonly firstOf: Int32Array;
  readonly lastOf: Int32Array;
  readonly accPrev: Float64Array;
  readonly updPrev: Float64Array;
  readonly firPrev: Float64Array;
  readonly freeAt: Float64Array;
  readonly fifoHead: Int32Array;
  readonly fifoTail: Int32Array;
}


/** One-off detailed latency (allocates its scratch); use createDetailedTiming() inside a run. */
export function detailedTickLatencyNs(work: TickWork, spec: ChipSpec): number {
  return new DetailedScheduler().tickLatencyNs(work, spec);
}

/**
 * A `detailed` TimingModel with scratch reused across ticks. `kernels` "wasm" (the default unless
 * AERCHIP_KERNELS=js) runs the schedule in WebAssembly (detailed-wasm.ts), "js" with DetailedScheduler;
 * both give bit-identical latencies. Without a WebAssembly memory, or when it cannot grow, the TypeScript
 * scheduler takes over (from that tick on: no tick depends on another's schedule).
 */
export function createDetailedTiming(kernels: KernelChoice = defaultKernels()): TimingModel & { readonly kernels: KernelChoice } {
  let js: DetailedScheduler | undefined;
  let wasm: WasmDetailedScheduler | undefined;
  if (kernels === "wasm" && wasmKernelsAvailable()) {
    try {
      wasm = new WasmDetailedScheduler();
    } catch (e) {
      if (!(e instanceof AerchipError) || e.code !== "E_SIM_WASM_MEMORY") throw e;
    }
  }
  const model: { name: string; kernels: KernelChoice; threadable: true; tickLatencyNs(work: TickWork, spec: ChipSpec): number } = {
    name: "detailed",
    threadable: true,
    kernels: wasm === undefined ? "js" : "wasm",
    tickLatencyNs: (work: TickWork, spec: ChipSpec): number => {
      if (wasm !== undefined) {
        try {
          return wasm.tickLatencyNs(work, spec);
        } catch (e) {
          if (!(e instanceof AerchipError) || e.code !== "E_SIM_WASM_MEMORY") throw e;
          wasm = undefined;
          model.kernels = "js";
        }
      }
      js ??= new DetailedScheduler();
      return js.tickLatencyNs(work, spec);
    },
  };
  return model;
}
