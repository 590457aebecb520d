/**
 * How long a run lasts on the chip, the one figure that simulated time, average power, static energy and
 * time per inference are all computed from (chip/report/run-report.ts, chip/report/metrics.ts):
 *
 *   basis "tick-period"      (spec.tickPeriodNs = P > 0): tick t lasts max(P, latency_t), so
 *                            time = Σ_t max(P, latency_t). The chip is paced: a globally clocked chip
 *                            (TrueNorth, SpiNNaker 2: 1 ms ticks), or a chip fed by a sensor in real time
 *                            (`aerchip run --tick-period-us` / `--realtime`), waits for the next tick.
 *   basis "modelled-latency" (no period, or 0): time = Σ_t latency_t, the timing model's per-tick latency:
 *                            the chip runs compute-bound, each tick starting when the last one finished.
 *   basis "not-modelled"     (no period and no latency costs, Σ_t latency_t = 0): time is unknown, not 0.
 *
 * latency_t is the tick's modelled latency as the report lists it (perTick.latencyNs: the timing model's
 * latency plus, on compute-in-memory presets, the crossbar reads). Static energy is then
 * (coresUsed · staticPowerPerCoreMw + staticPowerChipMw) · time (chip/report/energy.ts).
 */
import type { ChipSpec } from "../spec/types.ts";

export type TimeBasis = "tick-period" | "modelled-latency" | "not-modelled";

export interface RunTime {
  readonly basis: TimeBasis;
  /** Σ_t of each tick's duration (ns); 0 when not modelled. */
  readonly timeNs: number;
  /** The period ticks were paced at (ns); null unless the basis is "tick-period". */
  readonly tickPeriodNs: number | null;
}

/** The run's time over `steps` ticks with modelled latencies `latencyNs` (see the module comment). */
export function runTime(spec: ChipSpec, latencyNs: ArrayLike<number>, steps: number): RunTime {
  const period = spec.tickPeriodNs ?? 0;
  let timeNs = 0;
  if (period > 0) {
    for (let t = 0; t < steps; t++) timeNs += Math.max(period, latencyNs[t]);
    return { basis: "tick-period", timeNs, tickPeriodNs: period };
  }
  for (let t = 0; t < steps; t++) timeNs += latencyNs[t];
  return timeNs > 0 ? { basis: "modelled-latency", timeNs, tickPeriodNs: null } : { basis: "not-modelled", timeNs: 0, tickPeriodNs: null };
}

/**
 * Whether the report's per-tick latencies are modelled figures: time is modelled and some tick has a latency.
 * A paced chip without latency costs (truenorth, spinnaker2: each tick lasts its period) has a simulated time
 * but every tick's modelled latency is 0 for want of costs, not because the work takes no time; the CSV's
 * latency_ns cells are then empty and the HTML page draws no latency figure, as for a chip that models no time.
 */
export function perTickLatencyModelled(simulatedTimeNs: number | null, latencyNs: ArrayLike<number>): boolean {
  if (simulatedTimeNs === null) return false;
  for (let t = 0; t < latencyNs.length; t++) if (latencyNs[t] > 0) return true;
  return false;
}

/**
 * Whether a report's per-operation costs (report.json / dataset.json `costs`) hold a latency: some cost in ns
 * above 0. Where a document has no per-tick latencies (dataset.json), this tells a paced chip whose ticks each
 * last max(P, latency_t) from one without latency costs (truenorth, spinnaker2), whose ticks each last P.
 * (A spec's barrier latency, sync.table, is not a listed cost: a spec with only that reads as without latency.)
 */
export function costsModelLatency(costs: ReadonlyArray<{ readonly unit: string; readonly value: number }>): boolean {
  return costs.some((c) => c.unit === "ns" && c.value > 0);
}
