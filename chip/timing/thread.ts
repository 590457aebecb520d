/**
 * A per-packet timing model (`detailed`) on threads of its own, pipelined with the simulation.
 *
 * Why: the detailed schedule of a tick reads only that tick's TickWork and the ChipSpec, and no tick's
 * latency depends on another's (detailed.ts). It is also the larger part of a detailed run: SANA-FE's DVS
 * network sends 3.7M packets in 1000 ticks, and scheduling them takes longer than simulating the chip.
 * So with N ≥ 2 threads the N − 1 extra threads schedule ticks while the simulating thread runs the next
 * ones. Latencies are bit-identical to the model on the simulating thread: each worker runs the same model
 * (createTimingModel by name) on a copy of the same TickWork.
 *
 * Protocol: each worker owns a ring of SLOTS slots, each a SharedArrayBuffer holding one tick's TickWork
 * (packet records up to `slotPackets`, per-core counts). The simulating thread copies tick t's work into
 * the next slot of the first worker (round robin) whose next slot is free, marks it full and wakes the
 * worker; a worker takes its slots in order, writes latency[t] and marks the slot free. When every worker
 * is behind, the simulating thread schedules the tick itself rather than wait, so the threads share the
 * schedule as their speeds allow; so does a tick with more packets than a slot holds. Either way the same
 * function gives the same value. Atomics.store/load order the plain writes of a slot and of latency[]
 * (sequentially consistent), as in threads/control.ts. Only the end of a run waits (drain), and a worker
 * sleeps in Atomics.wait when it has caught up.
 *
 * Memory: a ring (its control block, its slots and its latency array) stays with its worker when the run
 * ends and the worker goes back to the pool (prestart.ts), and the next run that takes the worker reuses it.
 * A data set (`aerchip evaluate --timing detailed --threads 2`) runs one simulation per sample; with a new
 * ring per run, the rings of earlier runs stayed alive until both threads' garbage collectors ran, which
 * an idle worker's seldom does: 170 KB per sample more, 1.1 GB after 2 700 samples. close() therefore waits
 * until the worker has left the ring (C_LEFT), so the next run may clear and refill it.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../spec/types.ts";
import type { KernelChoice } from "../sim/wasm/kernels.ts";
import { compiledWorkerUrl, prestartBuilt, returnPrestarted, takePrestarted, waitingWorkers } from "../sim/threads/prestart.ts";
import type { TickWork, TimingModel } from "./types.ts";

/** Slots of a worker's ring (ticks the simulation may run ahead of that worker). */
export const TIMING_SLOTS = 16;
/**
 * Packets one slot holds (28 + 4·E bytes each: 2 MB per slot for one encoding). SharedArrayBuffer pages
 * are touched only as far as ticks fill them, so an unused capacity costs address space, not memory.
 */
export const TIMING_SLOT_PACKETS = 1 << 16;

/** Control words (Int32). */
const C_STARTED = 0;
const C_ERROR = 1;
const C_CLOSED = 2;
/** Ticks scheduled by the worker so far. */
const C_DONE = 3;
/** Set by the worker when it has left the ring after C_CLOSED (it touches it no more). */
const C_LEFT = 4;
/** Per slot: FREE / FULL, then the tick, its packet count and its syncTiles. */
const C_STATE = 8;
const FREE = 0;
const FULL = 1;
const controlInts = (slots: number): number => C_STATE + 4 * slots;
const stateAt = (s: number): number => C_STATE + s;
const tickAt = (slots: number, s: number): number => C_STATE + slots + s;
const packetsAt = (slots: number, s: number): number => C_STATE + 2 * slots + s;
const syncAt = (slots: number, s: number): number => C_STATE + 3 * slots + s;

/** How long the worker may take to start (load its modules, compile its kernels), ms. */
const START_TIMEOUT_MS = 60_000;
/**
 * How long close() waits for a worker to leave its ring, ms: it is waiting for a slot (woken at once) or,
 * in an abandoned run, scheduling one tick. A worker that takes longer is terminated, not pooled.
 */
const LEAVE_TIMEOUT_MS = 10_000;

/** A TickWork's per-packet arrays (one element per packet; packetSynOps has E per packet). */
export const PACKET_FIELDS = ["packetSrc", "packetDst", "packetDx", "packetDy", "packetAccessed", "packetUpdated", "packetFired"] as const;
/** A TickWork's per-core counts (synOps has E per core). */
export const CORE_FIELDS = ["synOps", "neuronsAccessed", "neuronsUpdated", "neuronsFired", "packetsOut", "packetsIn", "synUpdates"] as const;

/** The packet arrays and per-core counts of one slot, as views into its SharedArrayBuffer. */
export type SlotViews = { readonly [K in (typeof PACKET_FIELDS)[number] | "packetSynOps" | (typeof CORE_FIELDS)[number]]: TickWork[K] };

