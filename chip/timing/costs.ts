/**
 * The latencies a timing model needs, read once from a ChipSpec (ns). An absent cost is 0, as in the
 * energy report. Synaptic latency per encoding: the encoding's override, else `latencySynOpNs`.
 */
import { syncTableLatencyNs, type ChipSpec, type CostEntry, type SyncSpec } from "../spec/types.ts";

export interface TimingCosts {
  /** Per TickWork encoding index. */
  readonly synOpNs: Float64Array;
  readonly accessNs: number;
  readonly updateNs: number;
  /** Latency of an accessed compartment that was not updated (Loihi's inactive update); 0 if not given. */
  readonly inactiveNs: number;
  readonly spikeOutNs: number;
  readonly packetOutNs: number;
  readonly packetInNs: number;
  readonly hopEastWestNs: number;
  readonly hopNorthSouthNs: number;
  /** A message between two cores of one tile (no router hop; Davies Table 2 "within-tile spike"); 0 if not given. */
  readonly inTileNs: number;
  /** One synaptic update of the learning engine (read-modify-write of a plastic weight). */
  readonly synUpdateNs: number;
}

const v = (c: CostEntry | undefined): number => (c === undefined ? 0 : c.value);

export function timingCosts(spec: ChipSpec, encodings: readonly string[]): TimingCosts {
  const c = spec.costs;
  return {
    synOpNs: Float64Array.from(encodings, (e) => {
      const o = c.synapseEncodings?.[e]?.latencySynOpNs;
      return o !== undefined ? o.value : v(c.latencySynOpNs);
    }),
    accessNs: v(c.latencyNeuronAccessNs),
    updateNs: v(c.latencyNeuronUpdateNs),
    inactiveNs: v(c.latencyNeuronInactiveNs),
    spikeOutNs: v(c.latencySpikeOutNs),
    packetOutNs: v(c.latencyPacketOutNs),
    packetInNs: v(c.latencyPacketInNs),
    hopEastWestNs: v(c.latencyHopEastWestNs),
    hopNorthSouthNs: v(c.latencyHopNorthSouthNs),
    inTileNs: v(c.latencyInTileSpikeNs),
    synUpdateNs: v(c.latencySynUpdateNs),
  };
}

/** Barrier latency for `tiles` tiles from the spec's table (chip/spec/types.ts syncTableLatencyNs); 0 for no tile. */
export function syncLatencyNs(sync: SyncSpec, tiles: number): number {
  if (tiles <= 0) return 0;
  return syncTableLatencyNs(sync, tiles);
}

/**
 * The learning phase of a tick (Loihi: after the spiking phase; Davies et al., IEEE Micro 2018): every
 * core applies its synaptic updates in parallel, so the phase lasts
 *   learn = max_c synUpdates_c · t_synUpdate
 * and is added to the spiking phase's latency. 0 for ticks without plastic updates.
 */
export function learningPhaseNs(synUpdates: Float64Array, k: TimingCosts): number {
  if (k.synUpdateNs === 0) return 0;
  let worst = 0;
  for (let c = 0; c < synUpdates.length; c++) if (synUpdates[c] > worst) worst = synUpdates[c];
  return worst * k.synUpdateNs;
}
