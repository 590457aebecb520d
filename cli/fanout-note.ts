/** The lines compile and run print when the mapping was made another way than the default (fan-out groups, fill packing). */
import type { MappingReport } from "../compiler/compile.ts";

/**
 * A mapping made the second way (mapping.json fanOutGroups, compiler/passes/fanout-groups.ts): said in one line,
 * since its blocks end where the groups of neurons sharing a source end and so need not be balanced.
 */
export function fanOutGroupsNote(m: Pick<MappingReport, "chip">): string {
  return `fan-out groups: packed in file order, a neuron sent to more cores than ${m.chip} allows (core.maxFanOutCores), so the neurons each source reaches were packed onto one core where they fit (blocks need not be balanced; mapping.json fanOutGroups)`;
}

/**
 * A mapping made with the fill cut (mapping.json fillPacking, compiler/passes/partition.ts cutFilling): said in one
 * line, since the same populations listed in another order would map another way.
 */
export function fillPackingNote(m: Pick<MappingReport, "chip">): string {
  return `fill packing: packed whole in file order, the populations' blocks needed more cores than ${m.chip} has, so each population's first block was cut to the room left in the core before it (blocks need not be balanced; mapping.json fillPacking)`;
}

/** The lines above that apply to mapping `m`, each ending in a newline ("" for a default mapping). */
export function mappingWayNotes(m: Pick<MappingReport, "chip" | "fanOutGroups" | "fillPacking">): string {
  return (m.fillPacking === true ? `${fillPackingNote(m)}\n` : "") + (m.fanOutGroups === true ? `${fanOutGroupsNote(m)}\n` : "");
}
