/**
 * The report as a list of tables (summary, energy, populations, projections, cores, costs, provenance):
 * one model that the Markdown, LaTeX and HTML renderers print, so every format shows the same numbers.
 * Cells carry raw numbers with a format; each renderer turns them into text (digit grouping, %, units).
 * Output is deterministic: ordering follows the report, nothing depends on time or locale.
 */
import { AerchipError } from "../../../core/diagnostics.ts";
import type { RunReport } from "../run-report.ts";
import type { RunMetrics } from "../metrics.ts";

/** int: grouped digits; sig: 4 significant digits; pct: ×100 with one decimal and a % sign. */
export type NumberFormat = "int" | "sig" | "pct";
export type Cell = string | null | { readonly v: number; readonly f: NumberFormat };

export interface Column {
  readonly header: string;
  readonly align: "l" | "r";
}

export interface ReportTable {
  /** Stable identifier (LaTeX label `tab:aerchip-<id>`, HTML id). */
  readonly id: string;
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
  /** A sentence under the table (what was left out, definitions). */
  readonly note?: string;
}

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
/** What a time or power cell says when the chip has no latency model (time basis "not-modelled"): unknown, not 0. */
export const NOT_MODELLED = "not modelled";
const orNotModelled = (v: number | null, f: (x: number) => Cell): Cell => (v === null ? NOT_MODELLED : f(v));

/** One unit for a whole column: the largest power of 1000 not above the column's largest magnitude. */
export function energyUnit(maxPj: number): { unit: string; scale: number } {
  const units: Array<[number, string]> = [[1e12, "J"], [1e9, "mJ"], [1e6, "µJ"], [1e3, "nJ"]];
  for (const [scale, unit] of units) if (Math.abs(maxPj) >= scale) return { unit, scale };
  return { unit: "pJ", scale: 1 };
}

export function timeUnit(maxNs: number): { unit: string; scale: number } {
  const units: Array<[number, string]> = [[1e9, "s"], [1e6, "ms"], [1e3, "µs"]];
  for (const [scale, unit] of units) if (Math.abs(maxNs) >= scale) return { unit, scale };
  return { unit: "ns", scale: 1 };
}

export function bytesUnit(maxBytes: number): { unit: string; scale: number } {
  const units: Array<[number, string]> = [[2 ** 30, "GiB"], [2 ** 20, "MiB"], [2 ** 10, "KiB"]];
  for (const [scale, unit] of units) if (Math.abs(maxBytes) >= scale) return { unit, scale };
  return { unit: "B", scale: 1 };
}

function hops(c: RunReport["totals"]["counters"]): number {
  return c.hopsEast + c.hopsWest + c.hopsNorth + c.hopsSouth;
}

