/**
 * Fill packing (audit s25a #1): whole blocks packed next-fit in file order can need more cores than a chip whose
 * cores the model exactly fills (a 1-neuron input listed first takes a core of its own). Before refusing with
 * E_CHIP_CORES_EXCEEDED the compiler cuts each population's first block to the room left in the core before it
 * (compiler/passes/partition.ts cutFilling) under every per-core limit; a model that maps the default way maps as
 * before, and one that truly does not fit is refused as before, naming the limits.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../compiler/compile.ts";
import { compileAndRun } from "../../cli/pipeline.ts";
import { loadPreset } from "../../chip/spec/load.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { checkProgramFitsSpec } from "../../chip/program/fits-spec.ts";
import { genericWith } from "../helpers/specs.ts";
import { errorOf } from "../helpers/errors.ts";
import { cli } from "../helpers/cli.ts";
import { createRng } from "../../core/rng.ts";
import { isAerchipError } from "../../core/diagnostics.ts";

type Pop = { name: string; kind: "input" | "neuron"; size: number; spikes?: number[][]; vThreshold?: number };
type Proj = { name: string; pre: string; post: string; sparse: { pre: number[]; post: number[]; weights: number[]; delays: number } };

/** A model with its populations listed in `order` (names), the same synapses whatever the order. */
function model(name: string, pops: Pop[], projs: Proj[], order = pops.map((p) => p.name)): Record<string, unknown> {
  return { format: "aerchip-model-1", name, steps: 8, populations: order.map((n) => pops.find((p) => p.name === n)), projections: projs };
}

const graphOf = (json: Record<string, unknown>) => parseAerchipModel(json as unknown as Json, `${String(json.name)}.json`);

/** Spikes per population as sorted "tick:neuron" strings (model indices), from a run of `json` on `spec`. */
function spikesOf(json: Record<string, unknown>, spec: ChipSpec): Record<string, string[]> {
  const r = compileAndRun(spec, graphOf(json), { compile: {}, provenance: { aerchipVersion: "test", inputs: [], options: { seed: 0 } }, timing: "simple" });
  const out: Record<string, string[]> = {};
  for (const [pop, s] of r.sim.spikes) out[pop] = Array.from(s.tick, (t, k) => `${t}:${s.neuron[k]}`).sort();
  return out;
}

const blocksOf = (m: ReturnType<typeof compileModel>["mapping"]) => m.cores.map((c) => c.blocks.map((b) => `${b.population}[${b.start}:${b.start + b.count}]`).join(" "));

/** in[0] → n[j] with weights 0.4, 0.8, 1.2 by j mod 3 (threshold 1: a third of n spikes once, a third twice…). */
function oneToMany(size: number): { pops: Pop[]; projs: Proj[] } {
  const post = Array.from({ length: size }, (_, j) => j);
  return {
    pops: [{ name: "in", kind: "input", size: 1, spikes: [[0, 0], [1, 0], [2, 0]] }, { name: "n", kind: "neuron", size, vThreshold: 1 }],
    projs: [{ name: "in_n", pre: "in", post: "n", sparse: { pre: post.map(() => 0), post, weights: post.map((j) => 0.4 * (1 + (j % 3))), delays: 1 } }],
  };
}

/** a (20 inputs) → b (30) → c (25): 75 neurons, b[j] fed by a[j mod 20] and a[(j + 7) mod 20], c[k] by b[k] and b[k + 5]. */
function chain(): { pops: Pop[]; projs: Proj[] } {
  const ab = { pre: [] as number[], post: [] as number[], weights: [] as number[] };
  for (let j = 0; j < 30; j++) for (const i of [j % 20, (j + 7) % 20]) { ab.pre.push(i); ab.post.push(j); ab.weights.push(0.6); }
  const bc = { pre: [] as number[], post: [] as number[], weights: [] as number[] };
  for (let k = 0; k < 25; k++) for (const j of [k, k + 5]) { bc.pre.push(j); bc.post.push(k); bc.weights.push(0.7); }
  return {
    pops: [
      { name: "a", kind: "input", size: 20, spikes: Array.from({ length: 20 }, (_, i) => [i % 4, i]) },
      { name: "b", kind: "neuron", size: 30, vThreshold: 1 },
      { name: "c", kind: "neuron", size: 25, vThreshold: 1 },
    ],
    projs: [{ name: "ab", pre: "a", post: "b", sparse: { ...ab, delays: 1 } }, { name: "bc", pre: "b", post: "c", sparse: { ...bc, delays: 2 } }],
  };
}

