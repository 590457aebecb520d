/**
 * aerchip-model-1's membrane lower bound `vMin` (papers.md §7 requirement 5, the spiking auto-encoder's
 * clamp): after the tick's integration, threshold and reset, v ← max(v, vMin).
 *
 * By hand, one neuron A: no leak (voltageDecay 1), currentDecay 0, bias −0.5, threshold 1, reset to 0; an
 * input spike at ticks 5–8 acts one tick later (delay 1) with weight 1.5, so v gains +1.0 on ticks 6–9.
 *   vMin = −1: v = −0.5, −1, then −1 (clamped) through tick 5; tick 6: −1 + 1.5 − 0.5 = 0; tick 7: 1 → fires,
 *              v ← 0; tick 8: 1 → fires; tick 9: 1 → fires; then −0.5, −1, −1, …  Spikes at 7, 8, 9.
 *   no bound:  v = −0.5·(t + 1) through tick 5 (−3); ticks 6–9: −2, −1, 0, 1 → fires at 9 only.
 * Every value is a multiple of 0.5, exact in float64 and at the fixed-point state scale, so both
 * precisions give these ticks.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileAndRun } from "../../../cli/pipeline.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { ResetMode } from "../../../chip/program/types.ts";
import { decodeProgram, encodeProgram } from "../../../chip/program/codec.ts";
import { errorOf } from "../../helpers/errors.ts";
import { buildSimState } from "../../../chip/sim/state.ts";
import { runState } from "../../../chip/sim/run.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";

const model = (extra: Record<string, unknown>): Json => ({
  format: "aerchip-model-1", name: "vmin", steps: 14,
  populations: [
    { name: "in", kind: "input", size: 1, spikes: [[5, 0], [6, 0], [7, 0], [8, 0]] },
    { name: "A", kind: "neuron", size: 1, bias: -0.5, vThreshold: 1, reset: "zero", ...extra },
  ],
  projections: [{ name: "in_A", pre: "in", post: "A", dense: { weights: [[1.5]], delays: 1 } }],
}) as Json;

function runOf(extra: Record<string, unknown>, precision: "float" | "fixed" = "float") {
  return compileAndRun(loadPreset("generic"), parseAerchipModel(model(extra), "vmin.json"), {
    compile: { precision }, provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple",
  });
}

const spikeTicks = (extra: Record<string, unknown>, precision: "float" | "fixed" = "float"): number[] =>
  Array.from(runOf(extra, precision).sim.spikes.get("A")?.tick ?? []);

describe("membrane lower bound vMin in aerchip-model-1", () => {
  it("holds v at vMin: spikes at 7, 8, 9 with vMin −1 (by hand), at 9 only without a bound; float and fixed point", () => {
    for (const precision of ["float", "fixed"] as const) {
      expect(spikeTicks({ vMin: -1 }, precision), precision).toEqual([7, 8, 9]);
      expect(spikeTicks({}, precision), precision).toEqual([9]);
      // A bound the potential never reaches changes nothing.
      expect(spikeTicks({ vMin: -100 }, precision), precision).toEqual([9]);
    }
  });

  it("carries vMin into the program as vReverseThreshold with reverseResetMode saturate, at the state scale in fixed point", () => {
    const prog = (extra: Record<string, unknown>, precision: "float" | "fixed") => {
      const loaded = parseAerchipModel(model(extra), "vmin.json");
      return compileModel(loaded.graph, loadPreset("generic"), { precision }).program;
    };
    const neuronsOf = (p: ReturnType<typeof prog>) => {
      const pop = p.populations.find((x) => x.name === "A")!;
      const b = pop.blocks[0];
      return { n: p.cores[b.coreIndex].neurons, i: b.neuronStart, q: pop.stateScaleExp };
    };
    const f = neuronsOf(prog({ vMin: -1 }, "float"));
    expect(f.n.vReverseThreshold?.[f.i]).toBe(-1);
    expect(f.n.reverseResetMode?.[f.i]).toBe(ResetMode.saturate);
    expect(f.n.dynamics, "compartment dynamics: no dynamics field").toBeUndefined();
    const x = neuronsOf(prog({ vMin: -1 }, "fixed"));
    expect(x.q).toBeDefined();
    expect(x.n.vReverseThreshold?.[x.i]).toBe(-(2 ** x.q!));
    expect(x.n.vReset[x.i]).toBe(0);
    // A bound past the state's range saturates to −(2^(stateBits − 1) − 1), and does not change q.
    const stateLim = 2 ** (loadPreset("generic").precision.stateBits - 1) - 1;
    const deep = neuronsOf(prog({ vMin: -1e12 }, "fixed"));
    expect(deep.n.vReverseThreshold?.[deep.i]).toBe(-stateLim);
    expect(deep.q).toBe(x.q);
    // Without vMin the program has no reverse-threshold fields at all (unchanged format).
    const plain = neuronsOf(prog({}, "float")).n;
    expect(plain.vReverseThreshold).toBeUndefined();
    expect(plain.reverseResetMode).toBeUndefined();
  });

  it("a bounded program round-trips through the .aerprog codec", () => {
    const loaded = parseAerchipModel(model({ vMin: -1 }), "vmin.json");
    const { program } = compileModel(loaded.graph, loadPreset("generic"), {});
    const back = decodeProgram(encodeProgram(program));
    back.cores.forEach((c, k) => {
      expect(Array.from(c.neurons.vReverseThreshold ?? [])).toEqual(Array.from(program.cores[k].neurons.vReverseThreshold ?? []));
      expect(Array.from(c.neurons.reverseResetMode ?? [])).toEqual(Array.from(program.cores[k].neurons.reverseResetMode ?? []));
    });
    expect(back.cores.some((c) => c.neurons.reverseResetMode?.includes(ResetMode.saturate))).toBe(true);
    // The decoded program runs to the hand-computed spikes.
    const spec = loadPreset("generic");
    const res = runState(spec, back, buildSimState(spec, back), loaded.stimulus, { steps: 14, timing: createTimingModel("simple") });
    expect(Array.from(res.spikes.get("A")!.tick)).toEqual([7, 8, 9]);
  });

  it("refuses a vMin that is not finite, not below vThreshold, above vReset (reset zero) or above vInit", () => {
    const field = (extra: Record<string, unknown>) => errorOf(() => parseAerchipModel(model(extra), "t.json"));
    for (const bad of [{ vMin: "x" }, { vMin: null }, { vMin: 1 }, { vMin: 2 }, { vMin: 0.5 }, { vMin: -2, vReset: -3 }, { vMin: -2, vInit: -3 }]) {
      const e = field(bad);
      expect(e.code, JSON.stringify(bad)).toBe("E_MODEL_FIELD");
      expect(e.field, JSON.stringify(bad)).toBe("populations[1].vMin");
      expect(e.hint, JSON.stringify(bad)).toBeTruthy();
    }
    // vReset only matters when the reset sets v to it.
    expect(parseAerchipModel(model({ vMin: -2, vReset: -3, reset: "subtract" }), "t.json").graph.populations[1].params?.vReverseThreshold?.[0]).toBe(-2);
    // A misspelt key is refused with the near one.
    expect(field({ vmin: -1 }).message).toContain("vMin");
    // null and a string are named as such; leaving the key out means no bound (not 0).
    expect(field({ vMin: null }).hint).toMatch(/no bound/);
    expect(field({ vMin: "-1" }).message).toMatch(/a number or one number per neuron/);
  });

  it("a readout (spiking false) neither fires nor resets: only vInit bounds its vMin", () => {
    const readout = (vMin: number, vInit = 0) => parseAerchipModel(model({ spiking: false, vMin, vInit, vReset: -5 }), "t.json").graph.populations[1].params?.vReverseThreshold?.[0];
    // Above vThreshold (1) and above vReset (−5): accepted for a readout.
    expect(readout(0.5, 1)).toBe(0.5);
    expect(readout(2, 3)).toBe(2);
    expect(errorOf(() => readout(1, 0)).message).toMatch(/vInit/);
  });

  it("a vMin that rounds onto the threshold in fixed point stays one step below the firing level, with a warning (audit-s18 F11)", () => {
    // A weight of −510 forces a coarse state scale (2^−1: one step = 2); vMin 1.9 and vThreshold 2 both
    // round to the step 1, so the clamp would lift v back to the threshold after every reset and fire the
    // neuron on every tick (0, 2, 3, …, 7). vInit 1.9 rounds onto the threshold too: the spike at tick 0
    // is that rounding's, as without a bound; after it the bound (one step lower) keeps v below firing.
    const m = {
      format: "aerchip-model-1", name: "vq", steps: 8,
      populations: [
        { name: "in", kind: "input", size: 1, spikes: [[0, 0]] },
        { name: "n", kind: "neuron", size: 1, vThreshold: 2, reset: "subtract", vMin: 1.9, vInit: 1.9 },
      ],
      projections: [{ name: "a", pre: "in", post: "n", dense: { weights: [[-510]], delays: 1 } }],
    } as Json;
    // generic's threshold grid (2^6 state units, docs/fixed-point.md "Thresholds") would store this threshold
    // (1 state unit) as the grid step 64 (W_QUANT_THRESHOLD_AT_REST, audit s22r-x #1); a threshold step of 1
    // (thresholdBits = stateBits − 1) keeps this test about the vMin bound.
    const g = loadPreset("generic");
    const spec = { ...g, precision: { ...g.precision, thresholdBits: g.precision.stateBits - 1 } };
    const r = compileAndRun(spec, parseAerchipModel(m, "vq.json"), { compile: { precision: "fixed" }, provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple" });
    expect(Array.from(r.sim.spikes.get("n")?.tick ?? [])).toEqual([0]);
    expect(r.compiled.quantisation!.diagnostics.map((d) => d.code)).toContain("W_QUANT_VMIN_AT_THRESHOLD");
  });
});
