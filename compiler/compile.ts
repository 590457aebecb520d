/**
 * compileModel: graph IR → ChipProgram through a fixed pass order
 *   normalise → partition (per-core limits) → place (mesh) → route + emit,
 * with `--precision fixed` preceded by quantise and followed by the axon-type check (passes/axon-types.ts),
 * plus the mapping report (which block sits on which core, and its utilisation of the neuron, input-axon,
 * output-axon and synapse-memory limits; fan-out, delay and neuron-configuration limits are checked, not reported).
 * A mapping that breaks core.maxFanOutCores is partitioned, placed and routed once more with the neurons each
 * source reaches grouped onto one core (mapAndRoute, passes/fanout-groups.ts). A partition needing more cores than
 * the chip has is cut once more with each population's first block filling the core before it (mapToCores).
 * Every pass is a pure function of its inputs: the same model, chip and options give the same program.
 */
import { checkCondEulerStep } from "./passes/cond-step.ts";
import { AerchipError, isAerchipError, type Diagnostic } from "../core/diagnostics.ts";
import { quantiseGraph, type LayerQuantisation } from "./passes/quantise.ts";
import { totalCores, type ChipSpec } from "../chip/spec/types.ts";
import type { ChipProgram } from "../chip/program/types.ts";
import type { ModelGraph } from "./ir/types.ts";
import { neuronAt, normaliseGraph, type IndexedGraph } from "./passes/normalise.ts";
import { orderNeurons } from "./passes/order.ts";
import { regroupForFanOut } from "./passes/fanout-groups.ts";
import { buildFanIn, buildFanOut, partitionGraph, type LogicalCore } from "./passes/partition.ts";
import { placeCores, tileOfCore, type PlacementStrategy, type TrafficGraph } from "./passes/place.ts";
import { routeAndEmit } from "./passes/route.ts";
import { attachPowerTables } from "./passes/learning-lut.ts";
import { checkAxonTypes } from "./passes/axon-types.ts";
import { encodeOrderRuns, type OrderEntry } from "./order-runs.ts";
import { checkNeuronCapacity, coresExceededError } from "./core-capacity.ts";
import { closingLimits, coreClosureText } from "./core-closures.ts";
import { inputsTakeNeuronSlots, slotNeurons } from "../chip/spec/neuron-slots.ts";
import { coreSynapseMemoryBits } from "../chip/program/core-memory.ts";
import { checkCrossbarPairWeights } from "../chip/program/fits-spec.ts";
import { checkRefractoryLimit } from "./passes/refractory-limit.ts";
import { checkLearningSupported } from "./passes/learning-support.ts";
import { checkNeuronModels } from "../chip/spec/neuron-models.ts";

export interface CompileOptions {
  readonly placement?: PlacementStrategy;
  /** Seed for the `random` placement. */
  readonly seed?: number;
  /** Pack blocks of several populations into one core (default true). */
  readonly pack?: boolean;
  /** A fixed placement: for each population, the global core id of each neuron (e.g. SANA-FE mappings). */
  readonly fixedPlacement?: ReadonlyMap<string, Uint32Array>;
  /** With fixedPlacement: each neuron's position in its core's processing order (default: population order). */
  readonly fixedOrder?: ReadonlyMap<string, Uint32Array>;
  /** File name used in error messages. */
  readonly file?: string;
  /** `fixed`: quantise onto the chip's fixed-point arithmetic (passes/quantise.ts); default `float`. */
  readonly precision?: "float" | "fixed";
}

