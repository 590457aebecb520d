/**
 * core.maxFanOutCores counts a neuron's real destination cores after blocks are packed onto cores (the route
 * pass), not the population blocks it sends to: a neuron feeding two populations on its own core sends to one
 * core (audit s22a finding 9).
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { loadNirModel } from "../../../compiler/frontends/nir/index.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";
import { errorOf } from "../../helpers/errors.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";

const dense = (rows: number, cols: number, w: number): number[][] => Array.from({ length: rows }, () => new Array(cols).fill(w));

/** The auditor's rec3: 6 inputs → h[12] with recurrent h → h → o[3], all delay 1 (21 neurons). */
function recurrent() {
  const json = {
    format: "aerchip-model-1", name: "rec3", steps: 10,
    populations: [
      { name: "in", kind: "input", size: 6, spikes: [[0, 0], [1, 1], [2, 2]] },
      { name: "h", kind: "neuron", size: 12, vThreshold: 1, voltageDecay: 0.9 },
      { name: "o", kind: "neuron", size: 3, vThreshold: 1, voltageDecay: 0.9 },
    ],
    projections: [
      { name: "in_h", pre: "in", post: "h", dense: { weights: dense(6, 12, 0.5), delays: 1 } },
      { name: "h_h", pre: "h", post: "h", dense: { weights: dense(12, 12, 0.1), delays: 1 } },
      { name: "h_o", pre: "h", post: "o", dense: { weights: dense(12, 3, 0.3), delays: 1 } },
    ],
  };
  return parseAerchipModel(json as unknown as Json, "rec3.json").graph;
}

/** One input neuron feeding four 100-neuron populations: blocks in+a+b pack onto one 256-neuron core, c+d onto a second. */
function fourTargets() {
  const pops = ["a", "b", "c", "d"];
  const json = {
    format: "aerchip-model-1", name: "fan4", steps: 3,
    populations: [{ name: "in", kind: "input", size: 1, spikes: [[0, 0]] }, ...pops.map((name) => ({ name, kind: "neuron", size: 100, vThreshold: 1 }))],
    projections: pops.map((p) => ({ name: `in_${p}`, pre: "in", post: p, dense: { weights: dense(1, 100, 1), delays: 1 } })),
  };
  return parseAerchipModel(json as unknown as Json, "fan4.json").graph;
}

describe("core.maxFanOutCores is checked on the packed cores", () => {
  for (const chip of ["odin", "truenorth"]) {
    it(`a recurrent model that fits one core compiles onto one core on ${chip} (maxFanOutCores 1)`, () => {
      const spec = loadPreset(chip);
      expect(spec.core.maxFanOutCores).toBe(1);
      const { program, mapping } = compileModel(recurrent(), spec, {});
      expect(mapping.coresUsed).toBe(1);
      expect(mapping.cores[0].neurons).toBe(21);
      expect(() => checkProgramFitsSpec(spec, program)).not.toThrow();
    });
  }

  it("a neuron whose targets land on two cores is refused with the real core count (2, not its 4 target blocks)", () => {
    const spec = loadPreset("truenorth");
    const e = errorOf(() => compileModel(fourTargets(), spec, { file: "fan4.json" }));
    expect(e.code).toBe("E_CORE_FANOUT_EXCEEDED");
    expect(e.message).toContain('neuron 0 of "in" sends to 2 cores; chip "truenorth" allows 1');
    expect(e.field).toBe("populations.in");
    expect(e.hint).toContain("reduce the fan-out, use bigger cores, or a chip with a larger core.maxFanOutCores");
    // With one more allowed destination core the same model compiles: 2 cores, in+a+b and c+d.
    const two = { ...spec, core: { ...spec.core, maxFanOutCores: 2 } };
    expect(compileModel(fourTargets(), two, {}).mapping.cores.map((c) => c.blocks.map((b) => b.population))).toEqual([["in", "a", "b"], ["c", "d"]]);
  });
});

describe.skipIf(!HAS_SHARED)(`snnTorch fixtures that fit one core compile on odin and truenorth ${SKIP_MSG}`, () => {
  const cases: [string, string, number][] = [
    ["snntorch_rleaky_cuba", "odin", 21],
    ["snntorch_rleaky_cuba", "truenorth", 21],
    ["snntorch_dense_lif", "truenorth", 31],
  ];
  for (const [name, chip, neurons] of cases) {
    it(`${name} on ${chip}: one core of ${neurons} neurons`, async () => {
      const m = await loadNirModel(sharedPath("fixtures", "nir", "snntorch", `${name}.nir`));
      const { mapping } = compileModel(m.graph, loadPreset(chip), {});
      expect(mapping.coresUsed).toBe(1);
      expect(mapping.cores[0].neurons).toBe(neurons);
    });
  }
});

/** The auditor's fanpack: in[10] → a[100], in → b[100], x[10] → c[200], dense, listed in `order`. */
function fanpack(order: string[]) {
  const sizes: Record<string, number> = { in: 10, x: 10, a: 100, b: 100, c: 200 };
  const json = {
    format: "aerchip-model-1", name: "fanpack", steps: 3,
    populations: order.map((name) => (name === "in" || name === "x" ? { name, kind: "input", size: sizes[name], spikes: [[0, 0]] } : { name, kind: "neuron", size: sizes[name], vThreshold: 4 })),
    projections: [["in", "a"], ["in", "b"], ["x", "c"]].map(([pre, post]) => ({ name: `${pre}_${post}`, pre, post, dense: { weights: dense(sizes[pre], sizes[post], 1), delays: 1 } })),
  };
  return parseAerchipModel(json as unknown as Json, "fanpack.json").graph;
}

describe("fan-out depends on the file's population order (audit s22r-x #4)", () => {
  it("truenorth: in, a, c, b, x is refused with a hint to list the populations fed by one source together; in, x, a, b, c compiles", () => {
    const spec = loadPreset("truenorth");
    const e = errorOf(() => compileModel(fanpack(["in", "a", "c", "b", "x"]), spec, {}));
    expect(e.code).toBe("E_CORE_FANOUT_EXCEEDED");
    expect(e.hint).toContain("population order");
    expect(e.hint).toContain("next to each other");
    expect(() => compileModel(fanpack(["in", "x", "a", "b", "c"]), spec, {})).not.toThrow();
  });
});
