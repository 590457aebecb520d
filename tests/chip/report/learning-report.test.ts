/**
 * The report's `learning` block (chip/report/learning-report.ts): an S-TLLR model run without a learning
 * signal (as `aerchip run` runs it) bills its synapse updates, changes no weight, and says so in
 * report.json and in the rendered reports; a pair-STDP model changes weights and gets no note. The block
 * validates against the report's JSON Schema; the energy and every counter stay as they were.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { RunReport } from "../../../chip/report/run-report.ts";
import { renderMarkdown } from "../../../chip/report/formats/markdown.ts";
import { renderCsv } from "../../../chip/report/formats/csv.ts";
import { reportJsonSchema } from "../../../chip/report/formats/json-schema.ts";
import { compileAndRun, loadModel } from "../../../cli/pipeline.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PAIR = "examples/learning/stdp-pair.model.json";

/** The shipped pair-STDP example with its rule replaced by S-TLLR (the audit's stllr.model.json). */
function stllrModelPath(): string {
  const model = JSON.parse(readFileSync(PAIR, "utf8"));
  model.projections[0].learning = { named: "s-tllr", lambdaPre: 0.75, lambdaPost: 0.2, alphaPre: 1, alphaPost: -1, learnFromTick: 0, learningRate: 0.05, rounding: "nearest" };
  const path = join(mkdtempSync(join(tmpdir(), "aerchip-learnrep-")), "stllr.model.json");
  writeFileSync(path, JSON.stringify(model));
  return path;
}

function runReport(path: string): RunReport {
  return compileAndRun(loadPreset("loihi"), loadModel(path), { provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple" }).report;
}

describe("report.learning", () => {
  it("S-TLLR without a learning signal: 1,080 updates billed, 0 weight changes, a note; energy = synUpdates × energySynUpdatePj", () => {
    const r = runReport(stllrModelPath());
    const l = r.learning!;
    // 80 ticks; 12 plastic synapses (4 inputs × 3 outputs); the counts the audit saw.
    expect([l.synUpdates, l.ruleEvaluations, l.weightChanges]).toEqual([1080, 1080, 0]);
    expect(l.synUpdates).toBe(r.totals.counters.synUpdates);
    // Run without SimulateOptions.gradedPsi: no Ψ drove the graded traces either (psi null, second note).
    expect(l.rules).toEqual([{ projection: "in_out", rule: "s-tllr", plasticSynapses: 12, weightChanges: 0, readsThirdFactor: true, thirdFactorNonZero: false, thirdFactorValues: 0, psi: null, gradedNonZero: false }]);
    expect(l.notes).toHaveLength(2);
    expect(l.notes[0]).toMatch(/third factor m/);
    expect(l.notes[1]).toMatch(/graded post traces/);
    // The hardware-faithful bill is unchanged: 1,080 × 120 pJ.
    const perUpdate = r.costs.find((c) => c.key === "energySynUpdatePj")!.value;
    expect(r.totals.energyPj.learning).toBeCloseTo(1080 * perUpdate, 9);
    const md = renderMarkdown(r);
    expect(md).toContain("0 of them changed a weight");
    expect(md).toContain("third factor m");
  });

  it("pair STDP: weight changes counted, no note", () => {
    const r = runReport(PAIR);
    const l = r.learning!;
    expect(l.weightChanges).toBeGreaterThan(0);
    expect(l.weightChanges).toBeLessThanOrEqual(l.synUpdates);
    expect(l.rules[0].thirdFactorNonZero).toBeNull();
    expect(l.notes).toEqual([]);
    expect(renderMarkdown(r)).not.toContain("third factor");
    // The CSV's totals row carries the count beside syn_updates.
    const [head, totals] = renderCsv(r).split("\n").map((line) => line.split(","));
    expect(Number(totals[head.indexOf("weight_changes")])).toBe(l.weightChanges);
    expect(Number(totals[head.indexOf("syn_updates")])).toBe(l.synUpdates);
  });

  it("validates against the report's JSON Schema; a model without learning has no block", () => {
    const validator = z.fromJSONSchema(reportJsonSchema() as Parameters<typeof z.fromJSONSchema>[0]);
    const r = JSON.parse(JSON.stringify(runReport(stllrModelPath())));
    const res = validator.safeParse(r);
    expect(res.success, res.success ? "" : JSON.stringify(res.error.issues.slice(0, 3))).toBe(true);
    expect(validator.safeParse({ ...r, learning: { ...r.learning, weightChanges: -1 } }).success).toBe(false);
    const spec = { ...loadPreset("generic"), core: { ...loadPreset("generic").core, maxNeurons: 64 } };
    const plain = compileAndRun(spec, loadModel("examples/demo/ei-small.net.json"), { provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple" }).report;
    expect(plain.learning).toBeUndefined();
  });
});
