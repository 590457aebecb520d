/**
 * The WebAssembly kernels (chip/sim/wasm/) against the TypeScript ones: every output array of a run —
 * spikes, every counter, latencies of both timing models, delivered events, recorded potentials, the AER
 * packet trace — and the final neuron state are bit-identical, for every synapse layout and weight
 * encoding the kernels cover (offset16 with and without its side array, flat32; palettes of 1- and 2-byte
 * codes, float32, float64), every `lifUniform` variant (threshold ≥ / >, reset to a value / by
 * subtraction / none, refractory periods) and the marking variants (SANA-FE soma dynamics).
 */
import { describe, expect, it } from "vitest";
import { loadJsonModel } from "../../../../compiler/frontends/load-model.ts";
import { compileModel } from "../../../../compiler/compile.ts";
import { loadSanafe, loadSanafeArch } from "../../../../compiler/frontends/sanafe/index.ts";
import { uniformNeuronParams, type ModelGraph, type PopulationIR, type ProjectionIR } from "../../../../compiler/ir/types.ts";
import { ResetMode, ThresholdOp, type ChipProgram, type ChipStimulus } from "../../../../chip/program/types.ts";
import type { ChipSpec } from "../../../../chip/spec/types.ts";
import { buildSimState, resetNeuronState, type BuildStateOptions, type SimState } from "../../../../chip/sim/state.ts";
import { runState, type SimResult, type SimulateOptions } from "../../../../chip/sim/run.ts";
import { WasmArena } from "../../../../chip/sim/wasm/arena.ts";
import { deliverWasm } from "../../../../chip/sim/wasm/deliver.ts";
import { kernelsFor } from "../../../../chip/sim/wasm/kernels.ts";
import { chooseDeliverMode, deliverCompact } from "../../../../chip/sim/deliver-dispatch.ts";
import { createTimingModel } from "../../../../chip/timing/index.ts";
import { countsUpdatesWithInput } from "../../../../chip/sim/update-context.ts";
import { AerPacketBuffer } from "../../../../core/aer.ts";
import { createRng } from "../../../../core/rng.ts";
import { COUNTER_COUNT, CounterKind } from "../../../../chip/sim/counters.ts";
import { pairStdp } from "../../../../chip/program/named-rules.ts";
import { learningProgramFromNamedRule } from "../../../../chip/program/learning-program.ts";
import { threadTeamFor } from "../../../../chip/sim/threads/team.ts";
import { isStateShared } from "../../../../chip/sim/threads/share-state.ts";
import { genericWith } from "../../../helpers/specs.ts";
import { ringGraph } from "../../../helpers/graphs.ts";
import { distIsFresh, distNote } from "../../../helpers/dist.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../../helpers/shared.ts";
import { expectSame, outputs } from "../../../helpers/sim-outputs.ts";

const DEMO = "examples/demo/ei-small.net.json";
const DIST_OK = distIsFresh("chip/sim/threads/worker.js", ["chip", "core"]);
const NEEDS_DIST = distNote(DIST_OK);

interface Ran { res: SimResult; out: Map<string, ArrayLike<number>>; st: SimState }

function runOn(st: SimState, spec: ChipSpec, program: ChipProgram, stimulus: ChipStimulus, opts: SimulateOptions): Ran {
  const trace = new AerPacketBuffer();
  const res = runState(spec, program, st, stimulus, { ...opts, tracePackets: trace });
  const out = outputs(res, trace);
  // The neuron state after the run (v, u, refractory counts) must agree too.
  out.set("state.v", Float64Array.from(st.v));
  out.set("state.u", Float64Array.from(st.u));
  out.set("state.refractoryLeft", Uint32Array.from(st.refractoryLeft));
  return { res, out, st };
}

