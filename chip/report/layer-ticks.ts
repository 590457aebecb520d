/**
 * Counts per population (layer) and per tick, derived at report time from the spike record and the
 * program's per-neuron fan-out (never in the simulator's hot loop), for `aerchip run --per-layer-ticks`
 * (layer-ticks.csv). For tick t and population p:
 *   spikes[t,p]    = spikes of p's neurons at t (the spike record, SimResult.spikes)
 *   synOpsOut[t,p] = Σ_{n in p fired at t} ops_n,      ops_n = Σ_{routes r of n} synapses of r's row
 *   synOpsIn[t,p]  = Σ_{n fired at t} ops_{n→p},       ops_{n→p} = the part of ops_n on projections ending in p
 *   denseOpsIn[t,p] = Σ_{non-helper projections k ending in p} denseWeights_k (metrics.ts: pre.size·post.size,
 *                    conv: its synapses), the NeuroBench dense-equivalent ops, the same every tick (last column)
 * Synaptic ops are counted as the engine counts them (chip/sim/run.ts, phase 3 "emit"): the destination
 * core reads the packet's whole axon row in the tick the spike is emitted, so a spike's ops belong to its
 * emission tick t, not to its arrival tick t + delay (synapticEventsDelivered is the arrival-side count,
 * and is not split per tick here). Hence, exactly (integers below 2^53):
 *   Σ_p spikes[t,p] = perTick.spikes[t],  Σ_p synOpsOut[t,p] = Σ_p synOpsIn[t,p] = perTick.synOps[t],
 *   Σ_t spikes[t,p] = perPopulation[p].spikes,  Σ_t synOpsIn[t,p] = perPopulation[p].synOpsIn,
 *   Σ_t synOpsOut[t,p] = Σ_{projections k with pre = p} perProjection[k].synOps.
 * ops_{n→p} follows the projection attribution of derive-counters.ts (counter cells: a row of one
 * projection adds routeSynapses[r] to it, a mixed row its per-projection counts; a program without cells
 * has one projection, so every op is that projection's).
 * The neuron and learning counters come from the engine (SimResult.layerTallies, chip/sim/layer-tally.ts:
 * the run is made with SimulateOptions.layerTallies), since they depend on which neurons were refractory or
 * received input, which the spike record does not say. For tick t and population p:
 *   neuronAccesses[t,p], neuronUpdates[t,p], neuronUpdatesWithInput[t,p] = the counters of report.json's
 *     totals.counters, over p's neurons at t;
 *   synUpdates[t,p], learnTraceUpdates[t,p] (runs that learn) = the learning counters of the plastic
 *     synapses ending in p (a projection's work goes to its post population);
 *   weightChanges[t,p] (runs with a learning engine) = those of p's plastic synapses' updates that changed
 *     the stored weight;
 * and Σ_p X[t,p] = perTick X[t] (counters.perTick; weightChanges: SimResult.weightChangesPerTick),
 * Σ_{t,p} X[t,p] = totals.counters.X (weightChanges: learning.weightChanges summed over rules), exactly.
 */
import { Buffer } from "node:buffer";
import { AerchipError } from "../../core/diagnostics.ts";
import { MAX_LAYER_TICK_ROWS } from "../../core/run-limits.ts";
import type { ChipProgram } from "../program/types.ts";
import type { SimResult } from "../sim/run.ts";
import { hasCells, type SimState } from "../sim/state.ts";
import type { LayerTallies } from "../sim/layer-tally.ts";
import { isHelperProjection } from "./metrics.ts";

export interface LayerTickCounts {
  readonly steps: number;
  readonly populations: readonly string[];
  /** [t · P + p], P = populations.length. */
  readonly spikes: Float64Array;
  readonly synOpsOut: Float64Array;
  readonly synOpsIn: Float64Array;
  /**
   * The engine's per-population counters (SimResult.layerTallies), in LAYER_TICK_ENGINE_COLUMNS order (the
   * learning ones only when the run learned); absent when the run was made without layerTallies.
   */
  readonly engine?: ReadonlyArray<readonly [EngineColumn, Float64Array]>;
  /**
   * Per population p: its dense-equivalent synaptic ops per tick (NeuroBench, chip/report/metrics.ts):
   * Σ over the non-helper projections k ending in p of denseWeights_k (pre.size · post.size; conv: its
   * synapses), the same in every tick, so Σ_t = perPopulation[p].synapticOpsIn.dense. Written as the
   * last column, denseOpsIn, after the engine's.
   */
  readonly denseOpsInPerTick?: Float64Array;
}

