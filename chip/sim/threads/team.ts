/**
 * A team of threads that runs a state's ticks: the main thread runs part 0 (part.ts) and one worker
 * thread runs each other part, all over the same SharedArrayBuffer state. Per tick the main thread
 * publishes the command, runs its own part, waits for the workers (control.ts) and concatenates the parts'
 * fired lists in core order into the combined list, which is exactly the one-thread fired list; the run
 * (run.ts) then counts, records and times the tick from it as with one thread, and the parts schedule it
 * at the start of the next tick. So spikes, counters and latencies are identical for any thread count.
 *
 * Workers run the compiled engine (dist/chip/sim/threads/worker.js): Node 20 cannot start a worker from
 * TypeScript source. Running from source (tests), the team uses the build next to the sources and says
 * how to make one when it is missing.
 */
import { availableParallelism } from "node:os";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { AerchipError } from "../../../core/diagnostics.ts";
import type { ChipProgram, FixedPointProgram } from "../../program/types.ts";
import type { ChipSpec } from "../../spec/types.ts";
import { coreClassesOf, TALLY_COUNT } from "../update.ts";
import { lineF64, lineI32, sharedArrays } from "../alloc.ts";
import type { KernelChoice, SimState } from "../state.ts";
import { allocFiredLists, allocSharedUpdateBuffers, countsUpdatesWithInput, createUpdateContext, type SharedUpdateBuffers, type UpdateBuffers } from "../update-context.ts";
import { assertUpdateArrays, runBuffers, teamTallies, teamThreadBuffers, type WasmPartConfig, type WasmStateBinding, type WasmThreadBuffers } from "../wasm/binding.ts";
import { FUSED_WORDS, fusedClassesOnly, partRouteWorkEntries, setPartRouteWork, setPartStimulus, writePartBlock, type FusedBuffers } from "../wasm/fused.ts";
import { EMIT_WORDS } from "../wasm/wheel.ts";
import { chooseDeliverMode, deliverMarks } from "../deliver-dispatch.ts";
import { classRunsOf } from "../update-cores.ts";
import { buildPartRecords, type SpikeRecords } from "./segments.ts";
import { assertDeliveryArrays } from "../wasm/deliver.ts";
import { CTRL_ARG, CTRL_ARG2, CTRL_ERROR, CTRL_INTS, CTRL_OP, CTRL_PREV_FIRED, CTRL_SEQ, OP_BEGIN, OP_DERIVE, OP_EXIT, OP_TICK, SPIN_MS, Waiter } from "./control.ts";
import { Part, type PartConfig, type PartStimulus } from "./part.ts";
import { partitionCores } from "./partition.ts";
import { isStateShared } from "./share-state.ts";
import { kernelsFor, type WasmKernelExports } from "../wasm/kernels.ts";
import { pretierKernels, TEAM_KERNELS } from "../wasm/pretier.ts";
import { emitRecordsOf } from "../wasm/emit-record.ts";
import { takePrestartedWorker, workerUrl } from "./prestart.ts";
import {
  LOOP_DEGRADED, LOOP_WORKER_FAILED, loopPrevFired, loopStatus, makeLoopBlock, resetLoopSpin, setLoopPrevFired, setLoopRun, takeLoopWaitSeconds, type TeamLoopBlock,
} from "../wasm/team-loop.ts";

/** Most threads a run may use (a chip's cores are partitioned; more threads than cores is pointless). */
export const MAX_THREADS = 64;
/** A worker that has not built its part within this time is reported (it failed to start). */
const START_TIMEOUT_MS = 60_000;

/**
 * Part 0's work relative to a worker's. The main thread also counts every tick (teamTick, ~4.5 µs per tick
 * on bench_lif10k), between starting the workers on the next tick and running its own part of it, so
 * balancing part 0 plus that counting against a worker's part, 2P·s/(1 + s) + T = 2P/(1 + s), suggests
 * s ≈ 0.9 (parts of P ≈ 45 ms, T ≈ 4.5 ms per run). Measured (threads.mjs, 5 sittings per setting,
 * alternately, session 9): best warm two-thread runs 49.8–58.3 ms at 0.9 and 50.2–69.1 ms at 1.0, medians
 * 72–87 ms at 0.9 and 65–87 ms at 1.0: no difference this VM's noise lets through, so equal shares stay
 * (session 7 measured them fastest on bench_lif10k, and 1.0 beat 0.7 on SANA-FE's DVS with the detailed
 * model). AERCHIP_MAIN_SHARE overrides it (0 < share ≤ 1).
 */
