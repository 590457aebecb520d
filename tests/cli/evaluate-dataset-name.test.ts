/**
 * The tables of `aerchip evaluate` (dataset.md, dataset.tex, evaluate-compare.md/.tex) name the data set by
 * its own name, not by the --input path as given: an absolute local path (/tmp/…/ds, /home/me/…) does not
 * belong in a paper's table (audit F12). dataset.json keeps the path as given (dataset.path, provenance).
 * Fixture (as tests/cli/evaluate.test.ts): input[4] → Linear (diagonal 2) → IF[4] → output; 2 samples.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy, writeIf4Nir } from "../helpers/nir-dataset.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import { datasetDisplayName } from "../../chip/report/formats/dataset-name.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-dataset-name-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = join(TMP, "if4.nir");
const DATA = join(TMP, "local", "my_set");

beforeAll(async () => {
  await writeIf4Nir(MODEL);
  for (const c of ["0", "1"]) {
    mkdirSync(join(DATA, c), { recursive: true });
    spikesNpy(join(DATA, c, "s.npy"), 3, 4, [[0, Number(c)]]);
  }
});

describe("the data set's name in the tables", () => {
  it("datasetDisplayName: the last component of the path", () => {
    expect(datasetDisplayName("/tmp/x/ds")).toBe("ds");
    expect(datasetDisplayName("/tmp/x/ds/")).toBe("ds");
    expect(datasetDisplayName("data/shd_test.h5")).toBe("shd_test.h5");
    expect(datasetDisplayName("C:\\data\\N-MNIST\\Test")).toBe("Test");
    expect(datasetDisplayName("Test")).toBe("Test");
    expect(datasetDisplayName(".")).toBe(".");
    expect(datasetDisplayName("/")).toBe("/");
  });

  it("dataset.md and dataset.tex print my_set, not the absolute path; dataset.json keeps it", async () => {
    const out = join(TMP, "out");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(out, "dataset.md"), "utf8");
    // A wrapping (p{}) cell starts with \raggedright\arraybackslash and may hold break points (formats/latex-layout.ts).
    const tex = readFileSync(join(out, "dataset.tex"), "utf8").replaceAll("\\raggedright\\arraybackslash ", "").replaceAll("\\allowbreak{}", "");
    expect(md).toMatch(/\| Data set \| my\\?_set \(directory\): 2 of 2 samples \|/);
    expect(tex).toMatch(/Data set & my\\_set \(directory\): 2 of 2 samples/);
    for (const text of [md, tex]) expect(text).not.toContain("aerchip-dataset-name-");
    expect(md).not.toContain(join("local", "my"));
    const d = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;
    expect(d.dataset.path).toBe(DATA);
    expect(d.provenance.inputs.find((i) => i.role === "dataset")?.path).toBe(DATA);
  });

  it("a path with no name of its own (DIR/. or \".\") is named by the directory it resolves to (audit-s18 F4)", async () => {
    const out = join(TMP, "dot");
    const r = await cli("evaluate", MODEL, "--input", `${DATA}/.`, "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, "dataset.md"), "utf8")).toMatch(/\| Data set \| my\\?_set \(directory\)/);
    const d = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;
    expect(d.dataset.name).toBe("my_set");
    expect(datasetDisplayName(".", "my_set")).toBe("my_set");
  });

  it("evaluate-compare.md and .tex over several chips too", async () => {
    const out = join(TMP, "multi");
    const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic,loihi", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    for (const f of ["evaluate-compare.md", "evaluate-compare.tex"]) {
      const text = readFileSync(join(out, f), "utf8");
      expect(text, f).toMatch(/over my\\?_set on 2 chips/);
      expect(text, f).not.toContain(join("local", "my"));
    }
  });
});
