/**
 * pdflatex stops on a Unicode character it has no definition for, so the LaTeX tables must be plain ASCII
 * (chip/report/formats/latex.ts spells out every symbol the report texts use: Σ, ÷, ≠, ‰, …). Every kind
 * of table is rendered here (float and fixed point, readouts, learning notes, a paced time basis, chip
 * overrides, NIR outputs, energy terms) from runs whose names are ASCII, and no other character may remain.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../../helpers/cli.ts";
import { renderLatex } from "../../../chip/report/formats/latex.ts";
import type { RunReport } from "../../../chip/report/run-report.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-latex-ascii-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** A readout beside a spiking layer, and an S-TLLR projection (learning notes: no learning signal). */
const MODEL = {
  format: "aerchip-model-1", name: "ascii", steps: 12,
  populations: [
    { name: "in", kind: "input", size: 3, spikes: [[0, 0], [1, 0], [2, 1], [4, 2], [6, 0]] },
    { name: "H", kind: "neuron", size: 2, vThreshold: 1, reset: "zero" },
    { name: "R", kind: "neuron", size: 3, spiking: false, voltageDecay: 0.5 },
  ],
  projections: [
    { name: "in_R", pre: "in", post: "R", sparse: { pre: [0, 1, 2], post: [0, 1, 2], weights: [1, 4, 3], delays: 1 } },
    {
      name: "in_H", pre: "in", post: "H", dense: { weights: [[1, 0.5], [0.5, 1], [1, 1]], delays: 1 },
      learning: { named: "s-tllr", lambdaPre: 0.75, lambdaPost: 0.2, alphaPre: 1, alphaPost: -1, learnFromTick: 0, learningRate: 0.05, rounding: "nearest" },
    },
  ],
};

const NON_ASCII = /[^\x00-\x7F]/gu; // eslint-disable-line no-control-regex

async function reportOf(model: string, name: string, ...args: string[]): Promise<RunReport> {
  const out = join(TMP, name);
  const r = await cli("run", join(TMP, model), "--out", out, "--quiet", ...args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;
}

describe("LaTeX tables are plain ASCII", () => {
  it("for every kind of table", async () => {
    writeFileSync(join(TMP, "m.json"), JSON.stringify(MODEL));
    // Fixed-point runs take no on-chip learning: the same model without the rule.
    writeFileSync(join(TMP, "static.json"), JSON.stringify({ ...MODEL, projections: MODEL.projections.map(({ learning: _, ...p }) => p) }));
    const reports: RunReport[] = [
      await reportOf("m.json", "float", "--arch", "loihi"),
      await reportOf("static.json", "fixed", "--arch", "loihi", "--precision", "fixed"),
      await reportOf("m.json", "paced", "--arch", "generic", "--core-neurons", "2", "--tick-period-us", "1000"),
      await reportOf("static.json", "cim", "--arch", "cim-crossbar"),
    ];
    const base = reports[0];
    reports.push({
      ...base,
      nir: {
        version: "0.2.0", steps: 7, extraTicks: 3, inputShape: [3],
        outputs: [{ output: "output", node: "H", spiking: true, counts: [1, 5] }, { output: "v", node: "R", spiking: false, counts: null }],
        projections: [{ projection: "in_H", pre: "in", post: "H", via: ["fc"], modelWeights: 6, synapses: 6, encoding: "dense" }],
        warnings: [],
      },
    } as RunReport);
    expect(base.readouts?.length).toBe(1);
    // No learning signal m and no Ψ drive (the rule names no psi): two notes.
    expect(base.learning?.notes.length).toBe(2);
    for (const r of reports) {
      const tex = renderLatex(r);
      expect([...new Set(tex.match(NON_ASCII) ?? [])], `${r.chip.name} ${r.precision === undefined ? "float" : "fixed"}`).toEqual([]);
    }
  });
});
