/**
 * One command's outputs in an --out directory that an earlier command of the same kind already used
 * (audit s24a #4): after the new output set is written, the files of the earlier run that this run did not
 * write again are removed, so that --out holds one run's outputs and a later `--initial-weights out/weights.json`,
 * `report --spikes` or a script reading `out/*.v.npy` cannot take another run's file for this one's.
 *
 * What counts as the earlier run's files. aerchip's records do not list every file they were written with,
 * so each command's kind has its record (report.json for `run`, dataset.json for `evaluate`, …) and the fixed
 * names that kind writes beside it; run reports add the files they name (readouts[].file, the NIR output
 * nodes' <node>.npy). A file is removed only when
 *   - the directory holds that kind's record (an aerchip output directory of the same command), and
 *   - its name is one of that kind's names (a plain file name in --out, never a path elsewhere), and
 *   - this run did not write it, and it is not one of this run's inputs (e.g. `run out/program.aerprog`).
 * Other files (the user's, another command's) are never touched. The removal comes after the new set is
 * written in full (core/atomic-write.ts writeOutputSet), so a failed run leaves the directory as it was.
 */
import { lstatSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { writeOutputSet, type OutputFile } from "../core/atomic-write.ts";
import { fileSafe } from "./readout-files.ts";
import { LAYER_TICKS_FILE } from "./layer-ticks-out.ts";

/** The kinds of output directory, by the command that writes it. */
export type OutputKind = "run" | "compile" | "compare" | "sweep" | "evaluate" | "evaluate-compare" | "train" | "learn" | "learn-features";

interface Kind {
  /** The file that marks a directory as this kind's output (its record). */
  readonly record: string;
  /** The names this kind writes in --out (any subset, by options and model). */
  readonly names: readonly string[];
  /** Names of this kind by pattern (one file per width, node, …). */
  readonly pattern?: RegExp;
  /** Further names the record lists (a run report's readouts and NIR node files). */
  readonly listed?: (record: unknown) => string[];
}

const KINDS: Readonly<Record<OutputKind, Kind>> = {
  run: {
    record: "report.json",
    names: ["spikes.json", "report.json", "mapping.json", "weights.json", LAYER_TICKS_FILE, "hand-mapping-report.json"],
    listed: runReportFiles,
  },
  compile: { record: "program.aerprog", names: ["program.aerprog", "mapping.json"] },
  compare: { record: "compare.json", names: ["compare.md", "compare.csv", "compare.tex", "compare.json", "compare.svg"] },
  sweep: { record: "sweep.json", names: ["sweep.csv", "sweep.md", "sweep.tex", "sweep.json", "sweep.svg"] },
  evaluate: { record: "dataset.json", names: ["dataset.json", "samples.csv", "dataset.md", "dataset.tex", "dataset.html", "mapping.json", LAYER_TICKS_FILE] },
  "evaluate-compare": { record: "evaluate-compare.json", names: ["evaluate-compare.md", "evaluate-compare.tex", "evaluate-compare.csv", "evaluate-compare.json"] },
  train: { record: "train.json", names: ["train.json", "weights.json", "curve.csv"] },
  learn: { record: "learn-mnist.json", names: ["learn-mnist.json", "curve.csv"] },
  "learn-features": { record: "learn-features.json", names: ["learn-features.json", "clusters.csv", "curve.csv"], pattern: /^responses_[A-Za-z0-9._-]+\.npy$/ },
};

/** A run report's own files: each readout's trace (readouts[].file) and each spiking NIR output node's <node>.npy. */
function runReportFiles(doc: unknown): string[] {
  const r = doc as { readouts?: unknown; nir?: { outputs?: unknown } } | null;
  const files: string[] = [];
  if (r === null || typeof r !== "object") return files;
  if (Array.isArray(r.readouts)) for (const x of r.readouts) if (typeof (x as { file?: unknown })?.file === "string") files.push((x as { file: string }).file);
  if (Array.isArray(r.nir?.outputs)) {
    for (const x of r.nir.outputs as unknown[]) {
      const o = x as { node?: unknown; spiking?: unknown };
      if (typeof o?.node === "string" && o.spiking === true) files.push(`${fileSafe(o.node)}.npy`);
    }
  }
  // Only plain .npy names in --out itself: a hand-edited report cannot point the removal elsewhere.
  return files.filter((f) => /^[A-Za-z0-9._-]+\.npy$/.test(f) && !f.startsWith(".."));
}

const isFile = (path: string): boolean => {
  try {
    return lstatSync(path, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
};

/** The files an earlier `kind` command left in `out` (existing regular files of its names), or none without its record. */
export function earlierOutputs(kind: OutputKind, out: string): string[] {
  const k = KINDS[kind];
  const record = join(out, k.record);
  if (!isFile(record)) return [];
  let listed: string[] = [];
  if (k.listed !== undefined) {
    try {
      listed = k.listed(JSON.parse(readFileSync(record, "utf8")));
    } catch { /* an unreadable record lists nothing: the fixed names still apply */ }
  }
  const names = new Set([...k.names, ...listed]);
  if (k.pattern !== undefined) {
    try {
      for (const f of readdirSync(out)) if (k.pattern.test(f)) names.add(f);
    } catch { /* nothing to add */ }
  }
  return [...names].map((f) => join(out, f)).filter(isFile);
}

/**
 * Writes `files` as one output set in `out` (core/atomic-write.ts writeOutputSet), then removes what an
 * earlier `kind` command left there that this one did not write (the module comment), and says so on
 * stderr unless `quiet`. `inputs`: this run's input files, never removed. Returns the removed paths.
 */
export function writeOutputDir(kind: OutputKind, files: readonly OutputFile[], out: string, o: { readonly quiet?: boolean; readonly inputs?: readonly string[] } = {}): string[] {
  const earlier = earlierOutputs(kind, out);
  writeOutputSet(files, [out]);
  const keep = new Set([...files.map((f) => resolve(f.path)), ...(o.inputs ?? []).map((p) => resolve(p))]);
  const removed: string[] = [];
  for (const path of earlier) {
    if (keep.has(resolve(path))) continue;
    try {
      rmSync(path, { force: true });
      removed.push(path);
    } catch { /* left in place; the note lists only what was removed */ }
  }
  if (removed.length > 0 && o.quiet !== true) {
    process.stderr.write(`aerchip: removed ${removed.length} file${removed.length === 1 ? "" : "s"} of the earlier run in --out: ${removed.map((p) => basename(p)).join(", ")}\n`);
  }
  return removed;
}
