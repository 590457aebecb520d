/**
 * Dense synapse groups (chip/sim/dense-groups.ts): the detector flags exactly the groups whose targets are
 * consecutive, and delivering them by the dense path changes nothing: every output equals the same state
 * built with `denseGroups: false`, bit for bit, in every layout (offset16, its side array, flat32), weight
 * encoding (float64, float32, 1- and 2-byte palettes), with and without input marks (SANA-FE soma), on the
 * TypeScript kernels, the per-tick and whole-tick WebAssembly paths, and 2 threads.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph, type PopulationIR, type ProjectionIR } from "../../../compiler/ir/types.ts";
import { NeuronDynamics, ResetMode, type ChipProgram, type ChipStimulus } from "../../../chip/program/types.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { buildSimState, synapseTarget, type BuildStateOptions, type SimState } from "../../../chip/sim/state.ts";
import { runState, type SimulateOptions } from "../../../chip/sim/run.ts";
import { DENSE_MIN_SYNAPSES, DENSE_RECORD_BIT } from "../../../chip/sim/dense-groups.ts";
import { chooseDeliverMode, deliverCompact, deliverMarks } from "../../../chip/sim/deliver-dispatch.ts";
import { deliverWasm } from "../../../chip/sim/wasm/deliver.ts";
import { kernelsFor } from "../../../chip/sim/wasm/kernels.ts";
import { threadTeamFor } from "../../../chip/sim/threads/team.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";
import { createRng } from "../../../core/rng.ts";
import { genericWith } from "../../helpers/specs.ts";
import { ringGraph } from "../../helpers/graphs.ts";
import { distIsFresh } from "../../helpers/dist.ts";
import { expectSame, outputs } from "../../helpers/sim-outputs.ts";

const STEPS = 300;
const FAR = 70_000; // a ring this large has neurons whose targets lie more than 65,536 neurons apart (side array)

/**
 * Input (24) → A (60, all-to-all, delay 1 or 2 by source: dense groups over several cores), A → B (40,
 * all-to-all with every other weight 0 left out), A → C (30, random sparse). `weights`: "distinct" gives more than 256 distinct values (2-byte
 * palette codes), "few" fewer (1-byte codes); all are float32 values. `sanafe`: B and C integrate with
 * SANA-FE's soma (input marks).
 */
