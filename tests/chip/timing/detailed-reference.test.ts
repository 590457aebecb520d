/**
 * The optimised detailed scheduler (arrival heap of FIFO heads, routes kept per message, costs cached)
 * against a plain transcription of the schedule in chip/timing/detailed.ts's header: every receiving
 * core visited in SANA-FE order whenever a message may have arrived, routes recomputed when messages
 * leave. Random ticks on a small mesh, compared bit for bit, for both schedulers: the TypeScript one and
 * the WebAssembly kernel (with its route table, and walking the mesh).
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/rng.ts";
import { TickWork } from "../../../chip/timing/types.ts";
import { createDetailedTiming } from "../../../chip/timing/detailed.ts";
import { WasmDetailedScheduler } from "../../../chip/timing/detailed-wasm.ts";
import type { TimingModel } from "../../../chip/timing/types.ts";
import { syncLatencyNs, timingCosts } from "../../../chip/timing/costs.ts";
import { StdMinHeap } from "../../../chip/timing/std-heap.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { timingSpec, type FixtureLatencies } from "./spec-fixture.ts";

const DIRECTIONS = 4;

/** Links of the XY route from core s to core d (SANA-FE's NocInfo::idx order), as in detailed.ts. */
function routeOf(w: TickWork, s: number, d: number, H: number, L: number): number[] {
  const sx = w.coreTileX[s], sy = w.coreTileY[s], dx = w.coreTileX[d], dy = w.coreTileY[d];
  const inject = DIRECTIONS + w.coreInTile[s];
  const out: number[] = [];
  let prev = inject;
  const xi = sx < dx ? 1 : -1;
  const yi = sy < dy ? 1 : -1;
  for (let x = sx; x !== dx; x += xi) { const dir = xi > 0 ? 1 : 3; out.push((x * H + sy) * L + (x === sx ? inject : dir)); prev = dir; }
  for (let y = sy; y !== dy; y += yi) { const dir = yi > 0 ? 0 : 2; out.push((dx * H + y) * L + (sx === dx && y === sy ? inject : prev)); prev = dir; }
  out.push((dx * H + dy) * L + (sx === dx && sy === dy ? inject : prev));
  return out;
}

