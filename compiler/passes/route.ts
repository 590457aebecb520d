/**
 * route + emit: builds each core's crossbar (CSR rows per input axon), the output routing tables and the
 * neuron parameter memories, i.e. the ChipProgram.
 *
 * One input axon per (source neuron, destination core): a spike travels as one AER packet to each core
 * holding any of its targets, and that core's axon row fans it out to all local targets (Loihi's
 * distribution lists). Rows are sorted by (delay, projection, target) so the simulator can hand each
 * run of equal delay to the timing wheel as one segment. Axons are numbered by ascending global source
 * neuron; routes are listed by ascending destination core: the program is a pure function of the model
 * and the placement.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { NeuronKind, ResetMode, PROGRAM_FORMAT, PROGRAM_VERSION, type ChipProgram, type CoreProgram, type PopulationBlock, type PopulationMap } from "../../chip/program/types.ts";
import { neuronAt, type IndexedGraph } from "./normalise.ts";
import type { LogicalCore } from "./partition.ts";

export interface CoreUsage {
  readonly coreIndex: number;
  readonly coreId: number;
  readonly neurons: number;
  readonly inputAxons: number;
  readonly outputAxons: number;
  readonly synapses: number;
}

export interface RouteResult {
  readonly program: ChipProgram;
  readonly usage: readonly CoreUsage[];
  /** Core index (into program.cores) and local index of every global neuron. */
  readonly coreIndexOf: Uint32Array;
  readonly localOf: Uint32Array;
}

