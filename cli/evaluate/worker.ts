/**
 * piscina worker of `aerchip evaluate --jobs N`: one task is a batch of consecutive samples
 * (cli/evaluate/batch.ts). Only the compiled dist/cli/evaluate/worker.js is loaded as a worker (Node 20
 * worker threads cannot import .ts sources); from source the samples run on the main thread
 * (cli/evaluate/pool.ts).
 */
import { runSampleBatch, type SampleBatchResult, type SampleBatchTask } from "./batch.ts";

export default async function evaluateWorker(task: SampleBatchTask): Promise<SampleBatchResult> {
  return runSampleBatch(task);
}
