/**
 * The synapse-memory delay field is per core (audit s25a finding 3; chip/spec/memory.ts `delaysUsed`): a core's entries
 * carry precision.delayBits only when a synapse the core stores has a delay other than 1 tick, whatever the other
 * cores hold. The partition decides it per block and ORs it over a core's blocks (re-summing a core or block that
 * gains it); the mapping report, the run report and the program check read it from the core's own synapses.
 *
 * dls1/dls2 (the audit's models): in(10) → A(10) dense at delay 1, A[0] → B[0] at delay 1 (dls1) or 2 (dls2). The
 * A→B synapse lives on B's core, so A's core is the same in both.
 *   generic, 10 neurons per core: entry = 9 weight + ⌈log2 10⌉ = 4 index bits = 13 (+ 6 delay bits = 19)
 *   A's core: 100 × 13 = 1300 bits; B's core: 13 (dls1) or 19 (dls2)
 *   loihi, 10 neurons per core: per axon roundUp(n × entry + 10 header, 64): A's core 10 × roundUp(10·13 + 10, 64) = 1920
 *   (with the delay field it would be 10 × roundUp(10·19 + 10, 64) = 2560)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { normaliseGraph, neuronAt } from "../../../compiler/passes/normalise.ts";
import { buildFanIn, partitionGraph } from "../../../compiler/passes/partition.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { synapseMemoryBits } from "../../../chip/spec/memory.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";
import { programCoreFigures } from "../../../chip/report/metrics.ts";
import type { ModelGraph } from "../../../compiler/ir/types.ts";
import { createRng } from "../../../core/rng.ts";
import { writeNpy } from "../../../core/io/npy.ts";
import { cli } from "../../helpers/cli.ts";

const generic = loadPreset("generic");
const loihi = loadPreset("loihi");
const withCore = (spec: ChipSpec, name: string, core: Partial<ChipSpec["core"]>): ChipSpec => ({ ...spec, name, core: { ...spec.core, ...core } });
const generic10 = withCore(generic, "generic-n10", { maxNeurons: 10 });
const loihi10 = withCore(loihi, "loihi-n10", { maxNeurons: 10 });

function dlsJson(d2: number) {
  return {
    format: "aerchip-model-1", name: `dls${d2}`, steps: 5,
    populations: [
      { name: "in", kind: "input", size: 10, spikes: Array.from({ length: 10 }, (_, i) => [0, i]) },
      { name: "A", kind: "neuron", size: 10 },
      { name: "B", kind: "neuron", size: 1 },
    ],
    projections: [
      { name: "inA", pre: "in", post: "A", dense: { weights: Array.from({ length: 10 }, () => new Array(10).fill(0.5)), delays: 1 } },
      { name: "AB", pre: "A", post: "B", sparse: { pre: [0], post: [0], weights: [1.0], delays: [d2] } },
    ],
  };
}
const dls = (d2: number): ModelGraph => parseAerchipModel(dlsJson(d2) as unknown as Json, `dls${d2}.json`).graph;

/** The mapping's bits of the core holding population `pop`'s first block. */
function coreBitsOf(mapping: ReturnType<typeof compileModel>["mapping"], pop: string): number {
  return mapping.cores.find((c) => c.blocks.some((b) => b.population === pop))!.synapseMemoryBits;
}

