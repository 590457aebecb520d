/**
 * Counts-only reports (`--costs counts`): every count of the run (spikes, synaptic ops, MACs, neuron updates,
 * packets, hops, memory, modelled time) and no energy or power, for results the papers report as counts and
 * memory only (S-TLLR, FO-STDGD: docs/reports.md, "Counts-only reports"). The run is simulated and its report
 * built as usual; this one function then takes every energy and power figure out, so that renderers have one
 * thing to check (isCountsOnly) and the default report is untouched:
 *   totals.energyPj, totals.energyPerStepPj, totals.averagePowerMw, totals.crossbar.energyPj,
 *   perCore[].energyPj, perTick.energyPj, metrics.totals.energyPerInferencePj      → null
 *   costs, notModelled                                  → their latency entries only (no pJ or mW figure)
 *   totals.learningBilledOn                             → absent (it says what the learning energy bills)
 * A data set's document (`aerchip evaluate`, countsOnlyDataset) likewise: samples[].energyPj,
 * summary.perInference.energyPj and .dynamicEnergyPj, summary.totals.energyPj and summary.energyTerms → null.
 * (`train` and `sweep` write no run report: cli/commands/train.ts and cli/sweep/point.ts null their own energy.)
 * The mode is recorded as provenance.options.costs = "counts" (absent in the default mode, "energy"), which is
 * also what `aerchip rerun` reads back. Counts are the default run's, number for number.
 */
import type { RunReport } from "./run-report.ts";
import type { DatasetDocument } from "./dataset.ts";

/** `--costs`: energy (counts × the chip's per-operation costs, the default) or counts (no energy or power). */
export const COST_MODES = ["energy", "counts"] as const;
export type CostMode = (typeof COST_MODES)[number];

/** Whether a report (or anything with its provenance) was written in counts-only mode. */
export function isCountsOnly(r: { readonly provenance: { readonly options: Readonly<Record<string, unknown>> } }): boolean {
  return r.provenance.options.costs === "counts";
}

/** A cost key that is an energy or power figure (pJ, pJ/bit, mW), not a latency (ns). */
export function isEnergyCostKey(key: string): boolean {
  const name = key.slice(key.lastIndexOf(".") + 1);
  return name.startsWith("energy") || name.startsWith("staticPower");
}

/**
 * The report without its energy and power figures (the fields in the header comment set to null). Typed as a
 * RunReport so that one report type flows through the writers; every reader of an energy field checks
 * isCountsOnly first (chip/report/formats/*, cli/commands/run.ts), and a missed check fails loudly on null.
 */
export function countsOnlyReport(r: RunReport): RunReport {
  const t = r.totals;
  const { learningBilledOn: _billing, ...totals } = t;
  const n = null as unknown as number;
  return {
    ...r,
    totals: {
      ...totals,
      ...(t.crossbar === undefined ? {} : { crossbar: { ...t.crossbar, energyPj: n } }),
      energyPj: null as unknown as RunReport["totals"]["energyPj"],
      averagePowerMw: null,
      energyPerStepPj: n,
    },
    costs: r.costs.filter((c) => !isEnergyCostKey(c.key)),
    notModelled: r.notModelled.filter((k) => !isEnergyCostKey(k)),
    perCore: r.perCore.map((c) => ({ ...c, energyPj: null as unknown as RunReport["perCore"][number]["energyPj"] })),
    ...(r.metrics === undefined ? {} : { metrics: { ...r.metrics, totals: { ...r.metrics.totals, energyPerInferencePj: n } } }),
    perTick: { ...r.perTick, energyPj: null as unknown as number[] },
  };
}

/**
 * The first energy field that is null in a report that does not say it is counts-only (provenance.options.costs
 * absent or "energy"), or undefined. The schema accepts null there (counts-only reports); the report readers
 * refuse such a report rather than render a missing energy as 0 (a hand-edited or truncated report).
 */
export function nullEnergyField(r: RunReport): string | undefined {
  if (isCountsOnly(r)) return undefined;
  const t = r.totals as unknown as Record<string, unknown>;
  for (const k of ["energyPj", "energyPerStepPj"]) if (t[k] === null) return `totals.${k}`;
  if (r.totals.crossbar !== undefined && (r.totals.crossbar as { energyPj: unknown }).energyPj === null) return "totals.crossbar.energyPj";
  const core = r.perCore.findIndex((c) => (c.energyPj as unknown) === null);
  if (core >= 0) return `perCore[${core}].energyPj`;
  if ((r.perTick.energyPj as unknown) === null) return "perTick.energyPj";
  if (r.metrics !== undefined && (r.metrics.totals.energyPerInferencePj as unknown) === null) return "metrics.totals.energyPerInferencePj";
  return undefined;
}

/**
 * A data set's document (dataset.json) without its energy figures, as countsOnlyReport does for a run report:
 * the samples are run and summed as usual, then samples[].energyPj, summary.perInference.energyPj and
 * .dynamicEnergyPj, summary.totals.energyPj and summary.energyTerms become null and the costs keep their
 * latency entries only. `provenance` is the document's, with options.costs "counts".
 */
export function countsOnlyDataset(d: DatasetDocument): DatasetDocument {
  const s = d.summary;
  const none = null as unknown as never;
  return {
    ...d,
    costs: d.costs.filter((c) => !isEnergyCostKey(c.key)),
    notModelled: d.notModelled.filter((k) => !isEnergyCostKey(k)),
    summary: {
      ...s,
      perInference: { ...s.perInference, energyPj: none, dynamicEnergyPj: none },
      totals: { ...s.totals, energyPj: none },
      energyTerms: none,
    },
    samples: d.samples.map((r) => ({ ...r, energyPj: none })),
  };
}
