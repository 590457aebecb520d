/**
 * Phase 2 of a tick: every core's neurons in local order (chip/program/types.ts equations). Each core is
 * classified once per state (when it is built) and updated by the tightest kernel that is exact for it:
 *   input    all neurons are input neurons: they fire when the stimulus says so;
 *   lif      compartment dynamics in float64, no adaptive threshold, no input neuron;
 *   lifUniform  the same when the core's neurons share every parameter but the bias (a Loihi
 *            compartment profile): the parameters are read once per core, so the loop streams only the
 *            neuron state (acc, u, v, refractory count, bias);
 *   lifFixed the same in the chip's fixed-point arithmetic;
 *   sanafe   SANA-FE's leaky_integrate_fire soma on every neuron, no input neuron (sanafeUniform: with
 *            shared parameters but the bias, as lifUniform);
 *   generic  anything else (mixed kinds or dynamics, adaptive thresholds, a membrane lower bound vMin on a
 *            compartment neuron, conductance-based LIF neurons: cond.ts): every case per neuron. Only this kernel applies vMin, so the others
 *            (and the WebAssembly ones) never meet a bounded neuron and run as before.
 * Kernels run over a range of cores [c0, c1) of one class (each core [lo, hi) in turn), append fired
 * neurons to the run's fired list with the running soma work of their core when they fired (for the
 * detailed timing model), and write each core's tallies to `x.coreTally` = [accesses, updates, updates
 * with input, fired, overflows]. They keep no state of their own; disjoint core ranges can run in parallel
 * given their own fired lists.
 */
import { NeuronDynamics, NeuronKind, ResetMode, ThresholdOp } from "../program/types.ts";
import type { SimState } from "./state.ts";
import { condStep, type CondState } from "./cond.ts";
import type { WasmKernelExports } from "./wasm/kernels.ts";

export const CoreClass = { empty: 0, input: 1, lif: 2, lifFixed: 3, sanafe: 4, generic: 5, lifUniform: 6, sanafeUniform: 7 } as const;
export type CoreClass = (typeof CoreClass)[keyof typeof CoreClass];

export const TALLY_ACCESSES = 0;
export const TALLY_UPDATES = 1;
export const TALLY_WITH_INPUT = 2;
export const TALLY_FIRED = 3;
export const TALLY_OVERFLOWS = 4;
export const TALLY_COUNT = 5;

