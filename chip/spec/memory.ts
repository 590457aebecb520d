/**
 * Memory accounting of one core under a ChipSpec: the synapse-memory bits a set of synapses takes in
 * the chip's synapse encoding, and the neuron-memory bits per neuron (compartment). The compiler's
 * partition pass compares `synapseMemoryBits` with `core.synapseMemoryBits`; the mapping report
 * shows both as utilisation.
 *
 * Entry width of one synapse (bits):
 *   w   = axonTypes ? 1 : weightBits                 (TrueNorth's crossbar stores a connect bit only)
 *   d   = delayPerSynapse && delaysUsed ? delayBits : 0
 *         delaysUsed is the core's own: whether a synapse stored on this core (one into its neurons) has a delay
 *         other than 1 tick. The delay width is part of each core's synapse format (Loihi: nengo-loihi
 *         SynapseConfig.delay_bits per core), so a core whose synapses all have delay 1 stores no delay field,
 *         whatever other cores hold (compiler/passes/partition.ts ORs it over a core's blocks,
 *         chip/program/core-memory.ts reads it from the core's synapses). delayPerSynapse false: the chip keeps
 *         one delay per source neuron outside the synapse memory (TrueNorth), so the compiler requires one delay
 *         for all of a neuron's synapses (E_CORE_DELAY_PER_NEURON) and charges no delay bits here.
 *   idx = ⌈log2 maxNeurons⌉                           (sparse only: the target neuron)
 *   dense entry  = w + d + extraBitsPerSynapse
 *   sparse entry = roundUp(w + d + idx + extraBitsPerSynapse, synapseWordBits ?? 1)
 *
 * dense:  bits = axons × neurons × dense entry       (the used block of the crossbar, zeros included)
 * sparse: without grouping: bits = synapses × sparse entry
 *         with grouping (axonHeaderBits / synapsesPerGroup / memoryWordBits, Loihi per nengo-loihi):
 *           bits = Σ_axons Σ_groups roundUp(n_group × entry + axonHeaderBits, memoryWordBits)
 *           with groups of ≤ synapsesPerGroup entries. Per-axon counts are exact when given
 *           (`synapsesPerAxon`); otherwise the synapses are assumed spread as evenly as possible
 *           over the axons (⌈S/A⌉ for S mod A axons, ⌊S/A⌋ for the rest), which is an estimate (it
 *           can be below the exact size: 800 axons of 65 and 800 of 1 synapse take 1,126,400 bits,
 *           the even spread of 33 per axon 1,024,000). The compiler's fit check and the reports
 *           always pass the core's real per-axon counts (`axonListLayout`, `synapsesPerAxonOfRows`).
 *         Dense and ungrouped sparse sizes depend only on the totals, so they are exact either way.
 *
 * Neuron memory per neuron (bits): `core.neuronMemoryBitsPerNeuron` when published, else
 *   stateBits + (separateCurrent ? currentBits : 0) + refractoryBits + postTraces × traceBits
 *   + (maxNeuronConfigs absent ? thresholdBits + decayBits : 0)   (per-neuron parameters)
 *   + (axonTypes ? axonTypes × weightBits : 0)                    (TrueNorth's per-type weights)
 *   + (adaptive threshold ? thresholdBits : 0)                    (θ, kept beside the threshold)
 * A published word is taken as it is, θ or not (the chip's word is what it stores).
 * Parameters shared through a configuration table (maxNeuronConfigs) are not charged per neuron.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "./types.ts";

export interface SynapseMemoryUsage {
  /** Distinct input axons (crossbar rows / synapse lists) the core uses. */
  readonly axons: number;
  /** Neurons (compartments) on the core. */
  readonly neurons: number;
  /** Synapses stored on the core. */
  readonly synapses: number;
  /** Whether any synapse on this core (not elsewhere in the model) needs a delay field: a delay other than 1 tick. */
  readonly delaysUsed: boolean;
  /** Optional exact synapse count of each used axon (length = axons, sum = synapses). */
  readonly synapsesPerAxon?: ArrayLike<number>;
}

