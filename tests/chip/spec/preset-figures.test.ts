/**
 * Each preset's figures are the cited ones. The expected numbers are typed in here from the
 * publications (via ../shared/docs/hardware-facts.md and the repositories named below), not read
 * from the presets, so editing a preset's figure makes its test fail.
 */
import { describe, expect, it } from "vitest";
import { loadPreset } from "../../../chip/spec/load.ts";
import { COST_KEYS, totalCores, type ChipSpec, type CostEntry } from "../../../chip/spec/types.ts";

type Expected = Record<string, [value: number, evidence: string]>;

function costOf(spec: ChipSpec, key: string): CostEntry | undefined {
  if (key.startsWith("synapseEncodings.")) {
    const [, enc, k] = key.split(".");
    return (spec.costs.synapseEncodings?.[enc] as Record<string, CostEntry> | undefined)?.[k];
  }
  return (spec.costs as Record<string, CostEntry | undefined>)[key];
}

/** The preset has exactly these costs (no more), with these values and evidence kinds. */
function expectCosts(name: string, expected: Expected): void {
  const spec = loadPreset(name);
  const present = new Set<string>();
  for (const k of COST_KEYS) if ((spec.costs as Record<string, unknown>)[k] !== undefined) present.add(k);
  for (const [enc, cc] of Object.entries(spec.costs.synapseEncodings ?? {})) for (const k of Object.keys(cc)) present.add(`synapseEncodings.${enc}.${k}`);
  expect([...present].sort()).toEqual(Object.keys(expected).sort());
  for (const [key, [value, evidence]] of Object.entries(expected)) {
    const c = costOf(spec, key);
    expect(c?.value, key).toBeCloseTo(value, 9);
    expect(c?.evidence, key).toBe(evidence);
  }
}

describe("loihi: Davies et al., IEEE Micro 38(1):82-99, 2018", () => {
  const spec = loadPreset("loihi");
  it("has 128 cores as 8x4 tiles of 4 cores (SANA-FE's layout)", () => {
    expect(totalCores(spec)).toBe(128);
    expect([spec.mesh.widthTiles, spec.mesh.heightTiles, spec.mesh.coresPerTile]).toEqual([8, 4, 4]);
  });
  it("has the p. 89 per-core limits", () => {
    expect(spec.core.maxNeurons).toBe(1024); // ≤1024 compartments
    expect(spec.core.maxInputAxons).toBe(4096); // ≤4096 input axons
    expect(spec.core.maxOutputAxons).toBe(4096); // ≤4096 fan-out edges
    expect(spec.core.synapseMemoryBits).toBe(128 * 1024 * 8); // 128 KiB = 16,384 × 64-bit words
    expect(spec.core.maxDelayTicks).toBe(62); // "up to 62"
    expect(spec.core.maxNeuronConfigs).toBe(32); // nengo-loihi MAX_COMPARTMENT_CFGS
  });
  it("has Loihi's widths (sign included)", () => {
    const p = spec.precision;
    expect(p.weightBits).toBe(9); // 1–9-bit weights, 9 signed (Table 1)
    expect(p.weightSigned).toBe(true);
    expect(p.weightExponentBits).toBe(4); // nengo-loihi weight_exp ∈ [−7, 7]
    expect(p.delayBits).toBe(6); // 6-bit delays
    expect(p.decayBits).toBe(12); // 12-bit decays (MAX_DECAY 4095)
    expect(p.stateBits).toBe(24); // 23 bits plus sign
    expect(p.currentBits).toBe(24); // U_BITS = 23 plus sign
    expect(p.thresholdBits).toBe(17); // VTH_MAN_MAX = 2^17 − 1
    expect(p.traceBits).toBe(7); // 7-bit traces
    expect(p.refractoryBits).toBe(6); // REFRACT_DELAY_MAX = 63
  });
  it("has the Table 2 costs (pre-silicon, 0.75 V) and the derived static power", () => {
    expectCosts("loihi", {
      energySynOpPj: [23.6, "simulated"], latencySynOpNs: [3.5, "simulated"],
      energyNeuronUpdatePj: [81, "simulated"], latencyNeuronUpdateNs: [8.4, "simulated"],
      energyNeuronInactivePj: [52, "simulated"], latencyNeuronInactiveNs: [5.3, "simulated"],
      energyInTileSpikePj: [1.7, "simulated"], latencyInTileSpikeNs: [2.1, "simulated"],
      energyHopEastWestPj: [3.0, "simulated"], latencyHopEastWestNs: [4.1, "simulated"],
      energyHopNorthSouthPj: [4.0, "simulated"], latencyHopNorthSouthNs: [6.5, "simulated"],
      energySynUpdatePj: [120, "simulated"], latencySynUpdateNs: [6.1, "simulated"],
      staticPowerPerCoreMw: [0.82, "derived"], // 3.34 W / (32 chips × 128 cores), Frady et al., NICE 2020
    });
  });
  it("has the Table 2 barrier: 113 ns at 1 tile to 465 ns at 32 tiles", () => {
    expect(spec.sync.table).toEqual([{ tiles: 1, latencyNs: 113 }, { tiles: 32, latencyNs: 465 }]);
  });
});

