/**
 * `run --steps N` on a NIR graph counts NIR steps; the chip runs N + L ticks, L = the graph's layer latency
 * (nir.extraTicks), and every count covers those ticks. The summary's head line and its per-tick column
 * say so, as does the help (audit s23a #8: "1001 steps" for 1000 NIR steps). JSON models: unchanged.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeNpy } from "../../core/io/npy.ts";
import { cli } from "../helpers/cli.ts";
import { runLengthText } from "../../cli/commands/run.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import { nirFile, writeH5 } from "../compiler/frontends/nir/write-h5.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-nir-steps-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** in[2] → Linear → IF[2] → Linear → IF[1] → Output: layer latencies 1 and 2, extraTicks 2. */
async function twoLayers(): Promise<{ model: string; input: string }> {
  const model = join(TMP, "two.nir");
  await writeH5(model, nirFile({
    in: { type: "Input", shape: [2n] },
    fc1: { type: "Linear", weight: { f64: [1, 0, 0, 1], shape: [2, 2] } },
    if1: { type: "IF", r: [1, 1], v_threshold: [0.5, 0.5], v_reset: [0, 0] },
    fc2: { type: "Linear", weight: { f64: [1, 1], shape: [1, 2] } },
    if2: { type: "IF", r: [1], v_threshold: [0.5], v_reset: [0] },
    out: { type: "Output", shape: [1n] },
  }, [["in", "fc1"], ["fc1", "if1"], ["if1", "fc2"], ["fc2", "if2"], ["if2", "out"]]));
  const input = join(TMP, "in.npy");
  writeFileSync(input, writeNpy(Float32Array.from({ length: 20 }, (_, k) => (k % 3 === 0 ? 1 : 0)), [10, 2]));
  return { model, input };
}

describe("--steps on a NIR graph: NIR steps plus the layer latency in ticks", () => {
  it("the summary says '12 ticks (10 NIR steps + 2 ticks of layer latency)' and counts per tick", async () => {
    const { model, input } = await twoLayers();
    const r = await cli("run", model, "--input", input, "--arch", "generic", "--steps", "10", "--out", join(TMP, "o"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("— 12 ticks (10 NIR steps + 2 ticks of layer latency),");
    expect(r.stdout).not.toMatch(/— \d+ steps,/);
    expect(r.stdout).toMatch(/count +total +per tick/);
  });

  it("runLengthText: JSON models keep 'N steps'; one tick of latency is singular", () => {
    expect(runLengthText({ steps: 300 } as RunReport)).toBe("300 steps");
    expect(runLengthText({ steps: 1001, nir: { steps: 1000, extraTicks: 1 } } as RunReport)).toBe("1001 ticks (1000 NIR steps + 1 tick of layer latency)");
  });

  it("run --help says what --steps counts for a NIR graph", async () => {
    const r = await cli("run", "--help");
    expect(r.stdout.replace(/\s+/g, " ")).toContain("for a NIR graph (or a program compiled from one) N NIR steps, which run as N + L chip ticks");
  });
});
