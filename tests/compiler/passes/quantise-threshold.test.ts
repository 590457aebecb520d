/**
 * Thresholds in fixed point (compiler/passes/quantise.ts, docs/fixed-point.md "Thresholds"): a threshold is a
 * `thresholdBits` mantissa aligned with the top of the state word, so on loihi (24-bit state, 17-bit threshold;
 * hardware-facts.md §2.1, §4: vth mantissa × 2^6) it is a multiple of 2^6, and its rounding is reported as
 * maxThresholdError (audit s22a finding 8).
 */
import { describe, expect, it } from "vitest";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { quantiseGraph } from "../../../compiler/passes/quantise.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";
import { AerchipError } from "../../../core/diagnostics.ts";

/** The auditor's qth model: v_th 1.0001 with tiny weights, so q = 20 on loihi. */
function qth(decay = 0.9) {
  const json = {
    format: "snnref-1", name: "qth", steps: 10,
    populations: [
      { name: "in", kind: "input", size: 6, spikes: [[0, 0], [1, 1], [2, 2]] },
      { name: "n", kind: "lif", size: 1, decay, v_th: 1.0001, reset: "zero", refractory: 0, bias: 0, v_init: 0, threshold_op: ">=" },
    ],
    projections: [{ name: "in_n", pre: "in", post: "n", dtype: "float", dense: { weights: [[0.001], [0.002], [0.003], [0.001], [0.001], [0.001]], delays: 1 } }],
  };
  return parseSnnref(json as unknown as Json, "qth.net.json").graph;
}

describe("threshold quantisation", () => {
  it("loihi: the stored threshold is a 17-bit mantissa × 2^6, and the error is reported", () => {
    const q = quantiseGraph(qth(), loadPreset("loihi"));
    const n = q.graph.populations.find((p) => p.name === "n")!;
    expect(q.stateScaleExp.get("n")).toBe(20);
    const th = n.params!.vThreshold[0];
    // 1.0001 · 2^20 = 1,048,680.86 → nearest multiple of 64: 16,386 · 64.
    expect(th).toBe(16386 * 64);
    expect(th / 64).toBeLessThanOrEqual(2 ** 17 - 1);
    const layer = q.layers.find((l) => l.population === "n")!;
    expect(layer.maxThresholdError).toBeCloseTo((16386 * 64) / 2 ** 20 - 1.0001, 15);
  });

  it("odin (8-bit threshold, 8-bit state): steps of 1 state unit", () => {
    // IF neuron: odin's leak is additive (E_FIXED_LEAK_ADDITIVE for a decay < 1).
    const q = quantiseGraph(qth(1), loadPreset("odin"));
    const qq = q.stateScaleExp.get("n")!;
    const th = q.graph.populations.find((p) => p.name === "n")!.params!.vThreshold[0];
    expect(th).toBe(Math.round(1.0001 * 2 ** qq));
    expect(q.layers[0].maxThresholdError).toBeCloseTo(Math.abs(th / 2 ** qq - 1.0001), 15);
  });

  it("loihi: the compiled program fits the chip; a threshold off the 2^6 grid does not", () => {
    const loihi = loadPreset("loihi");
    const { program } = compileModel(qth(), loihi, { precision: "fixed" });
    checkProgramFitsSpec(loihi, program);
    const cp = program.cores.find((c) => Array.from(c.neurons.vThreshold).includes(16386 * 64))!;
    const vThreshold = Float64Array.from(cp.neurons.vThreshold, (t) => t === 16386 * 64 ? 1048681 : t);
    const bad = { ...program, cores: program.cores.map((c) => c === cp ? { ...c, neurons: { ...c.neurons, vThreshold } } : c) };
    let err: AerchipError | undefined;
    try { checkProgramFitsSpec(loihi, bad); } catch (e) { err = e as AerchipError; }
    expect(err?.code).toBe("E_PROGRAM_SPEC_MISMATCH");
    expect(err?.field).toBe("precision.thresholdBits");
  });
});

describe("a threshold that would round to the resting level (audit s22r-x #1)", () => {
  /** The auditor's th_small model: v_th 0.0001 with weights up to 1, so q = 14 on loihi and 0.0001 · 2^14 = 1.6 rounds to 0 on the 64 grid. */
  function thSmall() {
    const json = {
      format: "snnref-1", name: "th_small", steps: 20,
      populations: [
        { name: "in", kind: "input", size: 2, spikes: [[0, 0], [1, 1], [4, 0]] },
        { name: "n", kind: "lif", size: 2, decay: 0.9, v_th: 0.0001, reset: "zero", refractory: 0, bias: 0, v_init: 0, threshold_op: ">=" },
      ],
      projections: [{ name: "p", pre: "in", post: "n", dtype: "float", dense: { weights: [[1.0, 0.3], [0.5, -1.0]], delays: 1 } }],
    };
    return parseSnnref(json as unknown as Json, "th_small.net.json").graph;
  }

  it("loihi: stored as one grid step (64) above 0, with the error reported and W_QUANT_THRESHOLD_AT_REST", () => {
    const q = quantiseGraph(thSmall(), loadPreset("loihi"));
    const n = q.graph.populations.find((p) => p.name === "n")!;
    const qq = q.stateScaleExp.get("n")!;
    expect(qq).toBe(14);
    expect(Array.from(n.params!.vThreshold)).toEqual([64, 64]);
    expect(q.layers[0].maxThresholdError).toBeCloseTo(64 / 2 ** 14 - 0.0001, 15);
    const w = q.diagnostics.filter((d) => d.code === "W_QUANT_THRESHOLD_AT_REST");
    expect(w).toHaveLength(1);
    expect(w[0].field).toBe("populations.n.vThreshold");
  });

  it("a threshold on the grid above rest is left alone (no warning)", () => {
    const q = quantiseGraph(qth(), loadPreset("loihi"));
    expect(q.diagnostics.some((d) => d.code === "W_QUANT_THRESHOLD_AT_REST")).toBe(false);
  });
});
