/**
 * Learning curves (`aerchip learn --eval-every N`, cli/learn/diehl-cook.ts evaluateFrozen, cli/learn/curve.ts):
 * the points are frozen end-of-run evaluations taken during training that leave the training untouched, the
 * last point is the run's own result, a point at the end of a pass equals a run that stopped there, and a
 * checkpointed, interrupted run resumes to the same curve.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPreset } from "../../../chip/spec/load.ts";
import { loadMnistSplit } from "../../../cli/learn/mnist-data.ts";
import { trainDiehlCook, type DiehlCookResult } from "../../../cli/learn/diehl-cook.ts";
import { learnCommand, type LearnCommandOptions } from "../../../cli/commands/learn.ts";
import { clearInterrupt, requestInterrupt } from "../../../cli/interrupt.ts";
import { writeNpy } from "../../../core/io/npy.ts";
import { errorOf } from "../../helpers/errors.ts";
import { cli } from "../../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-curve-"));
const spec = loadPreset("loihi");
const data = loadMnistSplit(16, 10, 2);
const OPTS = { neurons: 6, seed: 2, labelSamples: 8, weightBits: 5, params: { presentMs: 60 } } as const;

/** The result without its wall time and curve: what must not depend on whether a curve was kept. */
const core = ({ wallSeconds: _w, curve: _c, ...rest }: DiehlCookResult) => rest;

describe("learn --eval-every", () => {
  it("keeps the training exactly as without it; the last point is the result; a point at a pass's end equals a run of that many passes", () => {
    const plain = trainDiehlCook(spec, data, { ...OPTS, passes: 2 });
    const curved = trainDiehlCook(spec, data, { ...OPTS, passes: 2, evalEvery: 8 });
    expect(plain.curve).toBeUndefined();
    expect(core(curved)).toEqual(core(plain));
    const pts = curved.curve!;
    expect(pts.map((p) => p.samples)).toEqual([8, 16, 24, 32]);
    const last = pts[pts.length - 1];
    expect(last.accuracy).toBe(plain.accuracy);
    expect(last.labelAccuracy).toBe(plain.trainAccuracy);
    // After 16 samples the 2-pass run has finished its first pass: its point is the final evaluation of a 1-pass run.
    const onePass = trainDiehlCook(spec, data, { ...OPTS, passes: 1 });
    expect(pts[1].accuracy).toBe(onePass.accuracy);
    expect(pts[1].labelAccuracy).toBe(onePass.trainAccuracy);
    for (const p of pts) {
      expect(p.accuracy).toBeGreaterThanOrEqual(0);
      expect(p.accuracy).toBeLessThanOrEqual(1);
    }
  }, 120_000);

  it("refuses bad values and --label-samples 0 (no frozen label pass mid-training); --passes goes to 20", () => {
    expect(errorOf(() => trainDiehlCook(spec, data, { ...OPTS, evalEvery: 0 })).code).toBe("E_LEARN_EVAL_EVERY");
    expect(errorOf(() => trainDiehlCook(spec, data, { ...OPTS, labelSamples: 0, evalEvery: 4 })).field).toBe("--eval-every");
    expect(errorOf(() => trainDiehlCook(spec, data, { ...OPTS, passes: 21 })).code).toBe("E_LEARN_PASSES");
  });

  it("an interrupted, checkpointed run resumes to the same learn-mnist.json and curve.csv bytes", async () => {
    const base: LearnCommandOptions = {
      neurons: 6, train: 16, test: 10, arch: "loihi", rounding: "stochastic", passes: 2, labelSamples: 8, seed: 2,
      out: "", json: false, quiet: true, set: "presentMs=60", evalEvery: 8,
    };
    const a = join(dir, "a");
    await learnCommand("mnist", { ...base, out: a });
    const b = join(dir, "b");
    const ck = join(dir, "run.ckpt");
    try {
      // Stop after sample 21 (the second pass, after the points at 8 and 16): the points so far are in the checkpoint.
      await expect(learnCommand("mnist", { ...base, out: b, checkpoint: ck, checkpointEvery: 3, afterSample: (_w, done) => { if (done === 21) requestInterrupt(); } })).rejects.toMatchObject({ code: "E_INTERRUPTED" });
      clearInterrupt();
      await learnCommand("mnist", { ...base, out: b, checkpoint: ck, checkpointEvery: 3, resume: true });
    } finally {
      clearInterrupt();
    }
    for (const f of ["learn-mnist.json", "curve.csv"]) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    const csv = readFileSync(join(a, "curve.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("weights,samples,accuracy,labelAccuracy");
    expect(csv.slice(1).map((l) => l.split(",").slice(0, 2).join(","))).toEqual(["float,8", "float,16", "float,24", "float,32"]);
    const doc = JSON.parse(readFileSync(join(a, "learn-mnist.json"), "utf8"));
    expect(doc.results[0].curve[3].accuracy).toBe(doc.results[0].accuracy);
  }, 120_000);

  it("a feature run's points carry purity and NMI from the CLI", async () => {
    const K = 2, D = 20, N = 12;
    const X = new Float32Array(N * D);
    const y = new Int32Array(N);
    for (let s = 0; s < N; s++) {
      y[s] = s % K;
      for (let f = 0; f < D; f++) X[s * D + f] = Math.floor(f / 10) === y[s] ? 5 : 0.5;
    }
    writeFileSync(join(dir, "X.npy"), writeNpy(X, [N, D]));
    writeFileSync(join(dir, "y.npy"), writeNpy(y, [N]));
    const out = join(dir, "features");
    const r = await cli("learn", join(dir, "X.npy"), "--labels", join(dir, "y.npy"), "--neurons", "3", "--arch", "loihi", "--set", "presentMs=60", "--eval-every", "6", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/learning curve \(purity/);
    const csv = readFileSync(join(out, "curve.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("weights,samples,accuracy,labelAccuracy,purity,nmi,usedClusters,silentSamples");
    expect(csv.length).toBe(3); // after 6 samples, and the final evaluation after 12
    const doc = JSON.parse(readFileSync(join(out, "learn-features.json"), "utf8"));
    const final = doc.results[0].curve[1];
    expect(final.purity).toBe(doc.results[0].clustering.purity);
    expect(final.nmi).toBe(doc.results[0].clustering.nmi);
    const bad = await cli("learn", "mnist", "--label-samples", "0", "--eval-every", "5", "--neurons", "2", "--train", "10", "--test", "5", "--arch", "loihi", "--out", join(dir, "bad"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/E_CLI_OPTION/);
  }, 120_000);
});
