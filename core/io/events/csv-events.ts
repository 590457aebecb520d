/**
 * Events as CSV text: one event per line, columns x, y, t, p.
 *
 * Reading: the first non-empty, non-comment ('#') line is a header when it contains a letter; its
 * column names choose the columns (x; y; t | ts | timestamp | time | t_us | t_ms | t_s; p | pol |
 * polarity — t_ms and t_s scale to µs; unknown columns are ignored). Without a header the columns are
 * x, y, t, p in that order (or `columns`). The delimiter is the first of ',', ';', tab found on that
 * line, else runs of spaces. Times are µs × `timeUnitUs`; polarity −1 becomes 0. y and p may be
 * absent (→ 0). Read in chunks of `chunkBytes`; when no geometry is given the file is scanned once
 * for the largest coordinates first (two passes, still bounded memory).
 *
 * Writing: header `x,y,t,p`, times in µs (integers printed exactly, fractions with the shortest
 * round-trip representation).
 */
import { BatchBuilder, checkGeometry, resolveReadOptions } from "./batch.ts";
import { EventsErrorCode, checkPositiveNumber, eventsError, printable } from "./errors.ts";
import { ChunkedFile, writeFileStreaming } from "./file-io.ts";
import type { EventBatch, ReadEventsOptions, SensorGeometry } from "./types.ts";

export interface CsvEventsReadOptions extends ReadEventsOptions {
  /** Microseconds per unit of the t column (default 1, or as implied by a t_ms / t_s header). */
  readonly timeUnitUs?: number;
  /** Column names for a file without a header, comma-separated (default "x,y,t,p"). */
  readonly columns?: string;
}

const COLUMN_ALIASES: Readonly<Record<string, readonly ["x" | "y" | "t" | "p", number]>> = {
  x: ["x", 1], y: ["y", 1], p: ["p", 1], pol: ["p", 1], polarity: ["p", 1],
  t: ["t", 1], ts: ["t", 1], timestamp: ["t", 1], time: ["t", 1], t_us: ["t", 1], timestamp_us: ["t", 1], time_us: ["t", 1],
  t_ms: ["t", 1000], time_ms: ["t", 1000], t_s: ["t", 1e6], time_s: ["t", 1e6],
};

interface Layout {
  /** Column index of each field (−1 when absent). */
  readonly xCol: number;
  readonly yCol: number;
  readonly tCol: number;
  readonly pCol: number;
  readonly maxCol: number;
  /** 0 = whitespace-separated. */
  readonly delim: number;
  readonly timeScale: number;
}

const NL = 0x0a;
const CR = 0x0d;
const HASH = 0x23;

function layoutFromNames(names: readonly string[], delim: number, unit: number, file: string, byteOffset: number, fromHeader: boolean): Layout {
  const col = { x: -1, y: -1, t: -1, p: -1 };
  let scale = 1;
  names.forEach((raw, i) => {
    const a = COLUMN_ALIASES[raw.trim().toLowerCase()];
    if (a === undefined || col[a[0]] !== -1) return;
    col[a[0]] = i;
    if (a[0] === "t") scale = a[1];
  });
  if (col.x < 0 || col.t < 0) {
    throw eventsError(EventsErrorCode.header, `${fromHeader ? "the header" : "the columns"} "${printable(names.join(","))}" name${col.x < 0 ? " no x column" : " no t column"}`,
      "name the columns x, y, t, p (t may be ts, timestamp, t_ms, t_s)", { file, byteOffset, field: "columns" });
  }
  return { xCol: col.x, yCol: col.y, tCol: col.t, pCol: col.p, maxCol: Math.max(col.x, col.y, col.t, col.p), delim, timeScale: scale * unit };
}

function detectDelim(line: string): number {
  for (const d of [",", ";", "\t"]) if (line.includes(d)) return d.charCodeAt(0);
  return 0;
}

function latin1(buf: Uint8Array, a: number, b: number): string {
  let s = "";
  for (let i = a; i < b; i++) s += String.fromCharCode(buf[i]);
  return s;
}

/**
 * Parses the number in buf[a, b) (trimmed of spaces). Integers are parsed in place; anything with a
 * fraction or exponent goes through Number(). NaN when the text is not a number.
 */
