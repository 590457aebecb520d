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
  /*
   * Compute-in-memory (analog crossbar) costs. A crossbar core does not pay per synapse: one
   * *crossbar read* drives every input row that received a spike at once and converts the summed
   * column currents with ADCs. A simulator counts, per core and tick:
   *   reads         = 1 if at least one input row (axon) of the core received a spike this tick, else 0
   *   activeRows    = distinct input rows that received a spike this tick (a row driven twice in one
   *                   tick is driven once; graded inputs are not modelled)
   *   activeColumns = columns holding a mapped neuron (every mapped bit line is converted on a read,
   *                   whether or not its current is non-zero; unmapped columns are not converted)
   * and charges
   *   E_crossbar = reads · (energyCrossbarReadFixedPj + activeColumns · (energyAdcConversionPj + energyColumnMuxPj))
   *              + activeRows · energyCrossbarRowReadPj
   *   latency    = reads · latencyCrossbarReadNs   (added to the core's work in the tick)
   * Synaptic ops are still counted (for SOP reports) but cost `energySynOpPj`, which a crossbar
   * preset leaves absent. Only meaningful with `core.crossbarRows`/`crossbarColumns` set; digital
   * crossbars (TrueNorth, ODIN) publish per-SOP energies instead and leave these keys absent.
   */
  /** Per crossbar read, independent of rows and columns: input fetch, interconnect, buffers, accumulation, neuron module. */
  readonly energyCrossbarReadFixedPj?: CostEntry;
  /** Per active input row per read (row driver + cell currents of that row). */
  readonly energyCrossbarRowReadPj?: CostEntry;
  /** Per ADC conversion; a read converts each active column once. */
  readonly energyAdcConversionPj?: CostEntry;
  /** Per ADC conversion: the column multiplexer in front of the shared ADC. */
  readonly energyColumnMuxPj?: CostEntry;
  /** Duration of one crossbar read (the crossbar's compute cycle). */
  readonly latencyCrossbarReadNs?: CostEntry;
}

/** Every per-operation key of CostTable (all but `synapseEncodings`), in report order. */
export const COST_KEYS = [
  "energySynOpPj", "latencySynOpNs",
  "energyNeuronAccessPj", "latencyNeuronAccessNs",
  "energyNeuronUpdatePj", "latencyNeuronUpdateNs",
  "energyNeuronInactivePj", "latencyNeuronInactiveNs",
  "energySpikeOutPj", "latencySpikeOutNs",
  "energyPacketOutPj", "latencyPacketOutNs",
  "energyPacketInPj", "latencyPacketInNs",
  "energyHopEastWestPj", "latencyHopEastWestNs",
  "energyHopNorthSouthPj", "latencyHopNorthSouthNs",
  "energyInTileSpikePj", "latencyInTileSpikeNs",
  "energySynUpdatePj", "latencySynUpdateNs",
  "energyWeightReadPjPerBit",
  "staticPowerPerCoreMw", "staticPowerChipMw",
  "energyCrossbarReadFixedPj", "energyCrossbarRowReadPj", "energyAdcConversionPj", "energyColumnMuxPj", "latencyCrossbarReadNs",
] as const satisfies ReadonlyArray<Exclude<keyof CostTable, "synapseEncodings">>;
export type CostKey = (typeof COST_KEYS)[number];
/** Keys a `costs.synapseEncodings.<name>` override may carry. */
export const SYNAPSE_ENCODING_COST_KEYS = ["energySynOpPj", "latencySynOpNs"] as const;
// Compile-time check that COST_KEYS lists every per-operation key of CostTable.
const costKeysComplete: [Exclude<Exclude<keyof CostTable, "synapseEncodings">, CostKey>] extends [never] ? true : never = true;
void costKeysComplete;

