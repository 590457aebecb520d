/**
 * A plastic projection needs a chip with on-chip learning (precision.traceBits > 0): truenorth and
 * cim-crossbar have none. Audit s22b #12: the learning ran there, billed at 0 pJ, and wrote learned weights.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../compiler/compile.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import type { ModelGraph } from "../../../compiler/ir/types.ts";
import { listPresetNames, loadPreset } from "../../../chip/spec/load.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";
import { errorOf } from "../../helpers/errors.ts";
import { cli } from "../../helpers/cli.ts";

const PAIR = "examples/learning/stdp-pair.model.json";
const withoutRefractory = (g: ModelGraph): ModelGraph => ({
  ...g, populations: g.populations.map((p) => (p.params === undefined ? p : { ...p, params: { ...p.params, refractoryTicks: new Uint32Array(p.size) } })),
});
const frozen = (g: ModelGraph): ModelGraph => ({ ...g, projections: g.projections.map(({ plasticity: _p, learning: _l, learningPsi: _s, ...rest }) => rest) });

describe("on-chip learning needs a learning engine (precision.traceBits > 0)", () => {
  // The pair model without its refractory period, so that only the learning is at issue on these chips.
  const graph = withoutRefractory(loadJsonModel(PAIR).graph);

  it("refuses a plastic projection on the presets without one (truenorth, cim-crossbar), float and fixed; compiles elsewhere", () => {
    for (const name of listPresetNames()) {
      const spec = loadPreset(name);
      if (spec.precision.traceBits > 0) {
        expect(() => compileModel(graph, spec, {}), name).not.toThrow();
        continue;
      }
      for (const precision of ["float", "fixed"] as const) {
        const e = errorOf(() => compileModel(graph, spec, { precision, file: PAIR }));
        expect(e.code, `${name} ${precision}`).toBe("E_LEARNING_NO_ENGINE");
        expect(e.field).toBe("projections[0] (in_out)");
        expect(e.message).toContain(`chip "${spec.name}"`);
      }
    }
    expect(listPresetNames().filter((n) => loadPreset(n).precision.traceBits === 0).sort()).toEqual(["cim-crossbar", "truenorth"]);
  });

  it("the same model with its weights frozen (no rule) runs on them", () => {
    expect(() => compileModel(frozen(graph), loadPreset("truenorth"), {})).not.toThrow();
    expect(() => compileModel(frozen(graph), loadPreset("cim-crossbar"), {})).not.toThrow();
  });

  it("a compiled plastic program is refused on a chip without learning (fits-spec)", () => {
    const generic = loadPreset("generic");
    const { program } = compileModel(graph, generic, {});
    expect(() => checkProgramFitsSpec(generic, program)).not.toThrow();
    const none = { ...generic, precision: { ...generic.precision, traceBits: 0 } };
    expect(errorOf(() => checkProgramFitsSpec(none, program, "p.aerprog")).code).toBe("E_LEARNING_NO_ENGINE");
  });

  it("run exits 1 without writing weights.json; compare makes the chip an error row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-nolearn-"));
    const r = await cli("run", PAIR, "--arch", "truenorth", "--out", join(dir, "run"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^aerchip: E_LEARNING_NO_ENGINE: /);
    expect(existsSync(join(dir, "run", "weights.json"))).toBe(false);
    const c = await cli("compare", PAIR, "--arch", "loihi,truenorth", "--out", join(dir, "cmp"), "--quiet");
    expect(c.code).toBe(0);
    const rows = (JSON.parse(readFileSync(join(dir, "cmp", "compare.json"), "utf8")) as { rows: Array<{ arch: string; status: string }> }).rows;
    expect(rows.map((x) => [x.arch, x.status])).toEqual([["loihi", "ok"], ["truenorth", "E_LEARNING_NO_ENGINE"]]);
  });
});
