/** `aerchip report --format` choices (cli/main.ts reads them without loading the renderers of report.ts). */
export const REPORT_FORMATS = ["md", "csv", "latex", "html", "json-schema"] as const;
export type ReportFormatName = (typeof REPORT_FORMATS)[number];
