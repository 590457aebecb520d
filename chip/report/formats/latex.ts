/**
 * The report as LaTeX booktabs tables, ready to paste into a paper (needs \usepackage{booktabs}, and
 * \usepackage{graphicx} for the wide tables, which are scaled to \linewidth). Same tables as the Markdown
 * and HTML outputs (formats/tables.ts); every string is escaped; deterministic text, no timestamps.
 */
import type { RunReport } from "../run-report.ts";
import { groupDigits, reportTables, sigDigits, type Cell, type ReportTable } from "./tables.ts";

/** Tables with more columns than this are wrapped in \resizebox{\linewidth}{!}{…}. */
const WIDE_COLUMNS = 8;
/** Text columns whose longest cell exceeds this many characters become wrapping p{} columns. */
const LONG_TEXT = 40;

const SPECIAL: Readonly<Record<string, string>> = {
  "\\": "\\textbackslash{}", "&": "\\&", "%": "\\%", "$": "\\$", "#": "\\#", "_": "\\_", "{": "\\{", "}": "\\}",
  "~": "\\textasciitilde{}", "^": "\\textasciicircum{}", "µ": "\\ensuremath{\\mu}", "≥": "\\ensuremath{\\geq}",
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

export function latexCell(c: Cell): string {
  if (c === null) return "--";
  if (typeof c === "string") return breakHexRuns(latexEscape(c));
  if (c.f === "int") return groupDigits(c.v, ",");
  if (c.f === "pct") return `${(c.v * 100).toFixed(1)}\\%`;
  const s = sigDigits(c.v);
  return s.exponent === null ? s.mantissa : `$${s.mantissa}\\times10^{${s.exponent}}$`;
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

export function latexTable(t: ReportTable, labelPrefix: string, captionPrefix = ""): string {
  const spec = t.columns.map((c, i) => {
    if (c.align === "r") return "r";
    let longest = 0;
    for (const r of t.rows) { const v = r[i]; if (typeof v === "string") longest = Math.max(longest, [...v].length); }
    return longest > LONG_TEXT ? "p{0.45\\linewidth}" : "l";
  }).join("");
  const wide = t.columns.length > WIDE_COLUMNS;
  const caption = `${captionPrefix}${t.title}.${t.note === undefined ? "" : ` ${t.note}`}`;
  const lines = [
    "\\begin{table}[htbp]",
    "  \\centering",
    `  \\caption{${latexEscape(caption)}}`,
    `  \\label{tab:${labelPrefix}-${t.id}}`,
    ...(wide ? ["  \\resizebox{\\linewidth}{!}{%"] : []),
    `  \\begin{tabular}{${spec}}`,
    "    \\toprule",
    `    ${t.columns.map((c) => latexEscape(c.header)).join(" & ")} \\\\`,
    "    \\midrule",
    ...t.rows.map((r) => `    ${r.map(latexCell).join(" & ")} \\\\`),
    "    \\bottomrule",
    "  \\end{tabular}",
    ...(wide ? ["  }"] : []),
    "\\end{table}",
  ];
  return lines.join("\n");
}

export function renderLatex(report: RunReport): string {
  const prefix = `aerchip-${latexLabelSlug(report.model)}-${latexChipSlug(report.chip.name, report.chip.specSha256)}`;
  const out = [
    `% aerchip report: ${report.model} on ${report.chip.name} (${report.format} v${report.version}, aerchip ${report.provenance.aerchipVersion})`.replace(/\r?\n/g, " "),
    "% Needs \\usepackage{booktabs} and \\usepackage{graphicx}. Metric definitions: NeuroBench (Yik et al., Nat. Commun. 16:1545, 2025).",
    "",
  ];
  for (const t of reportTables(report)) out.push(latexTable(t, prefix, t.id === "summary" ? "" : `${report.model} on ${report.chip.name}: `), "");
  return `${out.join("\n").trimEnd()}\n`;
}
