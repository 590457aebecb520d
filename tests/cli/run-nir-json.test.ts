/**
 * `aerchip run GRAPH.nir --json`: the summary line names every file the run wrote, as a JSON model's run
 * does (report, spikes, mapping, weights, layerTicks, voltages, packets): mapping.json under `mapping`, and
 * each spiking node's <node>.npy under `nodeSpikes` by node name (s23). Checked against the output
 * directory's listing, for a NIR graph and for a JSON model with a readout.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy } from "../helpers/nir-dataset.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-run-nir-json-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** Every path the --json line names: its top-level strings and the values of its path maps. */
function namedPaths(summary: Record<string, unknown>): string[] {
  const paths: string[] = [];
  for (const [k, v] of Object.entries(summary)) {
    if (typeof v === "string") paths.push(v);
    else if ((k === "voltages" || k === "nodeSpikes") && v !== null && typeof v === "object") paths.push(...Object.values(v as Record<string, string>));
  }
  return paths.sort();
}

/** Every file in `dir` but the outputs manifest (aerchip-outputs.json, the record of these files: cli/earlier-outputs.ts). */
const listing = (dir: string): string[] => readdirSync(dir).filter((f) => f !== "aerchip-outputs.json").map((f) => join(dir, f)).sort();

describe("run --json names every file written", () => {
  it("a NIR graph: mapping.json and each spiking node's <node>.npy too (with the readout's .v.npy and layer-ticks.csv)", async () => {
    const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
    const graph = join(TMP, "g.nir");
    // input[4] → Linear (diagonal 2) → IF[4] → Linear (2 × 4) → Output: the Output fed by a linear node is a readout.
    await writeH5(graph, nirFile({
      input: { type: "Input", shape: [4n] },
      fc: { type: "Linear", weight: { f32: Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? 2 : 0)), shape: [4, 4] } },
      lif: { type: "IF", r: [1, 1, 1, 1], v_threshold: [1, 1, 1, 1] },
      fc2: { type: "Linear", weight: { f32: [1, 1, 0, 0, 0, 0, 1, 1], shape: [2, 4] } },
      output: { type: "Output", shape: [2n] },
    }, [["input", "fc"], ["fc", "lif"], ["lif", "fc2"], ["fc2", "output"]]));
    const input = join(TMP, "in.npy");
    spikesNpy(input, 6, 4, [[0, 0], [1, 1], [2, 2], [3, 3]]);
    const out = join(TMP, "nir");
    const r = await cli("run", graph, "--input", input, "--arch", "loihi", "--out", out, "--per-layer-ticks", "--json");
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary.mapping).toBe(join(out, "mapping.json"));
    expect(summary.nodeSpikes).toEqual({ lif: join(out, "lif.npy") });
    expect(Object.keys(summary.voltages as object)).toHaveLength(1);
    expect(namedPaths(summary)).toEqual(listing(out));
  });

  it("a JSON model (the pattern NIR follows): every file in --out is named", async () => {
    const out = join(TMP, "json");
    const r = await cli("run", "examples/learning/stdp-pair.model.json", "--arch", "loihi", "--out", out, "--per-layer-ticks", "--json");
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(namedPaths(summary)).toEqual(listing(out));
    expect(summary.weights).toBe(join(out, "weights.json"));
  });
});
