/**
 * cli/dataset-inputs.ts: what a directory data set is made of, and in what order.
 *   - symbolic links: a dangling one is E_DATASET_READ naming it (was E_INTERNAL); a loop (`0/up -> ..`)
 *     and a second link to a walked folder are walked once and counted in skippedFiles (was ELOOP);
 *   - DVS Gesture's `*_labels.csv` beside a recording is skipped and counted, not read as events;
 *   - `--input Test/3` (one class folder): the folder's own whole-number name labels its files;
 *   - `--shuffle`: a seeded Fisher–Yates permutation of the order before --samples selects, the same
 *     for a seed, another for another seed; rows keep their original index and id.
 * Fixture model (as tests/cli/evaluate.test.ts): input[4] → Linear (diagonal 2) → IF[4] → output.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy, writeIf4Nir } from "../helpers/nir-dataset.ts";
import { writeNpy } from "../../core/io/npy.ts";
import { createRng } from "../../core/rng.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import { listDatasetSamples, parseSampleRange, shuffledSamples, SHUFFLE_STREAM } from "../../cli/dataset-inputs.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-dataset-inputs-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = join(TMP, "if4.nir");
/** 10 classes × 3 files: 0/s0.npy … 9/s2.npy, the file of class c firing channel c % 4 once. */
const DATA = join(TMP, "data");

const codeOf = (stderr: string): string | undefined => /\b(E_[A-Z0-9_]+)\b/.exec(stderr)?.[1];

beforeAll(async () => {
  await writeIf4Nir(MODEL);
  for (let c = 0; c < 10; c++) {
    mkdirSync(join(DATA, String(c)), { recursive: true });
    for (let k = 0; k < 3; k++) spikesNpy(join(DATA, String(c), `s${k}.npy`), 4, 4, [[k, c % 4]]);
  }
});

/** A fresh directory under TMP with `files` (relative path → content) in it. */
function tree(name: string, files: Record<string, string | Uint8Array>): string {
  const root = join(TMP, name);
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), data);
  }
  return root;
}

const npy = (): Uint8Array => writeNpy(new Float32Array(16), [4, 4]);

describe("dataset listing: symbolic links", () => {
  it("a dangling link is E_DATASET_READ naming it, from the listing and from evaluate (exit 1, nothing written)", async () => {
    const root = tree("dangling", { "1/a.npy": npy() });
    const link = join(root, "1", "dangling.npy");
    symlinkSync(join(TMP, "does-not-exist.npy"), link);
    await expect(listDatasetSamples(root)).rejects.toMatchObject({ code: "E_DATASET_READ", file: link });
    const out = join(TMP, "dangling-out");
    const r = await cli("evaluate", MODEL, "--input", root, "--arch", "generic", "--out", out);
    expect([r.code, codeOf(r.stderr)]).toEqual([1, "E_DATASET_READ"]);
    expect(r.stderr).toContain(link);
    expect(existsSync(out)).toBe(false);
  });

  it("a link back up the tree and a second link to a walked folder are walked once and counted", async () => {
    const root = tree("loops", { "0/a.npy": npy(), "1/b.npy": npy(), "extra/2/c.npy": npy() });
    symlinkSync("..", join(root, "0", "up")); // a loop: 0/up/0/up/…
    symlinkSync(join(root, "extra", "2"), join(root, "2")); // "2" is walked before "extra" (code-unit order) …
    const l = await listDatasetSamples(root);
    // … so extra/2, the same folder, is skipped: 0/up and extra/2 counted.
    expect(l.samples.map((s) => [s.id, s.label])).toEqual([["0/a.npy", 0], ["1/b.npy", 1], ["2/c.npy", 2]]);
    expect(l.skippedFiles).toBe(2);
  });
});

