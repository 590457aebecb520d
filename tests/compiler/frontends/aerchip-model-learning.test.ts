/**
 * Learning rules written in aerchip-model-1 files (`projections[k].learning`): the parsed rule is the
 * ChipProgram's LearningRuleProgram, runs on chip exactly like the same rule attached in code, named
 * rules equal their rule text, and every bad field is refused with the file and the JSON path.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph, type StimulusIR } from "../../../compiler/ir/types.ts";
import { simulate, type SimResult } from "../../../chip/sim/run.ts";
import { ResetMode, type LearningRuleProgram } from "../../../chip/program/types.ts";
import { decodeProgram, encodeProgram } from "../../../chip/program/codec.ts";
import { pairStdp } from "../../../chip/program/named-rules.ts";
import { learningProgramFromNamedRule } from "../../../chip/program/learning-program.ts";
import { AerchipError, formatDiagnostic } from "../../../core/diagnostics.ts";
import { loadArch } from "../../../cli/load-arch.ts";

const FILE = "nets/plastic.model.json";
const STEPS = 60;
const W0 = [[0.6, 0.5, 0.3], [0.5, 0.6, 0.2], [0.3, 0.2, 0.25], [0.2, 0.3, 0.25]];
/** Inputs 0, 1 fire together (they make the post neurons fire); inputs 2, 3 fire three ticks later. */
const SPIKES: Array<[number, number]> = [];
for (let t = 0; t < STEPS - 5; t++) {
  if (t % 7 === 0) SPIKES.push([t, 0], [t, 1]);
  if (t % 7 === 3) SPIKES.push([t, 2], [t, 3]);
}
const RULE = "dw = 2^-5*x1*y0 - 3*2^-7*y1*x0";

type Obj = { [k: string]: Json };

function model(learning: Json | undefined, extra: Obj = {}): Obj {
  const proj: Obj = { name: "in_out", pre: "in", post: "out", dense: { weights: W0, delays: 1 }, ...extra };
  if (learning !== undefined) proj.learning = learning;
  return {
    format: "aerchip-model-1", name: "plastic", steps: STEPS,
    populations: [
      { name: "in", kind: "input", size: 4, spikes: SPIKES },
      { name: "out", kind: "neuron", size: 3, voltageDecay: 0.5, vThreshold: 1, reset: "zero" },
    ],
    projections: [proj],
  };
}

const textRule = (over: Obj = {}): Obj => ({
  rule: RULE,
  traces: { x1: { tauTicks: 8 }, y1: { decay: 0.75, impulse: 1, mode: "add" } },
  wMin: 0, wMax: 1, rounding: "nearest", ...over,
});

/** The same network built in code, the rule attached to ProjectionIR.learning directly. */
function graphInCode(learning: LearningRuleProgram): { graph: ModelGraph; stimulus: StimulusIR } {
  const n = 3;
  return {
    graph: {
      name: "plastic", defaultSteps: STEPS,
      populations: [
        { name: "in", kind: "input", size: 4, shape: [4], spiking: true },
        { name: "out", kind: "neuron", size: n, shape: [n], spiking: true, params: uniformNeuronParams(n, { voltageDecay: 0.5, vThreshold: 1, resetMode: ResetMode.zero }) },
      ],
      projections: [{
        name: "in_out", pre: "in", post: "out", encoding: "dense",
        preIndex: Uint32Array.from({ length: 12 }, (_, s) => Math.floor(s / 3)),
        postIndex: Uint32Array.from({ length: 12 }, (_, s) => s % 3),
        weight: Float64Array.from(W0.flat()),
        delayTicks: new Uint16Array(12).fill(1),
        learning,
      }],
    },
    stimulus: { spikes: new Map([["in", { tick: Int32Array.from(SPIKES, (p) => p[0]), neuron: Int32Array.from(SPIKES, (p) => p[1]) }]]) },
  };
}

const spec = loadArch("loihi");

function run(graph: ModelGraph, stimulus: StimulusIR): SimResult {
  const { program } = compileModel(graph, spec, { file: FILE });
  return simulate(spec, program, stimulus, { steps: STEPS });
}

function runFile(json: Obj): SimResult {
  const m = parseAerchipModel(json, FILE);
  return run(m.graph, m.stimulus);
}

function expectSameRun(a: SimResult, b: SimResult): void {
  expect(Array.from(a.spikes.get("out")!.tick)).toEqual(Array.from(b.spikes.get("out")!.tick));
  expect(Array.from(a.spikes.get("out")!.neuron)).toEqual(Array.from(b.spikes.get("out")!.neuron));
  const wa = a.finalWeights.get("in_out")!;
  const wb = b.finalWeights.get("in_out")!;
  expect(wa.length).toBe(12);
  // Bit for bit: compare the bytes of the float64 weights.
  expect(Buffer.from(wa.buffer, wa.byteOffset, wa.byteLength)).toEqual(Buffer.from(wb.buffer, wb.byteOffset, wb.byteLength));
}

