/**
 * The NIR section of a report (`nir`, written by `aerchip run` on a NIR graph) as two tables for the
 * Markdown, LaTeX and HTML renderers: the output nodes' spike counts (with the neuron that spiked most,
 * the class a classifier picks) and the graph's projections against the synapses the chip stores.
 */
import type { NirReportSection, RunReport } from "../run-report.ts";
import type { Cell, ReportTable } from "./cells.ts";
import { driveEnergyNotModelledText, nirBiasDrive } from "../nir-bias-drive.ts";

const int = (v: number): Cell => ({ v, f: "int" });

/** Counts longer than this are summarised in the tables (report.json and the CSV keep every count). */
export const MAX_LISTED_COUNTS = 32;

/** Indices of the largest count ("none" when nothing spiked); ties list every index. */
function mostSpikes(counts: readonly number[]): string {
  let best = 0;
  for (const c of counts) if (c > best) best = c;
  if (best === 0) return "none";
  const at: number[] = [];
  counts.forEach((c, i) => { if (c === best) at.push(i); });
  return at.join(", ");
}

function countsCell(counts: readonly number[]): string {
  if (counts.length <= MAX_LISTED_COUNTS) return counts.join(", ");
  return `${counts.slice(0, MAX_LISTED_COUNTS).join(", ")}, … (${counts.length} neurons; all in report.json and the CSV)`;
}

function outputsTable(n: NirReportSection, ticks: number, readouts: RunReport["readouts"]): ReportTable {
  return {
    id: "nir-outputs", title: "NIR outputs",
    columns: [
      { header: "Output", align: "l" }, { header: "Node", align: "l" }, { header: "Spikes", align: "r" },
      { header: "Most spikes (neuron)", align: "l" }, { header: "Spikes per output neuron", align: "l" },
    ],
    rows: n.outputs.map((o) => o.counts === null
      ? [o.output, o.node, null, null, `non-spiking: membrane trace in ${readouts?.find((x) => x.population === o.node)?.file ?? "its .v.npy"}`]
      : [o.output, o.node, int(o.counts.reduce((a, b) => a + b, 0)), mostSpikes(o.counts), countsCell(o.counts)]),
    note: `Over the ${n.steps} data steps. The chip ran ${ticks} ticks = ${n.steps} data steps + ${n.extraTicks} pipeline ticks ` +
      `(the graph's latency); NIR ${n.version}, input shape ${n.inputShape.join(" × ")}.` +
      (n.warnings.length > 0 ? ` Warnings: ${n.warnings.join("; ")}` : ""),
  };
}

/** The constant drives' share (nir-bias-drive.ts), said under the projections; "" when the run has none. */
function driveNote(r: RunReport): string {
  const d = nirBiasDrive(r);
  if (d === undefined || d.synOps === 0) return "";
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  const energy = d.energyPj === null ? "" : `, ${sig6(d.energyPj)} pJ of the ${sig6(r.totals.energyPj.dynamic)} pJ dynamic energy${d.dynamicEnergyShare === null ? "" : ` (${pct(d.dynamicEnergyShare)})`}`;
  // A program run has it from the program (provenance.compiledWith), a graph run from its options.
  const mode = r.provenance.options.nirBias ?? r.provenance.compiledWith?.nirBias ?? "source";
  const how = mode === "compartment" ? "drives --nir-bias compartment could not put in compartment biases" : "NIR biases and leak drives as synapses of a helper neuron that fires every tick (--nir-bias source, the default; --nir-bias compartment puts them in compartment biases, with no synaptic ops)";
  return ` Constant drives (${d.projections.join(", ")}): ${d.synOps} of ${r.totals.counters.synOps} synaptic ops (${pct(d.synOpsShare)})${energy}: ${how}${driveEnergyNotModelledText(d)}.`;
}

const sig6 = (x: number): string => String(Number(x.toPrecision(6)));

function projectionsTable(n: NirReportSection, r: RunReport): ReportTable {
  return {
    id: "nir-projections", title: "NIR projections",
    columns: [
      { header: "Projection", align: "l" }, { header: "Via", align: "l" }, { header: "Encoding", align: "l" },
      { header: "Model weights", align: "r" }, { header: "Synapses", align: "r" },
    ],
    rows: n.projections.map((p) => [p.projection, p.via.join(", "), p.encoding, int(p.modelWeights), int(p.synapses)]),
    note: "Model weights: entries of the graph's weight tensors; synapses: the synapses the chip stores for them (kernels are expanded over the positions they connect, so synapses can exceed model weights)." + driveNote(r),
  };
}

export function nirTables(r: RunReport): ReportTable[] {
  const n = r.nir;
  if (n === undefined) return [];
  return [outputsTable(n, r.steps, r.readouts), projectionsTable(n, r)];
}
