/**
 * On-chip learning needs a learning engine: a plastic projection (pair STDP or a learning rule) on a chip
 * whose spec has none is refused, as a rule the engine cannot evaluate is (E_LEARNING_CLOSED_FORM).
 *
 * A spec says it has no learning engine with precision.traceBits = 0 (chip/spec/types.ts: "0 = the chip has
 * no on-chip learning traces"): truenorth ("no on-chip learning (networks are trained offline)", Merolla et
 * al. 2014; hardware-facts.md §3.3) and cim-crossbar ("SpikeSim evaluates inference"). Run anyway, the
 * simulator would update the weights and bill the learning at 0 pJ (no energySynUpdatePj), so such a chip
 * would look cheaper than any chip that can learn, and write learned weights it cannot learn.
 *
 * A rule's learned weights must also fit the chip's synapse (audit s24b #2): a rule with `weightBits` b keeps
 * every weight on a grid of 2^b values (wMin + k·(wMax − wMin)/(2^b − 1)), which the chip's synapse word of
 * precision.weightBits bits can hold only when b ≤ precision.weightBits; a wider rule (16-bit learning on
 * ODIN's 3-bit or Loihi's 9-bit weights) is refused with E_LEARNING_WEIGHT_BITS. Loihi's weight exponent
 * (precision.weightExponentBits, one per projection) scales all of a projection's weights by 2^e and adds no
 * levels, so it does not raise the limit. A rule without weightBits learns float weights (the ideal mode,
 * as a float run's weights are), on any chip with a learning engine.
 *
 * Checked when compiling (run, compile, compare, train, sweep, learn), and again on a compiled program
 * (chip/program/fits-spec.ts). A model evaluated with its weights fixed (`evaluate --frozen`) has no
 * plastic projection left, so it runs on such a chip.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import type { ModelGraph } from "../ir/types.ts";

/** Whether the spec has an on-chip learning engine (learning traces of at least one bit). */
export function chipCanLearn(spec: ChipSpec): boolean {
  return spec.precision.traceBits > 0;
}

export const NO_LEARNING_HINT = "use a chip with on-chip learning (precision.traceBits > 0, e.g. loihi or generic), "
  + "or freeze the weights: remove the model's stdp / learning rules (evaluate --frozen runs a model with learning off), "
  + "with the weights learned on another chip (--initial-weights W.json)";

/** Throws E_LEARNING_NO_ENGINE for the first plastic projection when the chip has no learning engine, E_LEARNING_WEIGHT_BITS for the first rule whose weights are wider than the chip's. */
export function checkLearningSupported(graph: ModelGraph, spec: ChipSpec, file: string): void {
  checkLearningWeightBits(graph.projections, spec, file);
  if (chipCanLearn(spec)) return;
  graph.projections.forEach((pr, k) => {
    if (pr.plasticity === undefined && pr.learning === undefined) return;
    const what = pr.plasticity !== undefined ? "pair STDP" : `learning rule "${pr.learning!.name}"`;
    throw new AerchipError("E_LEARNING_NO_ENGINE", `projection "${pr.name}" (${pr.pre} → ${pr.post}) is plastic (${what}); chip "${spec.name}" has no on-chip learning (precision.traceBits 0), so it cannot learn its weights`, {
      file, field: `projections[${k}] (${pr.name})`, hint: NO_LEARNING_HINT,
    });
  });
}

/** The hint of E_LEARNING_WEIGHT_BITS (also used for compiled programs, chip/program/fits-spec.ts). */
export function learningWeightBitsHint(chipBits: number): string {
  return `lower the rule's weightBits to ${chipBits} or fewer (or drop it: float weights, the ideal mode), or use a chip with wider weights (precision.weightBits ≥ the rule's; e.g. spinnaker2: 16); a sweep can vary it: learningWeightBits (docs/reports.md, "Sweeps")`;
}

/** E_LEARNING_WEIGHT_BITS for the first projection whose rule's weightBits exceeds the chip's precision.weightBits. */
export function checkLearningWeightBits(projections: ReadonlyArray<{ readonly name: string; readonly learning?: { readonly weightBits?: number } }>, spec: ChipSpec, file: string): void {
  const chipBits = spec.precision.weightBits;
  for (const pr of projections) {
    const b = pr.learning?.weightBits;
    if (b === undefined || b <= chipBits) continue;
    throw new AerchipError("E_LEARNING_WEIGHT_BITS", `projection "${pr.name}": its learning rule keeps ${b}-bit weights (2^${b} levels); chip "${spec.name}" stores ${chipBits}-bit weights (precision.weightBits ${chipBits}), so the learned weights do not fit its synapses`, {
      file, field: `projections.${pr.name}.learning.weightBits`, hint: learningWeightBitsHint(chipBits),
    });
  }
}
