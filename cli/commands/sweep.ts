/**
 * `aerchip sweep sweep.yaml [--out DIR] [--threads N]`: runs the grid a sweep file describes (weight bits,
 * neurons per core, mesh size, chip, precision, placement, seed) on local worker threads, one simulation
 * per task, and writes one tidy table plus a figure:
 *   <out>/points/<id>.json   one row per finished point, written atomically as it finishes;
 *   <out>/sweep.csv|md|tex|json, <out>/sweep.svg   built from the point files in grid order.
 * Points already in <out>/points/ are skipped, so a killed sweep restarted with the same command finishes
 * with byte-identical outputs. A point that fails with an AerchipError is a row with its code; the command
 * fails (E_SWEEP_NOTHING_RAN) only when no point ran.
 * Ctrl-C starts no further point, keeps the finished point files and fails with E_INTERRUPTED (exit 130),
 * saying how many points are done and that the same command resumes; no table is written for a partial grid.
 */
import { findDuplicateJsonKey } from "../../core/io/json-duplicate-keys.ts";
import { sweepNothingRanHint } from "../sweep/nothing-ran.ts";
import { writeOutputDir } from "../earlier-outputs.ts";
import { existsSync, readFileSync } from "node:fs";
import { checkOutputPaths } from "../output-paths.ts";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { AerchipError, formatDiagnostic } from "../../core/diagnostics.ts";
import { ensureDir, outputDirOption, stableJson, writeJsonAtomic } from "../../core/atomic-write.ts";
import { markdownTable } from "../../chip/report/formats/markdown.ts";
import { latexLabelSlug, latexTable } from "../../chip/report/formats/latex.ts";
import { latexFileHead } from "../../chip/report/formats/latex-layout.ts";
import { renderVegaLiteSvg } from "../../chip/report/formats/html.ts";
import { plainCell } from "../../chip/report/formats/tables.ts";
import { table } from "../format.ts";
import { interruptSignal } from "../interrupt.ts";
import { aerchipVersion } from "../version.ts";
import { sha256File } from "../provenance.ts";
import { gitProvenance } from "./run.ts";
import { loadSweepConfig } from "../sweep/config.ts";
import { buildGrid, type PointTask } from "../sweep/grid.ts";
import type { CostMode } from "../../chip/report/counts-only.ts";
import { checkModel, POINT_FORMAT, POINT_VERSION, type PointRow } from "../sweep/point.ts";
import { checkPointRow, sealPointRow } from "../sweep/point-check.ts";
import { runPoints, type PoolRun } from "../sweep/pool.ts";
import { makePointProgress } from "../sweep/progress.ts";
import { SWEEP_FORMAT, sweepCsv, sweepFigureSpec, sweepTable, type SweepDocument } from "../sweep/formats.ts";

export interface SweepCommandOptions {
  /** Output directory; default the sweep file's `out`, else out/<sweep file name>. */
  readonly out?: string;
  /** Worker threads; default os.availableParallelism(). */
  readonly threads?: number;
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** --costs counts: every point counts-only, the outputs without energy or power (chip/report/counts-only.ts). */
  readonly costs?: CostMode;
  /** Called on the main thread after each finished point's file is written (progress for embedding applications). */
  readonly onPoint?: (row: PointRow) => void;
}

export interface SweepSummary {
  readonly out: string;
  readonly files: readonly string[];
  readonly points: number;
  /** Points found finished in <out>/points/ and not run again. */
  readonly resumed: number;
  /** Point files from an older aerchip (an older point version) whose points ran again; counted in `ran`. */
  readonly outdated: number;
  readonly ran: number;
  readonly failed: number;
  readonly mode: PoolRun["mode"];
  readonly threads: number;
}

/** A finished point's row from its file, or undefined when the file is missing, unreadable, not this point's or of another version. */
export function readPointFile(path: string, id: string): PointRow | undefined {
  const f = pointFile(path, id);
  return f.kind === "current" ? f.row : undefined;
}

/**
 * What a point file holds: this point's row at the current POINT_VERSION; this point's row from an older
 * aerchip ("outdated": version 1 has no time basis, so the point runs again and its file is replaced,
 * rather than mixing rows with and without one; runs are deterministic, so the other numbers come out the
 * same); this version's file that fails its SHA-256 or its field checks ("damaged": edited, damaged, or
 * written before point files carried a hash; cli/sweep/point-check.ts), which runs again; or nothing usable
 * (missing, unparsable, another point's: computed again).
 */
