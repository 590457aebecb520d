/**
 * What a state built in a WasmArena carries for the WebAssembly kernels (SimState.wasm): its memory, its
 * arena, and the buffers of runs on it; the check that an array lives in that memory; and the update
 * context block the update kernels read (byte addresses of the arrays they use, and the enum values they
 * compare to). The other phases' bindings are in deliver.ts, wheel.ts, stdp.ts, derive.ts and
 * by-population.ts.
 *
 * Run buffers (fired lists, per-core tallies, input flags, record buffers, scratch) are allocated in the
 * state's memory on the first run and reused by every later run (each clears them), so repeated runs
 * allocate nothing more. A state serves one run at a time, as its neuron state already implies.
 */
import { AerchipError } from "../../../core/diagnostics.ts";
import { ResetMode, ThresholdOp } from "../../program/types.ts";
import { TALLY_COUNT, type UpdateContext } from "../update.ts";
import type { SimState } from "../state.ts";
import type { UpdateBuffers } from "../update-context.ts";
import type { WasmMemory } from "./api.ts";
import type { WasmArena } from "./arena.ts";
import type { ByPopulationScratch } from "./by-population.ts";
import type { StimulusScratch } from "./stimulus.ts";
import type { InFlightScratch } from "./in-flight.ts";
import type { DeriveScratch } from "./derive.ts";
import type { WasmWheel } from "./wheel.ts";
import type { FusedBuffers, PartRecords } from "./fused.ts";
import type { ChipSpec } from "../../spec/types.ts";
import type { TickWork } from "../../timing/types.ts";

export interface WasmStateBinding {
  readonly memory: WasmMemory;
  /** The arena the state was built in (the main thread allocates run and team buffers from it). */
  readonly arena: WasmArena;
  /**
   * The buffers of runs on this state, allocated on the first run and reused by every later one (a state
   * serves one run at a time): one-thread runs' update buffers and context blocks, and each
   * team thread's record buffer and context block.
   */
  readonly runs: WasmRunBuffers;
}

/** See WasmStateBinding.runs; filled by runBuffers / teamThreadBuffers (main thread only). */
export interface WasmRunBuffers {
  update?: Omit<UpdateBuffers, "stimCursor">;
  context?: Uint32Array;
  /** Pair STDP: per-core synaptic updates of the tick, and the plasticity context block. */
  stdp?: { readonly coreSynUpdates: Float64Array; readonly ctx: Uint32Array };
  /** Counters derived at the end of a run: scratch sums and the context block. */
  derive?: DeriveScratch;
  /** Spikes sorted by population at the end of a run. */
  byPopulation?: ByPopulationScratch;
  /** The synaptic events in flight at the end of a run (wasm/in-flight.ts). */
  inFlight?: InFlightScratch;
  /** The input spikes' pass at the start of a run (wasm/stimulus.ts). */
  stimulus?: StimulusScratch;
  /** The timing wheel of one-thread runs. */
  wheel?: WasmWheel;
  /** Each neuron's traffic per spike (emit-record.ts); null: a value did not fit in 16 bits. */
  emitRecord?: Uint16Array | null;
  /** Per-packet records for the detailed timing model (one-thread runs): the TickWork and context block. */
  packets?: WasmPacketRecords;
  /** Whole-tick runs (fused.ts): the context block, chunk buffers and per-core sums. */
  fused?: FusedBuffers;
  readonly team: WasmThreadBuffers[];
  /**
   * A team's combined fired lists and its parts' partTick buffers, for the partition they were made for
   * (`key`: the part bounds), reused by the next team of the same partition.
   */
  teamParts?: { readonly key: string; readonly combined: unknown; readonly parts: readonly (WasmPartConfig | undefined)[]; readonly routeWork: Float64Array | undefined };
  /** A team's snapshot of every core's tallies, two ticks' slots (threads/part.ts, fused.ts setTeamTallies). */
  teamTallies?: Float64Array;
  /** A multi-threaded run's resolved stimulus, for the part kernel (grown by doubling). */
  teamStimulus?: { readonly neuron: Uint32Array; readonly tickPtr: Uint32Array };
}