export const MAIN_SHARE = mainShareFromEnv();

function mainShareFromEnv(): number {
  const v = Number(process.env.AERCHIP_MAIN_SHARE);
  return Number.isFinite(v) && v > 0 && v <= 1 ? v : 1;
}

export interface ThreadTeamOptions {
  readonly threads: number;
  /** Part 0's share relative to the others' (default MAIN_SHARE). */
  readonly mainShare?: number;
  readonly coreClass: Uint8Array;
  readonly fixedPoint: FixedPointProgram | undefined;
  readonly updatedWithInput: boolean;
  /** "js" keeps the TypeScript kernels on a state built for the WebAssembly ones (default "wasm"). */
  readonly kernels?: KernelChoice;
}

type FiredLists = Pick<UpdateBuffers, "fired" | "firedAccessed" | "firedUpdated" | "firedFired">;

export class ThreadTeam {
  /** Threads in use (≤ requested: at most one per core). */
  readonly threads: number;
  readonly state: SimState;
  /** Core boundaries of the parts. */
  readonly bounds: Uint32Array;
  readonly shared: SharedUpdateBuffers;
  /** The options the parts were built with (a run checks them against its own). */
  readonly updatedWithInput: boolean;
  readonly fixed: boolean;
  /** The combined fired list of the last tick (one-thread order). */
  readonly combined: FiredLists;
  /**
   * Every core's tallies of tick t in slot t mod 2 (coreCount × TALLY_COUNT float64 each), written by the
   * parts after their tick: the main thread counts tick t from it while the parts already run t + 1 and
   * overwrite the live tallies (run.ts). Empty for TypeScript-kernel teams, which count before the next tick.
   */
  readonly tallySnap: Float64Array;
  /** Kernels the parts run. */
  readonly kernels: KernelChoice;
  private readonly lists: FiredLists[];
  private readonly part0: Part;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly ctrl: Int32Array;
  private readonly done: Int32Array;
  private readonly counts: Int32Array;
  /** Seconds each part spent computing ticks, and the main thread's wait for the workers. */
  readonly busySeconds: Float64Array;
  waitSeconds = 0;
  /** Busy-wait before sleeping: SPIN_MS, or 0 when the team has more threads than the machine has cores. */
  private readonly spinMs: number;
  private readonly waiter: Waiter;
  private prevFired = 0;
  /** The parts' partTick buffers (WebAssembly teams whose parts' cores all have kernels). */
  private readonly partConfigs: WasmPartConfig[] = [];
  /** The parts' route work blocks (fused.ts setPartRouteWork); undefined unless every part has the kernel. */
  private readonly routeWork: Float64Array | undefined;
  /** The tick the workers were last told to run (−1: none since begin). */
  private startedTick = -1;
  /** The tick whose part 0 the WebAssembly loop left to TypeScript and loop() finished (−1: none). */
  private part0DoneTick = -1;
  /** The main thread's WebAssembly tick loop (team-loop.ts): its block and kernels; undefined without one. */
  private readonly loopBlock: TeamLoopBlock | undefined;
  private readonly loopKernels: WasmKernelExports | undefined;
  /** Threads whose ticks run in a WebAssembly loop (team-loop.ts): those whose part runs the part kernel. */
  readonly loopThreads: number;
  private started = false;
  private closed = false;

