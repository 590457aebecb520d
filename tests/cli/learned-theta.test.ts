/**
 * Learned adaptive thresholds θ in weights.json (cli/pipeline.ts weightsJson `thresholds`, loaded by
 * cli/initial-weights.ts as each population's starting θ): with thetaPlus on, a `train` pass equals the
 * chained `run --input s_k --initial-weights s_{k-1}/weights.json` runs (θ carried through the files);
 * `evaluate --frozen --initial-weights` holds the learned θ fixed (D&C: θ frozen at test), so each row equals
 * a run of the model with vThreshold + θ and no adaptation; files that do not fit are refused.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { sample } from "../helpers/pair-samples.ts";
import { loadJsonModel } from "../../compiler/frontends/load-model.ts";
import { compileModel } from "../../compiler/compile.ts";
import { decodeProgram, encodeProgram } from "../../chip/program/codec.ts";
import { loadArch } from "../../cli/load-arch.ts";
import { withInitialWeights } from "../../cli/initial-weights.ts";
import { buildSimState, resetAdaptiveThresholds } from "../../chip/sim/state.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-theta-"));
const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, "utf8")) as T;
interface Weights { projections: { in_out: { weights: number[] } }; thresholds?: Record<string, { size: number; theta: number[] }> }


type Model = { populations: Array<Record<string, unknown>>; projections: Array<Record<string, unknown>> };
const base = readJson<Model>("examples/learning/stdp-pair.model.json");
/** stdp-pair with an adaptive threshold on `out` (θ += 0.3 per spike, slow decay). */
const thetaModel = join(dir, "theta.model.json");
writeFileSync(thetaModel, JSON.stringify({ ...base, populations: base.populations.map((p) => (p.name === "out" ? { ...p, thetaPlus: 0.3, thetaDecay: 0.99 } : p)) }));

const data = join(dir, "data");
mkdirSync(data, { recursive: true });
sample(join(data, "a.npy"), 24, (t, i) => i < 2 && t % 3 === 0);
sample(join(data, "b.npy"), 24, (t, i) => (i >= 2 && t % 2 === 0) || (i === 0 && t % 5 === 0));
sample(join(data, "c.npy"), 30, (t, i) => t % 4 === i % 2);

