/**
 * The fixed-point section of a report (`precision`, runs with --precision fixed) as two tables for the
 * Markdown, LaTeX and HTML renderers: the quantisation of each layer (docs/fixed-point.md: state scale
 * 2^q, weight exponents, weight, decay and threshold errors, clipped weights) and the spike agreement with the same
 * model in float64, Jaccard = shared / (spikes + spikesFloat − shared). A float run has neither table.
 */
import type { RunReport } from "../run-report.ts";
import type { Cell, ReportTable } from "./cells.ts";

const int = (v: number): Cell => ({ v, f: "int" });
const sig = (v: number): Cell => ({ v, f: "sig" });

export function fixedPointTables(r: RunReport): ReportTable[] {
  const p = r.precision;
  if (p === undefined) return [];
  const layers: ReportTable = {
    id: "fixed-point-layers", title: "Fixed-point quantisation per layer",
    columns: [
      { header: "Population", align: "l" }, { header: "State scale exp. q", align: "r" }, { header: "Weight exponents", align: "l" },
      { header: "Max abs. weight error", align: "r" }, { header: "Max rel. weight error", align: "r" }, { header: "Clipped weights", align: "r" },
      { header: "Max decay error", align: "r" }, { header: "Max threshold error", align: "r" },
    ],
    rows: p.layers.map((l) => [
      l.population, int(l.stateScaleExp), Object.entries(l.weightExponents).map(([proj, e]) => `${proj} ${e}`).join(", "),
      sig(l.maxAbsWeightError), sig(l.maxRelWeightError), int(l.clippedWeights), sig(l.maxDecayError), l.maxThresholdError === undefined ? null : sig(l.maxThresholdError),
    ]),
    note: "Values are integers in units of 2^-q of the model's values; weights are mantissa × 2^e with one exponent e per projection (docs/fixed-point.md)." +
      (p.warnings.length > 0 ? ` Warnings: ${p.warnings.join("; ")}` : ""),
  };
  const agreement: ReportTable = {
    id: "fixed-point-agreement", title: "Fixed-point spikes against float64",
    columns: [
      { header: "Population", align: "l" }, { header: "Spikes (fixed)", align: "r" }, { header: "Spikes (float64)", align: "r" },
      { header: "Shared", align: "r" }, { header: "Jaccard", align: "r" },
    ],
    rows: p.agreementWithFloat.map((a) => [a.population, int(a.spikes), int(a.spikesFloat), int(a.shared), sig(a.jaccard)]),
    note: "Non-input populations; shared = (tick, neuron) pairs spiking in both runs; Jaccard = shared / (spikes + float64 spikes − shared), 1 = identical.",
  };
  return [layers, agreement];
}
