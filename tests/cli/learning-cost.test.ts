import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

describe("aerchip learning-cost", () => {
  it("prints the S-TLLR tables for VGG-9 on DVS Gesture and the SHD RSNN with the formula ratios", async () => {
    const r = await cli("learning-cost", "--json");
    expect(r.code).toBe(0);
    const reports = JSON.parse(r.stdout) as Array<{ report: { T: number; Tl: number; ratios: { memory: number; memoryFormula: number; macs: number; macsFormula: number } } }>;
    expect(reports.map((x) => [x.report.T, x.report.Tl])).toEqual([[20, 15], [100, 10]]);
    // T/2 and 2T/(3(T − T_l)).
    expect(reports[0].report.ratios.memory).toBeCloseTo(20 / 2, 9);
    expect(reports[0].report.ratios.macs).toBeCloseTo((2 * 20) / (3 * 5), 9);
    expect(reports[1].report.ratios.macs).toBeCloseTo((2 * 100) / (3 * 90), 9);
    const text = await cli("learning-cost");
    expect(text.stdout).toMatch(/VGG-9/);
    expect(text.stdout).toMatch(/SHD/);
  });

  it("--T/--Tl without a model or --table apply to both default tables, checked as for one table", async () => {
    const text = await cli("learning-cost", "--T", "10", "--Tl", "5");
    expect(text.code).toBe(0);
    expect(text.stdout.match(/T = 10, T_l = 5/g)?.length).toBe(2);
    const bad = await cli("learning-cost", "--T", "10", "--Tl", "20");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/E_LEARNING_COST/);
    expect(bad.stdout).toBe("");
  });

  it("a model without --T is a usage error with a code", async () => {
    const r = await cli("learning-cost", "no-such-model.json");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_LEARNING_COST/);
  });
});
