/**
 * `run --per-layer-ticks`: layer-ticks.csv beside report.json, one row per (tick, population) with the
 * population's spikes, the synaptic ops its spikes cause (synOpsOut) and the ops arriving on it (synOpsIn),
 * derived after the run, then the neuron (and learning) counters the engine counted per population because
 * the run was made with SimulateOptions.layerTallies (RunHooks.layerTallies; chip/report/layer-ticks.ts,
 * chip/sim/layer-tally.ts; docs/reports.md, "Per-layer, per-tick counts").
 * Shared by the three kinds of run (JSON/SANA-FE models, NIR graphs, compiled programs) so the option
 * means the same for each; the file is one member of the run's output set (core/atomic-write.ts
 * writeOutputSet), and the option is recorded in provenance.options so that `aerchip rerun` writes and
 * compares it.
 */
import { join } from "node:path";
import type { OutputFile } from "../core/atomic-write.ts";
import type { ChipProgram } from "../chip/program/types.ts";
import type { SimResult } from "../chip/sim/run.ts";
import { checkLayerTickRows, layerTickCounts, layerTicksCsv } from "../chip/report/layer-ticks.ts";

export const LAYER_TICKS_FILE = "layer-ticks.csv";

/** provenance.options entry: present only when the option was given (reports without it stay as they were). */
export function layerTicksProvenance(o: { readonly perLayerTicks?: boolean }): { perLayerTicks?: true } {
  return o.perLayerTicks === true ? { perLayerTicks: true } : {};
}

/**
 * Before the run: refuses a file of more rows than MAX_LAYER_TICK_ROWS (E_LAYER_TICKS_SIZE), so a long run
 * is not simulated for nothing. `populations` may be a lower bound (the compiler can add helper
 * populations); the count after compiling is checked again when the file is built.
 */
export function checkLayerTicksBeforeRun(o: { readonly perLayerTicks?: boolean }, ticks: number, populations: number, file: string): void {
  if (o.perLayerTicks === true) checkLayerTickRows(ticks, populations, file);
}

/** layer-ticks.csv as one output file (undefined without --per-layer-ticks). */
export function layerTicksFile(o: { readonly perLayerTicks?: boolean }, out: string, program: ChipProgram, sim: SimResult): OutputFile | undefined {
  if (o.perLayerTicks !== true) return undefined;
  return { path: join(out, LAYER_TICKS_FILE), data: layerTicksCsv(layerTickCounts(program, sim)) };
}
