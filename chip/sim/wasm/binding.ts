/**
 * What a state built in a WasmArena carries for the WebAssembly kernels (SimState.wasm), and the calls
 * that run a phase with them: the delivery of one bucket of records, and the update context block that
 * `updateLifUniform` reads (byte addresses of the arrays it uses, and the enum values it compares to).
 *
 * Per-run buffers (fired lists, per-core tallies, input flags) are allocated once with the state and
 * reused by every one-thread run on it (each run clears them), so repeated runs allocate nothing in the
 * memory. A state serves one run at a time, as its neuron state already implies.
 */
import { AerchipError } from "../../../core/diagnostics.ts";
import { ResetMode, ThresholdOp } from "../../program/types.ts";
import { TALLY_COUNT, type UpdateContext } from "../update.ts";
import { COUNTER_COUNT, CounterKind, type CounterArrays } from "../counters.ts";
import type { PlasticityState } from "../plasticity.ts";
import type { SimState } from "../state.ts";
import type { UpdateBuffers } from "../update-context.ts";
import type { WasmMemory } from "./api.ts";
import type { WasmArena } from "./arena.ts";
import type { WasmKernelExports } from "./kernels.ts";

export interface WasmStateBinding {
  readonly memory: WasmMemory;
  /** The arena the state was built in (the main thread allocates run and team buffers from it). */
  readonly arena: WasmArena;
  /**
   * The buffers of runs on this state, allocated on the first run and reused by every later one (a state
   * serves one run at a time): one-thread runs' update buffers, record buffer and context blocks, and each
   * team thread's record buffer and context block.
   */
  readonly runs: WasmRunBuffers;
}

/** See WasmStateBinding.runs; filled by runBuffers / teamThreadBuffers (main thread only). */
export interface WasmRunBuffers {
  update?: Omit<UpdateBuffers, "stimCursor">;
  thread?: WasmThreadBuffers;
  /** Pair STDP: per-core synaptic updates of the tick, and the plasticity context block. */
  stdp?: { readonly coreSynUpdates: Float64Array; readonly ctx: Uint32Array };
  /** Counters derived at the end of a run: scratch sums and the context block. */
  derive?: DeriveScratch;
  /** Spikes sorted by population at the end of a run. */
  byPopulation?: ByPopulationScratch;
  /** The timing wheel of one-thread runs. */
  wheel?: WasmWheel;
  readonly team: WasmThreadBuffers[];
}

/** A thread's own buffers in the state's memory. */
export interface WasmThreadBuffers {
  /**
   * Records of one bucket (delay-queue.ts) are copied here before delivery, in chunks of at most this
   * many Int32 entries (a chunk is a whole number of records; chunks are applied in order).
   */
  readonly records: Int32Array;
  /** The update context block (CX_* words of assembly/kernels.ts). */
  readonly ctx: Uint32Array;
}

/** Int32 entries of a thread's record buffer: 16,384 records, 256 KiB. */
const RECORD_CHUNK_INTS = 4 * 16384;

/** Words of the update context block, in the order of assembly/kernels.ts (CX_*: byte offset = 4 × index). */
export const CTX_FIELDS = [
  "coreNeuronStart", "currentDecay", "inputGain", "voltageDecay", "vThreshold", "vReset", "resetMode", "thresholdOp", "refractoryTicks",
  "spiking", "acc", "v", "u", "refractoryLeft", "bias", "fired", "firedAccessed", "firedUpdated", "firedFired", "coreTally",
  "gotInput", "vTruncScale", "vReverseThreshold", "reverseResetMode", "vReverseReset", "forceUpdate",
] as const;
const CTX_WITH_INPUT_COUNTS = CTX_FIELDS.length;
const CTX_WORDS = CTX_WITH_INPUT_COUNTS + 6;

/** The binding of a state built in `arena` (its run buffers come with its first run). */
export function createBinding(arena: WasmArena): WasmStateBinding {
  return { memory: arena.memory, arena, runs: { team: [] } };
}

