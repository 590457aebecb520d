/**
 * Many runs of different lengths on one state (as `aerchip evaluate` makes, one sample after another):
 * every run gives what a fresh state gives, and the state's WebAssembly memory stops growing once the
 * longest run and the most spikes have been seen. The arena never frees, so a scratch buffer reallocated
 * whenever the tick count changed (and its spike capacity doubled each time) exhausted the 4 GiB memory
 * after ~30 samples of varying length.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../../compiler/compile.ts";
import { buildSimState, resetNeuronState } from "../../../../chip/sim/state.ts";
import { runState } from "../../../../chip/sim/run.ts";
import type { ChipStimulus } from "../../../../chip/program/types.ts";
import { createRng } from "../../../../core/rng.ts";
import { genericWith } from "../../../helpers/specs.ts";
import { ringGraph } from "../../../helpers/graphs.ts";
import { expectSame, outputs } from "../../../helpers/sim-outputs.ts";

function randomStimulus(seed: number, T: number): ChipStimulus {
  const rng = createRng(seed);
  const tick: number[] = [];
  const neuron: number[] = [];
  for (let t = 0; t < T; t++) for (let i = 0; i < 4; i++) if (rng.nextFloat() < 0.3) { tick.push(t); neuron.push(i); }
  return { spikes: new Map([["in", { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) };
}

describe("runs of varying length on one state", () => {
  it("match fresh states, and allocate nothing once every length has been seen", () => {
    const spec = genericWith();
    const { graph } = ringGraph(300);
    const program = compileModel(graph, spec, {}).program;
    const st = buildSimState(spec, program);
    expect(st.wasm).toBeDefined();
    const lengths = [50, 80, 20, 120, 35, 90, 7];
    let usedAfterFirst = 0;
    for (let cycle = 0; cycle < 3; cycle++) {
      for (let i = 0; i < lengths.length; i++) {
        const T = lengths[i];
        const stimulus = randomStimulus(i, T);
        resetNeuronState(st);
        const res = runState(spec, program, st, stimulus, { steps: T });
        const fresh = runState(spec, program, buildSimState(spec, program), stimulus, { steps: T });
        expectSame(outputs(fresh), outputs(res), `cycle ${cycle}, ${T} ticks`);
      }
      if (cycle === 0) usedAfterFirst = st.wasm!.arena.usedBytes;
      else expect(st.wasm!.arena.usedBytes, `after cycle ${cycle}`).toBe(usedAfterFirst);
    }
  });
});
