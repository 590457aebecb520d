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
  /**
   * delayedIn[g] = 1 when global neuron g receives a synapse with a delay other than 1 tick. The synapses live on
   * the target's core, so a core's synapse words carry a delay field only when one of its neurons has this flag
   * (chip/spec/memory.ts `delaysUsed` is per core; the partition ORs it over a core's blocks).
   */
  readonly delayedIn: Uint8Array;
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

/**
 * A source neuron whose synapses have different delays, on a chip that keeps one delay per neuron output
 * (synapseEncoding.delayPerSynapse false: TrueNorth, whose neuron sends each spike to one axon on one core,
 * core.maxFanOutCores 1, with one delay, "delays are per neuron output, not per synapse" and "are not stored
 * in the crossbar": chip/spec/presets/truenorth.json fieldSources). Names the neuron, every delay it uses and
 * the projections; only called on the error path, so it rescans the projections.
 */
function refuseMixedDelays(graph: ModelGraph, spec: ChipSpec, p: number, neuron: number, file: string): never {
  const pop = graph.populations[p].name;
  const delays = new Set<number>();
  const projections: string[] = [];
  for (const pr of graph.projections) {
    if (pr.pre !== pop) continue;
    let used = false;
    for (let s = 0; s < pr.preIndex.length; s++) {
      if (pr.preIndex[s] !== neuron) continue;
      delays.add(pr.delayTicks[s]);
      used = true;
    }
    if (used) projections.push(`"${pr.name}"`);
  }
  const list = [...delays].sort((x, y) => x - y).join(", ");
  throw new AerchipError("E_CORE_DELAY_PER_NEURON", `neuron ${neuron} of population "${pop}" sends with delays ${list} ticks (projections ${projections.join(", ")}); chip "${spec.name}" keeps one delay per source neuron, not one per synapse (synapseEncoding.delayPerSynapse false)`, {
    file, field: `populations.${pop}`,
    hint: "give all synapses of a source neuron the same delay (route the other delays through relay neurons), or use a chip with per-synapse delays (synapseEncoding.delayPerSynapse true, e.g. loihi or spinnaker2)",
  });
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
  const delayedIn = new Uint8Array(totalNeurons);
  let maxDelayTicks = 1;
  const maxDelay = spec.core.maxDelayTicks;
  // Chips without per-synapse delays (synapseEncoding.delayPerSynapse false) give a delay per source neuron:
  // outDelay[g] = the delay of g's synapses seen so far (0 = none yet); refuseMixedDelays says why.
  const perNeuron = spec.synapseEncoding.delayPerSynapse === false && maxDelay > 1;
  const outDelay = perNeuron ? new Uint16Array(totalNeurons) : undefined;
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
    const preBase = popOffset[a];
    const postBase = popOffset[b];
    for (let s = 0; s < n; s++) {
      if (preIndex[s] >= preSize || postIndex[s] >= postSize) {
        throw new AerchipError("E_MODEL_INDEX", `${field} synapse ${s} connects ${preIndex[s]} → ${postIndex[s]}, outside ${preSize} × ${postSize}`, { file, field, hint: "fix the synapse indices" });
      }
      const d = delayTicks[s];
      if (d !== 1) delayedIn[postBase + postIndex[s]] = 1;
      if (d > maxDelayTicks) maxDelayTicks = d;
      if (d < 1) throw new AerchipError("E_MODEL_DELAY", `${field} synapse ${s} has delay ${d}`, { file, field, hint: "delays are whole ticks >= 1" });
      if (d > maxDelay) {
        throw new AerchipError("E_CORE_DELAY_EXCEEDED", `${field} synapse ${s} needs a delay of ${d} ticks; chip "${spec.name}" holds at most ${maxDelay}`, {
          file, field, hint: `shorten the delay, insert relay neurons, or use a chip with core.maxDelayTicks >= ${d}`,
        });
      }
      if (!Number.isFinite(weight[s])) throw new AerchipError("E_MODEL_WEIGHT", `${field} synapse ${s} has weight ${weight[s]}`, { file, field, hint: "weights must be finite" });
      if (outDelay !== undefined) {
        const g = preBase + preIndex[s];
        if (outDelay[g] === 0) outDelay[g] = d;
        else if (outDelay[g] !== d) refuseMixedDelays(graph, spec, a, preIndex[s], file);
      }
    }
    projPre[k] = a;
    projPost[k] = b;
    totalSynapses += n;
  });
  if (K > 0xffff) throw new AerchipError("E_MODEL_TOO_LARGE", `the model has ${K} projections`, { file, hint: "at most 65535 projections" });
  return { graph, popOffset, popIndex, projPre, projPost, totalNeurons, totalSynapses, delayedIn, maxDelayTicks, order: graph.populations.map(() => undefined) };
}
