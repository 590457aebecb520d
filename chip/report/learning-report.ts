/**
 * The report's `learning` block for runs of the general learning engine (chip/sim/learning.ts): what the
 * engine evaluated beside what it changed, and a note when a three-factor rule ran without a signal.
 *
 *   synUpdates          synapse evaluations (read-modify-writes) the engine performed: the count the
 *                       learning energy bills (energy = synUpdates · energySynUpdatePj) with the chip
 *                       spec's learningBilledOn "evaluations" (the default), because a Loihi-style engine
 *                       evaluates the rule on every synapse with an active dependency whether or not Δw = 0;
 *   ruleEvaluations     equations evaluated (one per synapse, phase and equation);
 *   thirdFactorValues   (per rule reading m, and Σ) non-zero values of the third factor m delivered to the engine:
 *                       (post neuron, tick) pairs with m ≠ 0 from the rule's thirdFactorFromTick on;
 *   weightChanges       updates after which the stored weight differed (clip and rounding applied),
 *                       including tags applied at the run's end; synUpdates − weightChanges wrote back
 *                       the same weight. learningBilledOn "changes" bills these instead.
 *   warnings            W_LEARNING_INITIAL_WEIGHTS_OUTSIDE_BOUNDS per projection whose starting weights lie outside
 *                       its rule's [wMin, wMax] (initialWeightsWarning); W_LEARNING_TRACE_STICKS per quantised trace of
 *                       a rule with `rounding: "nearest"` whose decay has a non-zero fixed point (traceSticksWarning).
 * A rule that reads the third factor m, and saw m = 0 on every tick from its thirdFactorFromTick on,
 * learned nothing from its m products: `aerchip run` supplies no learning signal (only the library's
 * SimulateOptions.learningInput does). The note says so next to the energy it was billed.
 * Likewise a rule with graded post traces (S-TLLR's y1, y2) whose graded value g was 0 on every tick:
 * with no Ψ drive (no `run --psi`, no `psi` in the model's rule; SimulateOptions.gradedPsi) its Ψ-weighted
 * products add nothing. `psi` records the Ψ the chip computed for them (null: none).
 */
import type { ChipProgram, LearningTraceProgram } from "../program/types.ts";
import { nearestDecayFixedPointLsbs, traceLsb } from "../program/trace-grid.ts";
import type { LearningEngine } from "../sim/learning.ts";
import type { StllrPsi } from "../program/named-rules.ts";
import type { LearningBillingBasis } from "../spec/types.ts";

export interface LearningRuleReport {
  /** The projection the rule is attached to. */
  readonly projection: string;
  readonly rule: string;
  readonly plasticSynapses: number;
  readonly weightChanges: number;
  readonly readsThirdFactor: boolean;
  /** Whether m ≠ 0 reached one of its post neurons on a learning tick (null: the rule does not read m). */
  readonly thirdFactorNonZero: boolean | null;
  /**
   * Non-zero third-factor values delivered to the rule: (post neuron, tick) pairs with m ≠ 0 on its learning ticks
   * (from its thirdFactorFromTick on); null when the rule does not read m. × the cost of sending one value gives the
   * cost of broadcasting the learning signal. Added within version 1.
   */
  readonly thirdFactorValues?: number | null;
  /**
   * Rules with graded post traces only: the Ψ(u) that drove them (`run --psi` or the model's `psi`), null
   * when none did. Added within version 1; absent from reports written before it.
   */
  readonly psi?: StllrPsi | null;
  /** Rules with graded post traces only: whether a graded value ≠ 0 drove them on some tick. */
  readonly gradedNonZero?: boolean;
  /**
   * Plastic synapses whose starting weight lay outside the rule's [wMin, wMax] (W_LEARNING_INITIAL_WEIGHTS_OUTSIDE_BOUNDS);
   * present only when some did. Added within version 1.
   */
  readonly initialWeightsOutsideBounds?: number;
}

