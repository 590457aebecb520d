/**
 * dataset.json (`aerchip evaluate`) as a self-contained HTML page: the tables of dataset.md and figures
 * drawn as SVG without a browser (vega-lite, as the run report's page): the distribution of energy per
 * inference over the samples, energy against input spikes (a chip's cost follows its input's activity),
 * the mean energy per inference by component, and the confusion matrix.
 */
import type { TopLevelSpec } from "vega-lite";
import { SAMPLE_ENERGY_KEYS, type DatasetDocument } from "../dataset.ts";
import { energyUnit, plainCell } from "./cells.ts";
import { isCountsOnly } from "../counts-only.ts";
import { datasetTables, MAX_CONFUSION_TABLE_CLASSES } from "./dataset.ts";
import { escapeHtml, figure, htmlTable, renderVegaLiteSvg, STYLE, VEGA_LITE_BASE } from "./html.ts";

/** "correct", "wrong", "no class" (labelled, decoded to none) or "unlabelled": each sample's point colour. */
function outcome(s: DatasetDocument["samples"][number]): string {
  if (s.label === null) return "unlabelled";
  if (s.prediction === null) return "no class";
  return s.correct === true ? "correct" : "wrong";
}

const OUTCOME_COLOURS = { domain: ["correct", "wrong", "no class", "unlabelled"], range: ["#54a24b", "#e45756", "#b279a2", "#4c78a8"] };

function histogramSpec(d: DatasetDocument, scale: number, unit: string): TopLevelSpec {
  return {
    ...VEGA_LITE_BASE, width: 520, height: 200,
    data: { values: d.samples.map((s) => ({ energy: s.energyPj.total / scale })) },
    mark: "bar",
    encoding: {
      x: { field: "energy", type: "quantitative", bin: { maxbins: 40 }, title: `energy per inference (${unit})` },
      y: { aggregate: "count", type: "quantitative", title: "samples" },
    },
  } as unknown as TopLevelSpec;
}

function scatterSpec(d: DatasetDocument, scale: number, unit: string): TopLevelSpec {
  return {
    ...VEGA_LITE_BASE, width: 520, height: 260,
    data: { values: d.samples.map((s) => ({ input: s.inputSpikes, energy: s.energyPj.total / scale, outcome: outcome(s) })) },
    mark: { type: "point", filled: true, size: 18, opacity: 0.7 },
    encoding: {
      x: { field: "input", type: "quantitative", title: "input spikes" },
      y: { field: "energy", type: "quantitative", title: `energy per inference (${unit})` },
      color: { field: "outcome", type: "nominal", scale: OUTCOME_COLOURS, title: null },
    },
  } as unknown as TopLevelSpec;
}

function componentsSpec(d: DatasetDocument, scale: number, unit: string): TopLevelSpec {
  const e = d.summary.perInference.energyPj;
  const values = SAMPLE_ENERGY_KEYS.filter((k) => k !== "total").map((k) => ({ component: k, mean: e[k].mean / scale, lo: Math.max(0, e[k].mean - e[k].std) / scale, hi: (e[k].mean + e[k].std) / scale }));
  return {
    ...VEGA_LITE_BASE, width: 420, height: { step: 22 },
    data: { values },
    layer: [
      { mark: "bar", encoding: { y: { field: "component", type: "nominal", sort: null, title: null }, x: { field: "mean", type: "quantitative", title: `mean energy per inference (${unit}), ± 1 std` } } },
      { mark: { type: "rule", color: "#222" }, encoding: { y: { field: "component", type: "nominal", sort: null }, x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } },
    ],
  } as unknown as TopLevelSpec;
}

function confusionSpec(d: DatasetDocument): TopLevelSpec | undefined {
  const cm = d.summary.confusion;
  if (cm === undefined || cm.classes > MAX_CONFUSION_TABLE_CLASSES) return undefined;
  const values: Array<{ label: string; predicted: string; count: number }> = [];
  const cols = [...Array.from({ length: cm.classes }, (_, j) => String(j)), "none"];
  cm.counts.forEach((row, i) => row.forEach((count, j) => values.push({ label: String(i), predicted: cols[j], count })));
  return {
    ...VEGA_LITE_BASE, width: { step: 22 }, height: { step: 22 },
    data: { values },
    layer: [
      { mark: "rect", encoding: { x: { field: "predicted", type: "ordinal", sort: cols, title: "decoded class" }, y: { field: "label", type: "ordinal", sort: cols, title: "label" }, color: { field: "count", type: "quantitative", scale: { scheme: "blues" }, title: "samples" } } },
      { mark: { type: "text", fontSize: 9 }, encoding: { x: { field: "predicted", type: "ordinal", sort: cols }, y: { field: "label", type: "ordinal", sort: cols }, text: { field: "count", type: "quantitative" } } },
    ],
  } as unknown as TopLevelSpec;
}

export async function renderDatasetHtml(d: DatasetDocument): Promise<string> {
  const title = `aerchip evaluation: ${d.model} on ${d.chip.name}`;
  const tables = datasetTables(d);
  const parts: string[] = [`<h1>${escapeHtml(title)}</h1>`, `<p>${escapeHtml(`Format ${d.format} v${d.version}; ${d.summary.samples} samples; timing model ${d.timingModel}; aerchip ${d.provenance.aerchipVersion}.`)}</p>`];
  parts.push(htmlTable(tables[0]));
  // --costs counts (chip/report/counts-only.ts): no energy figures.
  if (!isCountsOnly(d)) {
    const eu = energyUnit(d.summary.perInference.energyPj.total.max);
    const mean = d.summary.perInference.energyPj.total;
    const meanText = `${plainCell({ v: mean.mean / eu.scale, f: "sig" })} ± ${plainCell({ v: mean.std / eu.scale, f: "sig" })} ${eu.unit}`;
    parts.push(figure("energy-histogram", "Energy per inference over the samples", await renderVegaLiteSvg(histogramSpec(d, eu.scale, eu.unit), "hist"), `Mean ± std ${meanText} over ${d.summary.samples} samples; each bar counts the samples whose total energy (dynamic + static, on the stated time basis) falls in it.`));
    parts.push(figure("energy-vs-input", "Energy against input activity", await renderVegaLiteSvg(scatterSpec(d, eu.scale, eu.unit), "scatter"), "One point per sample: its input spikes after binning and its energy per inference, coloured by whether its decoded class was right."));
    parts.push(figure("energy-components", "Mean energy per inference by component", await renderVegaLiteSvg(componentsSpec(d, eu.scale, eu.unit), "components"), "Bars: the mean over the samples; lines: ± one sample standard deviation. The terms of each are in the table \"Energy per inference = count x per-operation cost\" below."));
  }
  const cm = confusionSpec(d);
  if (cm !== undefined) parts.push(figure("confusion", "Confusion matrix", await renderVegaLiteSvg(cm, "confusion"), "Rows: label; columns: decoded class (none: all outputs equal, e.g. a spiking output that never fired)."));
  for (const t of tables.slice(1)) if (t.id !== "dataset-confusion") parts.push(htmlTable(t));
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(title)}</title>\n<style>\n${STYLE}\n</style>\n</head>\n<body>\n${parts.join("\n")}\n</body>\n</html>\n`;
}
