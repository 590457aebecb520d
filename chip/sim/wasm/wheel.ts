/**
 * Emission (phase 3) of one-thread WebAssembly runs and their timing wheel in the state's memory.
 */
import type { SimState } from "../state.ts";
import { assertInMemory, type WasmStateBinding } from "./binding.ts";
import { deliverChunk } from "./deliver.ts";
import { emitRecordsOf } from "./emit-record.ts";
import type { WasmKernelExports } from "./kernels.ts";

/** Words of the emit context block (EX_* of assembly/kernels.ts, in this order). */
export const EMIT_WORDS = [
  "fired", "spikesPerNeuron", "neuronGroupStart", "groupDelay", "groupSynStart", "neuronBase", "routePtr", "hopsEast", "hopsWest", "hopsNorth",
  "hopsSouth", "packetsLocal", "packetsInTile", "buckets", "totals", "shiftHopsEast", "shiftHopsWest", "shiftHopsNorth", "shiftHopsSouth",
  "shiftPacketsLocal", "shiftPacketsInTile", "slots", "offsetLayout", "totalsInt", "schedule", "groupDense", "hasDense", "emitRecord",
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

/**
 * The state's wheel, empty, with zero spike counts (allocated on the first run, reused). `schedule` false:
 * emitSpikes only counts (multi-threaded runs, whose thread parts keep wheels of their own).
 */
export function wheelFor(b: WasmStateBinding, st: SimState, fired: Uint32Array, schedule = true): WasmWheel {
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
  ctx[i++] = schedule ? 1 : 0;
  const dense = st.synapses.groupDense;
  assertInMemory("groupDense", dense, b.memory);
  ctx[i++] = dense.byteOffset;
  ctx[i++] = dense.length > 0 ? 1 : 0;
  // Counting only (a team's main thread): each neuron's traffic per spike on one line (emit-record.ts).
  // 0: the kernel reads the per-quantity arrays, which a one-thread run, scheduling, keeps in its caches.
  const rec = schedule ? null : emitRecordsOf(b, st);
  if (rec !== null) assertInMemory("emitRecord", rec, b.memory);
  ctx[i++] = rec === null ? 0 : rec.byteOffset;
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
    growWheelBuckets(b, w, st, fired[f]);
  }
}

/** Grows (doubling, in the arena) every bucket without room for all of neuron n's records. */
export function growWheelBuckets(b: WasmStateBinding, w: WasmWheel, st: SimState, n: number): void {
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
