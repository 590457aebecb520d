/**
 * The clustering scores of a winner-take-all layer (chip/learning/clusters.ts), on cases worked by hand.
 */
import { describe, expect, it } from "vitest";
import { clusterSizes, clustersOf, kmeansMacsPerIteration, normalizedMutualInformation, purity } from "../../../chip/learning/clusters.ts";

describe("clusters of a winner-take-all layer", () => {
  it("a sample's cluster is its most active neuron, the lowest on ties, −1 when none spiked", () => {
    // 3 samples × 3 neurons.
    const counts = [0, 4, 1, /**/ 2, 2, 0, /**/ 0, 0, 0];
    expect(Array.from(clustersOf(counts, 3, 3))).toEqual([1, 0, -1]);
    expect(clusterSizes([1, 0, -1, 1], 3)).toEqual({ sizes: [1, 2, 0], silent: 1 });
  });

  it("purity counts each cluster's majority label; silent samples count as misclustered", () => {
    // Clusters {0: labels 0,0}, {1: labels 0,1,1}, silent: label 1 → (2 + 2) / 6.
    expect(purity([0, 0, 1, 1, 1, -1], [0, 0, 0, 1, 1, 1], 2, 2)).toBeCloseTo(4 / 6, 15);
    expect(purity([0, 0, 1, 1], [1, 1, 0, 0], 2, 2)).toBe(1);
  });

  it("NMI = 2I/(H(K) + H(C)), the silent samples one more cluster (the value numpy gives by the same formula)", () => {
    expect(normalizedMutualInformation([0, 0, 1, 1, 1, -1], [0, 0, 0, 1, 1, 1], 2, 2)).toBeCloseTo(0.43986950051102847, 12);
    // A relabelled copy of the partition: 1; one cluster against two classes: 0; both trivial: 1.
    expect(normalizedMutualInformation([1, 1, 0, 0], [0, 0, 1, 1], 2, 2)).toBeCloseTo(1, 12);
    expect(normalizedMutualInformation([0, 0, 0, 0], [0, 0, 1, 1], 1, 2)).toBe(0);
    expect(normalizedMutualInformation([0, 0], [0, 0], 1, 1)).toBe(1);
  });

  it("k-means costs samples × clusters × features multiply-accumulates per iteration", () => {
    expect(kmeansMacsPerIteration(90, 6, 90)).toBe(48_600);
  });
});
