/**
 * `aerchip train … --eval-every N --test DATASET`: a learning curve. After every N training samples (counted
 * over the passes) and after the last, the weights (and learned θ) the training has reached are tested on
 * DATASET exactly as `evaluate MODEL.json --input DATASET --frozen --initial-weights W.json` tests the
 * weights.json a training stopped there would write: a compile of its own with every learning rule dropped
 * and a loaded θ held fixed (cli/evaluate/dataset-model.ts), each test sample from the chip's initial state
 * (cli/evaluate/sample.ts evaluateSample, the same function evaluate runs). The training's compile, state,
 * learning engine and rounding streams are not touched, so the training — weights.json and every figure of
 * train.json but `curve` — is bit for bit what it is without --eval-every (tests/cli/train-curve.test.ts).
 *
 * A point: `samples` (training samples seen), `accuracy` (correct / labelled test samples; null when none is
 * labelled), `labelled`, and per test inference the mean spikes of the model's layers (`nonInputSpikes`: inputs excluded) and the mean dynamic
 * energy (synapse + neuron + network, pJ: the chip's counts × its per-operation costs; evaluate's simple time
 * model runs, its static energy is left out as train's figures leave it out).
 */
import { join } from "node:path";
import type { OutputFile } from "../core/atomic-write.ts";
import type { ChipSpec } from "../chip/spec/types.ts";
import type { ChipProgram } from "../chip/program/types.ts";
import type { ModelGraph, StimulusIR } from "../compiler/ir/types.ts";
import { adaptiveThresholdsOf, type SimResult } from "../chip/sim/run.ts";
import type { SimState } from "../chip/sim/state.ts";
import type { DatasetListing } from "./dataset-inputs.ts";
import { applyInitialWeights, type WeightsEntry } from "./initial-weights.ts";
import { jsonGraphDatasetModel } from "./evaluate/dataset-model.ts";
import { compileForDataset, evaluateSample, sampleRunner, type SampleRunOptions } from "./evaluate/sample.ts";
import { chooseDecode, chooseOutput } from "./dataset-decode.ts";

export interface CurvePoint {
  readonly samples: number;
  readonly accuracy: number | null;
  readonly labelled: number;
  /** Mean spikes of the model's non-input populations per test inference (evaluate's per-sample `spikes`). */
  readonly nonInputSpikes: number;
  /** null in a counts-only training (`train --costs counts`: chip/report/counts-only.ts); curve.csv's cell is then empty. */
  readonly dynamicEnergyPj: number | null;
}

export interface CurveSetup {
  readonly spec: ChipSpec;
  readonly modelPath: string;
  /** The graph training started from (the model with --initial-weights applied). */
  readonly graph: ModelGraph;
  /** The model file's own input spikes (the other input populations keep them). */
  readonly stimulus: StimulusIR;
  readonly test: DatasetListing;
  readonly inputPopulation: string;
  readonly output?: string;
  readonly options: SampleRunOptions;
}

/** The frozen test of the training's current weights (`last`'s final weights, θ from the training state `st`). */
export async function curvePoint(c: CurveSetup, samples: number, program: ChipProgram, st: SimState, last: SimResult): Promise<CurvePoint> {
  const projections = new Map<string, WeightsEntry>();
  for (const pr of program.projections) {
    const w = last.finalWeights.get(pr.name);
    if (w !== undefined) projections.set(pr.name, { pre: pr.pre, post: pr.post, rule: "", weights: w });
  }
  const graph = applyInitialWeights(c.graph, { model: c.graph.name, projections, thresholds: adaptiveThresholdsOf(program, st) }, "(training)");
  const m = jsonGraphDatasetModel(c.modelPath, graph, c.stimulus, { inputPopulation: c.inputPopulation, frozen: true, ...(c.output === undefined ? {} : { output: c.output }) });
  const compiled = compileForDataset(c.spec, m, c.modelPath, c.options);
  const out0 = chooseOutput(m, c.output, c.modelPath);
  const runner = await sampleRunner(c.spec, m, c.modelPath, c.options, compiled, out0, chooseDecode(out0, undefined, c.modelPath), { aerchipVersion: "", inputs: [], options: {} });
  let correct = 0, labelled = 0, spikes = 0, dynamic = 0;
  try {
    for (const [i, s] of c.test.samples.entries()) {
      const { row } = await evaluateSample(runner, s, i, c.test.samples.length);
      if (row.correct !== null) {
        labelled++;
        if (row.correct) correct++;
      }
      spikes += row.spikes;
      dynamic += row.energyPj.synapse + row.energyPj.neuron + row.energyPj.network + row.energyPj.learning;
    }
  } finally {
    runner.reader.close();
  }
  const n = Math.max(1, c.test.samples.length);
  return { samples, accuracy: labelled === 0 ? null : correct / labelled, labelled, nonInputSpikes: spikes / n, dynamicEnergyPj: dynamic / n };
}

/** curve.csv: one row per point. */
export function trainCurveFile(out: string, curve: readonly CurvePoint[]): OutputFile {
  const rows = curve.map((p) => [p.samples, p.accuracy ?? "", p.labelled, p.nonInputSpikes, p.dynamicEnergyPj ?? ""].join(","));
  return { path: join(out, "curve.csv"), data: `samples,accuracy,labelled,nonInputSpikes,dynamicEnergyPj\n${rows.join("\n")}\n` };
}
