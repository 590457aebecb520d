/**
 * `aerchip train --checkpoint FILE [--checkpoint-every N] [--resume]` (cli/train-checkpoint.ts): a training
 * stopped by Ctrl-C at any sample boundary and resumed writes the bytes of an uninterrupted one — weights.json
 * (with θ) and train.json (counts, energy, learning curve) — including the stochastic-rounding streams of a
 * rule with quantised weights; a checkpoint of another training is refused, naming the difference.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { trainCommand, type TrainCommandOptions } from "../../cli/commands/train.ts";
import { clearInterrupt, requestInterrupt } from "../../cli/interrupt.ts";
import { cli } from "../helpers/cli.ts";
import { sample } from "../helpers/pair-samples.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-train-ck-"));
// stdp-pair with 5-bit stochastically rounded weights (the rounding streams carry on) and an adaptive threshold.
const base = JSON.parse(readFileSync("examples/learning/stdp-pair.model.json", "utf8")) as { populations: Array<Record<string, unknown>>; projections: Array<Record<string, unknown> & { learning: Record<string, unknown> }> };
const MODEL = join(dir, "model.json");
writeFileSync(MODEL, JSON.stringify({
  ...base,
  populations: base.populations.map((p) => (p.name === "out" ? { ...p, thetaPlus: 0.2, thetaDecay: 0.98 } : p)),
  projections: base.projections.map((p) => ({ ...p, learning: { ...p.learning, rounding: "stochastic", weightBits: 5 } })),
}));
const data = join(dir, "data");
mkdirSync(data, { recursive: true });
sample(join(data, "a.npy"), 24, (t, i) => i < 2 && t % 3 === 0);
sample(join(data, "b.npy"), 24, (t, i) => (i >= 2 && t % 2 === 0) || (i === 0 && t % 5 === 0));
sample(join(data, "c.npy"), 30, (t, i) => t % 4 === i % 2);
const test = join(dir, "test");
for (const k of [0, 1, 2]) {
  mkdirSync(join(test, String(k)), { recursive: true });
  sample(join(test, String(k), "x.npy"), 20, (t, i) => (t + k) % 3 === i % 3);
}

/** stdp-pair as shipped (nearest rounding): a train pass equals these chained runs (tests/cli/train.test.ts). */
const PAIR = "examples/learning/stdp-pair.model.json";

/** The reports of `run PAIR --input s --timing simple` over samples a, b, c, each from the previous run's weights. */
async function chainedRuns(arch: string, tag: string, model = PAIR): Promise<Array<{ totals: { simulatedTimeNs: number; energyPj: { static: number; synapse: number } } }>> {
  const reports = [];
  let prev: string | undefined;
  for (const s of ["a", "b", "c"]) {
    const o = join(dir, `${tag}-run-${s}`);
    const rr = await cli("run", model, "--input", join(data, `${s}.npy`), "--arch", arch, "--timing", "simple", "--out", o, "--quiet", ...(prev === undefined ? [] : ["--initial-weights", prev]));
    expect(rr.code, rr.stderr).toBe(0);
    reports.push(JSON.parse(readFileSync(join(o, "report.json"), "utf8")));
    prev = join(o, "weights.json");
  }
  return reports;
}

const opts = (out: string, extra: Partial<TrainCommandOptions> = {}): TrainCommandOptions => ({
  input: data, arch: "loihi", out, passes: 3, seed: 4, placement: "greedy", evalEvery: 4, test, json: false, quiet: true, ...extra,
});

describe("train --checkpoint / --resume", () => {
  it("a training interrupted after any sample and resumed writes the uninterrupted training's weights.json and train.json, byte for byte", async () => {
    const whole = join(dir, "whole");
    await trainCommand(MODEL, opts(whole));
    for (const stopAt of [1, 4, 8]) {
      const out = join(dir, `stop${stopAt}`);
      const ck = join(dir, `stop${stopAt}.ckpt`);
      try {
        await expect(trainCommand(MODEL, opts(out, { checkpoint: ck, checkpointEvery: 2, afterSample: (done) => { if (done === stopAt) requestInterrupt(); } }))).rejects.toMatchObject({ code: "E_INTERRUPTED" });
        clearInterrupt();
        expect(existsSync(join(out, "weights.json"))).toBe(false);
        await trainCommand(MODEL, opts(out, { checkpoint: ck, checkpointEvery: 2, resume: true }));
      } finally {
        clearInterrupt();
      }
      for (const f of ["weights.json", "train.json", "curve.csv"]) expect(readFileSync(join(out, f), "utf8"), `${f} after a stop at ${stopAt}`).toBe(readFileSync(join(whole, f), "utf8"));
    }
  }, 120_000);

  it("refuses an existing checkpoint without --resume, --resume without one, and a checkpoint of another training", async () => {
    const ck = join(dir, "stop4.ckpt");
    const exists = await cli("train", MODEL, "--input", data, "--arch", "loihi", "--passes", "3", "--seed", "4", "--checkpoint", ck, "--out", join(dir, "x1"));
    expect(exists.code).toBe(1);
    expect(exists.stderr).toMatch(/E_CHECKPOINT_EXISTS/);
    const alone = await cli("train", MODEL, "--input", data, "--arch", "loihi", "--resume", "--out", join(dir, "x2"));
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--resume needs --checkpoint/);
    // Another seed: another training.
    const other = await cli("train", MODEL, "--input", data, "--arch", "loihi", "--passes", "3", "--seed", "5", "--eval-every", "4", "--test", test, "--checkpoint", ck, "--resume", "--out", join(dir, "x3"));
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/E_CHECKPOINT_MISMATCH.*fingerprint\.provenance\.options\.seed: 4 in the checkpoint, 5 now/);
  }, 60_000);
});

