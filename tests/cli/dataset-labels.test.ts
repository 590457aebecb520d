/**
 * `aerchip evaluate --input DIR --labels FILE.csv` (cli/dataset-labels.ts): labels of a directory data set
 * not arranged in class folders, from a CSV of path,label rows.
 *   - the labels and the accuracy are the CSV's; a header line is allowed; the CSV inside the directory is
 *     not a sample; provenance.options.labels records it and the data set's digest covers it;
 *   - refused: --labels on an .h5 file or one event file, and with --label-from (E_CLI_OPTION, exit 2); an
 *     evaluated sample without a row, a row naming a file not in the directory, a malformed row (not two
 *     fields, a label that is not a whole number ≥ 0, a path twice) (E_DATASET_LABEL naming the CSV, the
 *     line and the field); a label the output cannot give;
 *   - `aerchip rerun` re-runs it byte-identically, and sees an edited or missing label file.
 * Fixture model (as tests/cli/evaluate.test.ts): input[4] → Linear (diagonal 2) → IF[4] → output, so a
 * sample firing channel c decodes to class c. Files: flat/a.npy (fires 0), b.npy (1), c.npy (2),
 * sub/d.npy (3), "e,1.npy" (0).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy, writeIf4Nir } from "../helpers/nir-dataset.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import { writeShdFile } from "../core/io/events/helpers/hdf5-writer.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-dataset-labels-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = join(TMP, "if4.nir");
const FLAT = join(TMP, "flat");
const FLAT2 = join(TMP, "flat2");
/** The right labels: a 0, b 1, c 2 (right), sub/d 1 (wrong: it fires 3), "e,1.npy" 0 (right). */
const GOOD = 'file,label\na.npy,0\r\n./b.npy,1\nc.npy, 2\n\nsub/d.npy,1\n"e,1.npy",0\n';

const codeOf = (stderr: string): string | undefined => /\b(E_[A-Z0-9_]+)\b/.exec(stderr)?.[1];
const readDoc = (out: string): DatasetDocument => JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;

/** A label CSV with `text`, outside the data set. */
function csv(name: string, text: string): string {
  const p = join(TMP, name);
  writeFileSync(p, text);
  return p;
}

beforeAll(async () => {
  await writeIf4Nir(MODEL);
  mkdirSync(join(FLAT, "sub"), { recursive: true });
  spikesNpy(join(FLAT, "a.npy"), 3, 4, [[0, 0]]);
  spikesNpy(join(FLAT, "b.npy"), 3, 4, [[0, 1]]);
  spikesNpy(join(FLAT, "c.npy"), 3, 4, [[1, 2]]);
  spikesNpy(join(FLAT, "sub", "d.npy"), 3, 4, [[2, 3]]);
  spikesNpy(join(FLAT, "e,1.npy"), 3, 4, [[0, 0]]);
  writeFileSync(join(FLAT, "README.txt"), "not an event file\n");
  // The label table inside the data set: a .csv the walk would otherwise read as CSV events.
  writeFileSync(join(FLAT, "labels.csv"), GOOD);
  // The same samples without a table inside.
  mkdirSync(join(FLAT2, "sub"), { recursive: true });
  for (const f of ["a.npy", "b.npy", "c.npy", join("sub", "d.npy"), "e,1.npy"]) writeFileSync(join(FLAT2, f), readFileSync(join(FLAT, f)));
});