describe("loihi-sanafe: SLAM-Lab/SANA-FE arch/loihi.yaml @8951ab0", () => {
  const spec = loadPreset("loihi-sanafe");
  it("has SANA-FE's mesh and neuron limit", () => {
    expect([spec.mesh.widthTiles, spec.mesh.heightTiles, spec.mesh.coresPerTile, spec.mesh.linkBufferPackets]).toEqual([8, 4, 4, 16]);
    expect(spec.core.maxNeurons).toBe(1024); // max_neurons_supported
  });
  it("has SANA-FE's calibrated per-event costs, synapse costs per encoding", () => {
    expectCosts("loihi-sanafe", {
      "synapseEncodings.dense.energySynOpPj": [35.5, "calibrated"], "synapseEncodings.dense.latencySynOpNs": [3.8, "calibrated"],
      "synapseEncodings.sparse.energySynOpPj": [33.6, "calibrated"], "synapseEncodings.sparse.latencySynOpNs": [4.7, "calibrated"],
      "synapseEncodings.conv.energySynOpPj": [24.0, "calibrated"], "synapseEncodings.conv.latencySynOpNs": [3.1, "calibrated"],
      energyNeuronAccessPj: [51.2, "calibrated"], latencyNeuronAccessNs: [6.0, "calibrated"],
      energyNeuronUpdatePj: [21.6, "calibrated"], latencyNeuronUpdateNs: [3.7, "calibrated"],
      energySpikeOutPj: [69.3, "calibrated"], latencySpikeOutNs: [30, "calibrated"],
      energyPacketOutPj: [111, "calibrated"], latencyPacketOutNs: [5.1, "calibrated"],
      energyPacketInPj: [0, "calibrated"], latencyPacketInNs: [16, "calibrated"],
      energyHopEastWestPj: [3.0, "calibrated"], latencyHopEastWestNs: [4.1, "calibrated"],
      energyHopNorthSouthPj: [4.2, "calibrated"], latencyHopNorthSouthNs: [6.5, "calibrated"],
    });
  });
  it("has SANA-FE's sync table {1: 0.6, 2: 1.0, 4: 1.4, 29: 1.8} µs read as largest key <= tiles", () => {
    expect(spec.sync.table).toEqual([
      { tiles: 1, latencyNs: 600 }, { tiles: 2, latencyNs: 1000 }, { tiles: 4, latencyNs: 1400 }, { tiles: 29, latencyNs: 1800 },
    ]);
    expect(spec.sync.interpolation).toBe("floor");
  });
});

