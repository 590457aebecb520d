/**
 * compare.svg switches an axis to a log scale when the chips' values span more than two decades; the
 * axis title then says "log scale" (it kept "time (ms)", so bar lengths read as proportional).
 */
import { describe, expect, it } from "vitest";
import { compareFigureSpec, type CompareRow } from "../../../chip/report/formats/compare.ts";

function row(chip: string, energyPj: number, inferenceTimeNs: number): CompareRow {
  return {
    arch: chip, chip, status: "ok", errorMessage: null, coresUsed: 1, coresAvailable: 1, nonInputSpikes: 1, synOps: 1, effectiveACs: 1,
    energyPj, energyPerSynOpPj: energyPj, inferenceTimeNs, inferencesPerSecond: 1e9 / inferenceTimeNs, averagePowerMw: 1,
    footprintBytes: 1, synapseMemoryBytes: 1, activationSparsity: 0, timeModelled: true, timeBasis: "modelled-latency",
  };
}

interface Panel { encoding: { x: { title: string; scale: { type: string } } } }

function axes(rows: CompareRow[]): Panel["encoding"]["x"][] {
  const spec = compareFigureSpec("m", rows) as unknown as { hconcat: Panel[] };
  return spec.hconcat.map((p) => p.encoding.x);
}

describe("compare figure: log axes are titled as such", () => {
  it("says 'log scale' on a log axis and not on a linear one", () => {
    // Energies within a decade (linear), times three decades apart (log).
    const [energy, time] = axes([row("a", 1e6, 1e3), row("b", 2e6, 1e6)]);
    expect(energy.scale.type).toBe("linear");
    expect(energy.title).not.toMatch(/log/);
    expect(time.scale.type).toBe("log");
    expect(time.title).toMatch(/^time \(.+, log scale\)$/);
  });
});
