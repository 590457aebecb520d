/**
 * A plastic compiled program (`run PROGRAM.aerprog`) writes weights.json as a model run does, and takes
 * `--initial-weights` by projection name (cli/program-initial-weights.ts): the program's run then equals the
 * JSON model's run from the same weights file, byte for byte (audit s24b #3). A fixed-point program refuses
 * the file, saying how to chain instead.
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

    // A fixed-point program (of the model without its rule) refuses, naming the way to chain.
    const frozen = { ...m, projections: m.projections.map((p: Record<string, unknown>) => ({ ...p, learning: undefined })) };
    const fm = join(dir, "frozen.model.json");
    writeFileSync(fm, JSON.stringify(frozen));
    expect((await cli("compile", fm, "--arch", "loihi", "--precision", "fixed", "--out", join(dir, "cf"), "--quiet")).code).toBe(0);
    const fx = await cli("run", join(dir, "cf", "program.aerprog"), "--arch", "loihi", "--input", input, "--out", join(dir, "fx"), "--initial-weights", join(dir, "p1", "weights.json"));
    expect(fx.code).toBe(1);
    expect(fx.stderr).toMatch(/E_WEIGHTS_PROGRAM.*fixed-point/);
    expect(fx.stderr).toMatch(/aerchip run MODEL\.json --initial-weights/);
  }, 120_000);
});
