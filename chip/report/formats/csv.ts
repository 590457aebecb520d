/**
 * The report as one tidy CSV table: one row per entity (the chip totals, every core, with several synapse
 * encodings every (core, encoding), population, projection and tick), one column per variable, an `entity` column saying which kind of row it is and
 * `id` naming it. A cell is empty where the variable does not apply to that entity. Column names are
 * snake_case with units (`_pj`, `_ns`, `_bytes`, `_bits`); numbers are JavaScript's shortest round-trip
 * form, so the file reloads to the report's exact values. The column set is fixed (CSV_COLUMNS), so files
 * from different runs stack; the first columns (RUN_COLUMNS, the same on every row of a file) say which
 * run a row comes from. Energy-term rows give every energy as count × per-operation cost
 * (chip/report/energy-terms.ts), the term's energy in its component's `energy_<component>_pj` column.
 */
import { createHash } from "node:crypto";
import type { RunReport } from "../run-report.ts";
import { COUNTER_NAMES } from "../../sim/counters.ts";
import { RATE_BIN_EDGES_PER_MILLE } from "../metrics.ts";
import { energyTerms } from "../energy-terms.ts";
import { densityActive, requireMetrics } from "./tables.ts";
import { isCountsOnly } from "../counts-only.ts";
import { perTickLatencyModelled } from "../time-basis.ts";

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Neurons of a population whose spikes per tick lie in [lo, hi) ‰ (the last bin [900, 1000] ‰ is closed). */
const RATE_BIN_COLUMNS = RATE_BIN_EDGES_PER_MILLE.slice(0, -1).map((lo, k) => `neurons_in_rate_bin_${lo}_${RATE_BIN_EDGES_PER_MILLE[k + 1]}_per_mille`);

/** Which run a row comes from: constant over a file, so stacked files stay apart. */
export const RUN_COLUMNS: readonly string[] = ["run_id", "model", "chip", "chip_spec_sha256", "steps", "timing_model", "precision", "seed", "placement"];

export const CSV_COLUMNS: readonly string[] = [
  ...RUN_COLUMNS,
  "entity", "id", "kind", "spiking", "helper", "tile_x", "tile_y", "pre", "post", "encoding",
  "neurons", "compartments", "synapses", "input_axons", "output_axons",
  ...COUNTER_NAMES.map(snake), "hops",
  "synaptic_events_delivered", "crossbar_reads", "crossbar_active_rows", "crossbar_conversions",
  "count", "cost_key", "cost_value", "cost_unit",
  "energy_synapse_pj", "energy_neuron_pj", "energy_network_pj", "energy_learning_pj", "energy_dynamic_pj", "energy_static_pj", "energy_total_pj",
  "simulated_time_ns", "latency_ns", "average_power_mw", "time_basis", "tick_period_ns", "weight_changes", "learning_billed_on",
  "utilisation_neurons", "utilisation_input_axons", "utilisation_output_axons", "utilisation_synapse_memory",
  "synapse_memory_bits", "neuron_memory_bits",
  "mean_rate_per_tick", "activation_sparsity", "connection_sparsity", "dead_neurons", "bursting_neurons", "spike_density_active",
  "effective_acs", "effective_macs", "dense_ops", "neuron_updates_dense",
  "syn_ops_in", "effective_acs_in", "effective_macs_in", "dense_ops_in", "connection_sparsity_in",
  "weight_count", "footprint_weight_bytes", "footprint_neuron_state_bytes", "footprint_trace_bytes", "footprint_total_bytes", "footprint_synapse_memory_bytes",
  "inference_time_ns", "inferences_per_second", "energy_per_inference_pj",
  ...RATE_BIN_COLUMNS,
  "state_scale_exp", "weight_exponent", "max_abs_weight_error", "max_rel_weight_error", "clipped_weights", "max_decay_error", "max_threshold_error",
  "agreement_spikes", "agreement_spikes_float", "agreement_shared", "agreement_jaccard",
  "nir_data_steps", "nir_extra_ticks", "model_weights",
  "readout_sum_v", "readout_max_v", "readout_last_v", "readout_argmax_sum", "readout_argmax_max", "readout_argmax_last",
];

type Row = Record<string, string | number | boolean | null | undefined>;

