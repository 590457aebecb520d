/**
 * The report as LaTeX booktabs tables, ready to paste into a paper (needs \usepackage{booktabs} and
 * \usepackage{graphicx}; how tables fit the page: formats/latex-layout.ts). Same tables as the Markdown
 * and HTML outputs (formats/tables.ts); every string is escaped; deterministic text, no timestamps.
 */
import type { RunReport } from "../run-report.ts";
import { groupDigits, reportTables, sigDigits, type Cell, type ReportTable } from "./tables.ts";
import { latexFileHead, layoutColumns, splitRows } from "./latex-layout.ts";

const SPECIAL: Readonly<Record<string, string>> = {
  "\\": "\\textbackslash{}", "&": "\\&", "%": "\\%", "$": "\\$", "#": "\\#", "_": "\\_", "{": "\\{", "}": "\\}",
  "~": "\\textasciitilde{}", "^": "\\textasciicircum{}",
  // In the default OT1 font encoding "|", "<" and ">" print as "—", "¡" and "¿": spelled out (text-mode commands).
  "|": "\\textbar{}", "<": "\\textless{}", ">": "\\textgreater{}", "µ": "\\ensuremath{\\mu}", "≥": "\\ensuremath{\\geq}",
  "≤": "\\ensuremath{\\leq}", "→": "\\ensuremath{\\rightarrow}", "×": "\\ensuremath{\\times}", "–": "--", "—": "---",
  "·": "\\ensuremath{\\cdot}", "…": "\\ldots{}", "−": "\\ensuremath{-}",
  // The other symbols report texts use (captions, notes, headers): pdflatex stops on a Unicode character it
  // has no definition for, so each one is spelled out (a test renders every table and finds none left).
  "Σ": "\\ensuremath{\\Sigma}", "÷": "\\ensuremath{\\div}", "≠": "\\ensuremath{\\neq}", "≈": "\\ensuremath{\\approx}",
  "∞": "\\ensuremath{\\infty}", "Δ": "\\ensuremath{\\Delta}", "⌈": "\\ensuremath{\\lceil}", "⌉": "\\ensuremath{\\rceil}",
  "±": "\\ensuremath{\\pm}", "‰": "\\textperthousand{}", "§": "\\S{}", "⁹": "\\textsuperscript{9}", "²": "\\textsuperscript{2}",
  "³": "\\textsuperscript{3}", "λ": "\\ensuremath{\\lambda}", "α": "\\ensuremath{\\alpha}", "θ": "\\ensuremath{\\theta}",
  "τ": "\\ensuremath{\\tau}", "ρ": "\\ensuremath{\\rho}", "γ": "\\ensuremath{\\gamma}", "δ": "\\ensuremath{\\delta}",
  "Ψ": "\\ensuremath{\\Psi}", "ε": "\\ensuremath{\\varepsilon}", "η": "\\ensuremath{\\eta}", "ν": "\\ensuremath{\\nu}",
  "‘": "`", "’": "'", "“": "``", "”": "''",
};

export function latexEscape(s: string): string {
  let out = "";
  for (const ch of s) out += SPECIAL[ch] ?? (ch === "\n" || ch === "\r" ? " " : ch);
  return out;
}

/** Hex runs at least this long (SHA-256 digests, git commits) get break points: they do not hyphenate. */
const HEX_RUN = /[0-9a-f]{16,}/g;
/** Characters between the break points of a hex run. */
const HEX_CHUNK = 8;

/**
 * A 64-digit SHA-256 is one unbreakable word, wider than a p{0.45\linewidth} cell: it runs into the
 * margin (overfull \hbox). \allowbreak{} every 8 digits lets it wrap without changing the printed text.
 */
export function breakHexRuns(escaped: string): string {
  return escaped.replace(HEX_RUN, (run) => run.match(new RegExp(`.{1,${HEX_CHUNK}}`, "g"))!.join("\\allowbreak{}"));
}

/** Words at least this long (paths, dotted identifiers) get break points after their separators. */
const LONG_WORD = 16;
const WORD_SEPARATORS = new Set(["/", ".", "_", "-", ":", ","]);

/**
 * A long path or identifier (../shared/fixtures/…/loihi.yaml, synapseEncodings.conv.energySynOpPj) is one
 * word TeX does not hyphenate: in a wrapping column it ran into the margin. \allowbreak{} after each
 * separator of such a word lets it wrap there; the printed text is unchanged.
 */
export function latexBreakable(s: string): string {
  return s.split(" ").map((word) => {
    const chars = [...word];
    if (chars.length < LONG_WORD) return latexEscape(word);
    return chars.map((ch, i) => latexEscape(ch) + (WORD_SEPARATORS.has(ch) && i < chars.length - 1 ? "\\allowbreak{}" : "")).join("");
  }).join(" ");
}

