/**
 * Counters derived from spike counts at the end of a run (derive-counters.ts) with the WebAssembly kernel.
 */
import { COUNTER_COUNT, CounterKind, type CounterArrays } from "../counters.ts";
import type { SimState } from "../state.ts";
import { assertInMemory, type WasmStateBinding } from "./binding.ts";
import type { WasmKernelExports } from "./kernels.ts";

/** Words of the derive context block: addresses (DX_* of assembly/kernels.ts, in this order), then numbers. */
export const DERIVE_ARRAYS = [
  "spikes", "coreOfNeuron", "routePtr", "routeDestCore", "routeAxon", "routeSynapses", "routeCell", "axonCellStart", "axonCellId",
  "axonCellCount", "cellCore", "cellEncoding", "cellProjection", "hopsEast", "hopsWest", "hopsNorth", "hopsSouth", "packetsLocal",
  "packetsInTile", "perCore", "synOpsByEncoding", "synOpsByProjection", "cellOps", "axonSpikes",
] as const;
export const DERIVE_SHIFTS = ["routeDestCore", "routeSynapses", "hopsEast", "hopsWest", "hopsNorth", "hopsSouth", "packetsLocal", "packetsInTile"] as const;
export const DERIVE_NUMBERS = ["neurons", "axons", "cells", "encodings", "k", "kindSynOps", "kindSpikes", "kindPacketsOut", "kindPacketsIn", "kindHopsEast", "kindHopsWest", "kindHopsNorth", "kindHopsSouth", "kindPacketsInTile", "kindPacketsLocal"] as const;

/**
 * The derivation runs in up to DERIVE_CHUNKS calls of at least DERIVE_CHUNK_MIN neurons: V8 first runs a
 * WebAssembly function in its baseline tier and switches to optimised code between calls (measured on
 * bench_lif10k, 878k routes: 15 ms as one call, about 5 ms in chunks).
 */
const DERIVE_CHUNKS = 16;
const DERIVE_CHUNK_MIN = 512;

export interface DeriveScratch {
  readonly spikes: Float64Array;
  readonly perCore: Float64Array;
  readonly synOpsByEncoding: Float64Array;
  readonly synOpsByProjection: Float64Array;
  readonly cellOps: Float64Array;
  readonly axonSpikes: Float64Array;
  readonly ctx: Uint32Array;
}

/**
 * derive-counters.ts deriveSpikeCounters with the WebAssembly kernel, in three steps so that the kernel can
 * run on another thread of a team (run.ts finish): prepareDerive copies the spike counts into the state's
 * memory and writes the context block; runDeriveKernel (on any thread sharing the memory) sums into zeroed
 * scratch arrays there; foldDerive adds the sums to the run's counters (whole numbers: exact in any order).
 * weightReadBits follows from the total synOps, as there.
 */
