/**
 * Fill packing (audit s25a #1) together with the per-core synapse-memory delay field (audit s25a #3): the fill cut's
 * prefix blocks are sized by CorePacker.fits, which charges the delay field only when the core would then store a
 * synapse with a delay ≠ 1, and the packed cores' running sizes are the exact layouts of their own synapses
 * (chip/program/core-memory.ts coreSynapseMemoryBits on the compiled program), with the delay field on the delayed
 * cores only.
 *
 * Model: in (4 inputs) → x (8) at delay 1, in → y (12) at delay 2, all-to-all; 8 neurons per core.
 *   default: [in] [x] [y 0:6] [y 6:12] = 4 cores; fill: [in, x 0:4] [x 4:8, y 0:4] [y 4:12] = 3 cores
 *   core 0 holds no delayed synapse (plain entries), cores 1 and 2 do (core 1 gains the field with y's prefix block;
 *   on Loihi its x lists, 4 entries per axon, are re-summed: roundUp(4·entry + header, 64) is 64 bits plain, 128 with the field).
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../compiler/compile.ts";
import { normaliseGraph } from "../../compiler/passes/normalise.ts";
import { buildFanIn, partitionGraph, type LogicalCore } from "../../compiler/passes/partition.ts";
import { loadPreset } from "../../chip/spec/load.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { synapseMemoryBits } from "../../chip/spec/memory.ts";
import { coreSynapseMemoryBits, coreUsesDelays } from "../../chip/program/core-memory.ts";
import { checkProgramFitsSpec } from "../../chip/program/fits-spec.ts";

const X = 8;
const Y = 12;
const IN = 4;

function allToAll(pre: number, post: number, delay: number) {
  const s = { pre: [] as number[], post: [] as number[], weights: [] as number[], delays: [] as number[] };
  for (let j = 0; j < post; j++) for (let i = 0; i < pre; i++) { s.pre.push(i); s.post.push(j); s.weights.push(0.3 + 0.1 * ((i + j) % 4)); s.delays.push(delay); }
  return s;
}

const json = {
  format: "aerchip-model-1", name: "filldelay", steps: 8,
  populations: [
    { name: "in", kind: "input", size: IN, spikes: Array.from({ length: IN }, (_, i) => [i % 3, i]) },
    { name: "x", kind: "neuron", size: X, vThreshold: 1 },
    { name: "y", kind: "neuron", size: Y, vThreshold: 1 },
  ],
  projections: [
    { name: "inx", pre: "in", post: "x", sparse: allToAll(IN, X, 1) },
    { name: "iny", pre: "in", post: "y", sparse: allToAll(IN, Y, 2) },
  ],
};
const graph = () => parseAerchipModel(json as unknown as Json, "filldelay.json").graph;

/** `base` with 8 neurons per core and 3 cores on one tile. */
function small(base: ChipSpec, core: Partial<ChipSpec["core"]> = {}): ChipSpec {
  return { ...base, name: `${base.name}-3x8`, core: { ...base.core, maxNeurons: 8, ...core }, mesh: { ...base.mesh, widthTiles: 1, heightTiles: 1, coresPerTile: 3 } };
}

const names = ["in", "x", "y"];
const blocksOfCore = (c: LogicalCore): string => c.blocks.map((b) => `${names[b.population]}[${b.start}:${b.start + b.count}]`).join(" ");

describe("fill packing with a delay field on some cores only", () => {
  for (const preset of ["generic", "loihi"]) {
    it(`${preset}: the fill-packed cores' sizes are their own layouts, the delay field only where a delayed synapse is stored`, () => {
      const spec = small(loadPreset(preset));
      const { program, mapping } = compileModel(graph(), spec, {});
      expect(mapping.fillPacking).toBe(true);
      expect(() => checkProgramFitsSpec(spec, program)).not.toThrow();
      // The partition's running figures (CorePacker), the same cut the compiler took.
      const ig = normaliseGraph(graph(), spec);
      const cores = partitionGraph(ig, buildFanIn(ig), spec, { fill: true });
      const room = 8 - (X - 4);
      expect(cores.map(blocksOfCore)).toEqual(["in[0:4] x[0:4]", `x[4:${X}] y[0:${room}]`, `y[${room}:${Y}]`]);
      expect(cores.map((c) => c.delayed)).toEqual([false, true, true]);
      for (const c of cores) {
        const ci = mapping.cores.findIndex((m) => m.blocks.map((b) => `${b.population}[${b.start}:${b.start + b.count}]`).join(" ") === blocksOfCore(c));
        const cp = program.cores[ci];
        expect(coreUsesDelays(cp)).toBe(c.delayed);
        expect(c.synapseBits).toBe(coreSynapseMemoryBits(spec, cp));
        expect(mapping.cores[ci].synapseMemoryBits).toBe(c.synapseBits);
      }
      // Core 0's entries carry no delay field: with it the same synapses would take more bits.
      const c0 = cores[0];
      const withField = synapseMemoryBits(spec, { axons: c0.inputAxons, neurons: c0.slots, synapses: c0.synapses, delaysUsed: true, synapsesPerAxon: new Array(c0.inputAxons).fill(c0.synapses / c0.inputAxons) });
      expect(c0.synapseBits).toBeLessThan(withField);
    });
  }

  it("generic, synapse memory binding: y's prefix block is sized with the delay field core 1 gains with it", () => {
    const base = loadPreset("generic");
    // Core 1 = x[4:X] (X − 4 neurons × 4 synapses, delay 1) + y[0:k] (k × 4 synapses, delay 2): the whole core takes the field.
    const xs = X - 4;
    const bitsWith = (k: number, delaysUsed: boolean, spec: ChipSpec) => synapseMemoryBits(spec, { axons: IN, neurons: xs + k, synapses: IN * (xs + k), delaysUsed });
    const probe = small(base);
    const limit = bitsWith(3, true, probe);
    const spec = small(base, { synapseMemoryBits: limit });
    const largest = (delaysUsed: boolean): number => {
      let k = 0;
      while (k < 8 - xs && bitsWith(k + 1, delaysUsed, spec) <= limit) k++;
      return k;
    };
    // Charging plain entries (or the field model-wide, or not re-summing x[4:6]) would give another k.
    expect(largest(false)).toBeGreaterThan(largest(true));
    const ig = normaliseGraph(graph(), spec);
    const cores = partitionGraph(ig, buildFanIn(ig), spec, { fill: true });
    const prefix = cores.flatMap((c) => c.blocks).find((b) => b.population === 2 && b.start === 0)!;
    expect(prefix.count).toBe(largest(true));
    expect(prefix.delayed).toBe(true);
    const core1 = cores.find((c) => c.blocks.includes(prefix))!;
    expect(blocksOfCore(core1)).toBe(`x[4:${X}] y[0:${largest(true)}]`);
    expect(core1.delayed).toBe(true);
    expect(core1.synapseBits).toBe(bitsWith(largest(true), true, spec));
    // Core 0 (in + x[0:4]) stays without the field.
    expect(cores[0].delayed).toBe(false);
    expect(cores[0].synapseBits).toBe(synapseMemoryBits(spec, { axons: IN, neurons: 8, synapses: IN * 4, delaysUsed: false }));
    for (const c of cores) expect(c.synapseBits).toBeLessThanOrEqual(limit);
  });
});
