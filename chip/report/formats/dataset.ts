/**
 * dataset.json (`aerchip evaluate`) as the tables a paper quotes — Markdown, LaTeX — and as one CSV row
 * per sample. Every energy figure in them is a sum of counts × the per-operation costs listed in the
 * costs table (the per-sample run reports' `costs`).
 */
import { SAMPLE_ENERGY_KEYS, type DatasetDocument, type SampleStat } from "../dataset.ts";
import { bytesUnit, energyUnit, groupDigits, maxOf, timeUnit, type Cell, type ReportTable } from "./cells.ts";
import { csvField } from "./csv.ts";
import { datasetDisplayName } from "./dataset-name.ts";
import { eventTransformText } from "./event-transform-text.ts";
import { latexChipSlug, latexEscape, latexLabelSlug, latexTable } from "./latex.ts";
import { latexFileHead } from "./latex-layout.ts";
import { markdownTable } from "./markdown.ts";
import { isCountsOnly } from "../counts-only.ts";
import { costsModelLatency } from "../time-basis.ts";

/** Confusion matrices are drawn for at most this many classes (SHD's 20; SSC's 35 stay in dataset.json). */
export const MAX_CONFUSION_TABLE_CLASSES = 20;

const sig = (v: number): Cell => ({ v, f: "sig" });

/**
 * Mean, std, min, median, max; `count`: a whole-number quantity, printed in one notation across its row:
 * whole values as grouped whole numbers, and a mean or std of 1,000 or more rounded to a whole number
 * (its fraction is below the 4 significant digits shown elsewhere). The std of one sample is "n/a" (n − 1 = 0).
 */
function statCells(s: SampleStat, n: number, scale = 1, count = false): Cell[] {
  const v = (x: number): Cell => (count ? countCell(x) : sig(x / scale));
  return [v(s.mean), n > 1 ? v(s.std) : "n/a", v(s.min), v(s.median), v(s.max)];
}

/**
 * A mean or total of a whole-number quantity: a whole value, or one of 1,000 or more, as a grouped whole
 * number ("5,163", "150"); a smaller fraction with 4 significant digits ("2.667"). One notation down a
 * column whatever the size, as the grouped integer columns beside it (sig alone would print 5163 and 150.0).
 */
function countCell(x: number): Cell {
  return Number.isInteger(x) || Math.abs(x) >= 1000 ? { v: Math.round(x), f: "int" } : sig(x);
}

const ENERGY_LABEL: Record<(typeof SAMPLE_ENERGY_KEYS)[number] | "dynamic", string> = {
  dynamic: "Energy, dynamic (total - static)",
  total: "Energy, total", synapse: "Energy, synapse", neuron: "Energy, neuron", network: "Energy, network", learning: "Energy, learning", static: "Energy, static",
};

function fmtBytes(b: number): string {
  const u = bytesUnit(b);
  return `${u.scale === 1 ? String(b) : (b / u.scale).toPrecision(4)} ${u.unit}`;
}

/** How the samples were chosen: a --samples range of the path order or of the order shuffled with the seed. */
function selectionText(d: DatasetDocument): string {
  const o = d.provenance.options;
  const range = typeof o.samples === "string" ? o.samples : null;
  if (o.shuffle === true) return ` (${range === null ? "all" : `--samples ${range}`} of the order shuffled with seed ${String(o.seed ?? 0)})`;
  return range === null ? "" : ` (--samples ${range} of the ${d.dataset.kind === "hdf5" ? "file's" : "path"} order)`;
}

/** The event transforms the provenance recorded, as "cropped to 32x32 at (1, 1), …, " (before the binning's words). */
function transformText(d: DatasetDocument): string {
  const t = eventTransformText({ ...d.provenance.options, timeBins: undefined, eventCount: undefined, eventBins: undefined, eventOverlap: undefined });
  return t === "" ? "" : `${t}, `;
}

