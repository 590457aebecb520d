/**
 * Per-source weight signs (`precision.weightSignPerSource`, ODIN): the chip stores each synapse's weight as
 * an unsigned magnitude and takes its sign from the pre-synaptic neuron, one excitatory/inhibitory bit per
 * neuron (chip/spec/presets/odin.json, ChFrenkel/ODIN @1781931 SPI_SYN_SIGN; hardware-facts.md §2.4). So a
 * source neuron whose non-zero weights (after the post's inputGain is folded in) have both signs, across all
 * of its outgoing projections, cannot be represented: fixed point refuses it rather than drop one sign.
 * The quantiser then rounds magnitudes into [0, 2^weightBits − 1] and keeps the source's sign
 * (wMin = −wMax in compiler/passes/quantise.ts).
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ModelGraph } from "../ir/types.ts";
import { isNirResetProjection } from "../frontends/nir/reset-synapse.ts";

/** Throws E_FIXED_SOURCE_SIGN_MIXED for the first source neuron with weights of both signs. */
export function checkSignPerSource(graph: ModelGraph, file: string): void {
  const gainOf = new Map(graph.populations.map((p) => [p.name, p.params?.inputGain] as const));
  const sizeOf = new Map(graph.populations.map((p) => [p.name, p.size] as const));
  // Per pre population: for each neuron, the index of the first projection with a positive (negative)
  // weight from it, −1 for none.
  const firstPos = new Map<string, Int32Array>();
  const firstNeg = new Map<string, Int32Array>();
  const seen = (m: Map<string, Int32Array>, pre: string): Int32Array => {
    let a = m.get(pre);
    if (a === undefined) { a = new Int32Array(sizeOf.get(pre) ?? 0).fill(-1); m.set(pre, a); }
    return a;
  };
  graph.projections.forEach((pr, k) => {
    const gain = gainOf.get(pr.post);
    const pos = seen(firstPos, pr.pre);
    const neg = seen(firstNeg, pr.pre);
    for (let s = 0; s < pr.weight.length; s++) {
      const w = pr.weight[s] * (gain === undefined ? 1 : gain[pr.postIndex[s]]);
      if (w === 0) continue;
      const i = pr.preIndex[s];
      if (w > 0 && pos[i] < 0) pos[i] = k; else if (w < 0 && neg[i] < 0) neg[i] = k;
      if (pos[i] >= 0 && neg[i] >= 0) {
        const pName = graph.projections[pos[i]].name;
        const nName = graph.projections[neg[i]].name;
        const where = pName === nName ? `projection "${pName}" gives it both positive and negative weights` : `projection "${pName}" gives it a positive weight and "${nName}" a negative one`;
        // A NIR node's reset self-synapse (−θ, from --reset snntorch-subtract) is no synapse the user wrote:
        // say where it comes from and what avoids it, rather than ask to split the population.
        const reset = [graph.projections[pos[i]], graph.projections[neg[i]]].find(isNirResetProjection);
        if (reset !== undefined) {
          throw new AerchipError("E_FIXED_SOURCE_SIGN_MIXED", `neuron ${i} of population "${pr.pre}" has weights of both signs (${where}); "${reset.name}" is the reset of --reset snntorch-subtract (a self-synapse of −θ per neuron, which snnTorch's subtraction needs for a neuron whose membrane decays, β ≠ 1: docs/nir.md "Resets"), and this chip's precision.weightSignPerSource stores one sign per source neuron`, {
            file, field: `projections.${reset.name}`,
            hint: "run with --precision float, or on a chip whose weights carry their own sign (e.g. --arch generic, loihi or spinnaker2), or with --reset subtract (Sinabs' subtraction: the same spikes only for IF nodes, β = 1)",
          });
        }
        throw new AerchipError("E_FIXED_SOURCE_SIGN_MIXED", `neuron ${i} of population "${pr.pre}" has weights of both signs (${where}); this chip's precision.weightSignPerSource stores one sign per source neuron`, {
          file, field: `projections.${pr.name}`,
          hint: "split the population into excitatory and inhibitory source neurons, or run with --precision float",
        });
      }
    }
  });
}
