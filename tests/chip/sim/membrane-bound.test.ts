/**
 * The engine side of a compartment neuron's membrane lower bound (reverseResetMode saturate, vMin =
 * vReverseThreshold; chip/program/types.ts): only cores holding a bounded compartment neuron change class
 * (to `generic`, the kernel that applies the bound); the others keep theirs. A bounded program leaves the
 * fused WebAssembly path, and its runs on WebAssembly-built and TypeScript-built states are bit-identical.
 * A compartment neuron with SANA-FE's other reverse resets (zero, subtract) is refused, not ignored.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../compiler/compile.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import type { ModelGraph } from "../../../compiler/ir/types.ts";
import { ResetMode, type ChipProgram } from "../../../chip/program/types.ts";
import { buildSimState } from "../../../chip/sim/state.ts";
import { runState } from "../../../chip/sim/run.ts";
import { classRuns, CoreClass } from "../../../chip/sim/update.ts";
import { fusedClassesOnly } from "../../../chip/sim/wasm/fused.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";
import { genericWith } from "../../helpers/specs.ts";
import { errorOf } from "../../helpers/errors.ts";
import { expectSame, outputs } from "../../helpers/sim-outputs.ts";

const model = loadJsonModel("examples/demo/ei-small.net.json");
const spec = genericWith({ maxNeurons: 19 });

function withBound(graph: ModelGraph, pop: string, vMin: number, mode: number = ResetMode.saturate): ModelGraph {
  return {
    ...graph,
    populations: graph.populations.map((p) => p.name !== pop || p.params === undefined ? p : {
      ...p, params: { ...p.params, vReverseThreshold: new Float64Array(p.size).fill(vMin), reverseResetMode: new Uint8Array(p.size).fill(mode) },
    }),
  };
}

const compile = (graph: ModelGraph): ChipProgram => compileModel(graph, spec, { placement: "greedy", seed: 1 }).program;

function coresOf(program: ChipProgram, pop: string): Set<number> {
  return new Set(program.populations.find((p) => p.name === pop)!.blocks.map((b) => b.coreIndex));
}

describe("membrane lower bound in the engine", () => {
  it("classes only the bounded population's cores generic; the rest keep their class, and the run leaves the fused kernel", () => {
    const free = compile(model.graph);
    const bounded = compile(withBound(model.graph, "E", -1));
    expect(bounded.cores.map((c) => c.neuronCount)).toEqual(free.cores.map((c) => c.neuronCount));
    const a = buildSimState(spec, free);
    const b = buildSimState(spec, bounded);
    const eCores = coresOf(bounded, "E");
    expect(eCores.size).toBeGreaterThan(0);
    for (let c = 0; c < a.coreCount; c++) {
      if (eCores.has(c)) expect(b.coreClass[c], `core ${c}`).toBe(CoreClass.generic);
      else expect(b.coreClass[c], `core ${c}`).toBe(a.coreClass[c]);
    }
    expect(Array.from(a.coreClass)).not.toContain(CoreClass.generic);
    expect(fusedClassesOnly(classRuns(a.coreClass), a, false)).toBe(true);
    expect(fusedClassesOnly(classRuns(b.coreClass), b, false)).toBe(false);
  });

  it("gives the same outputs on a WebAssembly-built state and with TypeScript kernels", () => {
    const program = compile(withBound(model.graph, "E", -1));
    // No per-tick output (no recorded potentials, no packet trace), so an unbounded program would take the
    // fused kernel here.
    const opts = { steps: 200, timing: createTimingModel("simple") };
    const wasm = runState(spec, program, buildSimState(spec, program, { kernels: "wasm" }), model.stimulus, opts);
    const js = runState(spec, program, buildSimState(spec, program, { kernels: "js" }), model.stimulus, { ...opts, kernels: "js" });
    expectSame(outputs(js), outputs(wasm), "wasm-built state vs TypeScript");
    const e = program.populations.find((p) => p.name === "E")!;
    const v = wasm.state.v;
    let low = Infinity;
    for (const blk of e.blocks) for (let i = 0; i < blk.count; i++) low = Math.min(low, v[wasm.state.coreNeuronStart[blk.coreIndex] + blk.neuronStart + i]);
    expect(low).toBeGreaterThanOrEqual(-1);
  });

  it("refuses a compartment neuron with reverse reset zero or subtract (SANA-FE's, not a bound)", () => {
    for (const mode of [ResetMode.zero, ResetMode.subtract]) {
      const program = compile(withBound(model.graph, "E", -1, mode));
      const e = errorOf(() => buildSimState(spec, program));
      expect(e.code).toBe("E_PROGRAM_INVALID");
      expect(e.field).toMatch(/^cores\[\d+\]\.neurons\.reverseResetMode\[\d+\]$/);
    }
    // none: no bound, the same run as without the fields.
    const none = compile(withBound(model.graph, "E", -1, ResetMode.none));
    const free = compile(model.graph);
    const opts = { steps: 100, timing: createTimingModel("simple") };
    expectSame(outputs(runState(spec, free, buildSimState(spec, free), model.stimulus, opts)), outputs(runState(spec, none, buildSimState(spec, none), model.stimulus, opts)), "reverse mode none");
  });
});
