/**
 * `aerchip train … --eval-every N --test DATASET` (cli/train-curve.ts): a learning curve. The training is bit
 * for bit what it is without the curve; a point equals `evaluate --frozen --initial-weights` of the weights
 * a training stopped there writes; curve.csv and train.json `curve`; rerun reproduces it; the options go
 * together.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { sample } from "../helpers/pair-samples.ts";
import { writeNpy } from "../../core/io/npy.ts";

const MODEL = "examples/learning/stdp-pair.model.json";
const dir = mkdtempSync(join(tmpdir(), "aerchip-train-curve-"));
const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, "utf8")) as T;


const data = join(dir, "train");
mkdirSync(data, { recursive: true });
sample(join(data, "a.npy"), 24, (t, i) => i < 2 && t % 3 === 0);
sample(join(data, "b.npy"), 24, (t, i) => (i >= 2 && t % 2 === 0) || (i === 0 && t % 5 === 0));
sample(join(data, "c.npy"), 30, (t, i) => t % 4 === i % 2);
// A labelled test set: whole-number class folders (the model's 3 output neurons are classes 0..2).
const test = join(dir, "test");
for (const [k, on] of [[0, (t: number, i: number) => i < 2 && t % 2 === 0], [1, (t: number, i: number) => i >= 2 && t % 3 === 0], [2, (t: number, i: number) => t % 3 === i % 3]] as const) {
  mkdirSync(join(test, String(k)), { recursive: true });
  sample(join(test, String(k), "x.npy"), 20, on);
  sample(join(test, String(k), "y.npy"), 20, (t, i) => on(t, i) || (t === 7 && i === k));
}

interface TrainDoc { curve?: Array<{ samples: number; accuracy: number | null; labelled: number; nonInputSpikes: number; dynamicEnergyPj: number }>; provenance: unknown; [k: string]: unknown }
interface DatasetDoc { summary: { accuracy: number | null; labelled: number }; samples: Array<{ spikes: number; energyPj: { synapse: number; neuron: number; network: number; learning: number } }> }

async function frozenTest(weights: string, name: string): Promise<DatasetDoc> {
  const o = join(dir, name);
  const r = await cli("evaluate", MODEL, "--input", test, "--frozen", "--initial-weights", weights, "--arch", "loihi", "--out", o, "--quiet");
  expect(r.code, r.stderr).toBe(0);
  return readJson<DatasetDoc>(join(o, "dataset.json"));
}

describe("train --eval-every N --test DATASET", () => {
  it("leaves the training as it is; each point equals evaluate --frozen of the weights reached there; rerun reproduces the curve", async () => {
    const curved = join(dir, "curved");
    const r = await cli("train", MODEL, "--input", data, "--passes", "2", "--eval-every", "3", "--test", test, "--arch", "loihi", "--out", curved);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/learning curve \(frozen test accuracy after n training samples/);
    const plain = join(dir, "plain");
    expect((await cli("train", MODEL, "--input", data, "--passes", "2", "--arch", "loihi", "--out", plain, "--quiet")).code).toBe(0);
    // Bit for bit the same training: weights.json, and train.json but its provenance and curve.
    expect(readFileSync(join(curved, "weights.json"))).toEqual(readFileSync(join(plain, "weights.json")));
    const { curve, provenance: _p1, ...withCurve } = readJson<TrainDoc>(join(curved, "train.json"));
    const { provenance: _p2, ...without } = readJson<TrainDoc>(join(plain, "train.json"));
    expect(withCurve).toEqual(without);
    expect(curve!.map((p) => p.samples)).toEqual([3, 6]);
    // The point after one pass = evaluate --frozen of a one-pass training's weights; the last = the final weights'.
    const one = join(dir, "one");
    expect((await cli("train", MODEL, "--input", data, "--arch", "loihi", "--out", one, "--quiet")).code).toBe(0);
    for (const [k, w] of [[0, join(one, "weights.json")], [1, join(plain, "weights.json")]] as const) {
      const ev = await frozenTest(w, `ev${k}`);
      expect(curve![k].accuracy).toBe(ev.summary.accuracy);
      expect(curve![k].labelled).toBe(6);
      expect(curve![k].nonInputSpikes).toBeCloseTo(ev.samples.reduce((a, x) => a + x.spikes, 0) / ev.samples.length, 12);
      expect(curve![k].dynamicEnergyPj).toBeCloseTo(ev.samples.reduce((a, x) => a + x.energyPj.synapse + x.energyPj.neuron + x.energyPj.network + x.energyPj.learning, 0) / ev.samples.length, 6);
    }
    expect(curve![0].nonInputSpikes).not.toBe(curve![1].nonInputSpikes);
    expect(readFileSync(join(curved, "curve.csv"), "utf8").split("\n")[0]).toBe("samples,accuracy,labelled,nonInputSpikes,dynamicEnergyPj");
    const re = await cli("rerun", join(curved, "train.json"), "--out", join(dir, "curved-re"));
    expect(re.code, re.stderr + re.stdout).toBe(0);
    expect(readJson<TrainDoc>(join(dir, "curved-re", "train.json")).curve).toEqual(curve);
  }, 120_000);

  it("--eval-every and --test go together; --output needs --test", async () => {
    const a = await cli("train", MODEL, "--input", data, "--eval-every", "2", "--arch", "loihi", "--out", join(dir, "x"));
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/E_CLI_OPTION.*--eval-every/);
    const b = await cli("train", MODEL, "--input", data, "--test", test, "--arch", "loihi", "--out", join(dir, "x"));
    expect(b.code).toBe(2);
    const c = await cli("train", MODEL, "--input", data, "--output", "out", "--arch", "loihi", "--out", join(dir, "x"));
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/E_CLI_OPTION.*--output/);
    // A test label the output cannot decode, and a test sample of the wrong shape: refused before training.
    const bad = join(dir, "bad-test");
    mkdirSync(join(bad, "5"), { recursive: true });
    sample(join(bad, "5", "x.npy"), 10, (t, i) => t === i);
    const d = await cli("train", MODEL, "--input", data, "--eval-every", "2", "--test", bad, "--arch", "loihi", "--out", join(dir, "x"));
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/E_DATASET_LABEL/);
    expect(d.stderr).not.toMatch(/aerchip train: \d+\/\d+ samples/);
    const shape = join(dir, "shape-test");
    mkdirSync(join(shape, "0"), { recursive: true });
    writeFileSync(join(shape, "0", "z.npy"), writeNpy(new Uint8Array(10), [2, 5], { bool: true }));
    const e = await cli("train", MODEL, "--input", data, "--eval-every", "2", "--test", shape, "--arch", "loihi", "--out", join(dir, "x"));
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/E_EVENTS_SHAPE/);
    expect(e.stderr).not.toMatch(/aerchip train: \d+\/\d+ samples/);
  }, 60_000);
});