/** The same program run with the TypeScript kernels and with the WebAssembly kernels: identical outputs. */
function expectKernelsAgree(spec: ChipSpec, program: ChipProgram, stimulus: ChipStimulus, opts: SimulateOptions, build: BuildStateOptions, what: string): Ran {
  const js = runOn(buildSimState(spec, program, { ...build, kernels: "js" }), spec, program, stimulus, opts);
  expect(js.st.wasm, `${what}: a "js" state has no WebAssembly binding`).toBeUndefined();
  expect(js.res.kernels).toBe("js");
  const wasm = runOn(buildSimState(spec, program, build), spec, program, stimulus, opts);
  expect(wasm.st.wasm, `${what}: the default state lives in a WebAssembly memory`).toBeDefined();
  expect(wasm.res.kernels, what).toBe("wasm");
  expectSame(js.out, wasm.out, what);
  // The TypeScript kernels on the WebAssembly state (kernels: "js" at run time) agree as well.
  const forced = runOn(buildSimState(spec, program, build), spec, program, stimulus, { ...opts, kernels: "js" });
  expect(forced.res.kernels).toBe("js");
  expectSame(js.out, forced.out, `${what}, TypeScript kernels on the WebAssembly state`);
  return wasm;
}

describe("WebAssembly kernels equal the TypeScript kernels", () => {
  const model = loadJsonModel(DEMO);

  for (const timing of ["simple", "detailed"] as const) {
    it(`demo network, ${timing} timing: every layout and weight encoding, two placements`, () => {
      for (const [placement, maxNeurons] of [["random", 19], ["greedy", 37]] as const) {
        const spec = genericWith({ maxNeurons });
        const { program } = compileModel(model.graph, spec, { placement, seed: 3 });
        const opts: SimulateOptions = { steps: 300, timing: createTimingModel(timing), timingPerPacket: timing === "detailed", recordVoltages: ["E"] };
        const builds: BuildStateOptions[] = [{}, { layout: "flat32" }, { float64Weights: true }, { layout: "flat32", float64Weights: true }, { float32Weights: true }, { layout: "flat32", float32Weights: true }];
        for (const build of builds) {
          const ran = expectKernelsAgree(spec, program, model.stimulus, opts, build, `${placement} ${JSON.stringify(build)}`);
          let spikes = 0;
          for (const sp of ran.res.spikes.values()) spikes += sp.tick.length;
          expect(spikes, "the demo network is active").toBeGreaterThan(100);
        }
      }
    });
  }

  it.each(["simple", "detailed"] as const)("repeated runs on one WebAssembly state reuse its buffers and repeat the first run exactly (%s timing)", (timing) => {
    const spec = genericWith({ maxNeurons: 37 });
    const { program } = compileModel(model.graph, spec, { placement: "greedy", seed: 3 });
    const st = buildSimState(spec, program);
    // Detailed timing: the state's TickWork (in its memory, filled by the packet kernel) is reused too.
    const opts: SimulateOptions = { steps: 250, timing: createTimingModel(timing), timingPerPacket: timing === "detailed" };
    const first = outputs(runState(spec, program, st, model.stimulus, opts));
    const used = st.wasm!.memory.buffer.byteLength;
    for (let k = 0; k < 3; k++) {
      resetNeuronState(st);
      expectSame(first, outputs(runState(spec, program, st, model.stimulus, opts)), `run ${k + 2}`);
    }
    expect(st.wasm!.memory.buffer.byteLength, "runs allocate nothing in the state's memory").toBe(used);
  });

  it("a random network with 2-byte palette codes and every lifUniform variant (≥ / >, reset zero / subtract / none, refractory 0–3)", () => {
    const { graph, stimulus } = randomGraph(11);
    const spec = genericWith({ maxNeurons: 53 });
    const { program } = compileModel(graph, spec, { placement: "random", seed: 2 });
    const st = buildSimState(spec, program);
    const ws = st.synapses.weights;
    expect(ws.kind === "palette" && ws.code.BYTES_PER_ELEMENT).toBe(2);
    const opts: SimulateOptions = { steps: 400, timing: createTimingModel("detailed"), timingPerPacket: true, recordVoltages: graph.populations.filter((p) => p.kind === "neuron").map((p) => p.name) };
    const ran = expectKernelsAgree(spec, program, stimulus, opts, {}, "random network");
    for (const p of graph.populations) {
      if (p.kind === "input") continue;
      expect(ran.res.spikes.get(p.name)!.tick.length, `${p.name} fires`).toBeGreaterThan(50);
    }
    expectKernelsAgree(spec, program, stimulus, opts, { layout: "flat32" }, "random network, flat32");
    // Without the inactive-neuron costs the detailed model counts every integrating update (firedUpdated is
    // the running update count, not the with-input count): the other branch of the fired-list entry.
    const { energyNeuronInactivePj: _e, latencyNeuronInactiveNs: _l, ...activeOnly } = spec.costs;
    const every: ChipSpec = { ...spec, costs: activeOnly };
    expect(countsUpdatesWithInput(every)).toBe(false);
    const { program: p2 } = compileModel(graph, every, { placement: "random", seed: 2 });
    expectKernelsAgree(every, p2, stimulus, { ...opts, timing: createTimingModel("detailed") }, {}, "random network, every update counted");
  });

  it("a single-projection network (no counter cells: the derived counters' direct path)", () => {
    const { graph } = ringGraph(300);
    const ring = graph.populations[1];
    const params = ring.kind === "neuron" ? { ...ring.params!, bias: Float64Array.from({ length: 300 }, (_, i) => (i % 7) * 0.05) } : undefined;
    const single: ModelGraph = { ...graph, populations: [{ ...ring, params }], projections: [graph.projections[1]] };
    const spec = genericWith({ maxNeurons: 37 });
    const { program } = compileModel(single, spec, { placement: "random", seed: 4 });
    const ran = expectKernelsAgree(spec, program, { spikes: new Map() }, { steps: 120, timing: createTimingModel("simple") }, {}, "single projection");
    expect(ran.st.axonCellStart.length, "no counter cells").toBe(0);
    expect(ran.res.spikes.get("ring")!.tick.length).toBeGreaterThan(100);
    // Detailed timing: per-packet records (the packet kernel's path without counter cells).
    const timed = expectKernelsAgree(spec, program, { spikes: new Map() }, { steps: 120, timing: createTimingModel("detailed"), timingPerPacket: true }, {}, "single projection, detailed");
    expect(timed.res.tickLatencyNs.some((ns) => ns > 0)).toBe(true);
  });

  it("offset16's side array (targets spanning more than 65,536 neurons)", () => {
    const { graph, stimulus } = ringGraph(70000);
    const spec = genericWith({ maxNeurons: 4096 }, { widthTiles: 8, heightTiles: 8 });
    const { program } = compileModel(graph, spec, { placement: "linear" });
    const ran = expectKernelsAgree(spec, program, stimulus, { steps: 60, timing: createTimingModel("simple") }, {}, "ring");
    expect(Array.from(ran.st.synapses.neuronBase).some((b) => b < 0), "some neurons use the side array").toBe(true);
    expect(ran.res.spikes.get("ring")!.tick.length).toBeGreaterThan(20);
  });

  for (const mode of ["all_to_all", "nearest"] as const) {
    it(`pair STDP (${mode}) runs in WebAssembly with the same spikes, counters and final weights bit for bit; general learning rules keep the TypeScript kernels`, () => {
      const { graph, stimulus } = randomGraph(5);
      // Two plastic projections with different constants (the kernels read them per projection).
      const plastic: ModelGraph = {
        ...graph,
        projections: graph.projections.map((p, i) => (i === 1 || i === 6
          ? { ...p, plasticity: { rule: "pair" as const, mode, aPlus: 0.01 * i, aMinus: 0.012, decayPre: 0.9, decayPost: 0.8, wMin: -0.3, wMax: 0.5 } }
          : p)),
      };
      const spec = genericWith({ maxNeurons: 53 });
      const { program } = compileModel(plastic, spec, { placement: "random", seed: 2 });
      const opts: SimulateOptions = { steps: 400, timing: createTimingModel("detailed"), timingPerPacket: true };
      const ran = expectKernelsAgree(spec, program, stimulus, opts, {}, `pair STDP ${mode}`);
      expect(ran.st.synapses.kind).toBe("wide");
      const js = runState(spec, program, buildSimState(spec, program, { kernels: "js" }), stimulus, opts);
      const weights = (r: SimResult) => [...r.finalWeights.entries()].map(([k, w]) => [k, Array.from(w)]);
      expect(weights(ran.res)).toEqual(weights(js));
      const updates = (r: SimResult) => { let n = 0; for (let c = 0; c < r.counters.perCore.length; c += COUNTER_COUNT) n += r.counters.perCore[c + CounterKind.synUpdates]; return n; };
      expect(updates(ran.res), "synaptic updates counted").toBeGreaterThan(1000);
      expect(updates(ran.res)).toBe(updates(js));
      // The weights moved from the model's.
      for (const [name, w] of ran.res.finalWeights) {
        const initial = plastic.projections.find((p) => p.name === name)!.weight;
        expect(w.length).toBe(initial.length);
        expect(Array.from(w).filter((x, i) => x !== initial[i]).length, `${name}: weights changed`).toBeGreaterThan(10);
      }
    });
  }

  it("a program with a general learning rule keeps ordinary arrays and the TypeScript kernels", () => {
    const { graph, stimulus } = randomGraph(5);
    const withRule: ModelGraph = { ...graph, projections: graph.projections.map((p, i) => (i === 1 ? { ...p, learning: learningProgramFromNamedRule(pairStdp({ aPlus: 0.01, aMinus: 0.012, preDecay: 0.9, postDecay: 0.9 })) } : p)) };
    const spec = genericWith({ maxNeurons: 53 });
    const { program } = compileModel(withRule, spec, { placement: "random", seed: 2 });
    const st = buildSimState(spec, program);
    expect(st.wasm).toBeUndefined();
    expect(runState(spec, program, st, stimulus, { steps: 50 }).kernels).toBe("js");
  });

  it("`shared: true` gives a state worker threads can map, with either kernels", () => {
    const spec = genericWith({ maxNeurons: 37 });
    const { program } = compileModel(model.graph, spec, {});
    expect(isStateShared(buildSimState(spec, program, { shared: true }))).toBe(true);
    expect(isStateShared(buildSimState(spec, program, { shared: true, kernels: "js" }))).toBe(true);
    expect(isStateShared(buildSimState(spec, program, { kernels: "js" }))).toBe(false);
  });

  it("refuses to run the WebAssembly kernels on an array outside the state's memory (E_INTERNAL), instead of reading stray memory", () => {
    const spec = genericWith({ maxNeurons: 37 });
    const { program } = compileModel(model.graph, spec, {});
    const st = buildSimState(spec, program);
    const moved: SimState = { ...st, acc: new Float64Array(st.neuronCount) };
    let err: unknown;
    try { runState(spec, program, moved, model.stimulus, { steps: 10 }); } catch (e) { err = e; }
    expect((err as { code?: string }).code).toBe("E_INTERNAL");
    expect(String((err as Error).message)).toMatch(/acc/);
    // With the TypeScript kernels the same state runs.
    expect(runState(spec, program, moved, model.stimulus, { steps: 10, kernels: "js" }).kernels).toBe("js");
  });
});

