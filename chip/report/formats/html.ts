/**
 * The report as one self-contained HTML page: the tables of formats/tables.ts and SVG figures rendered
 * here, without a browser, by vega-lite → vega (`vl.compile(spec).spec` → `new vega.View(vega.parse(…),
 * {renderer: "none"}).toSVG()`). Figures: spike raster (subsampled to at most MAX_RASTER_POINTS spikes by
 * keeping every k-th neuron, and every q-th of their spikes when that is not enough: rasterSample), per-core heatmaps on the mesh (neuron utilisation, packet traffic, dynamic
 * energy), energy breakdown, latency per tick, firing-rate histograms. The page has no scripts and loads
 * nothing; element ids inside each SVG are renumbered per figure, so the output is deterministic and
 * several figures can share one page.
 */
import { refuseDuplicateJsonKey } from "../../../core/io/json-duplicate-keys.ts";
import type { TopLevelSpec } from "vega-lite";
import { AerchipError } from "../../../core/diagnostics.ts";
import type { RunReport } from "../run-report.ts";
import { staticEnergyNote } from "./static-energy-note.ts";
import { isCountsOnly } from "../counts-only.ts";
import { energyUnit, groupDigits, maxOf, plainCell, reportTables, requireMetrics, timeBasisText, timeUnit, type ReportTable, type ReportWithMetrics } from "./tables.ts";
import { perTickLatencyModelled } from "../time-basis.ts";

/** Largest number of spikes drawn in the raster (each is one SVG element). */
export const MAX_RASTER_POINTS = 10_000;
/** Largest number of mesh cells drawn per heatmap before cores are aggregated into tiles. */
const MAX_HEATMAP_CELLS = 4096;

export interface PopulationSpikeList {
  readonly name: string;
  readonly size: number;
  /** (tick, neuron) pairs, any order. */
  readonly tick: ArrayLike<number>;
  readonly neuron: ArrayLike<number>;
}

export interface HtmlOptions {
  /** Spikes of the run (spikes.json); without them the raster is replaced by a note. */
  readonly spikes?: readonly PopulationSpikeList[];
}

/**
 * Reads an snnref-1-result document (the spikes.json `aerchip run` writes) into spike lists, using the
 * report's population sizes.
 */
export function parseSpikesJson(text: string, report: RunReport, file: string): PopulationSpikeList[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AerchipError("E_SPIKES_PARSE", `spikes file is not valid JSON: ${(e as Error).message}`, { file, hint: "use the spikes.json written by `aerchip run` next to report.json" });
  }
  // A repeated population key would draw only its last spike list.
  refuseDuplicateJsonKey(text, { file, code: "E_SPIKES_PARSE", what: "spikes file", hint: "use the spikes.json written by `aerchip run` next to report.json" });
  const spikes = (raw as { spikes?: unknown } | null)?.spikes;
  if (typeof spikes !== "object" || spikes === null || Array.isArray(spikes)) {
    throw new AerchipError("E_SPIKES_PARSE", "spikes file has no `spikes` object", { file, field: "spikes", hint: "use the spikes.json written by `aerchip run` next to report.json" });
  }
  const sizes = new Map(report.perPopulation.map((p) => [p.name, p.size] as const));
  const out: PopulationSpikeList[] = [];
  for (const p of report.perPopulation) {
    const list = (spikes as Record<string, unknown>)[p.name];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new AerchipError("E_SPIKES_PARSE", `spikes.${p.name} is not a list of [tick, neuron] pairs`, { file, field: `spikes.${p.name}`, hint: "use the spikes.json written with this report" });
    const tick = new Int32Array(list.length);
    const neuron = new Int32Array(list.length);
    const size = sizes.get(p.name) ?? 0;
    list.forEach((pair, k) => {
      const ok = Array.isArray(pair) && pair.length === 2 && Number.isInteger(pair[0]) && Number.isInteger(pair[1]) && pair[0] >= 0 && pair[1] >= 0 && pair[1] < size;
      if (!ok) throw new AerchipError("E_SPIKES_PARSE", `spikes.${p.name}[${k}] is not a [tick, neuron] pair with neuron < ${size}`, { file, field: `spikes.${p.name}[${k}]`, hint: "use the spikes.json written with this report" });
      tick[k] = pair[0] as number;
      neuron[k] = pair[1] as number;
    });
    out.push({ name: p.name, size, tick, neuron });
  }
  return out;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Renames every id of an SVG document to `<prefix>-<n>` (in order of appearance) and rewrites its references. */
