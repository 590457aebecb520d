/**
 * A closed reader on stdout or stderr (`aerchip run --help | head`, `aerchip report … | less` quit early).
 *
 * Node reports a write to a pipe whose reader has gone as an 'error' event (EPIPE) on process.stdout or
 * process.stderr; with no listener that event is an uncaught exception, and the user sees Node's stack
 * trace instead of the text they asked for. The shell convention is to stop writing without a word. The
 * guard therefore drops every later write to that stream and lets the command finish: its output files
 * are written whole (core/atomic-write.ts) and its exit code stays the command's own. Any other error on
 * the stream (a full disk behind a redirection) ends the process with a one-line coded message and exit
 * code 70, as an internal error would.
 */
import type { Writable } from "node:stream";
import { writeSync } from "node:fs";

/** Errors that mean "the reader is gone": EPIPE, and writes to the stream after Node destroyed it. */
const READER_GONE = new Set(["EPIPE", "ERR_STREAM_DESTROYED"]);

/** Exit code when a stream fails otherwise (cli/main.ts EXIT_INTERNAL). */
const EXIT_STREAM_FAILED = 70;

/** fd of each guarded stream (1 stdout, 2 stderr): where a failure of the other stream is reported. */
export function guardStream(stream: Writable, name: "stdout" | "stderr", reportFd: number): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== undefined && READER_GONE.has(e.code)) {
      // Later writes go nowhere: the stream is destroyed, and this listener absorbs their errors.
      return;
    }
    try {
      writeSync(reportFd, `aerchip: E_OUTPUT_STREAM: writing to ${name} failed: ${e.message}\n`);
    } catch {
      // Both streams unusable: nothing left to tell.
    }
    process.exit(EXIT_STREAM_FAILED);
  });
}

/** Guards the process's stdout and stderr (the CLI entry, bin/aerchip.js). */
export function guardStdioPipes(): void {
  guardStream(process.stdout, "stdout", 2);
  guardStream(process.stderr, "stderr", 1);
}
