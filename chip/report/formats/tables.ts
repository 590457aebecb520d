/**
 * The report as a list of tables (summary, energy, populations, projections, cores, costs, provenance):
 * one model that the Markdown, LaTeX and HTML renderers print, so every format shows the same numbers.
 * Cells carry raw numbers with a format; each renderer turns them into text (digit grouping, %, units).
 * Output is deterministic: ordering follows the report, nothing depends on time or locale.
 */
import { AerchipError } from "../../../core/diagnostics.ts";
import type { RunReport } from "../run-report.ts";
import { spikeDensityOverActive, type RunMetrics } from "../metrics.ts";
import { staticEnergyNote } from "./static-energy-note.ts";
import { bytesUnit, energyUnit, groupDigits, maxOf, NOT_MODELLED, plainCell, timeUnit, type Cell, type ReportTable } from "./cells.ts";
// The shared cells and formatting, re-exported for the renderers that take them from here.
export * from "./cells.ts";
import { energyTerms, type EnergyComponent } from "../energy-terms.ts";
import { fixedPointTables } from "./fixed-point-tables.ts";
import { nirTables } from "./nir-tables.ts";
import { readoutTables } from "./readout-tables.ts";
import { inputTables } from "./input-tables.ts";
import { isCountsOnly } from "../counts-only.ts";
import { perTickLatencyModelled } from "../time-basis.ts";


/** Cores listed in the per-core table before it keeps only the most energetic ones (the CSV has all). */
export const MAX_CORE_ROWS = 32;

export type ReportWithMetrics = RunReport & { readonly metrics: RunMetrics };

export function requireMetrics(report: RunReport, file = "report.json"): ReportWithMetrics {
  if (report.metrics === undefined) {
    throw new AerchipError("E_REPORT_NO_METRICS", "the report has no `metrics` section (it was written by an older aerchip)", {
      file, field: "metrics", hint: "regenerate it with `aerchip rerun <report.json> --out <dir>` or `aerchip run`",
    });
  }
  return report as ReportWithMetrics;
}

const int = (v: number): Cell => ({ v, f: "int" });
const sig = (v: number): Cell => ({ v, f: "sig" });
const pct = (v: number): Cell => ({ v, f: "pct" });
const orNull = (v: number | null, f: (x: number) => Cell): Cell => (v === null ? null : f(v));
const orNotModelled = (v: number | null, f: (x: number) => Cell): Cell => (v === null ? NOT_MODELLED : f(v));


function hops(c: RunReport["totals"]["counters"]): number {
  return c.hopsEast + c.hopsWest + c.hopsNorth + c.hopsSouth;
}

/** The provenance options that change a preset (cli/load-arch.ts, cli/sweep/point.ts); the chip name then ends in `*`. */
const CHIP_OVERRIDE_OPTIONS: ReadonlyArray<[string, string]> = [
  ["coreNeurons", "--core-neurons"], ["tickPeriodUs", "--tick-period-us"], ["realtime", "--realtime"], ["billLearning", "--bill-learning"],
  ["meshWidth", "mesh width"], ["meshHeight", "mesh height"], ["weightBits", "weight bits"],
];

/**
 * What a chip name's `*` means: the chip spec named before it, with command-line overrides (`--core-neurons`,
 * a sweep's mesh or weight-bit axes). Null for a chip without overrides.
 */
export function chipOverrideNote(r: RunReport): string | null {
  const name = r.chip.name;
  if (!name.endsWith("*")) return null;
  const set = CHIP_OVERRIDE_OPTIONS.filter(([k]) => r.provenance.options[k] !== undefined && r.provenance.options[k] !== null)
    .map(([k, label]) => (r.provenance.options[k] === true ? label : `${label} ${String(r.provenance.options[k])}`));
  return `${name}: chip ${name.slice(0, -1)} with overrides${set.length > 0 ? ` (${set.join(", ")})` : ""}.`;
}

