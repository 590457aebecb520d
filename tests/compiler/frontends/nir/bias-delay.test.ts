/**
 * Biases past the first layer on chips with short delays (audit s23a #5): `__nir_bias` fires from tick 0,
 * so a bias into a population of latency L needs a synapse of delay L (+ its start step). With
 * `maxDelayTicks` (the chip's core.maxDelayTicks) the drives that need more come from bias sources that
 * start firing later (`__nir_bias_from_<tick>`), so every bias synapse fits, and the run stays exact.
 *
 * Chips that keep one delay per neuron output (synapseEncoding.delayPerSynapse false: truenorth) refuse a source
 * whose synapses have different delays (E_CORE_DELAY_PER_NEURON, audit s25a #4), which one `__nir_bias` feeding
 * layers of latencies 1 and 2 was. With `delayPerSynapse: false` (nirChipOptions of such a chip) each distinct delay
 * gets its own source (`__nir_bias`, `__nir_bias_delay_<d>`; `__nir_once` likewise), with the same spikes.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng, type Rng } from "../../../../core/rng.ts";
import { loadNirModel, lowerNirDocument, nirChipOptions, readNirDocument, type LoadedNirModel, type NirLoadOptions } from "../../../../compiler/frontends/nir/index.ts";
import { loadPreset } from "../../../../chip/spec/load.ts";
import { compileAndRun } from "../../../../cli/pipeline.ts";
import { compileModel } from "../../../../compiler/compile.ts";
import { nirStimulus, readInputSpikes } from "../../../../cli/spike-inputs.ts";
import type { ChipStimulus } from "../../../../chip/program/types.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../../helpers/shared.ts";
import { errorOf } from "../../../helpers/errors.ts";
import type { ChipSpec } from "../../../../chip/spec/types.ts";
import { compareWithReference, errorCode, writeAndLower } from "./helpers.ts";
import { nirFile, writeH5, type H5Tree } from "./write-h5.ts";
import { uniform, f32, fill, spikes } from "./random-tensors.ts";

let tmp = "";
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "aerchip-nir-bias-delay-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const lif = (n: number) => ({ type: "LIF", tau: fill(n, 1e-3), r: fill(n, 10), v_leak: fill(n, 0), v_threshold: fill(n, 1) });

const load = (name: string, tree: H5Tree, opts: NirLoadOptions = {}) => writeAndLower(tmp, name, tree, opts);

/** in[4] → fc1 → lif1[5] → fc2 → lif2[4] → fc3 → lif3[3] → out, every Affine with a bias (latencies 1, 2, 3). */
function chain(seed: number): H5Tree {
  const rng = createRng(seed);
  return nirFile({
    input: { type: "Input", shape: [4n] },
    fc1: { type: "Affine", weight: f32(rng, [5, 4], 0, 1), bias: uniform(rng, 5, 0.05, 0.15) },
    lif1: lif(5),
    fc2: { type: "Affine", weight: f32(rng, [4, 5], 0, 0.8), bias: uniform(rng, 4, 0.1, 0.3) },
    lif2: lif(4),
    fc3: { type: "Affine", weight: f32(rng, [3, 4], 0, 0.8), bias: [0.3, -0.2, 0.25] },
    lif3: lif(3),
    output: { type: "Output", shape: [3n] },
  }, [["input", "fc1"], ["fc1", "lif1"], ["lif1", "fc2"], ["fc2", "lif2"], ["lif2", "fc3"], ["fc3", "lif3"], ["lif3", "output"]]);
}

const maxDelay = (m: { graph: { projections: ReadonlyArray<{ delayTicks: Uint16Array }> } }): number => Math.max(...m.graph.projections.flatMap((p) => [...p.delayTicks]));
const biasPops = (m: { graph: { populations: ReadonlyArray<{ name: string }> } }): string[] => m.graph.populations.map((p) => p.name).filter((n) => n.startsWith("__nir_bias"));

