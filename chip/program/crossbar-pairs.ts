/**
 * Crossbar cells per (axon, neuron): on a chip whose crossbar holds one weight (ODIN, cim-crossbar:
 * core.crossbarRows) or one connect bit (TrueNorth: core.axonTypes) per (input row, neuron), a pair reached
 * by two synapses (two projections from one source onto one neuron) is one cell, and the simulator delivers
 * the sum of the synapses. In fixed point that sum must itself be a weight the cell can hold (audit s22r-x
 * #2: ODIN 4 + 4 = 8 state units on a 3-bit magnitude cell, max 7). The axon-type check
 * (compiler/passes/axon-types.ts) works on the same sums.
 *
 * Pure data: one pass over each core's crossbar rows with two scratch arrays of the core's neuron count.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import type { ChipSpec } from "../spec/types.ts";
import type { ChipProgram } from "./types.ts";

export const CROSSBAR_PAIR_CODE = "E_FIXED_CROSSBAR_PAIR_RANGE";

/** Whether the chip stores one cell per (input row, neuron): a crossbar (core.crossbarRows) or axon types. */
export function hasCrossbarCells(spec: ChipSpec): boolean {
  return spec.core.crossbarRows !== undefined || spec.core.axonTypes !== undefined;
}

/**
 * Throws E_FIXED_CROSSBAR_PAIR_RANGE when a fixed-point program's (axon, neuron) pair reached by several
 * synapses sums to a weight outside `fits` (the chip's weight format). No-op for float programs and chips
 * without crossbar cells.
 */
export function checkCrossbarPairSums(spec: ChipSpec, program: ChipProgram, fits: (w: number) => boolean, describe: string, file: string | undefined): void {
  if (program.fixedPoint === undefined || !hasCrossbarCells(spec)) return;
  for (const cp of program.cores) {
    const { axonCount: A, axonRowPtr, synTarget, synWeight } = cp.crossbar;
    const owner = new Int32Array(cp.neuronCount).fill(-1);
    const sum = new Float64Array(cp.neuronCount);
    const count = new Uint32Array(cp.neuronCount);
    for (let a = 0; a < A; a++) {
      for (let k = axonRowPtr[a]; k < axonRowPtr[a + 1]; k++) {
        const n = synTarget[k];
        if (owner[n] !== a) { owner[n] = a; sum[n] = 0; count[n] = 0; }
        sum[n] += synWeight[k];
        count[n]++;
      }
      for (let k = axonRowPtr[a]; k < axonRowPtr[a + 1]; k++) {
        const n = synTarget[k];
        if (count[n] > 1 && !fits(sum[n])) {
          const pop = program.populations.find((p) => p.blocks.some((b) => b.coreIndex === program.cores.indexOf(cp) && n >= b.neuronStart && n < b.neuronStart + b.count));
          throw new AerchipError(CROSSBAR_PAIR_CODE, `core ${cp.coreId} input axon ${a} reaches local neuron ${n}${pop === undefined ? "" : ` (population "${pop.name}")`} through ${count[n]} synapses whose weights sum to ${sum[n]} state units; chip "${spec.name}" holds one ${describe} weight per (axon, neuron) cell, so it cannot store the sum`, {
            ...(file === undefined ? {} : { file }), field: pop === undefined ? "precision.weightBits" : `populations.${pop.name}`,
            hint: "write the connection as one synapse (one projection, weight = the sum) so the quantiser scales it to the cell, or run with --precision float",
          });
        }
      }
    }
  }
}
