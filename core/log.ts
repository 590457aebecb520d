/**
 * Structured logs (pino, one JSON object per line). Logging happens at phase boundaries only (load,
 * build, run, report) — never per event — so it can stay synchronous: a line is on disk (or on stderr)
 * before the next phase starts, and a crash cannot lose it.
 *
 * Logs go to stderr (fd 2) by default so stdout stays free for results, or to a file (appended, parent
 * directories created) while a progress bar holds the terminal.
 */
import pino from "pino";
import { AerchipError } from "./diagnostics.ts";

export type Logger = pino.Logger;
export type LogLevel = pino.LevelWithSilent;

export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export const LogErrorCode = {
  level: "E_LOG_LEVEL",
  open: "E_LOG_OPEN",
} as const;
export type LogErrorCode = (typeof LogErrorCode)[keyof typeof LogErrorCode];

export interface LoggerOptions {
  readonly level: string;
  /** Log file (appended to); stderr when omitted. */
  readonly file?: string;
  /** Written as `name` on every line. */
  readonly name?: string;
}

export function isLogLevel(level: string): level is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(level);
}

export function createLogger(options: LoggerOptions): Logger {
  const { level, file, name } = options;
  if (!isLogLevel(level)) {
    throw new AerchipError(LogErrorCode.level, `log level "${level}" is not one of ${LOG_LEVELS.join(", ")}`, {
      field: "level", hint: `use one of ${LOG_LEVELS.join(", ")}`,
    });
  }
  let dest: pino.DestinationStream;
  try {
    dest = file === undefined ? pino.destination({ dest: 2, sync: true }) : pino.destination({ dest: file, sync: true, mkdir: true });
  } catch (e) {
    throw new AerchipError(LogErrorCode.open, `cannot open log file ${file}: ${(e as Error).message}`, {
      ...(file === undefined ? {} : { file }), field: "file", hint: "check that the log file's directory is writable", cause: e,
    });
  }
  return pino({ level, ...(name === undefined ? {} : { name }) }, dest);
}

/** A logger that drops everything (for library use and tests). */
export const silentLogger: Logger = pino({ level: "silent" });
