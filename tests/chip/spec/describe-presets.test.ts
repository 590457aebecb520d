/** describePresets: the data behind `aerchip presets`. */
import { describe, expect, it } from "vitest";
import { costUnit, describeChipSpec, describePresets } from "../../../chip/spec/presets.ts";
import { loadPreset } from "../../../chip/spec/load.ts";

describe("describePresets", () => {
  const all = describePresets();
  const byName = new Map(all.map((d) => [d.name, d]));

  it("describes every preset, sorted by name", () => {
    expect(all.map((d) => d.name)).toEqual(["cim-crossbar", "generic", "loihi", "loihi-sanafe", "odin", "spinnaker2", "truenorth"]);
  });

  it("gives the mesh with its core count", () => {
    expect(byName.get("truenorth")?.mesh).toEqual({ widthTiles: 64, heightTiles: 64, coresPerTile: 1, totalCores: 4096, linkBufferPackets: 1 });
    expect(byName.get("loihi")?.mesh.totalCores).toBe(128);
  });

  it("lists cost rows with unit, source and evidence", () => {
    const tn = byName.get("truenorth")!;
    expect(tn.costs).toHaveLength(1);
    expect(tn.costs[0]).toMatchObject({ key: "energySynOpPj", value: 26, unit: "pJ", evidence: "all-in" });
    expect(tn.costs[0].source).toContain("Merolla");
    const loihi = byName.get("loihi")!;
    expect(loihi.costs.find((c) => c.key === "latencyHopNorthSouthNs")).toMatchObject({ value: 6.5, unit: "ns", evidence: "simulated" });
    expect(loihi.costs.find((c) => c.key === "staticPowerPerCoreMw")).toMatchObject({ value: 0.82, unit: "mW", evidence: "derived" });
    expect(loihi.costs.find((c) => c.key === "staticPowerPerCoreMw")?.note).toContain("3.34 W");
  });

  it("lists per-encoding overrides and does not call the overridden keys 'not modelled'", () => {
    const s = byName.get("loihi-sanafe")!;
    expect(s.costs.filter((c) => c.key.startsWith("synapseEncodings.")).map((c) => [c.key, c.value, c.unit])).toEqual([
      ["synapseEncodings.dense.energySynOpPj", 35.5, "pJ"], ["synapseEncodings.dense.latencySynOpNs", 3.8, "ns"],
      ["synapseEncodings.sparse.energySynOpPj", 33.6, "pJ"], ["synapseEncodings.sparse.latencySynOpNs", 4.7, "ns"],
      ["synapseEncodings.conv.energySynOpPj", 24, "pJ"], ["synapseEncodings.conv.latencySynOpNs", 3.1, "ns"],
    ]);
    expect(s.notModelled).not.toContain("energySynOpPj");
    expect(s.notModelled).toContain("staticPowerPerCoreMw");
  });

  it("says which limits are assumptions and where the others come from", () => {
    const tn = byName.get("truenorth")!;
    const limit = (f: string) => tn.limits.find((l) => l.field === f);
    expect(limit("core.maxNeurons")).toMatchObject({ value: 256, assumed: false });
    expect(limit("core.maxNeurons")?.source).toContain("Merolla");
    expect(limit("precision.stateBits")).toMatchObject({ value: 20, assumed: true });
    expect(limit("core.axonTypes")).toMatchObject({ value: 4, assumed: false });
    expect(limit("synapseEncoding.kind")).toMatchObject({ value: "dense" });
  });

  it("falls back to the spec's source for a field without a fieldSources entry", () => {
    const spec = loadPreset("odin");
    const { fieldSources: _dropped, ...rest } = spec;
    const d = describeChipSpec(rest);
    expect(d.limits.find((l) => l.field === "core.maxNeurons")).toMatchObject({ source: spec.source, assumed: false });
  });

  it("maps cost keys to units", () => {
    expect([costUnit("energyAdcConversionPj"), costUnit("latencyCrossbarReadNs"), costUnit("staticPowerChipMw"), costUnit("energyWeightReadPjPerBit")]).toEqual(["pJ", "ns", "mW", "pJ/bit"]);
  });
});
