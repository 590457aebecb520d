/**
 * Starting weights outside a learning rule's [wMin, wMax] (audit s23d #1). snnref-1 (P2: "w read at
 * arrival"), Brian2 (w = clip(w + Δw, 0, wmax) at each update) and the `stdp` path keep such a weight until
 * an update touches it; the `learning` engine clipped every plastic weight into the bounds before tick 0,
 * silently, so a pair rule written as {"named": "pair-stdp"} delivered 0.6 where `stdp` delivered 0.8.
 * Now float weights are kept until an update clips them; a rule with weightBits, whose weight memory holds
 * only the grid over [wMin, wMax], quantises them onto it (as before). Both warn once per projection
 * (W_LEARNING_INITIAL_WEIGHTS_OUTSIDE_BOUNDS in report.json's learning section).
 *
 * The model is the audit's tiny_clip: in → out, weight 0.8, vThreshold 0.7, bounds [0, 0.6], one input
 * spike at tick 0 arriving at tick 1: out receives 0.8 ≥ 0.7 and spikes at tick 1; the potentiation at
 * that spike clips the weight to 0.6.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { buildRunReport } from "../../../chip/report/run-report.ts";
import { pairStdp, simulateSynapse } from "../../../chip/program/named-rules.ts";
import { genericWith } from "../../helpers/specs.ts";

const PROV = { aerchipVersion: "test", inputs: [], options: {} };

const STDP = { mode: "all_to_all", A_plus: 0.01, A_minus: 0.01, decay_pre: 0.9, decay_post: 0.9, wmin: 0, wmax: 0.6 };
const NAMED = { named: "pair-stdp", aPlus: 0.01, aMinus: 0.01, preDecay: 0.9, postDecay: 0.9, wMin: 0, wMax: 0.6, rounding: "nearest" };
const RULE = { rule: "dw = 0.01*x1*y0 - 0.01*y1*x0", traces: { x1: { decay: 0.9 }, y1: { decay: 0.9 } }, wMin: 0, wMax: 0.6, rounding: "nearest" };

function model(plastic: Record<string, unknown>, w0 = 0.8): Json {
  return {
    format: "aerchip-model-1", name: "tiny", steps: 3,
    populations: [
      { name: "in", kind: "input", size: 1, spikes: [[0, 0]] },
      { name: "out", kind: "neuron", size: 1, vThreshold: 0.7 },
    ],
    projections: [{ name: "in_out", pre: "in", post: "out", dense: { weights: [[w0]], delays: 1 }, ...plastic }],
  } as unknown as Json;
}

function run(m: Json) {
  const spec = genericWith();
  const loaded = parseAerchipModel(m, "tiny.json");
  const compiled = compileModel(loaded.graph, spec, {});
  const sim = simulate(spec, compiled.program, loaded.stimulus, { steps: 3 });
  const out = sim.spikes.get("out")!;
  return {
    spikeTicks: Array.from(out.tick),
    finalWeight: sim.finalWeights.get("in_out")![0],
    report: buildRunReport(spec, compiled.program, sim, PROV, "simple"),
  };
}

describe("starting weights outside a learning rule's bounds", () => {
  it("stdp, named pair-stdp and rule text all deliver the starting 0.8 at tick 1 and clip it at the update", () => {
    const stdp = run(model({ stdp: STDP }));
    expect(stdp.spikeTicks).toEqual([1]);
    expect(stdp.finalWeight).toBe(0.6);
    for (const learning of [NAMED, RULE]) {
      const r = run(model({ learning }));
      expect(r.spikeTicks).toEqual(stdp.spikeTicks);
      expect(r.finalWeight).toBe(stdp.finalWeight);
      // The clip at tick 1's potentiation changed the stored weight (0.8 → 0.6): counted.
      expect(r.report.learning!.weightChanges).toBe(1);
    }
  });

  it("an update with dw = 0 clips an out-of-bounds weight too (a post spike before any pre spike), as stdp does", () => {
    // drive → out (weight 5, not plastic) fires out at tick 1, when in's trace is still 0: A+·x1 = 0. The stdp
    // path still applies w ← clip(0.8 + 0) = 0.6, so in's spike at tick 2 delivers 0.6 < 0.7 at tick 3: no spike.
    // `other`: a second plastic projection onto out (from a silent input), under another rule: out's plastic
    // synapses then mix rules, so the engine runs its interpreter (applyUpdate) instead of the generated kernels.
    const withDrive = (plastic: Record<string, unknown>, other?: Record<string, unknown>): Json => ({
      format: "aerchip-model-1", name: "tiny", steps: 5,
      populations: [
        { name: "in", kind: "input", size: 1, spikes: [[2, 0]] },
        { name: "drive", kind: "input", size: 1, spikes: [[0, 0]] },
        { name: "silent", kind: "input", size: 1, spikes: [] },
        { name: "out", kind: "neuron", size: 1, vThreshold: 0.7 },
      ],
      projections: [
        { name: "in_out", pre: "in", post: "out", dense: { weights: [[0.8]], delays: 1 }, ...plastic },
        { name: "drive_out", pre: "drive", post: "out", dense: { weights: [[5]], delays: 1 } },
        ...(other === undefined ? [] : [{ name: "silent_out", pre: "silent", post: "out", dense: { weights: [[0.1]], delays: 1 }, ...other }]),
      ],
    } as unknown as Json);
    const spec = genericWith();
    const go = (m: Json) => {
      const loaded = parseAerchipModel(m, "tiny.json");
      const sim = simulate(spec, compileModel(loaded.graph, spec, {}).program, loaded.stimulus, { steps: 5 });
      return { spikes: Array.from(sim.spikes.get("out")!.tick), w: sim.finalWeights.get("in_out")![0] };
    };
    const stdp = go(withDrive({ stdp: STDP }));
    expect(stdp.spikes).toEqual([1]);
    for (const learning of [NAMED, RULE]) expect(go(withDrive({ learning }))).toEqual(stdp);
    expect(go(withDrive({ stdp: STDP }, { stdp: STDP }))).toEqual(stdp);
    expect(go(withDrive({ learning: NAMED }, { learning: RULE }))).toEqual(stdp);
  });

  it("warns once per projection, naming it and how many weights lie outside", () => {
    const r = run(model({ learning: NAMED }));
    const warnings = r.report.learning!.warnings!;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^W_LEARNING_INITIAL_WEIGHTS_OUTSIDE_BOUNDS: projection "in_out": 1 of its 1 plastic synapses .*\[0, 0\.6\]/);
    expect(warnings[0]).toContain("kept as given");
    expect(r.report.learning!.rules[0].initialWeightsOutsideBounds).toBe(1);
  });

  it("says nothing when the starting weights lie inside the bounds", () => {
    const r = run(model({ learning: NAMED }, 0.5));
    expect(r.report.learning!.warnings).toBeUndefined();
    expect(r.report.learning!.rules[0].initialWeightsOutsideBounds).toBeUndefined();
  });

  it("with weightBits the grid spans only [wMin, wMax]: the starting weight is quantised onto it, and the warning says so", () => {
    const r = run(model({ learning: { ...NAMED, weightBits: 8 } }));
    // 0.6 (the clipped, quantised weight) < 0.7: no spike, no update.
    expect(r.spikeTicks).toEqual([]);
    expect(r.finalWeight).toBe(0.6);
    expect(r.report.learning!.warnings![0]).toMatch(/8-bit weight grid .*clipped onto it before the first tick \(quantisation\)/);
  });

  it("simulateSynapse (the engine's single-synapse reference) keeps w0 until the first update too", () => {
    const rule = pairStdp({ aPlus: 0.01, aMinus: 0.01, preDecay: 0.9, postDecay: 0.9, wMin: 0, wMax: 0.6 });
    const traj = simulateSynapse(rule, { ticks: 4, preTicks: [], postTicks: [2], w0: 0.8 });
    // No pre trace yet: the post spike at tick 2 adds A+·x1 = 0, and the clip then brings w to 0.6.
    expect(Array.from(traj.w)).toEqual([0.8, 0.8, 0.6, 0.6]);
  });
});