describe("the synapse-memory delay field is charged per core", () => {
  it("generic: A's core is 1300 bits whether or not B's synapse is delayed; only B's core widens (13 → 19 bits); the run report agrees", () => {
    for (const d2 of [1, 2]) {
      const { program, mapping } = compileModel(dls(d2), generic10, {});
      expect(mapping.coresUsed).toBe(3);
      expect(coreBitsOf(mapping, "A")).toBe(100 * 13);
      expect(coreBitsOf(mapping, "B")).toBe(d2 === 1 ? 13 : 19);
      const perCore = programCoreFigures(generic10, program).perCore;
      expect(perCore.map((c) => c.synapseMemoryBits)).toEqual(mapping.cores.map((c) => c.synapseMemoryBits));
    }
  });

  it("with a 1,500-bit limit A stays on one core in dls2 as in dls1 (the phantom delay bits made it 1,900 and split it)", () => {
    const tight = withCore(generic10, "generic-n10-1500", { synapseMemoryBits: 1500 });
    const one = compileModel(dls(1), tight, {}).mapping;
    const two = compileModel(dls(2), tight, {}).mapping;
    for (const m of [one, two]) {
      expect(m.populations.find((p) => p.name === "A")!.cores).toBe(1);
      expect(coreBitsOf(m, "A")).toBe(1300);
      // `in` reaches A on one core: 10 output axons, not 20.
      expect(m.cores.find((c) => c.blocks.some((b) => b.population === "in"))!.outputAxons).toBe(10);
    }
    expect(two.cores.map((c) => c.blocks)).toEqual(one.cores.map((c) => c.blocks));
  });

  it("loihi (grouped layout): A's core is 10 × roundUp(10·13 + 10, 64) = 1920 bits in both models, not 2560", () => {
    for (const d2 of [1, 2]) {
      const { program, mapping } = compileModel(dls(d2), loihi10, {});
      expect(coreBitsOf(mapping, "A")).toBe(1920);
      expect(coreBitsOf(mapping, "B")).toBe(64); // roundUp(13 or 19 + 10, 64)
      expect(programCoreFigures(loihi10, program).perCore.map((c) => c.synapseMemoryBits)).toEqual(mapping.cores.map((c) => c.synapseMemoryBits));
      expect(() => checkProgramFitsSpec(withCore(loihi10, "loihi-n10-1920", { synapseMemoryBits: 1920 }), program)).not.toThrow();
    }
  });

  it("loihi: a delayed block packed next to an undelayed one widens the whole core (re-summed: 2560 bits), so at 2559 bits it opens a core", () => {
    // in(10) → A(10) at delay 1 (dense), in[0] → C[0] at delay 2: on one 11-neuron core every entry carries the field.
    // in[0]'s list: 11·19 + 10 = 219 → 256; the other nine: 10·19 + 10 = 200 → 256; Σ = 2560 (1920 without the field).
    const json = dlsJson(1);
    json.populations[2] = { name: "C", kind: "neuron", size: 1 };
    json.projections[1] = { name: "inC", pre: "in", post: "C", sparse: { pre: [0], post: [0], weights: [1.0], delays: [2] } };
    const graph = parseAerchipModel(json as unknown as Json, "pack.json").graph;
    const spec = (bits: number) => withCore(loihi, `loihi-n11-${bits}`, { maxNeurons: 11, synapseMemoryBits: bits });
    const fits = compileModel(graph, spec(2560), {}).mapping;
    expect(fits.coresUsed).toBe(2); // in, then A + C
    expect(coreBitsOf(fits, "C")).toBe(2560);
    expect(coreBitsOf(fits, "A")).toBe(2560);
    const split = compileModel(graph, spec(2559), {}).mapping;
    expect(split.coresUsed).toBe(3);
    expect(split.populations.find((p) => p.name === "A")!.cores).toBe(1);
    expect(coreBitsOf(split, "A")).toBe(1920);
    expect(coreBitsOf(split, "C")).toBe(64);
  });

  it("loihi: a population whose last neuron is delayed widens its block (re-summed: 2560 bits), so at 2559 bits it is cut in two", () => {
    // in → A dense at delay 1 except in[0] → A[9] at delay 2.
    const json = dlsJson(1);
    const pre: number[] = [];
    const post: number[] = [];
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) { pre.push(i); post.push(j); delays.push(i === 0 && j === 9 ? 2 : 1); }
    json.populations.pop();
    json.projections = [{ name: "inA", pre: "in", post: "A", sparse: { pre, post, weights: new Array(100).fill(0.5), delays } }] as typeof json.projections;
    const graph = parseAerchipModel(json as unknown as Json, "cut.json").graph;
    const spec = (bits: number) => withCore(loihi10, `loihi-n10-${bits}`, { synapseMemoryBits: bits });
    const whole = compileModel(graph, spec(2560), {}).mapping;
    expect(whole.populations.find((p) => p.name === "A")!.cores).toBe(1);
    expect(coreBitsOf(whole, "A")).toBe(2560);
    const cut = compileModel(graph, spec(2559), {}).mapping;
    expect(cut.populations.find((p) => p.name === "A")!.cores).toBe(2);
    // A[0:5] without the field: 10 × roundUp(5·13 + 10, 64) = 1280; A[5:10] with it: 10 × roundUp(5·19 + 10, 64) = 1280.
    expect(cut.cores.filter((c) => c.blocks[0].population === "A").map((c) => c.synapseMemoryBits)).toEqual([1280, 1280]);
  });

  it("the partition's running size of every core equals the layout summed from the core's own synapses (random models, generic and loihi)", () => {
    let mixed = 0; // cores holding synapses, none delayed, in a model with delayed synapses
    for (let seed = 1; seed <= 24; seed++) {
      const rng = createRng(seed);
      const n = 8 + 4 * (seed % 5);
      // Memory tight enough to close cores; one neuron has at most 130 sources: 130 × 64 bits on loihi, 130 × 19 on generic.
      const spec = seed % 3 === 0
        ? withCore(generic, `generic-n${n}`, { maxNeurons: n, synapseMemoryBits: 2600 + 300 * (seed % 7) })
        : withCore(loihi, `loihi-n${n}`, { maxNeurons: n, synapseMemoryBits: 8400 + 700 * (seed % 7) });
      const names = ["in", "A", "B", "C"];
      const sizes = [10 + rng.nextBelow(31), 10 + rng.nextBelow(31), 5 + rng.nextBelow(31), 5 + rng.nextBelow(31)];
      const projections = [];
      for (let a = 0; a < 4; a++) for (let b = 1; b < 4; b++) {
        if (rng.nextFloat() < 0.4) continue;
        const density = 0.2 + 0.4 * rng.nextFloat();
        // Delays: none in 40 % of the projections, else on a random 15 % of the synapses, so blocks and cores gain the
        // field from their first neuron, part-way (the partition's re-sums) or not at all.
        const delayed = rng.nextFloat() < 0.6;
        const pre: number[] = [];
        const post: number[] = [];
        const delays: number[] = [];
        for (let i = 0; i < sizes[a]; i++) for (let j = 0; j < sizes[b]; j++) {
          if (rng.nextFloat() >= density) continue;
          pre.push(i); post.push(j);
          delays.push(delayed && rng.nextFloat() < 0.15 ? 2 : 1);
        }
        if (pre.length > 0) projections.push({ name: `${names[a]}_${names[b]}`, pre: names[a], post: names[b], sparse: { pre, post, weights: 1, delays } });
      }
      const json = {
        format: "aerchip-model-1", name: `r${seed}`, steps: 2,
        populations: names.map((name, p) => (p === 0 ? { name, kind: "input", size: sizes[p], spikes: [[0, 0]] } : { name, kind: "neuron", size: sizes[p] })),
        projections,
      };
      const graph = parseAerchipModel(json as unknown as Json, "r.json").graph;
      const ig = normaliseGraph(graph, spec);
      const cores = partitionGraph(ig, buildFanIn(ig), spec);
      const coreOf = new Int32Array(ig.totalNeurons).fill(-1);
      cores.forEach((c, ci) => { for (const b of c.blocks) for (let i = 0; i < b.count; i++) coreOf[neuronAt(ig, b.population, b.start + i)] = ci; });
      const anyDelay = graph.projections.some((pr) => pr.delayTicks.some((d) => d !== 1));
      cores.forEach((c, ci) => {
        const perSource = new Map<number, number>();
        let synapses = 0;
        let delayed = false;
        graph.projections.forEach((pr, k) => {
          const preBase = ig.popOffset[ig.projPre[k]];
          const postBase = ig.popOffset[ig.projPost[k]];
          for (let s = 0; s < pr.preIndex.length; s++) {
            if (coreOf[postBase + pr.postIndex[s]] !== ci) continue;
            const src = preBase + pr.preIndex[s];
            perSource.set(src, (perSource.get(src) ?? 0) + 1);
            synapses++;
            if (pr.delayTicks[s] !== 1) delayed = true;
          }
        });
        if (anyDelay && !delayed && synapses > 0) mixed++;
        const expected = synapseMemoryBits(spec, { axons: perSource.size, neurons: c.slots, synapses, delaysUsed: delayed, synapsesPerAxon: [...perSource.values()] });
        expect(c.synapseBits, `seed ${seed}, core ${ci} of ${spec.name}`).toBe(expected);
        expect(c.delayed).toBe(delayed);
        expect(c.synapseBits, `seed ${seed}, core ${ci} of ${spec.name}`).toBeLessThanOrEqual(spec.core.synapseMemoryBits);
      });
    }
    // The models mix cores with and without delayed synapses (otherwise the check above could not tell).
    expect(mixed).toBeGreaterThan(0);
  });
});

