/**
 * The engine's storage choices never change a result: every synapse layout (wide, flat32, offset16 with
 * its side array), every weight encoding (palette, float64), shared-memory arrays and chunked runs
 * (startRun + step) give bit-identical spikes, counters, latencies and delivered events.
 */
import { describe, expect, it } from "vitest";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph } from "../../../compiler/ir/types.ts";
import { ResetMode, type ChipProgram, type ChipStimulus } from "../../../chip/program/types.ts";
import { buildSimState, releaseProgramSynapses, synapseTarget, type BuildStateOptions } from "../../../chip/sim/state.ts";
import { runState, startRun, type SimResult, type SimulateOptions } from "../../../chip/sim/run.ts";
import { sharedArrays } from "../../../chip/sim/alloc.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { genericWith } from "../../helpers/specs.ts";
import { ringGraph } from "../../helpers/graphs.ts";
import { COUNTER_COUNT as K, CounterKind } from "../../../chip/sim/counters.ts";

const DEMO = "examples/demo/ei-small.net.json";

/** Every output array of a run, flattened, for exact comparison (Object.is per element). */
function outputs(res: SimResult): Map<string, ArrayLike<number>> {
  const out = new Map<string, ArrayLike<number>>();
  for (const [name, sp] of res.spikes) { out.set(`spikes.${name}.tick`, sp.tick); out.set(`spikes.${name}.neuron`, sp.neuron); }
  const c = res.counters;
  out.set("perCore", c.perCore);
  out.set("perTick", c.perTick);
  out.set("synOpsByEncoding", c.synOpsByEncoding);
  out.set("synOpsByTickEncoding", c.synOpsByTickEncoding);
  out.set("synOpsByProjection", c.synOpsByProjection);
  out.set("spikesPerNeuron", c.spikesPerNeuron);
  out.set("tickLatencyNs", res.tickLatencyNs);
  out.set("delivered", res.synapticEventsDeliveredByProjection);
  for (const [name, v] of res.voltages) out.set(`voltages.${name}`, v);
  return out;
}

function expectSameOutputs(a: SimResult, b: SimResult): void {
  const A = outputs(a);
  const B = outputs(b);
  expect([...B.keys()]).toEqual([...A.keys()]);
  for (const [key, x] of A) {
    const y = B.get(key)!;
    expect(y.length, key).toBe(x.length);
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) expect(`${key}[${i}] = ${y[i]}`).toBe(`${key}[${i}] = ${x[i]}`);
  }
}

function run(spec: ChipSpec, program: ChipProgram, stimulus: ChipStimulus, opts: SimulateOptions, build: BuildStateOptions = {}): SimResult {
  return runState(spec, program, buildSimState(spec, program, build), stimulus, opts);
}

