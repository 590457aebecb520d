/**
 * Synaptic events on connected synapses, for chip specs that bill energySynOpPj on them (ChipSpec.synOpsBilledOn
 * "connected", TrueNorth): a spike of neuron n causes one event on each of its outgoing synapses whose weight is
 * non-zero, at the synapse's destination core, in the tick it is emitted (the tick the synOps counter counts it):
 *   connected_{c,e}   = Σ_n spikes_n · |{s out of n : w_s ≠ 0, core(target_s) = c, encoding(s) = e}|
 *   connected_{t,e}   = Σ_{spikes (t, n)} |{s out of n : w_s ≠ 0, encoding(s) = e}|
 *   connected_p       = Σ_n spikes_n · |{s out of n : w_s ≠ 0, projection(s) = p}|   (Σ_p connected_p = Σ_e totals_e)
 * with the state's weights at the end of the run (a chip billed so has no learning engine in the presets; for a
 * plastic program they are the learned weights). counters.synOps counts every entry, zeros included; this is the
 * subset with w ≠ 0, so connected ≤ synOps on every core and tick.
 */
import type { SimResult } from "../sim/run.ts";
import { synapseTarget } from "../sim/state.ts";
import { weightAt } from "../sim/weights.ts";
import type { ChipProgram } from "../program/types.ts";

export interface ConnectedSynOps {
  /** [core · E + e]: events on connected synapses at each destination core (state core index), by encoding. */
  readonly perCore: Float64Array;
  /** [tick · E + e]: by emission tick. */
  readonly perTick: Float64Array;
  /** [e]: over the run. */
  readonly totals: Float64Array;
  /** [p]: by projection (program.projections order), over the run. */
  readonly perProjection: Float64Array;
}

export function connectedSynOps(program: ChipProgram, res: SimResult): ConnectedSynOps {
  const st = res.state;
  const E = Math.max(1, st.encodingNames.length);
  const encOfProjection = Int32Array.from(program.projections, (p) => Math.max(0, st.encodingNames.indexOf(p.encoding)));
  const projection = st.synapses.projection;
  const weights = st.synapses.weights;
  // Per neuron and encoding: its outgoing synapses with a non-zero weight; per destination core via its spikes.
  const perNeuron = new Float64Array(st.neuronCount * E);
  const perCore = new Float64Array(st.coreCount * E);
  const perProjection = new Float64Array(program.projections.length);
  const spikes = res.counters.spikesPerNeuron;
  for (let n = 0; n < st.neuronCount; n++) {
    const sp = spikes[n];
    for (let g = st.neuronGroupStart[n]; g < st.neuronGroupStart[n + 1]; g++) {
      for (let s = st.groupSynStart[g]; s < st.groupSynStart[g + 1]; s++) {
        if (weightAt(weights, s) === 0) continue;
        const p = projection === undefined ? 0 : projection[s];
        const e = E === 1 ? 0 : encOfProjection[p];
        perNeuron[n * E + e]++;
        if (sp !== 0) {
          perCore[st.coreOfNeuron[synapseTarget(st, n, s)] * E + e] += sp;
          perProjection[p] += sp;
        }
      }
    }
  }
  // Per tick: each recorded spike (population index → global neuron) adds its neuron's connected synapses.
  const perTick = new Float64Array(res.steps * E);
  const popIndex = new Map(program.populations.map((p, i) => [p.name, i] as const));
  const globalOf = program.populations.map((p) => new Int32Array(p.size).fill(-1));
  for (let n = 0; n < st.neuronCount; n++) globalOf[st.populationOfNeuron[n]][st.indexInPopulation[n]] = n;
  for (const [name, sp] of res.spikes) {
    const g = globalOf[popIndex.get(name) ?? -1];
    if (g === undefined) continue;
    for (let k = 0; k < sp.tick.length; k++) {
      const t = sp.tick[k];
      const n = g[sp.neuron[k]];
      if (t < 0 || t >= res.steps || n < 0) continue;
      for (let e = 0; e < E; e++) perTick[t * E + e] += perNeuron[n * E + e];
    }
  }
  const totals = new Float64Array(E);
  for (let c = 0; c < st.coreCount; c++) for (let e = 0; e < E; e++) totals[e] += perCore[c * E + e];
  return { perCore, perTick, totals, perProjection };
}
