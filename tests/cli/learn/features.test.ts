/**
 * `aerchip learn FEATURES.npy`: STDP winner-take-all clustering of feature vectors (Deep-STDP's
 * pseudo-labels; cli/learn/features-data.ts, features-report.ts). Small runs: 24 samples of 3 classes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeNpy } from "../../../core/io/npy.ts";
import { readFeatureSplit } from "../../../cli/learn/features-data.ts";
import { clusterSizes, normalizedMutualInformation, purity } from "../../../chip/learning/clusters.ts";
import { createRng } from "../../../core/rng.ts";
import { errorOf } from "../../helpers/errors.ts";
import { cli } from "../../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-features-"));
const K = 3, D = 60, N = 24;

/** Class c is bright on features [20c, 20c + 20) and dim elsewhere. */
function writeData(): { x: string; y: string } {
  const rng = createRng(3);
  const X = new Float32Array(N * D);
  const y = new Int32Array(N);
  for (let s = 0; s < N; s++) {
    const c = s % K;
    y[s] = c;
    for (let f = 0; f < D; f++) X[s * D + f] = (Math.floor(f / 20) === c ? 6 : 0) + rng.nextFloat();
  }
  const x = join(dir, "X.npy"), l = join(dir, "y.npy");
  writeFileSync(x, writeNpy(X, [N, D]));
  writeFileSync(l, writeNpy(y, [N]));
  return { x, y: l };
}
const files = writeData();

