/**
 * Synapse-memory accounting used while partitioning (bits one core needs for its crossbar).
 *   dense:  axons × neurons × (weightBits + delayBits)     (a full crossbar block, zeros included)
 *   sparse: synapses × (weightBits + delayBits + ⌈log2 maxNeurons⌉ + extraBitsPerSynapse)
 *           + axons × ⌈log2(synapse words + 1)⌉           (a row pointer per input axon)
 */
import type { ChipSpec } from "../../chip/spec/types.ts";

export function coreSynapseMemoryBits(spec: ChipSpec, axons: number, neurons: number, synapses: number): number {
  const p = spec.precision;
  const enc = spec.synapseEncoding;
  if (enc.kind === "dense") return axons * neurons * (p.weightBits + p.delayBits);
  const indexBits = Math.max(1, Math.ceil(Math.log2(spec.core.maxNeurons)));
  const wordBits = p.weightBits + p.delayBits + indexBits + enc.extraBitsPerSynapse;
  const ptrBits = Math.max(1, Math.ceil(Math.log2(synapses + 1)));
  return synapses * wordBits + axons * ptrBits;
}
