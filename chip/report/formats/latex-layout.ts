/**
 * How a LaTeX table fits the page: column types, wrapped headers, the rows of each float, and the macro that
 * scales a table down to the line width only when TeX measures it wider.
 *
 * Why this mix (audit s23b #1): scaling every table to \linewidth would shrink an 8-column table with long
 * text to about half size (5 pt numbers). So the width is first reduced where it costs nothing: long text
 * cells wrap in p{} columns sized to the width the other columns leave, long headers wrap over lines, long
 * paths and identifiers get break points. Only what is still wider (many numeric columns) is scaled, by the
 * exact factor TeX measures (\aerchipfit), so the numbers stay as large as the page allows, in any class or
 * column width. Long tables are split into several floats of at most MAX_FLOAT_LINES lines (a float cannot
 * break across pages; longtable could, but cannot be scaled), and \aerchipfit also scales a float down to
 * FIT_HEIGHT of \textheight as a last resort, so nothing is "too large for page".
 * Packages: booktabs (texlive-latex-recommended) and graphicx (texlive-latex-base); nothing else.
 */
import type { ReportTable } from "./tables.ts";

/**
 * Characters per line of a standard article (\linewidth 345 pt at 10 pt; Computer Modern digits are 5 pt,
 * text averages about as much): 345 / 5 = 69. Only an estimate for choosing p{} widths and splitting rows;
 * the final fit is measured by TeX.
 */
export const LINE_CHARS = 69;
/** Two \tabcolsep of 6 pt between columns, in characters of 5 pt. */
const COLUMN_GAP_CHARS = 2.4;
/** Text columns whose longest cell exceeds this many characters wrap (p{} columns). */
export const LONG_TEXT = 24;
/** A wrapping column holds at least this many characters (narrower wraps a word per line). */
const MIN_P_CHARS = 30;
/**
 * Width of a character in em (5 pt at 10 pt). p{} widths are in em, not shares of \linewidth: a table is
 * laid out for the standard 345 pt line and \aerchipfit scales it as a whole to narrower lines (two-column
 * papers), so an identifier that fits its column at 345 pt still fits after scaling.
 */
const EM_PER_CHAR = 0.5;
/** Headers longer than their column's longest cell wrap onto lines of about this many characters at least. */
const HEADER_LINE_CHARS = 10;
/**
 * Lines of table body per float: 36 lines × 12 pt = 432 pt, plus header, rules and a caption of up to six
 * lines, stays within a standard article's 550 pt \textheight (so the per-core table's 32 rows stay one float).
 */
export const MAX_FLOAT_LINES = 36;
/** Share of \textheight a table body may take before \aerchipfit scales it down (caption and rules need the rest). */
export const FIT_HEIGHT = 0.8;

/**
 * Defined once per .tex file, before its tables (guarded, so several files \input into one paper are fine):
 * \aerchipfit{…} typesets its argument in a box, scales it to \linewidth when it is wider and to
 * FIT_HEIGHT \textheight when it is taller, otherwise leaves it at its natural size.
 * \arraybackslash is the array package's one-line definition, so a ragged-right last column still ends its row.
 */
export const LATEX_FIT_MACRO = [
  "\\ifdefined\\aerchipfitbox\\else\\newsavebox{\\aerchipfitbox}\\fi",
  "\\providecommand{\\arraybackslash}{\\let\\\\\\tabularnewline}",
  "\\providecommand{\\aerchipfit}[1]{\\sbox{\\aerchipfitbox}{#1}%",
  "  \\ifdim\\wd\\aerchipfitbox>\\linewidth\\sbox{\\aerchipfitbox}{\\resizebox{\\linewidth}{!}{\\usebox{\\aerchipfitbox}}}\\fi",
  `  \\ifdim\\dimexpr\\ht\\aerchipfitbox+\\dp\\aerchipfitbox\\relax>${FIT_HEIGHT}\\textheight\\sbox{\\aerchipfitbox}{\\resizebox*{!}{${FIT_HEIGHT}\\textheight}{\\usebox{\\aerchipfitbox}}}\\fi`,
  "  \\usebox{\\aerchipfitbox}}",
].join("\n");

/** The comment and definitions every .tex file the writers emit starts with. */
export function latexFileHead(comment: string, extraNeeds = ""): string[] {
  return [
    `% ${comment}`.replace(/\r?\n/g, " "),
    `% Needs \\usepackage{booktabs} and \\usepackage{graphicx}${extraNeeds}. Tables wider than the line are scaled to \\linewidth by \\aerchipfit (defined below); long tables are split into several floats.`,
    LATEX_FIT_MACRO,
    "",
  ];
}

