/**
 * The train summary prints the per-training-sample means with their fraction (audit s23b #7): two samples
 * whose spike and synaptic-op counts differ by an odd number have means ending in .5, which the summary
 * rounded to a whole count (25 where train.json says 24.5).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { sample } from "../helpers/pair-samples.ts";
import { fmtMean } from "../../cli/format.ts";

const MODEL = "examples/learning/stdp-pair.model.json";
const dir = mkdtempSync(join(tmpdir(), "aerchip-train-means-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("train summary means", () => {
  it("fmtMean keeps six significant digits, groups the integer part and drops trailing zeros", () => {
    expect([24.5, 89.5, 25, 1234567.25, 12345.678, 1 / 3].map(fmtMean)).toEqual(["24.5", "89.5", "25", "1,234,570", "12,345.7", "0.333333"]);
  });

  it("prints train.json's perTrainingSample means, not rounded ones", async () => {
    const data = join(dir, "data");
    mkdirSync(data, { recursive: true });
    // 7 input spikes, then 8: the spike and synaptic-op means are not whole numbers.
    sample(join(data, "a.npy"), 20, (t, i) => i === 0 && t % 3 === 0);
    sample(join(data, "b.npy"), 20, (t, i) => i === 1 && t % 5 !== 4);
    const out = join(dir, "t");
    const r = await cli("train", MODEL, "--input", data, "--arch", "loihi", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const p = (JSON.parse(readFileSync(join(out, "train.json"), "utf8")) as { perTrainingSample: { nonInputSpikes: number; synOps: number } }).perTrainingSample;
    expect(Number.isInteger(p.nonInputSpikes) && Number.isInteger(p.synOps)).toBe(false);
    const row = (q: string): string => r.stdout.split("\n").find((l) => l.trimStart().startsWith(`${q} `))!.trim().split(/\s{2,}/).pop()!;
    expect(row("spikes (excl. inputs)")).toBe(fmtMean(p.nonInputSpikes));
    expect(row("synaptic ops")).toBe(fmtMean(p.synOps));
    expect(Number(row("synaptic ops").replace(/,/g, ""))).toBeCloseTo(p.synOps, 4);
  }, 60_000);
});
