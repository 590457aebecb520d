/**
 * reset "snntorch-subtract" on nodes with β = 1 (audit s23x #9). snnTorch's U[t+1] = βU[t] + I[t+1] − θ·S[t]
 * is, for β = 1, the compartment's subtract reset (v ← v − θ at the spike, then v[t+1] = v[t] − θ + I[t+1]),
 * so IF nodes get that reset and no −θ self-synapse: the same spikes as the self-synapse lowering (checked
 * here in float on the generic chip, against a graph that has the self-synapses), no mixed-sign sources on
 * odin in fixed point, and no extra synaptic events. Nodes with β ≠ 1 keep the self-synapse; where odin's
 * one sign per source refuses it, the error says it comes from --reset snntorch-subtract.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "../../../../core/rng.ts";
import { AerchipError } from "../../../../core/diagnostics.ts";
import type { NirLoadOptions } from "../../../../compiler/frontends/nir/index.ts";
import { ResetMode } from "../../../../chip/program/types.ts";
import { loadPreset } from "../../../../chip/spec/load.ts";
import type { ChipSpec } from "../../../../chip/spec/types.ts";
import { compileAndRun } from "../../../../cli/pipeline.ts";
import { compileModel } from "../../../../compiler/compile.ts";
import type { ModelGraph, StimulusIR } from "../../../../compiler/ir/types.ts";
import { compareWithReference, writeAndLower } from "./helpers.ts";
import { nirFile, type H5Tree } from "./write-h5.ts";
import { uniform, f32, fill, spikes } from "./random-tensors.ts";

let tmp = "";
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "aerchip-nir-snntorch-sub-if-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const load = (name: string, tree: H5Tree, opts: NirLoadOptions = {}) => writeAndLower(tmp, name, tree, opts);

/**
 * in[4] → fc1 (Affine, bias) → if1[6] → fc2 (Affine, bias) → if2[3] → out, per-neuron θ and r. Positive
 * weights and biases, so that every source has one sign (odin) unless a −θ self-synapse is added.
 */
function ifChain(seed: number, neuron: (n: number, rng: ReturnType<typeof createRng>) => H5Tree): H5Tree {
  const rng = createRng(seed);
  return nirFile({
    input: { type: "Input", shape: [4n] },
    fc1: { type: "Affine", weight: f32(rng, [6, 4], 0.1, 0.7), bias: uniform(rng, 6, 0.01, 0.08) },
    if1: neuron(6, rng),
    fc2: { type: "Affine", weight: f32(rng, [3, 6], 0.1, 0.6), bias: uniform(rng, 3, 0.01, 0.05) },
    if2: neuron(3, rng),
    output: { type: "Output", shape: [3n] },
  }, [["input", "fc1"], ["fc1", "if1"], ["if1", "fc2"], ["fc2", "if2"], ["if2", "output"]]);
}
const iff = (n: number, rng: ReturnType<typeof createRng>) => ({ type: "IF", r: uniform(rng, n, 0.8, 1.5), v_threshold: uniform(rng, n, 0.7, 1.3), v_reset: fill(n, 0) });
const lif = (n: number, rng: ReturnType<typeof createRng>) => ({ type: "LIF", tau: uniform(rng, n, 5e-4, 2e-3), r: fill(n, 8), v_leak: fill(n, 0), v_threshold: uniform(rng, n, 0.6, 1.0), v_reset: fill(n, 0) });

/**
 * The lowering with snnTorch's reset as a self-synapse on every spiking population (the lowering used for
 * β ≠ 1, lower.ts): no compartment reset, −θ with delay 1.
 */
function withSelfSynapses(g: ModelGraph, pops: readonly string[]): ModelGraph {
  const populations = g.populations.map((p) => (pops.includes(p.name) ? { ...p, params: { ...p.params!, resetMode: new Uint8Array(p.size).fill(ResetMode.none) } } : p));
  const projections = [...g.projections];
  for (const name of pops) {
    const p = g.populations.find((q) => q.name === name)!;
    const idx = Uint32Array.from({ length: p.size }, (_, j) => j);
    projections.push({ name: `__${name}.reset`, pre: name, post: name, encoding: "sparse", preIndex: idx, postIndex: idx, weight: Float64Array.from(p.params!.vThreshold, (th) => -th), delayTicks: new Uint16Array(p.size).fill(1) });
  }
  return { ...g, populations, projections };
}

