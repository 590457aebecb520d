/**
 * TrueNorth bills its all-in 26 pJ per synaptic event on connected synapses only (chip spec synOpsBilledOn
 * "connected"; audit s23c #5): a zero weight in a dense row is an absent connection (connect bit 0), so it is no
 * event there, while synOps keeps counting every entry (SANA-FE parity). Loihi and ODIN keep billing entries.
 * tinyz (the audit's model): in → A dense [[1, 0], [1, 0]], A → B all 0.5. Inputs fire at ticks 0, 1, 2, so
 * A0 gets 3 inputs and fires 3 times (A1 never), each reaching B0 and B1:
 *   synOps = 3 input spikes × 2 entries + 3 A0 spikes × 2 entries = 12
 *   connected events = 3 × 1 (in0→A0, in1→A0) + 3 × 2 = 9  →  9 × 26 pJ = 234 pJ (12 × 26 = 312 before).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { energyTerms } from "../../chip/report/energy-terms.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import { loadPreset } from "../../chip/spec/load.ts";
import { validateChipSpec } from "../../chip/spec/validate.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-tn-connected-"));
const model = (name: string, inA: number[][]): string => {
  const p = join(dir, `${name}.model.json`);
  writeFileSync(p, JSON.stringify({
    format: "aerchip-model-1", name, steps: 6,
    populations: [
      { name: "in", kind: "input", size: 2, spikes: [[0, 0], [1, 1], [2, 0]] },
      { name: "A", kind: "neuron", size: 2, vThreshold: 1 },
      { name: "B", kind: "neuron", size: 2, vThreshold: 1 },
    ],
    projections: [
      { name: "in_A", pre: "in", post: "A", dense: { weights: inA, delays: 1 } },
      { name: "A_B", pre: "A", post: "B", dense: { weights: [[0.5, 0.5], [0.5, 0.5]], delays: 1 } },
    ],
  }));
  return p;
};
const run = async (m: string, arch: string, out: string): Promise<RunReport> => {
  const r = await cli("run", m, "--arch", arch, "--out", join(dir, out), "--quiet");
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(readFileSync(join(dir, out, "report.json"), "utf8")) as RunReport;
};
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

describe("synaptic energy on connected synapses (truenorth)", () => {
  const tinyz = model("tinyz", [[1, 0], [1, 0]]);

  it("tinyz on truenorth: 12 synOps, 9 connected events, 9 × 26 pJ = 234 pJ; per core, per tick and the energy terms agree", async () => {
    const r = await run(tinyz, "truenorth", "tn");
    const sop = r.costs.find((c) => c.key === "energySynOpPj")!.value;
    expect(sop).toBe(26);
    expect(r.totals.counters.synOps).toBe(12);
    expect(r.totals.synOpsBilledOn).toBe("connected");
    expect(r.totals.connectedSynOpsByEncoding).toEqual({ dense: 9 });
    expect(r.totals.energyPj.synapse).toBe(9 * sop);
    expect(r.totals.energyPj.synapse).toBe(234);
    expect(sum(r.perCore.map((c) => c.energyPj.synapse))).toBeCloseTo(234, 9);
    expect(sum(r.perTick.energyPj)).toBeCloseTo(r.totals.energyPj.dynamic, 9);
    const terms = energyTerms(r).filter((t) => t.component === "synapse");
    expect(terms.map((t) => [t.countKey, t.count, t.energyPj])).toEqual([["connected_syn_ops", 9, 234]]);
    const md = await cli("report", join(dir, "tn", "report.json"), "--format", "md");
    expect(md.stdout).toMatch(/synaptic events on connected synapses/);
  });

  it("with no zero weight, connected events equal synOps in every tick (the count follows the spikes tick by tick)", async () => {
    const r = await run(model("tinyall", [[1, 1], [1, 1]]), "truenorth", "tn-all");
    expect(r.totals.connectedSynOpsByEncoding).toEqual({ dense: r.totals.counters.synOps });
    const sop = r.costs.find((c) => c.key === "energySynOpPj")!.value;
    r.perTick.synOps.forEach((n, t) => expect(r.perTick.energyPj[t]).toBeCloseTo(n * sop, 9));
  });

  it("loihi and odin still bill every entry (12 synOps), as before", async () => {
    for (const arch of ["loihi", "odin"]) {
      const r = await run(tinyz, arch, `tz-${arch}`);
      const sop = r.costs.find((c) => c.key === "energySynOpPj")!.value;
      expect(r.totals.synOpsBilledOn).toBeUndefined();
      expect(r.totals.connectedSynOpsByEncoding).toBeUndefined();
      expect(r.totals.energyPj.synapse).toBeCloseTo(12 * sop, 9);
    }
  });

  it("the basis is data in the preset, with its source, and a spec's value is checked", () => {
    const tn = loadPreset("truenorth");
    expect(tn.synOpsBilledOn).toBe("connected");
    expect(tn.fieldSources?.synOpsBilledOn).toMatch(/Merolla/);
    for (const name of ["loihi", "loihi-sanafe", "odin"]) expect(loadPreset(name).synOpsBilledOn).toBeUndefined();
    const bad = validateChipSpec({ ...tn, synOpsBilledOn: "nonzero" });
    expect(bad.map((d) => `${d.code} ${d.field}`)).toContain("E_SPEC_INVALID synOpsBilledOn");
  });
});
