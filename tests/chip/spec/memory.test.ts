/** Memory accounting on hand-computed examples (equations in chip/spec/memory.ts). */
import { describe, expect, it } from "vitest";
import { loadPreset } from "../../../chip/spec/load.ts";
import { axonListLayout, neuronMemoryBits, neuronStateBits, sparseIndexBits, synapseEntryBits, synapseMemoryBits, synapsesPerAxonOfRows } from "../../../chip/spec/memory.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";

const generic = loadPreset("generic");
const loihi = loadPreset("loihi");
const truenorth = loadPreset("truenorth");
const odin = loadPreset("odin");
const spinnaker2 = loadPreset("spinnaker2");
const cim = loadPreset("cim-crossbar");

describe("synapseEntryBits", () => {
  it("sparse: weight + index (+ delay when used)", () => {
    // generic: 9-bit weight, ⌈log2 1024⌉ = 10 index bits, 6-bit delay
    expect(sparseIndexBits(generic)).toBe(10);
    expect(synapseEntryBits(generic, false)).toBe(19);
    expect(synapseEntryBits(generic, true)).toBe(25);
  });
  it("dense: TrueNorth stores one connect bit, ODIN 3 + 1 bits, the CIM array 4 bits", () => {
    expect(synapseEntryBits(truenorth, true)).toBe(1); // delays are not per synapse
    expect(synapseEntryBits(odin, false)).toBe(4);
    expect(synapseEntryBits(cim, false)).toBe(4);
  });
  it("SpiNNaker pads every synapse to its 32-bit word", () => {
    // 16 weight + 4 delay + ⌈log2 256⌉ = 8 index + 1 type = 29 → 32; without delay 25 → 32
    expect(synapseEntryBits(spinnaker2, true)).toBe(32);
    expect(synapseEntryBits(spinnaker2, false)).toBe(32);
  });
});

describe("synapseMemoryBits", () => {
  it("sparse without grouping: synapses × entry", () => {
    expect(synapseMemoryBits(generic, { axons: 10, neurons: 20, synapses: 150, delaysUsed: false })).toBe(150 * 19);
    expect(synapseMemoryBits(generic, { axons: 10, neurons: 20, synapses: 150, delaysUsed: true })).toBe(150 * 25);
    expect(synapseMemoryBits(spinnaker2, { axons: 3, neurons: 7, synapses: 11, delaysUsed: true })).toBe(11 * 32);
  });

  it("dense: axons × neurons × entry, zeros included", () => {
    // TrueNorth: a full core is its 256×256 bit crossbar = 65,536 bits, the core's memory exactly
    expect(synapseMemoryBits(truenorth, { axons: 256, neurons: 256, synapses: 1000, delaysUsed: true })).toBe(65536);
    expect(synapseMemoryBits(odin, { axons: 10, neurons: 5, synapses: 3, delaysUsed: false })).toBe(10 * 5 * 4);
    expect(synapseMemoryBits(cim, { axons: 64, neurons: 64, synapses: 4096, delaysUsed: false })).toBe(16384);
  });

  it("Loihi: groups of ≤ 64 synapses with a 10-bit header, rounded to 64-bit words", () => {
    // entry = 9 + 10 = 19 bits. One axon with 100 synapses: groups of 64 and 36:
    //   ⌈(64·19 + 10) / 64⌉·64 = ⌈1226/64⌉·64 = 20·64 = 1280;  ⌈(36·19 + 10) / 64⌉·64 = ⌈694/64⌉·64 = 11·64 = 704
    expect(synapseMemoryBits(loihi, { axons: 1, neurons: 100, synapses: 100, delaysUsed: false })).toBe(1984);
    // with 6-bit delays the entry is 25: ⌈1610/64⌉·64 = 26·64 = 1664; ⌈910/64⌉·64 = 15·64 = 960
    expect(synapseMemoryBits(loihi, { axons: 1, neurons: 100, synapses: 100, delaysUsed: true })).toBe(2624);
  });

  it("Loihi: exact per-axon counts, and an even spread when they are not given", () => {
    // axons with 1, 3 and 60 synapses: ⌈29/64⌉ = 1, ⌈67/64⌉ = 2, ⌈1150/64⌉ = 18 words → 21·64
    expect(synapseMemoryBits(loihi, { axons: 3, neurons: 64, synapses: 64, delaysUsed: false, synapsesPerAxon: [1, 3, 60] })).toBe(21 * 64);
    // spread evenly: 64 over 3 axons = 22, 21, 21: ⌈428/64⌉ = 7, ⌈409/64⌉ = 7, 7 → 21 words as well
    expect(synapseMemoryBits(loihi, { axons: 3, neurons: 64, synapses: 64, delaysUsed: false })).toBe(21 * 64);
    // 10 synapses over 4 axons = 3, 3, 2, 2: ⌈(3·19 + 10)/64⌉ = ⌈67/64⌉ = 2 words, ⌈48/64⌉ = 1 word → 2 + 2 + 1 + 1 = 6 words
    expect(synapseMemoryBits(loihi, { axons: 4, neurons: 10, synapses: 10, delaysUsed: false })).toBe(6 * 64);
    // an axon without synapses takes nothing
    expect(synapseMemoryBits(loihi, { axons: 2, neurons: 1, synapses: 1, delaysUsed: false, synapsesPerAxon: [0, 1] })).toBe(64);
  });

  it("a full Loihi core: 4096 axons × 12 synapses fill 128 KiB exactly without delays", () => {
    // 4096 axons × 12 synapses: ⌈(12·19 + 10)/64⌉ = ⌈238/64⌉ = 4 words = 256 bits per axon
    // → 4096 · 256 = 1,048,576 bits = exactly the core's 128 KiB
    expect(synapseMemoryBits(loihi, { axons: 4096, neurons: 1024, synapses: 4096 * 12, delaysUsed: false })).toBe(loihi.core.synapseMemoryBits);
    // with delays: ⌈(12·25 + 10)/64⌉ = ⌈310/64⌉ = 5 words → over the limit
    expect(synapseMemoryBits(loihi, { axons: 4096, neurons: 1024, synapses: 4096 * 12, delaysUsed: true })).toBeGreaterThan(loihi.core.synapseMemoryBits);
  });

  it("an empty core takes nothing", () => {
    for (const s of [generic, loihi, truenorth]) expect(synapseMemoryBits(s, { axons: 0, neurons: 0, synapses: 0, delaysUsed: false })).toBe(0);
  });

  it("rejects impossible usages with E_MEMORY_USAGE_INVALID", () => {
    const bad = (s: ChipSpec, u: Parameters<typeof synapseMemoryBits>[1]): void => {
      expect(() => synapseMemoryBits(s, u)).toThrowError(expect.objectContaining({ code: "E_MEMORY_USAGE_INVALID" }));
    };
    bad(generic, { axons: 0, neurons: 1, synapses: 5, delaysUsed: false });
    bad(generic, { axons: -1, neurons: 1, synapses: 0, delaysUsed: false });
    bad(generic, { axons: 1.5, neurons: 1, synapses: 0, delaysUsed: false });
    bad(loihi, { axons: 2, neurons: 1, synapses: 5, delaysUsed: false, synapsesPerAxon: [1, 1] });
    bad(loihi, { axons: 2, neurons: 1, synapses: 2, delaysUsed: false, synapsesPerAxon: [2] });
  });
});

