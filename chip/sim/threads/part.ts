/**
 * One thread's share of a multi-threaded run: the cores [c0, c1) (neurons [n0, n1)), its own timing wheel
 * of records restricted to its neurons (segments.ts), its own fired list and stimulus cursor. One tick:
 *   a. schedule the previous tick's spikes (the run's combined fired list, in one-thread order);
 *   b. deliver its bucket of this tick into its neurons' inputs;
 *   c. update its cores (update-cores.ts).
 * The main thread runs part 0 itself; workers (worker.ts) run the others. Nothing here allocates per
 * event; the wheel grows only while warming up.
 */
import type { FixedPointProgram } from "../../program/types.ts";
import { DelayQueue } from "../delay-queue.ts";
import { chooseDeliverMode, deliverCompact, deliverMarks, type DeliverMode } from "../deliver-dispatch.ts";
import type { SimState } from "../state.ts";
import { TALLY_COUNT, type UpdateContext } from "../update.ts";
import { createUpdateContext, type SharedUpdateBuffers } from "../update-context.ts";
import { classRunsOf, updateCoreRuns } from "../update-cores.ts";
import { fillUpdateContext, type WasmPartConfig, type WasmThreadBuffers } from "../wasm/binding.ts";
import { partResumeFrom } from "../wasm/fused.ts";
import { deliverWasm } from "../wasm/deliver.ts";
import { runDeriveKernel } from "../wasm/derive.ts";
import { kernelsFor, type WasmKernelExports } from "../wasm/kernels.ts";
import { buildSpikeRecords, type SpikeRecords } from "./segments.ts";

/** What a part needs besides the state (sent to workers as plain data). */
export interface PartConfig {
  readonly c0: number;
  readonly c1: number;
  readonly coreClass: Uint8Array;
  readonly fixedPoint: FixedPointProgram | undefined;
  readonly updatedWithInput: boolean;
  readonly shared: SharedUpdateBuffers;
  /** The team's tally snapshot (team.ts ThreadTeam.tallySnap; empty: none). */
  readonly tallySnap: Float64Array;
  /** The part's fired list (shared: the main thread combines the lists). */
  readonly fired: Uint32Array;
  readonly firedAccessed: Uint32Array;
  readonly firedUpdated: Uint32Array;
  readonly firedFired: Uint32Array;
  /**
   * This thread's buffers in the state's WebAssembly memory when the part runs the WebAssembly kernels
   * (the team has checked that the part's arrays live in that memory).
   */
  readonly wasm: WasmThreadBuffers | undefined;
}

/** A run's stimulus, resolved (stimulus.ts). */
export interface PartStimulus {
  readonly tickPtr: Uint32Array;
  readonly neuron: Uint32Array;
}

export class Part {
  readonly n0: number;
  readonly n1: number;
  private readonly st: SimState;
  private readonly coreClass: Uint8Array;
  private readonly runs: Uint32Array;
  private readonly upd: UpdateContext;
  private readonly records: SpikeRecords;
  private readonly queue: DelayQueue;
  private readonly mode: DeliverMode;
  private readonly wasm: WasmKernelExports | undefined;
  private readonly wasmRecords: Int32Array;
  private readonly marks: boolean;
  private stim: PartStimulus = { tickPtr: new Uint32Array(1), neuron: new Uint32Array(0) };
  /** The whole tick in one kernel call (partTick), until a wheel bucket lacks room in a run. */
  private readonly part: WasmPartConfig | undefined;
  private degraded = false;
  private readonly tallySnap: Float64Array;
  /** The part's cores' tallies: [tallyFrom, tallyTo) of coreTally; a snapshot slot is tallySlot long. */
  private readonly tallyFrom: number;
  private readonly tallyTo: number;
  private readonly tallySlot: number;

  constructor(st: SimState, cfg: PartConfig) {
    this.st = st;
    this.coreClass = cfg.coreClass;
    this.n0 = st.coreNeuronStart[cfg.c0];
    this.n1 = st.coreNeuronStart[cfg.c1];
    this.runs = classRunsOf(cfg.coreClass, cfg.c0, cfg.c1);
    this.upd = createUpdateContext(st, cfg.fixedPoint, cfg.updatedWithInput, {
      ...cfg.shared, fired: cfg.fired, firedAccessed: cfg.firedAccessed, firedUpdated: cfg.firedUpdated, firedFired: cfg.firedFired, stimCursor: new Int32Array(1),
    });
    this.records = cfg.wasm?.part?.records ?? buildSpikeRecords(st, this.n0, this.n1);
    this.queue = new DelayQueue(st.maxDelayTicks + 1, 256);
    this.mode = chooseDeliverMode(st, false, st.dynamics !== undefined);
    this.marks = deliverMarks(this.mode);
    this.wasmRecords = cfg.wasm?.records ?? new Int32Array(0);
    if (cfg.wasm !== undefined && st.wasm !== undefined) {
      this.wasm = kernelsFor(st.wasm.memory);
      this.upd.wasm = this.wasm;
      this.upd.wasmContext = fillUpdateContext(cfg.wasm.ctx, this.upd);
    }
    this.part = this.wasm !== undefined ? cfg.wasm?.part : undefined;
    this.tallySnap = cfg.tallySnap;
    this.tallyFrom = cfg.c0 * TALLY_COUNT;
    this.tallyTo = cfg.c1 * TALLY_COUNT;
    this.tallySlot = st.coreCount * TALLY_COUNT;
  }