/** The generic preset with `cores` cores on one tile and `maxNeurons` neurons per core. */
const smallGeneric = (cores: number, maxNeurons: number, more: Partial<ChipSpec["core"]> = {}): ChipSpec =>
  ({ ...genericWith({ maxNeurons, ...more }, { widthTiles: 1, heightTiles: 1, coresPerTile: cores }), name: `generic-${cores}x${maxNeurons}` });

describe("a model that exactly fills the chip compiles whatever its population order (audit s25a #1)", () => {
  it("spinnaker2, 1 input + 1023 neurons = 4 cores × 256: in and n[0:255] share core 0; spikes as with the populations reversed", () => {
    const spec = loadPreset("spinnaker2");
    const { pops, projs } = oneToMany(1023);
    const json = model("pops1023", pops, projs);
    const reversed = model("pops1023", pops, projs, ["n", "in"]);
    const { program, mapping } = compileModel(graphOf(json).graph, spec, {});
    expect(mapping.fillPacking).toBe(true);
    expect(mapping.coresUsed).toBe(4);
    expect(blocksOf(mapping).sort()).toEqual(["in[0:1] n[0:255]", "n[255:511]", "n[511:767]", "n[767:1023]"]);
    expect(() => checkProgramFitsSpec(spec, program)).not.toThrow();
    const rev = compileModel(graphOf(reversed).graph, spec, {}).mapping;
    expect(rev).not.toHaveProperty("fillPacking");
    const spikes = spikesOf(json, spec);
    expect(spikes.n.length).toBeGreaterThan(1023);
    expect(spikes).toEqual(spikesOf(reversed, spec));
  });

  for (const [preset, size] of [["loihi", 131071], ["cim-crossbar", 131071]] as const) {
    it(`${preset}: 1 input + ${size} neurons fill every core`, () => {
      const spec = loadPreset(preset);
      const json = model("fill", [{ name: "in", kind: "input", size: 1, spikes: [[0, 0]] }, { name: "n", kind: "neuron", size }], []);
      const { mapping } = compileModel(graphOf(json).graph, spec, {});
      expect(mapping.fillPacking).toBe(true);
      expect(mapping.coresUsed).toBe(mapping.coresAvailable);
      expect(mapping.cores.every((c) => c.neurons === spec.core.maxNeurons)).toBe(true);
    });
  }

  it("20 + 30 + 25 neurons on 2 cores of 38: a and b[0:18], then b[18:30] and c; spikes as on 3 cores", () => {
    const spec = smallGeneric(2, 38);
    const { pops, projs } = chain();
    const json = model("chain", pops, projs);
    const { program, mapping } = compileModel(graphOf(json).graph, spec, {});
    expect(mapping.fillPacking).toBe(true);
    expect(blocksOf(mapping)).toEqual(["a[0:20] b[0:18]", "b[18:30] c[0:25]"]);
    expect(() => checkProgramFitsSpec(spec, program)).not.toThrow();
    const three = smallGeneric(3, 38);
    const byDefault = compileModel(graphOf(json).graph, three, {}).mapping;
    expect(byDefault).not.toHaveProperty("fillPacking");
    expect(blocksOf(byDefault)).toEqual(["a[0:20]", "b[0:30]", "c[0:25]"]);
    const spikes = spikesOf(json, spec);
    expect(spikes.c.length).toBeGreaterThan(0);
    expect(spikes).toEqual(spikesOf(json, three));
  });

  it("under every per-core limit: random models on tight chips that the default packing refuses fit, and run as on a larger chip", () => {
    // Σ neurons ≤ cores × maxNeurons, with output and input axons, synapse memory and neuron configurations as tight
    // as the model allows; checkProgramFitsSpec checks every limit of every core of the fill-packed program. A first
    // block that the output axons push off the core it was cut for can land beside the block after it: the two
    // are one block then, as in every default mapping (one block per population and core).
    let filled = 0;
    let refused = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rng = createRng(seed);
      const n = 3 + rng.nextBelow(2);
      const pops: Pop[] = Array.from({ length: n }, (_, p) => (p === 0
        ? { name: "p0", kind: "input", size: 5 + rng.nextBelow(20), spikes: [[0, 0], [1, 1], [2, 2], [3, 0]] }
        : { name: `p${p}`, kind: "neuron", size: 5 + rng.nextBelow(26), vThreshold: 0.5 + 0.25 * rng.nextBelow(3) }));
      const projs: Proj[] = [];
      for (let q = 1; q < n; q++) {
        const from = rng.nextBelow(q);
        const sp = { pre: [] as number[], post: [] as number[], weights: [] as number[] };
        for (let j = 0; j < pops[q].size; j++) for (let d = 0; d < 1 + rng.nextBelow(3); d++) { sp.pre.push(rng.nextBelow(pops[from].size)); sp.post.push(j); sp.weights.push(0.3 + 0.1 * rng.nextBelow(5)); }
        projs.push({ name: `e${q}`, pre: pops[from].name, post: pops[q].name, sparse: { ...sp, delays: 1 } });
      }
      const total = pops.reduce((a, p) => a + p.size, 0);
      const cores = 2 + rng.nextBelow(4);
      const more = { maxOutputAxons: 3 + rng.nextBelow(20), maxInputAxons: 10 + rng.nextBelow(30), synapseMemoryBits: 1000 + 100 * rng.nextBelow(20), maxNeuronConfigs: 2 + rng.nextBelow(3) };
      const spec = smallGeneric(cores, Math.ceil(total / cores) + rng.nextBelow(3), more);
      const json = model(`r${seed}`, pops, projs);
      let compiled: ReturnType<typeof compileModel>;
      try {
        compiled = compileModel(graphOf(json).graph, spec, {});
      } catch (e) {
        // Refused as the default packing refuses: too many cores, or a neuron alone sends to more cores than a core
        // has output axons, whatever the chip's core count (not the fill cut's more blocks: its failure is no refusal).
        const code = isAerchipError(e) ? e.code : e;
        expect(["E_CHIP_CORES_EXCEEDED", "E_CORE_OUTPUT_AXONS_EXCEEDED"]).toContain(code);
        if (code === "E_CHIP_CORES_EXCEEDED") refused++;
        else expect(errorOf(() => compileModel(graphOf(json).graph, smallGeneric(cores + 4, spec.core.maxNeurons, more), {})).code).toBe(code);
        continue;
      }
      if (compiled.mapping.fillPacking !== true) continue;
      filled++;
      expect(() => checkProgramFitsSpec(spec, compiled.program)).not.toThrow();
      for (const c of compiled.mapping.cores) expect(new Set(c.blocks.map((b) => b.population)).size).toBe(c.blocks.length);
      expect(spikesOf(json, spec)).toEqual(spikesOf(json, smallGeneric(cores + 4, spec.core.maxNeurons, more)));
    }
    expect(filled).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);
  });

  it("when the fill cut fails on its own (more blocks, more destination cores per neuron), the default refusal stands and says so", () => {
    // a[2] → b[9] and a → c[8] on 2 cores of 10 neurons and 2 output axons: whole, b and c are a's 2 destinations; cut
    // to the room beside a (b[0:8] | b[8:9]), b is 2 of 3, more than a core's output axons.
    const spec = smallGeneric(2, 10, { maxOutputAxons: 2 });
    const all = (pre: number, post: number) => {
      const sp = { pre: [] as number[], post: [] as number[], weights: [] as number[] };
      for (let i = 0; i < pre; i++) for (let j = 0; j < post; j++) { sp.pre.push(i); sp.post.push(j); sp.weights.push(0.5); }
      return { ...sp, delays: 1 };
    };
    const pops: Pop[] = [{ name: "a", kind: "input", size: 2, spikes: [[0, 0]] }, { name: "b", kind: "neuron", size: 9 }, { name: "c", kind: "neuron", size: 8 }];
    const e = errorOf(() => compileModel(graphOf(model("fan3", pops, [{ name: "ab", pre: "a", post: "b", sparse: all(2, 9) }, { name: "ac", pre: "a", post: "c", sparse: all(2, 8) }])).graph, spec, { file: "fan3.json" }));
    expect(e.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect(e.message).toContain("need 3 cores under the per-core limits");
    expect(e.message).toContain('(fill packing), it does not fit either (E_CORE_OUTPUT_AXONS_EXCEEDED: neuron 0 of population "a" alone sends to 3 cores');
  });

  it("a model that truly does not fit (one neuron configuration per core, three populations) is refused naming the limits", () => {
    const spec = smallGeneric(2, 38, { maxNeuronConfigs: 1 });
    const pops: Pop[] = [{ name: "a", kind: "neuron", size: 20, vThreshold: 1 }, { name: "b", kind: "neuron", size: 30, vThreshold: 2 }, { name: "c", kind: "neuron", size: 25, vThreshold: 3 }];
    const e = errorOf(() => compileModel(graphOf(model("configs", pops, [])).graph, spec, { file: "configs.json" }));
    expect(e.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect(e.field).toBe("mesh");
    expect(e.message).toContain("need 3 cores under the per-core limits");
    expect(e.message).toContain("core.maxNeurons 38");
    expect(e.message).toContain("core.maxNeuronConfigs 1");
    expect(e.message).toContain("(fill packing), it needs 3");
    expect(e.hint).toContain("core.maxNeurons, core.maxNeuronConfigs: the limits that closed the cores");
  });
});

