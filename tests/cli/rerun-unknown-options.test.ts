/**
 * `aerchip rerun` of a dataset.json (`aerchip evaluate`) or a train.json (`aerchip train`) refuses a
 * recorded option this aerchip's command does not record, as it refuses one in a report.json (audit s22b #9):
 * E_RERUN_PROVENANCE naming the file, provenance.options.<name> and what to do, before anything runs. Each
 * list holds every name its command writes (an evaluation and a training with many options re-run), and
 * only those: train has no --input-counts, so a train.json recording inputCounts is refused too. An
 * evaluation's --precision (the document's precision, not in provenance.options) is re-run, not dropped.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy, writeIf4Nir } from "../helpers/nir-dataset.ts";
import { sample } from "../helpers/pair-samples.ts";
import { EVALUATE_RECORDED_OPTIONS, TRAIN_RECORDED_OPTIONS } from "../../cli/commands/rerun-checks.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-rerun-unknown-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

type Doc = { provenance: { options: Record<string, unknown> } };
const readDoc = (p: string): Doc => JSON.parse(readFileSync(p, "utf8")) as Doc;

/** `doc` with provenance.options[key] = value, written to TMP/name. */
function withOption(doc: Doc, name: string, key: string, value: unknown): string {
  const d = structuredClone(doc);
  d.provenance.options[key] = value;
  const file = join(TMP, name);
  writeFileSync(file, JSON.stringify(d, null, 2));
  return file;
}

async function expectRefused(file: string, key: string, noun: string, command: string): Promise<void> {
  const out = join(TMP, `rr-${noun}-${key}`);
  const r = await cli("rerun", file, "--out", out);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/E_RERUN_PROVENANCE/);
  expect(r.stderr).toContain(`provenance.options.${key} is not an option aerchip ${command} records in a ${noun}`);
  expect(r.stderr).toContain(`field: provenance.options.${key}`);
  expect(r.stderr).toContain(file);
  expect(r.stderr).toMatch(/re-run it with the aerchip that wrote it/);
  expect(existsSync(out), "nothing written").toBe(false);
}

describe("rerun refuses a dataset.json option evaluate does not record", () => {
  it("every name a NIR and a JSON-model evaluation record is known (the re-runs succeed); an unknown one is refused", async () => {
    const model = join(TMP, "if4.nir");
    const data = join(TMP, "data");
    await writeIf4Nir(model);
    for (const d of ["0", "1"]) mkdirSync(join(data, d), { recursive: true });
    spikesNpy(join(data, "0", "a.npy"), 4, 4, [[0, 0], [1, 0]]);
    spikesNpy(join(data, "1", "b.npy"), 4, 4, [[2, 1], [3, 1]]);
    const nir = join(TMP, "eval-nir");
    const e = await cli("evaluate", model, "--input", data, "--arch", "loihi", "--out", nir, "--quiet",
      "--shuffle", "--seed", "3", "--samples", "0:2", "--rest-steps", "2", "--per-layer-ticks", "--tick-period-us", "5", "--costs", "counts", "--input-counts", "--decode", "count");
    expect(e.code, e.stderr).toBe(0);
    const doc = readDoc(join(nir, "dataset.json"));
    for (const k of Object.keys(doc.provenance.options)) expect(EVALUATE_RECORDED_OPTIONS, k).toContain(k);
    for (const k of ["dtSeconds", "restSteps", "perLayerTicks", "tickPeriodUs", "costs", "inputCounts", "shuffle"]) expect(Object.keys(doc.provenance.options), k).toContain(k);
    const same = await cli("rerun", join(nir, "dataset.json"), "--out", join(TMP, "rr-nir"), "--quiet");
    expect(same.code, same.stderr).toBe(0);

    // A JSON model records inputPopulation and frozen.
    const pairData = join(TMP, "pair-data");
    mkdirSync(pairData, { recursive: true });
    sample(join(pairData, "a.npy"), 12, (t, i) => i < 2 && t % 3 === 0);
    const json = join(TMP, "eval-json");
    const j = await cli("evaluate", "examples/learning/stdp-pair.model.json", "--input", pairData, "--label-from", "none", "--frozen", "--arch", "loihi", "--out", json, "--quiet");
    expect(j.code, j.stderr).toBe(0);
    const jdoc = readDoc(join(json, "dataset.json"));
    expect(jdoc.provenance.options).toMatchObject({ frozen: true });
    for (const k of Object.keys(jdoc.provenance.options)) expect(EVALUATE_RECORDED_OPTIONS, k).toContain(k);

    // --precision is recorded as the document's precision (not in provenance.options): the re-run uses it.
    const fixed = join(TMP, "eval-fixed");
    const f = await cli("evaluate", model, "--input", data, "--arch", "loihi", "--precision", "fixed", "--out", fixed, "--quiet");
    expect(f.code, f.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(fixed, "dataset.json"), "utf8")).precision).toBe("fixed");
    const again = await cli("rerun", join(fixed, "dataset.json"), "--out", join(TMP, "rr-fixed"));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/byte-identical|same results/);

    await expectRefused(withOption(doc, "dataset-bogus.json", "bogus", 1), "bogus", "dataset.json", "evaluate");
    // run records remap; evaluate has no --remap, so a dataset.json recording it was not written by evaluate.
    await expectRefused(withOption(doc, "dataset-remap.json", "remap", true), "remap", "dataset.json", "evaluate");
  }, 120_000);
});

describe("rerun refuses a train.json option train does not record", () => {
  it("every name a training records is known (the re-run succeeds); an unknown one, and inputCounts, are refused", async () => {
    const data = join(TMP, "train-data");
    mkdirSync(data, { recursive: true });
    sample(join(data, "a.npy"), 16, (t, i) => i < 2 && t % 3 === 0);
    sample(join(data, "b.npy"), 16, (t, i) => t % 4 === i);
    const out = join(TMP, "train");
    const t = await cli("train", "examples/learning/stdp-pair.model.json", "--input", data, "--arch", "loihi", "--out", out, "--quiet",
      "--passes", "2", "--shuffle", "--seed", "7", "--timing", "simple", "--tick-period-us", "5", "--bill-learning", "changes");
    expect(t.code, t.stderr).toBe(0);
    const doc = readDoc(join(out, "train.json"));
    for (const k of Object.keys(doc.provenance.options)) expect(TRAIN_RECORDED_OPTIONS, k).toContain(k);
    for (const k of ["passes", "timing", "tickPeriodUs", "billLearning", "shuffle"]) expect(Object.keys(doc.provenance.options), k).toContain(k);
    const same = await cli("rerun", join(out, "train.json"), "--out", join(TMP, "rr-train"), "--quiet");
    expect(same.code, same.stderr).toBe(0);

    await expectRefused(withOption(doc, "train-bogus.json", "bogus", "x"), "bogus", "train.json", "train");
    // run and evaluate record --input-counts; train has no such option and would train without it.
    await expectRefused(withOption(doc, "train-counts.json", "inputCounts", true), "inputCounts", "train.json", "train");
  }, 120_000);
});
