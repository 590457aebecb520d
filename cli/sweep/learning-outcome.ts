/**
 * What a sweep point learned (audit s24 "does my STDP design still learn at 8-bit weights?"): spikes, SOPs and
 * energy of a plastic model can be identical at every rule width while the weights stick, so a point whose
 * model has plastic projections also reports how its final weights (the run's finalWeights, as spikes.json
 * final_weights and weights.json carry them) moved from their starting weights:
 *   Δw_i = w_i(end) − grid(w_i(model));  changed = #{i : |Δw_i| > 1e-9·(wMax − wMin)};
 *   meanAbsChange = Σ|Δw_i| / N;  maxAbsChange = max |Δw_i|
 * over the N synapses of every plastic projection. grid(w) is the model's weight clipped to [wMin, wMax] and
 * rounded to the nearest point wMin + k·(wMax − wMin)/(2^b − 1) of the rule's b-bit grid (chip/sim/learning.ts
 * wStep): the first update only moves an off-grid weight onto the grid, which is not learning; a weight whose
 * updates are all smaller than half a grid step sticks there and counts as unchanged. Pair STDP (`stdp`) and a
 * rule without weightBits have no grid: grid(w) = w. No second run at float precision is made (it would double
 * each point's cost); a sweep compares widths through its own points (docs/reports.md, "Sweeps").
 */
import type { ModelGraph } from "../../compiler/ir/types.ts";

export interface PointLearning {
  /** Synapses of the plastic projections (N). */
  readonly synapses: number;
  /** Synapses whose final weight differs from their starting weight on the rule's grid. */
  readonly changed: number;
  /** Σ|Δw| / N, in the model's weight unit. */
  readonly meanAbsChange: number;
  /** max |Δw|, in the model's weight unit. */
  readonly maxAbsChange: number;
}

/** undefined when the run has no plastic projection (static models keep their rows unchanged). */
export function learningOutcome(graph: ModelGraph, finalWeights: ReadonlyMap<string, Float64Array>): PointLearning | undefined {
  if (finalWeights.size === 0) return undefined;
  let synapses = 0, changed = 0, sum = 0, max = 0;
  for (const p of graph.projections) {
    const w = finalWeights.get(p.name);
    if (w === undefined) continue;
    const w0 = p.weight;
    const lr = p.learning;
    const lo = lr?.wMin ?? 0, hi = lr?.wMax ?? 0;
    const step = lr?.weightBits === undefined || !Number.isFinite(hi - lo) ? 0 : (hi - lo) / (2 ** lr.weightBits - 1);
    // Float rules: weights that moved by rounding noise of the float sum are unchanged too.
    const eps = 1e-9 * (step > 0 ? hi - lo : 1);
    for (let i = 0; i < w.length; i++) {
      const start = step > 0 ? lo + Math.round((Math.min(hi, Math.max(lo, w0[i])) - lo) / step) * step : w0[i];
      const d = Math.abs(w[i] - start);
      synapses++;
      if (d > eps) changed++;
      sum += d;
      if (d > max) max = d;
    }
  }
  if (synapses === 0) return undefined;
  return { synapses, changed, meanAbsChange: sum / synapses, maxAbsChange: max };
}