function roundUp(bits: number, word: number): number {
  return word <= 1 ? bits : Math.ceil(bits / word) * word;
}

function bad(field: string, message: string): never {
  throw new AerchipError("E_MEMORY_USAGE_INVALID", `synapse memory accounting: ${message}`, {
    field,
    hint: "pass whole, non-negative counts for the core (axons, neurons, synapses); synapsesPerAxon must have one entry per axon summing to synapses",
  });
}

function checkCount(v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0) bad(field, `${field} must be a whole number >= 0, got ${v}`);
}

/** Bits of the target-neuron index in a sparse entry: ⌈log2 maxNeurons⌉ (0 for a one-neuron core). */
export function sparseIndexBits(spec: ChipSpec): number {
  const n = spec.core.maxNeurons;
  return n <= 1 ? 0 : Math.ceil(Math.log2(n));
}

/** Bits one synapse entry takes in the spec's encoding (see the module comment). */
export function synapseEntryBits(spec: ChipSpec, delaysUsed: boolean): number {
  const p = spec.precision;
  const enc = spec.synapseEncoding;
  const w = spec.core.axonTypes !== undefined ? 1 : p.weightBits;
  const d = enc.delayPerSynapse !== false && delaysUsed ? p.delayBits : 0;
  if (enc.kind === "dense") return w + d + enc.extraBitsPerSynapse;
  return roundUp(w + d + sparseIndexBits(spec) + enc.extraBitsPerSynapse, enc.synapseWordBits ?? 1);
}

function isGrouped(spec: ChipSpec): boolean {
  const e = spec.synapseEncoding;
  return e.axonHeaderBits !== undefined || e.synapsesPerGroup !== undefined || e.memoryWordBits !== undefined;
}

/** Bits of one axon's synapse list with `n` entries in a grouped sparse encoding. */
function groupedAxonBits(n: number, entryBits: number, header: number, perGroup: number, word: number): number {
  if (n === 0) return 0;
  const full = Math.floor(n / perGroup);
  const rest = n - full * perGroup;
  let bits = full * roundUp(perGroup * entryBits + header, word);
  if (rest > 0) bits += roundUp(rest * entryBits + header, word);
  return bits;
}

/**
 * One axon's synapse list in a grouped sparse encoding (Loihi):
 *   bits(n) = Σ_groups roundUp(n_group × entry + axonHeaderBits, memoryWordBits), groups of ≤ synapsesPerGroup
 *   step(n) = bits(n + 1) − bits(n), the bits the (n+1)-th synapse adds; it depends only on n mod
 *             synapsesPerGroup (a full group's size is fixed), so it is a table lookup.
 * A core's exact size is Σ over its axons of bits(synapses of the axon): the partitioner keeps it per axon
 * as it adds synapses (one `step` per synapse).
 */
export interface AxonListLayout {
  bits(n: number): number;
  step(n: number): number;
}

/** The spec's per-axon list layout, or undefined when a core's size depends only on its totals (dense, ungrouped sparse). */
export function axonListLayout(spec: ChipSpec, delaysUsed: boolean): AxonListLayout | undefined {
  if (spec.synapseEncoding.kind === "dense" || !isGrouped(spec)) return undefined;
  const enc = spec.synapseEncoding;
  const entry = synapseEntryBits(spec, delaysUsed);
  const header = enc.axonHeaderBits ?? 0;
  const perGroup = enc.synapsesPerGroup ?? Number.MAX_SAFE_INTEGER;
  const word = enc.memoryWordBits ?? 1;
  const bits = (n: number): number => groupedAxonBits(n, entry, header, perGroup, word);
  if (perGroup > 1 << 16) return { bits, step: (n: number): number => bits(n + 1) - bits(n) };
  const table = new Float64Array(perGroup);
  for (let r = 0; r < perGroup; r++) table[r] = bits(r + 1) - bits(r);
  return { bits, step: (n: number): number => table[n % perGroup] };
}

