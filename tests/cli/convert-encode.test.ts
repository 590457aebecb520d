/**
 * `aerchip convert IN.npy OUT.npy --encode poisson|bernoulli|first-spike --steps T` (audit-papers §19): a static
 * tensor becomes the dense T × shape 0/1 tensor that `run --input` reads, byte-identical for the same seed,
 * with options refused where they cannot apply (E_CLI_OPTION, exit 2) and bad values named (exit 1); and an
 * end-to-end convert → compile → run whose synaptic operations are the encoded spikes × fan-out.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { readNpy, writeNpy } from "../../core/io/npy.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-encode-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const out = (name: string): string => join(TMP, name);
const codeOf = (stderr: string): string | undefined => /\b(E_[A-Z0-9_]+):/.exec(stderr)?.[1];

/** 8 inputs of shape [2, 2, 2] (the tensor's shape) onto two neurons: A0 (weight 1) fires on every input spike. */
const MODEL = {
  format: "aerchip-model-1", name: "encoded-in", steps: 1,
  populations: [
    { name: "in", kind: "input", size: 8, shape: [2, 2, 2] },
    { name: "A", kind: "neuron", size: 2, vThreshold: 1, reset: "zero" },
  ],
  projections: [{ name: "in_A", pre: "in", post: "A", dense: { weights: Array.from({ length: 8 }, () => [1, 0.5]), delays: 1 } }],
};

beforeAll(() => {
  // Pixel values 0..7 (of --max-value 7) in C order; 8-bit, as images are.
  writeFileSync(out("img.npy"), writeNpy(Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7), [2, 2, 2]));
  writeFileSync(out("model.json"), JSON.stringify(MODEL));
});

