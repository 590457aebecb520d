/**
 * The grid of a quantised learning trace (a `LearningTraceProgram` with `bits`), shared by the engine
 * (chip/sim/learning.ts) and the checks that warn about it (the learning report), so both read one formula.
 *
 * Grid: z = k·lsb, k ∈ [0, 2^bits − 1]. Default LSB (docs/learning.md §5):
 *   set traces: lsb = impulse / (2^bits − 1)            (the trace spans [0, impulse])
 *   add traces: lsb = impulse / 2^max(0, bits − 3)      (room for 2^3 impulses; lsb = impulse for bits ≤ 3,
 *                                                         so a 1- or 2-bit trace still holds one impulse)
 * The LSB carries the impulse's sign: a trace with a negative impulse holds k·lsb ≤ 0 (sign-magnitude, the
 * mirror image of the positive trace); a given `lsb` is a magnitude (> 0).
 *
 * Decay with round-to-nearest has fixed points (audit s24b #5): a value k·lsb decays to round(k·decay)·lsb,
 * which is k again while the decrement k·(1 − decay) is below ½ (round half up: Math.round), i.e. while
 *   x·(1 − decay) < lsb/2,   x = k·|lsb|   (≈ x/τ < ½ LSB for decay = e^(−1/τ)).
 * The largest such k, k* ≈ floor(0.5/(1 − decay)) (exactly: the engine's own arithmetic, checked below), is
 * where a decaying trace stops for ever; every k ≤ k* is a fixed point too. Stochastic rounding has none
 * (it rounds down with probability 1 − fraction, so the expected value decays as the float trace does).
 */
import type { LearningTraceProgram } from "./types.ts";

/** The trace's signed LSB (0: a float trace, no `bits`). */
export function traceLsb(t: LearningTraceProgram): number {
  if (t.bits === undefined) return 0;
  if (t.lsb !== undefined) return t.impulse < 0 ? -t.lsb : t.lsb;
  return t.mode === "set" ? t.impulse / (2 ** t.bits - 1) : t.impulse / 2 ** Math.max(0, t.bits - 3);
}

/** True when the engine's nearest-rounded decay maps k·lsb back onto k·lsb (chip/sim/learning.ts roundTrace: round(k·lsb·decay / lsb)). */
function isFixed(k: number, lsb: number, decay: number): boolean {
  return Math.round((k * lsb * decay) / lsb) === k;
}

/**
 * The largest non-zero fixed point k* of the trace's decay under round-to-nearest, in LSBs (0: none, the trace
 * decays to 0), capped at the grid's top 2^bits − 1. A float trace, a trace that does not decay (decay 1: it keeps
 * its value by definition) or one reset every tick (decay 0) has none.
 */
export function nearestDecayFixedPointLsbs(t: LearningTraceProgram): number {
  const lsb = traceLsb(t);
  if (lsb === 0 || !(t.decay > 0 && t.decay < 1)) return 0;
  const top = 2 ** (t.bits as number) - 1;
  // Start from the closed form, then settle on the engine's arithmetic (floating-point products may differ by one).
  let k = Math.min(top, Math.floor(0.5 / (1 - t.decay)));
  while (k < top && isFixed(k + 1, lsb, t.decay)) k++;
  while (k > 0 && !isFixed(k, lsb, t.decay)) k--;
  return k;
}
