/**
 * The samples of `aerchip evaluate --input PATH`: one inference each, in a fixed order, with a class label
 * where the data set says one.
 *
 *   a directory  every event file under it (recursively; names starting with "." skipped; extensions .bin
 *                .aedat .dat .aer .aers .csv .npy; `*_labels.csv` skipped: DVS Gesture keeps a gesture
 *                table of that name beside each recording, which is not an event file), sorted by their
 *                path relative to PATH (code-unit order, the same on every machine). The label of a file
 *                is the name of its nearest directory below PATH that is a whole number: N-MNIST's
 *                Test/<digit>/<id>.bin. When no directory below PATH gives a label, PATH's own name does
 *                if it is a whole number (`--input Test/3`: one class folder, every file labelled 3);
 *                other files are unlabelled. HDF5 files inside a directory are refused (each holds many
 *                samples: give it as PATH).
 *                Symbolic links are followed (a data set may be assembled from links). Each directory is
 *                walked once: names are visited in code-unit order, depth first, and a directory whose
 *                real path (realpathSync) was already walked — a second link to it, or a link back up the
 *                tree (`0/up -> ..`) — is skipped and counted with the skipped files. An entry that
 *                cannot be stat'ed (a dangling link) is E_DATASET_READ naming it.
 *   an .h5 file  SHD / SSC: every sample, labelled by the file's `labels`.
 *   any other    one sample, the file itself (unlabelled).
 *
 * `--label-from` says how a directory's files get their labels:
 *   number   (default) the nearest whole-number folder, as above;
 *   folders  the first-level folder a file is in, classes numbered in the sorted order of those folders'
 *            names (torchvision's ImageFolder convention, used for N-Caltech101 and CIFAR10-DVS, whose
 *            folders are class names); files directly in the directory are unlabelled;
 *   none     no labels.
 * `--labels FILE.csv` labels them from a table instead (cli/dataset-labels.ts: path relative to PATH, label):
 * every sample evaluated must have a row. The table is not taken as a sample when it lies inside PATH.
 *
 * `--shuffle` (with --seed S) permutes that order first, by a Fisher–Yates shuffle drawn from
 * createRng(S).fork(SHUFFLE_STREAM) (core/rng.ts): for i = n−1 … 1, swap i with j = nextBelow(i + 1). So a
 * seed gives the same order on every machine, and `--samples 0:100` then takes 100 samples from across
 * the classes instead of the first class folder. Each sample keeps its index and id in the unshuffled order.
 *
 * `--samples A:B` keeps samples A … B−1 of that order (either side may be left out).
 */
import { existsSync, readdirSync, realpathSync, statSync, type Stats } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { AerchipError } from "../core/diagnostics.ts";
import { createRng } from "../core/rng.ts";
import { readLabelTable } from "./dataset-labels.ts";

/** Extensions of one-sample event files a directory data set is made of (core/io/events/detect.ts). */
export const DATASET_FILE_EXTENSIONS = [".bin", ".aedat", ".dat", ".aer", ".aers", ".csv", ".npy"] as const;
const HDF5 = /\.(h5|hdf5)$/i;
/** DVS Gesture's per-recording gesture tables (user01_fluorescent_labels.csv): not event files. */
const LABEL_TABLE = /_labels\.csv$/i;
/** Sub-stream of the --seed stream the --shuffle permutation is drawn from (independent of placement's). */
export const SHUFFLE_STREAM = 0x5ff1e;

export interface DatasetSample {
  /** Position in the data set's order (before --samples): the id a results row carries. */
  readonly index: number;
  /** The file to read. */
  readonly path: string;
  /** HDF5 data sets: the sample within the file. */
  readonly sample?: number;
  /** Class label, or null when the data set gives none. */
  readonly label: number | null;
  /** What a results row names: the path relative to the data set (directories), or "#i" (HDF5 samples); with --slice-us, `ID@START-ENDus`. */
  readonly id: string;
  /** --slice-us: the window [start, end) µs of the file this sample is (tick 0 starts at `start`). */
  readonly windowUs?: readonly [number, number];
}

export type LabelSource = "number" | "folders" | "none";
export const LABEL_SOURCES: readonly LabelSource[] = ["number", "folders", "none"];

