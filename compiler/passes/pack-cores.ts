/**
 * pack-cores: next-fit packing of blocks into logical cores (partition.ts cuts the blocks). A block goes into
 * the current core when every per-core limit still holds with it there, else it opens the next core:
 *   - neurons: the core's slots + the block's (input neurons that take no slot add none, chip/spec/neuron-slots.ts);
 *   - input axons: the union of the blocks' sources (a source feeding two blocks of a core takes one axon);
 *   - output axons: bounded by the sum of the blocks' fan-outs (Block.outputs);
 *   - synapse memory: the exact layout of the union (grouped: a shared source's list grows from `have` to
 *     `have + k` synapses, bits += layout.bits(have + k) − layout.bits(have));
 *   - neuron configurations: the union of the blocks' configurations.
 * The delay field is per core (chip/spec/memory.ts `delaysUsed`): a core is delayed when one of its blocks is
 * (Block.delayed); a delayed block added to a core that had no delay field widens every entry the core holds, so
 * the core's lists are re-summed once under the delayed layout, bits = Σ_axons layout_d.bits(synapses of the axon)
 * (grouped; dense and ungrouped sizes follow from the totals).
 * A closed core records the block that did not fit and every limit it would have broken (core-closures.ts).
 * `fits` asks the same question without adding, so partition.ts's fill cut (its fallback) can size a block
 * to the room the current core has left.
 */
import type { ChipSpec } from "../../chip/spec/types.ts";
import { axonListLayout, synapseMemoryBits, type AxonListLayout } from "../../chip/spec/memory.ts";
import type { IndexedGraph } from "./normalise.ts";
import type { Block, LimitHit, LogicalCore } from "./partition.ts";

