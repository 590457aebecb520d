/**
 * compileModel: graph IR → ChipProgram through a fixed pass order
 *   normalise → partition (per-core limits) → place (mesh) → route + emit,
 * plus the mapping report (which block sits on which core, utilisation of every per-core limit).
 * Every pass is a pure function of its inputs: the same model, chip and options give the same program.
 */
import { AerchipError, type Diagnostic } from "../core/diagnostics.ts";
import { quantiseGraph, type LayerQuantisation } from "./passes/quantise.ts";
import type { ChipSpec } from "../chip/spec/types.ts";
import type { ChipProgram } from "../chip/program/types.ts";
import type { ModelGraph } from "./ir/types.ts";
import { neuronAt, normaliseGraph } from "./passes/normalise.ts";
import { orderNeurons } from "./passes/order.ts";
import { buildFanIn, partitionGraph, type LogicalCore } from "./passes/partition.ts";
import { placeCores, tileOfCore, type PlacementStrategy, type TrafficGraph } from "./passes/place.ts";
import { routeAndEmit } from "./passes/route.ts";
import { synapseMemoryBits } from "../chip/spec/memory.ts";

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
  readonly neurons: number;
  readonly inputAxons: number;
  readonly outputAxons: number;
  readonly synapses: number;
  readonly synapseMemoryBits: number;
  /** used / limit for each per-core limit. */
  readonly utilisation: { readonly neurons: number; readonly inputAxons: number; readonly outputAxons: number; readonly synapseMemory: number };
}

export interface MappingReport {
  readonly format: "aerchip-mapping";
  readonly version: 1;
  readonly model: string;
  readonly chip: string;
  readonly placement: string;
  readonly coresUsed: number;
  readonly coresAvailable: number;
  readonly neurons: number;
  readonly synapses: number;
  readonly limits: { readonly maxNeurons: number; readonly maxInputAxons: number; readonly maxOutputAxons: number; readonly synapseMemoryBits: number };
  readonly cores: readonly CoreMappingEntry[];
  readonly populations: ReadonlyArray<{ readonly name: string; readonly size: number; readonly cores: number }>;
}

export interface CompileResult {
  readonly program: ChipProgram;
  readonly mapping: MappingReport;
  /** Fixed-point compiles: per-layer quantisation (scale, weight errors, clipping) and warnings. */
  readonly quantisation?: { readonly layers: readonly LayerQuantisation[]; readonly diagnostics: readonly Diagnostic[] };
}

function trafficOf(cores: readonly LogicalCore[], neuronCore: Uint32Array): TrafficGraph {
  const adj = cores.map((core, c) => {
    const w = new Map<number, number>();
    const seen = new Set<number>();
    for (const b of core.blocks) {
      for (let i = 0; i < b.sources.length; i++) {
        const src = b.sources[i];
        if (seen.has(src)) continue;
        seen.add(src);
        const from = neuronCore[src];
        if (from !== c) w.set(from, (w.get(from) ?? 0) + 1);
      }
    }
    return w;
  });
  // Symmetrise: the cost of an edge counts from both ends.
  const sym = cores.map(() => new Map<number, number>());
  adj.forEach((w, c) => {
    for (const [from, n] of w) {
      sym[c].set(from, (sym[c].get(from) ?? 0) + n);
      sym[from].set(c, (sym[from].get(c) ?? 0) + n);
    }
  });
  return {
    adj: sym.map((m) => {
      const keys = [...m.keys()].sort((a, b) => a - b);
      return { peer: Uint32Array.from(keys), weight: Float64Array.from(keys.map((k) => m.get(k) ?? 0)) };
    }),
  };
}

function fixedCores(graphPops: ModelGraph["populations"], fixed: ReadonlyMap<string, Uint32Array>, order: ReadonlyMap<string, Uint32Array> | undefined, ig: ReturnType<typeof normaliseGraph>, fanIn: ReturnType<typeof buildFanIn>, file: string): { cores: LogicalCore[]; slotOf: Uint32Array } {
  const byCore = new Map<number, LogicalCore>();
  const firstOrder = new Map<object, number>();
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
      const base = ig.popOffset[p];
      const sources = new Set<number>();
      let synapses = 0;
      for (let n = i; n < j; n++) {
        for (let s = fanIn.inPtr[base + n]; s < fanIn.inPtr[base + n + 1]; s++) sources.add(fanIn.inSrc[s]);
        synapses += fanIn.inPtr[base + n + 1] - fanIn.inPtr[base + n];
      }
      let core = byCore.get(ids[i]);
      if (core === undefined) { core = { blocks: [], neurons: 0, inputAxons: 0, synapses: 0, outputAxons: 0 }; byCore.set(ids[i], core); }
      const block = { population: p, start: i, count: j - i, sources: Uint32Array.from([...sources].sort((a, b) => a - b)), synapses, outputs: 0 };
      if (ord !== undefined) firstOrder.set(block, ord[i]);
      core.blocks.push(block);
      core.neurons += j - i;
      core.synapses += synapses;
      i = j;
    }
  });
  if (order !== undefined) for (const core of byCore.values()) core.blocks.sort((a, b) => (firstOrder.get(a) ?? 0) - (firstOrder.get(b) ?? 0));
  const ids = [...byCore.keys()].sort((a, b) => a - b);
  return { cores: ids.map((id) => byCore.get(id) as LogicalCore), slotOf: Uint32Array.from(ids) };
}

