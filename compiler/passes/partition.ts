/**
 * partition: splits every population into core-sized blocks and packs blocks into logical cores so that
 * every per-core limit of the ChipSpec holds: compartments, input axons (distinct source neurons
 * projecting into the core, one crossbar row each) and synapse memory bits. Output-axon limits depend on
 * where targets land and are checked by the route pass.
 *
 * Blocks are contiguous neuron ranges (nengo-loihi's split_blocks). A population is first cut greedily
 * (grow a block while it fits), then re-cut with the block size capped at ceil(size / blocks) so the
 * blocks are balanced (the slowest core sets the tick latency). Blocks are then packed next-fit into the
 * current core in graph order (pack-cores.ts), which puts small populations together. When that needs more
 * cores than the chip has, compile.ts asks for the fill cut (PartitionOptions.fill, cutFilling): each
 * population's first block cut to the room left in the core before it, so that a model whose populations exactly
 * fill the chip fits whatever their order (audit s25a #1). Either way every core holds at most one block of a
 * population (a contiguous range of its positions) and its blocks in population order.
 *
 * Input neurons take neuron slots (core.maxNeurons, one neuron configuration, a dense crossbar's column) like
 * compartments, except on a chip whose inputs are AER events addressing crossbar rows (core.inputsTakeNeuronSlots
 * false, ODIN: chip/spec/neuron-slots.ts): there an input population is one block with no neuron limit (split only
 * by output axons) and adds no slots to the core it is packed into; it still takes output axons there (each input
 * neuron at least one, its AER source address: chip/spec/neuron-slots.ts), and its spikes take input axons
 * (crossbar rows) on the cores they reach.
 *
 * Synapse memory is the exact size of the layout (chip/spec/memory.ts). Dense and ungrouped sparse sizes depend
 * only on a core's totals; a grouped encoding (Loihi: per axon, groups of ≤ 64 entries rounded up to 64-bit
 * words plus a header) depends on each axon's synapse count, so blocks and cores keep that count per source
 * (a typed array indexed by source neuron, stamped per block/core) and the size as
 *   bits = Σ_axons layout.bits(synapses of the axon)
 * updated as synapses are added (layout.step: one table lookup, one array read and write per synapse, no allocation).
 *
 * The delay field is per core (chip/spec/memory.ts `delaysUsed`): a core's synapse entries carry delayBits only when
 * a synapse it stores, one into its neurons, has a delay other than 1 (IndexedGraph.delayedIn). A block carries the
 * flag of its neurons and a core the OR of its blocks'. When a neuron or block sets the flag on a block or core that
 * had none, every entry widens, so its size is re-summed once under the delayed layout (a block here, a core in
 * pack-cores.ts CorePacker, which the fill cut also asks for its prefix blocks):
 *   bits = Σ_axons layout_d.bits(synapses of the axon)        (grouped; dense and ungrouped from the totals)
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { neuronAt, type IndexedGraph } from "./normalise.ts";
import { synapseMemoryBits } from "../../chip/spec/memory.ts";
import { inputsTakeNeuronSlots } from "../../chip/spec/neuron-slots.ts";
import type { FanOutGroups } from "./fanout-groups.ts";
import { CorePacker, listLayouts, StampSet, type ListLayouts } from "./pack-cores.ts";
import { compartmentVMin, condAt, thetaBoundsAt, INPUT_NEURON_CONFIG, neuronConfigKey as configKey } from "../../chip/program/neuron-config.ts";

export interface Block {
  readonly population: number;
  readonly start: number;
  readonly count: number;
  /** Distinct global source neurons feeding the block (its input axons if alone on a core). */
  readonly sources: Uint32Array;
  readonly synapses: number;
  /** Synapses from each of `sources` into the block (same order); only for grouped synapse encodings. */
  readonly sourceSynapses?: Uint32Array;
  /** Whether a synapse into the block has a delay other than 1 (its entries then carry the delay field). */
  readonly delayed: boolean;
  /** Σ over the block's neurons of the distinct blocks they send to: an upper bound of its output axons. */
  outputs: number;
  /** Distinct neuron configurations in the block (only tracked when the chip limits them). */
  configs?: ReadonlySet<string>;
}

/**
 * A neuron's configuration: the parameters a core keeps in a shared configuration table (Loihi's
 * compartment profiles: decays, threshold, reset, refractory period); bias and state stay per neuron.
 */
