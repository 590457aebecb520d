/**
 * buildSimState: turns (ChipSpec, ChipProgram) into flat struct-of-arrays state, sized once.
 *
 * Neurons of all cores are concatenated (core c owns [coreNeuronStart[c], coreNeuronStart[c+1])), so the
 * hot loops index plain typed arrays with integers. The crossbars are re-laid out *source-major*: all
 * synapses a neuron's spike reaches (over every destination core's axon row) are stored contiguously,
 * grouped by delay in ascending order, each row in its own order (source-major.ts says in which order the
 * rows of a group come and why no sum depends on it). A group is the unit of scheduling: a spike
 * schedules each of its groups at t + delay, and applying a group is one contiguous scan
 * `acc[target] += weight`. Runs of consecutive targets (dense crossbar rows) are split into groups of
 * their own, applied without reading their targets (dense-groups.ts). The build's passes are in
 * build-parts.ts, source-major.ts, counter-cells.ts, dense-groups.ts.
 *
 * Synapse layouts (SimState.synapses.kind):
 *   wide      programs with plastic synapses (pair STDP, learning rules): float64 weights, global uint32
 *             targets, and per synapse its core, crossbar index and projection (weight updates, read-back);
 *   offset16  every other program whose neurons' targets each lie within 65,536 consecutive neurons:
 *             target = neuronBase[source] + offset[s] (uint16); the rare neurons whose targets span more
 *             keep uint32 targets in a side array; weights in the smallest exact encoding (weights.ts);
 *   flat32    as offset16 with uint32 global targets (when too many neurons span more than 65,536).
 * The `syn*` fields of the wide layout are empty (length 0) in the compact layouts.
 *
 * Counting: a spike of neuron n costs the same work every time, so its synaptic ops (its synapse count),
 * packets and hops are per-neuron constants; per-core totals are derived after the run from the spike
 * counts (run.ts). Per route the row length (`routeSynapses`) and, when the program has several
 * projections or encodings, counter cells (destination core, encoding, projection) with op counts.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../spec/types.ts";
import type { ChipProgram } from "../program/types.ts";
import { copyU16, copyU32, heapArrays, narrowCopy, sharedArrays, type ArrayAllocator, type UintArray } from "./alloc.ts";
import { buildRouting, copyNeuronParams, coreTable, invalid, neuronTraffic, populationMembership, validateCrossbars } from "./build-parts.ts";
import { buildAxonCells, emptyCells } from "./counter-cells.ts";
import { splitDenseGroups } from "./dense-groups.ts";
import { classifyCores } from "./update.ts";
import {
  neuronBases, planByAxon, planGroups, routesReachDistinctCores, scatterByAxon, scatterCompact, scatterWide, summariseAxons, type AxonPlan, type GroupPlan,
} from "./source-major.ts";
import { allocateWeights, planFloat64, planWeights, type WeightPlan, type WeightStore } from "./weights.ts";
import { buildPlasticity, hasPlasticity, type PlasticityState } from "./plasticity.ts";
import { WasmArena } from "./wasm/arena.ts";
import { createBinding, type WasmStateBinding } from "./wasm/binding.ts";
import { deliveryKernelOf, kernelsOfProgram, kernelsOfState, pretierKernels } from "./wasm/pretier.ts";
import { plasticityInArena } from "./wasm/stdp.ts";
import { defaultKernels, wasmKernelsAvailable, type KernelChoice } from "./wasm/kernels.ts";
import { buildCondState, programHasCond, resetCondState, type CondState } from "./cond.ts";

export type SynapseLayoutKind = "wide" | "offset16" | "flat32";

/** The engine's synapse arrays, in source-major order (see the header). */
export interface SynapseStore {
  readonly kind: SynapseLayoutKind;
  /** offset16: target = neuronBase[source] + offset[s]; empty in the other layouts. */
  readonly offset: Uint16Array;
  /**
   * flat32: global target of every synapse. offset16: global targets of the synapses of neurons with a
   * negative base (side array, index s − shift with shift = −1 − neuronBase[source]). wide: SimState.synTarget.
   */
  readonly target: Uint32Array;
  readonly weights: WeightStore;
  /** Projection of each synapse; undefined in compact layouts of single-projection programs (all 0). */
  readonly projection: Uint8Array | Uint16Array | undefined;
  /** offset16 only (see `offset` and `target`); empty otherwise. */
  readonly neuronBase: Int32Array;
  /** Per group, 1 when its targets are consecutive (dense-groups.ts); empty without dense groups. */
  readonly groupDense: Uint8Array;
}

