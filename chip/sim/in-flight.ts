/**
 * Synaptic events still in flight when a run ends: counted when their spike was emitted (the counters
 * derived from spike counts include them) but never applied, because they arrive at t + delay ≥ steps.
 * They are the events of the spikes of the last maxDelay ticks whose group's delay reaches past the end;
 * run.ts subtracts them per projection to report the events actually delivered.
 */
import type { SpikeRecordView } from "./spike-record.ts";
import type { SimState } from "./state.ts";

/** Per projection (P of them), the synaptic events in flight after `steps` ticks (whole numbers). */
export function inFlightByProjection(st: SimState, rec: SpikeRecordView, steps: number, projections: number): Float64Array {
  const out = new Float64Array(projections);
  const proj = st.synapses.projection;
  const { neuronGroupStart, groupDelay, groupSynStart } = st;
  const { neurons, tickEnd } = rec;
  for (let t = Math.max(0, steps - st.maxDelayTicks); t < steps; t++) {
    for (let k = t === 0 ? 0 : tickEnd[t - 1]; k < tickEnd[t]; k++) {
      const n = neurons[k];
      for (let g = neuronGroupStart[n]; g < neuronGroupStart[n + 1]; g++) {
        if (t + groupDelay[g] < steps) continue;
        const lo = groupSynStart[g];
        const hi = groupSynStart[g + 1];
        if (proj === undefined) out[0] += hi - lo;
        else for (let s = lo; s < hi; s++) out[proj[s]]++;
      }
    }
  }
  return out;
}
