/**
 * aerchip-model-1's `conv2d` and `convTranspose2d` projections (compiler/frontends/model-conv.ts): the
 * synapses they expand to, PyTorch's output sizes, and the errors that name the field.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileAndRun } from "../../../cli/pipeline.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { errorOf } from "../../helpers/errors.ts";

type Block = Record<string, unknown>;

function model(preShape: number[], postShape: number[], kind: string, block: Block, extra: Record<string, unknown> = {}): Json {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  return {
    format: "aerchip-model-1", name: "conv", steps: 4,
    populations: [
      { name: "in", kind: "input", size: size(preShape), shape: preShape, spikes: [] },
      { name: "out", kind: "neuron", size: size(postShape), shape: postShape, vThreshold: 1, reset: "zero" },
    ],
    projections: [{ name: "p", pre: "in", post: "out", [kind]: block, ...extra }],
  } as Json;
}

function synapses(m: Json): Array<[number, number, number]> {
  const p = parseAerchipModel(m, "conv.json").graph.projections[0];
  return Array.from(p.preIndex, (pre, s) => [pre, p.postIndex[s], p.weight[s]] as [number, number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** A kernel [A][B][KH][KW] of distinct weights 1, 2, 3, … (C order). */
function kernel(A: number, B: number, KH: number, KW: number): number[][][][] {
  let v = 1;
  return Array.from({ length: A }, () => Array.from({ length: B }, () => Array.from({ length: KH }, () => Array.from({ length: KW }, () => v++))));
}