describe.skipIf(!DIST_OK)(`WebAssembly kernels on worker threads ${NEEDS_DIST}`, () => {
  it("2 and 3 threads running the WebAssembly kernels equal one thread running the TypeScript kernels; a reused team allocates nothing more", () => {
    const model = loadJsonModel(DEMO);
    const spec = genericWith({ maxNeurons: 19 });
    const { program } = compileModel(model.graph, spec, { placement: "random", seed: 3 });
    const opts: SimulateOptions = { steps: 300, timing: createTimingModel("detailed"), timingPerPacket: true, recordVoltages: ["E"] };
    const js = runOn(buildSimState(spec, program, { kernels: "js" }), spec, program, model.stimulus, opts);
    for (const threads of [2, 3]) {
      const many = runOn(buildSimState(spec, program), spec, program, model.stimulus, { ...opts, threads });
      expect(many.res.threads).toBe(threads);
      expect(many.res.kernels).toBe("wasm");
      expectSame(js.out, many.out, `${threads} threads`);
    }
    const st = buildSimState(spec, program);
    const team = threadTeamFor(spec, program, st, 2);
    try {
      expect(team.kernels).toBe("wasm");
      const first = outputs(runState(spec, program, st, model.stimulus, { ...opts, team }));
      const used = st.wasm!.memory.buffer.byteLength;
      resetNeuronState(st);
      expectSame(first, outputs(runState(spec, program, st, model.stimulus, { ...opts, team })), "reused team");
      const again = threadTeamFor(spec, program, st, 2);
      again.close();
      expect(st.wasm!.memory.buffer.byteLength, "a second team reuses the threads' buffers").toBe(used);
    } finally {
      team.close();
    }
    const jsTeam = runOn(buildSimState(spec, program), spec, program, model.stimulus, { ...opts, threads: 2, kernels: "js" });
    expect(jsTeam.res.kernels).toBe("js");
    expectSame(js.out, jsTeam.out, "2 threads, TypeScript kernels on the WebAssembly state");
  });
});