/** The chip stimulus of a dense T × n spike tensor on the population "input". */
function inputStimulus(x: Float64Array, T: number, n: number) {
  const tick: number[] = [];
  const neuron: number[] = [];
  for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) if (x[t * n + i] !== 0) { tick.push(t); neuron.push(i); }
  return { spikes: new Map([["input", { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) };
}

function expectExact(cmp: ReturnType<typeof compareWithReference>, minSpikes: number): void {
  for (const [node, mm] of cmp.mismatches) expect({ node, mismatches: mm }).toEqual({ node, mismatches: 0 });
  expect([...cmp.spikes.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(minSpikes);
}

describe("NIR biases with a delay limit (maxDelayTicks)", () => {
  it("a three-layer chain: without a limit one bias source with delays up to 3; with limit 1 every synapse has delay 1 and the spikes equal the NIR reference", async () => {
    const free = await load("chain", chain(21));
    expect(biasPops(free.m)).toEqual(["__nir_bias"]);
    expect(maxDelay(free.m)).toBe(3);
    const { doc, m } = await load("chain", chain(21), { maxDelayTicks: 1 });
    // lif1 keeps __nir_bias (delay 1); lif2 and lif3 get sources that start at ticks 1 and 2.
    expect(biasPops(m)).toEqual(["__nir_bias", "__nir_bias_from_1", "__nir_bias_from_2"]);
    expect(maxDelay(m)).toBe(1);
    expect(m.graph.projections.filter((p) => p.pre.startsWith("__nir_bias")).map((p) => `${p.pre}->${p.post}`)).toEqual(["__nir_bias->lif1", "__nir_bias_from_1->lif2", "__nir_bias_from_2->lif3"]);
    const rng = createRng(5);
    const stim = new Map([["input", spikes(rng, 120 * 4, 0.3)]]);
    expectExact(compareWithReference(doc, m, stim, 120), 30);
    // The same lowering run from tick 0 with the late sources firing from tick 0 (what a delay-1 synapse
    // from __nir_bias would give) is wrong: the bias would reach lif2 and lif3 before their step 0.
    const fromTick0 = m.graph.populations.find((q) => q.name === "__nir_bias")!.params!;
    const early = { ...m, graph: { ...m.graph, populations: m.graph.populations.map((p) => (p.name.startsWith("__nir_bias_from_") ? { ...p, params: fromTick0 } : p)) } };
    const wrong = compareWithReference(doc, early, stim, 120);
    expect(wrong.mismatches.get("lif3")! + wrong.mismatches.get("lif2")!).toBeGreaterThan(0);
  });

  it("a bias before a Delay (start step 3) with limit 2: sources start where the delay needs, and the run stays exact", async () => {
    const rng = createRng(22);
    const tree = nirFile({
      input: { type: "Input", shape: [4n] },
      fc1: { type: "Affine", weight: f32(rng, [5, 4], 0, 1), bias: uniform(rng, 5, 0.05, 0.15) },
      lif1: lif(5),
      fc2: { type: "Affine", weight: f32(rng, [4, 5], 0, 0.8), bias: uniform(rng, 4, 0.1, 0.3) },
      delay: { type: "Delay", delay: fill(4, 3e-4) },
      lif2: lif(4),
      fc3: { type: "Affine", weight: f32(rng, [3, 4], 0, 0.8), bias: [0.3, 0.2, 0.25] },
      lif3: lif(3),
      output: { type: "Output", shape: [3n] },
    }, [["input", "fc1"], ["fc1", "lif1"], ["lif1", "fc2"], ["fc2", "delay"], ["delay", "lif2"], ["lif2", "fc3"], ["fc3", "lif3"], ["lif3", "output"]]);
    const { doc, m } = await load("delayed", tree, { maxDelayTicks: 2 });
    // lif2 (latency 1) gets fc2's bias from step 3: delay 4 from tick 0, so a source from tick 2; lif3 (latency 2) fits.
    expect(m.nodes.map((n) => [n.node, n.latencyTicks])).toEqual([["input", 0], ["lif1", 1], ["lif2", 1], ["lif3", 2]]);
    const bias = m.graph.projections.filter((p) => p.pre.startsWith("__nir_bias"));
    expect(bias.map((p) => [p.pre, p.post, [...new Set(p.delayTicks)]])).toEqual([["__nir_bias", "lif1", [1]], ["__nir_bias", "lif3", [2]], ["__nir_bias_from_2", "lif2", [2]]]);
    const stim = new Map([["input", spikes(createRng(6), 100 * 4, 0.3)]]);
    expectExact(compareWithReference(doc, m, stim, 100), 30);
  });

  it("an invalid limit is refused (E_NIR_OPTION)", async () => {
    const p = join(tmp, "chain-opt.nir");
    await writeH5(p, chain(21));
    const { doc } = await readNirDocument(p);
    for (const bad of [0, 1.5, -1, Number.NaN]) expect((await errorCode(() => lowerNirDocument(doc, { maxDelayTicks: bad }))).code).toBe("E_NIR_OPTION");
  });

  it("odin in fixed point: an IF graph with biases runs (the bias sources have no leak, so the additive-leak chip holds them) and its bias sources fire as in float (audit s23x #8)", async () => {
    const rng = createRng(23);
    const iff = (n: number) => ({ type: "IF", r: fill(n, 1), v_threshold: fill(n, 1) });
    const tree = nirFile({
      input: { type: "Input", shape: [4n] },
      fc1: { type: "Affine", weight: f32(rng, [5, 4], 0, 0.6), bias: fill(5, 0.125) },
      if1: iff(5),
      fc2: { type: "Affine", weight: f32(rng, [3, 5], 0, 0.6), bias: fill(3, 0.25) },
      if2: iff(3),
      output: { type: "Output", shape: [3n] },
    }, [["input", "fc1"], ["fc1", "if1"], ["if1", "fc2"], ["fc2", "if2"], ["if2", "output"]]);
    const odin = loadPreset("odin");
    const { m } = await load("if-chain", tree, { maxDelayTicks: odin.core.maxDelayTicks });
    const T = 80;
    const stimulus = inputStimulus(spikes(createRng(8), T * 4, 0.3), T, 4);
    const run = (precision: "fixed" | "float") => compileAndRun(odin, { graph: m.graph, stimulus }, { steps: T + m.extraTicks, compile: { precision }, provenance: { aerchipVersion: "test", inputs: [], options: {} } });
    const fixed = run("fixed");
    const float = run("float");
    // The model's own spikes differ by ODIN's 3-bit weights (quantisation); the bias sources are exact.
    for (const pop of ["__nir_bias", "__nir_bias_from_1"]) {
      const a = fixed.sim.spikes.get(pop)!;
      const b = float.sim.spikes.get(pop)!;
      expect({ pop, ticks: [...a.tick], neurons: [...a.neuron] }).toEqual({ pop, ticks: [...b.tick], neurons: [...b.neuron] });
    }
    expect(fixed.sim.spikes.get("__nir_bias")!.tick.length).toBe(T + m.extraTicks);
    expect(fixed.report.precision).toBeDefined();
  });

  it("on the chip in fixed point (spinnaker2 with core.maxDelayTicks 1): the late sources keep their bias after quantisation, and the spikes equal those with the chip's own delays", async () => {
    const sp2 = loadPreset("spinnaker2");
    const short: ChipSpec = { ...sp2, name: "spinnaker2-delay1", core: { ...sp2.core, maxDelayTicks: 1 } };
    const { m: long } = await load("chain", chain(21), { maxDelayTicks: sp2.core.maxDelayTicks });
    const { m } = await load("chain", chain(21), { maxDelayTicks: 1 });
    const T = 150;
    const stimulus = inputStimulus(spikes(createRng(7), T * 4, 0.3), T, 4);
    const run = (spec: ChipSpec, g: typeof m) => compileAndRun(spec, { graph: g.graph, stimulus }, { steps: T + g.extraTicks, compile: { precision: "fixed" }, provenance: { aerchipVersion: "test", inputs: [], options: {} } });
    const a = run(sp2, long);
    const b = run(short, m);
    for (const pop of ["lif1", "lif2", "lif3"]) {
      const sa = a.sim.spikes.get(pop)!;
      const sb = b.sim.spikes.get(pop)!;
      expect({ pop, ticks: [...sb.tick], neurons: [...sb.neuron] }).toEqual({ pop, ticks: [...sa.tick], neurons: [...sa.neuron] });
    }
    expect(a.sim.spikes.get("lif3")!.tick.length).toBeGreaterThan(10);
    // Each late source fires every tick from its start: T + extraTicks − start spikes, as in float.
    const agree = new Map((b.report.precision?.agreementWithFloat ?? []).map((r) => [r.population, r]));
    for (const [pop, start] of [["__nir_bias_from_1", 1], ["__nir_bias_from_2", 2]] as const) {
      expect({ pop, spikes: agree.get(pop)?.spikes, float: agree.get(pop)?.spikesFloat }).toEqual({ pop, spikes: T + m.extraTicks - start, float: T + m.extraTicks - start });
    }
  });
});

/** Per helper source (population named `__…`): the distinct delays of all its synapses, in population order. */
function sourceDelays(m: { graph: { populations: ReadonlyArray<{ name: string }>; projections: ReadonlyArray<{ pre: string; delayTicks: Uint16Array }> } }): Array<[string, number[]]> {
  return m.graph.populations.filter((p) => p.name.startsWith("__")).map((p) => [p.name, [...new Set(m.graph.projections.filter((q) => q.pre === p.name).flatMap((q) => [...q.delayTicks]))].sort((a, b) => a - b)]);
}

/** Float spikes of every population not named `__…` (the model's own), as "tick:neuron" lists. */
function modelSpikes(spec: ChipSpec, m: LoadedNirModel, stimulus: ChipStimulus, T: number): Record<string, string> {
  const r = compileAndRun(spec, { graph: m.graph, stimulus }, { steps: T + m.extraTicks, compile: { precision: "float" }, provenance: { aerchipVersion: "test", inputs: [], options: {} } });
  const out: Record<string, string> = {};
  for (const p of m.graph.populations) {
    if (p.name.startsWith("__")) continue;
    const s = r.sim.spikes.get(p.name);
    out[p.name] = s === undefined ? "" : [...s.tick].map((t, i) => `${t}:${s.neuron[i]}`).join(" ");
  }
  return out;
}

describe("NIR biases on a chip with one delay per neuron output (delayPerSynapse false)", () => {
  const truenorth = loadPreset("truenorth");

  it("nirChipOptions passes the chip's two facts: truenorth 15 ticks and no per-synapse delay; loihi per-synapse", () => {
    expect(nirChipOptions(truenorth)).toEqual({ maxDelayTicks: 15, delayPerSynapse: false });
    expect(nirChipOptions(loadPreset("loihi")).delayPerSynapse).toBe(true);
  });

  it("the chain: one source per distinct delay (1, 2, 3), each with that one delay, exact against the NIR reference; truenorth compiles it", async () => {
    const { doc, m } = await load("chain", chain(21), nirChipOptions(truenorth));
    expect(sourceDelays(m)).toEqual([["__nir_bias", [1]], ["__nir_bias_delay_2", [2]], ["__nir_bias_delay_3", [3]]]);
    const stim = new Map([["input", spikes(createRng(5), 120 * 4, 0.3)]]);
    expectExact(compareWithReference(doc, m, stim, 120), 30);
    expect(compileModel(m.graph, truenorth, {}).mapping.coresUsed).toBe(1);
    // The one-source lowering sends with delays 1, 2 and 3, which truenorth refuses.
    const { m: one } = await load("chain", chain(21), { maxDelayTicks: truenorth.core.maxDelayTicks });
    expect(sourceDelays(one)).toEqual([["__nir_bias", [1, 2, 3]]]);
    expect(errorOf(() => compileModel(one.graph, truenorth, {})).code).toBe("E_CORE_DELAY_PER_NEURON");
  });

  it("delayPerSynapse true (or absent) lowers exactly as before: the same populations and synapses", async () => {
    const { m: a } = await load("chain", chain(21), { maxDelayTicks: 15 });
    const { m: b } = await load("chain", chain(21), { maxDelayTicks: 15, delayPerSynapse: true });
    expect(b.graph).toEqual(a.graph);
  });

  it("with staged sources too (maxDelayTicks 2): the from-tick-0 sources split by delay, the staged one keeps its single delay", async () => {
    const { doc, m } = await load("chain", chain(21), { maxDelayTicks: 2, delayPerSynapse: false });
    expect(sourceDelays(m)).toEqual([["__nir_bias", [1]], ["__nir_bias_delay_2", [2]], ["__nir_bias_from_1", [2]]]);
    expectExact(compareWithReference(doc, m, new Map([["input", spikes(createRng(9), 100 * 4, 0.3)]]), 100), 30);
  });

  it("one-shot drives (CubaLIF v_leak in two layers) split by delay as well: __nir_once and __nir_once_delay_2, exact", async () => {
    const rng = createRng(24);
    const cuba = (n: number) => ({ type: "CubaLIF", tau_syn: fill(n, 2e-3), tau_mem: fill(n, 2e-3), r: fill(n, 1), v_leak: uniform(rng, n, 0.2, 0.6), v_threshold: fill(n, 0.5), w_in: fill(n, 1) });
    const tree = nirFile({
      input: { type: "Input", shape: [4n] },
      fc1: { type: "Affine", weight: f32(rng, [5, 4], 0, 1), bias: uniform(rng, 5, 0.05, 0.15) },
      c1: cuba(5),
      fc2: { type: "Affine", weight: f32(rng, [3, 5], 0, 0.8), bias: uniform(rng, 3, 0.1, 0.3) },
      c2: cuba(3),
      output: { type: "Output", shape: [3n] },
    }, [["input", "fc1"], ["fc1", "c1"], ["c1", "fc2"], ["fc2", "c2"], ["c2", "output"]]);
    const { m: per } = await load("cuba", tree, { maxDelayTicks: 15 });
    expect(sourceDelays(per)).toEqual([["__nir_bias", [1, 2]], ["__nir_once", [1, 2]]]);
    const { doc, m } = await load("cuba", tree, { maxDelayTicks: 15, delayPerSynapse: false });
    expect(sourceDelays(m)).toEqual([["__nir_bias", [1]], ["__nir_bias_delay_2", [2]], ["__nir_once", [1]], ["__nir_once_delay_2", [2]]]);
    expectExact(compareWithReference(doc, m, new Map([["input", spikes(createRng(10), 100 * 4, 0.3)]]), 100), 10);
  });

  it("an invalid delayPerSynapse is refused (E_NIR_OPTION)", async () => {
    const p = join(tmp, "chain-dps.nir");
    await writeH5(p, chain(21));
    const { doc } = await readNirDocument(p);
    const e = await errorCode(() => lowerNirDocument(doc, { delayPerSynapse: "no" as unknown as boolean }));
    expect(e.code).toBe("E_NIR_OPTION");
    expect(e.field).toBe("delayPerSynapse");
  });

  describe.skipIf(!HAS_SHARED)(`the fixtures refused since audit s25a #4 run on truenorth with generic's float spikes ${SKIP_MSG}`, () => {
    it("snntorch_dense_lif (bias delays 1 and 2): __nir_bias and __nir_bias_delay_2; every layer's spikes as on generic", async () => {
      const path = sharedPath("fixtures/nir/snntorch/snntorch_dense_lif.nir");
      const g = await loadNirModel(path, nirChipOptions(loadPreset("generic")));
      const t = await loadNirModel(path, nirChipOptions(truenorth));
      expect(sourceDelays(g)).toEqual([["__nir_bias", [1, 2]]]);
      expect(sourceDelays(t)).toEqual([["__nir_bias", [1]], ["__nir_bias_delay_2", [2]]]);
      const input = await readInputSpikes(sharedPath("fixtures/nir/snntorch/snntorch_dense_lif.input.npy"), t.inputShape);
      const a = modelSpikes(loadPreset("generic"), g, nirStimulus(g, input), input.steps);
      const b = modelSpikes(truenorth, t, nirStimulus(t, input), input.steps);
      expect(b).toEqual(a);
      expect(Object.values(a).join(" ").split(" ").length).toBeGreaterThan(100);
    });

    it("braille_noDelay_bias_zero (bias delays 1 and 2) on a 256 × 12 input: every layer's spikes as on generic", async () => {
      const path = sharedPath("fixtures/nir/paper_rnn/braille_noDelay_bias_zero.nir");
      const g = await loadNirModel(path, nirChipOptions(loadPreset("generic")));
      const t = await loadNirModel(path, nirChipOptions(truenorth));
      expect(sourceDelays(t).every(([, d]) => d.length === 1)).toBe(true);
      expect(sourceDelays(g).some(([, d]) => d.length > 1)).toBe(true);
      const T = 256;
      const stimulus = inputStimulus(spikes(createRng(3), T * 12, 0.1), T, 12);
      const st = { spikes: new Map([[t.inputPopulation, stimulus.spikes.get("input")!]]) };
      const a = modelSpikes(loadPreset("generic"), g, st, T);
      const b = modelSpikes(truenorth, t, st, T);
      expect(b).toEqual(a);
      expect(Object.values(a).join(" ").split(" ").length).toBeGreaterThan(100);
    });
  });
});