export interface LearningReport {
  readonly synUpdates: number;
  readonly ruleEvaluations: number;
  readonly weightChanges: number;
  /** Σ of the rules' thirdFactorValues (a neuron under two rules that read m counts once per rule). Added within version 1. */
  readonly thirdFactorValues?: number;
  readonly rules: readonly LearningRuleReport[];
  /** Plain-language notes printed with the run summary and the rendered reports. */
  readonly notes: readonly string[];
  /**
   * W_LEARNING_INITIAL_WEIGHTS_OUTSIDE_BOUNDS, once per projection whose starting weights lie outside its rule's
   * [wMin, wMax], and W_LEARNING_TRACE_STICKS, once per quantised trace of a nearest-rounding rule whose decay
   * has a non-zero fixed point, as "CODE: message"; present only when there is one. Added within version 1.
   */
  readonly warnings?: readonly string[];
}

export const INITIAL_WEIGHTS_OUTSIDE_BOUNDS = "W_LEARNING_INITIAL_WEIGHTS_OUTSIDE_BOUNDS";

/**
 * The warning for one projection whose starting weights lie outside its rule's bounds (chip/sim/learning.ts
 * buildLearningEngine counts them). Float weights keep them until an update clips them, w ← clip(w + Δw, wMin,
 * wMax) (snnref-1, Brian2, the stdp path); a rule with weightBits b holds only the grid over [wMin, wMax], so
 * they were clipped onto it before the first tick (quantisation).
 */
export function initialWeightsWarning(projection: string, rule: { readonly wMin: number; readonly wMax: number; readonly weightBits?: number }, outside: number, synapses: number, largestExcess: number): string {
  const what = rule.weightBits === undefined
    ? "they are kept as given until an update of the rule touches them, which clips them into the bounds (as snnref-1, Brian2 and the stdp path do)"
    : `the rule's ${rule.weightBits}-bit weight grid spans only [wMin, wMax], so they were clipped onto it before the first tick (quantisation)`;
  return `${INITIAL_WEIGHTS_OUTSIDE_BOUNDS}: projection "${projection}": ${int(outside)} of its ${int(synapses)} plastic synapses start with a weight outside the learning rule's bounds [${rule.wMin}, ${rule.wMax}] (largest distance ${largestExcess.toPrecision(6)}); ${what}. To avoid it, give starting weights inside the bounds or widen wMin / wMax.`;
}

const int = (v: number): string => v.toLocaleString("en-US");

export const TRACE_STICKS = "W_LEARNING_TRACE_STICKS";

/**
 * The warning for a quantised trace of a rule with round-to-nearest whose decay has a non-zero fixed point
 * (chip/program/trace-grid.ts): x = k·lsb stays x while x·(1 − decay) < lsb/2, so after a spike the trace stops
 * at k*·lsb and never returns to 0 (audit s24b #5). A property of the documented arithmetic, not changed; said
 * once per (projection, trace), when the engine is built (a static property of the rule: every run warns).
 */
export function traceSticksWarning(projection: string, t: LearningTraceProgram): string | undefined {
  const k = nearestDecayFixedPointLsbs(t);
  if (k === 0) return undefined;
  const lsb = traceLsb(t);
  const g = (v: number): string => String(Number(v.toPrecision(6)));
  const stick = k * lsb;
  const ofImpulse = t.impulse === 0 ? "" : `, ${g(stick / t.impulse)} of its impulse`;
  return `${TRACE_STICKS}: projection "${projection}": trace ${t.trace} (${t.bits} bits, lsb ${g(Math.abs(lsb))}, decay ${g(t.decay)}) with "rounding": "nearest" stops decaying at ${g(stick)} (${k} LSB${ofImpulse}) instead of reaching 0: ` +
    `while the decrement |x|·(1 − decay) is under ½ LSB (|x| ≤ ${k}·lsb) the decayed value rounds back to x, so after a spike the trace keeps that value (or the smaller multiple of lsb it had) for ever, and the rule's products with it keep acting. ` +
    `To avoid it, use "rounding": "stochastic" (its decay reaches 0) or more trace bits (a smaller lsb; with the default lsb the trace then sticks at ${k} smaller LSBs).`;
}