/** Copies a tick's work (its first `packets` packets) into a slot. */
export function writeSlot(v: SlotViews, work: TickWork): void {
  const P = work.packetCount;
  for (const f of PACKET_FIELDS) v[f].set(work[f].subarray(0, P));
  v.packetSynOps.set(work.packetSynOps.subarray(0, P * work.encodings.length));
  for (const f of CORE_FIELDS) v[f].set(work[f]);
}

/** Makes `work` a slot's tick: the slot's packet arrays become the work's (read up to packetCount); the per-core counts are copied. */
export function readSlot(work: TickWork, v: SlotViews, packets: number, syncTiles: number): void {
  const arrays = work as unknown as Record<(typeof PACKET_FIELDS)[number], Uint32Array | Int32Array>;
  for (const f of PACKET_FIELDS) arrays[f] = v[f];
  work.packetSynOps = v.packetSynOps;
  work.packetCount = packets;
  work.syncTiles = syncTiles;
  for (const f of CORE_FIELDS) work[f].set(v[f]);
}

/** Bytes of one slot: per-core float64 arrays first (aligned), then the packets' 32-bit arrays. */
export function slotBytes(cap: number, C: number, E: number): number {
  return 8 * (C * E + 6 * C) + 4 * cap * (7 + E);
}

export function slotViews(buffer: SharedArrayBuffer, cap: number, C: number, E: number): SlotViews {
  let at = 0;
  const f64 = (n: number): Float64Array => { const a = new Float64Array(buffer, at, n); at += 8 * n; return a; };
  const u32 = (n: number): Uint32Array => { const a = new Uint32Array(buffer, at, n); at += 4 * n; return a; };
  const i32 = (n: number): Int32Array => { const a = new Int32Array(buffer, at, n); at += 4 * n; return a; };
  return {
    synOps: f64(C * E), neuronsAccessed: f64(C), neuronsUpdated: f64(C), neuronsFired: f64(C), packetsOut: f64(C), packetsIn: f64(C), synUpdates: f64(C),
    packetSrc: u32(cap), packetDst: u32(cap), packetDx: i32(cap), packetDy: i32(cap), packetAccessed: u32(cap), packetUpdated: u32(cap), packetFired: u32(cap),
    packetSynOps: u32(cap * E),
  };
}

/** What the worker needs (thread-worker.ts): all of it structured-cloneable or shared. */
export interface TimingThreadInit {
  readonly spec: ChipSpec;
  readonly coreIds: Uint32Array;
  readonly encodings: readonly string[];
  readonly model: string;
  readonly kernels: KernelChoice | undefined;
  readonly slots: number;
  readonly slotPackets: number;
  readonly control: Int32Array;
  readonly buffers: readonly SharedArrayBuffer[];
  /** latency[t] of the ticks this worker schedules (indexed by tick; at least the run's steps long). */
  readonly latencyNs: Float64Array;
  /** Where the worker posts its error ({ error: { code?, message } }) before it sets the error word. */
  readonly port: MessagePort;
}

/** Whether a timing model can run on a timing thread: a built-in per-packet model, re-created by name there. */
export function threadableTiming(model: TimingModel | undefined): model is TimingModel & { readonly threadable: true } {
  return model?.threadable === true;
}

export interface TimingThreadOptions {
  /** Worker threads (default 1). */
  readonly workers?: number;
  /** Slot capacity in packets (default TIMING_SLOT_PACKETS; tests use small ones). */
  readonly slotPackets?: number;
  readonly slots?: number;
  /** Kernels of the workers' models (default: the model's own default). */
  readonly kernels?: KernelChoice;
}

/** A ring's shared memory: kept with its worker in the pool and reused by the worker's next run. */
interface RingMemory {
  readonly slots: number;
  readonly cap: number;
  readonly coreCount: number;
  readonly encodingCount: number;
  readonly control: Int32Array;
  readonly buffers: readonly SharedArrayBuffer[];
  readonly views: SlotViews[];
  /** Grown (by capacity) when a run has more ticks. */
  latencyNs: Float64Array;
}

/** The ring each pooled worker last used (weak: a worker dropped from the pool takes its ring with it). */
const ringOfWorker = new WeakMap<Worker, RingMemory>();

/** `w`'s last ring when it fits this run (then cleared), else a new one. */
function ringMemoryFor(w: Worker | undefined, slots: number, cap: number, C: number, E: number, steps: number): RingMemory {
  const old = w === undefined ? undefined : ringOfWorker.get(w);
  if (old !== undefined && old.slots === slots && old.cap === cap && old.coreCount === C && old.encodingCount === E) {
    old.control.fill(0);
    if (old.latencyNs.length < steps) old.latencyNs = latencyArray(Math.max(steps, 2 * old.latencyNs.length));
    return old;
  }
  const buffers = Array.from({ length: slots }, () => new SharedArrayBuffer(slotBytes(cap, C, E)));
  return {
    slots, cap, coreCount: C, encodingCount: E, control: new Int32Array(new SharedArrayBuffer(4 * controlInts(slots))), buffers,
    views: buffers.map((b) => slotViews(b, cap, C, E)), latencyNs: latencyArray(steps),
  };
}