/** The column names of layer-ticks.csv, in order; the engine's columns follow (LAYER_TICK_ENGINE_COLUMNS). */
export const LAYER_TICK_COLUMNS = ["tick", "population", "spikes", "synOpsOut", "synOpsIn"] as const;

/** The engine's columns, in order, after LAYER_TICK_COLUMNS; the learning ones only when the run learned. */
export const LAYER_TICK_ENGINE_COLUMNS = ["neuronAccesses", "neuronUpdates", "neuronUpdatesWithInput", "synUpdates", "learnTraceUpdates", "weightChanges"] as const;
export type EngineColumn = (typeof LAYER_TICK_ENGINE_COLUMNS)[number];

/** The engine's columns present in `t` (SimResult.layerTallies), in order. */
export function engineColumns(t: LayerTallies): Array<readonly [EngineColumn, Float64Array]> {
  const out: Array<readonly [EngineColumn, Float64Array]> = [];
  for (const name of LAYER_TICK_ENGINE_COLUMNS) {
    const a = t[name];
    if (a !== undefined) out.push([name, a]);
  }
  return out;
}

/** Throws E_LAYER_TICKS_SIZE when steps × populations rows exceed MAX_LAYER_TICK_ROWS (core/run-limits.ts). */
export function checkLayerTickRows(steps: number, populations: number, file?: string): void {
  if (steps * populations <= MAX_LAYER_TICK_ROWS) return;
  throw new AerchipError("E_LAYER_TICKS_SIZE", `--per-layer-ticks would write ${steps} ticks × ${populations} populations = ${steps * populations} rows; layer-ticks.csv holds at most ${MAX_LAYER_TICK_ROWS}`, {
    ...(file === undefined ? {} : { file }), field: "--per-layer-ticks",
    hint: `lower --steps to at most ${Math.floor(MAX_LAYER_TICK_ROWS / Math.max(1, populations))}, or drop --per-layer-ticks (report.json keeps the per-tick and per-population totals)`,
  });
}

/**
 * Per neuron n, its ops per post population: CSR rows [start[n], start[n+1]) of (post[k], ops[k]), with
 * the same cell walk as deriveSpikeCounters.
 */
function opsByPost(st: SimState, postOfProjection: Int32Array, P: number): { start: Uint32Array; post: Int32Array; ops: Float64Array } {
  const cells = hasCells(st);
  const start = new Uint32Array(st.neuronCount + 1);
  const post: number[] = [];
  const ops: number[] = [];
  const acc = new Float64Array(P);
  const touched: number[] = [];
  const add = (projection: number, x: number): void => {
    if (x === 0) return;
    const p = postOfProjection[projection];
    if (acc[p] === 0) touched.push(p);
    acc[p] += x;
  };
  for (let n = 0; n < st.neuronCount; n++) {
    for (let r = st.routePtr[n]; r < st.routePtr[n + 1]; r++) {
      if (!cells) { add(0, st.routeSynapses[r]); continue; }
      const one = st.routeCell[r];
      if (one >= 0) { add(st.cellProjection[one], st.routeSynapses[r]); continue; }
      const a = st.routeAxon[r];
      for (let k = st.axonCellStart[a]; k < st.axonCellStart[a + 1]; k++) add(st.cellProjection[st.axonCellId[k]], st.axonCellCount[k]);
    }
    touched.sort((x, y) => x - y);
    for (const p of touched) { post.push(p); ops.push(acc[p]); acc[p] = 0; }
    touched.length = 0;
    start[n + 1] = post.length;
  }
  return { start, post: Int32Array.from(post), ops: Float64Array.from(ops) };
}

