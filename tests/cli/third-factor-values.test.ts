/**
 * report.json `learning.thirdFactorValues` (chip/sim/learning.ts noteThirdFactor): the non-zero values of the third
 * factor m delivered to the learning engine, (post neuron, tick) pairs on the rule's learning ticks, per rule and Σ.
 * Hand-counted cases on examples/learning/stllr.model.json (4 inputs → 3 outputs, 80 ticks).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { writeNpy } from "../../core/io/npy.ts";
import type { RunReport } from "../../chip/report/run-report.ts";

const STLLR = "examples/learning/stllr.model.json";
const TMP = mkdtempSync(join(tmpdir(), "aerchip-tf-values-"));

async function learning(model: string, name: string, ...extra: string[]): Promise<NonNullable<RunReport["learning"]>> {
  const out = join(TMP, name);
  const res = await cli("run", model, "--arch", "loihi", "--out", out, "--quiet", ...extra);
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport).learning!;
}

describe("learning.thirdFactorValues", () => {
  it("delta.npy (m ≠ 0 on all 80 ticks, to every neuron): 3 outputs × 80 ticks = 240", async () => {
    const l = await learning(STLLR, "delta", "--third-factor", "examples/learning/delta.npy");
    expect(l.thirdFactorValues).toBe(240);
    expect(l.rules.map((r) => r.thirdFactorValues)).toEqual([240]);
  });

  it("a per-neuron file: m[t, 1] = 2.5 on every 4th tick (20) and m[5, :] = −1 (3; tick 5 is not a 4th) = 23", async () => {
    const m = new Float64Array(80 * 3);
    for (let t = 0; t < 80; t += 4) m[t * 3 + 1] = 2.5;
    for (let i = 0; i < 3; i++) m[5 * 3 + i] = -1;
    const file = join(TMP, "pattern.npy");
    writeFileSync(file, writeNpy(m, [80, 3]));
    const l = await learning(STLLR, "pattern", "--third-factor", `out=${file}`);
    expect(l.thirdFactorValues).toBe(23);
  });

  it("only the rule's learning ticks count: learnFromTick 40 gives 3 × 40 = 120; no signal gives 0", async () => {
    const model = JSON.parse(readFileSync(STLLR, "utf8"));
    model.projections[0].learning.learnFromTick = 40;
    const file = join(TMP, "stllr40.model.json");
    writeFileSync(file, JSON.stringify(model));
    expect((await learning(file, "from40", "--third-factor", "examples/learning/delta.npy")).thirdFactorValues).toBe(120);
    expect((await learning(STLLR, "none")).thirdFactorValues).toBe(0);
  });

  it("an epoch-batched rule reads m at its epochs' last ticks only (audit s20b F1): m ≠ 0 everywhere else counts 0, and says so", async () => {
    // reward-STDP with epochTicks 4: it evaluates, and reads m, on ticks t ≡ 3 (mod 4) only.
    const model = JSON.parse(readFileSync("examples/learning/reward-stdp.model.json", "utf8"));
    model.projections[0].learning = { ...model.projections[0].learning, epochTicks: 4 };
    const file = join(TMP, "ep4.model.json");
    writeFileSync(file, JSON.stringify(model));
    const off = new Float64Array(80).map((_, t) => ((t + 1) % 4 === 0 ? 0 : 1));
    const offFile = join(TMP, "m-off-epoch.npy");
    writeFileSync(offFile, writeNpy(off, [80]));
    const l = await learning(file, "ep4-off", "--third-factor", offFile);
    expect(l.thirdFactorValues).toBe(0);
    expect(l.weightChanges).toBe(0);
    expect(l.notes.join(" ")).toMatch(/third factor m/);
    // m = 1 only at the 20 epoch ends: 20 ticks × 3 post neurons.
    const on = new Float64Array(80).map((_, t) => ((t + 1) % 4 === 0 ? 1 : 0));
    const onFile = join(TMP, "m-on-epoch.npy");
    writeFileSync(onFile, writeNpy(on, [80]));
    expect((await learning(file, "ep4-on", "--third-factor", onFile)).thirdFactorValues).toBe(60);
  });

  it("a rule that does not read m: null per rule, 0 in all", async () => {
    const l = await learning("examples/learning/stdp-pair.model.json", "pair");
    expect(l.rules.map((r) => r.thirdFactorValues)).toEqual([null]);
    expect(l.thirdFactorValues).toBe(0);
  });
});