export interface SimState {
  readonly coreCount: number;
  /** Class of every core (update.ts classifyCores), for the program's precision (coreClassFixedPoint). */
  readonly coreClass: Uint8Array;
  readonly coreClassFixedPoint: boolean;
  /**
   * Per core, 1 when every bias of its neurons is +0 bit for bit (the update kernels then add the constant
   * +0 instead of reading the biases: the same sums). Decided once per state, as the core classes are.
   */
  readonly coreBiasZero: Uint8Array;
  readonly neuronCount: number;
  readonly synapseCount: number;
  readonly coreNeuronStart: Uint32Array;
  /** Global input-axon id of each core's axon 0 (length cores + 1). */
  readonly coreAxonStart: Uint32Array;
  /** Physical core id and tile coordinates of each program core. */
  readonly coreId: Uint32Array;
  readonly coreTileX: Uint16Array;
  readonly coreTileY: Uint16Array;
  // Neuron parameters (global index).
  readonly kind: Uint8Array;
  readonly spiking: Uint8Array;
  readonly voltageDecay: Float64Array;
  readonly currentDecay: Float64Array;
  readonly inputGain: Float64Array;
  readonly bias: Float64Array;
  readonly vThreshold: Float64Array;
  readonly vReset: Float64Array;
  readonly vInit: Float64Array;
  readonly resetMode: Uint8Array;
  readonly thresholdOp: Uint8Array;
  readonly refractoryTicks: Uint32Array;
  /** NeuronDynamics per neuron, and the sanafeLif fields; all undefined when no core uses them. */
  readonly dynamics: Uint8Array | undefined;
  readonly vTruncScale: Float64Array | undefined;
  readonly vReverseThreshold: Float64Array | undefined;
  readonly reverseResetMode: Uint8Array | undefined;
  readonly vReverseReset: Float64Array | undefined;
  readonly forceUpdate: Uint8Array | undefined;
  /** Adaptive threshold parameters and state θ (effective threshold vThreshold + θ); undefined when no core uses them. */
  readonly thetaPlus: Float64Array | undefined;
  readonly thetaDecay: Float64Array | undefined;
  /** θ's starting value (CoreNeuronParams.thetaInit: a learned θ loaded with --initial-weights); undefined = 0. */
  readonly thetaInit: Float64Array | undefined;
  readonly theta: Float64Array | undefined;
  /** Bounded homeostasis (chip/program/types.ts thetaDrift): undefined when no core uses it. */
  readonly thetaDrift: Float64Array | undefined;
  readonly thetaMin: Float64Array | undefined;
  readonly thetaMax: Float64Array | undefined;
  /** Conductance-based LIF neurons' parameters and conductances (cond.ts); undefined when no core has one. */
  readonly cond: CondState | undefined;
  // Neuron state.
  readonly v: Float64Array;
  readonly u: Float64Array;
  /** Synaptic input accumulated for the current tick. */
  readonly acc: Float64Array;
  readonly refractoryLeft: Uint32Array;
  readonly coreOfNeuron: Uint32Array;
  readonly populationOfNeuron: Uint16Array;
  readonly indexInPopulation: Uint32Array;
  /** The engine's synapses (every layout). */
  readonly synapses: SynapseStore;
  // Wide layout only (empty otherwise): per synapse in source-major order, targets are global neuron indices.
  readonly synTarget: Uint32Array;
  readonly synWeight: Float64Array;
  /** Program core index and local crossbar index of each synapse (weight read-back). */
  readonly synCore: Uint32Array;
  readonly synLocal: Uint32Array;
  /** Projection of each synapse. */
  readonly synProjection: Uint16Array;
  /** Groups of neuron n: [neuronGroupStart[n], neuronGroupStart[n+1]); group g spans synapses [groupSynStart[g], groupSynStart[g+1]). */
  readonly neuronGroupStart: Uint32Array;
  readonly groupDelay: Uint16Array;
  /** First synapse of each group, length groups + 1. */
  readonly groupSynStart: Uint32Array;
  /** Synapses in the destination row of each route (the ops one packet causes at its destination core). */
  readonly routeSynapses: UintArray;
  /**
   * Counter cells, built when the program has several projections (else empty: the cell of route r is
   * (routeDestCore[r], encoding 0, projection 0) with routeSynapses[r] ops). Cells are the distinct
   * (destination core, encoding, projection) triples. A route whose row has one projection has one cell,
   * routeCell[r]; a packet to a global input axon a whose row mixes projections adds axonCellCount[k] ops
   * to cell axonCellId[k] for k in [axonCellStart[a], axonCellStart[a+1]) (empty for single-cell rows).
   */
  readonly axonCellStart: Uint32Array;
  readonly axonCellId: Uint32Array;
  readonly axonCellCount: Uint32Array;
  /** With cells: the one cell of route r's row (its count is routeSynapses[r]), or −1 when the row mixes projections or is empty. */
  readonly routeCell: Int32Array;
  readonly cellCore: Uint32Array;
  readonly cellEncoding: Uint8Array;
  readonly cellProjection: Uint16Array;
  /** Per-neuron sums over its routes (one spike's network traffic, attributed to the sending core); narrowest width that fits. */
  readonly neuronHopsEast: UintArray;
  readonly neuronHopsWest: UintArray;
  readonly neuronHopsNorth: UintArray;
  readonly neuronHopsSouth: UintArray;
  readonly neuronPacketsLocal: UintArray;
  readonly neuronPacketsInTile: UintArray;
  // Routing (global per neuron).
  readonly routePtr: Uint32Array;
  /** Global axon id at the destination. */
  readonly routeAxon: Uint32Array;
  /** Program core index of each route's destination (16 bits when the program has ≤ 65,536 cores). */
  readonly routeDestCore: Uint16Array | Uint32Array;
  readonly encodingNames: readonly string[];
  readonly maxDelayTicks: number;
  /**
   * Pair-STDP structures of programs with `plasticity` projections (runs, post lists, trace slots),
   * built once with the state; each run starts from zero traces.
   */
  readonly plasticity?: PlasticityState;
  /** Present when the state lives in a WebAssembly memory (kernels "wasm"): what the WebAssembly kernels need. */
  readonly wasm?: WasmStateBinding;
}

