/**
 * `aerchip evaluate`: a NIR graph over a data set, one inference per sample.
 *
 * The graph by hand: input[4] → Linear (diagonal 2, 2, 2, 0.75) → IF[4] (threshold 1, r 1) → output. An input
 * spike on channels 0–2 takes its IF neuron to 2 > 1 in the same NIR step: it fires once and resets, so those
 * output counts are the input's per channel. Channel 3 adds 0.75: its neuron fires only on a second spike, and
 * each sample has at most one, so it stays at 0.75 at the end of a sample — and fires in the next one unless
 * the state is reset between samples. Data set (T = 4, one folder per label):
 *   0/a.npy  ch0 at steps 0, 1; ch3 at 3      counts [2, 0, 0, 0]  → 0  (label 0: right)
 *   1/b.npy  ch1 at step 2, ch0 at step 3;    counts [1, 1, 0, 0]  → 0  (tie: the lowest index; label 1: wrong)
 *            ch3 at 0
 *   2/c.npy  ch2 at steps 0, 1, 2; ch1 at 0   counts [0, 1, 3, 0]  → 2  (label 2: right)
 *   3/d.npy  nothing                          counts [0, 0, 0, 0]  → none (label 3: wrong)
 * Accuracy 2 / 4. IF neuron 3 never fires: dead 1 of 4; neuron 2 fires in sample c only. IF spikes 2 + 2 + 4 = 8,
 * density over the 3 active neurons = 8 / (3 · Σ ticks).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy, writeIf4Nir, writeShd3Nir } from "../helpers/nir-dataset.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";
import { writeShdFile } from "../core/io/events/helpers/hdf5-writer.ts";
import { distIsFresh, distNote } from "../helpers/dist.ts";

const DIST_OK = distIsFresh("chip/sim/threads/worker.js", ["chip", "core"]);

const TMP = mkdtempSync(join(tmpdir(), "aerchip-evaluate-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = join(TMP, "if4.nir");
const DATA = join(TMP, "data");

beforeAll(async () => {
  await writeIf4Nir(MODEL, 0.75);
  for (const d of ["0", "1", "2", "3"]) mkdirSync(join(DATA, d), { recursive: true });
  spikesNpy(join(DATA, "0", "a.npy"), 4, 4, [[0, 0], [1, 0], [3, 3]]);
  spikesNpy(join(DATA, "1", "b.npy"), 4, 4, [[2, 1], [3, 0], [0, 3]]);
  spikesNpy(join(DATA, "2", "c.npy"), 4, 4, [[0, 2], [1, 2], [2, 2], [0, 1]]);
  spikesNpy(join(DATA, "3", "d.npy"), 4, 4, []);
  writeFileSync(join(DATA, "README.txt"), "not an event file\n");
});

const readDoc = (out: string): DatasetDocument => JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;

describe("evaluate: a directory data set, by hand", () => {
  it("labels from folder names, argmax with ties to the lowest index, no spike = no class", async () => {
    const out = join(TMP, "out1");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const d = readDoc(out);
    expect(d.format).toBe("aerchip-dataset-1");
    expect(d.dataset).toMatchObject({ kind: "directory", total: 4, evaluated: 4, skippedFiles: 1 });
    expect(d.samples.map((s) => [s.id, s.label, s.prediction, s.correct])).toEqual([
      ["0/a.npy", 0, 0, true], ["1/b.npy", 1, 0, false], ["2/c.npy", 2, 2, true], ["3/d.npy", 3, null, false],
    ]);
    expect(d.samples.map((s) => s.outputValues)).toEqual([[2, 0, 0, 0], [1, 1, 0, 0], [0, 1, 3, 0], [0, 0, 0, 0]]);
    expect(d.samples.map((s) => s.inputSpikes)).toEqual([3, 3, 4, 0]);
    expect(d.summary).toMatchObject({ samples: 4, labelled: 4, correct: 2, accuracy: 0.5, noPrediction: 1 });
    expect(d.summary.confusion).toEqual({ classes: 4, counts: [[1, 0, 0, 0, 0], [1, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 1]] });
    const ticks = d.samples.map((s) => s.ticks);
    expect(new Set(ticks).size).toBe(1);
    expect(ticks[0]).toBeGreaterThanOrEqual(4);
    const lif = d.summary.populations.find((p) => p.name === "lif")!;
    expect(lif).toMatchObject({ size: 4, spikes: 8, activeNeurons: 3, deadNeurons: 1, deadFraction: 0.25 });
    // Density over the layer's own time steps (4 per sample), not the chip ticks with the pipeline's drain.
    expect(d.samples.map((s) => s.steps)).toEqual([4, 4, 4, 4]);
    expect(lif.densityActive).toBe(8 / (3 * 16));
    expect(d.samples.map((s) => s.tie)).toEqual([false, true, false, false]);
    expect(d.summary).toMatchObject({ ties: 1, emptySamples: 1, inputSpikesBeyondSteps: 0 });
    expect(d.summary.populations.some((p) => p.name === "input")).toBe(false);
    // Per-inference statistics of the synaptic ops (2 per input spike: one synapse each… counted as the report does).
    const ops = d.samples.map((s) => s.synOps);
    const mean = ops.reduce((a, b) => a + b, 0) / 4;
    expect(d.summary.perInference.synOps.mean).toBe(mean);
    expect(d.summary.perInference.synOps.min).toBe(Math.min(...ops));
    expect(d.summary.perInference.energyPj.total.mean).toBeCloseTo(d.samples.reduce((a, s) => a + s.energyPj.total, 0) / 4, 9);
    expect(readdirSync(out).sort()).toEqual(["aerchip-outputs.json", "dataset.html", "dataset.json", "dataset.md", "dataset.tex", "mapping.json", "samples.csv"]);
    expect(r.stdout).toMatch(/Accuracy\s+50\.00 % \(2 of 4 labelled samples; 1 decoded to no class; 95 % Wilson interval 15\.00 to 85\.00 %\)/);
  });

  it("each sample's row is the run `aerchip run` makes of it alone (the state is reset between samples)", async () => {
    const out = join(TMP, "out-all");
    expect((await cli("evaluate", MODEL, "--input", DATA, "--arch", "loihi", "--out", out, "--quiet")).code).toBe(0);
    const all = readDoc(out);
    // Per layer, the synaptic ops into it summed over the samples' own runs (NeuroBench, the run report's metrics).
    const layerOps = new Map<string, { effective: number; dense: number }>();
    for (const s of all.samples) {
      const runOut = join(TMP, `run-${s.index}`);
      const r = await cli("run", MODEL, "--input", join(DATA, s.id), "--arch", "loihi", "--out", runOut, "--quiet");
      expect(r.code, r.stderr).toBe(0);
      const rep = JSON.parse(readFileSync(join(runOut, "report.json"), "utf8")) as RunReport;
      for (const p of rep.metrics!.perPopulation) {
        const o = layerOps.get(p.name) ?? { effective: 0, dense: 0 };
        layerOps.set(p.name, { effective: o.effective + p.synapticOpsIn.effectiveACs + p.synapticOpsIn.effectiveMACs, dense: o.dense + p.synapticOpsIn.dense });
      }
      expect(s.energyPj).toEqual({ synapse: rep.totals.energyPj.synapse, neuron: rep.totals.energyPj.neuron, network: rep.totals.energyPj.network, learning: rep.totals.energyPj.learning, static: rep.totals.energyPj.static, total: rep.totals.energyPj.total });
      expect(s.synOps).toBe(rep.totals.counters.synOps);
      expect(s.neuronUpdates).toBe(rep.totals.counters.neuronUpdates);
      expect(s.simulatedTimeNs).toBe(rep.totals.simulatedTimeNs);
      expect(s.ticks).toBe(rep.steps);
      expect(s.outputValues).toEqual(rep.nir!.outputs[0].counts);
    }
    const n = all.samples.length;
    for (const p of all.summary.populations) {
      expect(p.meanEffectiveSynOpsIn, p.name).toBe(layerOps.get(p.name)!.effective / n);
      expect(p.meanDenseSynOpsIn, p.name).toBe(layerOps.get(p.name)!.dense / n);
    }
    expect(all.summary.populations.some((p) => p.meanEffectiveSynOpsIn > 0)).toBe(true);
    const layerSum = all.summary.populations.reduce((a, p) => a + p.meanEffectiveSynOpsIn, 0);
    expect(Math.abs(layerSum - all.summary.perInference.effectiveSynOps.mean)).toBeLessThanOrEqual(1e-9 * layerSum);
    // Mean energy per inference = Σ mean count × cost, term by term, for every component.
    const e = all.summary.perInference.energyPj;
    for (const c of ["synapse", "neuron", "network", "learning", "static"] as const) {
      const terms = all.summary.energyTerms.filter((t) => t.component === c);
      const sum = terms.reduce((a, t) => a + t.meanEnergyPj, 0);
      expect(Math.abs(sum - e[c].mean), c).toBeLessThanOrEqual(1e-9 * Math.max(1, e[c].mean));
      for (const t of terms) expect(t.meanEnergyPj).toBe(t.meanCount * t.costValue);
    }
    expect(all.summary.energyTerms.some((t) => t.component === "static")).toBe(true);
    expect(all.summary.energyTerms.find((t) => t.countKey === "syn_ops")!.meanCount).toBe(all.summary.perInference.synOps.mean);
    // One sample alone, after none: the same row as after three others.
    const one = join(TMP, "out-one");
    expect((await cli("evaluate", MODEL, "--input", DATA, "--samples", "2", "--arch", "loihi", "--out", one, "--quiet")).code).toBe(0);
    expect(readDoc(one).samples).toEqual([all.samples[2]]);
  });

  it("the same inputs give byte-identical files; --samples picks a range", async () => {
    const a = join(TMP, "det-a");
    const b = join(TMP, "det-b");
    for (const o of [a, b]) expect((await cli("evaluate", MODEL, "--input", DATA, "--arch", "odin", "--out", o, "--quiet")).code).toBe(0);
    for (const f of ["dataset.json", "samples.csv", "dataset.md", "dataset.tex", "dataset.html", "mapping.json"]) expect(readFileSync(join(a, f), "utf8"), f).toBe(readFileSync(join(b, f), "utf8"));
    const part = join(TMP, "part");
    expect((await cli("evaluate", MODEL, "--input", DATA, "--samples", "1:3", "--arch", "odin", "--out", part, "--quiet")).code).toBe(0);
    const p = readDoc(part);
    expect(p.samples).toEqual(readDoc(a).samples.slice(1, 3));
    expect(p.dataset).toMatchObject({ total: 4, evaluated: 2 });
    const csv = readFileSync(join(a, "samples.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(5);
    const head = csv[0].split(",");
    const at = head.indexOf("sample_index");
    expect(head.slice(at, at + 6)).toEqual(["sample_index", "sample", "label", "prediction", "correct", "tie"]);
    expect(csv[2].split(",").slice(at, at + 6)).toEqual(["1", "1/b.npy", "1", "0", "false", "true"]);
    expect(csv[4].split(",").slice(at, at + 6)).toEqual(["3", "3/d.npy", "3", "", "false", "false"]);
    expect(csv[1].split(",")[head.indexOf("time_basis")]).toBe(p.timeBasis);
    // LaTeX: every symbol spelled out (pdflatex stops on raw Unicode).
    expect(readFileSync(join(a, "dataset.tex"), "utf8")).not.toMatch(/[^\x00-\x7f]/);
    // The HTML page: four figures (histogram, energy against input, components, confusion), each an SVG, no NaN.
    const html = readFileSync(join(a, "dataset.html"), "utf8");
    expect([...html.matchAll(/<figure id="fig-([a-z-]+)">\n<h2>[^<]+<\/h2>\n<svg/g)].map((m) => m[1])).toEqual(["energy-histogram", "energy-vs-input", "energy-components", "confusion"]);
    expect(html).not.toMatch(/NaN/);
    expect(html).toMatch(/<section id="table-dataset-energy-terms">/);
  });
});

describe("evaluate: labels from class-name folders", () => {
  it("--label-from folders numbers the first-level folders in sorted order; none drops labels", async () => {
    const dir = join(TMP, "named");
    for (const c of ["zebra", "apple", "mango"]) mkdirSync(join(dir, c), { recursive: true });
    // Classes: apple 0, mango 1, zebra 2. Channel c spikes → class c.
    spikesNpy(join(dir, "zebra", "z.npy"), 4, 4, [[0, 2]]);
    spikesNpy(join(dir, "apple", "a.npy"), 4, 4, [[0, 0]]);
    spikesNpy(join(dir, "mango", "m.npy"), 4, 4, [[0, 0]]);
    spikesNpy(join(dir, "loose.npy"), 4, 4, [[0, 1]]);
    const out = join(TMP, "named-out");
    const r = await cli("evaluate", MODEL, "--input", dir, "--label-from", "folders", "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const d = readDoc(out);
    expect(d.dataset.classNames).toEqual(["apple", "mango", "zebra"]);
    expect(d.samples.map((s) => [s.id, s.label, s.prediction])).toEqual([["apple/a.npy", 0, 0], ["loose.npy", null, 1], ["mango/m.npy", 1, 0], ["zebra/z.npy", 2, 2]]);
    expect(d.summary).toMatchObject({ labelled: 3, correct: 2 });
    // The default reads no whole-number folder here: no labels.
    const plain = join(TMP, "named-plain");
    expect((await cli("evaluate", MODEL, "--input", dir, "--arch", "generic", "--out", plain, "--quiet")).code).toBe(0);
    expect(readDoc(plain).summary.labelled).toBe(0);
    const none = join(TMP, "named-none");
    expect((await cli("evaluate", MODEL, "--input", DATA, "--label-from", "none", "--arch", "generic", "--out", none, "--quiet")).code).toBe(0);
    expect(readDoc(none).summary).toMatchObject({ labelled: 0, accuracy: null });
  });
});

describe("evaluate: fixed point, threads, membrane readouts", () => {
  it("--precision fixed reports the quantisation per layer", async () => {
    const out = join(TMP, "fixed");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "loihi", "--precision", "fixed", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const d = readDoc(out);
    expect(d.precision).toBe("fixed");
    expect(d.quantisation!.layers.map((l) => l.population)).toEqual(["lif"]);
    expect(readFileSync(join(out, "dataset.md"), "utf8")).toMatch(/## Fixed-point quantisation per layer/);
    // 2 and 0.75 are exact in the chip's weights: the same classes as in float.
    expect(d.samples.map((s) => s.prediction)).toEqual([0, 0, 2, null]);
  });

  it("--precision fixed also runs each sample in float64 and says where the classes differ", async () => {
    const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
    const model = join(TMP, "half.nir");
    // Neuron 0 gets 0.5001 per spike: two spikes reach 1.0002 > 1 in float64 and fire; at the chip's weight
    // precision 0.5001 is stored as 0.5, two spikes reach exactly 1, which is not above the threshold.
    await writeH5(model, nirFile({
      input: { type: "Input", shape: [2n] },
      fc: { type: "Linear", weight: { f32: [0.5001, 0, 0, 2], shape: [2, 2] } },
      lif: { type: "IF", r: [1, 1], v_threshold: [1, 1] },
      output: { type: "Output", shape: [2n] },
    }, [["input", "fc"], ["fc", "lif"], ["lif", "output"]]));
    const dir = join(TMP, "half-data");
    mkdirSync(join(dir, "0"), { recursive: true });
    mkdirSync(join(dir, "1"), { recursive: true });
    spikesNpy(join(dir, "0", "a.npy"), 4, 2, [[0, 0], [1, 0]]);
    spikesNpy(join(dir, "1", "b.npy"), 4, 2, [[0, 1]]);
    const fx = join(TMP, "half-fixed");
    const fl = join(TMP, "half-float");
    expect((await cli("evaluate", model, "--input", dir, "--arch", "loihi", "--precision", "fixed", "--out", fx, "--quiet")).code).toBe(0);
    expect((await cli("evaluate", model, "--input", dir, "--arch", "loihi", "--out", fl, "--quiet")).code).toBe(0);
    const f = readDoc(fx);
    const g = readDoc(fl);
    expect(g.samples.map((x) => x.prediction)).toEqual([0, 1]);
    expect(f.samples.map((x) => x.prediction)).toEqual([null, 1]);
    expect(f.samples.map((x) => x.floatPrediction)).toEqual(g.samples.map((x) => x.prediction));
    expect(f.summary.floatReference).toEqual({ accuracy: g.summary.accuracy, samePrediction: 1 });
    expect(g.summary.floatReference).toBeUndefined();
    expect(readFileSync(join(fx, "dataset.md"), "utf8")).toMatch(/\| Same model in float64 \| accuracy 100\.00 %; 1 of 2 samples decode to the same class in fixed point and float64 \|/);
  });

  it.skipIf(!DIST_OK)(`--threads 2 writes the same files ${distNote(DIST_OK)}`, async () => {
    const one = join(TMP, "t1");
    const two = join(TMP, "t2");
    expect((await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--core-neurons", "1", "--out", one, "--quiet")).code).toBe(0);
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--core-neurons", "1", "--threads", "2", "--out", two, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    for (const f of ["dataset.json", "samples.csv", "dataset.md", "mapping.json"]) expect(readFileSync(join(two, f), "utf8"), f).toBe(readFileSync(join(one, f), "utf8"));
  });

  it("a LI readout decodes by Σv, max v or the last v, as `run` reports them", async () => {
    const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
    const model = join(TMP, "li.nir");
    await writeH5(model, nirFile({
      input: { type: "Input", shape: [3n] },
      fc: { type: "Linear", weight: { f32: [1, 0, 0, 0, 2, 0, 0, 0, 3], shape: [3, 3] } },
      li: { type: "LI", tau: [1e-3, 2e-4, 1e-2], r: [1, 1, 1], v_leak: [0, 0, 0] },
      output: { type: "Output", shape: [3n] },
    }, [["input", "fc"], ["fc", "li"], ["li", "output"]]));
    const dir = join(TMP, "li-data");
    mkdirSync(join(dir, "0"), { recursive: true });
    // Channel 1 early and strong but fast-decaying, channel 2 weak and late, channel 0 in between.
    spikesNpy(join(dir, "0", "x.npy"), 12, 3, [[0, 1], [1, 1], [4, 0], [5, 0], [6, 0], [10, 2]]);
    const runOut = join(TMP, "li-run");
    expect((await cli("run", model, "--input", join(dir, "0", "x.npy"), "--arch", "generic", "--out", runOut, "--quiet")).code).toBe(0);
    const ro = (JSON.parse(readFileSync(join(runOut, "report.json"), "utf8")) as RunReport).readouts![0];
    for (const [mode, values, cls] of [["sum", ro.sumV, ro.argmax.sum], ["max", ro.maxV, ro.argmax.max], ["last", ro.lastV, ro.argmax.last]] as const) {
      const out = join(TMP, `li-${mode}`);
      const r = await cli("evaluate", model, "--input", dir, "--decode", mode, "--arch", "generic", "--out", out, "--quiet");
      expect(r.code, r.stderr).toBe(0);
      const s = readDoc(out).samples[0];
      expect(s.outputValues, mode).toEqual(values);
      expect(s.prediction, mode).toBe(cls);
    }
    // The three decoders do not all agree here, so the test tells them apart.
    expect(new Set([ro.argmax.sum, ro.argmax.max, ro.argmax.last]).size).toBeGreaterThan(1);
    const r = await cli("evaluate", model, "--input", dir, "--decode", "count", "--arch", "generic", "--out", join(TMP, "li-never"));
    expect(r.stderr).toMatch(/--decode count does not apply to output output, which is a non-spiking readout/);
    const one = await cli("evaluate", model, "--input", join(dir, "0", "x.npy"), "--label-from", "folders", "--arch", "generic", "--out", join(TMP, "li-never"));
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/E_CLI_OPTION: --label-from applies to a directory data set/);
  });
});

describe("evaluate: an SHD file", () => {
  it("every sample of the file, labelled by its labels", async () => {
    const model = join(TMP, "shd3.nir");
    // Units 3, 10 and 699 drive classes 0, 1 and 2.
    await writeShd3Nir(model);
    const K = 1 / 1024;
    const h5 = join(TMP, "shd.h5");
    writeShdFile(h5, [
      { times: [1 * K, 5 * K], units: [3, 4], label: 0 },
      { times: [2 * K, 7 * K, 12 * K], units: [10, 699, 10], label: 1 },
      { times: [20 * K], units: [5], label: 2 },
    ]);
    const out = join(TMP, "shd-out");
    const r = await cli("evaluate", model, "--input", h5, "--arch", "loihi", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const d = readDoc(out);
    expect(d.dataset).toMatchObject({ kind: "hdf5", total: 3, evaluated: 3 });
    expect(d.samples.map((s) => [s.id, s.label, s.outputValues, s.prediction])).toEqual([
      ["#0", 0, [1, 0, 0], 0], ["#1", 1, [0, 2, 1], 1], ["#2", 2, [0, 0, 0], null],
    ]);
    expect(d.summary.accuracy).toBeCloseTo(2 / 3, 15);
  });
});

describe("evaluate: refusals name the file, the field and what to change", () => {
  it("no event file, a model that is not NIR, a range past the end, a decoder for the wrong output", async () => {
    const empty = join(TMP, "empty");
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, "notes.txt"), "x");
    const out = join(TMP, "never");
    let r = await cli("evaluate", MODEL, "--input", empty, "--arch", "generic", "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_DATASET_EMPTY.*holds no event file.*1 other file skipped/);
    r = await cli("evaluate", MODEL, "--input", DATA, "--samples", "4:", "--arch", "generic", "--out", out);
    expect(r.stderr).toMatch(/E_DATASET_EMPTY.*--samples starts at 4 but .* holds 4 samples/);
    r = await cli("evaluate", MODEL, "--input", DATA, "--samples", "3:1", "--arch", "generic", "--out", out);
    expect(r.stderr).toMatch(/--samples 3:1 selects no sample/);
    r = await cli("evaluate", MODEL, "--input", DATA, "--decode", "sum", "--arch", "generic", "--out", out);
    expect(r.stderr).toMatch(/--decode sum does not apply to output output, which is spiking/);
    // JSON models are evaluated (tests/cli/evaluate-json-model.test.ts): one of no known format is the reader's error.
    const json = join(TMP, "m.json");
    writeFileSync(json, "{}");
    r = await cli("evaluate", json, "--input", DATA, "--arch", "generic", "--out", out);
    expect(r.stderr).toMatch(/E_MODEL_FORMAT/);
    const prog = join(TMP, "m.aerprog");
    writeFileSync(prog, "x");
    r = await cli("evaluate", prog, "--input", DATA, "--arch", "generic", "--out", out);
    expect(r.stderr).toMatch(/E_EVALUATE_MODEL/);
    const withH5 = join(TMP, "with-h5");
    mkdirSync(withH5, { recursive: true });
    writeFileSync(join(withH5, "x.h5"), "");
    r = await cli("evaluate", MODEL, "--input", withH5, "--arch", "generic", "--out", out);
    expect(r.stderr).toMatch(/E_DATASET_FORMAT.*x\.h5.*give the \.h5 file itself/s);
    expect(existsSync(out)).toBe(false);
  });
});

describe("evaluate: checks before any simulation, helpers, empty outputs", () => {
  it("a damaged file, a label beyond the output, a --realtime the samples cannot share, an --out under a file: refused before the first sample runs", async () => {
    const { evaluateDataset } = await import("../../cli/commands/evaluate.ts");
    let simulated = 0;
    const onSample = (): void => { simulated++; };
    const bad = join(TMP, "bad-late");
    for (const d of ["0", "1"]) mkdirSync(join(bad, d), { recursive: true });
    spikesNpy(join(bad, "0", "a.npy"), 4, 4, [[0, 0]]);
    writeFileSync(join(bad, "1", "z.npy"), "not a numpy file");
    await expect(evaluateDataset(MODEL, { input: bad, arch: "generic" }, { onSample })).rejects.toMatchObject({ file: join(bad, "1", "z.npy") });
    const lbl = join(TMP, "bad-label");
    mkdirSync(join(lbl, "0"), { recursive: true });
    mkdirSync(join(lbl, "15"), { recursive: true });
    spikesNpy(join(lbl, "0", "a.npy"), 4, 4, [[0, 0]]);
    spikesNpy(join(lbl, "15", "b.npy"), 4, 4, [[0, 1]]);
    await expect(evaluateDataset(MODEL, { input: lbl, arch: "generic" }, { onSample })).rejects.toMatchObject({ code: "E_DATASET_LABEL", file: join(lbl, "15", "b.npy") });
    const mixed = join(TMP, "mixed");
    mkdirSync(join(mixed, "0"), { recursive: true });
    writeFileSync(join(mixed, "0", "a.csv"), "x,y,t,p\n0,0,100,1\n1,0,200,0\n");
    spikesNpy(join(mixed, "0", "b.npy"), 4, 4, [[0, 0]]);
    await expect(evaluateDataset(MODEL, { input: mixed, arch: "generic", realtime: true }, { onSample })).rejects.toMatchObject({ code: "E_CLI_OPTION", field: "--realtime" });
    expect(simulated).toBe(0);
    const afile = join(TMP, "afile");
    writeFileSync(afile, "x");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--out", join(afile, "sub"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_WRITE_MKDIR.*(is not a directory|ENOTDIR)/);
  });

  it("NIR's bias drive is a helper: out of the layers' spikes and activity, its synaptic ops shown apart", async () => {
    const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
    const model = join(TMP, "bias.nir");
    await writeH5(model, nirFile({
      input: { type: "Input", shape: [2n] },
      fc: { type: "Affine", weight: { f32: [2, 0, 0, 2], shape: [2, 2] }, bias: [0.3, 0] },
      lif: { type: "IF", r: [1, 1], v_threshold: [1, 1] },
      output: { type: "Output", shape: [2n] },
    }, [["input", "fc"], ["fc", "lif"], ["lif", "output"]]));
    const dir = join(TMP, "bias-data");
    mkdirSync(join(dir, "1"), { recursive: true });
    spikesNpy(join(dir, "1", "x.npy"), 10, 2, [[0, 1], [5, 1]]);
    const out = join(TMP, "bias-out");
    expect((await cli("evaluate", model, "--input", dir, "--arch", "loihi", "--out", out, "--quiet")).code).toBe(0);
    const runOut = join(TMP, "bias-run");
    expect((await cli("run", model, "--input", join(dir, "1", "x.npy"), "--arch", "loihi", "--out", runOut, "--quiet")).code).toBe(0);
    const rep = JSON.parse(readFileSync(join(runOut, "report.json"), "utf8")) as RunReport;
    const helper = rep.perPopulation.find((p) => p.name.startsWith("__"));
    expect(helper, "the graph has a bias helper").toBeDefined();
    const d = readDoc(out);
    const s = d.samples[0];
    expect(d.summary.populations.map((p) => p.name)).toEqual(["lif"]);
    // The layer's spikes in its own steps: those of run's spikes.json (NIR steps 0 … T−1).
    const runSpikes = JSON.parse(readFileSync(join(runOut, "spikes.json"), "utf8")) as { spikes: Record<string, unknown[]> };
    expect(s.spikes).toBe(runSpikes.spikes.lif.length);
    expect(s.spikes).toBeGreaterThan(0);
    expect(s.helperSynOps).toBe(rep.perProjection.filter((p) => p.pre.startsWith("__")).reduce((a, p) => a + p.synOps, 0));
    expect(s.helperSynOps).toBeGreaterThan(0);
    expect(s.synOps).toBe(rep.totals.counters.synOps);
    expect(s.effectiveSynOps).toBe(rep.metrics!.totals.synapticOps.effectiveACs + rep.metrics!.totals.synapticOps.effectiveMACs);
    expect(readFileSync(join(out, "dataset.md"), "utf8")).toMatch(/\|   of which bias drive \|/);
  });

  it("a readout whose outputs are all equal decodes to no class", async () => {
    const { decodeClass } = await import("../../cli/dataset-decode.ts");
    expect(decodeClass([0, 0, 0], "sum")).toEqual({ prediction: null, tie: false });
    expect(decodeClass([0, 0, 0], "count")).toEqual({ prediction: null, tie: false });
    expect(decodeClass([2, 5, 5], "max")).toEqual({ prediction: 1, tie: true });
    expect(decodeClass([2, 5, 1], "count")).toEqual({ prediction: 1, tie: false });
    expect(decodeClass([0], "count")).toEqual({ prediction: null, tie: false });
    expect(decodeClass([-3], "last")).toEqual({ prediction: 0, tie: false });
  });
});

describe("evaluate: what the tables say about the inputs and the costs", () => {
  it("dense tensors, a --samples range, a sample --steps cuts to nothing, an all-in cost", async () => {
    const out = join(TMP, "words");
    // --steps 1 keeps step 0 only: 1/b.npy keeps (0, ch3) of its 3 spikes, 2/c.npy (0, ch2) and (0, ch1) of its 4,
    // and 3/d.npy has none (empty).
    const r = await cli("evaluate", MODEL, "--input", DATA, "--samples", "1:4", "--steps", "1", "--arch", "truenorth", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const d = readDoc(out);
    expect(d.samples.map((x) => [x.id, x.inputSpikes, x.inputSpikesBeyondSteps])).toEqual([["1/b.npy", 1, 2], ["2/c.npy", 2, 2], ["3/d.npy", 0, 0]]);
    expect(d.summary).toMatchObject({ emptySamples: 1, inputSpikesBeyondSteps: 4 });
    expect(d.input).toMatchObject({ tickUs: null, denseTensors: 3, steps: 1 });
    const md = readFileSync(join(out, "dataset.md"), "utf8");
    expect(md).toMatch(/\| Data set \| .* \(directory\): 3 of 4 samples \(--samples 1:4 of the path order\) \|/);
    expect(md).toMatch(/\| Input \| dense spike tensors, one row per step; /);
    // TrueNorth's cost per synaptic event is all-in (static included): no dynamic share, neuron energy not modelled.
    expect(md).toMatch(/\| Energy, dynamic \(total - static\) \|  \| n\/a: all-in costs include static power \|/);
    expect(md).toMatch(/\| Energy, neuron \|  \| not modelled \|/);
    const sh = join(TMP, "words-shuffled");
    expect((await cli("evaluate", MODEL, "--input", DATA, "--shuffle", "--seed", "5", "--samples", ":2", "--arch", "generic", "--out", sh, "--quiet")).code).toBe(0);
    expect(readFileSync(join(sh, "dataset.md"), "utf8")).toMatch(/2 of 4 samples \(--samples :2 of the order shuffled with seed 5\)/);
  });
});

describe("evaluate: N-MNIST recordings of ../shared on loihi", () => {
  it.skipIf(!HAS_SHARED)(`cnn_sinabs per sample as \`run\` gives it ${SKIP_MSG}`, async () => {
    const src = readFileSync(sharedPath("fixtures/events/sample_nmnist.bin"));
    const dir = join(TMP, "nmnist");
    mkdirSync(join(dir, "4"), { recursive: true });
    mkdirSync(join(dir, "7"), { recursive: true });
    writeFileSync(join(dir, "4", "00001.bin"), src);
    // The recording's first 60 % and 20 % of events (5 bytes each): shorter, valid recordings.
    writeFileSync(join(dir, "7", "00002.bin"), src.subarray(0, Math.floor((src.length / 5) * 0.6) * 5));
    writeFileSync(join(dir, "7", "00003.bin"), src.subarray(0, Math.floor((src.length / 5) * 0.2) * 5));
    const nir = sharedPath("fixtures/nir/paper_cnn/cnn_sinabs.nir");
    const out = join(TMP, "nmnist-out");
    const r = await cli("evaluate", nir, "--input", dir, "--arch", "loihi", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const d = readDoc(out);
    // The full recording: the known run (counts [1, 0, 0, 0, 147, 2, 0, 0, 0, 0], 2,829,234 synaptic ops).
    expect(d.samples[0]).toMatchObject({ id: "4/00001.bin", label: 4, prediction: 4, correct: true, synOps: 2829234, outputValues: [1, 0, 0, 0, 147, 2, 0, 0, 0, 0] });
    const runOut = join(TMP, "nmnist-run");
    expect((await cli("run", nir, "--input", join(dir, "7", "00003.bin"), "--arch", "loihi", "--out", runOut, "--quiet")).code).toBe(0);
    const rep = JSON.parse(readFileSync(join(runOut, "report.json"), "utf8")) as RunReport;
    expect(d.samples[2].energyPj.total).toBe(rep.totals.energyPj.total);
    expect(d.samples[2].outputValues).toEqual(rep.nir!.outputs[0].counts);
    expect(d.summary.accuracy).toBeCloseTo(1 / 3, 15);
  });
});