/** One field: empty for null/undefined, numbers in shortest round-trip form, booleans as true/false. */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "string" ? v : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function counters(c: Readonly<Record<string, number>>): Row {
  const r: Row = {};
  for (const name of COUNTER_NAMES) r[snake(name)] = c[name];
  r.hops = c.hopsEast + c.hopsWest + c.hopsNorth + c.hopsSouth;
  return r;
}

/** The rows of the tidy table, as objects keyed by CSV_COLUMNS names. */
export function csvRows(report: RunReport): Row[] {
  const r = requireMetrics(report);
  const m = r.metrics;
  const t = r.totals;
  const rows: Row[] = [];
  // --costs counts (chip/report/counts-only.ts): the energy, power and energy-term cells are left empty (no
  // energy_term rows); the columns stay, so files of both modes stack.
  const countsOnly = isCountsOnly(r);
  const e = countsOnly ? undefined : t.energyPj;
  const xb = t.crossbar;
  rows.push({
    entity: "totals", id: "chip", ...(xb === undefined ? {} : { crossbar_reads: xb.reads, crossbar_active_rows: xb.activeRows, crossbar_conversions: xb.conversions }),
    ...(r.nir === undefined ? {} : { nir_data_steps: r.nir.steps, nir_extra_ticks: r.nir.extraTicks }), neurons: m.perCore.reduce((a, c) => a + c.neurons, 0), compartments: m.perCore.reduce((a, c) => a + c.compartments, 0),
    synapses: m.totals.weightCount, ...counters(t.counters), synaptic_events_delivered: t.synapticEventsDelivered,
    ...(e === undefined ? {} : {
      energy_synapse_pj: e.synapse, energy_neuron_pj: e.neuron, energy_network_pj: e.network, energy_learning_pj: e.learning, energy_dynamic_pj: e.dynamic,
      energy_static_pj: e.static, energy_total_pj: e.total,
    }),
    simulated_time_ns: t.simulatedTimeNs, average_power_mw: t.averagePowerMw,
    // The basis of simulated_time_ns, average_power_mw, energy_static_pj and inference_time_ns (chip/report/time-basis.ts).
    time_basis: t.timeBasis ?? m.totals.inferenceTimeBasis, tick_period_ns: t.tickPeriodNs ?? null,
    synapse_memory_bits: m.perCore.reduce((a, c) => a + c.synapseMemoryBits, 0), neuron_memory_bits: m.perCore.reduce((a, c) => a + c.neuronMemoryBits, 0),
    activation_sparsity: m.totals.activationSparsity, connection_sparsity: m.totals.connectionSparsity,
    dead_neurons: m.totals.deadNeurons, bursting_neurons: m.totals.burstingNeurons,
    effective_acs: m.totals.synapticOps.effectiveACs, effective_macs: m.totals.synapticOps.effectiveMACs, dense_ops: m.totals.synapticOps.dense,
    neuron_updates_dense: m.totals.neuronUpdates.dense, weight_count: m.totals.weightCount,
    footprint_weight_bytes: m.totals.footprint.weightBytes, footprint_neuron_state_bytes: m.totals.footprint.neuronStateBytes,
    footprint_trace_bytes: m.totals.footprint.traceBytes, footprint_total_bytes: m.totals.footprint.totalBytes,
    footprint_synapse_memory_bytes: m.totals.footprint.synapseMemoryBytes,
    inference_time_ns: m.totals.inferenceTimeNs, inferences_per_second: m.totals.inferencesPerSecond, energy_per_inference_pj: m.totals.energyPerInferencePj,
    // General learning engine runs: the billed updates are syn_updates; these changed a stored weight.
    weight_changes: r.learning?.weightChanges ?? null,
    // What energy_learning_pj bills: syn_updates ("evaluations") or weight_changes ("changes"); empty when the run did not learn.
    learning_billed_on: r.totals.learningBilledOn ?? null,
  });
  const multiEncoding = Object.keys(t.synOpsByEncoding).length > 1;
  r.perCore.forEach((c, i) => {
    const cm = m.perCore[i];
    rows.push({
      entity: "core", id: c.coreId, tile_x: c.tile.x, tile_y: c.tile.y,
      ...(cm === undefined ? {} : {
        neurons: cm.neurons, compartments: cm.compartments, synapses: cm.synapses, input_axons: cm.inputAxons, output_axons: cm.outputAxons,
        utilisation_neurons: cm.utilisation.neurons, utilisation_input_axons: cm.utilisation.inputAxons,
        utilisation_output_axons: cm.utilisation.outputAxons, utilisation_synapse_memory: cm.utilisation.synapseMemory,
        synapse_memory_bits: cm.synapseMemoryBits, neuron_memory_bits: cm.neuronMemoryBits,
      }),
      ...counters(c.counters),
      ...(countsOnly ? {} : {
        energy_synapse_pj: c.energyPj.synapse, energy_neuron_pj: c.energyPj.neuron, energy_network_pj: c.energyPj.network,
        energy_learning_pj: c.energyPj.learning, energy_dynamic_pj: c.energyPj.dynamic,
      }),
    });
    // With several encodings (each may have its own synapse cost: loihi-sanafe, SANA-FE arch YAMLs), the core's
    // syn_ops split by encoding, one row each, so that its energy_synapse_pj is Σ syn_ops × the encoding's cost
    // (energy_term rows `syn_ops_<encoding>` give the costs). Rows rather than columns: encoding names are open
    // (a SANA-FE synapse unit's name), and the column set is fixed.
    if (multiEncoding && c.synOpsByEncoding !== undefined) {
      for (const [enc, n] of Object.entries(c.synOpsByEncoding)) rows.push({ entity: "core_encoding", id: c.coreId, tile_x: c.tile.x, tile_y: c.tile.y, encoding: enc, syn_ops: n });
    }
  });
  // Count × per-operation cost, one row per term; the term's energy goes in its component's energy column.
  for (const x of countsOnly ? [] : energyTerms(r)) {
    rows.push({ entity: "energy_term", id: x.countKey, kind: x.component, count: x.count, cost_key: x.costKey, cost_value: x.costValue, cost_unit: x.costUnit, [`energy_${x.component}_pj`]: x.energyPj });
  }
  const layerOf = new Map((r.precision?.layers ?? []).map((l) => [l.population, l] as const));
  const agreementOf = new Map((r.precision?.agreementWithFloat ?? []).map((a) => [a.population, a] as const));
  m.perPopulation.forEach((p) => {
    const layer = layerOf.get(p.name);
    const agree = agreementOf.get(p.name);
    // Incoming quantities carry `_in` (report.json's synOpsIn, synapticOpsIn, connectionSparsityIn).
    const row: Row = {
      entity: "population", id: p.name, kind: p.kind, spiking: p.spiking, helper: p.helper, neurons: p.size,
      spikes: p.spikes, mean_rate_per_tick: p.meanRatePerTick, activation_sparsity: p.activationSparsity,
      connection_sparsity_in: p.connectionSparsityIn, dead_neurons: p.deadNeurons, bursting_neurons: p.burstingNeurons,
      spike_density_active: densityActive(p, r.steps),
      syn_ops_in: r.perPopulation.find((q) => q.name === p.name)?.synOpsIn,
      effective_acs_in: p.synapticOpsIn.effectiveACs, effective_macs_in: p.synapticOpsIn.effectiveMACs, dense_ops_in: p.synapticOpsIn.dense,
      footprint_weight_bytes: p.footprint.weightBytes, footprint_neuron_state_bytes: p.footprint.neuronStateBytes,
      footprint_trace_bytes: p.footprint.traceBytes, footprint_total_bytes: p.footprint.totalBytes,
      ...(layer === undefined ? {} : {
        state_scale_exp: layer.stateScaleExp, max_abs_weight_error: layer.maxAbsWeightError, max_rel_weight_error: layer.maxRelWeightError,
        clipped_weights: layer.clippedWeights, max_decay_error: layer.maxDecayError, max_threshold_error: layer.maxThresholdError,
      }),
      ...(agree === undefined ? {} : { agreement_spikes: agree.spikes, agreement_spikes_float: agree.spikesFloat, agreement_shared: agree.shared, agreement_jaccard: agree.jaccard }),
    };
    if (p.rateHistogram !== null) p.rateHistogram.forEach((n, k) => { row[RATE_BIN_COLUMNS[k]] = n; });
    rows.push(row);
  });
  // A projection's weight exponent is listed under its post population's layer (docs/fixed-point.md).
  const exponentOf = new Map<string, number>();
  for (const l of r.precision?.layers ?? []) for (const [proj, x] of Object.entries(l.weightExponents)) exponentOf.set(proj, x);
  const nirOf = new Map((r.nir?.projections ?? []).map((q) => [q.projection, q] as const));
  m.perProjection.forEach((p) => {
    const base = r.perProjection.find((q) => q.name === p.name);
    rows.push({
      entity: "projection", id: p.name, helper: p.helper, pre: p.pre, post: p.post, encoding: p.encoding, synapses: p.synapses,
      syn_ops: base?.synOps, synaptic_events_delivered: base?.synapticEventsDelivered, connection_sparsity: p.connectionSparsity,
      effective_acs: p.synapticOps.effectiveACs, effective_macs: p.synapticOps.effectiveMACs, dense_ops: p.synapticOps.dense,
      weight_exponent: exponentOf.get(p.name), model_weights: nirOf.get(p.name)?.modelWeights,
    });
  });
  // NIR outputs: one row per output neuron with its spike count over the data steps (id `<output>[<index>]`).
  for (const o of r.nir?.outputs ?? []) {
    if (o.counts === null) continue;
    o.counts.forEach((n, i) => rows.push({ entity: "nir_output", id: `${o.output}[${i}]`, pre: o.node, spikes: n }));
  }
  // Non-spiking readouts (report.json readouts): one row per readout with its decoders' classes, then one
  // per neuron (id `<population>[<index>]`) with Σ_t v, max_t v and the last v.
  for (const ro of r.readouts ?? []) {
    rows.push({ entity: "readout", id: ro.population, neurons: ro.size, readout_argmax_sum: ro.argmax.sum, readout_argmax_max: ro.argmax.max, readout_argmax_last: ro.argmax.last });
    ro.sumV.forEach((v, i) => rows.push({ entity: "readout_neuron", id: `${ro.population}[${i}]`, readout_sum_v: v, readout_max_v: ro.maxV?.[i] ?? null, readout_last_v: ro.lastV?.[i] ?? null }));
  }
  const pt = r.perTick;
  const latencyModelled = perTickLatencyModelled(t.simulatedTimeNs, pt.latencyNs);
  for (let k = 0; k < pt.latencyNs.length; k++) {
    rows.push({ entity: "tick", id: k, latency_ns: latencyModelled ? pt.latencyNs[k] : null, spikes: pt.spikes[k], syn_ops: pt.synOps[k], packets_out: pt.packets[k], hops: pt.hops[k], energy_dynamic_pj: countsOnly ? null : pt.energyPj[k] });
  }
  return rows;
}

