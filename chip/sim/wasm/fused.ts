/**
 * Whole ticks in one WebAssembly call (the `runTicks` kernel, assembly/kernels.ts): delivery, the update
 * of every core, the tallies, the spike record and the emission of a chunk of ticks run without returning
 * to TypeScript. It serves one-thread runs whose per-tick work is all in kernels (run.ts canFuse and
 * fusedClassesOnly below); their per-tick TypeScript glue (tallies over cores, emission totals, the spike
 * record) otherwise runs unoptimised for the first thousands of ticks, which on bench_lif10k cost about a
 * quarter of a cold run. The same run block serves a thread part's tick (`partTick`, writePartBlock) and
 * the main thread's counting of a multi-threaded tick (`teamTick`).
 *
 * Results are those of the per-tick path: the same kernels in the same order, and counts added as whole
 * numbers (exact in float64 in any order). A chunk is at most FUSED_CHUNK_TICKS ticks; the caller adds its
 * per-tick counter rows to the run's counters and its spikes to the run's record, then starts the next.
 */
import { NeuronKind } from "../../program/types.ts";
import { COUNTER_COUNT, CounterKind, type CounterArrays } from "../counters.ts";
import type { SimState } from "../state.ts";
import type { SpikeRecord } from "../spike-record.ts";
import { CoreClass } from "../update.ts";
import type { ResolvedStimulus } from "../stimulus.ts";
import type { TimingCosts } from "../../timing/costs.ts";
import { assertInMemory, type WasmStateBinding } from "./binding.ts";
import type { WasmKernelExports } from "./kernels.ts";
import { growWheelBuckets, type WasmWheel } from "./wheel.ts";

/** Words of the run context block (RT_* of assembly/kernels.ts, in this order). */
export const FUSED_WORDS = [
  "updateCtx", "emitCtx", "deliverKind", "synIndex", "synSide", "weights", "table", "mark", "runs", "runCount", "stim", "stimPtr",
  "chunkT0", "spikes", "spikeCap", "spikeLen", "tickEnd", "rows", "coreSums", "counters", "maxFired", "resumeFrom", "nFired",
  "clearGotInput", "weightBits", "classInput", "classLifUniform", "classSanafeUniform", "kAccesses", "kUpdates", "kWithInput",
  "kFired", "kOverflows", "kPacketsOut", "kHopsEast", "kHopsWest", "kHopsNorth", "kHopsSouth", "kPacketsLocal", "kPacketsInTile",
  "kSynOps", "kSpikes", "kPacketsIn", "kWeightReadBits", "classGeneric", "kind", "kindInput", "classLif",
  "encodings", "synOpsByEnc", "encRows", "timing", "costs", "latency", "workOut", "workIn", "workSyn", "coreCount", "coreOfNeuron", "routePtr",
  "routeDestCore", "routeSynapses", "routeCell", "routeAxon", "axonCellStart", "axonCellId", "axonCellCount", "cellEncoding",
  "shiftRouteDestCore", "shiftRouteSynapses", "hasCells", "combined", "recStart", "rec", "tallySnap", "tallySlotBytes",
  "partWork", "partWorkParts",
] as const;
/** Float64 words of the cost block (RC_* of assembly/kernels.ts), then synOpNs per encoding. */
export const FUSED_COST_WORDS = ["accessNs", "updateNs", "inactiveNs", "spikeOutNs", "packetOutNs", "packetInNs", "learnNs", "syncNs"] as const;
type FusedWord = (typeof FUSED_WORDS)[number];
const W = Object.fromEntries(FUSED_WORDS.map((name, i) => [name, i])) as Record<FusedWord, number>;

/** Ticks per call at most (rows of counters kept in the state's memory: 256 × 19 float64 = 39 KB). */
export const FUSED_CHUNK_TICKS = 256;
/** Least capacity of the chunk's stimulus and spike buffers, in neurons. */
const MIN_BUFFER = 65536;