function parseNumber(buf: Uint8Array, a: number, b: number): number {
  while (a < b && (buf[a] === 0x20 || buf[a] === 0x09)) a++;
  while (b > a && (buf[b - 1] === 0x20 || buf[b - 1] === 0x09 || buf[b - 1] === CR)) b--;
  if (a === b) return NaN;
  let i = a;
  let neg = false;
  if (buf[i] === 0x2d || buf[i] === 0x2b) { neg = buf[i] === 0x2d; i++; }
  if (i === b) return NaN;
  let v = 0;
  for (; i < b; i++) {
    const c = buf[i] - 0x30;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  if (i === b && v <= Number.MAX_SAFE_INTEGER) return neg ? -v : v;
  const s = latin1(buf, a, b).toLowerCase();
  if (s === "true") return 1;
  if (s === "false") return 0;
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(s) ? Number(s) : NaN;
}

interface ParseState {
  layout: Layout | null;
  line: number;
  maxX: number;
  maxY: number;
  maxP: number;
}

/** Core parser: yields batches; when `g` is null it only records maxima (first pass). */
async function* parse(path: string, options: CsvEventsReadOptions, g: SensorGeometry | null, st: ParseState): AsyncGenerator<EventBatch, void, undefined> {
  const { chunkBytes, batchEvents } = resolveReadOptions(options);
  const unit = checkPositiveNumber(options.timeUnitUs ?? 1, "timeUnitUs");
  const f = await ChunkedFile.open(path, Math.max(256, chunkBytes));
  const out = g === null ? null : new BatchBuilder(batchEvents, g);
  const cellStart = new Int32Array(64);
  const cellEnd = new Int32Array(64);
  try {
    while (!f.atEof) {
      // Make sure at least one whole line is in the buffer (grow for a line longer than the chunk).
      let want = Math.min(f.buf.length, f.remaining);
      await f.fill(want);
      let nl = f.buf.subarray(f.start, f.end).lastIndexOf(NL);
      while (nl < 0 && f.available < f.remaining) {
        want = Math.min(f.available * 2, f.remaining);
        await f.fill(want);
        nl = f.buf.subarray(f.start, f.end).lastIndexOf(NL);
      }
      const buf = f.buf;
      const base = f.offset - f.start; // file offset of buf[0]
      const stop = nl < 0 ? f.end : f.start + nl + 1; // parse whole lines (the last line may lack "\n" at EOF)
      let ls = f.start;
      while (ls < stop) {
        let le = ls;
        while (le < stop && buf[le] !== NL) le++;
        const lineEnd = le;
        st.line++;
        let a = ls;
        while (a < lineEnd && (buf[a] === 0x20 || buf[a] === 0x09 || buf[a] === CR)) a++;
        if (a === lineEnd || buf[a] === HASH) {
          ls = lineEnd + 1;
          continue;
        }
        if (st.layout === null) {
          const text = latin1(buf, a, lineEnd).replace(/\r$/, "");
          const delim = detectDelim(text);
          const cells = delim === 0 ? text.trim().split(/\s+/) : text.split(String.fromCharCode(delim));
          if (/[a-df-z_]/i.test(text.replace(/\b(true|false)\b/gi, ""))) {
            st.layout = layoutFromNames(cells, delim, unit, path, base + ls, true);
            ls = lineEnd + 1;
            continue;
          }
          st.layout = layoutFromNames((options.columns ?? "x,y,t,p").split(","), delim, unit, path, base + ls, false);
        }
        const L = st.layout;
        // Split the line into cells.
        let nCells = 0;
        if (L.delim === 0) {
          let i = a;
          while (i < lineEnd && nCells <= L.maxCol) {
            while (i < lineEnd && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === CR)) i++;
            if (i >= lineEnd) break;
            cellStart[nCells] = i;
            while (i < lineEnd && buf[i] !== 0x20 && buf[i] !== 0x09 && buf[i] !== CR) i++;
            cellEnd[nCells++] = i;
          }
        } else {
          let s0 = ls;
          for (let i = ls; i <= lineEnd && nCells <= L.maxCol; i++) {
            if (i === lineEnd || buf[i] === L.delim) {
              cellStart[nCells] = s0;
              cellEnd[nCells++] = i;
              s0 = i + 1;
            }
          }
        }
        const lineAt = base + ls;
        if (nCells <= L.maxCol) {
          throw eventsError(EventsErrorCode.corrupt, `line ${st.line} has ${nCells} cells; ${L.maxCol + 1} are needed`, "give x, y, t, p on every line", { file: path, byteOffset: lineAt, field: `line ${st.line}` });
        }
        const x = parseNumber(buf, cellStart[L.xCol], cellEnd[L.xCol]);
        const y = L.yCol < 0 ? 0 : parseNumber(buf, cellStart[L.yCol], cellEnd[L.yCol]);
        const tRaw = parseNumber(buf, cellStart[L.tCol], cellEnd[L.tCol]);
        let p = L.pCol < 0 ? 0 : parseNumber(buf, cellStart[L.pCol], cellEnd[L.pCol]);
        if (p < 0) p = 0;
        if (!Number.isInteger(x) || !Number.isInteger(y) || !Number.isInteger(p) || x < 0 || y < 0 || x > 65535 || y > 65535 || p > 255 || !Number.isFinite(tRaw)) {
          throw eventsError(EventsErrorCode.corrupt, `line ${st.line} ("${printable(latin1(buf, ls, Math.min(lineEnd, ls + 61)).replace(/\r$/, ""))}") is not x, y (integers 0–65535), t (a number), p (an integer)`,
            "fix the line", { file: path, byteOffset: lineAt, field: `line ${st.line}` });
        }
        if (tRaw < 0) {
          // docs/events.md §3: times count from the recording's start; a negative one would be dropped or shift the tick origin.
          throw eventsError(EventsErrorCode.corrupt, `line ${st.line} has time ${tRaw} (negative)`, "event times must be ≥ 0 (from the recording's start): fix or drop the line",
            { file: path, byteOffset: lineAt, field: `line ${st.line}` });
        }
        const t = tRaw * L.timeScale;
        if (out === null || g === null) {
          if (x > st.maxX) st.maxX = x;
          if (y > st.maxY) st.maxY = y;
          if (p > st.maxP) st.maxP = p;
        } else {
          if (x >= g.width || y >= g.height || p >= g.polarities) {
            throw eventsError(EventsErrorCode.outOfRange, `line ${st.line}: event (x ${x}, y ${y}, p ${p}) lies outside the ${g.width}×${g.height}×${g.polarities} geometry`,
              "pass the sensor geometry the events were recorded with", { file: path, byteOffset: lineAt, field: `line ${st.line}` });
          }
          const i = out.n;
          out.x[i] = x;
          out.y[i] = y;
          out.p[i] = p;
          out.tUs[i] = t;
          out.n = i + 1;
        }
        ls = lineEnd + 1;
        if (out !== null && out.n === out.capacity) {
          f.consume(Math.min(ls, stop) - f.start);
          yield out.take();
          break; // the buffer may be refilled: restart from f.start
        }
      }
      if (ls >= stop) f.consume(stop - f.start);
    }
    if (out !== null && out.pendingAtEnd) yield out.take();
  } finally {
    await f.close();
  }
}

