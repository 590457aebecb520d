/**
 * A data set's statistics (chip/report/dataset.ts), by hand.
 */
import { describe, expect, it } from "vitest";
import { BatchActivity, sampleStat, summariseDataset, wilsonInterval95, type DatasetSampleResult } from "../../../chip/report/dataset.ts";

function row(index: number, label: number | null, prediction: number | null, energy: number, ticks = 10): DatasetSampleResult {
  return {
    index, id: `s${index}`, label, prediction, correct: label === null ? null : prediction === label, steps: ticks - 2, ticks, inputSpikes: 0, inputSpikesBeyondSteps: 0, spikes: index, synOps: 2 * index,
    helperSynOps: 0, effectiveSynOps: 2 * index, denseSynOps: 100, activationSparsity: 0.5,
    neuronUpdates: 0, packets: 0, hops: 0, energyPj: { synapse: energy, neuron: 0, network: 0, learning: 0, static: 0, total: energy }, simulatedTimeNs: 100 * index, outputValues: [], tie: false,
  };
}

describe("sampleStat", () => {
  it("mean, sample std (n − 1), min, median, max", () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x − 5)² = 32, std = √(32 / 7); median (4 + 5) / 2.
    expect(sampleStat([9, 4, 2, 4, 5, 7, 4, 5])).toEqual({ mean: 5, std: Math.sqrt(32 / 7), min: 2, median: 4.5, max: 9 });
    expect(sampleStat([3, 1, 2])).toEqual({ mean: 2, std: 1, min: 1, median: 2, max: 3 });
    expect(sampleStat([7])).toEqual({ mean: 7, std: 0, min: 7, median: 7, max: 7 });
  });
});

describe("wilsonInterval95", () => {
  it("matches the textbook values", () => {
    // 8 of 10: 0.4902–0.9433 (Newcombe 1998, Table I, method 3); 0 of 10: 0–0.2775; 10 of 10: 0.7225–1.
    const [lo, hi] = wilsonInterval95(8, 10);
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
    expect(wilsonInterval95(0, 10)[0]).toBe(0);
    expect(wilsonInterval95(0, 10)[1]).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval95(10, 10)[0]).toBeCloseTo(0.7225, 4);
    expect(wilsonInterval95(10, 10)[1]).toBe(1);
  });
});

describe("BatchActivity", () => {
  it("dead = neurons that fired in no sample; density over the active ones", () => {
    // 3 samples of 20 ticks, a population of 5. Neuron 3 fires only in sample 2; neuron 4 never.
    const a = new BatchActivity([{ name: "h", size: 5 }, { name: "silent", size: 2 }]);
    a.add(0, [0, 0, 1]);
    a.add(0, [1, 3, 0, 3]);
    a.add(0, [2]);
    const [h, silent] = a.summary(3 * 20);
    // Spikes 3 + 4 + 1 = 8 over active neurons 0, 1, 2, 3: 8 / (4 · 60).
    expect(h).toEqual({ name: "h", size: 5, spikes: 8, meanSpikesPerInference: 8, activeNeurons: 4, deadNeurons: 1, deadFraction: 0.2, burstingNeurons: 0, densityActive: 8 / (4 * 60), meanEffectiveSynOpsIn: 0, meanDenseSynOpsIn: 0 });
    expect(silent).toEqual({ name: "silent", size: 2, spikes: 0, meanSpikesPerInference: 0, activeNeurons: 0, deadNeurons: 2, deadFraction: 1, burstingNeurons: 0, densityActive: null, meanEffectiveSynOpsIn: 0, meanDenseSynOpsIn: 0 });
    expect(a.summary(60, 3)[0].meanSpikesPerInference).toBe(8 / 3);
  });

  it("synaptic ops into a layer: per-inference means of the samples' counts", () => {
    const a = new BatchActivity([{ name: "h", size: 5 }]);
    a.addSynOpsIn(0, 10, 400);
    a.addSynOpsIn(0, 25, 400);
    a.addSynOpsIn(0, 0, 400);
    expect(a.summary(60, 3)[0]).toMatchObject({ meanEffectiveSynOpsIn: 35 / 3, meanDenseSynOpsIn: 400 });
  });
});

describe("BatchActivity bursting", () => {
  it("a neuron spiking in at least 90 % of the batch's steps is bursting; 89 % is not", () => {
    // Two samples of 10 steps (20 in all): neuron 0 spikes 18 times (90 %), neuron 1 17 times (85 %).
    const a = new BatchActivity([{ name: "h", size: 2 }]);
    a.add(0, [...Array(9).fill(0), ...Array(9).fill(1)]);
    a.add(0, [...Array(9).fill(0), ...Array(8).fill(1)]);
    expect(a.summary(20, 2)[0]).toMatchObject({ burstingNeurons: 1, activeNeurons: 2 });
  });
});

describe("summariseDataset", () => {
  it("accuracy over labelled samples, a confusion matrix as wide as the output, statistics per inference", () => {
    const rows = [row(0, 1, 1, 10), row(1, 2, 0, 20), row(2, null, 2, 30), row(3, 0, null, 40)];
    const s = summariseDataset(rows, [], 4);
    expect(s).toMatchObject({ samples: 4, labelled: 3, correct: 1, accuracy: 1 / 3, noPrediction: 1 });
    expect(s.confusion).toEqual({ classes: 4, counts: [[0, 0, 0, 0, 1], [0, 1, 0, 0, 0], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0]] });
    expect(s.perInference.energyPj.total).toEqual(sampleStat([10, 20, 30, 40]));
    expect(s.totals).toEqual({ energyPj: 100, simulatedTimeNs: 600, spikes: 6, synOps: 12 });
    expect(s.ticks.total).toBe(40);
    // A label beyond the output widens the matrix; no labels, no matrix.
    expect(summariseDataset([row(0, 6, 1, 1)], [], 4).confusion!.classes).toBe(7);
    const unlabelled = summariseDataset([row(0, null, 1, 1)], [], 4);
    expect(unlabelled.accuracy).toBeNull();
    expect(unlabelled.confusion).toBeUndefined();
  });

  it("time is not modelled when any sample's is not", () => {
    const rows = [row(1, null, 0, 1), { ...row(2, null, 0, 1), simulatedTimeNs: null }];
    const s = summariseDataset(rows, []);
    expect(s.perInference.simulatedTimeNs).toBeNull();
    expect(s.totals.simulatedTimeNs).toBeNull();
  });
});
