/**
 * Bounded rate-target homeostasis in aerchip-model-1 (`thetaDrift`, `thetaMin`, `thetaMax`: the spiking
 * auto-encoder's θ += δθ·s − δθ·ε clipped to θ0 ± 0.1, audit-papers-s19 §5 / G13). Per tick t:
 *   θc = thetaDecay·θ(t−1); fire when v ≥ vThreshold + θc (then θc += thetaPlus);
 *   θ(t) = min(thetaMax, max(thetaMin, θc − thetaDrift)).
 * By hand, one neuron with bias 0.25, no leak, threshold 1, reset to 0, thetaPlus 0.5, thetaDrift 0.125:
 *   thetaMin −0.125: θ −0.125 (t0), −0.125 (t1, clipped), −0.125 (t2), fires at 3 (v 1.0 ≥ 0.875), θ 0.25,
 *     0.125, 0, −0.125, fires at 7, … → [3, 7, 11, 15];
 *   unbounded: θ −0.125, −0.25, fires at 2 (v 0.75 ≥ 0.75), θ 0.125, 0, −0.125, −0.25, fires at 6 → [2, 6, 10, 14];
 *   thetaPlus alone (no drift): fires at 3 (θ 0.5), then v needs 1.5: 9 → [3, 9].
 * A reference loop below implements the equation on its own and agrees on a grid of settings.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileAndRun } from "../../../cli/pipeline.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { decodeProgram, encodeProgram } from "../../../chip/program/codec.ts";
import { errorOf } from "../../helpers/errors.ts";

const STEPS = 40;
const model = (extra: Record<string, unknown>, bias = 0.25): Json => ({
  format: "aerchip-model-1", name: "homeo", steps: STEPS,
  populations: [{ name: "A", kind: "neuron", size: 1, bias, vThreshold: 1, reset: "zero", ...extra }],
}) as Json;

function runOf(extra: Record<string, unknown>, bias = 0.25) {
  return compileAndRun(loadPreset("generic"), parseAerchipModel(model(extra, bias), "homeo.json"), {
    provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple",
  });
}
const spikeTicks = (extra: Record<string, unknown>, bias = 0.25): number[] => Array.from(runOf(extra, bias).sim.spikes.get("A")?.tick ?? []);

/** The documented equation, written on its own: one neuron, no leak, reset to 0. */
function reference(bias: number, plus: number, decay: number, drift: number, lo: number, hi: number): number[] {
  let v = 0, theta = 0;
  const out: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    theta *= decay;
    v += bias;
    if (v >= 1 + theta) { out.push(t); v = 0; theta += plus; }
    theta = Math.min(hi, Math.max(lo, theta - drift));
  }
  return out;
}

describe("bounded homeostasis (thetaDrift, thetaMin, thetaMax)", () => {
  it("spikes by hand: [3, 7, 11, 15] with thetaMin −0.125, [2, 6, 10, 14] unbounded, [3, 9] without drift", () => {
    expect(spikeTicks({ thetaPlus: 0.5, thetaDrift: 0.125, thetaMin: -0.125 }).filter((t) => t < 16)).toEqual([3, 7, 11, 15]);
    expect(spikeTicks({ thetaPlus: 0.5, thetaDrift: 0.125 }).filter((t) => t < 16)).toEqual([2, 6, 10, 14]);
    expect(spikeTicks({ thetaPlus: 0.5 }).filter((t) => t < 16)).toEqual([3, 9]);
  });

  it("equals the reference loop over a grid of settings (bounds binding or not, θ decaying or not)", () => {
    for (const bias of [0.25, 0.3, 0.6]) {
      for (const [plus, decay, drift, lo, hi] of [
        [0.5, 1, 0.125, -0.125, 0.25], [0.5, 1, 0.05, -0.1, 0.1], [0.2, 0.9, 0.01, -0.3, 1], [0, 1, 0.02, -0.2, 0], [1, 0.95, 0.1, -0.5, 0.75],
      ] as const) {
        expect(spikeTicks({ thetaPlus: plus, thetaDecay: decay, thetaDrift: drift, thetaMin: lo, thetaMax: hi }, bias), `bias ${bias}, ${[plus, decay, drift, lo, hi]}`)
          .toEqual(reference(bias, plus, decay, drift, lo, hi));
      }
    }
  });

  it("a drift alone lowers the threshold: a neuron that never reaches 1 fires once θ has fallen far enough", () => {
    // bias 0.1 with leak 0.8 settles at v = 0.5 (v = 0.8v + 0.1): silent at threshold 1, firing with θ ≥ −0.5 below.
    expect(spikeTicks({ voltageDecay: 0.8 }, 0.1)).toEqual([]);
    expect(spikeTicks({ voltageDecay: 0.8, thetaDrift: 0.05, thetaMin: -0.6 }, 0.1).length).toBeGreaterThan(0);
  });

  it("survives the program codec (.aerprog) and keeps the neurons' configuration apart", () => {
    const { compiled } = runOf({ thetaPlus: 0.5, thetaDrift: 0.125, thetaMin: -0.125, thetaMax: 0.25 });
    const back = decodeProgram(encodeProgram(compiled.program));
    const n = back.cores[0].neurons;
    expect(Array.from(n.thetaDrift!)).toEqual([0.125]);
    expect(Array.from(n.thetaMin!)).toEqual([-0.125]);
    expect(Array.from(n.thetaMax!)).toEqual([0.25]);
    // A model without the keys carries none of the arrays.
    expect(runOf({ thetaPlus: 0.5 }).compiled.program.cores[0].neurons.thetaDrift).toBeUndefined();
  });

  it("counts θ of a neuron that only drifts in the footprint, as of one that rises on spikes", () => {
    const plain = runOf({}).report.metrics!.totals.footprint.neuronStateBytes;
    const drift = runOf({ thetaDrift: 0.01, thetaMin: -0.1 }).report.metrics!.totals.footprint.neuronStateBytes;
    expect(drift).toBe(plain + loadPreset("generic").precision.thresholdBits / 8);
  });

  it("refuses a thetaMin above 0, a thetaMax below 0, a non-finite drift, and fixed point", () => {
    expect(errorOf(() => parseAerchipModel(model({ thetaDrift: 0.1, thetaMin: 0.1 }), "h.json")).field).toBe("populations[0].thetaMin");
    expect(errorOf(() => parseAerchipModel(model({ thetaDrift: 0.1, thetaMax: -0.1 }), "h.json")).field).toBe("populations[0].thetaMax");
    expect(errorOf(() => parseAerchipModel(model({ thetaDrift: "x" }), "h.json")).field).toBe("populations[0].thetaDrift");
    const loaded = parseAerchipModel(model({ thetaDrift: 0.1, thetaMin: -0.1 }), "h.json");
    expect(errorOf(() => compileAndRun(loadPreset("generic"), loaded, { compile: { precision: "fixed" }, provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple" })).code).toBe("E_FIXED_THETA_UNSUPPORTED");
  });
});