export interface BuildStateOptions {
  /** Backing memory of every array (default: ordinary ArrayBuffers; sharedArrays() for worker threads). */
  readonly alloc?: ArrayAllocator;
  /** Force a synapse layout (tests compare layouts); default: wide for plastic programs, else the smallest. */
  readonly layout?: SynapseLayoutKind;
  /** Force float64 weights in compact layouts (tests). */
  readonly float64Weights?: boolean;
  /** Force float32 weights in compact layouts (tests); every weight must be a float32 value. */
  readonly float32Weights?: boolean;
  /** Kernels of the state's hot loops (default: defaultKernels()). */
  readonly kernels?: KernelChoice;
  /**
   * Split runs of consecutive targets into dense groups, delivered without per-synapse target reads
   * (default true; dense-groups.ts). false keeps one group per neuron and delay, every synapse read by its
   * target (tests and benchmarks compare the two: the results are bit-identical).
   */
  readonly denseGroups?: boolean;
  /**
   * Every array in shared memory, for worker threads (`threads` > 1): a state in a WebAssembly memory
   * already is; otherwise (TypeScript kernels, or no `alloc` given) the arrays come from sharedArrays().
   */
  readonly shared?: boolean;
}

/** Compact layouts fall back to flat32 when more than this share of synapses would need the side array. */
const MAX_SIDE_SHARE = 0.25;

