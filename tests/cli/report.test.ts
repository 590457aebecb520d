/**
 * `aerchip report`, `aerchip rerun` and `aerchip compare` end to end, in process (tests/helpers/cli.ts).
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";
import { renderMarkdown } from "../../chip/report/formats/markdown.ts";
import { COMPARE_CSV_COLUMNS } from "../../chip/report/formats/compare.ts";
import type { RunReport } from "../../chip/report/run-report.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-report-"));
const DEMO = "examples/demo/ei-small.net.json";

async function demoRun(...extra: string[]): Promise<string> {
  const out = tmp();
  const r = await cli("run", DEMO, "--arch", "generic", "--core-neurons", "64", "--out", out, "--quiet", ...extra);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return out;
}

describe("aerchip report", () => {
  it("renders every format; stdout without --out, a file with it", async () => {
    const run = await demoRun();
    const report = JSON.parse(readFileSync(join(run, "report.json"), "utf8")) as RunReport;
    const md = await cli("report", join(run, "report.json"), "--format", "md");
    expect(md.code).toBe(0);
    expect(md.stdout).toBe(renderMarkdown(report));
    expect(report.metrics).toBeDefined();
    for (const [format, ext, marker] of [["csv", "csv", /^run_id,model,chip,[a-z0-9_,]*,entity,id,/], ["latex", "tex", /\\begin\{tabular\}/], ["html", "html", /<svg /], ["json-schema", "schema.json", /"\$schema"/]] as const) {
      const file = join(run, `report.${ext}`);
      const r = await cli("report", join(run, "report.json"), "--format", format, "--out", file);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`wrote ${file}\n`);
      expect(readFileSync(file, "utf8")).toMatch(marker);
    }
    // The raster comes from spikes.json next to report.json.
    expect(readFileSync(join(run, "report.html"), "utf8")).toContain('<figure id="fig-raster">\n<h2>Spike raster</h2>\n<svg ');
    const j = await cli("report", join(run, "report.json"), "--format", "md", "--out", join(run, "r.md"), "--json");
    expect(JSON.parse(j.stdout)).toEqual({ format: "md", out: join(run, "r.md"), bytes: Buffer.byteLength(md.stdout) });
    const q = await cli("report", join(run, "report.json"), "--format", "csv", "--out", join(run, "r.csv"), "--quiet");
    expect(q.stdout).toBe("");
    // json-schema needs no report.
    const s = await cli("report", "--format", "json-schema");
    expect(JSON.parse(s.stdout).title).toBe("aerchip run report, version 1");
  });

  it("an HTML report without spikes.json says so and has no raster", async () => {
    const run = await demoRun();
    const dir = tmp();
    copyFileSync(join(run, "report.json"), join(dir, "report.json"));
    const r = await cli("report", join(dir, "report.json"), "--format", "html", "--out", join(dir, "r.html"));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no .*spikes\.json; the HTML report has no spike raster/);
    expect(readFileSync(join(dir, "r.html"), "utf8")).toContain("No spikes were given");
  });

  it("--spikes with a format other than html is a usage error naming --spikes (exit 2), not silently unused", async () => {
    const run = await demoRun();
    const dir = tmp();
    for (const format of ["md", "csv", "latex", "json-schema"]) {
      const out = join(dir, `r.${format}`);
      const args = format === "json-schema" ? [] : [join(run, "report.json")];
      const r = await cli("report", ...args, "--format", format, "--spikes", join(run, "spikes.json"), "--out", out);
      expect(r.code, format).toBe(2);
      expect(r.stderr).toMatch(/E_CLI_OPTION/);
      expect(r.stderr).toContain("field: --spikes");
      expect(existsSync(out)).toBe(false);
    }
    const html = await cli("report", join(run, "report.json"), "--format", "html", "--spikes", join(run, "spikes.json"), "--out", join(dir, "r.html"), "--quiet");
    expect(html.code, html.stderr).toBe(0);
  });

  it("bad inputs exit 1 with a code, usage errors exit 2", async () => {
    const run = await demoRun();
    const missing = await cli("report", join(run, "nope.json"), "--format", "md");
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringMatching(/E_REPORT_NOT_FOUND/)]);
    const spikes = await cli("report", join(run, "spikes.json"), "--format", "md");
    expect([spikes.code, spikes.stderr]).toEqual([1, expect.stringMatching(/E_REPORT_FORMAT/)]);
    const bad = join(run, "bad.json");
    writeFileSync(bad, readFileSync(join(run, "report.json"), "utf8").slice(0, 200));
    const parse = await cli("report", bad, "--format", "md");
    expect([parse.code, parse.stderr]).toEqual([1, expect.stringMatching(/E_REPORT_PARSE/)]);
    const broken = JSON.parse(readFileSync(join(run, "report.json"), "utf8"));
    broken.totals.counters.synOps = "many";
    writeFileSync(bad, JSON.stringify(broken));
    const invalid = await cli("report", bad, "--format", "md");
    expect([invalid.code, invalid.stderr]).toEqual([1, expect.stringMatching(/E_REPORT_INVALID.*totals\.counters\.synOps/)]);
    const json = await cli("report", join(run, "report.json"), "--format", "md", "--json");
    expect([json.code, json.stderr]).toEqual([2, expect.stringMatching(/E_CLI_OPTION/)]);
    expect((await cli("report", join(run, "report.json"), "--format", "docx")).code).toBe(2);
    expect((await cli("report", join(run, "report.json"))).code).toBe(2);
  });
});

describe("aerchip rerun", () => {
  it("re-runs from the provenance to a byte-identical report.json", async () => {
    const run = await demoRun("--seed", "3", "--placement", "random", "--steps", "120");
    const again = tmp();
    const r = await cli("rerun", join(run, "report.json"), "--out", again);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/byte-identical/);
    expect(readFileSync(join(again, "report.json"))).toEqual(readFileSync(join(run, "report.json")));
    expect(readFileSync(join(again, "spikes.json"))).toEqual(readFileSync(join(run, "spikes.json")));
    const report = JSON.parse(readFileSync(join(run, "report.json"), "utf8")) as RunReport;
    expect(report.provenance.options).toMatchObject({ seed: 3, placement: "random", steps: 120, coreNeurons: 64 });
    // Run from a git checkout: the commit is recorded.
    if (existsSync(".git")) expect(report.provenance.gitCommit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("refuses changed inputs and reports a re-run that differs", async () => {
    const dir = tmp();
    const model = join(dir, "model.json");
    copyFileSync(DEMO, model);
    const out = join(dir, "a");
    expect((await cli("run", model, "--arch", "generic", "--core-neurons", "64", "--placement", "random", "--out", out, "--quiet")).code).toBe(0);
    // A report edited by hand (another seed recorded than the one that made it) re-runs to different numbers.
    const edited = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    edited.provenance.options.seed = 99;
    writeFileSync(join(dir, "edited.json"), `${JSON.stringify(edited, null, 2)}\n`);
    const differs = await cli("rerun", join(dir, "edited.json"), "--out", join(dir, "b"));
    expect(differs.code).toBe(1);
    expect(differs.stderr).toMatch(/E_RERUN_DIFFERS/);
    expect(differs.stderr).toMatch(/totals/);
    // The model changed since the report was made.
    writeFileSync(model, `${readFileSync(model, "utf8")}\n`);
    const changed = await cli("rerun", join(out, "report.json"), "--out", join(dir, "c"));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/E_RERUN_INPUT_CHANGED/);
    expect(existsSync(join(dir, "c", "report.json"))).toBe(false);
  });
});

describe("aerchip compare", () => {
  it("runs one model on several chips; a chip it does not fit on is a row with its error code", async () => {
    const dir = tmp();
    const generic = JSON.parse(readFileSync("chip/spec/presets/generic.json", "utf8"));
    const small = join(dir, "small-chip.json");
    writeFileSync(small, JSON.stringify({ ...generic, name: "small", mesh: { ...generic.mesh, widthTiles: 2, heightTiles: 2, coresPerTile: 1 }, core: { ...generic.core, maxNeurons: 64 } }));
    const out = join(dir, "cmp");
    const r = await cli("compare", DEMO, "--arch", `generic,${small}`, "--out", out, "--steps", "100");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/E_CHIP_CORES_EXCEEDED/);
    const csv = readFileSync(join(out, "compare.csv"), "utf8").trim().split("\n").map((l) => l.split(","));
    expect(csv[0]).toEqual([...COMPARE_CSV_COLUMNS]);
    const col = (c: string) => COMPARE_CSV_COLUMNS.indexOf(c as (typeof COMPARE_CSV_COLUMNS)[number]);
    expect(csv.slice(1).map((row) => [row[col("arch")], row[col("status")]])).toEqual([["generic", "ok"], [small, "E_CHIP_CORES_EXCEEDED"]]);
    // The ok row carries its report's numbers.
    const report = JSON.parse(readFileSync(join(out, "generic", "report.json"), "utf8")) as RunReport;
    expect(Number(csv[1][col("energy_pj")])).toBe(report.totals.energyPj.total);
    expect(Number(csv[1][col("syn_ops")])).toBe(report.totals.counters.synOps);
    expect(readFileSync(join(out, "compare.md"), "utf8")).toMatch(/\| generic \| ok \|/);
    expect(readFileSync(join(out, "compare.tex"), "utf8")).toMatch(/\\toprule/);
    expect(readFileSync(join(out, "compare.svg"), "utf8")).toMatch(/^<svg /);
    // Each chip's run is an ordinary run: it re-runs to the same bytes.
    const again = join(dir, "again");
    const rr = await cli("rerun", join(out, "generic", "report.json"), "--out", again, "--quiet");
    expect(rr.code, rr.stderr).toBe(0);
    expect(readFileSync(join(again, "report.json"))).toEqual(readFileSync(join(out, "generic", "report.json")));
  });

  it("--json prints the rows; no chip running at all is an error", async () => {
    const dir = tmp();
    const r = await cli("compare", DEMO, "--arch", "generic", "--out", join(dir, "a"), "--steps", "50", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rows.map((x: { arch: string; status: string }) => [x.arch, x.status])).toEqual([["generic", "ok"]]);
    const generic = JSON.parse(readFileSync("chip/spec/presets/generic.json", "utf8"));
    const tiny = join(dir, "tiny-chip.json");
    // Enough neuron slots (a model over every chip's slots is refused before any chip runs, compiler/core-capacity.ts),
    // too few input axons per core: each chip's compile fails, a row each.
    writeFileSync(tiny, JSON.stringify({ ...generic, name: "tiny", mesh: { ...generic.mesh, widthTiles: 1, heightTiles: 1, coresPerTile: 1 }, core: { ...generic.core, maxInputAxons: 8 } }));
    const none = await cli("compare", DEMO, "--arch", `${tiny},${tiny}`, "--out", join(dir, "b"), "--quiet");
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/E_COMPARE_NOTHING_RAN/);
    expect(existsSync(join(dir, "b", "compare.csv"))).toBe(true);
  });

  it("an unknown preset or an invalid chip spec file in --arch fails before any chip runs", async () => {
    const dir = tmp();
    const bad = join(dir, "bad-chip.json");
    writeFileSync(bad, JSON.stringify({ format: "aerchip-chip-spec", version: 1, name: "bad" }));
    for (const [arch, code] of [["generic,nosuchchip", /E_SPEC_NOT_FOUND/], [`generic,${bad}`, /E_SPEC_/]] as const) {
      const out = join(dir, `o-${code.source.length}`);
      const r = await cli("compare", DEMO, "--arch", arch, "--out", out, "--steps", "20", "--quiet");
      expect(r.code, arch).toBe(1);
      expect(r.stderr).toMatch(code);
      expect(existsSync(out), `${arch}: nothing ran or was written`).toBe(false);
    }
  });
});

describe.skipIf(!HAS_SHARED)(`rerun of a NIR run ${SKIP_MSG}`, () => {
  it("snntorch_dense_lif with its input re-runs to a byte-identical report", async () => {
    const out = tmp();
    const base = sharedPath("fixtures/nir/snntorch/snntorch_dense_lif");
    const r = await cli("run", `${base}.nir`, "--input", `${base}.input.npy`, "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const again = tmp();
    const rr = await cli("rerun", join(out, "report.json"), "--out", again);
    expect(rr.code, rr.stderr).toBe(0);
    expect(readFileSync(join(again, "report.json"))).toEqual(readFileSync(join(out, "report.json")));
    // And its HTML report draws the NIR nodes' spikes.
    const html = await cli("report", join(out, "report.json"), "--format", "html", "--out", join(out, "r.html"));
    expect(html.code, html.stderr).toBe(0);
    expect(readFileSync(join(out, "r.html"), "utf8")).toMatch(/spikes of 2 population\(s\)/);
  });

  it("compare runs a NIR graph with its input on several chips", async () => {
    const out = tmp();
    const base = sharedPath("fixtures/nir/snntorch/snntorch_dense_lif");
    const r = await cli("compare", `${base}.nir`, "--input", `${base}.input.npy`, "--arch", "generic", "--out", out, "--json");
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout).rows as Array<{ arch: string; status: string; modelLayerSpikes: number | null }>;
    expect(rows.map((x) => [x.arch, x.status])).toEqual([["generic", "ok"]]);
    const report = JSON.parse(readFileSync(join(out, "generic", "report.json"), "utf8")) as RunReport;
    // The model's layers: not the inputs, nor the front end's constant-drive source (__nir_bias).
    expect(rows[0].modelLayerSpikes).toBe(report.perPopulation.filter((p) => p.kind !== "input" && !p.name.startsWith("__")).reduce((a, p) => a + p.spikes, 0));
    expect(report.provenance.inputs.map((i) => i.role)).toEqual(["model", "input"]);
  });
});