export function summaryTable(r: ReportWithMetrics): ReportTable {
  const t = r.totals;
  const m = r.metrics.totals;
  const eu = energyUnit(t.energyPj.total);
  const tu = timeUnit(t.simulatedTimeNs ?? 0);
  const bu = bytesUnit(Math.max(m.footprint.totalBytes, m.footprint.synapseMemoryBytes));
  const inf = m.inferenceTimeNs;
  const iu = timeUnit(inf ?? 0);
  const rows: Cell[][] = [
    ["Cores used", `${groupDigits(r.chip.coresUsed, ",")} of ${groupDigits(r.chip.coresAvailable, ",")}`],
    ["Ticks", int(r.steps)],
    ["Spikes (incl. inputs)", int(t.counters.spikes)],
    ["Synaptic ops (SOPs)", int(t.counters.synOps)],
    ["Effective ACs", int(m.synapticOps.effectiveACs)],
    ["Effective MACs", int(m.synapticOps.effectiveMACs)],
    ["Dense synaptic ops", int(m.synapticOps.dense)],
    ["Membrane updates (effective)", int(m.neuronUpdates.effective)],
    ["Membrane updates (dense)", int(m.neuronUpdates.dense)],
    // Loihi-class specs charge neuron energy on updates with input and on accesses (docs/architecture.md, "Counting conventions").
    ["Membrane updates with input", int(t.counters.neuronUpdatesWithInput)],
    ["Neuron accesses", int(t.counters.neuronAccesses)],
    ["Packets", int(t.counters.packetsOut)],
    ["Router hops", int(hops(t.counters))],
    ["Activation sparsity", sig(m.activationSparsity)],
    ["Connection sparsity", sig(m.connectionSparsity)],
    ["Synaptic weights", int(m.weightCount)],
    [`Footprint (${bu.unit})`, sig(m.footprint.totalBytes / bu.scale)],
    [`Synapse memory (${bu.unit})`, sig(m.footprint.synapseMemoryBytes / bu.scale)],
    ["Dead neurons", `${groupDigits(m.deadNeurons, ",")} of ${groupDigits(m.spikingNeurons, ",")}`],
    ["Bursting neurons (≥ 90% of ticks)", `${groupDigits(m.burstingNeurons, ",")} of ${groupDigits(m.spikingNeurons, ",")}`],
    [`Energy (${eu.unit})`, sig(t.energyPj.total / eu.scale)],
    [`Simulated time (${tu.unit})`, orNotModelled(t.simulatedTimeNs === null ? null : t.simulatedTimeNs / tu.scale, sig)],
    ["Average power (mW)", orNotModelled(t.averagePowerMw, sig)],
    [`Time per inference (${iu.unit})`, orNotModelled(inf === null ? null : inf / iu.scale, sig)],
    ["Inferences per second", orNotModelled(m.inferencesPerSecond, sig)],
  ];
  return {
    id: "summary", title: `${r.model} on ${r.chip.name}`,
    columns: [{ header: "Metric", align: "l" }, { header: "Value", align: "r" }], rows,
    note: `Timing model ${r.timingModel}; inference time basis: ${m.inferenceTimeBasis}. One run is one inference.`,
  };
}

export function energyTable(r: ReportWithMetrics): ReportTable {
  const e = r.totals.energyPj;
  const eu = energyUnit(e.total);
  const parts: Array<[string, number]> = [["Synapse", e.synapse], ["Neuron", e.neuron], ["Network", e.network], ["Learning", e.learning], ["Static", e.static]];
  const rows: Cell[][] = parts.map(([name, v]) => [name, sig(v / eu.scale), e.total > 0 ? pct(v / e.total) : null]);
  rows.push(["Total", sig(e.total / eu.scale), e.total > 0 ? pct(1) : null]);
  // Learning runs: what the learning energy bills beside what changed, and the no-signal notes (learning-report.ts).
  const l = r.learning;
  const notes = [
    ...(r.notModelled.length > 0 ? [`Not modelled by this chip spec: ${r.notModelled.join(", ")}.`] : []),
    ...(l === undefined ? [] : [
      `Learning bills ${groupDigits(l.synUpdates, ",")} synapse updates (rule evaluations: ${groupDigits(l.ruleEvaluations, ",")}); ${groupDigits(l.weightChanges, ",")} of them changed a weight.`,
      ...l.notes.map((n) => `Note: ${n}`),
    ]),
  ];
  return {
    id: "energy", title: "Energy by component",
    columns: [{ header: "Component", align: "l" }, { header: `Energy (${eu.unit})`, align: "r" }, { header: "Share", align: "r" }], rows,
    ...(notes.length > 0 ? { note: notes.join(" ") } : {}),
  };
}

/** input, spiking, readout (non-spiking), or helper (a front end's constant drive, not a model layer). */
export function populationKind(p: { readonly helper: boolean; readonly kind: string; readonly spiking: boolean }): string {
  return p.helper ? "helper" : p.kind === "input" ? "input" : p.spiking ? "spiking" : "readout";
}

