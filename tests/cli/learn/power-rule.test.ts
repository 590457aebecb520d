/**
 * `aerchip learn … --set mu=0.2` (audit s19 G9): the paper's rule Δw = nuPost·(x_pre − xTar)·(1 − w)^μ in
 * place of the released code's. μ = 0.2 is a power of the weight: float weights run on any chip, quantised
 * ones (--weight-bits) on a chip whose learning engine has a lookup table (generic), and Loihi refuses them
 * before any width runs, saying what to change.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeNpy } from "../../../core/io/npy.ts";
import { createRng } from "../../../core/rng.ts";
import { cli } from "../../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-learn-mu-"));
const N = 12, D = 8;
const X = join(dir, "X.npy");
{
  const rng = createRng(5);
  const x = new Float32Array(N * D);
  for (let s = 0; s < N; s++) for (let f = 0; f < D; f++) x[s * D + f] = (Math.floor(f / 4) === s % 2 ? 3 : 0.2) + rng.nextFloat();
  writeFileSync(X, writeNpy(x, [N, D]));
}
const learn = (out: string, ...extra: string[]) => cli("learn", X, "--neurons", "3", "--set", "mu=0.2,presentMs=60,rateHzPerPixel=1000", ...extra, "--out", join(dir, out), "--quiet");
const doc = (out: string) => JSON.parse(readFileSync(join(dir, out, "learn-features.json"), "utf8"));

describe("learn --set mu=0.2 (Diehl & Cook's power-law rule)", () => {
  it("runs with float weights on loihi and records the rule and μ", async () => {
    const r = await learn("loihi-float", "--arch", "loihi");
    expect(r.code, r.stderr).toBe(0);
    const d = doc("loihi-float");
    expect(d.rule).toBe("diehl-cook-2015");
    expect(d.params.mu).toBe(0.2);
    expect(d.paramsProvenance.mu).toMatch(/^user: --set mu=0.2 /);
    expect(d.results[0].opsPerTrainSample.ruleEvaluations).toBeGreaterThan(0);
  }, 30_000);

  it("runs quantised weights on a chip with a learning lookup table (generic)", async () => {
    const r = await learn("generic-8", "--arch", "generic", "--weight-bits", "8");
    expect(r.code, r.stderr).toBe(0);
    expect(doc("generic-8").results.map((x: { weightBits: unknown }) => x.weightBits)).toEqual(["float", 8]);
  }, 30_000);

  it("refuses quantised weights on loihi before running anything (E_LEARNING_CLOSED_FORM, exit 1)", async () => {
    const r = await learn("loihi-8", "--arch", "loihi", "--weight-bits", "8");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_LEARNING_CLOSED_FORM/);
    expect(r.stderr).toMatch(/--weight-bits|generic/);
    expect(existsSync(join(dir, "loihi-8"))).toBe(false);
  });

  it("the default (mu = -1) keeps the released code's rule", async () => {
    const r = await cli("learn", X, "--neurons", "3", "--arch", "loihi", "--set", "presentMs=60", "--out", join(dir, "code"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(doc("code").rule).toBe("diehl-cook-2015-code");
    expect(doc("code").params.mu).toBe(-1);
  }, 30_000);

  it("refuses --set keys the chosen rule does not read (audit s20a F3): xTar without mu, nuPre / post traces with mu", async () => {
    const noMu = await cli("learn", X, "--neurons", "3", "--arch", "loihi", "--set", "presentMs=60,xTar=0.1", "--out", join(dir, "xtar"));
    expect(noMu.code).toBe(2);
    expect(noMu.stderr).toMatch(/E_CLI_OPTION: --set xTar: the released code's rule/);
    const withMu = await learn("nupre", "--arch", "loihi", "--set", "nuPre=0.5,post2TauMs=30");
    expect(withMu.code).toBe(2);
    expect(withMu.stderr).toMatch(/--set nuPre, post2TauMs: the paper's rule/);
    // xTar with mu is read: accepted.
    const ok = await learn("xtar-mu", "--arch", "loihi", "--set", "xTar=0.3");
    expect(ok.code, ok.stderr).toBe(0);
    expect(doc("xtar-mu").params.xTar).toBe(0.3);
  }, 30_000);
});