/** The classes of cores the kernel updates. */
const FUSED_CLASSES: ReadonlySet<number> = new Set([CoreClass.empty, CoreClass.input, CoreClass.lifUniform, CoreClass.sanafeUniform]);

/**
 * Whether every core of the run is of a class the fused kernel updates (the run checks the rest): `generic`
 * cores (input neurons beside LIF compartments) and `lif` ones (parameters per neuron) only in float
 * programs without soma dynamics, adaptive thresholds or membrane lower bounds (reverse-threshold fields),
 * the path of updateGeneric its kernel implements.
 */
export function fusedClassesOnly(classRuns: Uint32Array, st: SimState, fixedPoint: boolean): boolean {
  const generic = !fixedPoint && st.dynamics === undefined && st.theta === undefined && st.reverseResetMode === undefined;
  for (let i = 2; i < classRuns.length; i += 3) {
    const cls = classRuns[i];
    if (!FUSED_CLASSES.has(cls) && !(generic && (cls === CoreClass.generic || cls === CoreClass.lif))) return false;
  }
  return true;
}

/** The state's buffers for fused runs (allocated in its memory on first use, reused by later runs). */
export interface FusedBuffers {
  readonly encodings: number;
  readonly ctx: Int32Array;
  /** Per neuron × encoding: synaptic ops of one spike (several encodings only). */
  readonly synOpsByEnc: Float64Array;
  readonly encRows: Float64Array;
  readonly costs: Float64Array;
  readonly latency: Float64Array;
  /**
   * Scratch of the kernel's simple latency (per core: packets out, packets in; per core × encoding: synaptic
   * ops), 8 bytes per entry that the kernel reads and writes as int64 (assembly/kernels.ts simpleTickLatency);
   * nothing in TypeScript reads them.
   */
  readonly workOut: Float64Array;
  readonly workIn: Float64Array;
  readonly workSyn: Float64Array;
  readonly runs: Uint32Array;
  readonly stim: Uint32Array;
  readonly stimPtr: Uint32Array;
  readonly spikes: Uint32Array;
  readonly tickEnd: Uint32Array;
  readonly rows: Float64Array;
  readonly coreSums: Float64Array;
}

export interface FusedSetup {
  readonly updateCtx: number;
  readonly wheel: WasmWheel;
  readonly classRuns: Uint32Array;
  /** Delivery marks gotInput (programs with soma dynamics), and LIF cores clear it after their update. */
  readonly mark: boolean;
  readonly clearGotInput: boolean;
  readonly weightBits: number;
  /** Several encodings: run.ts's per neuron × encoding ops of one spike. */
  readonly synOpsByEnc: Float64Array;
  /** The `simple` timing model's constants (absent: no timing model). */
  readonly timing?: {
    readonly costs: TimingCosts;
    /** The learning phase of a tick without plastic updates, and the barrier (both constant in the run). */
    readonly learnNs: number;
    readonly syncNs: number;
  };
}

