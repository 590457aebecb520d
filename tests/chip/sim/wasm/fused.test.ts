/**
 * Whole ticks in one WebAssembly call (chip/sim/wasm/fused.ts, the `runTicks` kernel): runs that need no
 * per-tick output take it, and every output — spikes, every counter, delivered events — and the neuron
 * state after the run are bit-identical to the TypeScript kernels and to the per-tick WebAssembly path (a
 * packet trace forces that one). Covered: every class the kernel updates (input, lifUniform, lif with
 * parameters per neuron, generic cores holding input neurons beside LIF compartments, SANA-FE's uniform
 * soma), the `simple` timing model's latencies, several weight encodings, chunks of ticks, a chunk cut short by the spike buffer, wheel buckets grown in the middle of a
 * tick's emission, progress reports and partial stepping, and a state reused by a second run. Multi-threaded
 * runs: each thread part's tick in one call (partTick) and the main thread's counting of a tick in one call
 * (teamTick) give the one-thread outputs, also when a part's wheel runs out of room and goes on in TypeScript.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../../compiler/compile.ts";
import { loadJsonModel } from "../../../../compiler/frontends/load-model.ts";
import { loadSanafe, loadSanafeArch } from "../../../../compiler/frontends/sanafe/index.ts";
import { uniformNeuronParams, type ModelGraph, type PopulationIR, type ProjectionIR } from "../../../../compiler/ir/types.ts";
import { ResetMode, ThresholdOp, type ChipProgram, type ChipStimulus } from "../../../../chip/program/types.ts";
import type { ChipSpec } from "../../../../chip/spec/types.ts";
import { buildSimState, resetNeuronState, type BuildStateOptions, type SimState } from "../../../../chip/sim/state.ts";
import { runState, startRun, type SimulateOptions } from "../../../../chip/sim/run.ts";
import { classifyCores, CoreClass } from "../../../../chip/sim/update.ts";
import { FUSED_CHUNK_TICKS, FUSED_WORDS } from "../../../../chip/sim/wasm/fused.ts";
import { WHEEL_BUCKET_INTS } from "../../../../chip/sim/wasm/wheel.ts";
import { AerPacketBuffer } from "../../../../core/aer.ts";
import { createTimingModel } from "../../../../chip/timing/index.ts";
import type { TimingModel } from "../../../../chip/timing/types.ts";
import { COUNTER_COUNT, CounterKind } from "../../../../chip/sim/counters.ts";
import { createRng } from "../../../../core/rng.ts";
import { genericWith } from "../../../helpers/specs.ts";
import { distIsFresh, distNote } from "../../../helpers/dist.ts";
import { threadTeamFor } from "../../../../chip/sim/threads/team.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../../helpers/shared.ts";
import { expectSame, outputs } from "../../../helpers/sim-outputs.ts";

type Outputs = Map<string, ArrayLike<number>>;

function withState(out: Outputs, st: SimState): Outputs {
  out.set("state.v", Float64Array.from(st.v));
  out.set("state.u", Float64Array.from(st.u));
  out.set("state.refractoryLeft", Uint32Array.from(st.refractoryLeft));
  return out;
}

/** A run of `st` and whether it took the fused path (its buffers exist in the state's memory only then). */
function run(st: SimState, spec: ChipSpec, program: ChipProgram, stimulus: ChipStimulus, opts: SimulateOptions): { out: Outputs; fused: boolean } {
  const before = st.wasm?.runs.fused;
  if (st.wasm !== undefined) st.wasm.runs.fused = undefined;
  const res = runState(spec, program, st, stimulus, opts);
  const fused = st.wasm?.runs.fused !== undefined;
  if (st.wasm !== undefined && !fused) st.wasm.runs.fused = before;
  return { out: withState(outputs(res), st), fused };
}

