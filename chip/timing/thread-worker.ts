/**
 * The timing thread (thread.ts starts it from the compiled build, dist/): takes the ring's slots in order,
 * schedules each tick's work with its own instance of the run's timing model and writes the tick's
 * latency. A failure is posted on the message port and flagged in the control block, so the simulating
 * thread never waits forever.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createTimingModel } from "./index.ts";
import { readSlot, slotViews, TIMING_CONTROL, type TimingThreadInit } from "./thread.ts";
import { TickWork, type TimingModel } from "./types.ts";

const { C_STARTED, C_ERROR, C_CLOSED, C_DONE, C_LEFT, FREE, FULL, stateAt, tickAt, packetsAt, syncAt } = TIMING_CONTROL;

/**
 * This worker's models by name and kernels, kept for its next runs: the detailed model owns a WebAssembly
 * memory grown to the busiest tick, which a new model per run would allocate again while the old ones wait
 * for this (mostly idle) thread's garbage collector. A model reads nothing from earlier runs: it recomputes
 * its costs for another spec object and rewrites its core tables for another TickWork (detailed-wasm.ts).
 */
const models = new Map<string, TimingModel>();
function modelFor(name: string, kernels: TimingThreadInit["kernels"]): TimingModel {
  const key = `${name}/${kernels ?? "default"}`;
  let m = models.get(key);
  if (m === undefined) {
    m = createTimingModel(name, kernels);
    models.set(key, m);
  }
  return m;
}

/** Takes the ring's slots in order and writes each tick's latency, until the run closes the ring. */
function run(init: TimingThreadInit): void {
  const { control: c, slots, slotPackets: cap, latencyNs, spec } = init;
  const model = modelFor(init.model, init.kernels);
  const work = new TickWork(spec, init.coreIds, init.encodings, 1);
  const views = init.buffers.map((b) => slotViews(b, cap, work.coreCount, work.encodings.length));
  Atomics.store(c, C_STARTED, 1);
  for (let k = 0; ; k++) {
    const s = k % slots;
    while (Atomics.load(c, stateAt(s)) !== FULL) {
      if (Atomics.load(c, C_CLOSED) === 1) {
        // Left: the run's close() may now hand the ring (cleared) to this worker's next run.
        Atomics.store(c, C_LEFT, 1);
        Atomics.notify(c, C_LEFT);
        return;
      }
      Atomics.wait(c, stateAt(s), FREE, 1000);
    }
    readSlot(work, views[s], c[packetsAt(slots, s)], c[syncAt(slots, s)]);
    latencyNs[c[tickAt(slots, s)]] = model.tickLatencyNs(work, spec);
    Atomics.store(c, stateAt(s), FREE);
    Atomics.notify(c, stateAt(s));
    Atomics.add(c, C_DONE, 1);
    Atomics.notify(c, C_DONE);
  }
}

/** Schedules the ring's ticks until closed; a failure is posted and flagged. */
function main(init: TimingThreadInit): void {
  const { control: c, slots, port } = init;
  try {
    run(init);
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    port.postMessage({ error: { code: typeof err?.code === "string" ? err.code : undefined, message: String(err?.message ?? e) } });
    Atomics.store(c, C_ERROR, 1);
    Atomics.notify(c, C_DONE);
    for (let s = 0; s < slots; s++) Atomics.notify(c, stateAt(s));
  }
  port.close();
}

/** Waits for a ring by message (the run that takes this worker from the pool, prestart.ts), then the next. */
function listen(): void {
  parentPort!.once("message", (init: TimingThreadInit) => {
    main(init);
    listen();
  });
}

// A pre-started worker loaded this module ahead of its run; a worker started with its ring runs it first.
// Either way it then waits for the next run's ring (its run puts it back in the pool when it ends well).
if ((workerData as { prestarted?: boolean } | undefined)?.prestarted !== true) main(workerData as TimingThreadInit);
listen();
