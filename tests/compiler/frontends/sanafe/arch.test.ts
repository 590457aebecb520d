import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { floorToStep, loadSanafeArch, parseSanafeArch, syncFloorLookupNs } from "../../../../compiler/frontends/sanafe/arch.ts";
import { syncLatencyNs } from "../../../../chip/timing/costs.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../../helpers/shared.ts";
import { miniArch } from "./fixtures.ts";

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe.skipIf(!HAS_SHARED)(`SANA-FE architecture files ${SKIP_MSG}`, () => {
  it("reads loihi.yaml into a ChipSpec carrying the file's figures", () => {
    const a = loadSanafeArch(sharedPath("fixtures/sanafe/loihi.yaml"));
    const s = a.spec;
    expect(s.mesh).toEqual({ widthTiles: 8, heightTiles: 4, coresPerTile: 4, linkBufferPackets: 16 });
    expect(s.core.maxNeurons).toBe(1024);
    const enc = s.costs.synapseEncodings ?? {};
    expect(Object.keys(enc).sort()).toEqual(["conv", "dense", "sparse"]);
    expect([enc.dense.energySynOpPj?.value, enc.sparse.energySynOpPj?.value, enc.conv.energySynOpPj?.value]).toEqual([35.5, 33.6, 24]);
    expect([enc.dense.latencySynOpNs?.value, enc.sparse.latencySynOpNs?.value, enc.conv.latencySynOpNs?.value]).toEqual([3.8, 4.7, 3.1]);
    const c = s.costs;
    expect([c.energyNeuronAccessPj?.value, c.energyNeuronUpdatePj?.value, c.energySpikeOutPj?.value]).toEqual([51.2, 21.6, 69.3]);
    expect([c.latencyNeuronAccessNs?.value, c.latencyNeuronUpdateNs?.value, c.latencySpikeOutNs?.value]).toEqual([6, 3.7, 30]);
    expect([c.energyPacketOutPj?.value, c.latencyPacketOutNs?.value, c.energyPacketInPj?.value, c.latencyPacketInNs?.value]).toEqual([111, 5.1, 0, 16]);
    expect([c.energyHopEastWestPj?.value, c.latencyHopEastWestNs?.value, c.energyHopNorthSouthPj?.value, c.latencyHopNorthSouthNs?.value]).toEqual([3, 4.1, 4.2, 6.5]);
    expect(c.energyNeuronAccessPj?.source).toMatch(/loihi\.yaml.*loihi_lif.*energy_access_neuron.*8951ab0/);
    expect(c.energyNeuronAccessPj?.evidence).toBe("calibrated");
    // SANA-FE's {1: 0.6 µs, 2: 1.0, 4: 1.4, 29: 1.8} read as "largest key ≤ tiles".
    expect(a.syncFloor).toEqual([{ tiles: 1, latencyNs: 600 }, { tiles: 2, latencyNs: 1000 }, { tiles: 4, latencyNs: 1400 }, { tiles: 29, latencyNs: 1800 }]);
    expect(s.sync.interpolation).toBe("step");
    expect([1, 2, 3, 4, 13, 28, 29, 32].map((k) => syncLatencyNs(s.sync, k))).toEqual([600, 1000, 1000, 1400, 1400, 1400, 1800, 1800]);
    expect(a.cores).toHaveLength(128);
    expect(a.somaUnits.map((u) => u.model).filter((m) => m === "input")).toHaveLength(1024);
    expect(a.warnings).toEqual([]);
  });

  it("places SANA-FE tiles column-major (x = id / height, y = id mod height)", () => {
    const a = loadSanafeArch(sharedPath("fixtures/sanafe/loihi.yaml"));
    // Tile 1 is (0, 1): aerchip tile 1·8 + 0 = 8, core 32. Tile 5 is (1, 1): aerchip tile 9, its core 2 is 38.
    expect(a.tiles[1]).toMatchObject({ x: 0, y: 1 });
    expect(a.cores.find((c) => c.tileId === 1 && c.offsetInTile === 0)?.coreId).toBe(32);
    expect(a.cores.find((c) => c.tileId === 5 && c.offsetInTile === 2)?.coreId).toBe(38);
    expect(new Set(a.cores.map((c) => c.coreId)).size).toBe(128);
  });

  it("reads example_chip.yaml (asymmetric hops: mean with a warning) and truenorth.yaml (all zero)", () => {
    const e = loadSanafeArch(sharedPath("fixtures/sanafe/example_chip.yaml"));
    expect(e.spec.mesh).toEqual({ widthTiles: 2, heightTiles: 1, coresPerTile: 4, linkBufferPackets: 4 });
    expect(e.synapseUnits.map((u) => u.encoding)).toEqual(["demo_synapse"]);
    expect(e.spec.costs.energyHopEastWestPj?.value).toBe(2.15);
    expect(e.hops.west.latencyNs).toBe(2);
    expect(e.warnings.join(" ")).toMatch(/east and west/);
    expect(e.spec.costs.energyNeuronAccessPj?.value).toBe(20);
    expect(e.spec.sync.table).toEqual([{ tiles: 1, latencyNs: 0 }]);
    const t = loadSanafeArch(sharedPath("fixtures/sanafe/truenorth.yaml"));
    expect(t.spec.mesh).toEqual({ widthTiles: 64, heightTiles: 64, coresPerTile: 1, linkBufferPackets: 1 });
    expect(t.cores).toHaveLength(4096);
    expect(t.spec.costs.energySynOpPj?.value).toBe(0);
  });
});

