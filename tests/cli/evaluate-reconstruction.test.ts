/**
 * `aerchip evaluate --target-from input` (chip/report/reconstruction.ts): each sample's reconstruction error,
 * the decoded output per step against its own input spike rates, x̂_i = n_i / T and ŷ_i = c_i / T (count),
 * SSE = Σ_i (ŷ_i − x̂_i)², MSE = SSE / N, MAE = Σ_i |ŷ_i − x̂_i| / N, and their mean ± std over the data set.
 *
 * The model: 3 input neurons, each wired with weight 1 (delay 1 tick) to its own output neuron of threshold
 * 0.5, so an input spike at step t makes its output neuron spike at step t + 1 (counted when t + 1 < T).
 * T = 4 steps.
 *   sample a: input n = [3, 1, 0] (neuron 0 at steps 0, 1, 2; neuron 1 at 0) → output c = [3, 1, 0]: SSE 0.
 *   sample b: input n = [0, 1, 2] (neuron 1 at step 1; neuron 2 at steps 0 and 3) → output c = [0, 1, 1]
 *             (neuron 2's step-3 spike would reach it at step 4, past T): ŷ − x̂ = [0, 0, 1/4 − 2/4],
 *             SSE = 1/16, MSE = 1/48, MAE = (1/4)/3 = 1/12.
 *   mean MSE = 1/96, std = √2/96 (n − 1 = 1).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { writeNpy } from "../../core/io/npy.ts";
import { distIsFresh, distNote } from "../helpers/dist.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-eval-recon-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = join(TMP, "identity3.json");
const DATA = join(TMP, "data");
const DIST_OK = distIsFresh("cli/evaluate/worker.js", ["core", "chip", "compiler", "cli"]);

function model(outSize: number): object {
  return {
    format: "aerchip-model-1", name: "identity3", steps: 4,
    populations: [
      { name: "in", kind: "input", size: 3 },
      { name: "out", kind: "neuron", size: outSize, vThreshold: 0.5, reset: "zero" },
    ],
    projections: [{ name: "p", pre: "in", post: "out", dense: { weights: [[1, 0, 0], [0, 1, 0], [0, 0, 1]].map((r) => r.slice(0, outSize)), delays: 1 } }],
  };
}

function sample(path: string, spikes: Array<[number, number]>): void {
  const d = new Uint8Array(4 * 3);
  for (const [t, i] of spikes) d[t * 3 + i] = 1;
  writeFileSync(path, writeNpy(d, [4, 3], { bool: true }));
}

beforeAll(() => {
  writeFileSync(MODEL, JSON.stringify(model(3)));
  mkdirSync(join(DATA, "0"), { recursive: true });
  sample(join(DATA, "0", "a.npy"), [[0, 0], [1, 0], [2, 0], [0, 1]]);
  sample(join(DATA, "0", "b.npy"), [[1, 1], [0, 2], [3, 2]]);
});

interface Stat { mean: number; std: number; min: number; median: number; max: number }
interface Doc {
  provenance: { options: Record<string, unknown> };
  samples: Array<{ id: string; outputValues: number[]; reconstruction?: { sse: number; mse: number; mae: number } | null }>;
  summary: { reconstruction?: { target: string; neurons: number; samples: number; mse: Stat; sse: Stat; mae: Stat } };
}
const readDoc = (dir: string): Doc => JSON.parse(readFileSync(join(dir, "dataset.json"), "utf8")) as Doc;

describe("evaluate --target-from input", () => {
  it("per-sample SSE, MSE, MAE of output rates against input rates, as computed by hand; their mean ± std; in samples.csv and dataset.md; rerun reproduces it", async () => {
    const out = join(TMP, "ev");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--target-from", "input", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = readDoc(out);
    expect(doc.provenance.options.targetFrom).toBe("input");
    expect(doc.samples.map((s) => s.outputValues)).toEqual([[3, 1, 0], [0, 1, 1]]);
    expect(doc.samples[0].reconstruction).toEqual({ sse: 0, mse: 0, mae: 0 });
    expect(doc.samples[1].reconstruction).toEqual({ sse: 1 / 16, mse: 1 / 48, mae: 1 / 12 });
    const rec = doc.summary.reconstruction!;
    expect([rec.target, rec.neurons, rec.samples]).toEqual(["input", 3, 2]);
    expect(rec.mse.mean).toBe(1 / 96);
    expect(rec.mse.std).toBeCloseTo(Math.SQRT2 / 96, 15);
    expect([rec.mse.min, rec.mse.max]).toEqual([0, 1 / 48]);
    expect(rec.sse.mean).toBe(1 / 32);
    expect(rec.mae.mean).toBe(1 / 24);
    const csv = readFileSync(join(out, "samples.csv"), "utf8").trimEnd().split("\n");
    expect(csv[0].split(",").slice(-3)).toEqual(["reconstruction_mse", "reconstruction_sse", "reconstruction_mae"]);
    expect(csv[2].split(",").slice(-3).map(Number)).toEqual([1 / 48, 1 / 16, 1 / 12]);
    expect(readFileSync(join(out, "dataset.md"), "utf8")).toMatch(/\| Reconstruction MSE \|/);

    const rr = await cli("rerun", join(out, "dataset.json"), "--out", join(TMP, "rr"), "--quiet");
    expect(rr.code, rr.stderr).toBe(0);
    expect(readFileSync(join(TMP, "rr", "dataset.json"), "utf8")).toBe(readFileSync(join(out, "dataset.json"), "utf8"));
  });

  it("without --target-from nothing is added (no field, no CSV column)", async () => {
    const out = join(TMP, "plain");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = readDoc(out);
    expect(doc.summary.reconstruction).toBeUndefined();
    expect(doc.samples.every((s) => !("reconstruction" in s))).toBe(true);
    expect("targetFrom" in doc.provenance.options).toBe(false);
    expect(readFileSync(join(out, "samples.csv"), "utf8")).not.toContain("reconstruction");
  });

  it("an output whose size is not the input's is refused before anything runs (E_EVALUATE_TARGET naming both sizes)", async () => {
    const small = join(TMP, "small.json");
    writeFileSync(small, JSON.stringify(model(2)));
    const out = join(TMP, "bad");
    const r = await cli("evaluate", small, "--input", DATA, "--arch", "generic", "--target-from", "input", "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("E_EVALUATE_TARGET");
    expect(r.stderr).toMatch(/out has 2 neurons and input in 3/);
    expect(r.stderr).toContain("field: --target-from");
  });

  it("--target-dir: each sample against its own .npy (any numeric dtype, flat C order), as computed by hand; rerun reproduces it and sees an edited target", async () => {
    // b's target [0, 0.5, 0.5] against ŷ = [0, 1, 1] / 4: differences [0, 1/4, 1/4], SSE 1/8, MSE 1/24, MAE 1/6.
    const dir = join(TMP, "targets");
    mkdirSync(join(dir, "0"), { recursive: true });
    writeFileSync(join(dir, "0", "a.npy"), writeNpy(Float64Array.of(0.75, 0.25, 0), [3]));
    writeFileSync(join(dir, "0", "b.npy"), writeNpy(Float32Array.of(0, 0.5, 0.5), [1, 3]));
    const out = join(TMP, "tdir");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--target-dir", dir, "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = readDoc(out) as Doc & { provenance: { inputs: Array<{ role: string; path: string }> } };
    expect(doc.samples.map((x) => x.reconstruction)).toEqual([{ sse: 0, mse: 0, mae: 0 }, { sse: 1 / 8, mse: 1 / 24, mae: 1 / 6 }]);
    expect(doc.summary.reconstruction?.target).toBe("files");
    expect(doc.summary.reconstruction?.mse.mean).toBe(1 / 48);
    expect(doc.provenance.inputs.find((i) => i.role === "targets")?.path).toBe(dir);
    const rr = await cli("rerun", join(out, "dataset.json"), "--out", join(TMP, "tdir-rr"), "--quiet");
    expect(rr.code, rr.stderr).toBe(0);
    expect(readFileSync(join(TMP, "tdir-rr", "dataset.json"), "utf8")).toBe(readFileSync(join(out, "dataset.json"), "utf8"));
    writeFileSync(join(dir, "0", "b.npy"), writeNpy(Float32Array.of(0, 0.5, 0.25), [3]));
    const changed = await cli("rerun", join(out, "dataset.json"), "--out", join(TMP, "tdir-rr2"), "--quiet");
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("E_RERUN_INPUT_CHANGED");
  });

  it("--target-dir: a missing target or one of the wrong size is refused before anything runs (E_EVALUATE_TARGET naming the file); not with --target-from", async () => {
    const dir = join(TMP, "bad-targets");
    mkdirSync(join(dir, "0"), { recursive: true });
    writeFileSync(join(dir, "0", "a.npy"), writeNpy(Float64Array.of(1, 0), [2]));
    const wrong = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--target-dir", dir, "--out", join(TMP, "bt1"));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("E_EVALUATE_TARGET");
    expect(wrong.stderr).toMatch(/a\.npy holds 2 values, but output out has 3 neurons/);
    writeFileSync(join(dir, "0", "a.npy"), writeNpy(Float64Array.of(1, 0, 0), [3]));
    const missing = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--target-dir", dir, "--out", join(TMP, "bt2"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("E_EVALUATE_TARGET");
    expect(missing.stderr).toContain(join(dir, "0", "b.npy"));
    const both = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--target-dir", dir, "--target-from", "input", "--out", join(TMP, "bt3"));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("field: --target-dir");
  });

  it.skipIf(!DIST_OK)(`--jobs 2 on worker threads writes the same bytes as --jobs 1 (--target-from input, --target-dir) ${distNote(DIST_OK, "dist/cli/evaluate/worker.js")}`, () => {
    let target = ["--target-from", "input"];
    const run = (jobs: string): string => {
      const out = join(TMP, `jobs${jobs}${target[0]}`);
      const r = spawnSync(process.execPath, ["bin/aerchip.js", "evaluate", MODEL, "--input", DATA, "--arch", "generic", ...target, "--jobs", jobs, "--out", out, "--quiet"], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return out;
    };
    const a = run("1");
    const b = run("2");
    for (const f of readdirSync(a)) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    expect(readDoc(b).samples[1].reconstruction?.mse).toBe(1 / 48);
    // --target-dir: the workers read each sample's target themselves.
    const dir = join(TMP, "jobs-targets");
    mkdirSync(join(dir, "0"), { recursive: true });
    writeFileSync(join(dir, "0", "a.npy"), writeNpy(Float64Array.of(0.75, 0.25, 0), [3]));
    writeFileSync(join(dir, "0", "b.npy"), writeNpy(Float64Array.of(0, 0.5, 0.5), [3]));
    target = ["--target-dir", dir];
    const c = run("1");
    const d = run("2");
    for (const f of readdirSync(c)) expect(readFileSync(join(d, f)).equals(readFileSync(join(c, f))), f).toBe(true);
    expect(readDoc(d).samples[1].reconstruction?.mse).toBe(1 / 24);
  });
});
