/**
 * A membrane lower bound vMin (compartment neurons, reverseResetMode saturate: v ← max(v, vMin) after
 * threshold and reset) under threads: the demo E/I network with a bound on its excitatory population gives
 * bit-identical outputs (spikes, counters, potentials, packets) on 1, 2 and 3 threads, in float and fixed
 * point. The bound acts: no recorded potential is below it, where the unbounded run goes below it, and the
 * spikes differ. Workers run the compiled engine (dist/).
 */
import { describe, expect, it } from "vitest";
import { loadJsonModel } from "../../../../compiler/frontends/load-model.ts";
import { compileModel } from "../../../../compiler/compile.ts";
import type { ModelGraph } from "../../../../compiler/ir/types.ts";
import { ResetMode } from "../../../../chip/program/types.ts";
import { buildSimState } from "../../../../chip/sim/state.ts";
import { runState, type SimulateOptions } from "../../../../chip/sim/run.ts";
import { createTimingModel } from "../../../../chip/timing/index.ts";
import { AerPacketBuffer } from "../../../../core/aer.ts";
import { genericWith } from "../../../helpers/specs.ts";
import { distIsFresh, distNote } from "../../../helpers/dist.ts";
import { expectSame, outputs } from "../../../helpers/sim-outputs.ts";

const DIST_OK = distIsFresh("chip/sim/threads/worker.js", ["chip", "core"]);
const DEMO = "examples/demo/ei-small.net.json";

/** The graph with vMin on population `pop` (every neuron). */
function withBound(graph: ModelGraph, pop: string, vMin: number): ModelGraph {
  return {
    ...graph,
    populations: graph.populations.map((p) => p.name !== pop || p.params === undefined ? p : {
      ...p, params: { ...p.params, vReverseThreshold: new Float64Array(p.size).fill(vMin), reverseResetMode: new Uint8Array(p.size).fill(ResetMode.saturate) },
    }),
  };
}

function minOf(a: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] < m) m = a[i];
  return m;
}

describe.skipIf(!DIST_OK)(`membrane lower bound under threads ${distNote(DIST_OK)}`, () => {
  const model = loadJsonModel(DEMO);
  const spec = genericWith({ maxNeurons: 19 });
  const opts: SimulateOptions = { steps: 300, timing: createTimingModel("simple"), recordVoltages: ["E"] };
  const run = (graph: ModelGraph, precision: "float" | "fixed", threads: number) => {
    const { program } = compileModel(graph, spec, { placement: "random", seed: 3, precision });
    const trace = new AerPacketBuffer();
    const res = runState(spec, program, buildSimState(spec, program), model.stimulus, { ...opts, threads, tracePackets: trace });
    expect(res.threads).toBe(threads);
    return { res, out: outputs(res, trace), program };
  };

  for (const precision of ["float", "fixed"] as const) {
    it(`${precision}: bounded E population, 1 = 2 = 3 threads; the bound holds and changes the run`, () => {
      const free = run(model.graph, precision, 1);
      const freeMin = minOf(free.res.voltages.get("E")!);
      expect(freeMin, "the demo's E neurons go negative").toBeLessThan(0);
      // A bound a tenth of the way down to the unbounded run's lowest potential, a whole number so it is
      // exact at the fixed-point state scale too (recorded potentials are in model units in both precisions).
      const vMin = Math.round(freeMin / 10);
      expect(vMin).toBeLessThan(0);
      const bounded = withBound(model.graph, "E", vMin);
      const one = run(bounded, precision, 1);
      expect(minOf(one.res.voltages.get("E")!)).toBe(vMin);
      expect(Array.from(one.res.spikes.get("E")!.tick)).not.toEqual(Array.from(free.res.spikes.get("E")!.tick));
      for (const threads of [2, 3]) expectSame(one.out, run(bounded, precision, threads).out, `${precision}, ${threads} threads`);
    });
  }
});
