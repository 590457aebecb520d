/**
 * Why a partition took more cores than the chip has, in words: the per-core limits that made it close its cores
 * (passes/partition.ts records, per core, the block that did not fit and every limit that block would have broken).
 * "needs 3 cores" alone does not say which limit binds: on odin, in[250] → h0[10] → h1[10] is 20 neurons on a
 * 256-neuron core, split because in's 250 AER addresses plus h0's 10 routes are 260 output axons, and h0 plus
 * in's 250 rows and h0's 10 are 260 crossbar rows for h1 (audit s23y #4).
 */
import type { ModelGraph } from "./ir/types.ts";
import type { LimitHit, LogicalCore } from "./passes/partition.ts";

const WHAT: Record<LimitHit["field"], string> = {
  "core.maxNeurons": "neurons",
  "core.maxInputAxons": "input axons",
  "core.maxOutputAxons": "output axons",
  "core.synapseMemoryBits": "bits of synapse memory",
  "core.maxNeuronConfigs": "neuron configurations",
};

const ORDER = Object.keys(WHAT) as Array<LimitHit["field"]>;

/** The limits that closed any of `cores`, in a fixed order (neurons, input axons, output axons, memory, configurations). */
export function closingLimits(cores: readonly LogicalCore[]): Array<LimitHit["field"]> {
  const seen = new Set<LimitHit["field"]>();
  for (const c of cores) for (const h of c.closedBy?.limits ?? []) seen.add(h.field);
  return ORDER.filter((f) => seen.has(f));
}

/**
 * One clause per limit that closed a core: the limit with its value, how many cores it closed, and the first such
 * core's figure, e.g. `core.maxOutputAxons 256 (core 0: 250 output axons, h0[0:10] would make 260)`.
 * Cores are numbered in packing order (before placement). Packing off (pack false) closes every core after one block.
 */
export function coreClosureText(cores: readonly LogicalCore[], graph: ModelGraph): string {
  const clauses: string[] = [];
  for (const field of closingLimits(cores)) {
    const closed = cores.map((c, i) => ({ i, hit: c.closedBy?.limits.find((h) => h.field === field), block: c.closedBy?.block })).filter((x) => x.hit !== undefined);
    const first = closed[0];
    const hit = first.hit as LimitHit;
    const b = first.block as NonNullable<LogicalCore["closedBy"]>["block"];
    const name = `${graph.populations[b.population].name}[${b.start}:${b.start + b.count}]`;
    const which = closed.length === 1 ? `core ${first.i}` : `${closed.length} cores; first core ${first.i}`;
    clauses.push(`${field} ${hit.limit} (${which}: ${hit.had} ${WHAT[field]}, ${name} would make ${hit.would})`);
  }
  if (cores.some((c) => c.closedBy !== undefined && c.closedBy.limits.length === 0)) clauses.push("packing off (each block took a core of its own)");
  return clauses.length === 0 ? "" : `; the per-core limits that closed cores (numbered in packing order): ${clauses.join("; ")}`;
}
