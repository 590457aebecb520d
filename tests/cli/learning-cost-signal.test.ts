/**
 * `learning-cost --signal none|bp|dfa` and `--optimizer sgd|fo-stdgd`: their own lines and JSON fields,
 * hand-checked on the SHD table and on the SHD network written as a model; the defaults leave the output
 * as it was (the byte-for-byte fixtures of learning-cost-convention.test.ts cover the defaults too); usage
 * errors exit 2.
 */
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { writeShdModel } from "../helpers/shd-model.ts";

interface Signal { signal: string; macs: number; otherOps: number; broadcastValues: number; feedbackWeights: number; outputLayers: string[] }
interface Report { signal?: Signal; optimizerUpdate?: { macs: number; otherOps: number; onceOps: number }; optimizer?: { values: number; bytes?: number }; totals: { macsRule: number } }
const shd = async (...args: string[]): Promise<Report> => {
  const r = await cli("learning-cost", "--table", "shd-rsnn", "--json", ...args);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Array<{ report: Report }>)[0].report;
};

describe("learning-cost --signal and --optimizer", () => {
  it("--signal dfa on the SHD table: 20 × 450 × 90 = 810,000 MACs and 470 × 90 = 42,300 δ values, on their own line; the columns unchanged", async () => {
    const r = await shd("--signal", "dfa");
    expect(r.signal).toMatchObject({ signal: "dfa", macs: 810000, otherOps: 0, broadcastValues: 42300, feedbackWeights: 9000, outputLayers: ["readout 20"] });
    expect(r.totals.macsRule).toBe(140535000);
    const text = await cli("learning-cost", "--table", "shd-rsnn", "--signal", "dfa");
    expect(text.stdout).toMatch(/^learning signal DFA .*= 810,000 MACs; δ broadcast: 470 values per step × 90 learning steps = 42,300 values/m);
    const md = await cli("learning-cost", "--table", "shd-rsnn", "--signal", "bp", "--format", "markdown");
    expect(md.stdout).toMatch(/^- learning signal BP .*9,000 MACs per step × 90 learning steps = 810,000 MACs/m);
    // The default is none: no signal field, no line.
    expect((await shd()).signal).toBeUndefined();
    expect((await cli("learning-cost", "--table", "shd-rsnn")).stdout).not.toMatch(/learning signal (DFA|BP)/);
  });

  it("the SHD network written as a model gives the table's BP and DFA signal costs", async () => {
    const file = writeShdModel("aerchip-lcs-");
    for (const signal of ["bp", "dfa"]) {
      const r = await cli("learning-cost", file, "--T", "100", "--Tl", "10", "--signal", signal, "--json");
      expect(r.code, r.stderr).toBe(0);
      const m = JSON.parse(r.stdout) as Report;
      const t = await shd("--signal", signal);
      expect([m.signal!.macs, m.signal!.otherOps, m.signal!.broadcastValues, m.signal!.feedbackWeights], signal)
        .toEqual([t.signal!.macs, t.signal!.otherOps, t.signal!.broadcastValues, t.signal!.feedbackWeights]);
      expect(m.signal!.macs).toBe(810000);
    }
  });

  it("--optimizer fo-stdgd: 526,500 MACs and 2,106,000 other ops per update, w(k−1) as optimizer state (bytes with --weight-bytes); K = 0 contradicts it", async () => {
    const r = await shd("--optimizer", "fo-stdgd", "--weight-bytes", "4");
    expect(r.optimizerUpdate).toMatchObject({ macs: 526500, otherOps: 2106000, onceOps: 1 });
    expect(r.optimizer).toMatchObject({ values: 526500, bytes: 2106000 });
    const text = await cli("learning-cost", "--table", "shd-rsnn", "--optimizer", "fo-stdgd");
    expect(text.stdout).toMatch(/^optimizer FO-STDGD .*= 526,500 MACs and × 4 other ops .* = 2,106,000 other ops/m);
    expect(text.stdout).toMatch(/^optimizer state: 1 × 526,500 weights = 526,500 values/m);
    const zero = await cli("learning-cost", "--table", "shd-rsnn", "--optimizer", "fo-stdgd", "--optimizer-state-per-weight", "0");
    expect([zero.code, zero.stdout]).toEqual([2, ""]);
    expect(zero.stderr).toMatch(/E_CLI_OPTION/);
    expect(zero.stderr).toContain("field: --optimizer-state-per-weight");
    // --weight-bytes still needs optimizer state without fo-stdgd.
    const wb = await cli("learning-cost", "--table", "shd-rsnn", "--weight-bytes", "4");
    expect(wb.code).toBe(2);
  });

  it("unknown --signal and --optimizer values are usage errors (exit 2)", async () => {
    for (const args of [["--signal", "rtrl"], ["--optimizer", "adam"]]) {
      const r = await cli("learning-cost", ...args);
      expect([r.code, r.stdout], args.join(" ")).toEqual([2, ""]);
    }
  });
});
