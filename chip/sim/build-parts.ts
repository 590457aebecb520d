/**
 * The parts of buildSimState (state.ts) that do not depend on the synapse layout: the core table,
 * neuron parameters, validation of the crossbars, the routes, each neuron's traffic per spike and
 * population membership. One small function per pass (V8 optimises small functions with complete type
 * feedback, where one large function with many loops runs long stretches in unoptimised code).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../spec/types.ts";
import { NeuronDynamics, NeuronKind, ResetMode, populationIndexAt, type ChipProgram, type CoreProgram } from "../program/types.ts";
import { narrowCopy, type ArrayAllocator } from "./alloc.ts";
import type { SimState } from "./state.ts";

export function invalid(message: string, field: string, hint = "the program is corrupt; recompile it"): AerchipError {
  return new AerchipError("E_PROGRAM_INVALID", message, { field, hint });
}

export interface CoreTable {
  readonly C: number;
  /** Synapses of the program. */
  readonly S: number;
  readonly coreNeuronStart: Uint32Array;
  readonly coreAxonStart: Uint32Array;
  readonly coreId: Uint32Array;
  readonly coreTileX: Uint16Array;
  readonly coreTileY: Uint16Array;
}

export function coreTable(spec: ChipSpec, program: ChipProgram, alloc: ArrayAllocator): CoreTable {
  const C = program.cores.length;
  const coreNeuronStart = alloc.u32(C + 1);
  const coreAxonStart = alloc.u32(C + 1);
  const coreId = alloc.u32(C);
  const coreTileX = alloc.u16(C);
  const coreTileY = alloc.u16(C);
  let S = 0;
  for (let c = 0; c < C; c++) {
    const cp = program.cores[c];
    coreNeuronStart[c + 1] = coreNeuronStart[c] + cp.neuronCount;
    coreAxonStart[c + 1] = coreAxonStart[c] + cp.crossbar.axonCount;
    S += cp.crossbar.synTarget.length;
    coreId[c] = cp.coreId;
    const tile = Math.floor(cp.coreId / spec.mesh.coresPerTile);
    coreTileX[c] = tile % spec.mesh.widthTiles;
    coreTileY[c] = Math.floor(tile / spec.mesh.widthTiles);
  }
  return { C, S, coreNeuronStart, coreAxonStart, coreId, coreTileX, coreTileY };
}

export type NeuronParams = Pick<SimState, "kind" | "spiking" | "voltageDecay" | "currentDecay" | "inputGain" | "bias" | "vThreshold" | "vReset" | "vInit" | "resetMode"
  | "thresholdOp" | "refractoryTicks" | "coreOfNeuron" | "dynamics" | "vTruncScale" | "vReverseThreshold" | "reverseResetMode" | "vReverseReset" | "forceUpdate"
  | "thetaPlus" | "thetaDecay" | "thetaDrift" | "thetaMin" | "thetaMax" | "thetaInit">;

