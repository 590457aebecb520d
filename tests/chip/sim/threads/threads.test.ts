/**
 * Multi-threaded runs (chip/sim/threads): every output of a run — spikes, every counter array, latencies
 * of both timing models, delivered events, recorded potentials, the AER packet trace — is bit-identical
 * for 1, 2, 3 and 4 threads, across placements, chunked stepping, reused thread teams and repeated runs.
 * Workers run the compiled engine, so these tests need an up-to-date dist/ (npm ci builds it).
 */
import { describe, expect, it } from "vitest";
import { loadJsonModel } from "../../../../compiler/frontends/load-model.ts";
import { compileModel } from "../../../../compiler/compile.ts";
import { loadSanafe, loadSanafeArch } from "../../../../compiler/frontends/sanafe/index.ts";
import type { ChipProgram, ChipStimulus } from "../../../../chip/program/types.ts";
import type { ChipSpec } from "../../../../chip/spec/types.ts";
import { buildSimState, resetNeuronState } from "../../../../chip/sim/state.ts";
import { sharedArrays } from "../../../../chip/sim/alloc.ts";
import { runState, startRun, type SimResult, type SimulateOptions } from "../../../../chip/sim/run.ts";
import { threadTeamFor } from "../../../../chip/sim/threads/team.ts";
import { prestartWorkers, prestartedWorkers } from "../../../../chip/sim/threads/prestart.ts";
import { createTimingModel } from "../../../../chip/timing/index.ts";
import { AerPacketBuffer } from "../../../../core/aer.ts";
import { genericWith } from "../../../helpers/specs.ts";
import { distIsFresh, distNote } from "../../../helpers/dist.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../../helpers/shared.ts";
import { expectSame, outputs } from "../../../helpers/sim-outputs.ts";

const DIST_OK = distIsFresh("chip/sim/threads/worker.js", ["chip", "core"]);
const NEEDS_DIST = distNote(DIST_OK);
const DEMO = "examples/demo/ei-small.net.json";

function runWith(spec: ChipSpec, program: ChipProgram, stimulus: ChipStimulus, opts: SimulateOptions, withTrace: boolean): { res: SimResult; out: Map<string, ArrayLike<number>> } {
  const trace = withTrace ? new AerPacketBuffer() : undefined;
  const res = runState(spec, program, buildSimState(spec, program), stimulus, { ...opts, ...(trace === undefined ? {} : { tracePackets: trace }) });
  return { res, out: outputs(res, trace) };
}

describe.skipIf(!DIST_OK)(`multi-threaded runs equal one-thread runs ${NEEDS_DIST}`, () => {
  const model = loadJsonModel(DEMO);

  for (const timing of ["simple", "detailed"] as const) {
    it(`demo network, ${timing} timing, packet trace and potentials: 1 = 2 = 3 = 4 threads over two placements`, () => {
      for (const [placement, maxNeurons] of [["random", 19], ["greedy", 37]] as const) {
        const spec = genericWith({ maxNeurons });
        const { program } = compileModel(model.graph, spec, { placement, seed: 3 });
        const opts: SimulateOptions = { steps: 300, timing: createTimingModel(timing), timingPerPacket: timing === "detailed", recordVoltages: ["E"] };
        const one = runWith(spec, program, model.stimulus, opts, true);
        expect(one.res.threads).toBe(1);
        let spikes = 0;
        for (const sp of one.res.spikes.values()) spikes += sp.tick.length;
        expect(spikes, "the demo network is active").toBeGreaterThan(100);
        for (const threads of [2, 3, 4]) {
          const many = runWith(spec, program, model.stimulus, { ...opts, threads }, true);
          expect(many.res.threads).toBe(threads);
          // The detailed model gets the extra threads (timing threads, the cores on one); without them the
          // cores get every thread.
          expect(many.res.timingThreads).toBe(timing === "detailed" ? threads - 1 : 0);
          expectSame(one.out, many.out, `${placement}, ${threads} threads`);
          if (timing === "detailed") {
            const cores = runWith(spec, program, model.stimulus, { ...opts, threads, timingThread: false }, true);
            expect(cores.res.timingThreads).toBe(0);
            expect(cores.res.threads).toBe(threads);
            expectSame(one.out, cores.out, `${placement}, ${threads} threads for the cores`);
          }
        }
      }
    });
  }

  it("a team takes workers started ahead (prestartWorkers) and gives the same outputs", () => {
    const spec = genericWith({ maxNeurons: 19 });
    const { program } = compileModel(model.graph, spec, { placement: "random", seed: 3 });
    const opts: SimulateOptions = { steps: 200, timing: createTimingModel("simple") };
    const one = runWith(spec, program, model.stimulus, opts, false);
    prestartWorkers(2);
    expect(prestartedWorkers()).toBe(2);
    const st = buildSimState(spec, program, { shared: true });
    const team = threadTeamFor(spec, program, st, 3);
    try {
      expect(prestartedWorkers(), "the team took both").toBe(0);
      const res = runState(spec, program, st, model.stimulus, { ...opts, team });
      expect(res.threads).toBe(3);
      expectSame(one.out, outputs(res), "pre-started workers");
    } finally {
      team.close();
    }
  });

  it("chunked stepping, a reused team and repeated runs give the same outputs; close() stops an abandoned run", () => {
    const spec = genericWith({ maxNeurons: 23 });
    const { program } = compileModel(model.graph, spec, { placement: "random", seed: 9 });
    const opts: SimulateOptions = { steps: 250, timing: createTimingModel("simple") };
    const one = runWith(spec, program, model.stimulus, opts, false).out;
    const st = buildSimState(spec, program, { alloc: sharedArrays() });
    const team = threadTeamFor(spec, program, st, 3);
    try {
      for (let rep = 0; rep < 3; rep++) {
        resetNeuronState(st);
        const run = startRun(spec, program, st, model.stimulus, { ...opts, team });
        for (const chunk of [1, 7, 50, 3, 1000]) run.step(chunk);
        expectSame(one, outputs(run.finish()), `reused team, run ${rep}`);
      }
      // An abandoned run (e.g. Ctrl-C) is closed without a result; the team (owned by the caller) still works.
      resetNeuronState(st);
      const abandoned = startRun(spec, program, st, model.stimulus, { ...opts, team });
      abandoned.step(40);
      abandoned.close();
      resetNeuronState(st);
      expectSame(one, outputs(runState(spec, program, st, model.stimulus, { ...opts, team })), "after an abandoned run");
    } finally {
      team.close();
    }
    // A run that owns its team and is abandoned: close() ends its workers (the test would hang otherwise).
    const own = startRun(spec, program, buildSimState(spec, program), model.stimulus, { ...opts, threads: 2 });
    own.step(10);
    own.close();
  });

  it("fixed-point programs (lifFixed kernels): identical", () => {
    const spec = genericWith({ maxNeurons: 29 });
    const fixed = compileModel(model.graph, spec, { placement: "random", seed: 2, precision: "fixed" }).program;
    expect(fixed.fixedPoint).toBeDefined();
    const opts: SimulateOptions = { steps: 200, timing: createTimingModel("simple") };
    expectSame(runWith(spec, fixed, model.stimulus, opts, false).out, runWith(spec, fixed, model.stimulus, { ...opts, threads: 2 }, false).out, "fixed point");
  });

  it("refuses a thread count outside 1..64 with a coded error", () => {
    const spec = genericWith({ maxNeurons: 29 });
    const { program } = compileModel(model.graph, spec, {});
    for (const threads of [0, 65, 1.5]) {
      expect(() => runState(spec, program, buildSimState(spec, program), model.stimulus, { steps: 10, threads }), String(threads)).toThrow(expect.objectContaining({ code: "E_SIM_THREADS" }));
    }
  });
});

