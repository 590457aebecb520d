/**
 * Atomic file output: data is written to a temporary file in the destination's directory (so the final
 * rename never crosses a file system), flushed to disk with fsync, then renamed over the destination.
 * rename(2) replaces the name in one step, so a run killed at any moment leaves either the old file or
 * the complete new one, never a half-written report. A failure removes the temporary file and throws
 * an AerchipError (E_WRITE_FAILED, E_WRITE_MKDIR, E_WRITE_JSON) naming the path.
 *
 * A command's outputs (run: spikes, report, mapping, …) are one set: writeOutputSet writes them all or
 * none. The rule:
 *  1. every file's content is rendered by the caller before the set is written (a report too large to
 *     serialise fails before any file is touched);
 *  2. every destination is checked first: one that is a directory fails the set before anything is written,
 *     and so do two files of the set with one path (E_CLI_OPTION naming both: the later would silently
 *     replace the earlier, e.g. `run --packets-out OUT/report.json`; compared as core/same-file.ts does);
 *  3. every file goes to a temporary file beside its destination (written, fsync'ed, closed);
 *  4. only then are they renamed into place, one by one. Before that, each destination that exists is
 *     hard-linked to a backup name; if a rename fails, the files of the set already renamed are put back
 *     (the backup renamed over them, or removed when the name did not exist before), so the destination
 *     holds the old set or the new set, never a mix. (Where hard links are not supported, a replaced file
 *     that existed before keeps its new content: the one case a failed set can leave a newer file.)
 *  On any failure the temporary files, the backups and the directories this call created are removed,
 *  and the first error is thrown.
 * A process killed during step 4 can still leave part of the new set beside part of the old one; each
 * file is complete either way.
 */
import { accessSync, closeSync, constants as fsConstants, existsSync, fsyncSync, linkSync, lstatSync, mkdirSync, mkdtempSync, openSync, renameSync, rmdirSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join, parse, resolve } from "node:path";
import { AerchipError } from "./diagnostics.ts";
import { canonicalPath, sameFile } from "./same-file.ts";

export const WriteErrorCode = {
  failed: "E_WRITE_FAILED",
  mkdir: "E_WRITE_MKDIR",
  /** The value cannot be serialised as JSON (a BigInt, a cycle). */
  json: "E_WRITE_JSON",
} as const;
export type WriteErrorCode = (typeof WriteErrorCode)[keyof typeof WriteErrorCode];

/** Distinguishes temporary files of several writes to one path from one process. */
let counter = 0;

/** The temporary name used for `path`: hidden, same directory, unique per process and call. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter++}`);
}

/**
 * The directory an --out option (or another output option `option`) names, resolved; an empty or blank
 * path is refused (E_CLI_OPTION): resolve("") is the current directory, so `--out ""` would silently
 * write there.
 */
export function outputDirOption(dir: string, option = "--out"): string {
  if (dir.trim() === "") {
    throw new AerchipError("E_CLI_OPTION", `${option} is empty`, { field: option, hint: `give ${option} a directory path (use ${option} . for the current directory)` });
  }
  return resolve(dir);
}

function mkdirError(dir: string, e: unknown): AerchipError {
  return new AerchipError(WriteErrorCode.mkdir, `cannot create directory ${dir}: ${(e as Error).message}`, {
    file: dir, hint: "choose an output directory you can write to (a path whose parents are directories)", cause: e,
  });
}

/**
 * Creates `dir` and its missing parents, returning the directories it created (outermost first).
 * Parents are created one by one, from the first existing ancestor down, rather than with
 * mkdirSync({recursive: true}): Node 20's recursive mkdir loops forever under /proc (whose
 * directories refuse new entries with an error it retries on).
 */
export function ensureDirCreated(dir: string): string[] {
  const missing: string[] = [];
  let d = resolve(dir);
  const root = parse(d).root;
  for (;;) {
    let st;
    try {
      st = statSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") throw mkdirError(dir, e);
      if (d === root) throw mkdirError(dir, e);
      missing.push(d);
      d = dirname(d);
      continue;
    }
    if (!st.isDirectory()) throw mkdirError(dir, new Error(`${d} is not a directory`));
    break;
  }
  const created: string[] = [];
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST" && statSync(m, { throwIfNoEntry: false })?.isDirectory() === true) continue;
      removeCreatedDirs(created);
      throw mkdirError(dir, e);
    }
    created.push(m);
  }
  return created;
}

