/**
 * Spikes by population at the end of a run (spike-record.ts byPopulation) with the WebAssembly kernel.
 */
import type { SimState } from "../state.ts";
import type { SpikeRecordView } from "../spike-record.ts";
import { assertInMemory, type WasmStateBinding } from "./binding.ts";
import type { WasmKernelExports } from "./kernels.ts";

/** Words of the spikes-by-population context block (BX_* of assembly/kernels.ts, in this order). */
export const BY_POPULATION_WORDS = [
  "neurons", "tickEnd", "populationOfNeuron", "indexInPopulation", "populationSize", "popStart", "fill", "recTick", "recIndex", "byIndex",
  "byTick", "outTick", "outIndex", "spikes", "ticks", "populations", "lastKey", "unsorted", "bitmap",
] as const;

/** Phases of the kernel (BP_* of assembly/kernels.ts, in this order). */
export const BY_POPULATION_PHASES = ["count", "prefix", "scatter", "sort"] as const;
const [BP_COUNT, BP_PREFIX, BP_SCATTER, BP_SORT] = [0, 1, 2, 3];
/** The counting and the scatter run in up to this many calls of at least BY_POPULATION_CHUNK_MIN spikes. */
const BY_POPULATION_CHUNKS = 16;
const BY_POPULATION_CHUNK_MIN = 4096;

export interface ByPopulationScratch {
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
  /** Per population: the key of its last spike in record order, and whether its spikes need sorting. */
  readonly lastKey: Float64Array;
  readonly unsorted: Int32Array;
  /** One bit per index of the largest population (the kernel's per-tick sort), zero between calls. */
  readonly bitmap: Float64Array;
  readonly ctx: Uint32Array;
}

/**
 * spike-record.ts byPopulation with the WebAssembly kernel: the record is copied into the state's memory,
 * sorted there, and each population's spikes copied out into arrays of their own (the caller keeps them;
 * the scratch is reused by the next run).
 */
export function spikesByPopulationWasm(
  k: WasmKernelExports, b: WasmStateBinding, st: SimState, populations: readonly { readonly name: string; readonly size: number }[],
  record: SpikeRecordView, ticks: number,
): Map<string, { tick: Int32Array; neuron: Int32Array }> {
  const P = populations.length;
  const x = byPopulationScratch(b, record.count, ticks, populations.map((p) => p.size));
  x.neurons.set(record.neurons.subarray(0, record.count));
  x.tickEnd.set(record.tickEnd.subarray(0, ticks));
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
  for (const [i, a] of [[arrays.length + 3, x.lastKey], [arrays.length + 4, x.unsorted], [arrays.length + 5, x.bitmap]] as const) {
    assertInMemory(BY_POPULATION_WORDS[i], a, b.memory);
    ctx[i] = a.byteOffset;
  }
  // Phase by phase, the counting and the scatter in chunks (assembly/kernels.ts BP_*): V8 runs a
  // WebAssembly function in its baseline tier until a call ends, so one long call would stay there.
  const at = ctx.byteOffset;
  const S = record.count;
  const spikeChunk = Math.max(BY_POPULATION_CHUNK_MIN, Math.ceil(S / BY_POPULATION_CHUNKS));
  const tickChunk = Math.max(1, Math.ceil(ticks / BY_POPULATION_CHUNKS));
  k.spikesByPopulation(at, BP_COUNT, 0, Math.min(S, spikeChunk));
  for (let from = spikeChunk; from < S; from += spikeChunk) k.spikesByPopulation(at, BP_COUNT, from, Math.min(S, from + spikeChunk));
  k.spikesByPopulation(at, BP_PREFIX, 0, 0);
  for (let from = 0; from < ticks; from += tickChunk) k.spikesByPopulation(at, BP_SCATTER, from, Math.min(ticks, from + tickChunk));
  for (let p = 0; p < P; p++) k.spikesByPopulation(at, BP_SORT, p, p + 1);
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
  if (have !== undefined && have.spikeCapacity >= spikes && have.ticks >= ticks && have.sizes.length === sizes.length && have.byIndex.length >= maxSize + 1) {
    have.sizes.set(sizes);
    return have;
  }
  // The arena never frees, so capacities only grow, each geometrically and only when a run needs more:
  // runs of varying lengths on one state (`aerchip evaluate`, one sample after another) then allocate
  // O(log) times. (Reallocating whenever the tick count changed, and doubling the spike capacity each
  // time, exhausted the 4 GiB memory after ~30 samples of different lengths.)
  const cap = have === undefined ? Math.max(spikes, 1024) : spikes > have.spikeCapacity ? Math.max(spikes, 2 * have.spikeCapacity) : have.spikeCapacity;
  const tickCap = have === undefined ? ticks : ticks > have.ticks ? Math.max(ticks, 2 * have.ticks) : have.ticks;
  const sizeCap = Math.max(maxSize, (have?.byIndex.length ?? 1) - 1);
  const a = b.arena.allocator();
  const P = sizes.length;
  const made: ByPopulationScratch = {
    spikeCapacity: cap, ticks: tickCap, sizes: a.u32(P), neurons: a.u32(cap), tickEnd: a.f64(tickCap), popStart: a.i32(P + 1), fill: a.i32(P),
    recTick: a.i32(cap), recIndex: a.i32(cap), byIndex: a.i32(sizeCap + 1), byTick: a.i32(tickCap + 1), outTick: a.i32(cap), outIndex: a.i32(cap),
    lastKey: a.f64(P), unsorted: a.i32(P), bitmap: a.f64(Math.ceil(sizeCap / 64) + 1), ctx: a.u32(BY_POPULATION_WORDS.length),
  };
  made.sizes.set(sizes);
  made.bitmap.fill(0);
  b.runs.byPopulation = made;
  return made;
}