describe("axonListLayout (the partitioner's per-axon sizes)", () => {
  it("Loihi: bits(n) is one axon's grouped list, step(n) = bits(n + 1) − bits(n); their sum over axons is synapseMemoryBits with exact counts", () => {
    const layout = axonListLayout(loihi, false)!;
    // 65 synapses: roundUp(64·19 + 10, 64) + roundUp(19 + 10, 64) = 1280 + 64; 1 synapse: 64; none: 0.
    expect([layout.bits(0), layout.bits(1), layout.bits(64), layout.bits(65), layout.bits(129)]).toEqual([0, 64, 1280, 1344, 2624]);
    for (let n = 0; n < 300; n++) expect(layout.step(n)).toBe(layout.bits(n + 1) - layout.bits(n));
    const counts = [65, 1, 3, 200];
    expect(counts.reduce((a, n) => a + layout.bits(n), 0)).toBe(synapseMemoryBits(loihi, { axons: 4, neurons: 100, synapses: 269, delaysUsed: false, synapsesPerAxon: counts }));
    // With delays the entry grows by the 6 delay bits (25 bits): roundUp(25 + 10, 64) = 64, roundUp(64·25 + 10, 64) = 1664.
    expect(axonListLayout(loihi, true)!.bits(64)).toBe(1664);
  });
  it("is undefined where a core's size depends only on its totals (dense, ungrouped sparse)", () => {
    for (const s of [generic, truenorth, odin, spinnaker2, cim]) expect(axonListLayout(s, true)).toBeUndefined();
  });
  it("synapsesPerAxonOfRows reads a CSR row pointer", () => {
    expect([...synapsesPerAxonOfRows(Uint32Array.from([0, 65, 66, 66, 70]))]).toEqual([65, 1, 0, 4]);
    expect(synapsesPerAxonOfRows(new Uint32Array(0)).length).toBe(0);
  });
});

describe("neuronStateBits", () => {
  it("uses the published neuron word when there is one (ODIN: 128 bits)", () => {
    expect(neuronStateBits(odin)).toBe(128);
    expect(neuronMemoryBits(odin, 256)).toBe(256 * 128); // ODIN's 4 kB neuron SRAM
  });
  it("Loihi: voltage + current + refractory counter (+ post traces); parameters are in shared configs", () => {
    expect(neuronStateBits(loihi)).toBe(24 + 24 + 6);
    expect(neuronStateBits(loihi, { postTraces: 3 })).toBe(24 + 24 + 6 + 3 * 7);
  });
  it("generic: per-neuron threshold and decay as well (no config table)", () => {
    expect(neuronStateBits(generic)).toBe(24 + 24 + 8 + 17 + 12);
  });
  it("TrueNorth: no separate current, per-neuron parameters and one weight per axon type", () => {
    expect(neuronStateBits(truenorth)).toBe(20 + 0 + 18 + 9 + 4 * 9);
  });
});