export function populationTable(r: ReportWithMetrics): ReportTable {
  const pops = r.metrics.perPopulation;
  const bu = bytesUnit(maxOf(pops.map((p) => p.footprint.totalBytes)));
  return {
    id: "populations", title: "Per population",
    columns: [
      { header: "Population", align: "l" }, { header: "Kind", align: "l" }, { header: "Neurons", align: "r" }, { header: "Spikes", align: "r" },
      { header: "Rate (/tick)", align: "r" }, { header: "Act. sparsity", align: "r" }, { header: "Dead", align: "r" }, { header: "Bursting", align: "r" },
      { header: "Eff. ACs in", align: "r" }, { header: "Dense ops in", align: "r" }, { header: "Conn. sparsity in", align: "r" }, { header: `Footprint (${bu.unit})`, align: "r" },
    ],
    rows: pops.map((p) => [
      p.name, populationKind(p), int(p.size), int(p.spikes), sig(p.meanRatePerTick),
      orNull(p.activationSparsity, sig), orNull(p.deadNeurons, int), orNull(p.burstingNeurons, int),
      int(p.synapticOpsIn.effectiveACs), int(p.synapticOpsIn.dense), orNull(p.connectionSparsityIn, sig), sig(p.footprint.totalBytes / bu.scale),
    ]),
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
  if (n > MAX_CORE_ROWS) {
    // The cores with the highest dynamic energy, then by core id (a total order: deterministic).
    shown = [...cores].sort((a, b) => b.c.energyPj.dynamic - a.c.energyPj.dynamic || a.c.coreId - b.c.coreId).slice(0, MAX_CORE_ROWS).sort((a, b) => a.c.coreId - b.c.coreId);
    note = `${MAX_CORE_ROWS} of ${n} cores with the highest dynamic energy; the CSV lists every core.`;
  }
  const eu = energyUnit(maxOf(shown.map((x) => x.c.energyPj.dynamic)));
  return {
    id: "cores", title: "Per core",
    columns: [
      { header: "Core", align: "r" }, { header: "Tile", align: "l" }, { header: "Neurons", align: "r" }, { header: "Neurons used", align: "r" },
      { header: "Axons in used", align: "r" }, { header: "Axons out used", align: "r" }, { header: "Syn. memory used", align: "r" },
      { header: "SOPs", align: "r" }, { header: "Packets out", align: "r" }, { header: "Packets in", align: "r" }, { header: `Energy (${eu.unit})`, align: "r" },
    ],
    rows: shown.map(({ c, m }) => [
      int(c.coreId), `(${c.tile.x}, ${c.tile.y})`, int(m?.neurons ?? 0), orNull(m === undefined ? null : m.utilisation.neurons, pct),
      orNull(m === undefined ? null : m.utilisation.inputAxons, pct), orNull(m === undefined ? null : m.utilisation.outputAxons, pct),
      orNull(m === undefined ? null : m.utilisation.synapseMemory, pct),
      int(c.counters.synOps), int(c.counters.packetsOut), int(c.counters.packetsIn), sig(c.energyPj.dynamic / eu.scale),
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
  return { id: "provenance", title: "Provenance", columns: [{ header: "Item", align: "l" }, { header: "Value", align: "l" }], rows };
}

/** Every table of a report, in the order the documents print them. */
export function reportTables(report: RunReport): ReportTable[] {
  const r = requireMetrics(report);
  return [summaryTable(r), energyTable(r), populationTable(r), projectionTable(r), coreTable(r), costTable(r), provenanceTable(r)];
}

// ---------------------------------------------------------------------------------------------
// Number formatting shared by the renderers (deterministic, locale-independent).

export function groupDigits(x: number, sep: string): string {
  const neg = x < 0;
  const s = Math.round(Math.abs(x)).toString();
  return (neg ? "-" : "") + s.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** Largest value of a list (0 when empty), without spreading it into arguments (lists may be long). */
export function maxOf(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] > m) m = xs[i];
  return m;
}

/** A cell as plain text (no escaping): grouped integers, 4 significant digits, percentages, – for null. */
export function plainCell(c: Cell): string {
  if (c === null) return "–";
  if (typeof c === "string") return c;
  if (c.f === "int") return groupDigits(c.v, ",");
  if (c.f === "pct") return `${(c.v * 100).toFixed(1)}%`;
  const s = sigDigits(c.v);
  return s.exponent === null ? s.mantissa : `${s.mantissa}e${s.exponent}`;
}

/** 4 significant digits (JavaScript's toPrecision: exponent form from 1e4 up and below 1e-6). */
export function sigDigits(x: number): { mantissa: string; exponent: number | null } {
  if (x === 0) return { mantissa: "0", exponent: null };
  const s = x.toPrecision(4);
  const k = s.indexOf("e");
  if (k < 0) return { mantissa: s, exponent: null };
  return { mantissa: s.slice(0, k), exponent: Number(s.slice(k + 1)) };
}
