/**
 * One command's outputs in an --out directory an earlier command already used (audit s24a #4, s25).
 *
 * Every command that writes an --out directory records its outputs there in aerchip-outputs.json (the
 * outputs manifest, written in the same all-or-none set as the outputs, core/atomic-write.ts writeOutputSet):
 *   { "format": "aerchip-outputs", "version": 1, "command": "compare",
 *     "files": ["compare.csv", …, "generic/", "loihi/"],        this run's outputs (paths relative to --out)
 *     "earlier": [{ "command": "run", "files": ["report.json", …] }] }   other commands' files still there
 * A name ending in "/" is a sub-directory that is an output directory of its own (compare's and evaluate
 * --arch a,b's per-chip directories, each with its own manifest); sweep's point files are listed one by one
 * (points/<id>.json). So the next command can tell exactly which files are aerchip's and which command wrote
 * them. When a command writes --out:
 *   - the files an earlier run of the *same* command recorded and this run did not write are removed after
 *     the new set is written (a sub-directory: the files its own manifest lists, then the directory itself if
 *     that left it empty), and named on stderr ("removed N files of the earlier run in --out: …"), so a later
 *     `--initial-weights out/weights.json`, `report --spikes` or a script reading `out/*.v.npy` cannot take
 *     another run's file for this one's;
 *   - the files *another* command recorded are kept (they may be the result of hours of work), said in a
 *     warning W_OUT_OTHER_COMMAND naming them and their command, and carried into the new manifest's
 *     `earlier` list (so a later run of that command still removes them, and a reader sees whose they are);
 *   - a file this run writes belongs to this run from now on, whoever wrote it before;
 *   - a file the user named (`--packets-out out/p.bin`) is the user's: not recorded, never removed;
 *   - this run's inputs (e.g. `run out/program.aerprog`, `--initial-weights out/weights.json`) are never
 *     removed (kept in `earlier` under their command); files no manifest lists (the user's) are never touched.
 * Only regular files inside --out are removed, by names a manifest lists (no "..", no absolute path: a
 * hand-edited manifest cannot reach outside --out), and directories only with rmdir, i.e. when empty.
 *
 * Directories written before manifests existed (aerchip before session 25) have none: each command's kind
 * then has its record (report.json for `run`, dataset.json for `evaluate`, …) and the fixed names it writes
 * beside it; run reports add the files they name (readouts[].file, the NIR output nodes' <node>.npy),
 * compare.json its rows' directories, sweep.json its points; a name more than one present kind writes
 * (weights.json, mapping.json, curve.csv) is kept as another command's (legacyEntries). An unreadable or
 * edited manifest (not JSON, a repeated key, another format) is treated the same way, with a warning W_OUT_MANIFEST.
 * A chip directory of compare / evaluate --arch a,b carries "partOf" (OutputParent): the parent removes it
 * only while its manifest still says so, and a standalone run there treats the parent's files as another command's.
 * Removal comes after the new set is written in full, so a failed run leaves the directory as it was.
 */