export function routeAndEmit(ig: IndexedGraph, spec: ChipSpec, cores: readonly LogicalCore[], slotOf: Uint32Array, file: string): RouteResult {
  const { graph, popOffset, projPre, projPost } = ig;
  const N = ig.totalNeurons;
  // Program cores in ascending physical id.
  const order = Array.from({ length: cores.length }, (_, c) => c).sort((a, b) => slotOf[a] - slotOf[b]);
  const coreIndexOf = new Uint32Array(N);
  const localOf = new Uint32Array(N);
  const popBlocks: PopulationBlock[][] = graph.populations.map(() => []);
  order.forEach((c, ci) => {
    let local = 0;
    for (const b of cores[c].blocks) {
      for (let i = 0; i < b.count; i++) {
        const g = neuronAt(ig, b.population, b.start + i);
        coreIndexOf[g] = ci;
        localOf[g] = local + i;
      }
      popBlocks[b.population].push({ coreIndex: ci, neuronStart: local, populationStart: b.start, count: b.count });
      local += b.count;
    }
  });
  const C = order.length;
  // Materialise synapses once (global pre/post, delay, projection, index in projection).
  const S = ig.totalSynapses;
  const synPre = new Uint32Array(S);
  const synPost = new Uint32Array(S);
  const synDelay = new Uint16Array(S);
  const synProj = new Uint16Array(S);
  const synW = new Float64Array(S);
  const synIdx = new Uint32Array(S);
  const perCore = new Float64Array(C + 1);
  let id = 0;
  graph.projections.forEach((pr, k) => {
    const a = popOffset[projPre[k]];
    const b = popOffset[projPost[k]];
    for (let s = 0; s < pr.preIndex.length; s++, id++) {
      synPre[id] = a + pr.preIndex[s];
      const post = b + pr.postIndex[s];
      synPost[id] = post;
      synDelay[id] = pr.delayTicks[s];
      synProj[id] = k;
      synW[id] = pr.weight[s];
      synIdx[id] = s;
      perCore[coreIndexOf[post] + 1]++;
    }
  });
  for (let c = 0; c < C; c++) perCore[c + 1] += perCore[c];
  const byCore = new Uint32Array(S);
  const fill = perCore.slice(0, C);
  for (let s = 0; s < S; s++) byCore[fill[coreIndexOf[synPost[s]]]++] = s;

  // Route entries: one per (source neuron, destination core) = one input axon.
  const routeSrc: number[] = [];
  const routeCore: number[] = [];
  const routeAxon: number[] = [];
  const coreProgramsPartial: Array<Omit<CoreProgram, "routing">> = [];
  const inputAxonsOf = new Uint32Array(C);
  for (let ci = 0; ci < C; ci++) {
    const ids = byCore.subarray(perCore[ci], perCore[ci + 1]);
    ids.sort((x, y) => synPre[x] - synPre[y] || synDelay[x] - synDelay[y] || synProj[x] - synProj[y] || localOf[synPost[x]] - localOf[synPost[y]] || x - y);
    const n = ids.length;
    const synTarget = new Uint32Array(n);
    const synWeight = new Float64Array(n);
    const synDelayTicks = new Uint16Array(n);
    const synProjection = new Uint16Array(n);
    const synIndex = new Uint32Array(n);
    const rowPtr: number[] = [0];
    let prevSrc = -1;
    for (let j = 0; j < n; j++) {
      const s = ids[j];
      if (synPre[s] !== prevSrc) {
        if (j > 0) rowPtr.push(j);
        prevSrc = synPre[s];
        routeSrc.push(prevSrc);
        routeCore.push(ci);
        routeAxon.push(rowPtr.length - 1);
      }
      synTarget[j] = localOf[synPost[s]];
      synWeight[j] = synW[s];
      synDelayTicks[j] = synDelay[s];
      synProjection[j] = synProj[s];
      synIndex[j] = synIdx[s];
    }
    if (n > 0) rowPtr.push(n);
    const axonCount = rowPtr.length - 1;
    inputAxonsOf[ci] = axonCount;
    if (axonCount > spec.core.maxInputAxons) {
      throw new AerchipError("E_CORE_INPUT_AXONS_EXCEEDED", `core ${slotOf[order[ci]]} needs ${axonCount} input axons; chip "${spec.name}" has ${spec.core.maxInputAxons} per core`, { file, hint: "use a partition with smaller blocks or a chip with more input axons" });
    }
    coreProgramsPartial.push(buildCoreParams(ig, cores[order[ci]], slotOf[order[ci]], { axonCount, axonRowPtr: Uint32Array.from(rowPtr), synTarget, synWeight, synDelayTicks, synProjection, synIndex }));
  }
  // Routing tables: entries grouped by source neuron (stable: destination cores stay ascending).
  const R = routeSrc.length;
  const srcPtr = new Uint32Array(N + 1);
  for (let r = 0; r < R; r++) srcPtr[routeSrc[r] + 1]++;
  for (let g = 0; g < N; g++) srcPtr[g + 1] += srcPtr[g];
  const rFill = srcPtr.slice(0, N);
  const rCore = new Uint32Array(R);
  const rAxon = new Uint32Array(R);
  for (let r = 0; r < R; r++) {
    const at = rFill[routeSrc[r]]++;
    rCore[at] = slotOf[order[routeCore[r]]];
    rAxon[at] = routeAxon[r];
  }
  const usage: CoreUsage[] = [];
  const programCores: CoreProgram[] = coreProgramsPartial.map((cp, ci) => {
    const count = cp.neuronCount;
    const routePtr = new Uint32Array(count + 1);
    const dests: number[] = [];
    const axons: number[] = [];
    // Neurons of this core in local order: walk its blocks.
    let local = 0;
    for (const b of cores[order[ci]].blocks) {
      for (let i = 0; i < b.count; i++, local++) {
        const g = neuronAt(ig, b.population, b.start + i);
        const lo = srcPtr[g];
        const hi = srcPtr[g + 1];
        if (spec.core.maxFanOutCores > 0 && hi - lo > spec.core.maxFanOutCores) {
          throw new AerchipError("E_CORE_FANOUT_EXCEEDED", `neuron ${g - popOffset[b.population]} of "${graph.populations[b.population].name}" sends to ${hi - lo} cores; chip "${spec.name}" allows ${spec.core.maxFanOutCores}`, { file, hint: "reduce the fan-out or use a chip with a larger core.maxFanOutCores" });
        }
        for (let r = lo; r < hi; r++) { dests.push(rCore[r]); axons.push(rAxon[r]); }
        routePtr[local + 1] = dests.length;
      }
    }
    if (dests.length > spec.core.maxOutputAxons) {
      throw new AerchipError("E_CORE_OUTPUT_AXONS_EXCEEDED", `core ${cp.coreId} needs ${dests.length} output routing entries; chip "${spec.name}" has ${spec.core.maxOutputAxons} per core`, { file, hint: "reduce fan-out across cores (smaller blocks of the target population), or use a chip with more output axons" });
    }
    usage.push({ coreIndex: ci, coreId: cp.coreId, neurons: count, inputAxons: inputAxonsOf[ci], outputAxons: dests.length, synapses: cp.crossbar.synTarget.length });
    return { ...cp, routing: { routePtr, routeDestCore: Uint32Array.from(dests), routeDestAxon: Uint32Array.from(axons) } };
  });
  const populations: PopulationMap[] = graph.populations.map((p, i) => {
    const o = ig.order[i];
    return { name: p.name, kind: p.kind, size: p.size, shape: [...p.shape], spiking: p.spiking, blocks: popBlocks[i], ...(o === undefined ? {} : { order: o }) };
  });
  let maxDelayTicks = 1;
  for (let s = 0; s < S; s++) if (synDelay[s] > maxDelayTicks) maxDelayTicks = synDelay[s];
  const program: ChipProgram = {
    format: PROGRAM_FORMAT, version: PROGRAM_VERSION, specName: spec.name,
    meshWidthTiles: spec.mesh.widthTiles, meshHeightTiles: spec.mesh.heightTiles, coresPerTile: spec.mesh.coresPerTile,
    modelName: graph.name, defaultSteps: graph.defaultSteps, maxDelayTicks, cores: programCores, populations,
    projections: graph.projections.map((pr) => ({
      name: pr.name, pre: pr.pre, post: pr.post, synapseCount: pr.preIndex.length, encoding: pr.encoding,
      ...(pr.plasticity === undefined ? {} : {
        plasticity: {
          rule: "pair" as const, nearest: pr.plasticity.mode === "nearest", aPlus: pr.plasticity.aPlus, aMinus: pr.plasticity.aMinus,
          decayPre: pr.plasticity.decayPre, decayPost: pr.plasticity.decayPost, wMin: pr.plasticity.wMin, wMax: pr.plasticity.wMax,
        },
      }),
      ...(pr.learning === undefined ? {} : { learning: pr.learning }),
    })),
  };
  return { program, usage, coreIndexOf, localOf };
}

