/**
 * normalise: checks a ModelGraph against itself and the chip before any mapping work, and gives every
 * neuron a global index (populations concatenated in graph order).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import type { ModelGraph } from "../ir/types.ts";

export interface IndexedGraph {
  readonly graph: ModelGraph;
  /** popOffset[p] = global index of population p's first neuron; popOffset[P] = total neurons. */
  readonly popOffset: Uint32Array;
  readonly popIndex: ReadonlyMap<string, number>;
  /** projPre[k], projPost[k]: population indices of projection k. */
  readonly projPre: Uint32Array;
  readonly projPost: Uint32Array;
  readonly totalNeurons: number;
  readonly totalSynapses: number;
  /** Whether any synapse has a delay other than 1 tick (then synapse words carry a delay field). */
  readonly delaysUsed: boolean;
  /** Largest synapse delay in ticks (1 when there are no synapses). */
  readonly maxDelayTicks: number;
  /**
   * Per population, the compiler's neuron order: order[p][pos] = the neuron (index in the population)
   * at position pos; undefined = the population's own order. Blocks are ranges of positions.
   */
  readonly order: Array<Uint32Array | undefined>;
}

/** Global index of the neuron at position `pos` of population p (see IndexedGraph.order). */
export function neuronAt(ig: IndexedGraph, p: number, pos: number): number {
  const o = ig.order[p];
  return ig.popOffset[p] + (o === undefined ? pos : o[pos]);
}

export function normaliseGraph(graph: ModelGraph, spec: ChipSpec, file = graph.name): IndexedGraph {
  const P = graph.populations.length;
  if (P === 0) throw new AerchipError("E_MODEL_EMPTY", "the model has no populations", { file, hint: "add at least one population" });
  const popIndex = new Map<string, number>();
  const popOffset = new Uint32Array(P + 1);
  graph.populations.forEach((p, i) => {
    if (popIndex.has(p.name)) throw new AerchipError("E_MODEL_DUPLICATE_NAME", `population "${p.name}" is defined twice`, { file, field: `populations[${i}].name`, hint: "rename one of them" });
    if (p.kind === "neuron" && p.params === undefined) throw new AerchipError("E_MODEL_FIELD", `population "${p.name}" has no neuron parameters`, { file, field: `populations[${i}]`, hint: "front ends must fill params" });
    popIndex.set(p.name, i);
    popOffset[i + 1] = popOffset[i] + p.size;
  });
  const totalNeurons = popOffset[P];
  if (totalNeurons > 0xfffffffe) throw new AerchipError("E_MODEL_TOO_LARGE", `the model has ${totalNeurons} neurons`, { file, hint: "at most 2^32-2 neurons" });
  const K = graph.projections.length;
  const projPre = new Uint32Array(K);
  const projPost = new Uint32Array(K);
  let totalSynapses = 0;
  let delaysUsed = false;
  let maxDelayTicks = 1;
  const maxDelay = spec.core.maxDelayTicks;
  graph.projections.forEach((pr, k) => {
    const field = `projections[${k}] (${pr.name})`;
    const a = popIndex.get(pr.pre);
    const b = popIndex.get(pr.post);
    if (a === undefined || b === undefined) throw new AerchipError("E_MODEL_UNKNOWN_POPULATION", `${field} connects unknown population "${a === undefined ? pr.pre : pr.post}"`, { file, field, hint: "connect populations the model defines" });
    if (graph.populations[b].kind !== "neuron") throw new AerchipError("E_MODEL_FIELD", `${field} ends on input population "${pr.post}"`, { file, field, hint: "inputs cannot receive synapses" });
    const n = pr.preIndex.length;
    if (pr.postIndex.length !== n || pr.weight.length !== n || pr.delayTicks.length !== n) {
      throw new AerchipError("E_MODEL_FIELD", `${field} has synapse arrays of different lengths`, { file, field, hint: "pre, post, weight and delay need one entry per synapse" });
    }
    const preSize = graph.populations[a].size;
    const postSize = graph.populations[b].size;
    const { preIndex, postIndex, delayTicks, weight } = pr;
    for (let s = 0; s < n; s++) {
      if (preIndex[s] >= preSize || postIndex[s] >= postSize) {
        throw new AerchipError("E_MODEL_INDEX", `${field} synapse ${s} connects ${preIndex[s]} → ${postIndex[s]}, outside ${preSize} × ${postSize}`, { file, field, hint: "fix the synapse indices" });
      }
      const d = delayTicks[s];
      if (d !== 1) delaysUsed = true;
      if (d > maxDelayTicks) maxDelayTicks = d;
      if (d < 1) throw new AerchipError("E_MODEL_DELAY", `${field} synapse ${s} has delay ${d}`, { file, field, hint: "delays are whole ticks >= 1" });
      if (d > maxDelay) {
        throw new AerchipError("E_CORE_DELAY_EXCEEDED", `${field} synapse ${s} needs a delay of ${d} ticks; chip "${spec.name}" holds at most ${maxDelay}`, {
          file, field, hint: `shorten the delay, insert relay neurons, or use a chip with core.maxDelayTicks >= ${d}`,
        });
      }
      if (!Number.isFinite(weight[s])) throw new AerchipError("E_MODEL_WEIGHT", `${field} synapse ${s} has weight ${weight[s]}`, { file, field, hint: "weights must be finite" });
    }
    projPre[k] = a;
    projPost[k] = b;
    totalSynapses += n;
  });
  if (K > 0xffff) throw new AerchipError("E_MODEL_TOO_LARGE", `the model has ${K} projections`, { file, hint: "at most 65535 projections" });
  return { graph, popOffset, popIndex, projPre, projPost, totalNeurons, totalSynapses, delaysUsed, maxDelayTicks, order: graph.populations.map(() => undefined) };
}
