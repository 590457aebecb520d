/**
 * core.maxFanOutCores counts a neuron's real destination cores after blocks are packed onto cores (the route
 * pass), not the population blocks it sends to: a neuron feeding two populations on its own core sends to one
 * core (audit s22a finding 9).
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { loadNirModel, nirChipOptions } from "../../../compiler/frontends/nir/index.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { compileAndRun } from "../../../cli/pipeline.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";
import { errorOf } from "../../helpers/errors.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";

const dense = (rows: number, cols: number, w: number): number[][] => Array.from({ length: rows }, () => new Array(cols).fill(w));

/** The auditor's rec3: 6 inputs → h[12] with recurrent h → h → o[3], all delay 1 (21 neurons). */
function recurrent() {
  const json = {
    format: "aerchip-model-1", name: "rec3", steps: 10,
    populations: [
      { name: "in", kind: "input", size: 6, spikes: [[0, 0], [1, 1], [2, 2]] },
      { name: "h", kind: "neuron", size: 12, vThreshold: 1, voltageDecay: 0.9 },
      { name: "o", kind: "neuron", size: 3, vThreshold: 1, voltageDecay: 0.9 },
    ],
    projections: [
      { name: "in_h", pre: "in", post: "h", dense: { weights: dense(6, 12, 0.5), delays: 1 } },
      { name: "h_h", pre: "h", post: "h", dense: { weights: dense(12, 12, 0.1), delays: 1 } },
      { name: "h_o", pre: "h", post: "o", dense: { weights: dense(12, 3, 0.3), delays: 1 } },
    ],
  };
  return parseAerchipModel(json as unknown as Json, "rec3.json").graph;
}

/** One input neuron feeding four 100-neuron populations: blocks in+a+b pack onto one 256-neuron core, c+d onto a second. */
function fourTargets() {
  const pops = ["a", "b", "c", "d"];
  const json = {
    format: "aerchip-model-1", name: "fan4", steps: 3,
    populations: [{ name: "in", kind: "input", size: 1, spikes: [[0, 0]] }, ...pops.map((name) => ({ name, kind: "neuron", size: 100, vThreshold: 1 }))],
    projections: pops.map((p) => ({ name: `in_${p}`, pre: "in", post: p, dense: { weights: dense(1, 100, 1), delays: 1 } })),
  };
  return parseAerchipModel(json as unknown as Json, "fan4.json").graph;
}

describe("core.maxFanOutCores is checked on the packed cores", () => {
  for (const chip of ["odin", "truenorth"]) {
    it(`a recurrent model that fits one core compiles onto one core on ${chip} (maxFanOutCores 1)`, () => {
      const spec = loadPreset(chip);
      expect(spec.core.maxFanOutCores).toBe(1);
      const { program, mapping } = compileModel(recurrent(), spec, {});
      expect(mapping.coresUsed).toBe(1);
      expect(mapping.cores[0].neurons).toBe(21);
      expect(() => checkProgramFitsSpec(spec, program)).not.toThrow();
    });
  }

  it("a neuron whose targets land on two cores is refused with the real core count (2, not its 4 target blocks)", () => {
    const spec = loadPreset("truenorth");
    const e = errorOf(() => compileModel(fourTargets(), spec, { file: "fan4.json" }));
    expect(e.code).toBe("E_CORE_FANOUT_EXCEEDED");
    expect(e.message).toContain('neuron 0 of "in" sends to 2 cores; chip "truenorth" allows 1');
    expect(e.field).toBe("populations.in");
    expect(e.hint).toContain("reduce the fan-out, use bigger cores, or a chip with a larger core.maxFanOutCores");
    // With one more allowed destination core the same model compiles: 2 cores, in+a+b and c+d.
    const two = { ...spec, core: { ...spec.core, maxFanOutCores: 2 } };
    expect(compileModel(fourTargets(), two, {}).mapping.cores.map((c) => c.blocks.map((b) => b.population))).toEqual([["in", "a", "b"], ["c", "d"]]);
  });
});

describe.skipIf(!HAS_SHARED)(`snnTorch fixtures that fit one core compile on odin and truenorth ${SKIP_MSG}`, () => {
  // Loaded for the chip as `run` and `compile` load them (nirChipOptions: its maxDelayTicks and delayPerSynapse).
  const cases: [string, string, number][] = [
    ["snntorch_rleaky_cuba", "odin", 21],
    ["snntorch_rleaky_cuba", "truenorth", 21],
    // 31 neurons and a second bias source: truenorth keeps one delay per neuron output (audit s25a #4), so the bias
    // of the layer at latency 2 comes from __nir_bias_delay_2, not from __nir_bias with delay 2 (docs/nir.md).
    ["snntorch_dense_lif", "truenorth", 32],
  ];
  for (const [name, chip, neurons] of cases) {
    it(`${name} on ${chip}: one core of ${neurons} neurons`, async () => {
      const spec = loadPreset(chip);
      const m = await loadNirModel(sharedPath("fixtures", "nir", "snntorch", `${name}.nir`), nirChipOptions(spec));
      const { mapping } = compileModel(m.graph, spec, {});
      expect(mapping.coresUsed).toBe(1);
      expect(mapping.cores[0].neurons).toBe(neurons);
    });
  }
  // Lowered without the chip's facts (one bias source, as for chips with per-synapse delays) it stays refused there:
  // __nir_bias drives the two layers with delays 1 and 2, which one TrueNorth neuron cannot send.
  it("snntorch_dense_lif lowered for per-synapse delays is refused on truenorth (one delay per neuron output)", async () => {
    const m = await loadNirModel(sharedPath("fixtures", "nir", "snntorch", "snntorch_dense_lif.nir"));
    const e = errorOf(() => compileModel(m.graph, loadPreset("truenorth"), {}));
    expect(e.code).toBe("E_CORE_DELAY_PER_NEURON");
    expect(e.message).toContain('neuron 0 of population "__nir_bias" sends with delays 1, 2 ticks');
  });
});

