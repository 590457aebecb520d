/**
 * The synaptic events in flight at the end of a run in WebAssembly (chip/sim/wasm/in-flight.ts) against the
 * TypeScript inFlightByProjection: the same per-projection counts for random records over states with one
 * projection (no projection array), a few (one byte per synapse) and 260 (two bytes), for runs longer and
 * shorter than the longest delay, and for an empty record; and the count itself on a hand-checked case.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph } from "../../../../compiler/ir/types.ts";
import { ResetMode } from "../../../../chip/program/types.ts";
import { buildSimState, type SimState } from "../../../../chip/sim/state.ts";
import { SpikeRecord } from "../../../../chip/sim/spike-record.ts";
import { inFlightByProjection } from "../../../../chip/sim/in-flight.ts";
import { inFlightByProjectionWasm } from "../../../../chip/sim/wasm/in-flight.ts";
import { kernelsFor } from "../../../../chip/sim/wasm/kernels.ts";
import { createRng } from "../../../../core/rng.ts";
import { genericWith } from "../../../helpers/specs.ts";

const IN = 20;
const OUT = 30;
const MAX_DELAY = 6;

function graph(projections: number, seed: number): ModelGraph {
  const rng = createRng(seed);
  return {
    name: "in-flight", defaultSteps: 10,
    populations: [
      { name: "in", kind: "input", size: IN, shape: [IN], spiking: true },
      { name: "n", kind: "neuron", size: OUT, shape: [OUT], spiking: true, params: uniformNeuronParams(OUT, { voltageDecay: 0.9, vThreshold: 1, resetMode: ResetMode.zero }) },
    ],
    projections: Array.from({ length: projections }, (_, p) => {
      const count = projections > 10 ? 1 + rng.nextBelow(3) : 40 + rng.nextBelow(40);
      const pairs = new Map<number, number>();
      while (pairs.size < count) pairs.set(rng.nextBelow(IN * OUT), 1 + rng.nextBelow(MAX_DELAY));
      const keys = [...pairs.keys()].sort((a, b) => a - b);
      return {
        name: `p${p}`, pre: "in", post: "n", encoding: "sparse" as const,
        preIndex: Uint32Array.from(keys, (k) => Math.floor(k / OUT)), postIndex: Uint32Array.from(keys, (k) => k % OUT),
        weight: new Float64Array(keys.length).fill(0.1), delayTicks: Uint16Array.from(keys, (k) => pairs.get(k)!),
      };
    }),
  };
}

/** A record of `steps` ticks in which each global neuron fires with probability `rate`. */
function randomRecord(st: SimState, steps: number, rate: number, seed: number): SpikeRecord {
  const rng = createRng(seed);
  const rec = new SpikeRecord(steps);
  for (let t = 0; t < steps; t++) {
    const fired: number[] = [];
    for (let n = 0; n < st.neuronCount; n++) if (rng.nextFloat() < rate) fired.push(n);
    rec.addTick(t, Uint32Array.from(fired), fired.length);
  }
  return rec;
}

describe("synaptic events in flight at the end of a run, in WebAssembly", () => {
  const spec = genericWith({ maxNeurons: 16 });

  for (const projections of [1, 3, 260]) {
    it(`${projections} projection(s): the kernel's counts are TypeScript's`, () => {
      const { program } = compileModel(graph(projections, projections), spec, { placement: "random", seed: 3 });
      const st = buildSimState(spec, program);
      expect(st.synapses.projection?.BYTES_PER_ELEMENT).toBe(projections === 1 ? undefined : projections <= 256 ? 1 : 2);
      const k = kernelsFor(st.wasm!.memory);
      for (const [steps, rate] of [[40, 0.5], [3, 0.7], [1, 1], [25, 0]] as const) {
        const rec = randomRecord(st, steps, rate, steps + projections);
        const ts = inFlightByProjection(st, rec.raw(), steps, projections);
        expect(Array.from(inFlightByProjectionWasm(k, st.wasm!, st, rec.raw(), steps, projections)), `${steps} ticks`).toEqual(Array.from(ts));
        if (rate > 0) expect(ts.reduce((a, b) => a + b, 0), `${steps} ticks: something in flight`).toBeGreaterThan(0);
      }
    });
  }

  it("counts the events of the last ticks whose delay reaches past the end", () => {
    // One synapse from input 0 to neuron 0, delay 3: a spike at tick t arrives at t + 3.
    const g: ModelGraph = { ...graph(1, 1), projections: [{ name: "p0", pre: "in", post: "n", encoding: "sparse", preIndex: Uint32Array.of(0, 0), postIndex: Uint32Array.of(0, 1), weight: Float64Array.of(0.1, 0.1), delayTicks: Uint16Array.of(3, 1) }] };
    const { program } = compileModel(g, spec, {});
    const st = buildSimState(spec, program);
    const k = kernelsFor(st.wasm!.memory);
    const input0 = Array.from({ length: st.neuronCount }, (_, n) => n).find((n) => st.populationOfNeuron[n] === program.populations.findIndex((p) => p.name === "in") && st.indexInPopulation[n] === 0)!;
    // Input 0 fires at ticks 5, 7, 8 and 9 of 10: arrivals 8 (delivered), 10, 11, 12 (not) for delay 3; 6, 8,
    // 9 (delivered) and 10 (not) for delay 1.
    const rec = new SpikeRecord(10);
    for (let t = 0; t < 10; t++) rec.addTick(t, Uint32Array.of(input0), [5, 7, 8, 9].includes(t) ? 1 : 0);
    expect(Array.from(inFlightByProjection(st, rec.raw(), 10, 1))).toEqual([4]);
    expect(Array.from(inFlightByProjectionWasm(k, st.wasm!, st, rec.raw(), 10, 1))).toEqual([4]);
  });
});
