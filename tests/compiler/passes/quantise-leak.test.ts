/**
 * Additive-leak chips in fixed point (`precision.leakKind` "additive": truenorth, odin; audit s22a finding 6):
 * a proportional leak (voltageDecay ≠ 1, or a decaying current) is refused with E_FIXED_LEAK_ADDITIVE instead of
 * being run with Loihi's multiplicative decay; IF neurons keep working; multiplicative chips are unchanged.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { quantiseGraph } from "../../../compiler/passes/quantise.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { AerchipError } from "../../../core/diagnostics.ts";
import { cli } from "../../helpers/cli.ts";

function json(decay: number) {
  const spikes: number[][] = [];
  for (let t = 0; t < 20; t++) spikes.push([t, 0]);
  return {
    format: "snnref-1", name: "leak", steps: 20,
    populations: [
      { name: "in", kind: "input", size: 1, spikes },
      { name: "h", kind: "lif", size: 2, decay, v_th: 5, reset: "zero", refractory: 0, bias: 0, v_init: 0, threshold_op: ">=" },
    ],
    projections: [{ name: "in_h", pre: "in", post: "h", dtype: "int", dense: { weights: [[2, 3]], delays: 1 } }],
  };
}
const model = (decay: number) => parseSnnref(json(decay) as unknown as Json, "leak.net.json");

function errorOf(f: () => unknown): AerchipError | undefined {
  try { f(); } catch (e) { if (e instanceof AerchipError) return e; throw e; }
  return undefined;
}

describe("leakKind additive (--precision fixed)", () => {
  for (const arch of ["truenorth", "odin"]) {
    it(`${arch}: a leaky population is refused, naming the field`, () => {
      const err = errorOf(() => quantiseGraph(model(0.875).graph, loadPreset(arch)));
      expect(err?.code).toBe("E_FIXED_LEAK_ADDITIVE");
      expect(err?.field).toBe("populations.h.voltageDecay");
      expect(err?.message).toContain("precision.leakKind");
      // An snnref-1 file says decay/tau: the message and hint name them too (audit s22r-x #5).
      expect(err?.message).toContain("decay, or tau, in an snnref-1 file");
      expect(err?.hint).toContain("decay 1 in an snnref-1 file");
    });

    it(`${arch}: IF neurons (decay 1) run and equal float`, () => {
      const spec = loadPreset(arch);
      const m = model(1);
      const spikes = (precision: "fixed" | "float") => {
        const { program } = compileModel(m.graph, spec, { precision });
        const sp = simulate(spec, program, m.stimulus, { steps: 20 }).spikes.get("h")!;
        return [Array.from(sp.tick), Array.from(sp.neuron)];
      };
      expect(spikes("fixed")).toEqual(spikes("float"));
      expect(spikes("fixed")[0].length).toBeGreaterThan(0);
    });
  }

  it("a decaying synaptic current is a leak too", () => {
    const m = model(1);
    const h = m.graph.populations.find((p) => p.name === "h")!;
    const graph = { ...m.graph, populations: m.graph.populations.map((p) => p === h ? { ...h, params: { ...h.params!, currentDecay: new Float64Array([0, 0.5]) } } : p) };
    const err = errorOf(() => quantiseGraph(graph, loadPreset("truenorth")));
    expect(err?.code).toBe("E_FIXED_LEAK_ADDITIVE");
    expect(err?.field).toBe("populations.h.currentDecay");
  });

  it("multiplicative chips (loihi) still take a leaky population", () => {
    expect(errorOf(() => quantiseGraph(model(0.875).graph, loadPreset("loihi")))).toBeUndefined();
  });

  it("the CLI prints the code and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-leak-"));
    const file = join(dir, "leak.net.json");
    writeFileSync(file, JSON.stringify(json(0.875)));
    const r = await cli("run", file, "--arch", "truenorth", "--precision", "fixed", "--out", join(dir, "out"), "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("E_FIXED_LEAK_ADDITIVE");
  });
});
