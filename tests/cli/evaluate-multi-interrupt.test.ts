/**
 * Ctrl-C / SIGTERM during `aerchip evaluate --arch a,b` stops every chip (exit 130 / 143), as in
 * `aerchip compare`: no evaluate-compare.* table, and no chip directory this command created (also one
 * whose evaluation had finished); a chip directory that existed before keeps its complete evaluation.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { cli } from "../helpers/cli.ts";
import { writeNpy } from "../../core/io/npy.ts";
import { clearInterrupt, requestInterrupt, throwIfInterrupted } from "../../cli/interrupt.ts";

// A chip named "interrupt-during" is the generic chip whose evaluation a signal stops (as the simulation's
// yield would stop it): the command checks every chip first with loadArch(arch), and the evaluation then
// loads its chip with loadArch(arch, overrides) — the signal comes at that second load.
vi.mock("../../cli/load-arch.ts", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../cli/load-arch.ts")>();
  return {
    ...orig,
    loadArch: (arch: string, opts?: Parameters<typeof orig.loadArch>[1]) => {
      if (arch === "interrupt-during" && opts !== undefined) {
        requestInterrupt("SIGTERM");
        throwIfInterrupted("while simulating sample 1 of 2");
      }
      return orig.loadArch(arch === "interrupt-during" ? "generic" : arch, opts);
    },
  };
});

const TMP = mkdtempSync(join(tmpdir(), "aerchip-evaluate-multi-int-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = join(TMP, "if2.nir");
const DATA = join(TMP, "data");
const filesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

beforeAll(async () => {
  const { nirFile, writeH5 } = await import("../compiler/frontends/nir/write-h5.ts");
  await writeH5(MODEL, nirFile({
    input: { type: "Input", shape: [2n] },
    fc: { type: "Linear", weight: { f32: [2, 0, 0, 2], shape: [2, 2] } },
    lif: { type: "IF", r: [1, 1], v_threshold: [1, 1] },
    output: { type: "Output", shape: [2n] },
  }, [["input", "fc"], ["fc", "lif"], ["lif", "output"]]));
  for (const d of ["0", "1"]) mkdirSync(join(DATA, d), { recursive: true });
  const x = new Float32Array(4);
  x[0] = 1;
  writeFileSync(join(DATA, "0", "a.npy"), writeNpy(x, [2, 2]));
  x[0] = 0; x[3] = 1;
  writeFileSync(join(DATA, "1", "b.npy"), writeNpy(x, [2, 2]));
});

describe("an interrupted evaluation on several chips", () => {
  afterEach(() => clearInterrupt());

  it("a signal during the second chip: exit 143, no table, the first chip's finished directory removed", async () => {
    const out = join(TMP, "out1");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic,interrupt-during", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/E_INTERRUPTED/);
    expect(r.stderr).not.toMatch(/E_COMPARE_NOTHING_RAN/);
    expect(existsSync(out)).toBe(false);
  });

  it("a chip directory that existed before keeps the finished chip's complete evaluation, and the hint says so", async () => {
    const out = join(TMP, "out2");
    mkdirSync(join(out, "generic"), { recursive: true });
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic,interrupt-during", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(143);
    expect(filesIn(out)).toEqual(["generic"]);
    expect(filesIn(join(out, "generic"))).toEqual(["aerchip-outputs.json", "dataset.html", "dataset.json", "dataset.md", "dataset.tex", "mapping.json", "samples.csv"]);
    expect(r.stderr).toMatch(/hint: .*generic/);
  });

  it("without an interrupt the chips' directories and the tables are written", async () => {
    const out = join(TMP, "out3");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic,truenorth", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(filesIn(out)).toEqual(["aerchip-outputs.json", "evaluate-compare.csv", "evaluate-compare.json", "evaluate-compare.md", "evaluate-compare.tex", "generic", "truenorth"]);
  });
});
