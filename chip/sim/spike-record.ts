/**
 * The run's spike record: each tick's fired list appended as global neuron ids (4 bytes per spike; the
 * tick is implied by per-tick end offsets), grouped by population only when the run finishes.
 */
import type { SimState } from "./state.ts";

export interface PopulationSpikes {
  /** Sorted by tick, then neuron index in the population. */
  readonly tick: Int32Array;
  readonly neuron: Int32Array;
}

export class SpikeRecord {
  private neurons = new Uint32Array(4096);
  private count = 0;
  /** tickEnd[t] = spikes recorded up to and including tick t. */
  private readonly tickEnd: Float64Array;

  constructor(steps: number) {
    this.tickEnd = new Float64Array(steps);
  }

  /** Appends tick t's fired neurons fired[0..n). */
  addTick(t: number, fired: Uint32Array, n: number): void {
    if (this.count + n > this.neurons.length) {
      let cap = this.neurons.length * 2;
      while (cap < this.count + n) cap *= 2;
      const g = new Uint32Array(cap);
      g.set(this.neurons.subarray(0, this.count));
      this.neurons = g;
    }
    // A plain copy: fired.subarray() would allocate a view object every tick.
    const out = this.neurons;
    let at = this.count;
    for (let i = 0; i < n; i++) out[at++] = fired[i];
    this.count = at;
    this.tickEnd[t] = this.count;
  }

  get spikes(): number {
    return this.count;
  }

  /** Tick t's spikes are neuronAt(k) for k in [tickStart(t), tickStop(t)). */
  tickStart(t: number): number {
    return t === 0 ? 0 : this.tickEnd[t - 1];
  }

  tickStop(t: number): number {
    return this.tickEnd[t];
  }

  neuronAt(k: number): number {
    return this.neurons[k];
  }

  /**
   * Spikes by population name over ticks [0, ticks), sorted by (tick, index in population). Within a
   * tick spikes come in core order, so each tick's run of indices is sorted numerically (no comparator).
   */
  byPopulation(st: SimState, populationNames: readonly string[], ticks: number): Map<string, PopulationSpikes> {
    const P = populationNames.length;
    const { populationOfNeuron, indexInPopulation } = st;
    const neurons = this.neurons;
    const counts = new Uint32Array(P);
    for (let k = 0; k < this.count; k++) counts[populationOfNeuron[neurons[k]]]++;
    const tick = populationNames.map((_, p) => new Int32Array(counts[p]));
    const neuron = populationNames.map((_, p) => new Int32Array(counts[p]));
    const fill = new Uint32Array(P);
    let k = 0;
    for (let t = 0; t < ticks; t++) {
      const end = this.tickEnd[t];
      for (; k < end; k++) {
        const g = neurons[k];
        const p = populationOfNeuron[g];
        const i = fill[p]++;
        tick[p][i] = t;
        neuron[p][i] = indexInPopulation[g];
      }
    }
    const out = new Map<string, PopulationSpikes>();
    for (let p = 0; p < P; p++) {
      const tk = tick[p];
      const nr = neuron[p];
      for (let a = 0; a < tk.length;) {
        let b = a + 1;
        let sorted = true;
        while (b < tk.length && tk[b] === tk[a]) { if (nr[b] < nr[b - 1]) sorted = false; b++; }
        if (!sorted) nr.subarray(a, b).sort();
        a = b;
      }
      out.set(populationNames[p], { tick: tk, neuron: nr });
    }
    return out;
  }
}