/** Everything the update kernels read and write, gathered once per run. */
export interface UpdateContext {
  readonly kind: Uint8Array;
  readonly spiking: Uint8Array;
  readonly voltageDecay: Float64Array;
  readonly currentDecay: Float64Array;
  readonly inputGain: Float64Array;
  readonly bias: Float64Array;
  /** Per core, 1 when all its biases are +0 (SimState.coreBiasZero; read by the WebAssembly kernels only). */
  readonly coreBiasZero: Uint8Array;
  readonly vThreshold: Float64Array;
  readonly vReset: Float64Array;
  readonly resetMode: Uint8Array;
  readonly thresholdOp: Uint8Array;
  readonly refractoryTicks: Uint32Array;
  readonly v: Float64Array;
  readonly u: Float64Array;
  readonly acc: Float64Array;
  readonly refractoryLeft: Uint32Array;
  /** sanafeLif fields (empty arrays when the program has no dynamics). */
  readonly dynamics: Uint8Array;
  readonly vTruncScale: Float64Array;
  readonly vReverseThreshold: Float64Array;
  readonly reverseResetMode: Uint8Array;
  readonly vReverseReset: Float64Array;
  readonly forceUpdate: Uint8Array;
  readonly hasDynamics: boolean;
  /**
   * The program carries reverse-threshold fields (SANA-FE somas, or compartment neurons with a membrane
   * lower bound: reverseResetMode = saturate, vMin = vReverseThreshold; chip/program/types.ts).
   */
  readonly hasReverse: boolean;
  /** Adaptive threshold (empty when absent). */
  readonly theta: Float64Array;
  readonly thetaPlus: Float64Array;
  readonly thetaDecay: Float64Array;
  readonly hasTheta: boolean;
  /** Bounded homeostasis (empty when absent): θ ← min(thetaMax, max(thetaMin, θ − thetaDrift)) at the end of each tick. */
  readonly thetaDrift: Float64Array;
  readonly thetaMin: Float64Array;
  readonly thetaMax: Float64Array;
  readonly hasThetaBounds: boolean;
  /** Conductance-based LIF neurons (cond.ts; undefined when the program has none: only `generic` cores read it). */
  readonly cond: CondState | undefined;
  /** A synapse reached the neuron this tick (programs with dynamics; else empty). */
  readonly gotInput: Uint8Array;
  /** Input neurons the stimulus fires this tick (set for `generic` cores only). */
  readonly inputNow: Uint8Array;
  /**
   * Runs whose stimulus keeps repeats (`--input-counts`): per neuron of a `generic` core, the times the
   * stimulus names it this tick (it fires that often); empty otherwise.
   */
  readonly inputRepeat: Uint32Array;
  /** Fired list of the tick and, per entry, the core's accessed / updated / fired counts when it fired. */
  readonly fired: Uint32Array;
  readonly firedAccessed: Uint32Array;
  readonly firedUpdated: Uint32Array;
  readonly firedFired: Uint32Array;
  /** Count updates with input (Loihi-style specs) rather than all updates in firedUpdated. */
  readonly updatedWithInput: boolean;
  readonly fixed: boolean;
  readonly decayDen: number;
  readonly stateLim: number;
  readonly curLim: number;
  /** Per core [c·TALLY_COUNT + TALLY_*], written by the kernels for the cores they update this tick. */
  readonly coreTally: Float64Array;
  readonly coreNeuronStart: Uint32Array;
  /** Position in the tick's stimulus list (input cores, in core order). */
  readonly stimCursor: Int32Array;
  /**
   * The WebAssembly kernels and the address of this context's block in their memory (wasm/binding.ts),
   * when the run uses them; `lifUniform` cores then run in WebAssembly.
   */
  wasm: WasmKernelExports | undefined;
  wasmContext: number;
}

/** The class of every core (see the header). */
export function classifyCores(st: Omit<SimState, "coreClass" | "coreClassFixedPoint" | "coreBiasZero">, fixed: boolean): Uint8Array {
  const out = new Uint8Array(st.coreCount);
  const { kind, dynamics, coreNeuronStart } = st;
  for (let c = 0; c < st.coreCount; c++) {
    const lo = coreNeuronStart[c];
    const hi = coreNeuronStart[c + 1];
    if (hi === lo) { out[c] = CoreClass.empty; continue; }
    let inputs = 0;
    let sanafe = 0;
    let bounded = 0;
    for (let n = lo; n < hi; n++) {
      if (kind[n] === NeuronKind.input) inputs++;
      else if (dynamics !== undefined && dynamics[n] === NeuronDynamics.sanafeLif) sanafe++;
      else if (dynamics !== undefined && dynamics[n] === NeuronDynamics.lifCond) bounded++; // conductance LIF: generic only
      else if (hasMembraneBound(st.reverseResetMode, n)) bounded++;
    }
    const count = hi - lo;
    if (inputs === count) out[c] = CoreClass.input;
    else if (inputs > 0) out[c] = CoreClass.generic;
    else if (sanafe === count) out[c] = sanafeUniform(st, lo, hi) ? CoreClass.sanafeUniform : CoreClass.sanafe;
    else if (sanafe > 0 || bounded > 0 || st.theta !== undefined) out[c] = CoreClass.generic;
    else if (fixed) out[c] = CoreClass.lifFixed;
    else out[c] = lifUniform(st, lo, hi) ? CoreClass.lifUniform : CoreClass.lif;
  }
  return out;
}

/**
 * Whether compartment neuron n has a membrane lower bound vMin (= vReverseThreshold[n]): its reverse reset
 * mode is `saturate` (chip/program/types.ts). Only for neurons of `compartment` dynamics; a sanafeLif
 * neuron's reverse threshold is its own rule.
 */
