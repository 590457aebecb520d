/**
 * `learn --costs counts` (chip/report/counts-only.ts): a width's result as learn-mnist.json, learn-features.json
 * and the printed tables show it, with its energy figures null and no learning billing basis; the run itself,
 * its counts, accuracy and checkpoint are the default mode's (the mode changes what is written, not what runs).
 * The nulls are typed as DiehlCookResult's numbers (one result type for the writers, as chip/report/counts-only.ts
 * does for run reports): learnTable and featuresTable leave the energy columns out in counts mode instead of reading them.
 */
import type { DiehlCookResult } from "./diehl-cook.ts";

export function countsOnlyLearnResult(r: DiehlCookResult): DiehlCookResult {
  const { learningBilledOn: _billing, ...rest } = r;
  const none = null as unknown as number;
  return { ...rest, energyPerTrainSamplePj: none, energyPerInferencePj: none, learningEnergyPerTrainSamplePj: none };
}