describe("synapse layouts and weight encodings give identical runs", () => {
  const model = loadJsonModel(DEMO);
  const spec = genericWith({ maxNeurons: 37 });
  const { program } = compileModel(model.graph, spec, { placement: "random", seed: 3 });
  const opts = (): SimulateOptions => ({ steps: 200, timing: createTimingModel("detailed"), timingPerPacket: true, recordVoltages: ["E"] });

  it("picks the compact offset16 layout with palette weights for the demo, and every layout agrees", () => {
    const st = buildSimState(spec, program);
    expect(st.synapses.kind).toBe("offset16");
    expect(st.synapses.weights.kind).toBe("palette");
    expect(st.synTarget.length).toBe(0); // wide-only arrays are empty in compact layouts
    const ref = runState(spec, program, st, model.stimulus, opts());
    expect(ref.spikes.get("E")!.tick.length).toBeGreaterThan(0);
    for (const build of [{ layout: "flat32" as const }, { layout: "wide" as const }, { float64Weights: true }, { layout: "flat32" as const, float64Weights: true }, { float32Weights: true }]) {
      const other = run(spec, program, model.stimulus, opts(), build);
      expectSameOutputs(ref, other);
    }
  });

  it("runs on SharedArrayBuffer-backed state (for worker threads) with identical results", () => {
    const st = buildSimState(spec, program, { alloc: sharedArrays() });
    expect(st.v.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(st.groupSynStart.buffer).toBeInstanceOf(SharedArrayBuffer);
    expectSameOutputs(run(spec, program, model.stimulus, opts()), runState(spec, program, st, model.stimulus, opts()));
  });

  it("a run stepped in uneven chunks equals the one-shot run; finish() needs every tick", () => {
    const ref = run(spec, program, model.stimulus, opts());
    const r = startRun(spec, program, buildSimState(spec, program), model.stimulus, opts());
    expect(() => r.finish()).toThrow(/tick 0 of 200/);
    let chunk = 1;
    let stepped = 0;
    while (!r.done) { stepped += r.step(chunk); chunk = (chunk * 5) % 23 + 1; }
    expect(stepped).toBe(200);
    expect(r.ticksDone).toBe(200);
    expectSameOutputs(ref, r.finish());
    expect(() => r.step(1)).toThrow(/finished/);
  });

  it("after releaseProgramSynapses the state still runs identically; the skeleton cannot be built again", () => {
    const ref = run(spec, program, model.stimulus, opts());
    const st = buildSimState(spec, program);
    const skeleton = releaseProgramSynapses(program);
    expect(skeleton.cores.every((cp) => cp.crossbar.synWeight.length === 0 && cp.neurons.bias.length === 0)).toBe(true);
    expectSameOutputs(ref, runState(spec, skeleton, st, model.stimulus, opts()));
    let err: unknown;
    try { buildSimState(spec, skeleton); } catch (e) { err = e; }
    expect((err as { code?: string }).code).toBe("E_PROGRAM_INVALID");
    expect((err as { hint?: string }).hint).toMatch(/releaseProgramSynapses/);
  });
});


describe("offset16's side array: neurons whose targets span more than 65,536 neurons", () => {
  const size = 70000;
  const { graph, stimulus } = ringGraph(size);
  const spec = genericWith({ maxNeurons: 4096 }, { widthTiles: 8, heightTiles: 8 });
  const { program } = compileModel(graph, spec, { placement: "linear" });

  it("keeps uint32 targets for the wrapping neurons only, and agrees with flat32 and wide", () => {
    const st = buildSimState(spec, program);
    expect(st.synapses.kind).toBe("offset16");
    const sideNeurons = Array.from(st.synapses.neuronBase).filter((b) => b < 0).length;
    expect(sideNeurons).toBeGreaterThan(0);
    expect(sideNeurons).toBeLessThan(10);
    expect(st.synapses.target.length).toBeGreaterThan(0);
    // Every synapse decodes to the same global target as in the flat32 layout.
    const flat = buildSimState(spec, program, { layout: "flat32" });
    for (let n = 0; n < st.neuronCount; n++) {
      for (let s = st.groupSynStart[st.neuronGroupStart[n]]; s < st.groupSynStart[st.neuronGroupStart[n + 1]]; s++) {
        if (synapseTarget(st, n, s) !== flat.synapses.target[s]) expect(`${n}:${s} → ${synapseTarget(st, n, s)}`).toBe(`${n}:${s} → ${flat.synapses.target[s]}`);
      }
    }
    const opts: SimulateOptions = { steps: 60, timing: createTimingModel("simple") };
    const ref = runState(spec, program, st, stimulus, opts);
    // Activity went round the wrap (neurons size−1 → 0 and 1).
    expect(ref.spikes.get("ring")!.tick.length).toBeGreaterThan(20);
    expectSameOutputs(ref, run(spec, program, stimulus, opts, { layout: "flat32" }));
    expectSameOutputs(ref, run(spec, program, stimulus, opts, { layout: "wide" }));
  });
});

describe("per-core counters follow from spikes and the routing tables", () => {
  it("packets in, synaptic ops per destination core and hops match a per-packet count over the program", () => {
    const model = loadJsonModel(DEMO);
    const spec = genericWith({ maxNeurons: 37 });
    const { program } = compileModel(model.graph, spec, { placement: "random", seed: 9 });
    const res = simulate(spec, program, model.stimulus);
    const st = res.state;
    const packetsIn = new Float64Array(st.coreCount);
    const synOps = new Float64Array(st.coreCount);
    const packetsOut = new Float64Array(st.coreCount);
    // Independent count: every spike of every neuron, every route of its core's routing table.
    program.cores.forEach((cp, c) => {
      for (let i = 0; i < cp.neuronCount; i++) {
        const spikes = res.counters.spikesPerNeuron[st.coreNeuronStart[c] + i];
        for (let r = cp.routing.routePtr[i]; r < cp.routing.routePtr[i + 1]; r++) {
          const dc = program.cores.findIndex((x) => x.coreId === cp.routing.routeDestCore[r]);
          const xb = program.cores[dc].crossbar;
          const a = cp.routing.routeDestAxon[r];
          packetsOut[c] += spikes;
          packetsIn[dc] += spikes;
          synOps[dc] += spikes * (xb.axonRowPtr[a + 1] - xb.axonRowPtr[a]);
        }
      }
    });
    for (let c = 0; c < st.coreCount; c++) {
      expect(res.counters.perCore[c * K + CounterKind.packetsIn], `packetsIn core ${c}`).toBe(packetsIn[c]);
      expect(res.counters.perCore[c * K + CounterKind.synOps], `synOps core ${c}`).toBe(synOps[c]);
      expect(res.counters.perCore[c * K + CounterKind.packetsOut], `packetsOut core ${c}`).toBe(packetsOut[c]);
    }
    expect(synOps.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

function simulate(spec: ChipSpec, program: ChipProgram, stimulus: ChipStimulus): SimResult {
  return run(spec, program, stimulus, { steps: 300 });
}
