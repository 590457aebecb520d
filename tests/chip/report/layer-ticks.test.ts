/**
 * Per-layer, per-tick counts (chip/report/layer-ticks.ts, `run --per-layer-ticks`): a hand count on a tiny
 * model, and on multi-population models with delays (several presets, one with several encodings) the
 * identities with report.json: Σ_p = perTick.spikes / perTick.synOps for every tick, Σ_t = perPopulation
 * spikes / synOpsIn and Σ of perProjection.synOps by pre population for every population; the engine's
 * neuron columns (layerTallies) against a hand count on the tiny model.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { buildRunReport, type RunReport } from "../../../chip/report/run-report.ts";
import { createTimingModel } from "../../../chip/timing/index.ts";
import { checkLayerTickRows, layerTickCounts, layerTicksCsv, type LayerTickCounts } from "../../../chip/report/layer-ticks.ts";
import { MAX_LAYER_TICK_ROWS } from "../../../core/run-limits.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import type { ChipStimulus } from "../../../chip/program/types.ts";
import type { ModelGraph } from "../../../compiler/ir/types.ts";
import { expectReconciles } from "../../helpers/layer-ticks.ts";

function runBoth(spec: ChipSpec, graph: ModelGraph, stimulus: ChipStimulus, steps: number): { c: LayerTickCounts; r: RunReport } {
  const { program } = compileModel(graph, spec, {});
  const res = simulate(spec, program, stimulus, { steps, timing: createTimingModel("simple") });
  const r = buildRunReport(spec, program, res, { aerchipVersion: "test", inputs: [], options: {} }, "simple");
  return { c: layerTickCounts(program, res), r };
}

// in (2) → a (3), all-to-all, delay 2; a → b (2), dense, delay 1. Inputs: in0 at 0, 3; in1 at 0.
// Weights 1 with threshold 1 and no decay: every spike of `in` makes all of `a` fire when it arrives
// (tick + 2); a's spikes reach b a tick later.
const TINY = {
  format: "aerchip-model-1", name: "tiny", steps: 8,
  populations: [
    { name: "in", kind: "input", size: 2, spikes: [[0, 0], [0, 1], [3, 0]] },
    { name: "a", kind: "neuron", size: 3, vThreshold: 1, voltageDecay: 1 },
    { name: "b", kind: "neuron", size: 2, vThreshold: 100, voltageDecay: 1 },
  ],
  projections: [
    { name: "in_a", pre: "in", post: "a", dense: { weights: [[1, 1, 1], [1, 1, 1]], delays: 2 } },
    { name: "a_b", pre: "a", post: "b", dense: { weights: [[1, 1], [0, 0], [0, 1]], delays: 1 } },
  ],
};

describe("layer-ticks counts", () => {
  it("equal a hand count on a tiny model (ops at the emission tick, attributed out to pre and in to post)", () => {
    const spec = loadPreset("generic");
    const m = parseAerchipModel(TINY as unknown as Json, "tiny.json");
    const { c, r } = runBoth(spec, m.graph, m.stimulus, TINY.steps);
    const at = (a: Float64Array, t: number, pop: string): number => a[t * 3 + c.populations.indexOf(pop)];
    // Spikes: in at 0 (2) and 3 (1); a fires at 2 (all 3) and 5 (all 3); b never (threshold 100).
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((t) => at(c.spikes, t, "in"))).toEqual([2, 0, 0, 1, 0, 0, 0, 0]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((t) => at(c.spikes, t, "a"))).toEqual([0, 0, 3, 0, 0, 3, 0, 0]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((t) => at(c.spikes, t, "b"))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    // Ops: an `in` spike reads its row of 3 synapses, at its own tick (not at arrival, tick + 2); a's 3
    // spikes read 3 × 2 = 6 (a dense matrix's zero entries are synapses too: the engine reads them).
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((t) => at(c.synOpsOut, t, "in"))).toEqual([6, 0, 0, 3, 0, 0, 0, 0]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((t) => at(c.synOpsIn, t, "a"))).toEqual([6, 0, 0, 3, 0, 0, 0, 0]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((t) => at(c.synOpsOut, t, "a"))).toEqual([0, 0, 6, 0, 0, 6, 0, 0]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((t) => at(c.synOpsIn, t, "b"))).toEqual([0, 0, 6, 0, 0, 6, 0, 0]);
    expect(at(c.synOpsIn, 0, "in") + at(c.synOpsOut, 0, "b")).toBe(0);
    expectReconciles(c, r);
    const csv = Buffer.from(layerTicksCsv(c)).toString("utf8").split("\n");
    // denseOpsIn, last: fan-in weights per tick, pre.size × post.size (NeuroBench dense ops): in 0 (an input),
    // a 2 × 3 = 6, b 3 × 2 = 6 (a1's zero row counted: dense-equivalent), every tick.
    expect(csv[0]).toBe("tick,population,spikes,synOpsOut,synOpsIn,denseOpsIn");
    expect(csv.slice(1, 4)).toEqual(["0,in,2,6,0,0", "0,a,0,0,6,6", "0,b,0,0,0,6"]);
    expect(csv.slice(-4, -1)).toEqual(["7,in,0,0,0,0", "7,a,0,0,0,6", "7,b,0,0,0,6"]);
    expect(csv).toHaveLength(1 + 8 * 3 + 1); // every (tick, population) row, and a final newline
  });

  it("with the engine's tallies: neuron columns after the five, equal to a hand count on the tiny model", () => {
    const spec = loadPreset("generic");
    const m = parseAerchipModel(TINY as unknown as Json, "tiny.json");
    const { program } = compileModel(m.graph, spec, {});
    const res = simulate(spec, program, m.stimulus, { steps: TINY.steps, timing: createTimingModel("simple"), layerTallies: true });
    const c = layerTickCounts(program, res);
    const csv = Buffer.from(layerTicksCsv(c)).toString("utf8").split("\n");
    expect(csv[0]).toBe("tick,population,spikes,synOpsOut,synOpsIn,neuronAccesses,neuronUpdates,neuronUpdatesWithInput,denseOpsIn");
    // in: never accessed. a (3, no refractory period): 3 accesses and updates every tick, all 3 with input
    // when in's spikes arrive (ticks 2 and 5). b (2): input when a's spikes arrive (3 and 6), both neurons
    // (b0 gets a0's weight 1, b1 a0's and a2's), though a1's row is all zeros.
    expect(csv.slice(1, 4)).toEqual(["0,in,2,6,0,0,0,0,0", "0,a,0,0,6,3,3,0,6", "0,b,0,0,0,2,2,0,6"]);
    const col = (pop: string, k: number): number[] => csv.slice(1, 1 + 8 * 3).filter((l) => l.split(",")[1] === pop).map((l) => Number(l.split(",")[k]));
    expect(col("a", 7)).toEqual([0, 0, 3, 0, 0, 3, 0, 0]);
    expect(col("b", 7)).toEqual([0, 0, 0, 2, 0, 0, 2, 0]);
    expect(col("a", 6)).toEqual([3, 3, 3, 3, 3, 3, 3, 3]);
  });

  for (const preset of ["generic", "loihi", "spinnaker2", "loihi-sanafe"]) {
    it(`reconcile with report.json on ei-small (delays 1–2, 3 populations) on ${preset}`, () => {
      const spec = loadPreset(preset);
      const m = loadJsonModel("examples/demo/ei-small.net.json");
      const { c, r } = runBoth(spec, m.graph, m.stimulus, 120);
      expect(r.totals.counters.synOps).toBeGreaterThan(0);
      expectReconciles(c, r);
    });
  }

  it("quotes a population name holding a comma or quote (RFC 4180)", () => {
    const one = new Float64Array([1]);
    const csv = Buffer.from(layerTicksCsv({ steps: 1, populations: ['conv,1 "a"'], spikes: one, synOpsOut: one, synOpsIn: one })).toString("utf8");
    expect(csv.split("\n")[1]).toBe('0,"conv,1 ""a""",1,1,1');
  });

  it("refuses more rows than MAX_LAYER_TICK_ROWS with E_LAYER_TICKS_SIZE", () => {
    expect(() => checkLayerTickRows(MAX_LAYER_TICK_ROWS, 1)).not.toThrow();
    expect(() => checkLayerTickRows(MAX_LAYER_TICK_ROWS / 2 + 1, 2)).toThrow(expect.objectContaining({ code: "E_LAYER_TICKS_SIZE" }));
  });
});
