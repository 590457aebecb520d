/** The CLI's logger: pino to stderr (or --log-file), used only at phase boundaries. */
import { createLogger, silentLogger, type Logger } from "../core/log.ts";

export interface LogOptions {
  readonly logLevel?: string;
  readonly logFile?: string;
}

export function cliLogger(o: LogOptions): Logger {
  if (o.logLevel === undefined && o.logFile === undefined) return silentLogger;
  return createLogger({ level: (o.logLevel ?? "info") as Parameters<typeof createLogger>[0]["level"], ...(o.logFile === undefined ? {} : { file: o.logFile }), name: "aerchip" });
}