/** A set of small integers with O(1) reset (an epoch stamp per member), and optionally a number per member. */
export class StampSet {
  private readonly stamp: Uint32Array;
  private epoch = 1;
  size = 0;
  /** A number per member (synapses from a source), valid only while has(x); set by the caller when add(x) is true. */
  readonly count: Uint32Array | undefined;
  constructor(universe: number, counted = false) {
    this.stamp = new Uint32Array(universe);
    this.count = counted ? new Uint32Array(universe) : undefined;
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

/** The grouped list layouts without and with the delay field (both undefined when only a core's totals matter). */
export interface ListLayouts {
  readonly plain: AxonListLayout;
  readonly delayed: AxonListLayout;
}

export function listLayouts(spec: ChipSpec): ListLayouts | undefined {
  const plain = axonListLayout(spec, false);
  const delayed = axonListLayout(spec, true);
  return plain === undefined || delayed === undefined ? undefined : { plain, delayed };
}

/** The current core's figures with a block added, and the limits they break. */
interface Trial {
  readonly neurons: number;
  readonly slots: number;
  readonly axons: number;
  readonly synapses: number;
  readonly outputs: number;
  readonly bits: number;
  readonly delayed: boolean;
  readonly hits: LimitHit[];
}

export class CorePacker {
  readonly cores: LogicalCore[] = [];
  private cur: LogicalCore | undefined;
  private readonly coreSet: StampSet;
  private readonly coreConfigs = new Set<string>();
  /** The current core's sources in the order they came (grouped encodings: to re-sum the core when it gains the delay field). */
  private readonly coreSources: number[] = [];
  private readonly ig: IndexedGraph;
  private readonly spec: ChipSpec;
  private readonly layouts: ListLayouts | undefined;
  private readonly pack: boolean;
  private readonly popSlots: readonly boolean[];

  /**
   * `layouts`: one axon's list layouts without and with the delay field for grouped encodings (undefined when
   * only a core's totals matter);
   * `popSlots[p]`: whether population p's neurons take neuron slots; `pack` false: one block per core.
   */
  constructor(ig: IndexedGraph, spec: ChipSpec, layouts: ListLayouts | undefined, pack: boolean, popSlots: readonly boolean[]) {
    this.ig = ig;
    this.spec = spec;
    this.layouts = layouts;
    this.pack = pack;
    this.popSlots = popSlots;
    this.coreSet = new StampSet(Math.max(1, ig.totalNeurons), layouts !== undefined);
  }

  /** Whether a core is open and b fits into it next to what it holds. */
  fits(b: Block): boolean {
    return this.trial(b)?.hits.length === 0;
  }

  /** The current core's figures with b added; undefined when no core is open or packing is off. */
  private trial(b: Block): Trial | undefined {
    const cur = this.cur;
    if (cur === undefined || !this.pack) return undefined;
    const lim = this.spec.core;
    const { layouts, coreSet } = this;
    const coreCnt = coreSet.count;
    let extra = 0;
    let bits = cur.synapseBits;
    const k = b.sourceSynapses;
    const delayed = cur.delayed || b.delayed;
    if (layouts === undefined || coreCnt === undefined || k === undefined) {
      for (let i = 0; i < b.sources.length; i++) if (!coreSet.has(b.sources[i])) extra++;
    } else {
      const listBits = delayed ? layouts.delayed : layouts.plain;
      // A delayed block widens every entry of a core that had no delay field: re-sum the core's lists first.
      if (delayed && !cur.delayed) {
        bits = 0;
        for (let j = 0; j < this.coreSources.length; j++) bits += listBits.bits(coreCnt[this.coreSources[j]]);
      }
      for (let i = 0; i < b.sources.length; i++) {
        const src = b.sources[i];
        let have = 0;
        if (coreSet.has(src)) have = coreCnt[src];
        else extra++;
        bits += listBits.bits(have + k[i]) - listBits.bits(have);
      }
    }
    const neurons = cur.neurons + b.count;
    const slots = cur.slots + (this.popSlots[b.population] ? b.count : 0);
    const axons = cur.inputAxons + extra;
    const synapses = cur.synapses + b.synapses;
    const outputs = cur.outputAxons + b.outputs;
    let configs = this.coreConfigs.size;
    if (lim.maxNeuronConfigs !== undefined && b.configs !== undefined) {
      const union = new Set(this.coreConfigs);
      for (const c of b.configs) union.add(c);
      configs = union.size;
    }
    if (layouts === undefined) bits = synapseMemoryBits(this.spec, { axons, neurons: slots, synapses, delaysUsed: delayed });
    const hits: LimitHit[] = [];
    if (slots > lim.maxNeurons) hits.push({ field: "core.maxNeurons", had: cur.slots, would: slots, limit: lim.maxNeurons });
    if (axons > lim.maxInputAxons) hits.push({ field: "core.maxInputAxons", had: cur.inputAxons, would: axons, limit: lim.maxInputAxons });
    if (outputs > lim.maxOutputAxons) hits.push({ field: "core.maxOutputAxons", had: cur.outputAxons, would: outputs, limit: lim.maxOutputAxons });
    if (bits > lim.synapseMemoryBits) hits.push({ field: "core.synapseMemoryBits", had: cur.synapseBits, would: bits, limit: lim.synapseMemoryBits });
    if (lim.maxNeuronConfigs !== undefined && configs > lim.maxNeuronConfigs) hits.push({ field: "core.maxNeuronConfigs", had: this.coreConfigs.size, would: configs, limit: lim.maxNeuronConfigs });
    return { neurons, slots, axons, synapses, outputs, bits, delayed, hits };
  }

  /** Adds b's sources (and per-source synapse counts) to the current core's sets. */
  private addSources(b: Block): void {
    const k = b.sourceSynapses;
    const coreCnt = this.coreSet.count;
    for (let i = 0; i < b.sources.length; i++) {
      const src = b.sources[i];
      if (this.coreSet.add(src) && coreCnt !== undefined) { coreCnt[src] = 0; this.coreSources.push(src); }
      if (coreCnt !== undefined && k !== undefined) coreCnt[src] += k[i];
    }
  }

  /** Puts b into the current core when it fits there, else into a new core (closing the current one). */
  add(b: Block): void {
    const cur = this.cur;
    const t = this.trial(b);
    if (cur !== undefined && t !== undefined) {
      if (t.hits.length === 0) {
        if (b.configs !== undefined) for (const c of b.configs) this.coreConfigs.add(c);
        this.addSources(b);
        cur.blocks.push(b);
        cur.neurons = t.neurons;
        cur.slots = t.slots;
        cur.inputAxons = t.axons;
        cur.synapses = t.synapses;
        cur.outputAxons = t.outputs;
        cur.synapseBits = t.bits;
        cur.delayed = t.delayed;
        return;
      }
      cur.closedBy = { block: { population: b.population, start: b.start, count: b.count }, limits: t.hits };
    } else if (cur !== undefined) {
      cur.closedBy = { block: { population: b.population, start: b.start, count: b.count }, limits: [] };
    }
    const bSlots = this.popSlots[b.population] ? b.count : 0;
    this.coreSet.reset();
    this.coreSources.length = 0;
    this.coreConfigs.clear();
    if (b.configs !== undefined) for (const c of b.configs) this.coreConfigs.add(c);
    this.addSources(b);
    let bits = 0;
    if (this.layouts === undefined || b.sourceSynapses === undefined) bits = synapseMemoryBits(this.spec, { axons: b.sources.length, neurons: bSlots, synapses: b.synapses, delaysUsed: b.delayed });
    else {
      const listBits = b.delayed ? this.layouts.delayed : this.layouts.plain;
      for (let i = 0; i < b.sourceSynapses.length; i++) bits += listBits.bits(b.sourceSynapses[i]);
    }
    this.cur = { blocks: [b], neurons: b.count, slots: bSlots, inputAxons: b.sources.length, synapses: b.synapses, outputAxons: b.outputs, synapseBits: bits, delayed: b.delayed };
    this.cores.push(this.cur);
  }
}