  constructor(st: SimState, opts: ThreadTeamOptions) {
    checkThreadCount(opts.threads);
    if (!isStateShared(st)) {
      throw new AerchipError("E_SIM_THREADS_STATE", "a multi-threaded run needs a state in shared memory", { field: "state", hint: "build it with buildSimState(spec, program, { alloc: sharedArrays() }) or pass it through shareState()" });
    }
    this.state = st;
    this.updatedWithInput = opts.updatedWithInput;
    this.fixed = opts.fixedPoint !== undefined;
    this.bounds = partitionCores(st, opts.threads, opts.mainShare ?? MAIN_SHARE);
    const P = this.bounds.length - 1;
    this.threads = P;
    this.spinMs = P <= availableParallelism() ? SPIN_MS : 0;
    this.waiter = new Waiter(this.spinMs);
    const alloc = sharedArrays();
    // With the WebAssembly kernels, the buffers they write live in the state's memory: the state's
    // one-thread run buffers (a state serves one run at a time), each part's fired lists a slice of them
    // (parts hold disjoint neuron ranges), and each thread's record buffer and context block.
    const wb = st.wasm !== undefined && (opts.kernels ?? "wasm") === "wasm" ? st.wasm : undefined;
    this.kernels = wb !== undefined ? "wasm" : "js";
    const stateBuffers = wb !== undefined ? runBuffers(wb, st) : undefined;
    this.shared = stateBuffers !== undefined ? sharedOf(stateBuffers) : allocSharedUpdateBuffers(st, alloc);
    const threadBuffers: WasmThreadBuffers[] = wb !== undefined ? teamThreadBuffers(wb, P) : [];
    this.tallySnap = wb !== undefined ? teamTallies(wb, st) : new Float64Array(0);
    // With the WebAssembly kernels the combined list and the parts' kernel buffers live in the state's
    // memory (made once per partition, reused by later teams on the state).
    const key = `${Array.from(this.bounds).join(",")}|${opts.fixedPoint !== undefined}`;
    const cached = wb?.runs.teamParts?.key === key ? wb.runs.teamParts : undefined;
    this.combined = cached !== undefined ? (cached.combined as FiredLists) : allocFiredLists(st.neuronCount, wb !== undefined ? wb.arena.allocator() : alloc);
    const partOf: (WasmPartConfig | undefined)[] = [];
    // With the WebAssembly kernels the control block lives in the state's memory too: the tick loops read
    // and write it there (team-loop.ts). A team's own (under a kilobyte per team made on the state). Each
    // on lines of its own: the workers spin on ctrl while writing done, counts and busy times, and the main
    // thread spins on done while writing ctrl.
    const ctl = wb !== undefined ? wb.arena.allocator() : alloc;
    this.ctrl = lineI32(ctl, CTRL_INTS);
    this.done = lineI32(ctl, P);
    this.done.fill(-1);
    this.counts = lineI32(ctl, P);
    this.busySeconds = lineF64(ctl, P);
    this.lists = [];
    const configs: PartConfig[] = [];
    // Every kernel part's spike records, in one pass over the synapses (segments.ts), in the state's memory.
    const kernelPart = Array.from({ length: P }, (_, p) => wb !== undefined && cached === undefined && fusedClassesOnly(classRunsOf(opts.coreClass, this.bounds[p], this.bounds[p + 1]), st, opts.fixedPoint !== undefined));
    const records = kernelPart.some((x) => x)
      ? buildPartRecords(st, Uint32Array.from(this.bounds, (c) => st.coreNeuronStart[c]), kernelPart, wb!.arena.allocator())
      : [];
    for (let p = 0; p < P; p++) {
      const n0 = st.coreNeuronStart[this.bounds[p]];
      const n1 = st.coreNeuronStart[this.bounds[p + 1]];
      const lists = stateBuffers !== undefined ? sliceFiredLists(stateBuffers, n0, n1) : allocFiredLists(n1 - n0, alloc);
      this.lists.push(lists);
      let wasm = threadBuffers[p];
      if (wb !== undefined) {
        const rec = records[p];
        const part = cached !== undefined ? cached.parts[p] : rec === undefined ? undefined : partConfig(wb, st, this.bounds[p], this.bounds[p + 1], opts, wasm.ctx.byteOffset, this.combined.fired, rec);
        partOf.push(part);
        if (part !== undefined) {
          wasm = { ...wasm, part };
          this.partConfigs.push(part);
        }
      }
      const cfg: PartConfig = { c0: this.bounds[p], c1: this.bounds[p + 1], coreClass: opts.coreClass, fixedPoint: opts.fixedPoint, updatedWithInput: opts.updatedWithInput, shared: this.shared, tallySnap: this.tallySnap, ...lists, wasm };
      if (wb !== undefined) {
        // Checked here, on the main thread, before any worker exists (the check writes a probe byte).
        const upd = createUpdateContext(st, opts.fixedPoint, opts.updatedWithInput, { ...this.shared, ...lists, stimCursor: new Int32Array(1) });
        assertUpdateArrays(wb.memory, threadBuffers[p].ctx, upd);
        assertDeliveryArrays(wb.memory, st, this.shared.gotInput, threadBuffers[p].records);
      }
      configs.push(cfg);
    }
    // The parts' route work for the simple model (fused.ts setPartRouteWork), when every part has the kernel.
    this.routeWork = cached !== undefined ? cached.routeWork
      : wb !== undefined && partOf.every((x) => x !== undefined) ? wb.arena.allocator().f64(P * partRouteWorkEntries(st)) : undefined;
    if (wb !== undefined) wb.runs.teamParts = { key, combined: this.combined, parts: partOf, routeWork: this.routeWork };
    // Each thread whose part runs the part kernel gets a WebAssembly tick loop (team-loop.ts).
    const loops: (TeamLoopBlock | undefined)[] = [];
    for (let p = 0; p < P; p++) {
      const part = partOf[p];
      const c0 = this.bounds[p], c1 = this.bounds[p + 1];
      loops.push(wb === undefined || part === undefined ? undefined : makeLoopBlock(wb.arena.allocator(), {
        ctrl: this.ctrl, done: this.done, counts: this.counts, busy: this.busySeconds, index: p, partRt: part.rt,
        liveTally: this.shared.coreTally, tallySnap: this.tallySnap, tallyFrom: c0 * TALLY_COUNT, tallyTo: c1 * TALLY_COUNT, spinMs: this.spinMs,
        ...(p === 0 ? { fired: this.lists.map((l) => l.fired), combined: this.combined.fired } : {}),
      }));
    }
    // The team's kernels optimised now, while the workers start (the code is the module's, shared by them).
    if (wb !== undefined) pretierKernels(TEAM_KERNELS);
    this.loopBlock = loops[0];
    this.loopThreads = loops.filter((b) => b !== undefined).length;
    this.loopKernels = loops[0] !== undefined && wb !== undefined ? kernelsFor(wb.memory) : undefined;
    if (P > 1) {
      const url = workerUrl();
      for (let p = 1; p < P; p++) {
        const { port1, port2 } = new MessageChannel();
        const init = { st, cfg: configs[p], index: p, ctrl: this.ctrl, done: this.done, counts: this.counts, combined: this.combined.fired, busySeconds: this.busySeconds, port: port2, spinMs: this.spinMs, loop: loops[p] };
        // A worker started ahead (prestart.ts) gets its part by message; else a new one by workerData.
        let w = takePrestartedWorker();
        if (w !== undefined) w.postMessage(init, [port2]);
        else w = new Worker(url, { workerData: init, transferList: [port2], execArgv: [], stdout: false, stderr: false });
        w.unref();
        port1.unref();
        this.workers.push(w);
        this.ports.push(port1);
      }
    }
    // Part 0 is built while the workers build theirs.
    this.part0 = new Part(st, configs[0]);
    // The main thread's per-neuron traffic records for counting (wasm/emit-record.ts), while workers start.
    if (wb !== undefined) emitRecordsOf(wb, st);
  }

