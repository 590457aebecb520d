/**
 * The generated rule kernels (chip/sim/learning-kernels.ts) against the rule interpreter
 * (CompiledRule.evaluateGate) plus the engine's update arithmetic, bit for bit, on random state.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { buildGateKernels, kernelBody, numberLiteral, type KernelEnv, type KernelRule } from "../../../chip/sim/learning-kernels.ts";
import { compileRule, parseRule, RuleGate, RuleSlot, RULE_SLOT_COUNT } from "../../../chip/program/learning-rule.ts";
import { createRng } from "../../../core/rng.ts";

const RULES: readonly string[][] = [
  ["dw = 2^-4*x1*y0 - 2^-5*y1*x0"],
  ["dw = 0.01*x1*y2*y0 - 1e-4*y1*x0"],
  ["dw = -2^-3*y1*(w - 0.25)*x0 + 2^-4*x1*(1 - w)*y0 + 0.003*x2*y3*u1"],
  ["dw = 0.5*m*t*u0 + 0.02*sgn(w - 0.5)*x0", "dt = x1*y0 - 0.25*y1*x0 - 0.1*t*u0"],
  ["dw = 0.7*(x1 - 0.4)*y0 + 0.3*m*y2*x1*u2"],
  // Powers of the weight (audit s19 G9): exact with float weights, a 16-entry table (6 fractional bits) on the grid.
  ["dw = 0.01*(x1 - 0.4)*(1 - w)^0.2*y0 - 2^-5*y1*(w + 0.5)^1.5*x0 + 0.1*m*(2 - w)^2*u0"],
];

/** Reference: the interpreter's evaluation and learning.ts applyUpdate, written out independently. */
function reference(rule: KernelRule, gate: number, s: number, env: KernelEnv, W: Float64Array, tick: number, epoch: number, rng: ReturnType<typeof createRng>[]): void {
  const vec = new Float64Array(RULE_SLOT_COUNT);
  vec[RuleSlot.x1] = env.x[env.synX[s]];
  vec[RuleSlot.x2] = env.x[env.X + env.synX[s]];
  vec[RuleSlot.y1] = env.y[env.synY[s]];
  vec[RuleSlot.y2] = env.y[env.Y + env.synY[s]];
  vec[RuleSlot.y3] = env.y[2 * env.Y + env.synY[s]];
  vec[RuleSlot.w] = W[s];
  vec[RuleSlot.t] = env.tag[s];
  vec[RuleSlot.m] = tick >= rule.fromTick ? env.thirdFactor[env.synTarget[s]] : 0;
  let dw = 0;
  let dt = 0;
  for (const eq of rule.equations) {
    const v = eq.evaluateGate(vec, gate as RuleGate, epoch);
    if (eq.target === "dw") dw += v; else dt += v;
  }
  if (dw !== 0) {
    let w = Math.min(Math.max(W[s] + dw, rule.wMin), rule.wMax);
    if (rule.wStep > 0) {
      const q = (w - rule.wMin) / rule.wStep;
      const k = rule.stochastic ? Math.floor(q) + (rng[env.synCore[s]].nextFloat() < q - Math.floor(q) ? 1 : 0) : Math.round(q);
      w = Math.min(rule.wMin + k * rule.wStep, rule.wMax);
    }
    W[s] = w;
  }
  if (dt !== 0) env.tag[s] = Math.min(Math.max(env.tag[s] + dt, rule.tagMin), rule.tagMax);
}

function randomEnv(seed: number, S: number, stochasticSeed: number): { env: KernelEnv; W: Float64Array } {
  const r = createRng(seed);
  const X = 5;
  const Y = 4;
  const fill = (n: number, scale: number, zeroEvery: number) => Float64Array.from({ length: n }, (_, i) => (i % zeroEvery === 0 ? 0 : r.nextFloat() * scale));
  const env: KernelEnv = {
    x: fill(2 * X, 2, 3), y: fill(3 * Y, 2, 4), X, Y,
    synX: Uint32Array.from({ length: S }, () => r.nextBelow(X)), synY: Uint32Array.from({ length: S }, () => r.nextBelow(Y)),
    synTarget: Uint32Array.from({ length: S }, () => r.nextBelow(3)), synCore: Uint32Array.from({ length: S }, () => r.nextBelow(2)),
    tag: fill(S, 1, 5), thirdFactor: Float64Array.of(0.3, -0.7, 0),
    coreRng: [createRng(stochasticSeed).fork(0), createRng(stochasticSeed).fork(1)],
  };
  return { env, W: fill(S, 1, 7) };
}

