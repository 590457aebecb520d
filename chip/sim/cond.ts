/**
 * Conductance-based LIF neurons (NeuronDynamics.lifCond; chip/program/types.ts, docs/model-format.md
 * "Conductance-based LIF"): their parameters and conductance state per global neuron, the delivery of a
 * synapse onto them and their Euler step.
 *
 * Arrival (phase 1, per synapse in the delivery queue's order, the order Brian2's `numpy.add.at` applies a
 * pathway's spikes in): w > 0 adds to g_e, w < 0 adds −w to g_i, straight into the conductance (not summed
 * first: (g + w1) + w2 rounds as Brian2 does). Nothing reaches acc, so the compartment's input stays 0.
 *
 * One tick (phase 2), forward Euler with dt = the tick, every expression as Brian2 2.5.1 generates it for
 * `method='euler'` (numpy target; SI units, hence the 0.001 of Brian2's `ms`), each operation rounded in
 * binary64:
 *   dt = dtMs·0.001, τ = tauMs·0.001, τe = tauGeMs·0.001, τi = tauGiMs·0.001
 *   g_e' = ((−dt)·g_e)/τe + g_e
 *   g_i' = ((−dt)·g_i)/τi + g_i
 *   v'   = (dt·(((E_rest + g_e·(E_exc − v)) + g_i·(E_inh − v)) − v))/τ + v      (old g_e, g_i)
 * The conductances decay every tick; v is frozen while the neuron is refractory (Brian2's `(unless
 * refractory)`), and a refractory neuron's arriving input still adds to its conductances.
 */
import { NeuronDynamics, type ChipProgram } from "../program/types.ts";
import type { ArrayAllocator } from "./alloc.ts";

/** Brian2's `ms` in seconds: the time constants and the step are scaled by it, as Brian2 stores them. */
const MS = 0.001;

export interface CondState {
  readonly eRest: Float64Array;
  readonly eExc: Float64Array;
  readonly eInh: Float64Array;
  /** τ, τe, τi and dt in seconds (ms·0.001, the doubles Brian2 holds for `x*ms`). */
  readonly tauS: Float64Array;
  readonly tauGeS: Float64Array;
  readonly tauGiS: Float64Array;
  readonly dtS: Float64Array;
  /** 1 for a lifCond neuron (its synapses go to g_e / g_i, not acc). */
  readonly isCond: Uint8Array;
  /** State: the conductances (0 at the start and after resetCondState). */
  readonly ge: Float64Array;
  readonly gi: Float64Array;
}

/** Whether some neuron of the program is a conductance-based LIF. */
export function programHasCond(program: ChipProgram): boolean {
  return program.cores.some((cp) => cp.neurons.condERest !== undefined);
}

/** The conductance parameters and state over global neurons, or undefined for a program without lifCond neurons. */
export function buildCondState(program: ChipProgram, coreNeuronStart: Uint32Array, N: number, alloc: ArrayAllocator): CondState | undefined {
  if (!programHasCond(program)) return undefined;
  const st: CondState = {
    eRest: alloc.f64(N), eExc: alloc.f64(N), eInh: alloc.f64(N), tauS: alloc.f64(N).fill(1), tauGeS: alloc.f64(N).fill(1), tauGiS: alloc.f64(N).fill(1), dtS: alloc.f64(N),
    isCond: alloc.u8(N), ge: alloc.f64(N), gi: alloc.f64(N),
  };
  program.cores.forEach((cp, c) => {
    const p = cp.neurons;
    const n0 = coreNeuronStart[c];
    if (p.condERest === undefined || p.dynamics === undefined) return;
    for (let i = 0; i < cp.neuronCount; i++) {
      if (p.dynamics[i] !== NeuronDynamics.lifCond) continue;
      const n = n0 + i;
      st.isCond[n] = 1;
      st.eRest[n] = p.condERest[i];
      st.eExc[n] = p.condEExc![i];
      st.eInh[n] = p.condEInh![i];
      st.tauS[n] = p.condTauMs![i] * MS;
      st.tauGeS[n] = p.condTauGeMs![i] * MS;
      st.tauGiS[n] = p.condTauGiMs![i] * MS;
      st.dtS[n] = p.condDtMs![i] * MS;
    }
  });
  return st;
}

/** Conductances back to 0 (the state reset between samples, with v ← vInit). */
export function resetCondState(cs: CondState | undefined): void {
  if (cs === undefined) return;
  cs.ge.fill(0);
  cs.gi.fill(0);
}

/**
 * Phase 1 for the synapses [lo, hi) of the wide layout: onto a lifCond target, w > 0 → g_e += w, w < 0 →
 * g_i += −w; onto any other target acc += w (and gotInput when the program marks targets).
 */
export function deliverCondRange(cs: CondState, lo: number, hi: number, synTarget: Uint32Array, synWeight: Float64Array, acc: Float64Array, gotInput: Uint8Array | undefined): void {
  for (let s = lo; s < hi; s++) {
    const tg = synTarget[s];
    deliverCondOne(cs, tg, synWeight[s], acc);
    if (gotInput !== undefined) gotInput[tg] = 1;
  }
}

/**
 * One synapse's arrival onto target tg (deliverCondRange, and the plastic path, which reads each weight before
 * its update): w > 0 → g_e += w, w < 0 → g_i += −w onto a lifCond target, acc += w otherwise.
 */
export function deliverCondOne(cs: CondState, tg: number, w: number, acc: Float64Array): void {
  if (cs.isCond[tg] === 1) {
    if (w > 0) cs.ge[tg] += w;
    else if (w < 0) cs.gi[tg] += -w;
  } else acc[tg] += w;
}

/**
 * The Euler step of lifCond neuron n (header): updates g_e and g_i, and returns v' (the caller keeps v when
 * the neuron is refractory). Written out so that every operation is the one Brian2 performs, in its order.
 */
export function condStep(cs: CondState, n: number, v: number): number {
  const ge = cs.ge[n];
  const gi = cs.gi[n];
  const dt = cs.dtS[n];
  const mdt = -dt;
  cs.ge[n] = (mdt * ge) / cs.tauGeS[n] + ge;
  cs.gi[n] = (mdt * gi) / cs.tauGiS[n] + gi;
  return (dt * (((cs.eRest[n] + ge * (cs.eExc[n] - v)) + gi * (cs.eInh[n] - v)) - v)) / cs.tauS[n] + v;
}
