/**
 * `learn` on a chip with a learning engine but no energySynUpdatePj (spinnaker2, odin, loihi-sanafe): the learning
 * energy per training sample is not modelled (null, "not modelled" in the tables), as `run` reports it
 * (report.json totals.energyPj.learning null), not 0; a width a checkpoint finished before (0 there) is shown so too.
 */
import { describe, expect, it } from "vitest";
import { loadPreset } from "../../../chip/spec/load.ts";
import { loadMnistSplit } from "../../../cli/learn/mnist-data.ts";
import { trainDiehlCook } from "../../../cli/learn/diehl-cook.ts";
import { withLearningEnergyKnown } from "../../../cli/learn/learning-energy.ts";
import { learnTable } from "../../../cli/commands/learn.ts";
import { featuresTable } from "../../../cli/learn/features-report.ts";

describe("learn: learning energy on a chip without energySynUpdatePj", () => {
  const tiny = loadMnistSplit(4, 2, 1);
  const opts = { neurons: 2, seed: 1, params: { inputDelayMaxMs: 15, presentMs: 5 } };

  it("is null on spinnaker2 and a number on loihi, whose spec has the cost", () => {
    const s = trainDiehlCook(loadPreset("spinnaker2"), tiny, opts);
    expect(loadPreset("spinnaker2").costs.energySynUpdatePj).toBeUndefined();
    expect(s.opsPerTrainSample.synUpdates).toBeGreaterThan(0);
    expect(s.learningEnergyPerTrainSamplePj).toBeNull();
    expect(learnTable([s])).toMatch(/not modelled/);
    expect(featuresTable([{ ...s, clustering: { usedClusters: 1, silentSamples: 0, purity: null, nmi: null, labelAssignmentAccuracy: null } as never }])).toMatch(/not modelled/);
    const l = trainDiehlCook(loadPreset("loihi"), tiny, opts);
    expect(l.learningEnergyPerTrainSamplePj).toBeGreaterThan(0);
    expect(learnTable([l])).not.toMatch(/not modelled/);
    expect(withLearningEnergyKnown(l, loadPreset("loihi"))).toBe(l);
  });

  it("a result a checkpoint finished before (learning energy 0 there) is shown as not modelled", () => {
    const s = trainDiehlCook(loadPreset("spinnaker2"), tiny, opts);
    const old = { ...s, learningEnergyPerTrainSamplePj: 0 };
    expect(withLearningEnergyKnown(old, loadPreset("spinnaker2")).learningEnergyPerTrainSamplePj).toBeNull();
  });
});
