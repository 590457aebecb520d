import { COND_FIELDS, NeuronDynamics, ResetMode, type CondField } from "./types.ts";

/**
 * A neuron's configuration: the parameters a core stores once per distinct configuration (Loihi's
 * compartment profiles, TrueNorth's per-core neuron types), as one string key. Two neurons with equal keys
 * share a configuration entry; a core holds at most `core.maxNeuronConfigs` distinct keys.
 *
 * One function for both sides of that limit: the compiler counts keys while it fills cores from the
 * graph IR (compiler/passes/partition.ts), and a compiled program is checked against a chip by counting
 * the same keys over its cores (chip/program/fits-spec.ts).
 */
export interface NeuronConfig {
  readonly spiking: boolean;
  readonly voltageDecay: number;
  readonly currentDecay: number;
  readonly vThreshold: number;
  readonly vReset: number;
  readonly resetMode: number;
  readonly thresholdOp: number;
  readonly refractoryTicks: number;
  readonly dynamics: number;
  readonly thetaPlus: number;
  readonly thetaDecay: number;
  /**
   * Membrane lower bound of a compartment neuron (reverseResetMode = saturate: vMin = vReverseThreshold);
   * absent = unbounded. It is appended to the key only when present, so every unbounded neuron keeps the
   * key it had before bounds existed (and every existing partition stays as it was).
   */
  readonly vMin?: number;
  /** Bounded homeostasis (thetaDrift, thetaMin, thetaMax); appended to the key only when present, as vMin. */
  readonly thetaBounds?: readonly [drift: number, min: number, max: number];
  /** Conductance-LIF parameters (E_rest, E_exc, E_inh, τ, τe, τi, dt) of a lifCond neuron; appended only when present. */
  readonly cond?: readonly number[];
}

/** NeuronConfig.cond of neuron i: its lifCond parameters when it is a lifCond neuron. */
export function condAt(p: { readonly dynamics?: Uint8Array } & { readonly [K in CondField]?: Float64Array }, i: number): readonly number[] | undefined {
  if (p.dynamics?.[i] !== NeuronDynamics.lifCond) return undefined;
  return COND_FIELDS.map((f) => p[f]?.[i] ?? 0);
}

/**
 * The vMin of NeuronConfig from a neuron's parameters: vReverseThreshold when the neuron is of compartment
 * dynamics (not sanafeLif) and its reverse reset mode is saturate, else undefined (no bound).
 */
export function compartmentVMin(dynamics: number, reverseResetMode: number | undefined, vReverseThreshold: number | undefined): number | undefined {
  return dynamics === NeuronDynamics.compartment && reverseResetMode === ResetMode.saturate ? vReverseThreshold ?? -Infinity : undefined;
}

/** NeuronConfig.thetaBounds of neuron i from its (optional) homeostasis arrays. */
export function thetaBoundsAt(p: { readonly thetaDrift?: Float64Array; readonly thetaMin?: Float64Array; readonly thetaMax?: Float64Array }, i: number): NeuronConfig["thetaBounds"] {
  return p.thetaDrift === undefined || p.thetaMin === undefined || p.thetaMax === undefined ? undefined : [p.thetaDrift[i], p.thetaMin[i], p.thetaMax[i]];
}

/** Input neurons have no parameters: they all share one configuration. */
export const INPUT_NEURON_CONFIG = "input";

export function neuronConfigKey(c: NeuronConfig): string {
  return `${c.spiking ? 1 : 0}|${c.voltageDecay}|${c.currentDecay}|${c.vThreshold}|${c.vReset}|${c.resetMode}|${c.thresholdOp}|${c.refractoryTicks}|${c.dynamics}|${c.thetaPlus}|${c.thetaDecay}${c.vMin === undefined ? "" : `|vMin=${c.vMin}`}${c.thetaBounds === undefined ? "" : `|theta=${c.thetaBounds.join(",")}`}${c.cond === undefined ? "" : `|cond=${c.cond.join(",")}`}`;
}
