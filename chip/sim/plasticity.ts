/**
 * Learning-engine state for pair-based trace STDP (chip/program/types.ts PairStdpProgram), built once
 * from the simulator's source-major (wide) layout, and its two per-tick kernels.
 *
 * Pre traces are shared by every synapse with the same (source neuron, delay, projection): with axonal
 * delays the trace of synapse s only sees arrivals of its own source after its own delay, so all such
 * synapses carry identical traces (snnref-1 §2). They live in one array `x` decayed eagerly each tick —
 * far fewer traces than synapses. Post traces `y` are per (plastic projection, post neuron).
 *
 * Per synapse the arithmetic is exactly the rule's:
 *   arrival (depression):      w ← min(max(w − A−·y_post, wMin), wMax)   after acc[target] += w (old w)
 *   post spike (potentiation): w ← min(max(w + A+·x_pre, wMin), wMax)
 * The kernels walk *runs* so that the rule's constants are read once per run, the synaptic-update
 * counter is added once per run, and index arrays are skipped where the layout is regular:
 *   arrival runs   stretches of a group with one projection and one core; "contiguous" when targets and
 *                  post-trace slots are consecutive (dense rows), then no per-synapse index is read;
 *   post runs      a neuron's incoming plastic synapses of one projection; "strided" when they sit at a
 *                  constant stride with consecutive pre traces (a dense column): addresses are computed,
 *                  not read. (Updating the columns of a tick's fired neurons row by row measured slower.)
 */
import type { ChipProgram } from "../program/types.ts";
import { deliverCondOne, type CondState } from "./cond.ts";
import { CounterKind } from "./counters.ts";
import type { SimState } from "./state.ts";

export interface PlasticityState {
  /** Groups holding at least one plastic synapse. */
  readonly groupPlastic: Uint8Array;
  /** Trace ids incremented when group g arrives: [groupTraceStart[g], groupTraceStart[g+1]). */
  readonly groupTraceStart: Uint32Array;
  readonly groupTraceId: Uint32Array;
  /** Runs of group g: [groupRunStart[g], groupRunStart[g+1]); run r spans synapses [runSynStart[r], runSynStart[r+1]). */
  readonly groupRunStart: Uint32Array;
  readonly runSynStart: Uint32Array;
  readonly runProjection: Uint16Array;
  /** Core of the run's synapses (counter attribution). */
  readonly runCore: Uint32Array;
  /** 0 static, 1 plastic, 2 plastic with consecutive targets and post-trace slots. */
  readonly runKind: Uint8Array;
  /** Per synapse: post-trace slot (plastic synapses only). */
  readonly synYSlot: Uint32Array;
  readonly x: Float64Array;
  readonly xDecay: Float64Array;
  readonly xNearest: Uint8Array;
  readonly y: Float64Array;
  readonly yDecay: Float64Array;
  readonly yNearest: Uint8Array;
  /** Plastic synapses onto neuron n: postSyn[postPtr[n]..postPtr[n+1]), grouped by projection; postTrace: their pre-trace ids. */
  readonly postPtr: Uint32Array;
  readonly postSyn: Uint32Array;
  readonly postTrace: Uint32Array;
  /** Projection runs of neuron n's list: [neuronPostRunStart[n], neuronPostRunStart[n+1]); run q ends at postRunEnd[q]. */
  readonly neuronPostRunStart: Uint32Array;
  readonly postRunEnd: Uint32Array;
  readonly postRunProjection: Uint16Array;
  /** Stride of run q when its synapses are postSyn[start] + i·stride with pre traces postTrace[start] + i; 0 otherwise. */
  readonly postRunStride: Float64Array;
  /** Post-trace slots of neuron n: ySlot[neuronYPtr[n]..neuronYPtr[n+1]). */
  readonly neuronYPtr: Uint32Array;
  readonly neuronYSlot: Uint32Array;
  readonly aPlus: Float64Array;
  readonly aMinus: Float64Array;
  readonly wMin: Float64Array;
  readonly wMax: Float64Array;
}

