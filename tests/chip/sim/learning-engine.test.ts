/**
 * The general learning engine (chip/sim/learning.ts) on a compiled chip program, against the
 * one-synapse reference (named-rules.ts simulateSynapse) and hand-computed weight changes.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph, type ProjectionIR, type StimulusIR } from "../../../compiler/ir/types.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { ResetMode, type LearningRuleProgram } from "../../../chip/program/types.ts";
import { decodeProgram, encodeProgram } from "../../../chip/program/codec.ts";
import {
  diehlCook2015, diehlCook2015Code, pairStdp, rewardStdp, simulateSynapse, stllr, tripletStdp, type NamedRule,
} from "../../../chip/program/named-rules.ts";
import { learningProgramFromNamedRule } from "../../../chip/program/learning-program.ts";
import { CounterKind, COUNTER_COUNT } from "../../../chip/sim/counters.ts";
import { genericWith } from "../../helpers/specs.ts";

const T = 40;
/** Arrival ticks of the two pre neurons and the post spike ticks (each caused by a drive spike one tick before). */
const PRE: number[][] = [[3, 9, 17, 30], [5, 6, 22]];
const POST = [7, 10, 20, 21, 33];
const W0 = [0.2, 0.3];

function graph(learning: LearningRuleProgram, opts: { post?: number; theta?: { plus: number; decay: number }; reset?: ResetMode; voltageDecay?: number } = {}): { graph: ModelGraph; stimulus: StimulusIR } {
  const nPost = opts.post ?? 1;
  const params = uniformNeuronParams(nPost, { voltageDecay: opts.voltageDecay ?? 0, vThreshold: 1, resetMode: opts.reset ?? ResetMode.zero });
  const withTheta = opts.theta === undefined ? params : {
    ...params, thetaPlus: new Float64Array(nPost).fill(opts.theta.plus), thetaDecay: new Float64Array(nPost).fill(opts.theta.decay),
  };
  const plastic: ProjectionIR = {
    name: "pre_post", pre: "pre", post: "post", encoding: "dense",
    preIndex: Uint32Array.of(0, 1), postIndex: Uint32Array.of(0, 0), weight: Float64Array.from(W0), delayTicks: Uint16Array.of(1, 1), learning,
  };
  const drive: ProjectionIR = {
    name: "drive_post", pre: "drive", post: "post", encoding: "dense",
    preIndex: Uint32Array.of(0), postIndex: Uint32Array.of(0), weight: Float64Array.of(5), delayTicks: Uint16Array.of(1),
  };
  const ticks: number[] = [];
  const neurons: number[] = [];
  PRE.forEach((list, i) => list.forEach((t) => { ticks.push(t - 1); neurons.push(i); }));
  return {
    graph: {
      name: "learn", defaultSteps: T,
      populations: [
        { name: "pre", kind: "input", size: 2, shape: [2], spiking: true },
        { name: "drive", kind: "input", size: 1, shape: [1], spiking: true },
        { name: "post", kind: "neuron", size: nPost, shape: [nPost], spiking: true, params: withTheta },
      ],
      projections: [plastic, drive],
    },
    stimulus: {
      spikes: new Map([
        ["pre", { tick: Int32Array.from(ticks), neuron: Int32Array.from(neurons) }],
        ["drive", { tick: Int32Array.from(POST, (t) => t - 1), neuron: new Int32Array(POST.length) }],
      ]),
    },
  };
}

function runRule(rule: NamedRule, input?: { m?: (t: number) => number; g?: (t: number) => number }) {
  const lr = learningProgramFromNamedRule(rule);
  const { graph: g, stimulus } = graph(lr);
  const spec = genericWith();
  const { program } = compileModel(g, spec, {});
  return simulate(spec, program, stimulus, {
    steps: T,
    learningInput: (t, m, gr) => { m.fill(input?.m?.(t) ?? 0); gr.fill(input?.g?.(t) ?? 0); },
  });
}

function expectMatchesReference(rule: NamedRule, input?: { m?: (t: number) => number; g?: (t: number) => number }): void {
  const res = runRule(rule, input);
  expect(Array.from(res.spikes.get("post")!.tick)).toEqual(POST);
  const w = res.finalWeights.get("pre_post")!;
  for (let i = 0; i < 2; i++) {
    const ref = simulateSynapse(rule, {
      ticks: T, preTicks: PRE[i], postTicks: POST, w0: W0[i],
      thirdFactor: Array.from({ length: T }, (_, t) => input?.m?.(t) ?? 0),
      graded: Array.from({ length: T }, (_, t) => input?.g?.(t) ?? 0),
    });
    expect(ref.finalW).not.toBe(W0[i]); // the run must move the weight
    expect(w[i]).toBeCloseTo(ref.finalW, 12);
  }
}

