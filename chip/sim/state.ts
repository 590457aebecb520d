/**
 * buildSimState: turns (ChipSpec, ChipProgram) into flat struct-of-arrays state, sized once.
 *
 * Neurons of all cores are concatenated (core c owns [coreNeuronStart[c], coreNeuronStart[c+1])), so the
 * hot loops index plain typed arrays with integers. The crossbars are re-laid out *source-major* for
 * memory locality: all synapses a neuron's spike reaches (over every destination core's axon row) are
 * stored contiguously, ordered by (delay, destination route, projection, target). Runs with one delay
 * are *groups* (the unit of scheduling): a spike schedules each of its groups on the timing wheel at
 * t + delay, and applying a group is one contiguous scan `acc[target[s]] += weight[s]`. Synaptic ops
 * are counted per route (counter cells below), when the packet reaches its core.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../spec/types.ts";
import { ResetMode, populationIndexAt, type ChipProgram } from "../program/types.ts";

export interface SimState {
  readonly coreCount: number;
  readonly neuronCount: number;
  readonly coreNeuronStart: Uint32Array;
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
  readonly theta: Float64Array | undefined;
  // Neuron state.
  readonly v: Float64Array;
  readonly u: Float64Array;
  /** Synaptic input accumulated for the current tick. */
  readonly acc: Float64Array;
  readonly refractoryLeft: Uint32Array;
  readonly coreOfNeuron: Uint32Array;
  readonly populationOfNeuron: Uint16Array;
  readonly indexInPopulation: Uint32Array;
  // Synapses in source-major order; targets are global neuron indices.
  readonly synTarget: Uint32Array;
  readonly synWeight: Float64Array;
  /** Program core index and local crossbar index of each synapse (weight read-back). */
  readonly synCore: Uint32Array;
  readonly synLocal: Uint32Array;
  /** Groups of neuron n: [neuronGroupStart[n], neuronGroupStart[n+1]); group g spans synapses [groupSynStart[g], groupSynStart[g+1]). */
  readonly neuronGroupStart: Uint32Array;
  readonly groupDelay: Uint16Array;
  /** First synapse of each group, length groups + 1. */
  readonly groupSynStart: Uint32Array;
  /**
   * Synaptic ops are counted when a packet is processed by its destination core (its whole axon row is
   * read then; delays act in the dendrite), i.e. in the tick the spike is emitted. Counter cells are the
   * distinct (destination core, encoding, projection) triples; route r adds routeCellCount[k] ops to
   * cell routeCellId[k] for k in [routeCellStart[r], routeCellStart[r+1]).
   */
  readonly routeCellStart: Uint32Array;
  readonly routeCellId: Uint32Array;
  readonly routeCellCount: Uint32Array;
  readonly cellCore: Uint32Array;
  readonly cellEncoding: Uint8Array;
  readonly cellProjection: Uint16Array;
  /** Projection of each synapse (source-major order). */
  readonly synProjection: Uint16Array;
  /** Per-neuron sums over its routes (one spike's network traffic, attributed to the sending core). */
  readonly neuronHopsEast: Uint32Array;
  readonly neuronHopsWest: Uint32Array;
  readonly neuronHopsNorth: Uint32Array;
  readonly neuronHopsSouth: Uint32Array;
  readonly neuronPacketsLocal: Uint32Array;
  readonly neuronPacketsInTile: Uint32Array;
  // Routing (global per neuron).
  readonly routePtr: Uint32Array;
  /** Global axon id at the destination. */
  readonly routeAxon: Uint32Array;
  readonly routeDestCore: Uint32Array;
  readonly routeDx: Int16Array;
  readonly routeDy: Int16Array;
  readonly encodingNames: readonly string[];
  readonly maxDelayTicks: number;
}

