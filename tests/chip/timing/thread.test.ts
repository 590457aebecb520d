/**
 * Timing threads (chip/timing/thread.ts): a per-packet model scheduled on worker threads gives every
 * tick's latency of the model on the simulating thread, bit for bit, however the ticks are shared (ring
 * full, ticks too large for a slot, several workers); a worker that fails is reported with its error; a
 * model that cannot be re-created in a worker (a user's) is never threaded. Workers run the compiled
 * engine, so these tests need an up-to-date dist/ (npm ci builds it).
 */
import { describe, expect, it } from "vitest";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { buildSimState } from "../../../chip/sim/state.ts";
import { runState } from "../../../chip/sim/run.ts";
import { AerchipError } from "../../../core/diagnostics.ts";
import { createTimingModel, TickWork, type TimingModel } from "../../../chip/timing/index.ts";
import { CORE_FIELDS, PACKET_FIELDS, prestartedTimingWorkers, prestartTimingWorkers, TimingThreads, threadableTiming } from "../../../chip/timing/thread.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { genericWith } from "../../helpers/specs.ts";
import { distIsFresh, distNote } from "../../helpers/dist.ts";

const DIST_OK = distIsFresh("chip/timing/thread-worker.js", ["chip", "core"]);
const NEEDS_DIST = distNote(DIST_OK, "dist/chip/timing/thread-worker.js");


interface Recorded {
  readonly spec: ChipSpec;
  readonly work: TickWork;
  readonly ticks: Array<{ readonly P: number; readonly syncTiles: number; readonly arrays: Record<string, ArrayLike<number>> }>;
  /** Each tick's latency from the model on the calling thread. */
  readonly expected: Float64Array;
}

/** The demo network's ticks with the detailed model: each tick's TickWork (copied) and its latency. */
function recordDemo(): Recorded {
  const model = loadJsonModel("examples/demo/ei-small.net.json");
  const spec = genericWith({ maxNeurons: 19 });
  const { program } = compileModel(model.graph, spec, { placement: "random", seed: 3 });
  const detailed = createTimingModel("detailed");
  const ticks: Recorded["ticks"] = [];
  let first: TickWork | undefined;
  const recorder: TimingModel = {
    name: "recorder",
    tickLatencyNs(w: TickWork, s: ChipSpec): number {
      first ??= new TickWork(s, w.coreIds, w.encodings, 1);
      const E = w.encodings.length;
      const arrays: Record<string, ArrayLike<number>> = { packetSynOps: w.packetSynOps.slice(0, w.packetCount * E) };
      for (const f of PACKET_FIELDS) arrays[f] = w[f].slice(0, w.packetCount);
      for (const f of CORE_FIELDS) arrays[f] = w[f].slice();
      ticks.push({ P: w.packetCount, syncTiles: w.syncTiles, arrays });
      return detailed.tickLatencyNs(w, s);
    },
  };
  const res = runState(spec, program, buildSimState(spec, program), model.stimulus, { steps: 300, timing: recorder, timingPerPacket: true });
  return { spec, work: first!, ticks, expected: Float64Array.from(res.tickLatencyNs) };
}

/** Fills `w` with a recorded tick (as the simulator leaves its TickWork before calling the model). */
function fill(w: TickWork, rec: Recorded["ticks"][number]): void {
  w.reset();
  w.reservePackets(rec.P);
  w.packetCount = rec.P;
  w.syncTiles = rec.syncTiles;
  for (const f of PACKET_FIELDS) (w[f] as Uint32Array | Int32Array).set(rec.arrays[f]);
  w.packetSynOps.set(rec.arrays.packetSynOps);
  for (const f of CORE_FIELDS) w[f].set(rec.arrays[f]);
}

