/**
 * `aerchip learn … --neuron-model lif-cond`: the Diehl & Cook network with the conductance-based neurons D&C
 * actually used (papers.md §5 [C]; the chip's `lif-cond` model, chip/sim/cond.ts, docs/model-format.md
 * "Conductance-based LIF"), instead of the harness's current-based mapping (diehl-cook.ts's header):
 *   τ dv/dt = (E_rest − v) + g_e (E_exc − v) + g_i (E_inh − v),   τ_ge dg_e/dt = −g_e,   τ_gi dg_i/dt = −g_i,
 * one forward-Euler step of dt = tickMs per tick. An input or exc→inh spike of weight w adds w to the target's
 * g_e (D&C's `ge += w`, dimensionless: w·nS), an inh→exc spike −w = 17 to g_i (the negative weight picks g_i).
 *
 * The harness's voltages are mV above rest (vThresholdExc 13, vResetExc 0, vThresholdInh 20, vResetInh 15);
 * here v is in absolute mV, so each is shifted by its population's E_rest: exc threshold −65 + 13 = −52 mV
 * (D&C's θ − 20 mV + (−52 mV) with θ starting at 20 mV: the chip's θ starts at 0 and is D&C's θ − 20 mV), reset
 * −65 + 0 = −65 mV; inh threshold −60 + 20 = −40 mV, reset −60 + 15 = −45 mV. v starts (and after each
 * presentation is reset) at E_rest. Firing is D&C's strict `v > threshold`.
 *
 * Refractory periods: D&C (Brian) freeze v for refractory/dt − 1 ticks after the spike step (the tick that
 * fired has already integrated), so the chip's refractoryTicks is round(refractoryMs/tickMs) − 1 (the mapping of
 * docs/model-format.md, checked against Brian2 in tests/chip/sim/lif-cond-brian2.test.ts).
 *
 * Read from DiehlCookParams: tickMs (dtMs), tauExcMs, tauInhMs, tauSynMs (τ_ge of both populations), the four
 * threshold/reset offsets, refractoryExcMs, refractoryInhMs, thetaPlus, tauThetaMs, wExcInh. Not read (their
 * --set is refused, checkCondParamsUsed): inputGainExc, inputGainInh (a weight goes straight into g) and wInhExc
 * (the current-based mapping of D&C's 17.0; here the constant below). The remaining constants of the
 * conductance model have no harness parameter: DIEHL_COOK_COND below, each with its source, written to
 * learn-mnist.json's `conductance` block (the three unread ones are left out of its `params` and
 * `paramsProvenance`: rule-names.ts recordedParams).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { NeuronDynamics, ResetMode, ThresholdOp } from "../../chip/program/types.ts";
import { uniformNeuronParams, type NeuronParamsIR } from "../../compiler/ir/types.ts";
import { neuronModelsOf, type ChipSpec } from "../../chip/spec/types.ts";
import { presetsRunning } from "../../chip/spec/neuron-models.ts";
import type { SourcedValue } from "./diehl-cook-defaults.ts";
import type { DiehlCookParams } from "./diehl-cook.ts";

/** The harness's neuron models (`--neuron-model`): the current-based mapping (default) or D&C's conductance neurons. */
export const LEARN_NEURON_MODELS = ["lif", "lif-cond"] as const;
export type LearnNeuronModel = (typeof LEARN_NEURON_MODELS)[number];

/** The conductance network's constants that DiehlCookParams does not hold (mV, ms; D&C code peter-u-diehl/stdp-mnist @d527ca3). */
export const DIEHL_COOK_COND = {
  eRestExc: { value: -65, source: "[C] D&C code: v_rest_e = −65 mV" },
  eExcExc: { value: 0, source: "[C] D&C code: I_synE = ge·nS·(−v), E_exc = 0 mV" },
  eInhExc: { value: -100, source: "[C] D&C code: I_synI = gi·nS·(−100 mV − v), E_inh = −100 mV" },
  tauGiExcMs: { value: 2, source: "[C] D&C code: dgi/dt = −gi/(2 ms)" },
  eRestInh: { value: -60, source: "[C] D&C code: v_rest_i = −60 mV" },
  eExcInh: { value: 0, source: "[C] D&C code: inhibitory I_synE = ge·nS·(−v), E_exc = 0 mV" },
  eInhInh: { value: -85, source: "[C] D&C code: inhibitory I_synI = gi·nS·(−85 mV − v), E_inh = −85 mV" },
  tauGiInhMs: { value: 2, source: "[C] D&C code: dgi/dt = −gi/(2 ms) (inhibitory neurons too)" },
  wInhExcCond: { value: -17, source: "[C] D&C code: inh→exc weight 17.0 onto gi (written −17: a negative weight drives g_i)" },
} as const satisfies Record<string, SourcedValue>;

