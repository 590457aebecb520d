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
    const tex = readFileSync(join(out, "compare.tex"), "utf8");
    expect(tex).toMatch(/^\s*generic & ok &/m);
    expect(tex).toMatch(/^\s*generic \(.*generic\.json\) & ok &/m);
    const svg = readFileSync(join(out, "compare.svg"), "utf8");
    expect(svg).toContain(label);
    const doc = JSON.parse(readFileSync(join(out, "compare.json"), "utf8")) as { rows: Array<{ arch: string; chip: string }> };
    expect(doc.rows.map((x) => [x.arch, x.chip])).toEqual([["generic", "generic"], [copy, "generic"]]);
  }, 60_000);
});