/** Per-tick barrier synchronisation latency, as a table keyed by the number of active tiles. */
export interface SyncSpec {
  /** Rows sorted by `tiles`. */
  readonly table: ReadonlyArray<{ readonly tiles: number; readonly latencyNs: number }>;
  /**
   * `step`: a tick with k active tiles costs the first row with tiles >= k (the last row beyond it);
   * `linear`: interpolated linearly between rows, clamped at both ends;
   * `floor`: the last row with tiles <= k, and the first row when k is below every row. This is
   *   SANA-FE's `LookupTable::get` (src/utils.hpp @8951ab0: "largest key <= x") used for its
   *   `sync_model: table`; e.g. with rows {1, 2, 4, 29}, 3 tiles cost the row for 2, 32 tiles the row for 29.
   */
  readonly interpolation: "step" | "linear" | "floor";
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
  /**
   * Physical dense crossbar of the core: rows are input axons, columns are neurons (TrueNorth 256×256,
   * ODIN 256×256, a CIM array 64×64). When set, a core holds at most `crossbarRows` input axons and
   * `crossbarColumns` neurons, and its synapse memory is the crossbar (see chip/spec/memory.ts).
   * Absent = no fixed crossbar (synapse lists in SRAM, e.g. Loihi).
   */
  readonly crossbarRows?: number;
  readonly crossbarColumns?: number;
  /**
   * Axon types (TrueNorth: 4). Each input axon of a core has one type; each neuron holds one signed
   * weight per type (`precision.weightBits` wide), and the crossbar stores only a connect bit:
   *   w(axon a, neuron n) = connected(a, n) ? weightOfType[n][type(a)] : 0.
   * So a neuron sees at most `axonTypes` distinct non-zero weights, and all synapses of one axon into
   * one core share its type. Absent = every synapse stores its own weight. Checked on fixed-point
   * programs (compiler/passes/axon-types.ts); float runs are the ideal chip (docs/fixed-point.md).
   */
  readonly axonTypes?: number;
  /**
   * Distinct neuron configurations (parameter sets: decays, threshold, refractory period, …) one core
   * can hold; neurons of a core share these (Loihi: compartment config table). Absent = every neuron
   * has its own parameters (no limit beyond maxNeurons).
   */
  readonly maxNeuronConfigs?: number;
  /**
   * The core can store one weight set and apply it to many (axon, neuron) pairs, as convolution
   * kernels (Loihi population axons; SANA-FE's conv synapse unit). Absent/false = every synapse is
   * stored separately, so a convolution is expanded into its full synapse list.
   */
  readonly supportsWeightSharing?: boolean;
  /**
   * Published size of one neuron's state + parameter word in the neuron memory (ODIN: 128 bits).
   * When set, neuron memory accounting uses it instead of summing the precision widths.
   */
  readonly neuronMemoryBitsPerNeuron?: number;
  /**
   * Whether the model's input neurons (populations of kind input) take neuron slots. Absent/true: an input
   * neuron is placed on a core and counts against `maxNeurons` like a compartment (and against
   * `maxNeuronConfigs` as one configuration, and as a crossbar column in a dense synapse memory). false: the
   * chip's inputs are off-chip AER events addressing input axons (ODIN: an 8-bit pre-synaptic address picks one
   * of 256 crossbar rows), so input neurons are still placed on a core (their spikes leave it as AER packets,
   * through its output axons and routes) but take no neuron slot, configuration, neuron memory or crossbar
   * column; the rows their spikes reach still count against `maxInputAxons` (chip/spec/neuron-slots.ts).
   */
  readonly inputsTakeNeuronSlots?: boolean;
}

/**
 * Bit widths of the core's arithmetic (used by fixed-point mode and by memory accounting).
 * Widths of signed quantities include the sign bit: Loihi's "23 bits plus sign" voltage is 24.
 */
