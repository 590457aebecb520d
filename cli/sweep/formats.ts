/**
 * The sweep's outputs from its rows (in grid order): one tidy CSV row per point, a table (rendered as
 * Markdown and LaTeX by chip/report/formats), the sweep JSON, and a vega-lite line chart of energy and
 * spike agreement with float64 against the swept axis. Deterministic text: nothing depends on time,
 * locale or the order in which points finished.
 */
import type { TopLevelSpec } from "vega-lite";
import { csvField } from "../../chip/report/formats/csv.ts";
import { VEGA_LITE_BASE } from "../../chip/report/formats/html.ts";
import { energyUnit, maxOf, NOT_MODELLED, timeUnit, type Cell, type ReportTable } from "../../chip/report/formats/tables.ts";
import { AXES, type AxisName, type SweepConfig } from "./config.ts";
import type { PointRow } from "./point.ts";
import type { InputReportSection } from "../../chip/report/run-report.ts";
import { inputSummaryLine } from "../input-accounting.ts";

export const SWEEP_FORMAT = "aerchip-sweep";

const AXIS_HEADER: Readonly<Record<AxisName, string>> = {
  arch: "Chip", seed: "Seed", precision: "Precision", placement: "Placement", coreNeurons: "Neurons/core",
  meshWidth: "Mesh width", meshHeight: "Mesh height", weightBits: "Weight bits", learningWeightBits: "Rule weight bits",
};
const AXIS_CSV: Readonly<Record<AxisName, string>> = {
  arch: "arch", seed: "seed", precision: "precision", placement: "placement", coreNeurons: "core_neurons",
  meshWidth: "mesh_width", meshHeight: "mesh_height", weightBits: "weight_bits", learningWeightBits: "learning_weight_bits",
};
const NUMERIC_AXES: readonly AxisName[] = ["weightBits", "learningWeightBits", "coreNeurons", "meshWidth", "meshHeight", "seed"];

export const SWEEP_CSV_COLUMNS: readonly string[] = [
  "id", ...AXES.map((a) => AXIS_CSV[a]), "status", "error_message", "model", "chip", "steps", "cores_used", "cores_available", "spikes", "syn_ops",
  "energy_synapse_pj", "energy_neuron_pj", "energy_network_pj", "energy_learning_pj", "energy_static_pj", "energy_total_pj",
  "simulated_time_ns", "time_basis", "average_power_mw", "agreement_spikes", "agreement_spikes_float", "agreement_shared", "agreement_jaccard",
];

/**
 * Appended when some point learned (its model has plastic projections, cli/sweep/learning-outcome.ts); a sweep
 * of a static model has none of them, so its sweep.csv keeps its bytes.
 */
export const SWEEP_CSV_LEARNING_COLUMNS: readonly string[] = ["learning_synapses", "learning_weights_changed", "learning_mean_abs_weight_change", "learning_max_abs_weight_change"];

/** Whether any row carries a learning outcome (the learning columns are shown). */
export const anyLearned = (rows: readonly PointRow[]): boolean => rows.some((r) => r.learning !== undefined);

export function sweepCsv(rows: readonly PointRow[]): string {
  const learned = anyLearned(rows);
  const lines = [[...SWEEP_CSV_COLUMNS, ...(learned ? SWEEP_CSV_LEARNING_COLUMNS : [])].join(",")];
  for (const r of rows) {
    const e = r.energyPj;
    const a = r.agreement;
    const l = r.learning;
    lines.push([
      r.id, ...AXES.map((k) => r.params[k] ?? null), r.status, r.errorMessage, r.model, r.chip, r.steps, r.coresUsed, r.coresAvailable, r.spikes, r.synOps,
      e?.synapse ?? null, e?.neuron ?? null, e?.network ?? null, e?.learning ?? null, e?.static ?? null, e?.total ?? null,
      r.simulatedTimeNs, r.timeBasis, r.averagePowerMw, a?.spikes ?? null, a?.spikesFloat ?? null, a?.shared ?? null, a?.jaccard ?? null,
      ...(learned ? [l?.synapses ?? null, l?.changed ?? null, l?.meanAbsChange ?? null, l?.maxAbsChange ?? null] : []),
    ].map(csvField).join(","));
  }
  return `${lines.join("\n")}\n`;
}

/** The parameter columns a table shows: the chip, every swept axis, and (rule) weight bits whenever set. */
export function tableAxes(cfg: SweepConfig): AxisName[] {
  return AXES.filter((a) => a === "arch" || cfg.swept.includes(a) || ((a === "weightBits" || a === "learningWeightBits") && (cfg.axes[a]?.[0] ?? null) !== null) || (a === "precision" && cfg.axes.precision.includes("fixed")));
}

/** The axes that keep one value, as `name value` pairs (the table's note). */
function fixedAxes(cfg: SweepConfig, shown: readonly AxisName[]): string {
  // An axis a configuration built before it existed lacks (learningWeightBits) is the model's own: not named.
  return AXES.filter((a) => !shown.includes(a) && (cfg.axes[a]?.[0] ?? null) !== null).map((a) => `${AXIS_HEADER[a].toLowerCase()} ${String(cfg.axes[a][0])}`).join(", ");
}

