/**
 * `compare --input FILE` reads and checks FILE once, before any chip runs (audit s24a finding 9): a missing,
 * truncated or misshapen input is the input's own error naming that file, exit 1, and no table or chip
 * directory is written (it used to run every chip, write four tables of identical error rows, then fail with
 * E_COMPARE_NOTHING_RAN naming the model).
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeNpy } from "../../core/io/npy.ts";
import { cli } from "../helpers/cli.ts";

/** Identity network over a [2, 3] input: out neuron i fires iff input i spiked. */
function identModel(dir: string): string {
  const eye = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i === j ? 1 : 0)));
  const path = join(dir, "ident.json");
  writeFileSync(path, JSON.stringify({
    format: "aerchip-model-1", name: "ident", steps: 3,
    populations: [{ name: "in", kind: "input", size: 6, shape: [2, 3] }, { name: "out", kind: "neuron", size: 6, vThreshold: 1 }],
    projections: [{ name: "p", pre: "in", post: "out", dense: { weights: eye, delays: 1 } }],
  }));
  return path;
}

describe("compare checks --input before any chip runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "aerchip-cmp-input-"));
  const model = identModel(dir);
  const good = writeNpy(new Float64Array(18).fill(0).map((_, i) => (i === 3 ? 1 : 0)), [3, 2, 3]);
  const truncated = join(dir, "cut.npy");
  writeFileSync(truncated, good.subarray(0, good.length - 7));
  const wrongShape = join(dir, "wide.npy");
  writeFileSync(wrongShape, writeNpy(new Float64Array(3 * 7), [3, 7]));
  const cases: Array<[string, string, RegExp]> = [
    ["a missing file", join(dir, "nonexist.npy"), /E_EVENTS_NOT_FOUND/],
    ["a truncated .npy", truncated, /E_NPY_TRUNCATED/],
    ["a tensor of the wrong shape", wrongShape, /E_EVENTS_SHAPE/],
  ];
  for (const [what, input, code] of cases) {
    it(`${what}: the input's error naming it, exit 1, nothing written`, async () => {
      const out = join(dir, `o-${readdirSync(dir).length}`);
      const r = await cli("compare", model, "--input", input, "--arch", "generic,loihi", "--out", out, "--quiet");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(code);
      expect(r.stderr).toContain(input);
      expect(r.stderr).not.toMatch(/E_COMPARE_NOTHING_RAN/);
      expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    });
  }

  it("a good input still runs on every chip", async () => {
    const input = join(dir, "good.npy");
    writeFileSync(input, good);
    const out = join(dir, "ok");
    const r = await cli("compare", model, "--input", input, "--arch", "generic,loihi", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, "compare.json"))).toBe(true);
  });
});