export function summaryTable(r: ReportWithMetrics): ReportTable {
  const t = r.totals;
  const c = t.counters;
  const m = r.metrics.totals;
  // --costs counts (chip/report/counts-only.ts): no energy or power row, and the energy table's notes here.
  const countsOnly = isCountsOnly(r);
  const tu = timeUnit(t.simulatedTimeNs ?? 0);
  const bu = bytesUnit(Math.max(m.footprint.totalBytes, m.footprint.synapseMemoryBytes));
  const inf = m.inferenceTimeNs;
  const iu = timeUnit(inf ?? 0);
  const xb = t.crossbar;
  const rows: Cell[][] = [
    ["Cores used", `${groupDigits(r.chip.coresUsed, ",")} of ${groupDigits(r.chip.coresAvailable, ",")}`],
    ["Ticks", int(r.steps)],
    ["Spikes (incl. inputs)", int(c.spikes)],
    ["Spikes of model neurons (excl. inputs)", int(c.neuronsFired)],
    ["Synaptic ops (SOPs)", int(c.synOps)],
    ["Effective ACs", int(m.synapticOps.effectiveACs)],
    ["Effective MACs", int(m.synapticOps.effectiveMACs)],
    ["Dense synaptic ops", int(m.synapticOps.dense)],
    // "Neuron updates" everywhere (NeuroBench's "membrane updates"): integrating compartments, inputs never included.
    ["Neuron updates (effective)", int(m.neuronUpdates.effective)],
    ["Neuron updates (dense)", int(m.neuronUpdates.dense)],
    // Loihi-class specs charge neuron energy on updates with input and on accesses (docs/architecture.md, "Counting conventions").
    ["Neuron updates with input", int(c.neuronUpdatesWithInput)],
    ["Neuron accesses", int(c.neuronAccesses)],
    ["Packets", int(c.packetsOut)],
    ["In-tile packets", int(c.packetsInTile)],
    ["Router hops", int(hops(c))],
    // Hops cost differently by direction (energyHopEastWestPj, energyHopNorthSouthPj).
    ["Router hops east-west", int(c.hopsEast + c.hopsWest)],
    ["Router hops north-south", int(c.hopsNorth + c.hopsSouth)],
    ["Synaptic updates (learning)", int(c.synUpdates)],
    ...(xb === undefined ? [] : [["Crossbar reads", int(xb.reads)], ["Crossbar active rows", int(xb.activeRows)], ["ADC conversions", int(xb.conversions)]] as Cell[][]),
    ["Activation sparsity", sig(m.activationSparsity)],
    ["Connection sparsity", sig(m.connectionSparsity)],
    ["Synaptic weights", int(m.weightCount)],
    [`Footprint (${bu.unit})`, sig(m.footprint.totalBytes / bu.scale)],
    [`Synapse memory (${bu.unit})`, sig(m.footprint.synapseMemoryBytes / bu.scale)],
    ["Dead neurons", `${groupDigits(m.deadNeurons, ",")} of ${groupDigits(m.spikingNeurons, ",")}`],
    ["Bursting neurons (≥ 90% of ticks)", `${groupDigits(m.burstingNeurons, ",")} of ${groupDigits(m.spikingNeurons, ",")}`],
    ...(countsOnly ? [] : [[`Energy (${energyUnit(t.energyPj.total).unit})`, sig(t.energyPj.total / energyUnit(t.energyPj.total).scale)]] as Cell[][]),
    [`Simulated time (${tu.unit})`, orNotModelled(t.simulatedTimeNs === null ? null : t.simulatedTimeNs / tu.scale, sig)],
    ...(countsOnly ? [] : [["Average power (mW)", orNotModelled(t.averagePowerMw, sig)]] as Cell[][]),
    [`Time per inference (${iu.unit})`, orNotModelled(inf === null ? null : inf / iu.scale, sig)],
    ["Inferences per second", orNotModelled(m.inferencesPerSecond, sig)],
    [countsOnly ? "Time basis (time)" : "Time basis (time, power, static energy)", timeBasisText(r)],
  ];
  const overrides = chipOverrideNote(r);
  const notes = countsOnly ? [" Counts only (--costs counts): no energy or power is reported.", ...reportNotes(r).map((n) => ` ${n}`)].join("") : "";
  return {
    id: "summary", title: `${r.model} on ${r.chip.name}`,
    columns: [{ header: "Metric", align: "l" }, { header: "Value", align: "r" }], rows,
    note: `Timing model ${r.timingModel}; inference time basis: ${m.inferenceTimeBasis}. One run is one inference.${overrides === null ? "" : ` ${overrides}`}${notes}`,
  };
}