export function renumberSvgIds(svg: string, prefix: string): string {
  const ids: string[] = [];
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!ids.includes(m[1])) ids.push(m[1]);
  if (ids.length === 0) return svg;
  const map = new Map(ids.map((id, i) => [id, `${prefix}-${i}`] as const));
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (_, a: string, id: string, b: string) => `${a}${map.get(id) ?? id}${b}`)
    .replace(/url\(#([^)]+)\)/g, (s, id: string) => (map.has(id) ? `url(#${map.get(id)})` : s))
    .replace(/(href=")#([^"]+)(")/g, (s, a: string, id: string, b: string) => (map.has(id) ? `${a}#${map.get(id)}${b}` : s));
}

/** Renders a vega-lite spec to SVG without a browser; ids inside are renumbered as `<prefix>-<n>`. */
export async function renderVegaLiteSvg(spec: TopLevelSpec, prefix: string): Promise<string> {
  const vl = await import("vega-lite");
  const vega = await import("vega");
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return renumberSvgIds(svg, prefix);
  } finally {
    view.finalize();
  }
}

export const VEGA_LITE_BASE = { $schema: "https://vega.github.io/schema/vega-lite/v6.json", background: "white", config: { font: "sans-serif", view: { stroke: null } } } as const;

/**
 * Vega's default categorical colours ("tableau10"), listed so that a population's colour is fixed by the
 * report rather than by which populations a figure happens to draw.
 */
export const POPULATION_COLOURS = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"] as const;

/**
 * The colour scale of a figure drawing the populations `shown`: population k of the report (perPopulation
 * order) is POPULATION_COLOURS[k mod 10] in every figure, so the raster (no input populations when
 * spikes.json has none) and the firing-rate histogram (inputs included, helpers left out) agree. The
 * domain holds only the populations shown, so the legend lists no absent ones.
 */
export function populationColourScale(r: RunReport, shown: readonly string[]): { domain: string[]; range: string[] } {
  const index = new Map(r.perPopulation.map((p, k) => [p.name, k] as const));
  const domain = [...shown];
  return { domain, range: domain.map((name) => POPULATION_COLOURS[(index.get(name) ?? 0) % POPULATION_COLOURS.length]) };
}

/** The raster's points: every k-th neuron of each population, and of their spikes every q-th (q = 1 unless needed). */
export interface RasterSample {
  readonly values: Array<{ t: number; row: number; population: string }>;
  readonly bands: Array<{ population: string; start: number }>;
  /** Rows of the figure (Σ ⌈size / every⌉). */
  readonly rows: number;
  readonly total: number;
  /** k: neurons 0, k, 2k, … of each population are drawn. */
  readonly every: number;
  /** q: of the spikes of those neurons, every q-th in (tick, neuron) order is drawn (1: all). */
  readonly spikeEvery: number;
}

/**
 * At most MAX_RASTER_POINTS spikes, for real (audit s23b #3): k starts at ⌈total / MAX⌉, which caps the
 * count only when every neuron fires alike; busy neurons at multiples of k (neuron 0 of every population is
 * always kept) exceeded it (10,590 drawn on SANA-FE dvs). So k grows until the kept spikes fit,
 * kept(k) = Σ_pop Σ_{j·k < size} spikes of neuron j·k (from per-neuron counts: Σ size/k per try); when even
 * k = the largest population (neuron 0 of each only) keeps more, every q-th of the kept spikes is drawn,
 * q = ⌈kept / MAX⌉.
 */
export function rasterSample(spikes: readonly PopulationSpikeList[]): RasterSample {
  let total = 0;
  for (const p of spikes) total += p.tick.length;
  const counts = spikes.map((p) => {
    const c = new Map<number, number>();
    for (let k = 0; k < p.neuron.length; k++) c.set(p.neuron[k], (c.get(p.neuron[k]) ?? 0) + 1);
    return c;
  });
  const kept = (every: number): number => {
    let n = 0;
    spikes.forEach((p, i) => { for (let j = 0; j * every < Math.max(p.size, 1); j++) n += counts[i].get(j * every) ?? 0; });
    return n;
  };
  const largest = Math.max(1, ...spikes.map((p) => p.size));
  let every = Math.max(1, Math.ceil(total / MAX_RASTER_POINTS));
  while (every < largest && kept(every) > MAX_RASTER_POINTS) every++;
  const spikeEvery = Math.max(1, Math.ceil(kept(every) / MAX_RASTER_POINTS));
  const values: Array<{ t: number; row: number; population: string }> = [];
  let offset = 0;
  const bands: Array<{ population: string; start: number }> = [];
  for (const p of spikes) {
    bands.push({ population: p.name, start: offset });
    // Sorted by (tick, neuron) for a stable element order.
    const idx = Array.from({ length: p.tick.length }, (_, k) => k).filter((k) => p.neuron[k] % every === 0);
    idx.sort((a, b) => p.tick[a] - p.tick[b] || p.neuron[a] - p.neuron[b]);
    idx.forEach((k, n) => { if (n % spikeEvery === 0) values.push({ t: p.tick[k], row: offset + Math.floor(p.neuron[k] / every), population: p.name }); });
    offset += Math.ceil(p.size / every);
  }
  return { values, bands, rows: offset, total, every, spikeEvery };
}

function rasterSpec(r: ReportWithMetrics, spikes: readonly PopulationSpikeList[]): { spec: TopLevelSpec; note: string } {
  const { values, bands, rows: offset, total, every, spikeEvery } = rasterSample(spikes);
  const shown = [
    ...(every === 1 ? [] : [`one in every ${every} neurons`]),
    ...(spikeEvery === 1 ? [] : [`one in every ${spikeEvery} of their spikes in time order`]),
  ].join(" and ");
  const note = shown === ""
    ? `All ${total} spikes of ${spikes.length} population(s); rows are neurons, populations stacked from the bottom.`
    : `${shown[0].toUpperCase()}${shown.slice(1)} shown (${values.length} of ${total} spikes, at most ${MAX_RASTER_POINTS}), to keep the figure light; rows are neurons, populations stacked from the bottom.`;
  const spec = {
    ...VEGA_LITE_BASE, width: 640, height: 260,
    data: { values },
    mark: { type: "square", size: 3, opacity: 0.8 },
    encoding: {
      x: { field: "t", type: "quantitative", title: "tick", scale: { domain: [0, Math.max(1, r.steps)] } },
      y: { field: "row", type: "quantitative", title: every === 1 ? "neuron" : `neuron / ${every}`, scale: { domain: [0, Math.max(1, offset)] } },
      color: { field: "population", type: "nominal", title: "population", scale: populationColourScale(r, bands.map((b) => b.population)) },
    },
  } as unknown as TopLevelSpec;
  return { spec, note };
}

function meshCells(r: ReportWithMetrics): { values: Array<Record<string, number | string>>; note: string; xTitle: string; yTitle: string; columns: number; rows: number } {
  const cpt = r.chip.mesh?.coresPerTile ?? 1;
  let maxX = 0, maxY = 0;
  for (const c of r.perCore) { maxX = Math.max(maxX, c.tile.x); maxY = Math.max(maxY, c.tile.y); }
  let sx = Math.ceil(Math.sqrt(cpt));
  let sy = Math.ceil(cpt / sx);
  const perCore = (maxX + 1) * sx * (maxY + 1) * sy <= MAX_HEATMAP_CELLS;
  if (!perCore) { sx = 1; sy = 1; }
  const W = (maxX + 1) * sx;
  const H = (maxY + 1) * sy;
  const util = new Float64Array(W * H);
  const count = new Float64Array(W * H);
  const traffic = new Float64Array(W * H);
  const energy = new Float64Array(W * H);
  // --costs counts (chip/report/counts-only.ts): no energy heatmap.
  const countsOnly = isCountsOnly(r);
  r.perCore.forEach((c, i) => {
    const k = perCore ? c.coreId % cpt : 0;
    const x = c.tile.x * sx + (k % sx);
    const y = c.tile.y * sy + Math.floor(k / sx);
    const cell = y * W + x;
    util[cell] += r.metrics.perCore[i]?.utilisation.neurons ?? 0;
    count[cell]++;
    traffic[cell] += c.counters.packetsOut + c.counters.packetsIn;
    if (!countsOnly) energy[cell] += c.energyPj.dynamic;
  });
  const eu = energyUnit(maxOf(energy));
  const values: Array<Record<string, number | string>> = [];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const cell = y * W + x;
      values.push({ x, y, metric: "neurons used (fraction)", value: count[cell] > 0 ? util[cell] / count[cell] : 0 });
      values.push({ x, y, metric: "packets in + out", value: traffic[cell] });
      if (!countsOnly) values.push({ x, y, metric: `dynamic energy (${eu.unit})`, value: energy[cell] / eu.scale });
    }
  }
  const note = perCore
    ? `Cores on the mesh (tiles ${maxX + 1} × ${maxY + 1} of the used region, each tile drawn as ${sx} × ${sy} cores); unused cores are 0.`
    : `Tiles of the used region (${maxX + 1} × ${maxY + 1}); per-core cells would exceed ${MAX_HEATMAP_CELLS}, so each cell sums its tile's cores (utilisation: mean over used cores).`;
  return { values, note, xTitle: perCore ? `x (core column, ${sx} per tile)` : "tile x", yTitle: perCore ? `y (core row, ${sy} per tile)` : "tile y", columns: W, rows: H };
}

