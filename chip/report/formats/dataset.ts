/**
 * dataset.json (`aerchip evaluate`) as the tables a paper quotes — Markdown, LaTeX — and as one CSV row
 * per sample. Every energy figure in them is a sum of counts × the per-operation costs listed in the
 * costs table (the per-sample run reports' `costs`).
 */
import { SAMPLE_ENERGY_KEYS, type DatasetDocument, type SampleStat } from "../dataset.ts";
import { energyUnit, maxOf, timeUnit, type Cell, type ReportTable } from "./cells.ts";
import { csvField } from "./csv.ts";
import { latexChipSlug, latexEscape, latexLabelSlug, latexTable } from "./latex.ts";
import { markdownTable } from "./markdown.ts";

/** Confusion matrices are drawn for at most this many classes (SHD's 20; SSC's 35 stay in dataset.json). */
export const MAX_CONFUSION_TABLE_CLASSES = 20;

const sig = (v: number): Cell => ({ v, f: "sig" });

function statCells(s: SampleStat, scale = 1): Cell[] {
  return [sig(s.mean / scale), sig(s.std / scale), sig(s.min / scale), sig(s.median / scale), sig(s.max / scale)];
}

const ENERGY_LABEL: Record<(typeof SAMPLE_ENERGY_KEYS)[number], string> = {
  total: "Energy, total", synapse: "Energy, synapse", neuron: "Energy, neuron", network: "Energy, network", learning: "Energy, learning", static: "Energy, static",
};

function timeBasisText(d: DatasetDocument): string {
  if (d.timeBasis === "tick-period" && d.tickPeriodNs !== null) return `tick-period (each tick lasts max(${d.tickPeriodNs / 1000} us, its modelled latency))`;
  if (d.timeBasis === "modelled-latency") return "modelled-latency (ticks back to back, compute-bound)";
  return "not modelled";
}

export function datasetTables(d: DatasetDocument): ReportTable[] {
  const s = d.summary;
  const pi = s.perInference;
  const acc = s.accuracy === null ? "no labels" : `${(s.accuracy * 100).toFixed(2)} % (${s.correct} of ${s.labelled} labelled samples${s.noPrediction > 0 ? `; ${s.noPrediction} decoded to no class` : ""})`;
  const summary: ReportTable = {
    id: "dataset-summary",
    title: "Data set evaluation",
    columns: [{ header: "Item", align: "l" }, { header: "Value", align: "l" }],
    rows: [
      ["Model", d.model],
      ["Chip", `${d.chip.name}${d.chip.specSha256 === undefined ? "" : ` (spec ${d.chip.specSha256.slice(0, 12)})`}, ${d.chip.coresUsed} of ${d.chip.coresAvailable} cores`],
      ["Data set", `${d.dataset.path} (${d.dataset.kind}): ${d.dataset.evaluated} of ${d.dataset.total} samples`],
      ["Timing model; precision", `${d.timingModel}; ${d.precision}`],
      ["Time basis", timeBasisText(d)],
      ["Output decoded", `${d.output.output} (${d.output.size} neurons), ${d.output.decode === "count" ? "spike count" : `membrane ${d.output.decode} over time`}, argmax`],
      ["Accuracy", acc],
      ["Ticks", `${s.ticks.total} in all`],
    ],
    note: "Each sample is one inference from the chip's initial state (the reset itself is not charged).",
  };
  const eu = energyUnit(maxOf([pi.energyPj.total.max]));
  const rows: Cell[][] = SAMPLE_ENERGY_KEYS.map((k) => [ENERGY_LABEL[k], eu.unit, ...statCells(pi.energyPj[k], eu.scale)]);
  if (pi.simulatedTimeNs !== null) {
    const tu = timeUnit(pi.simulatedTimeNs.max);
    rows.push(["Simulated time", tu.unit, ...statCells(pi.simulatedTimeNs, tu.scale)]);
  } else rows.push(["Simulated time", "", "not modelled", null, null, null, null]);
  rows.push(
    ["Ticks", "", ...statCells(s.ticks.perSample)],
    ["Input spikes", "", ...statCells(pi.inputSpikes)],
    ["Spikes (excl. inputs)", "", ...statCells(pi.spikes)],
    ["Synaptic ops", "", ...statCells(pi.synOps)],
    ["Neuron updates", "", ...statCells(pi.neuronUpdates)],
    ["Packets", "", ...statCells(pi.packets)],
    ["Hops", "", ...statCells(pi.hops)],
  );
  const perInference: ReportTable = {
    id: "dataset-per-inference",
    title: "Per inference",
    columns: [{ header: "Quantity", align: "l" }, { header: "Unit", align: "l" }, ...["Mean", "Std", "Min", "Median", "Max"].map((h) => ({ header: h, align: "r" as const }))],
    rows,
    note: `Over ${s.samples} samples; Std is the sample standard deviation (n - 1). Static energy is over each inference's simulated time on the stated time basis, for the cores used.`,
  };
  const populations: ReportTable = {
    id: "dataset-populations",
    title: "Activity over the data set",
    columns: [{ header: "Population", align: "l" }, { header: "Size", align: "r" }, { header: "Spikes", align: "r" }, { header: "Active", align: "r" }, { header: "Dead", align: "r" }, { header: "Dead %", align: "r" }, { header: "Density (active)", align: "r" }],
    rows: s.populations.map((p) => [p.name, { v: p.size, f: "int" }, { v: p.spikes, f: "int" }, { v: p.activeNeurons, f: "int" }, { v: p.deadNeurons, f: "int" }, { v: p.deadFraction, f: "pct" }, p.densityActive === null ? "no neuron fired" : sig(p.densityActive)]),
    note: "Dead: fired in no sample. Density (active) = spikes / (active neurons x total ticks of all samples).",
  };
  const costs: ReportTable = {
    id: "dataset-costs",
    title: "Per-operation costs",
    columns: [{ header: "Cost", align: "l" }, { header: "Value", align: "r" }, { header: "Unit", align: "l" }, { header: "Evidence", align: "l" }, { header: "Source", align: "l" }],
    rows: d.costs.map((c) => [c.key, sig(c.value), c.unit, c.evidence, c.source]),
    ...(d.notModelled.length === 0 ? {} : { note: `Not modelled by this chip spec: ${d.notModelled.join(", ")}.` }),
  };
  const terms: ReportTable = {
    id: "dataset-energy-terms",
    title: "Energy per inference = count x per-operation cost",
    columns: [{ header: "Component", align: "l" }, { header: "Count (mean per inference)", align: "l" }, { header: "Mean count", align: "r" }, { header: "Cost", align: "l" }, { header: "Value", align: "r" }, { header: "Unit", align: "l" }, { header: `Mean energy (${eu.unit})`, align: "r" }],
    rows: s.energyTerms.map((t) => [t.component, t.countLabel, sig(t.meanCount), t.costKey, sig(t.costValue), t.costUnit, sig(t.meanEnergyPj / eu.scale)]),
    note: "Each component's terms add up to its mean energy in the per-inference table (the energy is linear in the counts).",
  };
  const tables = [summary, perInference, terms, populations, costs];
  if (d.quantisation !== undefined) {
    tables.push({
      id: "dataset-quantisation",
      title: "Fixed-point quantisation per layer",
      columns: [{ header: "Population", align: "l" }, { header: "State scale exp.", align: "r" }, { header: "Max abs weight error", align: "r" }, { header: "Max rel weight error", align: "r" }, { header: "Clipped weights", align: "r" }, { header: "Max decay error", align: "r" }],
      rows: d.quantisation.layers.map((l) => [l.population, { v: l.stateScaleExp, f: "int" }, sig(l.maxAbsWeightError), sig(l.maxRelWeightError), { v: l.clippedWeights, f: "int" }, sig(l.maxDecayError)]),
      ...(d.quantisation.warnings.length === 0 ? {} : { note: d.quantisation.warnings.join("; ") }),
    });
  }
  const cm = s.confusion;
  if (cm !== undefined && cm.classes <= MAX_CONFUSION_TABLE_CLASSES) {
    tables.push({
      id: "dataset-confusion",
      title: "Confusion matrix",
      columns: [{ header: "Label", align: "l" }, ...Array.from({ length: cm.classes }, (_, j) => ({ header: String(j), align: "r" as const })), { header: "none", align: "r" }],
      rows: cm.counts.map((row, i) => [String(i), ...row.map((v) => ({ v, f: "int" as const }))]),
      note: "Rows: label; columns: decoded class (none: the output never fired).",
    });
  }
  return tables;
}

