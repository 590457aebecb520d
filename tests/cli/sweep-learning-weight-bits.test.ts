/**
 * Sweeping a learning rule's weight width (audit s24b #12): `learningWeightBits` sets every learning rule's
 * weightBits per point (float precision), bounded by the chip's precision.weightBits (E_LEARNING_WEIGHT_BITS
 * rows); a plastic model with fixed-point points is refused before any point runs, naming the axis that
 * works; E_SWEEP_NOTHING_RAN's hint follows the points' codes (it said "more weight bits" whatever failed).
 */
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../core/diagnostics.ts";
import { sweepCommand } from "../../cli/commands/sweep.ts";
import { parseSweepConfig } from "../../cli/sweep/config.ts";
import { buildGrid, pointId } from "../../cli/sweep/grid.ts";
import { withLearningWeightBits } from "../../cli/sweep/point.ts";
import { sweepNothingRanHint } from "../../cli/sweep/nothing-ran.ts";
import { loadJsonModel } from "../../compiler/frontends/load-model.ts";
import { compileModel } from "../../compiler/compile.ts";
import { simulate } from "../../chip/sim/run.ts";
import { loadPreset } from "../../chip/spec/load.ts";
import { createTimingModel } from "../../chip/timing/index.ts";
import { sha256File } from "../../cli/provenance.ts";

const PAIR = resolve("examples/learning/stdp-pair.model.json");
const DEMO = resolve("examples/demo/ei-small.net.json");
const dir = mkdtempSync(join(tmpdir(), "aerchip-lwb-"));
copyFileSync(PAIR, join(dir, "pair.json"));
copyFileSync(DEMO, join(dir, "demo.json"));
const sweepFile = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
async function errorOf(p: Promise<unknown>): Promise<AerchipError> {
  try { await p; } catch (e) { if (e instanceof AerchipError) return e; throw e; }
  throw new Error("expected an AerchipError");
}

describe("learningWeightBits", () => {
  it("sets every learning rule's weightBits: the final weights lie on the b-bit grid and differ from the float rule's", () => {
    const m = loadJsonModel(PAIR);
    const spec = loadPreset("loihi");
    const finals = (b: number | null) => {
      const { program } = compileModel(withLearningWeightBits(m.graph, b, PAIR), spec, {});
      expect(program.projections[0].learning?.weightBits).toBe(b ?? undefined);
      return simulate(spec, program, m.stimulus, { steps: 80, timing: createTimingModel("simple") }).finalWeights.get("in_out")!;
    };
    const w3 = finals(3);
    // wMin 0, wMax 1: the grid is k/7.
    for (const w of w3) expect(Math.abs(w * 7 - Math.round(w * 7))).toBeLessThan(1e-9);
    expect(Array.from(w3)).not.toEqual(Array.from(finals(null)));
  });

  it("a sweep over it: one row per width, widths above the chip's are E_LEARNING_WEIGHT_BITS rows", async () => {
    const f = sweepFile("lwb.yaml", "model: pair.json\narch: loihi\nlearningWeightBits: [9, 3, 10]\n");
    const out = join(dir, "out-lwb");
    const summary = await sweepCommand(f, { out, quiet: true, threads: 1 });
    expect(summary.points).toBe(3);
    const [head, ...rows] = readFileSync(join(out, "sweep.csv"), "utf8").trim().split("\n");
    const cols = head.split(",");
    const col = (name: string) => rows.map((r) => r.split(",")[cols.indexOf(name)]);
    expect(col("learning_weight_bits")).toEqual(["9", "3", "10"]);
    expect(col("precision")).toEqual(["float", "float", "float"]);
    expect(col("status")).toEqual(["ok", "ok", "E_LEARNING_WEIGHT_BITS"]);
    expect(readFileSync(join(out, "sweep.md"), "utf8")).toContain("Rule weight bits");
  }, 60_000);

  it("a plastic model with fixed-point points is refused before any point runs, naming learningWeightBits", async () => {
    const e = await errorOf(sweepCommand(sweepFile("wb.yaml", "model: pair.json\narch: loihi\nweightBits: {from: 6, to: 8}\n"), { out: join(dir, "out-wb"), quiet: true, threads: 1 }));
    expect(e.code).toBe("E_SWEEP_FIELD");
    expect(e.field).toBe("weightBits");
    expect(e.file).toBe(join(dir, "wb.yaml"));
    expect(e.hint).toContain("learningWeightBits");
    const p = await errorOf(sweepCommand(sweepFile("fx.yaml", "model: pair.json\narch: loihi\nprecision: fixed\n"), { out: join(dir, "out-fx"), quiet: true, threads: 1 }));
    expect(p.field).toBe("precision");
  });

  it("is refused on a model without a learning rule", async () => {
    const e = await errorOf(sweepCommand(sweepFile("demo.yaml", "model: demo.json\narch: loihi\nlearningWeightBits: [4, 8]\n"), { out: join(dir, "out-demo"), quiet: true, threads: 1 }));
    expect(e.code).toBe("E_SWEEP_FIELD");
    expect(e.field).toBe("learningWeightBits");
  });

  it("points of sweeps without it keep their ids (the fingerprint of the eight axes before it)", () => {
    const f = sweepFile("plain.yaml", "model: demo.json\narch: loihi\nweightBits: [4, 8]\n");
    const cfg = parseSweepConfig(readFileSync(f, "utf8"), f);
    const sha = sha256File(join(dir, "demo.json"));
    const ids = buildGrid(cfg).tasks.map((t) => t.id);
    expect(ids).toEqual([4, 8].map((wb) => pointId({
      v: 1, model: sha, input: null, steps: null, timing: "simple", tickUs: null, archSha: null,
      params: ["loihi", 0, "fixed", "greedy", null, null, null, wb],
    })));
  });
});

describe("E_SWEEP_NOTHING_RAN's hint follows the codes", () => {
  it("names learningWeightBits for E_FIXED_PLASTIC_UNSUPPORTED and more cores only for a model that does not fit", () => {
    const plastic = sweepNothingRanHint(["E_FIXED_PLASTIC_UNSUPPORTED", "E_FIXED_PLASTIC_UNSUPPORTED"]);
    expect(plastic).toContain("learningWeightBits");
    expect(plastic).not.toMatch(/more cores|more weight bits/);
    expect(sweepNothingRanHint(["E_CHIP_CORES_EXCEEDED"])).toContain("more cores");
    expect(sweepNothingRanHint(["E_LEARNING_WEIGHT_BITS"])).toContain("precision.weightBits");
    expect(sweepNothingRanHint(["E_INPUT_SHAPE"])).toMatch(/E_INPUT_SHAPE: change the model/);
  });
});