export interface DatasetListing {
  readonly kind: "directory" | "hdf5" | "file";
  readonly path: string;
  /** Samples in the data set before --samples. */
  readonly total: number;
  readonly samples: readonly DatasetSample[];
  /** Directory data sets: files skipped (not event files, or `*_labels.csv`) and directories skipped as already walked. */
  readonly skippedFiles: number;
  /** Class names: HDF5 data sets from the file's `extra/keys`, when it has them; `--label-from folders`: the sorted folder names. */
  readonly classNames?: readonly string[];
  /** Directory data sets labelled by `--labels FILE.csv`: the CSV (its digest is part of the data set's). */
  readonly labelFile?: string;
  /** --slice-us W: every file cut into windows of W µs, each a sample. */
  readonly sliceUs?: number;
  /** --gesture-labels: the `*_labels.csv` tables whose rows are the samples (their digests are part of the data set's). */
  readonly gestureLabelFiles?: readonly string[];
}

/** A recording's DVS Gesture label table: `user01_led.aedat` → `user01_led_labels.csv` (any extension dropped). */
export function gestureLabelsPathOf(path: string): string {
  return path.replace(/\.[^./\\]*$/, "") + "_labels.csv";
}

/**
 * --gesture-labels: each row of each file's `*_labels.csv` (class,startTime_usec,endTime_usec) is a sample, the
 * events with start ≤ t < end, tick 0 at start; its class is the row's minus 1 (DVS Gesture's 1–11 → tonic's 0–10).
 */
async function gestureSamples(files: readonly DatasetSample[]): Promise<{ samples: DatasetSample[]; tables: string[] }> {
  const { readGestureLabels } = await import("../core/io/events/dvs-gesture-labels.ts");
  const out: DatasetSample[] = [];
  const tables: string[] = [];
  for (const f of files) {
    const table = gestureLabelsPathOf(f.path);
    if (!existsSync(table)) {
      throw new AerchipError("E_DATASET_LABEL", `${f.path} has no label table ${basename(table)} beside it (--gesture-labels)`, { file: f.path, field: "--gesture-labels", hint: `put its class,startTime_usec,endTime_usec table at ${table}, or leave the recording out of the data set` });
    }
    tables.push(table);
    for (const row of await readGestureLabels(table)) {
      if (!Number.isInteger(row.label) || row.label < 1) {
        throw new AerchipError("E_DATASET_LABEL", `${table}: class ${row.label} is not a whole number ≥ 1 (DVS Gesture numbers its classes 1–11)`, { file: table, field: "class", hint: "fix the class column" });
      }
      out.push({ index: out.length, path: f.path, label: row.label - 1, id: `${f.id}@${row.startUs}-${row.endUs}us`, windowUs: [row.startUs, row.endUs] });
    }
  }
  return { samples: out, tables };
}

/**
 * --slice-us W: the windows tonic's SliceByTime(time_window=W) cuts a recording into (overlap 0,
 * include_incomplete=False; tonic/slicers.py slice_events_by_time): with t_0 and t_last the first and last
 * event times, n = max(1, floor((t_last − t_0 − W)/W + 1)) windows [t_0 + kW, t_0 + (k+1)W), k = 0 … n − 1: the
 * incomplete last window is dropped, but a recording shorter than W still gives one window (tonic's
 * `n_slices = max(n_slices, 1)`); a file without events gives none. Returns [start, end) pairs.
 */
export function timeWindows(tUs: ArrayLike<number>, windowUs: number): Array<[number, number]> {
  if (tUs.length === 0) return [];
  let t0 = Infinity;
  let tLast = -Infinity;
  for (let i = 0; i < tUs.length; i++) {
    if (tUs[i] < t0) t0 = tUs[i];
    if (tUs[i] > tLast) tLast = tUs[i];
  }
  const n = Math.max(1, Math.floor((tLast - t0 - windowUs) / windowUs + 1));
  const out: Array<[number, number]> = [];
  for (let k = 0; k < n; k++) out.push([t0 + k * windowUs, t0 + (k + 1) * windowUs]);
  return out;
}

/** Each file sample cut into its --slice-us windows (read to find them), renumbered in order: file by file, window by window. */
async function sliceSamples(files: readonly DatasetSample[], windowUs: number): Promise<DatasetSample[]> {
  const { readAllEvents } = await import("../core/io/events/detect.ts");
  const out: DatasetSample[] = [];
  for (const f of files) {
    const events = await readAllEvents(f.path);
    for (const w of timeWindows(events.tUs, windowUs)) {
      out.push({ index: out.length, path: f.path, label: f.label, id: `${f.id}@${w[0]}-${w[1]}us`, windowUs: w });
    }
  }
  return out;
}