/**
 * The notes of a report that are not about energy: costs the chip spec leaves out, the learning engine's notes
 * and the run's warnings. The energy table prints them; a counts-only report, which has none, under its summary.
 */
function reportNotes(r: RunReport): string[] {
  return [
    ...(r.notModelled.length > 0 ? [`Not modelled by this chip spec: ${r.notModelled.join(", ")}.`] : []),
    ...(isCountsOnly(r) ? [] : learningBillingNotes(r)),
    ...(r.learning === undefined ? [] : r.learning.notes.map((n) => `Note: ${n}`)),
    ...(r.learning?.warnings ?? []).map((w) => `Warning: ${w}`),
    ...(r.warnings ?? []).map((w) => `Warning: ${w}`),
  ];
}

/**
 * The convention simulated time, average power, static energy and time per inference follow
 * (chip/report/time-basis.ts), with the tick period when ticks are paced. Reports written before
 * totals.timeBasis existed carry it as metrics.totals.inferenceTimeBasis.
 */
export function timeBasisText(r: ReportWithMetrics): string {
  const basis = r.totals.timeBasis ?? r.metrics.totals.inferenceTimeBasis;
  const period = r.totals.tickPeriodNs;
  if (basis === "tick-period" && period !== undefined) {
    const pu = timeUnit(period);
    const p = `${plainCell(sig(period / pu.scale))} ${pu.unit}`;
    // A paced chip without latency costs (truenorth, spinnaker2): no tick has a modelled latency, each lasts the period (as the HTML page says).
    if (!perTickLatencyModelled(r.totals.simulatedTimeNs, r.perTick.latencyNs)) return `tick-period (each tick lasts the ${p} period; no latency costs, so no modelled latency)`;
    return `tick-period (each tick max(${p}, its latency))`;
  }
  return basis;
}

export function energyTable(r: ReportWithMetrics): ReportTable {
  const e = r.totals.energyPj;
  const eu = energyUnit(e.total);
  const parts: Array<[string, number | null]> = [["Synapse", e.synapse], ["Neuron", e.neuron], ["Network", e.network], ["Learning", e.learning], ["Static", e.static]];
  // Learning is null when the run billed synapse updates on a chip without energySynUpdatePj: unknown, not 0.
  const rows: Cell[][] = parts.map(([name, v]) => (v === null ? [name, NOT_MODELLED, null] : [name, sig(v / eu.scale), e.total > 0 ? pct(v / e.total) : null]));
  rows.push(["Total", sig(e.total / eu.scale), e.total > 0 ? pct(1) : null]);
  // Learning runs: what the learning energy bills beside what changed, and the no-signal notes (learning-report.ts).
  const notes = [staticEnergyNote(r), `Time basis: ${timeBasisText(r)}.`, ...reportNotes(r)];
  return {
    id: "energy", title: "Energy by component",
    columns: [{ header: "Component", align: "l" }, { header: `Energy (${eu.unit})`, align: "r" }, { header: "Share", align: "r" }], rows,
    note: notes.join(" "),
  };
}

