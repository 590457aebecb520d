/**
 * Fan-out groups: a second way to cut and pack, tried by compile.ts only when the first mapping breaks
 * core.maxFanOutCores (E_CORE_FANOUT_EXCEEDED), so every model that compiled before maps as before.
 *
 * On a chip whose neurons may send to few cores (TrueNorth: one), the neurons one source reaches should
 * share a core. The groups are the connected components of "has a common source": for every neuron s with
 * targets t_1 … t_k, union(t_1, t_i) (union-find joining roots, the smaller index the root, with path
 * halving; the groups do not depend on the order of the synapses). Within each population the neurons of
 * a group are then made contiguous (each group gathered at its first member's position, the order kept
 * otherwise), so a block can hold whole groups: `mayStart[p][pos]` is 1 where a new group starts, and the
 * partitioner cuts only there while the group fits a core (partition.ts cutPopulation). The blocks are
 * packed in the order their groups first appear, so the blocks of one group in several populations are
 * packed one after another (next to each other on a core when they fit).
 *
 * Example (tests/compiler/passes/partition-fanout.test.ts): in[0] → d[0..199], in[1] → d[200..299] on
 * TrueNorth (256 neurons per core): the balanced cut 150 + 150 sends in[0] to two cores; the groups cut
 * d at 200, so each input reaches one core.
 */
import type { FanOut } from "./partition.ts";
import type { IndexedGraph } from "./normalise.ts";

export interface FanOutGroups {
  /** Per global neuron, its group's representative (a global neuron index). */
  readonly groupOf: Uint32Array;
  /** Per population, 1 at the positions where a block may start (a group's first position). */
  readonly mayStart: readonly Uint8Array[];
}

function find(parent: Uint32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

/**
 * Joins the groups of a and b by their roots, the smaller root kept (deterministic whatever the synapse order).
 * Both roots are looked up anew on every call: joining by a root found before an earlier join (a stale root)
 * re-roots only that old root and orphans what it was joined to, which split one source's targets into
 * several groups when they were not listed ascending (audit s25a #2).
 */
function union(parent: Uint32Array, a: number, b: number): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}

/** The groups of `ig`'s neurons; sets ig.order so that each population's groups are contiguous. */
export function regroupForFanOut(ig: IndexedGraph, fanOut: FanOut): FanOutGroups {
  const N = ig.totalNeurons;
  const parent = Uint32Array.from({ length: N }, (_, g) => g);
  const { outPtr, outDst } = fanOut;
  for (let s = 0; s < N; s++) {
    const lo = outPtr[s];
    const hi = outPtr[s + 1];
    if (hi - lo < 2) continue;
    for (let k = lo + 1; k < hi; k++) union(parent, outDst[lo], outDst[k]);
  }
  const groupOf = new Uint32Array(N);
  for (let g = 0; g < N; g++) groupOf[g] = find(parent, g);
  const mayStart = ig.graph.populations.map((pop, p) => {
    const n = pop.size;
    const base = ig.popOffset[p];
    const before = ig.order[p];
    // Rank of each group by its first position in the current order; positions sorted by (rank, position).
    const rank = new Map<number, number>();
    const key = new Uint32Array(n);
    for (let pos = 0; pos < n; pos++) {
      const g = groupOf[base + (before === undefined ? pos : before[pos])];
      let r = rank.get(g);
      if (r === undefined) rank.set(g, (r = rank.size));
      key[pos] = r;
    }
    const positions = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => key[a] - key[b] || a - b);
    const order = positions.map((pos) => (before === undefined ? pos : before[pos]));
    let identity = true;
    for (let i = 0; i < n; i++) if (order[i] !== i) { identity = false; break; }
    ig.order[p] = identity ? undefined : order;
    const starts = new Uint8Array(n);
    for (let i = 0; i < n; i++) starts[i] = i === 0 || key[positions[i]] !== key[positions[i - 1]] ? 1 : 0;
    return starts;
  });
  return { groupOf, mayStart };
}
