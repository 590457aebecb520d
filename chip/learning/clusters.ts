/**
 * A winner-take-all layer as a clustering (Deep-STDP's pseudo-labels, papers.md §2): each sample's cluster
 * is the neuron that spiked most in response to it, and the clusters are scored against labels when there
 * are labels.
 *
 *   cluster(s)  = argmax_j counts[s, j], the lowest j on ties; −1 ("silent") when no neuron spiked
 *   purity      = (1/n) Σ_k max_c |{s : cluster(s) = k, label(s) = c}|   over the clusters k ≠ −1, so a
 *                 silent sample counts as misclustered (n = all samples)
 *   NMI         = 2·I(K; C) / (H(K) + H(C)) with the silent samples as one more cluster (scikit-learn's
 *                 normalized_mutual_info_score with its default arithmetic mean); 1 when both H are 0
 *   k-means     = N·K·D multiply-accumulates per Lloyd iteration (every sample's squared distance to
 *                 every centroid over D features), the conventional baseline's cost for the same K
 */

/** One cluster per sample (samples × neurons counts, row-major). */
export function clustersOf(counts: ArrayLike<number>, samples: number, neurons: number): Int32Array {
  const out = new Int32Array(samples).fill(-1);
  for (let s = 0; s < samples; s++) {
    let best = 0;
    for (let j = 0; j < neurons; j++) {
      const c = counts[s * neurons + j];
      if (c > best) { best = c; out[s] = j; }
    }
  }
  return out;
}

/** Samples per cluster (index j), and the silent ones. */
export function clusterSizes(clusters: ArrayLike<number>, neurons: number): { sizes: number[]; silent: number } {
  const sizes = new Array<number>(neurons).fill(0);
  let silent = 0;
  for (let s = 0; s < clusters.length; s++) {
    if (clusters[s] < 0) silent++;
    else sizes[clusters[s]]++;
  }
  return { sizes, silent };
}

/** Contingency table: (cluster + 1) × classes, row 0 the silent samples. */
function contingency(clusters: ArrayLike<number>, labels: ArrayLike<number>, neurons: number, classes: number): Float64Array {
  const t = new Float64Array((neurons + 1) * classes);
  for (let s = 0; s < clusters.length; s++) t[(clusters[s] + 1) * classes + labels[s]]++;
  return t;
}

export function purity(clusters: ArrayLike<number>, labels: ArrayLike<number>, neurons: number, classes: number): number {
  const n = clusters.length;
  if (n === 0) return 0;
  const t = contingency(clusters, labels, neurons, classes);
  let sum = 0;
  for (let k = 1; k <= neurons; k++) {
    let m = 0;
    for (let c = 0; c < classes; c++) m = Math.max(m, t[k * classes + c]);
    sum += m;
  }
  return sum / n;
}

const xlogx = (p: number): number => (p > 0 ? p * Math.log(p) : 0);

export function normalizedMutualInformation(clusters: ArrayLike<number>, labels: ArrayLike<number>, neurons: number, classes: number): number {
  const n = clusters.length;
  if (n === 0) return 0;
  const t = contingency(clusters, labels, neurons, classes);
  const rows = neurons + 1;
  const pk = new Float64Array(rows);
  const pc = new Float64Array(classes);
  for (let k = 0; k < rows; k++) for (let c = 0; c < classes; c++) { pk[k] += t[k * classes + c] / n; pc[c] += t[k * classes + c] / n; }
  let hk = 0, hc = 0, mi = 0;
  for (let k = 0; k < rows; k++) hk -= xlogx(pk[k]);
  for (let c = 0; c < classes; c++) hc -= xlogx(pc[c]);
  for (let k = 0; k < rows; k++) {
    for (let c = 0; c < classes; c++) {
      const p = t[k * classes + c] / n;
      if (p > 0) mi += p * Math.log(p / (pk[k] * pc[c]));
    }
  }
  // Both partitions trivial (one cluster, one class): identical, as scikit-learn scores them.
  if (hk === 0 && hc === 0) return 1;
  return Math.max(0, Math.min(1, (2 * mi) / (hk + hc)));
}

/** k-means (Lloyd) assignment-step multiply-accumulates per iteration: N samples × K centroids × D features. */
export function kmeansMacsPerIteration(samples: number, clusters: number, features: number): number {
  return samples * clusters * features;
}
