/**
 * buildSimState: exact weight encodings, validation of the program's crossbars and routes, stimulus
 * resolution.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph } from "../../../compiler/ir/types.ts";
import { ResetMode, populationIndexAt, type ChipProgram, type CoreProgram } from "../../../chip/program/types.ts";
import { biasZeroCores, buildSimState } from "../../../chip/sim/state.ts";
import { planWeights, weightAt, allocateWeights, bitsOf } from "../../../chip/sim/weights.ts";
import { heapArrays } from "../../../chip/sim/alloc.ts";
import { resolveStimulus } from "../../../chip/sim/stimulus.ts";
import { genericWith } from "../../helpers/specs.ts";

describe("weight encodings are exact", () => {
  const encode = (ws: Float64Array[]) => {
    const plan = planWeights(ws);
    const store = allocateWeights(heapArrays, plan, ws.reduce((a, w) => a + w.length, 0));
    let s = 0;
    ws.forEach((w, c) => { for (let k = 0; k < w.length; k++, s++) { if (store.kind === "palette") store.code[s] = plan.codes![c][k]; else store.w[s] = w[k]; } });
    return { plan, store };
  };
  const sameBits = (a: number, b: number) => {
    const x = bitsOf(Float64Array.of(a));
    const y = bitsOf(Float64Array.of(b));
    return x[0] === y[0] && x[1] === y[1];
  };

  it("≤ 256 distinct weights: 1-byte palette codes; −0 and +0 stay distinct", () => {
    const w = [Float64Array.of(0.25, -0, 0, 0.1, 0.25, 1e-300), Float64Array.of(0.1, -7.5)];
    const { plan, store } = encode(w);
    expect(plan.kind).toBe("palette8");
    expect(store.kind === "palette" && store.code.BYTES_PER_ELEMENT).toBe(1);
    const flat = w.flatMap((a) => Array.from(a));
    flat.forEach((x, s) => expect(sameBits(weightAt(store, s), x), `synapse ${s}`).toBe(true));
    expect(Object.is(weightAt(store, 1), -0)).toBe(true);
  });

  it("511 levels of a 9-bit signed weight: 2-byte palette codes", () => {
    const lsb = 0.002 / 255;
    const w = Float64Array.from({ length: 2000 }, (_, i) => ((i * 37) % 511 - 255) * lsb);
    const { plan, store } = encode([w]);
    expect(plan.kind).toBe("palette16");
    for (let s = 0; s < w.length; s++) expect(weightAt(store, s)).toBe(w[s]);
  });

  it("a large palette (40,000 distinct weights, 120,000 synapses) keeps every code: first appearance order, exact values", () => {
    const distinct = 40000;
    const w = Float64Array.from({ length: 3 * distinct }, (_, i) => ((i * 7919) % distinct) / 3 - 5000);
    const { plan, store } = encode([w]);
    expect(plan.kind).toBe("palette16");
    expect(plan.palette!.size).toBe(distinct);
    for (let s = 0; s < w.length; s++) expect(weightAt(store, s)).toBe(w[s]);
    // Codes are handed out in order of first appearance.
    const first = new Map<number, number>();
    for (let s = 0; s < w.length; s++) if (!first.has(w[s])) first.set(w[s], first.size);
    const codes = plan.codes![0];
    let wrong = 0;
    for (let s = 0; s < w.length; s++) if (codes[s] !== first.get(w[s])) wrong++;
    expect(wrong).toBe(0);
  });

  it("more than 65,536 distinct float32 values: float32; otherwise float64", () => {
    const f32 = Float32Array.from({ length: 70000 }, (_, i) => 1 + i / 1024);
    expect(planWeights([Float64Array.from(f32)]).kind).toBe("f32");
    const f64 = Float64Array.from({ length: 70000 }, (_, i) => 1 + i / 3);
    expect(planWeights([f64]).kind).toBe("f64");
  });
});

/** in (2) → out (2): input 0 reaches out 0 with delays 1 and 2 (one axon row with two delays). */
function tinyGraph(): ModelGraph {
  return {
    name: "tiny", defaultSteps: 10,
    populations: [
      { name: "in", kind: "input", size: 2, shape: [2], spiking: true },
      { name: "out", kind: "neuron", size: 2, shape: [2], spiking: true, params: uniformNeuronParams(2, { voltageDecay: 1, vThreshold: 1, resetMode: ResetMode.zero }) },
    ],
    projections: [{
      name: "p", pre: "in", post: "out", encoding: "sparse",
      preIndex: Uint32Array.of(0, 0, 1), postIndex: Uint32Array.of(0, 1, 1), weight: Float64Array.of(0.5, 0.5, 0.5), delayTicks: Uint16Array.of(1, 2, 1),
    }],
  };
}

