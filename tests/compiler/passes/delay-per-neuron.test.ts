/**
 * Chips without per-synapse delays (synapseEncoding.delayPerSynapse false) keep one delay per source neuron (audit s25a
 * finding 4). TrueNorth's neuron sends each spike to one axon on one core with one delay: "delays are per neuron
 * output, not per synapse", "delays are not stored in the crossbar" (chip/spec/presets/truenorth.json fieldSources).
 * A neuron whose synapses have different delays is refused with E_CORE_DELAY_PER_NEURON, by the compiler
 * (compiler/passes/normalise.ts) and by the program check of `run program.aerprog` (chip/program/delay-per-neuron.ts).
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { listPresetNames, loadPreset } from "../../../chip/spec/load.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { checkProgramFitsSpec } from "../../../chip/program/fits-spec.ts";
import { errorOf } from "../../helpers/errors.ts";
import { cli } from "../../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";
import { loadJsonModel } from "../../../compiler/frontends/load-model.ts";

const truenorth = loadPreset("truenorth");

/** The audit's tn_delay: in[0] → n[0] at `d0`, in[0] → n[1] at `d1`; optionally in[0] → m[0] at `dm` (another projection). */
function json(d0: number, d1: number, dm?: number) {
  return {
    format: "aerchip-model-1", name: "tn-delay", steps: 10,
    populations: [
      { name: "in", kind: "input", size: 2, spikes: [[0, 0], [1, 1]] },
      { name: "n", kind: "neuron", size: 2 },
      ...(dm === undefined ? [] : [{ name: "m", kind: "neuron", size: 1 }]),
    ],
    projections: [
      { name: "p", pre: "in", post: "n", sparse: { pre: [0, 0, 1], post: [0, 1, 1], weights: [1, 1, 1], delays: [d0, d1, 3] } },
      ...(dm === undefined ? [] : [{ name: "q", pre: "in", post: "m", sparse: { pre: [0], post: [0], weights: [1], delays: [dm] } }]),
    ],
  };
}
const graph = (d0: number, d1: number, dm?: number) => parseAerchipModel(json(d0, d1, dm) as unknown as Json, "tn-delay.json").graph;

describe("one delay per source neuron where the chip has no per-synapse delays", () => {
  it("truenorth refuses a neuron whose synapses have delays 1 and 5, naming the population, the neuron, its delays and the fix", () => {
    expect(truenorth.synapseEncoding.delayPerSynapse).toBe(false);
    const e = errorOf(() => compileModel(graph(1, 5), truenorth, { file: "tn-delay.json" }));
    expect(e.code).toBe("E_CORE_DELAY_PER_NEURON");
    expect(e.message).toContain('neuron 0 of population "in" sends with delays 1, 5 ticks (projections "p")');
    expect(e.message).toContain('chip "truenorth" keeps one delay per source neuron');
    expect(e.field).toBe("populations.in");
    expect(e.file).toBe("tn-delay.json");
    expect(e.hint).toMatch(/same delay/);
    expect(e.hint).toMatch(/delayPerSynapse true/);
  });

  it("the delays of every projection leaving the neuron count: 4 into n and 7 into m are two delays", () => {
    const e = errorOf(() => compileModel(graph(4, 4, 7), truenorth, {}));
    expect(e.code).toBe("E_CORE_DELAY_PER_NEURON");
    expect(e.message).toContain('neuron 0 of population "in" sends with delays 4, 7 ticks (projections "p", "q")');
  });

  it("one delay per neuron compiles and runs with it (in[0] at 5 everywhere, in[1] at 3): different neurons may differ", () => {
    const { mapping } = compileModel(graph(5, 5, 5), truenorth, {});
    expect(mapping.coresUsed).toBeGreaterThan(0);
  });

  it("chips with per-synapse delays keep accepting the mixed model", () => {
    for (const name of listPresetNames()) {
      const spec = loadPreset(name);
      if (spec.synapseEncoding.delayPerSynapse === false || spec.core.maxDelayTicks < 5) continue;
      expect(() => compileModel(graph(1, 5), spec, {}), name).not.toThrow();
    }
  });

  it("run program.aerprog: a program with per-synapse delays is refused on truenorth with the same code", () => {
    // Compiled for a TrueNorth that would store a delay per synapse, then checked against the real one.
    const perSynapse: ChipSpec = { ...truenorth, name: "truenorth-per-synapse", synapseEncoding: { ...truenorth.synapseEncoding, delayPerSynapse: true } };
    const { program } = compileModel(graph(1, 5), perSynapse, {});
    const e = errorOf(() => checkProgramFitsSpec(truenorth, program, "p.aerprog"));
    expect(e.code).toBe("E_CORE_DELAY_PER_NEURON");
    expect(e.message).toMatch(/^neuron 0 of population "in" \(core \d+\) sends with delays 1, 5 ticks; chip "truenorth" keeps one delay per source neuron/);
    expect(e.file).toBe("p.aerprog");
    // One delay per neuron passes.
    expect(() => checkProgramFitsSpec(truenorth, compileModel(graph(5, 5), perSynapse, {}).program)).not.toThrow();
  });

  describe("CLI", () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-delay-neuron-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it("run tn-delay.json --arch truenorth exits 1 with the code and writes nothing", async () => {
      const model = join(dir, "tn-delay.json");
      writeFileSync(model, JSON.stringify(json(1, 5)));
      const r = await cli("run", model, "--arch", "truenorth", "--out", join(dir, "out"));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("E_CORE_DELAY_PER_NEURON");
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(dir, "out", "spikes.json"))).toBe(false);
    });
  });
});

describe.skipIf(!HAS_SHARED)(`a model with genuine per-synapse delays stays refused on truenorth ${SKIP_MSG}`, () => {
  // snnref c01_if_dense_tiny's input neurons send with delays 1, 2 and 3: a property of the model, not of a front
  // end's helper (the NIR bias sources get one source per delay on such chips: docs/nir.md), so nothing splits it.
  it("c01_if_dense_tiny: E_CORE_DELAY_PER_NEURON on truenorth, compiles on loihi", () => {
    const path = sharedPath("fixtures/snnref/c01_if_dense_tiny.net.json");
    const { graph } = loadJsonModel(path);
    const e = errorOf(() => compileModel(graph, truenorth, { file: path }));
    expect(e.code).toBe("E_CORE_DELAY_PER_NEURON");
    expect(e.message).toMatch(/sends with delays 1, 2, 3 ticks/);
    expect(compileModel(graph, loadPreset("loihi"), {}).mapping.coresUsed).toBeGreaterThan(0);
  });
});