export function hasMembraneBound(reverseResetMode: Uint8Array | undefined, n: number): boolean {
  return reverseResetMode !== undefined && reverseResetMode[n] === ResetMode.saturate;
}

/**
 * The core classes of a run: those the state was built with (classified once, at build time) when the
 * run's precision is the program's, else classified now.
 */
export function coreClassesOf(st: SimState, fixed: boolean): Uint8Array {
  return st.coreClassFixedPoint === fixed ? st.coreClass : classifyCores(st, fixed);
}

/** Maximal runs of consecutive cores of one class, as (first core, end core, class) triples. */
export function classRuns(coreClass: Uint8Array): Uint32Array {
  const out: number[] = [];
  for (let c = 0; c < coreClass.length;) {
    let e = c + 1;
    while (e < coreClass.length && coreClass[e] === coreClass[c]) e++;
    out.push(c, e, coreClass[c]);
    c = e;
  }
  return Uint32Array.from(out);
}

/** Every element of a[lo..hi) is a[lo] (bit for bit: Object.is). */
function uniform(a: ArrayLike<number> | undefined, lo: number, hi: number): boolean {
  if (a === undefined) return true;
  const x = a[lo];
  for (let n = lo + 1; n < hi; n++) if (!Object.is(a[n], x)) return false;
  return true;
}

function lifUniform(st: Omit<SimState, "coreClass" | "coreClassFixedPoint" | "coreBiasZero">, lo: number, hi: number): boolean {
  return [st.currentDecay, st.inputGain, st.voltageDecay, st.vThreshold, st.vReset, st.resetMode, st.thresholdOp, st.refractoryTicks, st.spiking].every((a) => uniform(a, lo, hi));
}

function sanafeUniform(st: Omit<SimState, "coreClass" | "coreClassFixedPoint" | "coreBiasZero">, lo: number, hi: number): boolean {
  return [st.currentDecay, st.inputGain, st.voltageDecay, st.vThreshold, st.vReset, st.resetMode, st.thresholdOp, st.refractoryTicks, st.spiking,
    st.vTruncScale, st.vReverseThreshold, st.reverseResetMode, st.vReverseReset, st.forceUpdate].every((a) => uniform(a, lo, hi));
}

function record(x: UpdateContext, nFired: number, n: number, accessed: number, updated: number, firedSoFar: number): void {
  x.fired[nFired] = n;
  x.firedAccessed[nFired] = accessed;
  x.firedUpdated[nFired] = updated;
  x.firedFired[nFired] = firedSoFar;
}

function setTally(x: UpdateContext, c: number, accesses: number, updates: number, withInput: number, fired: number, overflows: number): void {
  const t = x.coreTally;
  const o = c * TALLY_COUNT;
  t[o + TALLY_ACCESSES] = accesses;
  t[o + TALLY_UPDATES] = updates;
  t[o + TALLY_WITH_INPUT] = withInput;
  t[o + TALLY_FIRED] = fired;
  t[o + TALLY_OVERFLOWS] = overflows;
}

/**
 * `input` cores [c0, c1): the stimulus' neurons of this tick among them. `stim` is the tick's sorted,
 * duplicate-free list, read from the cursor x.stimCursor[0] up to `to`; the cursor advances past them.
 */
export function fireInputs(x: UpdateContext, c0: number, c1: number, stim: Uint32Array, to: number, nFired: number): number {
  const lo = x.coreNeuronStart[c0];
  const hi = x.coreNeuronStart[c1];
  let k = x.stimCursor[0];
  while (k < to && stim[k] < lo) k++;
  for (; k < to && stim[k] < hi; k++) record(x, nFired++, stim[k], 0, 0, 0);
  x.stimCursor[0] = k;
  for (let c = c0; c < c1; c++) setTally(x, c, 0, 0, 0, 0, 0);
  return nFired;
}

/**
 * `lif` cores, float64: u ← currentDecay·u + inputGain·I; v ← (voltageDecay·v + u) + bias; fire iff
 * v ≥ θ (or v > θ), then reset and stay refractory (input discarded) for refractoryTicks ticks.
 */