export function hasPlasticity(program: ChipProgram): boolean {
  return program.projections.some((p) => p.plasticity !== undefined);
}

interface RuleTables {
  readonly isPlastic: Uint8Array;
  readonly yOffset: Int32Array;
  readonly aPlus: Float64Array;
  readonly aMinus: Float64Array;
  readonly wMin: Float64Array;
  readonly wMax: Float64Array;
  readonly decayPre: Float64Array;
  readonly nearestPre: Uint8Array;
  readonly y: Float64Array;
  readonly yDecay: Float64Array;
  readonly yNearest: Uint8Array;
}

function ruleTables(program: ChipProgram): RuleTables {
  const P = program.projections.length;
  const t = {
    isPlastic: new Uint8Array(P), yOffset: new Int32Array(P).fill(-1), aPlus: new Float64Array(P), aMinus: new Float64Array(P),
    wMin: new Float64Array(P), wMax: new Float64Array(P), decayPre: new Float64Array(P), nearestPre: new Uint8Array(P),
  };
  const popIndex = new Map(program.populations.map((p, i) => [p.name, i] as const));
  let ySize = 0;
  program.projections.forEach((pr, k) => {
    const pl = pr.plasticity;
    if (pl === undefined) return;
    t.isPlastic[k] = 1;
    t.aPlus[k] = pl.aPlus; t.aMinus[k] = pl.aMinus; t.wMin[k] = pl.wMin; t.wMax[k] = pl.wMax;
    t.decayPre[k] = pl.decayPre;
    t.nearestPre[k] = pl.nearest ? 1 : 0;
    t.yOffset[k] = ySize;
    ySize += program.populations[popIndex.get(pr.post) ?? 0].size;
  });
  const y = new Float64Array(ySize);
  const yDecay = new Float64Array(ySize);
  const yNearest = new Uint8Array(ySize);
  program.projections.forEach((pr, k) => {
    const pl = pr.plasticity;
    if (pl === undefined) return;
    const size = program.populations[popIndex.get(pr.post) ?? 0].size;
    yDecay.fill(pl.decayPost, t.yOffset[k], t.yOffset[k] + size);
    yNearest.fill(pl.nearest ? 1 : 0, t.yOffset[k], t.yOffset[k] + size);
  });
  return { ...t, y, yDecay, yNearest };
}

/** A growable list of numbers kept in a Float64Array. */
class NumList {
  data = new Float64Array(256);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) { const g = new Float64Array(this.data.length * 2); g.set(this.data); this.data = g; }
    this.data[this.length++] = x;
  }
}

export function buildPlasticity(program: ChipProgram, st: SimState): PlasticityState {
  const rules = ruleTables(program);
  const arrivals = arrivalRuns(st, rules);
  const post = postLists(program, st, rules, arrivals.synTrace);
  return {
    groupPlastic: arrivals.groupPlastic, groupTraceStart: arrivals.groupTraceStart, groupTraceId: arrivals.groupTraceId,
    groupRunStart: arrivals.groupRunStart, runSynStart: arrivals.runSynStart, runProjection: arrivals.runProjection, runCore: arrivals.runCore,
    runKind: arrivals.runKind, synYSlot: arrivals.synYSlot,
    x: new Float64Array(arrivals.xDecay.length), xDecay: arrivals.xDecay, xNearest: arrivals.xNearest,
    y: rules.y, yDecay: rules.yDecay, yNearest: rules.yNearest, ...post,
    aPlus: rules.aPlus, aMinus: rules.aMinus, wMin: rules.wMin, wMax: rules.wMax,
  };
}

