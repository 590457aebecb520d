/** Seeded random tensors for hand-built NIR test graphs (weights, parameters, input spikes). */
import type { Rng } from "../../../../core/rng.ts";

/** n values uniform in [lo, hi). */
export const uniform = (rng: Rng, n: number, lo: number, hi: number): number[] => Array.from({ length: n }, () => lo + (hi - lo) * rng.nextFloat());
/** A float32 dataset of the given shape for write-h5.ts, uniform in [lo, hi). */
export const f32 = (rng: Rng, shape: number[], lo: number, hi: number) => ({ f32: uniform(rng, shape.reduce((a, b) => a * b, 1), lo, hi), shape });
/** n copies of v. */
export const fill = (n: number, v: number): number[] => new Array<number>(n).fill(v);
/** n Bernoulli(p) spikes (0 or 1). */
export const spikes = (rng: Rng, n: number, p: number): Float64Array => Float64Array.from({ length: n }, () => (rng.nextFloat() < p ? 1 : 0));
