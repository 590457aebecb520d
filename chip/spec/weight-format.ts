/**
 * The weights a chip can store in fixed point: a mantissa m times 2^e, with
 *   m in [mMin, mMax]:  two's complement in weightBits (weightSigned: [−2^(b−1), 2^(b−1) − 1]), or a magnitude
 *     in weightBits whose sign lives elsewhere (weightSignPerSource, ODIN: the source neuron's bit;
 *     weightSignPerSynapse, SpiNNaker's synapse type: a bit beside it): [−(2^b − 1), 2^b − 1], or unsigned
 *     ([0, 2^b − 1]);
 *   e in [eLo, eHi]:   weightExponentBits wide, signed (0 without an exponent).
 * One definition for the quantiser (compiler/passes/quantise.ts) and the program checks (chip/program/fits-spec.ts).
 */
import type { PrecisionSpec } from "./types.ts";

export interface WeightFormat {
  readonly mMin: number;
  readonly mMax: number;
  readonly eLo: number;
  readonly eHi: number;
  /** How the sign is held, as messages name it. */
  readonly signKind: "signed" | "magnitude (sign per source)" | "magnitude (sign bit per synapse)" | "unsigned";
}

export function weightFormat(p: PrecisionSpec): WeightFormat {
  const mMax = p.weightSigned ? 2 ** (p.weightBits - 1) - 1 : 2 ** p.weightBits - 1;
  const perSource = p.weightSignPerSource === true;
  const perSynapse = p.weightSignPerSynapse === true;
  const mMin = p.weightSigned ? -(2 ** (p.weightBits - 1)) : perSource || perSynapse ? -mMax : 0;
  const eBits = p.weightExponentBits ?? 0;
  return {
    mMin, mMax,
    eLo: eBits > 0 ? -(2 ** (eBits - 1)) : 0,
    eHi: eBits > 0 ? 2 ** (eBits - 1) - 1 : 0,
    signKind: p.weightSigned ? "signed" : perSource ? "magnitude (sign per source)" : perSynapse ? "magnitude (sign bit per synapse)" : "unsigned",
  };
}
