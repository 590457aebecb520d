/**
 * The refractory limit: a neuron's refractory period must fit the chip's refractory counter.
 *
 * A counter of b = precision.refractoryBits bits holds 0 … 2^b − 1 ticks, so a population needs
 *   refractoryTicks ≤ 2^b − 1        (b = 0: no counter, only 0 fits)
 * Loihi: 6 bits, at most 63 ticks (nengo-loihi REFRACT_DELAY_MAX = 63; the loihi preset's source);
 * ODIN and the cim-crossbar (SpikeSim) neuron have no refractory counter at all (their presets' sources).
 * Without this check the simulator would freeze the neuron for the model's period anyway, and the report
 * would present a neuron the chip cannot implement as that chip's spikes and energy.
 *
 * This is the chip's structure, like the delay limit (E_CORE_DELAY_EXCEEDED, passes/normalise.ts), so it is
 * checked for float and fixed-point compiles alike, and again on a compiled program (chip/program/fits-spec.ts).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import type { ModelGraph } from "../ir/types.ts";

/** Largest refractory period in ticks a counter of `bits` bits holds: 2^bits − 1 (0 = no counter). */
export function maxRefractoryTicks(bits: number): number {
  return 2 ** bits - 1;
}

/** The counter width a refractory period of `ticks` needs: ⌈log2(ticks + 1)⌉ bits. */
export function refractoryBitsFor(ticks: number): number {
  let bits = 0;
  while (maxRefractoryTicks(bits) < ticks) bits++;
  return bits;
}

/** What the chip holds, for messages: "has no refractory counter …" or "holds at most N ticks …". */
export function refractoryLimitText(spec: ChipSpec): string {
  const bits = spec.precision.refractoryBits;
  return bits === 0
    ? `chip "${spec.name}" has no refractory counter (precision.refractoryBits 0), so only 0 fits`
    : `chip "${spec.name}" holds at most ${maxRefractoryTicks(bits)} (a ${bits}-bit counter, precision.refractoryBits)`;
}

/** The field in each model format: aerchip-model-1 `refractoryTicks`, snnref-1 `refractory`. */
const REFRACTORY_NAMES = "refractoryTicks, or refractory in an snnref-1 file,";

export function refractoryHint(spec: ChipSpec, ticks: number): string {
  const max = maxRefractoryTicks(spec.precision.refractoryBits);
  // The IR does not know the source format (compiler/ir/types.ts), so both formats' names are given.
  return `make the refractory period at most ${max} ticks (${REFRACTORY_NAMES} ${max === 0 ? "0 or absent" : `<= ${max}`}, or a longer tick), or use a chip whose precision.refractoryBits >= ${refractoryBitsFor(ticks)}`;
}

/** Throws E_CORE_REFRACTORY_EXCEEDED for the first population with a neuron whose refractory period the chip cannot count. */
export function checkRefractoryLimit(graph: ModelGraph, spec: ChipSpec, file: string): void {
  const max = maxRefractoryTicks(spec.precision.refractoryBits);
  graph.populations.forEach((p) => {
    const r = p.params?.refractoryTicks;
    if (r === undefined) return;
    let worst = 0;
    let at = 0;
    for (let n = 0; n < r.length; n++) if (r[n] > worst) { worst = r[n]; at = n; }
    if (worst <= max) return;
    const uniform = r.every((x) => x === worst);
    const who = uniform ? `population "${p.name}"` : `population "${p.name}" (neuron ${at} of ${r.length})`;
    throw new AerchipError("E_CORE_REFRACTORY_EXCEEDED", `${who} has a refractory period of ${worst} tick${worst === 1 ? "" : "s"} (refractoryTicks; refractory in an snnref-1 file); ${refractoryLimitText(spec)}`, {
      file, field: `populations.${p.name}.refractoryTicks`, hint: refractoryHint(spec, worst),
    });
  });
}