describe("learn FEATURES.npy", () => {
  it("reads features as rates x / max and labels as classes, refusing what is not a samples × D array of rates", () => {
    const split = readFeatureSplit(files.x, files.y);
    expect(split.inputs).toBe(D);
    expect(split.classes).toBe(K);
    expect(split.trainLabels.length).toBe(N);
    expect(Math.max(...split.trainImages)).toBe(1);
    expect(split.testLabels.length).toBe(0);
    const bad = (name: string, data: Float32Array | Float64Array | Int32Array, shape: number[]) => {
      const p = join(dir, name);
      writeFileSync(p, writeNpy(data, shape));
      return p;
    };
    expect(errorOf(() => readFeatureSplit(bad("b3.npy", new Float32Array(8), [2, 2, 2]))).code).toBe("E_LEARN_FEATURES");
    expect(errorOf(() => readFeatureSplit(bad("neg.npy", Float32Array.from([1, -1, 0, 2]), [2, 2]))).field).toBe("[0, 1]");
    expect(errorOf(() => readFeatureSplit(bad("nan.npy", Float64Array.from([1, 0, Number.NaN, 2]), [2, 2]))).field).toBe("[1, 0]");
    expect(errorOf(() => readFeatureSplit(bad("zero.npy", new Float32Array(4), [2, 2]))).code).toBe("E_LEARN_FEATURES");
    expect(errorOf(() => readFeatureSplit(files.x, bad("ylen.npy", new Int32Array(N - 1), [N - 1]))).code).toBe("E_LEARN_LABELS");
    expect(errorOf(() => readFeatureSplit(files.x, bad("yfrac.npy", new Float64Array(N).fill(0.5), [N]))).field).toBe("[0]");
  });

  it("writes each sample's cluster and scores that agree with the clusters, byte-identically twice", async () => {
    const run = async (out: string) => cli("learn", files.x, "--labels", files.y, "--neurons", "4", "--arch", "loihi", "--weight-bits", "6", "--set", "presentMs=100", "--out", out, "--quiet");
    const a = join(dir, "a"), b = join(dir, "b");
    expect((await run(a)).code).toBe(0);
    expect((await run(b)).code).toBe(0);
    expect(readFileSync(join(a, "learn-features.json"))).toEqual(readFileSync(join(b, "learn-features.json")));
    const doc = JSON.parse(readFileSync(join(a, "learn-features.json"), "utf8"));
    expect(doc.format).toBe("aerchip-learn-features");
    expect(doc.results.map((r: { weightBits: unknown }) => r.weightBits)).toEqual(["float", 6]);
    const csv = readFileSync(join(a, "clusters.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("sample,cluster_float,cluster_6b,label");
    expect(csv.length).toBe(N + 1);
    const labels = Array.from(readFeatureSplit(files.x, files.y).trainLabels);
    doc.results.forEach((r: { clustering: { clusters: number[]; sizes: number[]; silentSamples: number; purity: number; nmi: number; kmeansMacsPerIteration: number }; weightBits: unknown }, w: number) => {
      const c = r.clustering;
      expect(c.clusters.length).toBe(N);
      // The CSV's column is the document's clusters; the sizes, purity and NMI follow from them and the labels.
      expect(csv.slice(1).map((line) => Number(line.split(",")[1 + w]))).toEqual(c.clusters);
      expect(clusterSizes(c.clusters, 4)).toEqual({ sizes: c.sizes, silent: c.silentSamples });
      expect(c.purity).toBe(purity(c.clusters, labels, 4, K));
      expect(c.nmi).toBe(normalizedMutualInformation(c.clusters, labels, 4, K));
      expect(c.kmeansMacsPerIteration).toBe(N * 4 * D);
      // Every sample was shown: at least one neuron answered most of them.
      expect(c.silentSamples).toBeLessThan(N);
    });
    // The frozen pass's responses, per width: the clusters and the label-assignment accuracy follow from them.
    const { readNpy, npyToFloat64 } = await import("../../../core/io/npy.ts");
    const { clustersOf } = await import("../../../chip/learning/clusters.ts");
    const { accuracy, assignLabels } = await import("../../../chip/learning/readout.ts");
    doc.results.forEach((r: { weightBits: unknown; clustering: { clusters: number[]; responsesFile: string; labelAssignmentAccuracy: number; responses?: unknown } }) => {
      const arr = readNpy(readFileSync(join(a, r.clustering.responsesFile)));
      if (arr.kind !== "plain") throw new Error("plain expected");
      expect(arr.shape).toEqual([N, 4]);
      const counts = npyToFloat64(arr.data);
      expect(Array.from(clustersOf(counts, N, 4))).toEqual(r.clustering.clusters);
      expect(accuracy(counts, labels, assignLabels(counts, labels, 4, K), K)).toBe(r.clustering.labelAssignmentAccuracy);
      expect(r.clustering.responses).toBeUndefined();
    });
    expect(readFileSync(join(a, "responses_6b.npy"))).toEqual(readFileSync(join(b, "responses_6b.npy")));
    // No test split: the MNIST-only fields are not in the document.
    expect(doc.results[0].accuracy).toBeUndefined();
    expect(doc.results[0].energyPerInferencePj).toBeUndefined();
  }, 60_000);

  it("refuses the mnist split options on features, and --labels on mnist (exit 2)", async () => {
    const out = join(dir, "c");
    const r1 = await cli("learn", files.x, "--train", "10", "--neurons", "2", "--arch", "loihi", "--out", out);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/E_CLI_OPTION.*--train/);
    const r2 = await cli("learn", "mnist", "--labels", files.y, "--neurons", "2", "--train", "5", "--test", "5", "--arch", "loihi", "--out", out);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/E_CLI_OPTION/);
    const r3 = await cli("learn", join(dir, "missing.npy"), "--neurons", "2", "--arch", "loihi", "--out", out);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/missing\.npy/);
  });
});

describe("learn --set", () => {
  it("repeated --set options add up (audit-s18 F2): both overrides reach the parameters", async () => {
    const out = join(dir, "set2");
    const r = await cli("learn", files.x, "--neurons", "2", "--arch", "loihi", "--set", "presentMs=50", "--set", "maxIntensity=3", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, "learn-features.json"), "utf8"));
    expect(doc.params).toMatchObject({ presentMs: 50, maxIntensity: 3 });
    // Each parameter keeps its source in the file; the two set here say so and name the default they replaced.
    expect(doc.paramsProvenance.presentMs).toBe("user: --set presentMs=50 (default 350: [C] D&C code: 350 ms input per example)");
    expect(doc.paramsProvenance.maxIntensity).toMatch(/^user: --set maxIntensity=3 \(default 32: aerchip: /);
    expect(doc.paramsProvenance.tauExcMs).toMatch(/^\[C\] D&C code/);
    expect(Object.keys(doc.paramsProvenance)).toEqual(Object.keys(doc.params));
    expect(doc.provenanceTags).toMatch(/\[C\] read in the authors' code/);
  });
});
