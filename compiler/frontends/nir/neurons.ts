/**
 * NIR neuron nodes → chip compartments (chip/program/types.ts), NIR-literal discretisation:
 * forward Euler with step dt, the input x(t) (spikes as a value held for one step) entering the
 * step it arrives (nir-notes §4). With k = dt/τ:
 *
 *   LIF / LI    v ← v + k·(v_leak − v + r·x)          = (1−k)·v + k·r·x + k·v_leak
 *   IF / I      v ← v + r·x   (no τ: integrated once per step, no dt — Sinabs, Spyx)
 *   CubaLIF/LI  i ← i + k_s·(−i + w_in·x)  then  v ← v + k_m·(v_leak − v + r·i)
 *   Threshold   z = H(x − θ)  (stateless)
 *   then z = v > v_threshold and, where z, v ← v_reset (or v − v_threshold with reset "subtract").
 *   Reset "snntorch-subtract" (snnTorch: U[t+1] = βU[t] + I[t+1] − θ·S[t]): no reset at the spike; θ comes
 *   off in the next step's v through a self-synapse (`resetInput`, placed by lower.ts). For β = 1 (IF) that
 *   is the subtract reset, which those neurons get instead (no self-synapse).
 *
 * Chip form (u = synaptic current, I = weighted input arriving this tick):
 *   u ← currentDecay·u + inputGain·I ;  v ← (voltageDecay·v + u) + bias
 * The per-neuron input scale `gain` is folded into the synapse weights (inputGain stays 1), so the
 * chip's u is the NIR input already scaled into volts:
 *   LIF/LI:   voltageDecay = 1 − k, currentDecay = 0, gain = k·r,      vConst = k·v_leak
 *   IF/I:     voltageDecay = 1,     currentDecay = 0, gain = r,        vConst = 0
 *   Cuba*:    voltageDecay = 1 − k_m, currentDecay = 1 − k_s, gain = k_m·r·k_s·w_in, vConst = k_m·v_leak
 *             (u = k_m·r·i: then u ← (1−k_s)·u + k_m·r·k_s·w_in·x and v ← (1−k_m)·v + u + k_m·v_leak)
 *   Threshold: voltageDecay = 0, currentDecay = 0, gain = 1 (v = x each step), reset none
 * `vConst` is a drive into v every step from step 0 on; lower.ts decides how it reaches the chip.
 */
import { AerchipError, type Diagnostic } from "../../../core/diagnostics.ts";
import { ResetMode, ThresholdOp } from "../../../chip/program/types.ts";
import type { NeuronParamsIR } from "../../ir/types.ts";
import type { ResolvedNirOptions } from "./options.ts";
import type { NirNeuronNode, NirTensor } from "./types.ts";

export interface LoweredNeuron {
  readonly params: NeuronParamsIR;
  readonly spiking: boolean;
  /** Input scale per neuron, multiplied into every synapse weight onto it. */
  readonly gain: Float64Array;
  /** Constant drive into v per step (from step 0). */
  readonly vConst: Float64Array;
  /**
   * Reset "snntorch-subtract": θ per neuron, to take off v in the step after each spike (lower.ts adds the
   * self-synapses); 0 for the neurons with β = 1, which reset by subtraction at the spike instead.
   */
  readonly resetInput?: Float64Array;
}

function per(t: NirTensor, size: number): Float64Array {
  if (t.data.length === size) return t.data;
  return new Float64Array(size).fill(t.data[0]);
}