/**
 * Pixels an axis title takes along its axis: 0.8 em a character at vega's 11 px axis-title font, the
 * estimate vega itself lays text out with when it renders without a browser (vega-scenegraph
 * estimateWidth), so that layout has no overlap; in a browser the glyphs are narrower (≈ 0.6 em).
 */
export const AXIS_TITLE_PX_PER_CHAR = 0.8 * 11;
export function axisTitlePx(title: string): number {
  return Math.ceil(title.length * AXIS_TITLE_PX_PER_CHAR);
}

/**
 * The mesh heatmaps (one panel per metric). Cells are square, `size` px a side, unless the used region is
 * so small that the grid would be shorter than its axis title: the plot is then stretched to the title's
 * length (width ≥ x title, height ≥ y title). Otherwise the rotated y title, centred on a 48 px high grid
 * (2 × 2 cells of 24 px), reaches down over the x title below the grid.
 */
export function heatmapSpec(r: ReportWithMetrics): { spec: TopLevelSpec; note: string } {
  const m = meshCells(r);
  const metrics = [...new Set(m.values.map((v) => v.metric as string))];
  const cells = m.values.length / metrics.length;
  const size = Math.max(4, Math.min(24, Math.floor(200 / Math.sqrt(Math.max(1, cells)))));
  const minWidthPx = axisTitlePx(m.xTitle);
  const minHeightPx = axisTitlePx(m.yTitle);
  const width = m.columns * size >= minWidthPx ? { step: size } : minWidthPx;
  const height = m.rows * size >= minHeightPx ? { step: size } : minHeightPx;
  const spec = {
    ...VEGA_LITE_BASE,
    data: { values: m.values },
    hconcat: metrics.map((metric) => ({
      title: metric,
      transform: [{ filter: { field: "metric", equal: metric } }],
      width, height,
      mark: "rect",
      encoding: {
        x: { field: "x", type: "ordinal", title: m.xTitle, axis: { labels: cells <= 256, ticks: cells <= 256 } },
        y: { field: "y", type: "ordinal", sort: "descending", title: m.yTitle, axis: { labels: cells <= 256, ticks: cells <= 256 } },
        color: { field: "value", type: "quantitative", title: null, scale: { scheme: "viridis" } },
      },
    })),
    resolve: { scale: { color: "independent" } },
  } as unknown as TopLevelSpec;
  return { spec, note: m.note };
}

