/**
 * Whether a chip's input neurons take neuron slots (ChipSpec `core.inputsTakeNeuronSlots`, default true).
 *
 * Most presets model the model's input neurons as compartments: each is placed on a core and takes one of its
 * `core.maxNeurons` slots. ODIN's inputs are off-chip AER events whose 8-bit pre-synaptic address selects one of
 * the 256 crossbar rows (ChFrenkel/ODIN @1781931 doc/README.md; hardware-facts.md §2.4): they are not neurons of
 * the chip, so with the flag false the neurons a core holds against its limits are
 *   slots = neurons − (input neurons of the core)
 * (against maxNeurons, maxNeuronConfigs, neuron memory and a dense crossbar's columns), while the input neurons
 * are still placed on a core, still send through its output axons and routes, and their spikes still reach
 * crossbar rows (input axons) of the destination cores, which `core.maxInputAxons` limits. Each such input neuron
 * is one AER source address of the core it is placed on, so the compiler counts it as at least one of that core's
 * output axons (one per destination core, one if it has none):
 *   input neurons on a core ≤ core.maxOutputAxons
 * (ODIN tells 256 pre-synaptic addresses apart), which also bounds a model's input neurons by
 * cores × maxOutputAxons before its arrays are built (compiler/core-capacity.ts).
 */
import type { ChipSpec } from "./types.ts";

export function inputsTakeNeuronSlots(spec: ChipSpec): boolean {
  return spec.core.inputsTakeNeuronSlots !== false;
}

/** Neurons that take neuron slots among `neurons`, of which `inputs` are input neurons. */
export function slotNeurons(spec: ChipSpec, neurons: number, inputs: number): number {
  return inputsTakeNeuronSlots(spec) ? neurons : neurons - inputs;
}
