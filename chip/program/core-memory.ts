/**
 * Synapse-memory bits of one compiled core: chip/spec/memory.ts's layout with the core's real synapse count per
 * input axon (its crossbar rows), so a grouped encoding (Loihi: per axon, groups of ≤ 64 entries, each rounded
 * up to 64-bit words plus a 10-bit header; hardware-facts.md §4) is sized exactly, not from an even spread.
 * One figure for the compiler's mapping report, the run report (chip/report/metrics.ts) and the program check
 * (fits-spec.ts), so the three agree.
 */
import { synapseMemoryBits, synapsesPerAxonOfRows } from "../spec/memory.ts";
import type { ChipSpec } from "../spec/types.ts";
import type { CoreProgram } from "./types.ts";
import { coreSlotNeurons } from "./neuron-slots.ts";

/** Exact synapse-memory bits of `cp` under `spec`; needs the core's synapse arrays (not released). */
export function coreSynapseMemoryBits(spec: ChipSpec, cp: CoreProgram, delaysUsed: boolean): number {
  const x = cp.crossbar;
  return synapseMemoryBits(spec, {
    // A dense crossbar's columns are the neurons that take slots (input neurons on ODIN do not: neuron-slots.ts).
    axons: x.axonCount, neurons: coreSlotNeurons(spec, cp), synapses: x.synTarget.length, delaysUsed,
    synapsesPerAxon: synapsesPerAxonOfRows(x.axonRowPtr),
  });
}
