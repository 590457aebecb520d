/**
 * The early cores check (compiler/core-capacity.ts: ⌈Σ sizes / core.maxNeurons⌉ cores at least) in compare,
 * sweep and evaluate, not only run and compile (audit s22r-y #4): a model that no chip given can hold is
 * refused with E_CHIP_CORES_EXCEEDED before its per-neuron arrays exist (the format's 2^28-neuron model
 * ended in E_INTERNAL, an allocation failure); compare and sweep check against the largest chip given, so
 * a model that one chip holds still runs there. A 4,000,000-neuron model stands for the huge one here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeNpy } from "../../core/io/npy.ts";
import { cli } from "../helpers/cli.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-early-cap-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function model(neurons: number): string {
  const p = join(TMP, `m${neurons}.json`);
  writeFileSync(p, JSON.stringify({
    format: "aerchip-model-1", name: "big", steps: 2,
    populations: [{ name: "in", kind: "input", size: 1 }, { name: "H", kind: "neuron", size: neurons, vThreshold: 1 }],
    projections: [{ name: "in_H", pre: "in", post: "H", sparse: { pre: [0], post: [0], weights: [1], delays: 1 } }],
  }));
  return p;
}

describe("early chip-capacity check in compare, sweep and evaluate", () => {
  it("compare: too large for every chip is one E_CHIP_CORES_EXCEEDED, not a table of failed rows", async () => {
    const r = await cli("compare", model(4_000_000), "--arch", "odin,truenorth", "--out", join(TMP, "c1"));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/E_CHIP_CORES_EXCEEDED/);
    expect(r.stderr).not.toMatch(/E_COMPARE_NOTHING_RAN/);
  });

  it("compare: a model that only the larger chip holds still runs there", async () => {
    const r = await cli("compare", model(1000), "--arch", "odin,truenorth", "--out", join(TMP, "c2"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
  });

  it("sweep: too large for every arch value is E_CHIP_CORES_EXCEEDED before any point", async () => {
    const dir = join(TMP, "sw");
    mkdirSync(dir);
    const m = model(4_000_000);
    writeFileSync(join(dir, "s.yaml"), `model: ${m}\narch: [odin, truenorth]\n`);
    const r = await cli("sweep", join(dir, "s.yaml"), "--out", join(dir, "o"));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/E_CHIP_CORES_EXCEEDED/);
    expect(r.stderr).not.toMatch(/E_SWEEP_NOTHING_RAN/);
  });

  it("evaluate: too large for the chip is E_CHIP_CORES_EXCEEDED", async () => {
    const ds = join(TMP, "ds");
    mkdirSync(join(ds, "0"), { recursive: true });
    writeFileSync(join(ds, "0", "a.npy"), writeNpy(Uint8Array.of(1, 0), [2, 1], { bool: true }));
    const r = await cli("evaluate", model(4_000_000), "--input", ds, "--arch", "odin", "--out", join(TMP, "e"));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/E_CHIP_CORES_EXCEEDED/);
  });
});
