/**
 * partition: splits every population into core-sized blocks and packs blocks into logical cores so that
 * every per-core limit of the ChipSpec holds: compartments, input axons (distinct source neurons
 * projecting into the core, one crossbar row each) and synapse memory bits. Output-axon limits depend on
 * where targets land and are checked by the route pass.
 *
 * Blocks are contiguous neuron ranges (nengo-loihi's split_blocks). A population is first cut greedily
 * (grow a block while it fits), then re-cut with the block size capped at ceil(size / blocks) so the
 * blocks are balanced (the slowest core sets the tick latency). Blocks are then packed first-fit into the
 * current core in graph order, which puts small populations together.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import type { IndexedGraph } from "./normalise.ts";
import { coreSynapseMemoryBits } from "./memory.ts";

export interface Block {
  readonly population: number;
  readonly start: number;
  readonly count: number;
  /** Distinct global source neurons feeding the block (its input axons if alone on a core). */
  readonly sources: Uint32Array;
  readonly synapses: number;
}

export interface LogicalCore {
  readonly blocks: Block[];
  neurons: number;
  inputAxons: number;
  synapses: number;
}

/** Incoming synapses grouped by global post neuron (CSC): sources of neuron g are inSrc[inPtr[g]..inPtr[g+1]). */
export interface FanIn {
  readonly inPtr: Float64Array;
  readonly inSrc: Uint32Array;
}

export function buildFanIn(ig: IndexedGraph): FanIn {
  const N = ig.totalNeurons;
  const inPtr = new Float64Array(N + 1);
  const { graph, popOffset, projPre, projPost } = ig;
  graph.projections.forEach((pr, k) => {
    const postBase = popOffset[projPost[k]];
    const post = pr.postIndex;
    for (let s = 0; s < post.length; s++) inPtr[postBase + post[s] + 1]++;
  });
  for (let g = 0; g < N; g++) inPtr[g + 1] += inPtr[g];
  const fill = inPtr.slice(0, N);
  const inSrc = new Uint32Array(ig.totalSynapses);
  graph.projections.forEach((pr, k) => {
    const postBase = popOffset[projPost[k]];
    const preBase = popOffset[projPre[k]];
    for (let s = 0; s < pr.postIndex.length; s++) inSrc[fill[postBase + pr.postIndex[s]]++] = preBase + pr.preIndex[s];
  });
  return { inPtr, inSrc };
}

class StampSet {
  private readonly stamp: Uint32Array;
  private epoch = 1;
  size = 0;
  constructor(universe: number) {
    this.stamp = new Uint32Array(universe);
  }
  reset(): void {
    this.epoch++;
    this.size = 0;
    if (this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
  }
  add(x: number): boolean {
    if (this.stamp[x] === this.epoch) return false;
    this.stamp[x] = this.epoch;
    this.size++;
    return true;
  }
  has(x: number): boolean {
    return this.stamp[x] === this.epoch;
  }
}

function cutPopulation(ig: IndexedGraph, fanIn: FanIn, spec: ChipSpec, p: number, cap: number, set: StampSet, file: string): Block[] {
  const pop = ig.graph.populations[p];
  const base = ig.popOffset[p];
  const { inPtr, inSrc } = fanIn;
  const lim = spec.core;
  const blocks: Block[] = [];
  let start = 0;
  while (start < pop.size) {
    set.reset();
    let count = 0;
    let synapses = 0;
    const sources: number[] = [];
    for (let i = start; i < pop.size && count < cap; i++) {
      const g = base + i;
      const lo = inPtr[g];
      const hi = inPtr[g + 1];
      // Tentatively add neuron i's sources; roll back if a limit breaks.
      const mark = sources.length;
      for (let s = lo; s < hi; s++) if (set.add(inSrc[s])) sources.push(inSrc[s]);
      const axons = sources.length;
      const syn = synapses + (hi - lo);
      const bits = coreSynapseMemoryBits(spec, axons, count + 1, syn);
      if (axons > lim.maxInputAxons || bits > lim.synapseMemoryBits) {
        if (count === 0) {
          const what = axons > lim.maxInputAxons
            ? { code: "E_CORE_INPUT_AXONS_EXCEEDED", need: axons, have: lim.maxInputAxons, limit: "core.maxInputAxons", fix: "reduce the neuron's fan-in (distinct pre-synaptic neurons), or use a chip with more input axons per core" }
            : { code: "E_CORE_SYNAPSE_MEMORY_EXCEEDED", need: bits, have: lim.synapseMemoryBits, limit: "core.synapseMemoryBits", fix: "prune or share synapses, lower weight/delay bits, or use a chip with more synapse memory per core" };
          throw new AerchipError(what.code, `neuron ${i} of population "${pop.name}" alone needs ${what.need} (${what.limit}); chip "${spec.name}" has ${what.have} per core`, { file, field: `populations.${pop.name}`, hint: what.fix });
        }
        sources.length = mark; // the stamps of the dropped sources are stale but the block is closed now
        break;
      }
      synapses = syn;
      count++;
    }
    blocks.push({ population: p, start, count, sources: Uint32Array.from(sources), synapses });
    start += count;
  }
  return blocks;
}

export interface PartitionOptions {
  /** Put blocks of different populations on one core when they fit (default true). */
  readonly pack?: boolean;
}

export function partitionGraph(ig: IndexedGraph, fanIn: FanIn, spec: ChipSpec, opts: PartitionOptions = {}, file = ig.graph.name): LogicalCore[] {
  const lim = spec.core;
  const set = new StampSet(Math.max(1, ig.totalNeurons));
  const allBlocks: Block[] = [];
  ig.graph.populations.forEach((pop, p) => {
    const greedy = cutPopulation(ig, fanIn, spec, p, lim.maxNeurons, set, file);
    let blocks = greedy;
    if (greedy.length > 1) {
      const balancedCap = Math.ceil(pop.size / greedy.length);
      const balanced = cutPopulation(ig, fanIn, spec, p, balancedCap, set, file);
      if (balanced.length === greedy.length) blocks = balanced;
    }
    for (const b of blocks) allBlocks.push(b);
  });
  const pack = opts.pack ?? true;
  const cores: LogicalCore[] = [];
  let cur: LogicalCore | undefined;
  const coreSet = new StampSet(Math.max(1, ig.totalNeurons));
  for (const b of allBlocks) {
    if (cur !== undefined && pack) {
      // Would b fit next to what the current core holds? Input axons are the union of sources.
      let extra = 0;
      for (let i = 0; i < b.sources.length; i++) if (!coreSet.has(b.sources[i])) extra++;
      const neurons = cur.neurons + b.count;
      const axons = cur.inputAxons + extra;
      const syn = cur.synapses + b.synapses;
      if (neurons <= lim.maxNeurons && axons <= lim.maxInputAxons && coreSynapseMemoryBits(spec, axons, neurons, syn) <= lim.synapseMemoryBits) {
        for (let i = 0; i < b.sources.length; i++) coreSet.add(b.sources[i]);
        cur.blocks.push(b);
        cur.neurons = neurons;
        cur.inputAxons = axons;
        cur.synapses = syn;
        continue;
      }
    }
    coreSet.reset();
    for (let i = 0; i < b.sources.length; i++) coreSet.add(b.sources[i]);
    cur = { blocks: [b], neurons: b.count, inputAxons: b.sources.length, synapses: b.synapses };
    cores.push(cur);
  }
  return cores;
}
