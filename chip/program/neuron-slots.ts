/**
 * The neurons of a compiled core that take neuron slots (chip/spec/neuron-slots.ts): all of them, or on a chip
 * whose inputs are AER events (`core.inputsTakeNeuronSlots` false, ODIN) only its compartments. One count for
 * the program check (fits-spec.ts), the synapse-memory size (core-memory.ts) and the run report's utilisation
 * (chip/report/metrics.ts), so they agree with the compiler's partition.
 */
import { inputsTakeNeuronSlots } from "../spec/neuron-slots.ts";
import type { ChipSpec } from "../spec/types.ts";
import { NeuronKind, type CoreProgram } from "./types.ts";

/** Input neurons of `cp` (NeuronKind.input); needs the core's neuron arrays. */
export function coreInputNeurons(cp: CoreProgram): number {
  const kind = cp.neurons.kind;
  let n = 0;
  for (let i = 0; i < cp.neuronCount; i++) if (kind[i] === NeuronKind.input) n++;
  return n;
}

/** Neurons of `cp` counted against `core.maxNeurons` under `spec`. */
export function coreSlotNeurons(spec: ChipSpec, cp: CoreProgram): number {
  return inputsTakeNeuronSlots(spec) ? cp.neuronCount : cp.neuronCount - coreInputNeurons(cp);
}
