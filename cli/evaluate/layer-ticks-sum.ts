/**
 * `evaluate --per-layer-ticks`: per tick and population, the counts of layer-ticks.csv (chip/report/layer-ticks.ts:
 * spikes, synaptic ops caused and received, and the engine's neuron and learning counters) summed over the data
 * set's samples, with how many samples reached that tick (samples differ in length), so the mean per sample at
 * tick t is the sum ÷ samples. Added in sample order whatever thread ran a sample (integers in float64, exact
 * below 2^53), so the file is the same for every --jobs. A sample's ticks are its chip ticks: its steps, a NIR
 * graph's pipeline ticks and --rest-steps. Every sample runs the same program, so each has the same engine
 * columns (the learning ones only when the samples learn).
 */
import { Buffer } from "node:buffer";
import { csvField } from "../../chip/report/formats/csv.ts";
import { checkLayerTickRows, type EngineColumn, type LayerTickCounts } from "../../chip/report/layer-ticks.ts";

export const DATASET_LAYER_TICK_COLUMNS = ["tick", "population", "samples", "spikes", "synOpsOut", "synOpsIn"] as const;

export class LayerTickSums {
  private populations: readonly string[] = [];
  private steps = 0;
  private samples: Float64Array = new Float64Array(0);
  private spikes: Float64Array = new Float64Array(0);
  private synOpsOut: Float64Array = new Float64Array(0);
  private synOpsIn: Float64Array = new Float64Array(0);
  /** The engine's columns (LayerTickCounts.engine), named as in the first sample. */
  private engineNames: readonly EngineColumn[] = [];
  private engine: Float64Array[] = [];

  add(c: LayerTickCounts): void {
    if (this.populations.length === 0) {
      this.populations = c.populations;
      this.engineNames = (c.engine ?? []).map(([name]) => name);
      this.engine = this.engineNames.map(() => new Float64Array(0));
    }
    const P = this.populations.length;
    if (c.steps > this.steps) {
      checkLayerTickRows(c.steps, P);
      const grow = (a: Float64Array, per: number): Float64Array => { const b = new Float64Array(c.steps * per); b.set(a); return b; };
      this.samples = grow(this.samples, 1);
      this.spikes = grow(this.spikes, P);
      this.synOpsOut = grow(this.synOpsOut, P);
      this.synOpsIn = grow(this.synOpsIn, P);
      this.engine = this.engine.map((a) => grow(a, P));
      this.steps = c.steps;
    }
    for (let t = 0; t < c.steps; t++) this.samples[t]++;
    for (let i = 0; i < c.steps * P; i++) {
      this.spikes[i] += c.spikes[i];
      this.synOpsOut[i] += c.synOpsOut[i];
      this.synOpsIn[i] += c.synOpsIn[i];
    }
    const engine = c.engine ?? [];
    for (let k = 0; k < this.engine.length; k++) {
      const sum = this.engine[k];
      const x = engine.find(([name]) => name === this.engineNames[k])?.[1];
      if (x === undefined) continue;
      for (let i = 0; i < c.steps * P; i++) sum[i] += x[i];
    }
  }

  /** The summed rows as CSV (DATASET_LAYER_TICK_COLUMNS, then the engine's columns), tick-major. */
  csv(): Uint8Array {
    const P = this.populations.length;
    const names = this.populations.map(csvField);
    const engine = this.engine;
    const lines: string[] = [`${[...DATASET_LAYER_TICK_COLUMNS, ...this.engineNames].join(",")}\n`];
    for (let t = 0; t < this.steps; t++) {
      for (let p = 0; p < P; p++) {
        const i = t * P + p;
        let more = "";
        for (let k = 0; k < engine.length; k++) more += `,${engine[k][i]}`;
        lines.push(`${t},${names[p]},${this.samples[t]},${this.spikes[i]},${this.synOpsOut[i]},${this.synOpsIn[i]}${more}\n`);
      }
    }
    return Buffer.from(lines.join(""));
  }
}
