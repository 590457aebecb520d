/**
 * Import options: what a NIR file cannot say (nir-notes §4), with documented defaults.
 * docs/nir.md explains each one for users.
 */
import { AerchipError } from "../../../core/diagnostics.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";

/**
 * Reset of spiking nodes (NIR has no field for it):
 *   to-v-reset         v ← v_reset at the spike (NIR-literal)
 *   subtract           v ← v − v_threshold at the spike, then the next step decays it: v[t+1] = β(v[t] − θ·z[t]) + x (Sinabs)
 *   snntorch-subtract  θ comes off in the next step, not decayed: v[t+1] = βv[t] + x − θ·z[t] (snnTorch's Leaky/Synaptic
 *                      default, reset_mechanism="subtract", reset_delay=True); the same as subtract for β = 1
 */
export type NirResetOption = "to-v-reset" | "subtract" | "snntorch-subtract";
const NIR_RESETS: readonly NirResetOption[] = ["to-v-reset", "subtract", "snntorch-subtract"];

export interface NirLoadOptions {
  /** Seconds per step for τ-based nodes (LI, LIF, CubaLI, CubaLIF, Delay). Default 1e-4 (NIR paper, snnTorch's exporter). */
  readonly dtSeconds?: number;
  /** Reset of spiking nodes (NirResetOption): "to-v-reset" (default), "subtract" or "snntorch-subtract". */
  readonly reset?: NirResetOption;
  /** Per-node reset overrides, by NIR node name. */
  readonly resetByNode?: Readonly<Record<string, NirResetOption>>;
  /**
   * The bias of an Affine on a cycle edge at step 0: "nirtorch" (default; also Norse) uses the back
   * edge's output of the previous step, so nothing (not even the bias) arrives at step 0;
   * "snntorch" applies the recurrent layer to the previous spikes (zero), so its bias arrives at step 0.
   */
  readonly recurrentBias?: "nirtorch" | "snntorch";
  /** IF nodes emit several spikes per step (Sinabs' multi-spike IAF). The chip emits one; see docs/nir.md. */
  readonly ifMultiSpike?: boolean;
  /**
   * Where constant drives (Affine/Conv biases, LIF v_leak terms) go: "source" (default) — synapses
   * from an always-firing bias neuron, exact on today's chip; "compartment" — the compartment's bias
   * field, exact only if the chip freezes a population until its latency tick (see docs/nir.md).
   */
  readonly bias?: "source" | "compartment";
  /**
   * The target chip's longest synaptic delay (core.maxDelayTicks). A bias into a population of latency L
   * needs a delay of L from `__nir_bias`, which fires from tick 0; where that exceeds this limit the drive
   * comes from a bias source that starts firing later (`__nir_bias_from_<tick>`), so the delay fits.
   * Default: no limit (one bias source, as on chips that hold the delays).
   */
  readonly maxDelayTicks?: number;
  /**
   * Whether the target chip keeps a delay per synapse (synapseEncoding.delayPerSynapse; default true). false
   * (truenorth: one delay per neuron output) gives every distinct delay of the bias drives its own source neuron
   * (`__nir_bias` for the shortest, `__nir_bias_delay_<d>` for each other delay d; `__nir_once` likewise), as a
   * source whose synapses have different delays is refused there (E_CORE_DELAY_PER_NEURON).
   */
  readonly delayPerSynapse?: boolean;
  /** Accept files NIR's type checker rejects (shape disagreements with equal element counts, …) with warnings. */
  readonly lenient?: boolean;
  /** Model name (default: the file's base name). */
  readonly name?: string;
  /** Steps to simulate when the user gives none (NIR stores none). Default 100. */
  readonly defaultSteps?: number;
}

