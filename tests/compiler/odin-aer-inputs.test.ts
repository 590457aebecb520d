/**
 * ODIN's inputs are AER events addressing crossbar rows, not neurons (ChFrenkel/ODIN @1781931 doc/README.md
 * §2.2.1; hardware-facts.md §2.4): with core.inputsTakeNeuronSlots false (odin.json) the model's input neurons
 * take no neuron slot, so the ODIN paper's demo, 16 × 16 = 256 pixel inputs → 10 LIF neurons, fits its one
 * 256-neuron core (refused with E_CHIP_CORES_EXCEEDED while inputs took slots), and runs with the spikes the
 * generic chip gives the same model. A 257th input is refused by the 256 crossbar rows (core.maxInputAxons).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AerchipError } from "../../core/diagnostics.ts";
import { compileModel } from "../../compiler/compile.ts";
import { compileAndRun, loadModel } from "../../cli/pipeline.ts";
import { loadPreset } from "../../chip/spec/load.ts";
import { checkProgramFitsSpec } from "../../chip/program/fits-spec.ts";
import { programCoreFigures } from "../../chip/report/metrics.ts";
import type { SimResult } from "../../chip/sim/run.ts";
import { validateChipSpec } from "../../chip/spec/validate.ts";
import type { ChipSpec } from "../../chip/spec/types.ts";
import { checkJsonModelCapacity } from "../../compiler/core-capacity.ts";
import { loadJsonModel } from "../../compiler/frontends/load-model.ts";
import { cli } from "../helpers/cli.ts";

const PROV = { aerchipVersion: "test", inputs: [], options: {} };
const STEPS = 12;

/**
 * snnref-1: `inputs` inputs → 10 integrate-and-fire neurons (no leak: ODIN's leak is additive, which fixed point
 * refuses for leaky populations), all-to-all with positive weights k/8 (k = 1..7, a 3-bit magnitude: exact in
 * ODIN's format) and threshold 4; input i spikes at ticks t with (t + i) mod 5 = 0, t < STEPS − 2.
 */
