/**
 * compare.svg switches an axis to a log scale when the chips' values span more than two decades; the
 * axis title then says "log scale" (it kept "time (ms)", so bar lengths read as proportional).
 */
import { describe, expect, it } from "vitest";
import { compareFigureSpec, logBarBase, type CompareRow } from "../../../chip/report/formats/compare.ts";
import { renderVegaLiteSvg } from "../../../chip/report/formats/html.ts";

function row(chip: string, energyPj: number, inferenceTimeNs: number): CompareRow {
  return {
    arch: chip, dir: chip, chip, label: chip, status: "ok", errorMessage: null, coresUsed: 1, coresAvailable: 1, modelLayerSpikes: 1, synOps: 1, effectiveACs: 1,
    energyPj, energyPerSynOpPj: energyPj, inferenceTimeNs, inferencesPerSecond: 1e9 / inferenceTimeNs, averagePowerMw: 1,
    footprintBytes: 1, synapseMemoryBytes: 1, activationSparsity: 0, timeModelled: true, timeBasis: "modelled-latency",
  };
}

interface Panel { encoding: { x: { title: string; scale: { type: string } } } }

function axes(rows: CompareRow[]): Panel["encoding"]["x"][] {
  const spec = compareFigureSpec("m", rows) as unknown as { hconcat: Panel[] };
  return spec.hconcat.map((p) => p.encoding.x);
}

describe("compare figure: log axes are titled as such", () => {
  it("says 'log scale' on a log axis and not on a linear one", () => {
    // Energies within a decade (linear), times three decades apart (log).
    const [energy, time] = axes([row("a", 1e6, 1e3), row("b", 2e6, 1e6)]);
    expect(energy.scale.type).toBe("linear");
    expect(energy.title).not.toMatch(/log/);
    expect(time.scale.type).toBe("log");
    expect(time.title).toMatch(/^time \(.+, log scale\)$/);
  });
});

/** Width of every bar of panel `k` (concat_k) in the rendered SVG: each bar is a path "M x,y h W v H h −W Z". */
function barWidths(svg: string, k: number): number[] {
  const group = new RegExp(`<g class="mark-rect role-mark concat_${k}_marks"[^>]*>([\\s\\S]*?)</g>`).exec(svg);
  expect(group, `bars of panel ${k}`).not.toBeNull();
  return [...group![1].matchAll(/aria-roledescription="bar" d="M[-\d.e]+,[-\d.e]+h([-\d.e]+)v/g)].map((m) => Number(m[1]));
}

/** Tick-label texts of each x axis, in panel order. */
function xTickLabels(svg: string): string[][] {
  return [...svg.matchAll(/aria-label="X-axis[^"]*">([\s\S]*?)<g class="mark-text role-axis-title"/g)].map((m) => {
    const labels = /<g class="mark-text role-axis-label"[^>]*>([\s\S]*?)<\/g>/.exec(m[1]);
    return labels === null ? [] : [...labels[1].matchAll(/<text[^>]*>([^<]+)<\/text>/g)].map((t) => t[1]);
  });
}

describe("compare figure: the rendered SVG draws every bar on log and linear axes", () => {
  it("bars have positive width and the axes have tick labels (energy linear, time log)", async () => {
    const rows = [row("a", 1.6e7, 1.158e6), row("b", 4.1e8, 3e8), row("c", 1.6e7, 1.158e6)];
    const [energy, time] = axes(rows);
    expect([energy.scale.type, time.scale.type]).toEqual(["linear", "log"]);
    const svg = await renderVegaLiteSvg(compareFigureSpec("m", rows), "t");
    for (const k of [0, 1]) {
      const w = barWidths(svg, k);
      expect(w).toHaveLength(3);
      for (const x of w) expect(x).toBeGreaterThan(0);
    }
    // The longest bar is the largest value on both scales.
    expect(Math.max(...barWidths(svg, 1))).toBe(barWidths(svg, 1)[1]);
    const ticks = xTickLabels(svg);
    expect(ticks).toHaveLength(2);
    expect(ticks[0].length).toBeGreaterThanOrEqual(2);
    expect(ticks[1].length).toBeGreaterThanOrEqual(2);
    // The log axis starts at the bars' datum, 1 ms (below 1.158 ms), and reaches past 300 ms.
    expect(ticks[1][0]).toBe("1");
    expect(ticks[1]).toContain("100");
  });

  it("bars have positive width on a log energy axis too (energy log, time linear)", async () => {
    const rows = [row("a", 1e3, 1e6), row("b", 1e6, 2e6)];
    const [energy, time] = axes(rows);
    expect([energy.scale.type, time.scale.type]).toEqual(["log", "linear"]);
    const svg = await renderVegaLiteSvg(compareFigureSpec("m", rows), "t");
    for (const k of [0, 1]) for (const x of barWidths(svg, k)) expect(x).toBeGreaterThan(0);
    for (const t of xTickLabels(svg)) expect(t.length).toBeGreaterThanOrEqual(2);
  });

  it("a chip paced at a tick period is labelled '(paced)' in both panels", () => {
    const paced: CompareRow = { ...row("spinnaker2", 1e6, 3e8), timeBasis: "tick-period" };
    const spec = compareFigureSpec("m", [row("loihi", 1e6, 1e6), paced]) as unknown as { hconcat: Array<{ data: { values: Array<{ chip: string }> }; encoding: { y: { sort: string[] } } }> };
    for (const p of spec.hconcat) {
      expect(p.data.values.map((v) => v.chip)).toEqual(["loihi", "spinnaker2 (paced)"]);
      expect(p.encoding.y.sort).toEqual(["loihi", "spinnaker2 (paced)"]);
    }
  });

  it("the log bars' datum is the power of ten strictly below the smallest value", () => {
    expect(logBarBase([1.158, 300])).toBe(1);
    expect(logBarBase([1, 300])).toBeCloseTo(0.1, 12);
    expect(logBarBase([0.02, 5])).toBeCloseTo(0.01, 12);
    expect(logBarBase([1000, 1e6])).toBe(100);
  });
});
