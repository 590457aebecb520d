/**
 * dataset.md / dataset.tex "Activity over the data set" (chip/report/formats/dataset.ts, audit s19 B9):
 * "Spikes per inference" is printed as the whole-number columns beside it — grouped whole numbers for a
 * whole value or one of 1,000 or more (5,163 and 150, not 5163 and 150.0), 4 significant digits for a
 * smaller fraction — as the per-inference table's count rows are.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evaluateIf4Once } from "../../helpers/nir-dataset.ts";
import type { DatasetDocument } from "../../../chip/report/dataset.ts";
import { datasetLatex, datasetMarkdown } from "../../../chip/report/formats/dataset.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-activity-format-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe("Activity over the data set: Spikes per inference", () => {
  it("5,163 and 150 (grouped, whole) beside 2.667 (a fraction), in Markdown and LaTeX", async () => {
    const d = await evaluateIf4Once(TMP);
    const p0 = d.summary.populations[0];
    const pops = [
      { ...p0, name: "big", spikes: 5163, meanSpikesPerInference: 5163 },
      { ...p0, name: "small", spikes: 150, meanSpikesPerInference: 150 },
      { ...p0, name: "frac", spikes: 8, meanSpikesPerInference: 8 / 3 },
    ];
    const doc: DatasetDocument = { ...d, summary: { ...d.summary, populations: pops } };
    const md = datasetMarkdown(doc);
    expect(md).toMatch(/^\| big \| [^|]+ \| 5,163 \| 5,163 \|/m);
    expect(md).toMatch(/^\| small \| [^|]+ \| 150 \| 150 \|/m);
    expect(md).toMatch(/^\| frac \| [^|]+ \| 8 \| 2\.667 \|/m);
    const tex = datasetLatex(doc);
    expect(tex).toMatch(/^ {4}big & [^&]+ & 5,163 & 5,163 &/m);
    expect(tex).toMatch(/^ {4}small & [^&]+ & 150 & 150 &/m);
    // The synaptic-ops columns of the same table follow the same rule (audit-s19 F9): 2,676 beside 2,666, not 2676.
    const ops = [{ ...p0, name: "opsbig", meanEffectiveSynOpsIn: 2676, meanDenseSynOpsIn: 430000 }, { ...p0, name: "opsfrac", meanEffectiveSynOpsIn: 12.5, meanDenseSynOpsIn: 40 }];
    const md2 = datasetMarkdown({ ...d, summary: { ...d.summary, populations: ops } });
    expect(md2).toMatch(/^\| opsbig \|.*\| 2,676 \| 430,000 \|$/m);
    expect(md2).toMatch(/^\| opsfrac \|.*\| 12\.50? \| 40 \|$/m);
  });
});
