/**
 * A command's outputs are written all or none (audit-cli 2.2, 2.7, 3, 4): an output that cannot be
 * written leaves none of the others and no new --out directory; --out under /proc fails with
 * E_WRITE_MKDIR instead of hanging; an empty --out is refused (it wrote into the current directory).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { distIsFresh } from "../helpers/dist.ts";
import { HAS_SHARED, sharedPath } from "../helpers/shared.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-output-sets-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = resolve("examples/learning/stdp-pair.model.json");
const BIN = resolve("bin/aerchip.js");
const DIST_OK = distIsFresh("cli/main.js", ["cli", "core", "chip", "compiler"]);

function codeOf(stderr: string): string | undefined {
  return /\b(E_[A-Z0-9_]+):/.exec(stderr)?.[1];
}

describe("output sets", () => {
  it("run: a later output that cannot be written (mapping.json is a directory) leaves no other output", async () => {
    const out = join(TMP, "orun-p");
    mkdirSync(join(out, "mapping.json"), { recursive: true });
    const r = await cli("run", MODEL, "--arch", "generic", "--out", out, "--quiet");
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_WRITE_FAILED"]);
    expect(readdirSync(out)).toEqual(["mapping.json"]);
  });

  it("compile: the same, program.aerprog is not left", async () => {
    const out = join(TMP, "oc-p");
    mkdirSync(join(out, "mapping.json"), { recursive: true });
    const r = await cli("compile", MODEL, "--arch", "generic", "--out", out, "--quiet");
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_WRITE_FAILED"]);
    expect(readdirSync(out)).toEqual(["mapping.json"]);
  });

  it("run --packets-out under a regular file: E_WRITE_FAILED (not E_INTERNAL) and no empty --out left", async () => {
    const afile = join(TMP, "afile");
    writeFileSync(afile, "xx");
    const out = join(TMP, "oo-pk");
    const r = await cli("run", MODEL, "--arch", "generic", "--out", out, "--packets-out", join(afile, "p.aer"), "--quiet");
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_WRITE_FAILED"]);
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(!HAS_SHARED)("run of a NIR model: the same (no spikes.json, .npy or report.json left)", async () => {
    const dir = sharedPath("fixtures/nir/snntorch");
    const out = join(TMP, "onir-p");
    mkdirSync(join(out, "mapping.json"), { recursive: true });
    const r = await cli("run", join(dir, "snntorch_dense_lif.nir"), "--input", join(dir, "snntorch_dense_lif.input.npy"), "--arch", "generic", "--out", out, "--quiet");
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_WRITE_FAILED"]);
    expect(readdirSync(out)).toEqual(["mapping.json"]);
  });

  it("sweep: sweep.svg being a directory leaves none of the tables", async () => {
    const sw = join(TMP, "one.yaml");
    writeFileSync(sw, `model: ${MODEL}\narch: generic\nsteps: 20\n`);
    const out = join(TMP, "osw");
    mkdirSync(join(out, "sweep.svg"), { recursive: true });
    const r = await cli("sweep", sw, "--out", out, "--threads", "1", "--quiet");
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_WRITE_FAILED"]);
    expect(readdirSync(out).sort()).toEqual(["points", "sweep.svg"]);
  });
});

describe.skipIf(!DIST_OK)("--out paths (spawned in a scratch directory; needs an up-to-date dist/)", () => {
  const run = (args: string[], cwd: string): { status: number | null; stderr: string } => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 30_000 });
    return { status: r.status, stderr: r.stderr };
  };

  it("--out under /proc fails with E_WRITE_MKDIR instead of hanging", () => {
    const r = run(["run", MODEL, "--arch", "generic", "--out", "/proc/self/aerchip-out", "--quiet"], TMP);
    expect([r.status, codeOf(r.stderr)]).toEqual([1, "E_WRITE_MKDIR"]);
  });

  it("an empty --out is refused, naming --out, and nothing is written to the current directory", () => {
    const cwd = join(TMP, "cwd");
    mkdirSync(cwd);
    for (const cmd of ["run", "compile"]) {
      const r = run([cmd, MODEL, "--arch", "generic", "--out", "", "--quiet"], cwd);
      expect(codeOf(r.stderr)).toBe("E_CLI_OPTION");
      expect(r.stderr).toMatch(/--out/);
      expect(r.status).toBe(2);
    }
    expect(readdirSync(cwd)).toEqual([]);
  });
});