export function updateLif(x: UpdateContext, c0: number, c1: number, _t: number, nFired: number): number {
  const cns = x.coreNeuronStart;
  for (let c = c0; c < c1; c++) {
    const lo = cns[c];
    const hi = cns[c + 1];
    const { acc, v, u, refractoryLeft, currentDecay, inputGain, voltageDecay, bias, spiking, thresholdOp, vThreshold, resetMode, vReset, refractoryTicks } = x;
    const withInputCounts = x.updatedWithInput;
    let updates = 0;
    let withInput = 0;
    let firedHere = 0;
    for (let n = lo; n < hi; n++) {
      const I = acc[n];
      acc[n] = 0;
      const left = refractoryLeft[n];
      if (left > 0) {
        refractoryLeft[n] = left - 1;
        continue;
      }
      updates++;
      if (I !== 0) withInput++;
      const un = currentDecay[n] * u[n] + inputGain[n] * I;
      let vn = voltageDecay[n] * v[n] + un + bias[n];
      u[n] = un;
      if (spiking[n] === 1) {
        const th = vThreshold[n];
        if (thresholdOp[n] === ThresholdOp.ge ? vn >= th : vn > th) {
          const rm = resetMode[n];
          if (rm === ResetMode.zero) vn = vReset[n];
          else if (rm === ResetMode.subtract) vn = vn - th;
          refractoryLeft[n] = refractoryTicks[n];
          firedHere++;
          record(x, nFired++, n, n - lo + 1, withInputCounts ? withInput : updates, firedHere);
        }
      }
      v[n] = vn;
    }
    setTally(x, c, hi - lo, updates, withInput, firedHere, 0);
  }
  return nFired;
}

/** `lifUniform` cores: updateLif with the core's shared parameters in registers (bias per neuron). */
export function updateLifUniform(x: UpdateContext, c0: number, c1: number, _t: number, nFired: number): number {
  // Everything the loop reads is a local: typed arrays, the core's parameters, the reset as two flags
  // (no call and no module-object load inside the loop, so V8 keeps the arrays' base pointers in registers).
  const { acc, v, u, refractoryLeft, bias, fired, firedAccessed, firedUpdated, firedFired, coreTally } = x;
  const cns = x.coreNeuronStart;
  const withInputCounts = x.updatedWithInput;
  for (let c = c0; c < c1; c++) {
    const lo = cns[c];
    const hi = cns[c + 1];
    const cd = x.currentDecay[lo];
    const ig = x.inputGain[lo];
    const vd = x.voltageDecay[lo];
    const th = x.vThreshold[lo];
    const vr = x.vReset[lo];
    const toValue = x.resetMode[lo] === ResetMode.zero;
    const subtract = x.resetMode[lo] === ResetMode.subtract;
    const ge = x.thresholdOp[lo] === ThresholdOp.ge;
    const rt = x.refractoryTicks[lo];
    const spiking = x.spiking[lo] === 1;
    let updates = 0;
    let withInput = 0;
    let firedHere = 0;
    for (let n = lo; n < hi; n++) {
      const I = acc[n];
      acc[n] = 0;
      const left = refractoryLeft[n];
      if (left > 0) {
        refractoryLeft[n] = left - 1;
        continue;
      }
      updates++;
      if (I !== 0) withInput++;
      const un = cd * u[n] + ig * I;
      let vn = vd * v[n] + un + bias[n];
      u[n] = un;
      if (spiking && (ge ? vn >= th : vn > th)) {
        if (toValue) vn = vr;
        else if (subtract) vn = vn - th;
        refractoryLeft[n] = rt;
        firedHere++;
        fired[nFired] = n;
        firedAccessed[nFired] = n - lo + 1;
        firedUpdated[nFired] = withInputCounts ? withInput : updates;
        firedFired[nFired] = firedHere;
        nFired++;
      }
      v[n] = vn;
    }
    const o = c * TALLY_COUNT;
    coreTally[o + TALLY_ACCESSES] = hi - lo;
    coreTally[o + TALLY_UPDATES] = updates;
    coreTally[o + TALLY_WITH_INPUT] = withInput;
    coreTally[o + TALLY_FIRED] = firedHere;
    coreTally[o + TALLY_OVERFLOWS] = 0;
  }
  return nFired;
}

