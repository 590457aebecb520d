/**
 * The Euler step of conductance-based neurons (`"model": "lif-cond"`, chip/sim/cond.ts) must not exceed a
 * time constant it integrates.
 *
 * One forward-Euler step per tick multiplies a conductance by (1 − dt/τ_g) and moves v by dt/τ of its drive
 * (chip/program/types.ts NeuronDynamics.lifCond):
 *   g ← g − (dt/τ_g)·g,   v ← v + (dt/τ)·((E_rest − v) + g_e (E_exc − v) + g_i (E_inh − v))
 * With dt > τ_g the factor is negative: every conductance changes sign each tick (an excitatory synapse
 * inhibits on the next tick), and with dt > τ v overshoots its target, so the run's spikes would be an
 * artefact of the step, not of the model. Brian2's `method='euler'` computes the same numbers without a
 * complaint; aerchip refuses them instead of reporting them. dt = τ_g is allowed: the conductance acts for
 * the one tick it arrives in (g' = 0 afterwards), e.g. Diehl & Cook's τ_ge = 1 ms at 1 ms ticks.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ModelGraph } from "../ir/types.ts";

/** Throws E_MODEL_FIELD for the first lif-cond neuron whose tick exceeds τ, τ_ge or τ_gi. */
export function checkCondEulerStep(graph: ModelGraph, file: string): void {
  for (const p of graph.populations) {
    const q = p.params;
    const dt = q?.condDtMs;
    if (q === undefined || dt === undefined) continue;
    const taus = [["tauMs", q.condTauMs], ["tauGeMs", q.condTauGeMs], ["tauGiMs", q.condTauGiMs]] as const;
    for (const [key, tau] of taus) {
      if (tau === undefined) continue;
      for (let n = 0; n < dt.length; n++) {
        if (!(dt[n] > tau[n])) continue;
        const uniform = tau.every((x) => x === tau[n]);
        const who = uniform ? `population "${p.name}"` : `population "${p.name}" (neuron ${n} of ${dt.length})`;
        throw new AerchipError("E_MODEL_FIELD", `${who}: the tick dtMs ${dt[n]} is longer than ${key} ${tau[n]}; one forward-Euler step per tick would multiply the ${key === "tauMs" ? "membrane's distance to its target by" : "conductance by"} 1 − ${dt[n]}/${tau[n]} = ${1 - dt[n] / tau[n]} < 0, so the run would be an artefact of the step`, {
          file, field: `populations.${p.name}.${key}`,
          hint: `use a tick of at most ${tau[n]} ms (dtMs; \`learn mnist --neuron-model lif-cond\`: --set tickMs=${tau[n]} or less), or a longer ${key}`,
        });
      }
    }
  }
}
