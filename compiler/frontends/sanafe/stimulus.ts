/**
 * Spike trains of SANA-FE `input` somas (InputModel, src/models.cpp at 8951ab0), precomputed for a
 * number of steps. Each (core, unit) instance holds one spike list, one rate and one Poisson
 * probability, and every neuron on it advances the same state when it is updated, in core order:
 *   send ← next entry of the spike list (false once exhausted)
 *   if poisson > U[0,1) from the unit's mt19937: send ← true
 *   if rate > 0 and step mod trunc(1/rate) = 0: send ← true      (step counts from 1)
 * SANA-FE's step s is aerchip tick s − 1: the spike leaves at that tick and reaches its targets' somas
 * one tick later, as every spike does.
 */
import type { StimulusIR } from "../../ir/types.ts";
import { Mt19937 } from "./mt19937.ts";
import type { SanafeInputUnit } from "./snn.ts";

export function sanafeStimulus(units: readonly SanafeInputUnit[], steps: number): StimulusIR {
  const byGroup = new Map<string, { tick: number[]; neuron: number[] }>();
  for (const u of units) {
    const rng = new Mt19937(u.seed);
    const list = u.params.spikes ?? [];
    const period = u.params.rate > 0 ? Math.trunc(1 / u.params.rate) : 0;
    let next = 0;
    for (let step = 1; step <= steps; step++) {
      for (const n of u.neurons) {
        let send = false;
        if (next < list.length) send = list[next++];
        // The draw happens on every update; skipping it when poisson = 0 changes nothing observable.
        if (u.params.poisson > 0 && u.params.poisson > rng.nextCanonical()) send = true;
        if (period > 0 && step % period === 0) send = true;
        if (!send) continue;
        let g = byGroup.get(n.group);
        if (g === undefined) {
          g = { tick: [], neuron: [] };
          byGroup.set(n.group, g);
        }
        g.tick.push(step - 1);
        g.neuron.push(n.index);
      }
    }
  }
  const spikes = new Map<string, { tick: Int32Array; neuron: Int32Array }>();
  for (const [name, g] of byGroup) spikes.set(name, { tick: Int32Array.from(g.tick), neuron: Int32Array.from(g.neuron) });
  return { spikes };
}
