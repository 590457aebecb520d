/**
 * Clean stop on Ctrl-C (SIGINT).
 *
 * Node delivers a signal to JavaScript only when the event loop runs, so a synchronous simulation
 * loop would be killed without a word. Long phases therefore run in chunks and call
 * `yieldForSignals()` between chunks (every ~50 ms of work): it lets the event loop dispatch a
 * pending SIGINT and, if one arrived, throws `E_INTERRUPTED`. `runCli` turns that into a one-line
 * message and exit code 130 (128 + SIGINT, the shell convention). Outputs are written atomically
 * (core/atomic-write.ts), so an interrupted run leaves no partial file; runs that checkpoint
 * (learning, sweeps) save their checkpoint before rethrowing so `--resume` continues them.
 * A second Ctrl-C exits at once with the same code.
 */
import { AerchipError } from "../core/diagnostics.ts";

export const EXIT_INTERRUPTED = 130;

let requested = false;
let installed = false;

function onSigint(): void {
  if (requested) {
    process.stderr.write("aerchip: second interrupt: exiting now (outputs are written atomically; none is partial)\n");
    process.exit(EXIT_INTERRUPTED);
  }
  requested = true;
}

/** Installs the SIGINT handler (idempotent). Returns a function that removes it again. */
export function installInterruptHandler(): () => void {
  if (installed) return () => {};
  installed = true;
  requested = false;
  process.on("SIGINT", onSigint);
  return () => {
    process.off("SIGINT", onSigint);
    installed = false;
    requested = false;
  };
}

/** True once SIGINT arrived (or `requestInterrupt()` was called). */
export function interruptRequested(): boolean {
  return requested;
}

/** Marks the run as interrupted, as a SIGINT would (for tests and for embedding applications). */
export function requestInterrupt(): void {
  requested = true;
}

/** Clears a pending interrupt (tests). */
export function clearInterrupt(): void {
  requested = false;
}

/** Throws E_INTERRUPTED if an interrupt is pending. `where` says what was stopped, e.g. "at tick 400 of 1000". */
export function throwIfInterrupted(where: string, hint = "run the command again; no output file was written"): void {
  if (!requested) return;
  throw new AerchipError("E_INTERRUPTED", `interrupted by SIGINT ${where}`, { hint });
}

/** Lets the event loop deliver pending signals, then throws E_INTERRUPTED if SIGINT arrived. */
export async function yieldForSignals(where: string, hint?: string): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfInterrupted(where, hint);
}

/** Wall-clock budget between yields: long enough that yielding costs nothing measurable (< 0.1%). */
export const YIELD_EVERY_MS = 50;