describe.skipIf(!DIST_OK)(`timing threads ${NEEDS_DIST}`, () => {
  const rec = recordDemo();
  const T = rec.ticks.length;
  const packets = rec.ticks.map((t) => t.P);

  /** Hands every recorded tick to `threads` as the simulator would; the ticks whose latency differs from the model's here. */
  const differingTicks = (threads: TimingThreads): number => {
    const w = new TickWork(rec.spec, rec.work.coreIds, rec.work.encodings, 1);
    for (let t = 0; t < T; t++) {
      fill(w, rec.ticks[t]);
      threads.submit(t, w);
    }
    const got = threads.drain();
    let differing = 0;
    for (let t = 0; t < T; t++) if (!Object.is(got[t], rec.expected[t])) differing++;
    return differing;
  };

  it("the recorded workload is a real one (ticks with packets, latencies > 0)", () => {
    expect(T).toBe(300);
    expect(packets.filter((p) => p > 0).length).toBeGreaterThan(100);
    expect(rec.expected.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  for (const [name, opts] of [
    ["one worker, default ring", {}],
    ["one worker, a one-slot ring (most ticks scheduled here)", { slots: 1 }],
    ["two workers, two slots each, slots smaller than the busiest ticks", { workers: 2, slots: 2, slotPackets: [...packets].sort((a, b) => a - b)[T >> 1] }],
    ["three workers, TypeScript kernels", { workers: 3, kernels: "js" as const }],
  ] as const) {
    it(`${name}: every tick's latency equals the model's on this thread, bit for bit`, () => {
      const threads = new TimingThreads(rec.spec, createTimingModel("detailed"), rec.work, T, opts);
      try {
        expect(differingTicks(threads)).toBe(0);
        // The rings start empty: at least the first slots·workers ticks that fit a slot went to the workers.
        const cap = "slotPackets" in opts ? opts.slotPackets : Infinity;
        const fitting = packets.filter((p) => p <= cap).length;
        const ringTicks = ("slots" in opts ? opts.slots : 16) * ("workers" in opts ? opts.workers : 1);
        expect(threads.ticksHere).toBeLessThanOrEqual(T - Math.min(fitting, ringTicks));
        if (cap !== Infinity) expect(threads.ticksHere, "ticks too large for a slot are scheduled here").toBeGreaterThanOrEqual(T - fitting);
      } finally {
        threads.close();
      }
    });
  }

  it("workers started ahead (prestartTimingWorkers) are taken by the next run's timing threads, with the same latencies, and come back after it", () => {
    // (Earlier tests' runs left their workers in the pool: they come back when a run ends well.)
    prestartTimingWorkers(2);
    const waiting = prestartedTimingWorkers();
    expect(waiting).toBeGreaterThanOrEqual(2);
    const threads = new TimingThreads(rec.spec, createTimingModel("detailed"), rec.work, T, { workers: 2 });
    try {
      expect(prestartedTimingWorkers(), "two taken").toBe(waiting - 2);
      expect(differingTicks(threads)).toBe(0);
      expect(threads.ticksHere).toBeLessThanOrEqual(T - Math.min(T, 32));
    } finally {
      threads.close();
    }
    expect(prestartedTimingWorkers(), "both back in the pool").toBe(waiting);
    // A second run on the returned workers: the same latencies again.
    const again = new TimingThreads(rec.spec, createTimingModel("detailed"), rec.work, T, { workers: 2, slots: 4 });
    try {
      expect(differingTicks(again)).toBe(0);
      expect(again.ticksHere).toBeLessThan(T);
    } finally {
      again.close();
    }
  });

  it("a worker that fails (a model it cannot make) is reported with its error, not waited for", () => {
    const unknown: TimingModel & { threadable: true } = { name: "no-such-model", threadable: true, tickLatencyNs: () => 0 };
    const poolBefore = prestartedTimingWorkers();
    const threads = new TimingThreads(rec.spec, unknown, rec.work, T, { slots: 2 });
    const w = new TickWork(rec.spec, rec.work.coreIds, rec.work.encodings, 1);
    let error: unknown;
    try {
      for (let t = 0; t < T; t++) {
        fill(w, rec.ticks[t]);
        threads.submit(t, w);
      }
      threads.drain();
    } catch (e) {
      error = e;
    } finally {
      threads.close();
    }
    expect(error).toBeInstanceOf(AerchipError);
    expect((error as AerchipError).code).toBe("E_TIMING_THREAD_FAILED");
    // The run took a waiting worker (if any) and did not put the failed one back.
    expect(prestartedTimingWorkers(), "a failed worker is not pooled").toBe(Math.max(0, poolBefore - 1));
    expect((error as AerchipError).message).toMatch(/E_TIMING_MODEL/);
  });

  it("runs use timing threads only for built-in per-packet models, and only when asked for threads", () => {
    expect(threadableTiming(createTimingModel("detailed"))).toBe(true);
    expect(threadableTiming(createTimingModel("simple"))).toBe(false);
    const model = loadJsonModel("examples/demo/ei-small.net.json");
    const spec = genericWith({ maxNeurons: 19 });
    const { program } = compileModel(model.graph, spec, { placement: "random", seed: 3 });
    const detailed = createTimingModel("detailed");
    const mine: TimingModel = { name: "mine", tickLatencyNs: (w, s) => detailed.tickLatencyNs(w, s) };
    const run = (timing: TimingModel, threads: number, timingThread?: boolean) =>
      runState(spec, program, buildSimState(spec, program), model.stimulus, { steps: 100, timing, timingPerPacket: true, threads, ...(timingThread === undefined ? {} : { timingThread }) });
    const base = run(createTimingModel("detailed"), 1);
    expect(base.timingThreads).toBe(0);
    const users = run(mine, 2);
    expect(users.timingThreads, "a user's model stays on the simulating thread").toBe(0);
    expect(users.threads).toBe(2);
    const threaded = run(createTimingModel("detailed"), 2);
    expect(threaded.timingThreads).toBe(1);
    expect([...threaded.tickLatencyNs]).toEqual([...base.tickLatencyNs]);
    expect([...users.tickLatencyNs]).toEqual([...base.tickLatencyNs]);
    expect(run(createTimingModel("detailed"), 2, false).timingThreads).toBe(0);
  });
});
