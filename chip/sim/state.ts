/**
 * buildSimState: turns (ChipSpec, ChipProgram) into flat struct-of-arrays state, sized once.
 *
 * Neurons of all cores are concatenated (core c owns [coreNeuronStart[c], coreNeuronStart[c+1])), as
 * are input axons and synapses, so the hot loops index plain typed arrays with integers. Each axon row
 * is cut into *segments*: runs of synapses with the same delay and projection. A spike arriving on an
 * axon schedules each of the row's segments on the timing wheel at t + delay; applying a segment is one
 * contiguous scan `acc[target[s]] += weight[s]`.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../spec/types.ts";
import type { ChipProgram } from "../program/types.ts";

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
  // Neuron state.
  readonly v: Float64Array;
  readonly u: Float64Array;
  /** Synaptic input accumulated for the current tick. */
  readonly acc: Float64Array;
  readonly refractoryLeft: Uint32Array;
  readonly coreOfNeuron: Uint32Array;
  readonly populationOfNeuron: Uint16Array;
  readonly indexInPopulation: Uint32Array;
  // Synapses (global), targets are global neuron indices.
  readonly synTarget: Uint32Array;
  readonly synWeight: Float64Array;
  /** Program core index and local synapse index of each global synapse (weight read-back). */
  readonly synCore: Uint32Array;
  // Segments.
  readonly axonSegStart: Uint32Array;
  readonly segSynStart: Uint32Array;
  readonly segSynEnd: Uint32Array;
  readonly segDelay: Uint16Array;
  readonly segCore: Uint32Array;
  readonly segEncoding: Uint8Array;
  readonly segProjection: Uint16Array;
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
  const synTarget = new Uint32Array(S);
  const synWeight = new Float64Array(S);
  const synCore = new Uint32Array(S);
  const encodingNames = [...new Set(program.projections.map((p) => p.encoding))].sort();
  const encOfProj = program.projections.map((p) => encodingNames.indexOf(p.encoding));
  // Segments: count first, then fill.
  let segCount = 0;
  program.cores.forEach((cp) => {
    const xb = cp.crossbar;
    for (let a = 0; a < xb.axonCount; a++) {
      for (let s = xb.axonRowPtr[a]; s < xb.axonRowPtr[a + 1]; s++) {
        if (s === xb.axonRowPtr[a] || xb.synDelayTicks[s] !== xb.synDelayTicks[s - 1] || xb.synProjection[s] !== xb.synProjection[s - 1]) segCount++;
      }
    }
  });
  const axonSegStart = new Uint32Array(A + 1);
  const segSynStart = new Uint32Array(segCount);
  const segSynEnd = new Uint32Array(segCount);
  const segDelay = new Uint16Array(segCount);
  const segCore = new Uint32Array(segCount);
  const segEncoding = new Uint8Array(segCount);
  const segProjection = new Uint16Array(segCount);
  let seg = 0;
  let maxDelayTicks = 1;
  program.cores.forEach((cp, c) => {
    const n0 = coreNeuronStart[c];
    const p = cp.neurons;
    kind.set(p.kind, n0); spiking.set(p.spiking, n0); voltageDecay.set(p.voltageDecay, n0); currentDecay.set(p.currentDecay, n0);
    inputGain.set(p.inputGain, n0); bias.set(p.bias, n0); vThreshold.set(p.vThreshold, n0); vReset.set(p.vReset, n0);
    vInit.set(p.vInit, n0); resetMode.set(p.resetMode, n0); thresholdOp.set(p.thresholdOp, n0); refractoryTicks.set(p.refractoryTicks, n0);
    coreOfNeuron.fill(c, n0, n0 + cp.neuronCount);
    const xb = cp.crossbar;
    const s0 = coreSynStart[c];
    for (let s = 0; s < xb.synTarget.length; s++) {
      if (xb.synTarget[s] >= cp.neuronCount) throw new AerchipError("E_PROGRAM_INVALID", `core ${cp.coreId} synapse ${s} targets neuron ${xb.synTarget[s]} of ${cp.neuronCount}`, { field: `cores[${c}].crossbar.synTarget`, hint: "the program is corrupt; recompile it" });
      synTarget[s0 + s] = n0 + xb.synTarget[s];
      synWeight[s0 + s] = xb.synWeight[s];
      synCore[s0 + s] = c;
    }
    const a0 = coreAxonStart[c];
    for (let a = 0; a < xb.axonCount; a++) {
      axonSegStart[a0 + a] = seg;
      for (let s = xb.axonRowPtr[a]; s < xb.axonRowPtr[a + 1]; s++) {
        const d = xb.synDelayTicks[s];
        if (d < 1) throw new AerchipError("E_PROGRAM_INVALID", `core ${cp.coreId} synapse ${s} has delay ${d}`, { field: `cores[${c}].crossbar.synDelayTicks`, hint: "delays are >= 1 tick" });
        if (s === xb.axonRowPtr[a] || d !== xb.synDelayTicks[s - 1] || xb.synProjection[s] !== xb.synProjection[s - 1]) {
          if (seg > axonSegStart[a0 + a]) segSynEnd[seg - 1] = s0 + s;
          segSynStart[seg] = s0 + s;
          segDelay[seg] = d;
          segCore[seg] = c;
          segProjection[seg] = xb.synProjection[s];
          segEncoding[seg] = encOfProj[xb.synProjection[s]];
          if (d > maxDelayTicks) maxDelayTicks = d;
          seg++;
        }
      }
      if (seg > axonSegStart[a0 + a]) segSynEnd[seg - 1] = s0 + xb.axonRowPtr[a + 1];
    }
  });
  axonSegStart[A] = seg;
  // Routing.
  const routePtr = new Uint32Array(N + 1);
  program.cores.forEach((cp, c) => {
    const n0 = coreNeuronStart[c];
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
  // Population membership.
  const populationOfNeuron = new Uint16Array(N);
  const indexInPopulation = new Uint32Array(N);
  program.populations.forEach((pop, pi) => {
    for (const b of pop.blocks) {
      const n0 = coreNeuronStart[b.coreIndex] + b.neuronStart;
      for (let i = 0; i < b.count; i++) {
        populationOfNeuron[n0 + i] = pi;
        indexInPopulation[n0 + i] = b.populationStart + i;
      }
    }
  });
  return {
    coreCount: C, neuronCount: N, coreNeuronStart, coreId, coreTileX, coreTileY,
    kind, spiking, voltageDecay, currentDecay, inputGain, bias, vThreshold, vReset, vInit, resetMode, thresholdOp, refractoryTicks,
    v: Float64Array.from(vInit), u: new Float64Array(N), acc: new Float64Array(N), refractoryLeft: new Uint32Array(N),
    coreOfNeuron, populationOfNeuron, indexInPopulation, synTarget, synWeight, synCore,
    axonSegStart, segSynStart, segSynEnd, segDelay, segCore, segEncoding, segProjection,
    routePtr, routeAxon, routeDestCore, routeDx, routeDy, encodingNames, maxDelayTicks,
  };
}