export function datasetMarkdown(d: DatasetDocument): string {
  const out = [`# aerchip evaluation: ${d.model} on ${d.chip.name}`, "", `Format ${d.format} v${d.version}, aerchip ${d.provenance.aerchipVersion}.`, ""];
  for (const t of datasetTables(d)) {
    out.push(`## ${t.title}`, "", markdownTable(t), "");
    if (t.note !== undefined) out.push(`_${t.note.replace(/_/g, "\\_")}_`, "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

export function datasetLatex(d: DatasetDocument): string {
  const prefix = `aerchip-${latexLabelSlug(d.model)}-${latexChipSlug(d.chip.name, d.chip.specSha256)}`;
  const out = [`% ${latexEscape(`aerchip evaluation: ${d.model} on ${d.chip.name} (${d.format} v${d.version}, aerchip ${d.provenance.aerchipVersion})`)}`.replace(/\r?\n/g, " "), "% Needs \\usepackage{booktabs} and \\usepackage{graphicx}.", ""];
  for (const t of datasetTables(d)) out.push(latexTable(t, prefix, t.id === "dataset-summary" ? "" : `${d.model} on ${d.chip.name}: `), "");
  return `${out.join("\n").trimEnd()}\n`;
}

export const DATASET_CSV_COLUMNS = [
  "model", "chip", "chip_spec_sha256", "timing_model", "precision", "seed",
  "sample_index", "sample", "label", "prediction", "correct", "ticks", "input_spikes", "spikes", "syn_ops", "neuron_updates", "packets", "hops",
  "energy_synapse_pj", "energy_neuron_pj", "energy_network_pj", "energy_learning_pj", "energy_static_pj", "energy_total_pj", "simulated_time_ns", "output_values",
] as const;

/** One row per sample, run columns first so files of several evaluations stack. */
export function datasetCsv(d: DatasetDocument): string {
  const seed = d.provenance.options.seed;
  const lines = [DATASET_CSV_COLUMNS.join(",")];
  for (const r of d.samples) {
    const e = r.energyPj;
    const fields = [
      d.model, d.chip.name, d.chip.specSha256 ?? null, d.timingModel, d.precision, seed ?? null,
      r.index, r.id, r.label, r.prediction, r.correct, r.ticks, r.inputSpikes, r.spikes, r.synOps, r.neuronUpdates, r.packets, r.hops,
      e.synapse, e.neuron, e.network, e.learning, e.static, e.total, r.simulatedTimeNs, r.outputValues.join(" "),
    ];
    lines.push(fields.map(csvField).join(","));
  }
  return `${lines.join("\n")}\n`;
}
