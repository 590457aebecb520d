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
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/E_CLI_OPTION/);
    expect(bad.stderr).toContain("field: --Tl");
    expect(bad.stdout).toBe("");
    // --T alone below a table's own T_l (VGG-9: 15) names --T.
    const low = await cli("learning-cost", "--table", "vgg9-dvs-gesture", "--T", "10");
    expect([low.code, low.stdout]).toEqual([2, ""]);
    expect(low.stderr).toContain("field: --T]");
  });

  it("a model without --T is a usage error with a code", async () => {
    const r = await cli("learning-cost", "no-such-model.json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CLI_OPTION/);
    expect(r.stderr).toContain("field: --T");
    const table = await cli("learning-cost", "no-such-model.json", "--T", "20", "--Tl", "15", "--table", "shd-rsnn");
    expect(table.code).toBe(2);
    expect(table.stderr).toContain("field: --table");
  });

  it("an unknown --table is a usage error naming --table (exit 2)", async () => {
    for (const name of ["nosuch", "constructor"]) {
      const r = await cli("learning-cost", "--table", name);
      expect([r.code, r.stdout], name).toEqual([2, ""]);
      expect(r.stderr).toMatch(/E_CLI_OPTION/);
      expect(r.stderr).toContain("field: --table");
    }
  });

  it("--T and --Tl have an upper bound (no Infinity or NaN in the tables); at the bound the figures are finite", async () => {
    for (const args of [["--T", "1e300"], ["--T", "1000001"], ["--table", "shd-rsnn", "--T", "1e300"], ["--T", "20", "--Tl", "1e300"]]) {
      const r = await cli("learning-cost", ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(new RegExp(args.includes("--Tl") ? "--Tl" : "--T "));
      expect(r.stdout).toBe("");
    }
    const max = await cli("learning-cost", "--T", "1000000", "--Tl", "999999", "--json");
    expect(max.code, max.stderr).toBe(0);
    expect(max.stdout).not.toMatch(/Infinity|NaN|null/);
  });
});
