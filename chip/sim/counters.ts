/**
 * Operation counters, incremented in the hot path and turned into energy and latency only at report
 * time (energy = Σ counters × cost table). One Float64Array per counter and scope: per core (summed
 * over the run), per tick (summed over cores), and per core for the current tick (for the timing model).
 * Float64 counts are exact up to 2^53.
 */

export const CounterKind = {
  /** Synaptic operations: one spike × one synapse (weight fetch + accumulate). */
  synOps: 0,
  /** Neuron accesses: every mapped compartment (not input) on every tick. */
  neuronAccesses: 1,
  /** Compartments that integrated this tick (not refractory). */
  neuronUpdates: 2,
  /** Integrating compartments that received synaptic input this tick (Loihi's "active" update). */
  neuronUpdatesWithInput: 3,
  /** Spikes emitted (compartments that fired plus input neurons driven by the stimulus). */
  spikes: 4,
  /** AER packets sent (one per spike and destination core, core-local ones included). */
  packetsOut: 5,
  /** AER packets received. */
  packetsIn: 6,
  /** Router hops by direction: +x (east), −x (west), +y (north), −y (south). */
  hopsEast: 7,
  hopsWest: 8,
  hopsNorth: 9,
  hopsSouth: 10,
  /** Packets between two cores of one tile (no router hop). */
  packetsInTile: 11,
  /** Packets whose destination is the sending core itself. */
  packetsLocal: 12,
  /** Weight-memory bits read (synOps × weightBits). */
  weightReadBits: 13,
  /** Plastic synapse updates (read-modify-write of weight memory). */
  synUpdates: 14,
  /** Spikes of compartments only (input neurons excluded). */
  neuronsFired: 15,
  /** Fixed-point saturations of u or v (each clamp counts once). */
  overflows: 16,
  /** General learning engine: equations evaluated (one per synapse, phase and target dw/dt). */
  learnRuleEvaluations: 17,
  /** General learning engine: trace decay steps and spike/graded jumps of x1, x2, y1, y2, y3. */
  learnTraceUpdates: 18,
} as const;
export type CounterKind = (typeof CounterKind)[keyof typeof CounterKind];
export const COUNTER_NAMES = Object.keys(CounterKind) as ReadonlyArray<keyof typeof CounterKind>;
export const COUNTER_COUNT = COUNTER_NAMES.length;

export interface CounterArrays {
  /** [core × COUNTER_COUNT + kind], totals over the run. */
  readonly perCore: Float64Array;
  /** [tick × COUNTER_COUNT + kind], totals over cores. */
  readonly perTick: Float64Array;
  /** [core × COUNTER_COUNT + kind] for the tick in progress (reset every tick). */
  readonly tickCore: Float64Array;
  /** Synaptic ops by [core × encodings + encoding]. */
  readonly synOpsByEncoding: Float64Array;
  /** Synaptic ops by [tick × encodings + encoding]. */
  readonly synOpsByTickEncoding: Float64Array;
  readonly synOpsByProjection: Float64Array;
  /** Spikes per global neuron over the run. */
  readonly spikesPerNeuron: Uint32Array;
}

export function allocateCounters(cores: number, ticks: number, encodings: number, projections: number, neurons: number): CounterArrays {
  return {
    perCore: new Float64Array(cores * COUNTER_COUNT),
    perTick: new Float64Array(ticks * COUNTER_COUNT),
    tickCore: new Float64Array(cores * COUNTER_COUNT),
    synOpsByEncoding: new Float64Array(cores * encodings),
    synOpsByTickEncoding: new Float64Array(ticks * encodings),
    synOpsByProjection: new Float64Array(projections),
    spikesPerNeuron: new Uint32Array(neurons),
  };
}