export function neuronConfigKey(ig: IndexedGraph, p: number, g: number): string {
  const pop = ig.graph.populations[p];
  const pp = pop.params;
  if (pp === undefined) return INPUT_NEURON_CONFIG;
  const j = g - ig.popOffset[p];
  return configKey({
    spiking: pop.spiking, voltageDecay: pp.voltageDecay[j], currentDecay: pp.currentDecay[j], vThreshold: pp.vThreshold[j], vReset: pp.vReset[j],
    resetMode: pp.resetMode[j], thresholdOp: pp.thresholdOp[j], refractoryTicks: pp.refractoryTicks[j],
    dynamics: pp.dynamics?.[j] ?? 0, thetaPlus: pp.thetaPlus?.[j] ?? 0, thetaDecay: pp.thetaDecay?.[j] ?? 1,
    vMin: compartmentVMin(pp.dynamics?.[j] ?? 0, pp.reverseResetMode?.[j], pp.vReverseThreshold?.[j]), thetaBounds: thetaBoundsAt(pp, j), cond: condAt(pp, j),
  });
}

export interface LogicalCore {
  readonly blocks: Block[];
  /** Every neuron placed on the core (input neurons included). */
  neurons: number;
  /** The neurons taking neuron slots (core.maxNeurons): `neurons`, or without the input neurons (chip/spec/neuron-slots.ts). */
  slots: number;
  inputAxons: number;
  synapses: number;
  outputAxons: number;
  /** Exact synapse-memory bits of the core's layout (0 for a fixed placement's cores: compile.ts sizes them after routing). */
  synapseBits: number;
  /** Whether a synapse the core stores has a delay other than 1: the OR of its blocks' `delayed` (false for a fixed placement's cores). */
  delayed: boolean;
  /** Why the partition opened the next core instead of adding to this one (absent on the last core and on fixed placements). */
  closedBy?: CoreClosure;
}

/** A per-core limit the next block would have broken: the core's figure before it, with it, and the limit. */
export interface LimitHit {
  readonly field: "core.maxNeurons" | "core.maxInputAxons" | "core.maxOutputAxons" | "core.synapseMemoryBits" | "core.maxNeuronConfigs";
  readonly had: number;
  readonly would: number;
  readonly limit: number;
}

/**
 * Why a core was closed: the block that opened the next core and every limit it would have broken on this one
 * (compile.ts names them when the cores outnumber the chip's). `limits` is empty when packing is off (pack false).
 */
export interface CoreClosure {
  readonly block: { readonly population: number; readonly start: number; readonly count: number };
  readonly limits: readonly LimitHit[];
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
  const K = graph.projections.length;
  for (let k = 0; k < K; k++) {
    const post = graph.projections[k].postIndex;
    const postBase = popOffset[projPost[k]] + 1;
    for (let s = 0; s < post.length; s++) inPtr[postBase + post[s]]++;
  }
  for (let g = 0; g < N; g++) inPtr[g + 1] += inPtr[g];
  const fill = inPtr.slice(0, N);
  const inSrc = new Uint32Array(ig.totalSynapses);
  for (let k = 0; k < K; k++) {
    const { preIndex: pre, postIndex: post } = graph.projections[k];
    const postBase = popOffset[projPost[k]];
    const preBase = popOffset[projPre[k]];
    for (let s = 0; s < post.length; s++) inSrc[fill[postBase + post[s]]++] = preBase + pre[s];
  }
  return { inPtr, inSrc };
}

/** Outgoing synapses grouped by global pre neuron (CSR): targets of g are outDst[outPtr[g]..outPtr[g+1]). */
export interface FanOut {
  readonly outPtr: Float64Array;
  readonly outDst: Uint32Array;
}

export function buildFanOut(ig: IndexedGraph): FanOut {
  const N = ig.totalNeurons;
  const outPtr = new Float64Array(N + 1);
  const { graph, popOffset, projPre, projPost } = ig;
  const K = graph.projections.length;
  for (let k = 0; k < K; k++) {
    const pre = graph.projections[k].preIndex;
    const preBase = popOffset[projPre[k]] + 1;
    for (let s = 0; s < pre.length; s++) outPtr[preBase + pre[s]]++;
  }
  for (let g = 0; g < N; g++) outPtr[g + 1] += outPtr[g];
  const fill = outPtr.slice(0, N);
  const outDst = new Uint32Array(ig.totalSynapses);
  for (let k = 0; k < K; k++) {
    const { preIndex: pre, postIndex: post } = graph.projections[k];
    const preBase = popOffset[projPre[k]];
    const postBase = popOffset[projPost[k]];
    for (let s = 0; s < pre.length; s++) outDst[fill[preBase + pre[s]]++] = postBase + post[s];
  }
  return { outPtr, outDst };
}