describe("delivery in chunks (a bucket larger than a thread's record buffer)", () => {
  it("applies a bucket of every group through a 3-record buffer exactly as the TypeScript kernel does in one pass", () => {
    const model = loadJsonModel(DEMO);
    const spec = genericWith({ maxNeurons: 37 });
    const { program } = compileModel(model.graph, spec, { placement: "random", seed: 3 });
    const st = buildSimState(spec, program);
    const G = st.groupSynStart.length - 1;
    const bucket = new Int32Array(4 * G);
    let k = 0;
    for (let n = 0; n < st.neuronCount; n++) {
      for (let g = st.neuronGroupStart[n]; g < st.neuronGroupStart[n + 1]; g++, k += 4) {
        bucket[k] = g; bucket[k + 1] = st.groupSynStart[g]; bucket[k + 2] = st.groupSynStart[g + 1]; bucket[k + 3] = st.synapses.neuronBase[n] ?? 0;
      }
    }
    const mode = chooseDeliverMode(st, false, false);
    st.acc.fill(0);
    deliverCompact(mode, bucket, k, st, new Uint8Array(0));
    const expected = Float64Array.from(st.acc);
    expect(expected.some((x) => x !== 0)).toBe(true);
    st.acc.fill(0);
    const small = st.wasm!.arena.allocator().i32(12);
    deliverWasm(kernelsFor(st.wasm!.memory), small, st, bucket, k, false, new Uint8Array(st.wasm!.memory.buffer, 64, 0));
    expect(Array.from(st.acc)).toEqual(Array.from(expected));
  });
});

