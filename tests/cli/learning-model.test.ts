/**
 * `aerchip run` on a model whose projection carries a learning rule in the model file
 * (examples/learning/stdp-pair.model.json): the rule runs on chip, the report counts the weight
 * updates and their energy, and weights.json holds the final weights, byte-identical across runs.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

const MODEL = "examples/learning/stdp-pair.model.json";
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-learn-model-"));

interface WeightsFile {
  format: string;
  version: number;
  model: string;
  projections: Record<string, { pre: string; post: string; rule: string; synapseCount: number; weights: number[] }>;
}

describe("aerchip run on a model with a learning rule", () => {
  it("runs the rule on loihi, counts synUpdates and learning energy, writes weights.json, byte-identical twice", async () => {
    const a = tmp();
    const b = tmp();
    const ra = await cli("run", MODEL, "--arch", "loihi", "--out", a, "--quiet");
    expect(ra.stderr).toBe("");
    expect(ra.code).toBe(0);
    const rb = await cli("run", MODEL, "--arch", "loihi", "--out", b, "--quiet", "--threads", "2");
    expect(rb.code).toBe(0);

    const report = JSON.parse(readFileSync(join(a, "report.json"), "utf8"));
    expect(report.totals.counters.synUpdates).toBeGreaterThan(0);
    expect(report.totals.counters.learnRuleEvaluations).toBeGreaterThan(0);
    expect(report.totals.energyPj.learning).toBeGreaterThan(0);

    const w = JSON.parse(readFileSync(join(a, "weights.json"), "utf8")) as WeightsFile;
    expect(w.format).toBe("aerchip-weights");
    expect(w.version).toBe(1);
    expect(w.model).toBe("stdp-pair");
    const pr = w.projections.in_out;
    expect(pr.pre).toBe("in");
    expect(pr.post).toBe("out");
    // Initial weights from the model file, in its (row-major dense) synapse order.
    const model = JSON.parse(readFileSync(MODEL, "utf8"));
    const initial = (model.projections[0].dense.weights as number[][]).flat();
    expect(pr.weights.length).toBe(initial.length);
    expect(pr.weights).not.toEqual(initial);
    for (const x of pr.weights) expect(x >= 0 && x <= 1).toBe(true);
    // Inputs 0, 1 fire just before the neurons (potentiated); inputs 2, 3 just after (depressed).
    pr.weights.forEach((x, s) => {
      if (s < 6) expect(x, `synapse ${s}`).toBeGreaterThan(initial[s]);
      else expect(x, `synapse ${s}`).toBeLessThan(initial[s]);
    });
    // spikes.json carries the same final weights.
    expect(JSON.parse(readFileSync(join(a, "spikes.json"), "utf8")).final_weights.in_out).toEqual(pr.weights);

    for (const f of ["weights.json", "spikes.json", "report.json", "mapping.json"]) {
      expect(readFileSync(join(b, f)), f).toEqual(readFileSync(join(a, f)));
    }
  });

  it("writes weights.json for snnref pair STDP (`stdp`) in an aerchip-model-1 file too", async () => {
    const dir = tmp();
    const model = JSON.parse(readFileSync(MODEL, "utf8"));
    delete model.projections[0].learning;
    model.projections[0].stdp = { A_plus: 0.03125, A_minus: 0.03125, tau_pre: 10, tau_post: 10, wmin: 0, wmax: 1 };
    const path = join(dir, "pair.model.json");
    writeFileSync(path, JSON.stringify(model));
    const r = await cli("run", path, "--arch", "loihi", "--out", join(dir, "out"), "--quiet");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const w = JSON.parse(readFileSync(join(dir, "out", "weights.json"), "utf8")) as WeightsFile;
    expect(w.projections.in_out.rule).toBe("pair");
    const initial = (model.projections[0].dense.weights as number[][]).flat();
    expect(w.projections.in_out.weights[0]).toBeGreaterThan(initial[0]);
    expect(w.projections.in_out.weights[11]).toBeLessThan(initial[11]);
  });

  it("S-TLLR without a learning signal: the summary shows updates billed vs changed and a note; counters, spikes and weights as before", async () => {
    const dir = tmp();
    const model = JSON.parse(readFileSync(MODEL, "utf8"));
    model.projections[0].learning = { named: "s-tllr", lambdaPre: 0.75, lambdaPost: 0.2, alphaPre: 1, alphaPost: -1, learnFromTick: 0, learningRate: 0.05, rounding: "nearest" };
    const path = join(dir, "stllr.model.json");
    writeFileSync(path, JSON.stringify(model));
    const r = await cli("run", path, "--arch", "loihi", "--out", join(dir, "out"));
    expect(r.code, r.stderr).toBe(0);
    const row = (label: string): string[] => (r.stdout.split("\n").find((l) => l.startsWith(label)) ?? "").slice(label.length).trim().split(/\s+/);
    expect(row("synapse updates (billed)")).toEqual(["1,080", "13.50"]);
    expect(row("updates that changed a weight")).toEqual(["0", "0.00"]);
    expect(r.stdout).toMatch(/^note: projection "in_out": rule s-tllr reads the third factor m/m);
    const report = JSON.parse(readFileSync(join(dir, "out", "report.json"), "utf8"));
    expect(report.totals.counters.synUpdates).toBe(1080);
    expect(report.learning.weightChanges).toBe(0);
    const w = JSON.parse(readFileSync(join(dir, "out", "weights.json"), "utf8")) as WeightsFile;
    expect(w.projections.in_out.weights).toEqual((model.projections[0].dense.weights as number[][]).flat());
    // --json: the summary carries the learning block with the note.
    const j = await cli("run", path, "--arch", "loihi", "--out", join(dir, "json"), "--json");
    // Two notes: no learning signal m, and no Ψ drive for the graded traces (no psi in the rule, no --psi).
    expect(JSON.parse(j.stdout).learning.notes).toHaveLength(2);
    // The pair-STDP example changes weights and prints no note.
    const pair = await cli("run", MODEL, "--arch", "loihi", "--out", join(dir, "pair"));
    expect(pair.stdout).toContain("updates that changed a weight");
    expect(pair.stdout).not.toMatch(/^note:/m);
  });

  it("writes no weights.json for a model without plastic projections", async () => {
    const out = tmp();
    const r = await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--out", out, "--quiet");
    expect(r.code).toBe(0);
    expect(existsSync(join(out, "spikes.json"))).toBe(true);
    expect(existsSync(join(out, "weights.json"))).toBe(false);
  });
});
