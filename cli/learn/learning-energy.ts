/**
 * The learning energy of a `learn` width, as `run` reports it (chip/report/run-report.ts learningEnergyModelled):
 * on a chip with a learning engine but no energySynUpdatePj (spinnaker2, odin, loihi-sanafe) the synapse updates
 * have no cost in the spec, so learningEnergyPerTrainSamplePj is null ("not modelled"), not 0. A result read from
 * a checkpoint written before (with 0 there) is shown the same way: the checkpoint's fingerprint fixes the chip.
 */
import type { ChipSpec } from "../../chip/spec/types.ts";
import { learningEnergyModelled } from "../../chip/report/run-report.ts";
import type { DiehlCookResult } from "./diehl-cook.ts";

export function withLearningEnergyKnown(r: DiehlCookResult, spec: ChipSpec): DiehlCookResult {
  return learningEnergyModelled(spec, r.opsPerTrainSample.synUpdates) || r.learningEnergyPerTrainSamplePj === null ? r : { ...r, learningEnergyPerTrainSamplePj: null };
}

/** A table cell of a learning energy in µJ: "not modelled" when null. */
export const learningUj = (pj: number | null): string => (pj === null ? "not modelled" : (pj / 1e6).toFixed(2));
