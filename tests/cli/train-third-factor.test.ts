/**
 * `aerchip train … --third-factor-dir [POP=]DIR` (cli/third-factor-dir.ts): a three-factor rule's m per
 * training sample, DIR's file of the sample's name. A pass equals the chained
 * `run --input s_k --third-factor [POP=]DIR/s_k.npy --initial-weights …` runs, for a global reward
 * (reward-modulated STDP) and a per-neuron learning signal with Ψ (S-TLLR); without the directory the
 * same training learns nothing; a missing file is refused before training; rerun reproduces the weights.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { sample } from "../helpers/pair-samples.ts";
import { writeNpy } from "../../core/io/npy.ts";
import { thirdFactorFileOf } from "../../cli/third-factor-dir.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-train-tf-"));
const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, "utf8")) as T;
const weightsOf = (p: string): number[] => readJson<{ projections: { in_out: { weights: number[] } } }>(p).projections.in_out.weights;

/** A T × 4 spike tensor of the models' 4 inputs. */

function npy(path: string, values: number[], shape: number[]): void {
  writeFileSync(path, writeNpy(Float64Array.from(values), shape));
}

/** Three samples a, b, c (24, 24, 30 ticks). */
function dataset(name: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  sample(join(d, "a.npy"), 24, (t, i) => i < 2 && t % 3 === 0);
  sample(join(d, "b.npy"), 24, (t, i) => (i >= 2 && t % 2 === 0) || (i === 0 && t % 5 === 0));
  sample(join(d, "c.npy"), 30, (t, i) => t % 4 === i % 2);
  return d;
}

/** Trains, then runs the chain of `run`s with the same m files; returns both final weights. */
async function trainAndChain(model: string, data: string, tfArg: (file: string) => string, out: string, extra: string[] = []): Promise<{ train: number[]; chained: number[]; stderr: string }> {
  const r = await cli("train", model, "--input", data, "--arch", "loihi", "--out", out, ...extra);
  expect(r.code, r.stderr).toBe(0);
  let prev: string | undefined;
  for (const s of ["a", "b", "c"]) {
    const o = join(out + "-run", s);
    const rr = await cli("run", model, "--input", join(data, `${s}.npy`), "--third-factor", tfArg(`${s}.npy`), "--arch", "loihi", "--out", o, "--quiet", ...(prev === undefined ? [] : ["--initial-weights", prev]));
    expect(rr.code, rr.stderr).toBe(0);
    prev = join(o, "weights.json");
  }
  return { train: weightsOf(join(out, "weights.json")), chained: weightsOf(prev!), stderr: r.stderr };
}