/** A thread's record buffer (at most `maxRecords` records are ever due at once) and context block. */
export function allocateThreadBuffers(arena: WasmArena, maxRecords: number): WasmThreadBuffers {
  const a = arena.allocator();
  return { records: a.i32(Math.min(RECORD_CHUNK_INTS, 4 * Math.max(1, maxRecords))), ctx: a.u32(CTX_WORDS) };
}

/** The state's update buffers for a run, cleared (allocated on first use). */
export function runBuffers(b: WasmStateBinding, st: Pick<SimState, "neuronCount" | "coreCount" | "dynamics">): Omit<UpdateBuffers, "stimCursor"> {
  if (b.runs.update === undefined) {
    const a = b.arena.allocator();
    const N = Math.max(1, st.neuronCount);
    b.runs.update = {
      gotInput: a.u8(st.dynamics !== undefined ? st.neuronCount : 0),
      inputNow: a.u8(st.neuronCount),
      coreTally: a.f64(st.coreCount * TALLY_COUNT),
      fired: a.u32(N), firedAccessed: a.u32(N), firedUpdated: a.u32(N), firedFired: a.u32(N),
    };
  }
  const r = b.runs.update;
  r.gotInput.fill(0);
  r.inputNow.fill(0);
  r.coreTally.fill(0);
  return r;
}

/**
 * A one-thread run's context block (allocated on first use). Its record buffer is minimal: one-thread runs
 * deliver straight from their wheel in the state's memory (WasmWheel).
 */
export function oneThreadBuffers(b: WasmStateBinding): WasmThreadBuffers {
  b.runs.thread ??= allocateThreadBuffers(b.arena, 1);
  return b.runs.thread;
}

/** The buffers of `parts` threads of a team (allocated in the arena on first use, then reused). */
export function teamThreadBuffers(b: WasmStateBinding, parts: number): WasmThreadBuffers[] {
  while (b.runs.team.length < parts) b.runs.team.push(allocateThreadBuffers(b.arena, RECORD_CHUNK_INTS / 4));
  return b.runs.team.slice(0, parts);
}

/**
 * Checks that `a` is a view into `memory` (so its byteOffset is its address there): a byte flipped through
 * the memory must show through the array. Done once per array per run, never per event.
 */
function assertInMemory(name: string, a: ArrayBufferView, memory: WasmMemory): void {
  if (a.byteLength === 0) return;
  const viaArray = new Uint8Array(a.buffer, a.byteOffset, 1);
  const viaMemory = new Uint8Array(memory.buffer, a.byteOffset, 1);
  const saved = viaArray[0];
  viaMemory[0] = saved ^ 0xff;
  const same = viaArray[0] === (saved ^ 0xff);
  viaMemory[0] = saved;
  if (!same || !(a.buffer instanceof SharedArrayBuffer)) {
    throw new AerchipError("E_INTERNAL", `the WebAssembly kernels need ${name} in the state's memory`, { field: name, hint: "build the state with buildSimState without an alloc option, or run with kernels: \"js\"" });
  }
}

/** Writes the update context block for `upd` (whose arrays must live in `memory`) into `ctx`; returns its address. */
export function writeUpdateContext(memory: WasmMemory, ctx: Uint32Array, upd: UpdateContext): number {
  assertUpdateArrays(memory, ctx, upd);
  return fillUpdateContext(ctx, upd);
}

/** Checks that `ctx` and every array of `upd` the update kernel reads live in `memory`. */
export function assertUpdateArrays(memory: WasmMemory, ctx: Uint32Array, upd: UpdateContext): void {
  assertInMemory("ctx", ctx, memory);
  for (const name of CTX_FIELDS) assertInMemory(name, upd[name], memory);
}

/**
 * Writes the block without checking (a worker thread, whose arrays the team checked on the main thread:
 * the check flips a byte, which only one thread may do at a time).
 */
