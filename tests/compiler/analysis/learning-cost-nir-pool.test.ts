/**
 * Audit s24c #9: learning-cost on a NIR graph counts a pooled layer as the paper's tables do (papers.md
 * §1.4; compiler/analysis/learning-shapes.ts vgg9Layers): the pool is a layer without neurons or weights
 * and the conv/Affine after it has its own kernel at the pooled resolution — not the pool folded into its
 * synapses (k_pool² × the fan-in).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadNirModel, lowerNirDocument, readNirDocument } from "../../../compiler/frontends/nir/index.ts";
import { layersFromModelGraph } from "../../../compiler/analysis/learning-shapes.ts";
import { learningCostFromLayers } from "../../../compiler/analysis/learning-cost.ts";
import { nirFile, writeH5 } from "../frontends/nir/write-h5.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";

let tmp = "";
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), "aerchip-lc-pool-")); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

const shape = (l: ReturnType<typeof layersFromModelGraph>) => l.map((x) => [x.name, x.neurons, x.neurons * x.fanIn]);

describe("learning-cost: a NIR pool is not folded into the next layer's fan-in", () => {
  it("Input 1×4×4 → IF → SumPool2 → Conv(1→2, k3, p1) → IF: the conv counts its kernel on the 2×2 pooled map", async () => {
    const w = { f32: [1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((v) => v / 10), shape: [2, 1, 3, 3] };
    const tree = nirFile({
      input: { type: "Input", shape: [1n, 4n, 4n] },
      a: { type: "IF", r: { f32: new Array(16).fill(1), shape: [1, 4, 4] }, v_threshold: { f32: new Array(16).fill(1), shape: [1, 4, 4] } },
      pool: { type: "SumPool2d", kernel_size: [2n, 2n], stride: [2n, 2n], padding: [0n, 0n] },
      conv: { type: "Conv2d", weight: w, bias: [0, 0], stride: [1n, 1n], padding: [1n, 1n], dilation: [1n, 1n], groups: 1n, input_shape: [2n, 2n] },
      b: { type: "IF", r: { f32: new Array(8).fill(1), shape: [2, 2, 2] }, v_threshold: { f32: new Array(8).fill(1), shape: [2, 2, 2] } },
      output: { type: "Output", shape: [2n, 2n, 2n] },
    }, [["input", "a"], ["a", "pool"], ["pool", "conv"], ["conv", "b"], ["b", "output"]]);
    const p = join(tmp, "pool-conv.nir");
    await writeH5(p, tree);
    const { doc, warnings } = await readNirDocument(p);
    const g = lowerNirDocument(doc, {}, warnings).graph;
    // The chip's synapse list has the pool folded in: each of the 2×2×2 outputs sees all 4 pooled cells
    // (3×3, padding 1 on 2×2), each the sum of 4 `a` neurons: 8 × 4 × 4 = 128 synapses.
    const folded = g.projections.find((q) => q.pre === "a" && q.post === "b")!;
    expect(folded.preIndex.length).toBe(8 * 4 * 4);
    // full-kernel: 8 neurons × (1·3·3) = 72; synapses: taps in range on a 2×2 map with padding 1:
    // (3·2 − 2)² = 16 per (in, out) channel pair × 1 × 2 = 32 (the folded list would give 128 for both).
    expect(shape(layersFromModelGraph(g, "full-kernel"))).toEqual([["a", 16, 16], ["b", 8, 72]]);
    expect(shape(layersFromModelGraph(g, "synapses"))).toEqual([["a", 16, 16], ["b", 8, 32]]);
  });

  it.skipIf(!HAS_SHARED)(`cnn_sinabs.nir (T = 20, T_l = 15) gives the paper's per-layer counts ${SKIP_MSG}`, async () => {
    const g = (await loadNirModel(sharedPath("fixtures/nir/paper_cnn/cnn_sinabs.nir"))).graph;
    // Hand count, paper convention (N^(l) × fan-in, the kernel at its own input resolution; pools hold no neurons):
    //   "1"  Conv(2→16, k5, s2, p1) on 2×34×34 → 16×16×16 = 4,096 neurons × 2·25 = 50   = 204,800
    //   "3"  Conv(16→16, k3, p1) on 16×16      → 4,096 neurons × 16·9 = 144             = 589,824
    //   SumPool2 → 16×8×8 (no neurons)
    //   "6"  Conv(16→8, k3, p1) on 8×8         → 8·8·8 = 512 neurons × 16·9 = 144       =  73,728  (folded: 576)
    //   SumPool2 → 8×4×4 = 128 (no neurons)
    //   "10" Affine(128→256)                   → 256 neurons × 128                      =  32,768  (folded: 512)
    //   "12" Affine(256→10)                    → 10 neurons × 256                       =   2,560
    //   Σ N = 4,096 + 4,096 + 512 + 256 + 10 = 8,970;  Σ N·fan-in = 903,680
    const L = layersFromModelGraph(g, "full-kernel");
    expect(shape(L)).toEqual([["1", 4096, 204800], ["3", 4096, 589824], ["6", 512, 73728], ["10", 256, 32768], ["12", 10, 2560]]);
    const r = learningCostFromLayers(L, { fanIn: "full-kernel", T: 20, Tl: 15 });
    expect(r.totals.neurons).toBe(8970);
    expect(r.totals.synapses).toBe(903680);
    expect(r.totals.memoryBpttValues).toBe(20 * 8970); // T·ΣN
    expect(r.totals.memoryRuleValues).toBe(2 * 8970); // 2·ΣN
    expect(r.totals.macsBptt).toBe(2 * 20 * 903680); // 2T·Σ N·fan-in = 36,147,200
    expect(r.totals.macsRule).toBe(3 * (20 - 15) * 903680); // 3(T − T_l)·Σ = 13,555,200
    // "synapses": layer "6" has (3·8 − 2)² = 484 taps per channel pair on the 8×8 pooled map × 16 × 8 = 61,952.
    const S = layersFromModelGraph(g, "synapses");
    expect(S[2].neurons * S[2].fanIn).toBe(484 * 16 * 8);
    expect(S[3].neurons * S[3].fanIn).toBe(128 * 256);
  });
});
