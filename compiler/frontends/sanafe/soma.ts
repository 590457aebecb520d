/**
 * SANA-FE soma attributes → aerchip compartment parameters.
 *
 * `leaky_integrate_fire` (LoihiLifModel, src/models.cpp at 8951ab0) per neuron, with SANA-FE's defaults:
 *   threshold 0, reverse_threshold 0, reset 0, reverse_reset 0, reset_mode hard, reverse_reset_mode
 *   none, leak_decay 1, input_decay 0, bias 0, refractory_delay 0, potential 0, force_update false.
 * It becomes NeuronDynamics.sanafeLif with
 *   voltageDecay = leak_decay, currentDecay = input_decay, inputGain = 1, bias, vThreshold = threshold
 *   (fires on v > threshold: ThresholdOp.gt), vReset = reset, vInit = potential, vTruncScale = 64,
 *   resetMode hard → zero, soft → subtract, none/saturate → none (the Loihi soma ignores saturate),
 *   refractoryTicks = max(0, refractory_delay − 1) (SANA-FE sets the counter to refractory_delay on a
 *   spike and decrements it at the end of the same update, so a neuron sits out delay − 1 updates),
 *   reverse threshold/reset/mode as given, forceUpdate = force_update.
 */
import type { AttrReader } from "./scalars.ts";
import type { NeuronConfig } from "./snn-parse.ts";

export const ResetCode = { zero: 0, subtract: 1, none: 2, saturate: 3 } as const;

export interface LifParams {
  voltageDecay: number;
  currentDecay: number;
  bias: number;
  vThreshold: number;
  vReset: number;
  vInit: number;
  resetMode: number;
  refractoryTicks: number;
  vReverseThreshold: number;
  reverseResetMode: number;
  vReverseReset: number;
  forceUpdate: number;
}

/** Loihi's potentials keep 6 fraction bits in SANA-FE: v ← trunc(v·64)/64 after the leak. */
export const SANAFE_LOIHI_TRUNC_SCALE = 64;

/** Input-soma attributes (InputModel): a spike list, a rate and a Poisson probability. */
export interface InputParams {
  readonly spikes: readonly boolean[] | undefined;
  readonly rate: number;
  readonly poisson: number;
}

const RESET_MODES: Record<string, number> = { hard: ResetCode.zero, soft: ResetCode.subtract, none: ResetCode.none, saturate: ResetCode.saturate };

function resetMode(r: AttrReader, cfg: NeuronConfig, key: string, field: string, fallback: number): number {
  const e = cfg.attrs.get(key);
  if (e === undefined || !e.toSoma) return fallback;
  const s = r.string(e.a, `${field}.${key}`);
  const m = RESET_MODES[s];
  if (m === undefined) r.fail(`${field}.${key}`, e.a.line, `${key} "${s}" is not one of none, soft, hard, saturate`, "use none, soft, hard or saturate", "E_SANAFE_NETWORK");
  return m;
}

export function lifParams(r: AttrReader, cfg: NeuronConfig, field: string): LifParams {
  const num = (key: string, fallback: number): number => {
    const e = cfg.attrs.get(key);
    return e === undefined || !e.toSoma ? fallback : r.double(e.a, `${field}.${key}`);
  };
  const forceA = cfg.attrs.get("force_update") ?? cfg.attrs.get("force_update_every_timestep");
  const refr = cfg.attrs.get("refractory_delay");
  const delay = refr === undefined || !refr.toSoma ? 0 : r.int(refr.a, `${field}.refractory_delay`, -(2 ** 31), 2 ** 31 - 1);
  const forward = resetMode(r, cfg, "reset_mode", field, ResetCode.zero);
  return {
    voltageDecay: num("leak_decay", 1),
    currentDecay: num("input_decay", 0),
    bias: num("bias", 0),
    vThreshold: num("threshold", 0),
    vReset: num("reset", 0),
    vInit: num("potential", 0),
    resetMode: forward === ResetCode.saturate ? ResetCode.none : forward,
    refractoryTicks: Math.max(0, delay - 1),
    vReverseThreshold: num("reverse_threshold", 0),
    reverseResetMode: resetMode(r, cfg, "reverse_reset_mode", field, ResetCode.none),
    vReverseReset: num("reverse_reset", 0),
    forceUpdate: forceA !== undefined && forceA.toSoma && r.bool(forceA.a, `${field}.force_update`) ? 1 : 0,
  };
}

export function inputParams(r: AttrReader, cfg: NeuronConfig, field: string): InputParams {
  const spikesA = cfg.attrs.get("spikes");
  const rateA = cfg.attrs.get("rate");
  const poissonA = cfg.attrs.get("poisson");
  const spikes = spikesA === undefined || !spikesA.toSoma ? undefined : r.list(spikesA.a, `${field}.spikes`).map((a, i) => r.bool(a, `${field}.spikes[${i}]`));
  const rate = rateA === undefined || !rateA.toSoma ? 0 : r.double(rateA.a, `${field}.rate`);
  const poisson = poissonA === undefined || !poissonA.toSoma ? 0 : r.double(poissonA.a, `${field}.poisson`);
  if (rate > 1) {
    // SANA-FE computes t mod trunc(1/rate), a division by zero for rates above one spike per step.
    r.fail(`${field}.rate`, rateA?.a.line ?? 0, `rate ${rate} is above 1 spike per time step`, "SANA-FE's rate input fires every trunc(1/rate) steps; use a rate in (0, 1]", "E_SANAFE_NETWORK");
  }
  return { spikes, rate, poisson };
}
