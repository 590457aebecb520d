/**
 * The conductance-based LIF (`"model": "lif-cond"`, chip/sim/cond.ts) against Brian2 2.5.1: three small COBA
 * networks (Diehl & Cook's excitatory/inhibitory neurons; dt 0.5 ms and 1 ms; excitatory and inhibitory
 * pathways; refractory periods; with and without delays; one with an adaptive threshold) built and run in
 * Brian2 by tests/fixtures/lif-cond/make-brian2.py (numpy target, method='euler'), which wrote each network
 * as an aerchip-model-1 model next to its spikes. aerchip runs those models on spinnaker2 and generic and
 * must give the same spikes exactly, and for the first network the same v of every excitatory neuron at
 * every tick, bit for bit (Object.is). Plus: the work counted (one neuron update per lif-cond neuron and
 * tick, refractory or not), the refusal on chips that do not run the model, and fixed point refused.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { COUNTER_COUNT, CounterKind } from "../../../chip/sim/counters.ts";
import { errorOf } from "../../helpers/errors.ts";
import { decodeProgram, encodeProgram } from "../../../chip/program/codec.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";

interface Network {
  readonly name: string;
  readonly model: { readonly steps: number; readonly populations: ReadonlyArray<{ readonly name: string; readonly size: number; readonly model?: string }> };
  readonly spikes: Readonly<Record<string, [number, number][]>>;
  readonly excV?: number[][];
}
const FIXTURE = JSON.parse(readFileSync(join(import.meta.dirname, "../../fixtures/lif-cond/brian2-coba.json"), "utf8")) as { readonly brian2: string; readonly networks: Network[] };

function run(net: Network, arch: string, extra: { threads?: number } = {}) {
  const spec = loadPreset(arch);
  const model = parseAerchipModel(net.model as unknown as Json, `${net.name}.json`);
  const { program } = compileModel(model.graph, spec, {});
  return simulate(spec, program, model.stimulus, { steps: net.model.steps, recordVoltages: ["exc"], ...extra });
}

function spikePairs(sim: ReturnType<typeof run>, pop: string): [number, number][] {
  const s = sim.spikes.get(pop)!;
  return Array.from(s.tick, (t, i) => [t, s.neuron[i]] as [number, number]);
}

describe("lif-cond against Brian2 (tests/fixtures/lif-cond/brian2-coba.json)", () => {
  it("the fixture comes from Brian2 2.5.1 and every network spikes in both populations", () => {
    expect(FIXTURE.brian2).toBe("2.5.1");
    expect(FIXTURE.networks.map((n) => n.name)).toEqual(["dc-dt05", "dc-dt1-delays", "mixed-dt1"]);
    for (const n of FIXTURE.networks) for (const pop of ["exc", "inh"]) expect(n.spikes[pop].length, `${n.name} ${pop}`).toBeGreaterThan(10);
  });

  for (const net of FIXTURE.networks) {
    for (const arch of ["spinnaker2", "generic"]) {
      it(`${net.name} on ${arch}: the same spikes as Brian2, tick for tick`, () => {
        const sim = run(net, arch);
        expect(spikePairs(sim, "exc")).toEqual(net.spikes.exc);
        expect(spikePairs(sim, "inh")).toEqual(net.spikes.inh);
      });
    }
  }

  it("dc-dt05: v of every excitatory neuron at every tick is Brian2's double, bit for bit", () => {
    const net = FIXTURE.networks[0];
    const ref = net.excV!;
    const sim = run(net, "spinnaker2");
    const trace = sim.voltages.get("exc")!;
    const n = ref[0].length;
    expect(ref.length).toBe(net.model.steps);
    let mismatches = 0;
    for (let t = 0; t < ref.length; t++) for (let i = 0; i < n; i++) if (!Object.is(trace[t * n + i], ref[t][i])) mismatches++;
    expect(mismatches).toBe(0);
  });

  it("asked for two threads, the run falls back to one (wide layout) with the same spikes", () => {
    const net = FIXTURE.networks[1];
    const sim = run(net, "spinnaker2", { threads: 2 });
    expect(sim.threads).toBe(1);
    expect(spikePairs(sim, "exc")).toEqual(net.spikes.exc);
  });

  it("counts one neuron update per lif-cond neuron and tick (conductances decay while refractory too)", () => {
    const net = FIXTURE.networks[1];
    const sim = run(net, "spinnaker2");
    const neurons = net.model.populations.filter((p) => p.model === "lif-cond").reduce((a, p) => a + p.size, 0);
    let updates = 0;
    let fired = 0;
    const pc = sim.counters.perCore;
    for (let c = 0; c < pc.length / COUNTER_COUNT; c++) {
      updates += pc[c * COUNTER_COUNT + CounterKind.neuronUpdates];
      fired += pc[c * COUNTER_COUNT + CounterKind.spikes];
    }
    expect(updates).toBe(neurons * net.model.steps);
    // The neurons did spend ticks refractory (so the count is not just the integrating ticks).
    expect(fired).toBeGreaterThan(0);
  });
});

describe("lif-cond: chips and precision", () => {
  const net = FIXTURE.networks[0];
  for (const arch of ["loihi", "truenorth", "odin"]) {
    it(`${arch} refuses it with E_ARCH_NEURON_MODEL naming the population, the model and the presets that run it`, () => {
      const model = parseAerchipModel(net.model as unknown as Json, "dc.json");
      const e = errorOf(() => compileModel(model.graph, loadPreset(arch), {}));
      expect(e.code).toBe("E_ARCH_NEURON_MODEL");
      expect(e.message).toContain('population "exc"');
      expect(e.message).toContain('"lif-cond"');
      expect(e.message).toContain(`chip "${arch}"`);
      expect(e.hint).toContain("presets: generic, spinnaker2");
      expect(e.field).toBe("populations.exc.model");
    });
  }

  it("the preset lists are data with a source", () => {
    for (const [arch, runs] of [["spinnaker2", true], ["generic", true], ["loihi", false], ["truenorth", false], ["odin", false]] as const) {
      const spec = loadPreset(arch);
      expect(spec.neuronModels?.includes("lif-cond"), arch).toBe(runs);
      expect(spec.fieldSources?.neuronModels, arch).toMatch(/\w/);
    }
  });

  it("a compiled program keeps its conductance parameters (.aerprog round trip: same spikes) and is refused by a spec without lif-cond", () => {
    const spec = loadPreset("spinnaker2");
    const model = parseAerchipModel(net.model as unknown as Json, "dc.json");
    const { program } = compileModel(model.graph, spec, {});
    const back = decodeProgram(encodeProgram(program));
    expect(back.cores[0].neurons.condTauMs).toEqual(program.cores[0].neurons.condTauMs);
    const sim = simulate(spec, back, model.stimulus, { steps: net.model.steps });
    expect(spikePairs(sim as ReturnType<typeof run>, "exc")).toEqual(net.spikes.exc);
    const e = errorOf(() => checkProgramFitsSpec({ ...spec, neuronModels: ["lif"] }, back, "dc.aerprog"));
    expect(e.code).toBe("E_ARCH_NEURON_MODEL");
    expect(e.message).toContain('population "exc"');
  });

  it("--precision fixed is refused with E_FIXED_COND_UNSUPPORTED (no fixed-point datapath for it is modelled)", () => {
    const model = parseAerchipModel(net.model as unknown as Json, "dc.json");
    const e = errorOf(() => compileModel(model.graph, loadPreset("spinnaker2"), { precision: "fixed" }));
    expect(e.code).toBe("E_FIXED_COND_UNSUPPORTED");
    expect(e.field).toBe("populations.exc.model");
  });
});