function graphOf(weights: "few" | "distinct", sanafe: boolean): { graph: ModelGraph; stimulus: ChipStimulus } {
  const rng = createRng(weights === "few" ? 3 : 4);
  const w = (): number => (weights === "few" ? (rng.nextBelow(64) - 24) / 256 : (rng.nextBelow(4096) - 1500) / 16384);
  const lif = (size: number) => uniformNeuronParams(size, { voltageDecay: 0.9, currentDecay: 0.5, vThreshold: 1, resetMode: ResetMode.zero, refractoryTicks: 1 });
  const soma = (size: number) => ({
    ...lif(size), dynamics: new Uint8Array(size).fill(NeuronDynamics.sanafeLif), vTruncScale: new Float64Array(size).fill(64),
    vReverseThreshold: new Float64Array(size).fill(-2), reverseResetMode: new Uint8Array(size).fill(ResetMode.saturate),
    vReverseReset: new Float64Array(size), forceUpdate: new Uint8Array(size),
  });
  const populations: PopulationIR[] = [
    { name: "in", kind: "input", size: 24, shape: [24], spiking: true },
    { name: "A", kind: "neuron", size: 60, shape: [60], spiking: true, params: lif(60) },
    { name: "B", kind: "neuron", size: 40, shape: [40], spiking: true, params: sanafe ? soma(40) : lif(40) },
    { name: "C", kind: "neuron", size: 30, shape: [30], spiking: true, params: sanafe ? soma(30) : lif(30) },
  ];
  const projections: ProjectionIR[] = [];
  const add = (name: string, pre: string, post: string, pairs: Array<[number, number, number]>) => {
    projections.push({
      name, pre, post, encoding: "dense", preIndex: Uint32Array.from(pairs, (p) => p[0]), postIndex: Uint32Array.from(pairs, (p) => p[1]),
      weight: Float64Array.from(pairs, () => w()), delayTicks: Uint16Array.from(pairs, (p) => p[2]),
    });
  };
  const all = (pre: number, post: number, keep: (i: number, j: number) => boolean, delay: (i: number) => number) => {
    const out: Array<[number, number, number]> = [];
    for (let i = 0; i < pre; i++) for (let j = 0; j < post; j++) if (keep(i, j)) out.push([i, j, delay(i)]);
    return out;
  };
  add("in_A", "in", "A", all(24, 60, () => true, (i) => 1 + (i % 2)));
  add("A_B", "A", "B", all(60, 40, (i, j) => (i + j) % 2 === 0, () => 1));
  add("A_C", "A", "C", all(60, 30, () => rng.nextFloat() < 0.2, () => 2));
  const tick: number[] = [], neuron: number[] = [];
  for (let t = 0; t < STEPS; t++) for (let i = 0; i < 24; i++) if (rng.nextFloat() < 0.15) { tick.push(t); neuron.push(i); }
  return { graph: { name: "dense-groups", defaultSteps: STEPS, populations, projections }, stimulus: { spikes: new Map([["in", { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) } };
}

/** Targets of group g's synapses. */
function groupTargets(st: SimState, n: number, g: number): number[] {
  const out: number[] = [];
  for (let s = st.groupSynStart[g]; s < st.groupSynStart[g + 1]; s++) out.push(synapseTarget(st, n, s));
  return out;
}

/** The longest run of consecutive values in t. */
function longestRun(t: number[]): number {
  let best = t.length > 0 ? 1 : 0;
  for (let i = 1, run = 1; i < t.length; i++) best = Math.max(best, (run = t[i] === t[i - 1] + 1 ? run + 1 : 1));
  return best;
}

/**
 * The split is exact: a flagged group is one run of ≥ DENSE_MIN_SYNAPSES consecutive targets, an unflagged
 * one holds no such run, and each neuron's groups cover the unsplit state's groups in order with their
 * delays. The network has both kinds (the input's rows into A are dense; the random A → C rows are not).
 */
function expectExactSplit(st: SimState, unsplit: SimState): void {
  const flags = st.synapses.groupDense;
  expect(flags.length).toBe(st.neuronGroupStart[st.neuronCount]);
  let dense = 0;
  let sparse = 0;
  for (let n = 0; n < st.neuronCount; n++) {
    const pieces: Array<[number, number, number]> = [];
    for (let g = st.neuronGroupStart[n]; g < st.neuronGroupStart[n + 1]; g++) {
      const t = groupTargets(st, n, g);
      if (flags[g] === 1) {
        expect(t.length >= DENSE_MIN_SYNAPSES && longestRun(t) === t.length, `dense group ${g} of neuron ${n}: ${t.join(",")}`).toBe(true);
        dense++;
      } else {
        expect(longestRun(t), `group ${g} of neuron ${n} holds no dense run`).toBeLessThan(DENSE_MIN_SYNAPSES);
        if (t.length >= DENSE_MIN_SYNAPSES) sparse++;
      }
      const last = pieces[pieces.length - 1];
      if (last !== undefined && last[1] === st.groupSynStart[g] && last[2] === st.groupDelay[g]) last[1] = st.groupSynStart[g + 1];
      else pieces.push([st.groupSynStart[g], st.groupSynStart[g + 1], st.groupDelay[g]]);
    }
    const whole: Array<[number, number, number]> = [];
    for (let g = unsplit.neuronGroupStart[n]; g < unsplit.neuronGroupStart[n + 1]; g++) whole.push([unsplit.groupSynStart[g], unsplit.groupSynStart[g + 1], unsplit.groupDelay[g]]);
    expect(pieces, `neuron ${n}'s groups`).toEqual(whole);
  }
  expect(dense).toBeGreaterThanOrEqual(24);
  expect(sparse).toBeGreaterThan(5);
}

function run(spec: ChipSpec, program: ChipProgram, stimulus: ChipStimulus, build: BuildStateOptions, opts: SimulateOptions) {
  const st = buildSimState(spec, program, build);
  return { st, out: outputs(runState(spec, program, st, stimulus, opts)) };
}

const RUNS: Array<{ what: string; opts: SimulateOptions }> = [
  { what: "whole-tick kernel calls", opts: { steps: STEPS } },
  { what: "per tick, detailed timing, recorded potentials", opts: { steps: STEPS, timing: createTimingModel("detailed"), timingPerPacket: true, recordVoltages: ["A", "B"] } },
];

describe("dense synapse groups", () => {
  const spec = genericWith({ maxNeurons: 23 });

  it("splits out exactly the runs of consecutive targets, in offset16 and flat32", () => {
    const { graph } = graphOf("few", false);
    const { program } = compileModel(graph, spec, {});
    for (const layout of ["offset16", "flat32"] as const) {
      const unsplit = buildSimState(spec, program, { layout, denseGroups: false });
      expect(unsplit.synapses.groupDense.length).toBe(0);
      expectExactSplit(buildSimState(spec, program, { layout }), unsplit);
    }
    // Plastic programs (wide layout) keep records without flags.
    expect(buildSimState(spec, program, { layout: "wide" }).synapses.groupDense.length).toBe(0);
  });

  for (const weights of ["few", "distinct"] as const) {
    for (const sanafe of [false, true]) {
      it(`changes no output: ${weights === "few" ? "1-byte" : "2-byte"} palette and direct weights, ${sanafe ? "SANA-FE soma (input marks)" : "LIF"}, both layouts, both kernels`, () => {
        const { graph, stimulus } = graphOf(weights, sanafe);
        const { program } = compileModel(graph, spec, {});
        const codeBytes = buildSimState(spec, program).synapses.weights;
        expect(codeBytes.kind === "palette" && codeBytes.code.BYTES_PER_ELEMENT).toBe(weights === "few" ? 1 : 2);
        let spikes = 0;
        for (const layout of ["offset16", "flat32"] as const) {
          for (const enc of [{}, { float64Weights: true }, { float32Weights: true }]) {
            for (const kernels of ["wasm", "js"] as const) {
              for (const { what, opts } of RUNS) {
                const build: BuildStateOptions = { layout, ...enc, kernels };
                const ref = run(spec, program, stimulus, { ...build, denseGroups: false }, opts);
                const got = run(spec, program, stimulus, build, opts);
                expectExactSplit(got.st, ref.st);
                expectSame(ref.out, got.out, `${layout} ${JSON.stringify(enc)} ${kernels}, ${what}`);
                spikes = ref.out.get("spikesPerNeuron")!.length;
              }
            }
          }
        }
        expect(spikes).toBeGreaterThan(0);
      });
    }
  }

  it("dense records of neurons whose targets span more than 65,536 neurons (offset16's side array), through both kernels", () => {
    // No compiled network puts a dense group on the side array on purpose (the compiler orders each core's
    // neurons), so the buckets are made by hand: every group of the 70,000-neuron ring, each flagged dense
    // whenever its targets are consecutive (a one-synapse group is), against the same bucket unflagged.
    const { graph } = ringGraph(FAR);
    const big = genericWith({ maxNeurons: 4096 }, { widthTiles: 8, heightTiles: 8 });
    const { program } = compileModel(graph, big, { placement: "linear" });
    for (const build of [{}, { float64Weights: true }] as const) {
      const st = buildSimState(big, program, build);
      expect(st.synapses.kind).toBe("offset16");
      const G = st.neuronGroupStart[st.neuronCount];
      const plain = new Int32Array(4 * G);
      const flagged = new Int32Array(4 * G);
      let k = 0;
      let sideFlagged = 0;
      for (let n = 0; n < st.neuronCount; n++) {
        for (let g = st.neuronGroupStart[n]; g < st.neuronGroupStart[n + 1]; g++, k += 4) {
          const t = groupTargets(st, n, g);
          const dense = t.every((x, i) => x === t[0] + i);
          plain.set([g, st.groupSynStart[g], st.groupSynStart[g + 1], st.synapses.neuronBase[n]], k);
          flagged.set([g, dense ? st.groupSynStart[g] | DENSE_RECORD_BIT : st.groupSynStart[g], st.groupSynStart[g + 1], st.synapses.neuronBase[n]], k);
          if (dense && st.synapses.neuronBase[n] < 0) sideFlagged++;
        }
      }
      expect(sideFlagged, "flagged records of side-array neurons").toBeGreaterThan(0);
      const got = new Uint8Array(st.wasm!.memory.buffer, st.wasm!.arena.allocator().u8(st.neuronCount).byteOffset, st.neuronCount);
      for (const mark of [false, true]) {
        const mode = chooseDeliverMode(st, false, mark);
        expect(deliverMarks(mode)).toBe(mark);
        const results: Array<{ acc: Float64Array; got: Uint8Array }> = [];
        for (const bucket of [plain, flagged]) {
          for (const kernel of ["js", "wasm"] as const) {
            st.acc.fill(0);
            got.fill(0);
            if (kernel === "js") deliverCompact(mode, bucket, k, st, got);
            else deliverWasm(kernelsFor(st.wasm!.memory), st.wasm!.arena.allocator().i32(4 * 64), st, bucket, k, mark, got);
            results.push({ acc: Float64Array.from(st.acc), got: Uint8Array.from(got) });
          }
        }
        expect(results[0].acc.some((x) => x !== 0)).toBe(true);
        expect(results[0].got.some((x) => x !== 0)).toBe(mark);
        for (const r of results.slice(1)) {
          expect(Buffer.from(r.acc.buffer).equals(Buffer.from(results[0].acc.buffer)), `${JSON.stringify(build)}, marks ${mark}`).toBe(true);
          expect(Buffer.from(r.got).equals(Buffer.from(results[0].got)), `${JSON.stringify(build)}, marks ${mark}`).toBe(true);
        }
      }
    }
  });
});

const DIST_OK = distIsFresh("chip/sim/threads/worker.js", ["chip", "core"]);
describe.skipIf(!DIST_OK)("dense synapse groups on 2 threads (needs an up-to-date dist/: run `npm run build`)", () => {
  it("the parts' records of dense groups (runs of them per thread) change no output", () => {
    const spec = genericWith({ maxNeurons: 23 });
    const { graph, stimulus } = graphOf("distinct", true);
    const { program } = compileModel(graph, spec, {});
    const ref = run(spec, program, stimulus, { kernels: "js", denseGroups: false }, { steps: STEPS });
    for (const kernels of ["wasm", "js"] as const) {
      const st = buildSimState(spec, program, { kernels, shared: true });
      const team = threadTeamFor(spec, program, st, 2);
      try {
        const res = runState(spec, program, st, stimulus, { steps: STEPS, team });
        expect(res.threads).toBe(2);
        expectSame(ref.out, outputs(res), `2 threads, ${kernels}`);
      } finally {
        team.close();
      }
    }
  });
});
