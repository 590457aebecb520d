/**
 * A NIR file with a damaged compressed chunk (audit-cli 1.1): libhdf5 fails to read the dataset, and h5wasm
 * used to hand back uninitialised memory, so aerchip ran on garbage and exited 0 after printing libhdf5's
 * 28-line error stack. Now the read fails with E_NIR_HDF5 naming the file and the dataset, exit 1, no
 * output, and nothing of libhdf5's stack reaches stderr (it is printed only with AERCHIP_DEBUG=1).
 *
 * The damaged file is made here (tests/compiler/frontends/nir/damaged-h5.ts); the audit's own reproduction
 * (snntorch_dense_lif.nir with byte 10287 changed) runs too when ../shared is present.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeNpy } from "../../core/io/npy.ts";
import { DAMAGED_DATASET, writeDamagedChunkNir } from "../compiler/frontends/nir/damaged-h5.ts";
import { cli } from "../helpers/cli.ts";
import { distIsFresh } from "../helpers/dist.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

const DIR = mkdtempSync(join(tmpdir(), "aerchip-nir-damaged-"));
const VALID = join(DIR, "valid.nir");
const DAMAGED = join(DIR, "damaged.nir");
const INPUT = join(DIR, "in.npy");
const DIST_OK = distIsFresh("cli/main.js", ["cli", "core", "chip", "compiler"]);
const BIN = resolve("bin/aerchip.js");

/** stderr holds aerchip's own error and nothing else: `aerchip: CODE: …` and its hint line. */
function onlyAerchipError(stderr: string, code: string): void {
  expect(stderr).not.toContain("HDF5-DIAG");
  const lines = stderr.trimEnd().split("\n");
  expect(lines[0].startsWith(`aerchip: ${code}: `)).toBe(true);
  expect(lines.slice(1).every((l) => l.startsWith("  hint: "))).toBe(true);
  expect(lines.length).toBeLessThanOrEqual(2);
}

beforeAll(async () => {
  await writeDamagedChunkNir(VALID, DAMAGED);
  writeFileSync(INPUT, writeNpy(new Float64Array(10 * 64).fill(1), [10, 64]));
});

describe("a NIR file whose compressed dataset libhdf5 cannot read", () => {
  it("the undamaged file runs (the damage, not the layout, makes the difference)", async () => {
    const out = join(DIR, "ok");
    const r = await cli("run", VALID, "--input", INPUT, "--arch", "generic", "--out", out, "--quiet");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  for (const command of ["run", "compile"]) {
    it(`${command}: E_NIR_HDF5 naming the file and the dataset, exit 1, no output directory`, async () => {
      const out = join(DIR, `out-${command}`);
      const args = command === "run" ? ["--input", INPUT] : [];
      const r = await cli(command, DAMAGED, ...args, "--arch", "generic", "--out", out, "--quiet");
      expect(r.code).toBe(1);
      onlyAerchipError(r.stderr, "E_NIR_HDF5");
      expect(r.stderr).toContain(DAMAGED);
      expect(r.stderr).toContain(`field: ${DAMAGED_DATASET}`);
      expect(r.stderr).toMatch(/damaged/);
      expect(existsSync(out)).toBe(false);
    });
  }
});

// libhdf5 wrote its stack straight to file descriptor 2, past the in-process capture: only a child process sees it.
describe.skipIf(!DIST_OK)("the same, spawned (whole stderr; needs an up-to-date dist/)", () => {
  it("stderr is aerchip's error line and hint only", () => {
    const out = join(DIR, "out-spawned");
    const r = spawnSync(process.execPath, [BIN, "run", DAMAGED, "--input", INPUT, "--arch", "generic", "--out", out, "--json"], { encoding: "utf8", env: { ...process.env, AERCHIP_DEBUG: "" } });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    onlyAerchipError(r.stderr, "E_NIR_HDF5");
    expect(r.stderr).toContain(DAMAGED_DATASET);
    expect(existsSync(out)).toBe(false);
  });

  it("with AERCHIP_DEBUG=1 libhdf5's stack is still shown, before the same coded error", () => {
    const r = spawnSync(process.execPath, [BIN, "compile", DAMAGED, "--arch", "generic", "--out", join(DIR, "out-debug")], { encoding: "utf8", env: { ...process.env, AERCHIP_DEBUG: "1" } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("HDF5-DIAG");
    expect(r.stderr).toContain("aerchip: E_NIR_HDF5: ");
  });
});

describe.skipIf(!HAS_SHARED)(`the audit's file: snntorch_dense_lif.nir with byte 10287 changed ${SKIP_MSG}`, () => {
  it("E_NIR_HDF5 for node/nodes/3/v_threshold, exit 1, no output", async () => {
    const src = sharedPath("fixtures/nir/snntorch/snntorch_dense_lif.nir");
    const bad = join(DIR, "c12.nir");
    copyFileSync(src, bad);
    const bytes = readFileSync(bad);
    expect(bytes[10287]).toBe(0xb0);
    bytes[10287] = 0xf0;
    writeFileSync(bad, bytes);
    const out = join(DIR, "out-c12");
    const r = await cli("run", bad, "--input", sharedPath("fixtures/nir/snntorch/snntorch_dense_lif.input.npy"), "--arch", "generic", "--out", out, "--json");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    onlyAerchipError(r.stderr, "E_NIR_HDF5");
    expect(r.stderr).toContain("field: node/nodes/3/v_threshold");
    expect(existsSync(out)).toBe(false);
  });
});