describe("truenorth: Merolla et al., Science 345(6197):668-673, 2014", () => {
  const spec = loadPreset("truenorth");
  it("has 4096 cores as a 64x64 mesh of 256-axon × 256-neuron binary crossbars with 4 axon types", () => {
    expect(totalCores(spec)).toBe(4096);
    expect([spec.mesh.widthTiles, spec.mesh.heightTiles, spec.mesh.coresPerTile]).toEqual([64, 64, 1]);
    expect(spec.core.maxNeurons).toBe(256);
    expect(spec.core.maxInputAxons).toBe(256);
    expect([spec.core.crossbarRows, spec.core.crossbarColumns]).toEqual([256, 256]);
    expect(spec.core.axonTypes).toBe(4);
    expect(spec.core.synapseMemoryBits).toBe(256 * 256); // one connect bit per synapse
    expect(spec.synapseEncoding.kind).toBe("dense");
  });
  it("carries only the all-in 26 pJ per synaptic event: nothing added on top", () => {
    expectCosts("truenorth", { energySynOpPj: [26, "all-in"] });
  });
  it("ticks in real time (1 ms) as its tick period only: no barrier latency is published, so none is charged", () => {
    expect(spec.tickPeriodNs).toBe(1_000_000);
    expect(spec.sync.table).toEqual([{ tiles: 1, latencyNs: 0 }]);
  });
  it("marks the unverified neuron widths as assumptions", () => {
    const fs = spec.fieldSources ?? {};
    for (const f of ["precision.weightBits", "precision.stateBits", "precision.thresholdBits", "precision.decayBits", "core.maxDelayTicks"]) {
      expect(fs[f], f).toMatch(/^assumed:/);
    }
  });
});

describe("odin: Frenkel et al., IEEE TBioCAS 13(1):145-158, 2019; ChFrenkel/ODIN @1781931", () => {
  const spec = loadPreset("odin");
  it("is one core of 256 neurons with a 256x256 crossbar of 3-bit weights + 1 mapping bit", () => {
    expect(totalCores(spec)).toBe(1);
    expect(spec.core.maxNeurons).toBe(256);
    expect([spec.core.crossbarRows, spec.core.crossbarColumns]).toEqual([256, 256]);
    expect(spec.precision.weightBits).toBe(3);
    expect(spec.synapseEncoding.extraBitsPerSynapse).toBe(1);
    expect(spec.core.synapseMemoryBits).toBe(8192 * 32); // 8192 32-bit words
    expect(spec.core.neuronMemoryBitsPerNeuron).toBe(128); // 256 128-bit words
    expect(spec.precision.weightSignPerSource).toBe(true); // SPI_SYN_SIGN per neuron
    expect(spec.precision.stateBits).toBe(8); // 8-bit LIF
    expect(spec.precision.traceBits).toBe(3); // 3-bit calcium
  });
  it("carries only 12.7 pJ/SOP, the global (all-in) minimum at 0.55 V", () => {
    expectCosts("odin", { energySynOpPj: [12.7, "all-in"] });
  });
});

describe("spinnaker2: Hoeppner et al., IEEE TCAS-I 66(8):2973-2986, 2019 (prototype)", () => {
  const spec = loadPreset("spinnaker2");
  it("is the 4-PE prototype test chip", () => {
    expect(totalCores(spec)).toBe(4);
  });
  it("has 450 pJ per synaptic event and 2.19 nJ per neuron update, and nothing else", () => {
    expectCosts("spinnaker2", { energySynOpPj: [450, "measured"], energyNeuronUpdatePj: [2190, "measured"] });
  });
  it("paces its 1 ms ticks by its tick period only (no published barrier latency)", () => {
    expect(spec.tickPeriodNs).toBe(1_000_000);
    expect(spec.sync.table).toEqual([{ tiles: 1, latencyNs: 0 }]);
  });
  it("marks its software-defined limits as assumptions", () => {
    const fs = spec.fieldSources ?? {};
    for (const f of ["core.maxNeurons", "core.synapseMemoryBits", "precision.stateBits"]) expect(fs[f], f).toMatch(/^assumed:/);
  });
});

