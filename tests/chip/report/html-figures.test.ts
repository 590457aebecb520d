/**
 * The HTML page's figures (audit-docs finding 17) and the static-energy rule (finding 13):
 *   - a population has one colour in the raster and in the firing-rate histogram, although the raster
 *     draws no input population and the histogram does (known-rates: input "in", spiking A, readout R);
 *   - no two headings of the page are the same (the energy figure vs the "Energy by component" table);
 *   - the histogram caption says the first bin holds live neurons too in runs of more than 1,000 ticks;
 *   - the energy figure's caption and the energy table's note give static = power × cores used × time.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RunReport } from "../../../chip/report/run-report.ts";
import { parseSpikesJson, POPULATION_COLOURS, rateHistogramCaption, renderHtml } from "../../../chip/report/formats/html.ts";
import { renderMarkdown } from "../../../chip/report/formats/markdown.ts";
import { staticEnergyNote } from "../../../chip/report/formats/static-energy-note.ts";

const GOLDEN = "tests/golden/report";
const report = JSON.parse(readFileSync(`${GOLDEN}/known-rates.report.json`, "utf8")) as RunReport;
const spikes = parseSpikesJson(readFileSync(`${GOLDEN}/known-rates.spikes.json`, "utf8"), report, "known-rates.spikes.json");

/** population → fill colours of the marks of one figure of the page. */
function fills(html: string, fig: string): Record<string, string[]> {
  const body = new RegExp(`<figure id="fig-${fig}">([\\s\\S]*?)</figure>`).exec(html)?.[1] ?? "";
  const out: Record<string, Set<string>> = {};
  for (const m of body.matchAll(/aria-label="[^"]*population: ([^";]+)"[^>]*?fill="(#[0-9a-f]+)"/g)) (out[m[1]] ??= new Set()).add(m[2]);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v]]));
}

describe("HTML figures", () => {
  it("gives each population the same colour in the raster and the histogram", async () => {
    // R does not fire in known-rates: give it one spike so that the raster draws two populations.
    const rSize = report.perPopulation.find((p) => p.name === "R")?.size ?? 1;
    const withR = [...spikes.filter((p) => p.name !== "R"), { name: "R", size: rSize, tick: [2], neuron: [0] }];
    const html = await renderHtml(report, { spikes: withR });
    const raster = fills(html, "raster");
    const rates = fills(html, "rates");
    expect(Object.keys(raster).sort()).toEqual(["A", "R"]);
    // R is a non-spiking readout: no histogram. Colour k of the report's population order (in, A, R), in both figures.
    expect(rates).toEqual({ in: [POPULATION_COLOURS[0]], A: [POPULATION_COLOURS[1]] });
    expect(raster).toEqual({ A: [POPULATION_COLOURS[1]], R: [POPULATION_COLOURS[2]] });
  });

  it("has no two identical headings", async () => {
    const html = await renderHtml(report, { spikes });
    const headings = [...html.matchAll(/<h[12]>([^<]*)<\/h[12]>/g)].map((m) => m[1]);
    expect(headings).toContain("Energy by component");
    expect(new Set(headings).size).toBe(headings.length);
  });

  it("the histogram caption says the first bin also holds live neurons in runs over 1,000 ticks", () => {
    expect(rateHistogramCaption(1000)).toMatch(/first bin \(below 0\.001 spikes per tick\) holds the dead neurons\.$/);
    // 2,400 ticks: 1 or 2 spikes is a rate below 0.001 (2 / 2400 = 0.00083), 3 is not (0.00125).
    expect(rateHistogramCaption(2400)).toContain("holds the dead neurons and any that fired fewer than 3 times in the 2,400 ticks");
    expect(rateHistogramCaption(2000)).toContain("fewer than 2 times");
  });

  it("states the static-energy rule with the run's numbers in the figure caption and the energy table", async () => {
    // known-rates on generic*: 0.82 mW × 4 cores × 1,316.9 ns = 4,319.432 pJ (report.json totals.energyPj.static).
    expect(0.82 * 4 * 1316.9).toBeCloseTo(report.totals.energyPj.static, 6);
    const note = staticEnergyNote(report);
    expect(note).toBe("Static energy = 0.82 mW × 4 cores used × 1.317 µs simulated = 4.319 nJ; only the cores used are charged, the other 1,020 of 1,024 are taken as power-gated.");
    const html = await renderHtml(report, { spikes });
    expect(/<figure id="fig-energy">[\s\S]*?<figcaption>([^<]*)</.exec(html)?.[1]).toContain(note);
    expect(renderMarkdown(report)).toContain(note);
  });

  it("says static energy is 0 when time or static power is not modelled", () => {
    const untimed = { ...report, totals: { ...report.totals, simulatedTimeNs: null } } as RunReport;
    expect(staticEnergyNote(untimed)).toMatch(/^Static energy is 0: this chip spec does not model time/);
    const noStatic = { ...report, costs: report.costs.filter((c) => !c.key.startsWith("staticPower")) } as RunReport;
    expect(staticEnergyNote(noStatic)).toMatch(/no static power, so it is 0/);
  });
});