function stimulusOf(x: Float64Array, T: number, n: number): StimulusIR {
  const tick: number[] = [];
  const neuron: number[] = [];
  for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) if (x[t * n + i] !== 0) { tick.push(t); neuron.push(i); }
  return { spikes: new Map([["input", { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) };
}

const run = (spec: ChipSpec, graph: ModelGraph, stimulus: StimulusIR, ticks: number, precision: "fixed" | "float") =>
  compileAndRun(spec, { graph, stimulus }, { steps: ticks, compile: { precision }, provenance: { aerchipVersion: "test", inputs: [], options: {} } });

const raster = (s: { tick: Int32Array; neuron: Int32Array } | undefined) => ({ ticks: [...(s?.tick ?? [])], neurons: [...(s?.neuron ?? [])] });

describe("reset snntorch-subtract on IF nodes (β = 1)", () => {
  it("lowers to the compartment's subtract reset with no self-synapse; the spikes equal the self-synapse lowering in float on the generic chip, and the NIR reference", async () => {
    const { doc, m } = await load("if", ifChain(7, iff), { reset: "snntorch-subtract" });
    expect(m.graph.projections.filter((p) => p.name.includes(".reset"))).toEqual([]);
    for (const pop of ["if1", "if2"]) expect([...m.graph.populations.find((p) => p.name === pop)!.params!.resetMode].every((r) => r === ResetMode.subtract)).toBe(true);
    // Exactly the graph of --reset subtract: same synapses, same parameters, so the same ops and energy.
    expect(m.graph).toEqual((await load("if", ifChain(7, iff), { reset: "subtract" })).m.graph);

    const rng = createRng(3);
    const T = 200;
    const x = spikes(rng, T * 4, 0.4);
    const cmp = compareWithReference(doc, m, new Map([["input", x]]), T);
    for (const [node, mm] of cmp.mismatches) expect({ node, mismatches: mm }).toEqual({ node, mismatches: 0 });

    const generic = loadPreset("generic");
    const stim = stimulusOf(x, T, 4);
    const ticks = T + m.extraTicks;
    const a = run(generic, m.graph, stim, ticks, "float");
    const b = run(generic, withSelfSynapses(m.graph, ["if1", "if2"]), stim, ticks, "float");
    for (const pop of ["if1", "if2"]) {
      expect({ pop, ...raster(a.sim.spikes.get(pop)) }).toEqual({ pop, ...raster(b.sim.spikes.get(pop)) });
      // Enough spikes, and neurons that fire on consecutive ticks, for the reset to matter.
      expect(a.sim.spikes.get(pop)!.tick.length).toBeGreaterThan(40);
    }
  });

  it("runs on odin in fixed point (refused with the self-synapse: E_FIXED_SOURCE_SIGN_MIXED), with the spikes of --reset subtract", async () => {
    const odin = loadPreset("odin");
    // The CLI passes the chip's delay limit (odin: 1 tick), so that the bias drives fit.
    const maxDelayTicks = odin.core.maxDelayTicks;
    const { m } = await load("if", ifChain(11, iff), { reset: "snntorch-subtract", maxDelayTicks });
    const sub = (await load("if", ifChain(11, iff), { reset: "subtract", maxDelayTicks })).m;
    const rng = createRng(4);
    const T = 120;
    const stim = stimulusOf(spikes(rng, T * 4, 0.4), T, 4);
    const ticks = T + m.extraTicks;
    const a = run(odin, m.graph, stim, ticks, "fixed");
    const b = run(odin, sub.graph, stim, ticks, "fixed");
    for (const pop of ["if1", "if2"]) expect({ pop, ...raster(a.sim.spikes.get(pop)) }).toEqual({ pop, ...raster(b.sim.spikes.get(pop)) });
    expect(a.sim.spikes.get("if1")!.tick.length).toBeGreaterThan(20);
    // The same graph with the self-synapses is what odin cannot store.
    expect(() => compileModel(withSelfSynapses(m.graph, ["if1"]), odin, { precision: "fixed" })).toThrow(/weights of both signs/);
  });
});

describe("reset snntorch-subtract on LIF nodes (β ≠ 1), odin fixed point", () => {
  it("keeps the self-synapse, and the sign refusal names --reset snntorch-subtract and what to do", async () => {
    const odin = loadPreset("odin");
    const { m } = await load("lif", ifChain(13, lif), { reset: "snntorch-subtract", maxDelayTicks: odin.core.maxDelayTicks });
    expect(m.graph.projections.filter((p) => p.name.endsWith(".reset")).map((p) => p.name)).toEqual(["__if1.reset", "__if2.reset"]);
    let err: unknown;
    try {
      compileModel(m.graph, odin, { precision: "fixed" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AerchipError);
    const e = err as AerchipError;
    expect(e.code).toBe("E_FIXED_SOURCE_SIGN_MIXED");
    expect(e.field).toBe("projections.__if1.reset");
    expect(e.message).toContain("--reset snntorch-subtract");
    expect(e.hint).toContain("--precision float");
    expect(e.hint).toContain("--arch generic");
    expect(e.hint).not.toContain("split the population");
    // Float, and a chip with a sign per synapse, take it.
    expect(() => compileModel(m.graph, odin, { precision: "float" })).not.toThrow();
    expect(() => compileModel(m.graph, loadPreset("generic"), { precision: "fixed" })).not.toThrow();
  });
});
