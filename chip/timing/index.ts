/**
 * Swappable per-tick timing models (docs/sanafe.md): `simple` (SANA-FE's analytical model) and
 * `detailed` (SANA-FE's message schedule with congestion). Both read only a TickWork and the ChipSpec.
 */
import { AerchipError } from "../../core/diagnostics.ts";
import { createDetailedTiming } from "./detailed.ts";
import { createSimpleTiming } from "./simple.ts";
import { TIMING_MODEL_NAMES, type TimingModel } from "./types.ts";
import type { KernelChoice } from "../sim/wasm/kernels.ts";

export { TickWork, TIMING_MODEL_NAMES } from "./types.ts";
export type { TimingModel, TimingModelName } from "./types.ts";
export { createSimpleTiming, isSimpleTiming, simpleTickLatencyNs, simpleTiming } from "./simple.ts";
export { detailedTickLatencyNs, createDetailedTiming, DetailedScheduler } from "./detailed.ts";
export { syncLatencyNs, timingCosts } from "./costs.ts";

/**
 * A fresh timing model by name (each instance owns its scratch buffers and cost cache). `kernels`: the
 * detailed model's schedule in WebAssembly or TypeScript (default: defaultKernels(); same latencies).
 */
export function createTimingModel(name: string, kernels?: KernelChoice): TimingModel {
  if (name === "simple") return createSimpleTiming();
  if (name === "detailed") return createDetailedTiming(kernels);
  throw new AerchipError("E_TIMING_MODEL", `unknown timing model "${name}"`, { field: "--timing", hint: `use one of: ${TIMING_MODEL_NAMES.join(", ")}` });
}