/** Options that add an output file and change no number of the run: not part of its identity. */
const OUTPUT_ONLY_OPTIONS: readonly string[] = ["perLayerTicks", "packetsOut"];

/**
 * A run's identity: the first 16 hex digits of SHA-256 over its inputs (role and content hash, in order),
 * its options (keys sorted), model, chip spec hash, steps and timing model. Runs that differ in anything
 * that can change a number (another input file, SHD sample, DVS gesture, NIR option, seed) get different
 * ids, where the readable run columns alone may be equal; the code version is left out, so a rerun by a
 * later commit keeps its id.
 */
export function runId(r: RunReport): string {
  const o = r.provenance.options;
  const options = Object.keys(o).filter((k) => !OUTPUT_ONLY_OPTIONS.includes(k)).sort().map((k) => [k, o[k]]);
  const inputs = r.provenance.inputs.map((i) => [i.role, i.sha256]);
  const key = JSON.stringify({ model: r.model, chip: r.chip.specSha256 ?? r.chip.name, steps: r.steps, timing: r.timingModel, inputs, options });
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

/** The RUN_COLUMNS values of a report. */
export function runColumns(r: RunReport): Row {
  const o = r.provenance.options;
  return {
    run_id: runId(r), model: r.model, chip: r.chip.name, chip_spec_sha256: r.chip.specSha256, steps: r.steps, timing_model: r.timingModel,
    precision: r.precision === undefined ? "float" : r.precision.mode,
    seed: typeof o.seed === "number" ? o.seed : null, placement: typeof o.placement === "string" ? o.placement : null,
  };
}

export function renderCsv(report: RunReport): string {
  const cols = new Set(CSV_COLUMNS);
  const lines = [CSV_COLUMNS.join(",")];
  const run = runColumns(report);
  for (const entityRow of csvRows(report)) {
    const row = { ...run, ...entityRow };
    for (const k of Object.keys(row)) if (!cols.has(k)) throw new Error(`csv: column "${k}" is not in CSV_COLUMNS`);
    lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(","));
  }
  return `${lines.join("\n")}\n`;
}
