/** Locating ../shared (facts and fixtures beside the repo); tests skip with a message when it is absent. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const SHARED_DIR = resolve(process.cwd(), "../shared");
export const HAS_SHARED = existsSync(SHARED_DIR);
export const SKIP_MSG = "(needs ../shared; skipped: ../shared not found beside the repo)";

export function sharedPath(...parts: string[]): string {
  return resolve(SHARED_DIR, ...parts);
}
