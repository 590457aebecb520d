/**
 * The report's energy as "count × per-operation cost" terms, rebuilt from report.json alone (its counters,
 * crossbar counts and `costs` list), so that every rendered format can print each energy next to the
 * counts and costs that give it. Term by term the same sums as chip/report/energy.ts (dynamic energy),
 * chip/report/crossbar.ts (compute-in-memory reads, in `synapse`) and the static energy:
 *   synapse  = Σ_e synOps_e · energySynOpPj(e) + weightReadBits · energyWeightReadPjPerBit
 *              (synOps_e: totals.connectedSynOpsByEncoding instead on specs that bill connected synapses only)
 *            + crossbar reads · energyCrossbarReadFixedPj + active rows · energyCrossbarRowReadPj
 *            + ADC conversions · (energyAdcConversionPj + energyColumnMuxPj)
 *   neuron   = accesses · energyNeuronAccessPj + (updates with input · energyNeuronUpdatePj
 *            + (accesses − updates with input) · energyNeuronInactivePj  |  updates · energyNeuronUpdatePj)
 *            + neuronsFired · energySpikeOutPj
 *   network  = packetsOut · energyPacketOutPj + packetsIn · energyPacketInPj + (E + W hops) · energyHopEastWestPj
 *            + (N + S hops) · energyHopNorthSouthPj + packetsInTile · energyInTileSpikePj
 *   learning = synUpdates · energySynUpdatePj, or learning.weightChanges · energySynUpdatePj when
 *              totals.learningBilledOn is "changes" (energy.ts learningBilledCount)
 *   static   = cores used · simulated time · staticPowerPerCoreMw + simulated time · staticPowerChipMw (mW × ns = pJ)
 * A cost the chip spec leaves out (report.notModelled) gives no term. Σ terms of a component equals
 * report.totals.energyPj[component] up to floating-point summation order (tests/chip/report/energy-terms.test.ts).
 */
import type { RunReport } from "./run-report.ts";

export type EnergyComponent = "synapse" | "neuron" | "network" | "learning" | "static";

export interface EnergyTerm {
  readonly component: EnergyComponent;
  /** Machine name of the count (snake_case, the CSV `id`) and its label. */
  readonly countKey: string;
  readonly countLabel: string;
  readonly count: number;
  /** The cost multiplied: its key in report.costs, value and unit (pJ, pJ/bit, mW). */
  readonly costKey: string;
  readonly costValue: number;
  readonly costUnit: string;
  readonly energyPj: number;
}

export function energyTerms(r: RunReport): EnergyTerm[] {
  const cost = new Map(r.costs.map((c) => [c.key, c] as const));
  const c = r.totals.counters;
  const terms: EnergyTerm[] = [];
  const add = (component: EnergyComponent, countKey: string, countLabel: string, count: number, costKey: string): void => {
    const k = cost.get(costKey);
    if (k === undefined) return;
    terms.push({ component, countKey, countLabel, count, costKey, costValue: k.value, costUnit: k.unit, energyPj: count * k.value });
  };
  // Synapse: one term per encoding (an encoding's own cost overrides energySynOpPj, chip/report/energy.ts synOpEnergyPj).
  // A spec billing connected synapses only (totals.synOpsBilledOn "connected", TrueNorth) bills those counts instead.
  const connected = r.totals.synOpsBilledOn === "connected" && r.totals.connectedSynOpsByEncoding !== undefined;
  const encodings = Object.entries(connected ? r.totals.connectedSynOpsByEncoding! : r.totals.synOpsByEncoding);
  for (const [enc, n] of encodings) {
    const own = `synapseEncodings.${enc}.energySynOpPj`;
    const key = cost.has(own) ? own : "energySynOpPj";
    const one = encodings.length === 1;
    const [k, label] = connected ? ["connected_syn_ops", "synaptic events on connected synapses (w ≠ 0)"] : ["syn_ops", "synaptic ops"];
    add("synapse", one ? k : `${k}_${enc}`, one ? label : `${label} (${enc})`, n, key);
  }
  add("synapse", "weight_read_bits", "weight bits read", c.weightReadBits, "energyWeightReadPjPerBit");
  const xb = r.totals.crossbar;
  if (xb !== undefined) {
    add("synapse", "crossbar_reads", "crossbar reads", xb.reads, "energyCrossbarReadFixedPj");
    add("synapse", "crossbar_active_rows", "crossbar active rows", xb.activeRows, "energyCrossbarRowReadPj");
    add("synapse", "crossbar_conversions", "ADC conversions", xb.conversions, "energyAdcConversionPj");
    add("synapse", "crossbar_conversions", "ADC conversions (column mux)", xb.conversions, "energyColumnMuxPj");
  }
  add("neuron", "neuron_accesses", "neuron accesses", c.neuronAccesses, "energyNeuronAccessPj");
  if (cost.has("energyNeuronInactivePj")) {
    add("neuron", "neuron_updates_with_input", "neuron updates with input", c.neuronUpdatesWithInput, "energyNeuronUpdatePj");
    add("neuron", "neuron_accesses_without_input", "neuron accesses without input", c.neuronAccesses - c.neuronUpdatesWithInput, "energyNeuronInactivePj");
  } else {
    add("neuron", "neuron_updates", "neuron updates", c.neuronUpdates, "energyNeuronUpdatePj");
  }
  add("neuron", "neurons_fired", "spikes of model neurons (excl. inputs)", c.neuronsFired, "energySpikeOutPj");
  add("network", "packets_out", "packets sent", c.packetsOut, "energyPacketOutPj");
  add("network", "packets_in", "packets received", c.packetsIn, "energyPacketInPj");
  add("network", "hops_east_west", "router hops east-west", c.hopsEast + c.hopsWest, "energyHopEastWestPj");
  add("network", "hops_north_south", "router hops north-south", c.hopsNorth + c.hopsSouth, "energyHopNorthSouthPj");
  add("network", "packets_in_tile", "in-tile packets", c.packetsInTile, "energyInTileSpikePj");
  if (r.totals.learningBilledOn === "changes") add("learning", "weight_changes", "synaptic updates that changed a weight", r.learning?.weightChanges ?? 0, "energySynUpdatePj");
  else add("learning", "syn_updates", "synaptic updates", c.synUpdates, "energySynUpdatePj");
  // Static power is charged only while time is modelled (energy.ts staticEnergyPj; null time = no static energy).
  const ns = r.totals.simulatedTimeNs;
  if (ns !== null) {
    add("static", "core_ns", `cores used (${r.chip.coresUsed}) × simulated time (core·ns)`, r.chip.coresUsed * ns, "staticPowerPerCoreMw");
    add("static", "simulated_time_ns", "simulated time (ns)", ns, "staticPowerChipMw");
  }
  return terms;
}
