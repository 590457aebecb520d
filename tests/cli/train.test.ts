/**
 * `aerchip train MODEL.json --input DATASET` (cli/commands/train.ts): on-chip learning of a JSON model over a
 * data set on one chip. Without adaptive thresholds and with nearest rounding, a pass equals the chained
 * `run --input s_k --initial-weights s_{k-1}/weights.json` runs; a second pass goes on from the first; the
 * counts per training sample are the runs' own; a model with nothing to learn is refused.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { sample } from "../helpers/pair-samples.ts";
import { writeNpy } from "../../core/io/npy.ts";

const MODEL = "examples/learning/stdp-pair.model.json";
const dir = mkdtempSync(join(tmpdir(), "aerchip-train-"));
const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, "utf8")) as T;

/** A T × 4 spike tensor of the model's 4 inputs. */

describe("aerchip train", () => {
  const data = join(dir, "data");
  mkdirSync(data, { recursive: true });
  // Sorted order a, b, c. a ends with input 3 at tick 22, which leaves each out neuron ~0.2–0.3 below
  // threshold at the end; b opens with input 0 at ticks 0 and 2, which fires out 0 at tick 3 only from that
  // leftover (0.6 + 0.75²·0.6 < 1): so b learns differently unless the state is back at rest between samples.
  sample(join(data, "a.npy"), 24, (t, i) => (i < 2 && t % 3 === 0 && t < 18) || (i === 3 && t === 22));
  sample(join(data, "b.npy"), 24, (t, i) => (i === 0 && (t === 0 || t === 2)) || (i >= 2 && t >= 6 && t % 2 === 0));
  sample(join(data, "c.npy"), 30, (t, i) => t % 4 === i % 2);

  it("one pass equals the chained runs with --initial-weights; the counts per sample are the runs' own", async () => {
    const out = join(dir, "t1");
    const r = await cli("train", MODEL, "--input", data, "--arch", "loihi", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/train stdp-pair on loihi — 3 samples × 1 pass\(es\), 78 ticks/);
    // The same learning as three runs, each from the last one's weights.
    let prev: string | undefined;
    const synUpdates: number[] = [];
    for (const [k, s] of ["a", "b", "c"].entries()) {
      const o = join(dir, `run${k}`);
      const rr = await cli("run", MODEL, "--input", join(data, `${s}.npy`), "--arch", "loihi", "--out", o, "--quiet", ...(prev === undefined ? [] : ["--initial-weights", prev]));
      expect(rr.code, rr.stderr).toBe(0);
      prev = join(o, "weights.json");
      synUpdates.push(readJson<{ totals: { counters: { synUpdates: number } } }>(join(o, "report.json")).totals.counters.synUpdates);
    }
    const w = (p: string) => readJson<{ projections: { in_out: { weights: number[] } } }>(p).projections.in_out.weights;
    expect(w(join(out, "weights.json"))).toEqual(w(prev!));
    expect(w(join(out, "weights.json"))).not.toEqual(readJson<{ projections: Array<{ dense: { weights: number[][] } }> }>(MODEL).projections[0].dense.weights.flat());
    const doc = readJson<{ format: string; schedule: { samples: number; passes: number; presentations: number; ticks: number }; perTrainingSample: { synUpdates: number; energyPj: { dynamic: number; learning: number } }; weightChanges: number; provenance: { inputs: Array<{ role: string }> } }>(join(out, "train.json"));
    expect(doc.format).toBe("aerchip-train");
    expect(doc.schedule).toMatchObject({ samples: 3, passes: 1, presentations: 3, ticks: 78 });
    expect(doc.perTrainingSample.synUpdates).toBeCloseTo(synUpdates.reduce((a, b) => a + b, 0) / 3, 9);
    expect(doc.perTrainingSample.energyPj.learning).toBeCloseTo((doc.perTrainingSample.synUpdates * 120), 6); // loihi: 120 pJ per synaptic update
    expect(doc.weightChanges).toBeGreaterThan(0);
    expect(doc.provenance.inputs.map((i) => i.role)).toEqual(["model", "dataset"]);
  }, 60_000);

  it("two passes equal one pass then another from its weights; identical options give identical bytes", async () => {
    const two = join(dir, "t2");
    expect((await cli("train", MODEL, "--input", data, "--passes", "2", "--arch", "loihi", "--out", two, "--quiet")).code).toBe(0);
    const again = join(dir, "t2b");
    expect((await cli("train", MODEL, "--input", data, "--initial-weights", join(dir, "t1", "weights.json"), "--arch", "loihi", "--out", again, "--quiet")).code).toBe(0);
    expect(readFileSync(join(two, "weights.json"), "utf8")).toBe(readFileSync(join(again, "weights.json"), "utf8"));
    const same = join(dir, "t2c");
    expect((await cli("train", MODEL, "--input", data, "--passes", "2", "--arch", "loihi", "--out", same, "--quiet")).code).toBe(0);
    for (const f of ["weights.json", "train.json"]) expect(readFileSync(join(same, f))).toEqual(readFileSync(join(two, f)));
  }, 60_000);

  it("refuses a model with nothing to learn, a NIR graph, and samples that do not fit", async () => {
    const fixed = join(dir, "fixed.model.json");
    const m = readJson<{ projections: Array<Record<string, unknown>> }>(MODEL);
    writeFileSync(fixed, JSON.stringify({ ...m, projections: m.projections.map(({ learning: _l, ...p }) => p) }));
    const a = await cli("train", fixed, "--input", data, "--arch", "loihi", "--out", join(dir, "x"));
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/E_TRAIN_NOT_PLASTIC/);
    const b = await cli("train", "tests/robustness/fixtures/small-valid.nir", "--input", data, "--arch", "loihi", "--out", join(dir, "x"));
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/E_CLI_OPTION/);
    const bad = join(dir, "bad");
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, "z.npy"), writeNpy(new Uint8Array(10), [2, 5], { bool: true }));
    sample(join(bad, "a.npy"), 10, (t, i) => t === i);
    const c = await cli("train", MODEL, "--input", bad, "--arch", "loihi", "--out", join(dir, "y"));
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/E_EVENTS_SHAPE/);
    // Found before training a.npy (audit s19-train F4): no progress line.
    expect(c.stderr).not.toMatch(/aerchip train: \d+\/\d+ samples/);
    // Fixed point is refused for plastic projections, naming the rule's field (audit s19-train F6).
    const fx = await cli("train", MODEL, "--input", data, "--precision", "fixed", "--arch", "loihi", "--out", join(dir, "fx"));
    expect(fx.code).toBe(1);
    expect(fx.stderr).toMatch(/E_FIXED_PLASTIC_UNSUPPORTED.*field: projections\.in_out\.learning/);
    // An --out that is a file fails before training.
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const d = await cli("train", MODEL, "--input", data, "--arch", "loihi", "--out", file);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/a-file/);
    expect(d.stderr).not.toMatch(/aerchip train: \d+\/\d+ samples/);
  }, 60_000);
});