  /** Waits until every worker has built its part (called by the first begin()). */
  awaitStart(): void {
    if (this.started) return;
    const deadline = performance.now() + START_TIMEOUT_MS;
    for (let p = 1; p < this.threads; p++) {
      if (!this.waiter.waitForValue(this.done, p, 0, deadline) && Atomics.load(this.ctrl, CTRL_ERROR) === 0) {
        this.close();
        throw new AerchipError("E_SIM_THREAD_FAILED", `worker thread ${p} did not start within ${START_TIMEOUT_MS / 1000} s`, { field: "threads", hint: "run with --threads 1; check that `npm run build` completed" });
      }
      this.checkError();
    }
    this.started = true;
  }

  /** Starts a run of `stim` (resolved stimulus): empty timing wheels. */
  begin(stim: PartStimulus): void {
    if (this.closed) throw new AerchipError("E_SIM_THREADS", "the thread team is closed", { field: "team", hint: "create a new team" });
    this.awaitStart();
    this.settle();
    if (this.partConfigs.length > 0) this.partStimulus(stim);
    for (const port of this.ports) port.postMessage(stim);
    // Waits start from the longest spin before the workers' begin, not after it: the budget left by the
    // idle time before the run made the main thread sleep through the begin round trip and wake late, by
    // when the workers could have spun out and slept too (waking a thread costs milliseconds on a VM).
    // Measured on a cold bench_lif10k run's first two ticks: waits summed over 6 processes 19.1 → 10.4 ms.
    this.waiter.reset();
    if (this.loopBlock !== undefined) resetLoopSpin(this.loopBlock);
    this.command(OP_BEGIN, 0);
    this.part0.begin(stim);
    this.waitWorkers();
    this.prevFired = 0;
    this.startedTick = -1;
    this.part0DoneTick = -1;
  }