/**
 * Checks, before a long computation, that `dir` could be created and written: its first existing
 * ancestor (or `dir` itself) is a directory this process may write to. Throws the error writing would
 * give (E_WRITE_MKDIR), so a command that simulates for minutes does not fail only at its end.
 * Permission bits are not enough (as root, access(W_OK) passes under /proc, whose directories still
 * refuse new entries), so the ancestor is probed: a uniquely named empty directory is made in it and
 * removed at once. Leaves nothing behind.
 */
export function checkOutputDirUsable(dir: string): void {
  let d = resolve(dir);
  const root = parse(d).root;
  for (;;) {
    let st;
    try {
      st = statSync(d, { throwIfNoEntry: false });
    } catch (e) {
      throw mkdirError(dir, e); // ENOTDIR (a parent is a file), EACCES, ELOOP
    }
    if (st === undefined) {
      if (d === root) throw mkdirError(dir, new Error(`${d} does not exist`));
      d = dirname(d);
      continue;
    }
    if (!st.isDirectory()) throw mkdirError(dir, new Error(`${d} is not a directory`));
    try {
      accessSync(d, fsConstants.W_OK);
      rmdirSync(mkdtempSync(join(d, ".aerchip-probe-")));
    } catch (e) {
      throw mkdirError(dir, e);
    }
    return;
  }
}

/** Creates `dir` and its parents if missing. */
export function ensureDir(dir: string): void {
  ensureDirCreated(dir);
}

/** Removes directories made by ensureDirCreated (innermost first), each only if still empty. */
export function removeCreatedDirs(created: readonly string[]): void {
  for (const d of [...created].reverse()) {
    try { rmdirSync(d); } catch { /* not empty or already gone: leave it */ }
  }
}

/** Removes `path` if present; a failure to clean up never replaces the error being reported. */
function removeQuietly(path: string): void {
  try { rmSync(path, { force: true }); } catch { /* e.g. ENOTDIR: the temporary file was never created */ }
}

/** Writes `bytes` to a new file `tmp` (never an existing one), fsync'ed and closed. */
function writeNewFile(tmp: string, bytes: Uint8Array): void {
  let fd = -1;
  try {
    fd = openSync(tmp, "wx"); // "x": never follow or reuse a file someone else created under this name
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
  } catch (e) {
    if (fd !== -1) {
      try { closeSync(fd); } catch { /* already failing; report the first error */ }
    }
    removeQuietly(tmp);
    throw e;
  }
}

function writeError(path: string, e: unknown): AerchipError {
  return new AerchipError(WriteErrorCode.failed, `cannot write ${path}: ${(e as Error).message}`, {
    file: path, hint: "check that the output directory exists and is writable and that the disk has space", cause: e,
  });
}

/**
 * E_WRITE_FAILED for an output path that names an existing directory: said plainly, before any temporary
 * file exists (the rename would fail with the temporary file's name and EISDIR, and a hint about
 * permissions or disk space would point elsewhere).
 */
export function directoryOutputError(path: string): AerchipError {
  return new AerchipError(WriteErrorCode.failed, `cannot write ${path}: it is a directory`, {
    file: path, hint: "give a file name (e.g. inside that directory), not the directory itself",
  });
}

/** Throws directoryOutputError when `path` is an existing directory (a symlink to one included). */
export function refuseDirectoryOutput(path: string): void {
  let isDir = false;
  try {
    isDir = statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch { /* e.g. ENOTDIR (a parent is a file): writing the temporary file reports it */ }
  if (isDir) throw directoryOutputError(path);
}

/** Writes `data` (a string as UTF-8) to `path` atomically. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  refuseDirectoryOutput(path);
  const tmp = tempPathFor(path);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  try {
    writeNewFile(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    removeQuietly(tmp);
    throw writeError(path, e);
  }
}

/** One file of an output set: its path and its complete content. */
export interface OutputFile {
  readonly path: string;
  readonly data: string | Uint8Array;
  /** What the file is, as errors name it (e.g. "--packets-out"); default its file name. */
  readonly role?: string;
}

/** A file's role as errors name it: its `role`, or its file name. */
function roleOf(f: { readonly path: string; readonly role?: string }): string {
  return f.role ?? basename(f.path);
}

/**
 * Refuses (E_CLI_OPTION) two files of one output set that name the same file: writing both would leave
 * only the later one. Compared by canonical path (links, "..", relative paths), and by inode when both exist.
 */
export function checkDistinctOutputs(files: readonly { readonly path: string; readonly role?: string }[]): void {
  const canon = files.map((f) => canonicalPath(f.path));
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) {
      if (canon[i] !== canon[j] && !sameFile(files[i].path, files[j].path)) continue;
      const a = roleOf(files[i]);
      const b = roleOf(files[j]);
      // Neither path was given by the user: two names the command derived from the model (e.g. NIR node
      // files) clash; a model problem (exit 1), not a command-line one.
      if (files[i].role === undefined && files[j].role === undefined) {
        throw new AerchipError("E_OUTPUT_NAME_CLASH", `two outputs would both be written to ${files[i].path}`, { file: files[i].path, hint: "rename the model's nodes or populations whose file names clash (names that differ only in characters other than letters, digits, '.', '_' or '-')" });
      }
      throw new AerchipError("E_CLI_OPTION", `${a} (${files[i].path}) and ${b} (${files[j].path}) are the same file; one output would replace the other`, {
        field: files[i].role ?? files[j].role ?? a, hint: `give ${files[i].role !== undefined ? a : b} a path of its own`,
      });
    }
  }
}

