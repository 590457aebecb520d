/**
 * LaTeX provenance cells: a 64-digit SHA-256 (or a 40-digit git commit) is one word that TeX cannot
 * hyphenate, so in a p{0.45\linewidth} cell it ran into the margin. Hex runs get \allowbreak{} every
 * 8 digits; the printed digits are unchanged, and short hex-looking words are left alone.
 */
import { describe, expect, it } from "vitest";
import { latexCell } from "../../../chip/report/formats/latex.ts";

const SHA = "bcae80aa4a12df4ab62c6dd870cd35ca56f182126d2671d9162d5e60b0e289fa";

describe("latexCell breaks long hex runs", () => {
  it("puts a break point every 8 digits of a SHA-256, keeping the digits", () => {
    const out = latexCell(`model.json (SHA-256 ${SHA})`);
    expect(out.replaceAll("\\allowbreak{}", "")).toBe(`model.json (SHA-256 ${SHA})`);
    expect(out).not.toMatch(/[0-9a-f]{9}/);
    expect(out.split("\\allowbreak{}")).toHaveLength(8);
  });

  it("leaves short hex words and escapes alone", () => {
    expect(latexCell("deadbeef cafe_1")).toBe("deadbeef cafe\\_1");
  });
});
