/**
 * Named rules against hand-computed weight changes on short spike trains. Decays are powers of two
 * so every step of the arithmetic below is exact in float64. Engine order per tick (named-rules.ts):
 * decay → pre arrival (x0 products, then x jumps) → post spike (y0 products, then y jumps; graded
 * traces add g[t]) → u products.
 */
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../../core/diagnostics.ts";
import { formatRule, parseRule } from "../../../chip/program/learning-rule.ts";
import {
  Expressibility, STLLR_FACTORS, STLLR_PSI,
  diehlCook2015, diehlCook2015Code, pairStdp, pairStdpFromProgram, rewardStdp, simulateSynapse, stllr, stllrWeightChange, tripletStdp,
} from "../../../chip/program/named-rules.ts";

describe("pair STDP", () => {
  const base = { aPlus: 0.5, aMinus: 0.25, preDecay: 0.5, postDecay: 0.5 } as const;

  it("writes the Loihi pair rule and its traces", () => {
    const r = pairStdp(base);
    expect(r.ruleTexts).toEqual(["dw = 2^-1*x1*y0 - 2^-2*y1*x0"]);
    expect(r.traces.map((t) => [t.trace, t.decay, t.mode, t.bits])).toEqual([["x1", 0.5, "add", 7], ["y1", 0.5, "add", 7]]);
    expect(r.expressibility).toBe(Expressibility.loihi);
    expect(r.preTraceBitsPerAxon).toBe(7);
    expect(r.postTraceBitsPerNeuron).toBe(7);
  });

  it("all-to-all additive: pre 0, post 1, pre 3", () => {
    // t0: pre: Δw = −0.25·y(0) = 0; x = 1.
    // t1: x = 0.5; post: Δw = 0.5·0.5 = 0.25 → w = 1.25; y = 1.
    // t2: x = 0.25, y = 0.5.  t3: x = 0.125, y = 0.25; pre: Δw = −0.25·0.25 = −0.0625 → w = 1.1875; x = 1.125.
    const run = simulateSynapse(pairStdp(base), { ticks: 4, preTicks: [0, 3], postTicks: [1], w0: 1 });
    expect(Array.from(run.w)).toEqual([1, 1.25, 1.25, 1.1875]);
    expect(Array.from(run.traces.x1 ?? [])).toEqual([1, 0.5, 0.25, 1.125]);
    expect(Array.from(run.traces.y1 ?? [])).toEqual([0, 1, 0.5, 0.25]);
  });

  it("clips to [wMin, wMax] after each update", () => {
    // Same train with wMax = 1.2: t1 → min(1.25, 1.2) = 1.2; t3 → 1.2 − 0.0625 = 1.1375.
    const run = simulateSynapse(pairStdp({ ...base, wMin: 0, wMax: 1.2 }), { ticks: 4, preTicks: [0, 3], postTicks: [1], w0: 1 });
    expect(run.finalW).toBe(1.1375);
  });

  it("nearest vs all-to-all: pre 0 and 1, post 2", () => {
    // all-to-all: x(t1) = 0.5 + 1 = 1.5, x(t2) = 0.75 → Δw = 0.5·0.75 = 0.375.
    // nearest:    x(t1) = 1 (set),      x(t2) = 0.5  → Δw = 0.5·0.5  = 0.25.
    const train = { ticks: 3, preTicks: [0, 1], postTicks: [2], w0: 0 };
    expect(simulateSynapse(pairStdp(base), train).finalW).toBe(0.375);
    expect(simulateSynapse(pairStdp({ ...base, pairing: "nearest" }), train).finalW).toBe(0.25);
  });

  it("a same-tick pre and post pair is causal (snnref-1 §2)", () => {
    // t0: pre: Δw = −0.25·y = 0 (no earlier post); x = 1; post: Δw = 0.5·1 = 0.5.
    expect(simulateSynapse(pairStdp(base), { ticks: 1, preTicks: [0], postTicks: [0], w0: 0 }).finalW).toBe(0.5);
  });

  it("soft-bound: Δw+ = A+·x·(wMax − w), Δw− = −A−·y·(w − wMin)", () => {
    const r = pairStdp({ aPlus: 0.5, aMinus: 0.5, preDecay: 0.5, postDecay: 0.5, weightDependence: "soft-bound", wMin: 0, wMax: 1 });
    expect(formatRule(r.rules[0])).toBe("dw = -2^-1*x1*(w - 1)*y0 - 2^-1*y1*w*x0");
    // t0: pre: y = 0 → 0; x = 1.  t1: x = 0.5; post: Δw = 0.5·0.5·(1 − 0.5) = 0.125 → 0.625; y = 1.
    // t2: y = 0.5; pre: Δw = −0.5·0.5·(0.625 − 0) = −0.15625 → 0.46875.
    const run = simulateSynapse(r, { ticks: 3, preTicks: [0, 2], postTicks: [1], w0: 0.5 });
    expect(Array.from(run.w)).toEqual([0.5, 0.625, 0.46875]);
  });

  it("soft-bound with wMin ≠ 0 puts the constant in the factor", () => {
    const r = pairStdp({ aPlus: 1, aMinus: 1, preDecay: 0.5, postDecay: 0.5, weightDependence: "soft-bound", wMin: -1, wMax: 2 });
    expect(r.ruleTexts[0]).toBe("dw = x1*(2 - w)*y0 - y1*(w + 1)*x0");
  });

  it("converts a ChipProgram PairStdpProgram", () => {
    const r = pairStdpFromProgram({ rule: "pair", nearest: true, aPlus: 0.01, aMinus: 0.012, decayPre: 0.95, decayPost: 0.9, wMin: 0, wMax: 1 });
    expect(r.ruleTexts[0]).toBe("dw = 0.01*x1*y0 - 0.012*y1*x0");
    expect(r.traces.map((t) => [t.decay, t.mode])).toEqual([[0.95, "set"], [0.9, "set"]]);
  });

  it("rejects bad parameters with E_RULE_PARAM", () => {
    const code = (f: () => unknown): string => {
      try { f(); } catch (e) { return (e as AerchipError).code; }
      return "none";
    };
    expect(code(() => pairStdp({ ...base, aPlus: -1 }))).toBe("E_RULE_PARAM");
    expect(code(() => pairStdp({ ...base, preDecay: 1.5 }))).toBe("E_RULE_PARAM");
    expect(code(() => pairStdp({ aPlus: 1, aMinus: 1 }))).toBe("E_RULE_PARAM");
    expect(code(() => pairStdp({ ...base, weightDependence: "soft-bound" }))).toBe("E_RULE_PARAM");
    expect(code(() => pairStdp({ ...base, wMin: 2, wMax: 1 }))).toBe("E_RULE_PARAM");
    expect(code(() => simulateSynapse(pairStdp(base), { ticks: 2, preTicks: [2], postTicks: [], w0: 0 }))).toBe("E_RULE_PARAM");
  });

  it("takes time constants in ticks: decay = exp(−1/τ)", () => {
    const r = pairStdp({ aPlus: 1, aMinus: 1, preTauTicks: 20, postTauTicks: 10 });
    expect(r.traces[0].decay).toBe(Math.exp(-1 / 20));
    expect(r.traces[1].decay).toBe(Math.exp(-1 / 10));
  });
});

