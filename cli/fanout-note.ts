/** The line compile and run print when the mapping was made with fan-out groups. */
import type { MappingReport } from "../compiler/compile.ts";

/**
 * A mapping made the second way (mapping.json fanOutGroups, compiler/passes/fanout-groups.ts): said in one line,
 * since its blocks end where the groups of neurons sharing a source end and so need not be balanced.
 */
export function fanOutGroupsNote(m: Pick<MappingReport, "chip">): string {
  return `fan-out groups: packed in file order, a neuron sent to more cores than ${m.chip} allows (core.maxFanOutCores), so the neurons each source reaches were packed onto one core where they fit (blocks need not be balanced; mapping.json fanOutGroups)`;
}