describe("the state's WebAssembly memory (WasmArena)", () => {
  it("hands out zeroed, aligned, disjoint arrays; growing keeps earlier arrays valid", () => {
    const arena = new WasmArena(1024);
    const a = arena.allocator();
    const x = a.f64(10);
    x.fill(1.5);
    const y = a.u8(3);
    const z = a.f64(200000); // past the first page: the memory grows
    expect(z.every((v) => v === 0)).toBe(true);
    expect(x.byteOffset % 8).toBe(0);
    expect(z.byteOffset % 8).toBe(0);
    expect(y.byteOffset).toBeGreaterThanOrEqual(x.byteOffset + x.byteLength);
    expect(z.byteOffset).toBeGreaterThanOrEqual(y.byteOffset + y.byteLength);
    expect(Array.from(x)).toEqual(new Array(10).fill(1.5));
    expect(arena.memory.buffer.byteLength).toBeGreaterThanOrEqual(z.byteOffset + z.byteLength);
    // The same bytes through the memory's current buffer.
    expect(new Float64Array(arena.memory.buffer, x.byteOffset, 10)[9]).toBe(1.5);
  });

  it("refuses past 4 GiB with E_SIM_WASM_MEMORY (the state is then built on ordinary arrays)", () => {
    const arena = new WasmArena(1024);
    let err: unknown;
    try { arena.allocate(2 ** 32); } catch (e) { err = e; }
    expect((err as { code?: string }).code).toBe("E_SIM_WASM_MEMORY");
  });
});