describe("triplet STDP (minimal)", () => {
  it("post 0, pre 1, post 2, post 3", () => {
    const r = tripletStdp({ aPlus2: 0.5, aPlus3: 0.25, aMinus2: 0.125, plusDecay: 0.5, minusDecay: 0.5, yDecay: 0.75 });
    expect(r.ruleTexts).toEqual(["dw = 2^-1*x1*y0 + 2^-2*x1*y2*y0 - 2^-3*y1*x0"]);
    // t0: post: Δw = x(0)·(…) = 0; o1 = 1, o2 = 1.
    // t1: o1 = 0.5, o2 = 0.75; pre: Δw = −0.125·0.5 = −0.0625; r1 = 1.
    // t2: r1 = 0.5, o1 = 0.25, o2 = 0.5625; post: Δw = 0.5·(0.5 + 0.25·0.5625) = 0.3203125; o1 = 1.25, o2 = 1.5625.
    // t3: r1 = 0.25, o1 = 0.625, o2 = 1.171875; post: Δw = 0.25·(0.5 + 0.25·1.171875) = 0.1982421875.
    // Σ = −0.0625 + 0.3203125 + 0.1982421875 = 0.4560546875.
    const run = simulateSynapse(r, { ticks: 4, preTicks: [1], postTicks: [0, 2, 3], w0: 0 });
    expect(Array.from(run.w)).toEqual([0, -0.0625, 0.2578125, 0.4560546875]);
  });
});

