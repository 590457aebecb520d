/**
 * Resolves a ChipStimulus (population name → (tick, neuron-in-population)) into global input-neuron
 * spikes sorted by tick then neuron, with duplicates removed (an input neuron emits at most one spike
 * per tick) and ticks >= steps dropped.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { populationIndexAt, type ChipProgram, type ChipStimulus } from "../program/types.ts";

export interface ResolvedStimulus {
  /** tickPtr[t]..tickPtr[t+1] index `neuron` for tick t. */
  readonly tickPtr: Uint32Array;
  readonly neuron: Uint32Array;
}

export function resolveStimulus(program: ChipProgram, coreNeuronStart: Uint32Array, stimulus: ChipStimulus, steps: number): ResolvedStimulus {
  const ticks: number[] = [];
  const neurons: number[] = [];
  for (const [name, sp] of stimulus.spikes) {
    const pop = program.populations.find((p) => p.name === name);
    if (pop === undefined) throw new AerchipError("E_STIMULUS_UNKNOWN_POPULATION", `the input names population "${name}", which the program does not have`, { field: "input", hint: `use one of: ${program.populations.filter((p) => p.kind === "input").map((p) => p.name).join(", ")}` });
    if (pop.kind !== "input") throw new AerchipError("E_STIMULUS_NOT_INPUT", `population "${name}" is not an input population`, { field: "input", hint: "drive input populations only" });
    // population index → global neuron, via the blocks.
    const globalOf = new Uint32Array(pop.size);
    for (const b of pop.blocks) for (let i = 0; i < b.count; i++) globalOf[populationIndexAt(pop, b.populationStart + i)] = coreNeuronStart[b.coreIndex] + b.neuronStart + i;
    if (sp.tick.length !== sp.neuron.length) throw new AerchipError("E_STIMULUS_INVALID", `input for "${name}" has ${sp.tick.length} ticks and ${sp.neuron.length} neurons`, { field: "input", hint: "give one tick per spike" });
    for (let k = 0; k < sp.tick.length; k++) {
      const t = sp.tick[k];
      const i = sp.neuron[k];
      if (i < 0 || i >= pop.size) throw new AerchipError("E_STIMULUS_INVALID", `input spike ${k} of "${name}" addresses neuron ${i}; the population has ${pop.size}`, { field: "input", hint: "check the input's shape against the model's input" });
      if (t < 0) throw new AerchipError("E_STIMULUS_INVALID", `input spike ${k} of "${name}" is at tick ${t}`, { field: "input", hint: "ticks start at 0" });
      if (t >= steps) continue;
      ticks.push(t);
      neurons.push(globalOf[i]);
    }
  }
  const order = Uint32Array.from({ length: ticks.length }, (_, k) => k).sort((a, b) => ticks[a] - ticks[b] || neurons[a] - neurons[b]);
  const tickPtr = new Uint32Array(steps + 1);
  const out: number[] = [];
  let prevT = -1;
  let prevN = -1;
  for (const k of order) {
    if (ticks[k] === prevT && neurons[k] === prevN) continue;
    prevT = ticks[k];
    prevN = neurons[k];
    out.push(neurons[k]);
    tickPtr[ticks[k] + 1]++;
  }
  for (let t = 0; t < steps; t++) tickPtr[t + 1] += tickPtr[t];
  return { tickPtr, neuron: Uint32Array.from(out) };
}
