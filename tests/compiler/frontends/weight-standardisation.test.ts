/**
 * aerchip-model-1 `weightStandardisation` (compiler/frontends/weight-standardisation.ts): scaled weight
 * standardisation folded into the weights at load, ŵ[o,·] = gain[o]·(w[o,·] − mean_o)/sqrt(var_o·fanIn + eps),
 * per output unit (dense: post neuron, over its n_pre weights; conv2d: output channel, over Ci·KH·KW). The
 * expected values were computed with numpy (np.var with ddof=1 for torch.var's default, ddof=0 for
 * "population"), independently of the code.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { errorOf } from "../../helpers/errors.ts";

const close = (got: ArrayLike<number>, want: number[]): void => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i], `weight ${i}`).toBeCloseTo(want[i], 14);
};

const denseModel = (ws: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): Json => ({
  format: "aerchip-model-1", name: "ws", steps: 2,
  populations: [{ name: "in", kind: "input", size: 3, spikes: [[0, 0]] }, { name: "out", kind: "neuron", size: 2 }],
  projections: [{ name: "p", pre: "in", post: "out", dense: { weights: [[1, 0], [2, 0], [3, 4]], delays: 1 }, ...(ws === undefined ? {} : { weightStandardisation: ws }), ...extra }],
}) as Json;

const convModel = (ws: Record<string, unknown>, kind = "conv2d"): Json => ({
  format: "aerchip-model-1", name: "wsconv", steps: 2,
  populations: [{ name: "in", kind: "input", size: 4, shape: [1, 2, 2], spikes: [[0, 0]] }, { name: "out", kind: "neuron", size: kind === "conv2d" ? 2 : 18, shape: kind === "conv2d" ? [2, 1, 1] : [2, 3, 3] }],
  projections: [{ name: "c", pre: "in", post: "out", [kind]: { weights: kind === "conv2d" ? [[[[1, 2], [3, 5]]], [[[0, 0], [0, 1]]]] : [[[[1, 2], [3, 5]], [[0, 0], [0, 1]]]] }, weightStandardisation: ws }],
}) as Json;

const weightsOf = (m: Json): Float64Array => parseAerchipModel(m, "ws.json").graph.projections[0].weight;

describe("weightStandardisation", () => {
  it("dense: per post neuron over its inputs, unbiased variance (torch.var), gains per unit; numpy's values", () => {
    // Row-major pre × post: [w(0,0), w(0,1), w(1,0), w(1,1), w(2,0), w(2,1)].
    const a = 1.1546812938513904, b = 0.16666614583577474, c = 0.33333229167154954;
    close(weightsOf(denseModel({ gain: [2, 0.5] })), [-a, -b, 0, -b, a, c]);
    // Without the key the weights are the file's.
    close(weightsOf(denseModel(undefined)), [1, 0, 2, 0, 3, 4]);
  });

  it("conv2d: per output channel over Ci·KH·KW, population variance, one gain; numpy's values", () => {
    const w = weightsOf(convModel({ gain: 1, variance: "population" }));
    // 1×1 output per channel: the expanded synapses are the kernel taps in (channel, ky, kx) order.
    close(Array.from(w).sort((x, y) => x - y), [-0.5916045977219192, -0.288655891510127, -0.288655891510127, -0.288655891510127, -0.2535448275951082, 0.08451494253170275, 0.7606344827853246, 0.8659676745303809]);
  });

  it("refuses sparse and convTranspose2d layers, a gain list of the wrong length, unbiased variance of one weight, unknown keys", () => {
    expect(errorOf(() => weightsOf(convModel({ gain: 1 }, "convTranspose2d"))).field).toBe("projections[0].weightStandardisation");
    const sparse: Json = {
      format: "aerchip-model-1", name: "s", steps: 2,
      populations: [{ name: "in", kind: "input", size: 2, spikes: [[0, 0]] }, { name: "out", kind: "neuron", size: 1 }],
      projections: [{ pre: "in", post: "out", sparse: { pre: [0, 1], post: [0, 0], weights: [1, 2] }, weightStandardisation: {} }],
    } as Json;
    expect(errorOf(() => weightsOf(sparse)).message).toMatch(/sparse projection/);
    expect(errorOf(() => weightsOf(denseModel({ gain: [1, 2, 3] }))).field).toBe("projections[0].weightStandardisation.gain");
    expect(errorOf(() => weightsOf(denseModel({ eps: -1 }))).field).toBe("projections[0].weightStandardisation.eps");
    expect(errorOf(() => weightsOf(denseModel({ varaince: "population" }))).message).toMatch(/unknown key "varaince"/);
    const onePre: Json = {
      format: "aerchip-model-1", name: "o", steps: 2,
      populations: [{ name: "in", kind: "input", size: 1, spikes: [[0, 0]] }, { name: "out", kind: "neuron", size: 1 }],
      projections: [{ pre: "in", post: "out", dense: { weights: [[1]] }, weightStandardisation: {} }],
    } as Json;
    expect(errorOf(() => weightsOf(onePre)).message).toMatch(/unbiased variance needs at least 2/);
    // Constant weights with eps 0 (0/0) and a gain of the wrong type say what is wrong (audit s20b F7).
    const flat = { ...(onePre as object), populations: [{ name: "in", kind: "input", size: 2, spikes: [[0, 0]] }, { name: "out", kind: "neuron", size: 1 }], projections: [{ pre: "in", post: "out", dense: { weights: [[1], [1]] }, weightStandardisation: { eps: 0 } }] } as Json;
    expect(errorOf(() => weightsOf(flat))).toMatchObject({ field: "projections[0].weightStandardisation.eps" });
    expect(errorOf(() => weightsOf(denseModel({ gain: "2" }))).message).toMatch(/must be a number or a list of numbers/);
    expect(weightsOf({ ...(onePre as object), projections: [{ pre: "in", post: "out", dense: { weights: [[1]] }, weightStandardisation: { variance: "population" } }] } as Json)[0]).toBe(0);
  });
});