describe("Diehl & Cook 2015", () => {
  const train = { ticks: 4, preTicks: [0], postTicks: [1, 3], w0: 0.75 };
  const common = { eta: 0.5, xTar: 0.25, preDecay: 0.5, wMax: 1 } as const;

  it("μ = 0.5 is a power factor: Δw = η(x − x_tar)(wMax − w)^μ at post spikes", () => {
    const r = diehlCook2015({ ...common, mu: 0.5 });
    expect(r.expressibility).toBe(Expressibility.weightPower);
    expect(r.ruleTexts).toEqual(["dw = 2^-1*(x1 - 0.25)*(1 - w)^0.5*y0"]);
    // t0: pre: x = 1.  t1: x = 0.5; post: Δw = 0.5·(0.5 − 0.25)·√(1 − 0.75) = 0.5·0.25·0.5 = 0.0625 → 0.8125.
    // t3: x = 0.125; post: Δw = 0.5·(0.125 − 0.25)·√(1 − 0.8125) = −0.0625·√0.1875 = −0.0270632938682637.
    const run = simulateSynapse(r, train);
    expect(run.w[1]).toBe(0.8125);
    expect(run.finalW).toBeCloseTo(0.8125 - 0.0625 * Math.sqrt(0.1875), 14);
    expect(run.finalW).toBeCloseTo(0.7854367061317363, 14);
  });

  it("μ = 1 and μ = 0 are sums of products", () => {
    const r1 = diehlCook2015({ ...common, mu: 1 });
    expect(r1.ruleTexts).toEqual(["dw = 2^-1*(x1 - 0.25)*(1 - w)*y0"]);
    // μ = 1: t1: Δw = 0.5·0.25·0.25 = 0.03125 → 0.78125; t3: Δw = 0.5·(−0.125)·(1 − 0.78125) = −0.013671875 → 0.767578125.
    expect(simulateSynapse(r1, train).finalW).toBe(0.767578125);
    const r0 = diehlCook2015({ ...common, mu: 0 });
    // μ = 0: t1: +0.125 → 0.875; t3: 0.5·(−0.125) = −0.0625 → 0.8125.
    expect(simulateSynapse(r0, train).finalW).toBe(0.8125);
    expect(r0.expressibility).toBe(Expressibility.loihi);
  });

  it("defaults: x_tar 0.4, μ 0.2, τ_pre 20 ticks, bounds [0, 1]", () => {
    const r = diehlCook2015();
    expect(r.parameters).toMatchObject({ eta: 0.01, xTar: 0.4, mu: 0.2, wMin: 0, wMax: 1 });
    expect(r.traces[0].decay).toBe(Math.exp(-1 / 20));
  });

  it("the released code's rule: set-to-1 traces, post2 read before its reset", () => {
    const r = diehlCook2015Code({ nuPre: 0.25, nuPost: 0.5 });
    expect(r.ruleTexts).toEqual(["dw = 2^-1*x1*y2*y0 - 2^-2*y1*x0"]);
    // Override the decays to powers of two for exact arithmetic: x 0.5, post1 0.5, post2 0.75.
    const exact = { ...r, traces: r.traces.map((t) => ({ ...t, decay: t.trace === "y2" ? 0.75 : 0.5 })) };
    // t0: post: Δw = 0.5·x(0)·… = 0; post1 = 1, post2 = 1.
    // t1: post1 0.5, post2 0.75; pre: Δw = −0.25·0.5 = −0.125 → 0.375; x = 1.
    // t2: x 0.5, post1 0.25, post2 0.5625; post: Δw = 0.5·0.5·0.5625 = 0.140625 → 0.515625; post1 = post2 = 1.
    // t3: post1 0.5, post2 0.75, x 0.25; pre: Δw = −0.25·0.5 = −0.125 → 0.390625; x = 1 (set).
    // t4: x 0.5, post2 0.5625; post: Δw = 0.5·0.5·0.5625 = 0.140625 → 0.53125.
    const run = simulateSynapse(exact, { ticks: 5, preTicks: [1, 3], postTicks: [0, 2, 4], w0: 0.5 });
    expect(Array.from(run.w)).toEqual([0.5, 0.375, 0.515625, 0.390625, 0.53125]);
    expect(r.traces.map((t) => t.decay)).toEqual([Math.exp(-1 / 20), Math.exp(-1 / 20), Math.exp(-1 / 40)]);
  });
});