function referenceNs(w: TickWork, spec: ChipSpec): number {
  const k = timingCosts(spec, w.encodings);
  const C = w.coreCount, E = w.encodings.length, H = spec.mesh.heightTiles, L = DIRECTIONS + spec.mesh.coresPerTile, B = spec.mesh.linkBufferPackets;
  const gen: number[] = [], proc: number[] = [], minHop: number[] = [], hops: number[] = [], src: number[] = [], dst: number[] = [], nextInCore: number[] = [];
  const first = new Array<number>(C).fill(-1), lastOf = new Array<number>(C).fill(-1);
  const prev = Array.from({ length: C }, () => [0, 0, 0]);
  const add = (c: number, g: number, p: number, d: number, dx: number, dy: number): void => {
    const m = gen.length;
    gen.push(g); proc.push(p); dst.push(d); src.push(c); hops.push(Math.abs(dx) + Math.abs(dy));
    // No hop: t_inTile between two cores of a tile, nothing to the own core.
    minHop.push(dx === 0 && dy === 0 ? (d === c || d < 0 ? 0 : k.inTileNs) : Math.abs(dx) * k.hopEastWestNs + Math.abs(dy) * k.hopNorthSouthNs); nextInCore.push(-1);
    if (first[c] < 0) first[c] = m; else nextInCore[lastOf[c]] = m;
    lastOf[c] = m;
  };
  for (let p = 0; p < w.packetCount; p++) {
    const c = w.packetSrc[p];
    const [a0, u0, f0] = prev[c];
    const da = w.packetAccessed[p] - a0, du = w.packetUpdated[p] - u0;
    const g = da * k.accessNs + du * k.updateNs + (da - du) * k.inactiveNs + (w.packetFired[p] - f0) * k.spikeOutNs + k.packetOutNs;
    prev[c] = [w.packetAccessed[p], w.packetUpdated[p], w.packetFired[p]];
    let d = k.packetInNs;
    for (let e = 0; e < E; e++) d += w.packetSynOps[p * E + e] * k.synOpNs[e];
    add(c, g, d, w.packetDst[p], w.packetDx[p], w.packetDy[p]);
  }
  for (let c = 0; c < C; c++) {
    const da = w.neuronsAccessed[c] - prev[c][0], du = w.neuronsUpdated[c] - prev[c][1];
    const rest = da * k.accessNs + du * k.updateNs + (da - du) * k.inactiveNs + (w.neuronsFired[c] - prev[c][2]) * k.spikeOutNs;
    if (rest !== 0) add(c, rest, 0, -1, 0, 0);
  }
  const M = gen.length;
  const sent = new Float64Array(M), received = new Float64Array(M);
  const density = new Float64Array(spec.mesh.widthTiles * spec.mesh.heightTiles * L);
  const fifo: number[][] = Array.from({ length: C }, () => []);
  const freeAt = new Float64Array(C);
  const order = Array.from({ length: C }, (_, c) => c).sort((a, b) => (w.coreTileX[a] * H + w.coreTileY[a]) * 65536 + w.coreInTile[a] - ((w.coreTileX[b] * H + w.coreTileY[b]) * 65536 + w.coreInTile[b]));
  const heap = new StdMinHeap(sent, M + 1);
  for (const c of order) if (first[c] >= 0) { sent[first[c]] = gen[first[c]]; heap.push(first[c]); }
  let inFlight = 0, mean = 0, last = 0;
  while (heap.size > 0) {
    const m = heap.pop();
    const t = sent[m];
    if (t > last) last = t;
    for (const c of order) {
      while (fifo[c].length > 0 && t >= received[fifo[c][0]]) {
        const h = fifo[c].shift()!;
        for (const l of routeOf(w, src[h], dst[h], H, L)) density[l] += -1 / (2 + hops[h]);
        if (inFlight > 1) mean += (mean - proc[h]) / (inFlight - 1); else mean = 0;
        inFlight--;
      }
    }
    const d = dst[m];
    if (d >= 0) {
      const route = routeOf(w, src[m], d, H, L);
      let rho = 0;
      for (const l of route) rho += density[l];
      const capacity = (hops[m] + 1) * B;
      if (rho > capacity) sent[m] += (rho - capacity) * mean;
      const earliest = sent[m] + Math.max(minHop[m], (rho * mean) / (hops[m] + 1));
      received[m] = Math.max(freeAt[d], earliest);
      freeAt[d] = Math.max(freeAt[d] + proc[m], earliest + proc[m]);
      if (freeAt[d] > last) last = freeAt[d];
      for (const l of route) density[l] += 1 / (2 + hops[m]);
      mean += (proc[m] - mean) / (inFlight + 1);
      inFlight++;
      fifo[d].push(m);
    }
    const next = nextInCore[m];
    if (next >= 0) { sent[next] = sent[m] + gen[next]; heap.push(next); if (sent[next] > last) last = sent[next]; }
  }
  return last + syncLatencyNs(spec.sync, w.syncTiles);
}

/** The schedulers under test: TypeScript, WebAssembly with the route table, WebAssembly walking the mesh. */
function schedulers(): [string, TimingModel][] {
  const wasmModel = createDetailedTiming("wasm");
  expect(wasmModel.kernels).toBe("wasm");
  const walk = new WasmDetailedScheduler({ maxRouteTableLinks: 0 });
  return [
    ["typescript", createDetailedTiming("js")],
    ["webassembly", wasmModel],
    ["webassembly, no route table", { name: "detailed", tickLatencyNs: (w, spec) => walk.tickLatencyNs(w, spec) }],
  ];
}