describe("rerun of a train.json", () => {
  it("re-trains from the provenance: train.json same results, weights.json byte-identical; a changed sample is refused", async () => {
    const d = join(dir, "rerun-data");
    mkdirSync(d, { recursive: true });
    sample(join(d, "a.npy"), 20, (t, i) => i < 2 && t % 3 === 0);
    sample(join(d, "b.npy"), 20, (t, i) => t % 4 === i);
    const out = join(dir, "rt");
    expect((await cli("train", MODEL, "--input", d, "--passes", "2", "--shuffle", "--seed", "5", "--arch", "loihi", "--out", out, "--quiet")).code).toBe(0);
    const re = await cli("rerun", join(out, "train.json"), "--out", join(dir, "rt2"));
    expect(re.code, re.stderr + re.stdout).toBe(0);
    expect(re.stdout).toMatch(/weights\.json is byte-identical/);
    expect(readFileSync(join(dir, "rt2", "weights.json"))).toEqual(readFileSync(join(out, "weights.json")));
    // A sample changed since: refused, naming the data set.
    sample(join(d, "b.npy"), 20, (t, i) => t % 5 === i);
    const changed = await cli("rerun", join(out, "train.json"), "--out", join(dir, "rt3"));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/E_RERUN_INPUT_CHANGED.*dataset/);
  }, 60_000);
});

