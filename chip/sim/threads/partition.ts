/**
 * Splits a state's cores into contiguous ranges, one per thread, of about equal work. A tick's work on a
 * core is its neurons' updates plus the synaptic events it receives; without knowing the activity, the
 * proxy is its non-input neurons + SYNAPSE_WEIGHT × incoming synapses (every route's row length, credited to the
 * destination core). Contiguous ranges keep the concatenation of the threads' fired lists in core order,
 * which is the one-thread order (update-cores.ts).
 */
import { NeuronKind } from "../../program/types.ts";
import type { SimState } from "../state.ts";

/**
 * Work of one incoming synapse relative to one neuron, per tick. A neuron is updated every tick (~10 ns);
 * a synapse costs ~4 ns per event, and the reference networks fire at 1–2% per neuron and tick
 * (bench_lif10k 1.3%, SANA-FE's DVS 1.9%): ≈ 0.02. Measured on DVS (2 threads): weight 1 (synapses only)
 * 0.64–0.74 s, 0.01–0.05 0.59–0.63 s; bench_lif10k is indifferent (its cores are alike).
 */
export const SYNAPSE_WEIGHT = 0.02;

/**
 * Core boundaries b[0] = 0 < b[1] < … < b[P] = cores, P ≤ threads (fewer when there are fewer cores).
 * Part 0 gets `firstShare` of an equal share (the main thread runs it besides the serial work of a tick).
 */
export function partitionCores(st: SimState, threads: number, firstShare = 1): Uint32Array {
  const C = st.coreCount;
  const work = new Float64Array(C);
  // Input neurons only replay the stimulus: no update work.
  const { kind, coreOfNeuron } = st;
  for (let n = 0; n < st.neuronCount; n++) if (kind[n] !== NeuronKind.input) work[coreOfNeuron[n]] += 1;
  const { routeDestCore, routeSynapses } = st;
  for (let r = 0; r < routeDestCore.length; r++) work[routeDestCore[r]] += SYNAPSE_WEIGHT * routeSynapses[r];
  // prefix[c] = work of cores [0, c).
  const prefix = new Float64Array(C + 1);
  for (let c = 0; c < C; c++) prefix[c + 1] = prefix[c] + work[c];
  const total = prefix[C];
  const P = Math.max(1, Math.min(threads, C));
  const bounds = new Uint32Array(P + 1);
  let c = 0;
  for (let p = 1; p < P; p++) {
    const goal = (total * (firstShare + p - 1)) / (firstShare + P - 1);
    // The first core whose middle lies past the goal starts part p; every part keeps at least one core.
    while (c < C && prefix[c] + work[c] / 2 < goal) c++;
    c = Math.min(Math.max(c, bounds[p - 1] + 1), C - (P - p));
    bounds[p] = c;
  }
  bounds[P] = C;
  return bounds;
}
