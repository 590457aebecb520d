/**
 * The user-chosen convention of the learning-cost report (learning-cost.ts): bytes per stored value,
 * samples per batch, and optimizer state per weight. The defaults (values, not bytes; one sample; no
 * optimizer state) leave the report as the S-TLLR formulas give it, per training sample:
 *   memory bytes     = values × B                          (B = bytes per value)
 *   per batch of N   : memory and MACs × N                 (each sample keeps its own states/traces and
 *                                                          does its own learning MACs; ratios unchanged)
 *   optimizer state  = K × W_count values, × B_w bytes     (K weight-sized arrays: 1 for FO-STDGD's
 *                                                          w(k−1), 2 for Adam's two moments; W_count =
 *                                                          the synapses counted, one weight per synapse;
 *                                                          shared by the batch, so not × N)
 * B_w (bytes per weight) defaults to B. None of these changes a BPTT/rule ratio.
 */
import { AerchipError } from "../../core/diagnostics.ts";

export interface LearningCostConvention {
  /** Bytes per stored state value (absent: memory in values only). */
  readonly bytesPerValue?: number;
  /** Samples per batch: memory and MACs are per batch (default 1). */
  readonly batch?: number;
  /** Extra weight-sized arrays the optimizer keeps (default 0: none). */
  readonly optimizerStatePerWeight?: number;
  /** Bytes per stored weight of the optimizer state (default: bytesPerValue). */
  readonly weightBytes?: number;
}

/** The optimizer-state memory, in the report only when optimizerStatePerWeight > 0. */
export interface OptimizerStateCost {
  readonly statePerWeight: number;
  /** Weights = the synapses counted (Σ N·fan-in under the report's fan-in convention). */
  readonly weights: number;
  readonly values: number;
  readonly weightBytes?: number;
  readonly bytes?: number;
}

function bad(field: string, message: string, hint: string): never {
  throw new AerchipError("E_LEARNING_COST", `learning cost: ${field} ${message}`, { field, hint });
}

/** Checks the convention; returns the batch (1 when absent) and the optimizer's K (0 when absent). */
export function checkConvention(c: LearningCostConvention): { readonly batch: number; readonly k: number } {
  if (c.bytesPerValue !== undefined && !(c.bytesPerValue > 0 && Number.isFinite(c.bytesPerValue))) {
    bad("bytesPerValue", `is ${c.bytesPerValue}; it must be > 0`, "e.g. 2 for 16-bit state");
  }
  const batch = c.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1) bad("batch", `is ${batch}; it must be an integer ≥ 1`, "give the samples per batch");
  const k = c.optimizerStatePerWeight ?? 0;
  if (!Number.isInteger(k) || k < 0) bad("optimizerStatePerWeight", `is ${k}; it must be an integer ≥ 0`, "1 for FO-STDGD's w(k−1), 2 for Adam's moments");
  if (c.weightBytes !== undefined) {
    if (!(c.weightBytes > 0 && Number.isFinite(c.weightBytes))) bad("weightBytes", `is ${c.weightBytes}; it must be > 0`, "e.g. 4 for float32 weights");
    if (k === 0) bad("weightBytes", "is given without optimizer state (optimizerStatePerWeight is 0)", "give optimizerStatePerWeight ≥ 1, or drop weightBytes");
  }
  return { batch, k };
}

/** The optimizer-state cost for `synapses` weights, or undefined when the convention keeps none. */
export function optimizerStateCost(c: LearningCostConvention, synapses: number): OptimizerStateCost | undefined {
  const k = c.optimizerStatePerWeight ?? 0;
  if (k === 0) return undefined;
  const values = k * synapses;
  const weightBytes = c.weightBytes ?? c.bytesPerValue;
  return { statePerWeight: k, weights: synapses, values, ...(weightBytes === undefined ? {} : { weightBytes, bytes: values * weightBytes }) };
}

/** The convention lines for the options given (none at the defaults, so a default report is unchanged). */
export function conventionLines(c: LearningCostConvention): string[] {
  const lines: string[] = [];
  if (c.bytesPerValue !== undefined) {
    lines.push(`bytes: memory in bytes = values × ${c.bytesPerValue} bytes per value (--bytes-per-value; MB = 10⁶ bytes).`);
  }
  const batch = c.batch ?? 1;
  if (batch !== 1) {
    lines.push(`batch: memory and MACs are per batch of ${batch} samples = ${batch} × the per-sample counts (each sample keeps its own states and traces and does its own learning MACs); the ratios are unchanged.`);
  }
  const k = c.optimizerStatePerWeight ?? 0;
  if (k > 0) {
    const wb = c.weightBytes ?? c.bytesPerValue;
    lines.push(
      `optimizer state: ${k} extra weight-sized array${k === 1 ? "" : "s"} (1: FO-STDGD's w(k−1); 2: Adam's moments) = ${k} × synapses values, ` +
        `one weight per synapse as counted under the fan-in convention (no kernel sharing: a conv trained with shared kernels stores fewer); ` +
        `shared by the batch (not × batch); ${wb === undefined ? "in values (no bytes per weight given)" : `${wb} bytes per weight (${c.weightBytes === undefined ? "= bytes per value" : "--weight-bytes"})`}; ` +
        "listed on its own line, not in the memory columns or the ratios.",
    );
  }
  return lines;
}
