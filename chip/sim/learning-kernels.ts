/**
 * Specialised rule kernels for the learning engine (chip/sim/learning.ts).
 *
 * Interpreting a rule per synapse (load a value vector, walk the products and factors, call the
 * apply routine) costs far more than the arithmetic itself. A rule is fixed for a whole run, so each
 * (rule, dependency gate) gets one loop generated from its compiled form (learning-rule.ts
 * CompiledRule): the factor loads it needs, its products written out, and the clip/round/store of the
 * update inlined. The generated text holds only identifiers chosen here and numbers formatted by
 * `numberLiteral` (Number#toString round-trips every finite double); no rule text ever reaches it.
 *
 * Bit-exactness: the kernels perform the same float operations in the same order as the interpreter
 * (CompiledRule.evaluateGate and learning.ts applyUpdate):
 *   product  = ((S · F1) · F2) · …        with F = v + C (v when C = 0; only the sign of a zero differs)
 *   dZ_eq    = ((0 + p1) + p2) + …        over the gate's active products, in text order
 *   dw, dt   = 0 + dZ_eq… over the equations in order
 *   w ← clip(w + dw); rounded onto wMin + k·step (nearest, or stochastic with the core's stream);
 *   t ← clip(t + dt)
 * and they visit synapses in the interpreter's order, so stochastic rounding draws the same numbers.
 * A zero's sign never matters: an update of ±0 is skipped (dw !== 0), as in the interpreter, unless the
 * weight lies outside [wMin, wMax] (a float starting weight the rule has not updated yet), which it clips.
 * A power factor (w ± C)^p calls the interpreter's own powerFactorValue (float weights) or reads the
 * rule's table at round((w − w0)/step) (quantised weights), bound once per kernel as `pt<e>_<f>`.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { Rng } from "../../core/rng.ts";
import { RuleGate, RuleSlot, powerFactorValue, type CompiledRule } from "../program/learning-rule.ts";

/** Everything a kernel reads besides the weights (fixed for the engine's lifetime). */
export interface KernelEnv {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly X: number;
  readonly Y: number;
  readonly synX: Uint32Array;
  readonly synY: Uint32Array;
  readonly synTarget: Uint32Array;
  readonly synCore: Uint32Array;
  readonly tag: Float64Array;
  readonly thirdFactor: Float64Array;
  readonly coreRng: readonly Rng[];
  /** Per rule: weight writes that changed the stored weight (counted when the rule gives `changeSlot`). */
  readonly weightChanges?: Float64Array;
  /** Per program core: the same weight changes, by the core holding the synapse (synCore[s]); with weightChanges. */
  readonly weightChangesByCore?: Float64Array;
}

/** The parameters of a rule a kernel bakes in. */
export interface KernelRule {
  readonly equations: readonly CompiledRule[];
  readonly wMin: number;
  readonly wMax: number;
  readonly wStep: number;
  readonly stochastic: boolean;
  readonly tagMin: number;
  readonly tagMax: number;
  readonly fromTick: number;
  /** Index into env.weightChanges of this rule's count of weight-changing updates (absent: not counted). */
  readonly changeSlot?: number;
  /** Offset of the rule's seed's streams in env.coreRng (learning.ts LearningEngine.ruleRngBase); absent = 0. */
  readonly rngBase?: number;
}

/**
 * Evaluates and applies one gate's products on synapses s = list[i] (list kernels) or s = i (range
 * kernels) for i in [from, to). `tick` gates the third factor (m = 0 before fromTick); `epoch` the u<k>
 * products. Counting is the caller's (one synapse update and equations.length rule evaluations each).
 */
export type GateKernel = (list: Uint32Array, from: number, to: number, W: Float64Array, tick: number, epoch: number) => void;

