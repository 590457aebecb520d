/**
 * The pipeline collects a released model's IR graph after compiling and before building the state
 * (cli/release-graph.ts), only for graphs large enough to be worth a collection, and only when the caller
 * says it keeps no reference (`modelReleased`).
 */
import { describe, expect, it } from "vitest";
import pino from "pino";
import { loadArch } from "../../cli/load-arch.ts";
import { compileAndRunAsync } from "../../cli/pipeline.ts";
import { COLLECT_MIN_BYTES, graphReleaseRefs } from "../../cli/release-graph.ts";
import { uniformNeuronParams, type ModelGraph } from "../../compiler/ir/types.ts";
import { ResetMode, type ChipStimulus } from "../../chip/program/types.ts";
import type { LoadedModel } from "../../compiler/frontends/snnref.ts";
import { ringGraph } from "../helpers/graphs.ts";

/** n inputs densely connected to n LIF neurons: n² synapses, 18 bytes each in the IR. */
function denseModel(n: number): LoadedModel {
  const S = n * n;
  const pre = new Uint32Array(S);
  const post = new Uint32Array(S);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { pre[i * n + j] = i; post[i * n + j] = j; }
  const graph: ModelGraph = {
    name: "dense", defaultSteps: 3,
    populations: [
      { name: "in", kind: "input", size: n, shape: [n], spiking: true },
      { name: "out", kind: "neuron", size: n, shape: [n], spiking: true, params: uniformNeuronParams(n, { voltageDecay: 0.9, vThreshold: 1, resetMode: ResetMode.zero }) },
    ],
    projections: [{ name: "in_out", pre: "in", post: "out", encoding: "dense", preIndex: pre, postIndex: post, weight: new Float64Array(S).fill(0.01), delayTicks: new Uint16Array(S).fill(1) }],
  };
  const stimulus: ChipStimulus = { spikes: new Map([["in", { tick: Int32Array.of(0, 1), neuron: Int32Array.of(0, 1) }]]) };
  return { graph, stimulus };
}

/**
 * The messages the pipeline logs, in order, for one compileAndRunAsync of the model `make` returns. The
 * model is made in the call, as a temporary: a parameter of this async function would stay reachable.
 */
async function runLogged(make: () => LoadedModel, modelReleased: boolean): Promise<string[]> {
  const lines: string[] = [];
  const logger = pino({ level: "debug" }, { write: (s: string) => { lines.push(s); } });
  await compileAndRunAsync(loadArch("generic"), make(), { provenance: { aerchipVersion: "test", inputs: [], options: {} }, modelReleased, hooks: { logger } });
  return lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
}

describe("graphReleaseRefs", () => {
  it("watches the graph and its four per-synapse arrays per projection, from minBytes up", () => {
    const { graph } = ringGraph(50);
    expect(graphReleaseRefs(graph)).toEqual([]);
    const refs = graphReleaseRefs(graph, 0);
    expect(refs).toHaveLength(1 + 4 * graph.projections.length);
    expect(refs[0].deref()).toBe(graph);
    expect(refs[1].deref()).toBe(graph.projections[0].preIndex);
  });
});

describe("compileAndRunAsync with modelReleased", () => {
  it("collects a large graph after compiling and before building the state", async () => {
    // 1024² synapses: 18.9 MB of IR arrays, over COLLECT_MIN_BYTES.
    expect(1024 * 1024 * 18).toBeGreaterThan(COLLECT_MIN_BYTES);
    expect(await runLogged(() => denseModel(1024), true)).toEqual(["model compiled", "IR graph collected", "simulator state built", "simulation finished"]);
  });

  it("makes no collection when the caller may keep the model", async () => {
    expect(await runLogged(() => denseModel(1024), false)).toEqual(["model compiled", "simulator state built", "simulation finished"]);
  });
});
