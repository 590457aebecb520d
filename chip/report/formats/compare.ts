/**
 * One model on several chips, side by side: the rows of `aerchip compare` (one per chip, from each
 * chip's run report, or the error code when the model does not fit), as a table (Markdown, LaTeX, tidy
 * CSV) and a figure (energy and time per inference per chip, vega-lite → SVG). Deterministic: rows keep
 * the order the chips were given in.
 */
import type { TopLevelSpec } from "vega-lite";
import type { RunReport } from "../run-report.ts";
import { csvField } from "./csv.ts";
import { bytesUnit, energyUnit, maxOf, NOT_MODELLED, timeUnit, type Cell, type ReportTable } from "./tables.ts";
import { VEGA_LITE_BASE } from "./html.ts";
import { markdownTable } from "./markdown.ts";
import { isCountsOnly } from "../counts-only.ts";
import { isHelperPopulation } from "../metrics.ts";
import { basename } from "node:path";
import { listPresetNames } from "../../spec/load.ts";

export interface CompareOk {
  readonly arch: string;
  readonly status: "ok";
  readonly report: RunReport;
  /** Directory (relative to the comparison's output directory) holding this chip's report.json. */
  readonly dir: string;
}

export interface CompareFailed {
  readonly arch: string;
  readonly status: "error";
  readonly code: string;
  readonly message: string;
}

export type CompareEntry = CompareOk | CompareFailed;

/** A directory name for a chip: the preset name, or a spec file's base name; unique within the comparison. */
export function chipDirName(arch: string, taken: Set<string>): string {
  const base = (listPresetNames().includes(arch) ? arch : basename(arch).replace(/\.(json|ya?ml)$/i, "")).replace(/[^A-Za-z0-9._-]+/g, "_") || "chip";
  let name = base;
  for (let k = 2; taken.has(name); k++) name = `${base}-${k}`;
  taken.add(name);
  return name;
}

/**
 * The number k of each --arch item's directory `<base>-k` (1 for the bare `<base>`), as chipDirName gives them
 * in order: every --arch item takes a name, whether its chip ran or not.
 */
function chipDirNumbers(archs: readonly string[]): number[] {
  const taken = new Set<string>();
  return archs.map((arch) => {
    const bare = chipDirName(arch, new Set());
    const name = chipDirName(arch, taken);
    return name === bare ? 1 : Number(name.slice(bare.length + 1));
  });
}

/** The numbers of one row (null where the chip failed or the figure is not modelled). */
export interface CompareRow {
  readonly arch: string;
  /** The chip's run directory under the comparison's --out (`generic-2`); null for a chip that did not run. */
  readonly dir: string | null;
  readonly chip: string | null;
  /**
   * The row's name in the printed table, compare.md/.tex and the figure (compareLabels): tells apart rows whose
   * arch, chip and message are alike, e.g. one --arch item given twice where both runs failed ("odin", "odin #2").
   */
  readonly label: string;
  readonly status: string;
  readonly errorMessage: string | null;
  readonly coresUsed: number | null;
  readonly coresAvailable: number | null;
  /**
   * Spikes of the model's layers: perPopulation spikes over the populations that are neither inputs nor a front
   * end's helpers (modelLayerSpikes, as evaluate's "Spikes (model layers)"). Not counters.neuronsFired, which
   * counts the NIR front end's constant-drive sources too (`__nir_bias`, `__nir_bias_from_<s>`, `__nir_bias_delay_<d>`, `__nir_once`):
   * chips that need staged sources (odin, cim-crossbar) fire more of them, so identical model spikes read as
   * different totals (audit s23x #7: 494 on odin, 393 on loihi).
   */
  readonly modelLayerSpikes: number | null;
  readonly synOps: number | null;
  readonly effectiveACs: number | null;
  readonly energyPj: number | null;
  readonly energyPerSynOpPj: number | null;
  readonly inferenceTimeNs: number | null;
  readonly inferencesPerSecond: number | null;
  readonly averagePowerMw: number | null;
  readonly footprintBytes: number | null;
  readonly synapseMemoryBytes: number | null;
  readonly activationSparsity: number | null;
  /**
   * false when the chip ran but does not model time: its time, inferences/s and power are null as unknown, not 0;
   * null for a chip that did not run (unknown, as its other numbers; compare.csv leaves the cell empty).
   */
  readonly timeModelled: boolean | null;
  /**
   * What this chip's time, inferences/s, power and static energy are computed on (chip/report/time-basis.ts):
   * "tick-period" (paced, e.g. TrueNorth's 1 ms ticks) or "modelled-latency" (compute-bound); null where it failed.
   */
  readonly timeBasis: string | null;
  /** What the chip's learning energy bills (report.json totals.learningBilledOn); absent when the run did not learn. */
  readonly learningBilledOn?: string;
  /**
   * false when the run billed synapse updates on a chip spec without energySynUpdatePj (report.json
   * totals.energyPj.learning null): its energy leaves learning out. Absent otherwise, so other comparisons keep their bytes.
   */
  readonly learningEnergyModelled?: false;
}