function inputText(d: DatasetDocument): string {
  const text = binningText(d);
  const x = d.input.eventOverlap;
  if (x === undefined) return text;
  // --event-overlap: tonic's overlap, in the rule's unit; events shared by neighbouring steps are delivered in each.
  const unit = d.input.eventCount !== undefined ? `${x} event${x === 1 ? "" : "s"}` : d.input.timeBins !== undefined || d.input.eventBins !== undefined ? `${x} of a bin` : `${x} us (a step every ${(d.input.tickUs ?? 1000) - x} us)`;
  return `${text}, neighbouring steps overlapping by ${unit} (tonic's overlap: an event in several steps delivered in each)`;
}

function binningText(d: DatasetDocument): string {
  const n = d.dataset.evaluated;
  const t = transformText(d);
  if (d.input.timeBins !== undefined) {
    const rule = d.provenance.options.timeBinsRule === "tonic" ? ", tonic's integer window (events past the last bin dropped)" : "";
    return `events ${t}in ${d.input.timeBins} equal bins per sample, first to last event${rule} (one bin per step)`;
  }
  if (d.input.eventCount !== undefined) return `events ${t}in ticks of ${d.input.eventCount} consecutive events per sample, the incomplete last one dropped (tonic's event_count; one bin per step)`;
  if (d.input.eventBins !== undefined) return `events ${t}in ${d.input.eventBins} bins of equal event counts per sample, the remainder dropped (tonic's n_event_bins; one bin per step)`;
  if (d.input.tickUs === null) return "dense spike tensors, one row per step";
  const dense = d.input.denseTensors === 0 ? "" : ` (${d.input.denseTensors} of ${n} samples dense spike tensors, one row per step)`;
  return `events ${t}binned at ${d.input.tickUs} us per step${dense}`;
}

/** The event samples' events on the way to their input spikes, summed (dataset.json summary.inputEvents). */
function inputEventsText(e: NonNullable<DatasetDocument["summary"]["inputEvents"]>, everyEvent: boolean): string {
  const g = (v: number): string => groupDigits(v, ",");
  const dropped = [
    e.eventsDroppedByTransforms === 0 ? "" : `${g(e.eventsDroppedByTransforms)} dropped by the transforms`,
    e.eventsOutsideTicks === 0 ? "" : `${g(e.eventsOutsideTicks)} outside the ticks`,
  ].filter((x) => x !== "");
  // --event-overlap: an event in k overlapping steps is delivered k times (eventsRepeated the extra ones).
  const delivered = e.eventsBinned + (e.eventsRepeated ?? 0);
  const repeats = e.eventsRepeated === undefined ? "" : ` (${g(delivered)} delivered in overlapping steps)`;
  const share = delivered === 0 ? "" : ` (${((100 * e.eventsMerged) / delivered).toFixed(1)} % of those ${e.eventsRepeated === undefined ? "binned" : "delivered"})`;
  const ev = (v: number): string => `${g(v)} event${v === 1 ? "" : "s"}`;
  // --input-counts (cli/input-counts.ts): nothing merges, an input neuron fires once per event of its step.
  if (everyEvent) return `${ev(e.eventsRead)} read over ${g(e.samples)} sample${e.samples === 1 ? "" : "s"}${dropped.length === 0 ? "" : ` (${dropped.join(", ")})`}, ${g(e.eventsBinned)} binned${repeats} → ${g(e.spikes)} input spikes, every event delivered (--input-counts: an input neuron fires once per event of its step)`;
  return `${ev(e.eventsRead)} read over ${g(e.samples)} sample${e.samples === 1 ? "" : "s"}${dropped.length === 0 ? "" : ` (${dropped.join(", ")})`}, ${g(e.eventsBinned)} binned${repeats} → ${g(e.spikes)} input spikes; ${ev(e.eventsMerged)} merged${share}: an input neuron emits at most one spike per step`;
}

