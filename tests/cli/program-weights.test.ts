/**
 * A plastic compiled program (`run PROGRAM.aerprog`) writes weights.json as a model run does, and takes
 * `--initial-weights` by projection name (cli/program-initial-weights.ts): the program's run then equals the
 * JSON model's run from the same weights file, byte for byte (audit s24b #3). A fixed-point program quantises
 * the file's weights onto its grid by the compiler's rule (the same spikes as the model compiled in fixed point
 * from them); learned θ in the file load into a float program's compartments (same spikes and θ as the model
 * run from the file, also for a frozen copy), with the file's populations checked.
 */
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cli } from "../helpers/cli.ts";
import { spikesNpy } from "../helpers/nir-dataset.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-progw-"));
const MODEL = resolve("examples/learning/stdp-pair.model.json");
const json = (p: string) => JSON.parse(readFileSync(p, "utf8"));
const text = (p: string) => readFileSync(p, "utf8");

describe("run PROGRAM.aerprog of a plastic model", () => {
  it("writes the model run's weights.json, and chains with --initial-weights as the model does", async () => {
    const m = json(MODEL);
    // The model's own input spikes as a T × 4 tensor: the program run and the model run (--input) see the same.
    const input = join(dir, "in.npy");
    spikesNpy(input, m.steps, m.populations[0].size, m.populations[0].spikes);
    const c = await cli("compile", MODEL, "--arch", "loihi", "--out", join(dir, "cp"), "--quiet");
    expect(c.code, c.stderr).toBe(0);
    const prog = join(dir, "cp", "program.aerprog");
    const runModel = (out: string, ...extra: string[]) => cli("run", MODEL, "--arch", "loihi", "--input", input, "--out", join(dir, out), "--quiet", ...extra);
    const runProg = (out: string, ...extra: string[]) => cli("run", prog, "--arch", "loihi", "--input", input, "--out", join(dir, out), ...extra);
    expect((await runModel("m1")).code).toBe(0);
    const p1 = await runProg("p1");
    expect(p1.code, p1.stderr).toBe(0);
    expect(p1.stdout).toContain(join(dir, "p1", "weights.json"));
    expect(existsSync(join(dir, "p1", "weights.json"))).toBe(true);
    expect(text(join(dir, "p1", "weights.json"))).toBe(text(join(dir, "m1", "weights.json")));
    // --json names it too.
    const pj = await runProg("pj", "--json");
    expect(JSON.parse(pj.stdout).weights).toBe(join(dir, "pj", "weights.json"));

    // Chained: the program from the first run's weights equals the model from them (and learning went on).
    const m2 = await runModel("m2", "--initial-weights", join(dir, "m1", "weights.json"));
    expect(m2.code, m2.stderr).toBe(0);
    const p2 = await runProg("p2", "--quiet", "--initial-weights", join(dir, "p1", "weights.json"));
    expect(p2.code, p2.stderr).toBe(0);
    for (const f of ["spikes.json", "weights.json"]) expect(text(join(dir, "p2", f))).toBe(text(join(dir, "m2", f)));
    expect(text(join(dir, "p2", "weights.json"))).not.toBe(text(join(dir, "p1", "weights.json")));
    expect(json(join(dir, "p2", "report.json")).provenance.inputs.map((i: { role: string }) => i.role)).toContain("initial-weights");
    const re = await cli("rerun", join(dir, "p2", "report.json"), "--out", join(dir, "p2r"));
    expect(re.code, re.stderr + re.stdout).toBe(0);
    expect(text(join(dir, "p2r", "weights.json"))).toBe(text(join(dir, "p2", "weights.json")));

    // A file naming a projection the program lacks: E_WEIGHTS_MISMATCH naming it, nothing written.
    const w = json(join(dir, "p1", "weights.json"));
    const other = join(dir, "other.json");
    writeFileSync(other, JSON.stringify({ ...w, projections: { nope: w.projections.in_out } }));
    const bad = await runProg("bad", "--initial-weights", other);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/E_WEIGHTS_MISMATCH.*projections\.nope.*it has: in_out/);
    expect(existsSync(join(dir, "bad"))).toBe(false);

    // A fixed-point program (of the model without its rule) puts the weights on its grid by the compiler's rule:
    // the same spikes as the model compiled in fixed point from the same weights. Its largest weight is the rule's
    // wMax 1, which the learned weights reach, so the state scale it was compiled with (set by the largest weight)
    // is the one compiling the model with the learned weights picks.
    const w2 = json(join(dir, "p2", "weights.json"));
    expect(Math.max(...w2.projections.in_out.weights)).toBe(1);
    const frozen = { ...m, projections: m.projections.map((p: { dense: { weights: number[][] } }) => ({ ...p, learning: undefined, dense: { ...p.dense, weights: p.dense.weights.map((row, i) => row.map((x, j) => (i === 0 && j === 0 ? 1 : x))) } })) };
    const fm = join(dir, "frozen.model.json");
    writeFileSync(fm, JSON.stringify(frozen));
    expect((await cli("compile", fm, "--arch", "loihi", "--precision", "fixed", "--out", join(dir, "cf"), "--quiet")).code).toBe(0);
    const fixedProg = (out: string, w: string, ...extra: string[]) => cli("run", join(dir, "cf", "program.aerprog"), "--arch", "loihi", "--input", input, "--out", join(dir, out), "--initial-weights", w, ...extra);
    const fx = await fixedProg("fx", join(dir, "p2", "weights.json"));
    expect(fx.code, fx.stderr).toBe(0);
    expect(fx.stderr).toBe("");
    const fxm = await cli("run", fm, "--arch", "loihi", "--precision", "fixed", "--input", input, "--out", join(dir, "fxm"), "--quiet", "--initial-weights", join(dir, "p2", "weights.json"));
    expect(fxm.code, fxm.stderr).toBe(0);
    expect(text(join(dir, "fx", "spikes.json"))).toBe(text(join(dir, "fxm", "spikes.json")));
    // …and the loaded weights matter: scaled by 0.4, they give other spikes (the same as the model's from them).
    const half = join(dir, "half.json");
    writeFileSync(half, JSON.stringify({ ...w2, projections: { in_out: { ...w2.projections.in_out, weights: w2.projections.in_out.weights.map((x: number) => x * 0.4) } } }));
    expect((await fixedProg("fxh", half, "--quiet")).code).toBe(0);
    expect((await cli("run", fm, "--arch", "loihi", "--precision", "fixed", "--input", input, "--out", join(dir, "fxhm"), "--quiet", "--initial-weights", half)).code).toBe(0);
    expect(text(join(dir, "fxh", "spikes.json"))).not.toBe(text(join(dir, "fx", "spikes.json")));
    expect(text(join(dir, "fxh", "spikes.json"))).toBe(text(join(dir, "fxhm", "spikes.json")));
    // Weights beyond the grid at the program's state scale: clipped and counted (W_QUANT_CLIPPED), as the quantise pass does.
    const big = join(dir, "big.json");
    writeFileSync(big, JSON.stringify({ ...w2, projections: { in_out: { ...w2.projections.in_out, weights: w2.projections.in_out.weights.map((x: number, i: number) => (i < 3 ? 1e6 : x)) } } }));
    const fb = await fixedProg("fb", big);
    expect(fb.code, fb.stderr).toBe(0);
    expect(fb.stderr).toMatch(/W_QUANT_CLIPPED: 3 of the 12 weights of projection "in_out" were clipped to 9-bit mantissas/);
    expect(fb.stderr).toContain("field: projections.in_out.weights");
    expect(json(join(dir, "fb", "report.json")).warnings).toEqual([expect.stringMatching(/^W_QUANT_CLIPPED: 3 of the 12 weights/)]);
    expect(json(join(dir, "fx", "report.json")).warnings).toBeUndefined();
  }, 120_000);

  it("loads learned θ: a program run equals the model run from the same weights.json, also for a frozen copy; files that do not fit are refused", async () => {
    const m = json(MODEL);
    // stdp-pair with an adaptive threshold on `out` (θ += 0.3 per spike, slow decay), as tests/cli/learned-theta.test.ts.
    const withTheta = (extra: Record<string, unknown>, learn: boolean) => ({
      ...m, populations: m.populations.map((p: Record<string, unknown>) => (p.name === "out" ? { ...p, ...extra } : p)),
      projections: m.projections.map((p: Record<string, unknown>) => (learn ? p : { ...p, learning: undefined })),
    });
    const tm = join(dir, "theta.model.json");
    writeFileSync(tm, JSON.stringify(withTheta({ thetaPlus: 0.3, thetaDecay: 0.99 }, true)));
    // A frozen copy: no rule, θ held (thetaPlus 0, thetaDecay 1), as evaluate --frozen does.
    const fz = join(dir, "theta-frozen.model.json");
    writeFileSync(fz, JSON.stringify(withTheta({ thetaPlus: 0, thetaDecay: 1 }, false)));
    const input = join(dir, "in-theta.npy");
    spikesNpy(input, m.steps, m.populations[0].size, m.populations[0].spikes);
    const runModel = (model: string, out: string, ...extra: string[]) => cli("run", model, "--arch", "loihi", "--input", input, "--out", join(dir, out), "--quiet", ...extra);
    const t1 = await runModel(tm, "t1");
    expect(t1.code, t1.stderr).toBe(0);
    const w1 = join(dir, "t1", "weights.json");
    expect(json(w1).thresholds.out.theta.some((x: number) => x > 0)).toBe(true);
    for (const [model, name] of [[tm, "tc"], [fz, "tf"]] as const) {
      expect((await cli("compile", model, "--arch", "loihi", "--out", join(dir, `${name}-cp`), "--quiet")).code).toBe(0);
      const prog = join(dir, `${name}-cp`, "program.aerprog");
      const mr = await runModel(model, `${name}-m`, "--initial-weights", w1);
      expect(mr.code, mr.stderr).toBe(0);
      const pr = await cli("run", prog, "--arch", "loihi", "--input", input, "--out", join(dir, `${name}-p`), "--quiet", "--initial-weights", w1);
      expect(pr.code, pr.stderr).toBe(0);
      expect(text(join(dir, `${name}-p`, "spikes.json"))).toBe(text(join(dir, `${name}-m`, "spikes.json")));
      // The continuing run learns on: its weights.json (weights and θ) equals the model's.
      if (name === "tc") expect(text(join(dir, "tc-p", "weights.json"))).toBe(text(join(dir, "tc-m", "weights.json")));
      // θ matters: the same weights without θ give other spikes.
      const noTheta = join(dir, `${name}-no-theta.json`);
      writeFileSync(noTheta, JSON.stringify({ ...json(w1), thresholds: undefined }));
      expect((await cli("run", prog, "--arch", "loihi", "--input", input, "--out", join(dir, `${name}-p0`), "--quiet", "--initial-weights", noTheta)).code).toBe(0);
      expect(text(join(dir, `${name}-p0`, "spikes.json"))).not.toBe(text(join(dir, `${name}-p`, "spikes.json")));
    }

    // Refusals, naming the file and the field; nothing written.
    const prog = join(dir, "tc-cp", "program.aerprog");
    const w = json(w1);
    const variant = (name: string, thresholds: unknown): string => {
      const f = join(dir, `${name}.json`);
      writeFileSync(f, JSON.stringify({ ...w, thresholds }));
      return f;
    };
    const th = w.thresholds.out;
    const cases: Array<[string, string, RegExp]> = [
      [prog, variant("th-name", { nope: th }), /E_WEIGHTS_MISMATCH: [^\n]*thresholds\.nope is not a population of program [^\n]*it has: in, out/],
      [prog, variant("th-input", { in: { size: 4, theta: [0, 0, 0, 0] } }), /E_WEIGHTS_MISMATCH: [^\n]*thresholds\.in is a learned θ, and the program's population in holds no adaptive threshold/],
      [prog, variant("th-size", { out: { size: 2, theta: th.theta.slice(0, 2) } }), /E_WEIGHTS_MISMATCH: [^\n]*thresholds\.out\.size is 2; the program's out has 3 neurons/],
      [prog, variant("th-neg", { out: { ...th, theta: [th.theta[0], -0.5, th.theta[2]] } }), /E_WEIGHTS_MISMATCH: [^\n]*thresholds\.out\.theta\[1\] is -0\.5, outside the θ the program's out can reach \(≥ 0\)/],
      [prog, variant("th-nan", { out: { ...th, theta: [th.theta[0], "x", th.theta[2]] } }), /E_WEIGHTS_FILE: [^\n]*thresholds\.out\.theta\[1\] is "x", not a finite number/],
      // A program of the model without θ: its compartments hold none.
      [join(dir, "cp", "program.aerprog"), w1, /E_WEIGHTS_MISMATCH: [^\n]*thresholds\.out is a learned θ[^\n]*\n {2}hint: compile the model with thetaPlus on out \(thetaPlus 0 and thetaDecay 1 hold the loaded θ fixed\)/],
      // A fixed-point program holds no θ.
      [join(dir, "cf", "program.aerprog"), w1, /E_WEIGHTS_PROGRAM: [^\n]*carries learned thresholds θ \(out\)[^\n]*fixed-point program, which holds no θ/],
    ];
    for (const [p, f, message] of cases) {
      const r = await cli("run", p, "--arch", "loihi", "--input", input, "--out", join(dir, "th-bad"), "--initial-weights", f);
      expect(r.code, f).toBe(1);
      expect(r.stderr, f).toMatch(message);
      expect(r.stderr, f).toContain(`file: ${f}`);
      expect(existsSync(join(dir, "th-bad"))).toBe(false);
    }
  }, 180_000);

  it("a fixed-point program's chip checks run again on the loaded weights, the error naming the weights file (ODIN: one sign per source)", async () => {
    const model = join(dir, "odin-if.json");
    writeFileSync(model, JSON.stringify({
      format: "aerchip-model-1", name: "odin-if", steps: 10,
      populations: [{ name: "in", kind: "input", size: 2 }, { name: "out", kind: "neuron", size: 2, voltageDecay: 1, vThreshold: 1, reset: "zero" }],
      projections: [{ name: "in_out", pre: "in", post: "out", dense: { weights: [[0.5, 0.25], [0.25, 0.5]], delays: 1 } }],
    }));
    expect((await cli("compile", model, "--arch", "odin", "--precision", "fixed", "--out", join(dir, "odin-cp"), "--quiet")).code).toBe(0);
    const input = join(dir, "odin-in.npy");
    spikesNpy(input, 10, 2, [[0, 0], [2, 1], [4, 0], [4, 1]]);
    const file = (name: string, weights: number[]): string => {
      const f = join(dir, `${name}.json`);
      writeFileSync(f, JSON.stringify({ format: "aerchip-weights", version: 1, model: "odin-if", projections: { in_out: { pre: "in", post: "out", rule: "", synapseCount: 4, weights } } }));
      return f;
    };
    const run = (w: string, out: string) => cli("run", join(dir, "odin-cp", "program.aerprog"), "--arch", "odin", "--input", input, "--out", join(dir, out), "--initial-weights", w);
    // In the weights' source order: in0 → out0, out1; a negative weight from in0 beside a positive one.
    const mixed = await run(file("odin-mixed", [0.5, -0.25, 0.25, 0.5]), "odin-bad");
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/E_PROGRAM_SPEC_MISMATCH: with the weights of [^\n]*odin-mixed\.json, core 0 input axon 0 holds weights of both signs[^\n]*\[file: [^\n]*odin-mixed\.json, field: --initial-weights\]/);
    expect(existsSync(join(dir, "odin-bad"))).toBe(false);
    // One sign per source: runs, as the model compiled in fixed point from the same weights.
    const ok = file("odin-ok", [0.5, 0.25, -0.25, -0.5]);
    const r = await run(ok, "odin-p");
    expect(r.code, r.stderr).toBe(0);
    expect((await cli("run", model, "--arch", "odin", "--precision", "fixed", "--input", input, "--out", join(dir, "odin-m"), "--quiet", "--initial-weights", ok)).code).toBe(0);
    expect(text(join(dir, "odin-p", "spikes.json"))).toBe(text(join(dir, "odin-m", "spikes.json")));
  }, 60_000);
});
