/**
 * The threshold error of a fixed-point run (audit s22a finding 8) in report.json (`precision.layers[].maxThresholdError`,
 * schema-valid) and in the rendered reports; a report written before the field existed still renders (–).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { runReportSchema } from "../../chip/report/formats/json-schema.ts";

const QTH = {
  format: "snnref-1", name: "qth", steps: 10,
  populations: [
    { name: "in", kind: "input", size: 6, spikes: [[0, 0], [1, 1], [2, 2]] },
    { name: "n", kind: "lif", size: 1, decay: 0.9, v_th: 1.0001, reset: "zero", refractory: 0, bias: 0, v_init: 0, threshold_op: ">=" },
  ],
  projections: [{ name: "in_n", pre: "in", post: "n", dtype: "float", dense: { weights: [[0.001], [0.002], [0.003], [0.001], [0.001], [0.001]], delays: 1 } }],
};

describe("maxThresholdError in fixed-point reports", () => {
  it("loihi: report.json, Markdown and CSV carry the threshold error; an older report renders it as –", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-qth-"));
    const model = join(dir, "qth.net.json");
    writeFileSync(model, JSON.stringify(QTH));
    const out = join(dir, "out");
    const r = await cli("run", model, "--arch", "loihi", "--precision", "fixed", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(runReportSchema.safeParse(report).success).toBe(true);
    // 1.0001 · 2^20 = 1,048,680.86 state units, stored as 16,386 · 2^6 (hardware-facts.md §4: vth mantissa × 2^6).
    expect(report.precision.layers[0].maxThresholdError).toBeCloseTo((16386 * 64) / 2 ** 20 - 1.0001, 15);
    const md = await cli("report", join(out, "report.json"), "--format", "md");
    expect(md.stdout).toContain("Max threshold error");
    const csvFile = join(dir, "r.csv");
    expect((await cli("report", join(out, "report.json"), "--format", "csv", "--out", csvFile, "--quiet")).code).toBe(0);
    const [head, ...rows] = readFileSync(csvFile, "utf8").trim().split("\n");
    const col = head.split(",").indexOf("max_threshold_error");
    expect(col).toBeGreaterThan(0);
    const values = rows.map((l) => l.split(",")[col]).filter((v) => v !== "");
    expect(values.map(Number)).toEqual([report.precision.layers[0].maxThresholdError]);
    // A report from before the field: still valid and rendered.
    delete report.precision.layers[0].maxThresholdError;
    writeFileSync(join(dir, "old.json"), JSON.stringify(report));
    const old = await cli("report", join(dir, "old.json"), "--format", "md");
    expect(old.code, old.stderr).toBe(0);
    expect(old.stdout).toContain("Max threshold error");
  });
});