/** The visible length of a rendered cell: LaTeX commands and grouping characters do not print. */
export function printedLength(rendered: string): number {
  return [...rendered.replace(/\\allowbreak\{\}/g, "").replace(/\\[a-zA-Z]+(\{\})?/g, "x").replace(/[{}$^]/g, "")].length;
}

/** Words packed greedily onto lines of at most `width` characters (a longer word gets its own line). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const w of text.split(" ").filter((x) => x !== "")) {
    const last = lines.length - 1;
    if (last >= 0 && [...lines[last]!].length + 1 + [...w].length <= width) lines[last] += ` ${w}`;
    else lines.push(w);
  }
  return lines;
}

export interface ColumnLayout {
  /** "l", "r" or "p{12.5em}" */
  readonly spec: string;
  /** Characters a line of a p column holds, else null. */
  readonly chars: number | null;
  /** Header lines (one unless wrapped). */
  readonly header: readonly string[];
}

/** Column types and header lines of a table whose cells are rendered (`rendered[row][col]`). */
export function layoutColumns(t: ReportTable, rendered: readonly (readonly string[])[]): ColumnLayout[] {
  const cellChars = t.columns.map((_, i) => Math.max(0, ...rendered.map((r) => printedLength(r[i] ?? ""))));
  // The longest piece a cell cannot break inside (between spaces and \allowbreak points): a p{} column
  // narrower than it lets the piece run into the next column.
  const unbreakable = t.columns.map((_, i) => Math.max(0, ...rendered.map((r) => Math.max(0, ...(r[i] ?? "").split(/ |\\allowbreak\{\}/).map(printedLength)))));
  const headers = t.columns.map((c, i) => {
    const longestWord = Math.max(...c.header.split(" ").map((w) => [...w].length));
    const width = Math.max(cellChars[i]!, longestWord, HEADER_LINE_CHARS);
    return [...c.header].length > width ? wrapWords(c.header, width) : [c.header];
  });
  const natural = t.columns.map((_, i) => Math.max(cellChars[i]!, ...headers[i]!.map((h) => [...h].length)));
  // Text wraps only in a table wider than the line, and only in columns with long cells.
  const tooWide = natural.reduce((s, w) => s + w, 0) + COLUMN_GAP_CHARS * t.columns.length > LINE_CHARS;
  const wraps = t.columns.map((c, i) => tooWide && c.align !== "r" && cellChars[i]! > LONG_TEXT);
  const fixedChars = natural.reduce((s, w, i) => s + (wraps[i] ? 0 : w), 0) + COLUMN_GAP_CHARS * t.columns.length;
  const wrapChars = natural.reduce((s, w, i) => s + (wraps[i] ? w : 0), 0);
  // The width the other columns leave, shared by the wrapping columns in proportion to their longest cell.
  const budget = Math.max(LINE_CHARS - fixedChars, 0);
  return t.columns.map((c, i) => {
    if (!wraps[i]) return { spec: c.align === "r" ? "r" : "l", chars: null, header: headers[i]! };
    const share = Math.min(natural[i]!, (budget * natural[i]!) / wrapChars);
    const chars = Math.ceil(Math.max(MIN_P_CHARS, unbreakable[i]! + 1, share));
    return { spec: `p{${chars * EM_PER_CHAR}em}`, chars, header: [c.header] };
  });
}

/** Estimated body lines of one row: its longest wrapping cell over the characters its column holds. */
export function rowLines(row: readonly string[], cols: readonly ColumnLayout[]): number {
  let lines = 1;
  cols.forEach((c, i) => {
    if (c.chars !== null) lines = Math.max(lines, Math.ceil(printedLength(row[i] ?? "") / c.chars));
  });
  return lines;
}

/**
 * Row indices split into consecutive groups of at most MAX_FLOAT_LINES estimated lines (one float each), as
 * even as a greedy fill to ⌈total / parts⌉ lines makes them (38 rows: 19 + 19, not 36 + 2).
 */
export function splitRows(rows: readonly (readonly string[])[], cols: readonly ColumnLayout[]): number[][] {
  const lines = rows.map((r) => rowLines(r, cols));
  const total = lines.reduce((s, n) => s + n, 0);
  const target = Math.ceil(total / Math.max(1, Math.ceil(total / MAX_FLOAT_LINES)));
  const parts: number[][] = [[]];
  let used = 0;
  lines.forEach((n, i) => {
    if (used + n > target && parts[parts.length - 1]!.length > 0) { parts.push([]); used = 0; }
    parts[parts.length - 1]!.push(i);
    used += n;
  });
  return parts;
}