describe("evaluate --labels", () => {
  it("labels every sample from the CSV inside the directory, which is not a sample itself", async () => {
    const out = join(TMP, "ok");
    const labels = join(FLAT, "labels.csv");
    const r = await cli("evaluate", MODEL, "--input", FLAT, "--labels", labels, "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const d = readDoc(out);
    expect(d.samples.map((s) => [s.id, s.label, s.prediction, s.correct])).toEqual([
      ["a.npy", 0, 0, true], ["b.npy", 1, 1, true], ["c.npy", 2, 2, true], ["e,1.npy", 0, 0, true], ["sub/d.npy", 1, 3, false],
    ]);
    expect(d.summary.accuracy).toBeCloseTo(4 / 5, 15);
    expect(d.dataset).toMatchObject({ total: 5, evaluated: 5, skippedFiles: 2 });
    expect(d.provenance.options).toMatchObject({ labels, labelFrom: null });
    // Without --labels the same directory has no labels, and its labels.csv is read as a sample (and refused).
    const plain = await cli("evaluate", MODEL, "--input", FLAT, "--arch", "generic", "--out", join(TMP, "never"), "--quiet");
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain("labels.csv");
  });

  it("the data set's digest covers the CSV; rerun is byte-identical and sees an edited or missing label file", async () => {
    const labels = csv("outside.csv", GOOD);
    const out = join(TMP, "rr-orig");
    expect((await cli("evaluate", MODEL, "--input", FLAT2, "--labels", labels, "--arch", "generic", "--out", out, "--quiet")).code).toBe(0);
    const ok = readDoc(join(TMP, "ok"));
    const digest = (d: DatasetDocument): string | undefined => d.provenance.inputs.find((i) => i.role === "dataset")?.sha256;
    expect(digest(readDoc(out))).toBe(digest(ok)); // the same samples and the same table: the same digest
    // Another table, another digest.
    const other = csv("other.csv", GOOD.replace("sub/d.npy,1", "sub/d.npy,3"));
    expect((await cli("evaluate", MODEL, "--input", FLAT2, "--labels", other, "--arch", "generic", "--out", join(TMP, "rr-other"), "--quiet")).code).toBe(0);
    expect(digest(readDoc(join(TMP, "rr-other")))).not.toBe(digest(ok));
    const r = await cli("rerun", join(out, "dataset.json"), "--out", join(TMP, "rr-again"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/byte-identical/);
    for (const f of ["dataset.json", "samples.csv", "dataset.md"]) expect(readFileSync(join(TMP, "rr-again", f), "utf8"), f).toBe(readFileSync(join(out, f), "utf8"));
    writeFileSync(labels, GOOD.replace("sub/d.npy,1", "sub/d.npy,3"));
    const changed = await cli("rerun", join(out, "dataset.json"), "--out", join(TMP, "rr-changed"));
    expect(codeOf(changed.stderr), changed.stderr).toBe("E_RERUN_INPUT_CHANGED");
    // The message names the label file too (its digest is part of the data set's; audit-s18 F6).
    expect(changed.stderr).toMatch(/or its label file/);
    writeFileSync(labels, GOOD.replace("sub/d.npy,1\n", ""));
    const lost = await cli("rerun", join(out, "dataset.json"), "--out", join(TMP, "rr-lost"));
    expect(codeOf(lost.stderr), lost.stderr).toBe("E_RERUN_INPUT_CHANGED");
    rmSync(labels);
    const gone = await cli("rerun", join(out, "dataset.json"), "--out", join(TMP, "rr-gone"));
    expect(codeOf(gone.stderr), gone.stderr).toBe("E_RERUN_INPUT_MISSING");
  });

  it("only samples evaluated need a row (--samples)", async () => {
    const labels = csv("two.csv", "a.npy,0\nb.npy,1\n");
    const out = join(TMP, "two");
    const r = await cli("evaluate", MODEL, "--input", FLAT, "--labels", labels, "--samples", "0:2", "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(readDoc(out).samples.map((s) => s.label)).toEqual([0, 1]);
    const all = await cli("evaluate", MODEL, "--input", FLAT, "--labels", labels, "--arch", "generic", "--out", join(TMP, "never"), "--quiet");
    expect(all.code).toBe(1);
    expect(codeOf(all.stderr)).toBe("E_DATASET_LABEL");
    expect(all.stderr).toContain(`${join(FLAT, "c.npy")} has no row in the label file ${labels}`);
  });

  it("refuses --labels on a data set that is not a directory, and with --label-from (exit 2)", async () => {
    const labels = csv("any.csv", "a.npy,0\n");
    const h5 = join(TMP, "x.h5");
    writeShdFile(h5, [{ times: [0.001], units: [1], label: 0 }]);
    for (const input of [h5, join(FLAT, "a.npy")]) {
      const r = await cli("evaluate", MODEL, "--input", input, "--labels", labels, "--arch", "generic", "--out", join(TMP, "never"));
      expect(r.code, input).toBe(2);
      expect(r.stderr).toMatch(/E_CLI_OPTION: --labels labels the files of a directory data set/);
    }
    const both = await cli("evaluate", MODEL, "--input", FLAT, "--labels", labels, "--label-from", "none", "--arch", "generic", "--out", join(TMP, "never"));
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/E_CLI_OPTION: --labels and --label-from/);
  });

  it("refuses malformed rows and rows that do not match the directory, naming the CSV, the line and the field", async () => {
    const cases: Array<[string, string, RegExp]> = [
      ["a.npy,0\nb.npy,1,7\n", "line 2, path", /line 2: has 3 fields/],
      ["a.npy,0\nb.npy\n", "line 2, label", /line 2: has 1 field /],
      ["a.npy,0\nb.npy,x\n", "line 2, label", /the label "x" of b\.npy is not a whole number/],
      ["a.npy,0\n\nb.npy,-1\n", "line 3, label", /the label "-1" of b\.npy is not a whole number/],
      ["a.npy,0\nb.npy,1.5\n", "line 2, label", /the label "1\.5"/],
      ["a.npy,0\na.npy,1\n", "line 2, path", /a\.npy is labelled again \(first on line 1\)/],
      ["a.npy,0\nz.npy,1\n", "line 2, path", /z\.npy is not an event file of the data set/],
      ["a.npy,0\nREADME.txt,1\n", "line 2, path", /README\.txt is not an event file/],
      ["a.npy,0\n\"b.npy,1\n", "line 2, path", /a quoted field is not closed/],
    ];
    for (const [text, field, message] of cases) {
      const labels = csv("bad.csv", text);
      const r = await cli("evaluate", MODEL, "--input", FLAT, "--labels", labels, "--samples", "0:1", "--arch", "generic", "--out", join(TMP, "never"));
      expect(r.code, text).toBe(1);
      expect(codeOf(r.stderr), text).toBe("E_DATASET_LABEL");
      expect(r.stderr, text).toMatch(message);
      expect(r.stderr, text).toContain(`[file: ${labels}, field: ${field}]`);
    }
  });

  it("a label the output cannot give names the CSV", async () => {
    const labels = csv("big.csv", "a.npy,4\n");
    const r = await cli("evaluate", MODEL, "--input", FLAT, "--labels", labels, "--samples", "0:1", "--arch", "generic", "--out", join(TMP, "never"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_DATASET_LABEL: .*a\.npy is labelled 4, but output .* has 4 neurons/);
    expect(r.stderr).toContain(`[file: ${labels}, field: --labels]`);
  });
});
