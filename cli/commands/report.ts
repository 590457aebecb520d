/**
 * `aerchip report REPORT.json --format md|csv|latex|html|json-schema [--out FILE]`: renders a run report
 * in the forms papers need. The HTML page draws the spike raster from spikes.json next to the report (or
 * --spikes FILE). `--format json-schema` prints the JSON Schema of report version 1 (no report needed).
 */
import { refuseDuplicateJsonKey } from "../../core/io/json-duplicate-keys.ts";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { AerchipError, isAerchipError } from "../../core/diagnostics.ts";
import { MAX_TEXT_FILE_BYTES, readInputText } from "../../core/io/read-input.ts";

const REPORT_HINT = "give the report.json written by `aerchip run`";
import { writeFileAtomic, ensureDir } from "../../core/atomic-write.ts";
import { checkOutputPaths } from "../output-paths.ts";
import { REPORT_FORMAT, REPORT_VERSION, type RunReport } from "../../chip/report/run-report.ts";
import { renderMarkdown } from "../../chip/report/formats/markdown.ts";
import { renderLatex } from "../../chip/report/formats/latex.ts";
import { renderCsv } from "../../chip/report/formats/csv.ts";
import { renderJsonSchema, runReportReadSchema } from "../../chip/report/formats/json-schema.ts";
import { nullEnergyField } from "../../chip/report/counts-only.ts";
import { COST_MODES } from "../option-limits.ts";
import { parseSpikesJson, renderHtml } from "../../chip/report/formats/html.ts";
import { requireMetrics } from "../../chip/report/formats/tables.ts";

import { REPORT_FORMATS, type ReportFormatName } from "./report-formats.ts";
export { REPORT_FORMATS, type ReportFormatName } from "./report-formats.ts";

export interface ReportCommandOptions {
  readonly format: ReportFormatName;
  readonly out?: string;
  readonly spikes?: string;
  readonly json: boolean;
  readonly quiet: boolean;
}

/** Reads and validates a report.json against the report schema (version 1). */
export function readReportFile(path: string): RunReport {
  if (!existsSync(path)) throw new AerchipError("E_REPORT_NOT_FOUND", `"${path}" does not exist`, { file: path, hint: "give the report.json written by `aerchip run`" });
  let raw: unknown;
  let text: string;
  try {
    text = readInputText(path, { what: "report", maxBytes: MAX_TEXT_FILE_BYTES, hint: REPORT_HINT, codes: { notFound: "E_REPORT_NOT_FOUND", tooLarge: "E_REPORT_TOO_LARGE" } });
    raw = JSON.parse(text);
  } catch (e) {
    if (isAerchipError(e)) throw e;
    throw new AerchipError("E_REPORT_PARSE", `report is not valid JSON: ${(e as Error).message}`, { file: path, hint: "give the report.json written by `aerchip run`" });
  }
  // A hand-edited report with a repeated key would be read with its last value: refused, naming the key.
  refuseDuplicateJsonKey(text, { file: path, code: "E_REPORT_INVALID", what: "report", hint: "regenerate the report with `aerchip rerun`" });
  const head = raw as { format?: unknown; version?: unknown } | null;
  if (head === null || typeof head !== "object" || head.format !== REPORT_FORMAT) {
    throw new AerchipError("E_REPORT_FORMAT", `format must be "${REPORT_FORMAT}", got ${JSON.stringify(head?.format)}`, { file: path, field: "format", hint: "give the report.json written by `aerchip run` (not spikes.json or mapping.json)" });
  }
  if (head.version !== REPORT_VERSION) {
    throw new AerchipError("E_REPORT_VERSION", `report version ${JSON.stringify(head.version)} is not supported; this aerchip reads version ${REPORT_VERSION}`, { file: path, field: "version", hint: "regenerate the report with this aerchip (`aerchip rerun`)" });
  }
  const parsed = runReportReadSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join(".");
    throw new AerchipError("E_REPORT_INVALID", `report does not match the report schema v${REPORT_VERSION}: ${issue.message}${field === "" ? "" : ` at ${field}`}`, { file: path, field, hint: "regenerate the report with `aerchip run` or `aerchip rerun`; see `aerchip report --format json-schema`" });
  }
  // The cost mode (--costs, chip/report/counts-only.ts) decides which fields may be null: it must be one aerchip writes.
  const mode = (raw as RunReport).provenance.options.costs;
  if (mode !== undefined && !(COST_MODES as readonly unknown[]).includes(mode)) {
    throw new AerchipError("E_REPORT_INVALID", `provenance.options.costs is ${JSON.stringify(mode)}; it must be one of ${COST_MODES.join(", ")}`, { file: path, field: "provenance.options.costs", hint: "regenerate the report with `aerchip run` or `aerchip rerun` (--costs energy|counts)" });
  }
  // Energy fields are null only in counts-only reports (chip/report/counts-only.ts), which say so in their provenance.
  const nullField = nullEnergyField(raw as RunReport);
  if (nullField !== undefined) {
    throw new AerchipError("E_REPORT_INVALID", `${nullField} is null, and the report is not counts-only (provenance.options.costs is not "counts")`, { file: path, field: nullField, hint: "regenerate the report with `aerchip run` or `aerchip rerun`; a counts-only report (--costs counts) records provenance.options.costs \"counts\"" });
  }
  return raw as RunReport;
}