describe.skipIf(!HAS_SHARED)(`WebAssembly kernels on the reference networks ${SKIP_MSG}`, () => {
  it("SANA-FE's DVS network (soma dynamics: the marking kernels), 150 ticks, detailed timing", () => {
    const arch = loadSanafeArch(sharedPath("fixtures/sanafe/loihi.yaml"));
    const sm = loadSanafe(sharedPath("fixtures/sanafe/dvs.yaml"), arch);
    const spec = arch.spec;
    const { program } = compileModel(sm.graph, spec, { fixedPlacement: sm.placement.coreOf, fixedOrder: sm.placement.orderInCore });
    const steps = 150;
    expectKernelsAgree(spec, program, sm.stimulus(steps), { steps, timing: createTimingModel("detailed"), timingPerPacket: true }, {}, "DVS");
  });

  it("SANA-FE soma truncation with a scale that is not a power of two (the kernel divides; 64 multiplies by 1/64)", () => {
    const arch = loadSanafeArch(sharedPath("fixtures/sanafe/loihi.yaml"));
    const sm = loadSanafe(sharedPath("fixtures/sanafe/dvs.yaml"), arch);
    const spec = arch.spec;
    const { program } = compileModel(sm.graph, spec, { fixedPlacement: sm.placement.coreOf, fixedOrder: sm.placement.orderInCore });
    const scales = program.cores.flatMap((c) => Array.from(c.neurons.vTruncScale ?? []));
    expect(scales.some((s) => s === 64)).toBe(true);
    const tenths = structuredClone(program);
    for (const core of tenths.cores) if (core.neurons.vTruncScale !== undefined) core.neurons.vTruncScale.fill(10);
    const steps = 60;
    expectKernelsAgree(spec, tenths, sm.stimulus(steps), { steps, timing: createTimingModel("simple") }, {}, "DVS, scale 10");
  });

  it("c05 (pair STDP, dense all-to-all: contiguous arrival runs) over 3 cores, final weights included", () => {
    const model = loadJsonModel(sharedPath("fixtures/snnref/c05_stdp_all2all_dense.net.json"));
    const spec = genericWith({ maxNeurons: 7 });
    const { program } = compileModel(model.graph, spec, {});
    const opts: SimulateOptions = { steps: model.graph.defaultSteps, timing: createTimingModel("simple") };
    const ran = expectKernelsAgree(spec, program, model.stimulus, opts, {}, "c05");
    const js = runState(spec, program, buildSimState(spec, program, { kernels: "js" }), model.stimulus, opts);
    expect([...ran.res.finalWeights.values()].flatMap((w) => [...w])).toEqual([...js.finalWeights.values()].flatMap((w) => [...w]));
    expect(ran.st.plasticity!.runKind.includes(2), "dense rows: contiguous arrival runs").toBe(true);
  });

  it("bench_stdp2l (1M plastic synapses, strided post columns), 300 ticks, final weights included", () => {
    const model = loadJsonModel(sharedPath("fixtures/snnref/bench/bench_stdp2l.net.json.gz"));
    const spec = genericWith({});
    const { program } = compileModel(model.graph, spec, {});
    const opts: SimulateOptions = { steps: 300, timing: createTimingModel("simple") };
    const ran = expectKernelsAgree(spec, program, model.stimulus, opts, {}, "bench_stdp2l");
    expect(ran.st.plasticity!.postRunStride.some((x) => x > 0), "dense columns: strided post runs").toBe(true);
    const js = runState(spec, program, buildSimState(spec, program, { kernels: "js" }), model.stimulus, opts);
    expect([...ran.res.finalWeights.values()].flatMap((w) => [...w])).toEqual([...js.finalWeights.values()].flatMap((w) => [...w]));
  });

  it("bench_lif10k (1.1M synapses, delays 1–5), 300 ticks", () => {
    const model = loadJsonModel(sharedPath("fixtures/snnref/bench/bench_lif10k.net.json.gz"));
    const spec = genericWith({});
    const { program } = compileModel(model.graph, spec, {});
    expectKernelsAgree(spec, program, model.stimulus, { steps: 300, timing: createTimingModel("simple") }, {}, "bench_lif10k");
  });
});