/**
 * The conductance network's step when the run does not choose one: D&C's own, 0.5 ms. The default parameter set's
 * 1 ms (BindsNET's dt) equals τ_ge, where forward Euler's g_e ← g_e − (dt/τ_ge)·g_e empties g_e every step: the
 * excitatory neurons then barely fire, and nearly every sample runs the whole intensity loop (measured: 100 neurons,
 * `generic`, no progress past the first training digit in 4 minutes; at 0.5 ms the whole 9,000-digit run took 12).
 */
export const COND_DEFAULT_TICK_MS = {
  value: 0.5,
  source: "[C] D&C code: defaultclock.dt = 0.5 ms (--neuron-model lif-cond's default step; at the default set's 1 ms, τ_ge = dt and forward Euler empties g_e every step)",
} as const satisfies SourcedValue;

/** The --neuron-model text checked (commander gives the choices; code calling learnCommand may not). Absent = "lif". */
export function learnNeuronModel(text: string | undefined): LearnNeuronModel {
  if (text === undefined) return "lif";
  if ((LEARN_NEURON_MODELS as readonly string[]).includes(text)) return text as LearnNeuronModel;
  throw new AerchipError("E_CLI_OPTION", `--neuron-model is "${text}"; the models are ${LEARN_NEURON_MODELS.join(", ")}`, { field: "--neuron-model", hint: "lif (the default, current-based) or lif-cond (Diehl & Cook's conductance neurons)" });
}

/** The parameters the conductance network does not read. */
export const PARAMS_UNUSED_BY_COND: ReadonlyArray<keyof DiehlCookParams> = ["inputGainExc", "inputGainInh", "wInhExc"];

/**
 * With lif-cond: the chip must run it (E_ARCH_NEURON_MODEL before any data are read; the harness's usual chip,
 * loihi, does not), τ_ge must be > 0 (tauSynMs 0, BindsNET's "no synaptic current", has no conductance form),
 * and --set of a parameter the network does not read is refused (E_CLI_OPTION) rather than recorded as if it acted.
 */
export function checkCondNetwork(spec: ChipSpec, P: DiehlCookParams, userOverrides: Partial<DiehlCookParams>): void {
  if (!neuronModelsOf(spec).includes("lif-cond")) {
    const runs = presetsRunning("lif-cond");
    throw new AerchipError("E_ARCH_NEURON_MODEL", `--neuron-model lif-cond builds conductance-based neurons, which chip "${spec.name}" does not run (its neuronModels: ${neuronModelsOf(spec).join(", ")})`, {
      field: "--neuron-model", hint: `add --arch ${runs.join(" or --arch ")} (chips whose spec lists "lif-cond" in neuronModels), or drop --neuron-model (the current-based network, which loihi runs)`,
    });
  }
  if (!(P.tauSynMs > 0)) {
    throw new AerchipError("E_CLI_OPTION", `--neuron-model lif-cond needs tauSynMs > 0 (τ_ge, the excitatory conductance's time constant); it is ${P.tauSynMs}`, { field: "--set", hint: "give tauSynMs=1 (D&C's τ_ge), or drop --neuron-model (tauSynMs 0 is the current-based network's instant input)" });
  }
  const given = PARAMS_UNUSED_BY_COND.filter((k) => Object.hasOwn(userOverrides, k));
  if (given.length > 0) {
    throw new AerchipError("E_CLI_OPTION", `--set ${given.join(", ")}: the conductance network (--neuron-model lif-cond) does not read ${given.length === 1 ? "it" : "them"} (a weight goes straight into g_e / g_i; inh→exc is D&C's 17.0 onto g_i)`, {
      field: "--set", hint: `drop ${given.join(", ")}, or drop --neuron-model lif-cond`,
    });
  }
}

/** Brian's refractory R·dt as chip ticks (header): round(ms/dt) − 1, never below 0. */
function condRefractoryTicks(ms: number, dt: number): number {
  return Math.max(0, Math.round(ms / dt) - 1);
}