/**
 * What the learning energy bills (totals.learningBilledOn; reports without it bill evaluations) beside what the
 * engine did: its synapse updates, and the ones that changed a weight.
 */
export function learningBillingNotes(r: RunReport): string[] {
  const l = r.learning;
  const basis = r.totals.learningBilledOn;
  const g = (n: number): string => groupDigits(n, ",");
  if (basis === "changes") {
    const changes = l?.weightChanges ?? 0;
    return [`Learning billed on weight changes (learningBilledOn "changes"): ${g(changes)} synapse updates that changed a weight; the engine performed ${g(r.totals.counters.synUpdates)} synapse updates${l === undefined ? "" : ` (rule evaluations: ${g(l.ruleEvaluations)})`}.`];
  }
  if (l !== undefined) return [`Learning billed on evaluations (learningBilledOn "evaluations"): ${g(l.synUpdates)} synapse updates (rule evaluations: ${g(l.ruleEvaluations)}); ${g(l.weightChanges)} of them changed a weight.`];
  if (basis === "evaluations") return [`Learning billed on evaluations (learningBilledOn "evaluations"): ${g(r.totals.counters.synUpdates)} synapse updates.`];
  return [];
}

const COMPONENT_NAME: Readonly<Record<EnergyComponent, string>> = { synapse: "Synapse", neuron: "Neuron", network: "Network", learning: "Learning", static: "Static" };

/** Every energy as count × per-operation cost (chip/report/energy-terms.ts), in the energy table's unit. */
export function energyTermsTable(r: RunReport): ReportTable {
  const eu = energyUnit(r.totals.energyPj.total);
  return {
    id: "energy-terms", title: "Energy = count × per-operation cost",
    columns: [
      { header: "Component", align: "l" }, { header: "Count of", align: "l" }, { header: "Count", align: "r" },
      { header: "Cost", align: "l" }, { header: "Cost value", align: "r" }, { header: "Unit", align: "l" }, { header: `Energy (${eu.unit})`, align: "r" },
    ],
    rows: energyTerms(r).map((x) => [COMPONENT_NAME[x.component], x.countLabel, Number.isInteger(x.count) ? int(x.count) : sig(x.count), x.costKey, sig(x.costValue), x.costUnit, sig(x.energyPj / eu.scale)]),
    note: "The rows of a component add up to its energy in the energy table (pJ/bit × bits, mW × ns = pJ). " +
      "Static power is charged for the cores used only (unused cores are taken as power-gated), and only when the chip models time. " +
      "Costs the chip spec leaves out give no row.",
  };
}

function populationNote(pops: RunMetrics["perPopulation"]): string {
  // The density column's definition (docs/reports.md), which its header cannot carry.
  const notes: string[] = ["Density (active) = spikes ÷ (neurons that fired at least once × ticks); empty when none fired."];
  if (pops.some((p) => !p.spiking)) notes.push("Spiking \"no\": a non-spiking readout (leaky integrator), which has no activation sparsity, dead or bursting neurons, or spike density.");
  if (pops.some((p) => p.helper)) notes.push("Populations named __… are front-end helpers (constant drives, not model layers), left out of the totals of synaptic ops, sparsity and dead neurons.");
  return notes.join(" ");
}

/**
 * Spike density over active neurons (metrics.ts spikeDensityOverActive); reports written before the field
 * existed get it from their spikes, dead neurons and ticks, which define it.
 */
export function densityActive(p: RunMetrics["perPopulation"][number], steps: number): number | null {
  if (p.spikeDensityActive !== undefined) return p.spikeDensityActive;
  return p.spiking && p.deadNeurons !== null ? spikeDensityOverActive(p.spikes, p.size, p.deadNeurons, steps) : null;
}

