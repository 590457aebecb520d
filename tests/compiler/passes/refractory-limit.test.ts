/**
 * The chip's refractory counter (precision.refractoryBits) bounds a neuron's refractory period:
 * refractoryTicks <= 2^bits − 1 (Loihi 6 bits: 63; ODIN, cim-crossbar, truenorth: no counter, only 0).
 * Audit s22b #14: a 100-tick period on Loihi and a 2-tick one on ODIN / cim-crossbar ran as the chip's.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { listPresetNames, loadPreset } from "../../../chip/spec/load.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";
import { maxRefractoryTicks, refractoryBitsFor } from "../../../compiler/passes/refractory-limit.ts";
import { errorOf } from "../../helpers/errors.ts";
import { cli } from "../../helpers/cli.ts";

function model(refractoryTicks: number, steps = 12): Record<string, unknown> {
  return {
    format: "aerchip-model-1", name: "refr", steps,
    populations: [
      { name: "in", kind: "input", size: 1, spikes: [] },
      { name: "n", kind: "neuron", size: 1, voltageDecay: 0, vThreshold: 1, bias: 2, reset: "zero", refractoryTicks },
    ],
    projections: [{ name: "p", pre: "in", post: "n", dense: { weights: [[0.5]], delays: 1 } }],
  };
}
const graph = (r: number) => parseAerchipModel(model(r) as unknown as Json, "refr.json").graph;

describe("refractory limit (precision.refractoryBits)", () => {
  it("the counter of b bits holds 2^b − 1 ticks", () => {
    expect(maxRefractoryTicks(0)).toBe(0);
    expect(maxRefractoryTicks(6)).toBe(63);
    expect(refractoryBitsFor(63)).toBe(6);
    expect(refractoryBitsFor(64)).toBe(7);
    expect(refractoryBitsFor(0)).toBe(0);
  });

  for (const precision of ["float", "fixed"] as const) {
    it(`Loihi (6 bits) holds 63 ticks, refuses 64 and 100 (${precision})`, () => {
      const loihi = loadPreset("loihi");
      expect(loihi.precision.refractoryBits).toBe(6);
      expect(() => compileModel(graph(63), loihi, { precision })).not.toThrow();
      for (const r of [64, 100]) {
        const e = errorOf(() => compileModel(graph(r), loihi, { precision, file: "refr.json" }));
        expect(e.code).toBe("E_CORE_REFRACTORY_EXCEEDED");
        // One path style with the other compile-time refusals (audit s22r-x #5).
        expect(e.field).toBe("populations.n.refractoryTicks");
        // The IR does not know the file's format: both formats' names (snnref-1 says `refractory`).
        expect(e.message).toContain("refractory in an snnref-1 file");
        expect(e.hint).toContain("refractory in an snnref-1 file");
        expect(e.message).toContain(`${r} ticks`);
        expect(e.message).toContain("at most 63");
        expect(e.hint).toContain("refractoryBits >= 7");
      }
    });
  }

  it("every preset refuses exactly the periods its counter cannot hold", () => {
    for (const name of listPresetNames()) {
      const spec = loadPreset(name);
      const max = maxRefractoryTicks(spec.precision.refractoryBits);
      // (the model format holds up to 65535 ticks: spinnaker2's 16-bit counter holds them all)
      if (max >= 0xffff) continue;
      expect(() => compileModel(graph(max), spec, {}), name).not.toThrow();
      expect(errorOf(() => compileModel(graph(max + 1), spec, {})).code, name).toBe("E_CORE_REFRACTORY_EXCEEDED");
    }
    // The chips without a refractory counter (their presets' sources): only 0 fits.
    for (const name of ["odin", "cim-crossbar", "truenorth"]) {
      const spec = loadPreset(name);
      expect(spec.precision.refractoryBits, name).toBe(0);
      expect(() => compileModel(graph(0), spec, {}), name).not.toThrow();
      const e = errorOf(() => compileModel(graph(2), spec, {}));
      expect(e.code, name).toBe("E_CORE_REFRACTORY_EXCEEDED");
      expect(e.message, name).toContain("no refractory counter");
    }
  });

  it("a compiled program with a longer period than the chip holds is refused as the compiler would (fits-spec)", () => {
    const generic = loadPreset("generic");
    const { program } = compileModel(graph(2), generic, {});
    expect(() => checkProgramFitsSpec(generic, program)).not.toThrow();
    const oneBit = { ...generic, precision: { ...generic.precision, refractoryBits: 1 } };
    expect(errorOf(() => checkProgramFitsSpec(oneBit, program, "refr.aerprog")).code).toBe("E_CORE_REFRACTORY_EXCEEDED");
  });

  it("aerchip run refuses it on the CLI (exit 1, nothing simulated), and runs a period the chip holds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-refr-"));
    const path = join(dir, "refr2.json");
    writeFileSync(path, JSON.stringify(model(2)));
    const r = await cli("run", path, "--arch", "odin", "--out", join(dir, "o1"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("E_CORE_REFRACTORY_EXCEEDED");
    const ok = await cli("run", path, "--arch", "generic", "--out", join(dir, "o2"), "--quiet");
    expect(ok.code).toBe(0);
  });
});
