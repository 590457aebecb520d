/**
 * Collecting a run's compile artefacts as soon as the run no longer needs them: the model's IR graph once
 * it is compiled (before the state is built), the program's per-synapse arrays once the state is built
 * (before the run).
 *
 * Why: compiling holds the graph and the program together; building the state adds the state; the run and
 * the outputs add their buffers. Nothing after compiling allocates enough on the JS heap for V8 to collect
 * what was dropped (core/gc.ts), so without these collections everything stays resident to the end.
 * SANA-FE's DVS network: graph ~64 MB, program ~72 MB, state ~22 MB; `aerchip run` peaked at ~334 MiB with
 * all of them resident at the end, and now peaks while compiling (graph + program).
 *
 * Only artefacts whose typed arrays reach COLLECT_MIN_BYTES are collected: a collection costs ~10–30 ms,
 * which small models would pay for a few MB.
 */
import type { ModelGraph } from "../compiler/ir/types.ts";
import type { ChipProgram } from "../chip/program/types.ts";
import { programIsPlastic } from "../chip/sim/state.ts";
import type { Logger } from "../core/log.ts";
import { collectUntilReleased } from "../core/gc.ts";

/** Artefacts with fewer typed-array bytes than this are left to V8 (a graph of about 1M synapses at 18 B each). */
export const COLLECT_MIN_BYTES = 16 * 1024 * 1024;

/** WeakRefs to `target` and `arrays`, or none when the arrays hold fewer than `minBytes` bytes. */
function refsWhenLarge(target: object, arrays: readonly ArrayBufferView[], minBytes: number): Array<WeakRef<object>> {
  let bytes = 0;
  for (const a of arrays) bytes += a.byteLength;
  if (bytes < minBytes) return [];
  return [new WeakRef(target), ...arrays.map((a) => new WeakRef(a))];
}

/**
 * WeakRefs to `graph` and its per-synapse arrays (the bulk of its memory; a closure that captured one
 * array but not the graph would keep it), or none when the graph is smaller than `minBytes`.
 * Call where the graph is still in hand; keep only the result.
 */
export function graphReleaseRefs(graph: ModelGraph, minBytes = COLLECT_MIN_BYTES): Array<WeakRef<object>> {
  return refsWhenLarge(graph, graph.projections.flatMap((pr) => [pr.preIndex, pr.postIndex, pr.weight, pr.delayTicks]), minBytes);
}

/**
 * WeakRefs to `program` and its crossbars' per-synapse arrays, the arrays releaseProgramSynapses
 * (chip/sim/state.ts) drops; none for plastic programs (never released) or programs under `minBytes`.
 */
export function programReleaseRefs(program: ChipProgram, minBytes = COLLECT_MIN_BYTES): Array<WeakRef<object>> {
  if (programIsPlastic(program)) return [];
  const arrays = program.cores.flatMap(({ crossbar: x }) => [x.synTarget, x.synWeight, x.synDelayTicks, x.synProjection, x.synIndex]);
  return refsWhenLarge(program, arrays, minBytes);
}

/** Collects until every target of `refs` is gone (core/gc.ts collectUntilReleased); logs the outcome. */
export async function collectReleased(what: string, refs: ReadonlyArray<WeakRef<object>>, logger?: Logger): Promise<boolean> {
  const t0 = performance.now();
  const released = await collectUntilReleased(refs);
  logger?.debug({ phase: "release", what, released, ms: Math.round(performance.now() - t0) }, released ? `${what} collected` : `${what} still referenced after collecting`);
  return released;
}