export function sweepTitle(model: string, cfg: SweepConfig): string {
  const over = cfg.swept.length === 0 ? "one point" : `sweep over ${cfg.swept.map((a) => AXIS_HEADER[a].toLowerCase()).join(" × ")}`;
  return `${model}: ${over}`;
}

/**
 * The Chip cell: the point's arch with the `*` its chip name carries when options overrode the spec (weight
 * bits, neurons per core: "loihi*"), as sweep.csv's chip column, the run summary and the report title show it
 * (audit s23b #5). A spec file stays named by its path; a point that did not run shows its arch.
 */
function chipCell(r: PointRow): string | null {
  const arch = r.params.arch;
  if (typeof arch !== "string") return arch === null ? null : String(arch);
  return r.chip !== null && r.chip.endsWith("*") && !arch.endsWith("*") ? `${arch}*` : arch;
}

/** The table note's account of the NIR reader options the sweep file set (`reset`, `nirBias`, `dt`), e.g. "; NIR reset snntorch-subtract". */
function nirNote(nir: SweepConfig["nir"] | undefined): string {
  if (nir === undefined) return "";
  const parts = [
    ...(nir.reset === undefined ? [] : [`reset ${nir.reset}`]),
    ...(nir.nirBias === undefined ? [] : [`constant drives via ${nir.nirBias}`]),
    ...(nir.dt === undefined ? [] : [`dt ${nir.dt} s`]),
  ];
  return parts.length === 0 ? "" : `; NIR ${parts.join(", ")}`;
}

/** `countsOnly` (`sweep --costs counts`): no energy column, and a note without energy. */
export function sweepTable(model: string, cfg: SweepConfig, rows: readonly PointRow[], input?: InputReportSection, countsOnly = false): ReportTable {
  const shown = tableAxes(cfg);
  const ok = rows.filter((r) => r.status === "ok");
  const eu = energyUnit(maxOf(ok.map((r) => r.energyPj?.total ?? 0)));
  const tu = timeUnit(maxOf(ok.map((r) => r.simulatedTimeNs ?? 0)));
  const n = (v: number | null | undefined, f: "int" | "sig", scale = 1): Cell => (v === null || v === undefined ? null : { v: v / scale, f });
  const fixed = fixedAxes(cfg, shown);
  const failed = rows.filter((r) => r.errorMessage !== null);
  const learned = anyLearned(rows);
  return {
    id: "sweep", title: sweepTitle(model, cfg),
    columns: [
      ...shown.map((a) => ({ header: AXIS_HEADER[a], align: NUMERIC_AXES.includes(a) ? "r" as const : "l" as const })),
      { header: "Status", align: "l" }, { header: "Cores", align: "r" }, { header: "Spikes (incl. inputs)", align: "r" }, { header: "SOPs", align: "r" },
      ...(countsOnly ? [] : [{ header: `Energy (${eu.unit})`, align: "r" as const }]), { header: `Time (${tu.unit})`, align: "r" }, { header: "Time basis", align: "l" },
      { header: "Agreement", align: "r" },
      ...(learned ? [{ header: "Weights changed", align: "r" as const }, { header: "Mean abs Δw", align: "r" as const }, { header: "Max abs Δw", align: "r" as const }] : []),
    ],
    rows: rows.map((r) => [
      ...shown.map((a): Cell => { const v = a === "arch" ? chipCell(r) : r.params[a]; return v === null ? "—" : typeof v === "number" ? { v, f: "int" } : v; }),
      r.status, r.coresUsed === null ? null : `${r.coresUsed} of ${r.coresAvailable}`, n(r.spikes, "int"), n(r.synOps, "int"),
      ...(countsOnly ? [] : [n(r.energyPj?.total, "sig", eu.scale)]), r.status === "ok" && r.simulatedTimeNs === null ? NOT_MODELLED : n(r.simulatedTimeNs, "sig", tu.scale), r.timeBasis,
      n(r.agreement?.jaccard, "sig"),
      ...(learned ? [r.learning === undefined ? null : `${r.learning.changed} of ${r.learning.synapses}`, n(r.learning?.meanAbsChange, "sig"), n(r.learning?.maxAbsChange, "sig")] : []),
    ]),
    note: [
      `${cfg.steps !== null ? cfg.steps : cfg.input !== null ? "The input's number of" : "The model's own number of"} ticks per point, timing model ${cfg.timing}${fixed === "" ? "" : `; ${fixed}`}${(cfg.inputPopulation ?? null) === null ? "" : `; input population ${cfg.inputPopulation} driven by the input`}${nirNote(cfg.nir)}.`,
      ...(input === undefined ? [] : [`Every point's ${inputSummaryLine(input)}.`]),
      countsOnly
        ? "Counts only (--costs counts): no energy or power is reported. Time is on each point's time basis (column Time basis): tick-period, paced at the chip's tick period when its spec has one (TrueNorth, SpiNNaker 2), else modelled-latency, compute-bound (docs/reports.md, Time basis); times on different bases do not compare."
        : "Energy includes static power; time and static energy are on each point's time basis (column Time basis): tick-period, paced at the chip's tick period when its spec has one (TrueNorth, SpiNNaker 2), else modelled-latency, compute-bound (docs/reports.md, Time basis); times on different bases do not compare.",
      "Agreement (fixed point only) = Jaccard index of the spikes (tick, neuron) of the non-input populations in the fixed-point run and in the same model in float64.",
      ...(learned ? ["Weights changed, mean and max abs Δw (points that learned): the plastic projections' synapses whose final weight differs from its starting weight (the model's, rounded onto the rule's weight grid), and the magnitude of Δw = w(end) − w(start) in the model's weight unit; weights that stick on a coarse rule grid change none."] : []),
      ...failed.map((r) => `Point ${r.id}: ${r.status} ${r.errorMessage}`),
    ].join(" "),
  };
}