export function compareRows(entries: readonly CompareEntry[]): CompareRow[] {
  const labels = compareLabels(entries.map((e) => ({ arch: e.arch, chip: e.status === "error" ? null : e.report.chip.name })));
  return entries.map((e, i) => {
    const label = labels[i];
    if (e.status === "error") {
      return {
        arch: e.arch, dir: null, chip: null, label, status: e.code, errorMessage: e.message, coresUsed: null, coresAvailable: null, modelLayerSpikes: null, synOps: null,
        effectiveACs: null, energyPj: null, energyPerSynOpPj: null, inferenceTimeNs: null, inferencesPerSecond: null, averagePowerMw: null,
        footprintBytes: null, synapseMemoryBytes: null, activationSparsity: null, timeModelled: null, timeBasis: null,
      };
    }
    const r = e.report;
    const m = r.metrics?.totals;
    const sop = r.totals.counters.synOps;
    // --costs counts (chip/report/counts-only.ts): the report has no energy; the row's energy fields are null.
    const total = isCountsOnly(r) ? null : r.totals.energyPj.total;
    return {
      arch: e.arch, dir: e.dir, chip: r.chip.name, label, status: "ok", errorMessage: null, coresUsed: r.chip.coresUsed, coresAvailable: r.chip.coresAvailable,
      modelLayerSpikes: modelLayerSpikes(r), synOps: sop, effectiveACs: m?.synapticOps.effectiveACs ?? null,
      energyPj: total, energyPerSynOpPj: total !== null && sop > 0 ? total / sop : null,
      inferenceTimeNs: m?.inferenceTimeNs ?? null, inferencesPerSecond: m?.inferencesPerSecond ?? null, averagePowerMw: r.totals.averagePowerMw,
      footprintBytes: m?.footprint.totalBytes ?? null, synapseMemoryBytes: m?.footprint.synapseMemoryBytes ?? null,
      activationSparsity: m?.activationSparsity ?? null,
      timeModelled: r.totals.simulatedTimeNs !== null,
      timeBasis: r.totals.timeBasis ?? m?.inferenceTimeBasis ?? null,
      ...(r.totals.learningBilledOn === undefined ? {} : { learningBilledOn: r.totals.learningBilledOn }),
      ...(total !== null && r.totals.energyPj.learning === null ? { learningEnergyModelled: false as const } : {}),
    };
  });
}

/** Spikes of the report's model layers: neither input nor helper populations (chip/report/metrics.ts isHelperPopulation). */
export function modelLayerSpikes(r: Pick<RunReport, "perPopulation">): number {
  return r.perPopulation.filter((p) => p.kind !== "input" && !isHelperPopulation(p.name)).reduce((a, p) => a + p.spikes, 0);
}

/**
 * The name each row goes by in the table, the printed table, the notes and the figure: the chip's spec name
 * (the --arch item for a chip that did not run). Two rows of one name (a preset and an edited copy of its spec
 * file, which keeps the name) would read alike, so such a row gets its --arch item as given:
 * "generic (gs/generic.json)"; the --arch item that is the name itself (the preset) stays bare. One --arch
 * item given more than once is numbered as its directory (chipDirName, over all the rows' --arch items in
 * order): `generic,gs/generic.json,generic` gives "generic", "generic (gs/generic.json)", "generic #3", in
 * generic/, generic-2/ and generic-3/ (audit s23b #2). compare.csv/.json carry `arch`, `dir` and `chip`.
 */
