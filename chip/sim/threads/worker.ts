/**
 * Worker thread of a multi-threaded run (team.ts starts it from the compiled build, dist/): builds its
 * Part from the shared state, then runs the main thread's commands until told to exit. A failure is sent
 * back on the message port and flagged in the control block, so the main thread never waits forever.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads";
import type { SimState } from "../state.ts";
import { CTRL_ARG, CTRL_ARG2, CTRL_ERROR, CTRL_OP, CTRL_PREV_FIRED, CTRL_SEQ, OP_BEGIN, OP_DERIVE, OP_EXIT, OP_TICK, Waiter } from "./control.ts";
import { Part, type PartConfig, type PartStimulus } from "./part.ts";
import { kernelsFor } from "../wasm/kernels.ts";
import { LOOP_DEGRADED, loopSeq, resetLoopSpin, setLoopSeq, type TeamLoopBlock } from "../wasm/team-loop.ts";

interface WorkerInit {
  readonly st: SimState;
  readonly cfg: PartConfig;
  readonly index: number;
  readonly ctrl: Int32Array;
  readonly done: Int32Array;
  readonly counts: Int32Array;
  readonly combined: Uint32Array;
  /** Seconds each part spent computing ticks (balance diagnostics). */
  readonly busySeconds: Float64Array;
  readonly port: MessagePort;
  /** Busy-wait before sleeping (control.ts). */
  readonly spinMs: number;
  /** The thread's WebAssembly tick loop block (team-loop.ts), when its part runs the part kernel. */
  readonly loop: TeamLoopBlock | undefined;
}

/** Runs the part of `init` until told to exit (blocks this thread: the ticks wait on atomics). */
function runWorker(init: WorkerInit): void {
  const { ctrl, done, counts, combined, busySeconds, index, port, spinMs, loop } = init;

  function fail(e: unknown, seq: number): void {
    const err = e as { code?: unknown; message?: unknown; stack?: unknown };
    port.postMessage({ error: { code: typeof err?.code === "string" ? err.code : undefined, message: String(err?.message ?? e), stack: String(err?.stack ?? "") } });
    Atomics.store(ctrl, CTRL_ERROR, 1);
    Atomics.store(done, index, seq);
    Atomics.notify(done, index);
  }

  function receive(): PartStimulus {
    // The main thread posts before it bumps SEQ; the message is already queued on the port.
    for (let i = 0; i < 1000; i++) {
      const m = receiveMessageOnPort(port);
      if (m !== undefined) return m.message as PartStimulus;
      Atomics.wait(ctrl, CTRL_ERROR, 0, 1);
    }
    throw new Error("the run's stimulus did not arrive");
  }

  let seq = 0;
  const waiter = new Waiter(spinMs);
  try {
    const part = new Part(init.st, init.cfg);
    const kernels = loop !== undefined && init.st.wasm !== undefined ? kernelsFor(init.st.wasm.memory) : undefined;
    Atomics.store(done, index, 0);
    Atomics.notify(done, index);
    for (;;) {
      if (kernels !== undefined && part.kernelLoop) {
        // Ticks run in the WebAssembly loop until another command arrives, or until the part's wheel lacked
        // room at a tick: that tick is finished here, and the part's ticks go on in TypeScript for the run.
        setLoopSeq(loop!, seq);
        const status = kernels.workerTicks(loop!.words.byteOffset);
        seq = loopSeq(loop!);
        if (status === LOOP_DEGRADED) {
          const t = Atomics.load(ctrl, CTRL_ARG);
          counts[index] = part.tickAfterKernel(t, combined, t > 0 ? Atomics.load(ctrl, CTRL_PREV_FIRED) : 0);
          Atomics.store(done, index, seq);
          Atomics.notify(done, index);
          continue;
        }
      } else seq = waiter.waitForChange(ctrl, CTRL_SEQ, seq);
      const op = Atomics.load(ctrl, CTRL_OP);
      if (op === OP_TICK) {
        const t = Atomics.load(ctrl, CTRL_ARG);
        const t0 = performance.now();
        counts[index] = part.tick(t, combined, t > 0 ? Atomics.load(ctrl, CTRL_PREV_FIRED) : 0);
        busySeconds[index] += (performance.now() - t0) / 1000;
      } else if (op === OP_BEGIN) {
        part.begin(receive());
        waiter.reset();
        if (loop !== undefined) resetLoopSpin(loop);
      } else if (op === OP_DERIVE) {
        if (index === 1) part.derive(Atomics.load(ctrl, CTRL_ARG), Atomics.load(ctrl, CTRL_ARG2));
      } else if (op === OP_EXIT) {
        Atomics.store(done, index, seq);
        Atomics.notify(done, index);
        break;
      }
      Atomics.store(done, index, seq);
      Atomics.notify(done, index);
    }
  } catch (e) {
    // The command that failed is the latest one: a failure inside the WebAssembly loop leaves `seq` at the
    // command before the loop was entered, and the main thread waits for done = the latest.
    fail(e, Atomics.load(ctrl, CTRL_SEQ));
  }
  port.close();
}

// A pre-started worker (prestart.ts) loaded this module ahead of the run and waits for its part.
if ((workerData as { prestarted?: boolean } | undefined)?.prestarted === true) parentPort!.once("message", (init: WorkerInit) => runWorker(init));
else runWorker(workerData as WorkerInit);
