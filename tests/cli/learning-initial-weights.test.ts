/**
 * W_LEARNING_INITIAL_WEIGHTS_OUTSIDE_BOUNDS reaches the user of `aerchip run` and `aerchip train` (audit s23d #1):
 * stderr, and report.json's learning.warnings / train.json's warnings; a model inside the bounds gets none.
 * The engine's semantics are tested in tests/chip/sim/learning-initial-weights.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { sample } from "../helpers/pair-samples.ts";

const MODEL = "examples/learning/stdp-pair.model.json";
const dir = mkdtempSync(join(tmpdir(), "aerchip-initial-weights-"));
const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, "utf8")) as T;

/** The example with two starting weights outside the rule's [0, 1] (1.5 and −0.25). */
function outsideModel(): string {
  const m = readJson<{ projections: Array<{ dense: { weights: number[][] } }> }>(MODEL);
  m.projections[0].dense.weights[0][0] = 1.5;
  m.projections[0].dense.weights[3][2] = -0.25;
  const p = join(dir, "outside.model.json");
  writeFileSync(p, JSON.stringify(m));
  return p;
}

describe("starting weights outside a learning rule's bounds", () => {
  const model = outsideModel();
  const line = /W_LEARNING_INITIAL_WEIGHTS_OUTSIDE_BOUNDS: projection "in_out": 2 of its 12 plastic synapses .*\[0, 1\] \(largest distance 0\.500000\)/;

  it("run: on stderr and in report.json learning.warnings; none inside the bounds", async () => {
    const out = join(dir, "run");
    const r = await cli("run", model, "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(line);
    const report = readJson<{ learning: { warnings?: string[]; rules: Array<{ initialWeightsOutsideBounds?: number }> } }>(join(out, "report.json"));
    expect(report.learning.warnings).toHaveLength(1);
    expect(report.learning.warnings![0]).toMatch(line);
    expect(report.learning.rules[0].initialWeightsOutsideBounds).toBe(2);
    const inside = join(dir, "inside");
    const ok = await cli("run", MODEL, "--arch", "generic", "--out", inside);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).not.toMatch(/W_LEARNING_INITIAL/);
    expect(readJson<{ learning: { warnings?: string[] } }>(join(inside, "report.json")).learning.warnings).toBeUndefined();
  }, 60_000);

  it("train: on stderr and in train.json warnings", async () => {
    const data = join(dir, "data");
    mkdirSync(data, { recursive: true });
    sample(join(data, "a.npy"), 12, (t, i) => t % 3 === i % 3);
    const out = join(dir, "train");
    const r = await cli("train", model, "--input", data, "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(line);
    const doc = readJson<{ warnings?: string[] }>(join(out, "train.json"));
    expect(doc.warnings?.filter((w) => line.test(w))).toHaveLength(1);
  }, 60_000);

  it("compare: once on stderr and in compare.json / compare.md, over the chips that ran (audit s23y #3)", async () => {
    const out = join(dir, "compare");
    const r = await cli("compare", model, "--arch", "generic,loihi", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split("\n").filter((l) => line.test(l))).toHaveLength(1);
    expect(readJson<{ warnings?: string[] }>(join(out, "compare.json")).warnings?.filter((w) => line.test(w))).toHaveLength(1);
    expect(readFileSync(join(out, "compare.md"), "utf8")).toContain("W\\_LEARNING\\_INITIAL\\_WEIGHTS\\_OUTSIDE\\_BOUNDS: projection \"in\\_out\"");
  }, 60_000);
});
