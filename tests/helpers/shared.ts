/** Locating ../shared (facts and fixtures beside the repo); tests skip with a message when it is absent. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const SHARED_DIR = resolve(process.cwd(), "../shared");
export const HAS_SHARED = existsSync(SHARED_DIR);
/**
 * For a test title: what the test needs, and (only when it is absent) that the test is skipped and why. A
 * title that said "skipped" while the test ran would mislead whoever reads the log.
 */
export const SKIP_MSG = HAS_SHARED ? "(needs ../shared)" : "(needs ../shared; skipped: ../shared not found beside the repo)";

export function sharedPath(...parts: string[]): string {
  return resolve(SHARED_DIR, ...parts);
}
