/**
 * Whether the compiled build (dist/) is present and newer than the sources it is built from. Worker
 * threads and spawned CLI processes run the build; tests that need them skip when it is stale.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

function newestTs(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestTs(p));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** dist/<builtFile> exists and is newer than every .ts under the given source directories. */
export function distIsFresh(builtFile: string, sourceDirs: readonly string[]): boolean {
  const built = resolve(process.cwd(), "dist", builtFile);
  if (!existsSync(built)) return false;
  const t = statSync(built).mtimeMs;
  return sourceDirs.every((d) => newestTs(resolve(process.cwd(), d)) <= t);
}

/**
 * For a test title: that the test runs the compiled build, and (only when it is missing or stale) that it
 * is skipped and why.
 */
export function distNote(ok: boolean, builtFile = "dist/chip/sim/threads/worker.js"): string {
  return ok ? "(needs an up-to-date dist/)" : `(needs an up-to-date dist/: run \`npm run build\`; skipped: ${builtFile} missing or older than the sources)`;
}