export function pointFile(path: string, id: string): { kind: "current"; row: PointRow } | { kind: "outdated" } | { kind: "damaged"; reason: string } | { kind: "none" } {
  if (!existsSync(path)) return { kind: "none" };
  try {
    const text = readFileSync(path, "utf8");
    const row = JSON.parse(text) as PointRow;
    if (row === null || typeof row !== "object" || row.format !== POINT_FORMAT || row.id !== id) return { kind: "none" };
    // A repeated key (an edited copy: JSON.parse keeps the last value, which the hash may still match) runs the point again.
    const dup = findDuplicateJsonKey(text);
    if (dup !== undefined) return { kind: "damaged", reason: `repeats the key ${dup.path}` };
    // Its hash and fields checked (cli/sweep/point-check.ts): an edited or damaged point runs again.
    if (row.version === POINT_VERSION) { const c = checkPointRow(row as unknown as Record<string, unknown>); return c.ok ? { kind: "current", row: c.row } : { kind: "damaged", reason: c.reason }; }
    return typeof row.version === "number" && row.version < POINT_VERSION ? { kind: "outdated" } : { kind: "none" };
  } catch {
    return { kind: "none" }; // A damaged point file is computed again.
  }
}

export async function sweepCommand(file: string, o: SweepCommandOptions = {}): Promise<SweepSummary> {
  const cfg = loadSweepConfig(file);
  const outArg = o.out ?? cfg.out ?? join("out", basename(file).replace(/\.ya?ml$/i, ""));
  const out = outputDirOption(outArg);
  // No table over the sweep file or a file it names (audit s22r-y #3): checked before any point runs.
  checkOutputPaths(["sweep.csv", "sweep.md", "sweep.tex", "sweep.json", "sweep.svg"].map((f) => ({ role: `--out's ${f}`, path: join(out, f) })), [
    { role: "<sweep file>", path: file }, { role: "the sweep's model", path: cfg.model },
    ...(cfg.input === null ? [] : [{ role: "the sweep's input", path: cfg.input }]),
    ...cfg.axes.arch.filter((a) => existsSync(a)).map((a) => ({ role: "the sweep's arch", path: a })),
  ]);
  const threads = o.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new AerchipError("E_CLI_OPTION", `--threads must be a whole number >= 1, got ${threads}`, { field: "--threads", hint: "give the number of worker threads" });
  const countsOnly = o.costs === "counts";
  const grid = buildGrid(cfg, o.costs);
  // A broken model fails the sweep before any point runs.
  const checked = await checkModel(grid.tasks[0], grid.tasks, cfg.file);
  if (checked.warning !== undefined && o.quiet !== true && o.json !== true) process.stderr.write(`aerchip: ${formatDiagnostic(checked.warning)}\n`);
  // W_NIR_DT_BINNING once per sweep, naming the points it applies to (cli/sweep/point.ts sweepDtBinningWarnings), not once per point.
  const dtWarnings = checked.dtWarnings ?? [];
  if (o.quiet !== true && o.json !== true) for (const w of dtWarnings) process.stderr.write(`aerchip: ${formatDiagnostic(w)}\n`);
  const pointsDir = join(out, "points");
  ensureDir(pointsDir);
  const pointPath = (t: PointTask): string => join(pointsDir, `${t.id}.json`);
  const onDisk = grid.tasks.map((t) => pointFile(pointPath(t), t.id));
  const found = onDisk.map((f) => f.kind);
  const pending = grid.tasks.filter((_, k) => found[k] !== "current");
  const resumed = grid.tasks.length - pending.length;
  const outdated = found.filter((k) => k === "outdated").length;
  if (outdated > 0 && o.quiet !== true && o.json !== true) {
    process.stderr.write(`${outdated} point file${outdated === 1 ? "" : "s"} in ${join(outArg, "points")} came from an older aerchip (point version < ${POINT_VERSION}, no time basis): running ${outdated === 1 ? "that point" : "those points"} again\n`);
  }
  onDisk.forEach((f, k) => { if (f.kind === "damaged" && o.quiet !== true && o.json !== true) process.stderr.write(`aerchip: point file ${pointPath(grid.tasks[k])} ${f.reason}: running that point again\n`); });
  const progress = makePointProgress(pending.length, resumed, o.quiet !== true && o.json !== true);
  let run: PoolRun;
  try {
    run = await runPoints(pending, threads, (row) => {
      writeJsonAtomic(join(pointsDir, `${row.id}.json`), sealPointRow(row));
      progress.tick();
      o.onPoint?.(row);
    });
  } finally {
    progress.stop();
  }
  if (run.stopped) {
    const done = grid.tasks.filter((t) => readPointFile(pointPath(t), t.id) !== undefined).length;
    // Built here rather than by throwIfInterrupted: the pool saw the stop, whatever the flag is now.
    throw new AerchipError("E_INTERRUPTED", `interrupted by ${interruptSignal()} after ${done} of ${grid.tasks.length} sweep points (the finished ones are kept in ${join(outArg, "points")})`, {
      file, hint: `run the same command again (aerchip sweep ${file} --out ${outArg}) to run only the ${grid.tasks.length - done} missing points; the tables are written when every point is done`,
    });
  }
  // Every output is built from the point files, in grid order: the same bytes whether a point ran now,
  // in an earlier (killed) invocation, on a worker or in-process.
  const rows = grid.tasks.map((t) => {
    const row = readPointFile(pointPath(t), t.id);
    if (row === undefined) throw new AerchipError("E_SWEEP_POINT_MISSING", `point ${t.id} has no result file after the sweep`, { file: pointPath(t), hint: "check that the output directory is writable and not shared with another sweep, then run the sweep again" });
    return row;
  });
  const model = rows.find((r) => r.model !== null)?.model ?? basename(cfg.model);
  const t = sweepTable(model, cfg, rows, checked.input, countsOnly);
  const doc: SweepDocument = {
    format: SWEEP_FORMAT, version: 1, model, sweepFile: file,
    provenance: { aerchipVersion: aerchipVersion(), ...gitProvenance(), inputs: [{ role: "sweep", path: file, sha256: sha256File(cfg.file) }, ...grid.inputs] },
    settings: { steps: cfg.steps, timing: cfg.timing, tickUs: cfg.tickUs, axes: cfg.axes, swept: cfg.swept, ...(cfg.inputPopulation === null ? {} : { inputPopulation: cfg.inputPopulation }), ...cfg.nir, ...(countsOnly ? { costs: "counts" as const } : {}) },
    rows,
    ...(checked.input === undefined ? {} : { input: checked.input }),
    ...(dtWarnings.length === 0 ? {} : { warnings: dtWarnings.map((w) => `${w.code}: ${w.message}`) }),
  };
  const ok = rows.filter((r) => r.status === "ok").length;
  // The tables are one output set, written all or none (core/atomic-write.ts writeOutputSet); the point
  // files stay (they let the sweep resume).
  writeOutputDir("sweep", [
    { path: join(out, "sweep.csv"), data: sweepCsv(rows) },
    { path: join(out, "sweep.md"), data: `# ${t.title}\n\n${markdownTable(t)}\n\n_${(t.note ?? "").replace(/_/g, "\\_")}_\n` },
    { path: join(out, "sweep.tex"), data: `${latexFileHead(`${t.title} (aerchip sweep)`).join("\n")}${latexTable(t, `aerchip-sweep-${latexLabelSlug(model)}`)}\n` },
    { path: join(out, "sweep.json"), data: stableJson(doc, join(out, "sweep.json")) },
    ...(ok > 0 ? [{ path: join(out, "sweep.svg"), data: await renderVegaLiteSvg(sweepFigureSpec(model, cfg, rows, countsOnly), "sweep") }] : []),
  ], out, {
    quiet: o.quiet === true || o.json === true, inputs: [file],
    // The grid's point files are this sweep's outputs too: an earlier sweep's points outside this grid are removed.
    owned: { files: grid.tasks.map((t) => `points/${t.id}.json`) },
  });
  const files = ["sweep.csv", "sweep.md", "sweep.tex", "sweep.json", ...(ok > 0 ? ["sweep.svg"] : [])].map((f) => join(outArg, f));
  const summary: SweepSummary = { out: outArg, files, points: rows.length, resumed, outdated, ran: pending.length, failed: rows.length - ok, mode: run.mode, threads: run.threads };
  if (o.json === true) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else if (o.quiet !== true) {
    process.stdout.write(`${t.title}\n${table(t.rows.map((r) => r.map(plainCell)), t.columns.map((c) => c.header), t.columns.map((c) => c.align).join(""))}\n`);
    process.stdout.write(`${rows.length} points: ${pending.length} run (${run.mode === "workers" ? `${run.threads} worker threads` : "in-process"}), ${resumed} resumed, ${rows.length - ok} failed\nwrote ${files.join(", ")}\n`);
  }
  if (ok === 0) {
    throw new AerchipError("E_SWEEP_NOTHING_RAN", `none of the ${rows.length} points ran (${[...new Set(rows.map((r) => r.status))].join(", ")})`, {
      file, hint: sweepNothingRanHint(rows.map((r) => r.status)),
    });
  }
  return summary;
}

export { registerSweepCommand } from "./sweep-command.ts";