export interface CoreMappingEntry {
  readonly coreId: number;
  readonly tile: { readonly x: number; readonly y: number };
  readonly coreInTile: number;
  readonly blocks: ReadonlyArray<{ readonly population: string; readonly start: number; readonly count: number }>;
  /** Every neuron placed on the core (input neurons included). */
  readonly neurons: number;
  /**
   * Of `neurons`, the input neurons that take no neuron slot (present only on a chip whose inputs are AER events,
   * core.inputsTakeNeuronSlots false, and only when the core holds some): utilisation.neurons leaves them out.
   */
  readonly inputNeurons?: number;
  readonly inputAxons: number;
  readonly outputAxons: number;
  readonly synapses: number;
  readonly synapseMemoryBits: number;
  /** used / limit of four per-core limits (not fan-out, delays or neuron configurations, which are only checked). */
  readonly utilisation: { readonly neurons: number; readonly inputAxons: number; readonly outputAxons: number; readonly synapseMemory: number };
}

export interface MappingReport {
  readonly format: "aerchip-mapping";
  readonly version: 1;
  readonly model: string;
  readonly chip: string;
  readonly placement: string;
  /**
   * true when the first mapping sent a neuron to more cores than core.maxFanOutCores and this one was made again
   * with the neurons each source reaches cut and packed onto one core (passes/fanout-groups.ts); absent otherwise.
   * Its blocks then end where groups end, so they need not be balanced.
   */
  readonly fanOutGroups?: true;
  /**
   * true when the populations' blocks, packed whole in file order, needed more cores than the chip has and this
   * mapping was made again with each population's first block cut to the room left in the core before it
   * (compiler/passes/partition.ts cutFilling); absent otherwise. Those first blocks need not be balanced.
   */
  readonly fillPacking?: true;
  readonly coresUsed: number;
  readonly coresAvailable: number;
  readonly neurons: number;
  readonly synapses: number;
  readonly limits: { readonly maxNeurons: number; readonly maxInputAxons: number; readonly maxOutputAxons: number; readonly synapseMemoryBits: number };
  readonly cores: readonly CoreMappingEntry[];
  /**
   * Per population: `order`, present when the compiler reordered its neurons (passes/order.ts), is the model
   * index at each position in runs (order-runs.ts); a block {start, count} of `cores[].blocks` holds the
   * neurons at positions start … start+count−1 of it (model indices start … start+count−1 without `order`).
   */
  readonly populations: ReadonlyArray<{ readonly name: string; readonly size: number; readonly cores: number; readonly order?: readonly OrderEntry[] }>;
}

export interface CompileResult {
  readonly program: ChipProgram;
  readonly mapping: MappingReport;
  /** Fixed-point compiles: per-layer quantisation (scale, weight errors, clipping) and warnings. */
  readonly quantisation?: { readonly layers: readonly LayerQuantisation[]; readonly diagnostics: readonly Diagnostic[] };
}

/**
 * Traffic between logical cores: T(a, b) = distinct source neurons on a that project onto b, made
 * symmetric (an edge counts from both ends). Per core: peers ascending, weight = T(a, b) + T(b, a).
 */
