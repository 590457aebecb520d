/** Audit 1.9: chip spec costs are bounded so that a run report stays finite; the report refuses non-finite numbers. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../../core/diagnostics.ts";
import { COST_VALUE_MAX, validateChipSpec } from "../../../chip/spec/validate.ts";
import { loadPreset, listPresetNames } from "../../../chip/spec/load.ts";
import { assertReportFinite } from "../../../chip/report/finite-guard.ts";
import { compileAndRun, loadModel } from "../../../cli/pipeline.ts";

function raw(name: string): Record<string, any> {
  return JSON.parse(readFileSync(`chip/spec/presets/${name}.json`, "utf8"));
}
const errs = (s: unknown): Array<[string, string | undefined]> => validateChipSpec(s, "t.json").filter((d) => d.severity === "error").map((d) => [d.code, d.field]);
const src = { source: "x et al. 2020", evidence: "measured" };

describe("chip spec cost ranges", () => {
  it("every preset is inside the ranges", () => {
    for (const p of listPresetNames()) expect(errs(raw(p)), p).toEqual([]);
  });

  it("accepts the largest values and rejects anything larger, per unit", () => {
    const ok = raw("generic");
    ok.costs.energySynOpPj = { value: COST_VALUE_MAX.energyPj, ...src };
    ok.costs.latencySynOpNs = { value: COST_VALUE_MAX.latencyNs, ...src };
    ok.costs.staticPowerChipMw = { value: COST_VALUE_MAX.powerMw, ...src };
    expect(errs(ok)).toEqual([]);
    const s = raw("generic");
    s.costs.energySynOpPj = { value: 1e308, ...src };
    s.costs.latencySynOpNs = { value: 1e13, ...src };
    s.costs.staticPowerPerCoreMw = { value: 1e10, ...src };
    s.costs.synapseEncodings = { sparse: { energySynOpPj: { value: 2e9, ...src } } };
    s.tickPeriodNs = 1e13;
    s.sync.table[0].latencyNs = 1e13;
    expect(errs(s)).toEqual(expect.arrayContaining([
      ["E_SPEC_COST_INVALID", "costs.energySynOpPj.value"],
      ["E_SPEC_COST_INVALID", "costs.latencySynOpNs.value"],
      ["E_SPEC_COST_INVALID", "costs.staticPowerPerCoreMw.value"],
      ["E_SPEC_COST_INVALID", "costs.synapseEncodings.sparse.energySynOpPj.value"],
      ["E_SPEC_OUT_OF_RANGE", "tickPeriodNs"],
      ["E_SPEC_SYNC_INVALID", "sync.table[0]"],
    ]));
  });
});

describe("run report finite guard", () => {
  it("names the first non-finite field", () => {
    expect(assertReportFinite({ a: 1, b: [0, 2] }, "c")).toEqual({ a: 1, b: [0, 2] });
    try {
      assertReportFinite({ a: 1, totals: { energyPj: { synapse: Infinity } } }, "c");
      expect.unreachable();
    } catch (e) {
      expect((e as AerchipError).code).toBe("E_REPORT_NOT_FINITE");
      expect((e as AerchipError).field).toBe("totals.energyPj.synapse");
    }
  });

  it("a run whose costs overflow (spec built in-process, past validation) fails instead of reporting Infinity", () => {
    const g = loadPreset("generic");
    const spec = { ...g, costs: { ...g.costs, energySynOpPj: { value: 1e308, ...src, evidence: "measured" as const } } };
    const run = (): unknown => compileAndRun(spec, loadModel("examples/demo/ei-small.net.json"), { provenance: { aerchipVersion: "test", inputs: [], options: {} }, timing: "simple" });
    expect(run).toThrow(expect.objectContaining({ code: "E_REPORT_NOT_FINITE" }));
  });
});