export function prepareDerive(b: WasmStateBinding, st: SimState, counters: CounterArrays): DeriveScratch {
  const K = COUNTER_COUNT;
  const E = Math.max(1, st.encodingNames.length);
  const cells = st.cellCore.length;
  const hasCells = st.axonCellStart.length > 0;
  // Per-axon spike counts are needed only for rows that mix projections (cells listed per axon); without
  // any (axonCellId empty: every route has its one cell) the kernel neither writes nor walks them.
  const axons = hasCells && st.axonCellId.length > 0 ? st.coreAxonStart[st.coreCount] : 0;
  const x = deriveScratch(b, st, counters.synOpsByProjection.length, E, cells, axons);
  const sp = counters.spikesPerNeuron;
  x.spikes.set(sp);
  x.perCore.fill(0);
  x.synOpsByEncoding.fill(0);
  x.synOpsByProjection.fill(0);
  x.cellOps.fill(0);
  x.axonSpikes.fill(0);
  const arrays: Record<(typeof DERIVE_ARRAYS)[number], ArrayBufferView> = {
    spikes: x.spikes, coreOfNeuron: st.coreOfNeuron, routePtr: st.routePtr, routeDestCore: st.routeDestCore, routeAxon: st.routeAxon,
    routeSynapses: st.routeSynapses, routeCell: st.routeCell, axonCellStart: st.axonCellStart, axonCellId: st.axonCellId,
    axonCellCount: st.axonCellCount, cellCore: st.cellCore, cellEncoding: st.cellEncoding, cellProjection: st.cellProjection,
    hopsEast: st.neuronHopsEast, hopsWest: st.neuronHopsWest, hopsNorth: st.neuronHopsNorth, hopsSouth: st.neuronHopsSouth,
    packetsLocal: st.neuronPacketsLocal, packetsInTile: st.neuronPacketsInTile, perCore: x.perCore, synOpsByEncoding: x.synOpsByEncoding,
    synOpsByProjection: x.synOpsByProjection, cellOps: x.cellOps, axonSpikes: x.axonSpikes,
  };
  const numbers: Record<(typeof DERIVE_NUMBERS)[number], number> = {
    neurons: st.neuronCount, axons, cells: hasCells ? cells : 0, encodings: E, k: K,
    kindSynOps: CounterKind.synOps, kindSpikes: CounterKind.spikes, kindPacketsOut: CounterKind.packetsOut, kindPacketsIn: CounterKind.packetsIn,
    kindHopsEast: CounterKind.hopsEast, kindHopsWest: CounterKind.hopsWest, kindHopsNorth: CounterKind.hopsNorth, kindHopsSouth: CounterKind.hopsSouth,
    kindPacketsInTile: CounterKind.packetsInTile, kindPacketsLocal: CounterKind.packetsLocal,
  };
  const ctx = x.ctx;
  assertInMemory("ctx", ctx, b.memory);
  let w = 0;
  for (const name of DERIVE_ARRAYS) {
    assertInMemory(name, arrays[name], b.memory);
    ctx[w++] = arrays[name].byteOffset;
  }
  for (const name of DERIVE_SHIFTS) ctx[w++] = Math.log2((arrays[name] as Uint8Array).BYTES_PER_ELEMENT);
  for (const name of DERIVE_NUMBERS) ctx[w++] = numbers[name];
  return x;
}

/** The kernel over neurons [0, N) of the context block at `ctx`, in chunks (see DERIVE_CHUNKS). */
export function runDeriveKernel(k: WasmKernelExports, ctx: number, N: number): void {
  const chunk = Math.max(DERIVE_CHUNK_MIN, Math.ceil(N / DERIVE_CHUNKS));
  for (let n0 = 0; n0 < N; n0 += chunk) k.deriveSpikeCounters(ctx, n0, Math.min(N, n0 + chunk), 0);
  k.deriveSpikeCounters(ctx, N, N, 1);
}

/** The kernel's sums into the run's counters. */
export function foldDerive(x: DeriveScratch, st: SimState, counters: CounterArrays, weightBits: number): void {
  const K = COUNTER_COUNT;
  addInto(counters.perCore, x.perCore);
  addInto(counters.synOpsByEncoding, x.synOpsByEncoding);
  addInto(counters.synOpsByProjection, x.synOpsByProjection);
  const perCore = counters.perCore;
  for (let c = 0; c < st.coreCount; c++) perCore[c * K + CounterKind.weightReadBits] += perCore[c * K + CounterKind.synOps] * weightBits;
}

function addInto(to: Float64Array, from: Float64Array): void {
  for (let i = 0; i < to.length; i++) to[i] += from[i];
}

function deriveScratch(b: WasmStateBinding, st: SimState, projections: number, E: number, cells: number, axons: number): DeriveScratch {
  const have = b.runs.derive;
  if (have !== undefined && have.synOpsByProjection.length === projections && have.synOpsByEncoding.length === st.coreCount * E) return have;
  const a = b.arena.allocator();
  const made: DeriveScratch = {
    spikes: a.f64(st.neuronCount), perCore: a.f64(st.coreCount * COUNTER_COUNT), synOpsByEncoding: a.f64(st.coreCount * E),
    synOpsByProjection: a.f64(projections), cellOps: a.f64(cells), axonSpikes: a.f64(axons),
    ctx: a.u32(DERIVE_ARRAYS.length + DERIVE_SHIFTS.length + DERIVE_NUMBERS.length),
  };
  b.runs.derive = made;
  return made;
}
