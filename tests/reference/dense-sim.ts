/**
 * A deliberately naive clocked reference simulator (the oracle for property tests). It shares no code
 * with the chip: dense per-delay weight matrices over all neurons, every neuron visited every tick,
 * written straight from the snnref-1 semantics (README §2):
 *   delivery at t of every spike emitted at t − d through a synapse of delay d;
 *   refractory neurons count down and drop input; others v = ((decay·v) + I) + bias; fire on threshold;
 *   reset to zero or by subtraction; inputs fire as given.
 */
export interface RefPopulation {
  name: string;
  size: number;
  input: boolean;
  decay: number;
  vTh: number;
  bias: number[];
  reset: "zero" | "subtract";
  refractory: number;
  thresholdGt: boolean;
  spikes?: Array<[number, number]>;
}
export interface RefProjection {
  pre: string;
  post: string;
  synapses: Array<{ i: number; j: number; w: number; d: number }>;
}
export interface RefNet {
  steps: number;
  populations: RefPopulation[];
  projections: RefProjection[];
}

export function runDenseReference(net: RefNet): Map<string, Array<[number, number]>> {
  const offset = new Map<string, number>();
  let n = 0;
  for (const p of net.populations) { offset.set(p.name, n); n += p.size; }
  let maxD = 1;
  for (const pr of net.projections) for (const s of pr.synapses) maxD = Math.max(maxD, s.d);
  // W[d][pre][post]: summed weight from pre to post with delay d (dense).
  const W: number[][][] = [];
  for (let d = 0; d <= maxD; d++) W.push(Array.from({ length: n }, () => new Array<number>(n).fill(0)));
  for (const pr of net.projections) {
    const a = offset.get(pr.pre)!;
    const b = offset.get(pr.post)!;
    for (const s of pr.synapses) W[s.d][a + s.i][b + s.j] += s.w;
  }
  const popOf: RefPopulation[] = [];
  const idxOf: number[] = [];
  for (const p of net.populations) for (let i = 0; i < p.size; i++) { popOf.push(p); idxOf.push(i); }
  const v = new Array<number>(n).fill(0);
  const refc = new Array<number>(n).fill(0);
  const history: boolean[][] = []; // history[t][g] = neuron g spiked at t
  const out = new Map<string, Array<[number, number]>>();
  for (const p of net.populations) if (!p.input) out.set(p.name, []);
  for (let t = 0; t < net.steps; t++) {
    const I = new Array<number>(n).fill(0);
    for (let d = 1; d <= maxD; d++) {
      if (t - d < 0) continue;
      const past = history[t - d];
      for (let g = 0; g < n; g++) if (past[g]) for (let h = 0; h < n; h++) I[h] += W[d][g][h];
    }
    const now = new Array<boolean>(n).fill(false);
    for (let g = 0; g < n; g++) {
      const p = popOf[g];
      if (p.input) continue;
      if (refc[g] > 0) { refc[g] -= 1; continue; }
      v[g] = p.decay * v[g] + I[g] + p.bias[idxOf[g]];
      const fire = p.thresholdGt ? v[g] > p.vTh : v[g] >= p.vTh;
      if (fire) {
        v[g] = p.reset === "zero" ? 0 : v[g] - p.vTh;
        refc[g] = p.refractory;
        now[g] = true;
        out.get(p.name)!.push([t, idxOf[g]]);
      }
    }
    for (const p of net.populations) {
      if (!p.input) continue;
      for (const [ts, i] of p.spikes ?? []) if (ts === t) now[offset.get(p.name)! + i] = true;
    }
    history.push(now);
  }
  return out;
}
