/**
 * The source-major order of a program's synapses (state.ts): for each neuron, its routes' rows grouped by
 * delay, a group per delay in ascending order, the rows inside a group in route order (or, when no neuron
 * reaches a core by two routes, in axon order: no two rows of a group can then share a target, so no
 * sum changes), each row in its own order.
 *
 * Two builders. planByAxon/scatterByAxon (compact layouts, maxDelay ≤ 32, routes to distinct cores):
 * sequential passes over the crossbars, a per-neuron delay bit mask giving each synapse its group in
 * O(1). summariseAxons/planGroups/scatter* (otherwise, and for plastic programs): delay runs of every row,
 * scattered into route order (random writes, not reads), then per neuron in route order.
 */
import type { AerchipError } from "../../core/diagnostics.ts";
import type { ChipProgram, CoreProgram } from "../program/types.ts";
import type { ArrayAllocator } from "./alloc.ts";
import { invalid, type CoreTable, type Routing } from "./build-parts.ts";
import type { SynapseStore } from "./state.ts";

export interface GroupPlan {
  readonly neuronGroupStart: Uint32Array;
  readonly groupDelay: Uint16Array;
  readonly groupSynStart: Uint32Array;
  /** Smallest global target of each neuron (0 without synapses) and max − min (−1: no synapse). */
  readonly neuronLo: Int32Array;
  readonly neuronSpan: Float64Array;
  /** Source-major position of the first synapse of every axon delay run. */
  readonly runDest: Uint32Array;
  /** Synapses of neurons whose targets span more than 65,536 neurons. */
  readonly sideSynapses: number;
}

/**
 * Pass 2, per neuron in route order, over the route records only: the neuron's synapses are its rows in
 * route order, stably sorted by delay; run q of delay d lands at the start of d's group plus the synapses
 * of delay d in the runs before it. Every synapse must be reached once.
 */
export function planGroups(rt: Routing, axons: AxonRuns, cl: CoreTable, N: number, maxDelayTicks: number): GroupPlan {
  const { routePtr } = rt;
  const { runs, routeRec, neuronMin, neuronMax } = axons;
  const nRuns = runs.length >> 1;
  const neuronGroupStart = new Uint32Array(N + 1);
  const neuronSpan = new Float64Array(N);
  const runDest = new Uint32Array(nRuns);
  const groupDelayTmp = new Uint16Array(nRuns);
  const groupSynStartTmp = new Uint32Array(nRuns);
  const delayStamp = new Int32Array(maxDelayTicks + 1).fill(-1);
  const delayCount = new Float64Array(maxDelayTicks + 1);
  const delayPos = new Float64Array(maxDelayTicks + 1);
  const present = new Uint16Array(maxDelayTicks + 1);
  let G = 0;
  let at = 0;
  let sideSynapses = 0;
  for (let n = 0; n < N; n++) {
    neuronGroupStart[n] = G;
    let nd = 0;
    const r0 = routePtr[n];
    const r1 = routePtr[n + 1];
    for (let r = r0; r < r1; r++) {
      const o = r * RR;
      const q0 = routeRec[o + RR_RUN0];
      const q1 = routeRec[o + RR_RUN1];
      for (let q = q0; q < q1; q++) {
        const d = q === q0 ? routeRec[o + RR_DELAY0] : runs[2 * q];
        const l = q === q0 ? routeRec[o + RR_LEN0] : runs[2 * q + 1];
        if (delayStamp[d] !== n) { delayStamp[d] = n; delayCount[d] = 0; present[nd++] = d; }
        delayCount[d] += l;
      }
    }
    for (let i = 1; i < nd; i++) {
      const d = present[i];
      let j = i - 1;
      while (j >= 0 && present[j] > d) { present[j + 1] = present[j]; j--; }
      present[j + 1] = d;
    }
    const start = at;
    for (let i = 0; i < nd; i++, G++) {
      const d = present[i];
      groupDelayTmp[G] = d;
      groupSynStartTmp[G] = at;
      delayPos[d] = at;
      at += delayCount[d];
    }
    for (let r = r0; r < r1; r++) {
      const o = r * RR;
      const q0 = routeRec[o + RR_RUN0];
      const q1 = routeRec[o + RR_RUN1];
      for (let q = q0; q < q1; q++) {
        const d = q === q0 ? routeRec[o + RR_DELAY0] : runs[2 * q];
        const l = q === q0 ? routeRec[o + RR_LEN0] : runs[2 * q + 1];
        runDest[q] = delayPos[d];
        delayPos[d] += l;
      }
    }
    const lo = neuronMin[n];
    const hi = neuronMax[n];
    neuronSpan[n] = hi < 0 ? -1 : hi - lo;
    if (hi - lo > 65535) sideSynapses += at - start;
  }
  neuronGroupStart[N] = G;
  if (at !== cl.S) throw invalid(`${cl.S - at} synapses are on axons no neuron routes to`, "cores[].crossbar");
  const groupDelay = groupDelayTmp.slice(0, G);
  const groupSynStart = new Uint32Array(G + 1);
  groupSynStart.set(groupSynStartTmp.subarray(0, G));
  groupSynStart[G] = at;
  return { neuronGroupStart, groupDelay, groupSynStart, neuronLo: neuronMin, neuronSpan, runDest, sideSynapses };
}

