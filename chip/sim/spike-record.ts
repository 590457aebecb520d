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

/** A spike record as stored: neurons[0, count) in tick order, tickEnd[t] = spikes up to and including tick t. */
export interface SpikeRecordView {
  readonly neurons: Uint32Array;
  readonly count: number;
  readonly tickEnd: Float64Array;
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
    this.reserve(n);
    // A plain copy: fired.subarray() would allocate a view object every tick.
    const out = this.neurons;
    let at = this.count;
    for (let i = 0; i < n; i++) out[at++] = fired[i];
    this.count = at;
    this.tickEnd[t] = this.count;
  }

  /**
   * Appends `ticks` ticks from t0 on at once: their spikes are neurons[0, tickEnd[ticks − 1]), tick t0 + i's
   * ending at tickEnd[i] (the fused kernel's chunk buffers).
   */
  addTicks(t0: number, ticks: number, neurons: Uint32Array, tickEnd: Uint32Array): void {
    if (ticks <= 0) return;
    const n = tickEnd[ticks - 1];
    this.reserve(n);
    this.neurons.set(neurons.subarray(0, n), this.count);
    for (let i = 0; i < ticks; i++) this.tickEnd[t0 + i] = this.count + tickEnd[i];
    this.count += n;
  }

  /** Room for n more spikes (doubling). */
  private reserve(n: number): void {
    if (this.count + n <= this.neurons.length) return;
    let cap = this.neurons.length * 2;
    while (cap < this.count + n) cap *= 2;
    const g = new Uint32Array(cap);
    g.set(this.neurons.subarray(0, this.count));
    this.neurons = g;
  }

  get spikes(): number {
    return this.count;
  }

  /** The record as stored (SpikeRecordView). */
  raw(): SpikeRecordView {
    return { neurons: this.neurons, count: this.count, tickEnd: this.tickEnd };
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
   * Spikes by population name over ticks [0, ticks), sorted by (tick, index in population). Within a tick
   * spikes come in core order, which is not index order once the compiler has ordered neurons inside
   * cores, so each population's spikes are sorted by a two-pass counting sort (radix sort, least
   * significant key first): stable by index, then stable by tick. O(spikes + population size + ticks) per
   * population, no comparisons (a neuron fires at most once per tick, so keys never tie).
   */
  byPopulation(st: SimState, populationNames: readonly string[], ticks: number): Map<string, PopulationSpikes> {
    const P = populationNames.length;
    const { populationOfNeuron, indexInPopulation } = st;
    const neurons = this.neurons;
    const counts = new Uint32Array(P);
    const sizes = new Uint32Array(P);
    for (let k = 0; k < this.count; k++) counts[populationOfNeuron[neurons[k]]]++;
    for (let n = 0; n < st.neuronCount; n++) {
      const p = populationOfNeuron[n];
      if (indexInPopulation[n] + 1 > sizes[p]) sizes[p] = indexInPopulation[n] + 1;
    }
    // Record order (ticks ascending) per population: the input of the sort.
    const recTick = populationNames.map((_, p) => new Int32Array(counts[p]));
    const recIndex = populationNames.map((_, p) => new Int32Array(counts[p]));
    const fill = new Uint32Array(P);
    let k = 0;
    for (let t = 0; t < ticks; t++) {
      const end = this.tickEnd[t];
      for (; k < end; k++) {
        const g = neurons[k];
        const p = populationOfNeuron[g];
        const i = fill[p]++;
        recTick[p][i] = t;
        recIndex[p][i] = indexInPopulation[g];
      }
    }
    const out = new Map<string, PopulationSpikes>();
    for (let p = 0; p < P; p++) {
      const tick = new Int32Array(counts[p]);
      const neuron = new Int32Array(counts[p]);
      if (counts[p] > 0) radixByTickThenIndex(recTick[p], recIndex[p], sizes[p], ticks, tick, neuron);
      out.set(populationNames[p], { tick, neuron });
    }
    return out;
  }
}

/**
 * (tick, neuron) ← (recTick, recIndex) sorted by (tick, index): counting sort by index (stable), then by
 * tick (stable). recTick / recIndex are reused as scratch.
 */
function radixByTickThenIndex(recTick: Int32Array, recIndex: Int32Array, size: number, ticks: number, tick: Int32Array, neuron: Int32Array): void {
  const c = recTick.length;
  const byIndex = new Uint32Array(size + 1);
  const byTick = new Uint32Array(ticks + 1);
  for (let j = 0; j < c; j++) {
    byIndex[recIndex[j] + 1]++;
    byTick[recTick[j] + 1]++;
  }
  for (let x = 0; x < size; x++) byIndex[x + 1] += byIndex[x];
  for (let t = 0; t < ticks; t++) byTick[t + 1] += byTick[t];
  for (let j = 0; j < c; j++) {
    const at = byIndex[recIndex[j]]++;
    tick[at] = recTick[j];
    neuron[at] = recIndex[j];
  }
  for (let j = 0; j < c; j++) {
    const at = byTick[tick[j]]++;
    recTick[at] = tick[j];
    recIndex[at] = neuron[j];
  }
  tick.set(recTick);
  neuron.set(recIndex);
}