export function latexCell(c: Cell): string {
  if (c === null) return "--";
  if (typeof c === "string") return breakHexRuns(latexEscape(c));
  if (c.f === "int") return groupDigits(c.v, ",");
  if (c.f === "pct") return `${(c.v * 100).toFixed(1)}\\%`;
  const s = sigDigits(c.v);
  return s.exponent === null ? s.mantissa : `$${s.mantissa}\\times10^{${s.exponent}}$`;
}

/** A cell of a wrapping p{} column: as latexCell, with break points in long paths and identifiers. */
export function latexWrappingCell(c: Cell): string {
  return typeof c === "string" ? breakHexRuns(latexBreakable(c)) : latexCell(c);
}

/** A label-safe slug: lower-case letters, digits and dashes. */
export function latexLabelSlug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}

/** Hex digits of the chip spec's SHA-256 that tell two overridden specs of one chip apart in a label. */
export const LABEL_SPEC_HASH_DIGITS = 6;

/**
 * The chip's part of a label. A trailing `*` (a chip with command-line overrides, e.g. "generic*") becomes
 * "-mod-<first 6 hex digits of the chip spec's SHA-256>": an overridden and a stock run of one model get
 * different labels, and so do two runs with different overrides (their specs, hence hashes, differ), while
 * the same overrides give the same label. A report without `chip.specSha256` (older versions) gets "-mod".
 */
export function latexChipSlug(chip: string, specSha256?: string): string {
  if (!chip.endsWith("*")) return latexLabelSlug(chip);
  const hash = specSha256 === undefined ? "" : `-${latexLabelSlug(specSha256.slice(0, LABEL_SPEC_HASH_DIGITS))}`;
  return `${latexLabelSlug(chip.slice(0, -1))}-mod${hash}`;
}

/** A header cell: wrapped headers are a one-column tabular aligned like their column, bottom-aligned. */
function latexHeader(lines: readonly string[], align: string): string {
  if (lines.length === 1) return latexEscape(lines[0]!);
  return `\\begin{tabular}[b]{@{}${align === "r" ? "r" : "l"}@{}}${lines.map(latexEscape).join("\\\\")}\\end{tabular}`;
}

/**
 * One table as one or more booktabs floats (formats/latex-layout.ts): long text wraps in p{} columns, long
 * headers wrap, every tabular goes through \aerchipfit (scaled to \linewidth only when wider), and a table
 * of more than MAX_FLOAT_LINES estimated lines is split into floats captioned "(continued, part k of n)".
 */
export function latexTable(t: ReportTable, labelPrefix: string, captionPrefix = ""): string {
  const wrapping = t.rows.map((r) => r.map(latexWrappingCell));
  const cols = layoutColumns(t, wrapping);
  const rendered = t.rows.map((r) => r.map((c, i) => (cols[i]!.chars === null ? latexCell(c) : latexWrappingCell(c))));
  const parts = splitRows(rendered, cols);
  const cell = (text: string, i: number): string => (cols[i]!.chars === null ? text : `\\raggedright\\arraybackslash ${text}`);
  const header = cols.map((c, i) => (c.chars === null ? latexHeader(c.header, c.spec) : cell(latexEscape(c.header[0]!), i))).join(" & ");
  const floats = parts.map((rows, k) => {
    const first = k === 0;
    const caption = first
      ? `${captionPrefix}${t.title}.${t.note === undefined ? "" : ` ${t.note}`}`
      : `${captionPrefix}${t.title} (continued, part ${k + 1} of ${parts.length}).`;
    return [
      "\\begin{table}[htbp]",
      "  \\centering",
      `  \\caption{${latexEscape(caption)}}`,
      `  \\label{tab:${labelPrefix}-${t.id}${first ? "" : `-part${k + 1}`}}`,
      "  \\aerchipfit{%",
      `  \\begin{tabular}{${cols.map((c) => c.spec).join("")}}`,
      "    \\toprule",
      `    ${header} \\\\`,
      "    \\midrule",
      ...rows.map((r) => `    ${rendered[r]!.map(cell).join(" & ")} \\\\`),
      "    \\bottomrule",
      "  \\end{tabular}}",
      "\\end{table}",
    ].join("\n");
  });
  return floats.join("\n\n");
}

export function renderLatex(report: RunReport): string {
  const prefix = `aerchip-${latexLabelSlug(report.model)}-${latexChipSlug(report.chip.name, report.chip.specSha256)}`;
  const out = [
    ...latexFileHead(`aerchip report: ${report.model} on ${report.chip.name} (${report.format} v${report.version}, aerchip ${report.provenance.aerchipVersion})`),
    "% Metric definitions: NeuroBench (Yik et al., Nat. Commun. 16:1545, 2025).",
    "",
  ];
  for (const t of reportTables(report)) out.push(latexTable(t, prefix, t.id === "summary" ? "" : `${report.model} on ${report.chip.name}: `), "");
  return `${out.join("\n").trimEnd()}\n`;
}