describe("train --timing (static energy per training sample)", () => {
  it("each sample's time equals its run's (run --timing simple, chained with --initial-weights), static = power × cores × time; resumable; rerun", async () => {
    const out = join(dir, "timed");
    const r = await cli("train", PAIR, "--input", data, "--arch", "loihi", "--timing", "simple", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, "train.json"), "utf8")) as { perTrainingSample: { simulatedTimeNs: number; timeBasis: string; energyPj: { dynamic: number; static: number; total: number } }; provenance: { options: Record<string, unknown> } };
    const runs = await chainedRuns("loihi", "timed");
    const time = runs.reduce((x, r) => x + r.totals.simulatedTimeNs, 0);
    const stat = runs.reduce((x, r) => x + r.totals.energyPj.static, 0);
    const p = doc.perTrainingSample;
    expect(p.simulatedTimeNs).toBeCloseTo(time / 3, 9);
    expect(p.energyPj.static).toBeCloseTo(stat / 3, 9);
    expect(p.energyPj.total).toBeCloseTo(p.energyPj.dynamic + p.energyPj.static, 9);
    expect(p.timeBasis).toBe("modelled-latency");
    expect(doc.provenance.options.timing).toBe("simple");
    const again = await cli("rerun", join(out, "train.json"), "--out", join(dir, "timed-again"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    // Without --timing: dynamic energy only, as before.
    const plain = await cli("train", PAIR, "--input", data, "--arch", "loihi", "--out", join(dir, "untimed"), "--quiet");
    expect(plain.code).toBe(0);
    const untimed = JSON.parse(readFileSync(join(dir, "untimed", "train.json"), "utf8")) as { perTrainingSample: Record<string, unknown> & { energyPj: Record<string, unknown> } };
    expect(untimed.perTrainingSample.simulatedTimeNs).toBeUndefined();
    expect(untimed.perTrainingSample.energyPj.static).toBeUndefined();
  }, 60_000);

  it("--tick-period-us paces each tick at max(period, latency): 1 ms ticks give ticks × 1 ms per sample on the tick-period basis; needs --timing", async () => {
    const out = join(dir, "paced");
    const r = await cli("train", PAIR, "--input", data, "--arch", "loihi", "--timing", "simple", "--tick-period-us", "1000", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/loihi\* \(loihi with ticks paced at 1000 µs: --tick-period-us\)/);
    const doc = JSON.parse(readFileSync(join(out, "train.json"), "utf8")) as { schedule: { ticks: number }; perTrainingSample: { simulatedTimeNs: number; timeBasis: string; tickPeriodNs: number } };
    // The samples' 24 + 24 + 30 ticks, each far shorter than 1 ms on loihi: 78 ms over 3 samples.
    expect(doc.schedule.ticks).toBe(78);
    expect(doc.perTrainingSample).toMatchObject({ simulatedTimeNs: (78 * 1e6) / 3, timeBasis: "tick-period", tickPeriodNs: 1e6 });
    const again = await cli("rerun", join(out, "train.json"), "--out", join(dir, "paced-again"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    const bare = await cli("train", PAIR, "--input", data, "--arch", "loihi", "--tick-period-us", "1000", "--out", join(dir, "paced-no"));
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/--tick-period-us paces each sample's modelled time/);
  }, 60_000);

  it("a timed training resumes to the uninterrupted bytes", async () => {
    const whole = join(dir, "timed-whole");
    await trainCommand(MODEL, opts(whole, { timing: "simple" }));
    const out = join(dir, "timed-stop");
    const ck = join(dir, "timed.ckpt");
    try {
      await expect(trainCommand(MODEL, opts(out, { timing: "simple", checkpoint: ck, afterSample: (done) => { if (done === 5) requestInterrupt(); } }))).rejects.toMatchObject({ code: "E_INTERRUPTED" });
      clearInterrupt();
      await trainCommand(MODEL, opts(out, { timing: "simple", checkpoint: ck, resume: true }));
    } finally {
      clearInterrupt();
    }
    for (const f of ["weights.json", "train.json"]) expect(readFileSync(join(out, f), "utf8"), f).toBe(readFileSync(join(whole, f), "utf8"));
  }, 60_000);
});

describe("train checkpoints refuse what they cannot trust (audit s20c F2–F4)", () => {
  it("an edited position or a missing part is E_CHECKPOINT_CORRUPT; a checkpoint path that cannot be written fails before training", async () => {
    const out = join(dir, "edit");
    const ck = join(dir, "edit.ckpt");
    try {
      await expect(trainCommand(MODEL, opts(out, { checkpoint: ck, afterSample: (done) => { if (done === 3) requestInterrupt(); } }))).rejects.toMatchObject({ code: "E_INTERRUPTED" });
    } finally {
      clearInterrupt();
    }
    const doc = JSON.parse(readFileSync(ck, "utf8"));
    const variants: Array<[string, unknown]> = [["done", { ...doc, progress: { ...doc.progress, done: 1 } }], ["null progress", { ...doc, progress: null }], ["null array", { ...doc, arrays: { ...doc.arrays, synWeight: null } }], ["null curve point", { ...doc, progress: { ...doc.progress, curve: [null] } }], ["null", null]];
    for (const [what, v] of variants) {
      const bad = join(dir, "edit-bad.ckpt");
      writeFileSync(bad, JSON.stringify(v));
      await expect(trainCommand(MODEL, opts(join(dir, "edit-out"), { checkpoint: bad, resume: true })), what).rejects.toMatchObject({ code: "E_CHECKPOINT_CORRUPT" });
    }
    // A checkpoint under a regular file: refused at once (E_WRITE_MKDIR), not at the first save.
    writeFileSync(join(dir, "a-file"), "x");
    await expect(trainCommand(MODEL, opts(join(dir, "nowhere"), { checkpoint: join(dir, "a-file", "sub", "t.ckpt") }))).rejects.toMatchObject({ code: "E_WRITE_MKDIR" });
    // A directory that does not exist yet is made at the first save.
    await trainCommand(MODEL, opts(join(dir, "made"), { checkpoint: join(dir, "new-dir", "t.ckpt"), checkpointEvery: 1 }));
    expect(existsSync(join(dir, "new-dir", "t.ckpt"))).toBe(true);
  }, 60_000);
});

describe("train on a compute-in-memory chip (audit s20c F1)", () => {
  it("bills the crossbar reads (synapse energy) and their latency, as the chained runs' reports do", async () => {
    const out = join(dir, "cim");
    // The cim-crossbar neuron has no refractory counter (precision.refractoryBits 0, E_CORE_REFRACTORY_EXCEEDED):
    // the pair model with a refractory period of 0 instead of 1.
    const pair0 = join(dir, "stdp-pair-r0.model.json");
    const text = readFileSync(PAIR, "utf8");
    expect(text).toContain('"refractoryTicks": 1');
    writeFileSync(pair0, text.replace('"refractoryTicks": 1', '"refractoryTicks": 0'));
    // Nor on-chip learning (precision.traceBits 0, E_LEARNING_NO_ENGINE): the crossbar billing of a training is
    // checked on a hypothetical compute-in-memory chip with learning traces, the preset otherwise unchanged.
    const cim = JSON.parse(readFileSync("chip/spec/presets/cim-crossbar.json", "utf8")) as { name: string; precision: { traceBits: number }; fieldSources: Record<string, string> };
    cim.name = "cim-crossbar-learning";
    cim.precision.traceBits = 8;
    cim.fieldSources["precision.traceBits"] = "test: a hypothetical compute-in-memory chip with 8-bit learning traces";
    const cimSpec = join(dir, "cim-crossbar-learning.json");
    writeFileSync(cimSpec, JSON.stringify(cim));
    const r = await cli("train", pair0, "--input", data, "--arch", cimSpec, "--timing", "simple", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const p = (JSON.parse(readFileSync(join(out, "train.json"), "utf8")) as { perTrainingSample: { simulatedTimeNs: number; energyPj: { synapse: number; dynamic: number } } }).perTrainingSample;
    const runs = await chainedRuns(cimSpec, "cim", pair0);
    const synapse = runs.reduce((x, r) => x + r.totals.energyPj.synapse, 0);
    const time = runs.reduce((x, r) => x + r.totals.simulatedTimeNs, 0);
    expect(p.energyPj.synapse).toBeGreaterThan(0);
    expect(p.energyPj.synapse).toBeCloseTo(synapse / 3, 6);
    expect(p.simulatedTimeNs).toBeCloseTo(time / 3, 6);
  }, 60_000);
});
