/**
 * `aerchip rerun` after a new commit: report.json records the code version (provenance.aerchipVersion,
 * provenance.gitCommit), which changes with every commit even when the results do not. A re-run whose
 * report differs only there succeeds and says which version made each report; any other difference (a
 * number) is E_RERUN_DIFFERS naming the field, and the complete re-run outputs are kept for diffing.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stableJson } from "../../core/atomic-write.ts";
import { cli } from "../helpers/cli.ts";
import { tinyModel } from "../helpers/tiny-model.ts";

describe("rerun compares results, and reports the code version separately", () => {
  it("passes when only aerchipVersion and gitCommit differ, and names both versions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-rerun-ver-"));
    const run = await cli("run", tinyModel(dir), "--arch", "generic", "--out", join(dir, "o"), "--quiet");
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "o", "report.json"), "utf8"));
    report.provenance.aerchipVersion = "0.0.0-old";
    report.provenance.gitCommit = "0123456789abcdef0123456789abcdef01234567";
    const file = join(dir, "old-commit.json");
    writeFileSync(file, stableJson(report));

    const text = await cli("rerun", file, "--out", join(dir, "r1"));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/same results/);
    expect(text.stdout).toContain("0123456789abcdef0123456789abcdef01234567");
    expect(text.stdout).toContain("0.0.0-old");

    const json = await cli("rerun", file, "--out", join(dir, "r2"), "--json");
    expect(json.code).toBe(0);
    const line = JSON.parse(json.stdout);
    expect(line).toMatchObject({ identical: false, sameResults: true });
    expect(line.codeVersionChanges).toHaveLength(2);
  });

  it("fails with E_RERUN_DIFFERS when a number differs, names the field, and keeps the re-run's report for diffing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-rerun-num-"));
    const run = await cli("run", tinyModel(dir), "--arch", "generic", "--out", join(dir, "o"), "--quiet");
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "o", "report.json"), "utf8"));
    report.provenance.gitCommit = "0123456789abcdef0123456789abcdef01234567";
    report.totals.counters.synOps += 1;
    const file = join(dir, "edited.json");
    writeFileSync(file, stableJson(report));
    const out = join(dir, "r");
    const r = await cli("rerun", file, "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_RERUN_DIFFERS/);
    // The leaf that differs, not just its top-level object.
    expect(r.stderr).toContain("totals.counters.synOps");
    expect(r.stderr).toMatch(/compare the two reports/);
    expect(r.stderr).not.toMatch(/in [^(]*provenance\.gitCommit/);
    expect(r.stderr).toContain(join(out, "report.json"));
    expect(existsSync(join(out, "report.json"))).toBe(true);
  });

  it("a report from an older aerchip, lacking fields this one writes, is named as such: the shared fields are equal", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-rerun-old-"));
    const run = await cli("run", tinyModel(dir), "--arch", "generic", "--out", join(dir, "o"), "--quiet");
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "o", "report.json"), "utf8"));
    // As written before totals.timeBasis and tickPeriodNs existed.
    delete report.totals.timeBasis;
    delete report.totals.tickPeriodNs;
    const file = join(dir, "older.json");
    writeFileSync(file, stableJson(report));
    const r = await cli("rerun", file, "--out", join(dir, "r"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_RERUN_DIFFERS/);
    expect(r.stderr).toContain("totals.timeBasis (only in the re-run)");
    expect(r.stderr).toMatch(/every field both reports have is equal/);
    expect(r.stderr).not.toMatch(/the difference comes from aerchip itself/);
  });
});
