import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.ts";

/** A 3×3, padding-1 convolution on a 3×3 map (one channel in and out) as a sparse projection: 49 synapses, 81 with the full kernel. */
function conv3x3File(): string {
  const pre: number[] = [];
  const post: number[] = [];
  for (let oy = 0; oy < 3; oy++) for (let ox = 0; ox < 3; ox++) for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
    const iy = oy + dy;
    const ix = ox + dx;
    if (iy >= 0 && iy < 3 && ix >= 0 && ix < 3) { pre.push(iy * 3 + ix); post.push(oy * 3 + ox); }
  }
  const file = join(mkdtempSync(join(tmpdir(), "aerchip-lc-")), "conv3x3.json");
  writeFileSync(file, JSON.stringify({
    format: "snnref-1", name: "conv3x3", steps: 4,
    populations: [{ name: "in", kind: "input", size: 9, spikes: [] }, { name: "c", kind: "lif", size: 9, decay: 0.5 }],
    projections: [{ name: "k", pre: "in", post: "c", sparse: { pre, post, weights: 1 } }],
  }));
  return file;
}

describe("aerchip learning-cost", () => {
  it("prints the S-TLLR tables for VGG-9 on DVS Gesture and the SHD RSNN with the formula ratios", async () => {
    const r = await cli("learning-cost", "--json");
    expect(r.code).toBe(0);
    const reports = JSON.parse(r.stdout) as Array<{ report: { T: number; Tl: number; ratios: { memory: number; memoryFormula: number; macs: number; macsFormula: number } } }>;
    expect(reports.map((x) => [x.report.T, x.report.Tl])).toEqual([[20, 15], [100, 10]]);
    // T/2 and 2T/(3(T − T_l)).
    expect(reports[0].report.ratios.memory).toBeCloseTo(20 / 2, 9);
    expect(reports[0].report.ratios.macs).toBeCloseTo((2 * 20) / (3 * 5), 9);
    // SHD: hidden 3 MACs/synapse, readout 1 (δ ⊗ tr_x): 200·526,500 / (270·517,500 + 90·9,000) = 0.749.
    expect(reports[1].report.ratios.macs).toBeCloseTo((200 * 526500) / (270 * 517500 + 90 * 9000), 9);
    expect(reports[1].report.ratios.macsFormula).toBeCloseTo((2 * 100) / (3 * 90), 9);
    const text = await cli("learning-cost");
    expect(text.stdout).toMatch(/VGG-9/);
    expect(text.stdout).toMatch(/SHD/);
  });

  it("--T/--Tl without a model or --table apply to both default tables, checked as for one table", async () => {
    const text = await cli("learning-cost", "--T", "10", "--Tl", "5");
    expect(text.code).toBe(0);
    expect(text.stdout.match(/T = 10, T_l = 5/g)?.length).toBe(2);
    const bad = await cli("learning-cost", "--T", "10", "--Tl", "20");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/E_CLI_OPTION/);
    expect(bad.stderr).toContain("field: --Tl");
    expect(bad.stdout).toBe("");
    // --T alone below a table's own T_l (VGG-9: 15) names --T.
    const low = await cli("learning-cost", "--table", "vgg9-dvs-gesture", "--T", "10");
    expect([low.code, low.stdout]).toEqual([2, ""]);
    expect(low.stderr).toContain("field: --T]");
  });

  it("a model without --T is a usage error with a code", async () => {
    const r = await cli("learning-cost", "no-such-model.json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CLI_OPTION/);
    expect(r.stderr).toContain("field: --T");
    const table = await cli("learning-cost", "no-such-model.json", "--T", "20", "--Tl", "15", "--table", "shd-rsnn");
    expect(table.code).toBe(2);
    expect(table.stderr).toContain("field: --table");
  });

  it("an unknown --table is a usage error naming --table (exit 2)", async () => {
    for (const name of ["nosuch", "constructor"]) {
      const r = await cli("learning-cost", "--table", name);
      expect([r.code, r.stdout], name).toEqual([2, ""]);
      expect(r.stderr).toMatch(/E_CLI_OPTION/);
      expect(r.stderr).toContain("field: --table");
    }
  });

  it("--T and --Tl have an upper bound (no Infinity or NaN in the tables); at the bound the figures are finite", async () => {
    for (const args of [["--T", "1e300"], ["--T", "1000001"], ["--table", "shd-rsnn", "--T", "1e300"], ["--T", "20", "--Tl", "1e300"]]) {
      const r = await cli("learning-cost", ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(new RegExp(args.includes("--Tl") ? "--Tl" : "--T "));
      expect(r.stdout).toBe("");
    }
    const max = await cli("learning-cost", "--T", "1000000", "--Tl", "999999", "--json");
    expect(max.code, max.stderr).toBe(0);
    expect(max.stdout).not.toMatch(/Infinity|NaN|null/);
  });

  it("--fan-in: a model counts real synapses by default, the full kernel on request; the tables the reverse; the convention is printed", async () => {
    const file = conv3x3File();
    const json = async (...args: string[]): Promise<{ fanInConvention: string; totals: { synapses: number; macsBptt: number; macsRule: number } }> => {
      const r = await cli("learning-cost", file, "--T", "4", "--Tl", "2", "--json", ...args);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const real = await json();
    expect([real.fanInConvention, real.totals.synapses, real.totals.macsBptt, real.totals.macsRule]).toEqual(["synapses", 49, 392, 294]);
    const full = await json("--fan-in", "full-kernel");
    expect([full.fanInConvention, full.totals.synapses, full.totals.macsBptt, full.totals.macsRule]).toEqual(["full-kernel", 81, 648, 486]);
    const text = await cli("learning-cost", file, "--T", "4", "--Tl", "2", "--fan-in", "full-kernel");
    expect(text.stdout).toContain("fan-in convention full-kernel:");
    // The built-in VGG-9 table: full kernel by default (605,165,056 synapses), real taps with --fan-in synapses (524,277,760).
    const t = await cli("learning-cost", "--table", "vgg9-dvs-gesture", "--json", "--fan-in", "synapses");
    const [{ report }] = JSON.parse(t.stdout) as Array<{ report: { fanInConvention: string; totals: { synapses: number } } }>;
    expect(report.fanInConvention).toBe("synapses");
    expect(report.totals.synapses).toBeCloseTo(524277760, 3);
    const bad = await cli("learning-cost", "--fan-in", "kernel");
    expect([bad.code, bad.stdout]).toEqual([2, ""]);
  });
});
