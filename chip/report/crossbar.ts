/**
 * Compute-in-memory crossbar accounting (chip/spec/types.ts CostTable, crossbar keys), derived exactly
 * from the run's spikes and the routing tables at report time. Per core and tick:
 *   activeRows = distinct input axons (crossbar rows) that received a packet in that tick
 *   reads      = 1 if activeRows > 0
 *   columns    = compartments mapped on the core (every mapped bit line is converted on a read)
 *   E = reads · (energyCrossbarReadFixedPj + columns · (energyAdcConversionPj + energyColumnMuxPj))
 *       + activeRows · energyCrossbarRowReadPj
 * A packet's rows are read in the tick it arrives at its core, i.e. the tick its spike is emitted (the
 * same convention as the synaptic-op counters).
 */
import { NeuronKind, type ChipProgram } from "../program/types.ts";
import type { ChipSpec, CostEntry } from "../spec/types.ts";
import type { SimResult } from "../sim/run.ts";
import type { EnergyBreakdownPj } from "./energy.ts";

export interface CrossbarCounts {
  /** Per core: crossbar reads and active rows over the run. */
  readonly readsPerCore: Float64Array;
  readonly activeRowsPerCore: Float64Array;
  readonly columnsPerCore: Float64Array;
  /** Per tick: energy in pJ and the slowest core's read latency in ns. */
  readonly energyPerTickPj: Float64Array;
  readonly readLatencyPerTickNs: Float64Array;
  readonly energyPerCorePj: Float64Array;
  readonly totalEnergyPj: number;
}

const v = (c: CostEntry | undefined): number => (c === undefined ? 0 : c.value);

export function usesCrossbarCosts(spec: ChipSpec): boolean {
  const c = spec.costs;
  return c.energyCrossbarReadFixedPj !== undefined || c.energyCrossbarRowReadPj !== undefined || c.energyAdcConversionPj !== undefined || c.energyColumnMuxPj !== undefined || c.latencyCrossbarReadNs !== undefined;
}

export function crossbarCounts(spec: ChipSpec, program: ChipProgram, res: SimResult): CrossbarCounts {
  const st = res.state;
  const C = st.coreCount;
  const T = res.steps;
  const fixedPj = v(spec.costs.energyCrossbarReadFixedPj);
  const rowPj = v(spec.costs.energyCrossbarRowReadPj);
  const colPj = v(spec.costs.energyAdcConversionPj) + v(spec.costs.energyColumnMuxPj);
  const readNs = v(spec.costs.latencyCrossbarReadNs);
  const columnsPerCore = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let cols = 0;
    for (let n = st.coreNeuronStart[c]; n < st.coreNeuronStart[c + 1]; n++) if (st.kind[n] !== NeuronKind.input) cols++;
    columnsPerCore[c] = cols;
  }
  // Global neuron of each (population, index), to walk the spikes tick by tick.
  const firedByTick: number[][] = Array.from({ length: T }, () => []);
  program.populations.forEach((pop) => {
    const sp = res.spikes.get(pop.name);
    if (sp === undefined) return;
    const globalOf = new Uint32Array(pop.size);
    for (const b of pop.blocks) for (let i = 0; i < b.count; i++) {
      const at = b.populationStart + i;
      globalOf[pop.order === undefined ? at : pop.order[at]] = st.coreNeuronStart[b.coreIndex] + b.neuronStart + i;
    }
    for (let k = 0; k < sp.tick.length; k++) firedByTick[sp.tick[k]].push(globalOf[sp.neuron[k]]);
  });
  const readsPerCore = new Float64Array(C);
  const activeRowsPerCore = new Float64Array(C);
  const energyPerCorePj = new Float64Array(C);
  const energyPerTickPj = new Float64Array(T);
  const readLatencyPerTickNs = new Float64Array(T);
  let axons = 1;
  for (let r = 0; r < st.routeAxon.length; r++) if (st.routeAxon[r] + 1 > axons) axons = st.routeAxon[r] + 1;
  const rowSeen = new Int32Array(axons).fill(-1);
  const rowsThisTick = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    rowsThisTick.fill(0);
    for (const n of firedByTick[t]) {
      for (let r = st.routePtr[n]; r < st.routePtr[n + 1]; r++) {
        const a = st.routeAxon[r];
        if (rowSeen[a] === t) continue;
        rowSeen[a] = t;
        rowsThisTick[st.routeDestCore[r]]++;
      }
    }
    let e = 0;
    let anyRead = false;
    for (let c = 0; c < C; c++) {
      const rows = rowsThisTick[c];
      if (rows === 0) continue;
      anyRead = true;
      const ec = fixedPj + columnsPerCore[c] * colPj + rows * rowPj;
      readsPerCore[c]++;
      activeRowsPerCore[c] += rows;
      energyPerCorePj[c] += ec;
      e += ec;
    }
    energyPerTickPj[t] = e;
    readLatencyPerTickNs[t] = anyRead ? readNs : 0;
  }
  let totalEnergyPj = 0;
  for (let t = 0; t < T; t++) totalEnergyPj += energyPerTickPj[t];
  return { readsPerCore, activeRowsPerCore, columnsPerCore, energyPerTickPj, readLatencyPerTickNs, energyPerCorePj, totalEnergyPj };
}

/** Adds crossbar-read energy to the synapse component (the crossbar is the synaptic array). */
export function withCrossbarEnergy(e: EnergyBreakdownPj, crossbarPj: number): EnergyBreakdownPj {
  if (crossbarPj === 0) return e;
  return { ...e, synapse: e.synapse + crossbarPj, dynamic: e.dynamic + crossbarPj };
}

/** Each tick's modelled latency with its crossbar reads added (the run's latencies as they are without crossbar counts). */
export function latencyWithCrossbarNs(tickLatencyNs: Float64Array, xb: CrossbarCounts | undefined): ArrayLike<number> {
  return xb === undefined ? tickLatencyNs : Array.from(tickLatencyNs, (ns, t) => ns + xb.readLatencyPerTickNs[t]);
}
