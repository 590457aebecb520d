/** The identities layer-ticks.csv promises against report.json (chip/report/layer-ticks.ts), checked exactly. */
import { expect } from "vitest";
import type { LayerTickCounts } from "../../chip/report/layer-ticks.ts";
import type { RunReport } from "../../chip/report/run-report.ts";

/** Every identity the docs promise, exactly (toBe on float64 sums of integers). */
export function expectReconciles(c: LayerTickCounts, r: RunReport): void {
  const P = c.populations.length;
  expect(c.populations).toEqual(r.perPopulation.map((p) => p.name));
  expect(c.steps).toBe(r.steps);
  for (let t = 0; t < c.steps; t++) {
    let s = 0, out = 0, inn = 0;
    for (let p = 0; p < P; p++) { s += c.spikes[t * P + p]; out += c.synOpsOut[t * P + p]; inn += c.synOpsIn[t * P + p]; }
    expect(s, `spikes at tick ${t}`).toBe(r.perTick.spikes[t]);
    expect(out, `synOpsOut at tick ${t}`).toBe(r.perTick.synOps[t]);
    expect(inn, `synOpsIn at tick ${t}`).toBe(r.perTick.synOps[t]);
  }
  r.perPopulation.forEach((pop, p) => {
    let s = 0, out = 0, inn = 0;
    for (let t = 0; t < c.steps; t++) { s += c.spikes[t * P + p]; out += c.synOpsOut[t * P + p]; inn += c.synOpsIn[t * P + p]; }
    expect(s, `spikes of ${pop.name}`).toBe(pop.spikes);
    expect(inn, `synOpsIn of ${pop.name}`).toBe(pop.synOpsIn);
    expect(out, `synOpsOut of ${pop.name}`).toBe(r.perProjection.filter((k) => k.pre === pop.name).reduce((a, k) => a + k.synOps, 0));
  });
  // Dense-equivalent ops (denseOpsIn): the same every tick, Σ_t = perPopulation[p].synapticOpsIn.dense (metrics.ts).
  expect(c.denseOpsInPerTick, "denseOpsIn").toBeDefined();
  expect(r.metrics, "report.json metrics").toBeDefined();
  r.metrics!.perPopulation.forEach((pop, p) => {
    expect(pop.name).toBe(c.populations[p]);
    expect(c.denseOpsInPerTick![p] * c.steps, `denseOpsIn of ${pop.name} over the run`).toBe(pop.synapticOpsIn.dense);
  });
  // The engine's columns (runs made with layerTallies): Σ over ticks and populations = the run's counter
  // (weightChanges: report.json's learning.weightChanges).
  for (const [name, a] of c.engine ?? []) {
    let all = 0;
    for (let i = 0; i < c.steps * P; i++) all += a[i];
    expect(all, `${name} over the run`).toBe(name === "weightChanges" ? r.learning?.weightChanges : r.totals.counters[name]);
  }
}


/**
 * A model whose two learning projections end in two populations that the compiler puts on one core: the
 * case `--per-layer-ticks` cannot split (E_LAYER_TICKS_LEARNING).
 */
const TWO_PLASTIC_RULE = { rule: "dw = 2^-5*x1*y0", traces: { x1: { tauTicks: 10, impulse: 1, mode: "add" } }, wMin: 0, wMax: 1, epochTicks: 1 };
export const TWO_PLASTIC_POPULATIONS_MODEL = {
  format: "aerchip-model-1", name: "two-plastic", steps: 10,
  populations: [
    { name: "in", kind: "input", size: 2, spikes: [[0, 0], [1, 1]] },
    { name: "a", kind: "neuron", size: 2, vThreshold: 1 },
    { name: "b", kind: "neuron", size: 2, vThreshold: 1 },
  ],
  projections: [
    { name: "in_a", pre: "in", post: "a", dense: { weights: [[0.5, 0.5], [0.5, 0.5]], delays: 1 }, learning: TWO_PLASTIC_RULE },
    { name: "in_b", pre: "in", post: "b", dense: { weights: [[0.5, 0.5], [0.5, 0.5]], delays: 1 }, learning: TWO_PLASTIC_RULE },
  ],
};
