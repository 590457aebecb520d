/**
 * Resolves a ChipStimulus (population name → (tick, neuron-in-population)) into global input-neuron
 * spikes sorted by tick then neuron, with duplicates removed (an input neuron emits at most one spike
 * per tick) and ticks >= steps dropped. A population whose spikes say `keepRepeats` keeps its duplicates:
 * its neuron named c times in a tick is listed c times, and fires c times (`--input-counts`). Counting
 * sort by tick, then a numeric sort of each tick's neurons: O(spikes + steps), no comparator. Input already in that order, without duplicates (checked
 * in the validating pass; files and generated trains usually are), is taken as it comes.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { populationIndexAt, type ChipProgram, type ChipStimulus, type StimulusSpikes } from "../program/types.ts";

export interface ResolvedStimulus {
  /** tickPtr[t]..tickPtr[t+1] index `neuron` for tick t. */
  readonly tickPtr: Uint32Array;
  readonly neuron: Uint32Array;
  /**
   * Listed neurons that repeat one already listed in their tick (kept by `keepRepeats`), at most in one
   * tick: the fired lists need this much room beyond one entry per neuron. 0 without repeats.
   */
  readonly maxRepeatsPerTick: number;
}

/** An input population's spikes, checked, with each population index's global neuron. */
export interface StimulusSource {
  readonly name: string;
  readonly size: number;
  readonly globalOf: Uint32Array;
  readonly tick: Int32Array;
  readonly neuron: Int32Array;
  readonly keepRepeats: boolean;
}

/** The population `name` drives, checked (exists, is an input, one tick per spike), with its global neurons. */
export function stimulusSource(program: ChipProgram, coreNeuronStart: Uint32Array, name: string, sp: StimulusSpikes): StimulusSource {
  const pop = program.populations.find((p) => p.name === name);
  if (pop === undefined) throw new AerchipError("E_STIMULUS_UNKNOWN_POPULATION", `the input names population "${name}", which the program does not have`, { field: "input", hint: `use one of: ${program.populations.filter((p) => p.kind === "input").map((p) => p.name).join(", ")}` });
  if (pop.kind !== "input") throw new AerchipError("E_STIMULUS_NOT_INPUT", `population "${name}" is not an input population`, { field: "input", hint: "drive input populations only" });
  // population index → global neuron, via the blocks.
  const globalOf = new Uint32Array(pop.size);
  for (const b of pop.blocks) for (let i = 0; i < b.count; i++) globalOf[populationIndexAt(pop, b.populationStart + i)] = coreNeuronStart[b.coreIndex] + b.neuronStart + i;
  if (sp.tick.length !== sp.neuron.length) throw new AerchipError("E_STIMULUS_INVALID", `input for "${name}" has ${sp.tick.length} ticks and ${sp.neuron.length} neurons`, { field: "input", hint: "give one tick per spike" });
  return { name, size: pop.size, globalOf, tick: sp.tick, neuron: sp.neuron, keepRepeats: sp.keepRepeats === true };
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
  // A population that keeps its repeats may name a neuron again right after itself.
  let ordered = true;
  let prevTick = -1;
  let prevNeuron = -1;
  let repeats = false;
  for (const [name, sp] of stimulus.spikes) {
    const src = stimulusSource(program, coreNeuronStart, name, sp);
    const { tick, neuron, globalOf, size, keepRepeats } = src;
    if (keepRepeats) repeats = true;
    for (let k = 0; k < tick.length; k++) {
      const t = tick[k];
      const i = neuron[k];
      if (i < 0 || i >= size || t < 0) throw invalidSpike(src, k)!;
      if (t < steps) {
        perTick[t + 1]++;
        const g = globalOf[i];
        if (t < prevTick || (t === prevTick && (keepRepeats ? g < prevNeuron : g <= prevNeuron))) ordered = false;
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
    return { tickPtr: perTick, neuron: all, maxRepeatsPerTick: repeats ? maxRepeats(perTick, all, steps) : 0 };
  }
  const at = perTick.slice(0, steps);
  for (const { globalOf, tick, neuron } of sources) {
    for (let k = 0; k < tick.length; k++) {
      const t = tick[k];
      if (t < steps) all[at[t]++] = globalOf[neuron[k]];
    }
  }
  // Each population's global neurons keep their repeats or not (only when one keeps them).
  const keep = repeats ? keptNeurons(sources, coreNeuronStart) : undefined;
  // Sort each tick's neurons and drop duplicates (but those kept), compacting in place.
  const tickPtr = new Uint32Array(steps + 1);
  let out = 0;
  for (let t = 0; t < steps; t++) {
    const lo = perTick[t];
    const hi = perTick[t + 1];
    if (hi - lo > 1) all.subarray(lo, hi).sort();
    for (let k = lo; k < hi; k++) {
      const n = all[k];
      if (k > lo && n === all[k - 1] && (keep === undefined || keep[n] === 0)) continue;
      all[out++] = n;
    }
    tickPtr[t + 1] = out;
  }
  const neuron = all.slice(0, out);
  return { tickPtr, neuron, maxRepeatsPerTick: repeats ? maxRepeats(tickPtr, neuron, steps) : 0 };
}

/** A mark per global neuron: 1 for the neurons of populations whose repeats are kept. */
function keptNeurons(sources: readonly StimulusSource[], coreNeuronStart: Uint32Array): Uint8Array {
  const keep = new Uint8Array(coreNeuronStart[coreNeuronStart.length - 1]);
  for (const s of sources) if (s.keepRepeats) for (let i = 0; i < s.globalOf.length; i++) keep[s.globalOf[i]] = 1;
  return keep;
}

/** The most entries of one tick that repeat the entry before them (each tick's neurons sorted). */
function maxRepeats(tickPtr: Uint32Array, neuron: Uint32Array, steps: number): number {
  let most = 0;
  for (let t = 0; t < steps; t++) {
    let r = 0;
    for (let k = tickPtr[t] + 1; k < tickPtr[t + 1]; k++) if (neuron[k] === neuron[k - 1]) r++;
    if (r > most) most = r;
  }
  return most;
}