describe.skipIf(!DIST_OK || !HAS_SHARED)(`multi-threaded runs of the reference networks ${NEEDS_DIST} ${SKIP_MSG}`, () => {
  it("SANA-FE's DVS network on its Loihi file (soma dynamics, several encodings), 200 ticks, detailed timing: 1 = 2 = 3 threads", () => {
    const arch = loadSanafeArch(sharedPath("fixtures/sanafe/loihi.yaml"));
    const sm = loadSanafe(sharedPath("fixtures/sanafe/dvs.yaml"), arch);
    const spec = arch.spec;
    const { program } = compileModel(sm.graph, spec, { fixedPlacement: sm.placement.coreOf, fixedOrder: sm.placement.orderInCore });
    const steps = 200;
    const opts: SimulateOptions = { steps, timing: createTimingModel("detailed"), timingPerPacket: true };
    const stim = sm.stimulus(steps);
    const one = runWith(spec, program, stim, opts, false).out;
    for (const threads of [2, 3]) {
      expectSame(one, runWith(spec, program, stim, { ...opts, threads }, false).out, `DVS, ${threads} threads (timing threads)`);
      expectSame(one, runWith(spec, program, stim, { ...opts, threads, timingThread: false }, false).out, `DVS, ${threads} threads for the cores`);
    }
  });

  it("a plastic program (pair STDP, c05) asked for 2 threads runs on one, with the one-thread result; a detailed run's timing thread still helps", () => {
    const model = loadJsonModel(sharedPath("fixtures/snnref/c05_stdp_all2all_dense.net.json"));
    const spec = genericWith({ maxNeurons: 7 });
    const { program } = compileModel(model.graph, spec, {});
    const opts: SimulateOptions = { steps: model.graph.defaultSteps };
    const a = runWith(spec, program, model.stimulus, opts, false);
    const b = runWith(spec, program, model.stimulus, { ...opts, threads: 2 }, false);
    expect(b.res.threads).toBe(1);
    expectSame(a.out, b.out, "c05");
    expect([...b.res.finalWeights.values()].flatMap((w) => [...w])).toEqual([...a.res.finalWeights.values()].flatMap((w) => [...w]));
    // With the detailed model the second thread schedules the messages (the synapses still on one thread).
    const timed: SimulateOptions = { ...opts, timing: createTimingModel("detailed"), timingPerPacket: true };
    const c = runWith(spec, program, model.stimulus, timed, false);
    const d = runWith(spec, program, model.stimulus, { ...timed, threads: 2 }, false);
    expect(d.res.threads).toBe(2);
    expect(d.res.timingThreads).toBe(1);
    expectSame(c.out, d.out, "c05, detailed timing");
  });

  it("bench_lif10k (235 cores, 1.1M synapses, delays 1–5), 300 ticks: 1 = 2 threads", () => {
    const model = loadJsonModel(sharedPath("fixtures/snnref/bench/bench_lif10k.net.json.gz"));
    const spec = genericWith({});
    const { program } = compileModel(model.graph, spec, {});
    const opts: SimulateOptions = { steps: 300, timing: createTimingModel("simple") };
    expectSame(runWith(spec, program, model.stimulus, opts, false).out, runWith(spec, program, model.stimulus, { ...opts, threads: 2 }, false).out, "bench_lif10k");
  });
});