export function lowerNeuron(n: NirNeuronNode, size: number, opts: ResolvedNirOptions, file: string, warnings: Diagnostic[]): LoweredNeuron {
  const dt = opts.dtSeconds;
  const voltageDecay = new Float64Array(size);
  const currentDecay = new Float64Array(size);
  const gain = new Float64Array(size);
  const vConst = new Float64Array(size);
  const vThreshold = new Float64Array(size);
  const vReset = new Float64Array(size);
  let resetMode: ResetMode = ResetMode.zero;
  let resetInput: Float64Array | undefined;
  let spiking = true;

  const rate = (t: NirTensor, field: string): Float64Array => {
    const tau = per(t, size);
    const k = new Float64Array(size);
    let unstable = false;
    for (let i = 0; i < size; i++) {
      if (!(tau[i] > 0)) {
        throw new AerchipError("E_NIR_PARAM", `node "${n.name}" (${n.type}): ${field}[${i}] = ${tau[i]}; time constants must be > 0`, { file, field: `${n.path}/${field}`, hint: "time constants are in seconds and positive" });
      }
      k[i] = dt / tau[i];
      if (k[i] > 1) unstable = true;
    }
    if (unstable) {
      warnings.push({
        code: "W_NIR_DT_LARGE", severity: "warning", file, field: `${n.path}/${field}`,
        message: `node "${n.name}" (${n.type}): dt = ${dt} s exceeds ${field} for some neurons, so the Euler step overshoots (decay < 0)`,
        hint: "check the dt option against the model's time constants (NIR stores seconds)",
      });
    }
    return k;
  };

  switch (n.type) {
    case "LIF":
    case "LI": {
      const k = rate(n.tau, "tau");
      const r = per(n.r, size);
      const vl = per(n.vLeak, size);
      for (let i = 0; i < size; i++) {
        voltageDecay[i] = 1 - k[i];
        gain[i] = k[i] * r[i];
        vConst[i] = k[i] * vl[i];
      }
      break;
    }
    case "IF":
    case "I": {
      const r = per(n.r, size);
      for (let i = 0; i < size; i++) {
        voltageDecay[i] = 1;
        gain[i] = r[i];
      }
      break;
    }
    case "CubaLIF":
    case "CubaLI": {
      const ks = rate(n.tauSyn, "tau_syn");
      const km = rate(n.tauMem, "tau_mem");
      const r = per(n.r, size);
      const vl = per(n.vLeak, size);
      const w = per(n.wIn, size);
      for (let i = 0; i < size; i++) {
        voltageDecay[i] = 1 - km[i];
        currentDecay[i] = 1 - ks[i];
        gain[i] = km[i] * r[i] * ks[i] * w[i];
        vConst[i] = km[i] * vl[i];
      }
      break;
    }
    case "Threshold": {
      const th = per(n.threshold, size);
      vThreshold.set(th);
      gain.fill(1);
      resetMode = ResetMode.none;
      break;
    }
  }

  if (n.type === "LI" || n.type === "I" || n.type === "CubaLI") {
    spiking = false;
    resetMode = ResetMode.none;
  }
  if (n.type === "IF" || n.type === "LIF" || n.type === "CubaLIF") {
    vThreshold.set(per(n.vThreshold, size));
    vReset.set(per(n.vReset, size));
    let mode = opts.resetByNode[n.name] ?? opts.reset;
    if (n.type === "IF" && opts.ifMultiSpike) {
      if (!opts.lenient) {
        throw new AerchipError("E_NIR_MULTISPIKE", `node "${n.name}" (IF): a multi-spike IF (several spikes per step) cannot be expressed; the chip emits at most one spike per neuron and tick`, {
          file, field: n.path, hint: "drop ifMultiSpike (single-spike IF), or add lenient to lower it as a single-spike IF with subtract reset (extra spikes spill into later steps)",
        });
      }
      warnings.push({
        code: "W_NIR_MULTISPIKE", severity: "warning", file, field: n.path,
        message: `node "${n.name}" (IF): multi-spike output lowered as one spike per step with subtract reset; a neuron that should emit n > 1 spikes in a step emits them over n steps`,
        hint: "expect different spike timing where membranes exceed twice the threshold",
      });
      mode = "subtract";
    }
    resetMode = mode === "subtract" ? ResetMode.subtract : mode === "snntorch-subtract" ? ResetMode.none : ResetMode.zero;
    if (mode === "snntorch-subtract") resetInput = Float64Array.from(vThreshold);
  }
  const resetModes = new Uint8Array(size).fill(resetMode);
  // snntorch-subtract on a neuron that does not decay (β = voltageDecay = 1: IF; a LIF/CubaLIF only if
  // dt/τ_mem rounds to 0): U[t+1] = U[t] + I[t+1] − θ·S[t] is the compartment's subtract reset
  // (v ← v − θ at the spike, then v[t+1] = (v[t] − θ) + u[t+1]), whatever currentDecay does to u (the
  // self-synapses cancel the current's share, so v sees −θ once either way). Those neurons get that reset
  // and no self-synapse (resetInput 0): no extra synapses, synaptic events, nor mixed-sign sources on
  // chips with one weight sign per source neuron (odin; audit s23x #9).
  if (resetInput !== undefined) {
    for (let i = 0; i < size; i++) {
      if (voltageDecay[i] !== 1) continue;
      resetModes[i] = ResetMode.subtract;
      resetInput[i] = 0;
    }
    if (resetInput.every((th) => th === 0)) resetInput = undefined;
  }

  const params: NeuronParamsIR = {
    voltageDecay,
    currentDecay,
    inputGain: new Float64Array(size).fill(1),
    bias: new Float64Array(size),
    vThreshold,
    vReset,
    vInit: new Float64Array(size),
    resetMode: resetModes,
    // NIR: z = v > v_threshold (strict).
    thresholdOp: new Uint8Array(size).fill(ThresholdOp.gt),
    refractoryTicks: new Uint32Array(size),
  };
  return { params, spiking, gain, vConst, ...(resetInput === undefined ? {} : { resetInput }) };
}