/** A `--samples A:B` range: [start, end) with end undefined for "to the end". */
export interface SampleRange {
  readonly start: number;
  readonly end?: number;
}

/** Parses `A:B`, `A:`, `:B` or `A` (one sample) into a range; throws E_CLI_OPTION naming --samples. */
export function parseSampleRange(text: string): SampleRange {
  const bad = (): AerchipError => new AerchipError("E_CLI_OPTION", `--samples must be START:END (0-based, END excluded; either may be left out) or one index, got "${text}"`, { field: "--samples", hint: "e.g. --samples 0:100 for the first 100 samples" });
  const whole = (s: string): number => {
    if (!/^\d+$/.test(s)) throw bad();
    const v = Number(s);
    if (!Number.isSafeInteger(v)) throw bad();
    return v;
  };
  const m = /^([^:]*):([^:]*)$/.exec(text.trim());
  if (m === null) {
    const i = whole(text.trim());
    return { start: i, end: i + 1 };
  }
  const start = m[1] === "" ? 0 : whole(m[1]);
  const end = m[2] === "" ? undefined : whole(m[2]);
  if (end !== undefined && end <= start) throw new AerchipError("E_CLI_OPTION", `--samples ${text} selects no sample (END must exceed START)`, { field: "--samples", hint: "e.g. --samples 0:100" });
  return end === undefined ? { start } : { start, end };
}

/** The label a directory data set gives `rel` (a path relative to its root): the nearest whole-number directory. */
export function labelFromPath(rel: string): number | null {
  const dirs = rel.split(sep).slice(0, -1);
  for (let i = dirs.length - 1; i >= 0; i--) {
    if (/^\d{1,9}$/.test(dirs[i])) return Number(dirs[i]);
  }
  return null;
}

/** statSync(p) (following links), or E_DATASET_READ naming `p` (a dangling link, a link loop, no permission). */
function statEntry(p: string): Stats {
  try {
    return statSync(p);
  } catch (e) {
    throw new AerchipError("E_DATASET_READ", `cannot read ${p}: ${(e as Error).message}`, { file: p, field: "--input", hint: "remove or fix the link (or the file's permissions), or move it out of the data set" });
  }
}

function realDir(p: string): string {
  try {
    return realpathSync(p);
  } catch (e) {
    throw new AerchipError("E_DATASET_READ", `cannot resolve ${p}: ${(e as Error).message}`, { file: p, field: "--input", hint: "remove or fix the link, or move it out of the data set" });
  }
}

/**
 * Walks `dir` (see the module comment): names in code-unit order, depth first, each real directory once
 * (`walked`); a file whose real path is `excluded` (the --labels table) is skipped.
 */
function walk(dir: string, files: string[], skipped: { n: number }, hdf5: string[], walked: Set<string>, excluded?: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new AerchipError("E_DATASET_READ", `cannot list ${dir}: ${(e as Error).message}`, { file: dir, field: "--input", hint: "check the directory exists and is readable" });
  }
  for (const name of names.sort(byCodeUnits)) {
    if (name.startsWith(".")) continue;
    const p = join(dir, name);
    const s = statEntry(p);
    if (s.isDirectory()) {
      const real = realDir(p);
      if (walked.has(real)) {
        skipped.n++;
        continue;
      }
      walked.add(real);
      walk(p, files, skipped, hdf5, walked, excluded);
    } else if (!s.isFile()) continue;
    else if (HDF5.test(name)) hdf5.push(p);
    else if (LABEL_TABLE.test(name) || (excluded !== undefined && name.toLowerCase().endsWith(".csv") && realDir(p) === excluded)) skipped.n++;
    else if (DATASET_FILE_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e))) files.push(p);
    else skipped.n++;
  }
}