/** True when the program's weights change during a run (pair STDP or a general learning rule). */
export function programIsPlastic(program: ChipProgram): boolean {
  return program.projections.some((p) => p.plasticity !== undefined || p.learning !== undefined);
}

/**
 * Which kernels run a state's hot loops: "wasm" (default) builds the state in a WebAssembly memory so that
 * the WebAssembly kernels (chip/sim/wasm/) can run delivery and the `lifUniform` update; "js" keeps ordinary
 * arrays and the TypeScript kernels. Both give bit-identical results. AERCHIP_KERNELS=js sets the default.
 * Programs with general learning rules, a forced wide layout of a static program, an explicit `alloc` and
 * states past 4 GiB use "js"; pair STDP runs in WebAssembly too.
 */
export type { KernelChoice } from "./wasm/kernels.ts";
export { defaultKernels } from "./wasm/kernels.ts";

export function buildSimState(spec: ChipSpec, program: ChipProgram, options: BuildStateOptions = {}): SimState {
  const kernels = options.kernels ?? defaultKernels();
  const learningRules = program.projections.some((p) => p.learning !== undefined);
  if (kernels === "wasm" && options.alloc === undefined && (options.layout !== "wide" || programIsPlastic(program)) && !learningRules && !programHasCond(program) && wasmKernelsAvailable()) {
    // A first guess of the state's size (per synapse 4 B compact, 24 B wide; 160 B per neuron); the arena
    // grows as needed.
    const synapses = program.cores.reduce((sum, cp) => sum + cp.crossbar.synWeight.length, 0);
    const neurons = program.cores.reduce((sum, cp) => sum + cp.neuronCount, 0);
    // The kernels its runs will call, optimised by V8 while the state is built (wasm/pretier.ts).
    pretierKernels(kernelsOfProgram(program));
    try {
      const arena = new WasmArena((programIsPlastic(program) ? 24 : 4) * synapses + 160 * neurons + (1 << 20));
      const st = buildOn(spec, program, options, arena.allocator(), true);
      const wasm = createBinding(arena);
      // Those that depend on its core classes (the rest are done: pretierKernels skips them).
      pretierKernels(kernelsOfState(st));
      return st.plasticity === undefined ? { ...st, wasm } : { ...st, plasticity: plasticityInArena(arena, st.plasticity), wasm };
    } catch (e) {
      if (!(e instanceof AerchipError) || e.code !== "E_SIM_WASM_MEMORY") throw e;
      // Past 4 GiB of addresses, or no address space for a memory: ordinary arrays, TypeScript kernels.
    }
  }
  return buildOn(spec, program, options, options.alloc ?? (options.shared === true ? sharedArrays() : heapArrays));
}