export function populationTable(r: ReportWithMetrics): ReportTable {
  const pops = r.metrics.perPopulation;
  const bu = bytesUnit(maxOf(pops.map((p) => p.footprint.totalBytes)));
  return {
    id: "populations", title: "Per population",
    columns: [
      { header: "Population", align: "l" }, { header: "Kind", align: "l" }, { header: "Spiking", align: "l" }, { header: "Neurons", align: "r" }, { header: "Spikes", align: "r" },
      { header: "Rate (/tick)", align: "r" }, { header: "Act. sparsity", align: "r" }, { header: "Dead", align: "r" }, { header: "Bursting", align: "r" },
      { header: "Density (active)", align: "r" }, { header: "Eff. ACs in", align: "r" }, { header: "Dense ops in", align: "r" }, { header: "Conn. sparsity in", align: "r" }, { header: `Footprint (${bu.unit})`, align: "r" },
    ],
    rows: pops.map((p) => [
      p.name, p.kind, p.spiking ? "yes" : "no", int(p.size), int(p.spikes), sig(p.meanRatePerTick),
      orNull(p.activationSparsity, sig), orNull(p.deadNeurons, int), orNull(p.burstingNeurons, int), orNull(densityActive(p, r.steps), sig),
      int(p.synapticOpsIn.effectiveACs), int(p.synapticOpsIn.dense), orNull(p.connectionSparsityIn, sig), sig(p.footprint.totalBytes / bu.scale),
    ]),
    // Kind as in report.json: "input" (driven by the stimulus) or "neuron"; a non-spiking neuron population is a readout (LI).
    note: populationNote(pops),
  };
}

export function projectionTable(r: ReportWithMetrics): ReportTable {
  const byName = new Map(r.perProjection.map((p) => [p.name, p] as const));
  return {
    id: "projections", title: "Per projection",
    columns: [
      { header: "Projection", align: "l" }, { header: "Pre → post", align: "l" }, { header: "Encoding", align: "l" }, { header: "Synapses", align: "r" },
      { header: "Conn. sparsity", align: "r" }, { header: "SOPs", align: "r" }, { header: "Eff. ACs", align: "r" }, { header: "Dense ops", align: "r" },
    ],
    rows: r.metrics.perProjection.map((p) => [
      p.name, `${p.pre} → ${p.post}`, p.helper ? `${p.encoding} (bias)` : p.encoding, int(p.synapses), sig(p.connectionSparsity),
      int(byName.get(p.name)?.synOps ?? 0), int(p.synapticOps.effectiveACs), int(p.synapticOps.dense),
    ]),
  };
}

