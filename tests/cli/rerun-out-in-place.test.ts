/**
 * `aerchip rerun FILE --out DIR` where DIR holds FILE (or the weights.json / layer-ticks.csv compared beside
 * it): the re-run would replace the original and then compare it with itself, declaring an edited original
 * byte-identical (audit s22b #3). Refused up front with E_CLI_OPTION (exit 2), the original left as it was;
 * for reports and for train.json alike, also through a symbolic link to the directory.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { sample } from "../helpers/pair-samples.ts";
import { tinyModel } from "../helpers/tiny-model.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-rerun-inplace-"));

describe("rerun --out the original's own directory", () => {
  it("a report: refused (E_CLI_OPTION, exit 2), the edited original kept; another directory finds the difference", async () => {
    const out = join(dir, "rr");
    expect((await cli("run", tinyModel(dir), "--arch", "generic", "--out", out, "--per-layer-ticks", "--quiet")).code).toBe(0);
    const file = join(out, "report.json");
    const edited = readFileSync(file, "utf8").replace(/"spikes": (\d+)/, (_m, n: string) => `"spikes": ${Number(n) + 1}`);
    writeFileSync(file, edited);
    symlinkSync(out, join(dir, "rr-link"));
    for (const target of [out, join(out, "..", "rr"), join(dir, "rr-link")]) {
      const r = await cli("rerun", file, "--out", target);
      expect(r.code, target).toBe(2);
      expect(r.stderr).toMatch(/E_CLI_OPTION/);
      expect(r.stderr).toContain(file);
      expect(readFileSync(file, "utf8")).toBe(edited);
    }
    const elsewhere = await cli("rerun", file, "--out", join(dir, "rr2"));
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/E_RERUN_DIFFERS/);
  });

  it("a train.json: refused, its weights.json kept as edited", async () => {
    const data = join(dir, "data");
    mkdirSync(data, { recursive: true });
    sample(join(data, "a.npy"), 20, (t, i) => i < 2 && t % 3 === 0);
    sample(join(data, "b.npy"), 20, (t, i) => t % 4 === i);
    const out = join(dir, "tr");
    expect((await cli("train", "examples/learning/stdp-pair.model.json", "--input", data, "--arch", "loihi", "--out", out, "--quiet")).code).toBe(0);
    const weights = join(out, "weights.json");
    const edited = readFileSync(weights, "utf8").replace(/"weights":\s*\[\s*[0-9.]+/, '"weights":[0.123');
    expect(edited).not.toBe(readFileSync(weights, "utf8"));
    writeFileSync(weights, edited);
    const r = await cli("rerun", join(out, "train.json"), "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CLI_OPTION/);
    expect(readFileSync(weights, "utf8")).toBe(edited);
    const elsewhere = await cli("rerun", join(out, "train.json"), "--out", join(dir, "tr2"));
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/E_RERUN_DIFFERS.*weights\.json/);
  }, 60_000);
});