/** Synapses of each axon of a CSR synapse memory (row a spans [rowPtr[a], rowPtr[a+1])): one pass, one array. */
export function synapsesPerAxonOfRows(rowPtr: ArrayLike<number>): Uint32Array {
  const A = Math.max(0, rowPtr.length - 1);
  const out = new Uint32Array(A);
  for (let a = 0; a < A; a++) out[a] = rowPtr[a + 1] - rowPtr[a];
  return out;
}

/** Synapse-memory bits a core needs for `usage` under the spec's encoding. */
export function synapseMemoryBits(spec: ChipSpec, usage: SynapseMemoryUsage): number {
  const { axons, neurons, synapses, delaysUsed, synapsesPerAxon } = usage;
  checkCount(axons, "axons");
  checkCount(neurons, "neurons");
  checkCount(synapses, "synapses");
  if (synapses > 0 && axons === 0) bad("axons", `${synapses} synapses need at least one input axon`);
  const entry = synapseEntryBits(spec, delaysUsed);
  const enc = spec.synapseEncoding;
  if (enc.kind === "dense") return axons * neurons * entry;
  if (synapsesPerAxon !== undefined) {
    if (synapsesPerAxon.length !== axons) bad("synapsesPerAxon", `synapsesPerAxon has ${synapsesPerAxon.length} entries for ${axons} axons`);
    let sum = 0;
    for (let a = 0; a < axons; a++) {
      checkCount(synapsesPerAxon[a], `synapsesPerAxon[${a}]`);
      sum += synapsesPerAxon[a];
    }
    if (sum !== synapses) bad("synapsesPerAxon", `synapsesPerAxon sums to ${sum}, synapses is ${synapses}`);
  }
  if (!isGrouped(spec)) return synapses * entry;
  const header = enc.axonHeaderBits ?? 0;
  const perGroup = enc.synapsesPerGroup ?? Number.MAX_SAFE_INTEGER;
  const word = enc.memoryWordBits ?? 1;
  if (synapsesPerAxon !== undefined) {
    let bits = 0;
    for (let a = 0; a < axons; a++) bits += groupedAxonBits(synapsesPerAxon[a], entry, header, perGroup, word);
    return bits;
  }
  if (axons === 0) return 0;
  const q = Math.floor(synapses / axons);
  const r = synapses - q * axons;
  return r * groupedAxonBits(q + 1, entry, header, perGroup, word) + (axons - r) * groupedAxonBits(q, entry, header, perGroup, word);
}

export interface NeuronMemoryOptions {
  /** Post-synaptic learning traces kept per neuron (Loihi: up to 3 when learning); default 0. */
  readonly postTraces?: number;
  /**
   * The neuron adapts its threshold (θ of chip/program/types.ts CoreNeurons.thetaPlus or thetaDrift ≠ 0): it keeps θ
   * beside its threshold, at the threshold's width, so +precision.thresholdBits; default false.
   */
  readonly adaptiveThreshold?: boolean;
}

/** Neuron-memory bits of one neuron (compartment) under the spec (see the module comment). */
export function neuronStateBits(spec: ChipSpec, opts: NeuronMemoryOptions = {}): number {
  const published = spec.core.neuronMemoryBitsPerNeuron;
  if (published !== undefined) return published;
  const p = spec.precision;
  const postTraces = opts.postTraces ?? 0;
  checkCount(postTraces, "postTraces");
  let bits = p.stateBits + p.refractoryBits + postTraces * p.traceBits;
  if (p.separateCurrent !== false) bits += p.currentBits;
  if (opts.adaptiveThreshold === true) bits += p.thresholdBits;
  if (spec.core.maxNeuronConfigs === undefined) bits += p.thresholdBits + p.decayBits;
  if (spec.core.axonTypes !== undefined) bits += spec.core.axonTypes * p.weightBits;
  return bits;
}

/** Neuron-memory bits of a core holding `neurons` neurons. */
export function neuronMemoryBits(spec: ChipSpec, neurons: number, opts: NeuronMemoryOptions = {}): number {
  checkCount(neurons, "neurons");
  return neurons * neuronStateBits(spec, opts);
}
