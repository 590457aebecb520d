/**
 * Options that cannot change anything for the model given are refused with E_CLI_OPTION (exit 2) naming
 * the option, instead of being silently ignored; defaults (--placement greedy, --precision float) are
 * not mistaken for the user's choice.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { tinyModel } from "../helpers/tiny-model.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-apply-"));

async function refused(flag: string, ...args: string[]): Promise<void> {
  const r = await cli(...args);
  expect(r.code, args.join(" ")).toBe(2);
  expect(r.stderr, args.join(" ")).toMatch(/E_CLI_OPTION/);
  expect(r.stderr, args.join(" ")).toContain(`field: ${flag}`);
}

describe("options that do not apply", () => {
  it("run/compare/compile: --input and NIR-only options on a JSON model, --sanafe-arch and --remap off SANA-FE", async () => {
    const dir = tmp();
    const model = tinyModel(dir);
    const input = join(dir, "in.npy");
    writeFileSync(input, "not read");
    const out = join(dir, "o");
    await refused("--input", "run", model, "--arch", "generic", "--out", out, "--input", input);
    await refused("--input", "compare", model, "--arch", "generic", "--out", out, "--input", input);
    for (const [flag, ...value] of [["--reset", "subtract"], ["--if-multi-spike"], ["--dt", "0.001"], ["--recurrent-bias", "snntorch"], ["--lenient"]]) {
      await refused(flag, "run", model, "--arch", "generic", "--out", out, flag, ...value);
      await refused(flag, "compile", model, "--arch", "generic", "--out", out, flag, ...value);
    }
    await refused("--sanafe-arch", "run", model, "--arch", "generic", "--out", out, "--sanafe-arch", "nonexist.yaml");
    await refused("--dt", "learning-cost", "--dt", "0.001");
    expect(existsSync(out)).toBe(false);
    // Defaults are not the user's choice: the plain run works.
    const ok = await cli("run", model, "--arch", "generic", "--out", out, "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("run of a compiled program: compile options are refused, naming the flag", async () => {
    const dir = tmp();
    expect((await cli("compile", tinyModel(dir), "--arch", "generic", "--out", join(dir, "c"), "--quiet")).code).toBe(0);
    const program = join(dir, "c", "program.aerprog");
    const events = join(dir, "ev.csv");
    writeFileSync(events, "x,y,t,p\n0,0,0,1\n1,0,5000,0\n");
    const base = ["run", program, "--arch", "generic", "--input", events, "--out", join(dir, "o")];
    await refused("--core-neurons", ...base, "--core-neurons", "1");
    await refused("--precision", ...base, "--precision", "fixed");
    await refused("--placement", ...base, "--placement", "random");
    await refused("--remap", ...base, "--remap");
    await refused("--seed", ...base, "--seed", "3");
    const ok = await cli(...base, "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("convert: --counts and --tick-us without --spikes", async () => {
    const dir = tmp();
    const events = join(dir, "ev.csv");
    writeFileSync(events, "x,y,t,p\n0,0,0,1\n1,0,5000,0\n");
    await refused("--counts", "convert", events, join(dir, "a.npy"), "--counts");
    await refused("--tick-us", "convert", events, join(dir, "b.csv"), "--tick-us", "10");
    expect((await cli("convert", events, join(dir, "c.npy"), "--spikes", "--counts", "--tick-us", "10", "--quiet")).code).toBe(0);
  });

  it("sweep: `input:` with a JSON model is a field error", async () => {
    const dir = tmp();
    tinyModel(dir);
    writeFileSync(join(dir, "in.npy"), "x");
    const file = join(dir, "s.yaml");
    writeFileSync(file, "model: tiny.json\ninput: in.npy\narch: generic\n");
    const r = await cli("sweep", file, "--out", join(dir, "o"), "--threads", "1");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_SWEEP_FIELD/);
    expect(r.stderr).toContain("field: input");
  });
});