export function layerTickCounts(program: ChipProgram, res: SimResult): LayerTickCounts {
  const st = res.state;
  const T = res.steps;
  const names = program.populations.map((p) => p.name);
  const P = names.length;
  checkLayerTickRows(T, P);
  const popIndex = new Map(names.map((n, i) => [n, i] as const));
  const postOfProjection = Int32Array.from(program.projections, (pr) => popIndex.get(pr.post) ?? 0);
  // No projection: no route carries synapses (a length-1 table keeps the lookup total).
  const fan = opsByPost(st, postOfProjection.length > 0 ? postOfProjection : new Int32Array(1), P);
  // Global neuron of (population, index in population): the inverse of populationOfNeuron / indexInPopulation.
  const globalOf = program.populations.map((p) => new Int32Array(p.size).fill(-1));
  for (let n = 0; n < st.neuronCount; n++) globalOf[st.populationOfNeuron[n]][st.indexInPopulation[n]] = n;
  const spikes = new Float64Array(T * P);
  const synOpsOut = new Float64Array(T * P);
  const synOpsIn = new Float64Array(T * P);
  for (let p = 0; p < P; p++) {
    const rec = res.spikes.get(names[p]);
    if (rec === undefined) continue;
    const g = globalOf[p];
    for (let i = 0; i < rec.tick.length; i++) {
      const t = rec.tick[i];
      const n = g[rec.neuron[i]];
      spikes[t * P + p]++;
      for (let k = fan.start[n]; k < fan.start[n + 1]; k++) {
        synOpsOut[t * P + p] += fan.ops[k];
        synOpsIn[t * P + fan.post[k]] += fan.ops[k];
      }
    }
  }
  // Dense-equivalent ops per tick (metrics.ts perProjection denseWeights, helper drives left out as there).
  const sizeOf = new Map(program.populations.map((q) => [q.name, q.size] as const));
  const denseOpsInPerTick = new Float64Array(P);
  program.projections.forEach((pr, k) => {
    if (isHelperProjection(pr)) return;
    denseOpsInPerTick[postOfProjection[k]] += pr.encoding === "conv" ? pr.synapseCount : (sizeOf.get(pr.pre) ?? 0) * (sizeOf.get(pr.post) ?? 0);
  });
  return { steps: T, populations: names, spikes, synOpsOut, synOpsIn, ...(res.layerTallies === undefined ? {} : { engine: engineColumns(res.layerTallies) }), denseOpsInPerTick };
}

/** A population name as a CSV field (RFC 4180: quoted when it holds a comma, quote or line break). */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * layer-ticks.csv: a header, then one row per (tick, population), ticks ascending, populations in program
 * order, every row written (zeros too), so sums over either key need no fill-in. Built in chunks of rows
 * (a long run's file can exceed one string's limit).
 */
export function layerTicksCsv(c: LayerTickCounts): Uint8Array {
  const P = c.populations.length;
  const names = c.populations.map(csvField);
  const engine = c.engine ?? [];
  const dense = c.denseOpsInPerTick;
  const chunks: Buffer[] = [Buffer.from(`${[...LAYER_TICK_COLUMNS, ...engine.map(([name]) => name), ...(dense === undefined ? [] : ["denseOpsIn"])].join(",")}\n`)];
  let lines: string[] = [];
  for (let t = 0; t < c.steps; t++) {
    for (let p = 0; p < P; p++) {
      const i = t * P + p;
      let more = "";
      for (let k = 0; k < engine.length; k++) more += `,${engine[k][1][i]}`;
      if (dense !== undefined) more += `,${dense[p]}`;
      lines.push(`${t},${names[p]},${c.spikes[i]},${c.synOpsOut[i]},${c.synOpsIn[i]}${more}\n`);
    }
    if (lines.length >= 65536) { chunks.push(Buffer.from(lines.join(""))); lines = []; }
  }
  if (lines.length > 0) chunks.push(Buffer.from(lines.join("")));
  return Buffer.concat(chunks);
}
