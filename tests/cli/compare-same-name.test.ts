/**
 * `aerchip compare` of a preset and an edited copy of its spec file (which keeps the spec's name, as the spec
 * hint suggests: "start from `aerchip presets` and edit a preset"): every rendering tells the two rows apart
 * (audit s22b #13); compare.csv/.json keep `arch` and `chip` as they are.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

const DEMO = "examples/demo/ei-small.net.json";

describe("compare: two chips of one spec name", () => {
  it("labels the edited copy by its --arch item in the printed table, compare.md, compare.tex and compare.svg", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-compare-name-"));
    const spec = JSON.parse(readFileSync(resolve("chip/spec/presets/generic.json"), "utf8")) as { name: string; costs: { energyNeuronUpdatePj: { value: number } } };
    expect(spec.name).toBe("generic");
    spec.costs.energyNeuronUpdatePj.value = 500;
    const copy = join(dir, "generic.json");
    writeFileSync(copy, JSON.stringify(spec));
    const out = join(dir, "out");
    const r = await cli("compare", DEMO, "--arch", `generic,${copy}`, "--steps", "5", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const label = `generic (${copy})`;
    const printed = r.stdout.split("\n").filter((l) => l.startsWith("generic"));
    expect(printed).toHaveLength(2);
    expect(printed[0]).toMatch(/^generic +ok /);
    expect(printed[1].startsWith(`${label} `)).toBe(true);
    const md = readFileSync(join(out, "compare.md"), "utf8");
    expect(md).toContain("| generic | ok |");
    expect(md).toContain(`| ${label.replace(/_/g, "\\_")} | ok |`);
    // A wrapping chip column (a long path) has cells "\raggedright\arraybackslash …" with break points (formats/latex-layout.ts).
    const tex = readFileSync(join(out, "compare.tex"), "utf8").replaceAll("\\raggedright\\arraybackslash ", "").replaceAll("\\allowbreak{}", "");
    expect(tex).toMatch(/^\s*generic & ok &/m);
    expect(tex).toMatch(/^\s*generic \(.*generic\.json\) & ok &/m);
    const svg = readFileSync(join(out, "compare.svg"), "utf8");
    expect(svg).toContain(label);
    const doc = JSON.parse(readFileSync(join(out, "compare.json"), "utf8")) as { rows: Array<{ arch: string; chip: string }> };
    expect(doc.rows.map((x) => [x.arch, x.chip])).toEqual([["generic", "generic"], [copy, "generic"]]);
  }, 60_000);

  it("numbers a preset given twice by its directory when a spec file of the same base name comes between, and writes each row's dir (audit s23b #2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-compare-dir-"));
    const copy = join(dir, "generic.json");
    writeFileSync(copy, readFileSync(resolve("chip/spec/presets/generic.json")));
    const out = join(dir, "out");
    const r = await cli("compare", DEMO, "--arch", `generic,${copy},generic`, "--steps", "5", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, "compare.json"), "utf8")) as { rows: Array<{ arch: string; dir: string }> };
    expect(doc.rows.map((x) => [x.arch, x.dir])).toEqual([["generic", "generic"], [copy, "generic-2"], ["generic", "generic-3"]]);
    // generic-2/ holds the spec file's run, generic-3/ the second preset's.
    const archOf = (d: string): string => (JSON.parse(readFileSync(join(out, d, "report.json"), "utf8")) as { provenance: { options: { arch: string } } }).provenance.options.arch;
    expect(["generic", "generic-2", "generic-3"].map(archOf)).toEqual(["generic", copy, "generic"]);
    const md = readFileSync(join(out, "compare.md"), "utf8");
    expect(md).toContain("| generic #3 | ok |");
    expect(md).not.toContain("generic #2");
    const csv = readFileSync(join(out, "compare.csv"), "utf8").trimEnd().split("\n").map((l) => l.split(","));
    expect(csv.slice(1).map((l) => l[csv[0]!.indexOf("dir")])).toEqual(["generic", "generic-2", "generic-3"]);
  }, 60_000);
});
