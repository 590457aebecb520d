/**
 * Energy = Σ counters × per-operation costs, computed once at report time (SANA-FE's accounting).
 *
 *   synapse  = Σ_encodings synOps_e · energySynOpPj(e)   (encoding override, else energySynOpPj; synOps_e is the
 *              count the spec's synOpsBilledOn names: every entry, or the connected ones, connected-synapses.ts)
 *            + weightReadBits · energyWeightReadPjPerBit
 *   neuron   = accesses · energyNeuronAccessPj
 *            + (if energyNeuronInactivePj is given: updatesWithInput · energyNeuronUpdatePj
 *               + (accesses − updatesWithInput) · energyNeuronInactivePj;
 *               else updates · energyNeuronUpdatePj)
 *            + neuronsFired · energySpikeOutPj
 *   network  = packetsOut · energyPacketOutPj + packetsIn · energyPacketInPj
 *            + (hopsEast + hopsWest) · energyHopEastWestPj + (hopsNorth + hopsSouth) · energyHopNorthSouthPj
 *            + packetsInTile · energyInTileSpikePj
 *   learning = billed · energySynUpdatePj, billed per the spec's learningBilledOn (learningBilledCount):
 *              "evaluations" (default, Loihi) synUpdates, the synapse updates the engine performed;
 *              "changes" weightChanges, the updates that changed a stored weight
 *   static   = (coresUsed · staticPowerPerCoreMw + staticPowerChipMw) · simulated time
 * A cost absent from the table contributes 0 and is listed as "not modelled" in the report.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { learningBillingBasis, type ChipSpec, type CostEntry, type CostTable } from "../spec/types.ts";
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
 * The count one energySynUpdatePj is paid for, in one scope (run, core or tick): `synUpdates` when the spec bills
 * evaluations, `weightChanges` (the updates of that scope that changed a weight) when it bills changes. A scope
 * with synapse updates and no count of its weight changes (pair STDP counts none: chip/sim/plasticity.ts) cannot
 * be billed on changes, and is refused (E_LEARNING_BILLING) rather than billed 0.
 */
export function learningBilledCount(spec: ChipSpec, synUpdates: number, weightChanges: number | undefined): number {
  if (learningBillingBasis(spec) === "evaluations") return synUpdates;
  if (weightChanges !== undefined) return weightChanges;
  if (synUpdates === 0) return 0;
  throw new AerchipError("E_LEARNING_BILLING", `chip ${spec.name} bills learning on weight changes (learningBilledOn "changes"), and this run's ${synUpdates} synapse updates include pair STDP (\"stdp\"), which does not count the updates that changed a weight`, {
    field: "learningBilledOn", hint: "bill learning on evaluations (aerchip run --bill-learning evaluations, or learningBilledOn \"evaluations\" in the chip spec), or give the projections a \"learning\" rule (docs/learning.md)",
  });
}

/**
 * Dynamic energy of one counter vector (`counts` at offset `o`, COUNTER_COUNT wide) with its synaptic ops
 * by encoding (`synOpsByEnc` at offset `e0`, one entry per encoding name). `weightChanges`: the weight-changing
 * updates of the same scope, which a spec with learningBilledOn "changes" bills (learningBilledCount).
 */
export function dynamicEnergyPj(spec: ChipSpec, counts: Float64Array, o: number, synOpsByEnc: Float64Array, e0: number, encodings: readonly string[], weightChanges?: number): EnergyBreakdownPj {
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
  const learning = learningBilledCount(spec, counts[o + CounterKind.synUpdates], weightChanges) * v(c.energySynUpdatePj);
  return { synapse, neuron, network, learning, dynamic: synapse + neuron + network + learning };
}

/** Static energy over `simulatedNs` for `coresUsed` powered cores: mW × ns = pJ. */
export function staticEnergyPj(spec: ChipSpec, coresUsed: number, simulatedNs: number): number {
  const mw = coresUsed * v(spec.costs.staticPowerPerCoreMw) + v(spec.costs.staticPowerChipMw);
  return mw * simulatedNs;
}
