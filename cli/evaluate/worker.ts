/**
 * piscina worker of `aerchip evaluate --jobs N`: one task is a batch of consecutive samples
 * (cli/evaluate/batch.ts). Only the compiled dist/cli/evaluate/worker.js is loaded as a worker (Node 20
 * worker threads cannot import .ts sources); from source the samples run on the main thread
 * (cli/evaluate/pool.ts).
 */
import { workerData } from "piscina";
import { preloadModel, runSampleBatch, type SampleBatchResult, type SampleBatchTask, type SampleWorkerPreload } from "./batch.ts";

// The pool starts before the main thread has checked the samples and compiled: the model loads meanwhile.
const preload = workerData as SampleWorkerPreload | undefined;
if (preload !== undefined && preload !== null) preloadModel(preload);

export default async function evaluateWorker(task: SampleBatchTask): Promise<SampleBatchResult> {
  return runSampleBatch(task);
}
