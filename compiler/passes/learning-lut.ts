/**
 * Rules with a power of the weight, (w ± C)^p (Diehl & Cook's (wMax − w)^μ; chip/program/learning-rule.ts), or an
 * exponential of it, exp(a·w + b) (their exponential weight dependence; same table),
 * against the chip's learning engine. Float weights (the rule has no weightBits: the ideal mode) evaluate the
 * power exactly on any chip. Quantised weights need a lookup table over the weight's 2^weightBits values:
 * a chip whose spec has one (precision.learningLutFractionBits) gets the table's fractional bits written into
 * the rule (powerLutFractionBits); any other chip — Loihi's engine is sum-of-products only — refuses the rule
 * here with E_LEARNING_CLOSED_FORM, naming the projection.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { parseRule, ruleHasPowerFactor } from "../../chip/program/learning-rule.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import type { ModelGraph } from "../ir/types.ts";

export function attachPowerTables(graph: ModelGraph, spec: ChipSpec, file: string): ModelGraph {
  let changed = false;
  const projections = graph.projections.map((pr) => {
    const lr = pr.learning;
    if (lr === undefined || lr.weightBits === undefined) return pr;
    if (!lr.ruleTexts.some((t) => ruleHasPowerFactor(parseRule(t)))) return pr;
    const bits = spec.precision.learningLutFractionBits;
    if (bits === undefined) {
      throw new AerchipError("E_LEARNING_CLOSED_FORM", `projection "${pr.name}": rule "${lr.name}" has a power or exponential of the weight, (w ± C)^p or exp(a·w + b), with ${lr.weightBits}-bit weights; chip "${spec.name}"'s learning engine is sum-of-products only and has no lookup table for it`, {
        file, field: `projections.${pr.name}.learning.weightBits`,
        hint: "drop the rule's weightBits (float weights evaluate the power exactly: the ideal mode), or use a chip whose learning engine has a lookup table (precision.learningLutFractionBits; the generic preset, as a modelling choice)",
      });
    }
    changed = true;
    return { ...pr, learning: { ...lr, powerLutFractionBits: bits } };
  });
  return changed ? { ...graph, projections } : graph;
}