export function compareLabels(rows: readonly { readonly chip: string | null; readonly arch: string }[]): string[] {
  const count = (xs: readonly string[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const names = rows.map((r) => r.chip ?? r.arch);
  const nameCount = count(names);
  const withArch = rows.map((r, i) => (nameCount.get(names[i])! > 1 && r.arch !== names[i] ? `${names[i]} (${r.arch})` : names[i]));
  const labelCount = count(withArch);
  const dirNumber = chipDirNumbers(rows.map((r) => r.arch));
  return withArch.map((l, i) => (labelCount.get(l)! === 1 || dirNumber[i] === 1 ? l : `${l} #${dirNumber[i]}`));
}

const nums = (rows: readonly CompareRow[], f: (r: CompareRow) => number | null): number[] => rows.map(f).filter((v): v is number => v !== null);

/**
 * `input`: what the runs read, for the note (an event file and its transforms), or undefined. `countsOnly`
 * (--costs counts): no energy, energy/SOP or power column, and a note without energy.
 */
export function compareTable(model: string, rows: readonly CompareRow[], input?: string, warnings: readonly string[] = [], countsOnly = false): ReportTable {
  const eu = energyUnit(maxOf(nums(rows, (r) => r.energyPj)));
  const tu = timeUnit(maxOf(nums(rows, (r) => r.inferenceTimeNs)));
  const bu = bytesUnit(maxOf(nums(rows, (r) => r.synapseMemoryBytes)));
  const n = (v: number | null, f: "int" | "sig" | "pct", scale = 1): Cell => (v === null ? null : { v: v / scale, f });
  // Time and power of a chip that ran without a latency model are unknown: say so, rather than "–" as for a failed run.
  const t = (r: CompareRow, v: number | null, scale = 1): Cell => (r.timeModelled === false ? NOT_MODELLED : n(v, "sig", scale));
  const failed = rows.filter((r) => r.errorMessage !== null);
  const definitions = countsOnly ? COMPARE_NOTE_COUNTS : COMPARE_NOTE;
  // The energy columns and their cells, left out in counts-only mode (spliced in after SOPs and after inferences/s).
  const e = <T,>(...xs: T[]): T[] => (countsOnly ? [] : xs);
  const labels = compareLabels(rows);
  return {
    id: "compare", title: `${model} on ${rows.length} chip${rows.length === 1 ? "" : "s"}`,
    columns: [
      { header: "Chip", align: "l" }, { header: "Status", align: "l" }, { header: "Cores", align: "r" }, { header: MODEL_LAYER_SPIKES_HEADER, align: "r" },
      { header: "SOPs", align: "r" }, ...e<ReportTable["columns"][number]>({ header: `Energy (${eu.unit})`, align: "r" }, { header: ENERGY_PER_SOP_HEADER, align: "r" }),
      { header: `Time/inference (${tu.unit})`, align: "r" }, { header: "Inferences/s", align: "r" }, ...e<ReportTable["columns"][number]>({ header: "Power (mW)", align: "r" }),
      { header: `Footprint (${bu.unit})`, align: "r" }, { header: `Synapse memory (${bu.unit})`, align: "r" }, { header: "Time basis", align: "l" },
    ],
    rows: rows.map((r, i) => [
      labels[i], r.status, r.coresUsed === null ? null : `${r.coresUsed} of ${r.coresAvailable}`, n(r.modelLayerSpikes, "int"), n(r.synOps, "int"),
      ...e(n(r.energyPj, "sig", eu.scale), n(r.energyPerSynOpPj, "sig")), t(r, r.inferenceTimeNs, tu.scale), t(r, r.inferencesPerSecond),
      ...e(t(r, r.averagePowerMw)), n(r.footprintBytes, "sig", bu.scale), n(r.synapseMemoryBytes, "sig", bu.scale), r.timeBasis,
    ]),
    // One entry per chip that did not run, separated by "; " so that several chips' messages stay apart.
    note: `${input === undefined ? "" : `Input: ${input}. `}${failed.length === 0 ? definitions : `${definitions} Did not run: ${failed.map(failureText).join("; ")}.`}${learningBillingNote(rows)}${warnings.length === 0 ? "" : ` Warnings of every chip's run: ${warnings.join("; ")}`}`,
  };
}

/** Header of the spike column: the model's layers only, as evaluate's (inputs and front-end helpers excluded). */
export const MODEL_LAYER_SPIKES_HEADER = "Spikes (model layers)";

/** Header of the energy-per-SOP column: the run's total energy, not the synapse cost, divided by SOPs. */
export const ENERGY_PER_SOP_HEADER = "Total energy/SOP (pJ)";

/** Definitions printed under every compare table (Markdown, LaTeX). */
export const COMPARE_NOTE = `One run is one inference; ${MODEL_LAYER_SPIKES_HEADER.toLowerCase()} = spikes of the model's layers, inputs and front-end helpers (the NIR front end's constant-drive sources __nir_bias, __nir_once) excluded; energy includes static power (per-core static power for the cores used only: unused cores are taken as power-gated); `
  + "total energy/SOP = total energy (synapse + neuron + network + learning + static) ÷ SOPs, the whole run's cost per synaptic op, "
  + "not the chip's per-SOP synapse cost; footprint = weights + neuron state + traces at each chip's bit widths. "
  + "Time, power and static energy are on each chip's time basis: tick-period (ticks paced at the chip's own period), modelled-latency (compute-bound, ticks back to back) "
  + "or not-modelled (the chip spec has neither latency costs nor a tick period: its time, inferences/s and power are unknown, shown as not modelled, and its static energy is 0).";

/** The definitions under a counts-only compare table (--costs counts): no energy or power is reported. */
export const COMPARE_NOTE_COUNTS = `Counts only (--costs counts): no energy or power is reported. One run is one inference; ${MODEL_LAYER_SPIKES_HEADER.toLowerCase()} = spikes of the model's layers, inputs and front-end helpers (the NIR front end's constant-drive sources __nir_bias, __nir_once) excluded; `
  + "footprint = weights + neuron state + traces at each chip's bit widths. "
  + "Time is on each chip's time basis: tick-period (ticks paced at the chip's own period), modelled-latency (compute-bound, ticks back to back) "
  + "or not-modelled (the chip spec has neither latency costs nor a tick period: its time and inferences/s are unknown, shown as not modelled).";

/** Runs that learned: what each chip's learning energy bills (evaluations: every synapse update; changes: those that changed a weight). */
function learningBillingNote(rows: readonly CompareRow[]): string {
  const labels = compareLabels(rows);
  const billed = rows.map((r, i) => ({ r, label: labels[i] })).filter(({ r }) => r.learningBilledOn !== undefined);
  if (billed.length === 0) return "";
  const on = (b: string): string => (b === "changes" ? "weight changes" : "evaluations (every synapse update)");
  const bases = [...new Set(billed.map(({ r }) => r.learningBilledOn!))];
  const basis = bases.length === 1
    ? ` Learning energy billed on ${on(bases[0])}.`
    : ` Learning energy billed on ${billed.map(({ r, label }) => `${label}: ${on(r.learningBilledOn!)}`).join("; ")}.`;
  // A chip spec without energySynUpdatePj: its energy is not "free learning" but leaves learning out (unknown, as time without latency costs).
  const unknown = billed.filter(({ r }) => r.learningEnergyModelled === false).map(({ label }) => label);
  return unknown.length === 0 ? basis : `${basis} Learning energy not modelled on ${unknown.join(", ")} (no energySynUpdatePj in the chip spec): ${unknown.length === 1 ? "its" : "their"} energy leaves the synapse updates out.`;
}

/** One chip that did not run, as "<label>: <code> (<message>)" (the label tells an --arch item given twice apart). */
function failureText(r: CompareRow): string {
  return `${r.label}: ${r.status} (${r.errorMessage ?? ""})`;
}

/**
 * compare.md: the table, the definitions, and the chips that did not run as a list (one item per chip, so
 * that their error messages cannot run together).
 */
export function compareMarkdown(model: string, t: ReportTable, rows: readonly CompareRow[], input?: string, warnings: readonly string[] = [], countsOnly = false): string {
  const esc = (s: string): string => s.replace(/\\/g, "\\\\").replace(/_/g, "\\_").replace(/\r?\n/g, " ");
  const failed = rows.filter((r) => r.errorMessage !== null);
  const list = failed.length === 0 ? "" : `\nChips that did not run:\n\n${failed.map((r) => `- ${esc(r.label)}: \`${r.status}\` ${esc(r.errorMessage ?? "")}`).join("\n")}\n`;
  const warned = warnings.length === 0 ? "" : `\nWarnings of every chip's run:\n\n${warnings.map((w) => `- ${esc(w)}`).join("\n")}\n`;
  return `# ${model}: chips compared\n\n${markdownTable(t)}\n\n${input === undefined ? "" : `Input: ${esc(input)}.\n\n`}_${esc((countsOnly ? COMPARE_NOTE_COUNTS : COMPARE_NOTE) + learningBillingNote(rows))}_\n${list}${warned}`;
}

