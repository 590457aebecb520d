/**
 * evaluate's terminal summary (cli/commands/evaluate.ts datasetSummaryText): the item / value table is
 * left-aligned, so a long value (the warnings row) does not push every other value to the right
 * (audit-s19 F5: ~150 spaces before each value).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { writeIf4Nir } from "../helpers/nir-dataset.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import { datasetSummaryText } from "../../cli/commands/evaluate.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-eval-summary-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe("evaluate summary text", () => {
  it("values start right after the item column, however long the warnings are", async () => {
    const nir = join(TMP, "if4.nir");
    await writeIf4Nir(nir);
    mkdirSync(join(TMP, "data", "1"), { recursive: true });
    writeFileSync(join(TMP, "data", "1", "a.csv"), "x,y,t,p\n0,0,100,1\n1,0,2200,0\n");
    const out = join(TMP, "eval");
    const r = await cli("evaluate", nir, "--input", join(TMP, "data"), "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;
    const text = datasetSummaryText({ ...d, warnings: [`W_TEST: ${"a long warning ".repeat(15)}`] });
    const model = text.split("\n").find((l) => l.startsWith("Model"))!;
    // The widest item ("Timing model; precision; seed", 29 characters) plus the 2-space gap.
    expect(model.indexOf(d.model)).toBeLessThanOrEqual(31);
  });
});