export function buildSimState(spec: ChipSpec, program: ChipProgram): SimState {
  if (program.meshWidthTiles !== spec.mesh.widthTiles || program.meshHeightTiles !== spec.mesh.heightTiles || program.coresPerTile !== spec.mesh.coresPerTile) {
    throw new AerchipError("E_PROGRAM_SPEC_MISMATCH", `the program was compiled for a ${program.meshWidthTiles}×${program.meshHeightTiles}×${program.coresPerTile} mesh ("${program.specName}"), the chip "${spec.name}" is ${spec.mesh.widthTiles}×${spec.mesh.heightTiles}×${spec.mesh.coresPerTile}`, {
      field: "mesh", hint: "recompile the model for this chip",
    });
  }
  const C = program.cores.length;
  const coreNeuronStart = new Uint32Array(C + 1);
  const coreAxonStart = new Uint32Array(C + 1);
  const coreSynStart = new Float64Array(C + 1);
  const coreIndexById = new Map<number, number>();
  const coreId = new Uint32Array(C);
  const coreTileX = new Uint16Array(C);
  const coreTileY = new Uint16Array(C);
  program.cores.forEach((cp, c) => {
    coreNeuronStart[c + 1] = coreNeuronStart[c] + cp.neuronCount;
    coreAxonStart[c + 1] = coreAxonStart[c] + cp.crossbar.axonCount;
    coreSynStart[c + 1] = coreSynStart[c] + cp.crossbar.synTarget.length;
    coreIndexById.set(cp.coreId, c);
    coreId[c] = cp.coreId;
    const tile = Math.floor(cp.coreId / spec.mesh.coresPerTile);
    coreTileX[c] = tile % spec.mesh.widthTiles;
    coreTileY[c] = Math.floor(tile / spec.mesh.widthTiles);
  });
  const N = coreNeuronStart[C];
  const A = coreAxonStart[C];
  const S = coreSynStart[C];
  const kind = new Uint8Array(N);
  const spiking = new Uint8Array(N);
  const voltageDecay = new Float64Array(N);
  const currentDecay = new Float64Array(N);
  const inputGain = new Float64Array(N);
  const bias = new Float64Array(N);
  const vThreshold = new Float64Array(N);
  const vReset = new Float64Array(N);
  const vInit = new Float64Array(N);
  const resetMode = new Uint8Array(N);
  const thresholdOp = new Uint8Array(N);
  const refractoryTicks = new Uint32Array(N);
  const coreOfNeuron = new Uint32Array(N);
  const anyDynamics = program.cores.some((cp) => cp.neurons.dynamics !== undefined);
  const dynamics = anyDynamics ? new Uint8Array(N) : undefined;
  const vTruncScale = anyDynamics ? new Float64Array(N) : undefined;
  const vReverseThreshold = anyDynamics ? new Float64Array(N).fill(-Infinity) : undefined;
  const reverseResetMode = anyDynamics ? new Uint8Array(N).fill(ResetMode.none) : undefined;
  const vReverseReset = anyDynamics ? new Float64Array(N) : undefined;
  const forceUpdate = anyDynamics ? new Uint8Array(N) : undefined;
  const anyTheta = program.cores.some((cp) => cp.neurons.thetaPlus !== undefined);
  const thetaPlus = anyTheta ? new Float64Array(N) : undefined;
  const thetaDecay = anyTheta ? new Float64Array(N).fill(1) : undefined;
  const encodingNames = [...new Set(program.projections.map((p) => p.encoding))].sort();
  const encOfProj = program.projections.map((p) => encodingNames.indexOf(p.encoding));
  let maxDelayTicks = 1;
  program.cores.forEach((cp, c) => {
    const n0 = coreNeuronStart[c];
    const p = cp.neurons;
    kind.set(p.kind, n0); spiking.set(p.spiking, n0); voltageDecay.set(p.voltageDecay, n0); currentDecay.set(p.currentDecay, n0);
    inputGain.set(p.inputGain, n0); bias.set(p.bias, n0); vThreshold.set(p.vThreshold, n0); vReset.set(p.vReset, n0);
    vInit.set(p.vInit, n0); resetMode.set(p.resetMode, n0); thresholdOp.set(p.thresholdOp, n0); refractoryTicks.set(p.refractoryTicks, n0);
    coreOfNeuron.fill(c, n0, n0 + cp.neuronCount);
    if (p.dynamics !== undefined) dynamics?.set(p.dynamics, n0);
    if (p.vTruncScale !== undefined) vTruncScale?.set(p.vTruncScale, n0);
    if (p.vReverseThreshold !== undefined) vReverseThreshold?.set(p.vReverseThreshold, n0);
    if (p.reverseResetMode !== undefined) reverseResetMode?.set(p.reverseResetMode, n0);
    if (p.vReverseReset !== undefined) vReverseReset?.set(p.vReverseReset, n0);
    if (p.forceUpdate !== undefined) forceUpdate?.set(p.forceUpdate, n0);
    if (p.thetaPlus !== undefined) thetaPlus?.set(p.thetaPlus, n0);
    if (p.thetaDecay !== undefined) thetaDecay?.set(p.thetaDecay, n0);
    const xb = cp.crossbar;
    if (xb.axonRowPtr.length !== xb.axonCount + 1 || xb.axonRowPtr[xb.axonCount] !== xb.synTarget.length) {
      throw new AerchipError("E_PROGRAM_INVALID", `core ${cp.coreId} crossbar row pointers do not cover its ${xb.synTarget.length} synapses`, { field: `cores[${c}].crossbar.axonRowPtr`, hint: "the program is corrupt; recompile it" });
    }
    for (let s = 0; s < xb.synTarget.length; s++) {
      if (xb.synTarget[s] >= cp.neuronCount) throw new AerchipError("E_PROGRAM_INVALID", `core ${cp.coreId} synapse ${s} targets neuron ${xb.synTarget[s]} of ${cp.neuronCount}`, { field: `cores[${c}].crossbar.synTarget`, hint: "the program is corrupt; recompile it" });
      const d = xb.synDelayTicks[s];
      if (d < 1) throw new AerchipError("E_PROGRAM_INVALID", `core ${cp.coreId} synapse ${s} has delay ${d}`, { field: `cores[${c}].crossbar.synDelayTicks`, hint: "delays are >= 1 tick" });
      if (d > maxDelayTicks) maxDelayTicks = d;
    }
  });
  // Routing (global per neuron) and validation of every route.
  const routePtr = new Uint32Array(N + 1);
  program.cores.forEach((cp, c) => {
    const n0 = coreNeuronStart[c];
    if (cp.routing.routePtr.length !== cp.neuronCount + 1) throw new AerchipError("E_PROGRAM_INVALID", `core ${cp.coreId} routing table has ${cp.routing.routePtr.length - 1} neurons, the core ${cp.neuronCount}`, { field: `cores[${c}].routing.routePtr`, hint: "the program is corrupt; recompile it" });
    for (let i = 0; i < cp.neuronCount; i++) routePtr[n0 + i + 1] = cp.routing.routePtr[i + 1] - cp.routing.routePtr[i];
  });
  for (let n = 0; n < N; n++) routePtr[n + 1] += routePtr[n];
  const R = routePtr[N];
  const routeAxon = new Uint32Array(R);
  const routeDestCore = new Uint32Array(R);
  const routeDx = new Int16Array(R);
  const routeDy = new Int16Array(R);
  program.cores.forEach((cp, c) => {
    const n0 = coreNeuronStart[c];
    const rt = cp.routing;
    for (let i = 0; i < cp.neuronCount; i++) {
      let at = routePtr[n0 + i];
      for (let r = rt.routePtr[i]; r < rt.routePtr[i + 1]; r++, at++) {
        const dc = coreIndexById.get(rt.routeDestCore[r]);
        if (dc === undefined) throw new AerchipError("E_PROGRAM_INVALID", `core ${cp.coreId} routes to core ${rt.routeDestCore[r]}, which the program does not define`, { field: `cores[${c}].routing`, hint: "the program is corrupt; recompile it" });
        if (rt.routeDestAxon[r] >= program.cores[dc].crossbar.axonCount) throw new AerchipError("E_PROGRAM_INVALID", `core ${cp.coreId} routes to axon ${rt.routeDestAxon[r]} of core ${rt.routeDestCore[r]}, which has ${program.cores[dc].crossbar.axonCount}`, { field: `cores[${c}].routing`, hint: "the program is corrupt; recompile it" });
        routeAxon[at] = coreAxonStart[dc] + rt.routeDestAxon[r];
        routeDestCore[at] = dc;
        routeDx[at] = coreTileX[dc] - coreTileX[c];
        routeDy[at] = coreTileY[dc] - coreTileY[c];
      }
    }
  });
  // Source-major synapse layout: within a neuron the rows of all its routes are merged by delay (each
  // row is sorted by delay, projection, target), one group per distinct delay.
  const axonCore = new Uint32Array(A);
  const axonLocal = new Uint32Array(A);
  program.cores.forEach((cp, c) => { for (let a = 0; a < cp.crossbar.axonCount; a++) { axonCore[coreAxonStart[c] + a] = c; axonLocal[coreAxonStart[c] + a] = a; } });
  const synTarget = new Uint32Array(S);
  const synWeight = new Float64Array(S);
  const synCore = new Uint32Array(S);
  const synLocal = new Uint32Array(S);
  const synProjection = new Uint16Array(S);
  const neuronGroupStart = new Uint32Array(N + 1);
  const groupSynStarts: number[] = [];
  const groupDelays: number[] = [];
  const cursor: number[] = []; // per route of the current neuron: next synapse in its row
  let at = 0;
  for (let n = 0; n < N; n++) {
    neuronGroupStart[n] = groupDelays.length;
    const r0 = routePtr[n];
    const r1 = routePtr[n + 1];
    cursor.length = 0;
    for (let r = r0; r < r1; r++) {
      const a = routeAxon[r];
      cursor.push(program.cores[axonCore[a]].crossbar.axonRowPtr[axonLocal[a]]);
    }
    for (;;) {
      // Smallest pending delay over this neuron's routes.
      let d = Infinity;
      for (let r = r0; r < r1; r++) {
        const a = routeAxon[r];
        const xb = program.cores[axonCore[a]].crossbar;
        const k = cursor[r - r0];
        if (k < xb.axonRowPtr[axonLocal[a] + 1] && xb.synDelayTicks[k] < d) d = xb.synDelayTicks[k];
      }
      if (d === Infinity) break;
      groupSynStarts.push(at);
      groupDelays.push(d);
      for (let r = r0; r < r1; r++) {
        const a = routeAxon[r];
        const c = axonCore[a];
        const xb = program.cores[c].crossbar;
        const end = xb.axonRowPtr[axonLocal[a] + 1];
        let k = cursor[r - r0];
        while (k < end && xb.synDelayTicks[k] === d) {
          synTarget[at] = coreNeuronStart[c] + xb.synTarget[k];
          synWeight[at] = xb.synWeight[k];
          synCore[at] = c;
          synLocal[at] = k;
          synProjection[at] = xb.synProjection[k];
          at++;
          k++;
        }
        cursor[r - r0] = k;
      }
    }
  }
  neuronGroupStart[N] = groupDelays.length;
  if (at !== S) {
    throw new AerchipError("E_PROGRAM_INVALID", `${S - at} synapses are on axons no neuron routes to, or rows are not sorted by delay`, { field: "cores[].crossbar", hint: "the program is corrupt; recompile it" });
  }
  groupSynStarts.push(at);
  const groupSynStart = Uint32Array.from(groupSynStarts);
  const groupDelay = Uint16Array.from(groupDelays);
  const P = Math.max(1, program.projections.length);
  const Eenc = Math.max(1, encodingNames.length);
  // Route cells: per route, synaptic ops per projection of its destination row.
  const cellIndex = new Map<number, number>();
  const cellCores: number[] = [];
  const cellEncs: number[] = [];
  const cellProjs: number[] = [];
  const routeCellStart = new Uint32Array(R + 1);
  const rcIds: number[] = [];
  const rcCounts: number[] = [];
  const perProj = new Map<number, number>();
  for (let r = 0; r < R; r++) {
    routeCellStart[r] = rcIds.length;
    const dc = routeDestCore[r];
    const xb = program.cores[dc].crossbar;
    const a = axonLocal[routeAxon[r]];
    perProj.clear();
    for (let k = xb.axonRowPtr[a]; k < xb.axonRowPtr[a + 1]; k++) perProj.set(xb.synProjection[k], (perProj.get(xb.synProjection[k]) ?? 0) + 1);
    for (const [proj, count] of [...perProj].sort((x, y) => x[0] - y[0])) {
      const key = (dc * Eenc + encOfProj[proj]) * P + proj;
      let cell = cellIndex.get(key);
      if (cell === undefined) {
        cell = cellCores.length;
        cellIndex.set(key, cell);
        cellCores.push(dc);
        cellEncs.push(encOfProj[proj]);
        cellProjs.push(proj);
      }
      rcIds.push(cell);
      rcCounts.push(count);
    }
  }
  routeCellStart[R] = rcIds.length;
  const neuronHopsEast = new Uint32Array(N);
  const neuronHopsWest = new Uint32Array(N);
  const neuronHopsNorth = new Uint32Array(N);
  const neuronHopsSouth = new Uint32Array(N);
  const neuronPacketsLocal = new Uint32Array(N);
  const neuronPacketsInTile = new Uint32Array(N);
  for (let n = 0; n < N; n++) {
    for (let r = routePtr[n]; r < routePtr[n + 1]; r++) {
      const dx = routeDx[r];
      const dy = routeDy[r];
      if (dx > 0) neuronHopsEast[n] += dx; else neuronHopsWest[n] -= dx;
      if (dy > 0) neuronHopsNorth[n] += dy; else neuronHopsSouth[n] -= dy;
      if (routeDestCore[r] === coreOfNeuron[n]) neuronPacketsLocal[n]++;
      else if (dx === 0 && dy === 0) neuronPacketsInTile[n]++;
    }
  }
  // Population membership.
  const populationOfNeuron = new Uint16Array(N);
  const indexInPopulation = new Uint32Array(N);
  program.populations.forEach((pop, pi) => {
    for (const b of pop.blocks) {
      const n0 = coreNeuronStart[b.coreIndex] + b.neuronStart;
      for (let i = 0; i < b.count; i++) {
        populationOfNeuron[n0 + i] = pi;
        indexInPopulation[n0 + i] = populationIndexAt(pop, b.populationStart + i);
      }
    }
  });
  return {
    coreCount: C, neuronCount: N, coreNeuronStart, coreId, coreTileX, coreTileY,
    kind, spiking, voltageDecay, currentDecay, inputGain, bias, vThreshold, vReset, vInit, resetMode, thresholdOp, refractoryTicks,
    dynamics, vTruncScale, vReverseThreshold, reverseResetMode, vReverseReset, forceUpdate,
    thetaPlus, thetaDecay, theta: anyTheta ? new Float64Array(N) : undefined,
    v: Float64Array.from(vInit), u: new Float64Array(N), acc: new Float64Array(N), refractoryLeft: new Uint32Array(N),
    coreOfNeuron, populationOfNeuron, indexInPopulation, synTarget, synWeight, synCore, synLocal,
    neuronGroupStart, groupDelay,
    groupSynStart, routeCellStart, routeCellId: Uint32Array.from(rcIds), routeCellCount: Uint32Array.from(rcCounts),
    cellCore: Uint32Array.from(cellCores), cellEncoding: Uint8Array.from(cellEncs), cellProjection: Uint16Array.from(cellProjs), synProjection,
    neuronHopsEast, neuronHopsWest, neuronHopsNorth, neuronHopsSouth, neuronPacketsLocal, neuronPacketsInTile,
    routePtr, routeAxon, routeDestCore, routeDx, routeDy, encodingNames, maxDelayTicks,
  };
}

/**
 * The state reset between samples of a presentation schedule: v ← vInit, u ← 0, no pending input, not
 * refractory. Weights and adaptive thresholds θ are kept (they are what learning and homeostasis change).
 */
export function resetNeuronState(st: SimState): void {
  st.v.set(st.vInit);
  st.u.fill(0);
  st.acc.fill(0);
  st.refractoryLeft.fill(0);
}