describe("conv2d / convTranspose2d in aerchip-model-1", () => {
  it("conv2d: a 2 × 2 kernel over a 3 × 3 input joins each output to its receptive field (by hand)", () => {
    const s = synapses(model([1, 3, 3], [1, 2, 2], "conv2d", { weights: [[[[1, 2], [3, 4]]]] }));
    expect(s.length).toBe(16);
    // Output (0, 0) = neuron 0 reads inputs 0, 1, 3, 4 with weights 1, 2, 3, 4; output (1, 1) = neuron 3 reads 4, 5, 7, 8.
    expect(s.filter(([, o]) => o === 0)).toEqual([[0, 0, 1], [1, 0, 2], [3, 0, 3], [4, 0, 4]]);
    expect(s.filter(([, o]) => o === 3)).toEqual([[4, 3, 1], [5, 3, 2], [7, 3, 3], [8, 3, 4]]);
    const p = parseAerchipModel(model([1, 3, 3], [4], "conv2d", { weights: [[[[1, 2], [3, 4]]]] }), "c.json").graph.projections[0];
    expect(p.encoding).toBe("conv");
    expect(new Set(p.delayTicks)).toEqual(new Set([1]));
  });

  it("convTranspose2d with stride 2 scatters each input's kernel onto its own 2 × 2 block (by hand)", () => {
    const s = synapses(model([1, 2, 2], [1, 4, 4], "convTranspose2d", { weights: [[[[1, 2], [3, 4]]]], stride: 2 }));
    expect(s.length).toBe(16);
    // Input (1, 0) = neuron 2 → outputs (2, 0), (2, 1), (3, 0), (3, 1) = 8, 9, 12, 13.
    expect(s.filter(([i]) => i === 2)).toEqual([[2, 8, 1], [2, 9, 2], [2, 12, 3], [2, 13, 4]]);
  });

  it("convTranspose2d is the adjoint of conv2d with the same weights: the same synapses, ends swapped", () => {
    // Conv2d [Ci=2 → Co=3] over 7 × 6, kernel 3 × 2, stride [2, 1], padding [1, 0], dilation [1, 2]:
    // OH = ⌊(7 + 2 − 2 − 1)/2⌋ + 1 = 4, OW = ⌊(6 − 2 − 1)/1⌋ + 1 = 4. Its transpose maps [3, 4, 4] back to
    // [2, 7, 6] when outputPadding makes up the floor: OH' = 3·2 − 2 + 2 + op + 1 = 7 → op = 0; OW' = 3 + 2 + 1 = 6.
    const w = kernel(3, 2, 3, 2); // conv: [Co=3, Ci=2, 3, 2]; the transpose reads it as [Ci'=3, Co'=2, 3, 2].
    const geo = { stride: [2, 1], padding: [1, 0], dilation: [1, 2] };
    const conv = synapses(model([2, 7, 6], [3, 4, 4], "conv2d", { weights: w, ...geo }));
    const tr = synapses(model([3, 4, 4], [2, 7, 6], "convTranspose2d", { weights: w, ...geo }));
    expect(conv.length).toBeGreaterThan(0);
    const swapped = tr.map(([a, b, x]) => [b, a, x] as [number, number, number]).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    expect(swapped).toEqual(conv);
    // Groups: two groups of the same layer are the block-diagonal part of it.
    const g = synapses(model([2, 7, 6], [2, 4, 4], "conv2d", { weights: kernel(2, 1, 3, 2), groups: 2, ...geo }));
    expect(g.every(([i, o]) => Math.floor(i / 42) === Math.floor(o / 16))).toBe(true);
  });

  it("output sizes follow PyTorch (conv: ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1; transpose: (H − 1)s − 2p + d(k − 1) + op + 1)", () => {
    // ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1) on 4 × 4 → 8 × 8.
    expect(() => parseAerchipModel(model([1, 4, 4], [1, 8, 8], "convTranspose2d", { weights: kernel(1, 1, 3, 3), stride: 2, padding: 1, outputPadding: 1 }), "t.json")).not.toThrow();
    // The spiking auto-encoder's decoder: ConvTranspose(32 → 16, k5) on 8 × 8 → 12 × 12, from a flat FC layer viewed as [32, 8, 8].
    const flat = model([2048], [16, 12, 12], "convTranspose2d", { kernelShape: [32, 16, 5, 5], weights: new Array(32 * 16 * 25).fill(0.5), inputShape: [32, 8, 8] });
    expect(synapses(flat).length).toBe(32 * 8 * 8 * 16 * 25);
    // Conv2d(1, 1, 5) on 28 × 28, stride 2 → 12 × 12.
    expect(() => parseAerchipModel(model([1, 28, 28], [144], "conv2d", { weights: kernel(1, 1, 5, 5), stride: 2 }), "t.json")).not.toThrow();
  });

  it("refuses what does not fit, naming the field", () => {
    const bad = (m: Json) => errorOf(() => parseAerchipModel(m, "t.json"));
    expect(bad(model([1, 3, 3], [1, 3, 3], "conv2d", { weights: [[[[1, 2], [3, 4]]]] })).message).toMatch(/\[1,2,2\]/);
    expect(bad(model([2, 3, 3], [1, 2, 2], "conv2d", { weights: [[[[1, 2], [3, 4]]]] })).field).toBe("projections[0].conv2d.weights");
    expect(bad(model([9], [4], "conv2d", { weights: [[[[1, 2], [3, 4]]]] })).field).toBe('population "in".shape');
    expect(bad(model([1, 2, 2], [1, 4, 4], "convTranspose2d", { weights: [[[[1, 2], [3, 4]]]], stride: 2, outputPadding: 2 })).field).toBe("projections[0].convTranspose2d.outputPadding");
    expect(bad(model([1, 3, 3], [1, 2, 2], "conv2d", { weights: [[[[1, 2], [3]]]] })).field).toBe("projections[0].conv2d.weights[0][0][1]");
    expect(bad(model([1, 3, 3], [1, 2, 2], "conv2d", { weights: [[[[1, 2], [3, 4]]]], delays: [1, 2] })).field).toBe("projections[0].conv2d.delays");
    expect(bad(model([1, 3, 3], [1, 2, 2], "conv2d", { weights: [[[[1, 2], [3, 4]]]], stide: 1 })).field).toBe("projections[0].conv2d.stide");
    expect(bad(model([1, 3, 3], [1, 2, 2], "conv2d", { weights: [[[[1, 2], [3, 4]]]], stride: [1, 1, 1] })).message).toMatch(/one whole number or a pair/);
    expect(bad(model([1, 3, 3], [1, 2, 2], "conv2d", { weights: [1, 2, 3], kernelShape: [1, 1, 2, 2] })).message).toMatch(/kernelShape \[1, 1, 2, 2\] holds 4/);
    // A plastic kernel would untie (audit-s18 F7): refused, for a learning rule and for pair STDP.
    expect(bad(model([1, 3, 3], [1, 2, 2], "conv2d", { weights: [[[[1, 2], [3, 4]]]] }, { learning: { named: "pair-stdp" } })).field).toBe("projections[0].learning");
    expect(bad(model([1, 2, 2], [1, 3, 3], "convTranspose2d", { weights: [[[[1, 2], [3, 4]]]] }, { stdp: { A_plus: 0.1, A_minus: 0.1, tau_pre: 5, tau_post: 5 } })).field).toBe("projections[0].stdp");
    const both = bad(model([1, 3, 3], [1, 2, 2], "conv2d", { weights: [[[[1, 2], [3, 4]]]] }, { dense: { weights: [] } }));
    expect(both.message).toMatch(/exactly one of/);
  });

  it("runs on the chip: one input spike through a transposed kernel fires exactly the neurons its weights reach", () => {
    // 1 × 2 × 2 input, stride 2, kernel [[1.5, 0.5], [0.5, 1.5]]: the spike of input (0, 1) at tick 0 reaches
    // outputs (0, 2) and (1, 3) with 1.5 (fire at tick 1, threshold 1) and (0, 3), (1, 2) with 0.5 (stay silent).
    const m = model([1, 2, 2], [1, 4, 4], "convTranspose2d", { weights: [[[[1.5, 0.5], [0.5, 1.5]]]], stride: 2 });
    (m as { populations: Array<{ spikes?: unknown }> }).populations[0].spikes = [[0, 1]];
    const { sim, report } = compileAndRun(loadPreset("generic"), parseAerchipModel(m, "t.json"), {
      provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple",
    });
    const out = sim.spikes.get("out")!;
    expect(Array.from(out.neuron).sort((a, b) => a - b)).toEqual([2, 7]);
    expect(Array.from(out.tick)).toEqual([1, 1]);
    expect(report.perProjection.find((p) => p.name === "p")?.synOps).toBe(4);
  });
});

