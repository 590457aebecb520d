/**
 * The learning engine counts the updates that changed a stored weight (LearningEngine.weightChanges)
 * apart from the updates it evaluates and bills (synUpdates), and notes whether a rule that reads the
 * third factor m ever saw m ≠ 0 on a learning tick (thirdFactorSeen). Both paths are covered: the
 * generated kernels (one rule on every synapse) and applyUpdate (the interpreter, tags at the run's end).
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph, type StimulusIR } from "../../../compiler/ir/types.ts";
import { simulate, type SimResult } from "../../../chip/sim/run.ts";
import { ResetMode, type LearningRuleProgram } from "../../../chip/program/types.ts";
import { pairStdp, stllr, type NamedRule } from "../../../chip/program/named-rules.ts";
import { learningProgramFromNamedRule } from "../../../chip/program/learning-program.ts";
import { CounterKind, COUNTER_COUNT } from "../../../chip/sim/counters.ts";
import { genericWith } from "../../helpers/specs.ts";

const T = 40;
/** Arrival ticks of the two pre neurons; post spikes at POST (each forced by a drive spike one tick before). */
const PRE: number[][] = [[3, 9, 17, 30], [5, 6, 22]];
const POST = [7, 10, 20, 21, 33];

function graph(learning: LearningRuleProgram): { graph: ModelGraph; stimulus: StimulusIR } {
  const ticks: number[] = [];
  const neurons: number[] = [];
  PRE.forEach((list, i) => list.forEach((t) => { ticks.push(t - 1); neurons.push(i); }));
  return {
    graph: {
      name: "learn", defaultSteps: T,
      populations: [
        { name: "pre", kind: "input", size: 2, shape: [2], spiking: true },
        { name: "drive", kind: "input", size: 1, shape: [1], spiking: true },
        { name: "post", kind: "neuron", size: 1, shape: [1], spiking: true, params: uniformNeuronParams(1, { voltageDecay: 0, vThreshold: 1, resetMode: ResetMode.zero }) },
      ],
      projections: [
        { name: "pre_post", pre: "pre", post: "post", encoding: "dense", preIndex: Uint32Array.of(0, 1), postIndex: Uint32Array.of(0, 0), weight: Float64Array.of(0.2, 0.3), delayTicks: Uint16Array.of(1, 1), learning },
        { name: "drive_post", pre: "drive", post: "post", encoding: "dense", preIndex: Uint32Array.of(0), postIndex: Uint32Array.of(0), weight: Float64Array.of(5), delayTicks: Uint16Array.of(1) },
      ],
    },
    stimulus: {
      spikes: new Map([
        ["pre", { tick: Int32Array.from(ticks), neuron: Int32Array.from(neurons) }],
        ["drive", { tick: Int32Array.from(POST, (t) => t - 1), neuron: new Int32Array(POST.length) }],
      ]),
    },
  };
}

function run(rule: NamedRule, options: Parameters<typeof learningProgramFromNamedRule>[1] = {}, m?: (t: number) => number, g?: (t: number) => number): SimResult {
  const { graph: gr, stimulus } = graph(learningProgramFromNamedRule(rule, options));
  const spec = genericWith();
  const { program } = compileModel(gr, spec, {});
  return simulate(spec, program, stimulus, {
    steps: T,
    ...(m === undefined && g === undefined ? {} : { learningInput: (t: number, mm: Float64Array, gg: Float64Array) => { mm.fill(m?.(t) ?? 0); gg.fill(g?.(t) ?? 0); } }),
  });
}

function synUpdates(res: SimResult): number {
  let s = 0;
  for (let c = 0; c < res.state.coreCount; c++) s += res.counters.perCore[c * COUNTER_COUNT + CounterKind.synUpdates];
  return s;
}

describe("learning engine: updates that changed a weight vs updates billed", () => {
  it("pair STDP: 17 updates, 14 changed a weight (the 3 depressions before the first post spike read y1 = 0)", () => {
    // x0 phase at the 7 pre arrivals: Δw = −A−·y1; y1 = 0 until the post spike at 7, so the arrivals at
    // 3 (synapse 0), 5 and 6 (synapse 1) write dw = 0; those at 9, 17, 30 and 22 change the weight (4).
    // y0 phase at the 5 post spikes × 2 synapses: Δw = A+·x1 with x1 > 0 for both from tick 7 on (10).
    const res = run(pairStdp({ aPlus: 0.01, aMinus: 0.012, preTauTicks: 5, postTauTicks: 6 }));
    expect(synUpdates(res)).toBe(7 + 5 * 2);
    expect(Array.from(res.learning!.weightChanges)).toEqual([4 + 10]);
    expect(res.learning!.readsThirdFactor[0]).toBe(0);
  });

  it("nearest rounding at 4 bits: every sub-LSB update is billed but none changes a weight", () => {
    const res = run(pairStdp({ aPlus: 0.001, aMinus: 0.001, preTauTicks: 5, postTauTicks: 6, wMin: 0, wMax: 1 }), { weightBits: 4, rounding: "nearest" });
    expect(synUpdates(res)).toBe(17);
    expect(Array.from(res.learning!.weightChanges)).toEqual([0]);
  });

  it("S-TLLR without a learning signal: updates billed, no weight changed, the third factor marked as never seen", () => {
    const rule = stllr({ lambdaPre: 0.75, lambdaPost: 0.2, alphaPre: 1, alphaPost: -1, learnFromTick: 12, learningRate: 0.05 });
    const none = run(rule);
    expect(synUpdates(none)).toBeGreaterThan(0);
    expect([none.learning!.weightChanges[0], none.learning!.readsThirdFactor[0], none.learning!.thirdFactorSeen[0]]).toEqual([0, 1, 0]);
    // m ≠ 0 only before T_l (tick 12) is not a learning signal either: the engine reads m as 0 there.
    const early = run(rule, {}, (t) => (t < 12 ? 1 : 0), () => 0.5);
    expect([early.learning!.weightChanges[0], early.learning!.thirdFactorSeen[0]]).toEqual([0, 0]);
    // With a signal from T_l on the weights move and the rule is marked.
    const sig = run(rule, {}, (t) => Math.sin(t / 3), (t) => 0.5 + 0.4 * Math.cos(t));
    expect(sig.learning!.thirdFactorSeen[0]).toBe(1);
    expect(sig.learning!.weightChanges[0]).toBeGreaterThan(0);
    expect(sig.learning!.weightChanges[0]).toBeLessThanOrEqual(synUpdates(sig));
    // The billed updates do not depend on the signal (the engine evaluates the rule either way).
    expect(synUpdates(sig)).toBe(synUpdates(none));
  });

  it("S-TLLR accumulate mode: the tag applied at the run's end is counted as the weight change it makes", () => {
    const rule = stllr({ lambdaPre: 0.75, lambdaPost: 0.2, alphaPre: 1, alphaPost: -1, learnFromTick: 0, learningRate: 0.05, mode: "accumulate" });
    const sig = run(rule, {}, () => 1, () => 0.5);
    // Updates during the run write the tag only; at the end each of the 2 synapses takes its tag once.
    expect(Array.from(sig.learning!.weightChanges)).toEqual([2]);
    expect(Array.from(sig.finalWeights.get("pre_post")!)).not.toEqual([0.2, 0.3]);
    expect(Array.from(run(rule).learning!.weightChanges)).toEqual([0]);
  });
});
