/**
 * A chip name ending in `*` (a preset with command-line overrides) is explained where it is printed:
 * the run summary and the report's summary name the overrides (audit-docs finding 12).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

describe("chip names with overrides", () => {
  it("the run summary and the Markdown report say what generic* is", async () => {
    const out = mkdtempSync(join(tmpdir(), "aerchip-overrides-"));
    const run = await cli("run", "tests/golden/report/known-rates.net.json", "--arch", "generic", "--core-neurons", "3", "--out", out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("on generic*");
    expect(run.stdout).toContain("generic*: chip generic with overrides (--core-neurons 3).");
    const md = await cli("report", join(out, "report.json"), "--format", "md");
    expect(md.stdout).toContain("generic*: chip generic with overrides (--core-neurons 3).");
    const stock = await cli("run", "tests/golden/report/known-rates.net.json", "--arch", "generic", "--out", join(out, "stock"));
    expect(stock.code, stock.stderr).toBe(0);
    expect(stock.stdout).not.toContain("with overrides");
  });
});