export function fillUpdateContext(ctx: Uint32Array, upd: UpdateContext): number {
  for (let i = 0; i < CTX_FIELDS.length; i++) ctx[i] = upd[CTX_FIELDS[i]].byteOffset;
  ctx[CTX_WITH_INPUT_COUNTS] = upd.updatedWithInput ? 1 : 0;
  ctx[CTX_WITH_INPUT_COUNTS + 1] = ResetMode.zero;
  ctx[CTX_WITH_INPUT_COUNTS + 2] = ResetMode.subtract;
  ctx[CTX_WITH_INPUT_COUNTS + 3] = ThresholdOp.ge;
  ctx[CTX_WITH_INPUT_COUNTS + 4] = TALLY_COUNT;
  ctx[CTX_WITH_INPUT_COUNTS + 5] = ResetMode.saturate;
  return ctx.byteOffset;
}

/** Checks that every array the delivery kernels read lives in `memory`. */
export function assertDeliveryArrays(memory: WasmMemory, st: SimState, gotInput: Uint8Array, records: Int32Array): void {
  const sy = st.synapses;
  assertInMemory("synapses.offset", sy.offset, memory);
  assertInMemory("synapses.target", sy.target, memory);
  const ws = sy.weights;
  if (ws.kind === "palette") {
    assertInMemory("synapses.weights.code", ws.code, memory);
    assertInMemory("synapses.weights.table", ws.table, memory);
  } else assertInMemory("synapses.weights.w", ws.w, memory);
  assertInMemory("acc", st.acc, memory);
  assertInMemory("gotInput", gotInput, memory);
  assertInMemory("records", records, memory);
}

/**
 * Phase 1 with the WebAssembly kernels: copies the bucket's `count` Int32 entries, a chunk at a time, into
 * the thread's record buffer and applies each chunk in order (same order and sums as deliver.ts). `mark`
 * sets gotInput (programs with dynamics).
 */
export function deliverWasm(k: WasmKernelExports, records: Int32Array, st: SimState, bucket: Int32Array, count: number, mark: boolean, gotInput: Uint8Array): void {
  const chunk = records.length;
  for (let from = 0; from < count; from += chunk) {
    const n = Math.min(chunk, count - from);
    copyRecords(records, bucket, from, n);
    deliverChunk(k, records.byteOffset, n, st, mark, gotInput);
  }
}

/** records[0, n) ← bucket[from, from + n), without the view subarray() would allocate every tick. */
function copyRecords(records: Int32Array, bucket: Int32Array, from: number, n: number): void {
  for (let i = 0; i < n; i++) records[i] = bucket[from + i];
}

function deliverChunk(k: WasmKernelExports, r: number, count: number, st: SimState, mark: boolean, gotInput: Uint8Array): void {
  const sy = st.synapses;
  const ws = sy.weights;
  const acc = st.acc.byteOffset;
  const m = mark ? 1 : 0;
  const g = gotInput.byteOffset;
  if (sy.kind === "offset16") {
    const off = sy.offset.byteOffset;
    const side = sy.target.byteOffset;
    if (ws.kind === "palette") {
      if (ws.code.BYTES_PER_ELEMENT === 1) k.deliverOffsetPalette8(r, count, off, side, ws.code.byteOffset, ws.table.byteOffset, acc, g, m);
      else k.deliverOffsetPalette16(r, count, off, side, ws.code.byteOffset, ws.table.byteOffset, acc, g, m);
    } else if (ws.kind === "f32") k.deliverOffsetF32(r, count, off, side, ws.w.byteOffset, acc, g, m);
    else k.deliverOffsetF64(r, count, off, side, ws.w.byteOffset, acc, g, m);
  } else {
    const tgt = sy.target.byteOffset;
    if (ws.kind === "palette") {
      if (ws.code.BYTES_PER_ELEMENT === 1) k.deliverFlatPalette8(r, count, tgt, ws.code.byteOffset, ws.table.byteOffset, acc, g, m);
      else k.deliverFlatPalette16(r, count, tgt, ws.code.byteOffset, ws.table.byteOffset, acc, g, m);
    } else if (ws.kind === "f32") k.deliverFlatF32(r, count, tgt, ws.w.byteOffset, acc, g, m);
    else k.deliverFlatF64(r, count, tgt, ws.w.byteOffset, acc, g, m);
  }
}