describe("reward-modulated STDP", () => {
  const r = rewardStdp({ aPlus: 1, aMinus: 1, preDecay: 0.5, postDecay: 0.5, eligibilityDecay: 0.5, eta: 1 });

  it("keeps the eligibility in the tag and gates the weight by the third factor", () => {
    expect(r.ruleTexts).toEqual(["dt = x1*y0 - y1*x0 - 2^-1*t*u0", "dw = m*t*u0"]);
    // t0: pre: Δt = −y = 0; x = 1.  t1: x 0.5.
    // t2: x 0.25; post: Δt = +0.25 → t = 0.25; y = 1; u: Δw = m(2)·0.25 = 2·0.25 = 0.5, Δt = −0.125 → 0.125.
    // t3: y 0.5; pre: Δt = −0.5 → −0.375; x = 1.125; u: Δw = m(3)·t = 0; Δt = +0.1875 → −0.1875.
    // t4: u: Δw = 1·(−0.1875) → w = 0.5 − 0.1875 = 0.3125; t → −0.09375.
    const run = simulateSynapse(r, { ticks: 5, preTicks: [0, 3], postTicks: [2], thirdFactor: [0, 0, 2, 0, 1], w0: 0 });
    expect(Array.from(run.tag)).toEqual([0, 0, 0.125, -0.1875, -0.09375]);
    expect(Array.from(run.w)).toEqual([0, 0, 0.5, 0.5, 0.3125]);
  });

  it("without reward the weight never moves", () => {
    const run = simulateSynapse(r, { ticks: 5, preTicks: [0, 3], postTicks: [2], w0: 0.7 });
    expect(run.finalW).toBe(0.7);
    expect(run.finalTag).toBe(-0.09375);
  });
});

