/**
 * How an `--input` file became the input population's spikes, for run's report.json (`input`), its printed
 * summary, and evaluate's per-sample rows. A chip input neuron emits at most one spike per tick, so the
 * events of one input neuron (pixel and polarity channel, after the transforms) in one tick are one spike:
 *   eventsRead − eventsDroppedByTransforms − eventsOutsideTicks = eventsBinned = spikes + eventsMerged
 * (core/io/events/types.ts InputEventCounts). With --event-overlap an event can lie in several ticks and is
 * delivered in each: eventsRepeated counts the extra deliveries, eventsBinned + eventsRepeated = spikes +
 * eventsMerged, and the merged share is of the events delivered. When many events merge, the input the chip sees is much
 * sparser than the recording (a framework's count frames would carry them all): W_EVENTS_MERGED says so.
 * A dense .npy spike tensor holds spikes, not events: its section has `spikes` only, and no warning.
 * With --input-counts (cli/input-counts.ts) every binned event is a spike: nothing merges, no warning, and
 * the section says `inputCounts: true`.
 * `evaluate` warns once for the data set, on the event samples' counts summed.
 */
import type { Diagnostic } from "../core/diagnostics.ts";
import type { InputEventCounts } from "../core/io/events/index.ts";
import type { InputReportSection } from "../chip/report/run-report.ts";
import type { InputSpikes } from "./spike-inputs.ts";
import { fmtInt } from "./format.ts";
import type { EventBinning } from "./event-transforms.ts";

/** W_EVENTS_MERGED is given when more than this fraction of the binned events merged into spikes they did not add to. */
export const EVENTS_MERGED_WARN_FRACTION = 0.1;

/** The fraction of binned events merged, as a percentage with one decimal ("56.1 %"). */
function pct(merged: number, binned: number): string {
  return `${((100 * merged) / binned).toFixed(1)} %`;
}

/**
 * W_EVENTS_MERGED for an input whose merged events exceed EVENTS_MERGED_WARN_FRACTION of those binned; undefined otherwise.
 * `o` (the command's --tick-us and --event-overlap): with an overlap the input's tickUs is the stride W − X
 * between ticks, but the hint names the option the user gives, --tick-us W (hintTickUs), as evaluate does.
 */
export function eventsMergedWarning(input: Pick<InputSpikes, "events" | "tickUs">, file: string, binning: EventBinning | undefined, o: { readonly tickUs?: number; readonly eventOverlap?: number } = {}): Diagnostic | undefined {
  return mergedWarning(input.events, hintTickUs(o, input.tickUs), file, binning, "");
}

/** The --tick-us a W_EVENTS_MERGED hint names: W as given (default 1000) with --event-overlap, else the input's tick length. */
export function hintTickUs(o: { readonly tickUs?: number; readonly eventOverlap?: number }, inputTickUs: number | undefined): number | undefined {
  return o.eventOverlap !== undefined && inputTickUs !== undefined ? o.tickUs ?? 1000 : inputTickUs;
}

/**
 * W_EVENTS_MERGED for a data set (`evaluate`): on the event samples' counts summed (`over`: how many samples
 * they are), so one warning stands for the data set; undefined when the sum stays at or under the line.
 */
export function datasetEventsMergedWarning(sum: InputEventCounts | undefined, samples: number, tickUs: number | undefined, file: string, binning: EventBinning | undefined): Diagnostic | undefined {
  return mergedWarning(sum, tickUs, file, binning, ` over the ${fmtInt(samples)} event sample${samples === 1 ? "" : "s"}`);
}

/** The events the ticks deliver: eventsBinned, plus with an overlap the repeats of events in several ticks. */
export function eventsDelivered(e: InputEventCounts): number {
  return e.eventsBinned + (e.eventsRepeated ?? 0);
}

function mergedWarning(e: InputEventCounts | undefined, tickUs: number | undefined, file: string, binning: EventBinning | undefined, over: string): Diagnostic | undefined {
  if (e === undefined) return undefined;
  const delivered = eventsDelivered(e);
  if (delivered === 0 || e.eventsMerged <= EVENTS_MERGED_WARN_FRACTION * delivered) return undefined;
  const what = (e.eventsRepeated ?? 0) === 0 ? "events binned" : "event deliveries (overlapping ticks)";
  return {
    code: "W_EVENTS_MERGED", severity: "warning", file, field: binning?.flag ?? "--tick-us",
    message: `${fmtInt(e.eventsMerged)} of the ${fmtInt(delivered)} ${what}${over} (${pct(e.eventsMerged, delivered)}) fell on an input neuron that already had its one spike in that tick: the chip sees ${fmtInt(e.spikes)} input spikes`,
    hint: eventsMergedHint(tickUs, binning),
  };
}

