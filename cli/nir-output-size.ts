/**
 * The size of a NIR run's `<node>.npy` files, checked before the simulation (audit s22b #6).
 *
 * Each spiking node's spikes are written as a dense T × shape 0/1 array (cli/commands/run-nir.ts), one byte
 * per (step, neuron):
 *   bytes(node) = header + T · Π shape
 * A file is written in one call (core/atomic-write.ts), and Node writes at most 2^31 − 1 bytes at once, so a
 * larger file failed only after the whole run, with Node's RangeError text. The readouts' traces have the
 * same kind of check (E_RECORD_SIZE, chip/sim/run.ts checkRecordedValues).
 *
 * header is the .npy header writeNpy writes for that shape (core/io/npy.ts npyBoolHeaderBytes, a multiple of 64
 * bytes). The largest T that fits: the largest T with header(T) + T · Π shape ≤ 2^31 − 1 (audit s22r-y #7:
 * a fixed 4096-byte allowance refused a T whose file fits and whose stated size was under the limit). An event recording at
 * --tick-us τ spans T ticks (the last event's tick + 1), so τ' = τ · T / (T_max − 1) gives at most T_max
 * ticks: the span is under T·τ, so at τ' its last tick is under T_max − 1.
 */
import { AerchipError } from "../core/diagnostics.ts";
import { npyBoolHeaderBytes } from "../core/io/npy.ts";
import { fileSafe } from "./readout-files.ts";

/** The most bytes one output file may have: Node writes at most 2^31 − 1 bytes in one call. */
export const MAX_OUTPUT_FILE_BYTES = 2 ** 31 - 1;

export interface SpikeNodeShape {
  readonly node: string;
  readonly shape: readonly number[];
}

/** What the run's T came from, for the hint. */
export interface StepsSource {
  /** --steps, when given. */
  readonly steps?: number;
  /** The tick (µs) an event recording was binned at; absent for a dense tensor. */
  readonly inputTickUs?: number;
  readonly eventOverlap?: number;
}

/** The largest T for which a T × shape 0/1 .npy fits one file. */
export function maxStepsForNode(shape: readonly number[]): number {
  const size = Math.max(1, shape.reduce((a, b) => a * b, 1));
  // Start from the header of the longest T text (a lower bound on T_max), then step up while the file fits.
  let t = Math.max(0, Math.floor((MAX_OUTPUT_FILE_BYTES - npyBoolHeaderBytes([MAX_OUTPUT_FILE_BYTES, ...shape])) / size));
  while (nodeFileBytes(t + 1, shape) <= MAX_OUTPUT_FILE_BYTES) t++;
  return t;
}

/** bytes(node) = header + T · Π shape: the size of the node's T × shape .npy file. */
export function nodeFileBytes(T: number, shape: readonly number[]): number {
  return npyBoolHeaderBytes([T, ...shape]) + T * shape.reduce((a, b) => a * b, 1);
}

/** Throws E_RECORD_SIZE when some spiking node's `<node>.npy` of T steps would pass MAX_OUTPUT_FILE_BYTES. */
export function checkNirOutputSize(nodes: readonly SpikeNodeShape[], T: number, file: string, src: StepsSource): void {
  let worst: SpikeNodeShape | undefined;
  for (const n of nodes) if (T > maxStepsForNode(n.shape) && (worst === undefined || maxStepsForNode(n.shape) < maxStepsForNode(worst.shape))) worst = n;
  if (worst === undefined) return;
  const size = worst.shape.reduce((a, b) => a * b, 1);
  const tMax = maxStepsForNode(worst.shape);
  const fromEvents = src.steps === undefined && src.inputTickUs !== undefined;
  let hint = `lower --steps to at most ${tMax}`;
  if (fromEvents) {
    const tau = src.inputTickUs as number;
    const longer = src.eventOverlap === undefined
      ? `use --tick-us ${Math.ceil((tau * T) / (tMax - 1) * 1000) / 1000} or longer (the recording spans ${T} ticks at --tick-us ${tau})`
      : "use a longer --tick-us or a smaller --event-overlap (fewer ticks)";
    hint = `${longer}, or give --steps at most ${tMax} to run the recording's start`;
  }
  throw new AerchipError("E_RECORD_SIZE", `node "${worst.node}"'s ${fileSafe(worst.node)}.npy (${T} steps × ${size} neurons, one byte each) would take ${nodeFileBytes(T, worst.shape)} bytes with its .npy header; an output file holds at most ${MAX_OUTPUT_FILE_BYTES} (2 GiB)`, {
    file, field: fromEvents ? "--tick-us" : "steps", hint,
  });
}
