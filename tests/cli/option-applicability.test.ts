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
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-apply-"));

async function refused(flag: string, ...args: string[]): Promise<void> {
  const r = await cli(...args);
  expect(r.code, args.join(" ")).toBe(2);
  expect(r.stderr, args.join(" ")).toMatch(/E_CLI_OPTION/);
  expect(r.stderr, args.join(" ")).toContain(`field: ${flag}`);
}

describe("options that do not apply", () => {
  it("compare/run/compile: NIR-only options on a JSON model, --sanafe-arch and --remap off SANA-FE", async () => {
    const dir = tmp();
    const model = tinyModel(dir);
    const input = join(dir, "in.npy");
    writeFileSync(input, "not read");
    const out = join(dir, "o");
    // `run` and `compare` take --input on a JSON model (it replaces an input population's spikes: tests/cli/model-input.test.ts);
    // an option that reads the input file is refused without one.
    await refused("--tick-us", "compare", model, "--arch", "generic", "--out", out, "--tick-us", "500");
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
    // --input-population applies to every program: a NIR graph's Input node (tests/cli/nir-several-inputs.test.ts), a JSON
    // model's input population (tests/cli/program-inputs.test.ts); a name that is no input population is refused, naming them.
    await refused("--input-population", ...base, "--input-population", "out");
    const pop = await cli(...base, "--input-population", "out");
    expect(pop.stderr).toContain("--input-population out: that population is not an input population");
    expect(pop.stderr).toContain("hint: give one of its input populations: in");
    expect((await cli(...base, "--input-population", "in", "--quiet")).code).toBe(0);
    const ok = await cli(...base, "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
    // compare refuses a program before any option (audit s23x #11): the first refusal gives the real reason,
    // not an --input text about a JSON model's spikes whose hint (drop --input) leads to a second refusal.
    for (const extra of [["--input", events], ["--input", events, "--tick-us", "500"], []]) {
      const c = await cli("compare", program, "--arch", "generic", "--out", join(dir, "cmp"), ...extra);
      expect(c.code, extra.join(" ")).toBe(2);
      expect(c.stderr).toContain("E_CLI_OPTION: a compiled program is bound to the chip it was compiled for, so it cannot be compared across chips");
      expect(c.stderr).not.toContain("JSON model");
      expect(existsSync(join(dir, "cmp"))).toBe(false);
    }
  });

  it("--tick-us on a JSON model (run, compare): refused, unless run writes --packets-out (its stream's tick length)", async () => {
    const dir = tmp();
    const model = tinyModel(dir);
    const out = join(dir, "o");
    await refused("--tick-us", "run", model, "--arch", "generic", "--out", out, "--tick-us", "5");
    await refused("--tick-us", "compare", model, "--arch", "generic", "--out", out, "--tick-us", "5");
    expect(existsSync(out)).toBe(false);
    const packets = join(dir, "p.aer");
    const ok = await cli("run", model, "--arch", "generic", "--out", out, "--tick-us", "5", "--packets-out", packets, "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(packets)).toBe(true);
  });

  it("--tick-us on a compiled program with an event --input is accepted (it bins the events)", async () => {
    const dir = tmp();
    expect((await cli("compile", tinyModel(dir), "--arch", "generic", "--out", join(dir, "c"), "--quiet")).code).toBe(0);
    const events = join(dir, "ev.csv");
    writeFileSync(events, "x,y,t,p\n0,0,0,1\n1,0,5000,0\n");
    const ok = await cli("run", join(dir, "c", "program.aerprog"), "--arch", "generic", "--input", events, "--tick-us", "500", "--out", join(dir, "o"), "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
  });

  it.skipIf(!HAS_SHARED)(`a SANA-FE network without --remap: --placement, --seed and --tick-us are refused; --remap and --core-neurons are not ${SKIP_MSG}`, async () => {
    const dir = tmp();
    const net = sharedPath("fixtures/sanafe/example_snn.yaml");
    const arch = sharedPath("fixtures/sanafe/example_chip.yaml");
    const out = join(dir, "o");
    const base = ["run", net, "--arch", arch, "--out", out];
    for (const [flag, value] of [["--placement", "random"], ["--seed", "5"]]) {
      const r = await cli(...base, flag, value);
      expect(r.code, flag).toBe(2);
      expect(r.stderr).toMatch(/E_CLI_OPTION/);
      expect(r.stderr).toContain(`field: ${flag}`);
      expect(r.stderr).toContain("add --remap to map with aerchip's compiler");
      await refused(flag, "compare", net, "--arch", "generic", "--out", out, flag, value);
    }
    await refused("--tick-us", ...base, "--tick-us", "5");
    await refused("--tick-us", ...base, "--remap", "--tick-us", "5");
    expect(existsSync(out)).toBe(false);
    // With --remap aerchip's compiler places the network: both options apply.
    const remapped = await cli(...base, "--remap", "--placement", "random", "--seed", "5", "--quiet");
    expect(remapped.code, remapped.stderr).toBe(0);
    // --core-neurons changes the chip the file's mapping is checked against (and its report): accepted.
    const cn = await cli("run", net, "--arch", arch, "--out", join(dir, "cn"), "--core-neurons", "1", "--quiet");
    expect(cn.stderr).not.toMatch(/E_CLI_OPTION/);
  });

  it("convert: --counts and --tick-us without --spikes", async () => {
    const dir = tmp();
    const events = join(dir, "ev.csv");
    writeFileSync(events, "x,y,t,p\n0,0,0,1\n1,0,5000,0\n");
    await refused("--counts", "convert", events, join(dir, "a.npy"), "--counts");
    await refused("--tick-us", "convert", events, join(dir, "b.csv"), "--tick-us", "10");
    expect((await cli("convert", events, join(dir, "c.npy"), "--spikes", "--counts", "--tick-us", "10", "--quiet")).code).toBe(0);
  });

  it("sweep: `input:` with a SANA-FE network is a field error (its spikes come from its own input neurons; JSON models take it)", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "net.yaml"), "network: {}\n");
    writeFileSync(join(dir, "in.npy"), "x");
    const file = join(dir, "s.yaml");
    writeFileSync(file, "model: net.yaml\ninput: in.npy\narch: generic\n");
    const r = await cli("sweep", file, "--out", join(dir, "o"), "--threads", "1");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_SWEEP_FIELD/);
    expect(r.stderr).toContain("field: input");
  });
});