/** The block's per-source synapse counts, in `sources` order (grouped encodings only). */
function sourceCounts(sources: readonly number[], cnt: Uint32Array | undefined): Uint32Array | undefined {
  if (cnt === undefined) return undefined;
  const out = new Uint32Array(sources.length);
  for (let i = 0; i < sources.length; i++) out[i] = cnt[sources[i]];
  return out;
}

/** Whether population p's neurons take neuron slots on the chip (all but input neurons where inputs are AER events). */
function takesSlots(ig: IndexedGraph, spec: ChipSpec, p: number): boolean {
  return inputsTakeNeuronSlots(spec) || ig.graph.populations[p].kind !== "input";
}

/**
 * The population's blocks from position `from` on, each grown greedily from `start` while it fits (at most
 * `cap` neurons). With `mayStart` (fanout-groups.ts), a block that would end inside a group ends instead
 * before that group's first position, when that leaves the block a neuron: it is grown again up to there.
 */
function cutPopulation(ig: IndexedGraph, fanIn: FanIn, spec: ChipSpec, p: number, cap: number, set: StampSet, file: string, layouts: ListLayouts | undefined, mayStart?: Uint8Array, from = 0): Block[] {
  const pop = ig.graph.populations[p];
  const { inPtr, inSrc } = fanIn;
  const lim = spec.core;
  const cnt = set.count;
  const slots = takesSlots(ig, spec, p);
  const blocks: Block[] = [];
  let start = from;
  let limit = cap;
  while (start < pop.size) {
    set.reset();
    let count = 0;
    let synapses = 0;
    let blockBits = 0; // exact bits of the block so far (grouped encodings)
    let delayed = false; // a synapse into the block has a delay ≠ 1
    const sources: number[] = [];
    const configs = lim.maxNeuronConfigs === undefined || !slots ? undefined : new Set<string>();
    for (let i = start; i < pop.size && count < limit; i++) {
      const g = neuronAt(ig, p, i);
      if (configs !== undefined && lim.maxNeuronConfigs !== undefined) {
        const key = neuronConfigKey(ig, p, g);
        if (!configs.has(key) && configs.size >= lim.maxNeuronConfigs) break;
        configs.add(key);
      }
      const lo = inPtr[g];
      const hi = inPtr[g + 1];
      // Tentatively add neuron i's sources; roll back if a limit breaks.
      const mark = sources.length;
      let bits = blockBits;
      const withDelay: boolean = delayed || ig.delayedIn[g] === 1;
      if (layouts === undefined || cnt === undefined) {
        for (let s = lo; s < hi; s++) if (set.add(inSrc[s])) sources.push(inSrc[s]);
      } else {
        const listBits = withDelay ? layouts.delayed : layouts.plain;
        // The first delayed neuron widens every entry the block already holds: re-sum its axons' lists.
        if (withDelay && !delayed) {
          bits = 0;
          for (let j = 0; j < sources.length; j++) bits += listBits.bits(cnt[sources[j]]);
        }
        for (let s = lo; s < hi; s++) {
          const src = inSrc[s];
          if (set.add(src)) { sources.push(src); cnt[src] = 0; }
          const n = cnt[src];
          bits += listBits.step(n);
          cnt[src] = n + 1;
        }
      }
      const axons = sources.length;
      const syn = synapses + (hi - lo);
      // Dense and ungrouped sparse sizes follow from the totals (exact); grouped ones were summed per axon above.
      if (layouts === undefined) bits = synapseMemoryBits(spec, { axons, neurons: slots ? count + 1 : 0, synapses: syn, delaysUsed: withDelay });
      if (axons > lim.maxInputAxons || bits > lim.synapseMemoryBits) {
        if (count === 0) {
          const what = axons > lim.maxInputAxons
            ? { code: "E_CORE_INPUT_AXONS_EXCEEDED", need: axons, have: lim.maxInputAxons, limit: "core.maxInputAxons", fix: "reduce the neuron's fan-in (distinct pre-synaptic neurons), or use a chip with more input axons per core" }
            : { code: "E_CORE_SYNAPSE_MEMORY_EXCEEDED", need: bits, have: lim.synapseMemoryBits, limit: "core.synapseMemoryBits", fix: "prune or share synapses, lower weight/delay bits, or use a chip with more synapse memory per core" };
          throw new AerchipError(what.code, `neuron ${neuronAt(ig, p, i) - ig.popOffset[p]} of population "${pop.name}" alone needs ${what.need} (${what.limit}); chip "${spec.name}" has ${what.have} per core`, { file, field: `populations.${pop.name}`, hint: what.fix });
        }
        // Undo neuron i's synapses in the per-source counts (the block keeps its neurons' counts).
        if (layouts !== undefined && cnt !== undefined) for (let s = lo; s < hi; s++) cnt[inSrc[s]]--;
        sources.length = mark; // the stamps of the dropped sources are stale but the block is closed now
        break;
      }
      synapses = syn;
      blockBits = bits;
      delayed = withDelay;
      count++;
    }
    const end = start + count;
    if (mayStart !== undefined && end < pop.size && mayStart[end] === 0) {
      let q = end - 1;
      while (q > start && mayStart[q] === 0) q--;
      if (q > start) {
        limit = q - start; // grow the block again, up to the group that does not fit whole
        continue;
      }
    }
    limit = cap;
    const sourceSynapses = layouts === undefined ? undefined : sourceCounts(sources, cnt);
    blocks.push({ population: p, start, count, sources: Uint32Array.from(sources), synapses, ...(sourceSynapses === undefined ? {} : { sourceSynapses }), delayed, outputs: 0, ...(configs === undefined ? {} : { configs }) });
    start += count;
  }
  return blocks;
}