function trafficOf(cores: readonly LogicalCore[], neuronCore: Uint32Array): TrafficGraph {
  const C = cores.length;
  // Directed edges (to ← from, count), collected core by core with a stamp set over source neurons.
  const seen = new Uint32Array(neuronCore.length);
  const acc = new Float64Array(C);
  const touched = new Uint32Array(C);
  let eTo = new Uint32Array(1024);
  let eFrom = new Uint32Array(1024);
  let eCount = new Float64Array(1024);
  let E = 0;
  for (let c = 0; c < C; c++) {
    let nt = 0;
    for (const b of cores[c].blocks) {
      const src = b.sources;
      for (let i = 0; i < src.length; i++) {
        const g = src[i];
        if (seen[g] === c + 1) continue;
        seen[g] = c + 1;
        const from = neuronCore[g];
        if (from === c) continue;
        if (acc[from] === 0) touched[nt++] = from;
        acc[from]++;
      }
    }
    if (E + nt > eTo.length) {
      const cap = Math.max(2 * eTo.length, E + nt);
      const t = new Uint32Array(cap); t.set(eTo); eTo = t;
      const f = new Uint32Array(cap); f.set(eFrom); eFrom = f;
      const w = new Float64Array(cap); w.set(eCount); eCount = w;
    }
    for (let i = 0; i < nt; i++) {
      const from = touched[i];
      eTo[E] = c; eFrom[E] = from; eCount[E] = acc[from]; E++;
      acc[from] = 0;
    }
  }
  // Symmetrise into per-core rows (each edge in both rows), then sum duplicates per row with peers ascending.
  const rowPtr = new Uint32Array(C + 1);
  for (let e = 0; e < E; e++) { rowPtr[eTo[e] + 1]++; rowPtr[eFrom[e] + 1]++; }
  for (let c = 0; c < C; c++) rowPtr[c + 1] += rowPtr[c];
  const fill = rowPtr.slice(0, C);
  const rowPeer = new Uint32Array(2 * E);
  const rowW = new Float64Array(2 * E);
  for (let e = 0; e < E; e++) {
    let at = fill[eTo[e]]++;
    rowPeer[at] = eFrom[e]; rowW[at] = eCount[e];
    at = fill[eFrom[e]]++;
    rowPeer[at] = eTo[e]; rowW[at] = eCount[e];
  }
  const adj: Array<{ peer: Uint32Array; weight: Float64Array }> = [];
  for (let c = 0; c < C; c++) {
    let nt = 0;
    for (let i = rowPtr[c]; i < rowPtr[c + 1]; i++) {
      const q = rowPeer[i];
      if (acc[q] === 0) touched[nt++] = q;
      acc[q] += rowW[i];
    }
    const peer = touched.slice(0, nt).sort();
    const weight = new Float64Array(nt);
    for (let i = 0; i < nt; i++) { weight[i] = acc[peer[i]]; acc[peer[i]] = 0; }
    adj.push({ peer, weight });
  }
  return { adj };
}

/**
 * The logical cores of a fixed placement: runs of neurons on one core (and consecutive in its order) are
 * blocks. Routing finds the input axons and synapses itself, so these blocks carry no source lists.
 */
function fixedCores(graphPops: ModelGraph["populations"], fixed: ReadonlyMap<string, Uint32Array>, order: ReadonlyMap<string, Uint32Array> | undefined, file: string, inputsTakeSlots: boolean): { cores: LogicalCore[]; slotOf: Uint32Array } {
  const byCore = new Map<number, LogicalCore>();
  const firstOrder = new Map<object, number>();
  const none = new Uint32Array(0);
  graphPops.forEach((pop, p) => {
    const ids = fixed.get(pop.name);
    if (ids === undefined || ids.length !== pop.size) {
      throw new AerchipError("E_MAPPING_INCOMPLETE", `the fixed placement does not map every neuron of "${pop.name}"`, { file, field: `mappings.${pop.name}`, hint: "map every neuron, or compile with automatic placement (--remap)" });
    }
    const ord = order?.get(pop.name);
    let i = 0;
    while (i < pop.size) {
      let j = i + 1;
      // A block is a run of neurons on one core that are also consecutive in the core's order.
      while (j < pop.size && ids[j] === ids[i] && (ord === undefined || ord[j] === ord[j - 1] + 1)) j++;
      let core = byCore.get(ids[i]);
      if (core === undefined) { core = { blocks: [], neurons: 0, slots: 0, inputAxons: 0, synapses: 0, outputAxons: 0, synapseBits: 0, delayed: false }; byCore.set(ids[i], core); }
      const block = { population: p, start: i, count: j - i, sources: none, synapses: 0, delayed: false, outputs: 0 };
      if (ord !== undefined) firstOrder.set(block, ord[i]);
      core.blocks.push(block);
      core.neurons += j - i;
      if (inputsTakeSlots || pop.kind !== "input") core.slots += j - i;
      i = j;
    }
  });
  if (order !== undefined) for (const core of byCore.values()) core.blocks.sort((a, b) => (firstOrder.get(a) ?? 0) - (firstOrder.get(b) ?? 0));
  const ids = [...byCore.keys()].sort((a, b) => a - b);
  return { cores: ids.map((id) => byCore.get(id) as LogicalCore), slotOf: Uint32Array.from(ids) };
}