function caught(f: () => unknown): AerchipError {
  try {
    f();
  } catch (e) {
    if (e instanceof AerchipError) return e;
    throw e;
  }
  throw new Error("expected an AerchipError");
}

const parseErr = (json: Obj): AerchipError => caught(() => parseAerchipModel(json, FILE));

describe("aerchip-model-1 learning: rule text", () => {
  it("reads every LearningRuleProgram field with its units (tauTicks → decay = exp(−1/τ))", () => {
    const m = parseAerchipModel(model(textRule({
      name: "mine", epochTicks: 2, thirdFactorFromTick: 5, apply: "tag-at-sample-end", weightBits: 8, seed: 7, tagMin: -1, tagMax: 2,
      rule: ["dt = 2^-4*x1*y0", "dw = 2^-3*m*t*u0"],
      traces: { y1: { tauTicks: 4, mode: "set", input: "graded", bits: 6, lsb: 0.125 }, x1: { decay: 0.5, impulse: 2 } },
    })), FILE);
    const lr = m.graph.projections[0].learning!;
    expect(lr).toEqual({
      name: "mine", ruleTexts: ["dt = 2^-4*x1*y0", "dw = 2^-3*m*t*u0"],
      traces: [
        { trace: "x1", decay: 0.5, impulse: 2, mode: "add", input: "spike" },
        { trace: "y1", decay: Math.exp(-1 / 4), impulse: 1, mode: "set", input: "graded", bits: 6, lsb: 0.125 },
      ],
      wMin: 0, wMax: 1, tagMin: -1, tagMax: 2, epochTicks: 2, thirdFactorFromTick: 5, apply: "tag-at-sample-end",
      weightBits: 8, rounding: "nearest", seed: 7,
    });
  });

  it("one string with two equations becomes one rule text per equation; absent bounds are unbounded", () => {
    const m = parseAerchipModel(model({ rule: "dt = x1*y0; dw = 2^-2*t*u0", traces: { x1: { tauTicks: 3 } } }), FILE);
    const lr = m.graph.projections[0].learning!;
    expect(lr.ruleTexts.length).toBe(2);
    expect(lr.ruleTexts[0]).toMatch(/^dt = /);
    expect(lr.wMin).toBe(-Infinity);
    expect(lr.wMax).toBe(Infinity);
    expect(lr.epochTicks).toBe(1);
  });

  it("the compiled program carries the rule unchanged, also through the program codec", () => {
    const m = parseAerchipModel(model(textRule()), FILE);
    const { program } = compileModel(m.graph, spec, { file: FILE });
    expect(program.projections[0].learning).toEqual(m.graph.projections[0].learning);
    expect(decodeProgram(encodeProgram(program)).projections[0].learning).toEqual(m.graph.projections[0].learning);
  });

  it("runs on chip bit for bit like the same rule attached in code (float and 6-bit stochastic weights)", () => {
    const inCode: LearningRuleProgram = {
      name: "custom", ruleTexts: [RULE],
      traces: [
        { trace: "x1", decay: Math.exp(-1 / 8), impulse: 1, mode: "add", input: "spike" },
        { trace: "y1", decay: 0.75, impulse: 1, mode: "add", input: "spike" },
      ],
      wMin: 0, wMax: 1, epochTicks: 1, apply: "per-epoch", rounding: "nearest", seed: 1,
    };
    const a = runFile(model(textRule()));
    const ref = graphInCode(inCode);
    const b = run(ref.graph, ref.stimulus);
    expectSameRun(a, b);
    // The rule did something: it potentiated a causal synapse and moved the synapses onto firing neurons (0, 1).
    const w = a.finalWeights.get("in_out")!;
    expect(w[0]).toBeGreaterThan(W0[0][0]);
    W0.flat().forEach((x, s) => { if (s % 3 !== 2) expect(w[s], `synapse ${s}`).not.toBe(x); });
    expect(a.spikes.get("out")!.tick.length).toBeGreaterThan(0);

    const q = runFile(model(textRule({ weightBits: 6, rounding: "stochastic", seed: 3, traces: { x1: { tauTicks: 8, bits: 7 }, y1: { decay: 0.75, bits: 7 } } })));
    const refQ = graphInCode({
      ...inCode, weightBits: 6, rounding: "stochastic", seed: 3,
      traces: inCode.traces.map((t) => ({ ...t, bits: 7 })),
    });
    expectSameRun(q, run(refQ.graph, refQ.stimulus));
    const wq = q.finalWeights.get("in_out")!;
    for (const x of wq) expect(Math.abs(x * 63 - Math.round(x * 63))).toBeLessThan(1e-9);
  });

  it("loads the bundled example from disk with its rule", () => {
    const m = loadJsonModel("examples/learning/stdp-pair.model.json");
    const lr = m.graph.projections[0].learning!;
    expect(lr.ruleTexts).toEqual(["dw = 2^-5*x1*y0 - 2^-5*y1*x0"]);
    expect(lr.traces.map((t) => t.trace)).toEqual(["x1", "y1"]);
  });
});