export async function renderReport(report: RunReport, format: ReportFormatName, spikesPath?: string): Promise<string> {
  switch (format) {
    case "md": return renderMarkdown(report);
    case "latex": return renderLatex(report);
    case "csv": return renderCsv(report);
    case "json-schema": return renderJsonSchema();
    case "html": {
      const spikes = spikesPath !== undefined && existsSync(spikesPath)
        ? parseSpikesJson(readInputText(spikesPath, { what: "spikes file", maxBytes: MAX_TEXT_FILE_BYTES, field: "--spikes", hint: "give the spikes.json written with the report", codes: { notFound: "E_SPIKES_NOT_FOUND", tooLarge: "E_SPIKES_TOO_LARGE" } }), report, spikesPath)
        : undefined;
      return renderHtml(report, spikes === undefined ? {} : { spikes });
    }
  }
}

export async function reportCommand(reportPath: string | undefined, o: ReportCommandOptions): Promise<void> {
  if (!(REPORT_FORMATS as readonly string[]).includes(o.format)) {
    throw new AerchipError("E_CLI_OPTION", `--format must be one of ${REPORT_FORMATS.join(", ")}, got "${o.format}"`, { field: "--format", hint: "choose an output format" });
  }
  // Only the HTML page draws a raster: a --spikes file given with another format would be silently unused.
  if (o.spikes !== undefined && o.format !== "html") throw new AerchipError("E_CLI_OPTION", `--spikes applies only to --format html (the spike raster); --format ${o.format} does not read spikes`, { field: "--spikes", hint: "drop --spikes, or use --format html" });
  if (o.json && o.out === undefined) throw new AerchipError("E_CLI_OPTION", "--json needs --out (the document itself goes to stdout otherwise)", { field: "--json", hint: "add --out FILE, or drop --json" });
  // --out over the report (or the --spikes file) being read would replace it (cli/output-paths.ts).
  if (o.out !== undefined) {
    checkOutputPaths([{ role: "--out", path: o.out }], [
      ...(reportPath === undefined ? [] : [{ role: "<report>", path: reportPath }]),
      ...(reportPath !== undefined && o.format === "html" ? [{ role: o.spikes === undefined ? "the spikes.json beside <report>" : "--spikes", path: o.spikes ?? join(dirname(reportPath), "spikes.json") }] : []),
    ]);
  }
  let text: string;
  if (o.format === "json-schema") text = renderJsonSchema();
  else {
    if (reportPath === undefined) throw new AerchipError("E_CLI_OPTION", `--format ${o.format} needs a report file`, { field: "<report>", hint: "give the report.json written by `aerchip run`" });
    const report = readReportFile(reportPath);
    // Every rendered format needs `metrics`; checked here so that the error names the file given.
    requireMetrics(report, reportPath);
    let spikesPath: string | undefined;
    if (o.format === "html") {
      spikesPath = o.spikes ?? join(dirname(reportPath), "spikes.json");
      if (o.spikes !== undefined && !existsSync(o.spikes)) throw new AerchipError("E_SPIKES_NOT_FOUND", `"${o.spikes}" does not exist`, { file: o.spikes, field: "--spikes", hint: "give the spikes.json written with the report" });
      if (!existsSync(spikesPath) && !o.quiet && !o.json) process.stderr.write(`aerchip: no ${spikesPath}; the HTML report has no spike raster\n`);
    }
    text = await renderReport(report, o.format, spikesPath);
  }
  if (o.out === undefined) {
    process.stdout.write(text);
    return;
  }
  const out = resolve(o.out);
  ensureDir(dirname(out));
  writeFileAtomic(out, text);
  if (o.json) process.stdout.write(`${JSON.stringify({ format: o.format, out: o.out, bytes: Buffer.byteLength(text) })}\n`);
  else if (!o.quiet) process.stdout.write(`wrote ${o.out}\n`);
}