/** Neurons of the model's input populations (they take neuron slots unless core.inputsTakeNeuronSlots is false: compiler/core-capacity.ts). */
function inputNeuronsOf(graph: ModelGraph): number {
  return graph.populations.reduce((a, p) => a + (p.kind === "input" ? p.size : 0), 0);
}

/**
 * Logical cores and their physical slots: the fixed placement, or order → partition → place. The fan-in
 * and fan-out lists (4 bytes per synapse each) live only in here, so they are garbage before routing.
 */
function mapToCores(graph: ModelGraph, ig: IndexedGraph, spec: ChipSpec, opts: CompileOptions, file: string, regroup = false): { cores: LogicalCore[]; slotOf: Uint32Array; placementName: string; filled: boolean } {
  if (opts.fixedPlacement !== undefined) {
    const { cores, slotOf } = fixedCores(graph.populations, opts.fixedPlacement, opts.fixedOrder, file, inputsTakeNeuronSlots(spec));
    const physical = totalCores(spec);
    for (let c = 0; c < cores.length; c++) {
      if (slotOf[c] >= physical) throw new AerchipError("E_MAPPING_INVALID", `the placement uses core ${slotOf[c]}; chip "${spec.name}" has ${physical}`, { file, field: "mappings", hint: "map onto existing cores" });
      if (cores[c].slots > spec.core.maxNeurons) {
        const inputs = cores[c].neurons - cores[c].slots;
        throw new AerchipError("E_CORE_NEURONS_EXCEEDED", `core ${slotOf[c]} is given ${cores[c].slots} neurons${inputs === 0 ? "" : ` (besides ${inputs} input neurons, which take no neuron slot on this chip)`}; chip "${spec.name}" has ${spec.core.maxNeurons} per core`, { file, field: "mappings", hint: "spread the neurons over more cores, or compile with automatic placement (--remap)" });
      }
    }
    return { cores, slotOf, placementName: "fixed", filled: false };
  }
  // Fail fast when even perfectly packed compartments cannot fit (before any partitioning work).
  const inputs = inputNeuronsOf(graph);
  checkNeuronCapacity(ig.totalNeurons, spec, file, inputs);
  const physical = totalCores(spec);
  const fanIn = buildFanIn(ig);
  const fanOut = buildFanOut(ig);
  orderNeurons(ig, fanIn, fanOut);
  const fanOutGroups = regroup ? regroupForFanOut(ig, fanOut) : undefined;
  const pack = opts.pack ?? true;
  let cores = partitionGraph(ig, fanIn, spec, { pack, ...(fanOutGroups === undefined ? {} : { fanOutGroups }) }, file, fanOut);
  // The fill cut (partition.ts cutFilling), only where whole blocks packed in file order need more cores than the
  // chip has: a model that maps the default way maps as before. Not with fan-out groups (it would cut them).
  let filled = false;
  let fillText = "";
  if (cores.length > physical && pack && fanOutGroups === undefined) {
    const again = "; packed again with each population's first block cut to the room left in the core before it (fill packing)";
    try {
      const refilled = partitionGraph(ig, fanIn, spec, { pack, fill: true }, file, fanOut);
      if (refilled.length <= physical) {
        cores = refilled;
        filled = true;
      } else fillText = `${again}, it needs ${refilled.length}`;
    } catch (e) {
      // More blocks can send a neuron to more cores than a core has output axons: the default refusal stands.
      if (!isAerchipError(e)) throw e;
      fillText = `${again}, it does not fit either (${e.code}: ${e.message})`;
    }
  }
  const neuronCore = new Uint32Array(ig.totalNeurons);
  cores.forEach((core, c) => {
    for (const b of core.blocks) for (let i = 0; i < b.count; i++) neuronCore[neuronAt(ig, b.population, b.start + i)] = c;
  });
  // Which limits closed the cores (core-closures.ts): "need 3 cores" alone does not say what to change (audit s23y #4).
  if (cores.length > physical) throw coresExceededError(`the model's ${slotNeurons(spec, ig.totalNeurons, inputs)} neurons{inputs} need ${cores.length} cores under the per-core limits; chip "${spec.name}" has ${physical} (${spec.mesh.widthTiles}×${spec.mesh.heightTiles} tiles × ${spec.mesh.coresPerTile})${coreClosureText(cores, graph)}${fillText}`, inputs, spec, file, closingLimits(cores));
  const slotOf = placeCores(spec, cores.length, opts.placement ?? "greedy", trafficOf(cores, neuronCore), opts.seed ?? 0, file);
  return { cores, slotOf, placementName: opts.placement ?? "greedy", filled };
}

