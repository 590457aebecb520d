/**
 * Issue 7 acceptance: NeuroBench metrics of ../shared/fixtures/nir/snntorch/snntorch_dense_lif (input 10 →
 * Linear → Leaky 16 → Linear → Leaky 4, T = 100 steps, snnTorch's own input and spikes in .npy files)
 * equal values computed by hand here from the fixture's weights and recorded spikes.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadNirModel } from "../../../compiler/frontends/nir/index.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { buildRunReport } from "../../../chip/report/run-report.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { loadNpyF64 } from "../../compiler/frontends/nir/helpers.ts";
import { genericWith } from "../../helpers/specs.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";

describe.skipIf(!HAS_SHARED)(`NeuroBench metrics of snntorch_dense_lif ${SKIP_MSG}`, () => {
  const base = join("fixtures", "nir", "snntorch", "snntorch_dense_lif");
  // Bit widths fixed here so the footprint arithmetic does not follow the generic preset.
  const g = genericWith();
  const spec: ChipSpec = { ...g, precision: { ...g.precision, weightBits: 8, stateBits: 16, currentBits: 16, refractoryBits: 4, thresholdBits: 12, decayBits: 12 } };

  async function run() {
    const m = await loadNirModel(sharedPath(`${base}.nir`));
    const x = loadNpyF64(sharedPath(`${base}.input.npy`));
    const hid = loadNpyF64(sharedPath(`${base}.hidden_spikes.npy`));
    const out = loadNpyF64(sharedPath(`${base}.output_spikes.npy`));
    const T = x.shape[0];
    const tick: number[] = [];
    const neuron: number[] = [];
    for (let t = 0; t < T; t++) for (let i = 0; i < 10; i++) if (x.data[t * 10 + i] !== 0) { tick.push(t); neuron.push(i); }
    const { program } = compileModel(m.graph, spec, {});
    const ticks = T + m.extraTicks;
    const sim = simulate(spec, program, { spikes: new Map([["input", { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) }, { steps: ticks, timing: createTimingModel("simple") });
    const report = buildRunReport(spec, program, sim, { aerchipVersion: "test", inputs: [], options: {} }, "simple");
    return { m, x, hid, out, T, ticks, sim, metrics: report.metrics! };
  }

  it("synaptic ops, sparsity, dead/bursting neurons and footprint equal the hand arithmetic", async () => {
    const { m, x, hid, out, T, ticks, sim, metrics } = await run();
    // The model as exported: 10 inputs, 16 hidden, 4 output neurons; no zero weights; both layers biased.
    expect([x.shape[1], hid.shape[1], out.shape[1]]).toEqual([10, 16, 4]);
    const weights = m.graph.projections.filter((p) => !p.pre.startsWith("__"));
    expect(weights.map((p) => [p.pre, p.post, p.weight.length])).toEqual([["input", "1", 160], ["1", "3", 64]]);
    expect(weights.every((p) => p.weight.every((w) => w !== 0))).toBe(true);
    // The chip runs T + 2 ticks (hidden at latency 1, output at latency 2: docs/nir.md).
    expect(T).toBe(100);
    expect(ticks).toBe(102);

    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    const inputSpikes = sum(x.data); // 258
    const hiddenRef = sum(hid.data); // 198 over steps 0..99
    const outRef = sum(out.data); // 43
    // Tick 101 is hidden step 100 (after the data): whatever fires there is counted too (the chip ran it).
    const h = sim.spikes.get("1")!;
    let hiddenTail = 0;
    for (let k = 0; k < h.tick.length; k++) if (h.tick[k] === 101) hiddenTail++;
    expect(h.tick.length).toBe(hiddenRef + hiddenTail);
    expect(sim.spikes.get("3")!.tick.length).toBe(outRef);

    // Effective ACs: every input spike meets 16 non-zero weights, every hidden spike 4 (bias drives excluded).
    expect(metrics.totals.synapticOps.effectiveACs).toBe(inputSpikes * 16 + (hiddenRef + hiddenTail) * 4);
    expect(metrics.totals.synapticOps.effectiveMACs).toBe(0);
    // Dense: (10·16 + 16·4) = 224 weights on every one of the 102 ticks.
    expect(metrics.totals.synapticOps.dense).toBe(224 * 102);
    // Connection sparsity: no zero weights.
    expect(metrics.totals.connectionSparsity).toBe(0);
    // Activation sparsity over the two Leaky layers (20 neurons × 102 ticks).
    expect(metrics.totals.activationSparsity).toBeCloseTo(1 - (hiddenRef + hiddenTail + outRef) / (20 * 102), 12);

    // Dead and bursting hidden neurons from snnTorch's own spike record (+ the tail tick).
    const perNeuron = new Float64Array(16);
    for (let t = 0; t < T; t++) for (let j = 0; j < 16; j++) perNeuron[j] += hid.data[t * 16 + j];
    for (let k = 0; k < h.tick.length; k++) if (h.tick[k] === 101) perNeuron[h.neuron[k]]++;
    const dead = perNeuron.filter((n) => n === 0).length;
    const bursting = perNeuron.filter((n) => n >= 0.9 * 102).length;
    const hidden = metrics.perPopulation.find((p) => p.name === "1")!;
    expect(hidden.deadNeurons).toBe(dead);
    expect(hidden.burstingNeurons).toBe(bursting);
    // The bias drive fires every tick but is a helper, not a layer: not in the totals.
    expect(metrics.perPopulation.find((p) => p.name === "__nir_bias")!.helper).toBe(true);
    const outDead = (() => { const c = new Float64Array(4); for (let t = 0; t < T; t++) for (let j = 0; j < 4; j++) c[j] += out.data[t * 4 + j]; return c.filter((n) => n === 0).length; })();
    expect(metrics.totals.deadNeurons).toBe(dead + outDead);
    expect(metrics.totals.burstingNeurons).toBe(bursting);

    // Footprint at 8-bit weights: 160 + 64 weights + 16 + 4 bias synapses = 244 × 8 bits = 244 bytes;
    // neuron state 16 + 16 + 4 + 12 + 12 = 60 bits × (16 + 4 + 1 bias neuron) = 1260 bits = 157.5 bytes.
    expect(metrics.totals.weightCount).toBe(244);
    expect(metrics.totals.footprint.weightBytes).toBe(244);
    expect(metrics.totals.footprint.neuronStateBytes).toBe(157.5);
    expect(metrics.totals.footprint.totalBytes).toBe(401.5);
    // Dense membrane updates: the 20 layer neurons on every tick.
    expect(metrics.totals.neuronUpdates.dense).toBe(20 * 102);
  });
});