function buildCoreParams(ig: IndexedGraph, core: LogicalCore, coreId: number, crossbar: CoreProgram["crossbar"]): Omit<CoreProgram, "routing"> {
  const n = core.neurons;
  const kind = new Uint8Array(n);
  const spiking = new Uint8Array(n);
  const voltageDecay = new Float64Array(n);
  const currentDecay = new Float64Array(n);
  const inputGain = new Float64Array(n);
  const bias = new Float64Array(n);
  const vThreshold = new Float64Array(n);
  const vReset = new Float64Array(n);
  const vInit = new Float64Array(n);
  const resetMode = new Uint8Array(n);
  const thresholdOp = new Uint8Array(n);
  const refractoryTicks = new Uint32Array(n);
  // Optional per-compartment fields (SANA-FE's soma), present only when a population on the core uses them.
  const pops = core.blocks.map((b) => ig.graph.populations[b.population].params);
  const has = (f: "dynamics" | "vTruncScale" | "vReverseThreshold" | "reverseResetMode" | "vReverseReset" | "forceUpdate" | "thetaPlus"): boolean => pops.some((pp) => pp?.[f] !== undefined);
  const dynamics = has("dynamics") ? new Uint8Array(n) : undefined;
  const vTruncScale = has("vTruncScale") ? new Float64Array(n) : undefined;
  const vReverseThreshold = has("vReverseThreshold") ? new Float64Array(n).fill(-Infinity) : undefined;
  const reverseResetMode = has("reverseResetMode") ? new Uint8Array(n).fill(ResetMode.none) : undefined;
  const vReverseReset = has("vReverseReset") ? new Float64Array(n) : undefined;
  const forceUpdate = has("forceUpdate") ? new Uint8Array(n) : undefined;
  // Adaptive threshold (both arrays or neither); neurons without it get θ+ = 0, decay 1.
  const thetaPlus = has("thetaPlus") ? new Float64Array(n) : undefined;
  const thetaDecay = thetaPlus !== undefined ? new Float64Array(n).fill(1) : undefined;
  let local = 0;
  for (const b of core.blocks) {
    const pop = ig.graph.populations[b.population];
    const pp = pop.params;
    const o = ig.order[b.population];
    for (let i = 0; i < b.count; i++, local++) {
      const j = o === undefined ? b.start + i : o[b.start + i];
      spiking[local] = pop.spiking ? 1 : 0;
      if (pop.kind === "input" || pp === undefined) {
        kind[local] = NeuronKind.input;
        voltageDecay[local] = 1;
        inputGain[local] = 1;
        vThreshold[local] = 1;
        continue;
      }
      kind[local] = NeuronKind.compartment;
      voltageDecay[local] = pp.voltageDecay[j];
      currentDecay[local] = pp.currentDecay[j];
      inputGain[local] = pp.inputGain[j];
      bias[local] = pp.bias[j];
      vThreshold[local] = pp.vThreshold[j];
      vReset[local] = pp.vReset[j];
      vInit[local] = pp.vInit[j];
      resetMode[local] = pp.resetMode[j];
      thresholdOp[local] = pp.thresholdOp[j];
      refractoryTicks[local] = pp.refractoryTicks[j];
      if (dynamics !== undefined && pp.dynamics !== undefined) dynamics[local] = pp.dynamics[j];
      if (vTruncScale !== undefined && pp.vTruncScale !== undefined) vTruncScale[local] = pp.vTruncScale[j];
      if (vReverseThreshold !== undefined && pp.vReverseThreshold !== undefined) vReverseThreshold[local] = pp.vReverseThreshold[j];
      if (reverseResetMode !== undefined && pp.reverseResetMode !== undefined) reverseResetMode[local] = pp.reverseResetMode[j];
      if (vReverseReset !== undefined && pp.vReverseReset !== undefined) vReverseReset[local] = pp.vReverseReset[j];
      if (forceUpdate !== undefined && pp.forceUpdate !== undefined) forceUpdate[local] = pp.forceUpdate[j];
      if (thetaPlus !== undefined && pp.thetaPlus !== undefined) thetaPlus[local] = pp.thetaPlus[j];
      if (thetaDecay !== undefined && pp.thetaDecay !== undefined) thetaDecay[local] = pp.thetaDecay[j];
    }
  }
  return {
    coreId, neuronCount: n,
    neurons: {
      kind, spiking, voltageDecay, currentDecay, inputGain, bias, vThreshold, vReset, vInit, resetMode, thresholdOp, refractoryTicks,
      ...(dynamics === undefined ? {} : { dynamics }), ...(vTruncScale === undefined ? {} : { vTruncScale }),
      ...(vReverseThreshold === undefined ? {} : { vReverseThreshold }), ...(reverseResetMode === undefined ? {} : { reverseResetMode }),
      ...(vReverseReset === undefined ? {} : { vReverseReset }), ...(forceUpdate === undefined ? {} : { forceUpdate }),
      ...(thetaPlus === undefined || thetaDecay === undefined ? {} : { thetaPlus, thetaDecay }),
    },
    crossbar,
  };
}
