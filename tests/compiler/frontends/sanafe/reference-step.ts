/**
 * Test-only reference stepper for lowered SANA-FE networks: runs the graph IR + SANA-FE placement with
 * the per-step semantics of docs/sanafe.md, independently of aerchip's compiler and simulator, and
 * counts SANA-FE's five counters plus what energy and the timing models need.
 *
 * One step t (SANA-FE step t + 1):
 *  1. neuron phase, core by core in SANA-FE core order, neurons in SANA-FE order within the core:
 *     LIF (NeuronDynamics.sanafeLif) and input neurons as documented; fired neurons are listed;
 *  2. message phase: each fired neuron sends one packet per destination core; every synapse on it
 *     adds its weight to the target's input for step t + 1 (and marks that the target got input).
 */
import { NeuronDynamics, ResetMode, ThresholdOp } from "../../../../chip/program/types.ts";
import type { TickWork } from "../../../../chip/timing/types.ts";
import type { SanafeModel } from "../../../../compiler/frontends/sanafe/index.ts";

export interface ReferenceTotals {
  synapticEvents: number;
  packets: number;
  hops: number;
  hopsEast: number;
  hopsWest: number;
  hopsNorth: number;
  hopsSouth: number;
  neuronUpdates: number;
  neuronsFired: number;
  /** Soma accesses of leaky_integrate_fire neurons (every neuron, every step). */
  lifAccesses: number;
  /** Updates and spikes of leaky_integrate_fire neurons only (input neurons excluded). */
  lifUpdates: number;
  lifFired: number;
  synapticEventsByEncoding: Map<string, number>;
  /** Membrane potential of every LIF neuron after the last step, per group. */
  finalPotential: Map<string, Float64Array>;
}

export interface ReferenceOptions {
  /** Filled every step when given (reset first); `onTick` sees it after the step. */
  readonly work?: TickWork;
  readonly onTick?: (step: number, work: TickWork) => void;
  /** Order of a neuron's packets: by SANA-FE core id (default) or by aerchip core id. */
  readonly destinationOrder?: "sanafe" | "aerchip";
}

