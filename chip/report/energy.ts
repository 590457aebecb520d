/**
 * Energy = Σ counters × per-operation costs, computed once at report time (SANA-FE's accounting).
 *
 *   synapse  = Σ_encodings synOps_e · energySynOpPj(e)   (encoding override, else energySynOpPj)
 *            + weightReadBits · energyWeightReadPjPerBit
 *   neuron   = accesses · energyNeuronAccessPj
 *            + (if energyNeuronInactivePj is given: updatesWithInput · energyNeuronUpdatePj
 *               + (accesses − updatesWithInput) · energyNeuronInactivePj;
 *               else updates · energyNeuronUpdatePj)
 *            + neuronsFired · energySpikeOutPj
 *   network  = packetsOut · energyPacketOutPj + packetsIn · energyPacketInPj
 *            + (hopsEast + hopsWest) · energyHopEastWestPj + (hopsNorth + hopsSouth) · energyHopNorthSouthPj
 *            + packetsInTile · energyInTileSpikePj
 *   learning = synUpdates · energySynUpdatePj
 *   static   = (coresUsed · staticPowerPerCoreMw + staticPowerChipMw) · simulated time
 * A cost absent from the table contributes 0 and is listed as "not modelled" in the report.
 */
import type { ChipSpec, CostEntry, CostTable } from "../spec/types.ts";
import { CounterKind } from "../sim/counters.ts";

export interface EnergyBreakdownPj {
  synapse: number;
  neuron: number;
  network: number;
  learning: number;
  dynamic: number;
}

const v = (c: CostEntry | undefined): number => (c === undefined ? 0 : c.value);

export function synOpEnergyPj(costs: CostTable, encoding: string): number {
  const o = costs.synapseEncodings?.[encoding]?.energySynOpPj;
  return o !== undefined ? o.value : v(costs.energySynOpPj);
}

export function synOpLatencyNs(costs: CostTable, encoding: string): number {
  const o = costs.synapseEncodings?.[encoding]?.latencySynOpNs;
  return o !== undefined ? o.value : v(costs.latencySynOpNs);
}

/**
 * Dynamic energy of one counter vector (`counts` at offset `o`, COUNTER_COUNT wide) with its synaptic ops
 * by encoding (`synOpsByEnc` at offset `e0`, one entry per encoding name).
 */
export function dynamicEnergyPj(spec: ChipSpec, counts: Float64Array, o: number, synOpsByEnc: Float64Array, e0: number, encodings: readonly string[]): EnergyBreakdownPj {
  const c = spec.costs;
  let synapse = 0;
  for (let e = 0; e < encodings.length; e++) synapse += synOpsByEnc[e0 + e] * synOpEnergyPj(c, encodings[e]);
  synapse += counts[o + CounterKind.weightReadBits] * v(c.energyWeightReadPjPerBit);
  const accesses = counts[o + CounterKind.neuronAccesses];
  const updates = counts[o + CounterKind.neuronUpdates];
  const withInput = counts[o + CounterKind.neuronUpdatesWithInput];
  let neuron = accesses * v(c.energyNeuronAccessPj) + counts[o + CounterKind.neuronsFired] * v(c.energySpikeOutPj);
  if (c.energyNeuronInactivePj !== undefined) neuron += withInput * v(c.energyNeuronUpdatePj) + (accesses - withInput) * c.energyNeuronInactivePj.value;
  else neuron += updates * v(c.energyNeuronUpdatePj);
  const network =
    counts[o + CounterKind.packetsOut] * v(c.energyPacketOutPj) +
    counts[o + CounterKind.packetsIn] * v(c.energyPacketInPj) +
    (counts[o + CounterKind.hopsEast] + counts[o + CounterKind.hopsWest]) * v(c.energyHopEastWestPj) +
    (counts[o + CounterKind.hopsNorth] + counts[o + CounterKind.hopsSouth]) * v(c.energyHopNorthSouthPj) +
    counts[o + CounterKind.packetsInTile] * v(c.energyInTileSpikePj);
  const learning = counts[o + CounterKind.synUpdates] * v(c.energySynUpdatePj);
  return { synapse, neuron, network, learning, dynamic: synapse + neuron + network + learning };
}

/** Static energy over `simulatedNs` for `coresUsed` powered cores: mW × ns = pJ. */
export function staticEnergyPj(spec: ChipSpec, coresUsed: number, simulatedNs: number): number {
  const mw = coresUsed * v(spec.costs.staticPowerPerCoreMw) + v(spec.costs.staticPowerChipMw);
  return mw * simulatedNs;
}
