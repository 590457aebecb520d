/**
 * Spikes by population at the end of a run in WebAssembly (chip/sim/wasm/by-population.ts) against the
 * TypeScript SpikeRecord.byPopulation: the same (tick, index) lists for records whose ticks list neurons in
 * random order (a dense and a sparse population), a record with a repeated neuron in a
 * tick (kept), populations already in order (copied), and empty ticks and populations. A dense population
 * (a bitmap word read per tick costs little against its spikes) is sorted tick by tick through a bitmap;
 * a sparse one, and one with a repeated neuron (which a bitmap would merge), by the counting sort.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../../compiler/compile.ts";
import { uniformNeuronParams, type ModelGraph } from "../../../../compiler/ir/types.ts";
import { ResetMode } from "../../../../chip/program/types.ts";
import { buildSimState } from "../../../../chip/sim/state.ts";
import { SpikeRecord } from "../../../../chip/sim/spike-record.ts";
import { spikesByPopulationWasm } from "../../../../chip/sim/wasm/by-population.ts";
import { kernelsFor } from "../../../../chip/sim/wasm/kernels.ts";
import { createRng, type Rng } from "../../../../core/rng.ts";
import { genericWith } from "../../../helpers/specs.ts";

const SIZES = { stim: 50, dense: 700, sparse: 3000, quiet: 5 } as const;

function graph(): ModelGraph {
  const neurons = (name: string, size: number) => ({ name, kind: "neuron" as const, size, shape: [size], spiking: true, params: uniformNeuronParams(size, { voltageDecay: 0.9, vThreshold: 1, resetMode: ResetMode.zero }) });
  const one = (post: string) => ({ name: `stim_${post}`, pre: "stim", post, encoding: "sparse" as const, preIndex: Uint32Array.of(0), postIndex: Uint32Array.of(0), weight: Float64Array.of(0.5), delayTicks: Uint16Array.of(1) });
  return {
    name: "by-population", defaultSteps: 10,
    populations: [
      { name: "stim", kind: "input", size: SIZES.stim, shape: [SIZES.stim], spiking: true },
      neurons("dense", SIZES.dense), neurons("sparse", SIZES.sparse), neurons("quiet", SIZES.quiet),
    ],
    projections: [one("dense"), one("sparse"), one("quiet")],
  };
}

function shuffle(xs: number[], rng: Rng): number[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.nextBelow(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

describe("spikes by population in WebAssembly", () => {
  // Small cores and a random placement: a population's neurons are spread over cores out of index order.
  const spec = genericWith({ maxNeurons: 64 });
  const { program } = compileModel(graph(), spec, { placement: "random", seed: 11 });
  const st = buildSimState(spec, program);
  const k = kernelsFor(st.wasm!.memory);
  const names = program.populations.map((p) => p.name);
  const globalOf = (name: string) => {
    const p = names.indexOf(name);
    const out: number[] = [];
    for (let n = 0; n < st.neuronCount; n++) if (st.populationOfNeuron[n] === p) out[st.indexInPopulation[n]] = n;
    return out;
  };

  /** Both implementations on a record of `ticks` ticks whose tick t lists `fired(t)` (global neurons, in that order). */
  const both = (ticks: number, fired: (t: number) => number[]) => {
    const rec = new SpikeRecord(ticks);
    for (let t = 0; t < ticks; t++) {
      const f = Uint32Array.from(fired(t));
      rec.addTick(t, f, f.length);
    }
    const ts = rec.byPopulation(st, names, ticks);
    const wa = spikesByPopulationWasm(k, st.wasm!, st, program.populations, rec.raw(), ticks);
    for (const name of names) {
      expect(Array.from(wa.get(name)!.tick), `${name} ticks`).toEqual(Array.from(ts.get(name)!.tick));
      expect(Array.from(wa.get(name)!.neuron), `${name} indices`).toEqual(Array.from(ts.get(name)!.neuron));
    }
    // The per-tick bitmap is left zeroed for the next population and run.
    expect(st.wasm!.runs.byPopulation!.bitmap.every((w) => w === 0), "bitmap zeroed").toBe(true);
    return ts;
  };
  /** Whether the kernel found a population's spikes out of order in the last call (so it sorted them). */
  const sorted = (name: string) => st.wasm!.runs.byPopulation!.unsorted[names.indexOf(name)] === 1;

  it("sorts the spikes of a dense and a sparse population out of order as TypeScript does", () => {
    const rng = createRng(21);
    const dense = globalOf("dense"), sparse = globalOf("sparse"), stim = globalOf("stim");
    const T = 400;
    const out = both(T, (t) => {
      // Dense: ~30% of its neurons every tick; sparse: a spike every few ticks at an index anywhere in 3000,
      // and its first and last neuron together.
      const f = dense.filter(() => rng.nextFloat() < 0.3);
      if (t % 3 === 0) f.push(sparse[rng.nextBelow(SIZES.sparse)]);
      if (t % 7 === 0) f.push(sparse[SIZES.sparse - 1], sparse[0]);
      f.push(...stim.filter(() => rng.nextFloat() < 0.1));
      return shuffle(f, rng);
    });
    expect(out.get("dense")!.tick.length).toBeGreaterThan(T * SIZES.dense * 0.25);
    expect(out.get("sparse")!.tick.length).toBeGreaterThan(T / 3);
    expect(out.get("quiet")!.tick.length).toBe(0);
    for (const name of ["dense", "sparse", "stim"]) expect(sorted(name), name).toBe(true);
  });

  it("keeps a neuron repeated within a tick", () => {
    const dense = globalOf("dense");
    const out = both(3, (t) => (t === 1 ? [dense[5], dense[700 - 1], dense[5], dense[64], dense[63]] : [dense[t + 1], dense[0]]));
    expect(Array.from(out.get("dense")!.neuron)).toEqual([0, 1, 5, 5, 63, 64, 699, 0, 3]);
  });

  it("copies populations already in order; empty records and ticks", () => {
    const stim = globalOf("stim");
    both(5, (t) => (t === 2 ? [] : stim.slice(t, t + 10)));
    expect(sorted("stim")).toBe(false);
    both(4, () => []);
  });
});