/** True when no neuron has two routes to one destination core. */
export function routesReachDistinctCores(rt: Routing, N: number, C: number): boolean {
  const stamp = new Int32Array(C).fill(-1);
  const { routePtr, routeDestCore } = rt;
  for (let n = 0; n < N; n++) {
    for (let r = routePtr[n]; r < routePtr[n + 1]; r++) {
      const dc = routeDestCore[r];
      if (stamp[dc] === n) return false;
      stamp[dc] = n;
    }
  }
  return true;
}

export interface AxonPlan extends GroupPlan {
  /** Source neuron and route of each global axon (−1: not routed). */
  readonly axonSource: Int32Array;
  readonly routeOfAxon: Int32Array;
  readonly routeSynapses: Uint32Array;
  /** Bit d−1 set when neuron n has a synapse of delay d. */
  readonly delayMask: Uint32Array;
  /** Next free place in each group (advanced while scattering). */
  readonly groupCursor: Uint32Array;
}

/** Group of neuron n's synapses of delay d: the rank of bit d−1 among the neuron's delays. */
export function groupOf(neuronGroupStart: Uint32Array, delayMask: Uint32Array, n: number, d: number): number {
  return neuronGroupStart[n] + popcount32(delayMask[n] & ((1 << (d - 1)) - 1));
}

/**
 * Pass 2 in axon order (maxDelay ≤ 32, routes to distinct cores): each neuron's delays as a bit mask
 * and target range, then the groups (one per set bit) and their sizes, all from sequential passes over
 * the crossbars; per-axon lookups go to small per-neuron and per-group arrays.
 */
