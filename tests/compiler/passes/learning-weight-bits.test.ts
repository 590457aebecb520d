/**
 * A learning rule's weightBits must fit the chip's synapse word (precision.weightBits): audit s24b #2, where
 * 16-bit learning ran silently on ODIN's 3-bit and Loihi's 9-bit weights and the footprint billed the
 * chip's width. Refused with E_LEARNING_WEIGHT_BITS naming the file, the rule's field and the chip's limit,
 * when compiling and on a compiled program; float rules (no weightBits) and rules within the width compile.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../compiler/compile.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import type { ModelGraph } from "../../../compiler/ir/types.ts";
import { listPresetNames, loadPreset } from "../../../chip/spec/load.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";
import { errorOf } from "../../helpers/errors.ts";

const PAIR = "examples/learning/stdp-pair.model.json";
// The pair model without its refractory period (ODIN has no refractory counter) and with the rule's weightBits b.
function withBits(b: number | undefined): ModelGraph {
  const g = loadJsonModel(PAIR).graph;
  return {
    ...g,
    populations: g.populations.map((p) => (p.params === undefined ? p : { ...p, params: { ...p.params, refractoryTicks: new Uint32Array(p.size) } })),
    projections: g.projections.map((p) => (p.learning === undefined ? p : { ...p, learning: { ...p.learning, weightBits: b } })),
  };
}

describe("a rule's weightBits against the chip's precision.weightBits", () => {
  it("refuses b > precision.weightBits on every preset with a learning engine, accepts b = precision.weightBits and float rules", () => {
    for (const name of listPresetNames()) {
      const spec = loadPreset(name);
      if (spec.precision.traceBits === 0) continue; // no learning engine: E_LEARNING_NO_ENGINE (learning-support.test.ts)
      const chipBits = spec.precision.weightBits;
      expect(() => compileModel(withBits(undefined), spec, { file: PAIR }), `${name} float`).not.toThrow();
      expect(() => compileModel(withBits(chipBits), spec, { file: PAIR }), `${name} ${chipBits}`).not.toThrow();
      const e = errorOf(() => compileModel(withBits(chipBits + 1), spec, { file: PAIR }));
      expect(e.code, name).toBe("E_LEARNING_WEIGHT_BITS");
      expect(e.file).toBe(PAIR);
      expect(e.field).toBe("projections.in_out.learning.weightBits");
      expect(e.message).toContain(`${chipBits + 1}-bit weights`);
      expect(e.message).toContain(`precision.weightBits ${chipBits}`);
      expect(e.hint).toContain(`${chipBits} or fewer`);
    }
  });

  it("the audit's cases: 16-bit learning on odin (3) and loihi (9) refused, on spinnaker2 (16) compiled", () => {
    for (const [name, ok] of [["odin", false], ["loihi", false], ["spinnaker2", true]] as const) {
      const run = () => compileModel(withBits(16), loadPreset(name), { file: PAIR });
      if (ok) expect(run).not.toThrow();
      else expect(errorOf(run).code, name).toBe("E_LEARNING_WEIGHT_BITS");
    }
  });

  it("a compiled program is checked again (a program compiled for a wider chip spec)", () => {
    const loihi = loadPreset("loihi");
    const { program } = compileModel(withBits(9), loihi, { file: PAIR });
    expect(() => checkProgramFitsSpec(loihi, program, "p.aerprog")).not.toThrow();
    const narrow = { ...loihi, precision: { ...loihi.precision, weightBits: 8 } };
    const e = errorOf(() => checkProgramFitsSpec(narrow, program, "p.aerprog"));
    expect(e.code).toBe("E_LEARNING_WEIGHT_BITS");
    expect(e.file).toBe("p.aerprog");
    expect(e.field).toBe("projections.in_out.learning.weightBits");
  });
});