/** A finite double as JS source text that evaluates to exactly the same double. */
export function numberLiteral(v: number): string {
  if (Number.isNaN(v)) throw new AerchipError("E_LEARNING_KERNEL", "a learning-rule constant is NaN", { field: "learning", hint: "give finite scales, constants and bounds" });
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "(-Infinity)";
  if (Object.is(v, -0)) return "(-0)";
  const text = v.toString();
  if (Number(text) !== v) throw new AerchipError("E_LEARNING_KERNEL", `constant ${text} does not round-trip`, { field: "learning" });
  return v < 0 ? `(${text})` : text;
}

const FACTOR_NAME: Readonly<Record<number, string>> = {
  [RuleSlot.x1]: "vx1", [RuleSlot.x2]: "vx2", [RuleSlot.y1]: "vy1", [RuleSlot.y2]: "vy2", [RuleSlot.y3]: "vy3",
  [RuleSlot.w]: "vw", [RuleSlot.t]: "vt", [RuleSlot.m]: "vm",
};

const LOAD: Readonly<Record<string, string>> = {
  vx1: "const vx1 = x[xi];",
  vx2: "const vx2 = x[X + xi];",
  vy1: "const vy1 = y[yi];",
  vy2: "const vy2 = y[Y + yi];",
  vy3: "const vy3 = y[Y2 + yi];",
  vw: "const vw = W[s];",
  vt: "const vt = tag[s];",
};

/** The source of one kernel body (per synapse s). Exported for tests of the generator. */
export function kernelBody(rule: KernelRule, gate: RuleGate): { body: string; active: boolean; bindings: string[] } {
  const used = new Set<string>();
  const eqLines: string[] = [];
  const bindings: string[] = [];
  let active = false;
  for (let e = 0; e < rule.equations.length; e++) {
    const eq = rule.equations[e];
    const terms: string[] = [];
    for (let p = 0; p < eq.productCount; p++) {
      if (eq.depKind[p] !== gate) continue;
      let expr = numberLiteral(eq.scale[p]);
      for (let f = eq.factorStart[p]; f < eq.factorStart[p + 1]; f++) {
        const name = FACTOR_NAME[eq.factorSlot[f]];
        if (name === undefined) throw new AerchipError("E_LEARNING_FACTOR", `learning kernel: factor slot ${eq.factorSlot[f]} is not provided by the engine`, { field: "learning", hint: "rules read x1 x2 y1 y2 y3 w t m" });
        used.add(name);
        if (eq.factorIsPow[f] === 1) {
          // Same operations as CompiledRule.evaluateGate (learning-rule.ts): table entry, or the exact power.
          if (eq.tableStep > 0) {
            bindings.push(`const pt${e}_${f} = eqs[${e}].factorTable[${f}];`);
            expr = `(${expr} * pt${e}_${f}[Math.round((${name} - ${numberLiteral(eq.tableW0)}) / ${numberLiteral(eq.tableStep)})])`;
          } else {
            expr = `(${expr} * pfv(${name}, ${numberLiteral(eq.factorCoef[f])}, ${numberLiteral(eq.factorConst[f])}, ${numberLiteral(eq.factorPow[f])}, ${eq.factorIsExp[f]}))`;
          }
          continue;
        }
        const c = eq.factorConst[f];
        const v = c === 0 ? name : `(${name} + ${numberLiteral(c)})`;
        expr = `(${expr} * ${eq.factorSgn[f] === 1 ? `Math.sign(${v})` : v})`;
      }
      const add = `dz += ${expr};`;
      terms.push(gate === RuleGate.u ? `if (epoch % ${numberLiteral(eq.depPeriod[p])} === 0) ${add}` : add);
      active = true;
    }
    eqLines.push(`{ let dz = 0; ${terms.join(" ")} ${eq.target === "dw" ? "dw" : "dt"} += dz; }`);
  }
  const hasDt = rule.equations.some((e) => e.target === "dt");
  const lines: string[] = [];
  if (used.has("vx1") || used.has("vx2")) lines.push("const xi = synX[s];");
  if (used.has("vy1") || used.has("vy2") || used.has("vy3")) lines.push("const yi = synY[s];");
  for (const name of ["vx1", "vx2", "vy1", "vy2", "vy3", "vw", "vt"]) if (used.has(name)) lines.push(LOAD[name]);
  if (used.has("vm")) lines.push(`const vm = tick >= ${numberLiteral(rule.fromTick)} ? tf[synTarget[s]] : 0;`);
  lines.push("let dw = 0;");
  if (hasDt) lines.push("let dt = 0;");
  lines.push(...eqLines);
  // Apply: learning.ts applyUpdate, inlined.
  const lo = numberLiteral(rule.wMin);
  const hi = numberLiteral(rule.wMax);
  // As applyUpdate: dw = 0 is skipped unless the weight lies outside the bounds (a kept starting weight).
  lines.push(`if (dw !== 0 || W[s] < ${lo} || W[s] > ${hi}) { let nw = W[s] + dw; if (nw < ${lo}) nw = ${lo}; else if (nw > ${hi}) nw = ${hi};`);
  if (rule.wStep > 0) {
    const step = numberLiteral(rule.wStep);
    lines.push(`const q = (nw - ${lo}) / ${step};`);
    const stream = rule.rngBase === undefined || rule.rngBase === 0 ? "synCore[s]" : `${rule.rngBase} + synCore[s]`;
    if (rule.stochastic) lines.push(`const fq = Math.floor(q); const k = fq + (rng[${stream}].nextFloat() < q - fq ? 1 : 0);`);
    else lines.push("const k = Math.round(q);");
    lines.push(`nw = ${lo} + k * ${step}; if (nw > ${hi}) nw = ${hi};`);
  }
  // A write that leaves the weight as it was (dw clipped away at a bound, or rounded back onto the same
  // grid point) is still an update (counted by the caller) but not a weight change.
  if (rule.changeSlot !== undefined) lines.push(`if (nw !== W[s]) { chg[${rule.changeSlot}]++; chgCore[synCore[s]]++; }`);
  lines.push("W[s] = nw; }");
  if (hasDt) {
    lines.push(`if (dt !== 0) { let nt = tag[s] + dt; if (nt < ${numberLiteral(rule.tagMin)}) nt = ${numberLiteral(rule.tagMin)}; else if (nt > ${numberLiteral(rule.tagMax)}) nt = ${numberLiteral(rule.tagMax)}; tag[s] = nt; }`);
  }
  return { body: lines.join("\n"), active, bindings };
}