const latencyArray = (steps: number): Float64Array => new Float64Array(new SharedArrayBuffer(8 * Math.max(1, steps)));

/** One worker and its ring. */
interface Ring {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly memory: RingMemory;
  readonly control: Int32Array;
  readonly views: SlotViews[];
  /** Ticks handed to this worker so far (its next slot is submitted mod slots). */
  submitted: number;
  started: boolean;
}

/** Live rings (tests: none once every run is closed). */
let openRings = 0;

/** The timing threads of a run: `workers` rings, ticks handed to the first with a free slot. */
export class TimingThreads {
  private readonly rings: Ring[] = [];
  private readonly slots: number;
  private readonly cap: number;
  /** latency[t] of every tick: written here for the ticks scheduled here, copied from the rings by drain(). */
  readonly latencyNs: Float64Array;
  /** Per tick: 0 when scheduled here, else 1 + the ring it went to. */
  private readonly ringOfTick: Uint32Array;
  /** Ticks scheduled on the simulating thread (diagnostics). */
  ticksHere = 0;
  private closed = false;
  private startDeadline: number | undefined;
  private readonly spec: ChipSpec;
  private readonly model: TimingModel;
  /** The ring tried first for the next tick (round robin, so idle workers share the ticks). */
  private next = 0;

  /**
   * `model` is the run's model (scheduling here); each worker makes its own with createTimingModel(model.name).
   * `work` gives the core table and the encodings; `steps` the length of latencyNs.
   */
  constructor(spec: ChipSpec, model: TimingModel, work: TickWork, steps: number, opts: TimingThreadOptions = {}) {
    this.spec = spec;
    this.model = model;
    this.slots = opts.slots ?? TIMING_SLOTS;
    this.cap = opts.slotPackets ?? TIMING_SLOT_PACKETS;
    const C = work.coreCount;
    const E = work.encodings.length;
    this.latencyNs = new Float64Array(Math.max(1, steps));
    this.ringOfTick = new Uint32Array(Math.max(1, steps));
    const url = timingWorkerUrl();
    try {
      for (let w = 0; w < Math.max(1, opts.workers ?? 1); w++) {
        // A worker started ahead (prestartTimingWorkers) or pooled by an earlier run gets its ring by
        // message, the ring it had when it fits; else a new worker gets a new ring by workerData.
        const pooled = takePrestarted(url);
        const memory = ringMemoryFor(pooled, this.slots, this.cap, C, E, steps);
        const { control, buffers, latencyNs } = memory;
        const { port1, port2 } = new MessageChannel();
        const init: TimingThreadInit = {
          spec, coreIds: work.coreIds, encodings: work.encodings, model: model.name, kernels: opts.kernels, slots: this.slots, slotPackets: this.cap,
          control, buffers, latencyNs, port: port2,
        };
        let worker = pooled;
        if (worker !== undefined) worker.postMessage(init, [port2]);
        else worker = new Worker(url, { workerData: init, transferList: [port2], execArgv: [], stdout: false, stderr: false });
        worker.unref();
        port1.unref();
        this.rings.push({ worker, port: port1, memory, control, views: memory.views, submitted: 0, started: false });
        openRings++;
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  get workers(): number {
    return this.rings.length;
  }

  /**
   * Schedules tick t's work: copied into the next slot of the first worker (from the round-robin start)
   * whose next slot is free, or here when every worker is behind (this thread would otherwise wait) or
   * the tick does not fit a slot. A worker takes its slots in order, so a tick scheduled here leaves the
   * slots for the next ticks.
   */
  submit(t: number, work: TickWork): void {
    const P = work.packetCount;
    const W = this.rings.length;
    if (P <= this.cap) {
      for (let i = 0; i < W; i++) {
        const r = this.rings[(this.next + i) % W];
        const s = r.submitted % this.slots;
        if (Atomics.load(r.control, stateAt(s)) !== FREE) continue;
        this.fill(r, s, t, work);
        this.ringOfTick[t] = 1 + ((this.next + i) % W);
        this.next = (this.next + i + 1) % W;
        return;
      }
    }
    this.checkErrors();
    this.latencyNs[t] = this.model.tickLatencyNs(work, this.spec);
    this.ringOfTick[t] = 0;
    this.ticksHere++;
  }

  private fill(r: Ring, s: number, t: number, work: TickWork): void {
    writeSlot(r.views[s], work);
    const c = r.control;
    c[tickAt(this.slots, s)] = t;
    c[packetsAt(this.slots, s)] = work.packetCount;
    c[syncAt(this.slots, s)] = work.syncTiles;
    Atomics.store(c, stateAt(s), FULL);
    Atomics.notify(c, stateAt(s));
    r.submitted++;
  }

  /** Waits until every handed-out tick is scheduled; latencyNs is then complete (the workers' ticks copied from their rings). */
  drain(): Float64Array {
    for (const r of this.rings) {
      for (;;) {
        this.checkErrors();
        const done = Atomics.load(r.control, C_DONE);
        if (done >= r.submitted) break;
        this.checkStarted(r);
        Atomics.wait(r.control, C_DONE, done, 50);
      }
    }
    const { latencyNs, ringOfTick, rings } = this;
    for (let t = 0; t < latencyNs.length; t++) {
      const r = ringOfTick[t];
      if (r !== 0) latencyNs[t] = rings[r - 1].memory.latencyNs[t];
    }
    return latencyNs;
  }

  /**
   * Stops the workers (idempotent). A worker that started and did not fail leaves its ring at its next
   * wait (close waits for that, C_LEFT) and then waits for another by message: it goes back to the pool
   * (prestart.ts) for the next run, its code warm, with its ring for that run to reuse; any other is
   * terminated.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const url = timingWorkerUrl();
    for (const r of this.rings) {
      Atomics.store(r.control, C_CLOSED, 1);
      for (let s = 0; s < this.slots; s++) Atomics.notify(r.control, stateAt(s));
    }
    for (const r of this.rings) {
      if (Atomics.load(r.control, C_STARTED) === 1 && Atomics.load(r.control, C_ERROR) === 0 && leftRing(r.control)) {
        ringOfWorker.set(r.worker, r.memory);
        returnPrestarted(url, r.worker);
      } else {
        ringOfWorker.delete(r.worker);
        void r.worker.terminate();
      }
      r.port.close();
      openRings--;
    }
  }

  /** A worker that never started (its module failed to load: reported only to an event loop this run never yields to). */
  private checkStarted(r: Ring): void {
    if (r.started) return;
    if (Atomics.load(r.control, C_STARTED) === 1) {
      r.started = true;
      return;
    }
    this.startDeadline ??= performance.now() + START_TIMEOUT_MS;
    if (performance.now() > this.startDeadline) {
      this.close();
      throw new AerchipError("E_TIMING_THREAD_FAILED", `a timing thread did not start within ${START_TIMEOUT_MS / 1000} s`, { field: "threads", hint: "run with --threads 1; check that `npm run build` completed" });
    }
  }

  private checkErrors(): void {
    for (const r of this.rings) {
      if (Atomics.load(r.control, C_ERROR) === 0) continue;
      const m = receiveError(r.port);
      this.close();
      throw new AerchipError("E_TIMING_THREAD_FAILED", `a timing thread failed: ${m}`, { field: "threads", hint: "run with --threads 1 and report the error" });
    }
  }
}

/** Waits (at most LEAVE_TIMEOUT_MS) until the worker has left a closed ring; false when it has not (or failed meanwhile). */
function leftRing(c: Int32Array): boolean {
  const deadline = performance.now() + LEAVE_TIMEOUT_MS;
  for (;;) {
    if (Atomics.load(c, C_ERROR) !== 0) return false;
    if (Atomics.load(c, C_LEFT) === 1) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(c, C_LEFT, 0, Math.min(left, 50));
  }
}

/** Rings of timing threads not closed yet (tests: every run closes its own). */
export function openTimingRings(): number {
  return openRings;
}

/** The worker's error (posted before it set the error word, so already queued on the port). */
function receiveError(port: MessagePort): string {
  const e = (receiveMessageOnPort(port)?.message as { error?: { code?: string; message: string } } | undefined)?.error;
  if (e === undefined) return "no message";
  return e.code === undefined ? e.message : `${e.code}: ${e.message}`;
}

/** Starts `count` timing workers ahead of a run (no-op where the compiled engine is missing). */
export function prestartTimingWorkers(count: number): void {
  prestartBuilt(timingWorkerUrl, count);
}

/** Timing workers waiting (tests). */
export function prestartedTimingWorkers(): number {
  return waitingWorkers(timingWorkerUrl());
}

/** The compiled timing worker. */
export function timingWorkerUrl(): URL {
  return compiledWorkerUrl(import.meta.url, "thread-worker.js", "dist/chip/timing/thread-worker.js", "a timing thread needs");
}

export const TIMING_CONTROL = { C_STARTED, C_ERROR, C_CLOSED, C_DONE, C_LEFT, FREE, FULL, stateAt, tickAt, packetsAt, syncAt } as const;