/** The fused-run buffers of `st`, with their context block written for this run; per-core sums zeroed. */
export function fusedBuffersFor(b: WasmStateBinding, st: SimState, s: FusedSetup): FusedBuffers {
  const K = COUNTER_COUNT;
  const N = Math.max(1, st.neuronCount);
  const E = Math.max(1, st.encodingNames.length);
  const C = Math.max(1, st.coreCount);
  let f = b.runs.fused;
  if (f === undefined || f.runs.length < s.classRuns.length || f.coreSums.length !== C * K || f.encodings !== E) {
    const a = b.arena.allocator();
    f = {
      encodings: E, synOpsByEnc: a.f64(E > 1 ? N * E : 0), encRows: a.f64(E > 1 ? FUSED_CHUNK_TICKS * E : 0),
      costs: a.f64(FUSED_COST_WORDS.length + E), latency: a.f64(FUSED_CHUNK_TICKS), workOut: a.f64(C), workIn: a.f64(C), workSyn: a.f64(C * E),
      ctx: a.i32(FUSED_WORDS.length), runs: a.u32(Math.max(3, s.classRuns.length)),
      stim: a.u32(Math.max(N, MIN_BUFFER)), stimPtr: a.u32(FUSED_CHUNK_TICKS + 1),
      spikes: a.u32(Math.max(2 * N, MIN_BUFFER)), tickEnd: a.u32(FUSED_CHUNK_TICKS),
      rows: a.f64(FUSED_CHUNK_TICKS * K), coreSums: a.f64(C * K),
    };
    for (const [name, arr] of Object.entries(f)) if (ArrayBuffer.isView(arr)) assertInMemory(`fused.${name}`, arr, b.memory);
    b.runs.fused = f;
  }
  f.runs.set(s.classRuns);
  f.coreSums.fill(0);
  const c = f.ctx;
  writeTickWords(c, b, st, { updateCtx: s.updateCtx, emitCtx: s.wheel.ctx.byteOffset, runs: f.runs, runCount: s.classRuns.length / 3, mark: s.mark, clearGotInput: s.clearGotInput });
  c[W.stim] = f.stim.byteOffset;
  c[W.stimPtr] = f.stimPtr.byteOffset;
  c[W.spikes] = f.spikes.byteOffset;
  c[W.spikeCap] = f.spikes.length;
  c[W.tickEnd] = f.tickEnd.byteOffset;
  c[W.rows] = f.rows.byteOffset;
  c[W.coreSums] = f.coreSums.byteOffset;
  c[W.counters] = K;
  c[W.maxFired] = st.neuronCount;
  c[W.resumeFrom] = -1;
  c[W.tallySnap] = 0;
  c[W.tallySlotBytes] = 0;
  c[W.weightBits] = s.weightBits;
  c[W.kAccesses] = CounterKind.neuronAccesses;
  c[W.kUpdates] = CounterKind.neuronUpdates;
  c[W.kWithInput] = CounterKind.neuronUpdatesWithInput;
  c[W.kFired] = CounterKind.neuronsFired;
  c[W.kOverflows] = CounterKind.overflows;
  c[W.kPacketsOut] = CounterKind.packetsOut;
  c[W.kHopsEast] = CounterKind.hopsEast;
  c[W.kHopsWest] = CounterKind.hopsWest;
  c[W.kHopsNorth] = CounterKind.hopsNorth;
  c[W.kHopsSouth] = CounterKind.hopsSouth;
  c[W.kPacketsLocal] = CounterKind.packetsLocal;
  c[W.kPacketsInTile] = CounterKind.packetsInTile;
  c[W.kSynOps] = CounterKind.synOps;
  c[W.kSpikes] = CounterKind.spikes;
  c[W.kPacketsIn] = CounterKind.packetsIn;
  c[W.kWeightReadBits] = CounterKind.weightReadBits;
  if (E > 1) f.synOpsByEnc.set(s.synOpsByEnc);
  c[W.synOpsByEnc] = f.synOpsByEnc.byteOffset;
  c[W.encRows] = f.encRows.byteOffset;
  c[W.timing] = s.timing === undefined ? 0 : 1;
  if (s.timing !== undefined) {
    const k = s.timing.costs;
    const words: Record<(typeof FUSED_COST_WORDS)[number], number> = {
      accessNs: k.accessNs, updateNs: k.updateNs, inactiveNs: k.inactiveNs, spikeOutNs: k.spikeOutNs, packetOutNs: k.packetOutNs,
      packetInNs: k.packetInNs, learnNs: s.timing.learnNs, syncNs: s.timing.syncNs,
    };
    FUSED_COST_WORDS.forEach((name, i) => { f.costs[i] = words[name]; });
    f.costs.set(k.synOpNs, FUSED_COST_WORDS.length);
  }
  c[W.costs] = f.costs.byteOffset;
  c[W.latency] = f.latency.byteOffset;
  c[W.workOut] = f.workOut.byteOffset;
  c[W.workIn] = f.workIn.byteOffset;
  c[W.workSyn] = f.workSyn.byteOffset;
  writeRouteWords(c, b, st);
  c[W.partWork] = 0;
  c[W.partWorkParts] = 0;
  return f;
}

