/**
 * Per-core counters that follow from the spike counts alone. Every spike of neuron n does the same
 * network and synaptic work (its routes, their rows), so over a run
 *   spikes_c, packetsOut_c, hops_c, packetsLocal_c, packetsInTile_c = Σ_{n on c} spikes_n · (per-spike value of n)
 *   packetsIn_d   = Σ_n spikes_n · (routes of n to d)
 *   synOps_d[e,p] = Σ_n spikes_n · Σ_{routes r of n to d} (synapses of r's row in encoding e, projection p)
 *   weightReadBits_d = synOps_d · weightBits
 * exactly as if counted per packet (all integers below 2^53), at O(routes of the neurons that fired)
 * once instead of per spike. The per-tick totals are counted per spike in run.ts.
 */
import { COUNTER_COUNT as K, CounterKind, type CounterArrays } from "./counters.ts";
import { hasCells, type SimState } from "./state.ts";

export function deriveSpikeCounters(st: SimState, counters: CounterArrays, weightBits: number): void {
  const { perCore, synOpsByEncoding, synOpsByProjection, spikesPerNeuron } = counters;
  const E = Math.max(1, st.encodingNames.length);
  const { coreOfNeuron, routePtr, routeDestCore, routeAxon, routeSynapses, routeCell, axonCellStart, axonCellId, axonCellCount, cellCore, cellEncoding, cellProjection } = st;
  const { neuronHopsEast, neuronHopsWest, neuronHopsNorth, neuronHopsSouth, neuronPacketsLocal, neuronPacketsInTile } = st;
  const cells = hasCells(st);
  const cellOps = new Float64Array(cells ? cellCore.length : 0);
  // With cells: a route whose row has one cell adds to it directly; for the others, spikes are spread
  // onto their destination axons (each axon has one route) and the axons' cells walked in memory order.
  const axonSpikes = new Float64Array(cells && st.axonCellId.length > 0 ? st.coreAxonStart[st.coreCount] : 0);
  for (let n = 0; n < st.neuronCount; n++) {
    const sp = spikesPerNeuron[n];
    if (sp === 0) continue;
    const o = coreOfNeuron[n] * K;
    perCore[o + CounterKind.spikes] += sp;
    const r0 = routePtr[n];
    const r1 = routePtr[n + 1];
    if (r1 === r0) continue;
    perCore[o + CounterKind.packetsOut] += sp * (r1 - r0);
    perCore[o + CounterKind.hopsEast] += sp * neuronHopsEast[n];
    perCore[o + CounterKind.hopsWest] += sp * neuronHopsWest[n];
    perCore[o + CounterKind.hopsNorth] += sp * neuronHopsNorth[n];
    perCore[o + CounterKind.hopsSouth] += sp * neuronHopsSouth[n];
    perCore[o + CounterKind.packetsLocal] += sp * neuronPacketsLocal[n];
    perCore[o + CounterKind.packetsInTile] += sp * neuronPacketsInTile[n];
    for (let r = r0; r < r1; r++) {
      const d = routeDestCore[r];
      perCore[d * K + CounterKind.packetsIn] += sp;
      if (cells) {
        const one = routeCell[r];
        if (one >= 0) cellOps[one] += sp * routeSynapses[r];
        else axonSpikes[routeAxon[r]] = sp;
      }
      else if (routeSynapses[r] > 0) {
        const x = sp * routeSynapses[r];
        perCore[d * K + CounterKind.synOps] += x;
        synOpsByEncoding[d * E] += x;
        synOpsByProjection[0] += x;
      }
    }
  }
  for (let a = 0; a < axonSpikes.length; a++) {
    const sp = axonSpikes[a];
    if (sp === 0) continue;
    for (let k = axonCellStart[a]; k < axonCellStart[a + 1]; k++) cellOps[axonCellId[k]] += sp * axonCellCount[k];
  }
  for (let cell = 0; cell < cellOps.length; cell++) {
    const x = cellOps[cell];
    if (x === 0) continue;
    const cc = cellCore[cell];
    perCore[cc * K + CounterKind.synOps] += x;
    synOpsByEncoding[cc * E + cellEncoding[cell]] += x;
    synOpsByProjection[cellProjection[cell]] += x;
  }
  for (let c = 0; c < st.coreCount; c++) perCore[c * K + CounterKind.weightReadBits] += perCore[c * K + CounterKind.synOps] * weightBits;
}

/**
 * Synaptic ops of one spike of each neuron per encoding, [n·E + e] (only needed when E > 1; with one
 * encoding it is the neuron's synapse count).
 */
export function neuronSynOpsByEncoding(st: SimState): Float64Array {
  const E = Math.max(1, st.encodingNames.length);
  const out = new Float64Array(st.neuronCount * E);
  const cells = hasCells(st);
  for (let n = 0; n < st.neuronCount; n++) {
    for (let r = st.routePtr[n]; r < st.routePtr[n + 1]; r++) {
      if (!cells) { out[n * E] += st.routeSynapses[r]; continue; }
      const one = st.routeCell[r];
      if (one >= 0) { out[n * E + st.cellEncoding[one]] += st.routeSynapses[r]; continue; }
      const a = st.routeAxon[r];
      for (let k = st.axonCellStart[a]; k < st.axonCellStart[a + 1]; k++) out[n * E + st.cellEncoding[st.axonCellId[k]]] += st.axonCellCount[k];
    }
  }
  return out;
}