describe("general learning engine vs the one-synapse reference (epoch = 1 tick, float)", () => {
  it("pair STDP, all-to-all additive", () => expectMatchesReference(pairStdp({ aPlus: 0.01, aMinus: 0.012, preTauTicks: 5, postTauTicks: 6 })));
  it("pair STDP, nearest", () => expectMatchesReference(pairStdp({ aPlus: 0.01, aMinus: 0.012, preTauTicks: 5, postTauTicks: 6, pairing: "nearest" })));
  it("pair STDP, soft bound", () => expectMatchesReference(pairStdp({ aPlus: 0.05, aMinus: 0.06, preTauTicks: 5, postTauTicks: 6, weightDependence: "soft-bound", wMin: 0, wMax: 0.5 })));
  it("triplet STDP", () => expectMatchesReference(tripletStdp({ aPlus2: 0.005, aPlus3: 0.006, aMinus2: 0.007, plusTauTicks: 5, minusTauTicks: 6, yTauTicks: 12 })));
  it("Diehl & Cook 2015, mu = 0 and mu = 1", () => {
    expectMatchesReference(diehlCook2015({ mu: 0, eta: 0.01 }));
    expectMatchesReference(diehlCook2015({ mu: 1, eta: 0.02 }));
  });
  it("Diehl & Cook released-code rule", () => expectMatchesReference(diehlCook2015Code({ nuPre: 0.001, nuPost: 0.02 })));
  it("reward-modulated STDP (eligibility in the tag, reward as the third factor)", () => {
    expectMatchesReference(rewardStdp({ aPlus: 0.01, aMinus: 0.012, preTauTicks: 5, postTauTicks: 6, eligibilityTauTicks: 10, eta: 0.5 }), { m: (t) => (t >= 15 ? 1 : -0.5) });
  });
  it("S-TLLR online, graded post traces and a learning signal from T_l", () => {
    expectMatchesReference(stllr({ lambdaPre: 0.75, lambdaPost: 0.2, alphaPre: 1, alphaPost: -1, learnFromTick: 12, learningRate: 0.05 }), {
      m: (t) => Math.sin(t / 3), g: (t) => 0.5 + 0.4 * Math.cos(t),
    });
  });
});

describe("graded traces driven by the neuron's own potential (SimulateOptions.gradedPsi)", () => {
  const rule = stllr({ lambdaPre: 0.75, lambdaPost: 0.2, alphaPre: 1, alphaPost: -1, learnFromTick: 12, learningRate: 0.05, psi: "triangle" });
  const setup = (reset: ResetMode) => {
    const { graph: g, stimulus } = graph(learningProgramFromNamedRule(rule), { reset, voltageDecay: 0.5 });
    const spec = genericWith();
    return { spec, program: compileModel(g, spec, {}).program, stimulus };
  };

  it("S-TLLR with Ψ(u[t]) from the engine equals the reference fed Ψ of the recorded pre-reset potential", () => {
    const { spec, program, stimulus } = setup(ResetMode.subtract);
    const m = Float64Array.from({ length: T }, (_, t) => Math.sin(t / 3));
    const res = simulate(spec, program, stimulus, { steps: T, gradedPsi: "triangle", thirdFactor: [{ population: null, values: m }], recordVoltages: ["post"] });
    const post = Array.from(res.spikes.get("post")!.tick);
    expect(post.length).toBeGreaterThan(3);
    // u[t]: the potential after the update, before the reset (v + θ where the neuron fired; θ = 1).
    const v = res.voltages.get("post")!;
    const u = Array.from({ length: T }, (_, t) => v[t] + (post.includes(t) ? 1 : 0));
    expect(new Set(u.map((x) => x.toFixed(6))).size).toBeGreaterThan(5);
    const psi = (x: number) => 0.3 * Math.max(1 - Math.abs(x - 1), 0);
    const w = res.finalWeights.get("pre_post")!;
    for (let i = 0; i < 2; i++) {
      const ref = simulateSynapse(rule, { ticks: T, preTicks: PRE[i], postTicks: post, w0: W0[i], thirdFactor: Array.from(m), graded: u.map(psi) });
      expect(ref.finalW).not.toBe(W0[i]);
      expect(w[i]).toBeCloseTo(ref.finalW, 12);
    }
  });

  it("refuses a spiking neuron that resets to a value (its pre-reset potential is lost), and programs without graded traces", () => {
    const { spec, program, stimulus } = setup(ResetMode.zero);
    expect(() => simulate(spec, program, stimulus, { steps: T, gradedPsi: "triangle" })).toThrow(expect.objectContaining({ code: "E_SIM_OPTIONS" }));
    const pair = graph(learningProgramFromNamedRule(pairStdp({ aPlus: 0.01, aMinus: 0.01, preTauTicks: 5, postTauTicks: 5 })), { reset: ResetMode.subtract });
    const p2 = compileModel(pair.graph, genericWith(), {}).program;
    expect(() => simulate(genericWith(), p2, pair.stimulus, { steps: T, gradedPsi: "triangle" })).toThrow(expect.objectContaining({ code: "E_SIM_OPTIONS" }));
  });
});

