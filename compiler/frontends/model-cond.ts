/**
 * aerchip-model-1's conductance-based LIF population (`"model": "lif-cond"`, docs/model-format.md
 * "Conductance-based LIF"): Diehl & Cook 2015's excitatory and inhibitory neurons, PyNN's IF_cond_exp,
 *   τ dv/dt = (E_rest − v) + g_e (E_exc − v) + g_i (E_inh − v),   τ_ge dg_e/dt = −g_e,   τ_gi dg_i/dt = −g_i,
 * a synapse of weight w > 0 adding w to g_e and one of w < 0 adding −w to g_i when its spike arrives.
 * The chip integrates one forward-Euler step of dtMs per tick (chip/program/types.ts NeuronDynamics.lifCond).
 * Here: the keys such a population takes, their checks, and the IR parameters (the compartment fields the
 * model does not read are set to their neutral values, so they take no part in the update).
 */
import { NeuronDynamics } from "../../chip/program/types.ts";
import type { NeuronParamsIR } from "../ir/types.ts";
import type { FieldReader, JsonObject } from "./json-fields.ts";

/** The neuron models aerchip-model-1 reads (`model` of a neuron population; default "lif"). */
export const MODEL_NAMES = ["lif", "lif-cond"] as const;

/** Keys of a lif-cond population (the compartment's decays, gain, bias and bounds do not apply). */
export const COND_POPULATION_KEYS = ["name", "kind", "size", "shape", "model", "spiking", "vThreshold", "thresholdOp", "reset", "vReset", "vInit", "refractoryTicks", "thetaPlus", "thetaDecay",
  "eRest", "eExc", "eInh", "tauMs", "tauGeMs", "tauGiMs", "dtMs"] as const;

/** The conductance fields of a lif-cond population (IR / program arrays `cond*`, chip/program/types.ts). */
export type CondParams = Pick<NeuronParamsIR, "condERest" | "condEExc" | "condEInh" | "condTauMs" | "condTauGeMs" | "condTauGiMs" | "condDtMs" | "dynamics" | "voltageDecay" | "currentDecay" | "inputGain" | "bias">;

/**
 * Reads the conductance parameters of population `field` (all seven required: a model without a rest
 * potential or a time constant has no meaning) and checks τ, τ_ge, τ_gi, dtMs > 0. `dtMs` is one scalar: the
 * tick's length, the Euler step of every lif-cond population of the model (the caller checks they agree).
 */
export function parseCondParams(r: FieldReader, p: JsonObject, field: string, size: number): CondParams {
  const need = (key: string, what: string): void => {
    if (p[key] === undefined) r.fail(`${field}.${key}`, `${field} is a lif-cond population without ${key} (${what})`, `give ${key}; e.g. Diehl & Cook's excitatory neurons: eRest −65, eExc 0, eInh −100, tauMs 100, tauGeMs 1, tauGiMs 2, dtMs 0.5`);
  };
  need("eRest", "the rest potential, in v's units");
  need("eExc", "the excitatory reversal potential");
  need("eInh", "the inhibitory reversal potential");
  need("tauMs", "the membrane time constant in ms");
  need("tauGeMs", "the excitatory conductance's time constant in ms");
  need("tauGiMs", "the inhibitory conductance's time constant in ms");
  need("dtMs", "the tick's length in ms, the Euler step");
  const positive = (key: string): Float64Array => {
    const a = r.perNeuron(p[key], `${field}.${key}`, size, 0);
    for (let i = 0; i < size; i++) if (!(a[i] > 0)) r.fail(`${field}.${key}`, `${field}.${key} must be > 0, got ${a[i]}${size > 1 ? ` (neuron ${i})` : ""}`, "a time constant or step in ms");
    return a;
  };
  const dt = r.number(p.dtMs, `${field}.dtMs`);
  if (!(dt > 0)) r.fail(`${field}.dtMs`, `${field}.dtMs must be > 0, got ${dt}`, "the tick's length in ms (e.g. 0.5 or 1)");
  return {
    condERest: r.perNeuron(p.eRest, `${field}.eRest`, size, 0),
    condEExc: r.perNeuron(p.eExc, `${field}.eExc`, size, 0),
    condEInh: r.perNeuron(p.eInh, `${field}.eInh`, size, 0),
    condTauMs: positive("tauMs"),
    condTauGeMs: positive("tauGeMs"),
    condTauGiMs: positive("tauGiMs"),
    condDtMs: new Float64Array(size).fill(dt),
    dynamics: new Uint8Array(size).fill(NeuronDynamics.lifCond),
    voltageDecay: new Float64Array(size).fill(1),
    currentDecay: new Float64Array(size),
    inputGain: new Float64Array(size).fill(1),
    bias: new Float64Array(size),
  };
}