/** Words of the plasticity context block, in the order of assembly/kernels.ts (PX_*: byte offset = 4 × index). */
export const STDP_FIELDS = [
  "groupPlastic", "groupTraceStart", "groupTraceId", "groupRunStart", "runSynStart", "runProjection", "runCore", "runKind", "synYSlot",
  "x", "xDecay", "xNearest", "y", "yDecay", "yNearest", "postPtr", "postSyn", "postTrace", "neuronPostRunStart", "postRunEnd",
  "postRunProjection", "postRunStride", "neuronYPtr", "neuronYSlot", "aPlus", "aMinus", "wMin", "wMax",
] as const satisfies readonly (keyof PlasticityState)[];
const STDP_WORDS = 3 + STDP_FIELDS.length + 4;

/** A copy of `pl` whose arrays live in the arena (pair STDP's structures are built on ordinary arrays). */
export function plasticityInArena(arena: WasmArena, pl: PlasticityState): PlasticityState {
  const a = arena.allocator();
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pl)) {
    const arr = value as Float64Array | Uint32Array | Uint16Array | Uint8Array;
    let copy: typeof arr;
    if (arr instanceof Float64Array) copy = a.f64(arr.length);
    else if (arr instanceof Uint32Array) copy = a.u32(arr.length);
    else if (arr instanceof Uint16Array) copy = a.u16(arr.length);
    else if (arr instanceof Uint8Array) copy = a.u8(arr.length);
    else throw new AerchipError("E_INTERNAL", `plasticity field ${key} is not a typed array the kernels know`, { field: key });
    copy.set(arr as never);
    out[key] = copy;
  }
  return out as unknown as PlasticityState;
}

/**
 * Writes the pair-STDP context block (allocated with the run buffers on first use) after checking that
 * every array the STDP kernels address lives in the state's memory; returns its address and the per-core
 * synaptic-update buffer the kernels add to.
 */
export function writeStdpContext(b: WasmStateBinding, st: SimState, pl: PlasticityState): { ctx: number; coreSynUpdates: Float64Array } {
  if (b.runs.stdp === undefined) {
    const a = b.arena.allocator();
    b.runs.stdp = { coreSynUpdates: a.f64(Math.max(1, st.coreCount)), ctx: a.u32(STDP_WORDS) };
  }
  const { ctx, coreSynUpdates } = b.runs.stdp;
  coreSynUpdates.fill(0);
  const arrays: [string, ArrayBufferView][] = [["acc", st.acc], ["synTarget", st.synTarget], ["synWeight", st.synWeight]];
  for (const name of STDP_FIELDS) arrays.push([name, pl[name]]);
  arrays.push(["coreOfNeuron", st.coreOfNeuron], ["coreSynUpdates", coreSynUpdates]);
  assertInMemory("ctx", ctx, b.memory);
  for (let i = 0; i < arrays.length; i++) {
    assertInMemory(arrays[i][0], arrays[i][1], b.memory);
    ctx[i] = arrays[i][1].byteOffset;
  }
  ctx[arrays.length] = pl.x.length;
  ctx[arrays.length + 1] = pl.y.length;
  return { ctx: ctx.byteOffset, coreSynUpdates };
}

/** Words of the derive context block: addresses (DX_* of assembly/kernels.ts, in this order), then numbers. */
export const DERIVE_ARRAYS = [
  "spikes", "coreOfNeuron", "routePtr", "routeDestCore", "routeAxon", "routeSynapses", "routeCell", "axonCellStart", "axonCellId",
  "axonCellCount", "cellCore", "cellEncoding", "cellProjection", "hopsEast", "hopsWest", "hopsNorth", "hopsSouth", "packetsLocal",
  "packetsInTile", "perCore", "synOpsByEncoding", "synOpsByProjection", "cellOps", "axonSpikes",
] as const;
export const DERIVE_SHIFTS = ["routeDestCore", "routeSynapses", "hopsEast", "hopsWest", "hopsNorth", "hopsSouth", "packetsLocal", "packetsInTile"] as const;
export const DERIVE_NUMBERS = ["neurons", "axons", "cells", "encodings", "k", "kindSynOps", "kindSpikes", "kindPacketsOut", "kindPacketsIn", "kindHopsEast", "kindHopsWest", "kindHopsNorth", "kindHopsSouth", "kindPacketsInTile", "kindPacketsLocal"] as const;

