/** validateChipSpec: impossible or malformed specs give the right E_SPEC_* code, field and limit. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isAerchipError } from "../../../core/diagnostics.ts";
import { parseChipSpecJson } from "../../../chip/spec/load.ts";
import { assertValidChipSpec, validateChipSpec } from "../../../chip/spec/validate.ts";

const PRESET_DIR = fileURLToPath(new URL("../../../chip/spec/presets/", import.meta.url));

/** A fresh, mutable copy of a preset's raw JSON. */
function raw(name: string): Record<string, any> {
  return JSON.parse(readFileSync(`${PRESET_DIR}${name}.json`, "utf8"));
}

function errors(spec: unknown, file = "test.json"): Array<{ code: string; field: string | undefined; message: string }> {
  return validateChipSpec(spec, file).filter((d) => d.severity === "error").map((d) => ({ code: d.code, field: d.field, message: d.message }));
}

function codesOf(spec: unknown): string[] {
  return errors(spec).map((e) => e.code);
}

describe("validateChipSpec", () => {
  it("accepts an untouched preset (control for the cases below)", () => {
    expect(errors(raw("loihi"))).toEqual([]);
  });

  it("rejects weightBits > 32 as out of range, naming field, limit and file", () => {
    const s = raw("loihi");
    s.precision.weightBits = 33;
    const e = errors(s);
    expect(e).toHaveLength(1);
    expect(e[0].code).toBe("E_SPEC_OUT_OF_RANGE");
    expect(e[0].field).toBe("precision.weightBits");
    expect(e[0].message).toContain("[1, 32]");
    expect(e[0].message).toContain("test.json");
  });

  it("rejects a non-integer width as invalid", () => {
    const s = raw("generic");
    s.precision.delayBits = 2.5;
    expect(errors(s)).toMatchObject([{ code: "E_SPEC_INVALID", field: "precision.delayBits" }]);
  });

  it("rejects synapse memory smaller than one synapse entry", () => {
    const s = raw("generic");
    // generic: sparse entry = 9 weight + 10 index bits = 19 bits
    s.core.synapseMemoryBits = 18;
    expect(errors(s)).toMatchObject([{ code: "E_SPEC_MEMORY_TOO_SMALL", field: "core.synapseMemoryBits" }]);
    s.core.synapseMemoryBits = 19;
    expect(errors(s)).toEqual([]);
  });

  it("counts Loihi's grouped layout: one synapse takes a 64-bit word", () => {
    const s = raw("loihi");
    s.core.synapseMemoryBits = 63;
    expect(codesOf(s)).toEqual(["E_SPEC_MEMORY_TOO_SMALL"]);
  });

  it("rejects an unsorted sync table", () => {
    const s = raw("loihi-sanafe");
    s.sync.table = [{ tiles: 4, latencyNs: 1400 }, { tiles: 2, latencyNs: 1000 }];
    expect(errors(s)).toMatchObject([{ code: "E_SPEC_SYNC_UNSORTED", field: "sync.table[1].tiles" }]);
  });

  it("rejects duplicate sync rows as unsorted", () => {
    const s = raw("loihi");
    s.sync.table = [{ tiles: 1, latencyNs: 1 }, { tiles: 1, latencyNs: 2 }];
    expect(codesOf(s)).toEqual(["E_SPEC_SYNC_UNSORTED"]);
  });

  it("rejects a malformed sync row and an unknown interpolation", () => {
    const s = raw("loihi");
    s.sync.table = [{ tiles: -1, latencyNs: 5 }];
    s.sync.interpolation = "cubic";
    expect(errors(s)).toMatchObject([
      { code: "E_SPEC_SYNC_INVALID", field: "sync.table[0]" },
      { code: "E_SPEC_INVALID", field: "sync.interpolation" },
    ]);
  });

  it("rejects a sync row at 0 tiles (a tick always has at least one tile)", () => {
    const s = raw("loihi");
    s.sync.table = [{ tiles: 0, latencyNs: 0 }];
    expect(errors(s)).toMatchObject([{ code: "E_SPEC_SYNC_INVALID", field: "sync.table[0]" }]);
  });

  it("rejects a cost key aerchip does not know (it would cost nothing)", () => {
    const s = raw("generic");
    s.costs.energySynopPj = { value: 1, source: "x et al. 2020", evidence: "measured" };
    expect(errors(s)).toMatchObject([{ code: "E_SPEC_UNKNOWN_COST", field: "costs.energySynopPj" }]);
  });

  it("rejects an unknown per-encoding cost", () => {
    const s = raw("loihi-sanafe");
    s.costs.synapseEncodings.dense.energyHopEastWestPj = { value: 1, source: "x et al. 2020", evidence: "measured" };
    expect(codesOf(s)).toEqual(["E_SPEC_UNKNOWN_COST"]);
  });

  it("rejects a cost without source, with a negative value or an unknown evidence kind", () => {
    const s = raw("generic");
    s.costs.energySynOpPj = { value: -1, source: "", evidence: "guessed" };
    expect(errors(s)).toMatchObject([
      { code: "E_SPEC_COST_INVALID", field: "costs.energySynOpPj.value" },
      { code: "E_SPEC_COST_INVALID", field: "costs.energySynOpPj.source" },
      { code: "E_SPEC_COST_INVALID", field: "costs.energySynOpPj.evidence" },
    ]);
  });

  it("rejects unknown fields (typos would be ignored silently)", () => {
    const s = raw("generic");
    s.core.maxNeuron = 12;
    s.colour = "blue";
    expect(errors(s).map((e) => [e.code, e.field])).toEqual([
      ["E_SPEC_UNKNOWN_FIELD", "colour"],
      ["E_SPEC_UNKNOWN_FIELD", "core.maxNeuron"],
    ]);
  });

  it("rejects a max delay the delay field cannot hold", () => {
    const s = raw("generic");
    s.precision.delayBits = 5; // holds 32 values, generic needs 62
    expect(errors(s)).toMatchObject([{ code: "E_SPEC_DELAY_RANGE", field: "core.maxDelayTicks" }]);
    const o = raw("odin");
    o.core.maxDelayTicks = 2; // no delay bits: only delay 1
    expect(codesOf(o)).toEqual(["E_SPEC_DELAY_RANGE"]);
  });

  it("rejects crossbar dimensions the limits or memory contradict", () => {
    const t = raw("truenorth");
    t.core.maxNeurons = 300;
    expect(errors(t)).toMatchObject([{ code: "E_SPEC_CROSSBAR_MISMATCH", field: "core.maxNeurons" }]);
    const o = raw("odin");
    o.core.synapseMemoryBits = 256 * 256 * 4 - 1; // a full crossbar needs 256·256·(3 + 1) bits
    expect(errors(o)).toMatchObject([{ code: "E_SPEC_CROSSBAR_MISMATCH", field: "core.synapseMemoryBits" }]);
    const c = raw("cim-crossbar");
    delete c.core.crossbarColumns;
    expect(codesOf(c)).toContain("E_SPEC_CROSSBAR_MISMATCH");
  });

  it("rejects crossbar costs on a chip without a crossbar", () => {
    const s = raw("generic");
    s.costs.energyAdcConversionPj = { value: 2, source: "x et al. 2020", evidence: "simulated" };
    expect(errors(s)).toMatchObject([{ code: "E_SPEC_INCONSISTENT", field: "costs.energyAdcConversionPj" }]);
  });

  it("rejects contradictory fields", () => {
    const o = raw("odin");
    o.precision.weightSigned = true; // with weightSignPerSource
    expect(errors(o)).toMatchObject([{ code: "E_SPEC_INCONSISTENT", field: "precision.weightSignPerSource" }]);
    const t = raw("truenorth");
    t.synapseEncoding = { kind: "sparse", extraBitsPerSynapse: 0 }; // axon types need a binary crossbar
    expect(codesOf(t)).toContain("E_SPEC_INCONSISTENT");
    const l = raw("loihi");
    l.synapseEncoding.kind = "dense"; // grouped list layout is for sparse lists
    expect(codesOf(l)).toEqual(["E_SPEC_INCONSISTENT", "E_SPEC_INCONSISTENT", "E_SPEC_INCONSISTENT"]);
  });

  it("rejects fieldSources naming a field the spec does not have", () => {
    const s = raw("loihi");
    s.fieldSources["core.crossbarRows"] = "Davies 2018";
    s.fieldSources["precision.weightBits"] = "";
    expect(errors(s).map((e) => [e.code, e.field]).sort()).toEqual([
      ["E_SPEC_FIELD_SOURCE", "fieldSources.core.crossbarRows"],
      ["E_SPEC_FIELD_SOURCE", "fieldSources.precision.weightBits"],
    ]);
  });

  it("reports every problem at once", () => {
    const s = raw("generic");
    s.precision.weightBits = 0;
    s.mesh.widthTiles = 0;
    s.sync.table = [];
    expect(codesOf(s).sort()).toEqual(["E_SPEC_OUT_OF_RANGE", "E_SPEC_OUT_OF_RANGE", "E_SPEC_SYNC_INVALID"]);
  });

  it("assertValidChipSpec throws an AerchipError with code, file and field", () => {
    const s = raw("generic");
    s.precision.weightBits = 40;
    try {
      assertValidChipSpec(s, "my-chip.json");
      expect.unreachable("should have thrown");
    } catch (e) {
      expect(isAerchipError(e)).toBe(true);
      if (!isAerchipError(e)) return;
      expect(e.code).toBe("E_SPEC_OUT_OF_RANGE");
      expect(e.file).toBe("my-chip.json");
      expect(e.field).toBe("precision.weightBits");
    }
  });

  it("turns a non-object into E_SPEC_INVALID and bad JSON into E_SPEC_PARSE", () => {
    expect(codesOf([1, 2])).toEqual(["E_SPEC_INVALID"]);
    expect(() => parseChipSpecJson("{ not json", "x.json")).toThrowError(expect.objectContaining({ code: "E_SPEC_PARSE" }));
  });
});
