/**
 * A synapse, dendrite or soma unit whose `model` aerchip does not reproduce is E_SANAFE_UNSUPPORTED naming the
 * *architecture* file, the unit's `attributes.model` field and its line (audit s24a finding 6: it named the
 * network file, which only refers to the unit, and no field or line).
 */
import { describe, expect, it } from "vitest";
import { parseSanafeArch } from "../../../../compiler/frontends/sanafe/arch.ts";
import { parseSanafeNetwork } from "../../../../compiler/frontends/sanafe/snn-parse.ts";
import { lowerSanafeNetwork } from "../../../../compiler/frontends/sanafe/snn.ts";
import { miniArch } from "./fixtures.ts";

const NET = "network:\n  groups:\n    - name: a\n      neurons: [0..3]\n    - name: b\n      neurons: [0..1]\n  edges:\n    - a -> b: {type: dense, weight: [1, 1, 1, 1, 1, 1, 1, 1]}\nmappings:\n  - a: {core: 0.0}\n  - b: {core: 0.1}\n";

/** The error of lowering NET on `archText`, and the 1-based line of `archText` holding `marker`. */
function failure(archText: string, marker: string): { err: { code?: string; file?: string; field?: string; message: string }; line: number } {
  const line = archText.split("\n").findIndex((l) => l.trim() === `- ${marker}`) + 2; // the unit's `attributes:` line follows its name
  try {
    lowerSanafeNetwork(parseSanafeNetwork(NET, "net.yaml"), parseSanafeArch(archText, "arch.yaml"));
  } catch (e) {
    return { err: e as { code?: string; file?: string; field?: string; message: string }, line };
  }
  throw new Error("lowering succeeded");
}

describe("unsupported SANA-FE unit models", () => {
  const cases: Array<[string, string, string, string]> = [
    ["synapse", miniArch().replace("name: dense_syn\n              attributes: {model: current_based", "name: dense_syn\n              attributes: {model: quantum"), "name: dense_syn", 'unit "dense_syn".attributes.model'],
    ["dendrite", miniArch({ dendriteModel: "taps" }), "name: den", 'unit "den".attributes.model'],
    ["soma", miniArch().replace("attributes: {model: leaky_integrate_fire", "attributes: {model: truenorth"), "name: lif", 'unit "lif".attributes.model'],
  ];
  for (const [kind, text, marker, field] of cases) {
    it(`a ${kind} unit's model names the architecture file, the field and the line`, () => {
      const { err, line } = failure(text, marker);
      expect(err.code).toBe("E_SANAFE_UNSUPPORTED");
      expect(err.file).toBe("arch.yaml");
      expect(err.field).toContain(field);
      expect(err.message).toContain(`(line ${line})`);
    });
  }
});