/** See WasmRunBuffers.packets (packets.ts). */
export interface WasmPacketRecords {
  readonly spec: ChipSpec;
  readonly work: TickWork;
  readonly ctx: Uint32Array;
  /** The packet and fired arrays `ctx` was last written for. */
  readonly writtenFor: { packetSrc?: Uint32Array; fired?: Uint32Array };
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
  /** The part's whole tick in one kernel call (partTick), when every class of its cores has a kernel. */
  readonly part?: WasmPartConfig;
}

/** A thread part's buffers for the partTick kernel (threads/team.ts makes them on the main thread). */
export interface WasmPartConfig {
  /** The run block (wasm/fused.ts FUSED_WORDS) of the part. */
  readonly rt: Int32Array;
  /** An emit block (wheel.ts EMIT_WORDS) holding only the wheel's words: buckets and slots. */
  readonly ex: Uint32Array;
  /** The part's wheel: per ring slot its bucket's address, capacity and length in Int32 entries. */
  readonly table: Int32Array;
  readonly runs: Uint32Array;
  readonly records: PartRecords;
  /** [0] = 1 once a bucket lacked room in a run (the part then went on in TypeScript; buckets grow before the next run). */
  readonly degraded: Int32Array;
}

/** Int32 entries of a thread's record buffer: 16,384 records, 256 KiB. */
const RECORD_CHUNK_INTS = 4 * 16384;

/** Words of the update context block, in the order of assembly/kernels.ts (CX_*: byte offset = 4 × index). */
export const CTX_FIELDS = [
  "coreNeuronStart", "currentDecay", "inputGain", "voltageDecay", "vThreshold", "vReset", "resetMode", "thresholdOp", "refractoryTicks",
  "spiking", "acc", "v", "u", "refractoryLeft", "bias", "fired", "firedAccessed", "firedUpdated", "firedFired", "coreTally",
  "gotInput", "vTruncScale", "vReverseThreshold", "reverseResetMode", "vReverseReset", "forceUpdate", "coreBiasZero",
] as const;
const CTX_WITH_INPUT_COUNTS = CTX_FIELDS.length;
const CTX_WORDS = CTX_WITH_INPUT_COUNTS + 6;

/** The binding of a state built in `arena` (its run buffers come with its first run). */
export function createBinding(arena: WasmArena): WasmStateBinding {
  return { memory: arena.memory, arena, runs: { team: [] } };
}

/** A team thread's record buffer and context block. */
function allocateThreadBuffers(arena: WasmArena): WasmThreadBuffers {
  const a = arena.allocator();
  return { records: a.i32(RECORD_CHUNK_INTS), ctx: a.u32(CTX_WORDS) };
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
 * A one-thread run's update context block (allocated on first use). It needs no record buffer: one-thread
 * runs deliver straight from their wheel in the state's memory (wheel.ts).
 */
export function oneThreadContext(b: WasmStateBinding): Uint32Array {
  b.runs.context ??= b.arena.allocator().u32(CTX_WORDS);
  return b.runs.context;
}

/** The team tally snapshot of the state: two slots of coreCount × TALLY_COUNT float64 (allocated on first use). */
export function teamTallies(b: WasmStateBinding, st: Pick<SimState, "coreCount">): Float64Array {
  b.runs.teamTallies ??= b.arena.allocator().f64(2 * st.coreCount * TALLY_COUNT);
  return b.runs.teamTallies;
}

/** The buffers of `parts` threads of a team (allocated in the arena on first use, then reused). */
export function teamThreadBuffers(b: WasmStateBinding, parts: number): WasmThreadBuffers[] {
  while (b.runs.team.length < parts) b.runs.team.push(allocateThreadBuffers(b.arena));
  return b.runs.team.slice(0, parts);
}

/**
 * Checks that `a` is a view into `memory` (so its byteOffset is its address there): a byte flipped through
 * the memory must show through the array. Done once per array per run, never per event.
 */
export function assertInMemory(name: string, a: ArrayBufferView, memory: WasmMemory): void {
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