/** Whether the run block computes the `simple` latency. */
export function fusedTimed(f: FusedBuffers): boolean {
  return f.ctx[W.timing] !== 0;
}

/** The words the `simple` latency's route walk reads: core count, encodings and the route arrays. */
function writeRouteWords(c: Int32Array, b: WasmStateBinding, st: SimState): void {
  c[W.coreCount] = st.coreCount;
  c[W.encodings] = Math.max(1, st.encodingNames.length);
  const routeArrays: Partial<Record<FusedWord, ArrayBufferView>> = {
    coreOfNeuron: st.coreOfNeuron, routePtr: st.routePtr, routeDestCore: st.routeDestCore, routeSynapses: st.routeSynapses, routeCell: st.routeCell,
    routeAxon: st.routeAxon, axonCellStart: st.axonCellStart, axonCellId: st.axonCellId, axonCellCount: st.axonCellCount,
    cellEncoding: st.cellEncoding,
  };
  for (const [name, arr] of Object.entries(routeArrays) as [FusedWord, ArrayBufferView][]) {
    assertInMemory(name, arr, b.memory);
    c[W[name]] = arr.byteOffset;
  }
  c[W.shiftRouteDestCore] = Math.log2(st.routeDestCore.BYTES_PER_ELEMENT);
  c[W.shiftRouteSynapses] = Math.log2(st.routeSynapses.BYTES_PER_ELEMENT);
  c[W.hasCells] = st.axonCellStart.length > 0 ? 1 : 0;
}

/**
 * Int64 entries of one part's route work (two slots, by tick parity, of per-core packets out and in and
 * per core × encoding synaptic ops: assembly/kernels.ts partRouteWork).
 */
export function partRouteWorkEntries(st: SimState): number {
  return 2 * st.coreCount * (2 + Math.max(1, st.encodingNames.length));
}

/**
 * A multi-threaded run with the `simple` model: each part counts its own spikes' packets and synaptic ops
 * per core (its block of `work`, partRouteWorkEntries(st) entries each, in part order) and teamTick's
 * latency adds the parts' counts instead of walking every spike's routes on the main thread. `parts`
 * (the parts' run blocks) get their block's address; `work` undefined turns it off (`f` undefined: the
 * parts only, for a run that does not count in a run block).
 */
export function setPartRouteWork(f: FusedBuffers | undefined, parts: readonly Int32Array[], work: Float64Array | undefined, st: SimState): void {
  const per = partRouteWorkEntries(st);
  if (f !== undefined) {
    f.ctx[W.partWork] = work === undefined ? 0 : work.byteOffset;
    f.ctx[W.partWorkParts] = work === undefined ? 0 : parts.length;
  }
  parts.forEach((c, p) => { c[W.partWork] = work === undefined ? 0 : work.byteOffset + 8 * per * p; });
}

/** What one tick reads in every use of a run block: delivery, the class runs, the update context. */
interface TickWords {
  readonly updateCtx: number;
  /** An emit context block (wheel.ts EMIT_WORDS): its wheel buckets are delivered from. */
  readonly emitCtx: number;
  readonly runs: Uint32Array;
  readonly runCount: number;
  readonly mark: boolean;
  readonly clearGotInput: boolean;
}