export interface PartitionOptions {
  /** Put blocks of different populations on one core when they fit (default true). */
  readonly pack?: boolean;
  /**
   * Cut at group starts and pack blocks group by group (fanout-groups.ts): compile.ts's second try when the
   * default mapping breaks core.maxFanOutCores. Absent: the default cut (greedy, then balanced) and order.
   */
  readonly fanOutGroups?: FanOutGroups;
  /**
   * Cut each population's first block to the room the current core has left (cutFilling): compile.ts's fallback
   * when the default cut, packed whole in file order, needs more cores than the chip has. Not with fanOutGroups.
   */
  readonly fill?: boolean;
}

/**
 * fanCores[g] = number of distinct blocks neuron g sends to (its output axons if blocks were cores): an upper
 * bound of its destination cores, used only to size blocks for core.maxOutputAxons. core.maxFanOutCores is
 * checked by the route pass on the real destination cores after packing (a neuron whose targets are two
 * blocks packed onto one core sends to one core).
 */
function countFanBlocks(fanOut: FanOut, blockOf: Uint32Array, blockCount: number, fanCores: Uint32Array): void {
  const { outPtr, outDst } = fanOut;
  const seen = new Uint32Array(blockCount);
  const N = fanCores.length;
  for (let g = 0; g < N; g++) {
    let n = 0;
    const hi = outPtr[g + 1];
    for (let s = outPtr[g]; s < hi; s++) {
      const b = blockOf[outDst[s]];
      if (seen[b] !== g + 1) { seen[b] = g + 1; n++; }
    }
    fanCores[g] = n;
  }
}

/**
 * Output axons: a neuron needs one routing entry per destination core. Fan-out in cores depends on how the
 * targets are cut, so blocks whose Σ fan-out exceeds core.maxOutputAxons are split and the count redone
 * until nothing changes (cutting a target block can only raise its sources' counts, so this converges).
 */
