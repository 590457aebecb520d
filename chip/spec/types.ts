/**
 * ChipSpec: the static description of a neuromorphic chip, as plain data.
 *
 * A ChipSpec says what the hardware *is* (mesh, per-core limits, bit widths, per-operation costs);
 * it never says how it is simulated. The compiler reads its limits, the simulator sizes its state
 * from it, and the report multiplies counters by its costs. Presets live as JSON files in
 * `chip/spec/presets/`; every cost there carries the publication it comes from.
 *
 * Units are in the field names: `Pj` picojoules, `Ns` nanoseconds, `Mw` milliwatts, `Bits`.
 */

export const CHIP_SPEC_FORMAT = "aerchip-chip-spec" as const;
export const CHIP_SPEC_VERSION = 1 as const;

/** What kind of number a cost is (hardware-facts.md: the field mixes these, so say which). */
export const Evidence = {
  simulated: "simulated", // pre-silicon SPICE/SDF (e.g. Davies 2018 Table 2)
  measured: "measured", // measured on silicon, per operation
  allIn: "all-in", // total chip power / event rate: includes leakage and routing, add nothing on top
  calibrated: "calibrated", // fitted to measurements (e.g. SANA-FE's Loihi file)
  derived: "derived", // computed from published figures (the derivation is in `note`)
} as const;
export type Evidence = (typeof Evidence)[keyof typeof Evidence];

/** One per-operation figure with where it comes from. */
export interface CostEntry {
  readonly value: number;
  /** Publication and table/page, or repository and commit. */
  readonly source: string;
  readonly evidence: Evidence;
  readonly note?: string;
}

/**
 * Per-operation costs. Every key is optional: an absent key costs nothing and the report says
 * "not modelled" for it. Energies in pJ per operation, latencies in ns per operation.
 */
export interface CostTable {
  /** Synaptic operation (one spike × one synapse: weight fetch + accumulate), per synapse encoding. */
  readonly energySynOpPj?: CostEntry;
  readonly latencySynOpNs?: CostEntry;
  /** Overrides per synapse encoding (SANA-FE has dense/sparse/conv synapse units with their own costs). */
  readonly synapseEncodings?: Readonly<Record<string, { readonly energySynOpPj?: CostEntry; readonly latencySynOpNs?: CostEntry }>>;
  /** Paid by every mapped neuron on every tick, whether or not it integrates (SANA-FE's soma access). */
  readonly energyNeuronAccessPj?: CostEntry;
  readonly latencyNeuronAccessNs?: CostEntry;
  /** An active (integrating) neuron update. */
  readonly energyNeuronUpdatePj?: CostEntry;
  readonly latencyNeuronUpdateNs?: CostEntry;
  /** An inactive neuron update (refractory or idle), where the chip distinguishes it (Loihi: 52 pJ). */
  readonly energyNeuronInactivePj?: CostEntry;
  readonly latencyNeuronInactiveNs?: CostEntry;
  /** A neuron that fires (spike generation in the soma). */
  readonly energySpikeOutPj?: CostEntry;
  readonly latencySpikeOutNs?: CostEntry;
  /** One AER packet leaving a core (axon-out lookup + injection). */
  readonly energyPacketOutPj?: CostEntry;
  readonly latencyPacketOutNs?: CostEntry;
  /** One AER packet received by a core (axon-in lookup). */
  readonly energyPacketInPj?: CostEntry;
  readonly latencyPacketInNs?: CostEntry;
  /** One router-to-router hop, east-west and north-south. */
  readonly energyHopEastWestPj?: CostEntry;
  readonly latencyHopEastWestNs?: CostEntry;
  readonly energyHopNorthSouthPj?: CostEntry;
  readonly latencyHopNorthSouthNs?: CostEntry;
  /** A packet between two cores of the same tile (no router hop). */
  readonly energyInTileSpikePj?: CostEntry;
  readonly latencyInTileSpikeNs?: CostEntry;
  /** A synaptic learning update (read-modify-write of one plastic synapse). */
  readonly energySynUpdatePj?: CostEntry;
  readonly latencySynUpdateNs?: CostEntry;
  /** Weight-memory read energy per bit, where published per bit rather than per synaptic op. */
  readonly energyWeightReadPjPerBit?: CostEntry;
  /** Static (leakage + idle) power of one core, and of the whole chip besides its cores. */
  readonly staticPowerPerCoreMw?: CostEntry;
  readonly staticPowerChipMw?: CostEntry;
}

