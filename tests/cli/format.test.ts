/**
 * The terminal summary's number formats (cli/format.ts): engineering units with six significant digits,
 * an exact zero without trailing zeros, thousands separators, aligned columns.
 */
import { describe, expect, it } from "vitest";
import { fmtEnergyPj, fmtInt, fmtTimeNs, table } from "../../cli/format.ts";

describe("terminal formats", () => {
  it("energies in the largest unit they reach, six significant digits", () => {
    expect(fmtEnergyPj(1.53984e9)).toBe("1.53984 mJ");
    expect(fmtEnergyPj(379276400)).toBe("379.276 µJ");
    expect(fmtEnergyPj(379276.4)).toBe("379.276 nJ");
    expect(fmtEnergyPj(2500)).toBe("2.50000 nJ");
    expect(fmtEnergyPj(12.5)).toBe("12.5000 pJ");
    expect(fmtEnergyPj(0.25)).toBe("0.250000 pJ");
    expect(fmtEnergyPj(3e12)).toBe("3.00000 J");
  });

  it("an exact zero is '0' in the base unit", () => {
    expect(fmtEnergyPj(0)).toBe("0 pJ");
    expect(fmtTimeNs(0)).toBe("0 ns");
  });

  it("durations in ns, µs, ms or s", () => {
    expect(fmtTimeNs(894192)).toBe("894.192 µs");
    expect(fmtTimeNs(894.192)).toBe("894.192 ns");
    expect(fmtTimeNs(1.5e7)).toBe("15.0000 ms");
    expect(fmtTimeNs(2e9)).toBe("2.00000 s");
  });

  it("integers with thousands separators, rounded", () => {
    expect(fmtInt(16071000)).toBe("16,071,000");
    expect(fmtInt(999)).toBe("999");
    expect(fmtInt(1234.6)).toBe("1,235");
  });

  it("tables: the first column left, the others right, a rule under the header", () => {
    expect(table([["spikes", "160,710"], ["packets", "12,788,077"]], ["count", "total"])).toBe(
      ["count         total", "-------  ----------", "spikes      160,710", "packets  12,788,077"].join("\n"),
    );
  });
});