/** The x axis of the figure: weight bits when swept, else the first swept numeric axis, else the first swept axis. */
export function figureAxis(cfg: SweepConfig): AxisName | null {
  return NUMERIC_AXES.find((a) => cfg.swept.includes(a)) ?? cfg.swept[0] ?? null;
}

/** `countsOnly` (`sweep --costs counts`): synaptic ops per run in place of energy. */
export function sweepFigureSpec(model: string, cfg: SweepConfig, rows: readonly PointRow[], countsOnly = false): TopLevelSpec {
  const x = figureAxis(cfg) ?? "arch";
  const numeric = NUMERIC_AXES.includes(x);
  const ok = rows.filter((r) => r.status === "ok" && r.params[x] !== null);
  // Lines: one per combination of the other axes that vary among the plotted points (float points have
  // no weight bits, so a [fixed, float] precision axis does not split the weight-bit lines).
  const series = cfg.swept.filter((a) => a !== x && new Set(ok.map((r) => r.params[a])).size > 1);
  const eu = energyUnit(maxOf(ok.map((r) => r.energyPj?.total ?? 0)));
  const hasAgreement = ok.some((r) => r.agreement !== null);
  const label = (r: PointRow): string => (series.length === 0 ? model : series.map((a) => `${AXIS_HEADER[a].toLowerCase()} ${String(r.params[a] ?? "chip's own")}`).join(", "));
  const values = ok.map((r) => ({
    x: r.params[x], series: label(r), energy: (r.energyPj?.total ?? 0) / eu.scale, ...(countsOnly ? { synOps: r.synOps ?? 0 } : {}),
    second: hasAgreement ? r.agreement?.jaccard ?? null : r.spikes,
  }));
  const order = [...new Set(values.map((v) => v.series))];
  const panel = (title: string, field: string, axis: string, domain?: number[]) => ({
    title, width: 300, height: 200,
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "x", type: numeric ? "quantitative" : "ordinal", title: AXIS_HEADER[x], ...(numeric ? { axis: { tickMinStep: 1, format: "d" } } : { sort: null }) },
      y: { field, type: "quantitative", title: axis, ...(domain === undefined ? {} : { scale: { domain } }) },
      color: { field: "series", type: "nominal", sort: order, title: null, legend: series.length === 0 ? null : { orient: "bottom", labelLimit: 480 } },
    },
  });
  return {
    ...VEGA_LITE_BASE,
    title: sweepTitle(model, cfg),
    data: { values },
    hconcat: [
      countsOnly ? panel("Synaptic ops per run", "synOps", "synaptic ops (count)") : panel("Energy per run", "energy", `energy (${eu.unit})`),
      hasAgreement
        ? { ...panel("Spike agreement with float64", "second", "Jaccard index", [0, 1]), transform: [{ filter: "datum.second !== null" }] }
        : panel("Spikes", "second", "spikes"),
    ],
  } as unknown as TopLevelSpec;
}

export interface SweepDocument {
  readonly format: typeof SWEEP_FORMAT;
  readonly version: 1;
  readonly model: string;
  readonly sweepFile: string;
  readonly provenance: {
    readonly aerchipVersion: string;
    readonly gitCommit?: string;
    readonly inputs: ReadonlyArray<{ readonly role: string; readonly path: string; readonly sha256: string }>;
  };
  readonly settings: { readonly steps: number | null; readonly timing: string; readonly tickUs: number | null; readonly axes: SweepConfig["axes"]; readonly swept: readonly AxisName[]; readonly inputPopulation?: string; readonly reset?: string; readonly nirBias?: string; readonly dt?: number; readonly costs?: "counts" };
  readonly rows: readonly PointRow[];
  /** How the sweep's `input` file became input spikes (run report.json's `input`; the same for every point); absent without one. */
  readonly input?: InputReportSection;
  /** The sweep's warnings about its input against the model, as "CODE: message" (W_NIR_DT_BINNING, naming its points); absent when none. */
  readonly warnings?: readonly string[];
}
