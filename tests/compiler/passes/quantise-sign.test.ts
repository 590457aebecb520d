/**
 * Per-source weight signs in fixed point (`precision.weightSignPerSource`, ODIN; compiler/passes/quantise-sign.ts):
 * a source neuron's weights keep their sign (magnitude stored, sign from the source), and a source whose weights
 * mix signs is refused with E_FIXED_SOURCE_SIGN_MIXED instead of having its inhibition dropped.
 */
import { describe, expect, it } from "vitest";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { quantiseGraph } from "../../../compiler/passes/quantise.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { AerchipError } from "../../../core/diagnostics.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";

const odin = loadPreset("odin");

/** in0 → n weight +2 every tick, in1 → n weight w1 on odd ticks; IF neuron, threshold 6 (audit s22a finding 2). */
function model(w1: number, extra: Json[] = []) {
  const spikes: number[][] = [];
  for (let t = 0; t < 20; t++) spikes.push([t, 0]);
  for (let t = 1; t < 20; t += 2) spikes.push([t, 1]);
  const json = {
    format: "snnref-1", name: "odin_sign", steps: 20,
    populations: [
      { name: "in", kind: "input", size: 2, spikes },
      { name: "n", kind: "lif", size: 1, decay: 1.0, v_th: 6, reset: "zero", refractory: 0, bias: 0, v_init: 0, threshold_op: ">=" },
      { name: "m", kind: "lif", size: 1, decay: 1.0, v_th: 6, reset: "zero", refractory: 0, bias: 0, v_init: 0, threshold_op: ">=" },
    ],
    projections: [{ name: "in_n", pre: "in", post: "n", dtype: "int", dense: { weights: [[2], [w1]], delays: 1 } }, ...extra],
  };
  return parseSnnref(json as unknown as Json, "odin_sign.net.json");
}

function ticks(m: ReturnType<typeof model>, precision: "fixed" | "float"): number[] {
  const { program } = compileModel(m.graph, odin, { precision });
  return Array.from(simulate(odin, program, m.stimulus, { steps: 20 }).spikes.get("n")!.tick);
}

function codeOf(f: () => unknown): string | undefined {
  try { f(); } catch (e) { return e instanceof AerchipError ? e.code : String(e); }
  return undefined;
}

describe("weightSignPerSource (odin, --precision fixed)", () => {
  it("keeps an inhibitory source's negative weights: fixed spikes equal float", () => {
    const m = model(-1);
    expect(ticks(m, "float")).toEqual([4, 8, 12, 16]);
    expect(ticks(m, "fixed")).toEqual([4, 8, 12, 16]);
    const q = compileModel(m.graph, odin, { precision: "fixed" }).quantisation!;
    expect(q.layers[0]).toMatchObject({ population: "n", maxAbsWeightError: 0, clippedWeights: 0 });
    expect(q.diagnostics).toEqual([]);
  });

  it("refuses a source whose weights mix signs across projections", () => {
    const m = model(-1, [{ name: "in_m", pre: "in", post: "m", dtype: "int", dense: { weights: [[1], [1]], delays: 1 } }]);
    expect(codeOf(() => quantiseGraph(m.graph, odin))).toBe("E_FIXED_SOURCE_SIGN_MIXED");
  });

  it("refuses a source whose weights mix signs within one projection; float compiles", () => {
    const m = model(-1);
    const mixed = { ...m.graph, projections: m.graph.projections.map((pr) => ({ ...pr, weight: Float64Array.from([2, -1]), preIndex: Uint32Array.from([0, 0]) })) };
    expect(codeOf(() => quantiseGraph(mixed, odin))).toBe("E_FIXED_SOURCE_SIGN_MIXED");
    // Float runs are not affected by the chip's sign storage.
    expect(codeOf(() => compileModel(mixed, odin, {}))).toBeUndefined();
  });

  it("names the population, the neuron and precision.weightSignPerSource", () => {
    const m = model(-1, [{ name: "in_m", pre: "in", post: "m", dtype: "int", dense: { weights: [[0], [1]], delays: 1 } }]);
    let err: AerchipError | undefined;
    try { quantiseGraph(m.graph, odin); } catch (e) { err = e as AerchipError; }
    expect(err?.code).toBe("E_FIXED_SOURCE_SIGN_MIXED");
    expect(err?.message).toContain('neuron 1 of population "in"');
    expect(err?.message).toContain("precision.weightSignPerSource");
    expect(err?.hint).toContain("--precision float");
  });

  it("zero weights carry no sign", () => {
    const m = model(-1, [{ name: "in_m", pre: "in", post: "m", dtype: "int", dense: { weights: [[0], [-3]], delays: 1 } }]);
    expect(codeOf(() => quantiseGraph(m.graph, odin))).toBeUndefined();
  });

  it("the compiled program (negative magnitudes, one sign per input axon) fits the chip; a row of both signs does not", () => {
    // in0 → n[0..1] +2, in1 → n[0..1] −1 and −3: each input axon's row holds two synapses of one sign.
    const json = {
      format: "snnref-1", name: "rows", steps: 4,
      populations: [
        { name: "in", kind: "input", size: 2, spikes: [[0, 0], [1, 1]] },
        { name: "n", kind: "lif", size: 2, decay: 1.0, v_th: 6, reset: "zero", refractory: 0, bias: 0, v_init: 0, threshold_op: ">=" },
      ],
      projections: [{ name: "in_n", pre: "in", post: "n", dtype: "int", dense: { weights: [[2, 2], [-1, -3]], delays: 1 } }],
    };
    const graph = parseSnnref(json as unknown as Json, "rows.net.json").graph;
    const { program } = compileModel(graph, odin, { precision: "fixed" });
    expect(codeOf(() => checkProgramFitsSpec(odin, program))).toBeUndefined();
    const cb = program.cores[0].crossbar;
    const synWeight = Float64Array.from(cb.synWeight);
    const s = synWeight.findIndex((w) => w < 0);
    synWeight[s] = -synWeight[s];
    const bad = { ...program, cores: [{ ...program.cores[0], crossbar: { ...cb, synWeight } }] };
    expect(codeOf(() => checkProgramFitsSpec(odin, bad))).toBe("E_PROGRAM_SPEC_MISMATCH");
  });
});