/** `pretier`: the state is for the WebAssembly kernels (wasm/pretier.ts: its delivery kernel is optimised once its layout is known). */
function buildOn(spec: ChipSpec, program: ChipProgram, options: BuildStateOptions, alloc: ArrayAllocator, pretier = false): SimState {
  if (program.meshWidthTiles !== spec.mesh.widthTiles || program.meshHeightTiles !== spec.mesh.heightTiles || program.coresPerTile !== spec.mesh.coresPerTile) {
    throw new AerchipError("E_PROGRAM_SPEC_MISMATCH", `the program was compiled for a ${program.meshWidthTiles}×${program.meshHeightTiles}×${program.coresPerTile} mesh ("${program.specName}"), the chip "${spec.name}" is ${spec.mesh.widthTiles}×${spec.mesh.heightTiles}×${spec.mesh.coresPerTile}`, {
      field: "mesh", hint: "recompile the model for this chip",
    });
  }
  const P = program.projections.length;
  program.cores.forEach((cp, c) => {
    if (cp.neurons.kind.length !== cp.neuronCount) {
      throw invalid(`core ${cp.coreId} has ${cp.neurons.kind.length} neuron parameter entries for ${cp.neuronCount} neurons`, `cores[${c}].neurons`, "build the state from the program as compiled (a program passed through releaseProgramSynapses cannot be built again)");
    }
  });
  // Each step below is its own function: V8 optimises small functions with complete type feedback,
  // where one large function with many loops runs long stretches in unoptimised code.
  const cl = coreTable(spec, program, alloc);
  const N = cl.coreNeuronStart[cl.C];
  const neurons = copyNeuronParams(program, cl.coreNeuronStart, N, alloc);
  const maxDelayTicks = validateCrossbars(program);
  const rt = buildRouting(program, cl.coreNeuronStart, cl.coreAxonStart, N, alloc);
  const plastic = programIsPlastic(program);
  // Conductance neurons take their synapses into g_e / g_i (cond.ts): delivered by the wide layout's loop only.
  const condNeurons = programHasCond(program);
  // Compact layouts of programs whose neurons reach each core by one route at most (no two routes of a
  // neuron can then share a target) are built in axon order (sequential passes over the crossbars):
  // within a group the routes' rows may then come in axon order rather than route order without
  // changing any sum. Otherwise, and for plastic programs, the rows are taken in route order.
  const byAxon = !plastic && !condNeurons && options.layout !== "wide" && maxDelayTicks <= 32 && routesReachDistinctCores(rt, N, cl.C);
  const axons = byAxon ? undefined : summariseAxons(program, cl, rt, N);
  const groups: GroupPlan = byAxon ? planByAxon(program, cl, rt, N) : planGroups(rt, axons!, cl, N, maxDelayTicks);
  const S = cl.S;
  const layout: SynapseLayoutKind = options.layout ?? (plastic || condNeurons ? "wide" : (groups.sideSynapses <= MAX_SIDE_SHARE * S ? "offset16" : "flat32"));
  if (plastic && layout !== "wide") throw new AerchipError("E_SIM_LAYOUT", `a program with plastic synapses needs the wide synapse layout, not ${layout}`, { field: "layout", hint: "omit the layout option" });
  if (condNeurons && layout !== "wide") throw new AerchipError("E_SIM_LAYOUT", `a program with conductance-based (lif-cond) neurons needs the wide synapse layout, not ${layout}`, { field: "layout", hint: "omit the layout option" });
  const wide = layout === "wide";
  const synTarget = alloc.u32(wide ? S : 0);
  const synWeight = alloc.f64(wide ? S : 0);
  const synCore = alloc.u32(wide ? S : 0);
  const synLocal = alloc.u32(wide ? S : 0);
  const synProjection = alloc.u16(wide ? S : 0);
  const weightPlan = wide || options.float64Weights === true ? planFloat64() : options.float32Weights === true ? planFloat32(program) : planWeights(program.cores.map((cp) => cp.crossbar.synWeight));
  const scattered: Omit<SynapseStore, "groupDense"> = wide
    ? { kind: "wide", offset: alloc.u16(0), target: synTarget, weights: { kind: "f64", w: synWeight }, projection: synProjection, neuronBase: alloc.i32(0) }
    : {
      kind: layout,
      offset: alloc.u16(layout === "offset16" ? S : 0),
      target: alloc.u32(layout === "flat32" ? S : layout === "offset16" ? groups.sideSynapses : 0),
      weights: allocateWeights(alloc, weightPlan, S),
      projection: P <= 1 ? undefined : P <= 256 ? alloc.u8(S) : alloc.u16(S),
      neuronBase: layout === "offset16" ? neuronBases(groups, N, alloc) : alloc.i32(0),
    };
  // Known from here: the delivery kernel's optimising compile (a few ms) overlaps with the scatter below.
  if (pretier) pretierKernels(deliveryKernelOf(scattered));
  if (wide) scatterWide(program, cl, axons!, groups, { synTarget, synWeight, synCore, synLocal, synProjection });
  else if (byAxon) scatterByAxon(program, cl, groups as AxonPlan, scattered, weightPlan.codes);
  else scatterCompact(program, cl, axons!, groups, scattered, weightPlan.codes);
  // Dense runs of targets become groups of their own (dense-groups.ts); the tables are then new arrays.
  const split = options.denseGroups === false
    ? { neuronGroupStart: groups.neuronGroupStart, groupDelay: groups.groupDelay, groupSynStart: groups.groupSynStart, groupDense: alloc.u8(0) }
    : splitDenseGroups(scattered, groups.neuronGroupStart, groups.groupDelay, groups.groupSynStart, N, alloc);
  const fresh = split.neuronGroupStart !== groups.neuronGroupStart;
  const store: SynapseStore = { ...scattered, groupDense: split.groupDense };
  const encodingNames = [...new Set(program.projections.map((p) => p.encoding))].sort();
  const encOfProj = Uint8Array.from(program.projections, (p) => encodingNames.indexOf(p.encoding));
  const cells = P > 1 ? buildAxonCells(program, cl, encOfProj, byAxon ? (groups as AxonPlan).routeOfAxon : axons!.routeOfAxon, alloc) : emptyCells(alloc);
  const traffic = neuronTraffic(rt, cl, neurons.coreOfNeuron, N, alloc);
  const members = populationMembership(program, cl.coreNeuronStart, N, alloc);
  const v = alloc.f64(N);
  v.set(neurons.vInit);
  const theta = neurons.thetaPlus !== undefined ? alloc.f64(N) : undefined;
  if (theta !== undefined && neurons.thetaInit !== undefined) theta.set(neurons.thetaInit);
  const unclassified: Omit<SimState, "coreClass" | "coreClassFixedPoint" | "coreBiasZero"> = {
    coreCount: cl.C, neuronCount: N, synapseCount: S, coreNeuronStart: cl.coreNeuronStart, coreAxonStart: cl.coreAxonStart,
    coreId: cl.coreId, coreTileX: cl.coreTileX, coreTileY: cl.coreTileY,
    ...neurons,
    theta,
    cond: buildCondState(program, cl.coreNeuronStart, N, alloc),
    v, u: alloc.f64(N), acc: alloc.f64(N), refractoryLeft: alloc.u32(N),
    ...members,
    synapses: store, synTarget, synWeight, synCore, synLocal, synProjection,
    neuronGroupStart: fresh ? split.neuronGroupStart : copyU32(alloc, split.neuronGroupStart),
    groupDelay: fresh ? split.groupDelay : copyU16(alloc, split.groupDelay),
    groupSynStart: fresh ? split.groupSynStart : copyU32(alloc, split.groupSynStart),
    routeSynapses: narrowCopy(alloc, byAxon ? (groups as AxonPlan).routeSynapses : axons!.routeSynapses), ...cells, ...traffic,
    routePtr: rt.routePtr, routeAxon: rt.routeAxon, routeDestCore: rt.routeDestCore, encodingNames, maxDelayTicks,
  };
  // The update kernel of each core, decided once per state (update.ts; a run in another precision classifies again).
  const fixed = program.fixedPoint !== undefined;
  const coreClass = alloc.u8(cl.C);
  coreClass.set(classifyCores(unclassified, fixed));
  const coreBiasZero = alloc.u8(cl.C);
  coreBiasZero.set(biasZeroCores(neurons.bias, cl.coreNeuronStart));
  const st: SimState = { ...unclassified, coreClass, coreClassFixedPoint: fixed, coreBiasZero };
  return hasPlasticity(program) ? { ...st, plasticity: buildPlasticity(program, st) } : st;
}

