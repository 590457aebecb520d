/**
 * The chip's neuron capacity against a model's population sizes, before any per-neuron array exists.
 *
 * Every neuron of every population (inputs too) occupies one neuron slot of one core, and the partition
 * puts at most `core.maxNeurons` neurons on a core (compiler/passes/partition.ts), however populations
 * share cores. So a model of N = Σ sizes neurons needs at least ⌈N / maxNeurons⌉ cores, a lower bound on
 * what the partition uses: a model refused here would be refused by the partition too. (Σ ⌈size /
 * maxNeurons⌉ would be larger but is no lower bound, since packed populations share cores.) `maxNeurons`
 * is the spec's after `--core-neurons` (cli/load-arch.ts), the limit the partition uses.
 *
 * Why before the front end: a population costs ~64 bytes per neuron in the IR (ir/types.ts
 * uniformNeuronParams: seven float64, two uint8 and one uint32 per neuron), so a 2^24-neuron model took
 * 1.1 GB before compileModel's check and the format's largest (2^28) failed to allocate (audit s22b #19).
 */
import { AerchipError } from "../core/diagnostics.ts";
import { totalCores, type ChipSpec } from "../chip/spec/types.ts";
import { MAX_JSON_ELEMENTS } from "./frontends/json-fields.ts";

/**
 * Of several chips, the one holding the most neurons (cores × core.maxNeurons, the bound checked below): the
 * early check against it refuses only a model that none of them could hold (compare, sweep; audit s22r-y #4).
 * undefined for no chips.
 */
export function largestNeuronCapacity(specs: readonly ChipSpec[]): ChipSpec | undefined {
  let best: ChipSpec | undefined;
  for (const s of specs) if (best === undefined || totalCores(s) * s.core.maxNeurons > totalCores(best) * best.core.maxNeurons) best = s;
  return best;
}

/**
 * E_CHIP_CORES_EXCEEDED, `{inputs}` in the message replaced by how many of the neurons are input neurons (if
 * any). Input neurons take neuron slots (core.maxNeurons) on every chip, like compartments: a simplification
 * on chips whose inputs are AER events addressing crossbar rows (ODIN: hardware-facts.md §2.4), which the
 * message and hint say, since there the inputs alone can make a model that the crossbar holds not fit.
 */
export function coresExceededError(message: string, inputs: number, file: string | undefined): AerchipError {
  const ofThem = inputs === 0 ? "" : ` (${inputs} of them input neurons, which take neuron slots as compartments do)`;
  return new AerchipError("E_CHIP_CORES_EXCEEDED", message.replace("{inputs}", ofThem), {
    ...(file === undefined ? {} : { file }), field: "mesh",
    hint: `use a larger mesh (mesh.widthTiles/heightTiles), a chip with bigger cores, or a smaller model${inputs === 0 ? "" : " (inputs count: aerchip places input neurons in core.maxNeurons on every chip)"}`,
  });
}

/**
 * Throws E_CHIP_CORES_EXCEEDED when `totalNeurons` (of which `inputs` are input neurons) cannot fit the
 * chip's cores even perfectly packed.
 */
export function checkNeuronCapacity(totalNeurons: number, spec: ChipSpec, file: string | undefined, inputs = 0): void {
  const physical = totalCores(spec);
  const atLeast = Math.ceil(totalNeurons / spec.core.maxNeurons);
  if (atLeast <= physical) return;
  throw coresExceededError(`the model has ${totalNeurons} neurons{inputs} and needs at least ${atLeast} cores of ${spec.core.maxNeurons}; chip "${spec.name}" has ${physical}`, inputs, file);
}

/**
 * The same check on a JSON model's `populations` before the front end reads it: Σ of the sizes the front
 * ends accept (whole numbers 1..MAX_JSON_ELEMENTS; any other size is left to the front end, which refuses
 * it naming its field, as before).
 * Every population of a JSON model becomes one graph population of that size, so the sum is the graph's.
 */
export function checkJsonModelCapacity(populations: unknown, spec: ChipSpec, file: string): void {
  if (!Array.isArray(populations)) return;
  let total = 0;
  let inputs = 0;
  for (const p of populations) {
    const pop = typeof p === "object" && p !== null ? (p as { size?: unknown; kind?: unknown }) : undefined;
    const size = pop?.size;
    if (typeof size === "number" && Number.isInteger(size) && size >= 1 && size <= MAX_JSON_ELEMENTS) {
      total += size;
      // Both JSON formats name input populations kind "input" (snnref-1, aerchip-model-1).
      if (pop?.kind === "input") inputs += size;
    }
  }
  checkNeuronCapacity(total, spec, file, inputs);
}