describe("compile and run say when the mapping was made by fill packing", () => {
  const TMP = mkdtempSync(join(tmpdir(), "aerchip-fill-"));
  afterAll(() => rmSync(TMP, { recursive: true, force: true }));

  it("a line of compile's and run's output and mapping.json fillPacking: true; a model mapped the default way has neither", async () => {
    const specPath = join(TMP, "generic-2.json");
    const base = JSON.parse(readFileSync(join(import.meta.dirname, "../../chip/spec/presets/generic.json"), "utf8")) as { name: string; mesh: Record<string, number> };
    writeFileSync(specPath, JSON.stringify({ ...base, name: "generic-2", mesh: { ...base.mesh, widthTiles: 1, heightTiles: 1, coresPerTile: 2 } }));
    const { pops, projs } = chain();
    const modelPath = join(TMP, "chain.json");
    writeFileSync(modelPath, JSON.stringify(model("chain", pops, projs)));
    const c = await cli("compile", modelPath, "--arch", specPath, "--core-neurons", "38", "--out", join(TMP, "c"));
    expect(c.code).toBe(0);
    expect(c.stdout).toContain("fill packing: packed whole in file order, the populations' blocks needed more cores than generic-2* has");
    expect((JSON.parse(readFileSync(join(TMP, "c", "mapping.json"), "utf8")) as { fillPacking?: boolean }).fillPacking).toBe(true);
    const r = await cli("run", modelPath, "--arch", specPath, "--core-neurons", "38", "--out", join(TMP, "r"));
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^fill packing: /gm)).toHaveLength(1);
    const plain = await cli("compile", modelPath, "--arch", specPath, "--core-neurons", "64", "--out", join(TMP, "plain"));
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain("fill packing");
    expect(JSON.parse(readFileSync(join(TMP, "plain", "mapping.json"), "utf8"))).not.toHaveProperty("fillPacking");
  });
});
