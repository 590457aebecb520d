/**
 * Stimulus repeats (chip/program/types.ts StimulusSpikes.keepRepeats, `--input-counts`): a population that
 * keeps them lists a neuron named c times in a tick c times (sorted, whatever the input's order), and the
 * neuron fires c times: c times its synaptic ops, packets and spikes, its targets integrating c·w. Other
 * populations' duplicates still merge. A run with repeats gives the same results whatever kernels or threads
 * are asked for (it runs on one thread in the TypeScript kernels, and says so: SimResult.threads, kernels).
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph } from "../../../compiler/ir/types.ts";
import { ResetMode, type ChipStimulus } from "../../../chip/program/types.ts";
import { buildSimState } from "../../../chip/sim/state.ts";
import { resolveStimulus } from "../../../chip/sim/stimulus.ts";
import { runState, type SimResult } from "../../../chip/sim/run.ts";
import { COUNTER_COUNT, CounterKind } from "../../../chip/sim/counters.ts";
import { genericWith } from "../../helpers/specs.ts";

const STEPS = 6;

/** Inputs a (4) and b (3), all-to-all into 5 LIF neurons with weight 0.1 (none fires: v stays below 1). */
function graph(): ModelGraph {
  const lif = uniformNeuronParams(5, { voltageDecay: 0.5, vThreshold: 10, resetMode: ResetMode.zero });
  return {
    name: "repeats", defaultSteps: STEPS,
    populations: [
      { name: "a", kind: "input", size: 4, shape: [4], spiking: true },
      { name: "b", kind: "input", size: 3, shape: [3], spiking: true },
      { name: "n", kind: "neuron", size: 5, shape: [5], spiking: true, params: lif },
    ],
    projections: (["a", "b"] as const).map((pre) => {
      const size = pre === "a" ? 4 : 3;
      const ks = Array.from({ length: size * 5 }, (_, k) => k);
      return { name: `${pre}_n`, pre, post: "n", encoding: "dense", preIndex: Uint32Array.from(ks, (k) => Math.floor(k / 5)), postIndex: Uint32Array.from(ks, (k) => k % 5), weight: new Float64Array(ks.length).fill(0.1), delayTicks: new Uint16Array(ks.length).fill(1) };
    }),
  };
}

const program = compileModel(graph(), genericWith({ maxNeurons: 4 }), { placement: "linear" }).program;

/** a: neuron 2 three times and neuron 0 once in tick 0 (out of order), neuron 1 twice in tick 2; b: neuron 1 twice in tick 0. */
function stimulus(keepA: boolean): ChipStimulus {
  return {
    spikes: new Map([
      ["a", { tick: Int32Array.of(0, 2, 0, 2, 0, 0), neuron: Int32Array.of(2, 1, 0, 1, 2, 2), ...(keepA ? { keepRepeats: true } : {}) }],
      ["b", { tick: Int32Array.of(0, 0), neuron: Int32Array.of(1, 1) }],
    ]),
  };
}

function run(keepA: boolean, opts: { kernels?: "js" | "wasm"; threads?: number } = {}): SimResult {
  const st = buildSimState(genericWith({ maxNeurons: 4 }), program, opts.threads !== undefined && opts.threads > 1 ? { shared: true } : {});
  return runState(genericWith({ maxNeurons: 4 }), program, st, stimulus(keepA), { steps: STEPS, recordVoltages: ["n"], ...opts });
}

describe("stimulus repeats", () => {
  it("resolveStimulus keeps a's repeats, sorted, and merges b's; maxRepeatsPerTick counts them", () => {
    const st = buildSimState(genericWith({ maxNeurons: 4 }), program);
    const kept = resolveStimulus(program, st.coreNeuronStart, stimulus(true), STEPS);
    const merged = resolveStimulus(program, st.coreNeuronStart, stimulus(false), STEPS);
    // tick 0: a0, a2 ×3, b1 (once); tick 2: a1 ×2.
    expect(kept.tickPtr[1] - kept.tickPtr[0]).toBe(5);
    expect(kept.tickPtr[3] - kept.tickPtr[2]).toBe(2);
    expect(kept.maxRepeatsPerTick).toBe(2);
    expect(merged.tickPtr[1] - merged.tickPtr[0]).toBe(3);
    expect(merged.tickPtr[3] - merged.tickPtr[2]).toBe(1);
    expect(merged.maxRepeatsPerTick).toBe(0);
    const t0 = Array.from(kept.neuron.subarray(0, 5));
    expect(t0).toEqual([...t0].sort((x, y) => x - y));
  });

  it("a neuron named c times fires c times: c times the ops, packets and spikes, c·w integrated", () => {
    const once = run(false);
    const every = run(true);
    const total = sumKind;
    // Input spikes: 1 (a0) + 3 (a2) + 1 (b1) + 2 (a1) = 7 against 4 merged; each reaches 5 synapses.
    expect(total(every, "spikes")).toBe(7);
    expect(total(once, "spikes")).toBe(4);
    expect(total(every, "synOps")).toBe(35);
    expect(total(once, "synOps")).toBe(20);
    expect(total(every, "packetsOut")).toBe(7 * total(once, "packetsOut") / 4);
    expect(every.spikes.get("a")!.tick.length).toBe(6);
    // Tick 1: every n neuron gets a0 + 3·a2 + b1 = 5 × 0.1 (once: 3 × 0.1); v = u + 0 with current decay 0.
    const v = (r: SimResult, t: number): number => r.voltages.get("n")![t * 5];
    expect(v(every, 1)).toBeCloseTo(0.5, 12);
    expect(v(once, 1)).toBeCloseTo(0.3, 12);
  });

  it("the same results with the TypeScript or WebAssembly kernels asked for, on 1 or 2 threads (run on one, in TypeScript)", () => {
    const ref = run(true, { kernels: "js" });
    for (const opts of [{ kernels: "wasm" as const }, { threads: 2 }]) {
      const r = run(true, opts);
      expect(Array.from(r.counters.perTick)).toEqual(Array.from(ref.counters.perTick));
      expect(Array.from(r.counters.perCore)).toEqual(Array.from(ref.counters.perCore));
      expect(Array.from(r.voltages.get("n")!)).toEqual(Array.from(ref.voltages.get("n")!));
      expect(r.threads).toBe(1);
      expect(r.kernels).toBe("js");
    }
  });
});

/** Σ over ticks of a counter kind. */
function sumKind(r: SimResult, k: "spikes" | "synOps" | "packetsOut"): number {
  return r.counters.perTick.reduce((s, v, i) => (i % COUNTER_COUNT === CounterKind[k] ? s + v : s), 0);
}
