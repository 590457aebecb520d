/**
 * The exported JSON Schema documents report.json field by field (audit-docs finding 22): every counter,
 * every total, every per-tick series and every field of totals.sanafe and totals.energyPj has a
 * description, energies and times name their unit, and sanafe.neuronsFired says it includes the inputs.
 */
import { describe, expect, it } from "vitest";
import { reportJsonSchema } from "../../../chip/report/formats/json-schema.ts";
import { COUNTER_NAMES } from "../../../chip/sim/counters.ts";

type Node = { description?: string; properties?: Record<string, Node>; items?: Node; anyOf?: Node[] };

function at(root: Node, path: string): Node {
  let n: Node = root;
  for (const key of path.split(".")) {
    if (key === "[]") { n = n.items as Node; continue; }
    const next = n.properties?.[key];
    expect(next, `schema has ${path}`).toBeDefined();
    n = next as Node;
  }
  return n;
}

const described = (root: Node, path: string): string => {
  const d = at(root, path).description;
  expect(d, `${path} has a description`).toBeTypeOf("string");
  return d as string;
};

describe("JSON Schema field descriptions", () => {
  const schema = reportJsonSchema() as Node;

  it("describes every counter, in the totals and per core", () => {
    for (const k of COUNTER_NAMES) {
      expect(described(schema, `totals.counters.${k}`).length).toBeGreaterThan(10);
      described(schema, `perCore.[].counters.${k}`);
    }
  });

  it("describes every field of totals, totals.sanafe, totals.energyPj and perTick, with units", () => {
    const totals = at(schema, "totals").properties as Record<string, Node>;
    for (const k of Object.keys(totals)) described(schema, `totals.${k}`);
    for (const k of Object.keys(at(schema, "totals.sanafe").properties ?? {})) described(schema, `totals.sanafe.${k}`);
    for (const k of Object.keys(at(schema, "totals.energyPj").properties ?? {})) expect(described(schema, `totals.energyPj.${k}`)).toMatch(/\(pJ\)/);
    for (const k of Object.keys(at(schema, "perTick").properties ?? {})) described(schema, `perTick.${k}`);
    expect(described(schema, "perTick.latencyNs")).toMatch(/\(ns\)/);
    expect(described(schema, "totals.simulatedTimeNs")).toMatch(/\(ns\)/);
    expect(described(schema, "totals.averagePowerMw")).toMatch(/\(mW\)/);
    for (const k of ["kind", "size", "spikes", "synOpsIn", "meanRatePerTick", "deadNeurons"]) described(schema, `perPopulation.[].${k}`);
  });

  it("says which SANA-FE counters differ from the counters of the same name, and why", () => {
    expect(described(schema, "totals.sanafe.neuronsFired")).toMatch(/input neurons included/);
    expect(described(schema, "totals.sanafe.neuronUpdates")).toMatch(/input neurons' spikes/);
    expect(described(schema, "totals.counters.neuronsFired")).toMatch(/input neurons excluded/);
  });
});