/** The words deliverBucket and updateRuns read: the state's layout and encoding, the class runs, classes. */
function writeTickWords(c: Int32Array, b: WasmStateBinding, st: SimState, w: TickWords): void {
  assertInMemory("kind", st.kind, b.memory);
  assertInMemory("runs", w.runs, b.memory);
  const sy = st.synapses;
  const ws = sy.weights;
  const offset = sy.kind === "offset16";
  const kind = ws.kind === "palette" ? (ws.code.BYTES_PER_ELEMENT === 1 ? 2 : 3) : ws.kind === "f32" ? 1 : 0;
  c[W.updateCtx] = w.updateCtx;
  c[W.emitCtx] = w.emitCtx;
  c[W.deliverKind] = kind + (offset ? 0 : 4);
  c[W.synIndex] = offset ? sy.offset.byteOffset : sy.target.byteOffset;
  c[W.synSide] = offset ? sy.target.byteOffset : 0;
  c[W.weights] = ws.kind === "palette" ? ws.code.byteOffset : ws.w.byteOffset;
  c[W.table] = ws.kind === "palette" ? ws.table.byteOffset : 0;
  c[W.mark] = w.mark ? 1 : 0;
  c[W.runs] = w.runs.byteOffset;
  c[W.runCount] = w.runCount;
  c[W.clearGotInput] = w.clearGotInput ? 1 : 0;
  c[W.classInput] = CoreClass.input;
  c[W.classLifUniform] = CoreClass.lifUniform;
  c[W.classSanafeUniform] = CoreClass.sanafeUniform;
  c[W.classGeneric] = CoreClass.generic;
  c[W.kind] = st.kind.byteOffset;
  c[W.kindInput] = NeuronKind.input;
  c[W.classLif] = CoreClass.lif;
}

/** A thread part's spike records (threads/segments.ts), in the state's memory. */
export interface PartRecords {
  readonly recStart: Uint32Array;
  /** REC_WORDS (4) int32 words per record: delay, first synapse, end synapse, target base. */
  readonly rec: Int32Array;
}

/** The block of a thread part for the partTick kernel (assembly/kernels.ts); the stimulus comes with setPartStimulus. */
export function writePartBlock(
  c: Int32Array, b: WasmStateBinding, st: SimState,
  p: TickWords & { readonly combined: Uint32Array; readonly records: PartRecords },
): void {
  c.fill(0);
  writeTickWords(c, b, st, p);
  writeRouteWords(c, b, st);
  for (const [name, arr] of [["combined", p.combined], ["recStart", p.records.recStart], ["rec", p.records.rec]] as const) {
    assertInMemory(name, arr, b.memory);
    c[W[name]] = arr.byteOffset;
  }
  c[W.resumeFrom] = -1;
}

/** The run's resolved stimulus (in the state's memory) for a part's block: read from tick 0. */
export function setPartStimulus(c: Int32Array, neuron: Uint32Array, tickPtr: Uint32Array): void {
  c[W.stim] = neuron.byteOffset;
  c[W.stimPtr] = tickPtr.byteOffset;
  c[W.chunkT0] = 0;
}

/**
 * A multi-threaded run's counting block (teamTick) reads tick t's tallies from slot t mod 2 of `snap`
 * (two slots of every core's tallies, which the parts fill: threads/part.ts), so it can count tick t while
 * the parts compute t + 1 and overwrite the live tallies.
 */
export function setTeamTallies(f: FusedBuffers, snap: Float64Array): void {
  f.ctx[W.tallySnap] = snap.byteOffset;
  f.ctx[W.tallySlotBytes] = snap.byteLength / 2;
}

/** Where partTick stopped for room (its RT_RESUME_FROM). */
export function partResumeFrom(c: Int32Array): number {
  return c[W.resumeFrom];
}

/**
 * Runs ticks [t0, t1) (t0 < t1) through the kernel in chunks; each chunk's counter rows go into
 * `counters.perTick` and `synOpsByTickEncoding`, its latencies into `tickLatencyNs` (with `simple` timing)
 * and its spikes into `record`.
 */