describe("examples/conv/autoencoder.model.json", () => {
  it("parses into a 4 × 4 × 4 code and an 8 × 8 reconstruction, and runs with both kernels carrying spikes", async () => {
    const { readFileSync } = await import("node:fs");
    const loaded = parseAerchipModel(JSON.parse(readFileSync("examples/conv/autoencoder.model.json", "utf8")) as Json, "autoencoder.model.json");
    expect(loaded.graph.projections.map((p) => p.encoding)).toEqual(["conv", "conv"]);
    const { sim } = compileAndRun(loadPreset("loihi"), loaded, { provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple" });
    expect(sim.spikes.get("code")!.tick.length).toBeGreaterThan(0);
    expect(sim.spikes.get("recon")!.tick.length).toBeGreaterThan(0);
  });
});

describe("max pooling of spikes as the docs write it (a ones-kernel into memoryless neurons)", () => {
  it("fires each output exactly when some input of its 2 × 2 window fired one tick before", async () => {
    const { createRng } = await import("../../../core/rng.ts");
    const rng = createRng(7);
    const C = 2, H = 6, W = 6, T = 30;
    const spikes: Array<[number, number]> = [];
    for (let t = 0; t < T; t++) for (let n = 0; n < C * H * W; n++) if (rng.nextFloat() < 0.08) spikes.push([t, n]);
    const ones = Array.from({ length: C }, () => [[[1, 1], [1, 1]]]);
    const m = {
      format: "aerchip-model-1", name: "maxpool", steps: T + 2,
      populations: [
        { name: "in", kind: "input", size: C * H * W, shape: [C, H, W], spikes },
        { name: "pool", kind: "neuron", size: C * 9, shape: [C, 3, 3], voltageDecay: 0, currentDecay: 0, inputGain: 1, vThreshold: 1, thresholdOp: ">=", reset: "zero" },
      ],
      projections: [{ name: "p", pre: "in", post: "pool", conv2d: { weights: ones, stride: 2, groups: C } }],
    } as Json;
    const { sim } = compileAndRun(loadPreset("generic"), parseAerchipModel(m, "pool.json"), { provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple" });
    const got = new Set<string>();
    const out = sim.spikes.get("pool")!;
    for (let k = 0; k < out.tick.length; k++) got.add(`${out.tick[k]}:${out.neuron[k]}`);
    const want = new Set<string>();
    for (const [t, n] of spikes) {
      const c = Math.floor(n / (H * W)), y = Math.floor((n % (H * W)) / W), x = n % W;
      want.add(`${t + 1}:${(c * 3 + Math.floor(y / 2)) * 3 + Math.floor(x / 2)}`);
    }
    expect(want.size).toBeGreaterThan(50);
    expect(got).toEqual(want);
  });
});