export const COMPARE_CSV_COLUMNS = [
  "arch", "label", "dir", "chip", "status", "error_message", "cores_used", "cores_available", "model_layer_spikes", "syn_ops", "effective_acs", "energy_pj", "energy_per_syn_op_pj",
  "inference_time_ns", "inferences_per_second", "average_power_mw", "footprint_bytes", "synapse_memory_bytes", "activation_sparsity",
  "time_modelled", "time_basis",
] as const;

export function compareCsv(rows: readonly CompareRow[]): string {
  // Runs that learned: what each chip's learning energy bills, as compare.json's rows (a column only then, so other comparisons keep their bytes).
  const learned = rows.some((r) => r.learningBilledOn !== undefined);
  const lines: string[] = [[...COMPARE_CSV_COLUMNS, ...(learned ? ["learning_billed_on"] : [])].join(",")];
  for (const r of rows) {
    lines.push([
      r.arch, r.label, r.dir, r.chip, r.status, r.errorMessage, r.coresUsed, r.coresAvailable, r.modelLayerSpikes, r.synOps, r.effectiveACs, r.energyPj, r.energyPerSynOpPj,
      r.inferenceTimeNs, r.inferencesPerSecond, r.averagePowerMw, r.footprintBytes, r.synapseMemoryBytes, r.activationSparsity,
      r.timeModelled === null ? null : String(r.timeModelled), r.timeBasis,
      ...(learned ? [r.learningBilledOn ?? null] : []),
    ].map(csvField).join(","));
  }
  return `${lines.join("\n")}\n`;
}