describe("detailed timing equals the plain schedule, bit for bit", () => {
  const cases: [string, FixtureLatencies][] = [
    ["SANA-FE's costs (no inactive or in-tile latency)", { synConv: 0.75 }],
    ["Loihi's inactive-compartment and in-tile latencies", { synConv: 0.75, inactive: 1.25, inTile: 0.5 }],
  ];
  it.each(schedulers().flatMap(([name, model]) => cases.map(([what, lat]) => [name, what, model, lat] as const)))("%s, %s: on 300 random ticks of a 3×3×2 mesh, with congestion, blocking, ties and two encodings", (_, __, model, lat) => {
    const spec = timingSpec(3, 3, 2, lat, 2, [{ tiles: 1, latencyNs: 3 }]);
    const cores = [0, 1, 2, 3, 5, 8, 9, 12, 16, 17];
    const w = new TickWork(spec, cores, ["conv", "dense"], 4);
    const rng = createRng(11);
    const sanafeCosts = timingSpec(3, 3, 2, { synConv: 0.75 }, 2, [{ tiles: 1, latencyNs: 3 }]);
    let checked = 0;
    let changed = 0;
    for (let tick = 0; tick < 300; tick++) {
      w.reset();
      const soma = cores.map(() => [0, 0, 0]);
      // Some ticks exceed the WebAssembly scheduler's first layout (1024 messages), so it grows mid-run.
      const P = rng.nextBelow(tick % 7 === 0 ? 200 : tick % 50 === 3 ? 3000 : 40);
      for (let p = 0; p < P; p++) {
        const c = rng.nextBelow(cores.length);
        const s = soma[c];
        s[0] += rng.nextBelow(4); s[1] += rng.nextBelow(3); if (rng.nextFloat() < 0.7) s[2]++;
        const q = w.addPacket(c, rng.nextBelow(cores.length), s[0], Math.min(s[0], s[1]), s[2]);
        w.addPacketSynOps(q, rng.nextBelow(2), 1 + rng.nextBelow(30));
      }
      cores.forEach((_, c) => { w.neuronsAccessed[c] = soma[c][0] + rng.nextBelow(5); w.neuronsUpdated[c] = Math.min(soma[c][1], w.neuronsAccessed[c]); w.neuronsFired[c] = soma[c][2]; });
      w.syncTiles = 1 + rng.nextBelow(4);
      const want = referenceNs(w, spec);
      expect(model.tickLatencyNs(w, spec), `tick ${tick}`).toBe(want);
      if (want !== referenceNs(w, sanafeCosts)) changed++;
      checked++;
    }
    expect(checked).toBe(300);
    // The inactive and in-tile latencies are on the schedule's critical path on most of these ticks.
    if (lat.inactive === undefined) expect(changed).toBe(0);
    else expect(changed).toBeGreaterThan(150);
  });

  it.each(schedulers())("%s: with more than 1024 cores (no per-pair route cache or table)", (_, model) => {
    const spec = timingSpec(34, 34, 1, {}, 1);
    const cores = Array.from({ length: 1100 }, (_, i) => i);
    const w = new TickWork(spec, cores, ["dense"], 4);
    const rng = createRng(5);
    for (let tick = 0; tick < 12; tick++) {
      w.reset();
      const soma = cores.map(() => [0, 0, 0]);
      for (let p = 0; p < 300; p++) {
        const c = rng.nextBelow(40);
        const s = soma[c];
        s[0] += 1 + rng.nextBelow(3); s[1] += rng.nextBelow(2); s[2]++;
        w.addPacketSynOps(w.addPacket(c, rng.nextBelow(cores.length), s[0], Math.min(s[0], s[1]), s[2]), 0, 1 + rng.nextBelow(9));
      }
      cores.forEach((_, c) => { w.neuronsAccessed[c] = soma[c][0]; w.neuronsUpdated[c] = soma[c][1]; w.neuronsFired[c] = soma[c][2]; });
      w.syncTiles = 1;
      expect(model.tickLatencyNs(w, spec), `tick ${tick}`).toBe(referenceNs(w, spec));
    }
  });
});