export function copyNeuronParams(program: ChipProgram, coreNeuronStart: Uint32Array, N: number, alloc: ArrayAllocator): NeuronParams {
  const cores = program.cores;
  const anyDynamics = cores.some((cp) => cp.neurons.dynamics !== undefined);
  // Reverse-threshold fields serve SANA-FE somas and compartment neurons' membrane lower bound (vMin).
  const anyReverse = anyDynamics || cores.some((cp) => cp.neurons.vReverseThreshold !== undefined || cp.neurons.reverseResetMode !== undefined);
  const anyTheta = cores.some((cp) => cp.neurons.thetaPlus !== undefined);
  const anyThetaBounds = cores.some((cp) => cp.neurons.thetaDrift !== undefined);
  // Allocated only for programs with a learned starting θ, so other states keep their memory layout.
  const anyThetaInit = anyTheta && cores.some((cp) => cp.neurons.thetaInit !== undefined);
  const out = {
    kind: alloc.u8(N), spiking: alloc.u8(N), voltageDecay: alloc.f64(N), currentDecay: alloc.f64(N), inputGain: alloc.f64(N), bias: alloc.f64(N),
    vThreshold: alloc.f64(N), vReset: alloc.f64(N), vInit: alloc.f64(N), resetMode: alloc.u8(N), thresholdOp: alloc.u8(N), refractoryTicks: alloc.u32(N),
    coreOfNeuron: alloc.u32(N),
    dynamics: anyDynamics ? alloc.u8(N) : undefined,
    vTruncScale: anyDynamics ? alloc.f64(N) : undefined,
    vReverseThreshold: anyReverse ? alloc.f64(N).fill(-Infinity) : undefined,
    reverseResetMode: anyReverse ? alloc.u8(N).fill(ResetMode.none) : undefined,
    vReverseReset: anyReverse ? alloc.f64(N) : undefined,
    forceUpdate: anyDynamics ? alloc.u8(N) : undefined,
    thetaPlus: anyTheta ? alloc.f64(N) : undefined,
    thetaDecay: anyTheta ? alloc.f64(N).fill(1) : undefined,
    thetaDrift: anyThetaBounds ? alloc.f64(N) : undefined,
    thetaMin: anyThetaBounds ? alloc.f64(N).fill(-Infinity) : undefined,
    thetaMax: anyThetaBounds ? alloc.f64(N).fill(Infinity) : undefined,
    thetaInit: anyThetaInit ? alloc.f64(N) : undefined,
  };
  cores.forEach((cp, c) => {
    const n0 = coreNeuronStart[c];
    const p = cp.neurons;
    out.kind.set(p.kind, n0); out.spiking.set(p.spiking, n0); out.voltageDecay.set(p.voltageDecay, n0); out.currentDecay.set(p.currentDecay, n0);
    out.inputGain.set(p.inputGain, n0); out.bias.set(p.bias, n0); out.vThreshold.set(p.vThreshold, n0); out.vReset.set(p.vReset, n0);
    out.vInit.set(p.vInit, n0); out.resetMode.set(p.resetMode, n0); out.thresholdOp.set(p.thresholdOp, n0); out.refractoryTicks.set(p.refractoryTicks, n0);
    out.coreOfNeuron.fill(c, n0, n0 + cp.neuronCount);
    if (p.dynamics !== undefined) out.dynamics?.set(p.dynamics, n0);
    if (p.vTruncScale !== undefined) out.vTruncScale?.set(p.vTruncScale, n0);
    if (p.vReverseThreshold !== undefined) out.vReverseThreshold?.set(p.vReverseThreshold, n0);
    if (p.reverseResetMode !== undefined) out.reverseResetMode?.set(p.reverseResetMode, n0);
    if (p.vReverseReset !== undefined) out.vReverseReset?.set(p.vReverseReset, n0);
    if (p.forceUpdate !== undefined) out.forceUpdate?.set(p.forceUpdate, n0);
    if (p.thetaPlus !== undefined) out.thetaPlus?.set(p.thetaPlus, n0);
    if (p.thetaDecay !== undefined) out.thetaDecay?.set(p.thetaDecay, n0);
    if (p.thetaDrift !== undefined) out.thetaDrift?.set(p.thetaDrift, n0);
    if (p.thetaMin !== undefined) out.thetaMin?.set(p.thetaMin, n0);
    if (p.thetaMax !== undefined) out.thetaMax?.set(p.thetaMax, n0);
    if (p.thetaInit !== undefined) out.thetaInit?.set(p.thetaInit, n0);
    if (p.reverseResetMode !== undefined) checkCompartmentReverse(p, c);
  });
  return out;
}

/**
 * A compartment neuron (not sanafeLif) reads one reverse reset mode: `saturate`, its membrane lower bound
 * (v ← max(v, vReverseThreshold), update.ts updateGeneric); `none` = unbounded. SANA-FE's other reverse
 * resets (zero, subtract) are refused there rather than ignored.
 */
function checkCompartmentReverse(p: CoreProgram["neurons"], c: number): void {
  const rr = p.reverseResetMode!;
  for (let i = 0; i < rr.length; i++) {
    if (rr[i] === ResetMode.none || rr[i] === ResetMode.saturate) continue;
    if (p.kind[i] !== NeuronKind.compartment || p.dynamics?.[i] === NeuronDynamics.sanafeLif) continue;
    throw invalid(`core ${c} neuron ${i} is a compartment neuron with reverse reset mode ${rr[i]}; compartment neurons take only saturate (a membrane lower bound vMin) or none`,
      `cores[${c}].neurons.reverseResetMode[${i}]`, "give the neuron sanafeLif dynamics, or reverseResetMode saturate (3) for a lower bound");
  }
}

