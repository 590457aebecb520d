/**
 * `aerchip evaluate --arch a,b`: one evaluation per chip under DIR/<chip>/ (the files and bytes of a
 * one-chip evaluate) and a comparison (evaluate-compare.md/.tex/.csv/.json) whose rows are the chips'
 * summaries. A chip the model does not fit is a row with its code; no chip running is
 * E_COMPARE_NOTHING_RAN; an unknown chip fails before anything runs.
 *
 * Model: input[4] → Linear (diagonal 2) → IF[4] → output; four one-sample-per-label .npy files (T = 4).
 * The "tiny" chip spec is the generic preset cut to one core of 2 neurons: the 4 IF neurons need 2 cores.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy, writeIf4Nir } from "../helpers/nir-dataset.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import type { EvaluateCompareRow } from "../../chip/report/formats/evaluate-compare.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-evaluate-multi-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = join(TMP, "if4.nir");
const DATA = join(TMP, "data");
const TINY = join(TMP, "tiny.json");
// With the outputs manifest (cli/earlier-outputs.ts): the same in a chip's directory as in a one-chip evaluation's.
const FILES = ["aerchip-outputs.json", "dataset.html", "dataset.json", "dataset.md", "dataset.tex", "mapping.json", "samples.csv"];

beforeAll(async () => {
  await writeIf4Nir(MODEL);
  for (const d of ["0", "1", "2", "3"]) mkdirSync(join(DATA, d), { recursive: true });
  spikesNpy(join(DATA, "0", "a.npy"), 4, 4, [[0, 0], [1, 0]]);
  spikesNpy(join(DATA, "1", "b.npy"), 4, 4, [[2, 1], [3, 0], [0, 1]]);
  spikesNpy(join(DATA, "2", "c.npy"), 4, 4, [[0, 2], [1, 2], [2, 2], [0, 1]]);
  spikesNpy(join(DATA, "3", "d.npy"), 4, 4, [[0, 3], [1, 0]]);
  const generic = JSON.parse(readFileSync(join(__dirname, "..", "..", "chip", "spec", "presets", "generic.json"), "utf8")) as Record<string, any>;
  writeFileSync(TINY, JSON.stringify({ ...generic, name: "tiny", mesh: { ...generic.mesh, widthTiles: 1, heightTiles: 1, coresPerTile: 1 }, core: { ...generic.core, maxNeurons: 2 } }));
});

const readRows = (out: string): EvaluateCompareRow[] => (JSON.parse(readFileSync(join(out, "evaluate-compare.json"), "utf8")) as { rows: EvaluateCompareRow[] }).rows;

describe("evaluate on several chips", () => {
  it("each chip's directory holds the one-chip evaluation byte for byte; the comparison's rows are their summaries", async () => {
    const out = join(TMP, "multi");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic,loihi", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["aerchip-outputs.json", "evaluate-compare.csv", "evaluate-compare.json", "evaluate-compare.md", "evaluate-compare.tex", "generic", "loihi"]);
    // The chip directories are the command's outputs too (a later evaluation without a chip removes its directory).
    expect(JSON.parse(readFileSync(join(out, "aerchip-outputs.json"), "utf8"))).toMatchObject({ command: "evaluate-compare", files: ["evaluate-compare.csv", "evaluate-compare.json", "evaluate-compare.md", "evaluate-compare.tex", "generic/", "loihi/"] });
    // Each chip's manifest says whose part it is (audit s25b #2): a standalone `evaluate --out OUT/generic` is another command there.
    expect(JSON.parse(readFileSync(join(out, "generic", "aerchip-outputs.json"), "utf8"))).toMatchObject({ command: "evaluate", partOf: "evaluate-compare" });
    const rows = readRows(out);
    expect(rows.map((x) => [x.arch, x.status, x.dir])).toEqual([["generic", "ok", "generic"], ["loihi", "ok", "loihi"]]);
    for (const [k, arch] of ["generic", "loihi"].entries()) {
      const one = join(TMP, `one-${arch}`);
      expect((await cli("evaluate", MODEL, "--input", DATA, "--arch", arch, "--out", one, "--quiet")).code).toBe(0);
      expect(readdirSync(join(out, arch)).sort()).toEqual(FILES);
      for (const f of FILES.filter((x) => x !== "aerchip-outputs.json")) expect(readFileSync(join(out, arch, f), "utf8"), `${arch}/${f}`).toBe(readFileSync(join(one, f), "utf8"));
      // The manifests differ only by the chip directory's marker of its parent (audit s25b #2).
      const manifest = (dir: string): unknown => JSON.parse(readFileSync(join(dir, "aerchip-outputs.json"), "utf8"));
      expect(manifest(join(out, arch))).toEqual({ ...(manifest(one) as object), partOf: "evaluate-compare" });
      const d = JSON.parse(readFileSync(join(out, arch, "dataset.json"), "utf8")) as DatasetDocument;
      expect(d.provenance.options.arch).toBe(arch);
      const s = d.summary;
      const pi = s.perInference;
      expect(rows[k]).toMatchObject({
        chip: d.chip.name, coresUsed: d.chip.coresUsed, samples: 4, accuracy: s.accuracy,
        energyMeanPj: pi.energyPj.total.mean, energyStdPj: pi.energyPj.total.std,
        dynamicEnergyMeanPj: pi.dynamicEnergyPj.mean, staticEnergyMeanPj: pi.energyPj.static.mean,
        simulatedTimeMeanNs: pi.simulatedTimeNs!.mean, timeBasis: d.timeBasis,
        effectiveSynOpsMean: pi.effectiveSynOps.mean, energyPerEffectiveSynOpPj: pi.energyPj.total.mean / pi.effectiveSynOps.mean,
        errorMessage: null,
      });
      // Its dataset.json re-runs on its own chip.
      const re = await cli("rerun", join(out, arch, "dataset.json"), "--out", join(TMP, `rerun-${arch}`), "--quiet");
      expect(re.code, re.stderr).toBe(0);
    }
    const csv = readFileSync(join(out, "evaluate-compare.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(3);
    expect(r.stdout).toMatch(/generic\s+ok/);
    expect(r.stdout).toMatch(/loihi\s+ok/);
  });

  it("a chip the model does not fit is a row with its code; the other chips still run", async () => {
    const out = join(TMP, "fit");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", `${TINY},generic`, "--out", out, "--json");
    expect(r.code, r.stderr).toBe(0);
    const rows = readRows(out);
    expect(rows.map((x) => x.status)).toEqual(["E_CHIP_CORES_EXCEEDED", "ok"]);
    expect(rows[0].errorMessage).toMatch(/tiny/);
    expect(rows[0].energyMeanPj).toBeNull();
    expect(existsSync(join(out, "tiny"))).toBe(false);
    expect(existsSync(join(out, "generic", "dataset.json"))).toBe(true);
    // --json prints one line.
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect((JSON.parse(r.stdout) as { rows: EvaluateCompareRow[] }).rows.map((x) => x.status)).toEqual(["E_CHIP_CORES_EXCEEDED", "ok"]);
  });

  it("no chip that runs: E_COMPARE_NOTHING_RAN, exit 1, the comparison says why", async () => {
    const out = join(TMP, "none");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", `${TINY},${TINY}`, "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_COMPARE_NOTHING_RAN/);
    expect(readRows(out).map((x) => [x.arch, x.status])).toEqual([[TINY, "E_CHIP_CORES_EXCEEDED"], [TINY, "E_CHIP_CORES_EXCEEDED"]]);
  });

  it("a problem of the data set stops the command at the first chip instead of becoming every chip's row", async () => {
    const bad = join(TMP, "bad-label");
    mkdirSync(join(bad, "9"), { recursive: true });
    spikesNpy(join(bad, "9", "x.npy"), 4, 4, [[0, 0]]);
    const out = join(TMP, "bad-out");
    const r = await cli("evaluate", MODEL, "--input", bad, "--arch", "generic,loihi", "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_DATASET_LABEL/);
    expect(existsSync(join(out, "evaluate-compare.json"))).toBe(false);
  });

  it("an unknown chip fails before anything runs or is written", async () => {
    const out = join(TMP, "unknown");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic,nosuchchip", "--out", out);
    expect(r.code).toBe(1);
    // The chip itself is named (not the whole list), before the generic chip's evaluation ran.
    expect(r.stderr).toMatch(/E_SPEC_NOT_FOUND/);
    expect(r.stderr).toMatch(/"nosuchchip"/);
    expect(existsSync(out)).toBe(false);
  });

  it("two chips of one spec name (the preset and an edited copy) get rows told apart by their --arch item", async () => {
    const generic = JSON.parse(readFileSync(join(__dirname, "..", "..", "chip", "spec", "presets", "generic.json"), "utf8")) as Record<string, any>;
    const copy = join(TMP, "edited", "generic.json");
    mkdirSync(join(TMP, "edited"), { recursive: true });
    writeFileSync(copy, JSON.stringify({ ...generic, costs: { ...generic.costs, energyNeuronUpdatePj: { ...generic.costs.energyNeuronUpdatePj, value: 500 } } }));
    const out = join(TMP, "same-name");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", `generic,${copy}`, "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(out, "evaluate-compare.md"), "utf8");
    expect(md).toMatch(/^\| generic \| ok /m);
    expect(md).toContain(`| generic (${copy}) | ok `);
    expect(r.stdout).toContain(`generic (${copy})`);
  });
});
