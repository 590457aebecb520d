/**
 * `aerchip run` on an aerchip-model-1 model with a membrane lower bound `vMin` (the hand-computed case of
 * tests/compiler/frontends/membrane-bound.test.ts: spikes at 7, 8, 9 with vMin −1, at 9 without), in
 * float, fixed point and on two threads; a bad vMin exits 1 naming the field.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

function modelFile(dir: string, extra: Record<string, unknown>): string {
  const path = join(dir, "vmin.json");
  writeFileSync(path, JSON.stringify({
    format: "aerchip-model-1", name: "vmin", steps: 14,
    populations: [
      { name: "in", kind: "input", size: 1, spikes: [[5, 0], [6, 0], [7, 0], [8, 0]] },
      { name: "A", kind: "neuron", size: 1, bias: -0.5, vThreshold: 1, reset: "zero", ...extra },
    ],
    projections: [{ name: "in_A", pre: "in", post: "A", dense: { weights: [[1.5]], delays: 1 } }],
  }));
  return path;
}

async function spikeTicks(extra: Record<string, unknown>, ...args: string[]): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), "aerchip-vmin-"));
  const r = await cli("run", modelFile(dir, extra), "--arch", "generic", "--out", join(dir, "out"), "--quiet", ...args);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const spikes = JSON.parse(readFileSync(join(dir, "out", "spikes.json"), "utf8")) as { spikes: Record<string, [number, number][]> };
  return (spikes.spikes.A ?? []).map(([t]) => t);
}

describe("aerchip run with vMin", () => {
  it("fires at the hand-computed ticks in float, fixed point and on two threads; later without the bound", async () => {
    for (const args of [[], ["--precision", "fixed"], ["--threads", "2"]]) {
      expect(await spikeTicks({ vMin: -1 }, ...args), args.join(" ")).toEqual([7, 8, 9]);
      expect(await spikeTicks({}, ...args), args.join(" ")).toEqual([9]);
    }
  });

  it("refuses a vMin at or above the threshold: exit 1, E_MODEL_FIELD naming populations[1].vMin", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-vmin-"));
    const r = await cli("run", modelFile(dir, { vMin: 1 }), "--arch", "generic", "--out", join(dir, "out"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_MODEL_FIELD/);
    expect(r.stderr).toContain("populations[1].vMin");
    expect(r.stderr).toMatch(/hint:/);
  });
});
