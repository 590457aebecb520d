/**
 * Test-only reference stepper for a ModelGraph: dense float64 loops over the chip's compartment
 * equations (chip/program/types.ts), independent of the compiler and the simulator.
 *
 * Per tick t, for every neuron compartment (t ≥ its start tick, not refractory):
 *   u ← currentDecay·u + inputGain·I ;  v ← (voltageDecay·v + u) + bias
 *   spiking: fire iff v > θ (thresholdOp gt) or v ≥ θ (ge); reset zero: v ← vReset,
 *   subtract: v ← v − θ, none: unchanged; then refractory for refractoryTicks ticks.
 * Input populations fire where the stimulus says. A spike at tick t on a synapse of delay d adds
 * its weight to I of the target at tick t + d. Frozen (before start tick / refractory) compartments
 * discard their input.
 */
import { ResetMode, ThresholdOp } from "../../../../chip/program/types.ts";
import type { ModelGraph } from "../../../../compiler/ir/types.ts";

export interface StepperResult {
  /** Per population: spikes[t · size + i] ∈ {0, 1}. */
  readonly spikes: Map<string, Uint8Array>;
  /** Per population: v[t · size + i] after the tick's reset. */
  readonly v: Map<string, Float64Array>;
}

export interface StepperOptions {
  /** Population → first tick it integrates (the proposed `startTick` extension). */
  readonly startTicks?: ReadonlyMap<string, number>;
}

/** stimulus: input population → spikes[t · size + i] (nonzero = spike), for t < ticks. */
export function stepGraph(graph: ModelGraph, stimulus: ReadonlyMap<string, ArrayLike<number>>, ticks: number, opts: StepperOptions = {}): StepperResult {
  const pops = graph.populations;
  const index = new Map(pops.map((p, i) => [p.name, i]));
  let maxDelay = 1;
  for (const pr of graph.projections) for (const d of pr.delayTicks) maxDelay = Math.max(maxDelay, d);
  const R = maxDelay + 1;
  const ring = pops.map((p) => new Float64Array(R * p.size));
  const u = pops.map((p) => new Float64Array(p.size));
  const v = pops.map((p) => (p.params === undefined ? new Float64Array(p.size) : Float64Array.from(p.params.vInit)));
  const refr = pops.map((p) => new Uint32Array(p.size));
  const spikes = pops.map((p) => new Uint8Array(ticks * p.size));
  const vRec = pops.map((p) => new Float64Array(ticks * p.size));
  // Outgoing synapses grouped by pre population.
  const out = pops.map(() => [] as Array<{ post: number; pre: Uint32Array; postIndex: Uint32Array; w: Float64Array; d: Uint16Array }>);
  for (const pr of graph.projections) {
    out[index.get(pr.pre)!].push({ post: index.get(pr.post)!, pre: pr.preIndex, postIndex: pr.postIndex, w: pr.weight, d: pr.delayTicks });
  }
  for (let t = 0; t < ticks; t++) {
    const slot = t % R;
    for (let p = 0; p < pops.length; p++) {
      const pop = pops[p];
      const n = pop.size;
      const I = ring[p];
      if (pop.kind === "input") {
        const st = stimulus.get(pop.name);
        if (st !== undefined) for (let i = 0; i < n; i++) if (st[t * n + i] !== 0) spikes[p][t * n + i] = 1;
        continue;
      }
      const q = pop.params!;
      const start = opts.startTicks?.get(pop.name) ?? 0;
      for (let i = 0; i < n; i++) {
        const inp = I[slot * n + i];
        I[slot * n + i] = 0;
        if (t < start) {
          vRec[p][t * n + i] = v[p][i];
          continue;
        }
        if (refr[p][i] > 0) {
          refr[p][i]--;
          vRec[p][t * n + i] = v[p][i];
          continue;
        }
        u[p][i] = q.currentDecay[i] * u[p][i] + q.inputGain[i] * inp;
        let vi = q.voltageDecay[i] * v[p][i] + u[p][i] + q.bias[i];
        if (pop.spiking) {
          const th = q.vThreshold[i];
          const fire = q.thresholdOp[i] === ThresholdOp.gt ? vi > th : vi >= th;
          if (fire) {
            spikes[p][t * n + i] = 1;
            if (q.resetMode[i] === ResetMode.zero) vi = q.vReset[i];
            else if (q.resetMode[i] === ResetMode.subtract) vi -= th;
            refr[p][i] = q.refractoryTicks[i];
          }
        }
        v[p][i] = vi;
        vRec[p][t * n + i] = vi;
      }
    }
    // Deliver this tick's spikes.
    for (let p = 0; p < pops.length; p++) {
      const n = pops[p].size;
      for (const o of out[p]) {
        const m = pops[o.post].size;
        const target = ring[o.post];
        for (let s = 0; s < o.pre.length; s++) {
          if (spikes[p][t * n + o.pre[s]] === 0) continue;
          target[((t + o.d[s]) % R) * m + o.postIndex[s]] += o.w[s];
        }
      }
    }
  }
  return {
    spikes: new Map(pops.map((p, i) => [p.name, spikes[i]])),
    v: new Map(pops.map((p, i) => [p.name, vRec[i]])),
  };
}