describe("train --third-factor-dir", () => {
  it("reward-modulated STDP, a global m per sample: a pass equals the chained runs with --third-factor; without it nothing is learned", async () => {
    const model = "examples/learning/reward-stdp.model.json";
    const data = dataset("rd");
    const m = join(dir, "reward");
    mkdirSync(m, { recursive: true });
    // a rewarded, b punished in its second half, c rewarded late: each sample changes the weights differently.
    npy(join(m, "a.npy"), Array.from({ length: 24 }, () => 1), [24]);
    npy(join(m, "b.npy"), Array.from({ length: 24 }, (_, t) => (t < 12 ? 0.5 : -1)), [24]);
    npy(join(m, "c.npy"), Array.from({ length: 30 }, (_, t) => (t >= 10 ? 2 : 0)), [30]);
    const out = join(dir, "rt");
    const { train, chained } = await trainAndChain(model, data, (f) => join(m, f), out, ["--third-factor-dir", m]);
    expect(train).toEqual(chained);
    const initial = readJson<{ projections: Array<{ dense: { weights: number[][] } }> }>(model).projections[0].dense.weights.flat();
    expect(train).not.toEqual(initial);
    // Without the directory m is 0: the weights stay the model's, and the note says so.
    const none = join(dir, "rt-none");
    const r0 = await cli("train", model, "--input", data, "--arch", "loihi", "--out", none, "--quiet");
    expect(r0.code).toBe(0);
    expect(weightsOf(join(none, "weights.json"))).toEqual(initial);
    const doc = readJson<{ notes: string[]; warnings?: string[]; provenance: { inputs: Array<{ role: string; path: string }>; options: { thirdFactorDir?: string } } }>(join(out, "train.json"));
    expect(doc.notes).toEqual([]);
    expect(doc.warnings).toBeUndefined();
    expect(doc.provenance.inputs.filter((i) => i.role === "third-factor-dir").map((i) => i.path)).toEqual([m]);
    expect(doc.provenance.options.thirdFactorDir).toBe("*");
    // rerun trains again from train.json: the same weights, byte for byte.
    const re = await cli("rerun", join(out, "train.json"), "--out", join(dir, "rt-re"));
    expect(re.code, re.stderr + re.stdout).toBe(0);
    expect(readFileSync(join(dir, "rt-re", "weights.json"))).toEqual(readFileSync(join(out, "weights.json")));
    // A changed m file: rerun refuses, naming the directory's role.
    npy(join(m, "c.npy"), Array.from({ length: 30 }, () => 2), [30]);
    const changed = await cli("rerun", join(out, "train.json"), "--out", join(dir, "rt-re2"));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/E_RERUN_INPUT_CHANGED.*third-factor-dir/);
  }, 120_000);

  it("S-TLLR, a per-neuron learning signal out=DIR with the model's Ψ: a pass equals the chained runs; rows ≠ ticks warn per sample", async () => {
    const model = "examples/learning/stllr.model.json";
    const data = dataset("sd");
    const m = join(dir, "delta");
    mkdirSync(m, { recursive: true });
    const signal = (T: number, k: number): number[] => Array.from({ length: T * 3 }, (_, j) => ((j + k) % 5) * 0.25 - 0.5);
    npy(join(m, "a.npy"), signal(24, 0), [24, 3]);
    npy(join(m, "b.npy"), signal(24, 1), [24, 3]);
    // c has 20 rows for its 30 ticks: ticks 20..29 read m = 0 (as in run), with W_THIRD_FACTOR_ROWS.
    npy(join(m, "c.npy"), signal(20, 2), [20, 3]);
    const out = join(dir, "st");
    const { train, chained, stderr } = await trainAndChain(model, data, (f) => `out=${join(m, f)}`, out, ["--third-factor-dir", `out=${m}`]);
    expect(train).toEqual(chained);
    expect(stderr).toMatch(/W_THIRD_FACTOR_ROWS.*c\.npy has 20 rows/);
    const doc = readJson<{ warnings?: string[]; provenance: { options: { thirdFactorDir?: string } } }>(join(out, "train.json"));
    expect(doc.warnings).toHaveLength(1);
    expect(doc.warnings![0]).toMatch(/^W_THIRD_FACTOR_ROWS: /);
    expect(doc.provenance.options.thirdFactorDir).toBe("out");
    const initial = readJson<{ projections: Array<{ dense: { weights: number[][] } }> }>(model).projections[0].dense.weights.flat();
    expect(train).not.toEqual(initial);
    // A --psi that contradicts the model's is refused, as in run.
    const bad = await cli("train", model, "--input", data, "--third-factor-dir", `out=${m}`, "--psi", "sigmoid", "--arch", "loihi", "--out", join(dir, "st-psi"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/E_CLI_OPTION.*--psi/);
  }, 120_000);

  it("a missing file is refused before training, naming the sample and the path; pair STDP refuses the option", async () => {
    const model = "examples/learning/reward-stdp.model.json";
    const data = dataset("md");
    const m = join(dir, "partial");
    mkdirSync(m, { recursive: true });
    npy(join(m, "a.npy"), [1, 1], [2]);
    npy(join(m, "b.npy"), [1, 1], [2]);
    const r = await cli("train", model, "--input", data, "--third-factor-dir", m, "--arch", "loihi", "--out", join(dir, "mx"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_THIRD_FACTOR_MISSING: sample c\.npy has no third-factor file: .*partial\/c\.npy does not exist/);
    expect(r.stderr).not.toMatch(/aerchip train: \d+\/\d+ samples/);
    // A model whose only rule is pair `stdp` (no third factor, no graded traces): the option is refused, as run's --third-factor.
    const pair = join(dir, "pair.model.json");
    const doc = readJson<{ projections: Array<Record<string, unknown>> }>("examples/learning/stdp-pair.model.json");
    writeFileSync(pair, JSON.stringify({ ...doc, projections: doc.projections.map(({ learning: _l, ...q }) => ({ ...q, stdp: { A_plus: 0.03, A_minus: 0.03, tau_pre: 10, tau_post: 10, wmin: 0, wmax: 1 } })) }));
    const p = await cli("train", pair, "--input", data, "--third-factor-dir", m, "--arch", "loihi", "--out", join(dir, "px"));
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/E_CLI_OPTION.*--third-factor-dir/);
    rmSync(m, { recursive: true });
  }, 60_000);

  it("the matching rule: the sample's path in the data set with .npy; an HDF5 sample by its index", () => {
    expect(thirdFactorFileOf("directory", { index: 4, path: "/d/3/00012.bin", label: 3, id: "3/00012.bin" })).toBe("3/00012.npy");
    expect(thirdFactorFileOf("directory", { index: 0, path: "/d/a.npy", label: null, id: "a.npy" })).toBe("a.npy");
    expect(thirdFactorFileOf("hdf5", { index: 7, path: "/d/shd.h5", sample: 7, label: 1, id: "#7" })).toBe("7.npy");
    expect(thirdFactorFileOf("file", { index: 0, path: "/x/rec.aedat4", label: null, id: "/x/rec.aedat4" })).toBe("rec.npy");
  });
});