type KernelFactory = (env: KernelEnv, eqs: readonly CompiledRule[], pfv: typeof powerFactorValue) => GateKernel;

/**
 * Builds the list and range kernels of one gate (undefined when the rule has no product on it).
 * The closure binds the engine's arrays once, so the loop reads them as locals.
 */
export function buildGateKernels(rule: KernelRule, gate: RuleGate, env: KernelEnv): { list: GateKernel; range: GateKernel } | undefined {
  const { body, active, bindings } = kernelBody(rule, gate);
  if (!active) return undefined;
  const prologue = "const x = env.x, y = env.y, X = env.X, Y = env.Y, Y2 = 2 * env.Y, synX = env.synX, synY = env.synY, synTarget = env.synTarget, synCore = env.synCore, tag = env.tag, tf = env.thirdFactor, rng = env.coreRng, chg = env.weightChanges, chgCore = env.weightChangesByCore;";
  const make = (indexed: boolean): GateKernel => {
    const src = `"use strict"; ${prologue} ${bindings.join(" ")}
return function learningKernel(list, from, to, W, tick, epoch) {
  for (let i = from; i < to; i++) {
    const s = ${indexed ? "list[i]" : "i"};
    ${body}
  }
};`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the compiled rule's numbers only (see the header)
    const factory = new Function("env", "eqs", "pfv", src) as KernelFactory;
    return factory(env, rule.equations, powerFactorValue);
  };
  return { list: make(true), range: make(false) };
}