/**
 * mapToCores and routeAndEmit; when the mapping breaks core.maxFanOutCores (E_CORE_FANOUT_EXCEEDED, found
 * by the route pass on the packed cores), once more with the neurons one source reaches cut and packed
 * together (passes/fanout-groups.ts). Only a failed mapping is tried again, so a model that compiles maps
 * as it did; when the second try fails too, the first error's code, field and hint are thrown (its neuron
 * and core count), its message followed by why the second try failed (audit s25a #2: it was dropped).
 */
function mapAndRoute(graph: ModelGraph, ig: IndexedGraph, spec: ChipSpec, opts: CompileOptions, file: string) {
  const first = mapToCores(graph, ig, spec, opts, file);
  try {
    return { ...first, routed: routeAndEmit(ig, spec, first.cores, first.slotOf, file), fanOutGroups: false };
  } catch (e) {
    if (!isAerchipError(e) || e.code !== "E_CORE_FANOUT_EXCEEDED" || opts.fixedPlacement !== undefined) throw e;
    try {
      const second = mapToCores(graph, ig, spec, opts, file, true);
      return { ...second, routed: routeAndEmit(ig, spec, second.cores, second.slotOf, file), fanOutGroups: true };
    } catch (again) {
      if (!isAerchipError(again)) throw again;
      throw new AerchipError(e.code, `${e.message}; the second mapping (fan-out groups) failed too: ${again.code}: ${again.message}`, {
        ...(e.file === undefined ? {} : { file: e.file }), ...(e.field === undefined ? {} : { field: e.field }), ...(e.hint === undefined ? {} : { hint: e.hint }), cause: again,
      });
    }
  }
}

