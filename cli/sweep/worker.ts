/**
 * piscina worker: one task is one sweep point (one whole simulation, never a step). Only the compiled
 * dist/cli/sweep/worker.js is loaded as a worker (Node 20 worker threads cannot import .ts sources);
 * from source the same runPoint runs in-process (cli/sweep/pool.ts).
 */
import type { PointTask } from "./grid.ts";
import { runPoint, type PointRow } from "./point.ts";

export default async function sweepWorker(task: PointTask): Promise<PointRow> {
  return runPoint(task);
}
