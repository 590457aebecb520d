/**
 * How an `--input` file became the input population's spikes, for run's report.json (`input`), its printed
 * summary, and evaluate's per-sample rows. A chip input neuron emits at most one spike per tick, so the
 * events of one input neuron (pixel and polarity channel, after the transforms) in one tick are one spike:
 *   eventsRead − eventsDroppedByTransforms − eventsOutsideTicks = eventsBinned = spikes + eventsMerged
 * (core/io/events/types.ts InputEventCounts). When many events merge, the input the chip sees is much
 * sparser than the recording (a framework's count frames would carry them all): W_EVENTS_MERGED says so.
 * A dense .npy spike tensor holds spikes, not events: its section has `spikes` only, and no warning.
 */
import type { Diagnostic } from "../core/diagnostics.ts";
import type { InputReportSection } from "../chip/report/run-report.ts";
import type { InputSpikes } from "./spike-inputs.ts";
import { fmtInt } from "./format.ts";

/** W_EVENTS_MERGED is given when more than this fraction of the binned events merged into spikes they did not add to. */
export const EVENTS_MERGED_WARN_FRACTION = 0.1;

/** The fraction of binned events merged, as a percentage with one decimal ("56.5 %"). */
function pct(merged: number, binned: number): string {
  return `${((100 * merged) / binned).toFixed(1)} %`;
}

/** W_EVENTS_MERGED for an input whose merged events exceed EVENTS_MERGED_WARN_FRACTION of those binned; undefined otherwise. */
export function eventsMergedWarning(input: Pick<InputSpikes, "events" | "tickUs">, file: string, timeBins: number | undefined): Diagnostic | undefined {
  const e = input.events;
  if (e === undefined || e.eventsBinned === 0 || e.eventsMerged <= EVENTS_MERGED_WARN_FRACTION * e.eventsBinned) return undefined;
  const finer = timeBins !== undefined ? `more --time-bins than ${timeBins}` : input.tickUs !== undefined ? `a smaller --tick-us than ${input.tickUs}` : "shorter ticks";
  return {
    code: "W_EVENTS_MERGED", severity: "warning", file, field: timeBins !== undefined ? "--time-bins" : "--tick-us",
    message: `${fmtInt(e.eventsMerged)} of the ${fmtInt(e.eventsBinned)} events binned (${pct(e.eventsMerged, e.eventsBinned)}) fell on an input neuron that already had its one spike in that tick: the chip sees ${fmtInt(e.spikes)} input spikes`,
    hint: `use ${finer} (fewer events per tick and pixel), unless binary input frames are meant`,
  };
}

/** report.json's `input` section (run-report.ts InputReportSection). */
export function inputReportSection(input: Pick<InputSpikes, "events" | "tick">, warning: Diagnostic | undefined): InputReportSection {
  const warnings = warning === undefined ? [] : [`${warning.code}: ${warning.message}`];
  const e = input.events;
  if (e === undefined) return { kind: "spike-tensor", spikes: input.tick.length, warnings };
  return { kind: "events", ...e, warnings };
}

/** The summary's one line: "input: 4,325 events read → 1,883 spikes (2,442 events merged, 56.5 %)", with the drops when there are any. */
export function inputSummaryLine(s: InputReportSection): string {
  if (s.kind === "spike-tensor") return `input: ${fmtInt(s.spikes)} spikes (a spike tensor)`;
  const read = s.eventsRead ?? 0;
  const binned = s.eventsBinned ?? 0;
  const merged = s.eventsMerged ?? 0;
  const dropped: string[] = [];
  if ((s.eventsDroppedByTransforms ?? 0) > 0) dropped.push(`${fmtInt(s.eventsDroppedByTransforms ?? 0)} dropped by the transforms`);
  if ((s.eventsOutsideTicks ?? 0) > 0) dropped.push(`${fmtInt(s.eventsOutsideTicks ?? 0)} outside the ticks`);
  const via = dropped.length === 0 ? "" : ` (${dropped.join(", ")}; ${fmtInt(binned)} binned)`;
  return `input: ${fmtInt(read)} events read${via} → ${fmtInt(s.spikes)} spikes (${fmtInt(merged)} events merged${binned === 0 ? "" : `, ${pct(merged, binned)}`}: one spike per input neuron and tick)`;
}
