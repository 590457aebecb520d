/**
 * `--costs energy|counts` (chip/report/counts-only.ts): what a command records of it and what it refuses with
 * it. Recorded only in counts mode (provenance.options.costs = "counts"), so reports of the default mode stay
 * byte-identical to those written before the option existed.
 */
import { AerchipError } from "../core/diagnostics.ts";
import type { CostMode } from "../chip/report/counts-only.ts";

export function costsProvenance(costs: CostMode | undefined): { costs?: "counts" } {
  return costs === "counts" ? { costs: "counts" } : {};
}

/** --bill-learning says what the learning energy bills; a counts-only run has no energy for it to change. */
export function checkCostsWithBilling(costs: CostMode | undefined, billLearning: string | undefined, file?: string): void {
  if (costs !== "counts" || billLearning === undefined) return;
  throw new AerchipError("E_CLI_OPTION", "--bill-learning sets what the learning energy bills, and --costs counts reports no energy", {
    ...(file === undefined ? {} : { file }), field: "--bill-learning", hint: "drop --bill-learning (the counts, synapse updates and weight changes, are reported either way), or drop --costs counts",
  });
}
