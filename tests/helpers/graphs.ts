/**
 * Small programmatic networks shared by the engine tests.
 */
import { uniformNeuronParams, type ModelGraph } from "../../compiler/ir/types.ts";
import { ResetMode, type ChipStimulus } from "../../chip/program/types.ts";

/** A ring of IF neurons whose last neuron also projects onto the first: its targets span the whole ring. */
export function ringGraph(size: number): { graph: ModelGraph; stimulus: ChipStimulus } {
  const pre: number[] = [];
  const post: number[] = [];
  const w: number[] = [];
  const d: number[] = [];
  for (let i = 0; i < size; i++) {
    pre.push(i); post.push((i + 1) % size); w.push(1.2); d.push(1 + (i % 3));
    pre.push(i); post.push((i + 2) % size); w.push(0.3); d.push(2);
  }
  const params = uniformNeuronParams(size, { voltageDecay: 0.9, vThreshold: 1, resetMode: ResetMode.zero });
  const graph: ModelGraph = {
    name: "ring", defaultSteps: 60,
    populations: [{ name: "in", kind: "input", size: 4, shape: [4], spiking: true }, { name: "ring", kind: "neuron", size, shape: [size], spiking: true, params }],
    projections: [
      { name: "drive", pre: "in", post: "ring", encoding: "sparse", preIndex: Uint32Array.of(0, 1, 2, 3), postIndex: Uint32Array.of(0, 1, size - 2, size - 1), weight: Float64Array.of(1.5, 1.5, 1.5, 1.5), delayTicks: Uint16Array.of(1, 1, 1, 1) },
      { name: "ring", pre: "ring", post: "ring", encoding: "sparse", preIndex: Uint32Array.from(pre), postIndex: Uint32Array.from(post), weight: Float64Array.from(w), delayTicks: Uint16Array.from(d) },
    ],
  };
  const stimulus = { spikes: new Map([["in", { tick: Int32Array.of(0, 0, 5, 9, 9, 9), neuron: Int32Array.of(0, 3, 1, 2, 2, 0) }]]) };
  return { graph, stimulus };
}