function energySpec(r: ReportWithMetrics): TopLevelSpec {
  const e = r.totals.energyPj;
  const eu = energyUnit(e.total);
  // A component that is not modelled (learning null: run-report.ts) has no bar; the energy table says "not modelled".
  const values = ([["synapse", e.synapse], ["neuron", e.neuron], ["network", e.network], ["learning", e.learning], ["static", e.static]] as Array<[string, number | null]>)
    .filter(([, v]) => v !== null).map(([c, v]) => ({ component: c, energy: (v as number) / eu.scale }));
  return {
    ...VEGA_LITE_BASE, width: 420, height: { step: 22 },
    data: { values },
    mark: "bar",
    encoding: {
      y: { field: "component", type: "nominal", sort: null, title: null },
      x: { field: "energy", type: "quantitative", title: `energy (${eu.unit})` },
    },
  } as unknown as TopLevelSpec;
}

function latencySpec(r: ReportWithMetrics): TopLevelSpec {
  const lat = r.perTick.latencyNs;
  const tu = timeUnit(maxOf(lat));
  return {
    ...VEGA_LITE_BASE, width: 640, height: 180,
    data: { values: lat.map((v, t) => ({ t, latency: v / tu.scale })) },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 1 },
    encoding: {
      x: { field: "t", type: "quantitative", title: "tick" },
      y: { field: "latency", type: "quantitative", title: `latency per tick (${tu.unit})` },
    },
  } as unknown as TopLevelSpec;
}

