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
 * order is recorded in the program (PopulationMap.order) and in mapping.json (populations[].order,
 * compiler/order-runs.ts): spikes and reports use model indices.
 */
import type { FanIn, FanOut } from "./partition.ts";
import type { IndexedGraph } from "./normalise.ts";

export function orderNeurons(ig: IndexedGraph, fanIn: FanIn, fanOut: FanOut): void {
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
    const idx = sortByLoHi(lo, hi, n);
    let identity = true;
    for (let i = 0; i < n; i++) if (idx[i] !== i) { identity = false; break; }
    if (!identity) ig.order[p] = idx;
  });
}

/**
 * Positions 0..n−1 sorted by (lo, hi, position), lo/hi being global neuron indices or ±Infinity (a neuron
 * without synapses: lo = +∞, hi = −∞). Small populations use a comparison sort; large ones stable
 * counting sorts (least significant key first) on the integer keys, which give the same order.
 */
export function sortByLoHi(lo: Float64Array, hi: Float64Array, n: number): Uint32Array {
  if (n <= 2048) return Uint32Array.from({ length: n }, (_, i) => i).sort((x, y) => lo[x] - lo[y] || hi[x] - hi[y] || x - y);
  // Integer keys from 0: −∞ below every finite value, +∞ above it.
  let loMin = Infinity;
  let loMax = -Infinity;
  let hiMin = Infinity;
  let hiMax = -Infinity;
  for (let i = 0; i < n; i++) {
    if (lo[i] !== Infinity) { if (lo[i] < loMin) loMin = lo[i]; if (lo[i] > loMax) loMax = lo[i]; }
    if (hi[i] !== -Infinity) { if (hi[i] < hiMin) hiMin = hi[i]; if (hi[i] > hiMax) hiMax = hi[i]; }
  }
  const loKey = new Uint32Array(n);
  const hiKey = new Uint32Array(n);
  const loRange = loMin === Infinity ? 1 : loMax - loMin + 2;
  const hiRange = hiMin === Infinity ? 1 : hiMax - hiMin + 2;
  for (let i = 0; i < n; i++) {
    loKey[i] = lo[i] === Infinity ? loRange - 1 : lo[i] - loMin;
    hiKey[i] = hi[i] === -Infinity ? 0 : hi[i] - hiMin + 1;
  }
  let p = new Uint32Array(n);
  let q = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (const [key, range] of [[hiKey, hiRange], [loKey, loRange]] as const) {
    if (range <= 4 * n + 65536) {
      countingSortPass(p, q, key, 0, range);
      [p, q] = [q, p];
    } else {
      // Two 16-bit digits (keys are below 2^32).
      countingSortPass(p, q, key, 0, 65536);
      [p, q] = [q, p];
      countingSortPass(p, q, key, 16, 65536);
      [p, q] = [q, p];
    }
  }
  return p;
}

/** dst ← src stably ordered by the digit (key[e] >>> shift) & (range − 1) (shift 0: the key itself, < range). */
function countingSortPass(src: Uint32Array, dst: Uint32Array, key: Uint32Array, shift: number, range: number): void {
  const cnt = new Uint32Array(range + 1);
  const n = src.length;
  if (shift === 0 && range !== 65536) {
    for (let j = 0; j < n; j++) cnt[key[src[j]] + 1]++;
    for (let r = 0; r < range; r++) cnt[r + 1] += cnt[r];
    for (let j = 0; j < n; j++) { const e = src[j]; dst[cnt[key[e]]++] = e; }
    return;
  }
  for (let j = 0; j < n; j++) cnt[((key[src[j]] >>> shift) & 0xffff) + 1]++;
  for (let r = 0; r < range; r++) cnt[r + 1] += cnt[r];
  for (let j = 0; j < n; j++) { const e = src[j]; dst[cnt[(key[e] >>> shift) & 0xffff]++] = e; }
}