export interface PrecisionSpec {
  /** Bits stored per synaptic weight (the mantissa when `weightExponentBits` is set). */
  readonly weightBits: number;
  /** Whether the stored weight is signed (two's complement within `weightBits`). */
  readonly weightSigned: boolean;
  readonly delayBits: number;
  /** Membrane voltage width. */
  readonly stateBits: number;
  /** Synaptic current / input accumulator width. */
  readonly currentBits: number;
  /** Decay (leak) constant width: decay = d / 2^decayBits (see `leakKind` for additive leaks). */
  readonly decayBits: number;
  readonly thresholdBits: number;
  /** Learning traces; 0 = the chip has no on-chip learning traces. */
  readonly traceBits: number;
  /**
   * The learning engine has a lookup table over a plastic weight's 2^weightBits values, so a rule may use a
   * power of the weight (w ± C)^p (Diehl & Cook's (wMax − w)^μ) with quantised weights: the table's entries
   * are the exact values rounded to this many fractional bits (chip/program/learning-rule.ts PowerTable).
   * Absent = no such table (Loihi's engine is sum-of-products only); float weights need none.
   */
  readonly learningLutFractionBits?: number;
  /** Refractory counter width; 0 = no refractory counter. */
  readonly refractoryBits: number;
  /**
   * Bits of a signed weight exponent shared by a group of synapses (Loihi: per synapse config, 4 bits,
   * e ∈ [−7, 7]). The effective weight is mantissa · 2^e with e ∈ [−(2^(b−1) − 1), 2^(b−1) − 1], so
   * the compiler may choose one exponent per core or per layer. Absent = no exponent (e = 0).
   */
  readonly weightExponentBits?: number;
  /**
   * The sign of a weight belongs to the pre-synaptic neuron, not the synapse (ODIN: a per-neuron
   * excitatory/inhibitory bit): all synapses of one source neuron share one sign and store only
   * the magnitude (`weightSigned` is then false). Absent/false = sign stored per synapse (or none).
   */
  readonly weightSignPerSource?: boolean;
  /**
   * The sign of a weight is held per synapse outside `weightBits` (sPyNNaker: the synapse-type field
   * selects excitatory or inhibitory input and the weight field holds the magnitude): a synapse stores a
   * `weightBits` magnitude and its own sign (`weightSigned` is then false). Absent/false = no such bit.
   */
  readonly weightSignPerSynapse?: boolean;
  /**
   * `multiplicative` (default): v ← v · (1 − d/2^decayBits) per tick (Loihi).
   * `additive`: v ← v − λ per leak event with λ a `decayBits`-wide constant (TrueNorth's signed leak,
   * ODIN's leak strength); the rounding and saturation rules belong to the fixed-point model.
   */
  readonly leakKind?: "multiplicative" | "additive";
  /**
   * Whether the neuron keeps a synaptic current state separate from its voltage (Loihi's u).
   * false: inputs add directly to the voltage (TrueNorth, ODIN) and `currentBits` is only the
   * width of the per-tick input sum, not stored state. Absent = true.
   */
  readonly separateCurrent?: boolean;
  /** Resolution of the column ADCs of an analog crossbar (SpikeSim default: 4). */
  readonly adcBits?: number;
}

/** How synapses are laid out in synapse memory, with the bits each takes (equations in chip/spec/memory.ts). */
export interface SynapseEncodingSpec {
  /** `dense`: a full axons × neurons block of weight words; `sparse`: per synapse weight + delay + target index. */
  readonly kind: "dense" | "sparse";
  /** Extra bits per synapse word besides weight and delay (tags, plasticity flags). */
  readonly extraBitsPerSynapse: number;
  /**
   * Whether each synapse stores its own delay (`precision.delayBits` wide, counted only on a core
   * that stores a synapse with a delay other than 1). false: delays live elsewhere (TrueNorth: one per
   * neuron output, so all synapses of a source neuron must share one delay, E_CORE_DELAY_PER_NEURON) or do
   * not exist. Absent = true.
   */
  readonly delayPerSynapse?: boolean;
  /**
   * Sparse only: each synapse entry is padded to a whole number of words of this width
   * (SpiNNaker: one 32-bit word per synapse). Absent = entries are packed bit-exactly.
   */
  readonly synapseWordBits?: number;
  /**
   * Sparse only: an input axon's synapse list is stored in groups of at most `synapsesPerGroup`
   * entries, each with `axonHeaderBits` of header and rounded up to whole `memoryWordBits` words
   * (Loihi per nengo-loihi's SynapseConfig.bits_per_axon: groups of ≤ 64, 4 + 6 header bits,
   * 64-bit words). Absent = one group per axon, no header, no rounding.
   */
  readonly axonHeaderBits?: number;
  readonly synapsesPerGroup?: number;
  readonly memoryWordBits?: number;
}

/** ChipSpec.synOpsBilledOn: which count of synaptic work energySynOpPj multiplies (see there). */
export const SYNOP_BILLING_BASES = ["entries", "connected"] as const;
export type SynOpBillingBasis = (typeof SYNOP_BILLING_BASES)[number];

/** The synaptic-op billing basis a spec gives ("entries" when it says none). */
export function synOpBillingBasis(spec: ChipSpec): SynOpBillingBasis {
  return spec.synOpsBilledOn ?? "entries";
}

/** ChipSpec.learningBilledOn: what the learning energy bills (see there). */
export const LEARNING_BILLING_BASES = ["evaluations", "changes"] as const;
export type LearningBillingBasis = (typeof LEARNING_BILLING_BASES)[number];

/** The learning billing basis a spec gives ("evaluations" when it says none). */
export function learningBillingBasis(spec: ChipSpec): LearningBillingBasis {
  return spec.learningBilledOn ?? "evaluations";
}

/**
 * Neuron models a chip can run (ChipSpec.neuronModels): `lif` is the compartment of chip/program/types.ts
 * (with SANA-FE's soma, which only SANA-FE architectures produce); `lif-cond` the conductance-based LIF
 * (NeuronDynamics.lifCond; docs/model-format.md "Conductance-based LIF").
 */