describe("aerchip-model-1 learning: named rules", () => {
  const named: Obj = { named: "pair-stdp", aPlus: 2 ** -5, aMinus: 3 * 2 ** -7, preTauTicks: 8, postDecay: 0.75, wMin: 0, wMax: 1, rounding: "nearest" };

  it("a named pair-stdp equals learningProgramFromNamedRule(pairStdp(...)) in code", () => {
    const lr = parseAerchipModel(model(named), FILE).graph.projections[0].learning!;
    expect(lr).toEqual(learningProgramFromNamedRule(
      pairStdp({ aPlus: 2 ** -5, aMinus: 3 * 2 ** -7, preTauTicks: 8, postDecay: 0.75, wMin: 0, wMax: 1 }), { rounding: "nearest" },
    ));
  });

  it("named rule and the same rule as text give identical spikes and weights on chip", () => {
    const a = runFile(model(named));
    const b = runFile(model(textRule()));
    expectSameRun(a, b);
    expect(a.finalWeights.get("in_out")![0]).not.toBe(W0[0][0]);
  });

  it("precision keys apply to named rules (traceBits quantises the traces)", () => {
    const lr = parseAerchipModel(model({ ...named, weightBits: 8, traceBits: 7, seed: 9, rounding: "stochastic" }), FILE).graph.projections[0].learning!;
    expect(lr.weightBits).toBe(8);
    expect(lr.traces.every((t) => t.bits === 7)).toBe(true);
    expect(lr.seed).toBe(9);
    expect(lr.rounding).toBe("stochastic");
  });
});