/**
 * `lifFixed` cores (FixedPointProgram): u ← sat_c(trunc0(u·D_u / 2^decayBits) + I);
 * v ← sat_s(trunc0(v·D_v / 2^decayBits) + u + bias); each saturation counts one overflow.
 */
export function updateLifFixed(x: UpdateContext, c0: number, c1: number, _t: number, nFired: number): number {
  const cns = x.coreNeuronStart;
  for (let c = c0; c < c1; c++) {
    const lo = cns[c];
    const hi = cns[c + 1];
    const { acc, v, u, refractoryLeft, currentDecay, voltageDecay, bias, spiking, thresholdOp, vThreshold, resetMode, vReset, refractoryTicks, decayDen, stateLim, curLim } = x;
    const withInputCounts = x.updatedWithInput;
    let updates = 0;
    let withInput = 0;
    let firedHere = 0;
    let overflows = 0;
    for (let n = lo; n < hi; n++) {
      const I = acc[n];
      acc[n] = 0;
      const left = refractoryLeft[n];
      if (left > 0) {
        refractoryLeft[n] = left - 1;
        continue;
      }
      updates++;
      if (I !== 0) withInput++;
      let un = Math.trunc((u[n] * currentDecay[n]) / decayDen) + I;
      if (un > curLim) { un = curLim; overflows++; } else if (un < -curLim) { un = -curLim; overflows++; }
      let vn = Math.trunc((v[n] * voltageDecay[n]) / decayDen) + un + bias[n];
      if (vn > stateLim) { vn = stateLim; overflows++; } else if (vn < -stateLim) { vn = -stateLim; overflows++; }
      u[n] = un;
      if (spiking[n] === 1) {
        const th = vThreshold[n];
        if (thresholdOp[n] === ThresholdOp.ge ? vn >= th : vn > th) {
          const rm = resetMode[n];
          if (rm === ResetMode.zero) vn = vReset[n];
          else if (rm === ResetMode.subtract) vn = vn - th;
          refractoryLeft[n] = refractoryTicks[n];
          firedHere++;
          record(x, nFired++, n, n - lo + 1, withInputCounts ? withInput : updates, firedHere);
        }
      }
      v[n] = vn;
    }
    setTally(x, c, hi - lo, updates, withInput, firedHere, overflows);
  }
  return nFired;
}

/** SANA-FE leaky_integrate_fire (docs/sanafe.md §4), chip/program/types.ts NeuronDynamics.sanafeLif. */
export function updateSanafe(x: UpdateContext, c0: number, c1: number, t: number, nFired: number): number {
  const cns = x.coreNeuronStart;
  for (let c = c0; c < c1; c++) {
    const lo = cns[c];
    const hi = cns[c + 1];
    const { acc, v, u, refractoryLeft, currentDecay, inputGain, voltageDecay, bias, spiking, thresholdOp, vThreshold, resetMode, vReset, refractoryTicks } = x;
    const { gotInput, forceUpdate, vTruncScale, vReverseThreshold, reverseResetMode, vReverseReset } = x;
    const withInputCounts = x.updatedWithInput;
    let updates = 0;
    let withInput = 0;
    let firedHere = 0;
    for (let n = lo; n < hi; n++) {
      const I = acc[n];
      acc[n] = 0;
      let vn = v[n];
      let updated = vn !== 0 || gotInput[n] === 1 || bias[n] !== 0 || forceUpdate[n] === 1;
      gotInput[n] = 0;
      let un = u[n];
      if (t > 0) {
        un = currentDecay[n] * un;
        vn = voltageDecay[n] * vn;
      }
      const scale = vTruncScale[n];
      if (scale > 0) vn = Math.trunc(vn * scale) / scale;
      let didFire = false;
      if (refractoryLeft[n] > 0) {
        refractoryLeft[n]--;
      } else {
        vn = vn + bias[n];
        un = un + inputGain[n] * I;
        vn = vn + un;
        const th = vThreshold[n];
        if (spiking[n] === 1 && (thresholdOp[n] === ThresholdOp.gt ? vn > th : vn >= th)) {
          const rm = resetMode[n];
          if (rm === ResetMode.zero) vn = vReset[n];
          else if (rm === ResetMode.subtract) vn = vn - th;
          refractoryLeft[n] = refractoryTicks[n];
          didFire = true;
        }
        const rth = vReverseThreshold[n];
        if (vn < rth) {
          const rr = reverseResetMode[n];
          if (rr === ResetMode.zero) vn = vReverseReset[n];
          else if (rr === ResetMode.subtract) vn = vn - rth;
          else if (rr === ResetMode.saturate) vn = rth;
        }
      }
      u[n] = un;
      v[n] = vn;
      if (didFire) updated = true;
      if (updated) updates++;
      if (I !== 0) withInput++;
      if (didFire) {
        firedHere++;
        record(x, nFired++, n, n - lo + 1, withInputCounts ? withInput : updates, firedHere);
      }
    }
    setTally(x, c, hi - lo, updates, withInput, firedHere, 0);
  }
  return nFired;
}

