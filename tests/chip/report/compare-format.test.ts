/**
 * compare's outputs (audit-docs finding 19 and the compare.svg item of 24): the chips that did not run are
 * listed one per item in compare.md and separated by "; " in the table note, so their messages cannot run
 * together; the energy-per-SOP column says it is the total energy per SOP and the note defines it; a log
 * axis of compare.svg says "log scale" in its title.
 */
import { describe, expect, it } from "vitest";
import { NOT_MODELLED } from "../../../chip/report/formats/cells.ts";
import { chipDirName, compareCsv, compareFigureSpec, compareLabels, compareRows, COMPARE_CSV_COLUMNS, compareMarkdown, compareTable, ENERGY_PER_SOP_HEADER, type CompareRow } from "../../../chip/report/formats/compare.ts";

function ok(arch: string, energyPj: number, inferenceTimeNs: number): CompareRow {
  return {
    arch, dir: arch, chip: arch, label: arch, status: "ok", errorMessage: null, coresUsed: 1, coresAvailable: 128, modelLayerSpikes: 10, synOps: 100, effectiveACs: 90,
    energyPj, energyPerSynOpPj: energyPj / 100, inferenceTimeNs, inferencesPerSecond: 1e9 / inferenceTimeNs, averagePowerMw: 1,
    footprintBytes: 1000, synapseMemoryBytes: 2000, activationSparsity: 0.9, timeModelled: true, timeBasis: "modelled-latency",
  };
}

function failed(arch: string, code: string, message: string): CompareRow {
  return {
    arch, dir: null, chip: null, label: arch, status: code, errorMessage: message, coresUsed: null, coresAvailable: null, modelLayerSpikes: null, synOps: null,
    effectiveACs: null, energyPj: null, energyPerSynOpPj: null, inferenceTimeNs: null, inferencesPerSecond: null, averagePowerMw: null,
    footprintBytes: null, synapseMemoryBytes: null, activationSparsity: null, timeModelled: null, timeBasis: null,
  };
}

const ROWS = [
  ok("loihi", 16e6, 1.2e6),
  failed("truenorth", "E_CORE_FANOUT_EXCEEDED", 'neuron 0 of "in" sends to 4 cores; chip "truenorth" allows 1'),
  failed("odin", "E_CORE_DELAY_EXCEEDED", 'synapse 3 needs a delay of 2 ticks; chip "odin" holds at most 1'),
];

