/**
 * Re-audit s16 item 13: in the "Cores on the mesh" heatmaps of a small used region (known-rates: one tile
 * of 4 cores, a 2 × 2 grid of 24 px cells) the rotated y-axis title ("y (core row, 2 per tile)", longer
 * than the 48 px grid) reached down over the x-axis title. The grid is now at least as long as each axis
 * title, and the layout vega computes (the one it renders to SVG, with its own text-width estimate) has
 * no two axis titles overlapping.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RunReport } from "../../../chip/report/run-report.ts";
import { axisTitlePx, heatmapSpec } from "../../../chip/report/formats/html.ts";
import { requireMetrics } from "../../../chip/report/formats/tables.ts";

const report = requireMetrics(JSON.parse(readFileSync("tests/golden/report/known-rates.report.json", "utf8")) as RunReport);

interface Box { x1: number; y1: number; x2: number; y2: number; text: string }
interface SceneItem { x?: number; y?: number; bounds?: { x1: number; y1: number; x2: number; y2: number }; text?: string; items?: SceneMark[] }
interface SceneMark { marktype: string; role?: string; items: SceneItem[] }

/** Axis-title boxes of a scenegraph in view coordinates (each group item offsets its children by its x, y). */
function axisTitles(mark: SceneMark, ox = 0, oy = 0, out: Box[] = []): Box[] {
  for (const item of mark.items) {
    if (mark.role === "axis-title" && item.bounds !== undefined) {
      const b = item.bounds;
      out.push({ x1: b.x1 + ox, y1: b.y1 + oy, x2: b.x2 + ox, y2: b.y2 + oy, text: String(item.text) });
    }
    if (mark.marktype === "group") for (const child of item.items ?? []) axisTitles(child, ox + (item.x ?? 0), oy + (item.y ?? 0), out);
  }
  return out;
}

const overlap = (a: Box, b: Box): boolean => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

describe("HTML mesh heatmaps: axis titles of a small used region", () => {
  it("stretches a grid shorter than its axis title to the title's length", () => {
    const panel = (heatmapSpec(report).spec as unknown as { hconcat: Array<{ width: unknown; height: unknown; encoding: { x: { title: string }; y: { title: string } } }> }).hconcat[0];
    expect(panel.encoding.x.title).toBe("x (core column, 2 per tile)");
    expect(panel.encoding.y.title).toBe("y (core row, 2 per tile)");
    expect(panel.width).toBe(axisTitlePx(panel.encoding.x.title));
    expect(panel.height).toBe(axisTitlePx(panel.encoding.y.title));
  });

  it("lays out the three panels with no two axis titles overlapping", async () => {
    const vl = await import("vega-lite");
    const vega = await import("vega");
    const view = new vega.View(vega.parse(vl.compile(heatmapSpec(report).spec).spec), { renderer: "none" });
    try {
      await view.runAsync();
      const titles = axisTitles((view.scenegraph() as unknown as { root: SceneMark }).root);
      expect(titles.map((t) => t.text)).toHaveLength(6);
      for (let i = 0; i < titles.length; i++) {
        for (let j = i + 1; j < titles.length; j++) expect(overlap(titles[i], titles[j]), `${titles[i].text} / ${titles[j].text}`).toBe(false);
      }
    } finally {
      view.finalize();
    }
  });
});