function withCore(program: ChipProgram, c: number, edit: (cp: CoreProgram) => CoreProgram): ChipProgram {
  return { ...program, cores: program.cores.map((cp, i) => (i === c ? edit(cp) : cp)) };
}

describe("buildSimState rejects corrupt programs with E_PROGRAM_INVALID", () => {
  const spec = genericWith();
  const { program } = compileModel(tinyGraph(), spec, {});
  const codeOf = (p: ChipProgram): { code?: string; message?: string } => {
    try { buildSimState(spec, p); } catch (e) { return e as { code?: string; message?: string }; }
    return {};
  };
  const rowCore = program.cores.findIndex((cp) => cp.crossbar.synTarget.length === 3);
  const sourceCore = program.cores.findIndex((cp) => cp.routing.routeDestCore.length > 0);

  it("builds the valid program", () => {
    expect(rowCore).toBeGreaterThanOrEqual(0);
    expect(buildSimState(spec, program).synapseCount).toBe(3);
  });

  it("an axon row not sorted by delay", () => {
    const bad = withCore(program, rowCore, (cp) => {
      const d = Uint16Array.from(cp.crossbar.synDelayTicks);
      const a = Array.from({ length: cp.crossbar.axonCount }, (_, i) => i).find((i) => cp.crossbar.axonRowPtr[i + 1] - cp.crossbar.axonRowPtr[i] === 2)!;
      const k = cp.crossbar.axonRowPtr[a];
      [d[k], d[k + 1]] = [d[k + 1], d[k]];
      return { ...cp, crossbar: { ...cp.crossbar, synDelayTicks: d } };
    });
    const e = codeOf(bad);
    expect(e.code).toBe("E_PROGRAM_INVALID");
    expect(e.message).toMatch(/not sorted by delay/);
  });

  it("two routes to one axon, and synapses on an axon no neuron routes to", () => {
    const twice = withCore(program, sourceCore, (cp) => ({ ...cp, routing: { ...cp.routing, routeDestAxon: new Uint32Array(cp.routing.routeDestAxon.length) } }));
    expect(codeOf(twice).message).toMatch(/more than one route/);
    const none = withCore(program, sourceCore, (cp) => {
      // Drop the core's last route: its destination axon (with a synapse) is then routed by nobody.
      const R = cp.routing.routeDestAxon.length - 1;
      const rp = Uint32Array.from(cp.routing.routePtr, (x) => Math.min(x, R));
      return { ...cp, routing: { routePtr: rp, routeDestCore: cp.routing.routeDestCore.slice(0, R), routeDestAxon: cp.routing.routeDestAxon.slice(0, R) } };
    });
    const e = codeOf(none);
    expect(e.code).toBe("E_PROGRAM_INVALID");
    expect(e.message).toMatch(/no neuron routes to/);
  });
});