function rateHistogramSpec(r: ReportWithMetrics): TopLevelSpec | undefined {
  const edges = r.metrics.rateHistogramEdgesPerTick;
  const labels = edges.slice(0, -1).map((lo, k) => `${lo}–${edges[k + 1]}`);
  const values: Array<{ population: string; bin: string; neurons: number }> = [];
  const pops = r.metrics.perPopulation.filter((p) => p.rateHistogram !== null && !p.helper);
  for (const p of pops) {
    if (p.rateHistogram === null) continue;
    p.rateHistogram.forEach((n, k) => values.push({ population: p.name, bin: labels[k], neurons: n }));
  }
  if (values.length === 0) return undefined;
  return {
    ...VEGA_LITE_BASE, width: 640, height: 180,
    data: { values },
    mark: "bar",
    encoding: {
      x: { field: "bin", type: "ordinal", sort: labels, title: "firing rate (spikes per tick)" },
      xOffset: { field: "population", type: "nominal", sort: pops.map((p) => p.name) },
      y: { field: "neurons", type: "quantitative", title: "neurons" },
      color: { field: "population", type: "nominal", title: "population", scale: populationColourScale(r, pops.map((p) => p.name)) },
    },
  } as unknown as TopLevelSpec;
}

/**
 * The first bin is [0, 0.001) spikes per tick (metrics.ts: spikes · 1000 < T). A neuron with k ≥ 1 spikes
 * in T ticks falls in it when k < T / 1000, i.e. k < ⌈T / 1000⌉: in runs of more than 1,000 ticks the bin
 * holds live neurons besides the dead ones.
 */
export function rateHistogramCaption(steps: number): string {
  const first = steps > 1000
    ? `the first bin (below 0.001 spikes per tick) holds the dead neurons and any that fired fewer than ${groupDigits(Math.ceil(steps / 1000), ",")} times in the ${groupDigits(steps, ",")} ticks (the dead count is in the population table)`
    : "the first bin (below 0.001 spikes per tick) holds the dead neurons";
  return `Neurons per firing-rate bin, per spiking population; the last bin (≥ 0.9 spikes per tick) holds the bursting neurons, ${first}.`;
}

export function htmlTable(t: ReportTable): string {
  const head = t.columns.map((c) => `<th class="${c.align}">${escapeHtml(c.header)}</th>`).join("");
  const body = t.rows.map((row) => `<tr>${row.map((cell, i) => `<td class="${t.columns[i]?.align ?? "l"}">${escapeHtml(plainCell(cell))}</td>`).join("")}</tr>`).join("\n");
  return `<section id="table-${t.id}">\n<h2>${escapeHtml(t.title)}</h2>\n<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>\n${t.note === undefined ? "" : `<p class="note">${escapeHtml(t.note)}</p>\n`}</section>`;
}