/** Per group: pre-trace ids per (group, projection), arrival runs and their kinds, post slots per synapse. */
function arrivalRuns(st: SimState, rules: RuleTables) {
  const { synProjection, synCore, synTarget, groupSynStart, indexInPopulation } = st;
  const { isPlastic, yOffset, decayPre, nearestPre } = rules;
  const S = st.synTarget.length;
  const G = st.groupDelay.length;
  const P = isPlastic.length;
  const synTrace = new Int32Array(S).fill(-1);
  const synYSlot = new Uint32Array(S);
  const groupPlastic = new Uint8Array(G);
  const groupTraceStart = new Uint32Array(G + 1);
  const groupRunStart = new Uint32Array(G + 1);
  const traceIds = new NumList();
  const xDecays = new NumList();
  const xNearests = new NumList();
  const runStarts = new NumList();
  const runProjs = new NumList();
  const runCores = new NumList();
  const traceOfProj = new Int32Array(P).fill(-1);
  const touched = new Int32Array(P);
  for (let g = 0; g < G; g++) {
    groupTraceStart[g] = traceIds.length;
    groupRunStart[g] = runStarts.length;
    let nt = 0;
    let lastProj = -1;
    let lastCore = -1;
    for (let s = groupSynStart[g]; s < groupSynStart[g + 1]; s++) {
      const k = synProjection[s];
      if (k !== lastProj || synCore[s] !== lastCore) {
        runStarts.push(s);
        runProjs.push(k);
        runCores.push(synCore[s]);
        lastProj = k;
        lastCore = synCore[s];
      }
      if (isPlastic[k] === 0) continue;
      let id = traceOfProj[k];
      if (id < 0) {
        id = xDecays.length;
        traceOfProj[k] = id;
        touched[nt++] = k;
        traceIds.push(id);
        xDecays.push(decayPre[k]);
        xNearests.push(nearestPre[k]);
      }
      synTrace[s] = id;
      synYSlot[s] = yOffset[k] + indexInPopulation[synTarget[s]];
      groupPlastic[g] = 1;
    }
    for (let i = 0; i < nt; i++) traceOfProj[touched[i]] = -1;
  }
  groupTraceStart[G] = traceIds.length;
  groupRunStart[G] = runStarts.length;
  runStarts.push(S > 0 ? groupSynStart[G] : 0);
  const R = runProjs.length;
  const runSynStart = Uint32Array.from(runStarts.data.subarray(0, R + 1));
  const runProjection = Uint16Array.from(runProjs.data.subarray(0, R));
  const runKind = new Uint8Array(R);
  for (let r = 0; r < R; r++) {
    if (isPlastic[runProjection[r]] === 0) continue;
    let contiguous = true;
    const lo = runSynStart[r];
    for (let s = lo + 1; s < runSynStart[r + 1] && contiguous; s++) {
      contiguous = synTarget[s] === synTarget[lo] + (s - lo) && synYSlot[s] === synYSlot[lo] + (s - lo);
    }
    runKind[r] = contiguous ? 2 : 1;
  }
  return {
    synTrace, synYSlot, groupPlastic, groupTraceStart, groupTraceId: Uint32Array.from(traceIds.data.subarray(0, traceIds.length)),
    groupRunStart, runSynStart, runProjection, runCore: Uint32Array.from(runCores.data.subarray(0, R)), runKind,
    xDecay: Float64Array.from(xDecays.data.subarray(0, xDecays.length)), xNearest: Uint8Array.from(xNearests.data.subarray(0, xNearests.length)),
  };
}

