/**
 * Learning curves of `aerchip learn --eval-every N` (accuracy or clustering scores against training samples
 * seen, per weight width): the CSV file, the printed summary, and a feature run's per-point scores.
 * The points come from DiehlCookRun (cli/learn/diehl-cook.ts evaluateFrozen); this file only formats them.
 */
import { join } from "node:path";
import type { OutputFile } from "../../core/atomic-write.ts";
import type { CurvePoint, DiehlCookResult } from "./diehl-cook.ts";
import type { Clustering } from "./features-report.ts";

/** A feature run's scores at a curve point, from the clustering of its frozen label pass. */
export function curveScores(c: Clustering): Readonly<Record<string, number | null>> {
  return { purity: c.purity, nmi: c.nmi, usedClusters: c.usedClusters, silentSamples: c.silentSamples };
}

const widthOf = (r: Pick<DiehlCookResult, "weightBits">): string => (r.weightBits === "float" ? "float" : `${r.weightBits}b`);

/** The columns: samples and accuracy first, then every score any point has, in first-seen order. */
function columns(results: readonly DiehlCookResult[]): string[] {
  const cols = ["samples", "accuracy", "labelAccuracy"];
  for (const r of results) for (const p of r.curve ?? []) for (const k of Object.keys(p)) if (!cols.includes(k)) cols.push(k);
  return cols;
}

/** curve.csv (weights, then one row per point), or nothing when the run kept no curve. */
export function curveFiles(out: string, results: readonly DiehlCookResult[]): OutputFile[] {
  if (!results.some((r) => r.curve !== undefined)) return [];
  const cols = columns(results);
  const lines = [["weights", ...cols].join(",")];
  for (const r of results) {
    for (const p of r.curve ?? []) lines.push([widthOf(r), ...cols.map((k) => (p[k] === null || p[k] === undefined ? "" : String(p[k])))].join(","));
  }
  return [{ path: join(out, "curve.csv"), data: `${lines.join("\n")}\n` }];
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? "—" : `${(100 * x).toFixed(1)}%`);

/** One printed line per width: the curve's headline score at each point (test accuracy, else purity, else label accuracy). */
export function curveText(results: readonly DiehlCookResult[]): string {
  if (!results.some((r) => r.curve !== undefined)) return "";
  const first = results.find((r) => r.curve !== undefined)!.curve![0];
  const key: keyof CurvePoint = first.accuracy !== null ? "accuracy" : first.purity !== undefined && first.purity !== null ? "purity" : "labelAccuracy";
  const lines = results.filter((r) => r.curve !== undefined).map((r) => `  ${widthOf(r).padEnd(5)} ${r.curve!.map((p) => `${p.samples}: ${pct(p[key])}`).join(", ")}`);
  return `\nlearning curve (${key} after n training samples; curve.csv has every score):\n${lines.join("\n")}\n`;
}
