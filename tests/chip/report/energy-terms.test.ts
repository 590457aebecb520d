/**
 * Every energy of a report as count × per-operation cost (chip/report/energy-terms.ts), rendered in the
 * Markdown/LaTeX/HTML tables and as CSV rows: the terms of each component add up to the report's energy
 * for that component, on chips that charge hops by direction, in-tile packets, learning, compute-in-memory
 * crossbar reads and static power (audit-docs finding 1).
 */
import { describe, expect, it } from "vitest";
import { energyTerms, type EnergyComponent } from "../../../chip/report/energy-terms.ts";
import type { RunReport } from "../../../chip/report/run-report.ts";
import { renderCsv, CSV_COLUMNS } from "../../../chip/report/formats/csv.ts";
import { renderMarkdown } from "../../../chip/report/formats/markdown.ts";
import { renderLatex } from "../../../chip/report/formats/latex.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { compileAndRun, loadModel } from "../../../cli/pipeline.ts";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { groupDigits } from "../../../chip/report/formats/tables.ts";

const PROV = { aerchipVersion: "test", inputs: [], options: { seed: 0 } };
const COMPONENTS: EnergyComponent[] = ["synapse", "neuron", "network", "learning", "static"];

function sums(r: RunReport): Record<EnergyComponent, number> {
  const s = { synapse: 0, neuron: 0, network: 0, learning: 0, static: 0 };
  for (const t of energyTerms(r)) {
    expect(t.energyPj).toBe(t.count * t.costValue);
    s[t.component] += t.energyPj;
  }
  return s;
}

function expectTermsAddUp(r: RunReport): void {
  const s = sums(r);
  for (const k of COMPONENTS) expect(s[k], k).toBeCloseTo(r.totals.energyPj[k] ?? 0, 6); // learning null (not modelled) has no term
}

/** Demo model on generic with 64 neurons per core: 13 cores on 3 tiles, hops both ways and in-tile packets. */
function demo(): RunReport {
  const g = loadPreset("generic");
  const spec = { ...g, core: { ...g.core, maxNeurons: 64 } };
  return compileAndRun(spec, loadModel("examples/demo/ei-small.net.json"), { provenance: PROV, timing: "simple" }).report;
}

describe("energy = count × per-operation cost", () => {
  it("network energy: E-W hops × 3 pJ + N-S hops × 4 pJ + in-tile packets × 1.7 pJ, each term in md, LaTeX and CSV", () => {
    const r = demo();
    expectTermsAddUp(r);
    const c = r.totals.counters;
    const net = energyTerms(r).filter((t) => t.component === "network");
    expect(net.map((t) => [t.countKey, t.count, t.costValue])).toEqual([
      ["hops_east_west", c.hopsEast + c.hopsWest, 3], ["hops_north_south", c.hopsNorth + c.hopsSouth, 4], ["packets_in_tile", c.packetsInTile, 1.7],
    ]);
    expect(c.hopsEast + c.hopsWest).toBeGreaterThan(0);
    expect(c.hopsNorth + c.hopsSouth).toBeGreaterThan(0);
    expect(c.packetsInTile).toBeGreaterThan(0);
    const md = renderMarkdown(r);
    expect(md).toContain(`| Network | router hops east-west | ${groupDigits(c.hopsEast + c.hopsWest, ",")} | energyHopEastWestPj | 3.000 | pJ |`);
    expect(md).toContain(`| Router hops north-south | ${groupDigits(c.hopsNorth + c.hopsSouth, ",")} |`);
    expect(md).toContain(`| In-tile packets | ${groupDigits(c.packetsInTile, ",")} |`);
    // A wrapping (p{}) column's cells start with \raggedright\arraybackslash (formats/latex-layout.ts).
    expect(renderLatex(r).replaceAll("\\raggedright\\arraybackslash ", "")).toContain(`Network & router hops north-south & ${groupDigits(c.hopsNorth + c.hopsSouth, ",")} & energyHopNorthSouthPj`);
    // CSV: one energy_term row per term, its energy in the component's column; they add up to the totals row.
    const lines = renderCsv(r).trimEnd().split("\n").map((l) => l.split(","));
    const col = (name: string) => CSV_COLUMNS.indexOf(name);
    const terms = lines.filter((l) => l[col("entity")] === "energy_term");
    expect(terms.length).toBe(energyTerms(r).length);
    const netSum = terms.filter((l) => l[col("kind")] === "network").reduce((a, l) => a + Number(l[col("energy_network_pj")]), 0);
    expect(netSum).toBeCloseTo(r.totals.energyPj.network, 6);
    const ew = terms.find((l) => l[col("id")] === "hops_east_west")!;
    expect([Number(ew[col("count")]), ew[col("cost_key")], Number(ew[col("cost_value")]), ew[col("cost_unit")]]).toEqual([c.hopsEast + c.hopsWest, "energyHopEastWestPj", 3, "pJ"]);
  });

  it("learning energy: synaptic updates × energySynUpdatePj (plastic model on loihi)", () => {
    const r = compileAndRun(loadPreset("loihi"), loadModel("examples/learning/stdp-pair.model.json"), { provenance: PROV, timing: "simple" }).report;
    expectTermsAddUp(r);
    const learn = energyTerms(r).filter((t) => t.component === "learning");
    expect(learn).toHaveLength(1);
    expect(learn[0].count).toBe(r.totals.counters.synUpdates);
    expect(r.totals.counters.synUpdates).toBeGreaterThan(0);
    expect(renderMarkdown(r)).toContain(`| Synaptic updates (learning) | ${groupDigits(r.totals.counters.synUpdates, ",")} |`);
  });

  it("compute-in-memory: crossbar reads, active rows and ADC conversions give the synapse energy, in every format", () => {
    const json = {
      format: "aerchip-model-1", name: "xb", steps: 4,
      populations: [
        { name: "in", kind: "input", size: 3, spikes: [[0, 0], [0, 1], [2, 2]] },
        { name: "out", kind: "neuron", size: 4, vThreshold: 100 },
      ],
      projections: [{ name: "p", pre: "in", post: "out", dense: { weights: [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]], delays: 1 } }],
    };
    const model = parseAerchipModel(json as unknown as Json, "xb.json");
    const r = compileAndRun(loadPreset("cim-crossbar"), model, { provenance: PROV, timing: "simple" }).report;
    expectTermsAddUp(r);
    const xb = r.totals.crossbar!;
    expect(energyTerms(r).filter((t) => t.component === "synapse").map((t) => [t.costKey, t.count])).toEqual([
      ["energyCrossbarReadFixedPj", xb.reads], ["energyCrossbarRowReadPj", xb.activeRows], ["energyAdcConversionPj", xb.conversions], ["energyColumnMuxPj", xb.conversions],
    ]);
    const md = renderMarkdown(r);
    expect(md).toContain(`| Crossbar reads | ${xb.reads} |`);
    expect(md).toContain(`| ADC conversions | ${xb.conversions} |`);
    const [head, totals] = renderCsv(r).split("\n").map((l) => l.split(","));
    expect([totals[head.indexOf("crossbar_reads")], totals[head.indexOf("crossbar_active_rows")], totals[head.indexOf("crossbar_conversions")]].map(Number)).toEqual([xb.reads, xb.activeRows, xb.conversions]);
  });
});
