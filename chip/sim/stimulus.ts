/**
 * Resolves a ChipStimulus (population name → (tick, neuron-in-population)) into global input-neuron
 * spikes sorted by tick then neuron, with duplicates removed (an input neuron emits at most one spike
 * per tick) and ticks >= steps dropped. Counting sort by tick, then a numeric sort of each tick's
 * neurons: O(spikes + steps), no comparator. Input already in that order, without duplicates (checked
 * in the validating pass; files and generated trains usually are), is taken as it comes.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { populationIndexAt, type ChipProgram, type ChipStimulus } from "../program/types.ts";

export interface ResolvedStimulus {
  /** tickPtr[t]..tickPtr[t+1] index `neuron` for tick t. */
  readonly tickPtr: Uint32Array;
  readonly neuron: Uint32Array;
}

/** An input population's spikes, checked, with each population index's global neuron. */
export interface StimulusSource {
  readonly name: string;
  readonly size: number;
  readonly globalOf: Uint32Array;
  readonly tick: Int32Array;
  readonly neuron: Int32Array;
}

/** The population `name` drives, checked (exists, is an input, one tick per spike), with its global neurons. */
export function stimulusSource(program: ChipProgram, coreNeuronStart: Uint32Array, name: string, sp: { readonly tick: Int32Array; readonly neuron: Int32Array }): StimulusSource {
  const pop = program.populations.find((p) => p.name === name);
  if (pop === undefined) throw new AerchipError("E_STIMULUS_UNKNOWN_POPULATION", `the input names population "${name}", which the program does not have`, { field: "input", hint: `use one of: ${program.populations.filter((p) => p.kind === "input").map((p) => p.name).join(", ")}` });
  if (pop.kind !== "input") throw new AerchipError("E_STIMULUS_NOT_INPUT", `population "${name}" is not an input population`, { field: "input", hint: "drive input populations only" });
  // population index → global neuron, via the blocks.
  const globalOf = new Uint32Array(pop.size);
  for (const b of pop.blocks) for (let i = 0; i < b.count; i++) globalOf[populationIndexAt(pop, b.populationStart + i)] = coreNeuronStart[b.coreIndex] + b.neuronStart + i;
  if (sp.tick.length !== sp.neuron.length) throw new AerchipError("E_STIMULUS_INVALID", `input for "${name}" has ${sp.tick.length} ticks and ${sp.neuron.length} neurons`, { field: "input", hint: "give one tick per spike" });
  return { name, size: pop.size, globalOf, tick: sp.tick, neuron: sp.neuron };
}

/** The error for spike k of `src` when it addresses no neuron of the population or a tick before 0, else undefined. */
export function invalidSpike(src: StimulusSource, k: number): AerchipError | undefined {
  const t = src.tick[k];
  const i = src.neuron[k];
  if (i < 0 || i >= src.size) return new AerchipError("E_STIMULUS_INVALID", `input spike ${k} of "${src.name}" addresses neuron ${i}; the population has ${src.size}`, { field: "input", hint: "check the input's shape against the model's input" });
  if (t < 0) return new AerchipError("E_STIMULUS_INVALID", `input spike ${k} of "${src.name}" is at tick ${t}`, { field: "input", hint: "ticks start at 0" });
  return undefined;
}

export function resolveStimulus(program: ChipProgram, coreNeuronStart: Uint32Array, stimulus: ChipStimulus, steps: number): ResolvedStimulus {
  const sources: StimulusSource[] = [];
  const perTick = new Uint32Array(steps + 1);
  // Whether the input, taken population by population, is already in (tick, global neuron) order without
  // duplicates (files and generated trains usually are): then the spikes are the result as they come.
  let ordered = true;
  let prevTick = -1;
  let prevNeuron = -1;
  for (const [name, sp] of stimulus.spikes) {
    const src = stimulusSource(program, coreNeuronStart, name, sp);
    const { tick, neuron, globalOf, size } = src;
    for (let k = 0; k < tick.length; k++) {
      const t = tick[k];
      const i = neuron[k];
      if (i < 0 || i >= size || t < 0) throw invalidSpike(src, k)!;
      if (t < steps) {
        perTick[t + 1]++;
        const g = globalOf[i];
        if (t < prevTick || (t === prevTick && g <= prevNeuron)) ordered = false;
        prevTick = t;
        prevNeuron = g;
      }
    }
    sources.push(src);
  }
  for (let t = 0; t < steps; t++) perTick[t + 1] += perTick[t];
  const all = new Uint32Array(perTick[steps]);
  if (ordered) {
    // Every kept spike in order: tickPtr is the count prefix, the neurons are the input's, mapped.
    let out = 0;
    for (const { globalOf, tick, neuron } of sources) for (let k = 0; k < tick.length; k++) if (tick[k] < steps) all[out++] = globalOf[neuron[k]];
    return { tickPtr: perTick, neuron: all };
  }
  const at = perTick.slice(0, steps);
  for (const { globalOf, tick, neuron } of sources) {
    for (let k = 0; k < tick.length; k++) {
      const t = tick[k];
      if (t < steps) all[at[t]++] = globalOf[neuron[k]];
    }
  }
  // Sort each tick's neurons and drop duplicates, compacting in place.
  const tickPtr = new Uint32Array(steps + 1);
  let out = 0;
  for (let t = 0; t < steps; t++) {
    const lo = perTick[t];
    const hi = perTick[t + 1];
    if (hi - lo > 1) all.subarray(lo, hi).sort();
    for (let k = lo; k < hi; k++) {
      const n = all[k];
      if (k > lo && n === all[k - 1]) continue;
      all[out++] = n;
    }
    tickPtr[t + 1] = out;
  }
  return { tickPtr, neuron: all.slice(0, out) };
}
