/**
 * Worker threads started before a run needs them (a team's, and timing threads: chip/timing/thread.ts).
 * A worker takes 60–70 ms to start and load the engine's modules (measured on this project's 2-vCPU VM),
 * which a one-off run paid after its state was built: with bench_lif10k that cost more than two threads
 * saved. A caller that knows early that a run will use threads (the CLI, before it loads the model) starts
 * the workers here; they load their modules while this thread loads and compiles, then wait for their data
 * by message (worker.ts, thread-worker.ts), and the run takes them instead of starting new ones. Timing
 * workers also come back here when their run ends well (thread.ts), warm for the next run. A worker that
 * is never taken just waits; it holds no event loop (unref) and ends with the process.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { AerchipError } from "../../../core/diagnostics.ts";

/** Waiting workers by script URL. */
const pools = new Map<string, Worker[]>();

/** Starts workers of script `url` until `count` wait for it. */
export function prestart(url: URL, count: number): void {
  const pool = pools.get(url.href) ?? [];
  pools.set(url.href, pool);
  while (pool.length < count) {
    const w = new Worker(url, { workerData: { prestarted: true }, execArgv: [], stdout: false, stderr: false });
    w.unref();
    returnPrestarted(url, w);
  }
}

const watched = new WeakSet<Worker>();

/** Puts a worker of script `url` that waits for its next data by message (back) into the pool. */
export function returnPrestarted(url: URL, w: Worker): void {
  const pool = pools.get(url.href) ?? [];
  pools.set(url.href, pool);
  if (!watched.has(w)) {
    watched.add(w);
    // A worker that failed or ended is dropped (its next user starts a new one).
    const drop = (): void => {
      const i = pool.indexOf(w);
      if (i >= 0) pool.splice(i, 1);
    };
    w.once("error", drop);
    w.once("exit", drop);
  }
  pool.push(w);
}

/** A waiting worker of script `url`, or undefined when none waits. Hand it its data with postMessage. */
export function takePrestarted(url: URL): Worker | undefined {
  return pools.get(url.href)?.shift();
}

/** Starts workers of the script `url()` gives until `count` wait (no-op where the compiled engine is missing: the run says so when it starts them). */
export function prestartBuilt(url: () => URL, count: number): void {
  let u: URL;
  try {
    u = url();
  } catch {
    return;
  }
  prestart(u, count);
}

/** Starts `count` team workers. */
export function prestartWorkers(count: number): void {
  prestartBuilt(workerUrl, count);
}

/** A waiting team worker, or undefined. */
export function takePrestartedWorker(): Worker | undefined {
  return takePrestarted(workerUrl());
}

/** Workers of script `url` waiting. */
export function waitingWorkers(url: URL): number {
  return pools.get(url.href)?.length ?? 0;
}

/** Team workers waiting (tests). */
export function prestartedWorkers(): number {
  return waitingWorkers(workerUrl());
}

/**
 * A worker script of the compiled engine: `name` next to the calling module (`moduleUrl`) in a build, else
 * `distPath` (from the repository root) when the caller runs from the TypeScript sources (tests: Node 20
 * cannot start a worker from them). `what` says what needs it when the build is missing.
 */
export function compiledWorkerUrl(moduleUrl: string, name: string, distPath: string, what: string): URL {
  if (moduleUrl.endsWith(".js")) return new URL(`./${name}`, moduleUrl);
  const root = new URL("../../../", import.meta.url);
  const built = new URL(distPath, root);
  if (existsSync(fileURLToPath(built))) return built;
  throw new AerchipError("E_SIM_THREADS_UNAVAILABLE", `${what} the compiled engine (${distPath}), which is missing`, {
    field: "threads", hint: "run `npm run build` (npm ci does it), or use --threads 1",
  });
}

/** The compiled team worker. */
export function workerUrl(): URL {
  return compiledWorkerUrl(import.meta.url, "worker.js", "dist/chip/sim/threads/worker.js", "multi-threaded runs need");
}
