/**
 * `learning-cost --bytes-per-value`, `--batch`, `--optimizer-state-per-weight`, `--weight-bytes`: the
 * convention applied to the printed numbers (text, markdown, JSON) and echoed in the convention block,
 * checked against hand arithmetic; the defaults leave the output byte for byte as it was (fixtures in
 * learning-cost-default/, saved before the options existed); limits and refusals exit 2.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "../helpers/cli.ts";

const FIXTURES = join(import.meta.dirname, "learning-cost-default");
const PAIR = "examples/learning/stdp-pair.model.json";

interface Totals { memoryBpttValues: number; memoryRuleValues: number; macsBptt: number; macsRule: number; memoryBpttBytes?: number; memoryRuleBytes?: number }
interface Report {
  batch?: number; bytesPerValue?: number; totals: Totals; ratios: { memory: number; macs: number }; convention: string;
  optimizer?: { statePerWeight: number; weights: number; values: number; weightBytes?: number; bytes?: number };
}
const tableReport = (stdout: string): Report => (JSON.parse(stdout) as Array<{ report: Report }>)[0].report;

describe("learning-cost convention options", () => {
  it("the defaults (and explicit --batch 1, --optimizer-state-per-weight 0) print what the command printed before the options, byte for byte", async () => {
    const cases: Array<[string, string[]]> = [
      ["default.txt", []],
      ["default.txt", ["--batch", "1", "--optimizer-state-per-weight", "0"]],
      ["all.md", ["--table", "all", "--format", "markdown"]],
      ["all.json", ["--table", "all", "--json"]],
      ["all.json", ["--table", "all", "--json", "--batch", "1"]],
      ["stdp-pair.txt", ["--T", "20", "--Tl", "15", PAIR]],
      ["stdp-pair.json", ["--T", "20", "--Tl", "15", PAIR, "--json"]],
    ];
    for (const [file, args] of cases) {
      const r = await cli("learning-cost", ...args);
      expect([args.join(" "), r.code]).toEqual([args.join(" "), 0]);
      expect(r.stdout).toBe(readFileSync(join(FIXTURES, file), "utf8"));
    }
  });

  it("--bytes-per-value 1.97 on the Gesture table gives the paper's 16.1 MB (BPTT) and 1.61 MB (S-TLLR)", async () => {
    // ΣN = 409,611, T = 20: BPTT 20 × 409,611 = 8,192,220 values × 1.97 = 16,138,673.4 B = 16.14 MB;
    // S-TLLR 2 × 409,600 + 1 × 11 (the FC readout) = 819,211 values × 1.97 = 1,613,845.67 B = 1.61 MB
    // (paper: 16.13 and 1.61 MB).
    const j = await cli("learning-cost", "--table", "vgg9-dvs-gesture", "--bytes-per-value", "1.97", "--json");
    expect(j.code).toBe(0);
    const r = tableReport(j.stdout);
    expect(r.totals.memoryBpttValues).toBe(8_192_220);
    expect(r.totals.memoryBpttBytes).toBeCloseTo(16_138_673.4, 4);
    expect(r.totals.memoryRuleBytes).toBeCloseTo(1_613_845.67, 4);
    expect(r.bytesPerValue).toBe(1.97);
    expect(r.convention).toMatch(/values × 1\.97 bytes per value/);
    for (const format of ["text", "markdown"]) {
      const t = await cli("learning-cost", "--table", "vgg9-dvs-gesture", "--bytes-per-value", "1.97", "--format", format);
      expect(t.stdout).toContain("memory at 1.97 bytes/value: BPTT 16.14 MB, S-TLLR 1.61 MB");
      expect(t.stdout).toMatch(/bytes: memory in bytes = values × 1\.97/);
    }
  });

  it("--batch N multiplies memory and MACs by N and leaves the ratios", async () => {
    const one = tableReport((await cli("learning-cost", "--table", "vgg9-dvs-gesture", "--json")).stdout);
    const r = tableReport((await cli("learning-cost", "--table", "vgg9-dvs-gesture", "--batch", "32", "--bytes-per-value", "2", "--json")).stdout);
    // Σ N·fan-in = 605,165,056: BPTT 32 × 2·20 × it = 774,611,271,680; S-TLLR 32 × (3·5 × 605,159,424 + 1·5 × 5,632
    // FC readout synapses) = 32 × 9,077,419,520 = 290,477,424,640.
    expect(r.totals.macsBptt).toBe(774_611_271_680);
    expect(r.totals.macsRule).toBe(290_477_424_640);
    expect(r.totals.memoryBpttValues).toBe(32 * 8_192_220);
    expect(r.totals.memoryRuleValues).toBe(32 * 819_211);
    expect(r.totals.memoryBpttBytes).toBe(2 * 32 * 8_192_220);
    expect(r.batch).toBe(32);
    expect(r.ratios).toEqual(one.ratios);
    expect(r.convention).toMatch(/per batch of 32 samples/);
    const t = await cli("learning-cost", "--table", "vgg9-dvs-gesture", "--batch", "32");
    expect(t.stdout).toMatch(/fan-in full-kernel, per batch of 32 samples/);
    expect(t.stdout).toContain("7.75e11"); // MACs BPTT total, 774,611,271,680
    // The paper's per-sample figures are not set beside a per-batch report.
    expect(t.stdout).not.toMatch(/paper prints/);
    // The footnote says per batch as the heading does, never "per training sample" (B7); text, markdown and JSON.
    for (const out of [t.stdout, (await cli("learning-cost", "--table", "shd-rsnn", "--batch", "2", "--format", "markdown")).stdout, r.convention]) {
      expect(out).not.toMatch(/Counts per training sample/);
    }
    expect(t.stdout).toContain("Counts per batch of 32 training samples (32 presentations of T time steps: 32 × the per-sample counts");
    expect(r.convention.split("\n")[0]).toMatch(/^Counts per batch of 32 training samples/);
    // Without --batch (or with --batch 1) it stays per training sample.
    expect(one.convention.split("\n")[0]).toMatch(/^Counts per training sample \(one presentation of T time steps\)/);
  });

  it("--optimizer-state-per-weight K adds K × synapses values on a small model, once per batch, in bytes at --weight-bytes or --bytes-per-value", async () => {
    // stdp-pair: 3 neurons × fan-in 4 = 12 synapses (weights); T = 20: BPTT 60 values, S-TLLR 6.
    const fo = JSON.parse((await cli("learning-cost", "--T", "20", "--Tl", "15", PAIR, "--optimizer-state-per-weight", "1", "--json")).stdout) as Report;
    expect(fo.optimizer).toEqual({ statePerWeight: 1, weights: 12, values: 12 });
    expect([fo.totals.memoryBpttValues, fo.totals.memoryRuleValues]).toEqual([60, 6]);
    // Adam, batch 4, 2 bytes per value, 4 bytes per weight: memory 4 × 60 × 2 = 480 B and 4 × 6 × 2 = 48 B;
    // optimizer 2 × 12 = 24 values × 4 B = 96 B (not × batch).
    const args = ["--T", "20", "--Tl", "15", PAIR, "--optimizer-state-per-weight", "2", "--batch", "4", "--bytes-per-value", "2", "--weight-bytes", "4"];
    const adam = JSON.parse((await cli("learning-cost", ...args, "--json")).stdout) as Report;
    expect(adam.optimizer).toEqual({ statePerWeight: 2, weights: 12, values: 24, weightBytes: 4, bytes: 96 });
    expect([adam.totals.memoryBpttBytes, adam.totals.memoryRuleBytes]).toEqual([480, 48]);
    const text = (await cli("learning-cost", ...args)).stdout;
    expect(text).toContain("optimizer state: 2 × 12 weights = 24 values = 96 B at 4 bytes/weight");
    expect(text).toContain("memory at 2 bytes/value, per batch of 4 samples: BPTT 480 B, S-TLLR 48 B");
    expect(text).toMatch(/optimizer state: 2 extra weight-sized arrays/);
    // Without --weight-bytes the weights take --bytes-per-value: 24 values × 2 B = 48 B.
    const same = JSON.parse((await cli("learning-cost", "--T", "20", "--Tl", "15", PAIR, "--optimizer-state-per-weight", "2", "--bytes-per-value", "2", "--json")).stdout) as Report;
    expect(same.optimizer).toEqual({ statePerWeight: 2, weights: 12, values: 24, weightBytes: 2, bytes: 48 });
    expect(same.convention).toMatch(/2 bytes per weight \(= bytes per value\)/);
  });

  it("--weight-bytes without optimizer state is refused, and values out of their limits are usage errors (exit 2)", async () => {
    for (const args of [["--weight-bytes", "4"], ["--weight-bytes", "4", "--optimizer-state-per-weight", "0"]]) {
      const r = await cli("learning-cost", ...args);
      expect([r.code, r.stdout]).toEqual([2, ""]);
      expect(r.stderr).toMatch(/E_CLI_OPTION/);
      expect(r.stderr).toContain("field: --weight-bytes");
    }
    for (const args of [
      ["--batch", "0"], ["--batch", "1.5"], ["--batch", "1000001"],
      ["--bytes-per-value", "0"], ["--bytes-per-value", "-2"], ["--bytes-per-value", "abc"], ["--bytes-per-value", "65"],
      ["--optimizer-state-per-weight", "-1"], ["--optimizer-state-per-weight", "17"],
      ["--optimizer-state-per-weight", "1", "--weight-bytes", "0"],
    ]) {
      const r = await cli("learning-cost", ...args);
      expect([args.join(" "), r.code, r.stdout]).toEqual([args.join(" "), 2, ""]);
      expect(r.stderr).toMatch(/E_CLI_OPTION/);
    }
  });
});