  /**
   * The stimulus into the state's memory for the part kernel, and each part's wheel grown (doubled) when a
   * bucket lacked room in the last run (workers cannot grow the memory; they went on in TypeScript).
   */
  private partStimulus(stim: PartStimulus): void {
    const wb = this.state.wasm!;
    // Kept with the state's run buffers (grown by doubling), so later runs and teams reuse them.
    const a = wb.arena.allocator();
    const have = wb.runs.teamStimulus;
    const neuron = have !== undefined && have.neuron.length >= stim.neuron.length ? have.neuron : a.u32(Math.max(1024, stim.neuron.length, 2 * (have?.neuron.length ?? 0)));
    const tickPtr = have !== undefined && have.tickPtr.length >= stim.tickPtr.length ? have.tickPtr : a.u32(Math.max(1024, stim.tickPtr.length, 2 * (have?.tickPtr.length ?? 0)));
    wb.runs.teamStimulus = { neuron, tickPtr };
    neuron.set(stim.neuron);
    tickPtr.set(stim.tickPtr);
    for (const part of this.partConfigs) {
      setPartStimulus(part.rt, neuron, tickPtr);
      if (Atomics.load(part.degraded, 0) === 1) {
        growPartWheel(wb, part);
        Atomics.store(part.degraded, 0, 0);
      }
    }
  }

  /**
   * For a fused run with the simple model (`timed`): the parts count their own spikes' packets and synaptic
   * ops per core, and the run block `f` adds their counts instead of walking every spike's routes on the
   * main thread (fused.ts setPartRouteWork). Off for other runs, and for teams with a part without the part
   * kernel; `f` undefined: off, for a run that counts without a run block. Call before begin().
   */
  useRouteWork(f: FusedBuffers | undefined, timed: boolean): void {
    setPartRouteWork(f, this.partConfigs.map((c) => c.rt), f !== undefined && timed ? this.routeWork : undefined, this.state);
  }

  /**
   * Lets the workers start tick t (they schedule the combined list of t − 1, deliver and update). The
   * main thread may meanwhile count and time tick t − 1 from the combined lists, which stay untouched
   * until finish(t).
   */
  start(t: number): void {
    if (this.startedTick === t) return;
    Atomics.store(this.ctrl, CTRL_PREV_FIRED, t > 0 ? this.prevFired : 0);
    this.command(OP_TICK, t);
    this.startedTick = t;
  }

  /**
   * Runs part 0's tick t, waits for the workers and combines the fired lists: returns the number of
   * neurons fired, held in `combined` in one-thread order (the soma counts per spike only when
   * `withSomaCounts`: the detailed timing model).
   */
  finish(t: number, withSomaCounts = true): number {
    this.start(t);
    const t0 = performance.now();
    if (this.part0DoneTick !== t) this.counts[0] = this.part0.tick(t, this.combined.fired, t > 0 ? this.prevFired : 0);
    this.part0DoneTick = -1;
    const t1 = performance.now();
    this.waitWorkers();
    this.busySeconds[0] += (t1 - t0) / 1000;
    this.waitSeconds += (performance.now() - t1) / 1000;
    const { fired, firedAccessed, firedUpdated, firedFired } = this.combined;
    let n = 0;
    for (let p = 0; p < this.threads; p++) {
      const k = this.counts[p];
      const l = this.lists[p];
      // Plain loops: subarray() would allocate views every tick.
      const src = l.fired;
      for (let i = 0; i < k; i++) fired[n + i] = src[i];
      if (withSomaCounts) {
        const a = l.firedAccessed;
        const u = l.firedUpdated;
        const f = l.firedFired;
        for (let i = 0; i < k; i++) {
          firedAccessed[n + i] = a[i];
          firedUpdated[n + i] = u[i];
          firedFired[n + i] = f[i];
        }
      }
      n += k;
    }
    this.prevFired = n;
    return n;
  }

  /**
   * Whether the main thread's WebAssembly tick loop can run the next ticks (loop()): part 0 runs the part
   * kernel and its wheel has not gone over to TypeScript in this run.
   */
  get loopReady(): boolean {
    return this.loopBlock !== undefined && this.part0.kernelLoop;
  }