export const NEURON_MODELS = ["lif", "lif-cond"] as const;
export type NeuronModelName = (typeof NEURON_MODELS)[number];

/** The neuron models a spec runs (["lif"] when it says none). */
export function neuronModelsOf(spec: ChipSpec): readonly NeuronModelName[] {
  return spec.neuronModels ?? ["lif"];
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
  /**
   * What one `energySynUpdatePj` is paid for (chip/report/energy.ts: learning = count · energySynUpdatePj):
   *   "evaluations"  every synapse update the learning engine performs (counter synUpdates), whether or not
   *                  the weight changes. Loihi's engine does this: at each learning epoch it evaluates the rule
   *                  on every plastic synapse whose dependency (x0, y0, u_k) is active and writes it back
   *                  (hardware-facts.md §3.1, Davies et al. 2018, Table 2 prices that per-synapse update).
   *   "changes"      only the updates after which the stored weight differs (the learning report's
   *                  weightChanges): an event-driven engine that writes a synapse only when Δw ≠ 0 after
   *                  clipping and rounding.
   * Absent = "evaluations". `aerchip run --bill-learning` overrides it for one run.
   */
  readonly learningBilledOn?: LearningBillingBasis;
  /**
   * What one `energySynOpPj` (or an encoding's) is paid for (chip/report/energy.ts: synapse = count · energySynOpPj):
   *   "entries"    every synapse entry a spike reads (counter synOps), zero weights included: the row a spike
   *                reads is read whole (SANA-FE counts dense Loihi rows so; ODIN reads a whole crossbar row).
   *   "connected"  only the entries with a non-zero weight (chip/report/connected-synapses.ts): a crossbar whose
   *                synapses are connect bits, where a zero weight is an absent connection and a spike on an axon
   *                causes a synaptic event only on connected synapses (TrueNorth: Merolla et al., Science 2014,
   *                "26 pJ per synaptic event"). synOps itself still counts entries.
   * Absent = "entries".
   */
  readonly synOpsBilledOn?: SynOpBillingBasis;
  /** Clock period of the modelled chip used to report inferences per second; 0 = event-driven (use latency). */
  readonly tickPeriodNs?: number;
  /**
   * Neuron models the chip runs (NEURON_MODELS); a model population of another is refused when compiling
   * (E_ARCH_NEURON_MODEL, chip/spec/neuron-models.ts). Absent = ["lif"]. Its source is
   * fieldSources.neuronModels.
   */
  readonly neuronModels?: readonly NeuronModelName[];
  /**
   * Where individual structural figures come from, keyed by field path (`core.maxNeurons`,
   * `precision.stateBits`, `mesh.widthTiles`, …). A value starting with `assumed:` marks a modelling
   * choice, not a published figure (the rest of the text says why). Fields without an entry come
   * from `source`. `aerchip presets` prints these next to each limit.
   */
  readonly fieldSources?: Readonly<Record<string, string>>;
}

/** Derived constants every layer needs; computed, never stored in the spec. */
export function totalCores(spec: ChipSpec): number {
  return spec.mesh.widthTiles * spec.mesh.heightTiles * spec.mesh.coresPerTile;
}

/**
 * The barrier latency a SyncSpec gives for `tiles` active tiles, per its `interpolation` (the
 * definition of the three rules; the timing models should call this). 0 for an empty table.
 */
export function syncTableLatencyNs(sync: SyncSpec, tiles: number): number {
  const rows = sync.table;
  const n = rows.length;
  if (n === 0) return 0;
  if (sync.interpolation === "floor") {
    // SANA-FE LookupTable::get: largest key <= tiles, else the first row.
    let i = n - 1;
    while (i > 0 && rows[i].tiles > tiles) i--;
    return rows[i].latencyNs;
  }
  if (sync.interpolation === "step") {
    for (let i = 0; i < n; i++) if (rows[i].tiles >= tiles) return rows[i].latencyNs;
    return rows[n - 1].latencyNs;
  }
  if (tiles <= rows[0].tiles) return rows[0].latencyNs;
  for (let i = 1; i < n; i++) {
    if (tiles <= rows[i].tiles) {
      const a = rows[i - 1];
      const b = rows[i];
      return a.latencyNs + ((b.latencyNs - a.latencyNs) * (tiles - a.tiles)) / (b.tiles - a.tiles);
    }
  }
  return rows[n - 1].latencyNs;
}
