/**
 * `aerchip run MODEL.json --third-factor [POP=]FILE.npy` (cli/third-factor.ts): the learning rules' third
 * factor m from a file. examples/learning/reward-stdp.model.json gates Hebbian potentiation by m
 * (dw = 2^-4·m·x1·y0): without m nothing is learned; with m on one post neuron only, only the synapses
 * onto that neuron change.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeNpy } from "../../core/io/npy.ts";
import { cli } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-m-"));
const MODEL = "examples/learning/reward-stdp.model.json";
const INITIAL = [0.6, 0.55, 0.5, 0.5, 0.55, 0.6, 0.3, 0.25, 0.2, 0.2, 0.25, 0.3];

function npy(name: string, data: Float64Array, shape: number[]): string {
  const p = join(dir, name);
  writeFileSync(p, writeNpy(data, shape));
  return p;
}
async function run(out: string, ...extra: string[]): Promise<{ code: number; stderr: string; weights: number[]; report: { learning: { notes: string[] }; provenance: { options: Record<string, unknown> } } }> {
  const r = await cli("run", MODEL, "--arch", "loihi", "--out", join(dir, out), "--quiet", ...extra);
  if (r.code !== 0) return { code: r.code, stderr: r.stderr, weights: [], report: { learning: { notes: [] }, provenance: { options: {} } } };
  return {
    code: 0, stderr: r.stderr,
    weights: JSON.parse(readFileSync(join(dir, out, "weights.json"), "utf8")).projections.in_out.weights,
    report: JSON.parse(readFileSync(join(dir, out, "report.json"), "utf8")),
  };
}

describe("run --third-factor", () => {
  it("without m, or with m = 0, nothing is learned (and the run says why)", async () => {
    const none = await run("none");
    expect(none.weights).toEqual(INITIAL);
    expect(none.report.learning.notes.join(" ")).toMatch(/third factor m/);
    const zero = await run("zero", "--third-factor", npy("zero.npy", new Float64Array(80), [80]));
    expect(zero.weights).toEqual(INITIAL);
  });

  it("a global m learns; m on one neuron of the population changes only the synapses onto it", async () => {
    const all = await run("all", "--third-factor", "examples/learning/reward.npy");
    expect(all.weights).not.toEqual(INITIAL);
    expect(all.report.learning.notes).toEqual([]);
    expect(all.report.provenance.options.thirdFactor).toBe("*");
    // m = 1 on out[0] only, for 80 ticks (T × 3).
    const m = new Float64Array(80 * 3);
    for (let t = 0; t < 80; t++) m[t * 3] = 1;
    const one = await run("one", "--third-factor", `out=${npy("one.npy", m, [80, 3])}`);
    // Dense synapse s = pre·3 + post: those onto out[1] and out[2] keep their weights, out[0]'s grow.
    one.weights.forEach((w, s) => {
      if (s % 3 === 0) expect(w, `synapse ${s}`).toBeGreaterThanOrEqual(INITIAL[s]);
      else expect(w, `synapse ${s}`).toBe(INITIAL[s]);
    });
    expect(one.weights.filter((w, s) => s % 3 === 0 && w > INITIAL[s]).length).toBeGreaterThan(0);
    // A population's own file overrides the global one for its neurons: the same as the file alone.
    const both = await run("both", "--third-factor", join(dir, "zero.npy"), "--third-factor", `out=${join(dir, "one.npy")}`);
    expect(both.weights).toEqual(one.weights);
    expect(both.report.provenance.options.thirdFactor).toBe("*,out");
    const re = await cli("rerun", join(dir, "both", "report.json"), "--out", join(dir, "both-re"), "--quiet");
    expect(re.code, re.stderr).toBe(0);
    expect(readFileSync(join(dir, "both-re", "weights.json"))).toEqual(readFileSync(join(dir, "both", "weights.json")));
  });

  it("refuses a file of the wrong shape or with NaN, an unknown population, a model without rules, a NIR graph", async () => {
    expect((await run("b1", "--third-factor", npy("b1.npy", new Float64Array(160), [80, 2]))).stderr).toMatch(/E_THIRD_FACTOR/);
    expect((await run("b2", "--third-factor", `out=${npy("b2.npy", new Float64Array(80), [80])}`)).stderr).toMatch(/E_THIRD_FACTOR/);
    expect((await run("b3", "--third-factor", npy("b3.npy", Float64Array.from([1, Number.NaN]), [2]))).stderr).toMatch(/E_THIRD_FACTOR.*tick 1/);
    const unknown = await run("b4", "--third-factor", `nope=${join(dir, "one.npy")}`);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no population "nope"/);
    const noRules = await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--third-factor", join(dir, "zero.npy"), "--out", join(dir, "b5"));
    expect(noRules.code).toBe(2);
    expect(noRules.stderr).toMatch(/no projection of the model has one/);
  });
});

describe("run --psi (graded traces from the neuron's own potential: S-TLLR on chip)", () => {
  it("S-TLLR learns from Ψ(u) and a learning signal; without --psi (and no psi in the model) its graded traces read 0; recorded and rerun", async () => {
    const m = JSON.parse(readFileSync(MODEL, "utf8"));
    m.name = "stllr";
    m.populations[1].reset = "subtract";
    // No psi in the rule: the Ψ drive comes from --psi only (a model's psi is the default, tests/cli/psi-drive.test.ts).
    m.projections[0].learning = { named: "s-tllr", lambdaPre: 0.75, lambdaPost: 0.2, alphaPre: 1, alphaPost: -1, learnFromTick: 0, learningRate: 0.05 };
    const model = join(dir, "stllr.model.json");
    writeFileSync(model, JSON.stringify(m));
    const signal = npy("delta.npy", Float64Array.from({ length: 80 }, (_, t) => Math.sin(t / 5)), [80]);
    const go = async (out: string, ...extra: string[]) => {
      const r = await cli("run", model, "--arch", "loihi", "--out", join(dir, out), "--quiet", "--third-factor", signal, ...extra);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(readFileSync(join(dir, out, "weights.json"), "utf8")).projections.in_out.weights as number[];
    };
    const withPsi = await go("psi", "--psi", "triangle");
    const without = await go("nopsi");
    expect(withPsi).not.toEqual(INITIAL);
    expect(without).toEqual(INITIAL); // both products read Ψ (y2) or its trace (y1): 0 without --psi
    const report = JSON.parse(readFileSync(join(dir, "psi", "report.json"), "utf8"));
    expect(report.provenance.options.psi).toBe("triangle");
    const re = await cli("rerun", join(dir, "psi", "report.json"), "--out", join(dir, "psi-re"), "--quiet");
    expect(re.code, re.stderr).toBe(0);
    expect(readFileSync(join(dir, "psi-re", "weights.json"))).toEqual(readFileSync(join(dir, "psi", "weights.json")));
    // A model whose rules have no graded trace: --psi would drive nothing, refused before the run (a usage
    // error, as compare refuses it before any chip runs: audit s20a F4).
    const z = await cli("run", MODEL, "--arch", "loihi", "--psi", "triangle", "--out", join(dir, "psi-x"));
    expect(z.code).toBe(2);
    expect(z.stderr).toMatch(/E_CLI_OPTION: --psi drives graded post traces/);
    const zc = await cli("compare", MODEL, "--arch", "loihi,generic", "--psi", "triangle", "--out", join(dir, "psi-xc"));
    expect(zc.code).toBe(2);
    expect(zc.stderr).toMatch(/E_CLI_OPTION: --psi drives graded post traces/);
  });

  it("examples/learning/stllr.model.json runs as its README row says and learns", async () => {
    const out = join(dir, "ex-stllr");
    const r = await cli("run", "examples/learning/stllr.model.json", "--arch", "loihi", "--psi", "triangle", "--third-factor", "examples/learning/delta.npy", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(readFileSync(join(out, "weights.json"), "utf8")).projections.in_out.weights as number[];
    expect(w).not.toEqual(INITIAL);
  });
});

describe("run --third-factor with other than one row per tick (audit s19 B4)", () => {
  const STLLR = "examples/learning/stllr.model.json";
  const DELTA = "examples/learning/delta.npy";
  const go = async (out: string, file: string) => {
    const r = await cli("run", STLLR, "--arch", "loihi", "--third-factor", file, "--out", join(dir, out));
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, out, "report.json"), "utf8")) as { warnings?: string[]; learning: { weightChanges: number } };
    return { stderr: r.stderr, report, weights: readFileSync(join(dir, out, "weights.json"), "utf8") };
  };

  it("a shorter file is zero-padded and a longer one cut, as before, each with W_THIRD_FACTOR_ROWS on stderr and in report.json", async () => {
    const exact = await go("rows80", DELTA);
    expect(exact.stderr).not.toMatch(/W_THIRD_FACTOR_ROWS/);
    expect(exact.report.warnings).toBeUndefined();
    // 40 rows of 1 on the 80-tick example: ticks 40..79 read 0 (the audit's 504 changes instead of 1,044).
    const short = npy("d40.npy", new Float64Array(40).fill(1), [40]);
    const s = await go("rows40", short);
    expect(s.report.learning.weightChanges).toBe(504);
    expect(s.stderr).toMatch(/W_THIRD_FACTOR_ROWS/);
    expect(s.stderr).toContain(short);
    expect(s.report.warnings).toHaveLength(1);
    expect(s.report.warnings![0]).toMatch(/^W_THIRD_FACTOR_ROWS: /);
    expect(s.report.warnings![0]).toContain(short);
    expect(s.report.warnings![0]).toMatch(/\b40 rows\b.*\b80 ticks\b/);
    // 120 rows whose first 80 are delta.npy's: the same weights as delta.npy itself, and a warning.
    // delta.npy: +1 for ticks 0–39, −1 for 40–79 (examples/README.md).
    const long = npy("d120.npy", Float64Array.from({ length: 120 }, (_, t) => (t < 40 ? 1 : t < 80 ? -1 : 5)), [120]);
    const l = await go("rows120", long);
    expect(l.weights).toBe(exact.weights);
    expect(l.report.warnings![0]).toMatch(/\b120 rows\b.*\b80 ticks\b/);
  });
});

describe("compare --third-factor / --psi / --initial-weights (each chip's run is `aerchip run` with them)", () => {
  const STLLR = "examples/learning/stllr.model.json";
  const DELTA = "examples/learning/delta.npy";
  it("an S-TLLR model learns on every chip of a comparison as `run` does; without the drive it learns nothing", async () => {
    const out = join(dir, "cmp");
    const r = await cli("compare", STLLR, "--arch", "loihi,generic", "--third-factor", DELTA, "--psi", "triangle", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    for (const chip of ["loihi", "generic"]) {
      const alone = await cli("run", STLLR, "--arch", chip, "--third-factor", DELTA, "--out", join(dir, `cmp-run-${chip}`), "--quiet");
      expect(alone.code, alone.stderr).toBe(0);
      const w = readFileSync(join(out, chip, "weights.json"), "utf8");
      expect(w).toBe(readFileSync(join(dir, `cmp-run-${chip}`, "weights.json"), "utf8"));
      const report = JSON.parse(readFileSync(join(out, chip, "report.json"), "utf8")) as { learning: { weightChanges: number; notes: string[] }; provenance: { options: Record<string, unknown> } };
      expect(report.learning.weightChanges).toBeGreaterThan(0);
      expect(report.provenance.options.thirdFactor).toBe("*");
      // The chip's directory re-runs on its own, with its third factor.
      const again = await cli("rerun", join(out, chip, "report.json"), "--out", join(dir, `cmp-rerun-${chip}`), "--quiet");
      expect(again.code, again.stderr).toBe(0);
    }
    // Starting from the learned weights on every chip: the loihi run's weights.json as --initial-weights.
    const from = await cli("compare", STLLR, "--arch", "loihi", "--initial-weights", join(out, "loihi", "weights.json"), "--out", join(dir, "cmp-iw"), "--quiet");
    expect(from.code, from.stderr).toBe(0);
    const none = JSON.parse(readFileSync(join(dir, "cmp-iw", "loihi", "weights.json"), "utf8")) as { projections: Record<string, { weights: number[] }> };
    const learned = JSON.parse(readFileSync(join(out, "loihi", "weights.json"), "utf8")) as { projections: Record<string, { weights: number[] }> };
    // No third factor: nothing changes, so the run ends with the weights it started from.
    expect(none.projections).toEqual(learned.projections);
  });

  it("says W_THIRD_FACTOR_ROWS once, on stderr, in compare.md and compare.json (audit s20a F5)", async () => {
    const short = npy("cmp-d10.npy", new Float64Array(10).fill(1), [10]);
    const out = join(dir, "cmp-rows");
    const r = await cli("compare", STLLR, "--arch", "loihi,generic", "--third-factor", short, "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/W_THIRD_FACTOR_ROWS/g)).toHaveLength(1);
    expect(readFileSync(join(out, "compare.md"), "utf8")).toMatch(/Warnings of every chip's run:\n\n- W\\_THIRD\\_FACTOR\\_ROWS: /);
    expect(JSON.parse(readFileSync(join(out, "compare.json"), "utf8")).warnings[0]).toMatch(/^W_THIRD_FACTOR_ROWS: /);
    // LaTeX too, and the CSV says what each chip's learning energy bills (audit s20b F6).
    expect(readFileSync(join(out, "compare.tex"), "utf8")).toMatch(/Warnings of every chip's run: W\\_THIRD\\_FACTOR\\_ROWS/);
    const csv = readFileSync(join(out, "compare.csv"), "utf8").trim().split("\n");
    expect(csv[0].endsWith(",learning_billed_on")).toBe(true);
    expect(csv.slice(1).every((l) => l.endsWith(",evaluations"))).toBe(true);
  });

  it("refuses a third factor no rule reads (pair STDP), before any chip runs, as run does (audit s20a F6)", async () => {
    for (const cmd of ["run", "compare"]) {
      const r = await cli(cmd, "examples/learning/stdp-pair.model.json", "--arch", "loihi", "--third-factor", "examples/learning/reward.npy", "--out", join(dir, `no-m-${cmd}`));
      expect(r.code, cmd).toBe(2);
      expect(r.stderr).toMatch(/E_CLI_OPTION: --third-factor gives the factor m of learning rules that read it/);
    }
  });

  it("refuses a POP= third factor for a population no m-reading rule ends on (audit s20b F4), in run, compare and train", async () => {
    const m = npy("m-in.npy", new Float64Array(80 * 4).fill(1), [80, 4]);
    for (const cmd of ["run", "compare"]) {
      const r = await cli(cmd, "examples/learning/reward-stdp.model.json", "--arch", "loihi", "--third-factor", `in=${m}`, "--out", join(dir, `m-in-${cmd}`));
      expect(r.code, cmd).toBe(2);
      expect(r.stderr).toMatch(/--third-factor in=…: no learning rule that reads m ends on population "in"/);
    }
    const data = join(dir, "m-in-data");
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, "a.npy"), writeNpy(new Uint8Array(80 * 4), [80, 4], { bool: true }));
    const t = await cli("train", "examples/learning/reward-stdp.model.json", "--input", data, "--arch", "loihi", "--third-factor-dir", `in=${dir}`, "--out", join(dir, "m-in-train"));
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--third-factor-dir in=…: no learning rule that reads m ends on population "in"/);
  });

  it("refuses them on a model without learning rules, as run does", async () => {
    const r = await cli("compare", "examples/demo/ei-small.net.json", "--arch", "generic", "--third-factor", DELTA, "--out", join(dir, "cmp-no"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CLI_OPTION/);
  });
});
