/**
 * Synapse memory is the exact size of the chip's layout with each core's real synapses per input axon, not an
 * "even spread" estimate (audit s22a finding 4). Loihi (hardware-facts.md §4, nengo-loihi): per axon, groups of
 * ≤ 64 entries, each rounded up to 64-bit words plus a 10-bit header; entry = 9 weight + 10 index bits (no delay
 * field when every delay is 1).
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";
import { programCoreFigures } from "../../../chip/report/metrics.ts";
import type { CoreProgram } from "../../../chip/program/types.ts";
import { errorOf } from "../../helpers/errors.ts";

const loihi = loadPreset("loihi");
/** One axon's list by hand: full groups of 64 entries, then the rest, each roundUp(n·19 + 10, 64). */
const axonBits = (n: number): number => {
  const up = (b: number): number => Math.ceil(b / 64) * 64;
  const full = Math.floor(n / 64);
  const rest = n % 64;
  return full * up(64 * 19 + 10) + (rest > 0 ? up(rest * 19 + 10) : 0);
};
/** A compiled core's size from its crossbar rows, by the hand formula. */
const exactBits = (cp: CoreProgram): number => {
  let bits = 0;
  const ptr = cp.crossbar.axonRowPtr;
  for (let a = 0; a < cp.crossbar.axonCount; a++) bits += axonBits(ptr[a + 1] - ptr[a]);
  return bits;
};

function model(name: string, inputs: number, neurons: number, pre: number[], post: number[]) {
  const json = {
    format: "aerchip-model-1", name, steps: 3,
    populations: [{ name: "in", kind: "input", size: inputs, spikes: [[0, 0]] }, { name: "h", kind: "neuron", size: neurons, vThreshold: 5 }],
    projections: [{ name: "in_h", pre: "in", post: "h", sparse: { pre, post, weights: 1, delays: 1 } }],
  };
  return parseAerchipModel(json as unknown as Json, `${name}.json`).graph;
}

/** The auditor's memskew: 1600 inputs → 100 neurons; even inputs reach neurons 0..64 (65 synapses), odd input i reaches i mod 100. */
function memskew() {
  const pre: number[] = [];
  const post: number[] = [];
  for (let i = 0; i < 1600; i++) {
    if (i % 2 === 0) for (let j = 0; j < 65; j++) { pre.push(i); post.push(j); }
    else { pre.push(i); post.push(i % 100); }
  }
  return model("memskew", 1600, 100, pre, post);
}

describe("synapse memory is the exact per-axon layout", () => {
  it("a small model's utilisation is the hand-computed layout: 65 + 1 synapses on two axons take 1408 bits (an even spread would say 1280)", () => {
    // in0 → h0..h64 (65 synapses: a full group of 64 and a group of 1), in1 → h0 (1 synapse).
    const pre = [...new Array(65).fill(0), 1];
    const post = [...Array.from({ length: 65 }, (_, j) => j), 0];
    const { program, mapping } = compileModel(model("two", 2, 65, pre, post), loihi, {});
    expect(mapping.coresUsed).toBe(1);
    const bits = (1280 + 64) + 64; // in0: roundUp(64·19 + 10, 64) + roundUp(19 + 10, 64); in1: roundUp(19 + 10, 64)
    expect(axonBits(65) + axonBits(1)).toBe(bits);
    expect(mapping.cores[0].synapseMemoryBits).toBe(1408);
    expect(mapping.cores[0].utilisation.synapseMemory).toBe(1408 / loihi.core.synapseMemoryBits);
    // The run report's per-core figure is the same number.
    const perCore = programCoreFigures(loihi, program).perCore;
    expect(perCore[0].synapseMemoryBits).toBe(1408);
    expect(perCore[0].utilisation.synapseMemory).toBe(mapping.cores[0].utilisation.synapseMemory);
  });

  it("memskew on loihi: the population is split so that every core's exact size fits its 128 KiB (it was one core of 1,126,400 bits reported as 97.7 %)", () => {
    const { program, mapping } = compileModel(memskew(), loihi, {});
    // On one core the 100 neurons would need 800·(1280 + 64) + 800·64 bits.
    expect(800 * axonBits(65) + 800 * axonBits(1)).toBe(1_126_400);
    expect(1_126_400).toBeGreaterThan(loihi.core.synapseMemoryBits);
    expect(mapping.populations.find((p) => p.name === "h")!.cores).toBeGreaterThanOrEqual(2);
    program.cores.forEach((cp, i) => {
      expect(mapping.cores[i].synapseMemoryBits).toBe(exactBits(cp));
      expect(mapping.cores[i].synapseMemoryBits).toBeLessThanOrEqual(loihi.core.synapseMemoryBits);
      expect(mapping.cores[i].utilisation.synapseMemory).toBe(exactBits(cp) / loihi.core.synapseMemoryBits);
    });
    expect(() => checkProgramFitsSpec(loihi, program)).not.toThrow();
  });

  it("a program whose core exceeds the exact size is refused by the program check, naming the core, the exact bits and the limit", () => {
    // Compiled for a Loihi with twice the synapse memory, h lands on one core; run on Loihi it does not fit.
    const roomy = { ...loihi, core: { ...loihi.core, synapseMemoryBits: 2 * loihi.core.synapseMemoryBits } };
    const { program } = compileModel(memskew(), roomy, {});
    const big = program.cores.find((cp) => cp.crossbar.synTarget.length === 52_800)!;
    expect(exactBits(big)).toBe(1_126_400);
    const e = errorOf(() => checkProgramFitsSpec(loihi, program));
    expect(e.code).toBe("E_CORE_SYNAPSE_MEMORY_EXCEEDED");
    expect(e.message).toContain(`core ${big.coreId} needs 1126400 bits of synapse memory; chip "loihi" has 1048576 per core`);
  });

  it("a fixed placement with a core over the exact size is refused, naming the core, the exact bits and the limit", () => {
    const ids = (n: number, f: (i: number) => number) => Uint32Array.from({ length: n }, (_, i) => f(i));
    const fixedPlacement = new Map([["in", ids(1600, (i) => (i < 800 ? 0 : 1))], ["h", ids(100, () => 2)]]);
    const e = errorOf(() => compileModel(memskew(), loihi, { fixedPlacement, file: "memskew.json" }));
    expect(e.code).toBe("E_CORE_SYNAPSE_MEMORY_EXCEEDED");
    expect(e.message).toContain('core 2 needs 1126400 bits of synapse memory (its 52800 synapses over 1600 input axons); chip "loihi" has 1048576 per core');
    expect(e.field).toBe("core.synapseMemoryBits");
  });
});
