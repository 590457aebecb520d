/**
 * Learning-engine state for pair-based trace STDP (chip/program/types.ts PairStdpProgram), built once
 * from the simulator's source-major layout.
 *
 * Pre traces are shared by every synapse with the same (source neuron, delay, projection): with axonal
 * delays the trace of synapse s only sees arrivals of its own source after its own delay, so all such
 * synapses carry identical traces (snnref-1 §2). They live in one array `x` decayed eagerly each tick —
 * far fewer traces than synapses. Post traces `y` are per (plastic projection, post neuron).
 */
import type { ChipProgram } from "../program/types.ts";
import type { SimState } from "./state.ts";

export interface PlasticityState {
  /** Groups holding at least one plastic synapse. */
  readonly groupPlastic: Uint8Array;
  /** Trace ids incremented when group g arrives: [groupTraceStart[g], groupTraceStart[g+1]). */
  readonly groupTraceStart: Uint32Array;
  readonly groupTraceId: Uint32Array;
  /** Per synapse: pre-trace id (or -1 for static synapses), post-trace slot, projection. */
  readonly synTrace: Int32Array;
  readonly synYSlot: Uint32Array;
  readonly synProjection: Uint16Array;
  readonly x: Float64Array;
  readonly xDecay: Float64Array;
  readonly xNearest: Uint8Array;
  readonly y: Float64Array;
  readonly yDecay: Float64Array;
  readonly yNearest: Uint8Array;
  /** Plastic synapses onto neuron n: postSyn[postPtr[n]..postPtr[n+1]). */
  readonly postPtr: Uint32Array;
  readonly postSyn: Uint32Array;
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

export function buildPlasticity(program: ChipProgram, st: SimState): PlasticityState {
  const P = program.projections.length;
  const N = st.neuronCount;
  const S = st.synTarget.length;
  const G = st.groupDelay.length;
  const aPlus = new Float64Array(P);
  const aMinus = new Float64Array(P);
  const wMin = new Float64Array(P);
  const wMax = new Float64Array(P);
  const yOffset = new Int32Array(P).fill(-1);
  const popIndex = new Map(program.populations.map((p, i) => [p.name, i] as const));
  let ySize = 0;
  program.projections.forEach((pr, k) => {
    const pl = pr.plasticity;
    if (pl === undefined) return;
    aPlus[k] = pl.aPlus; aMinus[k] = pl.aMinus; wMin[k] = pl.wMin; wMax[k] = pl.wMax;
    yOffset[k] = ySize;
    ySize += program.populations[popIndex.get(pr.post) ?? 0].size;
  });
  const y = new Float64Array(ySize);
  const yDecay = new Float64Array(ySize);
  const yNearest = new Uint8Array(ySize);
  program.projections.forEach((pr, k) => {
    const pl = pr.plasticity;
    if (pl === undefined) return;
    const size = program.populations[popIndex.get(pr.post) ?? 0].size;
    yDecay.fill(pl.decayPost, yOffset[k], yOffset[k] + size);
    yNearest.fill(pl.nearest ? 1 : 0, yOffset[k], yOffset[k] + size);
  });
  // Per-synapse projection, pre-trace ids per (group, projection), post slots.
  const synProjection = st.synProjection;
  const synTrace = new Int32Array(S).fill(-1);
  const synYSlot = new Uint32Array(S);
  const groupPlastic = new Uint8Array(G);
  const groupTraceStart = new Uint32Array(G + 1);
  const traceIds: number[] = [];
  const xDecays: number[] = [];
  const xNearests: number[] = [];
  const postCount = new Uint32Array(N + 1);
  const local = new Map<number, number>();
  for (let g = 0; g < G; g++) {
    groupTraceStart[g] = traceIds.length;
    local.clear();
    for (let s = st.groupSynStart[g]; s < st.groupSynStart[g + 1]; s++) {
      const k = synProjection[s];
      const pl = program.projections[k].plasticity;
      if (pl === undefined) continue;
      let id = local.get(k);
      if (id === undefined) {
        id = xDecays.length;
        local.set(k, id);
        traceIds.push(id);
        xDecays.push(pl.decayPre);
        xNearests.push(pl.nearest ? 1 : 0);
      }
      synTrace[s] = id;
      synYSlot[s] = yOffset[k] + st.indexInPopulation[st.synTarget[s]];
      groupPlastic[g] = 1;
      postCount[st.synTarget[s] + 1]++;
    }
  }
  groupTraceStart[G] = traceIds.length;
  for (let n = 0; n < N; n++) postCount[n + 1] += postCount[n];
  const postPtr = postCount;
  const fill = postPtr.slice(0, N);
  const postSyn = new Uint32Array(postPtr[N]);
  for (let s = 0; s < S; s++) if (synTrace[s] >= 0) postSyn[fill[st.synTarget[s]]++] = s;
  // Post-trace slots per neuron.
  const neuronYPtr = new Uint32Array(N + 1);
  const slots: number[] = [];
  for (let n = 0; n < N; n++) {
    const popName = program.populations[st.populationOfNeuron[n]].name;
    program.projections.forEach((pr, k) => {
      if (pr.plasticity !== undefined && pr.post === popName) slots.push(yOffset[k] + st.indexInPopulation[n]);
    });
    neuronYPtr[n + 1] = slots.length;
  }
  return {
    groupPlastic, groupTraceStart, groupTraceId: Uint32Array.from(traceIds), synTrace, synYSlot, synProjection,
    x: new Float64Array(xDecays.length), xDecay: Float64Array.from(xDecays), xNearest: Uint8Array.from(xNearests),
    y, yDecay, yNearest, postPtr, postSyn, neuronYPtr, neuronYSlot: Uint32Array.from(slots), aPlus, aMinus, wMin, wMax,
  };
}

/** Final weights of every plastic projection, in the model's synapse order. */
export function readPlasticWeights(program: ChipProgram, st: SimState, pl: PlasticityState): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  const arrays = program.projections.map((pr) => (pr.plasticity === undefined ? undefined : new Float64Array(pr.synapseCount)));
  for (let s = 0; s < st.synTarget.length; s++) {
    if (pl.synTrace[s] < 0) continue;
    const xb = program.cores[st.synCore[s]].crossbar;
    const arr = arrays[pl.synProjection[s]];
    if (arr !== undefined) arr[xb.synIndex[st.synLocal[s]]] = st.synWeight[s];
  }
  program.projections.forEach((pr, k) => { const a = arrays[k]; if (a !== undefined) out.set(pr.name, a); });
  return out;
}