describe("compare outputs", () => {
  it("compare.md lists each chip that did not run as its own item", () => {
    const md = compareMarkdown("m", compareTable("m", ROWS), ROWS);
    const items = md.split("\n").filter((l) => l.startsWith("- "));
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/^- truenorth: `E_CORE_FANOUT_EXCEEDED` .*allows 1$/);
    expect(items[1]).toMatch(/^- odin: `E_CORE_DELAY_EXCEEDED` .*at most 1$/);
  });

  it("the table note (LaTeX caption) separates the chips that did not run with '; '", () => {
    const note = compareTable("m", ROWS).note ?? "";
    expect(note).toContain('allows 1); odin: E_CORE_DELAY_EXCEEDED (');
  });

  it("the energy-per-SOP column is named and defined as total energy ÷ SOPs", () => {
    const t = compareTable("m", ROWS);
    expect(t.columns.map((c) => c.header)).toContain(ENERGY_PER_SOP_HEADER);
    expect(ENERGY_PER_SOP_HEADER).toMatch(/^Total energy/);
    expect(t.note).toMatch(/total energy\/SOP = total energy \(.*static\) ÷ SOPs/);
    expect(compareMarkdown("m", t, ROWS)).toMatch(/total energy\/SOP = total energy/);
  });

  it("two chips of one spec name (a preset and an edited copy) get distinct labels in the table and the figure (audit s22b #13)", () => {
    const copy = { ...ok("gs/generic.json", 3e6, 1e3), chip: "generic" };
    const rows = [ok("generic", 1e6, 1e3), copy, ok("loihi", 2e6, 1e3)];
    expect(compareLabels(rows)).toEqual(["generic", "generic (gs/generic.json)", "loihi"]);
    expect(compareTable("m", rows).rows.map((r) => r[0])).toEqual(["generic", "generic (gs/generic.json)", "loihi"]);
    type Panel = { data: { values: Array<{ chip: string }> }; encoding: { y: { sort: string[] } } };
    const panels = (compareFigureSpec("m", rows) as unknown as { hconcat: Panel[] }).hconcat;
    for (const p of panels) {
      expect(p.data.values.map((v) => v.chip)).toEqual(["generic", "generic (gs/generic.json)", "loihi"]);
      expect(p.encoding.y.sort).toEqual(["generic", "generic (gs/generic.json)", "loihi"]);
    }
    // Two copies of one name, and one --arch item given twice: still one label each.
    expect(compareLabels([{ ...copy, arch: "a/generic.json" }, { ...copy, arch: "b/generic.json" }])).toEqual(["generic (a/generic.json)", "generic (b/generic.json)"]);
    expect(compareLabels([ok("generic", 1, 1), ok("generic", 1, 1)])).toEqual(["generic", "generic #2"]);
    // A spec file of the same base name in between takes generic-2/: the second preset is in generic-3/,
    // and its label says #3 (audit s23b #2: it said "generic #2", the spec file's directory).
    expect(compareLabels([ok("generic", 1, 1), copy, ok("generic", 1, 1)])).toEqual(["generic", "generic (gs/generic.json)", "generic #3"]);
    const taken = new Set<string>();
    expect(["generic", "gs/generic.json", "generic"].map((a) => chipDirName(a, taken))).toEqual(["generic", "generic-2", "generic-3"]);
    // Names that differ are left as they are.
    expect(compareLabels(ROWS)).toEqual(["loihi", "truenorth", "odin"]);
  });

  it("a chip that did not run has timeModelled null in compare.json, as its empty time_modelled cell in compare.csv (audit s23b #4)", () => {
    const [row] = compareRows([{ arch: "odin", status: "error", code: "E_CHIP_CORES_EXCEEDED", message: "too big" }]);
    expect(row).toMatchObject({ arch: "odin", dir: null, timeModelled: null, inferenceTimeNs: null });
    const csv = compareCsv([row!, ok("loihi", 1, 1)]).trimEnd().split("\n").map((l) => l.split(","));
    const col = COMPARE_CSV_COLUMNS.indexOf("time_modelled");
    expect([csv[1]![col], csv[2]![col]]).toEqual(["", "true"]);
    expect([csv[1]![COMPARE_CSV_COLUMNS.indexOf("dir")], csv[2]![COMPARE_CSV_COLUMNS.indexOf("dir")]]).toEqual(["", "loihi"]);
    // The table shows "–" (did not run) for its time, not "not modelled".
    expect(compareTable("m", [row!]).rows[0]).not.toContain(NOT_MODELLED);
  });

  it("a log-scale axis of compare.svg says so in its title; a linear one does not", () => {
    type Panel = { encoding: { x: { title: string; scale: { type: string } } } };
    const panels = (rows: CompareRow[]) => (compareFigureSpec("m", rows) as unknown as { hconcat: Panel[] }).hconcat.map((p) => p.encoding.x);
    const wide = panels([ok("a", 1e6, 1e3), ok("b", 1e9, 1e6)]);
    expect(wide.map((x) => [x.scale.type, x.title])).toEqual([["log", "energy (mJ, log scale)"], ["log", "time (ms, log scale)"]]);
    const narrow = panels([ok("a", 1e6, 1e3), ok("b", 2e6, 2e3)]);
    expect(narrow.map((x) => [x.scale.type, x.title])).toEqual([["linear", "energy (µJ)"], ["linear", "time (µs)"]]);
  });
});