describe("convert --encode", () => {
  it("writes a bool T × shape tensor; same seed → same bytes, another seed → other bytes", async () => {
    const args = (name: string, seed: string) => ["convert", out("img.npy"), out(name), "--encode", "poisson", "--steps", "50", "--max-rate-hz", "200", "--max-value", "7", "--tick-us", "1000", "--seed", seed, "--quiet"];
    for (const [name, seed] of [["a.npy", "4"], ["b.npy", "4"], ["c.npy", "5"]]) {
      const r = await cli(...args(name, seed));
      expect(r.code, r.stderr).toBe(0);
    }
    const a = readNpy(readFileSync(out("a.npy")));
    if (a.kind !== "plain") throw new Error("expected a plain tensor");
    expect([a.dtype.kind, a.shape]).toEqual(["b", [50, 2, 2, 2]]);
    expect(readFileSync(out("b.npy")).equals(readFileSync(out("a.npy")))).toBe(true);
    expect(readFileSync(out("c.npy")).equals(readFileSync(out("a.npy")))).toBe(false);
    // Pixel 0 (value 0) never fires.
    for (let t = 0; t < 50; t++) expect(a.data[t * 8]).toBe(0);
  });

  it("bernoulli and first-spike write too; --json reports the count", async () => {
    const b = await cli("convert", out("img.npy"), out("bern.csv"), "--encode", "bernoulli", "--steps", "20", "--max-value", "7", "--seed", "1", "--json");
    expect(b.code, b.stderr).toBe(0);
    const info = JSON.parse(b.stdout) as { count: number; steps: number; shape: number[]; encoding: string };
    expect([info.encoding, info.steps, info.shape]).toEqual(["bernoulli", 20, [2, 2, 2]]);
    expect(readFileSync(out("bern.csv"), "utf8").trim().split("\n").length - 1).toBe(info.count);
    const f = await cli("convert", out("img.npy"), out("ttfs.csv"), "--encode", "first-spike", "--steps", "8", "--max-value", "7", "--quiet");
    expect(f.code, f.stderr).toBe(0);
    // Channel i fires at round((1 − i/7) · 7) = 7 − i; channel 0 (value 0) never.
    expect(readFileSync(out("ttfs.csv"), "utf8")).toBe("tick,neuron\n0,7\n1,6\n2,5\n3,4\n4,3\n5,2\n6,1\n");
  });

  it("refuses options that cannot apply, and requires those that must be given (E_CLI_OPTION, exit 2)", async () => {
    const img = out("img.npy");
    const cases: Array<[string[], string]> = [
      [["--encode", "poisson", "--max-rate-hz", "10"], "--steps"],
      [["--encode", "poisson", "--steps", "5"], "--max-rate-hz"],
      [["--encode", "poisson", "--steps", "5", "--max-rate-hz", "2000"], "--max-rate-hz"], // 2 spikes per 1 ms tick
      [["--encode", "bernoulli", "--steps", "5", "--max-rate-hz", "10"], "--max-rate-hz"],
      [["--encode", "bernoulli", "--steps", "5", "--tick-us", "10"], "--tick-us"], // a .npy records no tick
      [["--encode", "first-spike", "--steps", "5", "--seed", "1"], "--seed"],
      [["--encode", "bernoulli", "--steps", "5", "--spikes"], "--spikes"],
      [["--encode", "bernoulli", "--steps", "5", "--counts"], "--counts"],
      [["--encode", "bernoulli", "--steps", "5", "--sample", "0"], "--sample"],
      [["--steps", "5"], "--steps"],
      [["--seed", "5"], "--seed"],
      [["--max-value", "5"], "--max-value"],
    ];
    for (const [extra, field] of cases) {
      const r = await cli("convert", img, out("x.npy"), ...extra);
      expect([r.code, codeOf(r.stderr)], `${extra.join(" ")}: ${r.stderr}`).toEqual([2, "E_CLI_OPTION"]);
      expect(r.stderr).toContain(`field: ${field}`);
    }
    // Parse-time limits.
    for (const extra of [["--steps", "0"], ["--steps", "1000001"], ["--max-value", "-1"], ["--max-value", "nan"], ["--encode", "gauss"], ["--max-rate-hz", "2e6"]]) {
      const r = await cli("convert", img, out("x.npy"), "--encode", "poisson", "--steps", "5", "--max-rate-hz", "10", ...extra);
      expect([r.code, codeOf(r.stderr)], extra.join(" ")).toEqual([2, "E_CLI_OPTION"]);
    }
    // --tick-us is recorded by an .aer stream, so it applies there.
    expect((await cli("convert", img, out("x.aer"), "--encode", "bernoulli", "--steps", "5", "--max-value", "7", "--tick-us", "10", "--quiet")).code).toBe(0);
  });

  it("values outside [0, --max-value], NaN and an event list are input errors naming the file (exit 1)", async () => {
    writeFileSync(out("nan.npy"), writeNpy(Float32Array.of(0.5, Number.NaN), [2]));
    writeFileSync(out("neg.npy"), writeNpy(Float64Array.of(0.5, -1), [1, 2]));
    for (const [file, extra] of [["nan.npy", []], ["neg.npy", []], ["img.npy", ["--max-value", "6"]]] as const) {
      const r = await cli("convert", out(file), out("x.npy"), "--encode", "bernoulli", "--steps", "5", ...extra);
      expect([r.code, codeOf(r.stderr)], r.stderr).toEqual([1, "E_ENCODE_VALUE"]);
      expect(r.stderr).toContain(`file: ${out(file)}`);
    }
    writeFileSync(out("ev.csv"), "x,y,t,p\n0,0,0,1\n");
    expect((await cli("convert", out("ev.csv"), out("ev.npy"), "--quiet")).code).toBe(0);
    const r = await cli("convert", out("ev.npy"), out("x.npy"), "--encode", "bernoulli", "--steps", "5");
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_ENCODE_DTYPE"]);
  });

  it("--help says first-spike gives x = 0 no spike, as the encoder does (audit s24c #7)", async () => {
    const h = await cli("convert", "--help");
    expect(h.code, h.stderr).toBe(0);
    const text = h.stdout.replace(/\s+/g, " ");
    expect(text).toContain("first-spike (one spike at round((1 − x/max)(T − 1)) where x > 0, none where x = 0)");
    // img.npy holds 0..7 of --max-value 7: input 0 (x = 0) never spikes, input i at tick 7 − i.
    expect((await cli("convert", out("img.npy"), out("ttfs-help.npy"), "--encode", "first-spike", "--steps", "8", "--max-value", "7", "--quiet")).code).toBe(0);
    const a = readNpy(readFileSync(out("ttfs-help.npy")));
    const v = a.kind === "plain" ? Array.from(a.data as ArrayLike<number>, Number) : [];
    const spikesOf = (i: number): number[] => [0, 1, 2, 3, 4, 5, 6, 7].filter((t) => v[t * 8 + i] !== 0);
    expect(spikesOf(0)).toEqual([]);
    for (let i = 1; i < 8; i++) expect(spikesOf(i)).toEqual([7 - i]);
  });

  it("a dense output beyond 2^31 − 1 elements is refused before encoding (E_EVENTS_RANGE, field --steps)", async () => {
    writeFileSync(out("wide.npy"), writeNpy(new Uint8Array(5000), [5000]));
    const r = await cli("convert", out("wide.npy"), out("x.npy"), "--encode", "bernoulli", "--steps", "1000000");
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_EVENTS_RANGE"]);
    expect(r.stderr).toContain("field: --steps");
  });

  it("end to end: the encoded tensor drives `run --input`; synaptic ops = input spikes × 2 targets", async () => {
    const c = await cli("compile", out("model.json"), "--arch", "generic", "--out", out("prog"), "--quiet");
    expect(c.code, c.stderr).toBe(0);
    // first-spike: input i at tick 7 − i (i = 1..7); A0 (weight 1, delay 1) fires one tick later, at 1..7.
    expect((await cli("convert", out("img.npy"), out("ttfs.npy"), "--encode", "first-spike", "--steps", "8", "--max-value", "7", "--quiet")).code).toBe(0);
    const r = await cli("run", join(out("prog"), "program.aerprog"), "--arch", "generic", "--input", out("ttfs.npy"), "--out", out("run-ttfs"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const spikes = JSON.parse(readFileSync(join(out("run-ttfs"), "spikes.json"), "utf8")) as { steps: number; spikes: { A: Array<[number, number]> } };
    expect(spikes.steps).toBe(8);
    expect(spikes.spikes.A.filter(([, n]) => n === 0).map(([t]) => t)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const report = JSON.parse(readFileSync(join(out("run-ttfs"), "report.json"), "utf8")) as { totals: { counters: { synOps: number } } };
    expect(report.totals.counters.synOps).toBe(7 * 2);

    const p = await cli("convert", out("img.npy"), out("pois.npy"), "--encode", "poisson", "--steps", "40", "--max-rate-hz", "250", "--max-value", "7", "--seed", "2", "--json");
    expect(p.code, p.stderr).toBe(0);
    const { count } = JSON.parse(p.stdout) as { count: number };
    expect(count).toBeGreaterThan(0);
    const rp = await cli("run", join(out("prog"), "program.aerprog"), "--arch", "generic", "--input", out("pois.npy"), "--out", out("run-pois"), "--quiet");
    expect(rp.code, rp.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(join(out("run-pois"), "report.json"), "utf8")) as { steps: number; totals: { counters: { synOps: number } } };
    expect(rep.totals.counters.synOps).toBe(count * 2);
  });
});
