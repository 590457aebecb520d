/**
 * Fan-out groups join the targets of each source by their roots (audit s25a #2): with a source's targets listed
 * in any order but ascending, a stale root split one source's targets into several groups, so the second mapping
 * cut them apart and a model that fits was refused. When both mappings fail, the error says why the second did.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { normaliseGraph } from "../../../compiler/passes/normalise.ts";
import { buildFanOut } from "../../../compiler/passes/partition.ts";
import { regroupForFanOut } from "../../../compiler/passes/fanout-groups.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";
import { createRng } from "../../../core/rng.ts";
import { errorOf } from "../../helpers/errors.ts";

const SOURCES = 10;
const PER_SOURCE = 5;

/** in[s] → its own PER_SOURCE neurons of n, the neurons dealt out by a shuffle; each source's targets listed by `order`. */
function dealt(order: "ascending" | "descending" | "shuffled") {
  const rng = createRng(25);
  const n = SOURCES * PER_SOURCE;
  const deck = Array.from({ length: n }, (_, j) => j);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextBelow(i + 1);
    [deck[i], deck[j]] = [deck[j], deck[i]];
  }
  const pre: number[] = [];
  const post: number[] = [];
  for (let s = 0; s < SOURCES; s++) {
    const mine = deck.slice(s * PER_SOURCE, (s + 1) * PER_SOURCE);
    if (order === "ascending") mine.sort((a, b) => a - b);
    if (order === "descending") mine.sort((a, b) => b - a);
    for (const t of mine) { pre.push(s); post.push(t); }
  }
  const json = {
    format: "aerchip-model-1", name: `dealt-${order}`, steps: 3,
    populations: [
      { name: "in", kind: "input", size: SOURCES, spikes: [[0, 0]] },
      { name: "n", kind: "neuron", size: n, vThreshold: 1 },
    ],
    projections: [{ name: "p", pre: "in", post: "n", sparse: { pre, post, weights: 1, delays: 1 } }],
  };
  return parseAerchipModel(json as unknown as Json, `${json.name}.json`).graph;
}

/** truenorth (one destination core per neuron) with 7 neurons per core, as `--core-neurons 7`. */
function truenorth7() {
  const spec = loadPreset("truenorth");
  return { ...spec, core: { ...spec.core, maxNeurons: 7 } };
}

describe("fan-out groups whatever the order of a source's targets (audit s25a #2)", () => {
  for (const order of ["ascending", "descending", "shuffled"] as const) {
    it(`${order} targets: one group per source, holding exactly its ${PER_SOURCE} targets`, () => {
      const graph = dealt(order);
      const spec = truenorth7();
      const ig = normaliseGraph(graph, spec, "dealt.json");
      const { groupOf } = regroupForFanOut(ig, buildFanOut(ig));
      const base = ig.popOffset[1];
      const { preIndex, postIndex } = graph.projections[0];
      const groupsOfSource = Array.from({ length: SOURCES }, () => new Set<number>());
      for (let k = 0; k < preIndex.length; k++) groupsOfSource[preIndex[k]].add(groupOf[base + postIndex[k]]);
      expect(groupsOfSource.map((g) => g.size)).toEqual(new Array(SOURCES).fill(1));
      expect(new Set(groupsOfSource.map((g) => [...g][0])).size).toBe(SOURCES);
    });

    it(`${order} targets compile on truenorth with 7 neurons per core: each input reaches one core`, () => {
      const spec = truenorth7();
      const { program, mapping } = compileModel(dealt(order), spec, { file: "dealt.json" });
      expect(mapping.fanOutGroups).toBe(true);
      expect(() => checkProgramFitsSpec(spec, program)).not.toThrow();
      // n's blocks hold whole groups: 10 groups of 5 on 7-neuron cores are ten blocks of 5, and in takes two cores.
      const nBlocks = mapping.cores.flatMap((c) => c.blocks.filter((b) => b.population === "n").map((b) => b.count));
      expect(nBlocks).toEqual(new Array(SOURCES).fill(PER_SOURCE));
      expect(mapping.coresUsed).toBe(compileModel(dealt("ascending"), spec, {}).mapping.coresUsed);
    });
  }
});

describe("when the fan-out-group mapping fails too, the error says why", () => {
  it("one input feeding four 100-neuron populations on truenorth: the first error's code and hint, and the second mapping's error", () => {
    const dense = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => new Array(cols).fill(1));
    const pops = ["a", "b", "c", "d"];
    const json = {
      format: "aerchip-model-1", name: "fan4", steps: 3,
      populations: [{ name: "in", kind: "input", size: 1, spikes: [[0, 0]] }, ...pops.map((name) => ({ name, kind: "neuron", size: 100, vThreshold: 1 }))],
      projections: pops.map((p) => ({ name: `in_${p}`, pre: "in", post: p, dense: { weights: dense(1, 100), delays: 1 } })),
    };
    const e = errorOf(() => compileModel(parseAerchipModel(json as unknown as Json, "fan4.json").graph, loadPreset("truenorth"), { file: "fan4.json" }));
    expect(e.code).toBe("E_CORE_FANOUT_EXCEEDED");
    expect(e.field).toBe("populations.in");
    expect(e.hint).toContain("did not fit either");
    // The 400 neurons in reaches are one group, more than a 256-neuron core: the second mapping still sends in to 2 cores.
    expect(e.message).toContain('neuron 0 of "in" sends to 2 cores; chip "truenorth" allows 1; the second mapping (fan-out groups) failed too: E_CORE_FANOUT_EXCEEDED: neuron 0 of "in" sends to 2 cores');
  });
});