/** Incoming plastic synapses per neuron, grouped by projection (source order within one), their runs and strides; post slots. */
function postLists(program: ChipProgram, st: SimState, rules: RuleTables, synTrace: Int32Array) {
  const N = st.neuronCount;
  const S = st.synTarget.length;
  const P = rules.isPlastic.length;
  const { synTarget, synProjection, indexInPopulation, populationOfNeuron } = st;
  const postPtr = new Uint32Array(N + 1);
  for (let s = 0; s < S; s++) if (synTrace[s] >= 0) postPtr[synTarget[s] + 1]++;
  for (let n = 0; n < N; n++) postPtr[n + 1] += postPtr[n];
  const postSyn = new Uint32Array(postPtr[N]);
  const fill = postPtr.slice(0, N);
  for (let s = 0; s < S; s++) if (synTrace[s] >= 0) postSyn[fill[synTarget[s]]++] = s;
  const neuronPostRunStart = new Uint32Array(N + 1);
  const runEnds = new NumList();
  const runProjections = new NumList();
  let plasticProjections = 0;
  let onlyPlastic = 0;
  rules.isPlastic.forEach((x, k) => { if (x === 1) { plasticProjections++; onlyPlastic = k; } });
  if (plasticProjections === 1) {
    // One plastic projection: every neuron's list is one run, already in source order.
    for (let n = 0; n < N; n++) {
      neuronPostRunStart[n] = runEnds.length;
      if (postPtr[n + 1] > postPtr[n]) { runEnds.push(postPtr[n + 1]); runProjections.push(onlyPlastic); }
    }
  }
  const byProj = new Uint32Array(P + 1);
  const scratch = new Uint32Array(plasticProjections === 1 ? 0 : postSyn.length);
  for (let n = 0; n < (plasticProjections === 1 ? 0 : N); n++) {
    neuronPostRunStart[n] = runEnds.length;
    const lo = postPtr[n];
    const hi = postPtr[n + 1];
    if (hi === lo) continue;
    byProj.fill(0);
    for (let i = lo; i < hi; i++) byProj[synProjection[postSyn[i]] + 1]++;
    for (let k = 0; k < P; k++) byProj[k + 1] += byProj[k];
    for (let k = 0; k < P; k++) if (byProj[k + 1] > byProj[k]) { runEnds.push(lo + byProj[k + 1]); runProjections.push(k); }
    for (let i = lo; i < hi; i++) { const s = postSyn[i]; scratch[lo + byProj[synProjection[s]]++] = s; }
    postSyn.set(scratch.subarray(lo, hi), lo);
  }
  neuronPostRunStart[N] = runEnds.length;
  const postTrace = new Uint32Array(postSyn.length);
  for (let i = 0; i < postSyn.length; i++) postTrace[i] = synTrace[postSyn[i]];
  const Q = runEnds.length;
  const postRunEnd = Uint32Array.from(runEnds.data.subarray(0, Q));
  const postRunStride = new Float64Array(Q);
  for (let n = 0; n < N; n++) {
    let i0 = postPtr[n];
    for (let q = neuronPostRunStart[n]; q < neuronPostRunStart[n + 1]; q++) {
      const i1 = postRunEnd[q];
      if (i1 - i0 >= 2) {
        const stride = postSyn[i0 + 1] - postSyn[i0];
        let regular = stride > 0;
        for (let i = i0 + 1; i < i1 && regular; i++) regular = postSyn[i] - postSyn[i - 1] === stride && postTrace[i] === postTrace[i0] + (i - i0);
        if (regular) postRunStride[q] = stride;
      }
      i0 = i1;
    }
  }
  // Post-trace slots per neuron: one per plastic projection into its population.
  const plasticInto = program.populations.map((pop) => program.projections.flatMap((pr, k) => (pr.plasticity !== undefined && pr.post === pop.name ? [k] : [])));
  const neuronYPtr = new Uint32Array(N + 1);
  for (let n = 0; n < N; n++) neuronYPtr[n + 1] = neuronYPtr[n] + plasticInto[populationOfNeuron[n]].length;
  const neuronYSlot = new Uint32Array(neuronYPtr[N]);
  for (let n = 0; n < N; n++) {
    let at = neuronYPtr[n];
    for (const k of plasticInto[populationOfNeuron[n]]) neuronYSlot[at++] = rules.yOffset[k] + indexInPopulation[n];
  }
  return {
    postPtr, postSyn, postTrace, neuronPostRunStart, postRunEnd, postRunProjection: Uint16Array.from(runProjections.data.subarray(0, Q)), postRunStride,
    neuronYPtr, neuronYSlot,
  };
}

/** Every run starts with zero pre and post traces. */
export function resetPlasticTraces(pl: PlasticityState): void {
  pl.x.fill(0);
  pl.y.fill(0);
}