export function planByAxon(program: ChipProgram, cl: CoreTable, rt: Routing, N: number): AxonPlan {
  const { routeAxon, routeDestCore, routePtr } = rt;
  const A = cl.coreAxonStart[cl.C];
  const R = routeAxon.length;
  const axonSource = new Int32Array(A).fill(-1);
  const routeOfAxon = new Int32Array(A).fill(-1);
  for (let n = 0; n < N; n++) {
    for (let r = routePtr[n]; r < routePtr[n + 1]; r++) {
      axonSource[routeAxon[r]] = n;
      routeOfAxon[routeAxon[r]] = r;
    }
  }
  let routed = 0;
  for (let a = 0; a < A; a++) if (routeOfAxon[a] >= 0) routed++;
  if (routed !== R) {
    const seen = new Uint8Array(A);
    for (let r = 0; r < R; r++) {
      if (seen[routeAxon[r]] === 1) throw routedTwice(cl, routeDestCore[r], routeAxon[r]);
      seen[routeAxon[r]] = 1;
    }
  }
  const delayMask = new Uint32Array(N);
  const neuronMin = new Int32Array(N);
  const neuronMax = new Int32Array(N).fill(-1);
  const routeSynapses = new Uint32Array(R);
  let reached = 0;
  for (let c = 0; c < cl.C; c++) reached += maskCore(program.cores[c], cl.coreNeuronStart[c], cl.coreAxonStart[c], axonSource, routeOfAxon, routeSynapses, delayMask, neuronMin, neuronMax);
  if (reached !== cl.S) throw invalid(`${cl.S - reached} synapses are on axons no neuron routes to`, "cores[].crossbar");
  const neuronGroupStart = new Uint32Array(N + 1);
  for (let n = 0; n < N; n++) neuronGroupStart[n + 1] = neuronGroupStart[n] + popcount32(delayMask[n]);
  const G = neuronGroupStart[N];
  const groupDelay = new Uint16Array(G);
  for (let n = 0; n < N; n++) {
    let g = neuronGroupStart[n];
    for (let m = delayMask[n]; m !== 0; m &= m - 1) groupDelay[g++] = 32 - Math.clz32(m & -m);
  }
  const groupSynStart = new Uint32Array(G + 1);
  for (let c = 0; c < cl.C; c++) countCore(program.cores[c], cl.coreAxonStart[c], axonSource, neuronGroupStart, delayMask, groupSynStart);
  for (let g = 0; g < G; g++) groupSynStart[g + 1] += groupSynStart[g];
  const groupCursor = groupSynStart.slice(0, G);
  const neuronSpan = new Float64Array(N);
  let sideSynapses = 0;
  for (let n = 0; n < N; n++) {
    neuronSpan[n] = neuronMax[n] < 0 ? -1 : neuronMax[n] - neuronMin[n];
    if (neuronSpan[n] > 65535) sideSynapses += groupSynStart[neuronGroupStart[n + 1]] - groupSynStart[neuronGroupStart[n]];
  }
  return {
    neuronGroupStart, groupDelay, groupSynStart, neuronLo: neuronMin, neuronSpan, runDest: new Uint32Array(0), sideSynapses,
    axonSource, routeOfAxon, routeSynapses, delayMask, groupCursor,
  };
}

