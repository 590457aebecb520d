/**
 * W_NIR_HELPER_FIXED_POINT (cli/nir-helper-agreement.ts, audit s23a #1): a NIR helper source whose fixed-point
 * spikes are not its float spikes is a warning; NIR node populations (compared in agreementWithFloat too,
 * where quantisation may move spikes) and float runs give none.
 */
import { describe, expect, it } from "vitest";
import { helperSourceWarnings } from "../../cli/nir-helper-agreement.ts";
import type { RunReport } from "../../chip/report/run-report.ts";

const agreement = (rows: Array<[string, number, number, number]>): RunReport =>
  ({ precision: { agreementWithFloat: rows.map(([population, spikes, spikesFloat, shared]) => ({ population, spikes, spikesFloat, shared, jaccard: 0 })) } }) as unknown as RunReport;

describe("helper sources in fixed point", () => {
  it("warns for a helper whose spikes differ from float (the old __nir_once: 0 against 1), not for a node", () => {
    const w = helperSourceWarnings(agreement([["__nir_bias", 120, 120, 120], ["__nir_once", 0, 1, 0], ["lif", 164, 165, 150]]), new Set(["in", "lif"]), "m.nir");
    expect(w.map((d) => d.code)).toEqual(["W_NIR_HELPER_FIXED_POINT"]);
    expect(w[0].message).toContain("\"__nir_once\"");
    expect(w[0].message).toContain("0 spikes in fixed point against 1 in float");
    expect(w[0].file).toBe("m.nir");
  });

  it("warns when the counts agree but the spikes do not (shared below the count)", () => {
    expect(helperSourceWarnings(agreement([["__nir_once", 1, 1, 0]]), new Set(), "m.nir")).toHaveLength(1);
  });

  it("says nothing for a float run (no precision section) or helpers that agree", () => {
    expect(helperSourceWarnings({} as RunReport, new Set(), "m.nir")).toEqual([]);
    expect(helperSourceWarnings(agreement([["__nir_bias", 5, 5, 5], ["__nir_once", 1, 1, 1]]), new Set(), "m.nir")).toEqual([]);
  });
});
