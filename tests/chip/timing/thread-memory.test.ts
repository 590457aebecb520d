/**
 * Timing threads over many runs on one state, as `aerchip evaluate --timing detailed --threads 2` runs a
 * data set (one simulation per sample, each starting its own timing threads): the pooled worker and its
 * ring are reused, so memory does not grow with the number of runs (audit-evaluate F22: a new ring per
 * run stayed alive until both threads' garbage collectors ran, ~170 KB per sample, 1.1 GB after 2 700
 * samples), and every run's latencies stay those of the model on the simulating thread.
 */
import { describe, expect, it } from "vitest";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { buildSimState, resetNeuronState } from "../../../chip/sim/state.ts";
import { runState } from "../../../chip/sim/run.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";
import { openTimingRings, prestartedTimingWorkers, slotBytes, TIMING_SLOT_PACKETS, TIMING_SLOTS } from "../../../chip/timing/thread.ts";
import { genericWith } from "../../helpers/specs.ts";
import { distIsFresh, distNote } from "../../helpers/dist.ts";

const DIST_OK = distIsFresh("chip/timing/thread-worker.js", ["chip", "core"]);
const NEEDS_DIST = distNote(DIST_OK, "dist/chip/timing/thread-worker.js");

describe.skipIf(!DIST_OK)(`timing threads over many runs on one state ${NEEDS_DIST}`, () => {
  it("200 runs with a timing thread: the same latencies as one thread each time, no ring left open, no worker gained or lost, memory flat", () => {
    const model = loadJsonModel("examples/demo/ei-small.net.json");
    const spec = genericWith({ maxNeurons: 19 });
    const { program } = compileModel(model.graph, spec, { placement: "random", seed: 3 });
    const steps = 100;
    const expected = runState(spec, program, buildSimState(spec, program), model.stimulus, { steps, timing: createTimingModel("detailed"), timingPerPacket: true }).tickLatencyNs;
    const st = buildSimState(spec, program);
    const run = (): Float64Array => {
      resetNeuronState(st);
      const r = runState(spec, program, st, model.stimulus, { steps, timing: createTimingModel("detailed"), timingPerPacket: true, threads: 2 });
      expect(r.timingThreads).toBe(1);
      return r.tickLatencyNs;
    };
    expect([...run()]).toEqual([...expected]);
    const pooled = prestartedTimingWorkers();
    const arrayBytesBefore = process.memoryUsage().arrayBuffers;
    let differing = 0;
    for (let i = 0; i < 200; i++) {
      const got = run();
      for (let t = 0; t < steps; t++) if (!Object.is(got[t], expected[t])) differing++;
    }
    const grownBytes = process.memoryUsage().arrayBuffers - arrayBytesBefore;
    expect(differing).toBe(0);
    expect(openTimingRings(), "every run closed its ring").toBe(0);
    expect(prestartedTimingWorkers(), "the run's worker is back in the pool each time, and only it").toBe(pooled);
    // One ring (TIMING_SLOTS slots of TIMING_SLOT_PACKETS packets) is ~33 MB of shared memory; a new one
    // per run kept hundreds of them alive. Reused, the runs allocate no ring at all.
    const ringBytes = TIMING_SLOTS * slotBytes(TIMING_SLOT_PACKETS, program.cores.length, 1);
    expect(grownBytes, `array buffers grew by ${(grownBytes / 2 ** 20).toFixed(1)} MB over 200 runs`).toBeLessThan(2 * ringBytes);
  });
});
