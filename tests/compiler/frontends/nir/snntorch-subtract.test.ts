/**
 * reset "snntorch-subtract" (audit s23a #3): snnTorch's default Leaky/Synaptic (reset_mechanism="subtract",
 * reset_delay=True; snntorch/_neurons/leaky.py `_base_sub`: mem = β·mem + input − reset·threshold, reset being the
 * previous step's spike) computes U[t+1] = βU[t] + I[t+1] − θ·S[t]: θ is not decayed. "subtract" (Sinabs) takes θ
 * off at the spike, so the next step decays it: v[t+1] = β(v[t] − θ·z[t]) + x. The chip gets the former through
 * a self-synapse of −θ (delay 1), plus +cd·θ (delay 2) on a Cuba compartment, whose current would carry −θ on.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "../../../../core/rng.ts";
import { lowerNirDocument, readNirDocument, type NirLoadOptions } from "../../../../compiler/frontends/nir/index.ts";
import type { NirAffine, NirLIF } from "../../../../compiler/frontends/nir/types.ts";
import { compareWithReference, loadNpyF64, nodeSpikes, writeAndLower } from "./helpers.ts";
import { simulateNir } from "./nir-reference.ts";
import { stepGraph } from "./stepper.ts";
import { nirFile, type H5Tree } from "./write-h5.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../../helpers/shared.ts";
import { cli } from "../../../helpers/cli.ts";
import { npyToFloat64, readNpy } from "../../../../core/io/npy.ts";
import { uniform, f32, fill, spikes } from "./random-tensors.ts";

let tmp = "";
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "aerchip-nir-snntorch-sub-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});


const load = (name: string, tree: H5Tree, opts: NirLoadOptions = {}) => writeAndLower(tmp, name, tree, opts);

describe("reset snntorch-subtract", () => {
  it("LIF → CubaLIF (per-neuron τ, θ, a recurrent CubaLIF loop): exact against the NIR reference with snnTorch's reset; \"subtract\" differs", async () => {
    const rng = createRng(41);
    const tree = nirFile({
      input: { type: "Input", shape: [4n] },
      fc1: { type: "Affine", weight: f32(rng, [6, 4], 0, 1), bias: uniform(rng, 6, 0, 0.1) },
      lif: { type: "LIF", tau: uniform(rng, 6, 5e-4, 3e-3), r: fill(6, 8), v_leak: fill(6, 0), v_threshold: uniform(rng, 6, 0.6, 1.2), v_reset: fill(6, 0) },
      fc2: { type: "Affine", weight: f32(rng, [5, 6], 0, 1.2), bias: uniform(rng, 5, 0, 0.05) },
      cuba: { type: "CubaLIF", tau_syn: uniform(rng, 5, 3e-4, 1e-3), tau_mem: uniform(rng, 5, 8e-4, 2e-3), r: fill(5, 6), v_leak: fill(5, 0), v_threshold: uniform(rng, 5, 0.5, 1), v_reset: fill(5, 0), w_in: fill(5, 1) },
      rec: { type: "Linear", weight: f32(rng, [5, 5], -0.3, 0.3) },
      output: { type: "Output", shape: [5n] },
    }, [["input", "fc1"], ["fc1", "lif"], ["lif", "fc2"], ["fc2", "cuba"], ["cuba", "rec"], ["rec", "cuba"], ["cuba", "output"]]);
    const { doc, m } = await load("mix", tree, { reset: "snntorch-subtract" });
    const T = 150;
    const stim = new Map([["input", spikes(rng, T * 4, 0.35)]]);
    const cmp = compareWithReference(doc, m, stim, T);
    for (const [node, mm] of cmp.mismatches) expect({ node, mismatches: mm }).toEqual({ node, mismatches: 0 });
    expect(cmp.spikes.get("lif")!).toBeGreaterThan(30);
    expect(cmp.spikes.get("cuba")!).toBeGreaterThan(30);
    // The self-synapses: −θ at delay 1 for every neuron, +cd·θ at delay 2 on the Cuba ones only.
    const reset = new Map(m.graph.projections.filter((p) => p.name.endsWith(".reset")).map((p) => [p.post, p]));
    expect([...reset.keys()]).toEqual(["lif", "cuba"]);
    expect([...reset.get("lif")!.delayTicks]).toEqual(fill(6, 1));
    expect([...reset.get("cuba")!.delayTicks]).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    // Sinabs' subtract on the same graph gives other spikes: the two modes are not the same for β < 1.
    const sub = simulateNir(doc, stim, T, { dtSeconds: 1e-4, reset: "subtract", recurrentBias: "nirtorch" });
    const r = stepGraph(m.graph, new Map([["input", Float64Array.from({ length: (T + m.extraTicks) * 4 }, (_, k) => (k < T * 4 ? stim.get("input")![k] : 0))]]), T + m.extraTicks);
    const got = nodeSpikes(m, r, "cuba", T);
    const want = sub.out.get("cuba")!;
    expect(got.reduce((n, v, k) => n + ((v !== 0) !== (want[k] !== 0) ? 1 : 0), 0)).toBeGreaterThan(0);
  });

  describe.skipIf(!HAS_SHARED)(`snntorch_dense_lif ${SKIP_MSG}`, () => {
    const dir = sharedPath("fixtures/nir/snntorch");
    it("equals snnTorch's default subtract computed from the file (236 hidden, 55 output spikes), in the lowering and on the chip", async () => {
      const { doc, warnings } = await readNirDocument(join(dir, "snntorch_dense_lif.nir"));
      const x = loadNpyF64(join(dir, "snntorch_dense_lif.input.npy"));
      const T = x.shape[0];
      // snnTorch's Leaky, as leaky.py computes it: mem ← β·mem + I − θ·spk_prev; spk = mem > θ.
      // NIR's LIF from snnTorch: β = 1 − dt/τ, input scale dt/τ·r (= 1 for snnTorch's export).
      const nodes = doc.graph.nodes;
      const leaky = (inp: Float64Array, nIn: number, fc: NirAffine, lif: NirLIF): Float64Array => {
        const nOut = fc.bias.data.length;
        const out = new Float64Array(T * nOut);
        const mem = new Float64Array(nOut);
        const spk = new Float64Array(nOut);
        for (let t = 0; t < T; t++) {
          for (let j = 0; j < nOut; j++) {
            let cur = fc.bias.data[j];
            for (let i = 0; i < nIn; i++) cur += fc.weight.data[j * nIn + i] * inp[t * nIn + i];
            const k = 1e-4 / lif.tau.data[j % lif.tau.data.length];
            const th = lif.vThreshold.data[j % lif.vThreshold.data.length];
            mem[j] = (1 - k) * mem[j] + k * lif.r.data[j % lif.r.data.length] * cur - th * spk[j];
            spk[j] = mem[j] > th ? 1 : 0;
            out[t * nOut + j] = spk[j];
          }
        }
        return out;
      };
      const nIn = x.shape.slice(1).reduce((a, b) => a * b, 1);
      const fc1 = nodes.get("0") as NirAffine;
      const hidden = leaky(x.data, nIn, fc1, nodes.get("1") as NirLIF);
      const output = leaky(hidden, fc1.bias.data.length, nodes.get("2") as NirAffine, nodes.get("3") as NirLIF);
      const count = (a: ArrayLike<number>): number => {
        let n = 0;
        for (let k = 0; k < a.length; k++) n += a[k];
        return n;
      };
      // The audit's independent numpy computation of the same formula (s23a #3).
      expect([count(hidden), count(output)]).toEqual([236, 55]);

      const m = lowerNirDocument(doc, { reset: "snntorch-subtract" }, warnings);
      const r = stepGraph(m.graph, new Map([["input", Float64Array.from({ length: (T + m.extraTicks) * nIn }, (_, k) => (k < T * nIn ? x.data[k] : 0))]]), T + m.extraTicks);
      const mism = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
        let n = 0;
        for (let k = 0; k < a.length; k++) if ((a[k] !== 0) !== (b[k] !== 0)) n++;
        return n;
      };
      expect(mism(nodeSpikes(m, r, "1", T), hidden)).toBe(0);
      expect(mism(nodeSpikes(m, r, "3", T), output)).toBe(0);

      // On the chip through the CLI (float, generic).
      const out = join(tmp, "dense");
      const res = await cli("run", join(dir, "snntorch_dense_lif.nir"), "--input", join(dir, "snntorch_dense_lif.input.npy"), "--reset", "snntorch-subtract", "--arch", "generic", "--out", out, "--quiet");
      expect(res.code, res.stderr).toBe(0);
      const npy = (p: string): Float64Array => {
        const a = readNpy(readFileSync(p), p);
        if (a.kind !== "plain") throw new Error("structured");
        return npyToFloat64(a.data);
      };
      expect(mism(npy(join(out, "1.npy")), hidden)).toBe(0);
      expect(mism(npy(join(out, "3.npy")), output)).toBe(0);
      // --reset subtract (Sinabs) is not snnTorch's subtract on this β < 1 model.
      const sub = await cli("run", join(dir, "snntorch_dense_lif.nir"), "--input", join(dir, "snntorch_dense_lif.input.npy"), "--reset", "subtract", "--arch", "generic", "--out", join(tmp, "sub"), "--quiet");
      expect(sub.code, sub.stderr).toBe(0);
      expect(mism(npy(join(tmp, "sub", "1.npy")), hidden)).toBeGreaterThan(0);
      // The reset self-synapses are the neuron's reset, not model synapses (audit s23x #1): the NeuroBench
      // figures that do not depend on spikes (dense ops, connection sparsity, weight count) equal subtract's,
      // and the effective ops are the model projections' alone.
      type M = { metrics: { totals: { weightCount: number; connectionSparsity: number; synapticOps: { dense: number; effectiveACs: number } }; perProjection: Array<{ name: string; helper: boolean; synapticOps: { effectiveACs: number } }> } };
      const rep = (d: string): M => JSON.parse(readFileSync(join(d, "report.json"), "utf8")) as M;
      const a = rep(out).metrics, b = rep(join(tmp, "sub")).metrics;
      expect(a.totals.synapticOps.dense).toBe(b.totals.synapticOps.dense);
      expect(a.totals.connectionSparsity).toBe(b.totals.connectionSparsity);
      expect(a.totals.weightCount).toBe(b.totals.weightCount);
      const resets = a.perProjection.filter((p) => p.name.endsWith(".reset"));
      expect(resets.length).toBe(2);
      expect(resets.every((p) => p.helper && p.name.startsWith("__"))).toBe(true);
      expect(a.totals.synapticOps.effectiveACs).toBe(a.perProjection.filter((p) => !p.helper).reduce((x, p) => x + p.synapticOps.effectiveACs, 0));
    });
  });
});
