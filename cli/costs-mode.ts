/**
 * `--costs energy|counts` (chip/report/counts-only.ts): what a command records of it and what it refuses with
 * it. Recorded only in counts mode (provenance.options.costs = "counts"), so reports of the default mode stay
 * byte-identical to those written before the option existed.
 */
import { Option } from "commander";
import { AerchipError } from "../core/diagnostics.ts";
import type { CostMode } from "../chip/report/counts-only.ts";
import { COST_MODES } from "./option-limits.ts";

/** The `--costs` option (one Option per command: commander options are not shared). */
export function costsOption(): Option {
  return new Option("--costs <mode>", "energy: counts and their energy, counts × the chip's per-operation costs (default); counts: the counts only (spikes, synaptic ops, MACs, neuron updates, packets, hops, memory, modelled time), no energy or power in any output (docs/reports.md, \"Counts-only reports\")").choices(COST_MODES);
}

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