/**
 * Writes every file of `files` or none (the rule is in this file's header). `dirs`: directories to
 * create first (e.g. --out); those this call creates are removed again when the set fails.
 */
export function writeOutputSet(files: readonly OutputFile[], dirs: readonly string[] = []): void {
  const created: string[] = [];
  const temps: string[] = [];
  const backups: Array<{ path: string; existed: boolean; backup: string | undefined; renamed: boolean }> = [];
  try {
    checkDistinctOutputs(files);
    for (const d of dirs) created.push(...ensureDirCreated(d));
    for (const f of files) {
      let isDir = false;
      try {
        isDir = lstatSync(f.path, { throwIfNoEntry: false })?.isDirectory() === true;
      } catch { /* e.g. ENOTDIR (a parent is a file): writing the temporary file reports it */ }
      if (isDir) throw directoryOutputError(f.path);
    }
    for (const f of files) {
      const tmp = tempPathFor(f.path);
      try {
        writeNewFile(tmp, typeof f.data === "string" ? Buffer.from(f.data, "utf8") : f.data);
      } catch (e) {
        throw writeError(f.path, e);
      }
      temps.push(tmp);
    }
    for (const [i, f] of files.entries()) {
      const entry: { path: string; existed: boolean; backup: string | undefined; renamed: boolean } = { path: f.path, existed: existsSync(f.path), backup: undefined, renamed: false };
      backups.push(entry);
      if (entry.existed) {
        const backup = tempPathFor(f.path);
        try {
          linkSync(f.path, backup);
          entry.backup = backup;
        } catch { /* no hard links here: this file cannot be put back (see the header) */ }
      }
      try {
        renameSync(temps[i], f.path);
      } catch (e) {
        throw writeError(f.path, e);
      }
      entry.renamed = true;
    }
  } catch (e) {
    // Put back what was renamed (newest first), then drop temporaries, backups and new directories.
    for (const b of [...backups].reverse()) {
      if (!b.renamed) continue;
      try {
        if (b.backup !== undefined) renameSync(b.backup, b.path);
        else if (!b.existed) rmSync(b.path, { force: true });
      } catch { /* best effort; the first error is reported */ }
    }
    for (const t of temps) removeQuietly(t);
    for (const b of backups) if (b.backup !== undefined) removeQuietly(b.backup);
    removeCreatedDirs(created);
    throw e;
  }
  for (const b of backups) if (b.backup !== undefined) removeQuietly(b.backup);
}

/** JSON text with 2-space indentation and a trailing newline; keys in insertion order (deterministic). */
export function stableJson(value: unknown, path?: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, 2) as string | undefined;
  } catch (e) {
    if (e instanceof RangeError && /string length/i.test(e.message)) {
      // V8 cannot build the text: more than its longest string (0x1fffffe8 UTF-16 units, ~512 MiB).
      throw new AerchipError(WriteErrorCode.json, `cannot serialise ${path ?? "value"} as JSON: it is too large (more than 512 MiB of text, the longest string JavaScript can hold)`, {
        ...(path === undefined ? {} : { file: path }), hint: "make the output smaller, e.g. run fewer ticks (--steps): a run report holds per-tick counters", cause: e,
      });
    }
    throw new AerchipError(WriteErrorCode.json, `cannot serialise ${path ?? "value"} as JSON: ${(e as Error).message}`, {
      ...(path === undefined ? {} : { file: path }), hint: "convert BigInts to numbers or strings and remove circular references", cause: e,
    });
  }
  if (text === undefined) {
    throw new AerchipError(WriteErrorCode.json, `cannot serialise ${path ?? "value"} as JSON: it is ${typeof value}`, {
      ...(path === undefined ? {} : { file: path }), hint: "pass an object, array, string, number, boolean or null",
    });
  }
  return `${text}\n`;
}

/** `value` as stable JSON (see stableJson), written atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, stableJson(value, path));
}
