/**
 * Collecting a model's IR graph once it is compiled, before the simulator state is built.
 *
 * Why: compiling holds the graph and the program together; building the state adds the state. The graph
 * is garbage once compiled (the CLI keeps only the program, the stimulus and a few counts), but nothing
 * after compiling allocates enough on the JS heap for V8 to collect it (core/gc.ts), so without a
 * collection here graph, program and state stay resident together to the end of the run. SANA-FE's DVS
 * network: graph ~64 MB, program ~72 MB, state ~22 MB; `aerchip run` peaked at ~337 MB with the graph
 * resident and peaks during compile (~260 MB) without it.
 *
 * Only graphs whose typed arrays reach COLLECT_MIN_BYTES are collected: a collection costs ~10–30 ms,
 * which small models would pay for a few MB.
 */
import type { ModelGraph } from "../compiler/ir/types.ts";
import type { Logger } from "../core/log.ts";
import { collectUntilReleased } from "../core/gc.ts";

/** Graphs with fewer typed-array bytes than this are left to V8 (about 1M synapses at 18 B each). */
export const COLLECT_MIN_BYTES = 16 * 1024 * 1024;

/**
 * WeakRefs to `graph` and to its per-synapse arrays (the bulk of its memory; a closure that captured one
 * array but not the graph would keep it), or none when the graph is smaller than `minBytes`.
 * Call where the graph is still in hand; keep only the result.
 */
export function graphReleaseRefs(graph: ModelGraph, minBytes = COLLECT_MIN_BYTES): Array<WeakRef<object>> {
  const arrays = graph.projections.flatMap((pr) => [pr.preIndex, pr.postIndex, pr.weight, pr.delayTicks]);
  let bytes = 0;
  for (const a of arrays) bytes += a.byteLength;
  if (bytes < minBytes) return [];
  return [new WeakRef(graph), ...arrays.map((a) => new WeakRef(a))];
}

/** Collects until every target of `refs` is gone (core/gc.ts collectUntilReleased); logs the outcome. */
export async function releaseGraph(refs: ReadonlyArray<WeakRef<object>>, logger?: Logger): Promise<boolean> {
  const t0 = performance.now();
  const released = await collectUntilReleased(refs);
  logger?.debug({ phase: "release", released, ms: Math.round(performance.now() - t0) }, released ? "IR graph collected" : "IR graph still referenced after collecting");
  return released;
}
