/**
 * LaTeX's default OT1 text encoding has no glyphs for "|", "<" and ">" (they typeset as an em dash, "¡" and
 * "¿"), so a header such as "|Δw|" or a note "p < 0.5" came out wrong in a paper's table (seen with the sweep's
 * learning columns). latexEscape spells them as \textbar, \textless, \textgreater.
 */
import { describe, expect, it } from "vitest";
import { latexEscape } from "../../../chip/report/formats/latex.ts";

describe("latexEscape: characters OT1 has no glyph for", () => {
  it("spells out |, < and >, leaving the rest of the text alone", () => {
    expect(latexEscape("mean |Δw| < 0.5 > 0")).toBe("mean \\textbar{}\\ensuremath{\\Delta}w\\textbar{} \\textless{} 0.5 \\textgreater{} 0");
  });
  it("leaves no raw |, < or > in any escaped text", () => {
    const escaped = latexEscape("a|b<c>d || << >>");
    expect(escaped).not.toMatch(/[|<>]/);
  });
});