describe("resolveStimulus", () => {
  it("sorts each tick by neuron, drops duplicates and ticks ≥ steps, maps population indices to global neurons", () => {
    const spec = genericWith();
    const { program } = compileModel(tinyGraph(), spec, {});
    const st = buildSimState(spec, program);
    const stim = { spikes: new Map([["in", { tick: Int32Array.of(3, 0, 3, 3, 12, 0), neuron: Int32Array.of(1, 0, 0, 1, 0, 0) }]]) };
    const r = resolveStimulus(program, st.coreNeuronStart, stim, 10);
    const pop = program.populations.find((p) => p.name === "in")!;
    const globalOf = new Array<number>(pop.size);
    for (const b of pop.blocks) for (let i = 0; i < b.count; i++) globalOf[populationIndexAt(pop, b.populationStart + i)] = st.coreNeuronStart[b.coreIndex] + b.neuronStart + i;
    expect(Array.from(r.tickPtr.subarray(0, 5))).toEqual([0, 1, 1, 1, 3]);
    expect(r.tickPtr[10]).toBe(3);
    expect(Array.from(r.neuron)).toEqual([globalOf[0], ...[globalOf[0], globalOf[1]].sort((x, y) => x - y)]);
  });

  it("takes input already in (tick, neuron) order as it is, and gives the same result as for any order of it", () => {
    const spec = genericWith();
    const { program } = compileModel(tinyGraph(), spec, {});
    const st = buildSimState(spec, program);
    const pop = program.populations.find((p) => p.name === "in")!;
    // Population indices in the order of their global neurons, so that the ordered input is ordered globally.
    const byGlobal = Array.from({ length: pop.size }, (_, i) => i);
    const globalOf = new Array<number>(pop.size);
    for (const b of pop.blocks) for (let i = 0; i < b.count; i++) globalOf[populationIndexAt(pop, b.populationStart + i)] = st.coreNeuronStart[b.coreIndex] + b.neuronStart + i;
    byGlobal.sort((a, b) => globalOf[a] - globalOf[b]);
    const tick: number[] = [], neuron: number[] = [];
    for (let t = 0; t < 12; t++) for (let j = 0; j < pop.size; j++) if ((t * 7 + j * 3) % 4 !== 0) { tick.push(t); neuron.push(byGlobal[j]); }
    const ordered = resolveStimulus(program, st.coreNeuronStart, { spikes: new Map([["in", { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) }, 10);
    // The same spikes reversed, with every spike of tick 4 twice: the general path (sort, duplicates dropped).
    const k4 = tick.flatMap((t, k) => (t === 4 ? [k] : []));
    const rt = [...tick].reverse().concat(k4.map((k) => tick[k]));
    const rn = [...neuron].reverse().concat(k4.map((k) => neuron[k]));
    const shuffled = resolveStimulus(program, st.coreNeuronStart, { spikes: new Map([["in", { tick: Int32Array.from(rt), neuron: Int32Array.from(rn) }]]) }, 10);
    expect(Array.from(ordered.tickPtr)).toEqual(Array.from(shuffled.tickPtr));
    expect(Array.from(ordered.neuron)).toEqual(Array.from(shuffled.neuron));
    // Ticks in order but each tick's neurons reversed, and one spike repeated at once: not taken as it is.
    const order = tick.map((_, k) => k).sort((a, b) => tick[a] - tick[b] || b - a);
    order.splice(1, 0, order[0]);
    const perTickReversed = resolveStimulus(program, st.coreNeuronStart, { spikes: new Map([["in", { tick: Int32Array.from(order, (k) => tick[k]), neuron: Int32Array.from(order, (k) => neuron[k]) }]]) }, 10);
    expect(Array.from(perTickReversed.tickPtr)).toEqual(Array.from(ordered.tickPtr));
    expect(Array.from(perTickReversed.neuron)).toEqual(Array.from(ordered.neuron));
    // In order, but with its first spike repeated at once: the duplicate is dropped.
    const repeated = resolveStimulus(program, st.coreNeuronStart, { spikes: new Map([["in", { tick: Int32Array.from([tick[0], ...tick]), neuron: Int32Array.from([neuron[0], ...neuron]) }]]) }, 10);
    expect(Array.from(repeated.tickPtr)).toEqual(Array.from(ordered.tickPtr));
    expect(Array.from(repeated.neuron)).toEqual(Array.from(ordered.neuron));
    expect(ordered.neuron.length).toBe(tick.filter((t) => t < 10).length);
    for (let t = 0; t < 10; t++) {
      const got = Array.from(ordered.neuron.subarray(ordered.tickPtr[t], ordered.tickPtr[t + 1]));
      expect(got).toEqual(byGlobal.filter((_, j) => (t * 7 + j * 3) % 4 !== 0).map((i) => globalOf[i]));
    }
  });
});

describe("cores whose biases are all +0 (SimState.coreBiasZero, read by the update kernels)", () => {
  it("flags a core only when every bias in it is +0: −0 or any other value clears it; empty cores are flagged", () => {
    const bias = Float64Array.of(0, 0, /* core 2 */ 0, -0, 0, /* core 3 */ 1e-300, /* core 4 */ 0);
    const start = Uint32Array.of(0, 2, 2, 5, 6, 7);
    expect(Array.from(biasZeroCores(bias, start))).toEqual([1, 1, 0, 0, 1]);
  });

  it("is built with the state, one flag per core", () => {
    const params = uniformNeuronParams(6, { voltageDecay: 0.9, vThreshold: 1, resetMode: ResetMode.zero });
    params.bias[4] = 0.5;
    const graph: ModelGraph = { name: "bias", defaultSteps: 1, populations: [{ name: "p", kind: "neuron", size: 6, shape: [6], spiking: true, params }], projections: [] };
    const spec = genericWith({ maxNeurons: 3 });
    const { program } = compileModel(graph, spec, {});
    const st = buildSimState(spec, program);
    const want = Array.from({ length: st.coreCount }, (_, c) => {
      for (let n = st.coreNeuronStart[c]; n < st.coreNeuronStart[c + 1]; n++) if (st.bias[n] !== 0) return 0;
      return 1;
    });
    expect(Array.from(st.coreBiasZero)).toEqual(want);
    expect(want).toContain(0);
    expect(want).toContain(1);
  });
});

describe("counter cells (SimState.routeCell, axonCell*) lie on their route's destination core", () => {
  // The timing model's per-core synaptic ops (run.ts emitCoreWork and the fused kernel) index them by the
  // route's destination core instead of cellCore, and with one encoding add a mixed row's cells up as the
  // row's synapses: both rest on this.
  it("a route's one cell, or a mixed row's cells, are on routeDestCore[r]; a mixed row's counts add up to routeSynapses[r]", () => {
    const params = (n: number) => uniformNeuronParams(n, { voltageDecay: 0.9, vThreshold: 1, resetMode: ResetMode.zero });
    const link = (pre: string, post: string, pairs: [number, number][], delay: number) => ({
      name: `${pre}_${post}_${delay}`, pre, post, encoding: "sparse" as const,
      preIndex: Uint32Array.from(pairs.map((p) => p[0])), postIndex: Uint32Array.from(pairs.map((p) => p[1])),
      weight: new Float64Array(pairs.length).fill(0.25), delayTicks: new Uint16Array(pairs.length).fill(delay),
    });
    const all = (a: number, b: number): [number, number][] => Array.from({ length: a * b }, (_, k) => [Math.floor(k / b), k % b]);
    // "src" reaches "a" and "b" (one core with maxNeurons 8: rows that mix two projections) and "c" alone.
    const graph: ModelGraph = {
      name: "cells", defaultSteps: 1,
      populations: [
        { name: "src", kind: "input", size: 4, shape: [4], spiking: true },
        { name: "a", kind: "neuron", size: 3, shape: [3], spiking: true, params: params(3) },
        { name: "b", kind: "neuron", size: 3, shape: [3], spiking: true, params: params(3) },
        { name: "c", kind: "neuron", size: 5, shape: [5], spiking: true, params: params(5) },
      ],
      projections: [link("src", "a", all(4, 3), 1), link("src", "b", all(4, 3).filter(([i]) => i !== 2), 1), link("src", "c", all(4, 5), 2), link("a", "c", all(3, 5), 1)],
    };
    const spec = genericWith({ maxNeurons: 8 });
    const { program } = compileModel(graph, spec, {});
    const st = buildSimState(spec, program);
    expect(st.cellCore.length, "the program has counter cells").toBeGreaterThan(0);
    let single = 0;
    let mixed = 0;
    for (let r = 0; r < st.routeDestCore.length; r++) {
      const d = st.routeDestCore[r];
      const one = st.routeCell[r];
      if (one >= 0) { single++; expect(st.cellCore[one], `route ${r}`).toBe(d); continue; }
      const a = st.routeAxon[r];
      let ops = 0;
      for (let k = st.axonCellStart[a]; k < st.axonCellStart[a + 1]; k++) {
        expect(st.cellCore[st.axonCellId[k]], `route ${r}, cell ${k}`).toBe(d);
        ops += st.axonCellCount[k];
      }
      if (st.axonCellStart[a + 1] > st.axonCellStart[a]) mixed++;
      expect(ops, `route ${r}: the mixed row's counts`).toBe(st.routeSynapses[r]);
    }
    expect(single, "routes to single-projection rows").toBeGreaterThan(0);
    expect(mixed, "routes to rows mixing projections").toBeGreaterThan(0);
  });
});
