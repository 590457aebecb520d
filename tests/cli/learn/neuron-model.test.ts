/**
 * `aerchip learn mnist --neuron-model lif-cond` (cli/learn/diehl-cook-cond.ts): Diehl & Cook's network with their
 * conductance-based neurons. The graph's excitatory and inhibitory populations are lif-cond with D&C's constants
 * (the harness's mV-above-rest voltages shifted by E_rest, inh→exc −17 onto g_i), each counts one neuron update
 * per neuron and tick, refractory ticks included; the CLI run writes the choice into learn-mnist.json and its
 * checkpoint (an interrupted run resumes to the same bytes, a resume with the other model is refused); chips that
 * do not run lif-cond (loihi, the harness's usual chip) are refused before training, naming the chips that do;
 * --set of a parameter the conductance network does not read is refused, and such parameters (inputGainExc,
 * inputGainInh, wInhExc) are not in the files' params or paramsProvenance.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../../helpers/cli.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { COUNTER_COUNT, CounterKind } from "../../../chip/sim/counters.ts";
import { NeuronDynamics } from "../../../chip/program/types.ts";
import { learningProgramFromNamedRule } from "../../../chip/program/learning-program.ts";
import { createRng } from "../../../core/rng.ts";
import { writeNpy } from "../../../core/io/npy.ts";
import { DIEHL_COOK_DEFAULTS, diehlCookGraph, diehlCookRule } from "../../../cli/learn/diehl-cook.ts";
import { learnCommand, type LearnCommandOptions } from "../../../cli/commands/learn.ts";
import { clearInterrupt, requestInterrupt } from "../../../cli/interrupt.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-learn-cond-"));
const SMALL = ["--neurons", "10", "--train", "20", "--test", "10"];
const learn = (out: string, ...extra: string[]) => cli("learn", "mnist", ...SMALL, ...extra, "--out", join(dir, out), "--quiet");
const bytes = (out: string) => readFileSync(join(dir, out, "learn-mnist.json"));
const doc = (out: string) => JSON.parse(bytes(out).toString("utf8"));

describe("learn --neuron-model lif-cond: the network", () => {
  const N = 10;
  const T = 100;
  const build = () => {
    const lr = learningProgramFromNamedRule(diehlCookRule(DIEHL_COOK_DEFAULTS), { rounding: "nearest", seed: 1 });
    return diehlCookGraph(N, lr, createRng(1), DIEHL_COOK_DEFAULTS, [28, 28], "lif-cond");
  };

  it("builds lif-cond populations with D&C's constants (voltages shifted from mV above rest, inh→exc −17 onto g_i)", () => {
    const g = build();
    const exc = g.populations.find((p) => p.name === "exc")!.params!;
    const inh = g.populations.find((p) => p.name === "inh")!.params!;
    for (const p of [exc, inh]) expect(Array.from(p.dynamics!).every((d) => d === NeuronDynamics.lifCond)).toBe(true);
    expect([exc.condERest![0], exc.condEExc![0], exc.condEInh![0], exc.condTauMs![0], exc.condTauGeMs![0], exc.condTauGiMs![0], exc.condDtMs![0]]).toEqual([-65, 0, -100, 100, 1, 2, 1]);
    expect([inh.condERest![0], inh.condEExc![0], inh.condEInh![0], inh.condTauMs![0], inh.condTauGeMs![0], inh.condTauGiMs![0]]).toEqual([-60, 0, -85, 10, 1, 2]);
    expect([exc.vThreshold[0], exc.vReset[0], exc.vInit[0], inh.vThreshold[0], inh.vReset[0], inh.vInit[0]]).toEqual([-52, -65, -65, -40, -45, -60]);
    // Brian's refractory R·dt is R − 1 frozen ticks (5 ms and 2 ms at 1 ms ticks).
    expect([exc.refractoryTicks[0], inh.refractoryTicks[0]]).toEqual([4, 1]);
    expect(exc.thetaPlus![0]).toBe(0.05);
    expect(g.projections.find((p) => p.name === "inh_exc")!.weight[0]).toBe(-17);
    expect(g.projections.find((p) => p.name === "exc_inh")!.weight[0]).toBe(10.4);
    // The current-based network (default) has no conductance neurons and keeps its mapped inhibition.
    const lif = diehlCookGraph(N, learningProgramFromNamedRule(diehlCookRule(DIEHL_COOK_DEFAULTS), { rounding: "nearest", seed: 1 }), createRng(1), DIEHL_COOK_DEFAULTS);
    expect(lif.populations.find((p) => p.name === "exc")!.params!.dynamics).toBeUndefined();
    expect(lif.projections.find((p) => p.name === "inh_exc")!.weight[0]).toBe(DIEHL_COOK_DEFAULTS.wInhExc);
    // Same random draws: the same initial input weights.
    expect(lif.projections[0].weight).toEqual(g.projections[0].weight);
  });

  it("runs on spinnaker2 with learning: one neuron update per neuron and tick (refractory ticks included), and the exc neurons fire", () => {
    const spec = loadPreset("spinnaker2");
    const { program } = compileModel(build(), spec, {});
    // Strong input: every tenth pixel fires every other tick, so the neurons fire and spend ticks refractory.
    const tick: number[] = [];
    const neuron: number[] = [];
    for (let t = 0; t < T; t += 2) for (let i = 0; i < 784; i += 10) { tick.push(t); neuron.push(i); }
    const sim = simulate(spec, program, { spikes: new Map([["input", { tick: Int32Array.from(tick), neuron: Int32Array.from(neuron) }]]) }, { steps: T });
    let updates = 0;
    const pc = sim.counters.perCore;
    for (let c = 0; c < pc.length / COUNTER_COUNT; c++) updates += pc[c * COUNTER_COUNT + CounterKind.neuronUpdates];
    expect(updates).toBe(2 * N * T);
    const exc = sim.spikes.get("exc")!;
    expect(exc.tick.length).toBeGreaterThan(N);
    expect(sim.spikes.get("inh")!.tick.length).toBeGreaterThan(0);
    // Some neuron fired at two ticks closer than its 4 refractory ticks apart would allow: never.
    const last = new Map<number, number>();
    for (let k = 0; k < exc.tick.length; k++) {
      const prev = last.get(exc.neuron[k]);
      if (prev !== undefined) expect(exc.tick[k] - prev).toBeGreaterThan(4);
      last.set(exc.neuron[k], exc.tick[k]);
    }
  });
});

describe("learn mnist --neuron-model lif-cond (CLI)", () => {
  it("trains and tests on spinnaker2 and records the model and its constants; the default file is unchanged by the option", async () => {
    const r = await learn("cond", "--arch", "spinnaker2", "--neuron-model", "lif-cond");
    expect(r.code, r.stderr).toBe(0);
    const d = doc("cond");
    expect(d.neuronModel).toBe("lif-cond");
    expect(d.conductance.derived).toMatchObject({ vThresholdExcMv: -52, vResetExcMv: -65, vThresholdInhMv: -40, vResetInhMv: -45, refractoryExcTicks: 9, refractoryInhTicks: 3, dtMs: 0.5 });
    expect(d.conductance.wInhExcCond).toBe(-17);
    expect(d.conductance.sources.eInhExc).toMatch(/\[C\] D&C code/);
    // The current-based gains and inh→exc weight, which this network does not read, are not recorded as if they ran
    // (audit s25b #3); the conductance block has the inh→exc weight that did. The rest of params is there.
    for (const k of ["inputGainExc", "inputGainInh", "wInhExc"]) {
      expect(Object.keys(d.params)).not.toContain(k);
      expect(Object.keys(d.paramsProvenance)).not.toContain(k);
    }
    // Without --set tickMs the conductance network steps at D&C's 0.5 ms (at 1 ms, τ_ge = dt: g_e emptied each step).
    expect(d.params).toMatchObject({ wExcInh: expect.any(Number), tauSynMs: 1, tickMs: 0.5 });
    expect(d.paramsProvenance.tickMs).toMatch(/^\[C\] D&C code: defaultclock\.dt = 0\.5 ms \(--neuron-model lif-cond's default step/);
    expect(d.paramsProvenance.wExcInh).toEqual(expect.any(String));
    // A tick the user gives wins, and is recorded as theirs.
    expect((await learn("cond-t1", "--arch", "spinnaker2", "--neuron-model", "lif-cond", "--set", "tickMs=1", "--train", "2", "--test", "2")).code).toBe(0);
    expect(doc("cond-t1").params.tickMs).toBe(1);
    expect(doc("cond-t1").conductance.derived).toMatchObject({ dtMs: 1, refractoryExcTicks: 4, refractoryInhTicks: 1 });
    expect(doc("cond-t1").paramsProvenance.tickMs).toMatch(/^user: --set tickMs=1 \(default 0\.5: \[C\] D&C code: defaultclock\.dt = 0\.5 ms/);
    const res = d.results[0];
    expect(res.opsPerTrainSample.synUpdates).toBeGreaterThan(0);
    expect(res.accuracy).toBeGreaterThanOrEqual(0);
    expect(res.presentations).toBeGreaterThanOrEqual(20);
    // Not the current-based network's run on the same chip.
    expect((await learn("lif", "--arch", "spinnaker2")).code).toBe(0);
    expect(doc("lif").neuronModel).toBeUndefined();
    expect(doc("lif").conductance).toBeUndefined();
    for (const k of ["inputGainExc", "inputGainInh", "wInhExc"]) {
      expect(doc("lif").params[k]).toEqual(expect.any(Number));
      expect(doc("lif").paramsProvenance[k]).toEqual(expect.any(String));
    }
    expect(bytes("lif").equals(bytes("cond"))).toBe(false);
    expect((await learn("lif-named", "--arch", "spinnaker2", "--neuron-model", "lif")).code).toBe(0);
    expect(bytes("lif-named").equals(bytes("lif"))).toBe(true);
  }, 120_000);

  it("is refused on chips that do not run lif-cond (loihi), naming spinnaker2 and generic; and with --set of a parameter it does not read", async () => {
    const r = await learn("loihi", "--arch", "loihi", "--neuron-model", "lif-cond");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_ARCH_NEURON_MODEL: --neuron-model lif-cond builds conductance-based neurons, which chip "loihi" does not run/);
    expect(r.stderr).toMatch(/--arch generic or --arch spinnaker2/);
    const g = await learn("gain", "--arch", "generic", "--neuron-model", "lif-cond", "--set", "inputGainExc=0.5");
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/E_CLI_OPTION: --set inputGainExc: the conductance network/);
    const s = await learn("syn0", "--arch", "generic", "--neuron-model", "lif-cond", "--set", "tauSynMs=0");
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/needs tauSynMs > 0/);
    for (const out of ["loihi", "gain", "syn0"]) expect(existsSync(join(dir, out))).toBe(false);
  }, 60_000);

  it("an interrupted run resumes to the uninterrupted run's bytes; a resume with the other neuron model is refused", async () => {
    const base: LearnCommandOptions = {
      neurons: 10, train: 20, test: 10, arch: "spinnaker2", rounding: "stochastic", passes: 1, seed: 1, json: false, quiet: true,
      out: join(dir, "ck-out"), checkpoint: join(dir, "cond.ckpt"), checkpointEvery: 5, neuronModel: "lif-cond",
    };
    await learnCommand("mnist", { ...base, out: join(dir, "whole"), checkpoint: undefined });
    clearInterrupt();
    try {
      await expect(learnCommand("mnist", { ...base, afterSample: (_w, done) => { if (done === 6) requestInterrupt(); } })).rejects.toMatchObject({ code: "E_INTERRUPTED" });
    } finally {
      clearInterrupt();
    }
    const { neuronModel: _m, ...lif } = base;
    const err = await learnCommand("mnist", { ...lif, resume: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "E_CHECKPOINT_MISMATCH", field: "--neuron-model" });
    expect((err as Error).message).toMatch(/written with --neuron-model lif-cond; this run has --neuron-model lif/);
    await learnCommand("mnist", { ...base, resume: true });
    expect(bytes("ck-out").equals(bytes("whole"))).toBe(true);
  }, 120_000);

  it("a feature data set trains with it too and learn-features.json records it", async () => {
    // 12 samples × 16 features, two groups of lit features.
    const X = new Float32Array(12 * 16);
    for (let n = 0; n < 12; n++) for (let d = 0; d < 8; d++) X[n * 16 + (n % 2) * 8 + d] = 1;
    const x = join(dir, "X.npy");
    writeFileSync(x, writeNpy(X, [12, 16]));
    const r = await cli("learn", x, "--neurons", "4", "--arch", "generic", "--neuron-model", "lif-cond", "--out", join(dir, "feat"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(readFileSync(join(dir, "feat", "learn-features.json"), "utf8"));
    expect(d.neuronModel).toBe("lif-cond");
    expect(d.conductance.derived.vThresholdExcMv).toBe(-52);
    for (const k of ["inputGainExc", "inputGainInh", "wInhExc"]) {
      expect(Object.keys(d.params)).not.toContain(k);
      expect(Object.keys(d.paramsProvenance)).not.toContain(k);
    }
  }, 60_000);

  it("learn --help lists the option", async () => {
    const h = await cli("learn", "--help");
    expect(h.stdout).toMatch(/--neuron-model <name>/);
    expect(h.stdout).toMatch(/lif-cond/);
  });
});