/** The auditor's fanpack: in[10] → a[100], in → b[100], x[10] → c[200], dense, listed in `order`. */
function fanpack(order: string[]) {
  const sizes: Record<string, number> = { in: 10, x: 10, a: 100, b: 100, c: 200 };
  const json = {
    format: "aerchip-model-1", name: "fanpack", steps: 3,
    populations: order.map((name) => (name === "in" || name === "x" ? { name, kind: "input", size: sizes[name], spikes: [[0, 0]] } : { name, kind: "neuron", size: sizes[name], vThreshold: 4 })),
    projections: [["in", "a"], ["in", "b"], ["x", "c"]].map(([pre, post]) => ({ name: `${pre}_${post}`, pre, post, dense: { weights: dense(sizes[pre], sizes[post], 1), delays: 1 } })),
  };
  return parseAerchipModel(json as unknown as Json, "fanpack.json").graph;
}

describe("a mapping that breaks core.maxFanOutCores is made again with each source's targets grouped (s23; audit s22r-x #4)", () => {
  it("truenorth: in, a, c, b, x, refused before (a and b on two cores), now compiles with a and b on in's core; in, x, a, b, c maps as before", () => {
    const spec = loadPreset("truenorth");
    const { program, mapping } = compileModel(fanpack(["in", "a", "c", "b", "x"]), spec, {});
    expect(mapping.cores.map((c) => c.blocks.map((b) => b.population))).toEqual([["in", "a", "b"], ["c", "x"]]);
    expect(() => checkProgramFitsSpec(spec, program)).not.toThrow();
    // The order that compiled the first way: packed in file order, unchanged.
    expect(compileModel(fanpack(["in", "x", "a", "b", "c"]), spec, {}).mapping.cores.map((c) => c.blocks.map((b) => b.population))).toEqual([["in", "x", "a", "b"], ["c"]]);
  });

  it("a destination population split over two cores is cut where each source's targets end: in[0] → d[0..199], in[1] → d[200..299]", () => {
    const spec = loadPreset("truenorth");
    const pre: number[] = [];
    const post: number[] = [];
    for (let j = 0; j < 300; j++) { pre.push(j < 200 ? 0 : 1); post.push(j); }
    const json = {
      format: "aerchip-model-1", name: "split", steps: 3,
      populations: [{ name: "in", kind: "input", size: 2, spikes: [[0, 0], [1, 1]] }, { name: "d", kind: "neuron", size: 300, vThreshold: 1 }],
      projections: [{ name: "in_d", pre: "in", post: "d", sparse: { pre, post, weights: 1, delays: 1 } }],
    };
    const graph = () => parseAerchipModel(json as unknown as Json, "split.json").graph;
    // The first mapping (balanced 150 + 150) sends in[0] to two cores: without the second try this was refused.
    const two = { ...spec, core: { ...spec.core, maxFanOutCores: 2 } };
    expect(compileModel(graph(), two, {}).mapping.cores.map((c) => c.blocks.map((b) => [b.population, b.start, b.count]))).toEqual([[["in", 0, 2], ["d", 0, 150]], [["d", 150, 150]]]);
    const { program, mapping } = compileModel(graph(), spec, {});
    expect(mapping.cores.map((c) => c.blocks.map((b) => [b.population, b.start, b.count]))).toEqual([[["in", 0, 2], ["d", 0, 200]], [["d", 200, 100]]]);
    expect(() => checkProgramFitsSpec(spec, program)).not.toThrow();
    // Shuffled targets: the groups are gathered (the order is recorded), each input still reaches one core.
    const perm = Array.from({ length: 300 }, (_, j) => (j * 7) % 300);
    const shuffled = { ...json, projections: [{ ...json.projections[0], sparse: { pre: perm.map((j) => (j < 200 ? 0 : 1)), post: Array.from({ length: 300 }, (_, j) => j), weights: 1, delays: 1 } }] };
    const s = compileModel(parseAerchipModel(shuffled as unknown as Json, "shuffled.json").graph, spec, {});
    expect(() => checkProgramFitsSpec(spec, s.program)).not.toThrow();
    expect(s.mapping.coresUsed).toBe(2);
    // It runs as the first mapping does (spikes in model indices): in[0] at tick 0, in[1] at tick 1.
    const spikesOn = (chip: typeof spec): string[] => {
      const r = compileAndRun(chip, parseAerchipModel(shuffled as unknown as Json, "shuffled.json"), { compile: {}, provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple" });
      const d = r.sim.spikes.get("d")!;
      return Array.from(d.tick, (t, k) => `${t}:${d.neuron[k]}`).sort();
    };
    const regrouped = spikesOn(spec);
    expect(regrouped).toHaveLength(300);
    expect(regrouped).toEqual(spikesOn(two));
  });
});
