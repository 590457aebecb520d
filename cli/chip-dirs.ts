/**
 * The per-chip output directories of a command that runs one model on several chips (`compare`, `evaluate
 * --arch a,b`): what it created, so that an interrupt (Ctrl-C, SIGTERM) takes it away again and writes no
 * table, and which directories existed before and now hold this command's complete per-chip output (those
 * are kept and named).
 */
import { rmSync } from "node:fs";
import { AerchipError, isAerchipError } from "../core/diagnostics.ts";
import { removeCreatedDirs } from "../core/atomic-write.ts";

export class ChipDirs {
  private readonly created: string[] = [];
  private readonly rewritten: string[] = [];

  private readonly outCreated: readonly string[];

  /** `outCreated`: the directories ensureDirCreated made for --out itself. */
  constructor(outCreated: readonly string[]) {
    this.outCreated = outCreated;
  }

  /** A chip's directory this command creates (removed on an interrupt). */
  createdDir(dir: string): void {
    this.created.push(dir);
  }

  /** A chip's directory that existed before and now holds this command's complete output (`shown`: as named under --out). */
  rewroteDir(shown: string): void {
    this.rewritten.push(shown);
  }

  /**
   * The error to throw for `e`: on E_INTERRUPTED, what the command created is removed first, and the
   * interrupt gets a hint naming the directories it rewrote (`again`: what to run again and what was not
   * written; `holds`: what they now hold). Any other error is `e` itself.
   */
  errorFor(e: unknown, again: string, holds: string): unknown {
    if (!isAerchipError(e) || e.code !== "E_INTERRUPTED") return e;
    for (const d of this.created) rmSync(d, { recursive: true, force: true });
    removeCreatedDirs(this.outCreated);
    if (this.rewritten.length === 0) return e;
    return new AerchipError("E_INTERRUPTED", e.message, { hint: `${again}, and ${this.rewritten.join(", ")} (which existed before) now hold${this.rewritten.length === 1 ? "s" : ""} ${holds}` });
  }
}
