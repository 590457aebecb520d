/**
 * The input's per-spike pass in WebAssembly (chip/sim/wasm/stimulus.ts) against resolveStimulus: the same
 * per-tick lists for input in (tick, neuron) order (taken as it comes), in any order (sorted by the kernel,
 * or by TypeScript for a tick of more than 256 spikes), with duplicates and ticks past the end, over one and
 * two input populations; the same error (code and message) for every
 * invalid input; and later runs reuse the scratch in the state's memory.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph } from "../../../../compiler/ir/types.ts";
import { ResetMode, type ChipProgram, type ChipStimulus } from "../../../../chip/program/types.ts";
import { buildSimState, type SimState } from "../../../../chip/sim/state.ts";
import { resolveStimulus } from "../../../../chip/sim/stimulus.ts";
import { resolveStimulusWasm } from "../../../../chip/sim/wasm/stimulus.ts";
import { kernelsFor } from "../../../../chip/sim/wasm/kernels.ts";
import { createRng } from "../../../../core/rng.ts";
import { genericWith } from "../../../helpers/specs.ts";

const STEPS = 50;

function graph(): ModelGraph {
  const lif = uniformNeuronParams(8, { voltageDecay: 0.9, vThreshold: 1, resetMode: ResetMode.zero });
  const all = (pre: number) => Array.from({ length: pre * 8 }, (_, k) => k);
  return {
    name: "two-inputs", defaultSteps: STEPS,
    populations: [
      { name: "a", kind: "input", size: 30, shape: [30], spiking: true },
      { name: "b", kind: "input", size: 20, shape: [20], spiking: true },
      { name: "n", kind: "neuron", size: 8, shape: [8], spiking: true, params: lif },
    ],
    projections: (["a", "b"] as const).map((pre) => {
      const size = pre === "a" ? 30 : 20;
      const ks = all(size);
      return { name: `${pre}_n`, pre, post: "n", encoding: "dense", preIndex: Uint32Array.from(ks, (k) => k >> 3), postIndex: Uint32Array.from(ks, (k) => k & 7), weight: new Float64Array(ks.length).fill(0.1), delayTicks: new Uint16Array(ks.length).fill(1) };
    }),
  };
}

const spikesOf = (entries: Array<[string, number[], number[]]>): ChipStimulus => ({
  spikes: new Map(entries.map(([name, t, n]) => [name, { tick: Int32Array.from(t), neuron: Int32Array.from(n) }])),
});

/** Population indices of `name` in the order of their global neurons (so that input in that order is ordered). */
function byGlobal(program: ChipProgram, st: SimState, name: string): number[] {
  const pop = program.populations.find((p) => p.name === name)!;
  const r = resolveStimulus(program, st.coreNeuronStart, spikesOf([[name, Array(pop.size).fill(0), Array.from({ length: pop.size }, (_, i) => i)]]), 1);
  const globalToIndex = new Map<number, number>();
  for (let i = 0; i < pop.size; i++) globalToIndex.set(resolveStimulus(program, st.coreNeuronStart, spikesOf([[name, [0], [i]]]), 1).neuron[0], i);
  return Array.from(r.neuron, (g) => globalToIndex.get(g)!);
}

function errorOf(f: () => unknown): { code?: string; message?: string } | undefined {
  try {
    f();
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
  return undefined;
}

describe("the input's per-spike pass in WebAssembly", () => {
  const spec = genericWith({ maxNeurons: 7 });
  const { program } = compileModel(graph(), spec, { placement: "random", seed: 4 });
  const st = buildSimState(spec, program);
  const k = kernelsFor(st.wasm!.memory);
  const both = (stim: ChipStimulus, steps = STEPS) => {
    const ts = resolveStimulus(program, st.coreNeuronStart, stim, steps);
    const wa = resolveStimulusWasm(k, st.wasm!, program, st.coreNeuronStart, stim, steps);
    expect(Array.from(wa.tickPtr)).toEqual(Array.from(ts.tickPtr));
    expect(Array.from(wa.neuron)).toEqual(Array.from(ts.neuron));
    return ts;
  };

  it("gives resolveStimulus' lists for ordered, shuffled, repeated and late input over one and two populations", () => {
    const rng = createRng(9);
    const order = byGlobal(program, st, "a");
    const ordT: number[] = [], ordN: number[] = [];
    for (let t = 0; t < STEPS + 5; t++) for (const i of order) if (rng.nextFloat() < 0.3) { ordT.push(t); ordN.push(i); }
    const ordered = both(spikesOf([["a", ordT, ordN]]));
    expect(ordered.neuron.length).toBe(ordT.filter((t) => t < STEPS).length);
    // Shuffled, with repeats and ticks past the end, in both populations.
    const rt: number[] = [], rn: number[] = [];
    for (let s = 0; s < 400; s++) { rt.push(rng.nextBelow(STEPS + 8)); rn.push(rng.nextBelow(20)); }
    const shuffled = both(spikesOf([["a", [...ordT].reverse(), [...ordN].reverse()], ["b", rt, rn]]));
    expect(shuffled.neuron.length).toBeGreaterThan(ordered.neuron.length);
    // Ordered, then its first spike again: not in order (a repeat), so the general path drops it.
    both(spikesOf([["a", [ordT[0], ...ordT], [ordN[0], ...ordN]]]));
    // One spike per tick, ticks going down: not in order either.
    both(spikesOf([["a", [9, 7, 4, 2], [order[0], order[1], order[2], order[3]]]]));
    // A tick with more spikes (repeats included) than the kernel's insertion sort takes: the TypeScript sort.
    both(spikesOf([["b", [...Array(300).fill(3), 1, 0], [...Array.from({ length: 300 }, (_, j) => (j * 7) % 20), 5, 6]]]));
    both(spikesOf([["a", [], []]]));
    both(spikesOf([]));
  });

  it("raises resolveStimulus' error for each invalid input", () => {
    const cases: ChipStimulus[] = [
      spikesOf([["a", [0, 1, 2], [0, 30, 1]]]),
      spikesOf([["a", [0, 1], [0, -1]]]),
      spikesOf([["b", [3, -2], [0, 1]]]),
      spikesOf([["a", [0], [0]], ["b", [1, 1], [4, 20]]]),
      spikesOf([["nope", [0], [0]]]),
      spikesOf([["n", [0], [0]]]),
      { spikes: new Map([["a", { tick: Int32Array.of(0, 1), neuron: Int32Array.of(0) }]]) },
    ];
    for (const stim of cases) {
      const ts = errorOf(() => resolveStimulus(program, st.coreNeuronStart, stim, STEPS));
      expect(ts, "the TypeScript pass refuses it").toBeDefined();
      expect(errorOf(() => resolveStimulusWasm(k, st.wasm!, program, st.coreNeuronStart, stim, STEPS))).toEqual(ts);
    }
  });

  it("later runs reuse its scratch in the state's memory", () => {
    const stim = spikesOf([["b", [0, 1, 2, 3], [1, 2, 3, 4]]]);
    resolveStimulusWasm(k, st.wasm!, program, st.coreNeuronStart, stim, STEPS);
    const used = st.wasm!.memory.buffer.byteLength;
    const scratch = st.wasm!.runs.stimulus;
    for (let i = 0; i < 3; i++) both(stim);
    expect(st.wasm!.runs.stimulus).toBe(scratch);
    expect(st.wasm!.memory.buffer.byteLength).toBe(used);
  });
});
