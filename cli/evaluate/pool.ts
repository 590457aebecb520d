/**
 * `aerchip evaluate --jobs N`: the samples on N piscina worker threads, in batches of consecutive samples
 * (cli/evaluate/batch.ts), their outcomes handed back to the main thread IN SAMPLE ORDER, so that every sum
 * the document makes (the energy terms' float means, the batch activity) adds them in the order the
 * sequential loop does and the outputs are byte-identical to `--jobs 1`.
 *
 * Workers need the compiled worker (dist/cli/evaluate/worker.js, built by `npm run build`): Node 20 worker
 * threads cannot import the TypeScript sources. When this module runs from source (vitest, .ts),
 * `sampleWorkerUrl()` is undefined and the caller runs the samples on the main thread instead (as `aerchip
 * sweep` does, cli/sweep/pool.ts).
 *
 * Failures: an AerchipError in a sample stops new batches from starting; the running ones finish, and the
 * error of the lowest-index failed sample is thrown (as it was raised in the worker: code, message, file,
 * field, hint). Batches start in sample order, so every sample before it has run: it is the error `--jobs 1`
 * stops at. Any other error (a bug) rejects after the running batches settle. Ctrl-C (cli/interrupt.ts):
 * no batch starts after it, the running ones are aborted (their threads terminated) and E_INTERRUPTED is
 * thrown; nothing has been written (the caller writes its outputs at the end).
 */
import { compiledSibling } from "../compiled-sibling.ts";
import { Piscina } from "piscina";
import { interruptRequested, throwIfInterrupted, YIELD_EVERY_MS } from "../interrupt.ts";
import type { DatasetSample } from "../dataset-inputs.ts";
import { aerchipErrorOf, type SampleBatchResult, type SampleBatchTask, type SampleError, type SampleWorkerPreload, type SampleWorkerSetup } from "./batch.ts";
import type { SampleOutcome } from "./sample.ts";

/** The compiled worker next to this module, when this module is the compiled one. */
export function sampleWorkerUrl(): URL | undefined {
  return compiledSibling(import.meta.url, "worker.js");
}

/** Most samples in one task: small batches balance the load (samples differ in length) and keep progress fine-grained. */
export const MAX_BATCH_SAMPLES = 16;

/**
 * Samples per task: about eight tasks per worker, 1 … MAX_BATCH_SAMPLES, so that no worker is left with a
 * long tail while the others idle, and a task's overhead (one message each way) stays small against its runs.
 */
export function batchSize(samples: number, jobs: number): number {
  return Math.max(1, Math.min(MAX_BATCH_SAMPLES, Math.floor(samples / (jobs * 8))));
}

/** A started pool of sample workers (startSampleWorkers): `run` the evaluation once, `close` in any case. */
export interface SampleWorkers {
  readonly threads: number;
  /**
   * Runs `samples` in batches; `accept(outcome, position)` is called on the main thread for each sample in
   * sample order, `onDone(done)` as samples finish (in any order).
   */
  run(setup: SampleWorkerSetup, samples: readonly DatasetSample[], accept: (outcome: SampleOutcome, position: number) => void, onDone: (done: number) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts min(jobs, batches) workers for `samples` samples; each begins loading the model at once
 * (`preload`), so that this overlaps the main thread's check of the samples and its compile.
 */
export function startSampleWorkers(worker: URL, jobs: number, samples: number, preload: SampleWorkerPreload): SampleWorkers {
  const size = batchSize(samples, jobs);
  const n = Math.min(jobs, Math.ceil(samples / size));
  const pool = new Piscina<SampleBatchTask, SampleBatchResult>({ filename: worker.href, minThreads: n, maxThreads: n, idleTimeout: 1000, workerData: preload });
  // A worker that fails outside a task (its module does not load: a bug, or no memory for another thread)
  // is an 'error' event, not a rejected task: kept, and thrown by `run` (piscina starts no new worker then,
  // so the running batches are aborted rather than left waiting).
  const broken: { error?: unknown; readonly abort: AbortController } = { abort: new AbortController() };
  pool.on("error", (e: unknown) => {
    broken.error ??= e;
    broken.abort.abort();
  });
  let closed = false;
  return {
    threads: n,
    run: (setup, list, accept, onDone) => runOnPool(pool, broken, n, size, setup, list, accept, onDone),
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.destroy();
    },
  };
}

async function runOnPool(pool: Piscina<SampleBatchTask, SampleBatchResult>, broken: { readonly error?: unknown; readonly abort: AbortController }, n: number, size: number, setup: SampleWorkerSetup, samples: readonly DatasetSample[], accept: (outcome: SampleOutcome, position: number) => void, onDone: (done: number) => void): Promise<void> {
  const tasks: SampleBatchTask[] = [];
  for (let first = 0; first < samples.length; first += size) tasks.push({ setup, samples: samples.slice(first, first + size), first, total: samples.length });
  const abort = broken.abort;
  // The flag is polled: requestInterrupt() (tests, embedding) sets it without a signal.
  const poll = setInterval(() => { if (interruptRequested()) abort.abort(); }, YIELD_EVERY_MS);
  const ready = new Map<number, readonly SampleOutcome[]>();
  let merged = 0;
  let next = 0;
  let done = 0;
  let failed: SampleError | undefined;
  const settle = (b: number, r: SampleBatchResult): void => {
    done += r.outcomes.length;
    onDone(done);
    if (r.error !== undefined && (failed === undefined || r.error.position < failed.position)) failed = r.error;
    ready.set(b, r.outcomes);
    // Hand over every batch that is next in order (a failed batch's outcomes are never all there: merging stops).
    while (failed === undefined && ready.has(merged)) {
      const outs = ready.get(merged)!;
      ready.delete(merged);
      outs.forEach((o, k) => accept(o, tasks[merged].first + k));
      merged++;
    }
  };
  // n lanes, each taking the next batch when its previous one finished: nothing is queued ahead, so a stop
  // leaves no batch half-submitted.
  const lane = async (): Promise<void> => {
    while (next < tasks.length && failed === undefined && !abort.signal.aborted && !interruptRequested()) {
      const b = next++;
      let r: SampleBatchResult;
      try {
        r = await pool.run(tasks[b], { signal: abort.signal });
      } catch (e) {
        if (abort.signal.aborted) return;
        throw e;
      }
      settle(b, r);
    }
  };
  try {
    const settled = await Promise.allSettled(Array.from({ length: n }, lane));
    const bug = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (bug !== undefined) throw bug.reason;
  } finally {
    clearInterval(poll);
  }
  if (broken.error !== undefined) throw broken.error;
  if (failed !== undefined) throw aerchipErrorOf(failed);
  if (merged < tasks.length) throwIfInterrupted(`while simulating the samples on ${n} worker threads (${done} of ${samples.length} done)`);
}