describe("run program.aerprog checks each core's own delay field", () => {
  const dir = mkdtempSync(join(tmpdir(), "aerchip-delay-mem-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("checkProgramFitsSpec: dls2's program (A's core 1300 bits) fits a 1,500-bit core", () => {
    const { program } = compileModel(dls(2), generic10, {});
    expect(() => checkProgramFitsSpec(withCore(generic10, "generic-n10-1500", { synapseMemoryBits: 1500 }), program)).not.toThrow();
  });

  it("CLI: compile dls2 for a 10-neuron generic core, then run program.aerprog on the 1,500-bit variant", async () => {
    const model = join(dir, "dls2.json");
    writeFileSync(model, JSON.stringify(dlsJson(2)));
    const specFile = (name: string, core: Partial<ChipSpec["core"]>): string => {
      const f = join(dir, `${name}.json`);
      const preset = JSON.parse(readFileSync("chip/spec/presets/generic.json", "utf8"));
      writeFileSync(f, JSON.stringify({ ...preset, name, core: { ...preset.core, ...core } }));
      return f;
    };
    const g10 = specFile("generic-n10", { maxNeurons: 10 });
    const g1500 = specFile("generic-n10-1500", { maxNeurons: 10, synapseMemoryBits: 1500 });
    const c = await cli("compile", model, "--arch", g10, "--out", join(dir, "prog"));
    expect(c.code, c.stderr).toBe(0);
    // A program carries no input spikes: every input neuron spikes at tick 0 (a 5 × 10 tensor, time on axis 0).
    const input = join(dir, "in.npy");
    writeFileSync(input, writeNpy(Float64Array.from({ length: 50 }, (_, i) => (i < 10 ? 1 : 0)), [5, 10]));
    const r = await cli("run", join(dir, "prog", "program.aerprog"), "--arch", g1500, "--input", input, "--out", join(dir, "run"));
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, "run", "spikes.json"))).toBe(true);
  });
});
