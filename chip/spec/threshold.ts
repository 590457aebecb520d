/**
 * The threshold a chip can store in fixed point: an unsigned `thresholdBits` mantissa aligned with the top of the
 * state's magnitude (stateBits − 1 bits, the sign excluded), so in state units a threshold is
 *   m · 2^s,  0 ≤ |m| ≤ 2^thresholdBits − 1,  s = max(0, stateBits − 1 − thresholdBits).
 * Loihi: "threshold 17 bits (high bits of a 23-bit word)" (Dey & Dimitrov 2022) and nengo-loihi's vth mantissa
 * ≤ 2^17 − 1 with exponent 6 (shared/docs/hardware-facts.md §2.1, §4): s = 24 − 1 − 17 = 6. Presets whose
 * threshold is as wide as the state's magnitude or wider (odin 8/8, spinnaker2 32/32, cim-crossbar 16/16) get
 * s = 0; truenorth's assumed 20-bit state and 18-bit threshold give s = 1 (docs/fixed-point.md).
 */
import type { PrecisionSpec } from "./types.ts";

/** 2^s: the step between storable thresholds, in state units. */
export function thresholdStep(p: PrecisionSpec): number {
  return 2 ** Math.max(0, p.stateBits - 1 - p.thresholdBits);
}

/** Largest storable |threshold| in state units: (2^thresholdBits − 1) · 2^s. */
export function thresholdMax(p: PrecisionSpec): number {
  return (2 ** p.thresholdBits - 1) * thresholdStep(p);
}
