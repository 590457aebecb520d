/**
 * Command-line usage problems exit 2 with one line pointing at the command's help; option values are
 * checked against their limits as they are parsed (before anything runs), naming the option.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { tinyModel } from "../helpers/tiny-model.ts";
import { MAX_RUN_THREADS, MAX_RUN_TICKS, TIMINGS } from "../../cli/option-limits.ts";
import { TIMING_MODEL_NAMES } from "../../chip/timing/types.ts";
import { MAX_THREADS } from "../../chip/sim/threads/team.ts";

const DEMO = "examples/demo/ei-small.net.json";
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-usage-"));

describe("usage errors exit 2", () => {
  it("the option parser's own errors read as coded lines: `aerchip: E_CLI_OPTION: …`, then the pointer to --help", async () => {
    const cases = [
      ["run", DEMO, "--arch", "generic", "--out", tmp(), "--steps", "abc"],
      ["run", DEMO, "--arch", "generic", "--out", tmp(), "--no-such-option"],
      ["nosuch"],
      ["sweep", "--bogus"],
    ];
    for (const args of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines[0], args.join(" ")).toMatch(/^aerchip: E_CLI_OPTION: /);
      expect(lines, args.join(" ")).toHaveLength(2);
      expect(lines[1]).toMatch(/^\(run `aerchip( \w+)? --help` for the (options|commands)\)$/);
    }
  });

  it("no command: prints the help and exits 2", async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: aerchip/);
  });

  it("help for an unknown command exits 2; help for a known one exits 0", async () => {
    const bad = await cli("help", "nosuch");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown command 'nosuch'/);
    expect((await cli("help", "run")).code).toBe(0);
  });

  it("E_CLI_OPTION errors (report without a report file, --json without --out, --remap on a JSON model, compare --arch ,) exit 2", async () => {
    const dir = tmp();
    const model = tinyModel(dir);
    const cases = [
      ["report", "--format", "md"],
      ["report", join(dir, "report.json"), "--format", "md", "--json"],
      ["run", model, "--arch", "generic", "--out", join(dir, "o1"), "--remap"],
      ["compare", model, "--arch", ",", "--out", join(dir, "o2")],
    ];
    for (const args of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/E_CLI_OPTION/);
    }
  });

  it("learn --resume without --checkpoint is a usage error naming --resume (exit 2), before any training", async () => {
    const out = join(tmp(), "o");
    const r = await cli("learn", "mnist", "--neurons", "2", "--train", "5", "--test", "5", "--arch", "loihi", "--out", out, "--resume");
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/E_CLI_OPTION/);
    expect(r.stderr).toContain("field: --resume");
    expect(existsSync(out)).toBe(false);
  });

  it("learn: bad --set and --weight-bits values, and malformed --weight-bits lists, are usage errors naming the option (exit 2), before any training (audit s22b #8)", async () => {
    const cases: Array<[string, string]> = [
      ["--set", "tickMs=NaN"], ["--set", "bogus=1"], ["--set", "tickMs=0"], ["--set", "minSpikes=auto"],
      ["--weight-bits", "0"], ["--weight-bits", "8,8"], ["--weight-bits", ","], ["--weight-bits", "8,,4"],
    ];
    for (const [flag, value] of cases) {
      const out = join(tmp(), "o");
      const r = await cli("learn", "mnist", "--neurons", "2", "--train", "3", "--test", "2", "--arch", "loihi", "--out", out, "--quiet", flag, value);
      expect(r.code, `${flag} ${value}: ${r.stderr}`).toBe(2);
      expect(r.stderr, `${flag} ${value}`).toMatch(/^aerchip: E_CLI_OPTION: /);
      expect(r.stderr, `${flag} ${value}`).toContain(`field: ${flag}`);
      expect(existsSync(out), `${flag} ${value}`).toBe(false);
    }
  });

  it("a bad option value prints one line of help pointer, not the whole help", async () => {
    const r = await cli("run", DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--steps", "abc");
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(r.stderr).toMatch(/aerchip run --help/);
    expect(r.stderr).not.toMatch(/Usage:/);
  });
});

describe("option limits, checked at parsing", () => {
  it("whole-number options take decimal digits only: hex, exponent and binary forms are refused naming the option and the value (audit s24a #8)", async () => {
    const cases: string[][] = [
      ["run", DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--steps", "0x10"],
      ["run", DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--steps", "1e1"],
      ["run", DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--seed", "0x10"],
      ["run", DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--threads", "0b10"],
      ["run", DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--steps", " 5"],
      ["run", DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--event-count", "1e2"],
      ["run", DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--crop", "0,0,0x10,4"],
      ["sweep", "examples/sweep/weight-bits.yaml", "--out", join(tmp(), "o"), "--threads", "2e0"],
    ];
    for (const args of cases) {
      const r = await cli(...args);
      const flag = args.find((a) => a.startsWith("--") && a !== "--arch" && a !== "--out") ?? "";
      const value = args[args.indexOf(flag) + 1];
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/^aerchip: E_CLI_OPTION: /);
      expect(r.stderr, args.join(" ")).toContain(flag);
      expect(r.stderr, args.join(" ")).toContain(value.split(",").find((v) => /x/.test(v)) ?? value);
    }
    // Decimal digits still work, leading zeros included.
    const ok = await cli("run", DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--steps", "010", "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("--threads above 64 is refused at once, naming --threads (no workers started)", async () => {
    expect(MAX_RUN_THREADS).toBe(MAX_THREADS);
    expect([...TIMINGS]).toEqual([...TIMING_MODEL_NAMES]);
    for (const n of ["65", "1000"]) {
      const t0 = performance.now();
      const r = await cli("run", DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--threads", n);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--threads/);
      expect(r.stderr).toMatch(/64/);
      expect(performance.now() - t0).toBeLessThan(2000);
    }
  });

  it("sweep --threads above 64 is refused as run's is (exit 2, naming --threads and the limit)", async () => {
    const out = join(tmp(), "o");
    const r = await cli("sweep", "examples/sweep/weight-bits.yaml", "--out", out, "--threads", "65");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^aerchip: E_CLI_OPTION: .*--threads must be a whole number from 1 to 64/);
    expect(existsSync(out)).toBe(false);
  });

  it("--core-neurons beyond the spec format's limit, or the chip's crossbar, names --core-neurons and the limit", async () => {
    const big = await cli("run", DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--core-neurons", "99999999");
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/--core-neurons/);
    expect(big.stderr).toMatch(/1048576/);
    const crossbar = await cli("compile", DEMO, "--arch", "truenorth", "--out", join(tmp(), "o"), "--core-neurons", "9999");
    expect(crossbar.code).toBe(2);
    expect(crossbar.stderr).toMatch(/E_CLI_OPTION/);
    expect(crossbar.stderr).toMatch(/field: --core-neurons/);
    expect(crossbar.stderr).toMatch(/at most 256/);
  });

  it("--log-level must be a pino level, named as --log-level", async () => {
    const r = await cli("run", DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--log-level", "nonsense");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--log-level/);
  });

  it("--seed is limited to 0..4294967295 on run, compile, compare and learn", async () => {
    const dir = tmp();
    for (const seed of ["4294967296", "9007199254740993", "1e20"]) {
      for (const args of [
        ["run", DEMO, "--arch", "generic", "--out", join(dir, "r")],
        ["compile", DEMO, "--arch", "generic", "--out", join(dir, "c")],
        ["compare", DEMO, "--arch", "generic", "--out", join(dir, "k")],
        ["learn", "mnist", "--neurons", "2", "--train", "5", "--test", "5", "--arch", "loihi", "--out", join(dir, "l")],
      ]) {
        const r = await cli(...args, "--seed", seed);
        expect(r.code, `${args[0]} --seed ${seed}`).toBe(2);
        expect(r.stderr).toMatch(/--seed/);
      }
    }
    expect(existsSync(join(dir, "r"))).toBe(false);
    const ok = await cli("compile", DEMO, "--arch", "generic", "--out", join(dir, "c"), "--seed", "4294967295", "--placement", "random", "--quiet");
    expect(ok.code).toBe(0);
  });

  it(`--steps above ${MAX_RUN_TICKS} is refused on run and compare`, async () => {
    for (const cmd of ["run", "compare"]) {
      const r = await cli(cmd, DEMO, "--arch", "generic", "--out", join(tmp(), "o"), "--steps", String(MAX_RUN_TICKS + 1));
      expect(r.code, cmd).toBe(2);
      expect(r.stderr).toMatch(/--steps/);
    }
  });

  it("learn: --trace-bits is limited to 1..24 and --neurons to 6400", async () => {
    const base = ["learn", "mnist", "--train", "5", "--test", "5", "--arch", "loihi", "--out", join(tmp(), "l"), "--quiet"];
    const bits = await cli(...base, "--neurons", "2", "--trace-bits", "25");
    expect(bits.code).toBe(2);
    expect(bits.stderr).toMatch(/--trace-bits/);
    const neurons = await cli(...base, "--neurons", "6401");
    expect(neurons.code).toBe(2);
    expect(neurons.stderr).toMatch(/--neurons/);
  });
});