describe("train.json says what its figures leave out (audit s19-train F1, F3, F10, F11)", () => {
  it("a third-factor rule without m gets a note; costs the chip lacks are listed; spikes are the layers'; an arch file is an input", async () => {
    const d = join(dir, "tf-data");
    mkdirSync(d, { recursive: true });
    sample(join(d, "a.npy"), 20, (t, i) => i < 2 && t % 2 === 0);
    // ODIN's neuron has no refractory counter (precision.refractoryBits 0, E_CORE_REFRACTORY_EXCEEDED):
    // the reward model with a refractory period of 0 instead of 1.
    const reward = join(dir, "reward-stdp-r0.model.json");
    const text = readFileSync("examples/learning/reward-stdp.model.json", "utf8");
    expect(text).toContain('"refractoryTicks": 1');
    writeFileSync(reward, text.replace('"refractoryTicks": 1', '"refractoryTicks": 0'));
    const rm = readJson<{ populations: Array<{ kind: string; size: number }> }>(reward);
    expect(rm.populations.find((p) => p.kind === "input")!.size).toBe(4);
    const out = join(dir, "tf");
    const r = await cli("train", reward, "--input", d, "--arch", "odin", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/note: projection ".*": rule .* reads the third factor m \(the learning signal\), which was 0 on every learning tick/);
    expect(r.stdout).toMatch(/not modelled by this chip spec: .*energySynUpdatePj/);
    const doc = readJson<{ version: number; notes: string[]; notModelled: string[]; perTrainingSample: { spikes?: number; nonInputSpikes: number } }>(join(out, "train.json"));
    expect(doc.notes).toHaveLength(1);
    expect(doc.notModelled).toContain("energySynUpdatePj");
    // Synapse updates on a chip without their cost: the learning energy is not modelled (null), as run's report says it, not 0.
    const e = readJson<{ perTrainingSample: { synUpdates: number; energyPj: { learning: number | null; dynamic: number } } }>(join(out, "train.json")).perTrainingSample;
    expect(e.synUpdates).toBeGreaterThan(0);
    expect(e.energyPj.learning).toBeNull();
    expect(r.stdout).toMatch(/^of which learning +not modelled$/m);
    // The layers' spikes only, named so (audit s23c #6: an unqualified "spikes" includes inputs everywhere else);
    // the same sample's run counts them in its non-input populations (neuronsFired). train.json version 2.
    expect(doc.version).toBe(2);
    expect(doc.perTrainingSample.spikes).toBeUndefined();
    expect(r.stdout).toMatch(new RegExp(`^spikes \\(excl\\. inputs\\) +${doc.perTrainingSample.nonInputSpikes}$`, "m"));
    expect(r.stdout).not.toMatch(/^spikes +\d/m);
    const run = join(dir, "tf-run");
    expect((await cli("run", reward, "--input", join(d, "a.npy"), "--arch", "odin", "--out", run, "--quiet")).code).toBe(0);
    const rep = readJson<{ perPopulation: Array<{ kind: string; spikes: number }> }>(join(run, "report.json"));
    expect(doc.perTrainingSample.nonInputSpikes).toBe(rep.perPopulation.filter((p) => p.kind !== "input").reduce((a, p) => a + p.spikes, 0));
    expect(doc.perTrainingSample.nonInputSpikes).toBe(readJson<{ totals: { counters: { neuronsFired: number } } }>(join(run, "report.json")).totals.counters.neuronsFired);
    // A chip spec file is an input, hashed, with the spec's hash in chip.
    const spec = join(dir, "chip.json");
    writeFileSync(spec, readFileSync("chip/spec/presets/loihi.json"));
    const f = join(dir, "tf-file");
    expect((await cli("train", MODEL, "--input", d, "--arch", spec, "--out", f, "--quiet")).code).toBe(0);
    const fd = readJson<{ provenance: { inputs: Array<{ role: string }> }; chip: { specSha256: string } }>(join(f, "train.json"));
    expect(fd.provenance.inputs.map((i) => i.role)).toContain("arch");
    expect(fd.chip.specSha256).toMatch(/^[0-9a-f]{64}$/);
  }, 60_000);
});