function splitByOutputs(ig: IndexedGraph, fanIn: FanIn, fanOut: FanOut, spec: ChipSpec, blocks: Block[], set: StampSet, file: string, perSource: boolean): Block[] {
  const N = ig.totalNeurons;
  const lim = spec.core.maxOutputAxons;
  const blockOf = new Uint32Array(N);
  const fanCores = new Uint32Array(N);
  for (let round = 0; round < 64; round++) {
    blocks.forEach((b, bi) => { for (let i = 0; i < b.count; i++) blockOf[neuronAt(ig, b.population, b.start + i)] = bi; });
    countFanBlocks(fanOut, blockOf, blocks.length, fanCores);
    let changed = false;
    const next: Block[] = [];
    for (const b of blocks) {
      // An input neuron that takes no neuron slot is an AER source address of its core: at least one output axon.
      const minFan = takesSlots(ig, spec, b.population) ? 0 : 1;
      const fanOf = (i: number): number => Math.max(minFan, fanCores[neuronAt(ig, b.population, b.start + i)]);
      let total = 0;
      for (let i = 0; i < b.count; i++) total += fanOf(i);
      b.outputs = total;
      if (total <= lim) { next.push(b); continue; }
      changed = true;
      // Cut greedily by cumulative fan-out.
      let i = 0;
      while (i < b.count) {
        let acc = 0;
        let j = i;
        while (j < b.count && acc + fanOf(j) <= lim) acc += fanOf(j++);
        if (j === i) {
          const pop = ig.graph.populations[b.population];
          throw new AerchipError("E_CORE_OUTPUT_AXONS_EXCEEDED", `neuron ${neuronAt(ig, b.population, b.start + i) - ig.popOffset[b.population]} of population "${pop.name}" alone sends to ${fanOf(i)} cores; chip "${spec.name}" has ${lim} output axons per core`, {
            file, field: `populations.${pop.name}`, hint: "reduce the neuron's fan-out, use bigger cores so targets share cores, or a chip with more output axons per core",
          });
        }
        next.push(recut(ig, fanIn, b.population, b.start + i, j - i, set, acc, spec.core.maxNeuronConfigs !== undefined && takesSlots(ig, spec, b.population), perSource));
        i = j;
      }
    }
    blocks = next;
    if (!changed) break;
  }
  return blocks;
}

function recut(ig: IndexedGraph, fanIn: FanIn, p: number, start: number, count: number, set: StampSet, outputs: number, trackConfigs: boolean, perSource: boolean): Block {
  set.reset();
  const cnt = perSource ? set.count : undefined;
  const configs = trackConfigs ? new Set<string>() : undefined;
  for (let i = start; i < start + count; i++) configs?.add(neuronConfigKey(ig, p, neuronAt(ig, p, i)));
  const sources: number[] = [];
  let synapses = 0;
  let delayed = false;
  for (let i = start; i < start + count; i++) {
    const g = neuronAt(ig, p, i);
    if (ig.delayedIn[g] === 1) delayed = true;
    for (let s = fanIn.inPtr[g]; s < fanIn.inPtr[g + 1]; s++) {
      const src = fanIn.inSrc[s];
      if (set.add(src)) {
        sources.push(src);
        if (cnt !== undefined) cnt[src] = 0;
      }
      if (cnt !== undefined) cnt[src]++;
    }
    synapses += fanIn.inPtr[g + 1] - fanIn.inPtr[g];
  }
  const sourceSynapses = sourceCounts(sources, cnt);
  return { population: p, start, count, sources: Uint32Array.from(sources), synapses, ...(sourceSynapses === undefined ? {} : { sourceSynapses }), delayed, outputs, ...(configs === undefined ? {} : { configs }) };
}

/** The blocks in the order their groups (of their first neuron) first appear, stable otherwise. */
function byGroup(ig: IndexedGraph, blocks: Block[], groupOf: Uint32Array): Block[] {
  const rank = new Map<number, number>();
  const keys = blocks.map((b) => {
    const g = groupOf[neuronAt(ig, b.population, b.start)];
    let r = rank.get(g);
    if (r === undefined) rank.set(g, (r = rank.size));
    return r;
  });
  return blocks.map((b, i) => ({ b, i })).sort((x, y) => keys[x.i] - keys[y.i] || x.i - y.i).map((x) => x.b);
}

/**
 * The population's default blocks from position `from` on: cut greedily (at most core.maxNeurons neurons), then
 * again with the cap ⌈(size − from) / blocks⌉ so the blocks are balanced, when that gives as many blocks. With
 * fan-out groups the greedy cut stands (balancing would cut inside the groups).
 */
function cutDefault(ig: IndexedGraph, fanIn: FanIn, spec: ChipSpec, p: number, set: StampSet, file: string, layouts: ListLayouts | undefined, groups?: FanOutGroups, from = 0): Block[] {
  const pop = ig.graph.populations[p];
  // Input neurons that take no slot are cut by nothing but output axons (splitByOutputs).
  const greedy = cutPopulation(ig, fanIn, spec, p, takesSlots(ig, spec, p) ? spec.core.maxNeurons : pop.size, set, file, layouts, groups?.mayStart[p], from);
  if (greedy.length <= 1 || groups !== undefined) return greedy;
  const balancedCap = Math.ceil((pop.size - from) / greedy.length);
  const balanced = cutPopulation(ig, fanIn, spec, p, balancedCap, set, file, layouts, undefined, from);
  return balanced.length === greedy.length ? balanced : greedy;
}