export function coreTable(r: ReportWithMetrics): ReportTable {
  const cores = r.perCore.map((c, i) => ({ c, m: r.metrics.perCore[i] }));
  const n = cores.length;
  let shown = cores;
  let note: string | undefined;
  // --costs counts: no energy column, and the busiest cores are those with the most synaptic ops.
  const countsOnly = isCountsOnly(r);
  if (n > MAX_CORE_ROWS) {
    // The cores with the highest dynamic energy (counts only: synaptic ops), then by core id (a total order: deterministic).
    const key = (c: RunReport["perCore"][number]): number => (countsOnly ? c.counters.synOps : c.energyPj.dynamic);
    shown = [...cores].sort((a, b) => key(b.c) - key(a.c) || a.c.coreId - b.c.coreId).slice(0, MAX_CORE_ROWS).sort((a, b) => a.c.coreId - b.c.coreId);
    note = `${MAX_CORE_ROWS} of ${n} cores with the ${countsOnly ? "most synaptic ops" : "highest dynamic energy"}; the CSV lists every core.`;
  }
  // Static energy is a chip-level figure (power × time), not split over cores: the column sums to the dynamic total.
  if (!countsOnly) note = `${note === undefined ? "" : `${note} `}Dynamic energy only: static energy is in the energy table.`;
  const eu = countsOnly ? undefined : energyUnit(maxOf(shown.map((x) => x.c.energyPj.dynamic)));
  // Several encodings (each may have its own synapse cost): the core's SOPs per encoding beside the total,
  // so its synapse energy is Σ SOPs(enc) × cost(enc) (perCore[].synOpsByEncoding; reports written before it
  // have no such columns).
  const encs = Object.keys(r.totals.synOpsByEncoding);
  const encCols = encs.length > 1 && r.perCore.some((c) => c.synOpsByEncoding !== undefined) ? encs : [];
  return {
    id: "cores", title: "Per core",
    columns: [
      { header: "Core", align: "r" }, { header: "Tile", align: "l" }, { header: "Neurons", align: "r" }, { header: "Neurons used", align: "r" },
      { header: "Axons in used", align: "r" }, { header: "Axons out used", align: "r" }, { header: "Syn. memory used", align: "r" },
      { header: "SOPs", align: "r" }, ...encCols.map((e) => ({ header: `SOPs ${e}`, align: "r" } as const)), { header: "Packets out", align: "r" }, { header: "Packets in", align: "r" },
      ...(eu === undefined ? [] : [{ header: `Dynamic energy (${eu.unit})`, align: "r" } as const]),
    ],
    rows: shown.map(({ c, m }) => [
      int(c.coreId), `(${c.tile.x}, ${c.tile.y})`, int(m?.neurons ?? 0), orNull(m === undefined ? null : m.utilisation.neurons, pct),
      orNull(m === undefined ? null : m.utilisation.inputAxons, pct), orNull(m === undefined ? null : m.utilisation.outputAxons, pct),
      orNull(m === undefined ? null : m.utilisation.synapseMemory, pct),
      int(c.counters.synOps), ...encCols.map((e) => orNull(c.synOpsByEncoding?.[e] ?? null, int)), int(c.counters.packetsOut), int(c.counters.packetsIn), ...(eu === undefined ? [] : [sig(c.energyPj.dynamic / eu.scale)]),
    ]),
    ...(note === undefined ? {} : { note }),
  };
}

export function costTable(r: RunReport): ReportTable {
  return {
    id: "costs", title: "Per-operation costs used",
    columns: [{ header: "Cost", align: "l" }, { header: "Value", align: "r" }, { header: "Unit", align: "l" }, { header: "Evidence", align: "l" }, { header: "Source", align: "l" }],
    rows: r.costs.map((c) => [c.key, sig(c.value), c.unit, c.evidence, c.source]),
  };
}

export function provenanceTable(r: RunReport): ReportTable {
  const p = r.provenance;
  const rows: Cell[][] = [["aerchip version", p.aerchipVersion]];
  if (p.gitCommit !== undefined) rows.push(["git commit", p.gitCommit]);
  if (r.chip.specSha256 !== undefined) rows.push(["chip spec SHA-256", r.chip.specSha256]);
  for (const i of p.inputs) rows.push([`input ${i.role}`, `${i.path} (SHA-256 ${i.sha256})`]);
  for (const [k, v] of Object.entries(p.options)) rows.push([`option ${k}`, v === null ? "default" : String(v)]);
  for (const [k, v] of Object.entries(p.compiledWith ?? {})) rows.push([`compiled with ${k}`, String(v)]);
  return { id: "provenance", title: "Provenance", columns: [{ header: "Item", align: "l" }, { header: "Value", align: "l" }], rows };
}

/** Every table of a report, in the order the documents print them. */
export function reportTables(report: RunReport): ReportTable[] {
  const r = requireMetrics(report);
  // --costs counts (chip/report/counts-only.ts): no energy tables.
  const energy = isCountsOnly(r) ? [] : [energyTable(r), energyTermsTable(r)];
  return [
    summaryTable(r), ...inputTables(r), ...energy, populationTable(r), ...fixedPointTables(r), projectionTable(r), ...nirTables(r), ...readoutTables(r),
    coreTable(r), costTable(r), provenanceTable(r),
  ];
}

