/**
 * The label-assignment readout of unsupervised networks (Diehl & Cook 2015):
 *   each neuron j is labelled with the class c maximising its mean spike count r̄_jc over the labelled
 *   samples of c; a test sample is classified as argmax_c (mean over neurons labelled c of their counts).
 * Neurons that never spiked keep label −1 and do not vote.
 */

/** counts: samples × neurons (row-major); labels: one class per sample. */
export function assignLabels(counts: Float64Array, labels: ArrayLike<number>, neurons: number, classes: number): Int32Array {
  const samples = labels.length;
  const sum = new Float64Array(neurons * classes);
  const perClass = new Float64Array(classes);
  for (let s = 0; s < samples; s++) {
    const c = labels[s];
    perClass[c]++;
    for (let j = 0; j < neurons; j++) sum[j * classes + c] += counts[s * neurons + j];
  }
  const out = new Int32Array(neurons).fill(-1);
  for (let j = 0; j < neurons; j++) {
    let best = 0;
    for (let c = 0; c < classes; c++) {
      if (perClass[c] === 0) continue;
      const m = sum[j * classes + c] / perClass[c];
      if (m > best) { best = m; out[j] = c; }
    }
  }
  return out;
}

/** Predicted class of one sample from its per-neuron spike counts (−1 when no labelled neuron spiked). */
export function predictClass(counts: ArrayLike<number>, offset: number, assignment: Int32Array, classes: number): number {
  const sum = new Float64Array(classes);
  const num = new Float64Array(classes);
  for (let j = 0; j < assignment.length; j++) {
    const c = assignment[j];
    if (c < 0) continue;
    sum[c] += counts[offset + j];
    num[c]++;
  }
  let best = -1;
  let bestV = 0;
  for (let c = 0; c < classes; c++) {
    if (num[c] === 0) continue;
    const v = sum[c] / num[c];
    if (v > bestV) { bestV = v; best = c; }
  }
  return best;
}

/** Fraction of samples whose prediction equals the label. */
export function accuracy(counts: Float64Array, labels: ArrayLike<number>, assignment: Int32Array, classes: number): number {
  const n = assignment.length;
  let ok = 0;
  for (let s = 0; s < labels.length; s++) if (predictClass(counts, s * n, assignment, classes) === labels[s]) ok++;
  return labels.length === 0 ? 0 : ok / labels.length;
}