describe("aerchip-model-1 learning: errors name the file and the JSON path", () => {
  it("a bad term in the rule text gives the parser's term and column, with the file and path", () => {
    const bad = "dw = 2^-4*x1*y0 - 2^-5*q1*x0";
    const e = parseErr(model(textRule({ rule: bad })));
    expect(e.code).toBe("E_RULE_UNKNOWN_FACTOR");
    expect(e.file).toBe(FILE);
    expect(e.field).toBe("projections[0].learning.rule");
    expect(e.message).toContain("projections[0].learning.rule");
    expect(e.message).toContain("q1");
    expect(e.message).toContain(`column ${bad.indexOf("q1") + 1}`);
    expect(e.message).toMatch(/term 2/);
    const line = formatDiagnostic(e.toDiagnostic());
    expect(line).toContain(FILE);
    expect(line).toContain("projections[0].learning.rule");
  });

  it("an error in the second entry of a rule list names that entry", () => {
    const e = parseErr(model(textRule({ rule: ["dw = x1*y0", "dt = 2^-3*x1*"] })));
    expect(e.code).toMatch(/^E_RULE_/);
    expect(e.field).toBe("projections[0].learning.rule[1]");
    expect(e.file).toBe(FILE);
  });

  it("refuses unknown fields in the rule, its traces and named rules", () => {
    const e1 = parseErr(model(textRule({ wMaximum: 1 })));
    expect([e1.code, e1.field, e1.file]).toEqual(["E_MODEL_FIELD", "projections[0].learning.wMaximum", FILE]);
    const e2 = parseErr(model(textRule({ traces: { x1: { tauTicks: 8, tau: 3 }, y1: { decay: 0.5 } } })));
    expect(e2.field).toBe("projections[0].learning.traces.x1.tau");
    const e3 = parseErr(model(textRule({ traces: { x1: { tauTicks: 8 }, y1: { decay: 0.5 }, z1: { decay: 0.5 } } })));
    expect(e3.field).toBe("projections[0].learning.traces.z1");
    const e4 = parseErr(model({ named: "pair-stdp", aPlus: 0.1, aMinus: 0.1, preTauTicks: 5, postTauTicks: 5, eta: 1 }));
    expect([e4.code, e4.field]).toEqual(["E_MODEL_FIELD", "projections[0].learning.eta"]);
  });

  it("refuses a negative time constant (rule text and named rule) and a decay outside [0, 1]", () => {
    const e1 = parseErr(model(textRule({ traces: { x1: { tauTicks: -8 }, y1: { decay: 0.5 } } })));
    expect([e1.code, e1.field, e1.file]).toEqual(["E_MODEL_FIELD", "projections[0].learning.traces.x1.tauTicks", FILE]);
    expect(e1.message).toContain("> 0");
    const e2 = parseErr(model({ named: "pair-stdp", aPlus: 0.1, aMinus: 0.1, preTauTicks: -5, postTauTicks: 5 }));
    expect([e2.code, e2.field, e2.file]).toEqual(["E_RULE_PARAM", "projections[0].learning.preTauTicks", FILE]);
    const e3 = parseErr(model(textRule({ traces: { x1: { decay: 1.5 }, y1: { decay: 0.5 } } })));
    expect(e3.field).toBe("projections[0].learning.traces.x1.decay");
  });

  it("refuses weight bits 0 and 40 with the limit in the message", () => {
    for (const bits of [0, 40]) {
      const e = parseErr(model(textRule({ weightBits: bits })));
      expect([e.code, e.field, e.file]).toEqual(["E_MODEL_FIELD", "projections[0].learning.weightBits", FILE]);
      expect(e.message).toContain("[1, 24]");
      const en = parseErr(model({ named: "pair-stdp", aPlus: 0.1, aMinus: 0.1, preTauTicks: 5, postTauTicks: 5, wMin: 0, wMax: 1, weightBits: bits }));
      expect(en.field).toBe("projections[0].learning.weightBits");
    }
    const unbounded = parseErr(model(textRule({ wMin: null, weightBits: 8 })));
    expect(unbounded.field).toBe("projections[0].learning.weightBits");
  });

  it("refuses learning together with stdp on one projection, and the two kinds in one model", () => {
    const stdp = { A_plus: 0.01, A_minus: 0.01, tau_pre: 5, tau_post: 5 };
    const e1 = parseErr(model(textRule(), { stdp }));
    expect([e1.code, e1.field, e1.file]).toEqual(["E_LEARNING_MIXED", "projections[0].learning", FILE]);
    const two = model(textRule());
    (two.projections as Obj[]).push({ name: "in_out2", pre: "in", post: "out", sparse: { pre: [0], post: [1], weights: [0.1], delays: 1 }, stdp });
    const e2 = parseErr(two);
    expect([e2.code, e2.field]).toEqual(["E_LEARNING_MIXED", "projections[0].learning"]);
  });

  it("refuses what the chip's engine cannot run: dd, r0, an undeclared trace, a graded pre trace", () => {
    expect(parseErr(model(textRule({ rule: "dd = x1*y0" }))).code).toBe("E_LEARNING_TARGET");
    expect(parseErr(model(textRule({ rule: "dw = r1*x1*y0" }))).code).toBe("E_LEARNING_FACTOR");
    const e = parseErr(model(textRule({ rule: "dw = x1*y2*y0" })));
    expect([e.code, e.field]).toEqual(["E_LEARNING_TRACE", "projections[0].learning.traces.y2"]);
    const g = parseErr(model(textRule({ traces: { x1: { tauTicks: 8, input: "graded" }, y1: { decay: 0.5 } } })));
    expect([g.code, g.field]).toEqual(["E_LEARNING_TRACE", "projections[0].learning.traces.x1.input"]);
  });

  it("refuses a learning rule onto an input population, and other bad values", () => {
    const m = model(textRule());
    (m.projections as Obj[])[0].post = "in";
    (m.projections as Obj[])[0].dense = { weights: W0.map((r) => [...r, 0.1]).map((r) => r.slice(0, 4)), delays: 1 };
    expect(parseErr(m).field).toBe("projections[0].post");
    expect(parseErr(model(textRule({ epochTicks: 3 }))).field).toBe("projections[0].learning.epochTicks");
    expect(parseErr(model(textRule({ rounding: "up" }))).field).toBe("projections[0].learning.rounding");
    expect(parseErr(model(textRule({ wMin: 2, wMax: 1 }))).field).toBe("projections[0].learning.wMin");
    expect(parseErr(model(textRule({ rule: undefined as unknown as Json }))).field).toBe("projections[0].learning.rule");
    expect(parseErr(model({ named: "pair-stdp", rule: RULE })).field).toBe("projections[0].learning.named");
    expect(parseErr(model({ named: "oja" })).field).toBe("projections[0].learning.named");
    // D&C's μ = 0.2 is no longer refused when parsing: (1 − w)^0.2 is a power factor (audit s19 G9); a chip
    // without a lookup table refuses it with quantised weights when compiling (tests/compiler/passes/learning-lut.test.ts).
  });
});
