/**
 * The readouts of a report (`readouts`, written by `aerchip run` for non-spiking populations) as one table
 * for the Markdown, LaTeX and HTML renderers: per readout, the class each decoder gives (argmax of Σ_t v,
 * max_t v and the last v; chip/report/readout-decoders.ts). Per-neuron values are in report.json, the CSV
 * (`readout_neuron` rows) and the `.v.npy` trace.
 */
import type { RunReport } from "../run-report.ts";
import type { Cell, ReportTable } from "./cells.ts";

const int = (v: number | null): Cell => (v === null ? null : { v, f: "int" });

export function readoutTables(r: RunReport): ReportTable[] {
  const ro = r.readouts;
  if (ro === undefined || ro.length === 0) return [];
  return [{
    id: "readouts", title: "Readouts",
    columns: [
      { header: "Readout", align: "l" }, { header: "Neurons", align: "r" }, { header: "Ticks", align: "r" },
      { header: "Class by Σv", align: "r" }, { header: "Class by max v", align: "r" }, { header: "Class by last v", align: "r" }, { header: "Trace", align: "l" },
    ],
    rows: ro.map((x) => [x.population, int(x.size), int(x.steps), int(x.argmax.sum), int(x.argmax.max), int(x.argmax.last), x.file]),
    note: "Non-spiking readouts: v is the membrane potential after each tick's update. Class = the neuron (flat index) with the largest " +
      "Σ_t v (S-TLLR's summed logits), max_t v or last v (the spiking auto-encoder's decoders), lowest index on ties. " +
      "Per-neuron values are in report.json (readouts) and the CSV; the trace (T × neurons) in the file named.",
  }];
}
