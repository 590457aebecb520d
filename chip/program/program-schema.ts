/**
 * The protobuf schema of a serialised ChipProgram (`.aerprog` files), as text parsed once by
 * protobufjs. The file around it is: 8-byte magic "AERPROG\0", a uint32 little-endian schema version,
 * then one `Program` message (see codec.ts).
 *
 * Every typed array is a `bytes` field holding the array's raw little-endian contents; its element
 * type is fixed by the field (named in its comment). protobufjs would decode a `repeated double` into
 * a plain JS array (8+ bytes per element plus boxing, and slow), so only tiny lists (a shape) use
 * repeated scalars. Field numbers are the stable contract: never renumber or reuse one; a change
 * that old readers would misread bumps PROGRAM_SCHEMA_VERSION instead.
 */
import protobuf from "protobufjs";

/** Version written after the magic; bump it when a change would be misread by an older reader. */
export const PROGRAM_SCHEMA_VERSION = 1 as const;

export const PROGRAM_PROTO = `
syntax = "proto3";

package aerchip.program.v1;

// One compiled program: the contents of every core's memories plus the maps that name them.
message Program {
  // Name of the ChipSpec compiled for, and the mesh it assumed (checked when the program is loaded).
  string spec_name = 1;
  uint32 mesh_width_tiles = 2;
  uint32 mesh_height_tiles = 3;
  uint32 cores_per_tile = 4;
  string model_name = 5;
  // Steps to simulate when the user gives none.
  uint32 default_steps = 6;
  // Largest synaptic delay in ticks over all synapses (>= 1).
  uint32 max_delay_ticks = 7;
  // Cores in program order; PopulationBlock.core_index indexes this list.
  repeated Core cores = 8;
  repeated Population populations = 9;
  // Crossbar.syn_projection indexes this list.
  repeated Projection projections = 10;
  // Present for fixed-point programs (chip/program/types.ts FixedPointProgram).
  FixedPoint fixed_point = 11;
  // Present for programs compiled from a NIR graph (chip/program/types.ts NirProgramInfo): the node map
  // and latencies "run program.aerprog" needs to report in NIR steps. Older readers skip it.
  NirInfo nir = 12;
  // CRC-32 (ISO-HDLC, as zlib computes it) of every byte of this message before this field. Always
  // the last field: a file cut short loses it, and any changed byte fails it.
  fixed32 checksum_crc32 = 15;
}

message NirInfo {
  uint32 layout_version = 1;         // NIR_PROGRAM_INFO_VERSION
  string nir_version = 2;
  double dt_seconds = 3;
  uint32 extra_ticks = 4;
  repeated NirNode nodes = 5;
  repeated NirOutput outputs = 6;
  repeated NirProjection projections = 7;
  repeated string warnings = 8;
  // The NIR reader's options the graph was lowered with (NirProgramInfo.lowering); absent in programs
  // written before it was recorded, which read as before.
  NirLowering lowering = 9;
}

message NirLowering {
  string reset = 1;                  // "to-v-reset", "subtract" or "snntorch-subtract"
  repeated NirResetOverride reset_by_node = 2;
  string recurrent_bias = 3;         // "nirtorch" or "snntorch"
  string bias = 4;                   // "source" or "compartment"
  bool if_multi_spike = 5;
  bool lenient = 6;
}

message NirResetOverride {
  string node = 1;                   // a NIR node name
  string reset = 2;
}

message NirNode {
  string node = 1;
  string type = 2;
  string population = 3;             // a Program.populations name
  uint32 latency_ticks = 4;
}

message NirOutput {
  string output = 1;
  string node = 2;                   // a NirNode.node
}

message NirProjection {
  string projection = 1;
  string pre = 2;
  string post = 3;
  repeated string via = 4;
  double model_weights = 5;
  double synapses = 6;
  string encoding = 7;
}

message FixedPoint {
  uint32 decay_bits = 1;
  uint32 state_bits = 2;
  uint32 current_bits = 3;
}

message Core {
  // Global core id: tile * cores_per_tile + k, tile = y * mesh_width_tiles + x.
  uint32 core_id = 1;
  // Compartments on this core: every NeuronParams array has this many elements.
  uint32 neuron_count = 2;
  NeuronParams neurons = 3;
  Crossbar crossbar = 4;
  Routing routing = 5;
}

// Neuron parameter memory, struct of arrays; each field holds neuron_count elements. Codes are
// those of chip/program/types.ts (NeuronKind, ResetMode, ThresholdOp, NeuronDynamics).
message NeuronParams {
  bytes kind = 1;              // uint8 NeuronKind: 0 compartment, 1 input
  bytes spiking = 2;           // uint8: 1 can fire, 0 non-spiking readout
  bytes voltage_decay = 3;     // float64
  bytes current_decay = 4;     // float64
  bytes input_gain = 5;        // float64
  bytes bias = 6;              // float64
  bytes v_threshold = 7;       // float64
  bytes v_reset = 8;           // float64
  bytes v_init = 9;            // float64
  bytes reset_mode = 10;       // uint8 ResetMode
  bytes threshold_op = 11;     // uint8 ThresholdOp: 0 v >= threshold, 1 v > threshold
  bytes refractory_ticks = 12; // uint32
  // Optional arrays (explicit presence: absent means the model does not use them; present with zero
  // elements is a core with no neurons). Read only for NeuronDynamics sanafeLif, except that a compartment
  // neuron reads v_reverse_threshold with reverse_reset_mode saturate (3) as its membrane lower bound vMin.
  optional bytes dynamics = 13;             // uint8 NeuronDynamics
  optional bytes v_trunc_scale = 14;        // float64
  optional bytes v_reverse_threshold = 15;  // float64
  optional bytes reverse_reset_mode = 16;   // uint8 ResetMode
  optional bytes v_reverse_reset = 17;      // float64
  optional bytes force_update = 18;         // uint8: 1 counted as updated every tick
  // Adaptive threshold (both or neither): effective threshold v_threshold + theta.
  optional bytes theta_plus = 19;           // float64, theta increment per spike
  optional bytes theta_decay = 20;          // float64, per-tick multiplier of theta
  // Bounded rate-target homeostasis (all three or none, only with theta_plus): at the end of each tick
  // theta <- min(theta_max, max(theta_min, theta - theta_drift)).
  optional bytes theta_drift = 21;          // float64, subtracted from theta every tick
  optional bytes theta_min = 22;            // float64, lower bound of theta (<= 0)
  optional bytes theta_max = 23;            // float64, upper bound of theta (>= 0)
  optional bytes theta_init = 24;           // float64, theta at the start (a learned theta); absent 0; only with theta_plus
  // Conductance-based LIF (NeuronDynamics lifCond = 2; all seven or none): reversal potentials in v's
  // units, time constants and the Euler step in ms (chip/program/types.ts).
  optional bytes cond_e_rest = 25;          // float64
  optional bytes cond_e_exc = 26;           // float64
  optional bytes cond_e_inh = 27;           // float64
  optional bytes cond_tau_ms = 28;          // float64
  optional bytes cond_tau_ge_ms = 29;       // float64
  optional bytes cond_tau_gi_ms = 30;       // float64
  optional bytes cond_dt_ms = 31;           // float64
}

// Synapse memory: CSR rows indexed by local input axon; the syn_* arrays all have one element per
// synapse, row a spanning [axon_row_ptr[a], axon_row_ptr[a+1]).
message Crossbar {
  uint32 axon_count = 1;
  bytes axon_row_ptr = 2;      // uint32, axon_count + 1 elements, non-decreasing, from 0 to the synapse count
  bytes syn_target = 3;        // uint32, local neuron index < neuron_count
  bytes syn_weight = 4;        // float64
  bytes syn_delay_ticks = 5;   // uint16, 1..max_delay_ticks
  bytes syn_projection = 6;    // uint16, index into Program.projections
  bytes syn_index = 7;         // uint32, index of the synapse inside its projection
}

// Output routing table: CSR by local neuron; neuron i sends to entries [route_ptr[i], route_ptr[i+1]).
message Routing {
  bytes route_ptr = 1;         // uint32, neuron_count + 1 elements, non-decreasing
  bytes route_dest_core = 2;   // uint32, global core id of a core in Program.cores
  bytes route_dest_axon = 3;   // uint32, input axon < that core's axon_count
}

enum PopulationKind {
  POPULATION_KIND_INPUT = 0;
  POPULATION_KIND_NEURON = 1;
}

message Population {
  string name = 1;
  PopulationKind kind = 2;
  uint32 size = 3;
  // Logical shape in C order; its product is size ([size] for flat populations).
  repeated uint32 shape = 4;
  bool spiking = 5;
  // Contiguous ranges of this population's neurons, each placed on one core.
  repeated PopulationBlock blocks = 6;
  // Fixed-point programs: values are integers in units of 2^-state_scale_exp.
  optional sint32 state_scale_exp = 7;
  // uint32 permutation of 0..size-1: block position k holds neuron order[k] (absent = identity).
  optional bytes order = 8;
}

message PopulationBlock {
  uint32 core_index = 1;       // index into Program.cores
  uint32 neuron_start = 2;     // first local neuron on that core
  uint32 population_start = 3; // first neuron of the population in this block
  uint32 count = 4;
}

message Projection {
  string name = 1;
  string pre = 2;
  string post = 3;
  // Synapses the model defines; Crossbar.syn_index is below it.
  uint32 synapse_count = 4;
  // Synapse encoding for cost look-up ("dense", "sparse", "conv").
  string encoding = 5;
  // Present when the projection's synapses are plastic.
  PairStdp plasticity = 6;
  // Present when the projection runs a general learning rule (LearningRuleProgram).
  LearningRule learning = 7;
}

// A learning rule as data (LearningRuleProgram in chip/program/types.ts).
message LearningRule {
  string name = 1;
  repeated string rule_texts = 2;
  repeated LearningTrace traces = 3;
  double w_min = 4;
  double w_max = 5;
  optional double tag_min = 6;
  optional double tag_max = 7;
  uint32 epoch_ticks = 8;
  optional uint32 third_factor_from_tick = 9;
  string apply = 10;               // "per-epoch" | "tag-at-sample-end"
  optional uint32 weight_bits = 11;
  string rounding = 12;            // "nearest" | "stochastic"
  uint32 seed = 13;
  // The chip's lookup table for power factors (w ± C)^p with quantised weights: its fractional bits.
  optional uint32 power_lut_fraction_bits = 14;
}

message LearningTrace {
  string trace = 1;                // x1 x2 y1 y2 y3
  double decay = 2;
  double impulse = 3;
  string mode = 4;                 // "add" | "set"
  string input = 5;                // "spike" | "graded"
  optional uint32 bits = 6;
  optional double lsb = 7;
}

// Pair-based trace STDP run by the core's learning engine (PairStdpProgram in chip/program/types.ts).
// Doubles are written bit for bit (IEEE 754 binary64, little-endian).
message PairStdp {
  string rule = 1;             // "pair"
  bool nearest = 2;            // nearest-spike traces (x <- 1) instead of all-to-all (x <- x + 1)
  double a_plus = 3;
  double a_minus = 4;
  double decay_pre = 5;
  double decay_post = 6;
  double w_min = 7;
  double w_max = 8;
}
`;

/** Field number and wire type of `Program.checksum_crc32` (one-byte tag: (15 << 3) | 5). */
export const CHECKSUM_FIELD_TAG = 0x7d;

let cachedRoot: protobuf.Root | undefined;

/** The parsed schema (parsed on first use, then shared). Field names become camelCase. */
export function programSchemaRoot(): protobuf.Root {
  if (cachedRoot === undefined) {
    const root = protobuf.parse(PROGRAM_PROTO, { keepCase: false }).root;
    root.resolveAll(); // sets Field.resolvedType, which the wire scan in codec.ts reads
    cachedRoot = root;
  }
  return cachedRoot;
}

export function programMessageType(): protobuf.Type {
  return programSchemaRoot().lookupType("aerchip.program.v1.Program");
}