/**
 * `gradedPsi`: the Ψ that drove graded traces in the run (SimResult.gradedPsi); `billedOn`: what the learning energy
 * bills (ChipSpec.learningBilledOn), null in a counts-only report (--costs counts: no energy, so the notes name none).
 */
export function buildLearningReport(program: ChipProgram, le: LearningEngine, totals: { readonly synUpdates: number; readonly ruleEvaluations: number }, gradedPsi?: StllrPsi, billedOn: LearningBillingBasis | null = "evaluations"): LearningReport {
  const rules: LearningRuleReport[] = [];
  const notes: string[] = [];
  const warnings: string[] = [];
  program.projections.forEach((pr, k) => {
    const ri = le.projRule[k];
    if (ri < 0) return;
    const reads = le.readsThirdFactor[ri] === 1;
    const seen = le.thirdFactorSeen[ri] === 1;
    const graded = le.hasGradedTrace[ri] === 1;
    const gradedSeen = le.gradedSeen[ri] === 1;
    const r: LearningRuleReport = {
      projection: pr.name, rule: le.rules[ri].program.name,
      plasticSynapses: le.ruleSynPtr[ri + 1] - le.ruleSynPtr[ri],
      weightChanges: le.weightChanges[ri],
      readsThirdFactor: reads, thirdFactorNonZero: reads ? seen : null, thirdFactorValues: reads ? le.thirdFactorValues[ri] : null,
      ...(graded ? { psi: gradedPsi ?? null, gradedNonZero: gradedSeen } : {}),
      ...(le.initialOutsideBounds[ri] > 0 ? { initialWeightsOutsideBounds: le.initialOutsideBounds[ri] } : {}),
    };
    rules.push(r);
    if (le.initialOutsideBounds[ri] > 0) warnings.push(initialWeightsWarning(pr.name, le.rules[ri].program, le.initialOutsideBounds[ri], r.plasticSynapses, le.initialLargestExcess[ri]));
    if (le.rules[ri].program.rounding === "nearest") {
      for (const t of le.rules[ri].program.traces) {
        const w = traceSticksWarning(pr.name, t);
        if (w !== undefined) warnings.push(w);
      }
    }
    if (reads && !seen) {
      notes.push(
        `projection "${pr.name}": rule ${r.rule} reads the third factor m (the learning signal), which was 0 on every learning tick ` +
        "(aerchip run and compare take it from --third-factor FILE.npy, aerchip train from --third-factor-dir DIR; the library from SimulateOptions.learningInput or thirdFactor), so its products with m added nothing; " +
        `its updates changed ${int(r.weightChanges)} weights. The engine still evaluated the rule (synUpdates), as Loihi's learning engine does` +
        (billedOn === null ? "." : billedOn === "changes" ? ", and the learning energy bills only the updates that changed a weight (learningBilledOn \"changes\")." : ", and the learning energy bills those evaluations."),
      );
    }
    if (graded && !gradedSeen) {
      notes.push(gradedPsi === undefined
        ? `projection "${pr.name}": rule ${r.rule} has graded post traces (S-TLLR's Ψ(u) traces) and nothing drove them: no Ψ was given ` +
          "(aerchip run takes it from the rule's \"psi\" in the model or from --psi NAME; the library from SimulateOptions.gradedPsi or learningInput), " +
          `so they were 0 on every tick and its products with them added nothing; its updates changed ${int(r.weightChanges)} weights.`
        : `projection "${pr.name}": rule ${r.rule}'s graded post traces were driven by Ψ = ${gradedPsi}, which was 0 on every tick, ` +
          `so its products with them added nothing; its updates changed ${int(r.weightChanges)} weights.`);
    }
  });
  let weightChanges = 0;
  let thirdFactorValues = 0;
  for (const r of rules) {
    weightChanges += r.weightChanges;
    thirdFactorValues += r.thirdFactorValues ?? 0;
  }
  return { synUpdates: totals.synUpdates, ruleEvaluations: totals.ruleEvaluations, weightChanges, thirdFactorValues, rules, notes, ...(warnings.length === 0 ? {} : { warnings }) };
}
