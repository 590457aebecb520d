/**
 * `train` on a chip spec billing energySynOpPj on connected synapses (synOpsBilledOn "connected", a user spec: no
 * preset with that basis learns) billed every synapse entry. It now bills the events on non-zero weights, as `run`'s
 * report does (cli/learn/accumulate.ts): one training sample costs what `run` of that sample reports. The model has
 * a plastic projection and a frozen one with zero weights, whose entries are read but are no connection.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../chip/report/run-report.ts";
import { cli } from "../helpers/cli.ts";
import { sample } from "../helpers/pair-samples.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-train-connected-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface TrainDoc {
  synOpsBilledOn?: string;
  perTrainingSample: { synOps: number; connectedSynOps?: number; energyPj: { synapse: number; dynamic: number } };
}

describe("train on a spec billing connected synapses", () => {
  it("one sample's synapse energy equals run's report of that sample (connected events × energySynOpPj), not every entry's", async () => {
    const model = JSON.parse(readFileSync("examples/learning/stdp-pair.model.json", "utf8")) as { populations: unknown[]; projections: unknown[] };
    model.populations.push({ name: "side", kind: "neuron", size: 2, vThreshold: 1 });
    model.projections.push({ name: "in_side", pre: "in", post: "side", dense: { weights: [[0.5, 0], [0, 0], [0, 0.5], [0, 0]], delays: 1 } });
    const modelPath = join(dir, "stdp-side.model.json");
    writeFileSync(modelPath, JSON.stringify(model));
    const spec = JSON.parse(readFileSync("chip/spec/presets/loihi.json", "utf8")) as Record<string, unknown>;
    const specPath = join(dir, "loihi-connected.json");
    writeFileSync(specPath, JSON.stringify({ ...spec, name: "loihi-connected", synOpsBilledOn: "connected" }));
    const data = join(dir, "data");
    mkdirSync(data, { recursive: true });
    sample(join(data, "a.npy"), 30, (t, i) => (t + i) % 3 === 0);

    const out = join(dir, "t");
    const t = await cli("train", modelPath, "--input", data, "--arch", specPath, "--out", out, "--quiet");
    expect(t.code, t.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, "train.json"), "utf8")) as TrainDoc;
    const run = join(dir, "r");
    const r = await cli("run", modelPath, "--input", join(data, "a.npy"), "--arch", specPath, "--out", run, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(join(run, "report.json"), "utf8")) as RunReport;
    const connected = Object.values(rep.totals.connectedSynOpsByEncoding!).reduce((a, b) => a + b, 0);
    // The zero weights are read (synOps) but are no connection.
    expect(connected).toBeLessThan(rep.totals.counters.synOps);
    expect(doc.synOpsBilledOn).toBe("connected");
    expect(doc.perTrainingSample.synOps).toBe(rep.totals.counters.synOps);
    expect(doc.perTrainingSample.connectedSynOps).toBe(connected);
    expect(doc.perTrainingSample.energyPj.synapse).toBeCloseTo(rep.totals.energyPj.synapse, 6);
    expect(doc.perTrainingSample.energyPj.dynamic).toBeCloseTo(rep.totals.energyPj.dynamic, 6);
  }, 60_000);
});
