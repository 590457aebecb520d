/**
 * Crossbar cells per (axon, neuron) (audit s22r-x #2): a pair reached by two synapses (two projections from one
 * source onto one neuron) is one cell on TrueNorth (one connect bit, one weight per axon type) and ODIN (one
 * 3-bit cell), and the simulator delivers the sum. The axon-type checks work on the sums
 * (compiler/passes/axon-types.ts), and a sum outside the chip's weight format is refused with
 * E_FIXED_CROSSBAR_PAIR_RANGE (chip/program/crossbar-pairs.ts), when compiling and when running a program.
 */
import { describe, expect, it } from "vitest";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { errorOf } from "../../helpers/errors.ts";

const SPIKES = [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 0], [6, 1]];

/** IF neuron h fed by `a` (one weight per input) and by `b` (a second projection from the same inputs). */
function model(name: string, a: number[], b: number[] | undefined, vTh: number): Json {
  const projections: Json[] = [{ name: "A", pre: "in", post: "h", dtype: "int", dense: { weights: a.map((w) => [w]), delays: 1 } }];
  if (b !== undefined) projections.push({ name: "B", pre: "in", post: "h", dtype: "int", dense: { weights: b.map((w) => [w]), delays: 1 } });
  return {
    format: "snnref-1", name, steps: 20,
    populations: [
      { name: "in", kind: "input", size: a.length, spikes: SPIKES.filter(([, i]) => i < a.length) },
      { name: "h", kind: "lif", size: 1, decay: 1, v_th: vTh, reset: "zero", refractory: 0, bias: 0, v_init: 0, threshold_op: ">=" },
    ],
    projections,
  } as unknown as Json;
}
const graph = (j: Json) => parseSnnref(j, "m.net.json").graph;

describe("(axon, neuron) pairs reached by two synapses", () => {
  it("truenorth: dupsum (in0 → h as 1 + 1, others 1, 3, 4, 5) needs 5 summed weights and is refused like its merged form", () => {
    const tn = loadPreset("truenorth");
    const dup = errorOf(() => compileModel(graph(model("dupsum", [1, 1, 3, 4, 5], [1, 0, 0, 0, 0], 20)), tn, { precision: "fixed" }));
    const merged = errorOf(() => compileModel(graph(model("merged", [2, 1, 3, 4, 5], undefined, 20)), tn, { precision: "fixed" }));
    expect(dup.code).toBe("E_CORE_AXON_TYPES_EXCEEDED");
    expect(merged.code).toBe("E_CORE_AXON_TYPES_EXCEEDED");
  });

  it("odin: odup (in0 → h through two weights of 7) sums past the 3-bit cell and is refused; the merged form compiles", () => {
    const odin = loadPreset("odin");
    const e = errorOf(() => compileModel(graph(model("odup", [7, 1], [7, 0], 40)), odin, { precision: "fixed" }));
    expect(e.code).toBe("E_FIXED_CROSSBAR_PAIR_RANGE");
    expect(e.field).toBe("populations.h");
    expect(() => compileModel(graph(model("odup_m", [14, 1], undefined, 40)), odin, { precision: "fixed" })).not.toThrow();
  });

  it("running a program: fits-spec refuses a pair whose sum the cell cannot hold", () => {
    const odin = loadPreset("odin");
    const { program } = compileModel(graph(model("ok", [3, 1], [3, 0], 40)), odin, { precision: "fixed" });
    checkProgramFitsSpec(odin, program);
    const cores = program.cores.map((c) => ({ ...c, crossbar: { ...c.crossbar, synWeight: Float64Array.from(c.crossbar.synWeight, (w) => (w > 0 ? Math.min(7, w * 2) : w)) } }));
    expect(errorOf(() => checkProgramFitsSpec(odin, { ...program, cores })).code).toBe("E_FIXED_CROSSBAR_PAIR_RANGE");
  });

  it("float precision is not checked (the ideal chip)", () => {
    expect(() => compileModel(graph(model("odup", [7, 1], [7, 0], 40)), loadPreset("odin"), { precision: "float" })).not.toThrow();
  });
});
