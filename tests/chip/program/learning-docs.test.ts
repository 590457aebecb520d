/**
 * docs/learning.md states what the engine computes (audit s24b #4, #11):
 *   - §3's table defines the four S-TLLR Ψ(u, θ) (they were named but never defined): each row's peak Ψ(θ) and
 *     half width at half maximum are checked against chip/program/named-rules.ts STLLR_PSI;
 *   - §5 gives the default add-trace LSB as impulse/2^max(0, bits − 3) (the engine's formula,
 *     chip/program/trace-grid.ts), not impulse/2^(bits−3), which is 2 or 4 impulses for bits 2 or 1.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { STLLR_PSI, type StllrPsi } from "../../../chip/program/named-rules.ts";
import { traceLsb } from "../../../chip/program/trace-grid.ts";

const doc = readFileSync("docs/learning.md", "utf8");

describe("docs/learning.md and the engine", () => {
  it("defines every Ψ of STLLR_PSI with its peak and half width", () => {
    const theta = 1.25;
    for (const name of Object.keys(STLLR_PSI) as StllrPsi[]) {
      const row = doc.split("\n").find((l) => l.trim().startsWith(`| \`${name}\``));
      expect(row, name).toBeDefined();
      const cells = row!.split(/(?<!\\)\|/).map((c) => c.trim());
      // cells: "", name, formula, peak, half width, source, ""
      const peak = Number(cells[3]);
      const hw = Number(/([0-9.]+)$/.exec(cells[4])![1]);
      const psi = STLLR_PSI[name];
      expect(psi(theta, theta), name).toBe(peak);
      expect(psi(theta + hw, theta) / peak, name).toBeCloseTo(0.5, 2);
      expect(psi(theta - hw, theta) / peak, name).toBeCloseTo(0.5, 2);
    }
  });

  it("gives the engine's default add-trace LSB, impulse/2^max(0, bits − 3)", () => {
    expect(doc).toContain("impulse/2^max(0, bits − 3) for `add` traces");
    expect(doc).not.toMatch(/impulse\/2\^\(bits\s*[−-]\s*3\)/);
    for (const bits of [1, 2, 3, 4, 8]) {
      expect(traceLsb({ trace: "x1", decay: 0.9, impulse: 1, mode: "add", input: "spike", bits })).toBe(1 / 2 ** Math.max(0, bits - 3));
    }
  });
});