describe("S-TLLR", () => {
  const p = { lambdaPre: 0.5, lambdaPost: 0.5, alphaPre: 1, alphaPost: -1, learnFromTick: 2, learningRate: 1 } as const;
  const run = { ticks: 4, preTicks: [0, 2], postTicks: [], graded: [0.5, 0.25, 1, 0.5], thirdFactor: [1, 1, 1, 2], w0: 0 };
  // x̄: 1, 0.5, 1.25, 0.625.  ȳ (Ψ trace): 0.5, 0.5, 1.25, 1.125.
  // e[t] = Ψ[t]·x̄[t] − s[t]·λ_post·ȳ[t−1]:
  //   e0 = 0.5·1 = 0.5 (t < T_l: no signal), e1 = 0.25·0.5 = 0.125 (no signal),
  //   e2 = 1·1.25 − 0.5·0.5 = 1.0, e3 = 0.5·0.625 = 0.3125.
  // Δw = 1·e2 + 2·e3 = 1.625.  The code's convention uses ȳ[t−1] itself: e2 = 1.25 − 0.5 = 0.75 → Δw = 1.375.

  it("online: rule text with graded traces, Δw = ρ Σ_{t ≥ T_l} m[t]·e[t]", () => {
    const r = stllr(p);
    expect(r.ruleTexts).toEqual(["dw = m*y2*x1*u0 - m*y1*x0"]);
    expect(r.expressibility).toBe(Expressibility.gradedTraces);
    const out = simulateSynapse(r, run);
    expect(Array.from(out.w)).toEqual([0, 0, 1, 1.625]);
  });

  it("accumulate: the tag sums the same products and the weight moves once at the sample end", () => {
    const r = stllr({ ...p, mode: "accumulate" });
    expect(r.ruleTexts[0].startsWith("dt = ")).toBe(true);
    const out = simulateSynapse(r, run);
    expect(Array.from(out.w)).toEqual([0, 0, 0, 1.625]);
    expect(Array.from(out.tag)).toEqual([0, 0, 1, 0]);
  });

  it("the closed form agrees, in both conventions", () => {
    const seq = { preSpikes: [1, 0, 1, 0], psi: run.graded, signal: run.thirdFactor };
    expect(stllrWeightChange(p, seq)).toBe(1.625);
    expect(stllrWeightChange(p, seq, "code")).toBe(1.375);
    // α_post/λ_post in the rule text reproduces the code's convention.
    const asCode = stllr({ ...p, alphaPost: p.alphaPost / p.lambdaPost });
    expect(simulateSynapse(asCode, run).finalW).toBe(1.375);
  });

  it("ships the authors' factor sets and secondary activations", () => {
    expect(STLLR_FACTORS.dvsGesture).toEqual({ lambdaPost: 0.2, lambdaPre: 0.75, alphaPost: -1, alphaPre: 1 });
    expect(STLLR_FACTORS.shd).toEqual({ lambdaPost: 0.5, lambdaPre: 1, alphaPost: 1, alphaPre: 1 });
    // Ψ at u = θ is 1 for the default, 0.3 for the triangle, 4·¼ = 1 for the sigmoid, 1 for the Lorentzian.
    expect(STLLR_PSI.inverseSquare(0.6, 0.6)).toBe(1);
    expect(STLLR_PSI.triangle(0.6, 0.6)).toBe(0.3);
    expect(STLLR_PSI.sigmoid(0.6, 0.6)).toBe(1);
    expect(STLLR_PSI.lorentzian(0.6, 0.6)).toBe(1);
    // |u − θ| = 0.1: 1/(10 + 1)² = 1/121; 0.3·0.9 = 0.27; 1/(1 + 1) = 0.5.
    expect(STLLR_PSI.inverseSquare(0.7, 0.6)).toBeCloseTo(1 / 121, 15);
    expect(STLLR_PSI.triangle(0.7, 0.6)).toBeCloseTo(0.27, 15);
    expect(STLLR_PSI.lorentzian(0.7, 0.6)).toBeCloseTo(0.5, 15);
  });

  it("rejects T_l that is not a tick and λ outside [0, 1]", () => {
    expect(() => stllr({ ...p, learnFromTick: 1.5 })).toThrow(AerchipError);
    expect(() => stllr({ ...p, lambdaPre: 1.2 })).toThrow(AerchipError);
  });
});

describe("every named rule's text parses back to its AST", () => {
  const rules = [
    pairStdp({ aPlus: 0.01, aMinus: 0.0105, preTauTicks: 20, postTauTicks: 20 }),
    pairStdp({ aPlus: 0.01, aMinus: 0.0105, preTauTicks: 20, postTauTicks: 20, weightDependence: "soft-bound", wMin: 0, wMax: 1 }),
    tripletStdp({ aPlus2: 5e-3, aPlus3: 6.2e-3, aMinus2: 7e-3, plusTauTicks: 17, minusTauTicks: 34, yTauTicks: 114 }),
    diehlCook2015({ mu: 1 }), diehlCook2015Code(),
    rewardStdp({ aPlus: 1, aMinus: 1, preTauTicks: 20, postTauTicks: 20, eligibilityTauTicks: 100, eta: 2 ** -6 }),
    stllr({ ...STLLR_FACTORS.dvsGesture, learnFromTick: 15, learningRate: -1e-3 }),
  ];
  for (const r of rules) {
    it(r.name, () => {
      r.ruleTexts.forEach((t, i) => expect(parseRule(formatRule(r.rules[i]))).toEqual(parseRule(t)));
    });
  }
});
