/** Every shipped preset loads, validates cleanly, and carries a source for every figure. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listPresetNames, loadPreset } from "../../../chip/spec/load.ts";
import { COST_KEYS, Evidence, type CostEntry } from "../../../chip/spec/types.ts";
import { validateChipSpec } from "../../../chip/spec/validate.ts";

const PRESET_DIR = fileURLToPath(new URL("../../../chip/spec/presets/", import.meta.url));
const EXPECTED = ["cim-crossbar", "generic", "loihi", "loihi-sanafe", "odin", "spinnaker2", "truenorth"];

function rawPreset(name: string): unknown {
  return JSON.parse(readFileSync(`${PRESET_DIR}${name}.json`, "utf8"));
}

function allCosts(name: string): Array<[string, CostEntry]> {
  const spec = loadPreset(name);
  const rows: Array<[string, CostEntry]> = [];
  for (const [k, v] of Object.entries(spec.costs)) if (k !== "synapseEncodings") rows.push([k, v as CostEntry]);
  for (const [enc, cc] of Object.entries(spec.costs.synapseEncodings ?? {})) for (const [k, v] of Object.entries(cc)) rows.push([`synapseEncodings.${enc}.${k}`, v as CostEntry]);
  return rows;
}

describe("chip presets", () => {
  it("ships exactly the documented presets", () => {
    expect(listPresetNames()).toEqual(EXPECTED);
  });

  for (const name of EXPECTED) {
    describe(name, () => {
      it("validates with no diagnostics at all", () => {
        expect(validateChipSpec(rawPreset(name), `preset:${name}`)).toEqual([]);
      });

      it("is named after its file", () => {
        expect(loadPreset(name).name).toBe(name);
      });

      it("gives every cost a source and an evidence kind, and derived costs a note", () => {
        const rows = allCosts(name);
        expect(rows.length).toBeGreaterThan(0);
        for (const [key, c] of rows) {
          expect(c.source.length, key).toBeGreaterThan(10);
          expect(Object.values(Evidence), key).toContain(c.evidence);
          if (c.evidence === "derived") expect(c.note ?? "", `${key} is derived and needs the derivation in note`).not.toBe("");
          expect(Number.isFinite(c.value), key).toBe(true);
        }
      });

      it("has a fieldSources entry for every mesh, core, precision and encoding field", () => {
        const spec = loadPreset(name);
        const fs = spec.fieldSources ?? {};
        for (const section of ["mesh", "core", "precision", "synapseEncoding"] as const) {
          for (const [k, v] of Object.entries(spec[section])) {
            if (v === undefined) continue;
            // generic's structural choices are described by its description; it still sources each field
            expect(fs[`${section}.${k}`], `${name}: ${section}.${k} has no fieldSources entry`).toBeTruthy();
          }
        }
      });
    });
  }

  it("uses only known cost keys (a typo would silently cost nothing)", () => {
    for (const name of EXPECTED) {
      for (const [key] of allCosts(name)) {
        const base = key.startsWith("synapseEncodings.") ? key.split(".")[2] : key;
        expect(COST_KEYS as readonly string[], `${name}: ${key}`).toContain(base);
      }
    }
  });
});
