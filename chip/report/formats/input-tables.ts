/**
 * The input section of a report (`input`, written by `aerchip run --input FILE`, cli/input-accounting.ts)
 * as one table for the Markdown, LaTeX and HTML renderers: the events read, dropped and merged on the way
 * to the input spikes (a chip input neuron emits at most one spike per tick). A dense spike tensor has
 * no events: its table has the spikes only. Reports without the section get no table.
 */
import type { InputReportSection, RunReport } from "../run-report.ts";
import type { Cell, ReportTable } from "./cells.ts";

const int = (v: number): Cell => ({ v, f: "int" });
const pct = (v: number): Cell => ({ v, f: "pct" });

function inputTable(s: InputReportSection): ReportTable {
  const columns = [{ header: "Step", align: "l" as const }, { header: "Events or spikes", align: "r" as const }, { header: "Share of events read", align: "r" as const }];
  if (s.kind === "spike-tensor") {
    return { id: "input", title: "Input", columns, rows: [[s.inputCounts === true ? "Input spikes (a dense count tensor, every count delivered: --input-counts)" : "Input spikes (a dense spike tensor: no events)", int(s.spikes), null], ...lateRows(s)] };
  }
  const read = s.eventsRead ?? 0;
  const share = (v: number): Cell => (read === 0 ? null : pct(v / read));
  if (s.eventsRepeated !== undefined) return overlapTable(s, read, share);
  const row = (label: string, v: number): Cell[] => [label, int(v), share(v)];
  return {
    id: "input", title: "Input",
    columns,
    rows: [
      row("Events read", read),
      row("Dropped by the transforms (time slice, crop, one polarity)", s.eventsDroppedByTransforms ?? 0),
      row("Outside the ticks (before tick 0, past the last bin)", s.eventsOutsideTicks ?? 0),
      row("Binned into a tick and input neuron", s.eventsBinned ?? 0),
      row("Merged (an input neuron already had its spike in that tick)", s.eventsMerged ?? 0),
      ["Input spikes", int(s.spikes), null],
      ...lateRows(s),
    ],
    note: (s.inputCounts === true
      ? "Events read − dropped − outside = binned = input spikes: with --input-counts every event is delivered, an input neuron firing once per event of its tick (none merge)."
      : "Events read − dropped − outside = binned = input spikes + merged: an input neuron emits at most one spike per tick, so the events of one pixel and polarity channel in one tick are one spike.") +
      warningsNote(s),
  };
}

/**
 * With --event-overlap an event lies in several ticks and is delivered in each: deliveries = binned +
 * repeated = input spikes + merged. The events' steps keep their share of the events read; the deliveries,
 * repeats, merges and spikes get their share of the deliveries (the basis of the summary line and
 * W_EVENTS_MERGED, docs/events.md §7), in a column of their own, so no share exceeds 100 %.
 */
function overlapTable(s: InputReportSection, read: number, share: (v: number) => Cell): ReportTable {
  const delivered = (s.eventsBinned ?? 0) + (s.eventsRepeated ?? 0);
  const ofDelivered = (v: number): Cell => (delivered === 0 ? null : pct(v / delivered));
  const ofRead = (label: string, v: number): Cell[] => [label, int(v), share(v), null];
  const ofDeliveries = (label: string, v: number): Cell[] => [label, int(v), null, ofDelivered(v)];
  return {
    id: "input", title: "Input",
    columns: [{ header: "Step", align: "l" }, { header: "Events or spikes", align: "r" }, { header: "Share of events read", align: "r" }, { header: "Share of deliveries", align: "r" }],
    rows: [
      ofRead("Events read", read),
      ofRead("Dropped by the transforms (time slice, crop, one polarity)", s.eventsDroppedByTransforms ?? 0),
      ofRead("Outside the ticks (before tick 0, past the last bin)", s.eventsOutsideTicks ?? 0),
      ofRead("Binned into a tick and input neuron", s.eventsBinned ?? 0),
      ofDeliveries("Repeated (delivered again in overlapping ticks: --event-overlap)", s.eventsRepeated ?? 0),
      ofDeliveries("Delivered in the ticks (binned + repeated)", delivered),
      ofDeliveries("Merged (an input neuron already had its spike in that tick)", s.eventsMerged ?? 0),
      ofDeliveries("Input spikes", s.spikes),
      ...lateRows(s).map((r) => [...r, null]),
    ],
    note: (s.inputCounts === true
      ? "Events read − dropped − outside = binned; binned + repeated = deliveries = input spikes: with --input-counts every delivery is a spike (none merge)."
      : "Events read − dropped − outside = binned; binned + repeated = deliveries = input spikes + merged: an input neuron emits at most one spike per tick, so the deliveries of one pixel and polarity channel in one tick are one spike.") +
      warningsNote(s),
  };
}

function warningsNote(s: InputReportSection): string {
  return s.warnings.length > 0 ? ` Warnings: ${s.warnings.join("; ")}` : "";
}

/** "Of them at or after --steps": input spikes outside the steps a shorter --steps covers (only when there are some). */
function lateRows(s: InputReportSection): Cell[][] {
  return s.spikesAfterSteps === undefined ? [] : [[`Of them at or after --steps ${s.steps ?? ""} (outside the run's steps)`, int(s.spikesAfterSteps), null]];
}

/** The input table of a run with --input; none for other reports. */
export function inputTables(r: RunReport): ReportTable[] {
  return r.input === undefined ? [] : [inputTable(r.input)];
}