/** The real path of the --labels file (E_INPUT_NOT_FOUND when it does not exist). */
function labelFileReal(file: string): string {
  try {
    return realpathSync(file);
  } catch (e) {
    throw new AerchipError("E_INPUT_NOT_FOUND", `cannot read the label file ${file}: ${(e as Error).message}`, { file, field: "--labels", hint: "give the CSV of sample path,label rows" });
  }
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `all` permuted by the seeded Fisher–Yates shuffle of the module comment (a new array; `all` is left as it is). */
export function shuffledSamples<T>(all: readonly T[], seed: number): T[] {
  const out = [...all];
  const rng = createRng(seed).fork(SHUFFLE_STREAM);
  for (let i = out.length - 1; i >= 1; i--) {
    const j = rng.nextBelow(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/** The data set's order (shuffled when `shuffleSeed` is given), then --samples' range of it. */
function selectRange(all: readonly DatasetSample[], range: SampleRange | undefined, path: string, shuffleSeed: number | undefined): DatasetSample[] {
  const order = shuffleSeed === undefined ? all : shuffledSamples(all, shuffleSeed);
  if (range === undefined) return [...order];
  if (range.start >= order.length) {
    throw new AerchipError("E_DATASET_EMPTY", `--samples starts at ${range.start} but ${path} holds ${order.length} sample${order.length === 1 ? "" : "s"}`, { file: path, field: "--samples", hint: `choose START in 0..${order.length - 1}` });
  }
  return order.slice(range.start, range.end === undefined ? order.length : Math.min(order.length, range.end));
}

/**
 * The samples of the data set at `path`, in order (shuffled by seed `shuffleSeed` when given), restricted
 * to `range`; `labels`: how a directory's files are labelled, or `labelFile`: the --labels CSV that labels
 * them (E_CLI_OPTION for a data set that is not a directory).
 */
export async function listDatasetSamples(path: string, range?: SampleRange, labels: LabelSource = "number", shuffleSeed?: number, labelFile?: string, sliceUs?: number, gestureLabels = false): Promise<DatasetListing> {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new AerchipError("E_DATASET_READ", `${path} does not exist`, { file: path, field: "--input", hint: "give a directory of event files (e.g. N-MNIST's Test/), an SHD/SSC .h5 file, or one event file" });
  }
  if (labelFile !== undefined && !st.isDirectory()) {
    throw new AerchipError("E_CLI_OPTION", `--labels labels the files of a directory data set; ${path} is ${HDF5.test(path) ? "an SHD/SSC file, labelled by its own labels" : "one file"}`, { file: path, field: "--labels", hint: "drop --labels" });
  }
  if (st.isDirectory()) {
    const files: string[] = [];
    const hdf5: string[] = [];
    const skipped = { n: 0 };
    walk(path, files, skipped, hdf5, new Set([realDir(path)]), labelFile === undefined ? undefined : labelFileReal(labelFile));
    if (hdf5.length > 0) {
      throw new AerchipError("E_DATASET_FORMAT", `${path} contains HDF5 files (${relative(path, hdf5[0])}${hdf5.length > 1 ? ` and ${hdf5.length - 1} more` : ""}); each holds many samples`, { file: hdf5[0], field: "--input", hint: "give the .h5 file itself as --input" });
    }
    const rels = files.map((f) => relative(path, f)).sort(byCodeUnits);
    if (rels.length === 0) {
      throw new AerchipError("E_DATASET_EMPTY", `${path} holds no event file (looked for ${DATASET_FILE_EXTENSIONS.join(" ")}${skipped.n > 0 ? `; ${skipped.n} other file${skipped.n === 1 ? "" : "s"} skipped` : ""})`, { file: path, field: "--input", hint: "give a directory of event recordings, e.g. N-MNIST's Test/ folder" });
    }
    const top = (rel: string): string | null => (rel.includes(sep) ? rel.slice(0, rel.indexOf(sep)) : null);
    const classNames = labels === "folders" ? [...new Set(rels.map(top).filter((x): x is string => x !== null))].sort(byCodeUnits) : undefined;
    // --label-from number on one class folder (`--input Test/3`): no folder below it is a number, so its own name labels every file.
    const rootName = basename(resolve(path));
    const rootLabel = labels === "number" && /^\d{1,9}$/.test(rootName) && rels.every((rel) => labelFromPath(rel) === null) ? Number(rootName) : null;
    const labelOf = (rel: string): number | null => {
      if (labels === "none") return null;
      if (labels === "number") return labelFromPath(rel) ?? rootLabel;
      const t = top(rel);
      return t === null ? null : classNames!.indexOf(t);
    };
    const fileSamples = rels.map((rel, index) => ({ index, path: join(path, rel), label: labelOf(rel), id: rel.split(sep).join("/") }));
    if (sliceUs !== undefined) {
      // Labels belong to files: a --labels table labels every file first (each needs a row), then the windows inherit them.
      const table = labelFile === undefined ? undefined : readLabelTable(labelFile, new Set(fileSamples.map((s) => s.id)));
      const labelled = table === undefined ? fileSamples : fileSamples.map((s) => {
        const label = table.labels.get(s.id);
        if (label === undefined) {
          throw new AerchipError("E_DATASET_LABEL", `${s.path} has no row in the label file ${labelFile}`, { file: labelFile, field: "--labels", hint: `add the line "${s.id},LABEL" to ${labelFile} (with --slice-us every file needs a label), or leave the file out of the data set` });
        }
        return { ...s, label };
      });
      const windows = await sliceSamples(labelled, sliceUs);
      if (windows.length === 0) throw new AerchipError("E_DATASET_EMPTY", `--slice-us ${sliceUs}: no recording under ${path} has an event`, { file: path, field: "--slice-us", hint: "give recordings with events" });
      return { kind: "directory", path, total: windows.length, samples: selectRange(windows, range, path, shuffleSeed), skippedFiles: skipped.n, ...(labelFile === undefined ? {} : { labelFile }), ...(classNames === undefined ? {} : { classNames }), sliceUs };
    }
    if (gestureLabels) {
      const g = await gestureSamples(fileSamples);
      if (g.samples.length === 0) throw new AerchipError("E_DATASET_EMPTY", `--gesture-labels: the label tables under ${path} have no rows`, { file: path, field: "--gesture-labels", hint: "give recordings with their *_labels.csv rows" });
      return { kind: "directory", path, total: g.samples.length, samples: selectRange(g.samples, range, path, shuffleSeed), skippedFiles: skipped.n, gestureLabelFiles: g.tables };
    }
    const all = fileSamples;
    const selected = selectRange(all, range, path, shuffleSeed);
    if (labelFile !== undefined) {
      const table = readLabelTable(labelFile, new Set(all.map((s) => s.id)));
      const labelled = selected.map((s) => {
        const label = table.labels.get(s.id);
        if (label === undefined) {
          throw new AerchipError("E_DATASET_LABEL", `${s.path} has no row in the label file ${labelFile}`, { file: labelFile, field: "--labels", hint: `add the line "${s.id},LABEL" to ${labelFile} (every sample evaluated needs a label), or leave the file out of the data set` });
        }
        return { ...s, label };
      });
      return { kind: "directory", path, total: all.length, samples: labelled, skippedFiles: skipped.n, labelFile };
    }
    return { kind: "directory", path, total: all.length, samples: selected, skippedFiles: skipped.n, ...(classNames === undefined ? {} : { classNames }) };
  }
  if (gestureLabels && !st.isDirectory()) {
    const g = await gestureSamples([{ index: 0, path, label: null, id: path }]);
    if (g.samples.length === 0) throw new AerchipError("E_DATASET_EMPTY", `--gesture-labels: ${g.tables[0]} has no rows`, { file: g.tables[0], field: "--gesture-labels", hint: "give the recording's label table with its rows" });
    return { kind: "file", path, total: g.samples.length, samples: selectRange(g.samples, range, path, shuffleSeed), skippedFiles: 0, gestureLabelFiles: g.tables };
  }
  if (HDF5.test(path) && sliceUs !== undefined) {
    throw new AerchipError("E_CLI_OPTION", `--slice-us cuts event recordings; ${path} is an SHD/SSC file, whose samples are not cut`, { file: path, field: "--slice-us", hint: "drop --slice-us, or give a directory of event recordings (or one recording)" });
  }
  if (HDF5.test(path)) {
    const { ShdFile } = await import("../core/io/events/shd.ts");
    const f = await ShdFile.open(path);
    try {
      const all: DatasetSample[] = [];
      for (let i = 0; i < f.samples; i++) all.push({ index: i, path, sample: i, label: f.labels === null ? null : f.labels[i], id: `#${i}` });
      if (all.length === 0) throw new AerchipError("E_DATASET_EMPTY", `${path} holds no sample`, { file: path, field: "--input", hint: "give an SHD/SSC file with samples" });
      return { kind: "hdf5", path, total: all.length, samples: selectRange(all, range, path, shuffleSeed), skippedFiles: 0, ...(f.classNames === null ? {} : { classNames: f.classNames }) };
    } finally {
      f.close();
    }
  }
  const one = [{ index: 0, path, label: null, id: path }];
  if (sliceUs !== undefined) {
    const windows = await sliceSamples(one, sliceUs);
    if (windows.length === 0) throw new AerchipError("E_DATASET_EMPTY", `--slice-us ${sliceUs}: ${path} has no event`, { file: path, field: "--slice-us", hint: "give a recording with events" });
    return { kind: "file", path, total: windows.length, samples: selectRange(windows, range, path, shuffleSeed), skippedFiles: 0, sliceUs };
  }
  return { kind: "file", path, total: 1, samples: selectRange(one, range, path, shuffleSeed), skippedFiles: 0 };
}
