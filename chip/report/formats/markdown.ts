/**
 * The report as Markdown (GitHub-flavoured pipe tables), ready to paste into a README or a lab notebook.
 * Same tables as the LaTeX and HTML outputs (formats/tables.ts); deterministic text, no timestamps.
 */
import type { RunReport } from "../run-report.ts";
import { plainCell, reportTables, type Cell, type ReportTable } from "./tables.ts";

export function markdownCell(c: Cell): string {
  if (typeof c === "string") return c.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  return plainCell(c);
}

export function markdownTable(t: ReportTable): string {
  const head = `| ${t.columns.map((c) => markdownCell(c.header)).join(" | ")} |`;
  const rule = `|${t.columns.map((c) => (c.align === "r" ? "---:" : ":---")).join("|")}|`;
  const body = t.rows.map((r) => `| ${r.map(markdownCell).join(" | ")} |`);
  return [head, rule, ...body].join("\n");
}

export function renderMarkdown(report: RunReport): string {
  const out: string[] = [`# aerchip report: ${report.model} on ${report.chip.name}`, ""];
  out.push(`Format ${report.format} v${report.version}; ${report.steps} ticks; timing model ${report.timingModel}. Metric definitions: NeuroBench (Yik et al., Nat. Commun. 16:1545, 2025).`, "");
  for (const t of reportTables(report)) {
    out.push(`## ${t.title}`, "", markdownTable(t), "");
    if (t.note !== undefined) out.push(`_${t.note.replace(/_/g, "\\_")}_`, "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
