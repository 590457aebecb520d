/**
 * Plastic synapses onto conductance-based LIF neurons (`"model": "lif-cond"`, chip/sim/cond.ts) against Brian2
 * 2.5.1: two small Diehl & Cook WTA networks whose input → exc pathway learns, built and run in Brian2 by
 * `tests/fixtures/lif-cond/make-brian2.py --plastic` (numpy target, method='euler'; traces stepped in
 * aerchip's engine order, the generator's header says how), which wrote each network as an aerchip-model-1
 * model next to its spikes and final weights:
 *   dc-code-rule      D&C's released code rule as a `learning` rule (the general engine, deliverLearningGroup)
 *   pair-stdp-delay   snnref-1 pair STDP as a `stdp` block (the pair path, deliverPlasticGroup), delay 2 steps
 * Each plastic synapse's weight, as read before its update, goes to g_e (w > 0) of its lif-cond target, as the
 * static path's; aerchip must give Brian2's spikes exactly and every final weight bit for bit (Object.is).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { loadPreset } from "../../../chip/spec/load.ts";

interface Network {
  readonly name: string;
  readonly model: { readonly steps: number; readonly projections: ReadonlyArray<{ readonly name: string; readonly learning?: unknown; readonly stdp?: unknown }> };
  readonly spikes: Readonly<Record<string, [number, number][]>>;
  readonly initialWeights: number[];
  readonly finalWeights: number[];
}
const FIXTURE = JSON.parse(readFileSync(join(import.meta.dirname, "../../fixtures/lif-cond/brian2-plastic.json"), "utf8")) as { readonly brian2: string; readonly networks: Network[] };

function run(net: Network, arch: string) {
  const spec = loadPreset(arch);
  const model = parseAerchipModel(net.model as unknown as Json, `${net.name}.json`);
  const { program } = compileModel(model.graph, spec, {});
  return simulate(spec, program, model.stimulus, { steps: net.model.steps });
}

function spikePairs(sim: ReturnType<typeof run>, pop: string): [number, number][] {
  const s = sim.spikes.get(pop)!;
  return Array.from(s.tick, (t, i) => [t, s.neuron[i]] as [number, number]);
}

describe("plastic synapses onto lif-cond neurons against Brian2 (tests/fixtures/lif-cond/brian2-plastic.json)", () => {
  it("the fixture comes from Brian2 2.5.1: both rules, both populations spike, most weights moved", () => {
    expect(FIXTURE.brian2).toBe("2.5.1");
    expect(FIXTURE.networks.map((n) => n.name)).toEqual(["dc-code-rule", "pair-stdp-delay"]);
    expect(FIXTURE.networks[0].model.projections[0].learning).toBeDefined();
    expect(FIXTURE.networks[1].model.projections[0].stdp).toBeDefined();
    for (const n of FIXTURE.networks) {
      for (const pop of ["exc", "inh"]) expect(n.spikes[pop].length, `${n.name} ${pop}`).toBeGreaterThan(10);
      const moved = n.finalWeights.filter((w, s) => w !== n.initialWeights[s]).length;
      expect(moved, n.name).toBeGreaterThan(n.finalWeights.length / 2);
    }
  });

  for (const net of FIXTURE.networks) {
    for (const arch of ["spinnaker2", "generic"]) {
      it(`${net.name} on ${arch}: Brian2's spikes tick for tick and every final weight bit for bit`, () => {
        const sim = run(net, arch);
        expect(spikePairs(sim, "exc")).toEqual(net.spikes.exc);
        expect(spikePairs(sim, "inh")).toEqual(net.spikes.inh);
        const w = sim.finalWeights.get("in_exc")!;
        expect(w.length).toBe(net.finalWeights.length);
        let mismatches = 0;
        for (let s = 0; s < w.length; s++) if (!Object.is(w[s], net.finalWeights[s])) mismatches++;
        expect(mismatches).toBe(0);
      });
    }
  }
});