/** W_EVENTS_MERGED's hint: finer bins put fewer events of one pixel into one tick. */
export function eventsMergedHint(tickUs: number | undefined, binning: EventBinning | undefined): string {
  const finer = binning !== undefined ? (binning.flag === "--event-count" ? `a smaller --event-count than ${binning.n}` : `more ${binning.flag} than ${binning.n}`) : tickUs !== undefined ? `a smaller --tick-us than ${tickUs}` : "shorter ticks";
  return `use ${finer} (fewer events per tick and pixel), unless binary input frames are meant`;
}

/** Adds one input's event counts to a running sum (undefined: none yet). */
export function addEventCounts(sum: InputEventCounts | undefined, e: InputEventCounts | undefined): InputEventCounts | undefined {
  if (e === undefined) return sum;
  if (sum === undefined) return e;
  return {
    eventsRead: sum.eventsRead + e.eventsRead, eventsDroppedByTransforms: sum.eventsDroppedByTransforms + e.eventsDroppedByTransforms,
    eventsOutsideTicks: sum.eventsOutsideTicks + e.eventsOutsideTicks, eventsBinned: sum.eventsBinned + e.eventsBinned,
    spikes: sum.spikes + e.spikes, eventsMerged: sum.eventsMerged + e.eventsMerged,
    ...(sum.eventsRepeated === undefined && e.eventsRepeated === undefined ? {} : { eventsRepeated: (sum.eventsRepeated ?? 0) + (e.eventsRepeated ?? 0) }),
  };
}

/** report.json's `input` section (run-report.ts InputReportSection). */
export function inputReportSection(input: Pick<InputSpikes, "events" | "tick" | "inputCounts">, warning: Diagnostic | undefined, steps: number): InputReportSection {
  const warnings = warning === undefined ? [] : [`${warning.code}: ${warning.message}`];
  // Spikes at ticks the run does not reach (--steps shorter than the input): counted in `spikes`, said apart.
  let after = 0;
  for (let k = 0; k < input.tick.length; k++) if (input.tick[k] >= steps) after++;
  const late = after === 0 ? {} : { spikesAfterSteps: after, steps };
  const e = input.events;
  const counts = input.inputCounts === true ? { inputCounts: true as const } : {};
  if (e === undefined) return { kind: "spike-tensor", spikes: input.tick.length, ...late, ...counts, warnings };
  return { kind: "events", ...e, ...late, ...counts, warnings };
}

/** "1 event", "4,325 events". */
function nEvents(n: number): string {
  return `${fmtInt(n)} event${n === 1 ? "" : "s"}`;
}

/** The summary's one line: "input: 4,325 events read → 1,899 spikes (2,426 events merged, 56.1 %: …)", with the drops when there are any. */
export function inputSummaryLine(s: InputReportSection): string {
  const late = s.spikesAfterSteps === undefined || s.steps === undefined ? "" : `; ${fmtInt(s.spikesAfterSteps)} of the spikes at or after --steps ${s.steps}, outside the steps the run covers`;
  if (s.kind === "spike-tensor") return `input: ${fmtInt(s.spikes)} spikes (a ${s.inputCounts === true ? "count" : "spike"} tensor${s.inputCounts === true ? ", every count delivered: --input-counts" : ""})${late}`;
  const read = s.eventsRead ?? 0;
  const binned = s.eventsBinned ?? 0;
  const merged = s.eventsMerged ?? 0;
  const dropped: string[] = [];
  if ((s.eventsDroppedByTransforms ?? 0) > 0) dropped.push(`${fmtInt(s.eventsDroppedByTransforms ?? 0)} dropped by the transforms`);
  if ((s.eventsOutsideTicks ?? 0) > 0) dropped.push(`${fmtInt(s.eventsOutsideTicks ?? 0)} outside the ticks`);
  // With --event-overlap: the deliveries, an event in k overlapping ticks counted k times.
  const repeated = s.eventsRepeated;
  const delivered = binned + (repeated ?? 0);
  const deliveries = repeated === undefined ? "" : `${dropped.length === 0 ? `${fmtInt(binned)} binned, ` : ""}${fmtInt(delivered)} delivered in overlapping ticks (${fmtInt(repeated)} repeats)`;
  const via = dropped.length === 0 && deliveries === "" ? "" : ` (${dropped.join(", ")}${dropped.length === 0 ? "" : `; ${fmtInt(binned)} binned`}${dropped.length === 0 || deliveries === "" ? "" : ", "}${deliveries})`;
  if (s.inputCounts === true) return `input: ${nEvents(read)} read${via} → ${fmtInt(s.spikes)} spikes (every event delivered, an input neuron firing once per event of its tick: --input-counts)${late}`;
  return `input: ${nEvents(read)} read${via} → ${fmtInt(s.spikes)} spikes (${nEvents(merged)} merged${delivered === 0 ? "" : `, ${pct(merged, delivered)}`}: one spike per input neuron and tick)${late}`;
}
