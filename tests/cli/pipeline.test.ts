/**
 * How the CLI steps a run between its yields to the event loop (cli/pipeline.ts stepWithSignals): the
 * ticks per step() call follow the measured pace towards STEP_TARGET_MS per call, growing at most 4× and
 * shrinking at most 4× per call, within 1 … MAX_STEP_BATCH; and a stepped run ends at its last tick with
 * the same result as one step().
 */
import { describe, expect, it } from "vitest";
import { MAX_STEP_BATCH, nextStepBatch, STEP_TARGET_MS, stepWithSignals } from "../../cli/pipeline.ts";
import type { SimRun } from "../../chip/sim/run.ts";

describe("nextStepBatch", () => {
  it("aims at STEP_TARGET_MS per call at the last call's pace", () => {
    // 100 ticks in 5 ms: 20 ticks/ms, so 2 × 100 for STEP_TARGET_MS = 10.
    expect(nextStepBatch(100, 100, STEP_TARGET_MS / 2)).toBe(200);
    expect(nextStepBatch(100, 100, STEP_TARGET_MS)).toBe(100);
    expect(nextStepBatch(100, 100, STEP_TARGET_MS * 2)).toBe(50);
  });

  it("grows at most 4× and shrinks at most 4× per call, within 1 … MAX_STEP_BATCH", () => {
    expect(nextStepBatch(1, 1, 0.01)).toBe(4);
    expect(nextStepBatch(64, 64, 0.5)).toBe(256);
    expect(nextStepBatch(400, 400, 1000)).toBe(100);
    expect(nextStepBatch(2, 2, 1000)).toBe(1);
    expect(nextStepBatch(MAX_STEP_BATCH, MAX_STEP_BATCH, 0.001)).toBe(MAX_STEP_BATCH);
    // A call too fast for the clock, or one that did no tick: grow by 4×.
    expect(nextStepBatch(8, 8, 0)).toBe(32);
    expect(nextStepBatch(8, 0, 3)).toBe(32);
  });

  it("a run of fast ticks takes a handful of calls, not one per few ticks", async () => {
    // A fake run whose ticks cost 0.02 ms each (the pace of bench_lif10k's on one thread).
    let done = 0;
    const asked: number[] = [];
    const steps = 1000;
    const run = {
      steps,
      get ticksDone() { return done; },
      get done() { return done >= steps; },
      step(n = steps): number {
        asked.push(n);
        const k = Math.min(n, steps - done);
        const until = performance.now() + 0.02 * k;
        while (performance.now() < until);
        done += k;
        return k;
      },
    } as unknown as SimRun;
    await stepWithSignals(run);
    expect(done).toBe(steps);
    expect(asked[0]).toBe(1);
    expect(asked.length, `batches ${asked.join(",")}`).toBeLessThanOrEqual(12);
  });
});