describe("learned θ in weights.json", () => {
  it("train writes θ; a pass with thetaPlus equals the chained runs with --initial-weights (θ carried by the files)", async () => {
    const out = join(dir, "train");
    const r = await cli("train", thetaModel, "--input", data, "--arch", "loihi", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const trained = readJson<Weights>(join(out, "weights.json"));
    expect(trained.thresholds?.out.size).toBe(3);
    expect(trained.thresholds!.out.theta.some((x) => x > 0)).toBe(true);
    let prev: string | undefined;
    for (const s of ["a", "b", "c"]) {
      const o = join(dir, `run-${s}`);
      const rr = await cli("run", thetaModel, "--input", join(data, `${s}.npy`), "--arch", "loihi", "--out", o, "--quiet", ...(prev === undefined ? [] : ["--initial-weights", prev]));
      expect(rr.code, rr.stderr).toBe(0);
      prev = join(o, "weights.json");
    }
    // Byte for byte: the same weights and the same θ.
    expect(readFileSync(prev!, "utf8")).toBe(readFileSync(join(out, "weights.json"), "utf8"));
    // A second training from those weights (θ loaded), and its rerun from train.json: byte-identical weights and θ.
    const again = join(dir, "train2");
    expect((await cli("train", thetaModel, "--input", data, "--initial-weights", join(out, "weights.json"), "--arch", "loihi", "--out", again, "--quiet")).code).toBe(0);
    const re = await cli("rerun", join(again, "train.json"), "--out", join(dir, "train2-re"));
    expect(re.code, re.stderr + re.stdout).toBe(0);
    expect(readFileSync(join(dir, "train2-re", "weights.json"), "utf8")).toBe(readFileSync(join(again, "weights.json"), "utf8"));
    expect(readJson<Weights>(join(again, "weights.json")).thresholds!.out.theta).not.toEqual(trained.thresholds!.out.theta);
    // A model without θ writes no thresholds (its weights.json keeps its former shape).
    const plain = join(dir, "plain");
    expect((await cli("train", "examples/learning/stdp-pair.model.json", "--input", data, "--arch", "loihi", "--out", plain, "--quiet")).code).toBe(0);
    expect(readJson<Weights>(join(plain, "weights.json")).thresholds).toBeUndefined();
  }, 120_000);

  it("run --initial-weights starts from the learned θ: fewer spikes than from θ = 0 on the same weights", async () => {
    const w = join(dir, "train", "weights.json");
    const stripped = join(dir, "no-theta.json");
    const { thresholds: _t, ...rest } = readJson<Weights>(w);
    writeFileSync(stripped, JSON.stringify(rest));
    const spikes = async (file: string, name: string): Promise<number> => {
      const o = join(dir, name);
      const r = await cli("run", thetaModel, "--input", join(data, "c.npy"), "--arch", "loihi", "--out", o, "--quiet", "--initial-weights", file);
      expect(r.code, r.stderr).toBe(0);
      return readJson<{ perPopulation: Array<{ name: string; spikes: number }> }>(join(o, "report.json")).perPopulation.find((p) => p.name === "out")!.spikes;
    };
    expect(await spikes(w, "with-theta")).toBeLessThan(await spikes(stripped, "without-theta"));
  }, 60_000);

  it("evaluate --frozen holds the learned θ fixed: each row equals a run of the model with vThreshold + θ and no adaptation", async () => {
    const w = join(dir, "train", "weights.json");
    const theta = readJson<Weights>(w).thresholds!.out.theta;
    const out = join(dir, "eval");
    const r = await cli("evaluate", thetaModel, "--input", data, "--frozen", "--initial-weights", w, "--output", "out", "--arch", "loihi", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const rows = readJson<{ samples: Array<{ id: string; spikes: number; outputValues: number[] }> }>(join(out, "dataset.json")).samples;
    // The same network with the learned weights written in, θ folded into the threshold, and no learning.
    const weights = readJson<Weights>(w).projections.in_out.weights;
    const fixed = join(dir, "fixed-theta.model.json");
    writeFileSync(fixed, JSON.stringify({
      ...base,
      populations: base.populations.map((p) => (p.name === "out" ? { ...p, vThreshold: theta.map((t) => 1 + t) } : p)),
      projections: base.projections.map(({ learning: _l, ...p }) => ({ ...p, dense: { ...(p.dense as object), weights: [0, 1, 2, 3].map((i) => weights.slice(i * 3, i * 3 + 3)) } })),
    }));
    for (const row of rows) {
      const o = join(dir, `fixed-${row.id}`);
      const rr = await cli("run", fixed, "--input", join(data, row.id), "--arch", "loihi", "--out", o, "--quiet");
      expect(rr.code, rr.stderr).toBe(0);
      const rep = readJson<{ perPopulation: Array<{ name: string; spikes: number }> }>(join(o, "report.json"));
      expect(row.spikes).toBe(rep.perPopulation.find((p) => p.name === "out")!.spikes);
    }
    expect(rows.some((x) => x.spikes > 0)).toBe(true);
  }, 120_000);

  it("θ that does not fit the model is refused (E_WEIGHTS_MISMATCH / E_WEIGHTS_FILE), naming the field", async () => {
    const w = readJson<Weights>(join(dir, "train", "weights.json"));
    const write = (name: string, doc: unknown): string => {
      const p = join(dir, name);
      writeFileSync(p, JSON.stringify(doc));
      return p;
    };
    const run = (model: string, file: string) => cli("run", model, "--input", join(data, "a.npy"), "--arch", "loihi", "--out", join(dir, "x"), "--quiet", "--initial-weights", file);
    const noTheta = await run("examples/learning/stdp-pair.model.json", join(dir, "train", "weights.json"));
    expect(noTheta.code).toBe(1);
    expect(noTheta.stderr).toMatch(/E_WEIGHTS_MISMATCH.*field: thresholds\.out/);
    const size = await run(thetaModel, write("size.json", { ...w, thresholds: { out: { size: 2, theta: [0, 0] } } }));
    expect(size.code).toBe(1);
    expect(size.stderr).toMatch(/E_WEIGHTS_MISMATCH.*field: thresholds\.out\.size/);
    const pop = await run(thetaModel, write("pop.json", { ...w, thresholds: { hidden: { size: 3, theta: [0, 0, 0] } } }));
    expect(pop.stderr).toMatch(/E_WEIGHTS_MISMATCH.*field: thresholds\.hidden/);
    const neg = await run(thetaModel, write("neg.json", { ...w, thresholds: { out: { size: 3, theta: [0, -1, 0] } } }));
    // θ < 0 cannot come from a model without homeostasis: refused against the model (a bounded one may reach it).
    expect(neg.stderr).toMatch(/E_WEIGHTS_MISMATCH.*field: thresholds\.out\.theta\[1\]/);
  }, 60_000);

  it("the starting θ goes through the compiler and the program file (field theta_init), and resetAdaptiveThresholds returns to it", () => {
    const graph = withInitialWeights(loadJsonModel(thetaModel).graph, join(dir, "train", "weights.json"));
    const learned = readJson<Weights>(join(dir, "train", "weights.json")).thresholds!.out.theta;
    const program = compileModel(graph, loadArch("loihi"), { placement: "greedy", seed: 0, file: thetaModel, precision: "float" }).program;
    const decoded = decodeProgram(encodeProgram(program));
    const st = buildSimState(loadArch("loihi"), decoded);
    const sorted = (a: ArrayLike<number>) => Array.from(a).filter((x) => x !== 0).sort();
    expect(sorted(st.theta!)).toEqual(sorted(learned));
    st.theta!.fill(7);
    resetAdaptiveThresholds(st);
    expect(sorted(st.theta!)).toEqual(sorted(learned));
  });
});

describe("learned θ with bounded homeostasis (thetaDrift, thetaMin, thetaMax)", () => {
  /** stdp-pair with a drifting θ: it falls by 0.05 a tick to −0.4 and rises 0.3 per spike (at most 0.5). */
  const homeo = join(dir, "homeo.model.json");
  writeFileSync(homeo, JSON.stringify({ ...base, populations: base.populations.map((p) => (p.name === "out" ? { ...p, thetaPlus: 0.3, thetaDrift: 0.05, thetaMin: -0.4, thetaMax: 0.5 } : p)) }));

  // Sample a drives the neurons; z is silent for 30 ticks, in which θ drifts down to thetaMin.
  const data2 = join(dir, "data-homeo");
  mkdirSync(data2, { recursive: true });
  sample(join(data2, "a.npy"), 24, (t, i) => i < 2 && t % 3 === 0);
  sample(join(data2, "z.npy"), 30, () => false);

  it("a negative learned θ is written, loads as the next run's start (chained runs = a train pass), and one outside the bounds is refused", async () => {
    const out = join(dir, "homeo-train");
    const r = await cli("train", homeo, "--input", data2, "--arch", "loihi", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const trained = readJson<Weights>(join(out, "weights.json"));
    expect(trained.thresholds!.out.theta.every((x) => x >= -0.4 && x <= 0.5)).toBe(true);
    // The drift has taken some θ below 0 (a file a model without homeostasis would refuse).
    expect(trained.thresholds!.out.theta.some((x) => x < 0)).toBe(true);
    let prev: string | undefined;
    for (const s of ["a", "z"]) {
      const o = join(dir, `homeo-run-${s}`);
      const rr = await cli("run", homeo, "--input", join(data2, `${s}.npy`), "--arch", "loihi", "--out", o, "--quiet", ...(prev === undefined ? [] : ["--initial-weights", prev]));
      expect(rr.code, rr.stderr).toBe(0);
      prev = join(o, "weights.json");
    }
    expect(readFileSync(prev!, "utf8")).toBe(readFileSync(join(out, "weights.json"), "utf8"));
    // θ below thetaMin cannot come from this model: refused, naming the entry.
    const bad = join(dir, "homeo-bad.json");
    writeFileSync(bad, JSON.stringify({ ...trained, thresholds: { out: { size: 3, theta: [-0.5, 0, 0] } } }));
    const refused = await cli("run", homeo, "--input", join(data2, "a.npy"), "--arch", "loihi", "--out", join(dir, "homeo-no"), "--initial-weights", bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/thresholds\.out\.theta\[0\]/);
  });
});
