/**
 * The timing thread (thread.ts starts it from the compiled build, dist/): takes the ring's slots in order,
 * schedules each tick's work with its own instance of the run's timing model and writes the tick's
 * latency. A failure is posted on the message port and flagged in the control block, so the simulating
 * thread never waits forever.
 */
import { workerData } from "node:worker_threads";
import { createTimingModel } from "./index.ts";
import { slotViews, TIMING_CONTROL, type TimingThreadInit } from "./thread.ts";
import { TickWork } from "./types.ts";

const { C_STARTED, C_ERROR, C_CLOSED, C_DONE, FREE, FULL, stateAt, tickAt, packetsAt, syncAt } = TIMING_CONTROL;
const init = workerData as TimingThreadInit;
const { control: c, slots, slotPackets: cap, latencyNs, port, spec } = init;

function run(): void {
  const model = createTimingModel(init.model, init.kernels);
  const work = new TickWork(spec, init.coreIds, init.encodings, 1);
  const views = init.buffers.map((b) => slotViews(b, cap, work.coreCount, work.encodings.length));
  Atomics.store(c, C_STARTED, 1);
  for (let k = 0; ; k++) {
    const s = k % slots;
    while (Atomics.load(c, stateAt(s)) !== FULL) {
      if (Atomics.load(c, C_CLOSED) === 1) return;
      Atomics.wait(c, stateAt(s), FREE, 1000);
    }
    const v = views[s];
    // The slot's packet arrays become the work's (read up to packetCount); the per-core counts are copied.
    work.packetSrc = v.packetSrc;
    work.packetDst = v.packetDst;
    work.packetDx = v.packetDx;
    work.packetDy = v.packetDy;
    work.packetAccessed = v.packetAccessed;
    work.packetUpdated = v.packetUpdated;
    work.packetFired = v.packetFired;
    work.packetSynOps = v.packetSynOps;
    work.packetCount = c[packetsAt(slots, s)];
    work.syncTiles = c[syncAt(slots, s)];
    work.synOps.set(v.synOps);
    work.neuronsAccessed.set(v.neuronsAccessed);
    work.neuronsUpdated.set(v.neuronsUpdated);
    work.neuronsFired.set(v.neuronsFired);
    work.packetsOut.set(v.packetsOut);
    work.packetsIn.set(v.packetsIn);
    work.synUpdates.set(v.synUpdates);
    latencyNs[c[tickAt(slots, s)]] = model.tickLatencyNs(work, spec);
    Atomics.store(c, stateAt(s), FREE);
    Atomics.notify(c, stateAt(s));
    Atomics.add(c, C_DONE, 1);
    Atomics.notify(c, C_DONE);
  }
}

try {
  run();
} catch (e) {
  const err = e as { code?: unknown; message?: unknown };
  port.postMessage({ error: { code: typeof err?.code === "string" ? err.code : undefined, message: String(err?.message ?? e) } });
  Atomics.store(c, C_ERROR, 1);
  Atomics.notify(c, C_DONE);
  for (let s = 0; s < slots; s++) Atomics.notify(c, stateAt(s));
}
port.close();