describe("dataset listing: what is a sample, and its label", () => {
  it("DVS Gesture's *_labels.csv beside a recording is skipped and counted, not read as an event file", async () => {
    const root = tree("gesture", {
      "user01_fluorescent.csv": "x,y,p,t\n1,2,1,10\n",
      "user01_fluorescent_labels.csv": "class,startTime_usec,endTime_usec\n1,0,100\n",
      "USER02_LED_LABELS.CSV": "class,startTime_usec,endTime_usec\n",
    });
    const l = await listDatasetSamples(root);
    expect(l.samples.map((s) => s.id)).toEqual(["user01_fluorescent.csv"]);
    expect(l.skippedFiles).toBe(2);
  });

  it("one class folder as --input (Test/3) labels its files by its own whole-number name; not when a folder below gives labels", async () => {
    const one = await listDatasetSamples(join(DATA, "3"));
    expect(one.samples.map((s) => [s.id, s.label])).toEqual([["s0.npy", 3], ["s1.npy", 3], ["s2.npy", 3]]);
    expect((await listDatasetSamples(join(DATA, "3") + "/")).samples.map((s) => s.label)).toEqual([3, 3, 3]);
    expect((await listDatasetSamples(join(DATA, "3"), undefined, "none")).samples.map((s) => s.label)).toEqual([null, null, null]);
    // A numbered root whose files sit in numbered folders keeps the folders' labels; unlabelled files stay unlabelled.
    const mixed = tree("7", { "2/a.npy": npy(), "b.npy": npy() });
    expect((await listDatasetSamples(mixed)).samples.map((s) => [s.id, s.label])).toEqual([["2/a.npy", 2], ["b.npy", null]]);
    // A root that is not a number gives nothing.
    const named = tree("cls", { "a.npy": npy() });
    expect((await listDatasetSamples(named)).samples.map((s) => s.label)).toEqual([null]);

    const out = join(TMP, "one-class");
    const r = await cli("evaluate", MODEL, "--input", join(DATA, "3"), "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;
    expect(d.samples.map((s) => s.label)).toEqual([3, 3, 3]);
    expect(d.summary.labelled).toBe(3);
  });
});

describe("dataset listing: --shuffle", () => {
  it("is the seeded Fisher–Yates permutation: the same for a seed, another for another seed", async () => {
    const plain = await listDatasetSamples(DATA);
    const a = await listDatasetSamples(DATA, undefined, "number", 0);
    const b = await listDatasetSamples(DATA, undefined, "number", 0);
    const c = await listDatasetSamples(DATA, undefined, "number", 1);
    expect(a.samples).toEqual(b.samples);
    expect(a.samples.map((s) => s.index)).not.toEqual(c.samples.map((s) => s.index));
    expect(a.samples.map((s) => s.index)).not.toEqual(plain.samples.map((s) => s.index));
    // A permutation of the same samples, each keeping its original index, id and label.
    const byIndex = new Map(plain.samples.map((s) => [s.index, s]));
    expect([...a.samples.map((s) => s.index)].sort((x, y) => x - y)).toEqual(plain.samples.map((s) => s.index));
    for (const s of a.samples) expect(s).toEqual(byIndex.get(s.index));
    expect(a.total).toBe(30);
    // The permutation by hand: for i = n−1 … 1 swap i with nextBelow(i + 1) of createRng(seed).fork(SHUFFLE_STREAM).
    const rng = createRng(0).fork(SHUFFLE_STREAM);
    const order = Array.from({ length: 30 }, (_, i) => i);
    for (let i = 29; i >= 1; i--) {
      const j = rng.nextBelow(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    expect(a.samples.map((s) => s.index)).toEqual(order);
    expect(shuffledSamples(order, 5)).not.toEqual(order);
  });

  it("--samples then selects from the shuffled order (across the classes, not the first folder)", async () => {
    const all = await listDatasetSamples(DATA, undefined, "number", 7);
    const part = await listDatasetSamples(DATA, parseSampleRange("0:3"), "number", 7);
    expect(part.samples).toEqual(all.samples.slice(0, 3));
    expect(new Set(part.samples.map((s) => s.label)).size).toBeGreaterThan(1);
    const later = await listDatasetSamples(DATA, parseSampleRange("27:"), "number", 7);
    expect(later.samples).toEqual(all.samples.slice(27));
    const unshuffled = await listDatasetSamples(DATA, parseSampleRange("0:3"));
    expect(unshuffled.samples.map((s) => s.label)).toEqual([0, 0, 0]);
  });

  it("evaluate --shuffle --samples: rows in the shuffled order with their original index and id; recorded in provenance", async () => {
    const expected = (await listDatasetSamples(DATA, parseSampleRange("0:6"), "number", 3)).samples;
    const out = join(TMP, "shuffled");
    // The folders (0 … 9) are labels beyond this 4-output model's classes: evaluate refuses those, so no labels here.
    const r = await cli("evaluate", MODEL, "--input", DATA, "--shuffle", "--seed", "3", "--samples", "0:6", "--label-from", "none", "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;
    expect(d.samples.map((s) => [s.index, s.id])).toEqual(expected.map((s) => [s.index, s.id]));
    expect(d.provenance.options).toMatchObject({ shuffle: true, seed: 3, samples: "0:6" });
    const plain = join(TMP, "unshuffled");
    const p = await cli("evaluate", MODEL, "--input", DATA, "--samples", "0:2", "--label-from", "none", "--arch", "generic", "--out", plain, "--quiet");
    expect(p.code, p.stderr).toBe(0);
    const dp = JSON.parse(readFileSync(join(plain, "dataset.json"), "utf8")) as DatasetDocument;
    expect(dp.provenance.options.shuffle).toBe(false);
    expect(dp.samples.map((s) => s.id)).toEqual(["0/s0.npy", "0/s1.npy"]);
  });
});