/** Per core, 1 when every bias in [coreNeuronStart[c], coreNeuronStart[c + 1]) is +0 (Object.is: −0 is not). */
export function biasZeroCores(bias: Float64Array, coreNeuronStart: Uint32Array): Uint8Array {
  const C = coreNeuronStart.length - 1;
  const out = new Uint8Array(C);
  for (let c = 0; c < C; c++) {
    let zero = 1;
    for (let n = coreNeuronStart[c]; n < coreNeuronStart[c + 1]; n++) if (!Object.is(bias[n], 0)) { zero = 0; break; }
    out[c] = zero;
  }
  return out;
}

/** Float32 weights (forced; tests): every weight must read back exactly. */
function planFloat32(program: ChipProgram): WeightPlan {
  for (const cp of program.cores) {
    for (const w of cp.crossbar.synWeight) {
      if (Math.fround(w) !== w) throw new AerchipError("E_SIM_LAYOUT", `weight ${w} is not a float32 value`, { field: "float32Weights", hint: "omit float32Weights: the weight encoding is chosen exactly" });
    }
  }
  return { kind: "f32", palette: undefined, codes: undefined };
}

/** True when the state keeps explicit counter cells (several projections); else each route is one cell. */
export function hasCells(st: SimState): boolean {
  return st.axonCellStart.length > 0;
}

