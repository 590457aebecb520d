/**
 * A named rule (named-rules.ts) as the ChipProgram's LearningRuleProgram: the rule text and trace table
 * travel as data, with the chip-side precision (weight bits, rounding, trace bits) chosen here.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { NamedRule } from "./named-rules.ts";
import type { LearningRuleProgram } from "./types.ts";

export interface LearningPrecision {
  /** Weight memory width (absent = float64 weights). */
  readonly weightBits?: number;
  /** Trace width for every trace (absent = the named rule's float traces). */
  readonly traceBits?: number;
  readonly rounding?: "nearest" | "stochastic";
  readonly seed?: number;
  /** Ticks per learning epoch, a power of two (default the rule's, 1). */
  readonly epochTicks?: number;
}

export function learningProgramFromNamedRule(rule: NamedRule, precision: LearningPrecision = {}): LearningRuleProgram {
  if (rule.ruleTexts.length === 0) {
    throw new AerchipError("E_LEARNING_CLOSED_FORM", `rule "${rule.name}" is closed-form (not a sum of products), so the chip's learning engine cannot run it`, {
      field: "rule", hint: "choose parameters that make the rule a sum of products",
    });
  }
  const tb = precision.traceBits;
  return {
    name: rule.name,
    ruleTexts: [...rule.ruleTexts],
    traces: rule.traces.map((t) => ({
      trace: t.trace, decay: t.decay, impulse: t.impulse, mode: t.mode, input: t.input,
      ...(tb === undefined ? {} : { bits: tb }),
    })),
    wMin: rule.wMin, wMax: rule.wMax,
    ...(rule.tagMin === undefined ? {} : { tagMin: rule.tagMin }),
    ...(rule.tagMax === undefined ? {} : { tagMax: rule.tagMax }),
    epochTicks: precision.epochTicks ?? rule.epochTicks,
    ...(rule.thirdFactor === undefined ? {} : { thirdFactorFromTick: rule.thirdFactor.fromTick }),
    apply: rule.apply,
    ...(precision.weightBits === undefined ? {} : { weightBits: precision.weightBits }),
    rounding: precision.rounding ?? "stochastic",
    seed: precision.seed ?? 1,
  };
}

/**
 * Bits of one pre (x…) or post (y…) trace set of a rule, a trace without `bits` (a float64 in the engine)
 * counted at floatTraceBits: the engine's trace memory (chip/sim/learning.ts, floatTraceBits 64) and the
 * report's footprint (chip/report/trace-memory.ts, the chip's traceBits) both read it.
 */
export function ruleTraceSetBits(rule: LearningRuleProgram, pre: boolean, floatTraceBits: number): number {
  let bits = 0;
  for (const t of rule.traces) if (t.trace.startsWith("x") === pre) bits += t.bits ?? floatTraceBits;
  return bits;
}
