/**
 * Pre-tiering (chip/sim/wasm/pretier.ts): which kernels a program and a state name, that each is called
 * once per process, and that the calls touch no state (they run on a scratch instance of their own).
 * Whether V8 then optimises them is V8's business; benchmarks/README.md has the measurement.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph } from "../../../../compiler/ir/types.ts";
import { NeuronDynamics, ResetMode } from "../../../../chip/program/types.ts";
import { buildSimState } from "../../../../chip/sim/state.ts";
import { CoreClass } from "../../../../chip/sim/update.ts";
import { kernelsOfProgram, kernelsOfState, pretierKernels, TEAM_KERNELS, type PretierKernel } from "../../../../chip/sim/wasm/pretier.ts";
import { genericWith } from "../../../helpers/specs.ts";

const ALL: PretierKernel[] = [
  "deliverOffsetF64", "deliverOffsetF32", "deliverOffsetPalette8", "deliverOffsetPalette16", "deliverFlatF64", "deliverFlatF32",
  "deliverFlatPalette8", "deliverFlatPalette16", "updateLifUniform", "updateSanafeUniform", "emitSpikes", "spikesByPopulation",
  "deriveSpikeCounters", "inFlightSynapses", ...TEAM_KERNELS,
];

function graph(weights: number[], n = 12): ModelGraph {
  const pre: number[] = [], post: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if ((i + 2 * j) % 3 === 0) { pre.push(i); post.push(j); }
  return {
    name: "pretier", defaultSteps: 5,
    populations: [
      { name: "in", kind: "input", size: n, shape: [n], spiking: true },
      { name: "n", kind: "neuron", size: n, shape: [n], spiking: true, params: uniformNeuronParams(n, { voltageDecay: 0.9, vThreshold: 1, resetMode: ResetMode.zero }) },
    ],
    projections: [{
      name: "p", pre: "in", post: "n", encoding: "sparse", preIndex: Uint32Array.from(pre), postIndex: Uint32Array.from(post),
      weight: Float64Array.from(pre, (_, k) => weights[k % weights.length]), delayTicks: new Uint16Array(pre.length).fill(1),
    }],
  };
}

describe("pre-tiering the WebAssembly kernels", () => {
  it("names the delivery kernel of the state's layout and encoding, the update kernels of its core classes and the run's end", () => {
    const spec = genericWith({ maxNeurons: 5 });
    // 48 synapses with 2 distinct weights; 533 with 300 (more than a one-byte code can name).
    for (const [weights, n, enc] of [[[0.25, 0.5], 12, "Palette8"], [Array.from({ length: 300 }, (_, i) => i / 7), 40, "Palette16"]] as const) {
      const g = graph([...weights], n);
      const { program } = compileModel(g, spec, {});
      const st = buildSimState(spec, program);
      expect(st.synapses.kind).toBe("offset16");
      const names = kernelsOfState(st);
      expect(names).toContain(`deliverOffset${enc}`);
      expect(names.filter((k) => k.startsWith("deliver"))).toHaveLength(1);
      expect(names.includes("updateLifUniform")).toBe(st.coreClass.includes(CoreClass.lifUniform));
      expect(names).not.toContain("updateSanafeUniform");
      expect(names).toEqual(expect.arrayContaining(["spikesByPopulation", "deriveSpikeCounters", "inFlightSynapses"]));
      expect(kernelsOfProgram(program)).toEqual(["updateLifUniform", "emitSpikes", "spikesByPopulation", "deriveSpikeCounters", "inFlightSynapses"]);
    }
  });

  it("a program with SANA-FE somas names their update kernel", () => {
    const g = graph([0.5]);
    const p = g.populations[1];
    const params = { ...p.params!, dynamics: new Uint8Array(p.size).fill(NeuronDynamics.sanafeLif) };
    const { program } = compileModel({ ...g, populations: [g.populations[0], { ...p, params }] }, genericWith(), {});
    expect(kernelsOfProgram(program)[0]).toBe("updateSanafeUniform");
  });

  it("calls each kernel once per process, on its own memory: a built state's memory is unchanged by the calls", () => {
    const spec = genericWith({ maxNeurons: 5 });
    const { program } = compileModel(graph([0.25, 0.5]), spec, {});
    const st = buildSimState(spec, program);
    const mem = st.wasm!.memory.buffer;
    const before = new Uint8Array(mem).slice();
    // The state's build pre-tiered its own kernels; the rest are called now, and none a second time.
    const now = pretierKernels(ALL);
    expect(now.length).toBeGreaterThan(0);
    expect(now).not.toContain("deliverOffsetPalette8");
    expect(pretierKernels(ALL)).toEqual([]);
    expect(Buffer.compare(Buffer.from(new Uint8Array(mem)), Buffer.from(before))).toBe(0);
  });

  it("names a team's kernels: the part tick, the main thread's count and both tick loops (which return at once on the scratch page)", () => {
    expect([...TEAM_KERNELS].sort()).toEqual(["partTick", "teamTick", "teamTicks", "workerTicks"]);
    // Were the worker loop's empty call to wait (its control block unchanged), this would never return.
    pretierKernels(TEAM_KERNELS);
    expect(pretierKernels(TEAM_KERNELS)).toEqual([]);
  });
});