/**
 * Four populations of IF/LIF neurons, one per lifUniform variant, with random per-neuron bias, random
 * sparse connections (weights from ~1000 distinct values: 2-byte palette codes) and delays 1–6.
 */
function randomGraph(seed: number): { graph: ModelGraph; stimulus: ChipStimulus } {
  const rng = createRng(seed);
  const size = 120;
  const variants = [
    { name: "ge_zero_ref2", voltageDecay: 0.9, currentDecay: 0.5, vThreshold: 1, resetMode: ResetMode.zero, thresholdOp: ThresholdOp.ge, refractoryTicks: 2, vReset: -0.25 },
    { name: "gt_subtract", voltageDecay: 0.95, currentDecay: 0, vThreshold: 0.75, resetMode: ResetMode.subtract, thresholdOp: ThresholdOp.gt, refractoryTicks: 0 },
    { name: "ge_none_ref3", voltageDecay: 0.6, currentDecay: 0.25, vThreshold: 0.5, resetMode: ResetMode.none, thresholdOp: ThresholdOp.ge, refractoryTicks: 3 },
    { name: "gt_zero_ref1", voltageDecay: 1, currentDecay: 0.75, vThreshold: 1.25, resetMode: ResetMode.zero, thresholdOp: ThresholdOp.gt, refractoryTicks: 1, inputGain: 0.5 },
  ];
  const populations: PopulationIR[] = [{ name: "in", kind: "input", size: 40, shape: [40], spiking: true }];
  for (const v of variants) {
    const params = uniformNeuronParams(size, v);
    for (let i = 0; i < size; i++) params.bias[i] = (rng.nextFloat() - 0.3) * 0.05;
    populations.push({ name: v.name, kind: "neuron", size, shape: [size], spiking: true, params });
  }
  const projections: ProjectionIR[] = [];
  const connect = (pre: string, preSize: number, post: string, p: number, wScale: number): void => {
    const pi: number[] = [], qi: number[] = [], w: number[] = [], d: number[] = [];
    for (let i = 0; i < preSize; i++) {
      for (let j = 0; j < size; j++) {
        if (rng.nextFloat() >= p) continue;
        pi.push(i); qi.push(j);
        w.push(((rng.nextBelow(1000) - 400) / 1000) * wScale);
        d.push(1 + rng.nextBelow(6));
      }
    }
    projections.push({ name: `${pre}_${post}`, pre, post, encoding: "sparse", preIndex: Uint32Array.from(pi), postIndex: Uint32Array.from(qi), weight: Float64Array.from(w), delayTicks: Uint16Array.from(d) });
  };
  for (const v of variants) connect("in", 40, v.name, 0.2, 1.5);
  for (const a of variants) for (const b of variants) connect(a.name, size, b.name, 0.05, 0.6);
  const tick: number[] = [], neuron: number[] = [];
  for (let t = 0; t < 400; t++) for (let i = 0; i < 40; i++) if (rng.nextFloat() < 0.08) { tick.push(t); neuron.push(i); }
  const graph: ModelGraph = { name: "random-variants", defaultSteps: 400, populations, projections };
  return { graph, stimulus: { spikes: new Map([["in", { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) } };
}