/** Streams the events of a CSV file. */
export async function* readCsvEvents(path: string, options: CsvEventsReadOptions = {}): AsyncGenerator<EventBatch, void, undefined> {
  let g: SensorGeometry;
  if (options.geometry !== undefined) g = checkGeometry(options.geometry);
  else {
    const scan: ParseState = { layout: null, line: 0, maxX: 0, maxY: 0, maxP: 0 };
    for await (const _ of parse(path, options, null, scan)) { /* first pass: maxima only */ }
    g = { width: scan.maxX + 1, height: scan.maxY + 1, polarities: Math.max(1, scan.maxP + 1) };
  }
  yield* parse(path, options, g, { layout: null, line: 0, maxX: 0, maxY: 0, maxP: 0 });
}

// ---------------------------------------------------------------------------------------------
// Writing.

export const CSV_EVENTS_HEADER = "x,y,t,p\n";

/** CSV lines (no header) for one batch. */
export function encodeCsvEvents(b: EventBatch): string {
  const lines = new Array<string>(b.length);
  for (let i = 0; i < b.length; i++) lines[i] = `${b.x[i]},${b.y[i]},${b.tUs[i]},${b.p[i]}`;
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

/** Writes events as CSV (atomically, streaming). Returns the event count. */
export async function writeCsvEvents(path: string, batches: AsyncIterable<EventBatch> | Iterable<EventBatch>): Promise<number> {
  const enc = new TextEncoder();
  let events = 0;
  await writeFileStreaming(path, async (w) => {
    await w.write(enc.encode(CSV_EVENTS_HEADER));
    for await (const b of batches) {
      await w.write(enc.encode(encodeCsvEvents(b)));
      events += b.length;
    }
  });
  return events;
}

/** Spikes as CSV: `tick,neuron` (and `count` when given) per line. */
export function encodeCsvSpikes(tick: ArrayLike<number>, neuron: ArrayLike<number>, count?: ArrayLike<number>): string {
  const lines: string[] = [count === undefined ? "tick,neuron" : "tick,neuron,count"];
  for (let i = 0; i < tick.length; i++) lines.push(count === undefined ? `${tick[i]},${neuron[i]}` : `${tick[i]},${neuron[i]},${count[i]}`);
  return lines.join("\n") + "\n";
}
