/**
 * The self-synapses of the NIR reader's reset "snntorch-subtract" (lower.ts; docs/nir.md "Resets"): for a
 * neuron with β ≠ 1, snnTorch's U[t+1] = βU[t] + I[t+1] − θ·S[t] takes θ off through a projection from the
 * node's population onto itself, weight −θ (delay 1), named `__<population>.reset` (the helper prefix "__":
 * no model synapse, chip/report/metrics.ts isHelperProjection). Named here so that later passes can tell the
 * user where such a projection comes from (compiler/passes/quantise-sign.ts).
 */

/** The name lower.ts gives population `pop`'s reset self-synapses (before making it unique). */
export function nirResetProjectionName(pop: string): string {
  return `__${pop}.reset`;
}

/** Whether a projection is the reset self-synapse of `--reset snntorch-subtract` (possibly made unique with `_<k>`). */
export function isNirResetProjection(pr: { readonly name: string; readonly pre: string; readonly post: string }): boolean {
  if (pr.pre !== pr.post) return false;
  const base = nirResetProjectionName(pr.pre);
  return pr.name === base || new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}_\\d+$`).test(pr.name);
}
