/**
 * Trace memory of learning-rule projections (audit s19 B3): the footprint and per-core neuron memory count
 * the traces the general learning engine keeps, at the chip's trace width, and agree with the engine's
 * own allocation (LearningEngine.traceMemoryBits); pair-STDP figures stay as they were.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import { parseJsonText, type Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { buildRunReport } from "../../../chip/report/run-report.ts";
import { programCoreFigures } from "../../../chip/report/metrics.ts";
import { traceBitsPerNeuron } from "../../../chip/report/trace-memory.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { cli } from "../../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";

const PROV = { aerchipVersion: "test", inputs: [], options: {} };
const example = (name: string): Json => parseJsonText(readFileSync(`examples/learning/${name}.model.json`, "utf8"), name);

function run(json: Json, spec: ChipSpec) {
  const model = parseAerchipModel(json, "test.json");
  const compiled = compileModel(model.graph, spec, {});
  const cores = programCoreFigures(spec, compiled.program);
  const sim = simulate(spec, compiled.program, model.stimulus, { steps: model.graph.defaultSteps });
  const report = buildRunReport(spec, compiled.program, sim, PROV, "none");
  return { program: compiled.program, sim, cores, metrics: report.metrics! };
}

const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);

describe("trace memory of general learning rules (learning)", () => {
  const loihi = loadPreset("loihi");

  it("S-TLLR (x1; y1, y2) on loihi: (4 axons · 1 + 3 neurons · 2) traces × 7 bits = 8.75 bytes", () => {
    expect(loihi.precision.traceBits).toBe(7);
    const { metrics } = run(example("stllr"), loihi);
    expect(metrics.totals.footprint.traceBytes).toBe(8.75);
    expect(metrics.perPopulation.find((p) => p.name === "in")!.footprint.traceBytes).toBe(3.5);
    expect(metrics.perPopulation.find((p) => p.name === "out")!.footprint.traceBytes).toBe(5.25);
    const f = metrics.totals.footprint;
    expect(f.totalBytes).toBe(f.weightBytes + f.neuronStateBytes + f.traceBytes);
  });

  it("pair STDP written as a rule (x1; y1): (4 + 3) × 7 bits = 6.125 bytes", () => {
    expect(run(example("stdp-pair"), loihi).metrics.totals.footprint.traceBytes).toBe(6.125);
  });

  it("per-core neuron memory includes the post traces its neurons keep (3 neurons × 2 traces × 7 bits)", () => {
    const { metrics, cores } = run(example("stllr"), loihi);
    const before = cores.perCore.reduce((s, c) => s + c.neuronMemoryBits, 0);
    const after = metrics.perCore.reduce((s, c) => s + c.neuronMemoryBits, 0);
    expect(after - before).toBe(3 * 2 * 7);
  });

  it("counts exactly the traces the engine allocates: at 64 bits per float trace it is LearningEngine.traceMemoryBits", () => {
    for (const name of ["stllr", "stdp-pair", "reward-stdp"]) {
      const { program, sim } = run(example(name), loihi);
      const le = sim.learning!;
      const bits = traceBitsPerNeuron(program, sim.state, 64);
      expect(sum(bits.pre) + sum(bits.post), name).toBe(le.traceMemoryBits);
      // And at the chip's width: one value per engine trace slot (pre sets × pre traces + post slots × post traces).
      const at7 = traceBitsPerNeuron(program, sim.state, 7);
      expect(sum(at7.pre) + sum(at7.post), name).toBe((le.traceMemoryBits / 64) * 7);
    }
  });

  it("a rule's declared trace bits are what the engine keeps, and what the report counts", () => {
    const json = example("stdp-pair") as { projections: Array<{ learning: { traces: Record<string, Record<string, unknown>> } }> };
    json.projections[0].learning.traces.x1.bits = 5;
    json.projections[0].learning.traces.y1.bits = 9;
    const { sim, metrics } = run(json as unknown as Json, loihi);
    expect(sim.learning!.traceMemoryBits).toBe(4 * 5 + 3 * 9);
    expect(metrics.totals.footprint.traceBytes).toBe((4 * 5 + 3 * 9) / 8);
  });
});

describe("pair STDP (plasticity) trace memory is unchanged", () => {
  const dir = mkdtempSync(join(tmpdir(), "aerchip-trace-mem-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it.skipIf(!HAS_SHARED)(`c05 on loihi: 306.25 trace bytes ${SKIP_MSG}`, async () => {
    const r = await cli("run", sharedPath("fixtures/snnref/c05_stdp_all2all_dense.net.json"), "--arch", "loihi", "--out", dir, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    expect(report.metrics.totals.footprint.traceBytes).toBe(306.25);
  });
});
