/**
 * DVS128 Gesture label files (`userNN_<lighting>_labels.csv`, Amir et al., CVPR 2017):
 *   class,startTime_usec,endTime_usec
 *   1,80048239,85092709
 *   …
 * Each row marks one gesture sample inside the matching `.aedat` recording; classes are 1–11 as in the
 * file (11 = "other"; tonic's pre-cut version numbers them 0–10). A sample holds the events with
 * start ≤ t < end (µs, the recording's own clock).
 */
import { readFile } from "node:fs/promises";
import { EventsErrorCode, eventsError, printable } from "./errors.ts";
import type { EventBatch } from "./types.ts";

export interface GestureLabel {
  /** Class as written in the file. */
  readonly label: number;
  readonly startUs: number;
  readonly endUs: number;
}

export interface LabelledSample {
  /** Row index in the label file (0-based, header excluded). */
  readonly index: number;
  readonly label: number;
  readonly startUs: number;
  readonly endUs: number;
  /** Events with startUs ≤ t < endUs, times unchanged (subtract startUs for sample-relative times). */
  readonly events: EventBatch;
}

/** Parses a label CSV. Rows must have three integers, start < end. */
export function parseGestureLabels(text: string, file?: string): GestureLabel[] {
  const where = (line: number, byteOffset: number): { file?: string; field: string; byteOffset: number } => ({ ...(file === undefined ? {} : { file }), field: `line ${line}`, byteOffset });
  const out: GestureLabel[] = [];
  let offset = 0;
  const lines = text.split("\n");
  for (let li = 0; li < lines.length; li++) {
    const raw = lines[li];
    const lineOffset = offset;
    offset += Buffer.byteLength(raw, "utf8") + 1;
    const line = raw.trim();
    if (line === "") continue;
    const cells = line.split(",").map((c) => c.trim());
    if (out.length === 0 && li === firstNonEmpty(lines) && cells.some((c) => c !== "" && !/^-?\d+(\.\d+)?$/.test(c))) {
      const names = cells.map((c) => c.toLowerCase());
      if (names.length < 3 || !names[0].startsWith("class") || !names[1].startsWith("start") || !names[2].startsWith("end")) {
        throw eventsError(EventsErrorCode.header, `the header "${printable(line)}" is not class,startTime_usec,endTime_usec`, "give a DVS128 Gesture *_labels.csv file", where(li + 1, lineOffset));
      }
      continue;
    }
    if (cells.length < 3) {
      throw eventsError(EventsErrorCode.corrupt, `line ${li + 1} has ${cells.length} cells; a label row is class,startTime_usec,endTime_usec`, "fix or re-download the label file", where(li + 1, lineOffset));
    }
    const [label, startUs, endUs] = cells.slice(0, 3).map(Number);
    if (!Number.isInteger(label) || !Number.isFinite(startUs) || !Number.isFinite(endUs) || startUs < 0 || endUs <= startUs) {
      throw eventsError(EventsErrorCode.corrupt, `line ${li + 1} ("${printable(line)}") is not an integer class with 0 ≤ start < end`, "fix or re-download the label file", where(li + 1, lineOffset));
    }
    out.push({ label, startUs, endUs });
  }
  return out;
}

function firstNonEmpty(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) if (lines[i].trim() !== "") return i;
  return -1;
}

export async function readGestureLabels(path: string): Promise<GestureLabel[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const notFound = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw eventsError(notFound ? EventsErrorCode.notFound : EventsErrorCode.io, notFound ? "the label file does not exist" : `cannot read the label file: ${(e as Error).message}`,
      "give the *_labels.csv next to the recording", { file: path, cause: e });
  }
  return parseGestureLabels(text, path);
}

/** The label file conventionally next to a recording: `user01_fluorescent.aedat` → `user01_fluorescent_labels.csv`. */
export function labelsPathFor(recordingPath: string): string {
  return recordingPath.replace(/\.aedat$/i, "") + "_labels.csv";
}

/**
 * Cuts a time-ordered event stream into the labelled samples, yielding each as soon as the stream has
 * passed its end. Memory: the events of the samples open at once (one, for DVS128 Gesture's
 * non-overlapping labels). Labels may be given in any order and may overlap; samples are yielded in
 * order of their end time.
 */
