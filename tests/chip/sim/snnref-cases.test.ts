import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import { parseJsonText } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";
import { genericWith } from "../../helpers/specs.ts";

const CASES = ["c01_if_dense_tiny", "c02_lif_subtract_sparse", "c04_ei_2000_int", "c08_bias_chain"];

function load(name: string) {
  const file = sharedPath("fixtures/snnref", `${name}.net.json`);
  const model = parseSnnref(parseJsonText(readFileSync(file, "utf8"), file), file);
  const expected = JSON.parse(readFileSync(sharedPath("fixtures/snnref", `${name}.expected.json`), "utf8"));
  return { model, expected };
}

function spikesAsPairs(sp: { tick: Int32Array; neuron: Int32Array }): number[][] {
  return Array.from(sp.tick, (t, k) => [t, sp.neuron[k]]);
}

describe.skipIf(!HAS_SHARED)(`snnref reference cases on a multi-core chip ${SKIP_MSG}`, () => {
  for (const name of CASES) {
    it(`${name}: spikes equal the Brian2 reference with every population split over several cores`, () => {
      const { model, expected } = load(name);
      const largest = Math.max(...model.graph.populations.map((p) => p.size));
      // Cores small enough that the largest population needs >= 3 cores, smaller ones >= 2 where size allows.
      const maxNeurons = Math.max(2, Math.ceil(largest / 3));
      const spec = genericWith({ maxNeurons: Math.min(maxNeurons, Math.max(2, Math.ceil(Math.min(...model.graph.populations.map((p) => p.size)) / 2))) });
      const { program, mapping } = compileModel(model.graph, spec);
      for (const p of mapping.populations) if (p.size >= 2) expect(p.cores, `${p.name} cores`).toBeGreaterThanOrEqual(2);
      const res = simulate(spec, program, model.stimulus, { steps: model.graph.defaultSteps });
      for (const [pop, list] of Object.entries(expected.spikes as Record<string, number[][]>)) {
        expect(spikesAsPairs(res.spikes.get(pop)!), pop).toEqual(list);
      }
      const delivered = res.synapticEventsDeliveredByProjection.reduce((a, b) => a + b, 0);
      expect(delivered).toBe(expected.counts.synaptic_events);
      program.projections.forEach((pr, k) => expect(res.synapticEventsDeliveredByProjection[k], pr.name).toBe(expected.counts.synaptic_events_per_projection[pr.name]));
    });
  }
});