export function runSanafeReference(model: SanafeModel, steps: number, opts: ReferenceOptions = {}): ReferenceTotals {
  const { graph, placement, arch } = model;
  const H = arch.spec.mesh.heightTiles;
  const W = arch.spec.mesh.widthTiles;
  const K = arch.spec.mesh.coresPerTile;
  // Core slots: the TickWork's core order when given, else the used cores ascending.
  const slotIds = opts.work !== undefined ? Array.from(opts.work.coreIds) : [...placement.coresUsed];
  const slotOf = new Map(slotIds.map((id, s) => [id, s]));
  const S = slotIds.length;
  const tileX = slotIds.map((id) => Math.floor(id / K) % W);
  const tileY = slotIds.map((id) => Math.floor(Math.floor(id / K) / W));
  const sanafeRank = slotIds.map((id, s) => (tileX[s] * H + tileY[s]) * K + (id % K));
  const processOrder = Array.from({ length: S }, (_, s) => s).sort((a, b) => sanafeRank[a] - sanafeRank[b]);

  // Global neuron index: slot-major, SANA-FE order inside a slot.
  const count = new Uint32Array(S);
  for (const pop of graph.populations) for (const c of placement.coreOf.get(pop.name) as Uint32Array) count[slotOf.get(c) as number]++;
  const start = new Uint32Array(S + 1);
  for (let s = 0; s < S; s++) start[s + 1] = start[s] + count[s];
  const N = start[S];
  const gOf = new Map<string, Uint32Array>();
  for (const pop of graph.populations) {
    const core = placement.coreOf.get(pop.name) as Uint32Array;
    const ord = placement.orderInCore.get(pop.name) as Uint32Array;
    gOf.set(pop.name, Uint32Array.from({ length: pop.size }, (_, i) => start[slotOf.get(core[i]) as number] + ord[i]));
  }

  // Parameters.
  const isInput = new Uint8Array(N);
  const vd = new Float64Array(N), cd = new Float64Array(N), gain = new Float64Array(N), bias = new Float64Array(N);
  const th = new Float64Array(N), vreset = new Float64Array(N), rmode = new Uint8Array(N), top = new Uint8Array(N);
  const refr = new Uint32Array(N), trunc = new Float64Array(N), rth = new Float64Array(N), rrmode = new Uint8Array(N), rreset = new Float64Array(N);
  const force = new Uint8Array(N);
  const v = new Float64Array(N), u = new Float64Array(N), acc = new Float64Array(N), got = new Uint8Array(N), left = new Uint32Array(N);
  for (const pop of graph.populations) {
    const gi = gOf.get(pop.name) as Uint32Array;
    if (pop.kind === "input" || pop.params === undefined) {
      for (const g of gi) isInput[g] = 1;
      continue;
    }
    const p = pop.params;
    for (let i = 0; i < pop.size; i++) {
      const g = gi[i];
      if (p.dynamics === undefined || p.dynamics[i] !== NeuronDynamics.sanafeLif) throw new Error("reference stepper: only sanafeLif neurons");
      vd[g] = p.voltageDecay[i]; cd[g] = p.currentDecay[i]; gain[g] = p.inputGain[i]; bias[g] = p.bias[i];
      th[g] = p.vThreshold[i]; vreset[g] = p.vReset[i]; rmode[g] = p.resetMode[i]; top[g] = p.thresholdOp[i];
      refr[g] = p.refractoryTicks[i]; v[g] = p.vInit[i];
      trunc[g] = p.vTruncScale?.[i] ?? 0;
      rth[g] = p.vReverseThreshold?.[i] ?? -Infinity;
      rrmode[g] = p.reverseResetMode?.[i] ?? ResetMode.none;
      rreset[g] = p.vReverseReset?.[i] ?? 0;
      force[g] = p.forceUpdate?.[i] ?? 0;
    }
  }

  // Synapses grouped into axons: (pre neuron, destination core), destinations in the chosen order.
  const encodings = opts.work?.encodings ?? [...new Set(graph.projections.map((p) => p.encoding))].sort();
  const E = encodings.length;
  const destRank = opts.destinationOrder === "aerchip" ? slotIds.map((id) => id) : sanafeRank;
  const rankOrder = Array.from({ length: S }, (_, s) => s).sort((a, b) => destRank[a] - destRank[b]);
  const rankIndex = new Uint32Array(S);
  rankOrder.forEach((s, r) => (rankIndex[s] = r));
  let total = 0;
  for (const pr of graph.projections) total += pr.preIndex.length;
  const keyCount = new Uint32Array(N * S + 1);
  const synKey = new Uint32Array(total);
  const synPost = new Uint32Array(total);
  const synW = new Float64Array(total);
  const synE = new Uint8Array(total);
  {
    let k = 0;
    for (const pr of graph.projections) {
      const pre = gOf.get(pr.pre) as Uint32Array;
      const post = gOf.get(pr.post) as Uint32Array;
      const postCore = placement.coreOf.get(pr.post) as Uint32Array;
      const e = encodings.indexOf(pr.encoding);
      for (let s = 0; s < pr.preIndex.length; s++, k++) {
        const dslot = slotOf.get(postCore[pr.postIndex[s]]) as number;
        synKey[k] = pre[pr.preIndex[s]] * S + rankIndex[dslot];
        synPost[k] = post[pr.postIndex[s]];
        synW[k] = pr.weight[s];
        synE[k] = e;
        keyCount[synKey[k] + 1]++;
      }
    }
  }
  for (let i = 0; i < N * S; i++) keyCount[i + 1] += keyCount[i];
  const at = keyCount.slice(0, N * S);
  const post = new Uint32Array(total);
  const w = new Float64Array(total);
  const enc = new Uint8Array(total);
  for (let k = 0; k < total; k++) {
    const j = at[synKey[k]]++;
    post[j] = synPost[k];
    w[j] = synW[k];
    enc[j] = synE[k];
  }
  // Axons: non-empty keys.
  const axonPtr = new Uint32Array(N + 1);
  for (let g = 0; g < N; g++) {
    let a = 0;
    for (let r = 0; r < S; r++) if (keyCount[g * S + r + 1] > keyCount[g * S + r]) a++;
    axonPtr[g + 1] = axonPtr[g] + a;
  }
  const A = axonPtr[N];
  const axonDst = new Uint32Array(A);
  const axonLo = new Uint32Array(A);
  const axonHi = new Uint32Array(A);
  const axonEnc = new Uint32Array(A * E);
  for (let g = 0, a = 0; g < N; g++) {
    for (let r = 0; r < S; r++) {
      const lo = keyCount[g * S + r];
      const hi = keyCount[g * S + r + 1];
      if (hi === lo) continue;
      axonDst[a] = rankOrder[r];
      axonLo[a] = lo;
      axonHi[a] = hi;
      for (let j = lo; j < hi; j++) axonEnc[a * E + enc[j]]++;
      a++;
    }
  }

  // Input spikes by step.
  const stim = model.stimulus(steps);
  const inputAt: number[][] = Array.from({ length: steps }, () => []);
  for (const [name, sp] of stim.spikes) {
    const gi = gOf.get(name) as Uint32Array;
    for (let k = 0; k < sp.tick.length; k++) if (sp.tick[k] < steps) inputAt[sp.tick[k]].push(gi[sp.neuron[k]]);
  }
  const inputNow = new Uint8Array(N);

  const totals: ReferenceTotals = {
    synapticEvents: 0, packets: 0, hops: 0, hopsEast: 0, hopsWest: 0, hopsNorth: 0, hopsSouth: 0,
    neuronUpdates: 0, neuronsFired: 0, lifAccesses: 0, lifUpdates: 0, lifFired: 0,
    synapticEventsByEncoding: new Map(encodings.map((e) => [e, 0])),
    finalPotential: new Map(),
  };
  const synByEnc = new Float64Array(E);
  const fired = new Uint32Array(Math.max(1, N));
  const firedSlot = new Uint32Array(Math.max(1, N));
  const firedAcc = new Uint32Array(Math.max(1, N));
  const firedUpd = new Uint32Array(Math.max(1, N));
  const firedFir = new Uint32Array(Math.max(1, N));
  const work = opts.work;
  if (work !== undefined) work.syncTiles = placement.mappedTiles;

  for (let t = 0; t < steps; t++) {
    work?.reset();
    for (const g of inputAt[t]) inputNow[g] = 1;
    let nf = 0;
    for (const s of processOrder) {
      let accessed = 0;
      let updated = 0;
      let firedHere = 0;
      for (let g = start[s]; g < start[s + 1]; g++) {
        if (isInput[g] === 1) {
          if (inputNow[g] === 1) {
            inputNow[g] = 0;
            totals.neuronUpdates++;
            totals.neuronsFired++;
            fired[nf] = g; firedSlot[nf] = s; firedAcc[nf] = accessed; firedUpd[nf] = updated; firedFir[nf] = firedHere; nf++;
          }
          continue;
        }
        accessed++;
        const I = acc[g];
        const hasInput = got[g] === 1;
        acc[g] = 0;
        got[g] = 0;
        let isUpdated = v[g] !== 0 || hasInput || bias[g] !== 0 || force[g] === 1;
        if (t > 0) {
          u[g] *= cd[g];
          v[g] *= vd[g];
        }
        if (trunc[g] > 0) v[g] = Math.trunc(v[g] * trunc[g]) / trunc[g];
        let spiked = false;
        if (left[g] > 0) left[g]--;
        else {
          let vn = v[g] + bias[g];
          u[g] += gain[g] * I;
          vn += u[g];
          if (top[g] === ThresholdOp.gt ? vn > th[g] : vn >= th[g]) {
            if (rmode[g] === ResetMode.zero) vn = vreset[g];
            else if (rmode[g] === ResetMode.subtract) vn -= th[g];
            left[g] = refr[g];
            spiked = true;
          }
          if (vn < rth[g]) {
            if (rrmode[g] === ResetMode.subtract) vn -= rth[g];
            else if (rrmode[g] === ResetMode.zero) vn = rreset[g];
            else if (rrmode[g] === ResetMode.saturate) vn = rth[g];
          }
          v[g] = vn;
        }
        if (spiked) isUpdated = true;
        if (isUpdated) updated++;
        if (spiked) {
          firedHere++;
          fired[nf] = g; firedSlot[nf] = s; firedAcc[nf] = accessed; firedUpd[nf] = updated; firedFir[nf] = firedHere; nf++;
        }
      }
      totals.lifAccesses += accessed;
      totals.lifUpdates += updated;
      totals.lifFired += firedHere;
      totals.neuronUpdates += updated;
      totals.neuronsFired += firedHere;
      if (work !== undefined) {
        work.neuronsAccessed[s] = accessed;
        work.neuronsUpdated[s] = updated;
        work.neuronsFired[s] = firedHere;
      }
    }
    // Message phase.
    for (let f = 0; f < nf; f++) {
      const g = fired[f];
      const s = firedSlot[f];
      for (let a = axonPtr[g]; a < axonPtr[g + 1]; a++) {
        const d = axonDst[a];
        const dx = tileX[d] - tileX[s];
        const dy = tileY[d] - tileY[s];
        totals.packets++;
        totals.hops += Math.abs(dx) + Math.abs(dy);
        if (dx > 0) totals.hopsEast += dx; else totals.hopsWest -= dx;
        if (dy > 0) totals.hopsNorth += dy; else totals.hopsSouth -= dy;
        const lo = axonLo[a];
        const hi = axonHi[a];
        totals.synapticEvents += hi - lo;
        for (let j = lo; j < hi; j++) {
          acc[post[j]] += w[j];
          got[post[j]] = 1;
        }
        for (let e = 0; e < E; e++) synByEnc[e] += axonEnc[a * E + e];
        if (work !== undefined) {
          const p = work.addPacket(s, d, firedAcc[f], firedUpd[f], firedFir[f]);
          for (let e = 0; e < E; e++) if (axonEnc[a * E + e] > 0) work.addPacketSynOps(p, e, axonEnc[a * E + e]);
        }
      }
    }
    if (work !== undefined) opts.onTick?.(t, work);
  }
  encodings.forEach((e, i) => totals.synapticEventsByEncoding.set(e, synByEnc[i]));
  for (const pop of graph.populations) totals.finalPotential.set(pop.name, Float64Array.from(gOf.get(pop.name) as Uint32Array, (g) => v[g]));
  return totals;
}