export function compileModel(graph: ModelGraph, spec: ChipSpec, opts: CompileOptions = {}): CompileResult {
  const file = opts.file ?? graph.name;
  checkNeuronModels(graph.populations, spec, file); // the chip must run each population's neuron model (chip/spec/neuron-models.ts)
  checkLearningSupported(graph, spec, file); // plastic projections need a learning engine (passes/learning-support.ts)
  checkRefractoryLimit(graph, spec, file); // the chip's refractory counter, both precisions (passes/refractory-limit.ts)
  checkCondEulerStep(graph, file); // a lif-cond tick no longer than its time constants (passes/cond-step.ts)
  if (opts.precision === "fixed") {
    const qm = quantiseGraph(graph, spec, file);
    const res = compileModel(qm.graph, spec, { ...opts, precision: "float" });
    const program = {
      ...res.program,
      fixedPoint: { decayBits: spec.precision.decayBits, stateBits: spec.precision.stateBits, currentBits: spec.precision.currentBits },
      populations: res.program.populations.map((p) => (qm.stateScaleExp.has(p.name) ? { ...p, stateScaleExp: qm.stateScaleExp.get(p.name) as number } : p)),
    };
    // Axon types (TrueNorth): the quantised weights of each core must fit one weight per (neuron, axon type).
    checkAxonTypes(program, spec, file);
    // Crossbar cells (ODIN, TrueNorth, cim-crossbar): a pair reached by two synapses holds their sum (crossbar-pairs.ts).
    checkCrossbarPairWeights(spec, program, file);
    return { program, mapping: res.mapping, quantisation: { layers: qm.layers, diagnostics: qm.diagnostics } };
  }
  // A power of the weight with quantised weights needs the chip's lookup table (passes/learning-lut.ts).
  graph = attachPowerTables(graph, spec, file);
  const ig = normaliseGraph(graph, spec, file);
  const { cores, slotOf, placementName, routed, fanOutGroups, filled } = mapAndRoute(graph, ig, spec, opts, file);
  const lim = spec.core;
  const coresPhysOrder = Array.from({ length: cores.length }, (_, c) => c).sort((a, b) => slotOf[a] - slotOf[b]);
  const mappingCores: CoreMappingEntry[] = routed.usage.map((u, ci) => {
    const t = tileOfCore(spec, u.coreId);
    // The core's exact layout (its real synapses per input axon, a delay field only if one of them is delayed),
    // the figure the partitioner packed to.
    const bits = coreSynapseMemoryBits(spec, routed.program.cores[ci]);
    if (bits > lim.synapseMemoryBits) {
      // Only a fixed placement (a mapping given with the model) can get here: the partitioner packs to the exact size.
      throw new AerchipError("E_CORE_SYNAPSE_MEMORY_EXCEEDED", `core ${u.coreId} needs ${bits} bits of synapse memory (its ${u.synapses} synapses over ${u.inputAxons} input axons); chip "${spec.name}" has ${lim.synapseMemoryBits} per core`, {
        file, field: "core.synapseMemoryBits", hint: "spread the core's neurons over more cores (or compile with automatic placement, --remap), prune synapses, or use a chip with more synapse memory per core",
      });
    }
    const logical = cores[coresPhysOrder[ci]];
    return {
      coreId: u.coreId, tile: { x: t.x, y: t.y }, coreInTile: t.k,
      blocks: logical.blocks.map((b) => ({ population: graph.populations[b.population].name, start: b.start, count: b.count })),
      neurons: u.neurons, inputAxons: u.inputAxons, outputAxons: u.outputAxons, synapses: u.synapses, synapseMemoryBits: bits,
      ...(logical.slots === logical.neurons ? {} : { inputNeurons: logical.neurons - logical.slots }),
      utilisation: {
        neurons: logical.slots / lim.maxNeurons, inputAxons: u.inputAxons / lim.maxInputAxons,
        outputAxons: u.outputAxons / lim.maxOutputAxons, synapseMemory: bits / lim.synapseMemoryBits,
      },
    };
  });
  const mapping: MappingReport = {
    format: "aerchip-mapping", version: 1, model: graph.name, chip: spec.name, placement: placementName,
    ...(fanOutGroups ? { fanOutGroups: true as const } : {}),
    ...(filled ? { fillPacking: true as const } : {}),
    coresUsed: cores.length, coresAvailable: totalCores(spec),
    neurons: ig.totalNeurons, synapses: ig.totalSynapses,
    limits: { maxNeurons: lim.maxNeurons, maxInputAxons: lim.maxInputAxons, maxOutputAxons: lim.maxOutputAxons, synapseMemoryBits: lim.synapseMemoryBits },
    cores: mappingCores,
    populations: routed.program.populations.map((p) => ({
      name: p.name, size: p.size, cores: new Set(p.blocks.map((b) => b.coreIndex)).size,
      ...(p.order === undefined ? {} : { order: encodeOrderRuns(p.order) }),
    })),
  };
  return { program: routed.program, mapping };
}
