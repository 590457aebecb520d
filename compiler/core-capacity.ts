/**
 * The chip's neuron capacity against a model's population sizes, before any per-neuron array exists.
 *
 * Every neuron of every population (inputs too, unless the chip's inputs are AER events that take no neuron
 * slot: core.inputsTakeNeuronSlots false, chip/spec/neuron-slots.ts) occupies one neuron slot of one core, and
 * the partition puts at most `core.maxNeurons` of them on a core (compiler/passes/partition.ts), however
 * populations share cores. So a model of N = Σ sizes such neurons needs at least ⌈N / maxNeurons⌉ cores, a lower bound on
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
import { inputsTakeNeuronSlots, slotNeurons } from "../chip/spec/neuron-slots.ts";
import { MAX_JSON_ELEMENTS } from "./frontends/json-fields.ts";

/**
 * Of several chips, the one holding the most neurons (cores × core.maxNeurons): the chip whose refusal the
 * several-chip check below reports. undefined for no chips.
 */
export function largestNeuronCapacity(specs: readonly ChipSpec[]): ChipSpec | undefined {
  let best: ChipSpec | undefined;
  for (const s of specs) if (best === undefined || totalCores(s) * s.core.maxNeurons > totalCores(best) * best.core.maxNeurons) best = s;
  return best;
}

/**
 * E_CHIP_CORES_EXCEEDED, `{inputs}` in the message replaced by what the model's `inputs` input neurons count
 * (nothing if there are none). Input neurons take neuron slots (core.maxNeurons) like compartments on chips
 * with core.inputsTakeNeuronSlots absent or true (every preset but odin), which the message and hint say, since
 * there the inputs alone can make a model not fit; on a chip whose inputs are AER events addressing crossbar rows
 * (odin, inputsTakeNeuronSlots false: chip/spec/neuron-slots.ts) they take none, and the message counts the
 * other neurons "besides" them. `limits`: the per-core limits that closed the partition's cores (core-closures.ts),
 * named in the hint as what a bigger core needs more of.
 */
export function coresExceededError(message: string, inputs: number, spec: ChipSpec, file: string | undefined, limits: readonly string[] = []): AerchipError {
  const takeSlots = inputsTakeNeuronSlots(spec);
  const ofThem = inputs === 0 ? "" : takeSlots
    ? ` (${inputs} of them input neurons, which take neuron slots as compartments do)`
    : ` besides ${inputs} input neurons (which take no neuron slot on this chip: core.inputsTakeNeuronSlots false)`;
  const inputsHint = inputs === 0 || !takeSlots ? "" : " (input neurons count here: this chip places them in core.maxNeurons, core.inputsTakeNeuronSlots; a chip whose inputs are AER events addressing crossbar rows, such as odin, does not)";
  return new AerchipError("E_CHIP_CORES_EXCEEDED", message.replace("{inputs}", ofThem), {
    ...(file === undefined ? {} : { file }), field: "mesh",
    hint: `use a larger mesh (mesh.widthTiles/heightTiles), a chip with bigger cores${limits.length === 0 ? "" : ` (${limits.join(", ")}: the limits that closed the cores)`}, or a smaller model${inputsHint}`,
  });
}

/**
 * Cores a model of `totalNeurons` (of which `inputs` are input neurons) needs at least: the neurons taking slots
 * (all, or without the inputs on a chip whose inputs take none, chip/spec/neuron-slots.ts) need ⌈slots /
 * maxNeurons⌉; input neurons that take no slot each take at least one output axon (their AER source address),
 * so they need ⌈inputs / maxOutputAxons⌉.
 */
function coresNeeded(spec: ChipSpec, totalNeurons: number, inputs: number): { slots: number; bySlots: number; byAddresses: number } {
  const slots = slotNeurons(spec, totalNeurons, inputs);
  const byAddresses = inputsTakeNeuronSlots(spec) ? 0 : Math.ceil(inputs / spec.core.maxOutputAxons);
  return { slots, bySlots: Math.ceil(slots / spec.core.maxNeurons), byAddresses };
}

/**
 * Throws E_CHIP_CORES_EXCEEDED when `totalNeurons` (of which `inputs` are input neurons) cannot fit the
 * chip's cores even perfectly packed (coresNeeded).
 */
export function checkNeuronCapacity(totalNeurons: number, spec: ChipSpec, file: string | undefined, inputs = 0): void {
  const physical = totalCores(spec);
  const { slots, bySlots: atLeast, byAddresses } = coresNeeded(spec, totalNeurons, inputs);
  if (byAddresses > physical && byAddresses >= atLeast) {
    throw new AerchipError("E_CHIP_CORES_EXCEEDED", `the model has ${inputs} input neurons, each an AER source address taking at least one output axon of its core (core.maxOutputAxons, ${spec.core.maxOutputAxons} per core), and needs at least ${byAddresses} cores; chip "${spec.name}" has ${physical}`, {
      ...(file === undefined ? {} : { file }), field: "mesh",
      hint: "use fewer input neurons (remove those that feed nothing), a larger mesh (mesh.widthTiles/heightTiles), or a chip with more output axons per core",
    });
  }
  if (atLeast <= physical) return;
  throw coresExceededError(`the model has ${slots} neurons{inputs} and needs at least ${atLeast} cores of ${spec.core.maxNeurons}; chip "${spec.name}" has ${physical}`, inputs, spec, file);
}

/**
 * The same check on a JSON model's `populations` before the front end reads it: Σ of the sizes the front
 * ends accept (whole numbers 1..MAX_JSON_ELEMENTS; any other size is left to the front end, which refuses
 * it naming its field, as before).
 * Every population of a JSON model becomes one graph population of that size, so the sum is the graph's.
 * Several chips (compare, sweep; audit s22r-y #4): refused only when none of them could hold the model (each
 * counts the inputs its own way), with the error of the one holding the most neurons.
 */
export function checkJsonModelCapacity(populations: unknown, chips: ChipSpec | readonly ChipSpec[], file: string): void {
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
  if (!isSpecList(chips)) {
    checkNeuronCapacity(total, chips, file, inputs);
    return;
  }
  const fits = (s: ChipSpec): boolean => {
    const need = coresNeeded(s, total, inputs);
    return Math.max(need.bySlots, need.byAddresses) <= totalCores(s);
  };
  const largest = largestNeuronCapacity(chips);
  if (largest === undefined || chips.some(fits)) return;
  checkNeuronCapacity(total, largest, file, inputs);
}

function isSpecList(chips: ChipSpec | readonly ChipSpec[]): chips is readonly ChipSpec[] {
  return Array.isArray(chips);
}