export function compileModel(graph: ModelGraph, spec: ChipSpec, opts: CompileOptions = {}): CompileResult {
  const file = opts.file ?? graph.name;
  if (opts.precision === "fixed") {
    const qm = quantiseGraph(graph, spec, file);
    const res = compileModel(qm.graph, spec, { ...opts, precision: "float" });
    const program = {
      ...res.program,
      fixedPoint: { decayBits: spec.precision.decayBits, stateBits: spec.precision.stateBits, currentBits: spec.precision.currentBits },
      populations: res.program.populations.map((p) => (qm.stateScaleExp.has(p.name) ? { ...p, stateScaleExp: qm.stateScaleExp.get(p.name) as number } : p)),
    };
    return { program, mapping: res.mapping, quantisation: { layers: qm.layers, diagnostics: qm.diagnostics } };
  }
  const ig = normaliseGraph(graph, spec, file);
  const fanIn = buildFanIn(ig);
  let cores: LogicalCore[];
  let slotOf: Uint32Array;
  let placementName: string;
  if (opts.fixedPlacement !== undefined) {
    ({ cores, slotOf } = fixedCores(graph.populations, opts.fixedPlacement, opts.fixedOrder, ig, fanIn, file));
    placementName = "fixed";
    const physical = spec.mesh.widthTiles * spec.mesh.heightTiles * spec.mesh.coresPerTile;
    for (let c = 0; c < cores.length; c++) {
      if (slotOf[c] >= physical) throw new AerchipError("E_MAPPING_INVALID", `the placement uses core ${slotOf[c]}; chip "${spec.name}" has ${physical}`, { file, field: "mappings", hint: "map onto existing cores" });
      if (cores[c].neurons > spec.core.maxNeurons) {
        throw new AerchipError("E_CORE_NEURONS_EXCEEDED", `core ${slotOf[c]} is given ${cores[c].neurons} neurons; chip "${spec.name}" has ${spec.core.maxNeurons} per core`, { file, field: "mappings", hint: "spread the neurons over more cores, or compile with automatic placement (--remap)" });
      }
    }
  } else {
    // Fail fast when even perfectly packed compartments cannot fit (before any partitioning work).
    const physical = spec.mesh.widthTiles * spec.mesh.heightTiles * spec.mesh.coresPerTile;
    const atLeast = Math.ceil(ig.totalNeurons / spec.core.maxNeurons);
    if (atLeast > physical) {
      throw new AerchipError("E_CHIP_CORES_EXCEEDED", `the model has ${ig.totalNeurons} neurons and needs at least ${atLeast} cores of ${spec.core.maxNeurons}; chip "${spec.name}" has ${physical}`, {
        file, field: "mesh", hint: "use a larger mesh (mesh.widthTiles/heightTiles), a chip with bigger cores, or a smaller model",
      });
    }
    orderNeurons(ig, fanIn);
    cores = partitionGraph(ig, fanIn, spec, { pack: opts.pack ?? true }, file);
    const neuronCore = new Uint32Array(ig.totalNeurons);
    cores.forEach((core, c) => {
      for (const b of core.blocks) for (let i = 0; i < b.count; i++) neuronCore[neuronAt(ig, b.population, b.start + i)] = c;
    });
    placementName = opts.placement ?? "greedy";
    slotOf = placeCores(spec, cores.length, opts.placement ?? "greedy", trafficOf(cores, neuronCore), opts.seed ?? 0, file);
  }
  const routed = routeAndEmit(ig, spec, cores, slotOf, file);
  const lim = spec.core;
  const coresPhysOrder = Array.from({ length: cores.length }, (_, c) => c).sort((a, b) => slotOf[a] - slotOf[b]);
  const mappingCores: CoreMappingEntry[] = routed.usage.map((u, ci) => {
    const t = tileOfCore(spec, u.coreId);
    const bits = synapseMemoryBits(spec, { axons: u.inputAxons, neurons: u.neurons, synapses: u.synapses, delaysUsed: ig.delaysUsed });
    return {
      coreId: u.coreId, tile: { x: t.x, y: t.y }, coreInTile: t.k,
      blocks: cores[coresPhysOrder[ci]].blocks.map((b) => ({ population: graph.populations[b.population].name, start: b.start, count: b.count })),
      neurons: u.neurons, inputAxons: u.inputAxons, outputAxons: u.outputAxons, synapses: u.synapses, synapseMemoryBits: bits,
      utilisation: {
        neurons: u.neurons / lim.maxNeurons, inputAxons: u.inputAxons / lim.maxInputAxons,
        outputAxons: u.outputAxons / lim.maxOutputAxons, synapseMemory: bits / lim.synapseMemoryBits,
      },
    };
  });
  const mapping: MappingReport = {
    format: "aerchip-mapping", version: 1, model: graph.name, chip: spec.name, placement: placementName,
    coresUsed: cores.length, coresAvailable: spec.mesh.widthTiles * spec.mesh.heightTiles * spec.mesh.coresPerTile,
    neurons: ig.totalNeurons, synapses: ig.totalSynapses,
    limits: { maxNeurons: lim.maxNeurons, maxInputAxons: lim.maxInputAxons, maxOutputAxons: lim.maxOutputAxons, synapseMemoryBits: lim.synapseMemoryBits },
    cores: mappingCores,
    populations: routed.program.populations.map((p) => ({ name: p.name, size: p.size, cores: new Set(p.blocks.map((b) => b.coreIndex)).size })),
  };
  return { program: routed.program, mapping };
}
