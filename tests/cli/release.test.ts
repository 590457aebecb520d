/**
 * The pipeline collects a released model's IR graph after compiling and before building the state, and
 * with `releaseProgram` the program's per-synapse arrays once the state is built (cli/release.ts): only
 * for artefacts large enough to be worth a collection, only when the caller allows it, and with the same
 * report either way.
 */
import { describe, expect, it } from "vitest";
import pino from "pino";
import { loadArch } from "../../cli/load-arch.ts";
import { compileAndRunAsync } from "../../cli/pipeline.ts";
import { COLLECT_MIN_BYTES, graphReleaseRefs, programReleaseRefs } from "../../cli/release.ts";
import { compileModel } from "../../compiler/compile.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
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

interface Logged {
  readonly messages: string[];
  readonly report: RunReport;
  readonly crossbarSynapses: number;
}

/**
 * The messages the pipeline logs, in order, for one compileAndRunAsync of the model `make` returns, its
 * report, and the synapses left in the returned program's crossbars. The model is made in the call, as a
 * temporary: a parameter of this async function would stay reachable.
 */
async function runLogged(make: () => LoadedModel, modelReleased: boolean, releaseProgram = false): Promise<Logged> {
  const lines: string[] = [];
  const logger = pino({ level: "debug" }, { write: (s: string) => { lines.push(s); } });
  const out = await compileAndRunAsync(loadArch("generic"), make(), { provenance: { aerchipVersion: "test", inputs: [], options: {} }, modelReleased, releaseProgram, hooks: { logger } });
  return {
    messages: lines.map((l) => (JSON.parse(l) as { msg: string }).msg), report: out.report,
    crossbarSynapses: out.compiled.program.cores.reduce((n, cp) => n + cp.crossbar.synTarget.length, 0),
  };
}

describe("graphReleaseRefs and programReleaseRefs", () => {
  it("watch the graph and its four per-synapse arrays per projection, from minBytes up", () => {
    const { graph } = ringGraph(50);
    expect(graphReleaseRefs(graph)).toEqual([]);
    const refs = graphReleaseRefs(graph, 0);
    expect(refs).toHaveLength(1 + 4 * graph.projections.length);
    expect(refs[0].deref()).toBe(graph);
    expect(refs[1].deref()).toBe(graph.projections[0].preIndex);
  });

  it("watch the program and its crossbars' five per-synapse arrays per core, from minBytes up", () => {
    const { program } = compileModel(ringGraph(50).graph, loadArch("generic"), {});
    expect(programReleaseRefs(program)).toEqual([]);
    const refs = programReleaseRefs(program, 0);
    expect(refs).toHaveLength(1 + 5 * program.cores.length);
    expect(refs[0].deref()).toBe(program);
  });
});

describe("compileAndRunAsync releasing the model and the program", () => {
  it("collects a large graph after compiling and the program's arrays after building; the report is the same", async () => {
    // 1024² synapses: 18.9 MB of IR arrays and 21 MB of crossbars, over COLLECT_MIN_BYTES.
    expect(1024 * 1024 * 18).toBeGreaterThan(COLLECT_MIN_BYTES);
    const kept = await runLogged(() => denseModel(1024), false);
    expect(kept.messages).toEqual(["model compiled", "simulator state built", "simulation finished"]);
    expect(kept.crossbarSynapses).toBe(1024 * 1024);
    const released = await runLogged(() => denseModel(1024), true, true);
    expect(released.messages).toEqual(["model compiled", "IR graph collected", "simulator state built", "program arrays collected", "simulation finished"]);
    expect(released.crossbarSynapses).toBe(0);
    expect(JSON.stringify(released.report)).toBe(JSON.stringify(kept.report));
  });

  it("collects the graph alone when the program is kept", async () => {
    expect((await runLogged(() => denseModel(1024), true)).messages).toEqual(["model compiled", "IR graph collected", "simulator state built", "simulation finished"]);
  });
});
