/**
 * Learning-outcome columns of a sweep (s24 "does my STDP design still learn at 8-bit weights?"): on
 * stdp-pair spikes, SOPs and energy are identical at every rule width, while at 2 bits every weight sticks
 * on its grid (updates of 2^-5 are below half a step of 1/3) and at 8 bits all 12 move. A static model's
 * sweep has none of the columns, so its outputs keep their bytes.
 */
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { sweepCommand } from "../../cli/commands/sweep.ts";
import { SWEEP_CSV_COLUMNS, SWEEP_CSV_LEARNING_COLUMNS } from "../../cli/sweep/formats.ts";
import { learningOutcome } from "../../cli/sweep/learning-outcome.ts";
import { withLearningWeightBits, type PointRow } from "../../cli/sweep/point.ts";
import { checkPointRow, sealPointRow } from "../../cli/sweep/point-check.ts";
import { loadJsonModel } from "../../compiler/frontends/load-model.ts";
import { compileModel } from "../../compiler/compile.ts";
import { simulate } from "../../chip/sim/run.ts";
import { loadPreset } from "../../chip/spec/load.ts";
import { createTimingModel } from "../../chip/timing/index.ts";

const PAIR = resolve("examples/learning/stdp-pair.model.json");
const dir = mkdtempSync(join(tmpdir(), "aerchip-lo-"));
copyFileSync(PAIR, join(dir, "pair.json"));
copyFileSync(resolve("examples/demo/ei-small.net.json"), join(dir, "demo.json"));
const sweepFile = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };

describe("sweep learning outcome", () => {
  it("measures Δw from the start weight on the rule's grid: a run's own final weights", () => {
    const m = loadJsonModel(PAIR);
    const spec = loadPreset("loihi");
    const at = (b: number) => {
      const graph = withLearningWeightBits(m.graph, b, PAIR);
      const { program } = compileModel(graph, spec, {});
      return learningOutcome(graph, simulate(spec, program, m.stimulus, { steps: 80, timing: createTimingModel("simple") }).finalWeights)!;
    };
    const w2 = at(2), w8 = at(8);
    expect(w2.synapses).toBe(12);
    expect(w2.changed).toBe(0);
    expect(w2.maxAbsChange).toBeLessThan(1e-9);
    expect(w8.changed).toBe(12);
    expect(w8.meanAbsChange).toBeGreaterThan(0.05);
    expect(w8.maxAbsChange).toBeGreaterThanOrEqual(w8.meanAbsChange);
  });

  it("a learningWeightBits sweep says which width learns, in every format; spikes alone do not", async () => {
    const out = join(dir, "out");
    await sweepCommand(sweepFile("lwb.yaml", "model: pair.json\narch: loihi\nlearningWeightBits: [2, 8]\n"), { out, quiet: true, threads: 1 });
    const [head, ...rows] = readFileSync(join(out, "sweep.csv"), "utf8").trim().split("\n");
    const cols = head.split(",");
    expect(cols).toEqual([...SWEEP_CSV_COLUMNS, ...SWEEP_CSV_LEARNING_COLUMNS]);
    const col = (name: string) => rows.map((r) => r.split(",")[cols.indexOf(name)]);
    expect(new Set(col("spikes")).size).toBe(1);
    expect(col("learning_synapses")).toEqual(["12", "12"]);
    expect(col("learning_weights_changed")).toEqual(["0", "12"]);
    expect(Number(col("learning_mean_abs_weight_change")[0])).toBe(0);
    expect(Number(col("learning_mean_abs_weight_change")[1])).toBeGreaterThan(0.05);
    const doc = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8")) as { rows: Array<{ id: string; learning?: { changed: number } }> };
    expect(doc.rows.map((r) => r.learning?.changed)).toEqual([0, 12]);
    const md = readFileSync(join(out, "sweep.md"), "utf8");
    expect(md).toContain("Weights changed");
    expect(md).toContain("0 of 12");
    expect(md).toContain("12 of 12");
    const tex = readFileSync(join(out, "sweep.tex"), "utf8");
    expect(tex).toContain("Weights changed");
    // No "|" (a dash in LaTeX's default font encoding): "abs Δw", Δ set in math.
    expect(tex).toMatch(/Mean abs[^&]*\\ensuremath\{\\Delta\}w/);
    expect(tex).not.toContain("|");
    // A point file with its learning outcome resumes as it was written.
    const c = checkPointRow(JSON.parse(readFileSync(join(out, "points", `${doc.rows[1].id}.json`), "utf8")) as Record<string, unknown>);
    expect(c.ok && c.row.learning?.changed).toBe(12);
    const bad = sealPointRow({ ...(doc.rows[1] as unknown as PointRow), learning: { synapses: 12, changed: 13, meanAbsChange: 0, maxAbsChange: 0 } });
    expect(checkPointRow(bad as unknown as Record<string, unknown>)).toMatchObject({ ok: false });
  }, 60_000);

  it("a static model's sweep has no learning columns or fields", async () => {
    const out = join(dir, "out-static");
    await sweepCommand(sweepFile("static.yaml", "model: demo.json\narch: loihi\nseed: [0, 1]\n"), { out, quiet: true, threads: 1 });
    expect(readFileSync(join(out, "sweep.csv"), "utf8").split("\n")[0]).toBe(SWEEP_CSV_COLUMNS.join(","));
    expect(readFileSync(join(out, "sweep.json"), "utf8")).not.toContain("\"learning\":{");
    expect(readFileSync(join(out, "sweep.md"), "utf8")).not.toContain("Weights changed");
  }, 60_000);
});
