/**
 * The output files of a NIR run, keyed by NIR node name and in NIR steps 0..T−1 (docs/nir.md): spikes.json
 * (every spiking node's [[t, i], ...]), <node>.npy (T × shape uint8 per spiking node), <node>.v.npy (readouts'
 * membrane traces, cli/readout-files.ts) and report.json's `nir` section. Chip ticks are shifted back by each
 * node's latency. Shared by `run model.nir` and `run program.aerprog` of a compiled NIR graph.
 */
import { join } from "node:path";
import type { OutputFile } from "../core/atomic-write.ts";
import { writeNpy } from "../core/io/npy.ts";
import type { SimResult } from "../chip/sim/run.ts";
import type { NirReportSection, ReadoutReport } from "../chip/report/run-report.ts";
import { spikesJsonFrom } from "./pipeline.ts";
import { fileSafe, readoutOutputs, type ReadoutSource } from "./readout-files.ts";
import type { NirRunView } from "./nir-run-view.ts";

/** The non-spiking nodes (LI, I, CubaLI, Output readouts): traces read from tick latencyTicks on. */
export function nirReadouts(v: NirRunView): ReadoutSource[] {
  return v.nodes.filter((n) => !n.spiking && n.type !== "Input").map((n) => ({ name: n.node, population: n.population, shape: n.shape, latencyTicks: n.latencyTicks }));
}

/** The spiking nodes other than Inputs: each gets <node>.npy and a spikes.json entry. */
export function nirSpikingNodes(v: NirRunView): NirRunView["nodes"] {
  return v.nodes.filter((n) => n.spiking && n.type !== "Input");
}

/** The node files a run writes (<node>.npy, <node>.v.npy), for the output-over-input checks. */
export function nirNodeFileNames(v: NirRunView): string[] {
  return [...nirSpikingNodes(v).map((n) => `${fileSafe(n.node)}.npy`), ...nirReadouts(v).map((r) => `${fileSafe(r.name)}.v.npy`)];
}

/** One NIR node's spikes in NIR steps [0, T): chip ticks shifted back by the node's latency. */
function nodeSpikes(sim: SimResult, population: string, latency: number, T: number): { tick: Int32Array; neuron: Int32Array } {
  const sp = sim.spikes.get(population);
  if (sp === undefined) return { tick: new Int32Array(0), neuron: new Int32Array(0) };
  const ticks: number[] = [];
  const neurons: number[] = [];
  for (let k = 0; k < sp.tick.length; k++) {
    const t = sp.tick[k] - latency;
    if (t >= 0 && t < T) { ticks.push(t); neurons.push(sp.neuron[k]); }
  }
  return { tick: Int32Array.from(ticks), neuron: Int32Array.from(neurons) };
}

/**
 * spikes.json, the <node>.npy and <node>.v.npy files (in that order) and report.json's `nir` section and
 * `readouts` of a run of T NIR steps (T + v.extraTicks ticks) in `out`.
 */
export function nirRunOutputs(sim: SimResult, v: NirRunView, T: number, out: string, o: { readonly modelName: string; readonly simulator: string; readonly warnings: readonly string[] }): { files: OutputFile[]; nir: NirReportSection; readouts: ReadoutReport[]; nodeSpikes: Record<string, string> } {
  const lists = nirSpikingNodes(v).map((n) => ({ name: n.node, ...nodeSpikes(sim, n.population, n.latencyTicks, T), shape: n.shape }));
  const nir: NirReportSection = {
    version: v.nirVersion, steps: T, extraTicks: v.extraTicks, inputShape: v.input.shape,
    outputs: v.outputs.map((x) => {
      const l = lists.find((y) => y.name === x.node);
      const size = x.shape.reduce((a, b) => a * b, 1);
      const counts = new Array<number>(size).fill(0);
      if (l !== undefined) for (let k = 0; k < l.neuron.length; k++) counts[l.neuron[k]]++;
      return { output: x.output, node: x.node, spiking: x.spiking, counts: x.spiking ? counts : null };
    }),
    projections: v.projections,
    warnings: o.warnings,
  };
  const files: OutputFile[] = [{ path: join(out, "spikes.json"), data: spikesJsonFrom(o.modelName, o.simulator, T, lists) }];
  // Each spiking node's <node>.npy by node name (run --json's nodeSpikes).
  const nodeFiles: Record<string, string> = {};
  for (const l of lists) {
    nodeFiles[l.name] = join(out, `${fileSafe(l.name)}.npy`);
    const size = l.shape.reduce((a, b) => a * b, 1);
    const dense = new Uint8Array(T * size);
    for (let k = 0; k < l.tick.length; k++) dense[l.tick[k] * size + l.neuron[k]] = 1;
    files.push({ path: join(out, `${fileSafe(l.name)}.npy`), data: writeNpy(dense, [T, ...l.shape], { bool: true }) });
  }
  // Readouts' membrane traces (<node>.v.npy) and their decoders (report.json readouts): cli/readout-files.ts.
  const ro = readoutOutputs(sim, nirReadouts(v), T, out);
  files.push(...ro.files);
  return { files, nir, readouts: ro.report, nodeSpikes: nodeFiles };
}

/** The summary's lines per Output node: its spike counts, or where its membrane trace is. */
export function nirOutputLines(nir: NirReportSection, readouts: readonly ReadoutReport[]): string {
  return nir.outputs
    .map((x) => `output ${x.output}: ${x.counts === null ? `membrane trace (see ${readouts.find((r) => r.population === x.node)?.file ?? ".v.npy"})` : `spike counts [${x.counts.join(", ")}]`}`)
    .join("\n");
}
