/**
 * order: chooses, per population, the order in which neurons are cut into core-sized blocks, so that
 * neurons sharing pre-synaptic sources land on the same core. A core pays one input axon per distinct
 * source, so for a convolution the right grouping is by spatial position across output channels (all
 * channels at one position read the same input window), not the channel-major index order.
 *
 * Key of a neuron: the smallest global source index among its synapses (its receptive field's first
 * input), then the largest, then its own index; neurons without inputs (input populations) are keyed
 * the same way by their targets, which groups inputs that feed the same neurons. The sort is stable,
 * so populations whose neurons all share the same sources (dense layers) keep their own order. The
 * order is recorded in the program (PopulationMap.order): spikes and reports use model indices.
 */
import { buildFanOut, type FanIn } from "./partition.ts";
import type { IndexedGraph } from "./normalise.ts";

export function orderNeurons(ig: IndexedGraph, fanIn: FanIn): void {
  const fanOut = buildFanOut(ig);
  ig.graph.populations.forEach((pop, p) => {
    const base = ig.popOffset[p];
    const n = pop.size;
    const lo = new Float64Array(n).fill(Infinity);
    const hi = new Float64Array(n).fill(-Infinity);
    let any = false;
    for (let i = 0; i < n; i++) {
      const g = base + i;
      let a = fanIn.inPtr[g];
      let b = fanIn.inPtr[g + 1];
      let list: Uint32Array = fanIn.inSrc;
      if (a === b) {
        a = fanOut.outPtr[g];
        b = fanOut.outPtr[g + 1];
        list = fanOut.outDst;
      }
      for (let s = a; s < b; s++) {
        const x = list[s];
        if (x < lo[i]) lo[i] = x;
        if (x > hi[i]) hi[i] = x;
      }
      if (i > 0 && (lo[i] !== lo[i - 1] || hi[i] !== hi[i - 1])) any = true;
    }
    if (!any) return;
    const idx = Uint32Array.from({ length: n }, (_, i) => i).sort((x, y) => lo[x] - lo[y] || hi[x] - hi[y] || x - y);
    let identity = true;
    for (let i = 0; i < n; i++) if (idx[i] !== i) { identity = false; break; }
    if (!identity) ig.order[p] = idx;
  });
}