/** Step 0 of a tick: x ← decayPre·x, y ← decayPost·y. */
export function decayPlasticTraces(pl: PlasticityState): void {
  const { x, xDecay, y, yDecay } = pl;
  for (let i = 0; i < x.length; i++) x[i] = x[i] * xDecay[i];
  for (let i = 0; i < y.length; i++) y[i] = y[i] * yDecay[i];
}

/**
 * A group with plastic synapses arrives (P2): each synapse adds its weight as read, then plastic ones are
 * depressed w ← clip(w − A−·y_post); finally the group's pre traces jump (x ← x + 1, or 1 for nearest).
 * Synaptic updates are counted per core in the tick's per-core row `tickCore` (run.ts folds it into the
 * totals and hands it to the timing model's learning phase).
 */
export function deliverPlasticGroup(
  pl: PlasticityState, g: number, acc: Float64Array, synTarget: Uint32Array, synWeight: Float64Array,
  tickCore: Float64Array, K: number, cond?: CondState,
): void {
  if (cond !== undefined) {
    deliverPlasticGroupCond(pl, g, cond, acc, synTarget, synWeight, tickCore, K);
    return;
  }
  const { groupRunStart, runSynStart, runProjection, runCore, runKind, synYSlot, y, aMinus, wMin, wMax, x, xNearest, groupTraceStart, groupTraceId } = pl;
  for (let r = groupRunStart[g]; r < groupRunStart[g + 1]; r++) {
    const lo = runSynStart[r];
    const hi = runSynStart[r + 1];
    const kind = runKind[r];
    if (kind === 0) {
      for (let s = lo; s < hi; s++) acc[synTarget[s]] += synWeight[s];
      continue;
    }
    const k = runProjection[r];
    const am = aMinus[k];
    const wl = wMin[k];
    const wh = wMax[k];
    if (kind === 2) {
      // Consecutive targets and post slots (a dense row): no per-synapse index.
      const t0 = synTarget[lo] - lo;
      const y0 = synYSlot[lo] - lo;
      for (let s = lo; s < hi; s++) {
        const w = synWeight[s];
        acc[t0 + s] += w;
        synWeight[s] = Math.min(Math.max(w - am * y[y0 + s], wl), wh);
      }
    } else {
      for (let s = lo; s < hi; s++) {
        const w = synWeight[s];
        acc[synTarget[s]] += w;
        synWeight[s] = Math.min(Math.max(w - am * y[synYSlot[s]], wl), wh);
      }
    }
    tickCore[runCore[r] * K + CounterKind.synUpdates] += hi - lo;
  }
  for (let i = groupTraceStart[g]; i < groupTraceStart[g + 1]; i++) {
    const id = groupTraceId[i];
    x[id] = xNearest[id] === 1 ? 1 : x[id] + 1;
  }
}

/** Marks the targets of a plastic group as having received input (SANA-FE soma programs). */
export function markPlasticGroup(pl: PlasticityState, g: number, synTarget: Uint32Array, gotInput: Uint8Array): void {
  const { groupRunStart, runSynStart } = pl;
  for (let s = runSynStart[groupRunStart[g]]; s < runSynStart[groupRunStart[g + 1]]; s++) gotInput[synTarget[s]] = 1;
}

