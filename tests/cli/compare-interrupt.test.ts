/**
 * Ctrl-C / SIGTERM during `aerchip compare` stops the whole comparison (exit 130 / 143), whichever chip
 * was running: an interrupt is not a row of the table. Nothing is left behind: no compare.* table, and
 * no chip directory this comparison created (also one whose run had finished).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cli } from "../helpers/cli.ts";
import { clearInterrupt, requestInterrupt, throwIfInterrupted } from "../../cli/interrupt.ts";

// A chip named "interrupt-after" stands for a chip whose run finishes just as the signal arrives; one named
// "interrupt-during" for a chip whose run is stopped by it (as the simulation's yield would stop it).
vi.mock("../../cli/commands/run.ts", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../cli/commands/run.ts")>();
  return {
    ...orig,
    runCommand: async (model: string, o: Parameters<typeof orig.runCommand>[1]) => {
      if (o.out.endsWith("interrupt-during")) {
        requestInterrupt("SIGTERM");
        throwIfInterrupted("while simulating, at tick 1 of 50");
      }
      await orig.runCommand(model, { ...o, arch: o.arch.startsWith("interrupt-") ? "generic" : o.arch });
      if (o.out.endsWith("interrupt-after")) requestInterrupt();
    },
  };
});
vi.mock("../../cli/load-arch.ts", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../cli/load-arch.ts")>();
  return { ...orig, loadArch: (arch: string, opts?: Parameters<typeof orig.loadArch>[1]) => orig.loadArch(arch.startsWith("interrupt-") ? "generic" : arch, opts) };
});

const DEMO = "examples/demo/ei-small.net.json";
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-cmpint-"));
const filesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

describe("an interrupted compare", () => {
  afterEach(() => clearInterrupt());

  it("SIGINT while the first chip simulates: exit 130, no table, no chip directory", async () => {
    const out = join(tmp(), "out");
    const timer = setTimeout(() => requestInterrupt(), 0);
    const r = await cli("compare", DEMO, "--arch", "generic,loihi", "--out", out, "--steps", "500000", "--quiet");
    clearTimeout(timer);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/E_INTERRUPTED/);
    expect(r.stderr).not.toMatch(/E_COMPARE_NOTHING_RAN/);
    expect(existsSync(out)).toBe(false);
  });

  it("an interrupt during the second chip: exit 143 after SIGTERM; the first chip's finished directory is removed too", async () => {
    const out = join(tmp(), "out");
    const r = await cli("compare", DEMO, "--arch", "generic,interrupt-during", "--out", out, "--steps", "50", "--quiet");
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/E_INTERRUPTED: interrupted by SIGTERM/);
    expect(filesIn(out)).toEqual([]);
  });

  it("a signal that arrives between two chips stops before the next chip; the existing --out directory stays, empty", async () => {
    const out = tmp();
    const r = await cli("compare", DEMO, "--arch", "interrupt-after,loihi", "--out", out, "--steps", "50", "--quiet");
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/E_INTERRUPTED/);
    expect(existsSync(out)).toBe(true);
    expect(filesIn(out)).toEqual([]);
  });

  it("a chip directory that existed before is not removed: it keeps the finished chip's complete run, and the hint says so", async () => {
    const out = tmp();
    mkdirSync(join(out, "interrupt-after"));
    const r = await cli("compare", DEMO, "--arch", "interrupt-after,loihi", "--out", out, "--steps", "50", "--quiet");
    expect(r.code, r.stderr).toBe(130);
    expect(filesIn(out)).toEqual(["interrupt-after"]);
    expect(filesIn(join(out, "interrupt-after")).sort()).toEqual(["aerchip-outputs.json", "mapping.json", "report.json", "spikes.json"]);
    expect(r.stderr).toMatch(/hint: .*interrupt-after/);
  });

  it("without an interrupt the same comparison writes its tables and chip directories", async () => {
    const out = join(tmp(), "out");
    const r = await cli("compare", DEMO, "--arch", "generic,loihi", "--out", out, "--steps", "50", "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(filesIn(out).sort()).toEqual(["aerchip-outputs.json", "compare.csv", "compare.json", "compare.md", "compare.svg", "compare.tex", "generic", "loihi"]);
  });
});
