/**
 * `aerchip run --tick-period-us P` and `--realtime`: the period a run's ticks are paced at. A chip fed by a
 * sensor in real time is on for the recording's duration, not only for its compute: tick t then lasts
 * max(P, latency_t), and simulated time, average power, static energy and inferences per second are on the
 * basis "tick-period" (chip/report/time-basis.ts). `--realtime` takes P from the input: the tick length its
 * timed events were binned at (--tick-us, default 1000 µs; an AER stream's own tick). Without either option
 * the chip spec's own tickPeriodNs applies (TrueNorth, SpiNNaker 2), else the modelled latency.
 * Both are recorded in the report's provenance (`tickPeriodUs`, `realtime`) only when given, so `aerchip
 * rerun` reproduces them and reports made without them are unchanged.
 */
import { AerchipError } from "../core/diagnostics.ts";
import type { ChipSpec } from "../chip/spec/types.ts";
import { withTickPeriod } from "./load-arch.ts";

export interface TickPeriodOptions {
  readonly tickPeriodUs?: number;
  readonly realtime?: boolean;
}

/**
 * The period (µs) the options ask for, or undefined for the chip spec's own. `inputTickUs`: the tick length
 * of the binned --input (undefined for a dense spike tensor, whose ticks have no stated length).
 */
export function tickPeriodUsFor(o: TickPeriodOptions, inputTickUs: number | undefined, inputPath: string | undefined): number | undefined {
  if (o.tickPeriodUs !== undefined) return o.tickPeriodUs;
  if (o.realtime !== true) return undefined;
  if (inputTickUs === undefined) {
    throw new AerchipError("E_CLI_OPTION", `--realtime paces the ticks at the length timed events were binned at, and ${inputPath ?? "the input"} is a dense spike tensor, already on ticks of no stated length`, {
      field: "--realtime", ...(inputPath === undefined ? {} : { file: inputPath }), hint: "give the tick length itself: --tick-period-us <us>",
    });
  }
  return inputTickUs;
}

/** `spec` paced at `periodUs` (a `*` after its name), or `spec` itself when no period is asked. */
export function pacedSpec(spec: ChipSpec, periodUs: number | undefined, o: TickPeriodOptions): ChipSpec {
  if (periodUs === undefined) return spec;
  return withTickPeriod(spec, periodUs * 1000, o.tickPeriodUs !== undefined ? "--tick-period-us" : "--realtime");
}

/** The provenance options of the pacing: present only when given (see the module comment). */
export function tickPeriodProvenance(o: TickPeriodOptions): { tickPeriodUs?: number; realtime?: boolean } {
  return {
    ...(o.tickPeriodUs === undefined ? {} : { tickPeriodUs: o.tickPeriodUs }),
    ...(o.realtime === true ? { realtime: true } : {}),
  };
}
