/**
 * The hint of E_SWEEP_NOTHING_RAN, chosen by the points' error codes (audit s24b #12: one fixed hint, "use
 * a chip with more cores … or more weight bits", was printed whatever failed, also where more weight bits
 * cannot help). Each group of codes gets its own remedy; the full error of each point is in sweep.csv.
 */
import { DOES_NOT_FIT } from "../commands/compare.ts";

export function sweepNothingRanHint(codes: readonly string[]): string {
  const distinct = [...new Set(codes)];
  const parts: string[] = [];
  const taken = new Set<string>();
  const take = (test: (c: string) => boolean): string[] => {
    const hit = distinct.filter((c) => test(c) && !taken.has(c));
    for (const c of hit) taken.add(c);
    return hit;
  };
  const plastic = take((c) => c === "E_FIXED_PLASTIC_UNSUPPORTED");
  if (plastic.length > 0) parts.push("E_FIXED_PLASTIC_UNSUPPORTED: fixed-point runs cannot learn; sweep the rule's width with `learningWeightBits` and `precision: float` instead of `weightBits`");
  const rule = take((c) => c === "E_LEARNING_WEIGHT_BITS");
  if (rule.length > 0) parts.push("E_LEARNING_WEIGHT_BITS: keep `learningWeightBits` at or below each chip's precision.weightBits, or sweep a chip with wider weights");
  const fit = take((c) => DOES_NOT_FIT.test(c));
  if (fit.length > 0) parts.push(`${fit.join(", ")}: use a chip with more cores or larger per-core limits (coreNeurons, meshWidth, meshHeight), or a smaller model`);
  const others = distinct.filter((c) => !taken.has(c));
  if (others.length > 0) parts.push(`${others.join(", ")}: change the model, its input, the chip or the sweep file as each point's error and hint in sweep.csv say`);
  return `see the error of each point in sweep.csv; ${parts.join("; ")}`;
}