export interface Routing {
  readonly routePtr: Uint32Array;
  readonly routeAxon: Uint32Array;
  readonly routeDestCore: Uint16Array | Uint32Array;
}

/** Routes per global neuron (destination core index, global destination axon), validated. */
export function buildRouting(program: ChipProgram, coreNeuronStart: Uint32Array, coreAxonStart: Uint32Array, N: number, alloc: ArrayAllocator): Routing {
  const cores = program.cores;
  const routePtr = alloc.u32(N + 1);
  cores.forEach((cp, c) => {
    const n0 = coreNeuronStart[c];
    const rp = cp.routing.routePtr;
    if (rp.length !== cp.neuronCount + 1) throw invalid(`core ${cp.coreId} routing table has ${rp.length - 1} neurons, the core ${cp.neuronCount}`, `cores[${c}].routing.routePtr`);
    for (let i = 0; i < cp.neuronCount; i++) routePtr[n0 + i + 1] = rp[i + 1] - rp[i];
  });
  for (let n = 0; n < N; n++) routePtr[n + 1] += routePtr[n];
  const R = routePtr[N];
  const routeAxon = alloc.u32(R);
  const routeDestCore = cores.length <= 0x10000 ? alloc.u16(R) : alloc.u32(R);
  const coreIndexOf = coreIndexLookup(program);
  const axonCount = Uint32Array.from(cores, (cp) => cp.crossbar.axonCount);
  cores.forEach((cp, c) => {
    const { routePtr: rp, routeDestCore: dest, routeDestAxon: axon } = cp.routing;
    const n0 = coreNeuronStart[c];
    let at = routePtr[n0];
    for (let r = 0; r < rp[cp.neuronCount]; r++, at++) {
      const dc = coreIndexOf(dest[r]);
      if (dc < 0) throw invalid(`core ${cp.coreId} routes to core ${dest[r]}, which the program does not define`, `cores[${c}].routing`);
      if (axon[r] >= axonCount[dc]) throw invalid(`core ${cp.coreId} routes to axon ${axon[r]} of core ${dest[r]}, which has ${axonCount[dc]}`, `cores[${c}].routing`);
      routeAxon[at] = coreAxonStart[dc] + axon[r];
      routeDestCore[at] = dc;
    }
  });
  return { routePtr, routeAxon, routeDestCore };
}

export type Traffic = Pick<SimState, "neuronHopsEast" | "neuronHopsWest" | "neuronHopsNorth" | "neuronHopsSouth" | "neuronPacketsLocal" | "neuronPacketsInTile">;

/** Per-neuron traffic of one spike: hops per direction, core-local and in-tile packets. */
export function neuronTraffic(rt: Routing, cl: CoreTable, coreOfNeuron: Uint32Array, N: number, alloc: ArrayAllocator): Traffic {
  const { routePtr, routeDestCore } = rt;
  const { coreTileX, coreTileY } = cl;
  const neuronHopsEast = new Uint32Array(N);
  const neuronHopsWest = new Uint32Array(N);
  const neuronHopsNorth = new Uint32Array(N);
  const neuronHopsSouth = new Uint32Array(N);
  const neuronPacketsLocal = new Uint32Array(N);
  const neuronPacketsInTile = new Uint32Array(N);
  for (let n = 0; n < N; n++) {
    const c = coreOfNeuron[n];
    let e = 0, w = 0, no = 0, so = 0, local = 0, inTile = 0;
    for (let r = routePtr[n]; r < routePtr[n + 1]; r++) {
      const dc = routeDestCore[r];
      const dx = coreTileX[dc] - coreTileX[c];
      const dy = coreTileY[dc] - coreTileY[c];
      if (dx > 0) e += dx; else w -= dx;
      if (dy > 0) no += dy; else so -= dy;
      if (dc === c) local++;
      else if (dx === 0 && dy === 0) inTile++;
    }
    neuronHopsEast[n] = e; neuronHopsWest[n] = w; neuronHopsNorth[n] = no; neuronHopsSouth[n] = so;
    neuronPacketsLocal[n] = local; neuronPacketsInTile[n] = inTile;
  }
  return {
    neuronHopsEast: narrowCopy(alloc, neuronHopsEast), neuronHopsWest: narrowCopy(alloc, neuronHopsWest), neuronHopsNorth: narrowCopy(alloc, neuronHopsNorth),
    neuronHopsSouth: narrowCopy(alloc, neuronHopsSouth), neuronPacketsLocal: narrowCopy(alloc, neuronPacketsLocal), neuronPacketsInTile: narrowCopy(alloc, neuronPacketsInTile),
  };
}

