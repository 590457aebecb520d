/**
 * Re-audit s16 item 9: the LaTeX labels of an overridden chip ("<chip>*") carry the first 6 hex digits of
 * the chip spec's SHA-256, so two different overrides of one model and chip (--core-neurons 64 and
 * --tick-period-us 100 on loihi both gave "loihi-mod") no longer collide in one paper.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RunReport } from "../../../chip/report/run-report.ts";
import { renderLatex } from "../../../chip/report/formats/latex.ts";

describe("LaTeX labels of an overridden chip", () => {
  it("two different overrides of one model and chip get different LaTeX labels; the same overrides the same", () => {
    // Re-audit s16 item 9: --core-neurons 64 and --tick-period-us 100 on loihi both gave "loihi-mod".
    const r = JSON.parse(readFileSync("tests/golden/report/known-rates.report.json", "utf8")) as RunReport;
    const withSpec = (sha: string | undefined): RunReport => ({ ...r, chip: { ...r.chip, specSha256: sha } });
    const labels = (x: RunReport) => [...renderLatex(x).matchAll(/\\label\{([^}]+)\}/g)].map((m) => m[1]);
    const a = labels(withSpec("964ef96b5b6c21a92b5e413bcfafd54c0593e6eb0db6cccde6011478d4c52e10"));
    const b = labels(withSpec("d7170e936246eeb0afb333a7d81f221dea2c98bf64eb41ec1161691d069e5b16"));
    expect(a).toContain("tab:aerchip-known-rates-generic-mod-964ef9-summary");
    expect(b).toContain("tab:aerchip-known-rates-generic-mod-d7170e-summary");
    expect(a.filter((l) => b.includes(l))).toEqual([]);
    expect(labels(withSpec("964ef96b5b6c21a92b5e413bcfafd54c0593e6eb0db6cccde6011478d4c52e10"))).toEqual(a);
    // A report without the spec hash (older versions) keeps the plain "-mod".
    expect(labels(withSpec(undefined))).toContain("tab:aerchip-known-rates-generic-mod-summary");
  });
});
