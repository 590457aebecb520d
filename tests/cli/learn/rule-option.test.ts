/**
 * `aerchip learn … --rule <name>` (papers.md §7 requirement 10: Diehl & Cook's rule variants by name): each name
 * trains with its own rule; the names that existed as `--set mu` codes give the same file byte for byte; the
 * exponential weight-dependence rule (diehl-cook-2015-exp, new to learn) runs in float and at quantised widths on a
 * chip with a learning lookup table and is refused on Loihi with the model format's code; conflicts and a
 * checkpoint of another rule are refused naming both.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../../helpers/cli.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { loadMnistSplit } from "../../../cli/learn/mnist-data.ts";
import { DiehlCookRun } from "../../../cli/learn/diehl-cook.ts";
import { LEARN_RULE_NAMES, muForRule } from "../../../cli/learn/rule-names.ts";
import { paramSetSourcesForRule } from "../../../cli/learn/param-sets.ts";
import { learnCommand, type LearnCommandOptions } from "../../../cli/commands/learn.ts";
import { encodeCheckpoint, readCheckpoint } from "../../../cli/learn/checkpoint.ts";
import { clearInterrupt, requestInterrupt } from "../../../cli/interrupt.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-learn-rule-"));
const SMALL = ["--neurons", "10", "--train", "20", "--test", "10", "--label-samples", "10"];
const learn = (out: string, ...extra: string[]) => cli("learn", "mnist", ...SMALL, ...extra, "--out", join(dir, out), "--quiet");
const bytes = (out: string) => readFileSync(join(dir, out, "learn-mnist.json"));
const doc = (out: string) => JSON.parse(bytes(out).toString("utf8"));

describe("learn --rule", () => {
  it("each name selects its rule: the weights differ from every other rule's after a few samples", () => {
    const data = loadMnistSplit(20, 10, 1);
    const weights = LEARN_RULE_NAMES.map((name) => {
      const exp = name === "diehl-cook-2015-exp";
      const { mu } = muForRule(name, {}, -1);
      const run = new DiehlCookRun(loadPreset("loihi"), data, { neurons: 10, seed: 1, params: { ...(mu === undefined ? {} : { mu }), ...(exp ? { beta: 3 } : {}) } });
      for (let s = 0; s < 3; s++) run.step();
      return { name, w: run.snapshot().weights };
    });
    for (let a = 0; a < weights.length; a++) {
      for (let b = a + 1; b < weights.length; b++) {
        expect(Buffer.from(weights[a].w.buffer).equals(Buffer.from(weights[b].w.buffer)), `${weights[a].name} vs ${weights[b].name}`).toBe(false);
      }
    }
  }, 60_000);

  it("the power-law name with mu=x is --set mu=x byte for byte, and the default set's own rule by name is the default run", async () => {
    expect((await learn("mu", "--arch", "loihi", "--set", "mu=0.5")).code).toBe(0);
    const named = await learn("named", "--arch", "loihi", "--rule", "diehl-cook-2015", "--set", "mu=0.5");
    expect(named.code, named.stderr).toBe(0);
    expect(bytes("named").equals(bytes("mu"))).toBe(true);
    expect(doc("named").rule).toBe("diehl-cook-2015");
    expect((await learn("plain", "--arch", "loihi")).code).toBe(0);
    expect((await learn("code", "--arch", "loihi", "--rule", "diehl-cook-2015-code")).code).toBe(0);
    expect(bytes("code").equals(bytes("plain"))).toBe(true);
    // Without a mu, the power-law name runs the paper's μ 0.2 and says where the value came from.
    expect((await learn("paper", "--arch", "loihi", "--rule", "diehl-cook-2015")).code).toBe(0);
    expect(doc("paper").params.mu).toBe(0.2);
    expect(doc("paper").paramsProvenance.mu).toMatch(/^user: --rule diehl-cook-2015: mu 0\.2, .*exp_ee_post/);
    // No beta in the files of rules that do not read it (as before it existed).
    expect(doc("paper").params.beta).toBeUndefined();
  }, 120_000);

  it("the exponential rule runs in float and 8-bit on generic, recorded in learn-mnist.json and the summary, billing the engine's updates", async () => {
    const r = await cli("learn", "mnist", ...SMALL, "--arch", "generic", "--rule", "diehl-cook-2015-exp", "--set", "beta=3", "--weight-bits", "8", "--out", join(dir, "exp"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rule diehl-cook-2015-exp, beta 3\) on generic/);
    const d = doc("exp");
    expect(d.rule).toBe("diehl-cook-2015-exp");
    expect(d.params.mu).toBe(-3);
    expect(d.params.beta).toBe(3);
    expect(d.paramsProvenance.beta).toMatch(/^user: --set beta=3 /);
    expect(d.paramsProvenance.mu).toMatch(/^user: --rule diehl-cook-2015-exp: mu -3/);
    expect(d.paramsProvenance.nuPre).toMatch(/^aerchip: unused by the paper's exponential rule/);
    expect(d.paramsProvenance.xTar).toMatch(/and by the exponential rule \(mu -3\) as its x_tar$/);
    expect(d.results.map((x: { weightBits: unknown }) => x.weightBits)).toEqual(["float", 8]);
    const perUpdate = loadPreset("generic").costs.energySynUpdatePj!.value;
    for (const res of d.results) {
      // The engine's updates (post spikes only: the rule has no pre-spike term), each one evaluation of dw, billed at energySynUpdatePj.
      expect(res.opsPerTrainSample.synUpdates).toBeGreaterThan(0);
      expect(res.opsPerTrainSample.ruleEvaluations).toBe(res.opsPerTrainSample.synUpdates);
      expect(res.learningEnergyPerTrainSamplePj).toBeCloseTo(res.opsPerTrainSample.synUpdates * perUpdate, 6);
    }
    // On top of BindsNET's set, the texts of the rule's parameters follow the exponential rule too.
    const bn = paramSetSourcesForRule("bindsnet-eth-mnist", -3);
    expect(bn.nuPost.source).toMatch(/the exponential rule's η/);
    expect(bn.nuPre.source).toMatch(/^aerchip: unused by the paper's exponential rule/);
    expect(bn.beta.source).toMatch(/^aerchip: 0 = unset; only the exponential rule/);
    expect(bn.xTar.source).toMatch(/and by the exponential rule \(mu -3\) as its x_tar/);
    // The power-law rule at the same β-free settings trains other weights, so other counts.
    expect((await learn("exp-vs-paper", "--arch", "generic", "--rule", "diehl-cook-2015", "--weight-bits", "8")).code).toBe(0);
    expect(doc("exp-vs-paper").results[1].opsPerTrainSample.synUpdates).not.toBe(d.results[1].opsPerTrainSample.synUpdates);
  }, 120_000);

  it("refuses a missing beta, a conflicting mu, beta under another rule (E_CLI_OPTION), and quantised exponentials on loihi (E_LEARNING_CLOSED_FORM) before writing", async () => {
    const noBeta = await learn("nobeta", "--arch", "loihi", "--rule", "diehl-cook-2015-exp");
    expect(noBeta.code).toBe(2);
    expect(noBeta.stderr).toMatch(/E_CLI_OPTION: .*needs beta > 0/);
    const conflict = await learn("conflict", "--arch", "loihi", "--rule", "pair-stdp", "--set", "mu=0.2");
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/E_CLI_OPTION: --rule pair-stdp and --set mu=0.2 choose different rules/);
    const conflictExp = await learn("conflict-exp", "--arch", "loihi", "--rule", "diehl-cook-2015-exp", "--set", "mu=0.2,beta=3");
    expect(conflictExp.code).toBe(2);
    const stray = await learn("stray", "--arch", "loihi", "--rule", "diehl-cook-2015", "--set", "beta=3");
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/--set beta: .* does not read it/);
    const loihi8 = await learn("loihi8", "--arch", "loihi", "--rule", "diehl-cook-2015-exp", "--set", "beta=3", "--weight-bits", "8");
    expect(loihi8.code).toBe(1);
    expect(loihi8.stderr).toMatch(/E_LEARNING_CLOSED_FORM: the exponential rule/);
    for (const out of ["nobeta", "conflict", "conflict-exp", "stray", "loihi8"]) expect(existsSync(join(dir, out))).toBe(false);
  }, 60_000);

  it("a checkpoint of another rule is refused naming both; one written before the fingerprint held the rule still resumes", async () => {
    const base: LearnCommandOptions = {
      neurons: 10, train: 20, test: 10, labelSamples: 10, arch: "loihi", rounding: "stochastic", passes: 1, seed: 1, json: false, quiet: true,
      out: join(dir, "ck-out"), checkpoint: join(dir, "run.ckpt"), checkpointEvery: 5, rule: "diehl-cook-2015-exp", set: "beta=3",
    };
    clearInterrupt();
    try {
      await expect(learnCommand("mnist", { ...base, afterSample: (_w, done) => { if (done === 6) requestInterrupt(); } })).rejects.toMatchObject({ code: "E_INTERRUPTED" });
    } finally {
      clearInterrupt();
    }
    const { rule: _r, set: _s, ...noRule } = base;
    const err = await learnCommand("mnist", { ...noRule, resume: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "E_CHECKPOINT_MISMATCH", field: "--rule" });
    expect((err as Error).message).toMatch(/written with the rule diehl-cook-2015-exp; this run has the rule diehl-cook-2015-code/);
    expect(await learnCommand("mnist", { ...base, rule: "diehl-cook-2015", set: undefined, resume: true }).catch((e: unknown) => e)).toMatchObject({ code: "E_CHECKPOINT_MISMATCH", field: "--rule" });
    // A checkpoint from before `rule` was in the fingerprint: its params.mu (-3) names the rule, so it resumes.
    const ck = readCheckpoint(base.checkpoint!);
    const { rule: savedRule, ...olderFingerprint } = ck.fingerprint;
    expect(savedRule).toBe("diehl-cook-2015-exp");
    writeFileSync(base.checkpoint!, encodeCheckpoint({ ...ck, fingerprint: olderFingerprint }));
    await learnCommand("mnist", { ...base, resume: true });
    expect(doc("ck-out").rule).toBe("diehl-cook-2015-exp");
  }, 120_000);

  it("learn --help lists the rules", async () => {
    const h = await cli("learn", "--help");
    for (const name of LEARN_RULE_NAMES) expect(h.stdout).toContain(name);
    expect(h.stdout).toMatch(/--rule <name>/);
  });
});