/**
 * The fill cut (PartitionOptions.fill): populations in file order, each one's first block cut to the room the
 * current core has left, the rest of it cut as by default. The room is the largest k whose first k neurons fit
 * next to the core's blocks under every limit CorePacker checks (neurons, input axons, synapse memory, neuron
 * configurations; output axons are not known before every population is cut, and are checked when the blocks
 * are packed). Every figure grows with k, so k is found by bisection over 0 … min(size, core.maxNeurons).
 * Populations of 20, 30 and 25 neurons, 38 per core: 20 + 30[0:18] → core 0 (38), 30[18:30] + 25 → core 1 (37), where
 * whole blocks take 20, 30, 25 → 3 cores. The packing is simulated here on a second CorePacker.
 */
function cutFilling(ig: IndexedGraph, fanIn: FanIn, spec: ChipSpec, set: StampSet, file: string, layouts: ListLayouts | undefined, popSlots: readonly boolean[]): Block[] {
  const sim = new CorePacker(ig, spec, layouts, true, popSlots);
  const all: Block[] = [];
  ig.graph.populations.forEach((pop, p) => {
    const prefix = (k: number): Block => recut(ig, fanIn, p, 0, k, set, 0, spec.core.maxNeuronConfigs !== undefined && popSlots[p], layouts !== undefined);
    let k = 0;
    // Input neurons that take no slot stay one block (their limit, output axons, is known only later).
    if (popSlots[p]) {
      let hi = Math.min(pop.size, spec.core.maxNeurons);
      while (k < hi) {
        const mid = Math.ceil((k + hi) / 2);
        if (sim.fits(prefix(mid))) k = mid;
        else hi = mid - 1;
      }
    }
    const blocks = k === 0 ? [] : [prefix(k)];
    if (k < pop.size) for (const b of cutDefault(ig, fanIn, spec, p, set, file, layouts, undefined, k)) blocks.push(b);
    for (const b of blocks) {
      sim.add(b);
      all.push(b);
    }
  });
  return all;
}

/**
 * Joins two blocks of one population that are next to each other on a core into one block, as the default
 * packing never leaves them (the fill cut's first block moves to the next core when its output axons do not
 * fit where it was cut for, and can land beside the block after it).
 */
function mergeAdjacent(ig: IndexedGraph, fanIn: FanIn, spec: ChipSpec, cores: LogicalCore[], set: StampSet, layouts: ListLayouts | undefined): void {
  for (const core of cores) {
    const bs = core.blocks;
    for (let i = bs.length - 1; i > 0; i--) {
      const a = bs[i - 1];
      const b = bs[i];
      if (a.population !== b.population || a.start + a.count !== b.start) continue;
      const trackConfigs = spec.core.maxNeuronConfigs !== undefined && takesSlots(ig, spec, a.population);
      bs.splice(i - 1, 2, recut(ig, fanIn, a.population, a.start, a.count + b.count, set, a.outputs + b.outputs, trackConfigs, layouts !== undefined));
    }
  }
}

export function partitionGraph(ig: IndexedGraph, fanIn: FanIn, spec: ChipSpec, opts: PartitionOptions = {}, file = ig.graph.name, fanOut: FanOut = buildFanOut(ig)): LogicalCore[] {
  const layouts = listLayouts(spec);
  const set = new StampSet(Math.max(1, ig.totalNeurons), layouts !== undefined);
  const groups = opts.fanOutGroups;
  const popSlots = ig.graph.populations.map((_, p) => takesSlots(ig, spec, p));
  let allBlocks: Block[] = [];
  if (opts.fill === true) allBlocks = cutFilling(ig, fanIn, spec, set, file, layouts, popSlots);
  else ig.graph.populations.forEach((_, p) => { for (const b of cutDefault(ig, fanIn, spec, p, set, file, layouts, groups)) allBlocks.push(b); });
  allBlocks = splitByOutputs(ig, fanIn, fanOut, spec, allBlocks, set, file, layouts !== undefined);
  if (groups !== undefined) allBlocks = byGroup(ig, allBlocks, groups.groupOf);
  const packer = new CorePacker(ig, spec, layouts, opts.pack ?? true, popSlots);
  for (const b of allBlocks) packer.add(b);
  if (opts.fill === true) mergeAdjacent(ig, fanIn, spec, packer.cores, set, layouts);
  return packer.cores;
}
