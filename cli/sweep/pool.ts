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
 *
 * Ctrl-C (cli/interrupt.ts): no new point is started once SIGINT arrived. In-process, the running point
 * stops within its simulation (its chunks yield for signals) and is not written; on workers, running points are aborted (their threads
 * are terminated) and lose nothing but their own work. Every finished point has already been handed to
 * `onDone` (and written), so the caller reports `stopped` and a rerun resumes from those points.
 */
import { compiledSibling } from "../compiled-sibling.ts";
import { Piscina } from "piscina";
import { isAerchipError } from "../../core/diagnostics.ts";
import { interruptRequested, YIELD_EVERY_MS } from "../interrupt.ts";
import type { PointTask } from "./grid.ts";
import { runPoint, type PointRow } from "./point.ts";

/** The compiled worker next to this module, when this module is the compiled one. */
export function compiledWorkerUrl(): URL | undefined {
  return compiledSibling(import.meta.url, "worker.js");
}

export interface PoolRun {
  /** "workers" (piscina) or "in-process" (sequential). */
  readonly mode: "workers" | "in-process";
  readonly threads: number;
  /** True when SIGINT stopped the run before every task finished. */
  readonly stopped: boolean;
}

/** Lets the event loop run (so a pending SIGINT reaches its handler), then reports whether one arrived. */
async function interruptedNow(): Promise<boolean> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  return interruptRequested();
}

/**
 * Runs every task; `onDone` is called on the main thread as each point finishes (in completion order).
 * A non-AerchipError in a point (a bug) rejects after the running points settle. After SIGINT no task is
 * started and the result says `stopped`.
 */
export async function runPoints(tasks: readonly PointTask[], threads: number, onDone: (row: PointRow) => void): Promise<PoolRun> {
  const worker = compiledWorkerUrl();
  if (worker === undefined || threads <= 1 || tasks.length <= 1) {
    for (const t of tasks) {
      if (await interruptedNow()) return { mode: "in-process", threads: 1, stopped: true };
      let row: PointRow;
      try {
        row = await runPoint(t);
      } catch (e) {
        // Ctrl-C inside a point's simulation: that point is dropped (not written) and the run stops.
        if (isAerchipError(e) && e.code === "E_INTERRUPTED") return { mode: "in-process", threads: 1, stopped: true };
        throw e;
      }
      onDone(row);
    }
    return { mode: "in-process", threads: 1, stopped: false };
  }
  const n = Math.min(threads, tasks.length);
  const pool = new Piscina<PointTask, PointRow>({ filename: worker.href, minThreads: n, maxThreads: n, idleTimeout: 1000 });
  const abort = new AbortController();
  // The flag is polled: requestInterrupt() (tests, embedding) sets it without a signal.
  const poll = setInterval(() => { if (interruptRequested()) abort.abort(); }, YIELD_EVERY_MS);
  let next = 0;
  // n lanes, each taking the next task when its previous one finished: nothing is queued ahead, so a
  // stop leaves no task half-submitted.
  const lane = async (): Promise<void> => {
    while (next < tasks.length && !abort.signal.aborted && !interruptRequested()) {
      const t = tasks[next++];
      let row: PointRow;
      try {
        row = await pool.run(t, { signal: abort.signal });
      } catch (e) {
        if (abort.signal.aborted) return;
        throw e;
      }
      onDone(row);
    }
  };
  try {
    const settled = await Promise.allSettled(Array.from({ length: n }, lane));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  } finally {
    clearInterval(poll);
    await pool.destroy();
  }
  const stopped = next < tasks.length || abort.signal.aborted;
  return { mode: "workers", threads: n, stopped };
}