interface DeriveScratch {
  readonly spikes: Float64Array;
  readonly perCore: Float64Array;
  readonly synOpsByEncoding: Float64Array;
  readonly synOpsByProjection: Float64Array;
  readonly cellOps: Float64Array;
  readonly axonSpikes: Float64Array;
  readonly ctx: Uint32Array;
}

/**
 * derive-counters.ts deriveSpikeCounters with the WebAssembly kernel: the spike counts are copied into the
 * state's memory, the kernel sums into zeroed scratch arrays there, and the sums are added to the run's
 * counters (whole numbers: exact in any order). weightReadBits follows from the total synOps, as there.
 */
export function deriveSpikeCountersWasm(k: WasmKernelExports, b: WasmStateBinding, st: SimState, counters: CounterArrays, weightBits: number): void {
  const K = COUNTER_COUNT;
  const E = Math.max(1, st.encodingNames.length);
  const cells = st.cellCore.length;
  const hasCells = st.axonCellStart.length > 0;
  const axons = hasCells ? st.coreAxonStart[st.coreCount] : 0;
  const x = deriveScratch(b, st, counters.synOpsByProjection.length, E, cells, axons);
  const sp = counters.spikesPerNeuron;
  for (let n = 0; n < sp.length; n++) x.spikes[n] = sp[n];
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
  k.deriveSpikeCounters(ctx.byteOffset);
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

/** Words of the spikes-by-population context block (BX_* of assembly/kernels.ts, in this order). */
export const BY_POPULATION_WORDS = [
  "neurons", "tickEnd", "populationOfNeuron", "indexInPopulation", "populationSize", "popStart", "fill", "recTick", "recIndex", "byIndex",
  "byTick", "outTick", "outIndex", "spikes", "ticks", "populations",
] as const;

interface ByPopulationScratch {
  readonly spikeCapacity: number;
  readonly ticks: number;
  readonly sizes: Uint32Array;
  readonly neurons: Uint32Array;
  readonly tickEnd: Float64Array;
  readonly popStart: Int32Array;
  readonly fill: Int32Array;
  readonly recTick: Int32Array;
  readonly recIndex: Int32Array;
  readonly byIndex: Int32Array;
  readonly byTick: Int32Array;
  readonly outTick: Int32Array;
  readonly outIndex: Int32Array;
  readonly ctx: Uint32Array;
}

/**
 * spike-record.ts byPopulation with the WebAssembly kernel: the record is copied into the state's memory,
 * sorted there, and each population's spikes copied out into arrays of their own (the caller keeps them;
 * the scratch is reused by the next run).
 */
export function spikesByPopulationWasm(
  k: WasmKernelExports, b: WasmStateBinding, st: SimState, populations: readonly { readonly name: string; readonly size: number }[],
  record: { readonly neurons: Uint32Array; readonly count: number; readonly tickEnd: Float64Array }, ticks: number,
): Map<string, { tick: Int32Array; neuron: Int32Array }> {
  const P = populations.length;
  const x = byPopulationScratch(b, record.count, ticks, populations.map((p) => p.size));
  for (let i = 0; i < record.count; i++) x.neurons[i] = record.neurons[i];
  for (let t = 0; t < ticks; t++) x.tickEnd[t] = record.tickEnd[t];
  const arrays: ArrayBufferView[] = [x.neurons, x.tickEnd, st.populationOfNeuron, st.indexInPopulation, x.sizes, x.popStart, x.fill, x.recTick, x.recIndex, x.byIndex, x.byTick, x.outTick, x.outIndex];
  const ctx = x.ctx;
  assertInMemory("ctx", ctx, b.memory);
  for (let i = 0; i < arrays.length; i++) {
    assertInMemory(BY_POPULATION_WORDS[i], arrays[i], b.memory);
    ctx[i] = arrays[i].byteOffset;
  }
  ctx[arrays.length] = record.count;
  ctx[arrays.length + 1] = ticks;
  ctx[arrays.length + 2] = P;
  k.spikesByPopulation(ctx.byteOffset);
  const out = new Map<string, { tick: Int32Array; neuron: Int32Array }>();
  for (let p = 0; p < P; p++) {
    const j0 = x.popStart[p];
    const j1 = x.popStart[p + 1];
    out.set(populations[p].name, { tick: x.outTick.slice(j0, j1), neuron: x.outIndex.slice(j0, j1) });
  }
  return out;
}

function byPopulationScratch(b: WasmStateBinding, spikes: number, ticks: number, sizes: readonly number[]): ByPopulationScratch {
  const have = b.runs.byPopulation;
  const maxSize = sizes.reduce((m, s) => Math.max(m, s), 0);
  if (have !== undefined && have.spikeCapacity >= spikes && have.ticks === ticks && have.sizes.length === sizes.length && have.byIndex.length >= maxSize + 1) {
    have.sizes.set(sizes);
    return have;
  }
  // Grown geometrically, so runs with more and more spikes allocate O(log) times.
  const cap = Math.max(spikes, 2 * (have?.spikeCapacity ?? 0), 1024);
  const a = b.arena.allocator();
  const P = sizes.length;
  const made: ByPopulationScratch = {
    spikeCapacity: cap, ticks, sizes: a.u32(P), neurons: a.u32(cap), tickEnd: a.f64(ticks), popStart: a.i32(P + 1), fill: a.i32(P),
    recTick: a.i32(cap), recIndex: a.i32(cap), byIndex: a.i32(maxSize + 1), byTick: a.i32(ticks + 1), outTick: a.i32(cap), outIndex: a.i32(cap),
    ctx: a.u32(BY_POPULATION_WORDS.length),
  };
  made.sizes.set(sizes);
  b.runs.byPopulation = made;
  return made;
}

/** Words of the emit context block (EX_* of assembly/kernels.ts, in this order). */
export const EMIT_WORDS = [
  "fired", "spikesPerNeuron", "neuronGroupStart", "groupDelay", "groupSynStart", "neuronBase", "routePtr", "hopsEast", "hopsWest", "hopsNorth",
  "hopsSouth", "packetsLocal", "packetsInTile", "buckets", "totals", "shiftHopsEast", "shiftHopsWest", "shiftHopsNorth", "shiftHopsSouth",
  "shiftPacketsLocal", "shiftPacketsInTile", "slots", "offsetLayout", "totalsInt",
] as const;

/**
 * The timing wheel of one-thread WebAssembly runs (delay-queue.ts semantics), in the state's memory: per
 * slot a bucket of records (address, capacity, length in Int32 entries, in `table`); spike counts per
 * neuron; the tick's emission totals; the emit context block.
 */
export interface WasmWheel {
  readonly slots: number;
  readonly table: Int32Array;
  readonly spikes: Uint32Array;
  /** packets, hops east / west / north / south, local packets, in-tile packets, synaptic ops. */
  readonly totals: Float64Array;
  /** The same as int32, and [8] = 1 when every total fits (see emitSpikes). */
  readonly totalsInt: Int32Array;
  readonly ctx: Uint32Array;
}

/** Initial capacity of a wheel bucket, in Int32 entries (256 records); buckets double when full. */
export const WHEEL_BUCKET_INTS = 1024;

/** The state's wheel, empty, with zero spike counts (allocated on the first run, reused). */
export function wheelFor(b: WasmStateBinding, st: SimState, fired: Uint32Array): WasmWheel {
  const slots = st.maxDelayTicks + 1;
  if (b.runs.wheel === undefined || b.runs.wheel.slots !== slots) {
    const a = b.arena.allocator();
    const table = a.i32(3 * slots);
    for (let s = 0; s < slots; s++) {
      const bucket = a.i32(WHEEL_BUCKET_INTS);
      table[3 * s] = bucket.byteOffset;
      table[3 * s + 1] = bucket.length;
    }
    b.runs.wheel = { slots, table, spikes: a.u32(Math.max(1, st.neuronCount)), totals: a.f64(8), totalsInt: a.i32(9), ctx: a.u32(EMIT_WORDS.length) };
  }
  const w = b.runs.wheel;
  for (let s = 0; s < slots; s++) w.table[3 * s + 2] = 0;
  w.spikes.fill(0);
  const arrays: Record<string, ArrayBufferView> = {
    fired, spikesPerNeuron: w.spikes, neuronGroupStart: st.neuronGroupStart, groupDelay: st.groupDelay, groupSynStart: st.groupSynStart,
    neuronBase: st.synapses.neuronBase, routePtr: st.routePtr, hopsEast: st.neuronHopsEast, hopsWest: st.neuronHopsWest,
    hopsNorth: st.neuronHopsNorth, hopsSouth: st.neuronHopsSouth, packetsLocal: st.neuronPacketsLocal, packetsInTile: st.neuronPacketsInTile,
    buckets: w.table, totals: w.totals,
  };
  const ctx = w.ctx;
  assertInMemory("ctx", ctx, b.memory);
  let i = 0;
  for (; i < EMIT_WORDS.length && EMIT_WORDS[i] in arrays; i++) {
    const arr = arrays[EMIT_WORDS[i]];
    assertInMemory(EMIT_WORDS[i], arr, b.memory);
    ctx[i] = arr.byteOffset;
  }
  for (const name of ["hopsEast", "hopsWest", "hopsNorth", "hopsSouth", "packetsLocal", "packetsInTile"]) ctx[i++] = Math.log2((arrays[name] as Uint8Array).BYTES_PER_ELEMENT);
  ctx[i++] = slots;
  ctx[i++] = st.synapses.kind === "offset16" ? 1 : 0;
  assertInMemory("totalsInt", w.totalsInt, b.memory);
  ctx[i++] = w.totalsInt.byteOffset;
  return w;
}

/**
 * Phase 3's per-spike part for the fired list [0, nFired) of tick t: spike counts, the tick's totals
 * (w.totals) and the groups on the wheel. Grows a bucket (in the arena, doubling) whenever the kernel
 * stops for room.
 */
export function emitWasm(k: WasmKernelExports, b: WasmStateBinding, w: WasmWheel, st: SimState, fired: Uint32Array, nFired: number, t: number): Float64Array | Int32Array {
  w.totals.fill(0);
  let f = 0;
  for (;;) {
    f = k.emitSpikes(w.ctx.byteOffset, t, f, nFired);
    if (f >= nFired) return w.totalsInt[8] === 1 ? w.totalsInt : w.totals;
    const n = fired[f];
    const need = 4 * (st.neuronGroupStart[n + 1] - st.neuronGroupStart[n]);
    for (let s = 0; s < w.slots; s++) {
      const cap = w.table[3 * s + 1];
      const len = w.table[3 * s + 2];
      if (len + need <= cap) continue;
      const grown = b.arena.allocator().i32(Math.max(2 * cap, len + need));
      grown.set(new Int32Array(b.memory.buffer, w.table[3 * s], len));
      w.table[3 * s] = grown.byteOffset;
      w.table[3 * s + 1] = grown.length;
    }
  }
}

/** Tick t's bucket of the wheel: its address and its Int32 entries; delivering it empties it (clearWheelBucket). */
export function wheelBucketAddress(w: WasmWheel, t: number): number {
  return w.table[3 * (t % w.slots)];
}

export function wheelBucketLength(w: WasmWheel, t: number): number {
  return w.table[3 * (t % w.slots) + 2];
}

export function clearWheelBucket(w: WasmWheel, t: number): void {
  w.table[3 * (t % w.slots) + 2] = 0;
}

/** Phase 1 of a one-thread WebAssembly run: tick t's bucket straight from the wheel (no copy). */
export function deliverFromWheel(k: WasmKernelExports, w: WasmWheel, st: SimState, t: number, mark: boolean, gotInput: Uint8Array): void {
  const count = wheelBucketLength(w, t);
  if (count > 0) deliverChunk(k, wheelBucketAddress(w, t), count, st, mark, gotInput);
  clearWheelBucket(w, t);
}
