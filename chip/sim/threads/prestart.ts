/**
 * Worker threads started before a run needs them. A worker takes 60–70 ms to start and load the engine's
 * modules (measured on this project's 2-vCPU VM), which a one-off run paid after its state was built:
 * with bench_lif10k that cost more than two threads saved. A caller that knows early that a run will use a
 * team (the CLI, before it loads the model) starts the workers here; they load their modules while this
 * thread loads and compiles, then wait for their part (worker.ts), and team.ts takes them instead of
 * starting new ones. A worker that is never taken just waits; it holds no event loop (unref) and ends
 * with the process.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { AerchipError } from "../../../core/diagnostics.ts";

const pool: Worker[] = [];

/** Starts workers until `count` wait in the pool (no-op where the compiled engine is missing). */
export function prestartWorkers(count: number): void {
  let url: URL;
  try {
    url = workerUrl();
  } catch {
    return; // the team will say so when it is made
  }
  while (pool.length < count) {
    const w = new Worker(url, { workerData: { prestarted: true }, execArgv: [], stdout: false, stderr: false });
    w.unref();
    // A worker that failed to start is dropped (its team then starts a new one).
    const drop = (): void => {
      const i = pool.indexOf(w);
      if (i >= 0) pool.splice(i, 1);
    };
    w.once("error", drop);
    w.once("exit", drop);
    pool.push(w);
  }
}

/** A pre-started worker, or undefined when none waits. */
export function takePrestartedWorker(): Worker | undefined {
  return pool.shift();
}

/** Workers waiting in the pool (tests). */
export function prestartedWorkers(): number {
  return pool.length;
}

/** The compiled worker: next to this module in a build, else in dist/ beside the sources. */
export function workerUrl(): URL {
  if (import.meta.url.endsWith(".js")) return new URL("./worker.js", import.meta.url);
  const built = new URL("../../../dist/chip/sim/threads/worker.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new AerchipError("E_SIM_THREADS_UNAVAILABLE", "multi-threaded runs need the compiled engine (dist/chip/sim/threads/worker.js), which is missing", {
    field: "threads", hint: "run `npm run build` (npm ci does it), or use --threads 1",
  });
}