describe("cim-crossbar: SpikeSim (Moitra et al., IEEE TCAD 2023) @c2627bc", () => {
  const spec = loadPreset("cim-crossbar");
  it("has 64x64 crossbars of 4-bit weights, 4-bit ADCs and 8 PEs per tile", () => {
    expect([spec.core.crossbarRows, spec.core.crossbarColumns]).toEqual([64, 64]);
    expect(spec.precision.weightBits).toBe(4);
    expect(spec.precision.adcBits).toBe(4);
    expect(spec.mesh.coresPerTile).toBe(8);
    expect(spec.core.synapseMemoryBits).toBe(64 * 64 * 4);
  });
  it("has SpikeSim's per-operation energies, mapped onto per-read, per-row and per-column costs", () => {
    // ela_spikesim.py compute_energy (pJ): xbar_ar (RRAM) 1.76423, ADC 2.03084, MUX 0.094245,
    // Htree 19.64·8, mem_fetch 4.64, neuron 1.274·4, Tile_buff 397, Temp_Buff 0.2, Sub 1.15e-6;
    // PE_cycle = 26 clocks at 250 MHz.
    const X = 64;
    expectCosts("cim-crossbar", {
      energyCrossbarRowReadPj: [((X / 8) * 1.76423) / X, "derived"],
      energyAdcConversionPj: [2.03084, "simulated"],
      energyColumnMuxPj: [0.094245, "simulated"],
      energyCrossbarReadFixedPj: [19.64 * 8 + 4.64 + 1.274 * 4 + 397 + (X / 8) * 0.2 + (X / 8) * 16 * 1.15e-6, "derived"],
      latencyCrossbarReadNs: [26 * (1000 / 250), "derived"],
    });
  });
  it("charges a fully active read exactly SpikeSim's PE-cycle energy (k = 1, X = 64)", () => {
    // SpikeSim: E = Htree + mem_fetch + neuron + (X/8)·[k²·xbar + (X/8)·(ADC + MUX)] + (X/8)·16·Sub + (X/8)·Temp + Tile
    const X = 64;
    const spikeSim = 157.12 + 4.64 + 5.096 + (X / 8) * (1.76423 + (X / 8) * (2.03084 + 0.094245)) + (X / 8) * 16 * 1.15e-6 + (X / 8) * 0.2 + 397;
    const c = spec.costs;
    const ours = c.energyCrossbarReadFixedPj!.value + X * c.energyCrossbarRowReadPj!.value + X * (c.energyAdcConversionPj!.value + c.energyColumnMuxPj!.value);
    expect(ours).toBeCloseTo(spikeSim, 9);
    expect(ours).toBeCloseTo(715.5754272, 6);
  });
});

describe("generic: Loihi-class cores with Davies 2018 Table 2 costs", () => {
  const spec = loadPreset("generic");
  it("has Loihi's per-core limits and Table 2 costs", () => {
    expect(spec.core.maxNeurons).toBe(1024);
    expect(spec.core.synapseMemoryBits).toBe(1_048_576);
    expectCosts("generic", {
      energySynOpPj: [23.6, "simulated"], latencySynOpNs: [3.5, "simulated"],
      energyNeuronUpdatePj: [81, "simulated"], latencyNeuronUpdateNs: [8.4, "simulated"],
      energyNeuronInactivePj: [52, "simulated"], latencyNeuronInactiveNs: [5.3, "simulated"],
      energyHopEastWestPj: [3.0, "simulated"], latencyHopEastWestNs: [4.1, "simulated"],
      energyHopNorthSouthPj: [4.0, "simulated"], latencyHopNorthSouthNs: [6.5, "simulated"],
      energyInTileSpikePj: [1.7, "simulated"], latencyInTileSpikeNs: [2.1, "simulated"],
      energySynUpdatePj: [120, "simulated"], latencySynUpdateNs: [6.1, "simulated"],
      staticPowerPerCoreMw: [0.82, "derived"],
    });
  });
});