/** TypeScript kernels, the per-tick WebAssembly path and the fused one: identical; returns the fused outputs. */
function expectFusedAgrees(spec: ChipSpec, program: ChipProgram, stimulus: ChipStimulus, opts: SimulateOptions, build: BuildStateOptions, what: string): Outputs {
  const js = run(buildSimState(spec, program, { ...build, kernels: "js" }), spec, program, stimulus, opts);
  const perTick = run(buildSimState(spec, program, build), spec, program, stimulus, { ...opts, tracePackets: new AerPacketBuffer() });
  expect(perTick.fused, `${what}: a packet trace keeps the per-tick path`).toBe(false);
  const fused = run(buildSimState(spec, program, build), spec, program, stimulus, opts);
  expect(fused.fused, `${what}: the run takes the fused path`).toBe(true);
  expectSame(js.out, perTick.out, `${what}: per-tick WebAssembly`);
  expectSame(js.out, fused.out, `${what}: fused`);
  return fused.out;
}

/**
 * Input neurons, a small LIF population (packed beside the inputs' last block: a generic core), a uniform
 * LIF population, and one whose thresholds, biases, resets and threshold tests differ per neuron.
 */
function mixedGraph(seed: number, steps: number): { graph: ModelGraph; stimulus: ChipStimulus } {
  const rng = createRng(seed);
  const size = 90;
  const uniform = uniformNeuronParams(size, { voltageDecay: 0.9, currentDecay: 0.5, vThreshold: 1, resetMode: ResetMode.zero, thresholdOp: ThresholdOp.ge, refractoryTicks: 2, vReset: -0.25 });
  const varied = uniformNeuronParams(size, { voltageDecay: 0.95, vThreshold: 0.75, resetMode: ResetMode.subtract, thresholdOp: ThresholdOp.gt, refractoryTicks: 1 });
  for (let i = 0; i < size; i++) {
    varied.vThreshold[i] = 0.6 + 0.4 * rng.nextFloat();
    varied.bias[i] = (rng.nextFloat() - 0.3) * 0.05;
    if (i % 5 === 0) varied.resetMode[i] = ResetMode.zero;
    if (i % 7 === 0) varied.thresholdOp[i] = ThresholdOp.ge;
  }
  const tiny = uniformNeuronParams(6, { voltageDecay: 0.8, vThreshold: 0.5, resetMode: ResetMode.zero, refractoryTicks: 1 });
  const populations: PopulationIR[] = [
    { name: "in", kind: "input", size: 50, shape: [50], spiking: true },
    { name: "tiny", kind: "neuron", size: 6, shape: [6], spiking: true, params: tiny },
    { name: "uni", kind: "neuron", size, shape: [size], spiking: true, params: uniform },
    { name: "var", kind: "neuron", size, shape: [size], spiking: true, params: varied },
  ];
  const projections: ProjectionIR[] = [];
  const connect = (pre: string, preSize: number, post: string, p: number, wScale: number, postSize = size): void => {
    const pi: number[] = [], qi: number[] = [], w: number[] = [], d: number[] = [];
    for (let i = 0; i < preSize; i++) {
      for (let j = 0; j < postSize; j++) {
        if (rng.nextFloat() >= p) continue;
        pi.push(i); qi.push(j);
        // Multiples of 2^-11 (exact in float32 too, for the float32 weight layout).
        w.push(((rng.nextBelow(1000) - 400) / 1024) * wScale);
        d.push(1 + rng.nextBelow(5));
      }
    }
    projections.push({ name: `${pre}_${post}`, pre, post, encoding: "sparse", preIndex: Uint32Array.from(pi), postIndex: Uint32Array.from(qi), weight: Float64Array.from(w), delayTicks: Uint16Array.from(d) });
  };
  for (const post of ["uni", "var"]) connect("in", 50, post, 0.2, 1.5);
  connect("in", 50, "tiny", 0.3, 1.5, 6);
  connect("tiny", 6, "uni", 0.5, 0.75);
  for (const pre of ["uni", "var"]) for (const post of ["uni", "var"]) connect(pre, size, post, 0.06, 0.625);
  const tick: number[] = [], neuron: number[] = [];
  for (let t = 0; t < steps; t++) for (let i = 0; i < 50; i++) if (rng.nextFloat() < 0.08) { tick.push(t); neuron.push(i); }
  const graph: ModelGraph = { name: "fused-mixed", defaultSteps: steps, populations, projections };
  return { graph, stimulus: { spikes: new Map([["in", { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) } };
}

function classesOf(spec: ChipSpec, program: ChipProgram): Set<number> {
  return new Set(classifyCores(buildSimState(spec, program, { kernels: "js" }), false));
}

describe("whole ticks in one WebAssembly call (fused runs)", () => {
  const steps = 2 * FUSED_CHUNK_TICKS + 77;
  const { graph, stimulus } = mixedGraph(5, steps);
  // 23 neurons per core: the input population's last core also holds LIF neurons (a generic core).
  const spec = genericWith({ maxNeurons: 23 });
  const { program } = compileModel(graph, spec, {});

  it("covers input, lifUniform, lif (parameters per neuron) and generic cores over several chunks, every layout and encoding, with and without `simple` timing", () => {
    const classes = classesOf(spec, program);
    for (const cls of [CoreClass.input, CoreClass.lifUniform, CoreClass.lif, CoreClass.generic]) expect(classes.has(cls), `class ${cls} present`).toBe(true);
    const builds: BuildStateOptions[] = [{}, { layout: "flat32" }, { float64Weights: true }, { float32Weights: true }, { layout: "flat32", float32Weights: true }];
    for (const build of builds) {
      const out = expectFusedAgrees(spec, program, stimulus, { steps }, build, JSON.stringify(build));
      for (const p of ["tiny", "uni", "var"]) expect((out.get(`spikes.${p}.tick`) as Int32Array).length, `${p} fires`).toBeGreaterThan(100);
      const timed = expectFusedAgrees(spec, program, stimulus, { steps, timing: createTimingModel("simple") }, build, `${JSON.stringify(build)}, simple timing`);
      const latency = timed.get("tickLatencyNs") as Float64Array;
      expect(latency.every((ns) => ns > 0), "every tick has a latency").toBe(true);
      expect(new Set(latency).size, "latencies vary with the work").toBeGreaterThan(10);
    }
  });

  it("reports progress and steps in parts exactly as the per-tick path; a reused state allocates nothing more", () => {
    const collect = (st: SimState, trace: boolean): { ticks: number[]; stepped: number[]; out: Outputs } => {
      const ticks: number[] = [];
      const r = startRun(spec, program, st, stimulus, { steps, onProgress: (t) => ticks.push(t), progressEveryTicks: 50, ...(trace ? { tracePackets: new AerPacketBuffer() } : {}) });
      const stepped = [r.step(37), r.step(0), r.step(300), r.step()];
      expect(r.done).toBe(true);
      return { ticks, stepped, out: withState(outputs(r.finish()), st) };
    };
    const perTick = collect(buildSimState(spec, program), true);
    const st = buildSimState(spec, program);
    const fused = collect(st, false);
    expect(st.wasm!.runs.fused, "fused buffers").toBeDefined();
    expect(fused.ticks).toEqual(perTick.ticks);
    expect(fused.stepped).toEqual([37, 0, 300, steps - 337]);
    expect(fused.stepped).toEqual(perTick.stepped);
    expectSame(perTick.out, fused.out, "stepped in parts");
    // A second run on the same state: same outputs, no new memory.
    const used = st.wasm!.arena.usedBytes;
    resetNeuronState(st);
    const again = collect(st, false);
    expectSame(fused.out, again.out, "second run");
    expect(st.wasm!.arena.usedBytes).toBe(used);
  });

  it("cuts a chunk short when the spike buffer could overflow, and grows wheel buckets in the middle of a tick's emission", () => {
    // 1200 input neurons fire on every tick: 240,000 spikes (the buffer holds 65,536 per chunk), and each
    // spike queues 3 delay groups: 1200 records for one wheel slot (a bucket starts with 256).
    const inputs = 1200, size = 40, T = 200;
    const pi: number[] = [], qi: number[] = [], w: number[] = [], d: number[] = [];
    for (let i = 0; i < inputs; i++) for (let k = 0; k < 3; k++) { pi.push(i); qi.push((i + 7 * k) % size); w.push(0.01 * (1 + (i % 5))); d.push(1 + k); }
    const g: ModelGraph = {
      name: "flood", defaultSteps: T,
      populations: [
        { name: "in", kind: "input", size: inputs, shape: [inputs], spiking: true },
        { name: "out", kind: "neuron", size, shape: [size], spiking: true, params: uniformNeuronParams(size, { voltageDecay: 0.5, vThreshold: 2, resetMode: ResetMode.zero }) },
      ],
      projections: [{ name: "p", pre: "in", post: "out", encoding: "sparse", preIndex: Uint32Array.from(pi), postIndex: Uint32Array.from(qi), weight: Float64Array.from(w), delayTicks: Uint16Array.from(d) }],
    };
    const tick: number[] = [], neuron: number[] = [];
    for (let t = 0; t < T; t++) for (let i = 0; i < inputs; i++) { tick.push(t); neuron.push(i); }
    const stim: ChipStimulus = { spikes: new Map([["in", { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) };
    const s = genericWith({ maxNeurons: 256 });
    const { program: p } = compileModel(g, s, {});
    const out = expectFusedAgrees(s, p, stim, { steps: T }, {}, "flood");
    expect((out.get("spikes.in.tick") as Int32Array).length).toBe(inputs * T);
    expect((out.get("spikes.out.tick") as Int32Array).length).toBeGreaterThan(0);
    const st = buildSimState(s, p);
    runState(s, p, st, stim, { steps: T });
    const table = st.wasm!.runs.wheel!.table;
    let grown = false;
    for (let k = 1; k < table.length; k += 3) if (table[k] > WHEEL_BUCKET_INTS) grown = true;
    expect(grown, "a bucket grew").toBe(true);
  });

  it("keeps the per-tick path for recorded potentials, the detailed model and timing models of the caller's own", () => {
    const st = buildSimState(spec, program);
    expect(run(st, spec, program, stimulus, { steps: 20, recordVoltages: ["uni"] }).fused).toBe(false);
    expect(run(st, spec, program, stimulus, { steps: 20, kernels: "js" }).fused).toBe(false);
    expect(run(st, spec, program, stimulus, { steps: 20, timing: createTimingModel("detailed"), timingPerPacket: true }).fused).toBe(false);
    const own: TimingModel = { name: "simple", tickLatencyNs: (work) => work.packetsIn.reduce((a, b) => a + b, 0) };
    const mine = runState(spec, program, buildSimState(spec, program), stimulus, { steps: 20, timing: own });
    expect(Array.from(mine.tickLatencyNs), "a model named simple that is not the built-in one is called").toEqual(Array.from(mine.counters.perTick.filter((_, i) => i % COUNTER_COUNT === CounterKind.packetsIn)));
    expect(run(st, spec, program, stimulus, { steps: 20 }).fused).toBe(true);
  });
});

const DIST_OK = distIsFresh("chip/sim/threads/worker.js", ["chip", "core"]);
const NEEDS_DIST = distNote(DIST_OK);

/**
 * Inputs (each with one synapse, delay 1) onto 16 LIF neurons that never fire (their potentials keep every
 * float64 sum, so a record lost or applied out of order shows); all inputs fire at ticks 0 … fireTicks − 1.
 */
function fanInGraph(inputs: number, fireTicks = 2, steps = 6): { graph: ModelGraph; stimulus: ChipStimulus } {
  const pi = Uint32Array.from({ length: inputs }, (_, i) => i);
  const graph: ModelGraph = {
    name: "fan-in", defaultSteps: steps,
    populations: [
      { name: "in", kind: "input", size: inputs, shape: [inputs], spiking: true },
      { name: "out", kind: "neuron", size: 16, shape: [16], spiking: true, params: uniformNeuronParams(16, { voltageDecay: 0.5, vThreshold: 1e9, resetMode: ResetMode.zero }) },
    ],
    projections: [{ name: "p", pre: "in", post: "out", encoding: "sparse", preIndex: pi, postIndex: pi.map((i) => i % 16), weight: Float64Array.from(pi, (i) => 0.01 * (1 + (i % 3))), delayTicks: new Uint16Array(inputs).fill(1) }],
  };
  const tick = Int32Array.from({ length: fireTicks * inputs }, (_, k) => Math.floor(k / inputs));
  const neuron = Int32Array.from({ length: fireTicks * inputs }, (_, k) => k % inputs);
  return { graph, stimulus: { spikes: new Map([["in", { tick, neuron }]]) } };
}

/**
 * Inputs driving a LIF population, optionally recurrent: `p` the inputs' connection probability (1: all to
 * all), `recurrent` that of LIF to LIF (delays 1–3).
 */
function drivenGraph(seed: number, inputs: number, size: number, p: number, recurrent: number, steps: number): { graph: ModelGraph; stimulus: ChipStimulus } {
  const rng = createRng(seed);
  const projections: ProjectionIR[] = [];
  const connect = (pre: string, preSize: number, prob: number, scale: number): void => {
    const pi: number[] = [], qi: number[] = [], w: number[] = [], d: number[] = [];
    for (let i = 0; i < preSize; i++) {
      for (let j = 0; j < size; j++) {
        if (prob < 1 && rng.nextFloat() >= prob) continue;
        pi.push(i); qi.push(j); w.push(((rng.nextBelow(900) - 300) / 1024) * scale); d.push(1 + rng.nextBelow(3));
      }
    }
    projections.push({ name: `${pre}_lif`, pre, post: "lif", encoding: "sparse", preIndex: Uint32Array.from(pi), postIndex: Uint32Array.from(qi), weight: Float64Array.from(w), delayTicks: Uint16Array.from(d) });
  };
  connect("in", inputs, p, 1.2);
  if (recurrent > 0) connect("lif", size, recurrent, 0.5);
  const params = uniformNeuronParams(size, { voltageDecay: 0.9, vThreshold: 1, resetMode: ResetMode.zero, thresholdOp: ThresholdOp.ge, refractoryTicks: 1 });
  const tick: number[] = [], neuron: number[] = [];
  for (let t = 0; t < steps; t++) for (let i = 0; i < inputs; i++) if (rng.nextFloat() < 0.1) { tick.push(t); neuron.push(i); }
  const graph: ModelGraph = {
    name: "driven", defaultSteps: steps,
    populations: [{ name: "in", kind: "input", size: inputs, shape: [inputs], spiking: true }, { name: "lif", kind: "neuron", size, shape: [size], spiking: true, params }],
    projections,
  };
  return { graph, stimulus: { spikes: new Map([["in", { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) } };
}

describe("the `simple` model's route counts with 16-bit route arrays", () => {
  // The kernel's route loop is compiled per pair of widths of routeDestCore and routeSynapses.
  const steps = 120;
  it("more than 255 destination cores (16-bit core indices): fused, per tick and TypeScript agree", () => {
    const { graph, stimulus } = drivenGraph(3, 40, 600, 0.08, 0.02, steps);
    const spec = genericWith({ maxNeurons: 2 });
    const { program } = compileModel(graph, spec, {});
    const st = buildSimState(spec, program, { kernels: "js" });
    expect(st.coreCount).toBeGreaterThan(256);
    expect(st.routeDestCore.BYTES_PER_ELEMENT).toBe(2);
    const out = expectFusedAgrees(spec, program, stimulus, { steps, timing: createTimingModel("simple") }, {}, "u16 cores");
    expect((out.get("spikes.lif.tick") as Int32Array).length, "the LIF neurons fire").toBeGreaterThan(200);
  });

  it("more than 255 synapses per route (16-bit counts): fused, per tick and TypeScript agree", () => {
    const { graph, stimulus } = drivenGraph(4, 30, 400, 1, 0, steps);
    const spec = genericWith({ maxNeurons: 512 });
    const { program } = compileModel(graph, spec, {});
    const st = buildSimState(spec, program, { kernels: "js" });
    expect(st.routeSynapses.BYTES_PER_ELEMENT).toBe(2);
    const out = expectFusedAgrees(spec, program, stimulus, { steps, timing: createTimingModel("simple") }, {}, "u16 synapse counts");
    expect((out.get("spikes.lif.tick") as Int32Array).length, "the LIF neurons fire").toBeGreaterThan(200);
  });
});

describe.skipIf(!DIST_OK)(`multi-threaded runs in whole-tick kernel calls ${NEEDS_DIST}`, () => {
  const steps = FUSED_CHUNK_TICKS + 90;
  const { graph, stimulus } = mixedGraph(7, steps);
  const spec = genericWith({ maxNeurons: 23 });
  const { program } = compileModel(graph, spec, {});

  it("2 and 3 threads equal the TypeScript kernels on one thread, with and without `simple` timing; the parts run partTick", () => {
    for (const timing of [undefined, "simple"] as const) {
      const opts: SimulateOptions = { steps, ...(timing === undefined ? {} : { timing: createTimingModel(timing) }) };
      const js = run(buildSimState(spec, program, { kernels: "js" }), spec, program, stimulus, opts);
      for (const threads of [2, 3]) {
        const st = buildSimState(spec, program);
        const team = threadTeamFor(spec, program, st, threads);
        try {
          const res = runState(spec, program, st, stimulus, { ...opts, team });
          expect(res.threads).toBe(threads);
          expect(team.loopThreads, "every thread runs its ticks in the WebAssembly loop").toBe(threads);
          expectSame(js.out, withState(outputs(res), st), `${threads} threads, timing ${timing ?? "none"}`);
          const parts = st.wasm!.runs.teamParts!.parts;
          expect(parts.length).toBe(threads);
          for (const part of parts) {
            expect(part, "every part has the kernel's buffers").toBeDefined();
            expect(part!.degraded[0], "no part left the kernel").toBe(0);
          }
        } finally {
          team.close();
        }
      }
    }
  });

  it("a chunk whose spike buffer fills before its last tick is folded early, with the same outputs", () => {
    // 600 inputs fire at every tick: the chunk's spike buffer (65,536 neurons) cannot take a tick after
    // about 108 ticks, well before the chunk's 256, so the main thread's loop stops there and the run folds.
    const fan = fanInGraph(600, 300, 300);
    const s = genericWith({ maxNeurons: 64 });
    const { program: p } = compileModel(fan.graph, s, {});
    const js = run(buildSimState(s, p, { kernels: "js" }), s, p, fan.stimulus, { steps: 300 });
    const st = buildSimState(s, p);
    const team = threadTeamFor(s, p, st, 2);
    try {
      expect(team.loopThreads).toBe(2);
      expectSame(js.out, withState(outputs(runState(s, p, st, fan.stimulus, { steps: 300, team })), st), "2 threads");
      expect(st.wasm!.runs.fused!.spikes.length, "the spike buffer holds fewer than a chunk of ticks' spikes").toBeLessThan(600 * FUSED_CHUNK_TICKS);
    } finally {
      team.close();
    }
  });

  it("a worker whose kernel traps inside its WebAssembly loop fails the run with a coded error, not a wait", () => {
    const st = buildSimState(spec, program);
    const team = threadTeamFor(spec, program, st, 2);
    try {
      // Part 1's emit block address out of the memory: its first partTick traps (out of bounds).
      st.wasm!.runs.teamParts!.parts[1]!.rt[FUSED_WORDS.indexOf("emitCtx")] = 0x7ffffff0;
      expect(() => runState(spec, program, st, stimulus, { steps, team })).toThrow(expect.objectContaining({ code: "E_SIM_THREAD_FAILED", message: expect.stringMatching(/out of bounds/) }));
    } finally {
      team.close();
    }
  });

  it("a part whose wheel runs out of room goes on in TypeScript with the same outputs (and `simple` latencies: the parts' route work); its wheel grows for the next run", () => {
    // 20,000 records for each part and one ring slot: more than a part's buckets start with (16,384).
    const fan = fanInGraph(40000);
    const s = genericWith({ maxNeurons: 1024 });
    const { program: p } = compileModel(fan.graph, s, {});
    for (const timing of [undefined, "simple"] as const) {
      const opts: SimulateOptions = { steps: 6, ...(timing === undefined ? {} : { timing: createTimingModel(timing) }) };
      const js = run(buildSimState(s, p, { kernels: "js" }), s, p, fan.stimulus, opts);
      expect((js.out.get("state.v") as Float64Array).some((v) => v > 1), "the outputs integrate").toBe(true);
      const st = buildSimState(s, p);
      const team = threadTeamFor(s, p, st, 2);
      try {
        expectSame(js.out, withState(outputs(runState(s, p, st, fan.stimulus, { ...opts, team })), st), `first run (a part degrades), timing ${timing}`);
        const parts = st.wasm!.runs.teamParts!.parts;
        // Both parts leave their WebAssembly loop: part 0 on the main thread (team.ts loop()), part 1 on a worker.
        expect(team.loopThreads).toBe(2);
        expect(parts.map((part) => part!.degraded[0]), "both parts went on in TypeScript").toEqual([1, 1]);
        resetNeuronState(st);
        expectSame(js.out, withState(outputs(runState(s, p, st, fan.stimulus, { ...opts, team })), st), `second run (grown wheel), timing ${timing}`);
        expect(parts.every((part) => part!.degraded[0] === 0), "the grown wheels held the second run").toBe(true);
      } finally {
        team.close();
      }
    }
  });
});

describe.skipIf(!HAS_SHARED)(`fused runs on the reference networks ${SKIP_MSG}`, () => {
  it("bench_lif10k (a generic core: Poisson inputs beside LIF neurons), 300 ticks", () => {
    const model = loadJsonModel(sharedPath("fixtures/snnref/bench/bench_lif10k.net.json.gz"));
    const spec = genericWith({});
    const { program } = compileModel(model.graph, spec, {});
    expectFusedAgrees(spec, program, model.stimulus, { steps: 300 }, {}, "bench_lif10k");
  });

  it("SANA-FE's DVS network (uniform SANA-FE soma cores, two weight encodings) with and without `simple` timing, 150 ticks", () => {
    const arch = loadSanafeArch(sharedPath("fixtures/sanafe/loihi.yaml"));
    const sm = loadSanafe(sharedPath("fixtures/sanafe/dvs.yaml"), arch);
    const spec = arch.spec;
    const { program } = compileModel(sm.graph, spec, { fixedPlacement: sm.placement.coreOf, fixedOrder: sm.placement.orderInCore });
    expect(classesOf(spec, program).has(CoreClass.sanafeUniform)).toBe(true);
    expect(buildSimState(spec, program, { kernels: "js" }).encodingNames.length).toBe(2);
    expectFusedAgrees(spec, program, sm.stimulus(150), { steps: 150 }, {}, "DVS");
    expectFusedAgrees(spec, program, sm.stimulus(150), { steps: 150, timing: createTimingModel("simple") }, {}, "DVS, simple timing");
  });
});