/** The lif-cond parameters of one population (compartment fields neutral, as the model-file reader sets them). */
function condPopulation(N: number, o: { eRest: number; eExc: number; eInh: number; tauMs: number; tauGeMs: number; tauGiMs: number; dtMs: number; vThreshold: number; vReset: number; refractoryTicks: number }): NeuronParamsIR {
  const base = uniformNeuronParams(N, {
    voltageDecay: 1, currentDecay: 0, inputGain: 1, bias: 0, vThreshold: o.vThreshold, vReset: o.vReset, vInit: o.eRest,
    resetMode: ResetMode.zero, thresholdOp: ThresholdOp.gt, refractoryTicks: o.refractoryTicks,
  });
  const fill = (x: number) => new Float64Array(N).fill(x);
  return {
    ...base,
    dynamics: new Uint8Array(N).fill(NeuronDynamics.lifCond),
    condERest: fill(o.eRest), condEExc: fill(o.eExc), condEInh: fill(o.eInh),
    condTauMs: fill(o.tauMs), condTauGeMs: fill(o.tauGeMs), condTauGiMs: fill(o.tauGiMs), condDtMs: fill(o.dtMs),
  };
}

/** The excitatory (with θ) and inhibitory populations' parameters and the inh→exc weight of the conductance network. */
export function diehlCookCondPopulations(N: number, P: DiehlCookParams): { exc: NeuronParamsIR; inh: NeuronParamsIR; wInhExc: number } {
  const C = DIEHL_COOK_COND;
  const dt = P.tickMs;
  const exc = condPopulation(N, {
    eRest: C.eRestExc.value, eExc: C.eExcExc.value, eInh: C.eInhExc.value, tauMs: P.tauExcMs, tauGeMs: P.tauSynMs, tauGiMs: C.tauGiExcMs.value, dtMs: dt,
    vThreshold: C.eRestExc.value + P.vThresholdExc, vReset: C.eRestExc.value + P.vResetExc, refractoryTicks: condRefractoryTicks(P.refractoryExcMs, dt),
  });
  const inh = condPopulation(N, {
    eRest: C.eRestInh.value, eExc: C.eExcInh.value, eInh: C.eInhInh.value, tauMs: P.tauInhMs, tauGeMs: P.tauSynMs, tauGiMs: C.tauGiInhMs.value, dtMs: dt,
    vThreshold: C.eRestInh.value + P.vThresholdInh, vReset: C.eRestInh.value + P.vResetInh, refractoryTicks: condRefractoryTicks(P.refractoryInhMs, dt),
  });
  // θ as the current-based network's: θ ← θ + thetaPlus per spike, ×exp(−dt/τθ) per tick, starting at 0 (D&C's θ − 20 mV).
  const excWithTheta = { ...exc, thetaPlus: new Float64Array(N).fill(P.thetaPlus), thetaDecay: new Float64Array(N).fill(Math.exp(-dt / P.tauThetaMs)) };
  return { exc: excWithTheta, inh, wInhExc: C.wInhExcCond.value };
}

/** learn-mnist.json's `conductance` block (only with --neuron-model lif-cond): what the network was built with, with sources. */
export function condRecord(P: DiehlCookParams): Record<string, unknown> {
  const C = DIEHL_COOK_COND;
  const values = Object.fromEntries(Object.entries(C).map(([k, v]) => [k, v.value]));
  const sources = Object.fromEntries(Object.entries(C).map(([k, v]) => [k, v.source]));
  return {
    model: "lif-cond", ...values,
    derived: {
      vThresholdExcMv: C.eRestExc.value + P.vThresholdExc, vResetExcMv: C.eRestExc.value + P.vResetExc,
      vThresholdInhMv: C.eRestInh.value + P.vThresholdInh, vResetInhMv: C.eRestInh.value + P.vResetInh,
      refractoryExcTicks: condRefractoryTicks(P.refractoryExcMs, P.tickMs), refractoryInhTicks: condRefractoryTicks(P.refractoryInhMs, P.tickMs),
      tauGeMs: P.tauSynMs, dtMs: P.tickMs,
    },
    sources,
    notes: "v in mV (params' voltages are mV above rest, shifted by E_rest); threshold v > vThreshold + θ, θ from 0 (D&C's θ − 20 mV); refractoryTicks = round(ms/tickMs) − 1 (Brian's refractory); inputGainExc, inputGainInh and wInhExc are not read (and not in params or paramsProvenance)",
  };
}