import { lstatSync, readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { stableJson, writeOutputSet, type OutputFile } from "../core/atomic-write.ts";
import { findDuplicateJsonKey } from "../core/io/json-duplicate-keys.ts";
import { fileSafe } from "./readout-files.ts";
import { LAYER_TICKS_FILE } from "./layer-ticks-out.ts";

/** The outputs manifest's name in every --out directory. */
export const OUTPUTS_MANIFEST = "aerchip-outputs.json";
export const OUTPUTS_FORMAT = "aerchip-outputs";
export const OUTPUTS_VERSION = 1;

/** The kinds of output directory, by the command that writes it. */
export type OutputKind = "run" | "compile" | "compare" | "sweep" | "evaluate" | "evaluate-compare" | "train" | "learn" | "learn-features";

/**
 * The parent command of an output directory written as one part of another command's output: compare's
 * per-chip `run` directories and `evaluate --arch a,b`'s per-chip `evaluate` directories (audit s25b #2).
 * Their manifests say `"partOf": "compare"` (resp. "evaluate-compare"), so a standalone `aerchip run --out
 * OUT/<chip>` is another command there, and the parent removes only a sub-directory that is still its part.
 */
export type OutputParent = "compare" | "evaluate-compare";
const isParent = (x: unknown): x is OutputParent => x === "compare" || x === "evaluate-compare";

/** How the notes name each kind's command. */
const COMMAND_TEXT: Readonly<Record<OutputKind, string>> = {
  run: "aerchip run", compile: "aerchip compile", compare: "aerchip compare", sweep: "aerchip sweep", evaluate: "aerchip evaluate",
  "evaluate-compare": "aerchip evaluate --arch a,b", train: "aerchip train", learn: "aerchip learn mnist", "learn-features": "aerchip learn <features>",
};

interface Kind {
  /** The file that marks a directory as this kind's output (its record). */
  readonly record: string;
  /** The names this kind writes in --out (any subset, by options and model). */
  readonly names: readonly string[];
  /** Names of this kind by pattern (one file per width, node, …). */
  readonly pattern?: RegExp;
  /** Further names the record lists (a run report's readouts and NIR node files, compare's chip directories, sweep's points). */
  readonly listed?: (record: unknown) => string[];
}

const KINDS: Readonly<Record<OutputKind, Kind>> = {
  run: {
    record: "report.json",
    names: ["spikes.json", "report.json", "mapping.json", "weights.json", LAYER_TICKS_FILE, "hand-mapping-report.json"],
    listed: runReportFiles,
  },
  compile: { record: "program.aerprog", names: ["program.aerprog", "mapping.json"] },
  compare: { record: "compare.json", names: ["compare.md", "compare.csv", "compare.tex", "compare.json", "compare.svg"], listed: (doc) => rowsField(doc, "dir").map((d) => `${d}/`) },
  sweep: { record: "sweep.json", names: ["sweep.csv", "sweep.md", "sweep.tex", "sweep.json", "sweep.svg"], listed: (doc) => rowsField(doc, "id").map((id) => `points/${id}.json`) },
  evaluate: { record: "dataset.json", names: ["dataset.json", "samples.csv", "dataset.md", "dataset.tex", "dataset.html", "mapping.json", LAYER_TICKS_FILE] },
  "evaluate-compare": { record: "evaluate-compare.json", names: ["evaluate-compare.md", "evaluate-compare.tex", "evaluate-compare.csv", "evaluate-compare.json"], listed: (doc) => rowsField(doc, "dir").map((d) => `${d}/`) },
  train: { record: "train.json", names: ["train.json", "weights.json", "curve.csv"] },
  learn: { record: "learn-mnist.json", names: ["learn-mnist.json", "curve.csv"] },
  "learn-features": { record: "learn-features.json", names: ["learn-features.json", "clusters.csv", "curve.csv"], pattern: /^responses_[A-Za-z0-9._-]+\.npy$/ },
};

const isKind = (x: unknown): x is OutputKind => typeof x === "string" && Object.hasOwn(KINDS, x);

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

/** The string field `key` of each of a record's rows (compare.json rows[].dir, sweep.json rows[].id), plain names only. */
function rowsField(doc: unknown, key: string): string[] {
  const rows = (doc as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) return [];
  return rows.map((r) => (r as Record<string, unknown> | null)?.[key]).filter((v): v is string => typeof v === "string" && SEGMENT.test(v) && v !== "." && v !== "..");
}

/** One path segment aerchip writes (chip directories, node files, point ids): nothing that climbs or hides a separator. */
const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** A manifest name: relative, "/"-separated plain segments (a directory ends in "/"), never "." or "..". */
function isSafeName(name: unknown): name is string {
  if (typeof name !== "string" || name === "" || name.length > 4096) return false;
  const segs = (name.endsWith("/") ? name.slice(0, -1) : name).split("/");
  return segs.every((x) => SEGMENT.test(x) && x !== "." && x !== "..");
}

const lstatOf = (path: string): ReturnType<typeof lstatSync> | undefined => {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
};
const isFile = (path: string): boolean => lstatOf(path)?.isFile() === true;
/** A directory itself, not a link to one (lstat of "link/" would follow the link: the slash is dropped first). */
const isDir = (path: string): boolean => lstatOf(path.replace(/[\\/]+$/, ""))?.isDirectory() === true;
/** Every directory on the way from `out` to `name` is a real directory (a link could lead out of --out). */
const parentsReal = (out: string, name: string): boolean => {
  const segs = name.replace(/\/$/, "").split("/");
  for (let i = 1; i < segs.length; i++) if (!isDir(join(out, ...segs.slice(0, i)))) return false;
  return true;
};
/** Whether a manifest name is still there, inside `out`: a regular file, or (ending in "/") a directory. */
const present = (out: string, name: string): boolean => parentsReal(out, name) && (name.endsWith("/") ? isDir(join(out, name)) : isFile(join(out, name)));

/** The record JSON of a kind (undefined when missing, unreadable or with a repeated key: it then lists nothing). */
function readRecord(path: string): unknown {
  try {
    const text = readFileSync(path, "utf8");
    const doc: unknown = JSON.parse(text);
    return findDuplicateJsonKey(text) === undefined ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** The files an earlier `kind` command left in `out` by its fixed names (existing regular files), or none without its record. */
export function earlierOutputs(kind: OutputKind, out: string): string[] {
  return legacyNames(kind, out).filter((n) => !n.endsWith("/")).map((f) => join(out, f));
}

/** A directory without a manifest: the names `kind` wrote there (relative; "x/" for a sub-directory), judged by its record. */
function legacyNames(kind: OutputKind, out: string): string[] {
  const k = KINDS[kind];
  const record = join(out, k.record);
  if (!isFile(record)) return [];
  const listed = k.listed === undefined ? [] : k.listed(readRecord(record));
  const names = new Set([...k.names, ...listed]);
  if (k.pattern !== undefined) {
    try {
      for (const f of readdirSync(out)) if (k.pattern.test(f)) names.add(f);
    } catch { /* nothing to add */ }
  }
  return [...names].filter((n) => present(out, n));
}

/** One command's files in an output directory (names relative to it). */
export interface OutputsEntry {
  readonly command: OutputKind;
  /** Set when `command` wrote this directory as a part of the parent command's output (OutputParent). */
  readonly partOf?: OutputParent;
  readonly files: readonly string[];
}

/** Whether two entries are the same command (a chip directory of compare is not a standalone run). */
const sameCommand = (a: { command: OutputKind; partOf?: OutputParent }, b: { command: OutputKind; partOf?: OutputParent }): boolean => a.command === b.command && a.partOf === b.partOf;

/** The command as the notes say it: "aerchip run (a chip directory of `aerchip compare`)". */
const commandText = (e: { command: OutputKind; partOf?: OutputParent }): string => `\`${COMMAND_TEXT[e.command]}\`${e.partOf === undefined ? "" : ` (a chip directory of \`${COMMAND_TEXT[e.partOf]}\`)`}`;

/** What an output directory's manifest says: its latest command first, then the earlier commands' files. */
export interface OutputsManifest {
  readonly format: typeof OUTPUTS_FORMAT;
  readonly version: typeof OUTPUTS_VERSION;
  readonly command: OutputKind;
  readonly partOf?: OutputParent;
  readonly files: readonly string[];
  readonly earlier?: readonly OutputsEntry[];
}

/**
 * The commands' files recorded in `out`: from its manifest (latest command first), else, for a directory of
 * an aerchip without manifests, from the kinds' records (legacyEntries). `problem`: why the manifest could not be used.
 */
export function recordedOutputs(out: string, first?: OutputKind): { entries: OutputsEntry[]; problem?: string } {
  const path = join(out, OUTPUTS_MANIFEST);
  if (isFile(path)) {
    const m = readManifest(path);
    if (typeof m !== "string") {
      return { entries: [{ command: m.command, ...(m.partOf === undefined ? {} : { partOf: m.partOf }), files: m.files }, ...(m.earlier ?? [])].map((e) => ({ command: e.command, ...(e.partOf === undefined ? {} : { partOf: e.partOf }), files: e.files.filter((f) => present(out, f)) })) };
    }
    return { entries: legacyEntries(out, first), problem: m };
  }
  return { entries: legacyEntries(out, first) };
}

/**
 * The kinds' files in a directory without a usable manifest, `first`'s kind (the command writing now) first.
 * A fixed name that more than one present kind claims (weights.json: run and train; mapping.json: run,
 * compile, evaluate; curve.csv: train, learn, learn-features) cannot be told apart: it is attributed to
 * another present kind than `first`, so it is kept and named, never removed (audit s25b #1: `run` removed
 * train's weights.json). aerchip deletes a file only when it is sure the same command wrote it.
 */
function legacyEntries(out: string, first?: OutputKind): OutputsEntry[] {
  const kinds = Object.keys(KINDS) as OutputKind[];
  const order = first === undefined ? kinds : [first, ...kinds.filter((k) => k !== first)];
  const claims = new Map(order.map((kind) => [kind, legacyNames(kind, out)] as const));
  const claimants = (f: string): OutputKind[] => order.filter((k) => claims.get(k)?.includes(f) === true);
  const entries: OutputsEntry[] = [];
  for (const kind of order) {
    const files = (claims.get(kind) ?? []).filter((f) => {
      const by = claimants(f);
      // The owner: the only claimant, else the first claimant other than the command writing now.
      return (by.length === 1 || by[0] !== first ? by[0] : by[1]) === kind;
    });
    if (files.length > 0) entries.push({ command: kind, files });
  }
  return entries;
}

/** The manifest at `path`, or why it cannot be used (a sentence). */
function readManifest(path: string): OutputsManifest | string {
  let text: string;
  let doc: unknown;
  try {
    text = readFileSync(path, "utf8");
    doc = JSON.parse(text);
  } catch (e) {
    return `it is not readable JSON (${(e as Error).message})`;
  }
  const dup = findDuplicateJsonKey(text);
  if (dup !== undefined) return `it repeats the key ${dup.path}`;
  const m = doc as Partial<Record<keyof OutputsManifest, unknown>> | null;
  if (m === null || typeof m !== "object" || m.format !== OUTPUTS_FORMAT) return `its format is not "${OUTPUTS_FORMAT}"`;
  if (m.version !== OUTPUTS_VERSION) return `its version is ${JSON.stringify(m.version)}, not ${OUTPUTS_VERSION}`;
  const entry = (e: unknown): e is OutputsEntry => {
    const x = e as { command?: unknown; partOf?: unknown; files?: unknown } | null;
    return x !== null && typeof x === "object" && isKind(x.command) && (x.partOf === undefined || isParent(x.partOf)) && Array.isArray(x.files) && x.files.every(isSafeName);
  };
  const earlier = m.earlier;
  if (!entry(m)) return "its command or files are not an aerchip command's and plain relative names";
  if (earlier !== undefined && !(Array.isArray(earlier) && earlier.every(entry))) return "its earlier list is not a list of { command, files }";
  return m as OutputsManifest;
}

/** `path` relative to `out` as a manifest name ("/"-separated), or undefined when it is not inside `out`. */
function nameIn(out: string, path: string): string | undefined {
  const r = relative(out, resolve(path));
  if (r === "" || r.startsWith("..") || isAbsolute(r)) return undefined;
  const name = r.split(sep).join("/");
  return isSafeName(name) ? name : undefined;
}

/** Further outputs of this command, written before its final set (compare's chip directories, sweep's point files). */
export interface OwnedOutputs {
  /** Sub-directories (output directories of their own, with their own manifest), relative to --out. */
  readonly dirs?: readonly string[];
  /** Files, relative to --out ("points/<id>.json"). */
  readonly files?: readonly string[];
}

/**
 * Writes `files` plus the outputs manifest as one output set in `out` (core/atomic-write.ts writeOutputSet),
 * then removes what an earlier `kind` command recorded there and this one did not write, and warns about
 * another command's files that stay (the module comment); notes on stderr unless `quiet`. `inputs`: this
 * run's input files, never removed; `owned`: outputs this command wrote before the set; `partOf`: the parent
 * command when this directory is one chip's part of compare's / evaluate --arch a,b's output. Returns the removed paths.
 */
export function writeOutputDir(kind: OutputKind, files: readonly OutputFile[], out: string, o: { readonly quiet?: boolean; readonly inputs?: readonly string[]; readonly owned?: OwnedOutputs; readonly partOf?: OutputParent } = {}): string[] {
  const me: { command: OutputKind; partOf?: OutputParent } = { command: kind, ...(o.partOf === undefined ? {} : { partOf: o.partOf }) };
  const recorded = recordedOutputs(out, kind);
  // A path the user named (a file with a role, e.g. --packets-out) is the user's, not recorded (so never removed
  // by a later run), but it is written now: no earlier command's file any more.
  const mine = new Set<string>();
  const written = new Set<string>();
  for (const f of files) {
    const n = nameIn(out, f.path);
    if (n === undefined || n === OUTPUTS_MANIFEST) continue;
    written.add(n);
    if (f.role === undefined) mine.add(n);
  }
  for (const d of o.owned?.dirs ?? []) if (isSafeName(`${d}/`)) mine.add(`${d}/`);
  for (const f of o.owned?.files ?? []) if (isSafeName(f)) mine.add(f);
  for (const n of mine) written.add(n);
  const inputNames = new Set((o.inputs ?? []).map((p) => nameIn(out, p)).filter((n): n is string => n !== undefined));
  const remove: string[] = [];
  const earlier: OutputsEntry[] = [];
  // The same command's sub-directories that are no longer its part (a standalone `run --out OUT/<chip>` since): kept, named.
  const notMine: { name: string; by: OutputsEntry | undefined }[] = [];
  for (const e of recorded.entries) {
    const left = e.files.filter((f) => !written.has(f) && f !== OUTPUTS_MANIFEST);
    const same = sameCommand(e, me);
    const kept = same ? left.filter((f) => inputNames.has(f)) : left;
    if (same) {
      for (const f of left.filter((x) => !inputNames.has(x))) {
        const part = f.endsWith("/") ? subDirPart(out, f, kind) : { own: true };
        if (part.own) remove.push(f);
        else notMine.push({ name: f, by: part.by });
      }
    }
    if (kept.length > 0) {
      const at = earlier.findIndex((x) => sameCommand(x, e));
      const files = at < 0 ? kept : [...new Set([...earlier[at].files, ...kept])];
      const entry: OutputsEntry = { command: e.command, ...(e.partOf === undefined ? {} : { partOf: e.partOf }), files };
      if (at < 0) earlier.push(entry);
      else earlier[at] = entry;
    }
  }
  const sorted = (xs: Iterable<string>): string[] => [...xs].sort();
  const manifest: OutputsManifest = {
    format: OUTPUTS_FORMAT, version: OUTPUTS_VERSION, command: kind, ...(o.partOf === undefined ? {} : { partOf: o.partOf }), files: sorted(mine),
    ...(earlier.length === 0 ? {} : { earlier: earlier.map((e) => ({ command: e.command, ...(e.partOf === undefined ? {} : { partOf: e.partOf }), files: sorted(e.files) })) }),
  };
  const manifestPath = join(out, OUTPUTS_MANIFEST);
  writeOutputSet([...files, { path: manifestPath, data: stableJson(manifest, manifestPath) }], [out]);
  const keep = new Set((o.inputs ?? []).map((p) => resolve(p)));
  const removed: string[] = [];
  const shownFiles: string[] = [];
  const shownDirs: string[] = [];
  for (const name of remove) {
    const r = removeRecorded(out, name, keep);
    removed.push(...r);
    if (!name.endsWith("/")) {
      if (r.length > 0) shownFiles.push(name);
      continue;
    }
    const k = r.filter((p) => !p.endsWith("/")).length;
    const gone = r.includes(`${join(out, name)}`);
    if (k > 0 || gone) shownDirs.push(`${name} (${k} file${k === 1 ? "" : "s"}${gone ? "" : "; the directory holds other files and is kept"})`);
  }
  if (o.quiet !== true) {
    if (recorded.problem !== undefined) {
      process.stderr.write(`aerchip: W_OUT_MANIFEST: ${join(out, OUTPUTS_MANIFEST)} could not be used (${recorded.problem}); the earlier outputs were judged by their fixed names, and the manifest was written again\n`);
    }
    const n = removed.filter((p) => !p.endsWith("/")).length;
    const shown = [...grouped(shownFiles), ...shownDirs];
    if (shown.length > 0) process.stderr.write(`aerchip: removed ${n} file${n === 1 ? "" : "s"} of the earlier run in --out: ${shown.join(", ")}\n`);
    const otherCommand = (n: number, by: string, names: readonly string[]): void => {
      process.stderr.write(`aerchip: W_OUT_OTHER_COMMAND: --out also holds ${n} output${n === 1 ? "" : "s"} of an earlier ${by}, kept: ${names.join(", ")} (${OUTPUTS_MANIFEST} lists which files are this ${commandText(me)}'s; use a separate --out per command, or delete those)\n`);
    };
    for (const e of manifest.earlier ?? []) {
      // This run's inputs (`compile --out d` then `run d/program.aerprog --out d`) stay without a word.
      const other = sameCommand(e, me) ? [] : e.files.filter((f) => !inputNames.has(f));
      if (other.length > 0) otherCommand(other.length, commandText(e), grouped(other));
    }
    for (const d of notMine) {
      // Not recorded any more: its own manifest says whose it is; no later run of this command removes it.
      otherCommand(1, d.by === undefined ? `command (${d.name}${OUTPUTS_MANIFEST} is not usable)` : commandText(d.by), [d.name]);
    }
  }
  return removed;
}

/**
 * Whether the sub-directory `name` (recorded by an earlier `parent` command) is still that command's part: its
 * manifest says `"partOf": parent`, or it has none at all (written by an aerchip before manifests). `by`: the
 * command its manifest names otherwise (undefined when the manifest is not usable: kept, as not sure).
 */
function subDirPart(out: string, name: string, parent: OutputKind): { own: boolean; by?: OutputsEntry } {
  const dir = join(out, name);
  if (!parentsReal(out, name) || !isDir(dir)) return { own: true }; // nothing to remove there
  if (!isFile(join(dir, OUTPUTS_MANIFEST))) return { own: true };
  const r = recordedOutputs(dir);
  const latest = r.entries[0];
  if (r.problem !== undefined) return { own: false };
  return latest?.partOf === parent ? { own: true } : { own: false, ...(latest === undefined ? {} : { by: latest }) };
}

/** Names for a note: files inside a sub-directory (sweep's points/<id>.json) said once as "points/ (24 files)". */
function grouped(names: readonly string[]): string[] {
  const inDir = new Map<string, number>();
  const out: string[] = [];
  for (const n of names) {
    const slash = n.indexOf("/");
    if (slash < 0 || slash === n.length - 1) { out.push(n); continue; }
    const d = n.slice(0, slash + 1);
    if (!inDir.has(d)) out.push(d);
    inDir.set(d, (inDir.get(d) ?? 0) + 1);
  }
  return out.map((n) => (inDir.has(n) ? `${n} (${inDir.get(n)} file${inDir.get(n) === 1 ? "" : "s"})` : n));
}

/**
 * Removes the recorded output `name` of `out`: a regular file (not in `keep`), or a sub-directory ("x/"): the
 * files its own manifest's latest command recorded (recursively), the manifest, then the directory when empty.
 * Parent directories left empty by a removed file (points/) are removed too, never `out` itself. Returns the
 * removed files and directories (a directory as "<path>/").
 */
function removeRecorded(out: string, name: string, keep: ReadonlySet<string>): string[] {
  const path = join(out, name);
  const removed: string[] = [];
  if (!parentsReal(out, name)) return removed;
  if (name.endsWith("/")) {
    if (!isDir(path)) return removed;
    const inner = recordedOutputs(path).entries[0];
    for (const f of inner?.files ?? []) removed.push(...removeRecorded(path, f, keep));
    const manifest = join(path, OUTPUTS_MANIFEST);
    if (isFile(manifest) && !keep.has(resolve(manifest))) {
      try { rmSync(manifest); } catch { /* left in place */ }
    }
    try {
      rmdirSync(path);
      removed.push(path.endsWith("/") ? path : `${path}/`);
    } catch { /* not empty (files no manifest lists, e.g. the user's): kept */ }
    return removed;
  }
  if (!isFile(path) || keep.has(resolve(path))) return removed;
  try {
    rmSync(path);
    removed.push(path);
  } catch {
    return removed; // left in place; the note lists only what was removed
  }
  for (let d = dirname(path); d !== out && d.startsWith(out + sep); d = dirname(d)) {
    try { rmdirSync(d); } catch { break; }
  }
  return removed;
}