  /** Starts a run: empty wheel, this run's stimulus. */
  begin(stim: PartStimulus): void {
    this.stim = stim;
    this.queue.clearAll();
    this.degraded = false;
    const table = this.part?.table;
    if (table !== undefined) for (let s = 2; s < table.length; s += 3) table[s] = 0;
  }

  /**
   * Tick t: schedules `prev[0..prevCount)` (the fired list of tick t − 1; none at the run's first tick),
   * delivers, updates; returns the number of the part's neurons fired (in its fired list).
   */
  tick(t: number, prev: Uint32Array, prevCount: number): number {
    const n = this.compute(t, prev, prevCount);
    this.snapshotTallies(t);
    return n;
  }

  /**
   * Whether the tick loops in WebAssembly (team-loop.ts) may run this part's ticks: its cores have kernels
   * and its wheel has not gone over to TypeScript in this run.
   */
  get kernelLoop(): boolean {
    return this.part !== undefined && !this.degraded;
  }

  /**
   * Tick t after the part kernel, called by a WebAssembly tick loop, returned −1 (a bucket lacked room):
   * finishes it as tick() does and returns the fired count.
   */
  tickAfterKernel(t: number, prev: Uint32Array, prevCount: number): number {
    const n = this.afterKernelFailed(t, prev, prevCount);
    this.snapshotTallies(t);
    return n;
  }

  private compute(t: number, prev: Uint32Array, prevCount: number): number {
    const part = this.part;
    if (part !== undefined && !this.degraded) {
      const n = this.wasm!.partTick(part.rt.byteOffset, t, prevCount);
      if (n >= 0) return n;
      return this.afterKernelFailed(t, prev, prevCount);
    }
    this.schedule(t, prev, 0, prevCount);
    return this.routeWork(t, this.deliverAndUpdate(t));
  }

  private afterKernelFailed(t: number, prev: Uint32Array, prevCount: number): number {
    this.degrade(t, prev, prevCount, partResumeFrom(this.part!.rt));
    return this.routeWork(t, this.deliverAndUpdate(t));
  }

  /** A tick finished in TypeScript by a part with the part kernel: its route work, as partTick ends with. */
  private routeWork(t: number, n: number): number {
    if (this.part !== undefined) this.wasm!.partRouteWork(this.part.rt.byteOffset, t, n);
    return n;
  }

  /**
   * The end-of-run counter derivation over neurons [0, N) of the context block at `ctx` (wasm/derive.ts
   * prepareDerive wrote it). Only teams whose parts all run the WebAssembly kernels ask for it (team.ts).
   */
  derive(ctx: number, N: number): void {
    if (this.wasm === undefined) throw new Error("the counter derivation was sent to a part without WebAssembly kernels");
    runDeriveKernel(this.wasm, ctx, N);
  }

  /** The part's cores' tallies of tick t into the team's snapshot slot t mod 2 (a few dozen float64s). */
  private snapshotTallies(t: number): void {
    const snap = this.tallySnap;
    if (snap.length === 0) return;
    const live = this.upd.coreTally;
    const d = (t & 1) * this.tallySlot;
    for (let i = this.tallyFrom; i < this.tallyTo; i++) snap[d + i] = live[i];
  }

  /**
   * A bucket of the part's wheel lacked room for spike `from` of tick t − 1 (the kernel wrote none of its
   * records): the wheel moves, slot by slot in order, into the TypeScript queue, which takes the rest of the
   * run (a worker thread cannot grow the state's memory; the team grows the buckets before the next run).
   */
  private degrade(t: number, prev: Uint32Array, prevCount: number, from: number): void {
    const part = this.part!;
    const table = part.table;
    const buffer = this.st.wasm!.memory.buffer;
    for (let s = 0; s < this.queue.slots; s++) {
      const len = table[3 * s + 2];
      if (len > 0) this.queue.appendSlot(s, new Int32Array(buffer, table[3 * s], len), len);
      table[3 * s + 2] = 0;
    }
    this.degraded = true;
    Atomics.store(part.degraded, 0, 1);
    this.schedule(t, prev, from, prevCount);
  }

  /** Spikes prev[from, to) of tick t − 1 onto the TypeScript queue. */
  private schedule(t: number, prev: Uint32Array, from: number, to: number): void {
    const st = this.st;
    if (to > from) {
      const { recStart, rec } = this.records;
      const q = this.queue;
      for (let f = from; f < to; f++) {
        const n = prev[f];
        const k0 = recStart[n];
        const k1 = recStart[n + 1];
        if (k1 > k0) q.scheduleRecords(t - 1, k0, k1, rec);
      }
    }
  }

  /** Delivers tick t's bucket of the TypeScript queue and updates the part's cores. */
  private deliverAndUpdate(t: number): number {
    const st = this.st;
    const count = this.queue.length(t);
    if (count > 0) {
      if (this.wasm !== undefined) deliverWasm(this.wasm, this.wasmRecords, st, this.queue.bucket(t), count, this.marks, this.upd.gotInput);
      else deliverCompact(this.mode, this.queue.bucket(t), count, st, this.upd.gotInput);
      this.queue.clear(t);
    }
    const stim = this.stim;
    return updateCoreRuns(this.upd, this.runs, t, stim.neuron, stim.tickPtr[t], stim.tickPtr[t + 1], this.coreClass, st.coreOfNeuron, this.n0, this.n1);
  }
}