describe("learning kernels", () => {
  it("numberLiteral evaluates back to the same double (property)", () => {
    fc.assert(fc.property(fc.double({ noNaN: true }), (v) => {
      const back = new Function(`return ${numberLiteral(v)};`)() as number;
      expect(Object.is(back, v)).toBe(true);
    }), { numRuns: 2000 });
    expect(() => numberLiteral(Number.NaN)).toThrow(/NaN/);
  });

  it("the generated text holds no rule text, only slots and numbers", () => {
    const eq = compileRule(parseRule("dw = 0.01*x1*y2*y0 - 1e-4*y1*x0"));
    const { body } = kernelBody({ equations: [eq], wMin: 0, wMax: 1, wStep: 0, stochastic: false, tagMin: -Infinity, tagMax: Infinity, fromTick: 0 }, RuleGate.y0);
    expect(body).toContain("(0.01 * vx1) * vy2");
    expect(body).not.toContain("vy1"); // the x0 product is not in the y0 kernel
  });

  for (const texts of RULES) {
    for (const wStep of [0, 1 / 15]) {
      for (const stochastic of [false, true]) {
        it(`${texts.join("; ")} (step ${wStep.toFixed(3)}, ${stochastic ? "stochastic" : "nearest"}): kernels equal the interpreter bit for bit`, () => {
          const equations = texts.map((t) => compileRule(parseRule(t), wStep === 0 ? undefined : { w0: -0.5, step: 1.5 * wStep, entries: 16, fractionBits: 6 }));
          const rule: KernelRule = { equations, wMin: -0.5, wMax: 1, wStep: wStep === 0 ? 0 : 1.5 * wStep, stochastic, tagMin: -2, tagMax: 2, fromTick: 3 };
          const S = 40;
          for (const gate of [RuleGate.x0, RuleGate.y0, RuleGate.u]) {
            for (const tick of [2, 4, 8]) {
              const a = randomEnv(11 + tick, S, 99);
              const b = randomEnv(11 + tick, S, 99);
              const k = buildGateKernels(rule, gate, a.env);
              const hasGate = equations.some((e) => Array.from(e.depKind).includes(gate));
              expect(k !== undefined).toBe(hasGate);
              if (k === undefined) continue;
              const list = Uint32Array.from({ length: S }, (_, i) => (i * 7) % S);
              k.range(list, 0, S / 2, a.W, tick, tick);
              k.list(list, S / 2, S, a.W, tick, tick);
              const rng = [createRng(99).fork(0), createRng(99).fork(1)];
              for (let s = 0; s < S / 2; s++) reference(rule, gate, s, b.env, b.W, tick, tick, rng);
              for (let i = S / 2; i < S; i++) reference(rule, gate, list[i], b.env, b.W, tick, tick, rng);
              for (let s = 0; s < S; s++) {
                expect(Object.is(a.W[s], b.W[s]), `w[${s}] gate ${gate} tick ${tick}`).toBe(true);
                expect(Object.is(a.env.tag[s], b.env.tag[s]), `t[${s}]`).toBe(true);
              }
              // Something changed (so the comparison is not vacuous); from tick 4 every gate's products are active.
              if (tick < 4) continue;
              const before = randomEnv(11 + tick, S, 99).W;
              expect(Array.from(a.W).some((w, s) => w !== before[s]) || Array.from(a.env.tag).some((t, s) => t !== randomEnv(11 + tick, S, 99).env.tag[s])).toBe(true);
            }
          }
        });
      }
    }
  }
});
