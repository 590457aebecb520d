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

/** Throws E_LEARNING_NO_ENGINE for the first plastic projection when the chip has no learning engine. */
export function checkLearningSupported(graph: ModelGraph, spec: ChipSpec, file: string): void {
  if (chipCanLearn(spec)) return;
  graph.projections.forEach((pr, k) => {
    if (pr.plasticity === undefined && pr.learning === undefined) return;
    const what = pr.plasticity !== undefined ? "pair STDP" : `learning rule "${pr.learning!.name}"`;
    throw new AerchipError("E_LEARNING_NO_ENGINE", `projection "${pr.name}" (${pr.pre} → ${pr.post}) is plastic (${what}); chip "${spec.name}" has no on-chip learning (precision.traceBits 0), so it cannot learn its weights`, {
      file, field: `projections[${k}] (${pr.name})`, hint: NO_LEARNING_HINT,
    });
  });
}
