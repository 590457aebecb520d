/**
 * docs/reports.md: `--json` prints one machine-readable line on stdout for every command, including the
 * two that only print (presets, learning-cost; they printed 1,955 and 257 pretty-printed lines), and
 * those two have no `--quiet` (refused with exit 2, as documented). `aerchip presets` counts cores in
 * the singular for one ("odin: 1 core", not "1 cores").
 */
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

function oneJsonLine(stdout: string): unknown {
  expect(stdout.endsWith("\n")).toBe(true);
  expect(stdout.trimEnd().split("\n")).toHaveLength(1);
  return JSON.parse(stdout);
}

describe("--json is one line; presets and learning-cost have no --quiet", () => {
  it("presets --json", async () => {
    const r = await cli("presets", "--json");
    expect(r.code).toBe(0);
    expect(Array.isArray(oneJsonLine(r.stdout))).toBe(true);
  });

  it("learning-cost --json, with its default tables and with --table all", async () => {
    for (const args of [[], ["--table", "all"]]) {
      const r = await cli("learning-cost", ...args, "--json");
      expect(r.code).toBe(0);
      expect(Array.isArray(oneJsonLine(r.stdout))).toBe(true);
    }
  });

  it("--quiet is refused on presets and learning-cost (exit 2)", async () => {
    for (const cmd of ["presets", "learning-cost"]) {
      const r = await cli(cmd, "--quiet");
      expect(r.code, cmd).toBe(2);
    }
  });

  it("presets says '1 core' and '1×1 tile'", async () => {
    const r = await cli("presets");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\b1 cores\b/);
    expect(r.stdout).not.toMatch(/1×1 tiles/);
    expect(r.stdout).toMatch(/^odin: 1 core \(1×1 tile × 1 core per tile\)/m);
  });
});