export function populationMembership(program: ChipProgram, coreNeuronStart: Uint32Array, N: number, alloc: ArrayAllocator): Pick<SimState, "populationOfNeuron" | "indexInPopulation"> {
  const populationOfNeuron = alloc.u16(N);
  const indexInPopulation = alloc.u32(N);
  program.populations.forEach((pop, pi) => {
    for (const b of pop.blocks) {
      const n0 = coreNeuronStart[b.coreIndex] + b.neuronStart;
      for (let i = 0; i < b.count; i++) {
        populationOfNeuron[n0 + i] = pi;
        indexInPopulation[n0 + i] = populationIndexAt(pop, b.populationStart + i);
      }
    }
  });
  return { populationOfNeuron, indexInPopulation };
}

/** Checks every synapse (target, delay ≥ 1, projection, rows sorted by delay); returns the largest delay (≥ 1). */
export function validateCrossbars(program: ChipProgram): number {
  const P = program.projections.length;
  let maxDelay = 1;
  program.cores.forEach((cp: CoreProgram, c) => {
    const xb = cp.crossbar;
    const S = xb.synTarget.length;
    if (xb.axonRowPtr.length !== xb.axonCount + 1 || xb.axonRowPtr[xb.axonCount] !== S) {
      throw invalid(`core ${cp.coreId} crossbar row pointers do not cover its ${S} synapses`, `cores[${c}].crossbar.axonRowPtr`);
    }
    if (xb.synWeight.length !== S || xb.synDelayTicks.length !== S || xb.synProjection.length !== S || xb.synIndex.length !== S) {
      throw invalid(`core ${cp.coreId} crossbar arrays differ in length (${S} targets)`, `cores[${c}].crossbar`);
    }
    const { synTarget, synDelayTicks, synProjection, axonRowPtr } = xb;
    const n = cp.neuronCount;
    for (let s = 0; s < S; s++) {
      if (synTarget[s] >= n) throw invalid(`core ${cp.coreId} synapse ${s} targets neuron ${synTarget[s]} of ${n}`, `cores[${c}].crossbar.synTarget`);
      const d = synDelayTicks[s];
      if (d < 1) throw invalid(`core ${cp.coreId} synapse ${s} has delay ${d}`, `cores[${c}].crossbar.synDelayTicks`, "delays are >= 1 tick");
      if (d > maxDelay) maxDelay = d;
      if (synProjection[s] >= P) throw invalid(`core ${cp.coreId} synapse ${s} names projection ${synProjection[s]}; the program has ${P}`, `cores[${c}].crossbar.synProjection`);
    }
    for (let a = 0; a < xb.axonCount; a++) {
      for (let s = axonRowPtr[a] + 1; s < axonRowPtr[a + 1]; s++) {
        if (synDelayTicks[s] < synDelayTicks[s - 1]) throw invalid(`core ${cp.coreId} axon row ${a} is not sorted by delay (synapse ${s})`, `cores[${c}].crossbar.synDelayTicks`, "rows are sorted by (delay, projection, target); recompile the program");
      }
    }
  });
  return maxDelay;
}

/** Program core index of a global core id (−1 if absent). */
export function coreIndexLookup(program: ChipProgram): (id: number) => number {
  let maxId = 0;
  for (const cp of program.cores) if (cp.coreId > maxId) maxId = cp.coreId;
  if (maxId < 1 << 24) {
    const table = new Int32Array(maxId + 1).fill(-1);
    program.cores.forEach((cp, c) => { table[cp.coreId] = c; });
    return (id) => (id <= maxId ? table[id] : -1);
  }
  const map = new Map(program.cores.map((cp, c) => [cp.coreId, c] as const));
  return (id) => map.get(id) ?? -1;
}