export function figure(id: string, title: string, svg: string, caption: string): string {
  return `<figure id="fig-${id}">\n<h2>${escapeHtml(title)}</h2>\n${svg}\n<figcaption>${escapeHtml(caption)}</figcaption>\n</figure>`;
}

export const STYLE = `body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{padding:.2em .6em;border-bottom:1px solid #ddd}th{border-bottom:2px solid #444}
td.r,th.r{text-align:right}td.l,th.l{text-align:left}
figure{margin:1em 0}figcaption,.note{font-size:.85em;color:#555}svg{max-width:100%;height:auto}`;

export async function renderHtml(report: RunReport, opts: HtmlOptions = {}): Promise<string> {
  const r = requireMetrics(report);
  const title = `aerchip report: ${r.model} on ${r.chip.name}`;
  const tables = reportTables(r);
  const byId = new Map(tables.map((t) => [t.id, t] as const));
  const parts: string[] = [];
  parts.push(`<h1>${escapeHtml(title)}</h1>`);
  parts.push(`<p>${escapeHtml(`Format ${r.format} v${r.version}; ${r.steps} ticks; timing model ${r.timingModel}; aerchip ${r.provenance.aerchipVersion}. Metric definitions: NeuroBench (Yik et al., Nat. Commun. 16:1545, 2025).`)}</p>`);
  parts.push(htmlTable(byId.get("summary") as ReportTable));
  if (opts.spikes !== undefined && opts.spikes.length > 0) {
    const raster = rasterSpec(r, opts.spikes);
    parts.push(figure("raster", "Spike raster", await renderVegaLiteSvg(raster.spec, "raster"), raster.note));
  } else {
    parts.push(`<figure id="fig-raster"><h2>Spike raster</h2><p class="note">No spikes were given (spikes.json next to report.json), so there is no raster.</p></figure>`);
  }
  const heat = heatmapSpec(r);
  parts.push(figure("mesh", "Cores on the mesh", await renderVegaLiteSvg(heat.spec, "mesh"), heat.note));
  // Headed differently from the "Energy by component" table below, so the page has no two identical headings.
  // --costs counts (chip/report/counts-only.ts): no energy figure.
  if (!isCountsOnly(r)) parts.push(figure("energy", "Energy breakdown", await renderVegaLiteSvg(energySpec(r), "energy"), `Total ${plainCell({ v: r.totals.energyPj.total / energyUnit(r.totals.energyPj.total).scale, f: "sig" })} ${energyUnit(r.totals.energyPj.total).unit} = counters × per-operation costs (tables "Energy by component" and "Per-operation costs used" below) + static energy. ${staticEnergyNote(r)}`));
  if (r.totals.simulatedTimeNs === null) {
    parts.push(`<figure id="fig-latency"><h2>Latency per tick</h2><p class="note">Time is not modelled by this chip spec (no latency costs), so there is no latency figure.</p></figure>`);
  } else if (!perTickLatencyModelled(r.totals.simulatedTimeNs, r.perTick.latencyNs)) {
    parts.push(`<figure id="fig-latency"><h2>Latency per tick</h2><p class="note">This chip spec has no latency costs, so no tick has a modelled latency; each tick lasts the tick period (time basis ${escapeHtml(timeBasisText(r))}).</p></figure>`);
  } else {
    parts.push(figure("latency", "Latency per tick", await renderVegaLiteSvg(latencySpec(r), "latency"), (r.totals.timeBasis ?? r.metrics.totals.inferenceTimeBasis) === "tick-period"
      ? `Modelled latency of each tick (timing model ${r.timingModel}). Time basis ${timeBasisText(r)}: the simulated time is the sum of those durations, not of the latencies.`
      : `Modelled latency of each tick (timing model ${r.timingModel}); the sum is the simulated time (time basis ${timeBasisText(r)}).`));
  }
  const hist = rateHistogramSpec(r);
  if (hist !== undefined) parts.push(figure("rates", "Firing-rate histogram", await renderVegaLiteSvg(hist, "rates"), rateHistogramCaption(r.steps)));
  for (const t of tables) if (t.id !== "summary") parts.push(htmlTable(t));
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(title)}</title>\n<style>\n${STYLE}\n</style>\n</head>\n<body>\n${parts.join("\n")}\n</body>\n</html>\n`;
}