export async function* sliceByLabels(stream: AsyncIterable<EventBatch>, labels: readonly GestureLabel[]): AsyncGenerator<LabelledSample, void, undefined> {
  const order = labels.map((_, i) => i).sort((a, b) => labels[a].startUs - labels[b].startUs || a - b);
  // Per open sample: index lists into the current batch are gathered into growable arrays.
  interface Open { readonly idx: number; xs: Uint16Array; ys: Uint16Array; ps: Uint8Array; ts: Float64Array; n: number }
  const open: Open[] = [];
  let next = 0; // next label (in `order`) not yet opened
  let geometry = undefined as EventBatch["geometry"] | undefined;
  const grow = (o: Open, need: number): void => {
    if (o.n + need <= o.xs.length) return;
    const cap = Math.max(o.n + need, o.xs.length * 2, 1024);
    const xs = new Uint16Array(cap); xs.set(o.xs.subarray(0, o.n)); o.xs = xs;
    const ys = new Uint16Array(cap); ys.set(o.ys.subarray(0, o.n)); o.ys = ys;
    const ps = new Uint8Array(cap); ps.set(o.ps.subarray(0, o.n)); o.ps = ps;
    const ts = new Float64Array(cap); ts.set(o.ts.subarray(0, o.n)); o.ts = ts;
  };
  const finish = (o: Open): LabelledSample => {
    const l = labels[o.idx];
    const g = geometry as EventBatch["geometry"];
    return {
      index: o.idx, label: l.label, startUs: l.startUs, endUs: l.endUs,
      events: { x: o.xs.slice(0, o.n), y: o.ys.slice(0, o.n), p: o.ps.slice(0, o.n), tUs: o.ts.slice(0, o.n), length: o.n, geometry: g },
    };
  };
  for await (const b of stream) {
    geometry ??= b.geometry;
    for (let i = 0; i < b.length; i++) {
      const t = b.tUs[i];
      while (next < order.length && labels[order[next]].startUs <= t) {
        open.push({ idx: order[next], xs: new Uint16Array(0), ys: new Uint16Array(0), ps: new Uint8Array(0), ts: new Float64Array(0), n: 0 });
        next++;
      }
      for (let k = 0; k < open.length; k++) {
        const o = open[k];
        if (t >= labels[o.idx].endUs) continue; // closed below, once per batch
        if (t < labels[o.idx].startUs) continue;
        grow(o, 1);
        o.xs[o.n] = b.x[i]; o.ys[o.n] = b.y[i]; o.ps[o.n] = b.p[i]; o.ts[o.n] = t; o.n++;
      }
    }
    // Close samples the stream has passed (time-ordered recordings never return to them).
    const last = b.length > 0 ? b.tUs[b.length - 1] : -Infinity;
    const done = open.filter((o) => labels[o.idx].endUs <= last).sort((a, c) => labels[a.idx].endUs - labels[c.idx].endUs);
    for (const o of done) {
      open.splice(open.indexOf(o), 1);
      yield finish(o);
    }
  }
  if (geometry === undefined) return;
  // Samples still open at the end of the recording, and labels after its last event (empty samples).
  while (next < order.length) {
    open.push({ idx: order[next], xs: new Uint16Array(0), ys: new Uint16Array(0), ps: new Uint8Array(0), ts: new Float64Array(0), n: 0 });
    next++;
  }
  open.sort((a, c) => labels[a.idx].endUs - labels[c.idx].endUs);
  for (const o of open) yield finish(o);
}

/** Label row `row` (0-based, header excluded) of a label file; E_EVENTS_OPTIONS (field "sample") when it has none. */
export async function readGestureLabel(path: string, row: number): Promise<GestureLabel> {
  const labels = await readGestureLabels(path);
  if (!Number.isInteger(row) || row < 0 || row >= labels.length) {
    throw eventsError(EventsErrorCode.options, `labelled sample ${row} does not exist; ${path} has ${labels.length}`, labels.length === 0 ? "give a label file with rows" : `choose a sample in 0..${labels.length - 1}`, { file: path, field: "sample" });
  }
  return labels[row];
}

/**
 * The events of one label, start ≤ t < end, as a stream, with times re-based to the label's start
 * (t − start) when `rebase`. The recording is time-ordered (as sliceByLabels assumes), so reading stops at
 * the first batch that reaches the end: memory is one batch, and the rest of the file is not read.
 */
export async function* cutGestureSample(stream: AsyncIterable<EventBatch>, label: GestureLabel, rebase = true): AsyncGenerator<EventBatch, void, undefined> {
  const shift = rebase ? label.startUs : 0;
  for await (const b of stream) {
    let n = 0;
    for (let i = 0; i < b.length; i++) if (b.tUs[i] >= label.startUs && b.tUs[i] < label.endUs) n++;
    const x = new Uint16Array(n), y = new Uint16Array(n), p = new Uint8Array(n), tUs = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < b.length; i++) {
      const t = b.tUs[i];
      if (t < label.startUs || t >= label.endUs) continue;
      x[k] = b.x[i]; y[k] = b.y[i]; p[k] = b.p[i]; tUs[k] = t - shift; k++;
    }
    yield { x, y, p, tUs, length: n, geometry: b.geometry };
    if (b.length > 0 && b.tUs[b.length - 1] >= label.endUs) return;
  }
}