export function runFusedTicks(
  k: WasmKernelExports, b: WasmStateBinding, st: SimState, f: FusedBuffers, wheel: WasmWheel, stim: ResolvedStimulus,
  counters: CounterArrays, record: SpikeRecord, tickLatencyNs: Float64Array, t0: number, t1: number,
): void {
  const { tickPtr, neuron } = stim;
  const c = f.ctx;
  let t = t0;
  while (t < t1) {
    // The chunk: at most FUSED_CHUNK_TICKS ticks whose inputs fit the stimulus buffer (one tick always does:
    // an input neuron fires at most once per tick, and the buffer holds every neuron).
    let end = Math.min(t1, t + FUSED_CHUNK_TICKS);
    while (end > t + 1 && tickPtr[end] - tickPtr[t] > f.stim.length) end = t + ((end - t) >> 1);
    const base = tickPtr[t];
    f.stim.set(neuron.subarray(base, tickPtr[end]));
    for (let i = 0; i <= end - t; i++) f.stimPtr[i] = tickPtr[t + i] - base;
    beginChunk(f, t);
    const chunkT0 = t;
    for (;;) {
      t = k.runTicks(c.byteOffset, t, end);
      const from = c[W.resumeFrom];
      if (from < 0) break;
      // Tick t's emission stopped at fired[from]: its buckets grow, then the kernel resumes it.
      const n = f.spikes[f.tickEnd[t - chunkT0] - c[W.nFired] + from];
      growWheelBuckets(b, wheel, st, n);
    }
    foldChunk(f, counters, record, tickLatencyNs, t);
  }
}

/** Starts a chunk of ticks at tick t (empty rows and spike buffer). */
export function beginChunk(f: FusedBuffers, t: number): void {
  f.ctx[W.chunkT0] = t;
  f.ctx[W.spikeLen] = 0;
  f.ctx[W.resumeFrom] = -1;
}

/** The first tick past the chunk's rows. */
export function chunkEndTick(f: FusedBuffers): number {
  return f.ctx[W.chunkT0] + FUSED_CHUNK_TICKS;
}

/** Whether the chunk cannot take tick t (its rows are full, or its spike buffer might overflow). */
export function chunkFull(f: FusedBuffers, t: number, neurons: number): boolean {
  return t - f.ctx[W.chunkT0] >= FUSED_CHUNK_TICKS || f.ctx[W.spikeLen] + neurons > f.spikes.length;
}

/** The chunk's ticks [chunk start, tEnd): counter rows into the run's counters, latencies, spikes into the record. */
export function foldChunk(f: FusedBuffers, counters: CounterArrays, record: SpikeRecord, tickLatencyNs: Float64Array, tEnd: number): void {
  const K = COUNTER_COUNT;
  const { perTick, synOpsByTickEncoding } = counters;
  const c = f.ctx;
  const chunkT0 = c[W.chunkT0];
  const rows = f.rows;
  const E = f.encodings;
  for (let i = 0; i < tEnd - chunkT0; i++) {
    const pt = (chunkT0 + i) * K;
    const o = i * K;
    for (let j = 0; j < K; j++) perTick[pt + j] += rows[o + j];
    if (E === 1) synOpsByTickEncoding[chunkT0 + i] += rows[o + CounterKind.synOps];
    else for (let e = 0; e < E; e++) synOpsByTickEncoding[(chunkT0 + i) * E + e] += f.encRows[i * E + e];
  }
  if (c[W.timing] !== 0) tickLatencyNs.set(f.latency.subarray(0, tEnd - chunkT0), chunkT0);
  record.addTicks(chunkT0, tEnd - chunkT0, f.spikes, f.tickEnd);
  beginChunk(f, tEnd);
}

/** The run's per-core tallies (summed by the kernel over every fused tick) into `counters.perCore`. */
export function addFusedCoreSums(f: FusedBuffers, counters: CounterArrays): void {
  const { perCore } = counters;
  const sums = f.coreSums;
  for (let i = 0; i < perCore.length; i++) perCore[i] += sums[i];
}