/** `sanafeUniform` cores: updateSanafe with the core's shared parameters in registers (bias per neuron). */
export function updateSanafeUniform(x: UpdateContext, c0: number, c1: number, t: number, nFired: number): number {
  // As updateLifUniform: locals only in the loop, resets as flags.
  const { acc, v, u, refractoryLeft, bias, gotInput, fired, firedAccessed, firedUpdated, firedFired, coreTally } = x;
  const cns = x.coreNeuronStart;
  const withInputCounts = x.updatedWithInput;
  const decay = t > 0;
  for (let c = c0; c < c1; c++) {
    const lo = cns[c];
    const hi = cns[c + 1];
    const cd = x.currentDecay[lo];
    const ig = x.inputGain[lo];
    const vd = x.voltageDecay[lo];
    const th = x.vThreshold[lo];
    const vr = x.vReset[lo];
    const toValue = x.resetMode[lo] === ResetMode.zero;
    const subtract = x.resetMode[lo] === ResetMode.subtract;
    const gt = x.thresholdOp[lo] === ThresholdOp.gt;
    const rt = x.refractoryTicks[lo];
    const spiking = x.spiking[lo] === 1;
    const scale = x.vTruncScale[lo];
    // trunc(v·s)/s; for a power of two s (Loihi: 64) the division is the exact product with 1/s.
    const invScale = 1 / scale;
    const pow2 = scale > 0 && scale === 2 ** Math.round(Math.log2(scale)) && Number.isFinite(invScale) && invScale * scale === 1;
    const rth = x.vReverseThreshold[lo];
    const rr = x.reverseResetMode[lo];
    const revToValue = rr === ResetMode.zero;
    const revSubtract = rr === ResetMode.subtract;
    const revSaturate = rr === ResetMode.saturate;
    const rreset = x.vReverseReset[lo];
    const force = x.forceUpdate[lo] === 1;
    let updates = 0;
    let withInput = 0;
    let firedHere = 0;
    for (let n = lo; n < hi; n++) {
      const I = acc[n];
      acc[n] = 0;
      let vn = v[n];
      const b = bias[n];
      let updated = vn !== 0 || gotInput[n] === 1 || b !== 0 || force;
      gotInput[n] = 0;
      let un = u[n];
      if (decay) {
        un = cd * un;
        vn = vd * vn;
      }
      if (scale > 0) vn = pow2 ? Math.trunc(vn * scale) * invScale : Math.trunc(vn * scale) / scale;
      let didFire = false;
      const left = refractoryLeft[n];
      if (left > 0) {
        refractoryLeft[n] = left - 1;
      } else {
        vn = vn + b;
        un = un + ig * I;
        vn = vn + un;
        if (spiking && (gt ? vn > th : vn >= th)) {
          if (toValue) vn = vr;
          else if (subtract) vn = vn - th;
          refractoryLeft[n] = rt;
          didFire = true;
        }
        if (vn < rth) {
          if (revToValue) vn = rreset;
          else if (revSubtract) vn = vn - rth;
          else if (revSaturate) vn = rth;
        }
      }
      u[n] = un;
      v[n] = vn;
      if (didFire) updated = true;
      if (updated) updates++;
      if (I !== 0) withInput++;
      if (didFire) {
        firedHere++;
        fired[nFired] = n;
        firedAccessed[nFired] = n - lo + 1;
        firedUpdated[nFired] = withInputCounts ? withInput : updates;
        firedFired[nFired] = firedHere;
        nFired++;
      }
    }
    const o = c * TALLY_COUNT;
    coreTally[o + TALLY_ACCESSES] = hi - lo;
    coreTally[o + TALLY_UPDATES] = updates;
    coreTally[o + TALLY_WITH_INPUT] = withInput;
    coreTally[o + TALLY_FIRED] = firedHere;
    coreTally[o + TALLY_OVERFLOWS] = 0;
  }
  return nFired;
}

