/**
 * stimulus.ts resolveStimulus with its per-spike pass in the `mapStimulus` kernel: the checks, the counts
 * per tick, the global neurons and whether the input is already in (tick, neuron) order. Why: the pass
 * runs once per run, so in TypeScript it stays in V8's interpreter (~200 ns per spike, and a typed-array
 * sort call per tick: 4–12 ms for bench_lif10k's 19,825 input spikes, whose population order is not the
 * chip's); the kernels are compiled code from their first call. Input not in order is sorted by
 * `sortStimulus` (per tick, insertion sort), or by the TypeScript path when a tick holds more than 256
 * spikes; an invalid spike raises the same error as there.
 */
import type { ChipProgram, ChipStimulus } from "../../program/types.ts";
import { invalidSpike, resolveStimulus, stimulusSource, type ResolvedStimulus } from "../stimulus.ts";
import { assertInMemory, type WasmStateBinding } from "./binding.ts";
import type { WasmKernelExports } from "./kernels.ts";

/** Words of the stimulus context block (SX_* of assembly/kernels.ts, in this order). */
export const STIMULUS_WORDS = [
  "tick", "neuron", "count", "steps", "size", "globalOf", "perTick", "out", "outLen", "prevTick", "prevNeuron", "ordered",
  "keptTick", "sorted", "cursor", "tickOut",
] as const;
const W = Object.fromEntries(STIMULUS_WORDS.map((w, i) => [w, i])) as Record<(typeof STIMULUS_WORDS)[number], number>;

export interface StimulusScratch {
  readonly spikeCapacity: number;
  readonly neuronCapacity: number;
  readonly ticks: number;
  readonly tick: Int32Array;
  readonly neuron: Int32Array;
  readonly out: Uint32Array;
  readonly globalOf: Uint32Array;
  readonly perTick: Uint32Array;
  readonly keptTick: Int32Array;
  readonly sorted: Uint32Array;
  readonly cursor: Uint32Array;
  readonly tickOut: Uint32Array;
  readonly ctx: Int32Array;
}

export function resolveStimulusWasm(
  k: WasmKernelExports, b: WasmStateBinding, program: ChipProgram, coreNeuronStart: Uint32Array, stimulus: ChipStimulus, steps: number,
): ResolvedStimulus {
  const sources = [...stimulus.spikes].map(([name, sp]) => stimulusSource(program, coreNeuronStart, name, sp));
  // Repeats kept (`--input-counts`): the TypeScript pass, which keeps them (the kernels drop every repeat).
  if (sources.some((s) => s.keepRepeats)) return resolveStimulus(program, coreNeuronStart, stimulus, steps);
  let total = 0;
  let widest = 0;
  for (const s of sources) {
    total += s.tick.length;
    widest = Math.max(widest, s.size);
  }
  const x = stimulusScratch(b, total, widest, steps);
  const c = x.ctx;
  x.perTick.fill(0);
  c[W.outLen] = 0;
  c[W.prevTick] = -1;
  c[W.prevNeuron] = -1;
  c[W.ordered] = 1;
  c[W.steps] = steps;
  for (const src of sources) {
    x.tick.set(src.tick);
    x.neuron.set(src.neuron);
    x.globalOf.set(src.globalOf);
    c[W.count] = src.tick.length;
    c[W.size] = src.size;
    const bad = k.mapStimulus(c.byteOffset);
    if (bad >= 0) throw invalidSpike(src, bad)!;
  }
  if (c[W.ordered] === 1) {
    const tickPtr = new Uint32Array(steps + 1);
    for (let t = 0; t < steps; t++) tickPtr[t + 1] = tickPtr[t] + x.perTick[t + 1];
    return { tickPtr, neuron: x.out.slice(0, c[W.outLen]), maxRepeatsPerTick: 0 };
  }
  // Not in order: sorted by tick, then each tick by neuron, repeats dropped (in the kernel unless a tick
  // holds too many spikes for its insertion sort).
  const n = k.sortStimulus(c.byteOffset);
  if (n < 0) return resolveStimulus(program, coreNeuronStart, stimulus, steps);
  return { tickPtr: x.tickOut.slice(0, steps + 1), neuron: x.out.slice(0, n), maxRepeatsPerTick: 0 };
}

/** The scratch in the state's memory, reused by later runs and grown by doubling. */
function stimulusScratch(b: WasmStateBinding, spikes: number, neurons: number, ticks: number): StimulusScratch {
  const have = b.runs.stimulus;
  if (have !== undefined && have.spikeCapacity >= spikes && have.neuronCapacity >= neurons && have.ticks >= ticks) return have;
  const a = b.arena.allocator();
  // Capacities only grow, and only when a run needs more (see by-population.ts byPopulationScratch).
  const cap = have === undefined ? Math.max(spikes, 1024) : spikes > have.spikeCapacity ? Math.max(spikes, 2 * have.spikeCapacity) : have.spikeCapacity;
  const ncap = Math.max(neurons, have?.neuronCapacity ?? 0, 1);
  const tickCap = have === undefined ? ticks : ticks > have.ticks ? Math.max(ticks, 2 * have.ticks) : have.ticks;
  const made: StimulusScratch = {
    spikeCapacity: cap, neuronCapacity: ncap, ticks: tickCap,
    tick: a.i32(cap), neuron: a.i32(cap), out: a.u32(cap), globalOf: a.u32(ncap), perTick: a.u32(tickCap + 1),
    keptTick: a.i32(cap), sorted: a.u32(cap), cursor: a.u32(tickCap), tickOut: a.u32(tickCap + 1), ctx: a.i32(STIMULUS_WORDS.length),
  };
  const c = made.ctx;
  const arrays = [
    ["tick", made.tick], ["neuron", made.neuron], ["globalOf", made.globalOf], ["perTick", made.perTick], ["out", made.out],
    ["keptTick", made.keptTick], ["sorted", made.sorted], ["cursor", made.cursor], ["tickOut", made.tickOut],
  ] as const;
  for (const [w, arr] of arrays) {
    assertInMemory(w, arr, b.memory);
    c[W[w]] = arr.byteOffset;
  }
  assertInMemory("ctx", c, b.memory);
  b.runs.stimulus = made;
  return made;
}