/** P5: for each fired compartment j, w ← clip(w + A+·x) on its plastic synapses, then y_j ← y_j + 1 (or 1). */
export function potentiate(
  pl: PlasticityState, fired: Uint32Array, nFired: number, synWeight: Float64Array, coreOfNeuron: Uint32Array,
  tickCore: Float64Array, K: number,
): void {
  const { postPtr, postSyn, postTrace, neuronPostRunStart, postRunEnd, postRunProjection, postRunStride, x, aPlus, wMin, wMax, neuronYPtr, neuronYSlot, y, yNearest } = pl;
  for (let f = 0; f < nFired; f++) {
    const n = fired[f];
    let i = postPtr[n];
    for (let q = neuronPostRunStart[n]; q < neuronPostRunStart[n + 1]; q++) {
      const k = postRunProjection[q];
      const ap = aPlus[k];
      const wl = wMin[k];
      const wh = wMax[k];
      const end = postRunEnd[q];
      const stride = postRunStride[q];
      if (stride > 0) {
        // A dense column: synapse postSyn[i] + j·stride with pre trace postTrace[i] + j.
        const len = end - i;
        const x0 = postTrace[i];
        for (let j = 0, s = postSyn[i]; j < len; j++, s += stride) synWeight[s] = Math.min(Math.max(synWeight[s] + ap * x[x0 + j], wl), wh);
        i = end;
        continue;
      }
      for (; i < end; i++) {
        const s = postSyn[i];
        synWeight[s] = Math.min(Math.max(synWeight[s] + ap * x[postTrace[i]], wl), wh);
      }
    }
    const count = postPtr[n + 1] - postPtr[n];
    if (count > 0) {
      tickCore[coreOfNeuron[n] * K + CounterKind.synUpdates] += count;
    }
    for (let j = neuronYPtr[n]; j < neuronYPtr[n + 1]; j++) {
      const slot = neuronYSlot[j];
      y[slot] = yNearest[slot] === 1 ? 1 : y[slot] + 1;
    }
  }
}

/** Final weights of every plastic projection, in the model's synapse order. */
export function readPlasticWeights(program: ChipProgram, st: SimState): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  const arrays = program.projections.map((pr) => (pr.plasticity === undefined ? undefined : new Float64Array(pr.synapseCount)));
  const indexOf = program.cores.map((cp) => cp.crossbar.synIndex);
  const { synProjection, synCore, synLocal, synWeight } = st;
  for (let s = 0; s < synWeight.length; s++) {
    const arr = arrays[synProjection[s]];
    if (arr === undefined) continue;
    arr[indexOf[synCore[s]][synLocal[s]]] = synWeight[s];
  }
  program.projections.forEach((pr, k) => { const a = arrays[k]; if (a !== undefined) out.set(pr.name, a); });
  return out;
}

/**
 * deliverPlasticGroup for a program with conductance-based (lifCond) neurons: the same runs, weight reads,
 * depressions and trace jumps in the same order, each weight as read going to g_e (w > 0) or g_i (−w, w < 0)
 * of a lifCond target (cond.ts deliverCondOne), to acc otherwise. Kept apart so the loops of programs without
 * such neurons stay as they were.
 */
function deliverPlasticGroupCond(
  pl: PlasticityState, g: number, cond: CondState, acc: Float64Array, synTarget: Uint32Array, synWeight: Float64Array,
  tickCore: Float64Array, K: number,
): void {
  const { groupRunStart, runSynStart, runProjection, runCore, runKind, synYSlot, y, aMinus, wMin, wMax, x, xNearest, groupTraceStart, groupTraceId } = pl;
  for (let r = groupRunStart[g]; r < groupRunStart[g + 1]; r++) {
    const lo = runSynStart[r];
    const hi = runSynStart[r + 1];
    const kind = runKind[r];
    if (kind === 0) {
      for (let s = lo; s < hi; s++) deliverCondOne(cond, synTarget[s], synWeight[s], acc);
      continue;
    }
    const k = runProjection[r];
    const am = aMinus[k];
    const wl = wMin[k];
    const wh = wMax[k];
    for (let s = lo; s < hi; s++) {
      const w = synWeight[s];
      deliverCondOne(cond, synTarget[s], w, acc);
      synWeight[s] = Math.min(Math.max(w - am * y[synYSlot[s]], wl), wh);
    }
    tickCore[runCore[r] * K + CounterKind.synUpdates] += hi - lo;
  }
  for (let i = groupTraceStart[g]; i < groupTraceStart[g + 1]; i++) {
    const id = groupTraceId[i];
    x[id] = xNearest[id] === 1 ? 1 : x[id] + 1;
  }
}
