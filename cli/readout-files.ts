/**
 * Non-spiking readout populations of a run (`"spiking": false` in aerchip-model-1; NIR LI, I, CubaLI):
 * their membrane potential, recorded by the simulator every tick (SimulateOptions.recordVoltages, the
 * value after the tick's update, in model units: a fixed-point run's integer state × 2^−stateScaleExp),
 * written as `<name>.v.npy` (T × shape float64), and its decoders in report.json `readouts`
 * (chip/report/readout-decoders.ts). One mechanism for `run` on JSON/SANA-FE models and on NIR graphs.
 */
import { join } from "node:path";
import { AerchipError } from "../core/diagnostics.ts";
import type { OutputFile } from "../core/atomic-write.ts";
import { writeNpy } from "../core/io/npy.ts";
import { checkRecordedValues, type SimResult } from "../chip/sim/run.ts";
import type { ReadoutReport } from "../chip/report/run-report.ts";
import { readoutDecoders } from "../chip/report/readout-decoders.ts";
import type { ModelGraph } from "../compiler/ir/types.ts";
import type { ChipProgram } from "../chip/program/types.ts";

/** A name as a file name: characters other than A–Z a–z 0–9 . _ - become _. */
export const fileSafe = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, "_");

export interface ReadoutSource {
  /** Names the file (`<name>.v.npy`) and the report entry: the population, or the NIR node. */
  readonly name: string;
  /** The chip population whose potential is recorded. */
  readonly population: string;
  readonly shape: readonly number[];
  /** Ticks between the model's step 0 and the chip's (NIR pipeline latency; 0 for JSON models). */
  readonly latencyTicks: number;
}

/** The non-spiking neuron populations of a JSON or SANA-FE model's graph (recorded from tick 0). */
export function graphReadouts(graph: ModelGraph): ReadoutSource[] {
  return graph.populations.filter((p) => p.kind === "neuron" && !p.spiking).map((p) => ({ name: p.name, population: p.name, shape: p.shape, latencyTicks: 0 }));
}

/**
 * The non-spiking neuron populations of a compiled program without NIR bookkeeping (`run program.aerprog`),
 * recorded from chip tick 0 like that command's spikes.json; a program compiled from a NIR graph reads its
 * readouts per node with their latencies instead (cli/nir-outputs.ts nirReadouts).
 */
export function programReadouts(program: ChipProgram): ReadoutSource[] {
  return program.populations.filter((p) => p.kind === "neuron" && !p.spiking).map((p) => ({ name: p.name, population: p.name, shape: p.shape, latencyTicks: 0 }));
}

/**
 * Refuses two readouts whose file names would be the same (names that differ only in characters
 * fileSafe replaces), before the run: one file would silently replace the other.
 */
export function checkReadoutFileNames(readouts: readonly ReadoutSource[], file: string): void {
  const seen = new Map<string, string>();
  for (const r of readouts) {
    const f = `${fileSafe(r.name)}.v.npy`;
    const other = seen.get(f);
    if (other !== undefined) {
      throw new AerchipError("E_OUTPUT_NAME_CLASH", `non-spiking populations "${other}" and "${r.name}" would both write ${f}`, { file, field: "populations[].name", hint: "rename one of them so that the names differ in letters, digits, '.', '_' or '-'" });
    }
    // Most file systems take names of at most 255 bytes: say so now, not after the run as a failed write.
    if (Buffer.byteLength(f) > 255) {
      throw new AerchipError("E_OUTPUT_NAME_TOO_LONG", `non-spiking population "${r.name.slice(0, 40)}…" would write ${Buffer.byteLength(f)}-byte file name ${f.slice(0, 40)}…; file names hold at most 255 bytes`, { file, field: "populations[].name", hint: "give the population a shorter name" });
    }
    seen.set(f, r.name);
  }
}

/**
 * Refuses, before the run, readouts whose traces over `chipTicks` would exceed the simulator's limit on
 * recorded values (chip/sim/run.ts checkRecordedValues), naming the model file.
 */
export function checkReadoutSize(readouts: readonly ReadoutSource[], chipTicks: number, file: string): void {
  checkRecordedValues(readouts.map((r) => r.shape.reduce((a, b) => a * b, 1)), chipTicks, file);
}

/**
 * Each readout's trace over model steps 0..T−1 (chip ticks latencyTicks.. latencyTicks+T−1) as a
 * T × shape float64 .npy in `out`, and its report entry.
 */
export function readoutOutputs(sim: SimResult, readouts: readonly ReadoutSource[], steps: number, out: string): { files: OutputFile[]; report: ReadoutReport[] } {
  const files: OutputFile[] = [];
  const report: ReadoutReport[] = [];
  for (const r of readouts) {
    const trace = sim.voltages.get(r.population);
    if (trace === undefined) continue;
    const size = r.shape.reduce((a, b) => a * b, 1);
    const v = trace.subarray(r.latencyTicks * size, (r.latencyTicks + steps) * size);
    const full = new Float64Array(steps * size);
    full.set(v.subarray(0, Math.min(v.length, full.length)));
    const file = `${fileSafe(r.name)}.v.npy`;
    files.push({ path: join(out, file), data: writeNpy(full, [steps, ...r.shape]) });
    report.push({ population: r.name, file, size, shape: [...r.shape], steps, ...readoutDecoders(full, steps, size) });
  }
  return { files, report };
}
