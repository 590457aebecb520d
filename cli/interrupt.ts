/**
 * Clean stop on Ctrl-C (SIGINT) and on SIGTERM (`kill`, a job scheduler, a container stopping).
 *
 * Node delivers a signal to JavaScript only when the event loop runs, so a synchronous simulation
 * loop would be killed without a word. Long phases therefore run in chunks and call
 * `yieldForSignals()` between chunks (every ~50 ms of work): it lets the event loop dispatch a
 * pending SIGINT and, if one arrived, throws `E_INTERRUPTED`. `runCli` turns that into a one-line
 * message and exit code 130 (128 + SIGINT, the shell convention), or 143 (128 + SIGTERM). Outputs are written atomically
 * (core/atomic-write.ts), so an interrupted run leaves no partial file; runs that checkpoint
 * (learning, sweeps) save their checkpoint before rethrowing so `--resume` continues them.
 * A second signal exits at once with the same code.
 */
import { AerchipError } from "../core/diagnostics.ts";

export const EXIT_INTERRUPTED = 130;
export const EXIT_TERMINATED = 143;

type StopSignal = "SIGINT" | "SIGTERM";
const EXIT_OF: Record<StopSignal, number> = { SIGINT: EXIT_INTERRUPTED, SIGTERM: EXIT_TERMINATED };

let requested = false;
let signal: StopSignal = "SIGINT";
let installed = false;

function onSignal(which: StopSignal): void {
  if (requested) {
    process.stderr.write("aerchip: second interrupt: exiting now (outputs are written atomically; none is partial)\n");
    process.exit(EXIT_OF[signal]);
  }
  requested = true;
  signal = which;
}
const onSigint = (): void => onSignal("SIGINT");
const onSigterm = (): void => onSignal("SIGTERM");

/** Installs the SIGINT and SIGTERM handlers (idempotent). Returns a function that removes them again. */
export function installInterruptHandler(): () => void {
  if (installed) return () => {};
  installed = true;
  requested = false;
  signal = "SIGINT";
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  return () => {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    installed = false;
    requested = false;
    signal = "SIGINT";
  };
}

/** The signal that stopped the run (SIGINT unless SIGTERM arrived first). */
export function interruptSignal(): StopSignal {
  return signal;
}

/** The exit code of a stopped run: 130 after SIGINT, 143 after SIGTERM (128 + the signal number). */
export function interruptExitCode(): number {
  return EXIT_OF[signal];
}

/** True once SIGINT or SIGTERM arrived (or `requestInterrupt()` was called). */
export function interruptRequested(): boolean {
  return requested;
}

/** Marks the run as interrupted, as a SIGINT (or `which`) would (for tests and for embedding applications). */
export function requestInterrupt(which: StopSignal = "SIGINT"): void {
  requested = true;
  signal = which;
}

/** Clears a pending interrupt (tests). */
export function clearInterrupt(): void {
  requested = false;
  signal = "SIGINT";
}

/** Throws E_INTERRUPTED if an interrupt is pending. `where` says what was stopped, e.g. "at tick 400 of 1000". */
export function throwIfInterrupted(where: string, hint = "run the command again; no output file was written"): void {
  if (!requested) return;
  throw new AerchipError("E_INTERRUPTED", `interrupted by ${signal} ${where}`, { hint });
}

/** Lets the event loop deliver pending signals, then throws E_INTERRUPTED if SIGINT or SIGTERM arrived. */
export async function yieldForSignals(where: string, hint?: string): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfInterrupted(where, hint);
}

/** Wall-clock budget between yields: long enough that yielding costs nothing measurable (< 0.1%). */
export const YIELD_EVERY_MS = 50;
