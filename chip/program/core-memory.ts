/**
 * Synapse-memory bits of one compiled core: chip/spec/memory.ts's layout with the core's real synapse count per
 * input axon (its crossbar rows), so a grouped encoding (Loihi: per axon, groups of ≤ 64 entries, each rounded
 * up to 64-bit words plus a 10-bit header; hardware-facts.md §4) is sized exactly, not from an even spread.
 * The delay field is the core's own (memory.ts `delaysUsed`): its entries carry delayBits only when a synapse the
 * core stores has a delay other than 1 tick, as the partitioner packs (compiler/passes/partition.ts).
 * One figure for the compiler's mapping report, the run report (chip/report/metrics.ts) and the program check
 * (fits-spec.ts), so the three agree.
 */
import { synapseMemoryBits, synapsesPerAxonOfRows } from "../spec/memory.ts";
import type { ChipSpec } from "../spec/types.ts";
import type { CoreProgram } from "./types.ts";
import { coreSlotNeurons } from "./neuron-slots.ts";

/** Whether a synapse of the core has a delay other than 1 tick (then its synapse entries carry the delay field). */
export function coreUsesDelays(cp: CoreProgram): boolean {
  const d = cp.crossbar.synDelayTicks;
  // An indexed loop that stops at the first delay ≠ 1 (SANA-FE's DVS network: 3.56M delays, all 1).
  for (let i = 0; i < d.length; i++) if (d[i] !== 1) return true;
  return false;
}

/** Exact synapse-memory bits of `cp` under `spec`; needs the core's synapse arrays (not released). */
export function coreSynapseMemoryBits(spec: ChipSpec, cp: CoreProgram): number {
  const x = cp.crossbar;
  const delaysUsed = coreUsesDelays(cp);
  return synapseMemoryBits(spec, {
    // A dense crossbar's columns are the neurons that take slots (input neurons on ODIN do not: neuron-slots.ts).
    axons: x.axonCount, neurons: coreSlotNeurons(spec, cp), synapses: x.synTarget.length, delaysUsed,
    synapsesPerAxon: synapsesPerAxonOfRows(x.axonRowPtr),
  });
}