/** What the reconstruction error compares (chip/report/reconstruction.ts), and its mean ± std. */
function reconstructionText(d: DatasetDocument, r: NonNullable<DatasetDocument["summary"]["reconstruction"]>): string {
  const y = d.output.decode === "count" ? "output spikes / T" : d.output.decode === "sum" ? "mean membrane (sum / T)" : d.output.decode === "max" ? "max membrane over time" : "last membrane";
  const left = d.summary.samples - r.samples;
  const x = r.target === "input" ? "input spikes / T)^2, output neuron i against input neuron i" : "target)^2, the target a .npy per sample (--target-dir)";
  return `MSE ${r.mse.mean.toPrecision(4)} ± ${r.samples > 1 ? r.mse.std.toPrecision(4) : "n/a"} (mean ± std over ${r.samples} sample${r.samples === 1 ? "" : "s"}${left === 0 ? "" : `; ${left} of 0 steps left out`}); per sample the mean over the ${r.neurons} output neurons of (${y} - ${x}`;
}

/**
 * The time basis row. A paced chip spec without latency costs (truenorth, spinnaker2; chip/report/time-basis.ts
 * costsModelLatency) has no modelled latency: each tick lasts the period (audit s23y #6a).
 */
function timeBasisText(d: DatasetDocument): string {
  if (d.timeBasis === "tick-period" && d.tickPeriodNs !== null) {
    return costsModelLatency(d.costs) ? `tick-period (each tick lasts max(${d.tickPeriodNs / 1000} us, its modelled latency))`
      : `tick-period (each tick lasts the ${d.tickPeriodNs / 1000} us period; no latency costs, so no modelled latency)`;
  }
  if (d.timeBasis === "modelled-latency") return "modelled-latency (ticks back to back, compute-bound)";
  return "not modelled";
}