/** θ clipped to [lo, hi] (chip/program/types.ts thetaDrift: the homeostasis bounds). */
function boundedTheta(th: number, lo: number, hi: number): number {
  return th < lo ? lo : th > hi ? hi : th;
}

/** Any core: input neurons, both dynamics, adaptive thresholds and fixed point, decided per neuron. */
export function updateGeneric(x: UpdateContext, c0: number, c1: number, t: number, nFired: number): number {
  const cns = x.coreNeuronStart;
  for (let c = c0; c < c1; c++) {
    const lo = cns[c];
    const hi = cns[c + 1];
    const { kind, acc, v, u, refractoryLeft, currentDecay, inputGain, voltageDecay, bias, spiking, thresholdOp, vThreshold, resetMode, vReset, refractoryTicks } = x;
    const { gotInput, forceUpdate, vTruncScale, vReverseThreshold, reverseResetMode, vReverseReset, dynamics, hasDynamics, hasReverse, theta, thetaPlus, thetaDecay, hasTheta, inputNow } = x;
    const { thetaDrift, thetaMin, thetaMax, hasThetaBounds } = x;
    const { fixed, decayDen, stateLim, curLim, cond } = x;
    const withInputCounts = x.updatedWithInput;
    let accesses = 0;
    let updates = 0;
    let withInput = 0;
    let firedHere = 0;
    let overflows = 0;
    for (let n = lo; n < hi; n++) {
      if (kind[n] === NeuronKind.input) {
        if (inputNow[n] === 1) {
          inputNow[n] = 0;
          record(x, nFired++, n, accesses, withInputCounts ? withInput : updates, firedHere);
          // A stimulus that keeps repeats: the neuron fires once more per repeat (update-cores.ts counts them).
          if (x.inputRepeat.length !== 0) {
            for (let r = 1; r < x.inputRepeat[n]; r++) record(x, nFired++, n, accesses, withInputCounts ? withInput : updates, firedHere);
            x.inputRepeat[n] = 0;
          }
        }
        continue;
      }
      accesses++;
      const I = acc[n];
      acc[n] = 0;
      let didFire = false;
      if (hasDynamics && dynamics[n] === NeuronDynamics.sanafeLif) {
        let vn = v[n];
        let updated = vn !== 0 || gotInput[n] === 1 || bias[n] !== 0 || forceUpdate[n] === 1;
        gotInput[n] = 0;
        let un = u[n];
        if (t > 0) {
          un = currentDecay[n] * un;
          vn = voltageDecay[n] * vn;
        }
        const scale = vTruncScale[n];
        if (scale > 0) vn = Math.trunc(vn * scale) / scale;
        if (refractoryLeft[n] > 0) {
          refractoryLeft[n]--;
        } else {
          vn = vn + bias[n];
          un = un + inputGain[n] * I;
          vn = vn + un;
          const th = vThreshold[n];
          if (spiking[n] === 1 && (thresholdOp[n] === ThresholdOp.gt ? vn > th : vn >= th)) {
            const rm = resetMode[n];
            if (rm === ResetMode.zero) vn = vReset[n];
            else if (rm === ResetMode.subtract) vn = vn - th;
            refractoryLeft[n] = refractoryTicks[n];
            didFire = true;
          }
          const rth = vReverseThreshold[n];
          if (vn < rth) {
            const rr = reverseResetMode[n];
            if (rr === ResetMode.zero) vn = vReverseReset[n];
            else if (rr === ResetMode.subtract) vn = vn - rth;
            else if (rr === ResetMode.saturate) vn = rth;
          }
        }
        u[n] = un;
        v[n] = vn;
        if (didFire) updated = true;
        if (updated) updates++;
        if (I !== 0) withInput++;
      } else {
        // A conductance LIF (cond.ts) had input when a synapse reached its g_e or g_i (acc stays 0).
        const isCond = cond !== undefined && dynamics[n] === NeuronDynamics.lifCond;
        const condInput = isCond && gotInput[n] === 1;
        if (hasDynamics) gotInput[n] = 0;
        // Adaptive threshold decays every tick, refractory or not: θ ← thetaDecay·θ.
        if (hasTheta) theta[n] *= thetaDecay[n];
        if (refractoryLeft[n] > 0) {
          refractoryLeft[n]--;
          // Its conductances decay while v is frozen, so a refractory conductance LIF is updated too.
          if (isCond) {
            condStep(cond, n, v[n]);
            updates++;
            if (condInput) withInput++;
          }
          // Homeostasis drifts refractory neurons too (one step per tick).
          if (hasThetaBounds) theta[n] = boundedTheta(theta[n] - thetaDrift[n], thetaMin[n], thetaMax[n]);
          continue;
        }
        updates++;
        if (I !== 0 || condInput) withInput++;
        let un: number;
        let vn: number;
        if (isCond) {
          // Forward Euler of v, g_e, g_i in Brian2's expression order (cond.ts); u is not used.
          un = u[n];
          vn = condStep(cond, n, v[n]);
        } else if (fixed) {
          un = Math.trunc((u[n] * currentDecay[n]) / decayDen) + I;
          if (un > curLim) { un = curLim; overflows++; } else if (un < -curLim) { un = -curLim; overflows++; }
          vn = Math.trunc((v[n] * voltageDecay[n]) / decayDen) + un + bias[n];
          if (vn > stateLim) { vn = stateLim; overflows++; } else if (vn < -stateLim) { vn = -stateLim; overflows++; }
        } else {
          un = currentDecay[n] * u[n] + inputGain[n] * I;
          vn = voltageDecay[n] * v[n] + un + bias[n];
        }
        u[n] = un;
        if (spiking[n] === 1) {
          const th = hasTheta ? vThreshold[n] + theta[n] : vThreshold[n];
          if (thresholdOp[n] === ThresholdOp.ge ? vn >= th : vn > th) {
            const rm = resetMode[n];
            if (rm === ResetMode.zero) vn = vReset[n];
            else if (rm === ResetMode.subtract) vn = vn - th;
            refractoryLeft[n] = refractoryTicks[n];
            didFire = true;
            if (hasTheta) theta[n] += thetaPlus[n];
          }
        }
        // Bounded homeostasis, after the spike's increment: θ ← min(thetaMax, max(thetaMin, θ − thetaDrift)).
        if (hasThetaBounds) theta[n] = boundedTheta(theta[n] - thetaDrift[n], thetaMin[n], thetaMax[n]);
        // Membrane lower bound, after the threshold and reset (where SANA-FE's reverse threshold acts):
        //   if v < vMin: v ← vMin    (vMin = vReverseThreshold with reverseResetMode = saturate; integer max in fixed point)
        if (hasReverse && reverseResetMode[n] === ResetMode.saturate) {
          const vMin = vReverseThreshold[n];
          if (vn < vMin) vn = vMin;
        }
        v[n] = vn;
      }
      if (didFire) {
        firedHere++;
        record(x, nFired++, n, accesses, withInputCounts ? withInput : updates, firedHere);
      }
    }
    setTally(x, c, accesses, updates, withInput, firedHere, overflows);
  }
  return nFired;
}