/** Per-tick barrier synchronisation latency, as a table keyed by the number of active tiles. */
export interface SyncSpec {
  /** Rows sorted by `tiles`. */
  readonly table: ReadonlyArray<{ readonly tiles: number; readonly latencyNs: number }>;
  /**
   * `step`: a tick with k active tiles costs the first row with tiles >= k (the last row beyond it);
   * `linear`: interpolated linearly between rows, clamped at both ends.
   */
  readonly interpolation: "step" | "linear";
  readonly source: string;
}

export interface MeshSpec {
  readonly widthTiles: number;
  readonly heightTiles: number;
  readonly coresPerTile: number;
  /** Packets a router link buffers before it back-pressures (used by the detailed timing model). */
  readonly linkBufferPackets: number;
}

/** Hard per-core limits the compiler must respect. */
export interface CoreLimits {
  readonly maxNeurons: number;
  /** Distinct input axons (crossbar rows / distribution lists) per core. */
  readonly maxInputAxons: number;
  /** Output routing entries (destination cores over all neurons) per core. */
  readonly maxOutputAxons: number;
  /** Synapse memory per core, in bits. */
  readonly synapseMemoryBits: number;
  /** Largest synaptic delay a synapse can hold, in ticks (>= 1). */
  readonly maxDelayTicks: number;
  /** Destination cores one neuron may send to (fan-out in cores); 0 = only bounded by maxOutputAxons. */
  readonly maxFanOutCores: number;
}

/** Bit widths of the core's arithmetic (used by fixed-point mode and by memory accounting). */
export interface PrecisionSpec {
  readonly weightBits: number;
  readonly weightSigned: boolean;
  readonly delayBits: number;
  /** Membrane voltage width. */
  readonly stateBits: number;
  /** Synaptic current / input accumulator width. */
  readonly currentBits: number;
  /** Decay (leak) constant width: decay = d / 2^decayBits. */
  readonly decayBits: number;
  readonly thresholdBits: number;
  /** Learning traces. */
  readonly traceBits: number;
  /** Refractory counter width. */
  readonly refractoryBits: number;
}

/** How synapses are laid out in synapse memory, with the bits each takes. */
export interface SynapseEncodingSpec {
  /** `dense`: a full axons × neurons block of weight words; `sparse`: per synapse weight + delay + target index. */
  readonly kind: "dense" | "sparse";
  /** Extra bits per synapse word besides weight and delay (tags, plasticity flags). */
  readonly extraBitsPerSynapse: number;
}

export interface ChipSpec {
  readonly format: typeof CHIP_SPEC_FORMAT;
  readonly version: typeof CHIP_SPEC_VERSION;
  readonly name: string;
  readonly description: string;
  /** Where the structure and limits come from. */
  readonly source: string;
  readonly mesh: MeshSpec;
  readonly core: CoreLimits;
  readonly precision: PrecisionSpec;
  readonly synapseEncoding: SynapseEncodingSpec;
  readonly costs: CostTable;
  readonly sync: SyncSpec;
  /** Clock period of the modelled chip used to report inferences per second; 0 = event-driven (use latency). */
  readonly tickPeriodNs?: number;
}

/** Derived constants every layer needs; computed, never stored in the spec. */
export function totalCores(spec: ChipSpec): number {
  return spec.mesh.widthTiles * spec.mesh.heightTiles * spec.mesh.coresPerTile;
}
