/**
 * The HTML spike raster draws at most MAX_RASTER_POINTS spikes (audit s23b #3): keeping every k-th neuron with
 * k = ⌈total / MAX⌉ overshot when the kept neurons fire more than the average (SANA-FE dvs: 10,590 drawn).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RunReport } from "../../../chip/report/run-report.ts";
import { MAX_RASTER_POINTS, rasterSample, renderHtml, type PopulationSpikeList } from "../../../chip/report/formats/html.ts";

/** Neuron 0 fires at ticks 0 … busy − 1; neurons 1 … size − 1 once each, at tick 0. */
function busyZero(name: string, size: number, busy: number): PopulationSpikeList {
  const tick: number[] = [], neuron: number[] = [];
  for (let t = 0; t < busy; t++) { tick.push(t); neuron.push(0); }
  for (let n = 1; n < size; n++) { tick.push(0); neuron.push(n); }
  return { name, size, tick, neuron };
}

describe("raster cap", () => {
  it("a busy neuron 0 does not push the count over the cap: k grows until the kept spikes fit", () => {
    // 25,000 spikes: k = 3 would keep 5,000 + 6,666 = 11,666; k = 4 keeps 5,000 + 4,999 = 9,999.
    const s = rasterSample([busyZero("A", 20_000, 5_000)]);
    expect(s.total).toBe(24_999);
    expect(Math.ceil(s.total / MAX_RASTER_POINTS)).toBe(3);
    expect(s.every).toBe(4);
    expect(s.spikeEvery).toBe(1);
    expect(s.values.length).toBe(9_999);
  });

  it("when neuron 0 alone fires more than the cap, every q-th of the kept spikes is drawn", () => {
    const s = rasterSample([busyZero("A", 10, 12_000)]);
    expect(s.every).toBe(10);
    expect(s.spikeEvery).toBe(2);
    expect(s.values.length).toBeLessThanOrEqual(MAX_RASTER_POINTS);
    expect(s.values.length).toBe(6_000);
  });

  it("the page's caption says what was subsampled and how many spikes are drawn", async () => {
    const report = JSON.parse(readFileSync("tests/golden/report/known-rates.report.json", "utf8")) as RunReport;
    const html = await renderHtml(report, { spikes: [busyZero("A", 10, 12_000)] });
    expect(html).toContain(`One in every 10 neurons and one in every 2 of their spikes in time order shown (6000 of 12009 spikes, at most ${MAX_RASTER_POINTS})`);
  }, 60_000);
});
