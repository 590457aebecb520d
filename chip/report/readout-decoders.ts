/**
 * Decoders of a non-spiking readout's membrane trace (report.json `readouts`, docs/reports.md "Readouts").
 * A leaky-integrator readout (aerchip-model-1 `"spiking": false`, NIR LI/I/CubaLI) never fires: its output
 * is its potential v_i[t], t = 0..T−1, the value after tick t's update (the trace written as
 * `<population>.v.npy`). The papers decode it in three ways (../shared/docs/papers.md):
 *   sum  s_i = Σ_{t<T} v_i[t]          S-TLLR sums the readout's logits over time (§1.1);
 *   max  m_i = max_{t<T} v_i[t]        the spiking auto-encoder decodes with the max over time (§3) …
 *   last l_i = v_i[T−1]                … or with the last value (§3).
 * and each decoder's class is argmax_i over the population's neurons (flat, C order), ties to the lowest
 * index (numpy.argmax). The auto-encoder's scaling (÷ T·scale) is left to the user: it changes no argmax.
 */

export interface ReadoutDecoders {
  /** Σ_t v_i[t] per neuron. */
  readonly sumV: number[];
  /** max_t v_i[t] per neuron; null when the run has no tick (T = 0). */
  readonly maxV: number[] | null;
  /** v_i[T−1] per neuron; null when T = 0. */
  readonly lastV: number[] | null;
  /** argmax_i of each decoder (lowest index on ties); null for a decoder that is null or a population of no neuron. */
  readonly argmax: { readonly sum: number | null; readonly max: number | null; readonly last: number | null };
}

/** Index of the largest value, the lowest on ties; null for an empty list. */
export function argmaxIndex(xs: ArrayLike<number>): number | null {
  if (xs.length === 0) return null;
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

/** The three decoders of `trace`, a T × size row-major array (row t = the potentials after tick t). */
export function readoutDecoders(trace: Float64Array, steps: number, size: number): ReadoutDecoders {
  const sum = new Array<number>(size).fill(0);
  const max = new Array<number>(size).fill(-Infinity);
  for (let t = 0; t < steps; t++) {
    const row = t * size;
    for (let i = 0; i < size; i++) {
      const v = trace[row + i];
      sum[i] += v;
      if (v > max[i]) max[i] = v;
    }
  }
  const maxV = steps > 0 ? max : null;
  const lastV = steps > 0 ? Array.from(trace.subarray((steps - 1) * size, steps * size)) : null;
  return {
    sumV: sum, maxV, lastV,
    argmax: { sum: argmaxIndex(sum), max: maxV === null ? null : argmaxIndex(maxV), last: lastV === null ? null : argmaxIndex(lastV) },
  };
}