/** One core of planByAxon's first pass; returns the synapses on routed axons. */
export function maskCore(
  cp: CoreProgram, n0: number, a0: number, axonSource: Int32Array, routeOfAxon: Int32Array, routeSynapses: Uint32Array,
  delayMask: Uint32Array, neuronMin: Int32Array, neuronMax: Int32Array,
): number {
  const { axonRowPtr, synTarget, synDelayTicks } = cp.crossbar;
  let reached = 0;
  for (let a = 0; a < cp.crossbar.axonCount; a++) {
    const n = axonSource[a0 + a];
    const k0 = axonRowPtr[a];
    const k1 = axonRowPtr[a + 1];
    if (n < 0 || k1 === k0) continue;
    routeSynapses[routeOfAxon[a0 + a]] = k1 - k0;
    reached += k1 - k0;
    let mask = delayMask[n];
    let lo = neuronMax[n] < 0 ? Infinity : neuronMin[n];
    let hi = neuronMax[n];
    for (let k = k0; k < k1; k++) {
      mask |= 1 << (synDelayTicks[k] - 1);
      const t = n0 + synTarget[k];
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    delayMask[n] = mask;
    neuronMin[n] = lo;
    neuronMax[n] = hi;
  }
  return reached;
}

/** One core of planByAxon's second pass: synapses per group (counted into groupCount[g + 1]). */
export function countCore(cp: CoreProgram, a0: number, axonSource: Int32Array, neuronGroupStart: Uint32Array, delayMask: Uint32Array, groupCount: Uint32Array): void {
  const { axonRowPtr, synDelayTicks } = cp.crossbar;
  for (let a = 0; a < cp.crossbar.axonCount; a++) {
    const n = axonSource[a0 + a];
    if (n < 0) continue;
    let lastDelay = -1;
    let g = 0;
    for (let k = axonRowPtr[a]; k < axonRowPtr[a + 1]; k++) {
      const d = synDelayTicks[k];
      if (d !== lastDelay) { g = groupOf(neuronGroupStart, delayMask, n, d) + 1; lastDelay = d; }
      groupCount[g]++;
    }
  }
}

/** Pass 3 in axon order: every synapse to the next free place of its group (compact layouts). */
export function scatterByAxon(program: ChipProgram, cl: CoreTable, plan: AxonPlan, store: Omit<SynapseStore, "groupDense">, codes: ReadonlyArray<Uint8Array | Uint16Array> | undefined): void {
  for (let c = 0; c < cl.C; c++) scatterCoreByAxon(program.cores[c], cl.coreNeuronStart[c], cl.coreAxonStart[c], plan, store, codes === undefined ? undefined : codes[c]);
}

export function scatterCoreByAxon(cp: CoreProgram, n0: number, a0: number, plan: AxonPlan, store: Omit<SynapseStore, "groupDense">, cd: Uint8Array | Uint16Array | undefined): void {
  const { axonSource, neuronGroupStart, delayMask, groupCursor } = plan;
  const { offset, target, projection, neuronBase } = store;
  const ws = store.weights;
  const code = ws.kind === "palette" ? ws.code : undefined;
  const direct = ws.kind === "palette" ? undefined : ws.w;
  const flat = store.kind === "flat32";
  const { axonRowPtr, synTarget: tg, synWeight: wt, synProjection: pj, synDelayTicks } = cp.crossbar;
  for (let a = 0; a < cp.crossbar.axonCount; a++) {
    const n = axonSource[a0 + a];
    if (n < 0) continue;
    const base = flat ? 0 : neuronBase[n];
    let lastDelay = -1;
    let g = 0;
    for (let k = axonRowPtr[a]; k < axonRowPtr[a + 1]; k++) {
      const d = synDelayTicks[k];
      if (d !== lastDelay) { g = groupOf(neuronGroupStart, delayMask, n, d); lastDelay = d; }
      const s = groupCursor[g]++;
      const t = n0 + tg[k];
      if (flat) target[s] = t;
      else if (base < 0) target[s + 1 + base] = t;
      else offset[s] = t - base;
      if (code !== undefined) code[s] = cd![k];
      else direct![s] = wt[k];
      if (projection !== undefined) projection[s] = pj[k];
    }
  }
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function routedTwice(cl: CoreTable, dc: number, ga: number): AerchipError {
  return invalid(`axon ${ga - cl.coreAxonStart[dc]} of core ${cl.coreId[dc]} is the destination of more than one route`, `cores[${dc}].crossbar`, "each input axon belongs to one source neuron; recompile the program");
}

/** offset16: per neuron its target base, or (targets spanning more than 65,536) −1 − shift, side index = s − shift. */
export function neuronBases(groups: GroupPlan, N: number, alloc: ArrayAllocator): Int32Array {
  const { groupSynStart, neuronGroupStart, neuronSpan, neuronLo } = groups;
  const base = alloc.i32(N);
  let sideAt = 0;
  for (let n = 0; n < N; n++) {
    const first = groupSynStart[neuronGroupStart[n]];
    const count = groupSynStart[neuronGroupStart[n + 1]] - first;
    if (neuronSpan[n] > 65535) {
      base[n] = -1 - (first - sideAt);
      sideAt += count;
    } else base[n] = neuronLo[n];
  }
  return base;
}

export interface WideArrays {
  readonly synTarget: Uint32Array;
  readonly synWeight: Float64Array;
  readonly synCore: Uint32Array;
  readonly synLocal: Uint32Array;
  readonly synProjection: Uint16Array;
}

/** Pass 3 (wide layout), per core sequentially over its crossbar: every synapse to its source-major place. */
export function scatterWide(program: ChipProgram, cl: CoreTable, axons: AxonRuns, groups: GroupPlan, w: WideArrays): void {
  const { runs, axonRunStart, axonSource } = axons;
  const { runDest } = groups;
  const { synTarget, synWeight, synCore, synLocal, synProjection } = w;
  for (let c = 0; c < cl.C; c++) {
    const xb = program.cores[c].crossbar;
    const { axonRowPtr, synTarget: tg, synWeight: wt, synProjection: pj } = xb;
    const n0 = cl.coreNeuronStart[c];
    const a0 = cl.coreAxonStart[c];
    for (let a = 0; a < xb.axonCount; a++) {
      const ga = a0 + a;
      if (axonSource[ga] < 0) continue;
      let k = axonRowPtr[a];
      for (let q = axonRunStart[ga]; q < axonRunStart[ga + 1]; q++) {
        const end = runDest[q] + runs[2 * q + 1];
        for (let s = runDest[q]; s < end; s++, k++) {
          synTarget[s] = n0 + tg[k];
          synWeight[s] = wt[k];
          synCore[s] = c;
          synLocal[s] = k;
          synProjection[s] = pj[k];
        }
      }
    }
  }
}

/** Pass 3 (compact layouts), per core sequentially over its crossbar: every synapse to its source-major place. */
export function scatterCompact(program: ChipProgram, cl: CoreTable, axons: AxonRuns, groups: GroupPlan, store: Omit<SynapseStore, "groupDense">, codes: ReadonlyArray<Uint8Array | Uint16Array> | undefined): void {
  const { runs, axonRunStart, axonSource } = axons;
  const { runDest } = groups;
  const { offset, target, projection, neuronBase } = store;
  const ws = store.weights;
  const code = ws.kind === "palette" ? ws.code : undefined;
  const direct = ws.kind === "palette" ? undefined : ws.w;
  const flat = store.kind === "flat32";
  for (let c = 0; c < cl.C; c++) {
    const xb = program.cores[c].crossbar;
    const { axonRowPtr, synTarget: tg, synWeight: wt, synProjection: pj } = xb;
    const cd = codes === undefined ? undefined : codes[c];
    const n0 = cl.coreNeuronStart[c];
    const a0 = cl.coreAxonStart[c];
    for (let a = 0; a < xb.axonCount; a++) {
      const ga = a0 + a;
      const src = axonSource[ga];
      if (src < 0) continue;
      const base = flat ? 0 : neuronBase[src];
      let k = axonRowPtr[a];
      for (let q = axonRunStart[ga]; q < axonRunStart[ga + 1]; q++) {
        const end = runDest[q] + runs[2 * q + 1];
        for (let s = runDest[q]; s < end; s++, k++) {
          const t = n0 + tg[k];
          if (flat) target[s] = t;
          else if (base < 0) target[s + 1 + base] = t;
          else offset[s] = t - base;
          if (code !== undefined) code[s] = cd![k];
          else direct![s] = wt[k];
          if (projection !== undefined) projection[s] = pj[k];
        }
      }
    }
  }
}

/**
 * Route-ordered records (RR ints per route): [first run, end run, delay and length of the first run].
 * Delay runs (maximal stretches of one delay in a sorted row) as [delay, length] pairs, in axon order.
 */
export const RR = 4;
export const RR_RUN0 = 0;
export const RR_RUN1 = 1;
export const RR_DELAY0 = 2;
export const RR_LEN0 = 3;

export interface AxonRuns {
  /** [delay, length] of every run, runs of one axon consecutive: axon a has [axonRunStart[a], axonRunStart[a+1]). */
  readonly runs: Int32Array;
  readonly axonRunStart: Uint32Array;
  /** Route of each global axon and its source neuron (−1: not routed). */
  readonly routeOfAxon: Int32Array;
  readonly axonSource: Int32Array;
  /** Per route, in route order (RR ints), and the row length of each route. */
  readonly routeRec: Int32Array;
  readonly routeSynapses: Uint32Array;
  /** Smallest and largest global target of each neuron's synapses (−1 max: none). */
  readonly neuronMin: Int32Array;
  readonly neuronMax: Int32Array;
}

/**
 * Sequential passes over every crossbar (axon order). Axons are numbered per destination core, not by
 * source, so what the per-neuron pass needs is *scattered* into route order here (random writes, which
 * the store buffer overlaps) rather than gathered there (random reads, which stall). Checks that no
 * axon is the destination of two routes.
 */
export function summariseAxons(program: ChipProgram, cl: CoreTable, rt: Routing, N: number): AxonRuns {
  const { routeAxon, routeDestCore, routePtr } = rt;
  const A = cl.coreAxonStart[cl.C];
  const R = routeAxon.length;
  const routeOfAxon = new Int32Array(A).fill(-1);
  for (let r = 0; r < R; r++) routeOfAxon[routeAxon[r]] = r;
  let routed = 0;
  for (let a = 0; a < A; a++) if (routeOfAxon[a] >= 0) routed++;
  if (routed !== R) {
    const seen = new Uint8Array(A);
    for (let r = 0; r < R; r++) {
      if (seen[routeAxon[r]] === 1) throw routedTwice(cl, routeDestCore[r], routeAxon[r]);
      seen[routeAxon[r]] = 1;
    }
  }
  const neuronOfRoute = new Uint32Array(R);
  for (let n = 0; n < N; n++) neuronOfRoute.fill(n, routePtr[n], routePtr[n + 1]);
  const axonSource = new Int32Array(A);
  for (let a = 0; a < A; a++) axonSource[a] = routeOfAxon[a] < 0 ? -1 : neuronOfRoute[routeOfAxon[a]];
  const axonRunStart = new Uint32Array(A + 1);
  let count = 0;
  program.cores.forEach((cp, c) => {
    const { axonRowPtr, synDelayTicks } = cp.crossbar;
    const a0 = cl.coreAxonStart[c];
    for (let a = 0; a < cp.crossbar.axonCount; a++) {
      axonRunStart[a0 + a] = count;
      for (let k = axonRowPtr[a]; k < axonRowPtr[a + 1]; k++) if (k === axonRowPtr[a] || synDelayTicks[k] !== synDelayTicks[k - 1]) count++;
    }
  });
  axonRunStart[A] = count;
  const runs = new Int32Array(2 * count);
  const routeRec = new Int32Array(R * RR);
  const routeSynapses = new Uint32Array(R);
  const neuronMin = new Int32Array(N);
  const neuronMax = new Int32Array(N).fill(-1);
  program.cores.forEach((cp, c) => summariseCore(cp, cl.coreNeuronStart[c], cl.coreAxonStart[c], axonRunStart, routeOfAxon, axonSource, runs, routeRec, routeSynapses, neuronMin, neuronMax));
  return { runs, axonRunStart, routeOfAxon, axonSource, routeRec, routeSynapses, neuronMin, neuronMax };
}

export function summariseCore(
  cp: CoreProgram, n0: number, a0: number, axonRunStart: Uint32Array, routeOfAxon: Int32Array, axonSource: Int32Array,
  runs: Int32Array, routeRec: Int32Array, routeSynapses: Uint32Array, neuronMin: Int32Array, neuronMax: Int32Array,
): void {
  const { axonRowPtr, synTarget, synDelayTicks } = cp.crossbar;
  for (let a = 0; a < cp.crossbar.axonCount; a++) {
    const k0 = axonRowPtr[a];
    const k1 = axonRowPtr[a + 1];
    const q0 = axonRunStart[a0 + a];
    let q = q0 - 1;
    let lo = Infinity;
    let hi = -1;
    for (let k = k0; k < k1; k++) {
      const t = synTarget[k];
      if (t < lo) lo = t;
      if (t > hi) hi = t;
      if (k === k0 || synDelayTicks[k] !== synDelayTicks[k - 1]) { q++; runs[2 * q] = synDelayTicks[k]; }
      runs[2 * q + 1]++;
    }
    const r = routeOfAxon[a0 + a];
    if (r < 0) continue;
    const o = r * RR;
    routeRec[o + RR_RUN0] = q0;
    routeRec[o + RR_RUN1] = q + 1;
    routeSynapses[r] = k1 - k0;
    if (k1 === k0) continue;
    routeRec[o + RR_DELAY0] = runs[2 * q0];
    routeRec[o + RR_LEN0] = runs[2 * q0 + 1];
    const n = axonSource[a0 + a];
    if (neuronMax[n] < 0 || n0 + lo < neuronMin[n]) neuronMin[n] = n0 + lo;
    if (n0 + hi > neuronMax[n]) neuronMax[n] = n0 + hi;
  }
}