describe("general learning engine: hand-computed changes, precision, epochs, costs", () => {
  it("pair STDP matches the hand-computed first pairing", () => {
    // One pre arrival at tick 3 (x = 1), post at 7: Δw = A+·d_pre^4 at tick 7; before that, nothing changes.
    const rule = pairStdp({ aPlus: 0.01, aMinus: 0, preDecay: 0.5, postDecay: 0.5 });
    const lr = learningProgramFromNamedRule(rule);
    const { graph: g, stimulus } = graph(lr);
    const spec = genericWith();
    const { program } = compileModel(g, spec, {});
    const res = simulate(spec, program, stimulus, { steps: 8 });
    expect(res.finalWeights.get("pre_post")![0]).toBeCloseTo(0.2 + 0.01 * 0.5 ** 4, 15);
    // neuron 1: arrivals at 5 and 6, post at 7 → x = 0.5^2 + 0.5.
    expect(res.finalWeights.get("pre_post")![1]).toBeCloseTo(0.3 + 0.01 * (0.25 + 0.5), 15);
  });

  it("weight bits: weights stay on the grid, stochastic rounding is seeded and reproducible", () => {
    const rule = pairStdp({ aPlus: 0.013, aMinus: 0.011, preTauTicks: 5, postTauTicks: 6, wMin: 0, wMax: 1 });
    const run = (seed: number) => {
      const lr = learningProgramFromNamedRule(rule, { weightBits: 4, rounding: "stochastic", seed });
      const { graph: g, stimulus } = graph(lr);
      const spec = genericWith();
      const { program } = compileModel(g, spec, {});
      return simulate(spec, program, stimulus, { steps: T }).finalWeights.get("pre_post")!;
    };
    const a = run(7);
    const b = run(7);
    expect(Array.from(a)).toEqual(Array.from(b));
    for (const w of a) expect(Math.abs(w * 15 - Math.round(w * 15))).toBeLessThan(1e-9);
    // Different seeds give different rounding somewhere over a few seeds.
    const seeds = [1, 2, 3, 4, 5].map((s) => Array.from(run(s)).join(","));
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it("nearest rounding at 4 bits: sub-LSB updates never move the weight", () => {
    const rule = pairStdp({ aPlus: 0.001, aMinus: 0.001, preTauTicks: 5, postTauTicks: 6, wMin: 0, wMax: 1 });
    const lr = learningProgramFromNamedRule(rule, { weightBits: 4, rounding: "nearest" });
    const { graph: g, stimulus } = graph(lr);
    const spec = genericWith();
    const { program } = compileModel(g, spec, {});
    const w = simulate(spec, program, stimulus, { steps: T }).finalWeights.get("pre_post")!;
    expect(Array.from(w)).toEqual(W0.map((x) => Math.round(x * 15) / 15));
  });

  it("epoch of 4 ticks: one evaluation per epoch with epoch-end traces", () => {
    // dw = A+·x1·y0 only; pre arrives at 3 (x=1), post at 7 → epoch [4,7] sees y0 with x1 = d^4 at tick 7.
    const rule = pairStdp({ aPlus: 0.01, aMinus: 0, preDecay: 0.5, postDecay: 0.5 });
    const lr = learningProgramFromNamedRule(rule, { epochTicks: 4 });
    const { graph: g, stimulus } = graph(lr);
    const spec = genericWith();
    const { program } = compileModel(g, spec, {});
    const res = simulate(spec, program, stimulus, { steps: 8 });
    expect(res.finalWeights.get("pre_post")![0]).toBeCloseTo(0.2 + 0.01 * 0.5 ** 4, 15);
    // neuron 1: arrivals 5, 6 in the same epoch; x1 at tick 7 = 0.5^2 + 0.5.
    expect(res.finalWeights.get("pre_post")![1]).toBeCloseTo(0.3 + 0.01 * 0.75, 15);
    // Two plastic synapses, one evaluation each in epoch 1 (post spiked); epoch 0 had a pre arrival for synapse 0 only.
    let upd = 0;
    for (let c = 0; c < res.state.coreCount; c++) upd += res.counters.perCore[c * COUNTER_COUNT + CounterKind.synUpdates];
    expect(upd).toBe(3);
  });

  it("counts synaptic updates, rule evaluations and trace updates", () => {
    const res = runRule(pairStdp({ aPlus: 0.01, aMinus: 0.012, preTauTicks: 5, postTauTicks: 6 }));
    const tot = (k: number) => { let s = 0; for (let c = 0; c < res.state.coreCount; c++) s += res.counters.perCore[c * COUNTER_COUNT + k]; return s; };
    // x0 products at 7 pre arrivals + y0 products at 5 post spikes × 2 synapses.
    expect(tot(CounterKind.synUpdates)).toBe(7 + 5 * 2);
    expect(tot(CounterKind.learnRuleEvaluations)).toBe(7 + 5 * 2);
    expect(tot(CounterKind.learnTraceUpdates)).toBeGreaterThan(7 + 5);
    // Float traces are float64: two pre traces (one per pre neuron) and one post trace.
    expect(res.learning!.traceMemoryBits).toBe(3 * 64);
  });

  it("a u<k> product is evaluated and billed only in the epochs where it is active (audit s24b #1)", () => {
    // dw = −2^-6·u<k>, epoch = 1 tick, T = 8: u2 is active at ticks 0 and 4, u1 at 0, 2, 4, 6; x0/y0 never gate.
    const base = learningProgramFromNamedRule(pairStdp({ aPlus: 0.01, aMinus: 0.01, preTauTicks: 5, postTauTicks: 5 }));
    for (const [k, active] of [[0, 8], [1, 4], [2, 2], [3, 1]] as const) {
      const lr: LearningRuleProgram = { ...base, ruleTexts: [`dw = -2^-6*u${k}`] };
      const { graph: g, stimulus } = graph(lr);
      const spec = genericWith();
      const res = simulate(spec, compileModel(g, spec, {}).program, stimulus, { steps: 8 });
      const tot = (kind: number) => { let s = 0; for (let c = 0; c < res.state.coreCount; c++) s += res.counters.perCore[c * COUNTER_COUNT + kind]; return s; };
      expect(Array.from(res.finalWeights.get("pre_post")!)).toEqual(W0.map((w) => w - active / 64));
      // Two plastic synapses, one update and one equation each per active epoch.
      expect(tot(CounterKind.synUpdates)).toBe(2 * active);
      expect(tot(CounterKind.learnRuleEvaluations)).toBe(2 * active);
    }
  });

  it("a zero-scale product is not programmed: rule text and named rule bill the same (audit s24b #10)", () => {
    const named = learningProgramFromNamedRule(pairStdp({ aPlus: 0.01, aMinus: 0, preTauTicks: 5, postTauTicks: 6 }));
    expect(named.ruleTexts).toEqual(["dw = 0.01*x1*y0"]);
    const spec = genericWith();
    const run = (lr: LearningRuleProgram) => {
      const { graph: g, stimulus } = graph(lr);
      const res = simulate(spec, compileModel(g, spec, {}).program, stimulus, { steps: T });
      const tot = (kind: number) => { let s = 0; for (let c = 0; c < res.state.coreCount; c++) s += res.counters.perCore[c * COUNTER_COUNT + kind]; return s; };
      return { w: Array.from(res.finalWeights.get("pre_post")!), upd: tot(CounterKind.synUpdates), ev: tot(CounterKind.learnRuleEvaluations) };
    };
    const a = run(named);
    const b = run({ ...named, ruleTexts: ["dw = 0.01*x1*y0 - 0*y1*x0"] });
    expect(b).toEqual(a);
    // y0 products only: 5 post spikes × 2 synapses (the 7 pre arrivals evaluate nothing).
    expect(a.upd).toBe(5 * 2);
    // Every scale 0: nothing is programmed, so nothing is evaluated or billed, and no weight moves.
    const z = run({ ...named, ruleTexts: ["dw = 0*x1*y0 - 0*y1*x0"] });
    expect(z).toEqual({ w: W0, upd: 0, ev: 0 });
    // An equation left empty is not evaluated: the dt equation below costs no evaluation.
    const dt = run({ ...named, ruleTexts: ["dw = 0.01*x1*y0", "dt = 0*x1*y0"] });
    expect(dt).toEqual(a);
  });

  it("trace memory uses the trace width; 7-bit traces saturate at 127 LSB", () => {
    const rule = pairStdp({ aPlus: 0.01, aMinus: 0.012, preTauTicks: 5, postTauTicks: 6, wMin: 0, wMax: 1 });
    const lr = learningProgramFromNamedRule(rule, { traceBits: 7, rounding: "nearest" });
    const { graph: g, stimulus } = graph(lr);
    const spec = genericWith();
    const res = simulate(spec, compileModel(g, spec, {}).program, stimulus, { steps: T });
    expect(res.learning!.traceMemoryBits).toBe(3 * 7);
    // add-mode LSB = impulse/2^(7−3) = 1/16: every trace value is a multiple of 1/16.
    for (const v of res.learning!.x) expect(v * 16).toBe(Math.round(v * 16));
  });

  it("adaptive threshold: θ rises by θ+ per spike, so a constant drive fires less often", () => {
    const lr = learningProgramFromNamedRule(pairStdp({ aPlus: 0, aMinus: 0, preTauTicks: 5, postTauTicks: 5 }));
    const spec = genericWith();
    const base = graph(lr);
    const adapt = graph(lr, { theta: { plus: 2, decay: 1 } });
    const r0 = simulate(spec, compileModel(base.graph, spec, {}).program, base.stimulus, { steps: T });
    const r1 = simulate(spec, compileModel(adapt.graph, spec, {}).program, adapt.stimulus, { steps: T });
    expect(r0.spikes.get("post")!.tick.length).toBe(5);
    // Drive 5 (no pre arrival at 7, 10, 20, 21, 33) against threshold 1 + θ (v ≥ th), θ += 2 per spike:
    // 7 (θ 0 → 2), 10 (θ → 4), 20 (5 ≥ 5, θ → 6), then 5 < 7.
    expect(Array.from(r1.spikes.get("post")!.tick)).toEqual([7, 10, 20]);
    expect(r1.state.theta![r1.state.neuronCount - 1]).toBe(2 * r1.spikes.get("post")!.tick.length);
  });

  it("the rule and thresholds survive the program codec", () => {
    const lr = learningProgramFromNamedRule(diehlCook2015Code(), { weightBits: 6, traceBits: 7, rounding: "stochastic", seed: 9, epochTicks: 2 });
    const { graph: g } = graph(lr, { theta: { plus: 0.05, decay: 0.999 } });
    const { program } = compileModel(g, genericWith(), {});
    const back = decodeProgram(encodeProgram(program));
    expect(back.projections[0].learning).toEqual(program.projections[0].learning);
    const core = back.cores.find((c) => c.neurons.thetaPlus !== undefined)!;
    expect(Array.from(core.neurons.thetaPlus!)).toContain(0.05);
    expect(Array.from(core.neurons.thetaDecay!)).toContain(0.999);
  });

  it("the codec refuses an epoch that is not a power of two; learningEnabled false freezes the weights", () => {
    const lr = { ...learningProgramFromNamedRule(pairStdp({ aPlus: 0.01, aMinus: 0.01, preTauTicks: 5, postTauTicks: 5 })), epochTicks: 3 };
    const { graph: g, stimulus } = graph(lr);
    const spec = genericWith();
    const { program } = compileModel(g, spec, {});
    expect(() => encodeProgram(program)).toThrow(expect.objectContaining({ code: "E_PROGRAM_RANGE" }));
    const ok = compileModel(graph(learningProgramFromNamedRule(pairStdp({ aPlus: 0.01, aMinus: 0.01, preTauTicks: 5, postTauTicks: 5 }))).graph, spec, {}).program;
    const frozen = simulate(spec, ok, stimulus, { steps: T, learningEnabled: false });
    expect(Array.from(frozen.finalWeights.get("pre_post")!)).toEqual(W0);
    expect(frozen.learning).toBeUndefined();
  });

  it("a rule text error names the projection field and the term", () => {
    const lr: LearningRuleProgram = { ...learningProgramFromNamedRule(pairStdp({ aPlus: 0.01, aMinus: 0.01, preTauTicks: 5, postTauTicks: 5 })), ruleTexts: ["dw = 2^-4*x1*y0 - 2^-5*y1*q7"] };
    const { graph: g, stimulus } = graph(lr);
    const spec = genericWith();
    const { program } = compileModel(g, spec, {});
    expect(() => simulate(spec, program, stimulus, { steps: 5 })).toThrow(/q7/);
  });
});