export interface ResolvedNirOptions {
  readonly dtSeconds: number;
  readonly reset: NirResetOption;
  readonly resetByNode: Readonly<Record<string, NirResetOption>>;
  readonly recurrentBias: "nirtorch" | "snntorch";
  readonly ifMultiSpike: boolean;
  readonly bias: "source" | "compartment";
  readonly lenient: boolean;
  /** Infinity when not given. */
  readonly maxDelayTicks: number;
  /** true when not given. */
  readonly delayPerSynapse: boolean;
  readonly name: string;
  readonly defaultSteps: number;
}

export const NIR_DEFAULT_DT_SECONDS = 1e-4;

function bad(field: string, msg: string, hint: string): never {
  throw new AerchipError("E_NIR_OPTION", msg, { field, hint });
}

export function resolveNirOptions(o: NirLoadOptions, defaultName: string): ResolvedNirOptions {
  const dt = o.dtSeconds ?? NIR_DEFAULT_DT_SECONDS;
  if (!(Number.isFinite(dt) && dt > 0)) bad("dtSeconds", `dt must be a positive number of seconds, got ${dt}`, "give e.g. --dt 1e-4");
  const reset = o.reset ?? "to-v-reset";
  if (!NIR_RESETS.includes(reset)) bad("reset", `reset must be ${NIR_RESETS.map((r) => `"${r}"`).join(", ")}, got ${JSON.stringify(reset)}`, "choose a reset mode");
  for (const [k, v] of Object.entries(o.resetByNode ?? {})) {
    if (!NIR_RESETS.includes(v)) bad(`resetByNode.${k}`, `reset of node "${k}" must be ${NIR_RESETS.map((r) => `"${r}"`).join(", ")}`, "choose a reset mode");
  }
  const recurrentBias = o.recurrentBias ?? "nirtorch";
  if (recurrentBias !== "nirtorch" && recurrentBias !== "snntorch") bad("recurrentBias", `recurrentBias must be "nirtorch" or "snntorch"`, "choose a convention");
  const bias = o.bias ?? "source";
  if (bias !== "source" && bias !== "compartment") bad("bias", `bias must be "source" or "compartment"`, "choose where constant drives go");
  const maxDelayTicks = o.maxDelayTicks ?? Infinity;
  if (!(maxDelayTicks === Infinity || (Number.isSafeInteger(maxDelayTicks) && maxDelayTicks >= 1))) bad("maxDelayTicks", `maxDelayTicks must be a whole number of ticks ≥ 1, got ${maxDelayTicks}`, "give the chip's core.maxDelayTicks");
  const delayPerSynapse = o.delayPerSynapse ?? true;
  if (typeof delayPerSynapse !== "boolean") bad("delayPerSynapse", `delayPerSynapse must be true or false, got ${JSON.stringify(delayPerSynapse)}`, "give the chip's synapseEncoding.delayPerSynapse");
  const defaultSteps = o.defaultSteps ?? 100;
  if (!(Number.isSafeInteger(defaultSteps) && defaultSteps >= 1)) bad("defaultSteps", `defaultSteps must be a positive integer`, "give a step count");
  return {
    dtSeconds: dt, reset, resetByNode: o.resetByNode ?? {}, recurrentBias, ifMultiSpike: o.ifMultiSpike ?? false, bias,
    lenient: o.lenient ?? false, maxDelayTicks, delayPerSynapse, name: o.name ?? defaultName, defaultSteps,
  };
}

/**
 * The load options a target chip sets: its longest delay (core.maxDelayTicks) and whether it keeps a delay per
 * synapse (synapseEncoding.delayPerSynapse), which place the constant-drive sources (lower.ts "Constant drives").
 * Only these two facts of the spec, so the front end needs no simulator.
 */
export function nirChipOptions(spec: Pick<ChipSpec, "core" | "synapseEncoding">): Pick<NirLoadOptions, "maxDelayTicks" | "delayPerSynapse"> {
  return { maxDelayTicks: spec.core.maxDelayTicks, delayPerSynapse: spec.synapseEncoding.delayPerSynapse !== false };
}
