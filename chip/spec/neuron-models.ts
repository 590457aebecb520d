/**
 * A population's neuron model must be one the chip runs (ChipSpec.neuronModels, data in each preset with
 * its source): the conductance-based LIF (`lif-cond`, NeuronDynamics.lifCond) runs where neurons are
 * software (spinnaker2: sPyNNaker's IF_cond_exp) and on the ideal `generic` chip, and is refused on chips
 * whose neuron datapath is a current-based LIF (loihi, truenorth, odin) with E_ARCH_NEURON_MODEL naming the
 * population, the model and the presets that run it. Checked when compiling, before quantisation, and on a
 * compiled program (chip/program/fits-spec.ts).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { listPresetNames, loadPreset } from "./load.ts";
import { neuronModelsOf, type ChipSpec, type NeuronModelName } from "./types.ts";
import { NeuronDynamics } from "../program/types.ts";

/** The presets whose neuronModels list `model`, in preset order. */
export function presetsRunning(model: NeuronModelName): string[] {
  return listPresetNames().filter((name) => neuronModelsOf(loadPreset(name)).includes(model));
}

/** E_ARCH_NEURON_MODEL for a population of model `model` on a chip that does not list it. */
export function neuronModelError(spec: ChipSpec, population: string, model: NeuronModelName, file: string | undefined, field: string): AerchipError {
  const runs = presetsRunning(model);
  return new AerchipError("E_ARCH_NEURON_MODEL", `population "${population}" uses neuron model "${model}", which chip "${spec.name}" does not run (its neuronModels: ${neuronModelsOf(spec).join(", ")})`, {
    file, field,
    hint: `run it on a chip that lists "${model}" in neuronModels (presets: ${runs.join(", ")}), e.g. --arch ${runs[0] ?? "generic"}; or use the current-based "lif" model`,
  });
}

/** The neuron model of a population from its dynamics (lifCond → "lif-cond", anything else "lif"). */
export function neuronModelOfDynamics(dynamics: Uint8Array | undefined): NeuronModelName {
  return dynamics !== undefined && dynamics.some((d) => d === NeuronDynamics.lifCond) ? "lif-cond" : "lif";
}

/** Throws E_ARCH_NEURON_MODEL for the first population whose model the spec does not list. */
export function checkNeuronModels(populations: ReadonlyArray<{ readonly name: string; readonly params?: { readonly dynamics?: Uint8Array } }>, spec: ChipSpec, file: string | undefined): void {
  const models = neuronModelsOf(spec);
  for (const p of populations) {
    const model = neuronModelOfDynamics(p.params?.dynamics);
    if (!models.includes(model)) throw neuronModelError(spec, p.name, model, file, `populations.${p.name}.model`);
  }
}