  /**
   * Ticks [t, tEnd) of a fused run in the main thread's WebAssembly loop (assembly/kernels.ts teamTicks):
   * what finish(t), start(t + 1) and the counting of tick t (teamTick on the run block at `fusedRt`) do,
   * tick after tick. Returns the first tick not done: before tEnd when the chunk's spike buffer is full (the
   * caller folds it), or when part 0's wheel lacked room at that tick. Part 0 has then finished that tick
   * in TypeScript; the caller goes on with finish() and teamTick, as for a run without the loop.
   */
  loop(fusedRt: number, t: number, tEnd: number, steps: number): number {
    const b = this.loopBlock!;
    this.start(t);
    setLoopRun(b, fusedRt, steps);
    setLoopPrevFired(b, this.prevFired);
    const next = this.loopKernels!.teamTicks(b.words.byteOffset, t, tEnd);
    this.prevFired = loopPrevFired(b);
    this.waitSeconds += takeLoopWaitSeconds(b);
    if (next > t && next < steps) this.startedTick = next;
    const status = loopStatus(b);
    if (status === LOOP_WORKER_FAILED) this.checkError();
    if (status === LOOP_DEGRADED) {
      this.counts[0] = this.part0.tickAfterKernel(next, this.combined.fired, next > 0 ? this.prevFired : 0);
      this.part0DoneTick = next;
    }
    return next;
  }

  /**
   * Waits until the workers are idle (a tick started for a run that was then abandoned has finished), so
   * the caller may reset or reuse the state.
   */
  settle(): void {
    if (!this.closed) this.waitWorkers();
  }

  /** Stops the workers (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.workers.length > 0) {
      Atomics.store(this.ctrl, CTRL_OP, OP_EXIT);
      Atomics.add(this.ctrl, CTRL_SEQ, 1);
      Atomics.notify(this.ctrl, CTRL_SEQ);
    }
    for (const w of this.workers) void w.terminate();
    for (const p of this.ports) p.close();
  }

  /**
   * Starts the end-of-run counter derivation (wasm/derive.ts runDeriveKernel over neurons [0, N) of the
   * context block at byte `ctx`) on worker 1, so that the main thread can meanwhile sort the spike record
   * by population; awaitDerive() waits for it. False when the team has no worker with the WebAssembly
   * kernels: the caller derives itself.
   */
  startDerive(ctx: number, N: number): boolean {
    if (this.closed || this.workers.length === 0 || this.kernels !== "wasm") return false;
    this.settle();
    Atomics.store(this.ctrl, CTRL_ARG2, N);
    this.command(OP_DERIVE, ctx);
    return true;
  }

  /** Waits for the derivation startDerive() began. */
  awaitDerive(): void {
    this.waitWorkers();
  }

  // The sequence number lives in the control block only: the WebAssembly loop issues ticks too.
  private command(op: number, arg: number): void {
    if (this.workers.length === 0) return;
    const seq = Atomics.load(this.ctrl, CTRL_SEQ) + 1;
    Atomics.store(this.ctrl, CTRL_OP, op);
    Atomics.store(this.ctrl, CTRL_ARG, arg);
    Atomics.store(this.ctrl, CTRL_SEQ, seq);
    Atomics.notify(this.ctrl, CTRL_SEQ);
  }

  private waitWorkers(): void {
    const seq = Atomics.load(this.ctrl, CTRL_SEQ);
    for (let p = 1; p < this.threads; p++) {
      this.waiter.waitForValue(this.done, p, seq);
      this.checkError();
    }
  }

  private checkError(): void {
    if (Atomics.load(this.ctrl, CTRL_ERROR) === 0) return;
    let detail = "unknown error";
    for (const port of this.ports) {
      const m = receiveMessageOnPort(port);
      const e = (m?.message as { error?: { code?: string; message: string } } | undefined)?.error;
      if (e !== undefined) { detail = e.code === undefined ? e.message : `${e.code}: ${e.message}`; break; }
    }
    this.close();
    throw new AerchipError("E_SIM_THREAD_FAILED", `a worker thread failed: ${detail}`, { field: "threads", hint: "run with --threads 1 and report the error" });
  }
}

/** Refuses a thread count outside 1..MAX_THREADS (E_SIM_THREADS). */
export function checkThreadCount(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new AerchipError("E_SIM_THREADS", `threads must be an integer from 1 to ${MAX_THREADS}, got ${threads}`, { field: "threads", hint: "use --threads 1 … the machine's core count" });
  }
}

