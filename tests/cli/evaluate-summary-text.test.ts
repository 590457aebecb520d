/**
 * evaluate's terminal summary (cli/commands/evaluate.ts datasetSummaryText): the item / value table is
 * left-aligned, so a long value (the warnings row) does not push every other value to the right
 * (audit-s19 F5: ~150 spaces before each value).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evaluateIf4Once } from "../helpers/nir-dataset.ts";
import { datasetSummaryText } from "../../cli/commands/evaluate.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-eval-summary-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe("evaluate summary text", () => {
  it("values start right after the item column, however long the warnings are", async () => {
    const d = await evaluateIf4Once(TMP);
    const text = datasetSummaryText({ ...d, warnings: [`W_TEST: ${"a long warning ".repeat(15)}`] });
    const model = text.split("\n").find((l) => l.startsWith("Model"))!;
    // The widest item ("Timing model; precision; seed", 29 characters) plus the 2-space gap.
    expect(model.indexOf(d.model)).toBeLessThanOrEqual(31);
  });
});