/** Log scale when the positive values span more than two decades (chips differ by orders of magnitude). */
function scaleFor(values: readonly number[]): { type: "linear" | "log" } {
  const pos = values.filter((v) => v > 0);
  if (pos.length < 2 || pos.length < values.length) return { type: "linear" };
  let lo = Infinity, hi = 0;
  for (const v of pos) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return hi / lo > 100 ? { type: "log" } : { type: "linear" };
}

/**
 * Where the bars of a log panel start: the power of ten strictly below the smallest value,
 * 10^(ceil(log10(min)) − 1). A bar's usual base of 0 is at −∞ on a log axis, so vega draws it with zero
 * width; from this datum every bar has a positive length (its end, not its length, reads the value).
 */
export function logBarBase(values: readonly number[]): number {
  let lo = Infinity;
  for (const v of values) if (v > 0) lo = Math.min(lo, v);
  return 10 ** (Math.ceil(Math.log10(lo)) - 1);
}

/**
 * Energy and time per inference of the chips that ran (vega-lite spec; render with renderVegaLiteSvg).
 * `countsOnly` (--costs counts): synaptic ops per inference in place of energy.
 */
export function compareFigureSpec(model: string, rows: readonly CompareRow[], countsOnly = false): TopLevelSpec {
  const ok = rows.filter((r) => r.status === "ok");
  const eu = energyUnit(maxOf(nums(ok, (r) => r.energyPj)));
  const tu = timeUnit(maxOf(nums(ok, (r) => r.inferenceTimeNs)));
  // The table's names (unique, compareLabels): two bars of one name would be drawn as one.
  const names = compareLabels(rows);
  const labels = new Map(rows.map((r, i) => [r, names[i]]));
  // A chip paced at a tick period (TrueNorth, SpiNNaker 2, --tick-period-us) is labelled so: its time and
  // static energy are wall-clock, beside compute-bound chips (time basis, chip/report/time-basis.ts).
  const label = (r: CompareRow): string => `${labels.get(r)!}${r.timeBasis === "tick-period" ? " (paced)" : ""}`;
  const energy = ok.map((r) => ({ chip: label(r), value: (r.energyPj ?? 0) / eu.scale }));
  const time = ok.filter((r) => r.inferenceTimeNs !== null).map((r) => ({ chip: label(r), value: (r.inferenceTimeNs ?? 0) / tu.scale }));
  const order = ok.map(label);
  const panel = (title: string, values: Array<{ chip: string; value: number }>, axis: string) => {
    const scale = scaleFor(values.map((v) => v.value));
    // A log axis says so in its title: bar lengths on it are not proportional to the values.
    const axisTitle = scale.type === "log" ? `${axis.slice(0, -1)}, log scale)` : axis;
    const x = { field: "value", type: "quantitative", title: axisTitle, scale };
    // On a log axis the bars start at a fixed datum below the smallest value (x2), not at 0.
    const x2 = scale.type === "log" ? { x2: { datum: logBarBase(values.map((v) => v.value)) } } : {};
    return {
      title, width: 300, height: { step: 22 },
      data: { values },
      mark: "bar",
      // Labels up to 600 px: a chip told apart by its spec file's path (compareLabels) is not cut to "generic (/tmp/…".
      encoding: { y: { field: "chip", type: "nominal", sort: order, title: null, axis: { labelLimit: 600 } }, x, ...x2 },
    };
  };
  return {
    ...VEGA_LITE_BASE,
    title: `${model}: one inference on each chip`,
    hconcat: [
      countsOnly ? panel("Synaptic ops per inference", ok.map((r) => ({ chip: label(r), value: r.synOps ?? 0 })), "synaptic ops (count)") : panel("Energy per inference", energy, `energy (${eu.unit})`),
      panel("Time per inference", time, `time (${tu.unit})`),
    ],
  } as unknown as TopLevelSpec;
}