describe("SANA-FE architecture errors and conversions", () => {
  it("reads an inline architecture and its sync table", () => {
    const a = parseSanafeArch(miniArch(), "mini.yaml");
    expect(a.spec.mesh).toMatchObject({ widthTiles: 2, heightTiles: 1, coresPerTile: 2 });
    expect(a.synapseUnits.map((u) => u.encoding)).toEqual(["dense", "sparse"]);
    expect(a.spec.sync.table).toEqual([{ tiles: 2, latencyNs: 100 }, { tiles: 3, latencyNs: 300 }]);
  });

  it("rejects what it cannot reproduce with stable codes", () => {
    expect(code(() => parseSanafeArch("network:\n  name: x\n", "n.yaml"))).toBe("E_SANAFE_ARCH");
    expect(code(() => parseSanafeArch(miniArch({ bufferPosition: "dendrite" }), "b.yaml"))).toBe("E_SANAFE_UNSUPPORTED");
    expect(code(() => parseSanafeArch(miniArch({ tiles: 3 }), "t.yaml"))).toBe("E_SANAFE_ARCH");
    expect(code(() => parseSanafeArch(miniArch().replace(/ +energy_east_hop: 1.0e-12\n/, ""), "h.yaml"))).toBe("E_SANAFE_ARCH");
    expect(code(() => parseSanafeArch(miniArch().replace("energy_process_spike: 10.0e-12", "energy_process_spike: lots"), "f.yaml"))).toBe("E_SANAFE_FIELD");
    // A second core entry in each tile with a different synapse cost.
    const one = miniArch({ coresPerTile: 1 });
    const entry = one.slice(one.indexOf("        - name: c[0..0]"));
    const twoKinds = one + entry.replace("c[0..0]", "d[0..0]").replace("10.0e-12", "11.0e-12");
    expect(code(() => parseSanafeArch(twoKinds, "het.yaml"))).toBe("E_SANAFE_UNSUPPORTED");
    expect(() => parseSanafeArch(twoKinds, "het.yaml")).toThrow(/core "d\[0\]" of tile 0 differs/);
  });

  it("names a negative or too large energy / latency by its YAML field and line, in joules or seconds (audit s22b #11)", () => {
    const err = (yaml: string) => {
      try {
        parseSanafeArch(yaml, "x.yaml");
      } catch (e) {
        return e as { code: string; field: string; message: string; hint: string };
      }
      throw new Error("expected an error");
    };
    const cases: Array<[string, string, RegExp]> = [
      ["energy_update_neuron: 2.0e-12", "energy_update_neuron: -2.0e-12", /unit "lif"\.attributes\.energy_update_neuron must be >= 0, got -2e-12 J \(line \d+\)/],
      ["energy_update_neuron: 2.0e-12", "energy_update_neuron: 1e300", /energy_update_neuron is 1e\+300 J; at most 0\.001 J \(line \d+\)/],
      ["latency_process_spike: 1.0e-9", "latency_process_spike: 2000", /latency_process_spike is 2000 s; at most 1000 s/],
      ["energy_east_hop: 1.0e-12", "energy_east_hop: -1.0e-12", /energy_east_hop must be >= 0/],
      ["latency_message_out: 5.0e-9", "latency_message_out: -5.0e-9", /latency_message_out must be >= 0/],
      ["energy_message_in: 1.0e-12", "energy_message_in: 1.0", /energy_message_in is 1 J; at most 0\.001 J/],
      ["{1: 1.0e-7, 3: 3.0e-7}", "{1: 1.0e-7, 3: 3.0e+7}", /latency_sync\.3 is 30000000 s; at most 1000 s/],
    ];
    for (const [from, to, msg] of cases) {
      const yaml = miniArch();
      expect(yaml, from).toContain(from);
      const e = err(yaml.replace(from, to));
      expect(e.code, to).toBe("E_SANAFE_FIELD");
      expect(e.message, to).toMatch(msg);
      expect(e.field, to).not.toMatch(/^costs\./);
    }
    expect(err(miniArch().replace("energy_update_neuron: 2.0e-12", "energy_update_neuron: -2.0e-12")).hint).toMatch(/joules/);
  });

  test.prop([
    fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }),
    fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 6, maxLength: 6 }),
  ])("converts SANA-FE's floor lookup into equivalent step rows for every tile count ≥ 1", (keys, values) => {
    const rows = [...keys].sort((a, b) => a - b).map((tiles, i) => ({ tiles, latencyNs: values[i] }));
    const spec = { table: floorToStep(rows), interpolation: "step" as const, source: "t" };
    for (let k = 1; k <= 45; k++) expect(syncLatencyNs(spec, k)).toBe(syncFloorLookupNs(rows, k));
  });
});
