/**
 * perCore[].synOpsByEncoding (audit s22a finding 5): on a preset with per-encoding synapse costs
 * (loihi-sanafe: dense 35.5 pJ, sparse 33.6 pJ per synaptic op), each core's synapse energy is its own
 * per-encoding counts × the costs in report.costs; the CSV has the split as core_encoding rows and the
 * Markdown per-core table as SOP columns. The totals are the sums of the per-core splits.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunReport } from "../../../chip/report/run-report.ts";
import { renderCsv, CSV_COLUMNS } from "../../../chip/report/formats/csv.ts";
import { renderMarkdown } from "../../../chip/report/formats/markdown.ts";
import { runReportSchema } from "../../../chip/report/formats/json-schema.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { compileAndRun, loadModel } from "../../../cli/pipeline.ts";

const PROV = { aerchipVersion: "test", inputs: [], options: { seed: 0 } };

/**
 * 12 inputs → 20 LIF (dense) → 8 LIF (sparse), plus a sparse recurrent h → h, so h's cores receive both
 * encodings; inputs fire every other tick; several cores of 10 on loihi-sanafe.
 */
function twoEncodingReport(): RunReport {
  const dir = mkdtempSync(join(tmpdir(), "aerchip-enc-"));
  const spikes: Array<[number, number]> = [];
  for (let t = 0; t < 30; t += 2) for (let i = 0; i < 12; i++) spikes.push([t, i]);
  const pre: number[] = [];
  const post: number[] = [];
  for (let i = 0; i < 20; i++) { pre.push(i); post.push(i % 8); if (i % 3 === 0) { pre.push(i); post.push((i + 3) % 8); } }
  const lif = { kind: "lif", decay: 0.9, v_th: 1.0, reset: "zero", refractory: 0, bias: 0.0, v_init: 0.0, threshold_op: ">=" };
  const model = {
    format: "snnref-1", name: "two-enc", steps: 30,
    populations: [{ name: "in", kind: "input", size: 12, spikes }, { name: "h", size: 20, ...lif }, { name: "o", size: 8, ...lif }],
    projections: [
      { name: "in_h", pre: "in", post: "h", dtype: "float", dense: { weights: Array.from({ length: 12 }, (_, i) => Array.from({ length: 20 }, (_, j) => ((i + j) % 4) * 0.2)), delays: 1 } },
      { name: "h_h", pre: "h", post: "h", dtype: "float", sparse: { pre: [0, 5, 11, 17], post: [3, 12, 1, 19], weights: [0.3, 0.3, 0.3, 0.3], delays: [1, 2, 1, 3] } },
      { name: "h_o", pre: "h", post: "o", dtype: "float", sparse: { pre, post, weights: pre.map(() => 0.6), delays: pre.map(() => 1) } },
    ],
  };
  const path = join(dir, "two-enc.net.json");
  writeFileSync(path, JSON.stringify(model));
  const p = loadPreset("loihi-sanafe");
  return compileAndRun({ ...p, core: { ...p.core, maxNeurons: 10 } }, loadModel(path), { provenance: PROV, timing: "simple" }).report;
}

describe("per-core synaptic ops by encoding", () => {
  const r = twoEncodingReport();
  const cost = new Map(r.costs.map((c) => [c.key, c.value] as const));
  const synCost = (enc: string): number => cost.get(`synapseEncodings.${enc}.energySynOpPj`) ?? (cost.get("energySynOpPj") as number);

  it("each core's synapse energy is Σ_enc its synOpsByEncoding × the encoding's cost", () => {
    expect(Object.keys(r.totals.synOpsByEncoding).sort()).toEqual(["dense", "sparse"]);
    expect(synCost("dense")).toBe(35.5);
    expect(synCost("sparse")).toBe(33.6);
    // No weight-read or crossbar term on this preset: the synapse energy is the synaptic ops alone.
    expect(cost.has("energyWeightReadPjPerBit")).toBe(false);
    let mixed = 0;
    for (const c of r.perCore) {
      const byEnc = c.synOpsByEncoding as Record<string, number>;
      expect(byEnc).toBeDefined();
      expect(byEnc.dense + byEnc.sparse).toBe(c.counters.synOps);
      expect(c.energyPj.synapse).toBeCloseTo(byEnc.dense * 35.5 + byEnc.sparse * 33.6, 6);
      if (byEnc.dense > 0 && byEnc.sparse > 0) mixed++;
    }
    // The point: a core with both encodings, whose energy no single cost × its synOps gives.
    expect(mixed).toBeGreaterThan(0);
    for (const enc of ["dense", "sparse"]) expect(r.perCore.reduce((a, c) => a + (c.synOpsByEncoding?.[enc] ?? 0), 0)).toBe(r.totals.synOpsByEncoding[enc]);
    expect(runReportSchema.safeParse(r).success).toBe(true);
  });

  it("the CSV has one core_encoding row per core and encoding, and the Markdown per-core table one SOP column per encoding", () => {
    const lines = renderCsv(r).trim().split("\n").map((l) => l.split(","));
    const col = (n: string): number => CSV_COLUMNS.indexOf(n);
    const rows = lines.filter((l) => l[col("entity")] === "core_encoding");
    expect(rows).toHaveLength(2 * r.perCore.length);
    for (const c of r.perCore) {
      for (const enc of ["dense", "sparse"]) {
        const row = rows.find((l) => l[col("id")] === String(c.coreId) && l[col("encoding")] === enc)!;
        expect(Number(row[col("syn_ops")])).toBe(c.synOpsByEncoding?.[enc]);
      }
    }
    const md = renderMarkdown(r);
    expect(md).toMatch(/\| SOPs \| SOPs dense \| SOPs sparse \|/);
  });
});
