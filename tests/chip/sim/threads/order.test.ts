/**
 * A neuron's input is a float64 sum, so a multi-threaded run equals one thread only if each part adds its
 * neurons' weights in the one-thread order (threads/segments.ts). The other thread tests cannot show that:
 * their weights are multiples of a power of two (bench_lif10k's, the demo's, the fused tests'), whose sums
 * are exact in any order. Here the weights are arbitrary float64 values, so another order changes some
 * input in its last bits, and with it, over a few hundred ticks, spikes and potentials (checked: parts that
 * take a tick's spikes in reverse order fail every build but float32's). Workers run the compiled engine:
 * an up-to-date dist/ is needed.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph, type PopulationIR, type ProjectionIR } from "../../../../compiler/ir/types.ts";
import { ResetMode, ThresholdOp, type ChipStimulus } from "../../../../chip/program/types.ts";
import { buildSimState, resetNeuronState, type BuildStateOptions } from "../../../../chip/sim/state.ts";
import { runState, type SimulateOptions } from "../../../../chip/sim/run.ts";
import { threadTeamFor } from "../../../../chip/sim/threads/team.ts";
import { createTimingModel } from "../../../../chip/timing/index.ts";
import { createRng } from "../../../../core/rng.ts";
import { genericWith } from "../../../helpers/specs.ts";
import { distIsFresh, distNote } from "../../../helpers/dist.ts";
import { expectSame, outputs } from "../../../helpers/sim-outputs.ts";

const DIST_OK = distIsFresh("chip/sim/threads/worker.js", ["chip", "core"]);
const NEEDS_DIST = distNote(DIST_OK);

/**
 * Inputs, a uniform LIF population and one with per-neuron parameters, connected with delays 1–6.
 * `palette`: weights drawn from 150 values (an 8-bit palette), else each its own value (16-bit palette or
 * direct weights); `float32`: rounded to float32 values (for the float32 weight layout; their float64 sums
 * are then mostly exact, so that build checks the layout rather than the order).
 */
function orderSensitiveGraph(seed: number, steps: number, palette: boolean, float32 = false): { graph: ModelGraph; stimulus: ChipStimulus } {
  const rng = createRng(seed);
  const size = 120;
  const values = Array.from({ length: 150 }, () => (rng.nextFloat() - 0.4) * 0.37);
  const weight = (scale: number): number => {
    const w = (palette ? values[rng.nextBelow(values.length)] : rng.nextFloat() - 0.4) * scale;
    return float32 ? Math.fround(w) : w;
  };
  const uni = uniformNeuronParams(size, { voltageDecay: 0.93, currentDecay: 0.3, vThreshold: 1, resetMode: ResetMode.zero, thresholdOp: ThresholdOp.ge, refractoryTicks: 2 });
  const varied = uniformNeuronParams(size, { voltageDecay: 0.9, vThreshold: 0.8, resetMode: ResetMode.subtract, thresholdOp: ThresholdOp.gt, refractoryTicks: 1 });
  for (let i = 0; i < size; i++) {
    varied.vThreshold[i] = 0.6 + 0.5 * rng.nextFloat();
    varied.bias[i] = (rng.nextFloat() - 0.4) * 0.03;
  }
  const populations: PopulationIR[] = [
    { name: "in", kind: "input", size: 60, shape: [60], spiking: true },
    { name: "uni", kind: "neuron", size, shape: [size], spiking: true, params: uni },
    { name: "var", kind: "neuron", size, shape: [size], spiking: true, params: varied },
  ];
  const projections: ProjectionIR[] = [];
  const connect = (pre: string, preSize: number, post: string, p: number, scale: number): void => {
    const pi: number[] = [], qi: number[] = [], w: number[] = [], d: number[] = [];
    for (let i = 0; i < preSize; i++) {
      for (let j = 0; j < size; j++) {
        if (rng.nextFloat() >= p) continue;
        pi.push(i); qi.push(j); w.push(weight(scale)); d.push(1 + rng.nextBelow(6));
      }
    }
    projections.push({ name: `${pre}_${post}`, pre, post, encoding: "sparse", preIndex: Uint32Array.from(pi), postIndex: Uint32Array.from(qi), weight: Float64Array.from(w), delayTicks: Uint16Array.from(d) });
  };
  for (const post of ["uni", "var"]) connect("in", 60, post, 0.25, 1.6);
  for (const pre of ["uni", "var"]) for (const post of ["uni", "var"]) connect(pre, size, post, 0.08, 0.8);
  const tick: number[] = [], neuron: number[] = [];
  for (let t = 0; t < steps; t++) for (let i = 0; i < 60; i++) if (rng.nextFloat() < 0.07) { tick.push(t); neuron.push(i); }
  return { graph: { name: "order-sensitive", defaultSteps: steps, populations, projections }, stimulus: { spikes: new Map([["in", { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) } };
}

describe.skipIf(!DIST_OK)(`multi-threaded runs of an order-sensitive network equal one thread bit for bit ${NEEDS_DIST}`, () => {
  const steps = 400;
  const builds: [string, boolean, BuildStateOptions][] = [
    ["8-bit palette, offset16", true, {}],
    ["16-bit palette, offset16, dense groups", false, { denseGroups: true }],
    ["16-bit palette, flat32", false, { layout: "flat32" }],
    ["float64 weights", false, { float64Weights: true }],
    ["float32 weights, flat32", false, { float32Weights: true, layout: "flat32" }],
  ];
  for (const [what, palette, build] of builds) {
    it(`${what}: 2 and 3 threads, two runs of a reused team, with \`simple\` timing`, () => {
      const { graph, stimulus } = orderSensitiveGraph(11, steps, palette, build.float32Weights === true);
      const spec = genericWith({ maxNeurons: 23 });
      const { program } = compileModel(graph, spec, { placement: "random", seed: 4 });
      const opts: SimulateOptions = { steps, timing: createTimingModel("simple"), recordVoltages: ["uni", "var"] };
      const one = outputs(runState(spec, program, buildSimState(spec, program, { ...build, kernels: "js" }), stimulus, opts));
      let spikes = 0;
      for (const [k, v] of one) if (k.endsWith(".tick") && !k.startsWith("spikes.in")) spikes += v.length;
      expect(spikes, "the network is active").toBeGreaterThan(2000);
      for (const threads of [2, 3]) {
        const st = buildSimState(spec, program, { ...build, shared: true });
        const team = threadTeamFor(spec, program, st, threads);
        try {
          for (let rep = 0; rep < 2; rep++) {
            resetNeuronState(st);
            const res = runState(spec, program, st, stimulus, { ...opts, team });
            expect(res.threads).toBe(threads);
            expectSame(one, outputs(res), `${what}, ${threads} threads, run ${rep}`);
          }
          expect(team.loopThreads, "every part runs the part kernel").toBe(threads);
        } finally {
          team.close();
        }
      }
    });
  }
});