/** Global target neuron of synapse s, a synapse of source neuron n (any layout). */
export function synapseTarget(st: SimState, n: number, s: number): number {
  const sy = st.synapses;
  if (sy.kind !== "offset16") return sy.target[s];
  const base = sy.neuronBase[n];
  return base >= 0 ? base + sy.offset[s] : sy.target[s + 1 + base];
}

/**
 * The state reset between samples of a presentation schedule: v ← vInit, u ← 0, no pending input, not
 * refractory. Weights and adaptive thresholds θ are kept (they are what learning and homeostasis change).
 */
/**
 * Adaptive thresholds back to their start, θ = thetaInit (0 without one: a fresh state's). Not part of
 * resetNeuronState: θ is a learned quantity that training keeps between samples (Diehl & Cook); an inference
 * from the chip's initial state (`evaluate`) resets it too.
 */
export function resetAdaptiveThresholds(st: SimState): void {
  if (st.theta === undefined) return;
  if (st.thetaInit !== undefined) st.theta.set(st.thetaInit);
  else st.theta.fill(0);
}

export function resetNeuronState(st: SimState): void {
  st.v.set(st.vInit);
  st.u.fill(0);
  st.acc.fill(0);
  st.refractoryLeft.fill(0);
  resetCondState(st.cond);
}

/**
 * Drops the per-synapse and per-neuron arrays of a program whose state is built, keeping what a run
 * still reads (populations, projections, fixed-point format, core ids and sizes): a state built from a
 * non-plastic program holds everything the simulation needs, so the caller can release the compiled
 * crossbars (≈ 21 bytes per synapse) by dropping its references to `program` and keeping the returned
 * skeleton. The skeleton runs the state (startRun, runState) but cannot be built, encoded or reported
 * on again. Plastic programs are returned unchanged (weight read-back and reports use their crossbars).
 */
export function releaseProgramSynapses(program: ChipProgram): ChipProgram {
  if (programIsPlastic(program)) return program;
  const none32 = new Uint32Array(0);
  const none16 = new Uint16Array(0);
  const none8 = new Uint8Array(0);
  const noneF = new Float64Array(0);
  return {
    ...program,
    cores: program.cores.map((cp) => ({
      coreId: cp.coreId,
      neuronCount: cp.neuronCount,
      neurons: {
        kind: none8, spiking: none8, voltageDecay: noneF, currentDecay: noneF, inputGain: noneF, bias: noneF, vThreshold: noneF,
        vReset: noneF, vInit: noneF, resetMode: none8, thresholdOp: none8, refractoryTicks: none32,
      },
      crossbar: { axonCount: cp.crossbar.axonCount, axonRowPtr: none32, synTarget: none32, synWeight: noneF, synDelayTicks: none16, synProjection: none16, synIndex: none32 },
      routing: { routePtr: none32, routeDestCore: none32, routeDestAxon: none32 },
    })),
  };
}
