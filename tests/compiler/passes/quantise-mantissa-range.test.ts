/**
 * The signed weight mantissa is two's complement, −2^(b−1) … 2^(b−1) − 1 (−256 … 255 for loihi's 9 bits), and
 * q and e are chosen against that range (docs/fixed-point.md, "Mantissa range"; audit s23d #5): a projection
 * whose largest magnitude is a negative weight gets one more bit of q than its positive mirror image. A
 * magnitude format with the sign elsewhere (ODIN, 3 bits) is symmetric, ±(2^b − 1) = ±7.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { quantiseGraph } from "../../../compiler/passes/quantise.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { weightFormat } from "../../../chip/spec/weight-format.ts";

function layer(weights: number[], arch: string) {
  const m = parseAerchipModel({
    format: "aerchip-model-1", name: "mantissa", steps: 2,
    populations: [
      { name: "in", kind: "input", size: weights.length, spikes: [] },
      { name: "h", kind: "neuron", size: 1, vThreshold: 4 },
    ],
    projections: [{ name: "in_h", pre: "in", post: "h", dense: { weights: weights.map((w) => [w]), delays: 1 } }],
  } as unknown as Json, "mantissa.json");
  const r = quantiseGraph(m.graph, loadPreset(arch));
  const l = r.layers.find((x) => x.population === "h")!;
  return { q: l.stateScaleExp, e: l.weightExponents.in_h, clipped: l.clippedWeights, w: Array.from(r.graph.projections[0].weight) };
}

describe("weight mantissa range", () => {
  it("loihi (9-bit two's complement): −256 … 255, so −0.5 fits at q = 16 and +0.5 needs q = 15", () => {
    const f = weightFormat(loadPreset("loihi").precision);
    expect([f.mMin, f.mMax, f.eHi]).toEqual([-256, 255, 7]);
    const neg = layer([-0.5, 0.375], "loihi");
    expect(neg).toMatchObject({ q: 16, e: 7, clipped: 0 });
    expect(neg.w[0]).toBe(-256 * 2 ** 7); // the mantissa −256, in state units 2^−16
    const pos = layer([0.5, -0.375], "loihi");
    expect(pos).toMatchObject({ q: 15, e: 7, clipped: 0 });
    expect(pos.w[0]).toBe(128 * 2 ** 7);
  });

  it("a negative weight whose scaled value is exactly mMin − 0.5 does not fit (it would round half away to mMin − 1 and clip)", () => {
    // loihi: at q = 16, e = 7 this weight scales to exactly −256.5, which rounds (half away from 0) to −257 and
    // would be clipped; so q drops to 15, where it is −128.25 → −128.
    const w = -256.5 * 2 ** (7 - 16);
    const r = layer([w, 0.1], "loihi");
    expect(r.clipped).toBe(0);
    expect(r.q).toBe(15);
    expect(r.w[0]).toBe(-128 * 2 ** 7); // the mantissa −128 at exponent 7, in state units 2^−15
  });

  it("odin (3-bit magnitude, sign per source): symmetric ±7", () => {
    const f = weightFormat(loadPreset("odin").precision);
    expect([f.mMin, f.mMax]).toEqual([-7, 7]);
  });
});
