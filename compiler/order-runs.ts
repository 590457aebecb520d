/**
 * The compiler's neuron order (PopulationMap.order: the model index at each position) written compactly
 * for mapping.json. mapping.json's blocks are ranges of positions, so a reader needs the order to know
 * which neurons a core holds: block {start, count} holds the neurons expand(order)[start .. start+count−1].
 *
 * Encoding: a list whose entries are either one model index, or a run [first, step, count] standing for
 * first, first+step, …, first+(count−1)·step (count ≥ 3; a run of 2 is no shorter than two numbers).
 * Convolutions are ordered by spatial position across channels (passes/order.ts), i.e. runs of stride
 * H·W, so a C-channel layer of N neurons takes about N/C runs instead of N numbers; a random order
 * (sparse random projections) costs at most one number per neuron, as a plain list would.
 */
export type OrderEntry = number | readonly [number, number, number];

/** Greedy left-to-right: a run grows while the step stays the same; runs shorter than 3 become single numbers. */
export function encodeOrderRuns(order: ArrayLike<number>): OrderEntry[] {
  const out: OrderEntry[] = [];
  const n = order.length;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    if (j < n) {
      const step = order[j] - order[i];
      while (j + 1 < n && order[j + 1] - order[j] === step) j++;
      if (j - i + 1 >= 3) {
        out.push([order[i], step, j - i + 1]);
        i = j + 1;
        continue;
      }
    }
    out.push(order[i]);
    i++;
  }
  return out;
}

/** The model index at each position: the inverse of encodeOrderRuns. */
export function decodeOrderRuns(entries: readonly OrderEntry[]): number[] {
  const out: number[] = [];
  for (const e of entries) {
    if (typeof e === "number") out.push(e);
    else for (let k = 0; k < e[2]; k++) out.push(e[0] + k * e[1]);
  }
  return out;
}
