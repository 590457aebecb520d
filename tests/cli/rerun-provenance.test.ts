/**
 * `aerchip rerun` checks the options a report recorded with the command line's own rules before it runs
 * anything: an edited report (placement "banana", seed -1 or 1e20, steps beyond the limit) is refused
 * with E_RERUN_PROVENANCE naming the report and the field, and nothing is written.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { tinyModel } from "../helpers/tiny-model.ts";

describe("rerun validates the recorded options", () => {
  it("refuses invalid placement, precision, timing, seed, steps and tickUs, naming the field, and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-rerun-"));
    const run = await cli("run", tinyModel(dir), "--arch", "generic", "--out", join(dir, "o"), "--quiet");
    expect(run.code).toBe(0);
    const original = JSON.parse(readFileSync(join(dir, "o", "report.json"), "utf8"));
    const ok = await cli("rerun", join(dir, "o", "report.json"), "--out", join(dir, "same"), "--quiet");
    expect(ok.code).toBe(0);
    const edits: Array<[string, unknown]> = [
      ["placement", "banana"], ["precision", "banana"], ["timing", "banana"],
      ["seed", -1], ["seed", 1e20], ["seed", 4294967296], ["seed", 0.5],
      ["steps", 1e9], ["coreNeurons", 0], ["tickUs", 0],
    ];
    for (const [key, value] of edits) {
      const edited = structuredClone(original);
      edited.provenance.options[key] = value;
      const file = join(dir, `edited-${key}.json`);
      writeFileSync(file, JSON.stringify(edited, null, 2));
      const out = join(dir, `rr-${key}-${String(value)}`);
      const r = await cli("rerun", file, "--out", out);
      expect(r.code, `${key} ${String(value)}`).toBe(1);
      expect(r.stderr).toMatch(/E_RERUN_PROVENANCE/);
      expect(r.stderr).toContain(`field: provenance.options.${key}`);
      expect(r.stderr).toContain(file);
      expect(existsSync(out), `${key}: nothing written`).toBe(false);
    }
  });
});
