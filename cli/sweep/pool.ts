/**
 * Runs sweep points on local worker threads (piscina; one task = one simulation), or in-process one after
 * another when no compiled worker is available.
 *
 * Workers need the compiled worker (dist/cli/sweep/worker.js, built by `npm run build`): Node 20 worker
 * threads cannot import the TypeScript sources, and loading them through a transpiling loader hook costs
 * seconds per thread. So when this module itself runs from source (vitest, .ts), points run in-process,
 * sequentially. Both paths call the same runPoint, and the outputs are built from the point files in grid
 * order, so the results are byte-identical either way (tests/cli/sweep.test.ts checks this when dist/ is
 * fresh).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { PointTask } from "./grid.ts";
import { runPoint, type PointRow } from "./point.ts";

/** The compiled worker next to this module, when this module is the compiled one. */
export function compiledWorkerUrl(): URL | undefined {
  if (!import.meta.url.endsWith(".js")) return undefined;
  const url = new URL("./worker.js", import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

export interface PoolRun {
  /** "workers" (piscina) or "in-process" (sequential). */
  readonly mode: "workers" | "in-process";
  readonly threads: number;
}

/**
 * Runs every task; `onDone` is called on the main thread as each point finishes (in completion order).
 * A non-AerchipError in a point (a bug) rejects after the running points settle.
 */
export async function runPoints(tasks: readonly PointTask[], threads: number, onDone: (row: PointRow) => void): Promise<PoolRun> {
  const worker = compiledWorkerUrl();
  if (worker === undefined || threads <= 1 || tasks.length <= 1) {
    for (const t of tasks) onDone(await runPoint(t));
    return { mode: "in-process", threads: 1 };
  }
  const n = Math.min(threads, tasks.length);
  const pool = new Piscina<PointTask, PointRow>({ filename: worker.href, minThreads: n, maxThreads: n, idleTimeout: 1000 });
  try {
    const settled = await Promise.allSettled(tasks.map(async (t) => onDone(await pool.run(t))));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  } finally {
    await pool.destroy();
  }
  return { mode: "workers", threads: n };
}