function demoModel(inputs: number, connected = inputs, recurrent = false): string {
  // Inputs from `connected` on feed nothing (weight 0 everywhere: no synapse).
  const weights = Array.from({ length: inputs }, (_, i) => Array.from({ length: 10 }, (_, j) => (i < connected ? (1 + ((3 * i + 5 * j) % 7)) / 8 : 0)));
  const spikes: Array<[number, number]> = [];
  for (let t = 0; t < STEPS - 2; t++) for (let i = 0; i < inputs; i++) if ((t + i) % 5 === 0) spikes.push([t, i]);
  const doc = {
    format: "snnref-1", name: "odin-demo", steps: STEPS,
    populations: [
      { name: "pixels", kind: "input", size: inputs, spikes },
      { name: "out", size: 10, kind: "lif", decay: 1.0, v_th: 4.0, reset: "zero", refractory: 0, bias: 0.0, v_init: 0.0, threshold_op: ">=" },
    ],
    projections: [
      { name: "pixels_out", pre: "pixels", post: "out", dtype: "float", dense: { weights, delays: 1 } },
      ...(recurrent ? [{ name: "out_out", pre: "out", post: "out", dtype: "float", dense: { weights: Array.from({ length: 10 }, () => Array(10).fill(1 / 8)), delays: 1 } }] : []),
    ],
  };
  const dir = mkdtempSync(join(tmpdir(), "aerchip-odin-"));
  const path = join(dir, `demo${inputs}.net.json`);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

/** The output population's spikes as "tick:neuron" strings, in the simulator's order. */
function outSpikes(sim: SimResult): string[] {
  const s = sim.spikes.get("out")!;
  return Array.from(s.tick, (t, k) => `${t}:${s.neuron[k]}`);
}

function errorOf(f: () => unknown): AerchipError {
  try { f(); } catch (e) { if (e instanceof AerchipError) return e; throw e; }
  throw new Error("no error");
}

describe("odin: input neurons take no neuron slot (core.inputsTakeNeuronSlots false)", () => {
  const odin = loadPreset("odin");

  it("the preset says so, with its source", () => {
    expect(odin.core.inputsTakeNeuronSlots).toBe(false);
    expect(odin.fieldSources?.["core.inputsTakeNeuronSlots"]).toMatch(/ChFrenkel\/ODIN @1781931 doc\/README\.md/);
    expect(odin.description).not.toMatch(/does not fit/);
    // Every other preset keeps the default: input neurons take slots.
    for (const name of ["generic", "loihi", "loihi-sanafe", "truenorth", "spinnaker2", "cim-crossbar"]) expect(loadPreset(name).core.inputsTakeNeuronSlots).toBeUndefined();
  });

  it("256 pixel inputs → 10 LIF neurons compile onto ODIN's one core: 10 of 256 neuron slots, 256 of 256 crossbar rows", () => {
    const compiled = compileModel(loadModel(demoModel(256)).graph, odin);
    const m = compiled.mapping;
    expect(m.coresUsed).toBe(1);
    expect(m.neurons).toBe(266);
    const c = m.cores[0];
    expect([c.neurons, c.inputNeurons, c.inputAxons, c.utilisation.neurons, c.utilisation.inputAxons]).toEqual([266, 256, 256, 10 / 256, 1]);
    // The crossbar's columns are the 10 neurons: 256 rows × 10 columns × 4 bits (3-bit weight + 1 mapping bit).
    expect(c.synapseMemoryBits).toBe(256 * 10 * 4);
    // The program check and the run report count as the compiler does.
    expect(() => checkProgramFitsSpec(odin, compiled.program)).not.toThrow();
    const figures = programCoreFigures(odin, compiled.program).perCore[0];
    expect([figures.neurons, figures.compartments, figures.utilisation.neurons, figures.synapseMemoryBits]).toEqual([266, 10, 10 / 256, 256 * 10 * 4]);
  });

  it("an input that feeds nothing still holds an AER address: mapping.json outputAxons counts one per input (audit s23y #5)", () => {
    // 256 inputs, 200 of them connected (the synapses of inputs 200..255 removed): 200 routes to the core's
    // axons + 56 addresses feeding nothing = 256.
    const g = loadModel(demoModel(256)).graph;
    const pr = g.projections[0];
    const keep = Array.from(pr.preIndex, (i, k) => (i < 200 ? k : -1)).filter((k) => k >= 0);
    const pick = <A extends Uint32Array | Uint16Array | Float64Array>(a: A): A => a.filter((_, k) => keep.includes(k)) as A;
    const cut = { ...pr, preIndex: pick(pr.preIndex), postIndex: pick(pr.postIndex), weight: pick(pr.weight), delayTicks: pick(pr.delayTicks), encoding: "sparse" };
    const c = compileModel({ ...g, projections: [cut] }, odin).mapping.cores[0];
    expect([c.inputNeurons, c.outputAxons, c.utilisation.outputAxons]).toEqual([256, 256, 1]);
  });

  it("runs in float and in ODIN's fixed point with the spikes the generic chip gives the same model", () => {
    const path = demoModel(256);
    const generic = compileAndRun(loadPreset("generic"), loadModel(path), { provenance: PROV, timing: "simple" });
    const ideal = compileAndRun(odin, loadModel(path), { provenance: PROV, timing: "simple" });
    const fixed = compileAndRun(odin, loadModel(path), { provenance: PROV, timing: "simple", compile: { precision: "fixed" } });
    const reference = outSpikes(generic.sim);
    expect(reference.length).toBeGreaterThan(10); // the model is not silent
    expect(outSpikes(ideal.sim)).toEqual(reference);
    // Weights k/8 and threshold 4 are exact in ODIN's 3-bit weights and 8-bit state, with no leak and reset to 0.
    expect(outSpikes(fixed.sim)).toEqual(reference);
    expect(fixed.report.precision?.agreementWithFloat.find((a) => a.population === "out")?.jaccard).toBe(1);
    // The input spikes are the same on both chips (they leave ODIN's core as AER packets, as on generic).
    const inputSpikes = generic.sim.spikes.get("pixels")!.tick.length;
    expect(inputSpikes).toBeGreaterThan(0);
    expect(ideal.sim.spikes.get("pixels")!.tick.length).toBe(inputSpikes);
  });

  it("inputs share the 256 crossbar rows with the neurons feeding the crossbar: 250 inputs + 10 recurrent neurons are refused (E_CORE_INPUT_AXONS_EXCEEDED)", () => {
    const e = errorOf(() => compileModel(loadModel(demoModel(250, 250, true)).graph, odin, { file: "rec.net.json" }));
    expect(e.code).toBe("E_CORE_INPUT_AXONS_EXCEEDED");
    expect(e.message).toBe('neuron 0 of population "out" alone needs 260 (core.maxInputAxons); chip "odin" has 256 per core');
    // 246 inputs + the 10 recurrent neurons fill the 256 rows exactly.
    expect(compileModel(loadModel(demoModel(246, 246, true)).graph, odin).mapping.cores[0].inputAxons).toBe(256);
  });

  it("a 257th input is refused: ODIN tells 256 input addresses apart (E_CHIP_CORES_EXCEEDED, before partitioning)", () => {
    const e = errorOf(() => compileModel(loadModel(demoModel(257)).graph, odin, { file: "demo257.net.json" }));
    expect(e.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect(e.message).toBe('the model has 257 input neurons, each an AER source address taking at least one output axon of its core (core.maxOutputAxons, 256 per core), and needs at least 2 cores; chip "odin" has 1');
    expect(e.hint).toMatch(/fewer input neurons/);
  });

  it("other chips still count input neurons in core.maxNeurons (generic with ODIN's one 256-neuron core refuses 256 + 10)", () => {
    const g = loadPreset("generic");
    const oneCore = { ...g, mesh: { ...g.mesh, widthTiles: 1, heightTiles: 1, coresPerTile: 1 }, core: { ...g.core, maxNeurons: 256 } };
    const e = errorOf(() => compileModel(loadModel(demoModel(256)).graph, oneCore));
    expect(e.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect(e.message).toMatch(/266 neurons \(256 of them input neurons, which take neuron slots as compartments do\)/);
    expect(e.hint).toMatch(/core\.inputsTakeNeuronSlots/);
    // The same chip with the flag false holds it.
    expect(compileModel(loadModel(demoModel(256)).graph, { ...oneCore, core: { ...oneCore.core, inputsTakeNeuronSlots: false } }).mapping.coresUsed).toBe(1);
  });

  it("a program compiled with input neurons in a core is checked against the chip's flag (fits-spec)", () => {
    // Compiled for the flag-false chip, run on the same chip with inputs taking slots: 266 > 256.
    const compiled = compileModel(loadModel(demoModel(256)).graph, odin);
    const e = errorOf(() => checkProgramFitsSpec({ ...odin, core: { ...odin.core, inputsTakeNeuronSlots: true } }, compiled.program));
    expect(e.code).toBe("E_CORE_NEURONS_EXCEEDED");
    expect(e.message).toMatch(/core 0 holds 266 neurons/);
  });

  it("CLI: `aerchip run MODEL --arch odin` exits 0 and `compile` prints the inputs beside the neuron count", async () => {
    const path = demoModel(256);
    const dir = mkdtempSync(join(tmpdir(), "aerchip-odin-cli-"));
    const r = await cli("run", path, "--arch", "odin", "--out", join(dir, "run"));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const mapping = JSON.parse(readFileSync(join(dir, "run", "mapping.json"), "utf8")) as { cores: Array<{ neurons: number; inputNeurons?: number }> };
    expect(mapping.cores.map((c) => [c.neurons, c.inputNeurons])).toEqual([[266, 256]]);
    const fixed = await cli("run", path, "--arch", "odin", "--precision", "fixed", "--out", join(dir, "fixed"));
    expect([fixed.code, fixed.stderr]).toEqual([0, ""]);
    const c = await cli("compile", path, "--arch", "odin", "--out", join(dir, "c"));
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/266 \(256 in\)/);
    expect(c.stdout).toMatch(/3\.9%/);
    const refused = await cli("run", demoModel(257), "--arch", "odin", "--out", join(dir, "r257"));
    expect([refused.code, refused.stderr.split(":")[1]?.trim()]).toEqual([1, "E_CHIP_CORES_EXCEEDED"]);
    expect(refused.stderr).toMatch(/257 input neurons, each an AER source address/);
    const rows = await cli("run", demoModel(250, 250, true), "--arch", "odin", "--out", join(dir, "rec"));
    expect([rows.code, rows.stderr.split(":")[1]?.trim()]).toEqual([1, "E_CORE_INPUT_AXONS_EXCEEDED"]);
  });
});

describe("what still bounds input neurons that take no slot", () => {
  const odin = loadPreset("odin");
  const g = loadPreset("generic");
  const oneCore: ChipSpec = { ...g, name: "one-core", mesh: { ...g.mesh, widthTiles: 1, heightTiles: 1, coresPerTile: 1 }, core: { ...g.core, maxNeurons: 256 } };

  it("each is an AER source address of its core (an output axon), so 257 inputs, one feeding nothing, are refused before partitioning", () => {
    const e = errorOf(() => compileModel(loadModel(demoModel(257, 256)).graph, odin));
    expect(e.code).toBe("E_CHIP_CORES_EXCEEDED");
    expect(e.message).toBe('the model has 257 input neurons, each an AER source address taking at least one output axon of its core (core.maxOutputAxons, 256 per core), and needs at least 2 cores; chip "odin" has 1');
    // A model far larger than the chip is refused from its population sizes, before any per-neuron array.
    const dir = mkdtempSync(join(tmpdir(), "aerchip-odin-big-"));
    const path = join(dir, "big.json");
    writeFileSync(path, JSON.stringify({ format: "aerchip-model-1", name: "big", steps: 2, populations: [{ name: "in", kind: "input", size: 2 ** 28, spikes: [] }, { name: "n", kind: "neuron", size: 1, voltageDecay: 1, vThreshold: 1 }], projections: [] }));
    expect(errorOf(() => loadJsonModel(path, odin)).message).toMatch(/268435456 input neurons.*needs at least 1048576 cores; chip "odin" has 1/);
  });

  it("several chips (compare, sweep): refused only when none holds the model, each counting inputs its own way", () => {
    const pops = JSON.parse(readFileSync(demoModel(256), "utf8")).populations as unknown[];
    expect(errorOf(() => checkJsonModelCapacity(pops, [oneCore], "m.json")).code).toBe("E_CHIP_CORES_EXCEEDED");
    // odin holds fewer neurons (1 × 256 = one-core's), yet holds this model: no refusal.
    expect(() => checkJsonModelCapacity(pops, [oneCore, odin], "m.json")).not.toThrow();
    expect(() => checkJsonModelCapacity(pops, [], "m.json")).not.toThrow();
  });

  it("core.maxNeuronConfigs: input neurons take no configuration where they take no slot (partition and program check)", () => {
    const graph = loadModel(demoModel(256)).graph;
    const oneConfig: ChipSpec = { ...oneCore, core: { ...oneCore.core, maxNeuronConfigs: 1, inputsTakeNeuronSlots: false } };
    const compiled = compileModel(graph, oneConfig);
    expect(compiled.mapping.coresUsed).toBe(1);
    expect(() => checkProgramFitsSpec(oneConfig, compiled.program)).not.toThrow();
    // Inputs taking slots also take a configuration: the program's one core holds two.
    const takes: ChipSpec = { ...oneConfig, core: { ...oneConfig.core, maxNeurons: 512, inputsTakeNeuronSlots: true } };
    expect(errorOf(() => checkProgramFitsSpec(takes, compiled.program)).code).toBe("E_CORE_NEURON_CONFIGS_EXCEEDED");
    expect(errorOf(() => compileModel(graph, takes)).code).toBe("E_CHIP_CORES_EXCEEDED");
  });

  it("a fixed placement of all 266 neurons on ODIN's core fits; with inputs taking slots it is E_CORE_NEURONS_EXCEEDED", () => {
    const graph = loadModel(demoModel(256)).graph;
    const fixedPlacement = new Map([["pixels", new Uint32Array(256)], ["out", new Uint32Array(10)]]);
    const m = compileModel(graph, odin, { fixedPlacement }).mapping;
    expect([m.placement, m.cores[0].neurons, m.cores[0].inputNeurons, m.cores[0].utilisation.neurons]).toEqual(["fixed", 266, 256, 10 / 256]);
    const e = errorOf(() => compileModel(graph, { ...odin, core: { ...odin.core, inputsTakeNeuronSlots: true } }, { fixedPlacement }));
    expect(e.code).toBe("E_CORE_NEURONS_EXCEEDED");
    expect(e.message).toMatch(/core 0 is given 266 neurons; chip "odin" has 256 per core/);
  });
});

describe("chip spec: core.inputsTakeNeuronSlots is validated", () => {
  it("refuses a non-boolean with a coded error naming the field", () => {
    const g = loadPreset("generic");
    const bad = { ...g, core: { ...g.core, inputsTakeNeuronSlots: "no" } };
    const errors = validateChipSpec(bad).filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.field, d.message])).toEqual([["core.inputsTakeNeuronSlots", 'core.inputsTakeNeuronSlots must be true or false, got "no"']]);
    expect(validateChipSpec({ ...g, core: { ...g.core, inputsTakeNeuronSlots: false } }).filter((d) => d.severity === "error")).toEqual([]);
  });
});