/** Least and most initial capacity of a part's wheel bucket, in Int32 entries (4 per record). */
const PART_BUCKET_MIN_INTS = 4096;
const PART_BUCKET_MAX_INTS = 65536;

/**
 * The partTick buffers of the part of cores [c0, c1), whose classes all have kernels, made on the main
 * thread in the state's memory: its class runs, wheel and run block, around its spike records (parts whose
 * classes do not all have kernels run their per-phase TypeScript path). Buckets start with room for every
 * record of the part (at most 16,384 records); a run that needs more goes on in TypeScript and the buckets
 * grow before the next run.
 */
function partConfig(
  wb: WasmStateBinding, st: SimState, c0: number, c1: number, opts: ThreadTeamOptions, updateCtx: number, combined: Uint32Array, records: SpikeRecords,
): WasmPartConfig {
  const runs = classRunsOf(opts.coreClass, c0, c1);
  const a = wb.arena.allocator();
  const slots = st.maxDelayTicks + 1;
  const cap = Math.min(PART_BUCKET_MAX_INTS, Math.max(PART_BUCKET_MIN_INTS, records.rec.length));
  const table = a.i32(3 * slots);
  for (let s = 0; s < slots; s++) {
    const bucket = a.i32(cap);
    table[3 * s] = bucket.byteOffset;
    table[3 * s + 1] = cap;
  }
  const ex = a.u32(EMIT_WORDS.length);
  ex[EMIT_WORDS.indexOf("buckets")] = table.byteOffset;
  ex[EMIT_WORDS.indexOf("slots")] = slots;
  const runsInMemory = a.u32(Math.max(3, runs.length));
  runsInMemory.set(runs);
  const rt = a.i32(FUSED_WORDS.length);
  const mode = chooseDeliverMode(st, false, st.dynamics !== undefined);
  writePartBlock(rt, wb, st, {
    updateCtx, emitCtx: ex.byteOffset, runs: runsInMemory, runCount: runs.length / 3, mark: deliverMarks(mode), clearGotInput: st.dynamics !== undefined,
    combined, records,
  });
  return { rt, ex, table, runs: runsInMemory, records, degraded: a.i32(1) };
}

/** Doubles every bucket of a part's wheel (between runs: the buckets are empty). */
function growPartWheel(wb: WasmStateBinding, part: WasmPartConfig): void {
  const a = wb.arena.allocator();
  for (let s = 0; s < part.table.length; s += 3) {
    const bucket = a.i32(2 * part.table[s + 1]);
    part.table[s] = bucket.byteOffset;
    part.table[s + 1] = bucket.length;
    part.table[s + 2] = 0;
  }
}

function sharedOf(b: SharedUpdateBuffers): SharedUpdateBuffers {
  return { gotInput: b.gotInput, inputNow: b.inputNow, coreTally: b.coreTally };
}

/** Part [n0, n1)'s fired lists as slices of the state's one-thread lists (neurons of parts are disjoint). */
function sliceFiredLists(l: FiredLists, n0: number, n1: number): FiredLists {
  const end = Math.max(n1, n0 + 1);
  return { fired: l.fired.subarray(n0, end), firedAccessed: l.firedAccessed.subarray(n0, end), firedUpdated: l.firedUpdated.subarray(n0, end), firedFired: l.firedFired.subarray(n0, end) };
}

export function createThreadTeam(st: SimState, opts: ThreadTeamOptions): ThreadTeam {
  return new ThreadTeam(st, opts);
}

/**
 * A team for running `program` on `spec` from the state `st` (built with sharedArrays()), reusable across
 * runs of that state: call close() when done. Starting the workers takes ~0.1 s; awaitStart() waits.
 * `more.mainShare`: part 0's share (default MAIN_SHARE; benchmarks/parts-sequential.mjs compares shares).
 */
export function threadTeamFor(spec: ChipSpec, program: ChipProgram, st: SimState, threads: number, kernels?: KernelChoice, more: Pick<ThreadTeamOptions, "mainShare"> = {}): ThreadTeam {
  return new ThreadTeam(st, { threads, coreClass: coreClassesOf(st, program.fixedPoint !== undefined), fixedPoint: program.fixedPoint, updatedWithInput: countsUpdatesWithInput(spec), ...(kernels === undefined ? {} : { kernels }), ...more });
}
