/**
 * A report without `metrics` (written by an older aerchip) cannot be rendered: E_REPORT_NO_METRICS names
 * the file that was given (it said `report.json` whatever the path), for every rendered format.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { tinyModel } from "../helpers/tiny-model.ts";

describe("report: E_REPORT_NO_METRICS names the report file", () => {
  it("for md, latex, csv and html", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-nometrics-"));
    const run = await cli("run", tinyModel(dir), "--arch", "generic", "--out", join(dir, "o"), "--quiet");
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "o", "report.json"), "utf8"));
    delete report.metrics;
    const file = join(dir, "old-nometrics.json");
    writeFileSync(file, JSON.stringify(report));
    for (const format of ["md", "latex", "csv", "html"]) {
      const r = await cli("report", file, "--format", format);
      expect(r.code, format).toBe(1);
      expect(r.stderr).toMatch(/E_REPORT_NO_METRICS/);
      expect(r.stderr, format).toContain(`file: ${file}`);
    }
  });
});