export function datasetTables(d: DatasetDocument): ReportTable[] {
  const s = d.summary;
  const pi = s.perInference;
  const ci = s.accuracyInterval95;
  // All-in costs (TrueNorth's energy per synaptic event) already hold static power: no dynamic share to show.
  const allIn = d.costs.some((c) => c.evidence === "all-in");
  // --costs counts (chip/report/counts-only.ts): no energy rows, energy-term table or energy in the notes.
  const countsOnly = isCountsOnly(d);
  const acc = s.accuracy === null ? "no labels" : `${(s.accuracy * 100).toFixed(2)} % (${s.correct} of ${s.labelled} labelled samples${s.noPrediction > 0 ? `; ${s.noPrediction} decoded to no class` : ""}${ci === null ? "" : `; 95 % Wilson interval ${(ci[0] * 100).toFixed(2)} to ${(ci[1] * 100).toFixed(2)} %`})`;
  const summary: ReportTable = {
    id: "dataset-summary",
    title: "Data set evaluation",
    columns: [{ header: "Item", align: "l" }, { header: "Value", align: "l" }],
    rows: [
      ["Model", d.model],
      ["Chip", `${d.chip.name}${d.chip.specSha256 === undefined ? "" : ` (spec ${d.chip.specSha256.slice(0, 12)})`}, ${d.chip.coresUsed} of ${d.chip.coresAvailable} cores; memory for the model ${fmtBytes(d.footprintBytes)}`],
      ...(d.chipOverrides === undefined ? [] : [["Chip changes", d.chipOverrides] as Cell[]]),
      ["Data set", `${datasetDisplayName(d.dataset.path, d.dataset.name)} (${d.dataset.kind}): ${d.dataset.evaluated} of ${d.dataset.total} samples${selectionText(d)}`],
      ...(d.dataset.skippedFiles === 0 ? [] : [["Skipped", `${d.dataset.skippedFiles} file${d.dataset.skippedFiles === 1 ? "" : "s"} or folder${d.dataset.skippedFiles === 1 ? "" : "s"} in the directory (not event files, *_labels.csv, or a folder reached a second time through a link)`] as Cell[]]),
      ...(d.dataset.classNames === undefined ? [] : [["Classes", d.dataset.classNames.map((c, i) => `${i} ${c}`).join(", ")] as Cell[]]),
      ["Input", `${inputText(d)}; ${d.input.dtSeconds === null ? "JSON model: a step is a chip tick" : `NIR dt ${d.input.dtSeconds} s`}; ${d.input.steps === null ? "each sample its own length" : `${d.input.steps} steps per sample`} (${s.steps.total} steps, ${s.ticks.total} chip ticks in all)`],
      ...(d.input.restSteps === undefined ? [] : [["Rest after each sample", `${d.input.restSteps} input-free chip ticks after each sample's own, simulated and charged: the ${countsOnly ? "" : "energy, "}operation counts and simulated time include them; outputs, accuracy and layer activity use the sample's steps only`] as Cell[]]),
      ...(s.inputEvents === undefined ? [] : [["Input events", inputEventsText(s.inputEvents, d.provenance.options.inputCounts === true)] as Cell[]]),
      ["Timing model; precision; seed", `${d.timingModel}; ${d.precision}; ${String(d.provenance.options.seed ?? 0)}`],
      ["Time basis", timeBasisText(d)],
      ...(countsOnly ? [["Costs", "counts only (--costs counts): no energy or power is reported"] as Cell[]] : []),
      ["Output decoded", `${d.output.output} (${d.output.size} neurons), ${d.output.decode === "count" ? "spike count" : `membrane ${d.output.decode} over time`}, argmax (lowest index on ties; all outputs equal: no class)`],
      ["Accuracy", acc],
      ...(s.reconstruction === undefined ? [] : [["Reconstruction error", reconstructionText(d, s.reconstruction)] as Cell[]]),
      ...(s.floatReference === undefined ? [] : [["Same model in float64", `${s.floatReference.accuracy === null ? "no labels" : `accuracy ${(s.floatReference.accuracy * 100).toFixed(2)} %`}; ${s.floatReference.samePrediction} of ${s.samples} samples decode to the same class in fixed point and float64`] as Cell[]]),
      ...(d.warnings === undefined ? [] : [["Warnings", d.warnings.join("; ")] as Cell[]]),
      ...(s.ties === 0 ? [] : [["Ties", `${s.ties} sample${s.ties === 1 ? "" : "s"} decided by a tie (the lowest of the largest outputs)`] as Cell[]]),
      ...(s.emptySamples === 0 ? [] : [["Empty samples", `${s.emptySamples} sample${s.emptySamples === 1 ? " has" : "s have"} no input spike (they are in every statistic)`] as Cell[]]),
      ...(s.inputSpikesBeyondSteps === 0 ? [] : [["Input beyond the steps", `${s.inputSpikesBeyondSteps} input spikes at step T or later, beyond the samples' T steps (not part of their inference)`] as Cell[]]),
    ],
    note: "Each sample is one inference from the chip's initial state (the reset itself is not charged).",
  };
  const n = s.samples;
  const eu = countsOnly ? { unit: "", scale: 1 } : energyUnit(maxOf([pi.energyPj.total.max]));
  // A component with no cost in the chip spec is not modelled, not zero (e.g. TrueNorth's all-in cost per synaptic op).
  const modelled = new Set(countsOnly ? [] : s.energyTerms.map((t) => t.component));
  const energyRow = (label: string, st: SampleStat, isModelled: boolean): Cell[] => {
    if (!isModelled) return [label, "", "not modelled", null, null, null, null];
    const u = energyUnit(st.max);
    return [label, u.unit, ...statCells(st, n, u.scale)];
  };
  const rows: Cell[][] = countsOnly ? [] : [
    energyRow(ENERGY_LABEL.total, pi.energyPj.total, true),
    ...SAMPLE_ENERGY_KEYS.filter((k) => k !== "total").map((k) => energyRow(ENERGY_LABEL[k], pi.energyPj[k], modelled.has(k))),
    allIn ? [ENERGY_LABEL.dynamic, "", "n/a: all-in costs include static power", null, null, null, null] : energyRow(ENERGY_LABEL.dynamic, pi.dynamicEnergyPj, true),
  ];
  if (pi.simulatedTimeNs !== null) {
    const tu = timeUnit(pi.simulatedTimeNs.max);
    rows.push(["Simulated time", tu.unit, ...statCells(pi.simulatedTimeNs, n, tu.scale)]);
  } else rows.push(["Simulated time", "", "not modelled", null, null, null, null]);
  rows.push(
    ["Time steps", "", ...statCells(s.steps.perSample, n, 1, true)],
    [d.input.restSteps === undefined ? "Chip ticks (steps + pipeline)" : "Chip ticks (steps + pipeline + rest)", "", ...statCells(s.ticks.perSample, n, 1, true)],
    ["Input spikes", "", ...statCells(pi.inputSpikes, n, 1, true)],
    ["Spikes (model layers)", "", ...statCells(pi.spikes, n, 1, true)],
    ["Synaptic ops (chip)", "", ...statCells(pi.synOps, n, 1, true)],
    ...(pi.helperSynOps.max === 0 ? [] : [["  of which bias drive", "", ...statCells(pi.helperSynOps, n, 1, true)] as Cell[]]),
    ["Effective synaptic ops (NeuroBench)", "", ...statCells(pi.effectiveSynOps, n, 1, true)],
    ["Dense synaptic ops (NeuroBench)", "", ...statCells(pi.denseSynOps, n, 1, true)],
    ["Activation sparsity", "", ...statCells(pi.activationSparsity, n)],
    ["Neuron updates", "", ...statCells(pi.neuronUpdates, n, 1, true)],
    ["Packets", "", ...statCells(pi.packets, n, 1, true)],
    ["Hops", "", ...statCells(pi.hops, n, 1, true)],
  );
  const rec = s.reconstruction;
  if (rec !== undefined) {
    rows.push(
      ["Reconstruction MSE", "", ...statCells(rec.mse, rec.samples)],
      ["Reconstruction SSE (sum over neurons)", "", ...statCells(rec.sse, rec.samples)],
      ["Reconstruction MAE", "", ...statCells(rec.mae, rec.samples)],
    );
  }
  const perInference: ReportTable = {
    id: "dataset-per-inference",
    title: "Per inference",
    columns: [{ header: "Quantity", align: "l" }, { header: "Unit", align: "l" }, ...["Mean", "Std", "Min", "Median", "Max"].map((h) => ({ header: h, align: "r" as const }))],
    rows,
    note: countsOnly
      ? `Over ${s.samples} sample${s.samples === 1 ? "" : "s"}; Std is the sample standard deviation (n - 1). Synaptic ops (chip) are the chip's, bias drive included; the effective ops count the model's layers only (NeuroBench).`
      : `Over ${s.samples} sample${s.samples === 1 ? "" : "s"}; Std is the sample standard deviation (n - 1). Energy per inference = dynamic (counts x per-operation costs) + static (the cores used, over the inference's simulated time on the stated time basis). Synaptic ops (chip) are what the synapse energy is charged on, bias drive included; the effective ops count the model's layers only (NeuroBench).`,
  };
  const populations: ReportTable = {
    id: "dataset-populations",
    title: "Activity over the data set",
    columns: [{ header: "Population", align: "l" }, { header: "Size", align: "r" }, { header: "Spikes", align: "r" }, { header: "Spikes per inference", align: "r" }, { header: "Active", align: "r" }, { header: "Dead", align: "r" }, { header: "Dead %", align: "r" }, { header: "Bursting", align: "r" }, { header: "Density (active)", align: "r" }, { header: "Syn. ops in per inference (effective)", align: "r" }, { header: "(dense)", align: "r" }],
    rows: s.populations.map((p) => [p.name, { v: p.size, f: "int" }, { v: p.spikes, f: "int" }, countCell(p.meanSpikesPerInference), { v: p.activeNeurons, f: "int" }, { v: p.deadNeurons, f: "int" }, { v: p.deadFraction, f: "pct" }, { v: p.burstingNeurons, f: "int" }, p.densityActive === null ? "no neuron fired" : sig(p.densityActive), countCell(p.meanEffectiveSynOpsIn), countCell(p.meanDenseSynOpsIn)]),
    note: `The model's layers (inputs and front-end helpers left out), each counted in its own time steps. Dead: fired in no sample. Bursting: spiked in at least 90% of all time steps. Density (active) = spikes / (active neurons x time steps of all samples). Synaptic ops into each layer per inference, NeuroBench's (bias drive left out): effective = non-zero synapses x their sources' spikes over each run, dense = fan-in weights x the run's chip ticks (steps plus pipeline ticks${d.input.restSteps === undefined ? "" : " plus the rest"}); the effective column sums to the per-inference effective ops.`,
  };
  const costs: ReportTable = {
    id: "dataset-costs",
    title: "Per-operation costs",
    columns: [{ header: "Cost", align: "l" }, { header: "Value", align: "r" }, { header: "Unit", align: "l" }, { header: "Evidence", align: "l" }, { header: "Source", align: "l" }],
    rows: d.costs.map((c) => [c.key, sig(c.value), c.unit, c.evidence, c.source]),
    ...(d.notModelled.length === 0 ? {} : { note: `Not modelled by this chip spec: ${d.notModelled.join(", ")}.` }),
  };
  const terms: ReportTable | undefined = countsOnly ? undefined : {
    id: "dataset-energy-terms",
    title: "Energy per inference = count x per-operation cost",
    columns: [{ header: "Component", align: "l" }, { header: "Count (mean per inference)", align: "l" }, { header: "Mean count", align: "r" }, { header: "Cost", align: "l" }, { header: "Value", align: "r" }, { header: "Unit", align: "l" }, { header: `Mean energy (${eu.unit})`, align: "r" }],
    rows: s.energyTerms.map((t) => [t.component, t.countLabel, sig(t.meanCount), t.costKey, sig(t.costValue), t.costUnit, sig(t.meanEnergyPj / eu.scale)]),
    note: "Each component's terms add up to its mean energy in the per-inference table (the energy is linear in the counts).",
  };
  const tables = [summary, perInference, ...(terms === undefined ? [] : [terms]), populations, costs];
  if (d.quantisation !== undefined) {
    tables.push({
      id: "dataset-quantisation",
      title: "Fixed-point quantisation per layer",
      columns: [{ header: "Population", align: "l" }, { header: "State scale exp.", align: "r" }, { header: "Max abs weight error", align: "r" }, { header: "Max rel weight error", align: "r" }, { header: "Clipped weights", align: "r" }, { header: "Max decay error", align: "r" }, { header: "Max threshold error", align: "r" }],
      rows: d.quantisation.layers.map((l) => [l.population, { v: l.stateScaleExp, f: "int" }, sig(l.maxAbsWeightError), sig(l.maxRelWeightError), { v: l.clippedWeights, f: "int" }, sig(l.maxDecayError), l.maxThresholdError === undefined ? null : sig(l.maxThresholdError)]),
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
      note: "Rows: label; columns: decoded class (none: all outputs equal, e.g. a spiking output that never fired).",
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
  const out = latexFileHead(latexEscape(`aerchip evaluation: ${d.model} on ${d.chip.name} (${d.format} v${d.version}, aerchip ${d.provenance.aerchipVersion})`), " (and \\usepackage[utf8]{inputenc} on LaTeX before 2018 when names hold non-ASCII letters)");
  for (const t of datasetTables(d)) out.push(latexTable(t, prefix, t.id === "dataset-summary" ? "" : `${d.model} on ${d.chip.name}: `), "");
  return `${out.join("\n").trimEnd()}\n`;
}

export const DATASET_CSV_COLUMNS = [
  "model", "chip", "chip_spec_sha256", "timing_model", "precision", "seed", "time_basis", "tick_period_ns", "tick_us", "dt_s", "decode",
  "sample_index", "sample", "label", "prediction", "correct", "tie", "steps", "ticks", "input_spikes", "input_spikes_beyond_steps",
  "events_read", "events_dropped_by_transforms", "events_outside_ticks", "events_merged", "spikes", "syn_ops", "helper_syn_ops",
  "effective_syn_ops", "dense_syn_ops", "activation_sparsity", "neuron_updates", "packets", "hops",
  "energy_synapse_pj", "energy_neuron_pj", "energy_network_pj", "energy_learning_pj", "energy_static_pj", "energy_total_pj", "simulated_time_ns", "output_values", "float_prediction",
] as const;

/** One row per sample, run columns first so files of several evaluations stack. */
/** Columns added after DATASET_CSV_COLUMNS by --target-from (empty for a sample of 0 steps). */
export const DATASET_CSV_RECONSTRUCTION_COLUMNS = ["reconstruction_mse", "reconstruction_sse", "reconstruction_mae"] as const;

/**
 * Columns added last by --event-overlap X (absent without it, so other files keep their bytes): the overlap
 * in the rule's unit, `tick_stride_us` the time between ticks W − X for --tick-us W (tick_us stays W, the
 * window each tick integrates; empty for the other rules), and `events_repeated` the extra deliveries of
 * events in several ticks, so a row adds up: read − dropped − outside + repeated = input spikes + merged.
 */
export const DATASET_CSV_OVERLAP_COLUMNS = ["event_overlap", "tick_stride_us", "events_repeated"] as const;

export function datasetCsv(d: DatasetDocument): string {
  const seed = d.provenance.options.seed;
  const rec = d.summary.reconstruction !== undefined;
  const overlap = d.input.eventOverlap;
  const timeRule = d.input.eventCount === undefined && d.input.eventBins === undefined && d.input.timeBins === undefined && d.input.tickUs !== null;
  const strideUs = overlap !== undefined && timeRule ? (d.input.tickUs ?? 1000) - overlap : null;
  const lines = [[...DATASET_CSV_COLUMNS, ...(rec ? DATASET_CSV_RECONSTRUCTION_COLUMNS : []), ...(overlap === undefined ? [] : DATASET_CSV_OVERLAP_COLUMNS)].join(",")];
  // --costs counts (chip/report/counts-only.ts): the energy columns stay (files stack) and are empty.
  const countsOnly = isCountsOnly(d);
  for (const r of d.samples) {
    const e = countsOnly ? { synapse: null, neuron: null, network: null, learning: null, static: null, total: null } : r.energyPj;
    // A dense spike tensor has no events: its event cells are empty.
    const ev = r.inputEvents;
    const fields = [
      d.model, d.chip.name, d.chip.specSha256 ?? null, d.timingModel, d.precision, seed ?? null, d.timeBasis, d.tickPeriodNs, d.input.tickUs, d.input.dtSeconds, d.output.decode,
      r.index, r.id, r.label, r.prediction, r.correct, r.tie, r.steps, r.ticks, r.inputSpikes, r.inputSpikesBeyondSteps,
      ev?.eventsRead ?? null, ev?.eventsDroppedByTransforms ?? null, ev?.eventsOutsideTicks ?? null, ev?.eventsMerged ?? null, r.spikes, r.synOps, r.helperSynOps,
      r.effectiveSynOps, r.denseSynOps, r.activationSparsity, r.neuronUpdates, r.packets, r.hops,
      e.synapse, e.neuron, e.network, e.learning, e.static, e.total, r.simulatedTimeNs, r.outputValues.map((v) => (v === null ? "nan" : String(v))).join(" "), r.floatPrediction,
      ...(rec ? [r.reconstruction?.mse ?? null, r.reconstruction?.sse ?? null, r.reconstruction?.mae ?? null] : []),
      ...(overlap === undefined ? [] : [overlap, ev === undefined ? null : strideUs, ev === undefined ? null : ev.eventsRepeated ?? 0]),
    ];
    lines.push(fields.map(csvField).join(","));
  }
  return `${lines.join("\n")}\n`;
}
