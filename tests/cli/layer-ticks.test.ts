/**
 * `aerchip run --per-layer-ticks` (cli/layer-ticks-out.ts): layer-ticks.csv beside report.json reconciles
 * with it exactly (JSON model with delays; a NIR conv graph; a compiled program), report.json and
 * spikes.json are unchanged by the option but for provenance.options.perLayerTicks, the file is part of
 * the all-or-none output set, too many rows are refused before the run, and `rerun` writes and compares it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import { LAYER_TICK_ENGINE_COLUMNS, type EngineColumn, type LayerTickCounts } from "../../chip/report/layer-ticks.ts";
import { expectReconciles, TWO_PLASTIC_POPULATIONS_MODEL } from "../helpers/layer-ticks.ts";
import { MAX_LAYER_TICK_ROWS } from "../../core/run-limits.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-layer-ticks-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const EI = resolve("examples/demo/ei-small.net.json");

const codeOf = (stderr: string): string | undefined => /\b(E_[A-Z0-9_]+):/.exec(stderr)?.[1];

/** layer-ticks.csv back into counts (population names here have no commas or quotes). */
function parseCsv(text: string, populations: readonly string[], steps: number): LayerTickCounts {
  const lines = text.trimEnd().split("\n");
  const all = lines[0].split(",");
  // denseOpsIn is the last column (after the engine's; audit s24c #8).
  expect(all[all.length - 1]).toBe("denseOpsIn");
  const header = all.slice(0, -1);
  expect(header.slice(0, 5).join(",")).toBe("tick,population,spikes,synOpsOut,synOpsIn");
  expect(header.slice(5)).toEqual(LAYER_TICK_ENGINE_COLUMNS.slice(0, header.length - 5));
  const P = populations.length;
  expect(lines).toHaveLength(1 + steps * P);
  const spikes = new Float64Array(steps * P);
  const synOpsOut = new Float64Array(steps * P);
  const synOpsIn = new Float64Array(steps * P);
  const engine = header.slice(5).map((name) => [name as EngineColumn, new Float64Array(steps * P)] as const);
  const denseOpsInPerTick = new Float64Array(P);
  lines.slice(1).forEach((l, i) => {
    const [t, pop, s, o, n, ...rest] = l.split(",");
    const more = rest.slice(0, -1);
    expect([Number(t), pop]).toEqual([Math.floor(i / P), populations[i % P]]);
    expect(more).toHaveLength(engine.length);
    spikes[i] = Number(s); synOpsOut[i] = Number(o); synOpsIn[i] = Number(n);
    more.forEach((x, k) => { engine[k][1][i] = Number(x); });
    // The same in every tick: the first tick's value, checked against every later one.
    const d = Number(rest[rest.length - 1]);
    if (i < P) denseOpsInPerTick[i] = d;
    else expect(d).toBe(denseOpsInPerTick[i % P]);
  });
  return { steps, populations, spikes, synOpsOut, synOpsIn, engine, denseOpsInPerTick };
}

function readRun(out: string): { r: RunReport; c: LayerTickCounts } {
  const r = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;
  const c = parseCsv(readFileSync(join(out, "layer-ticks.csv"), "utf8"), r.perPopulation.map((p) => p.name), r.steps);
  return { r, c };
}

describe("run --per-layer-ticks", () => {
  it("JSON model with delays: the file reconciles with report.json, which is unchanged but for provenance", async () => {
    const a = join(TMP, "ei-a");
    const b = join(TMP, "ei-b");
    expect((await cli("run", EI, "--arch", "loihi", "--steps", "80", "--out", a, "--quiet", "--per-layer-ticks")).code).toBe(0);
    expect((await cli("run", EI, "--arch", "loihi", "--steps", "80", "--out", b, "--quiet")).code).toBe(0);
    const { r, c } = readRun(a);
    expect(r.totals.counters.synOps).toBeGreaterThan(0);
    // The engine's neuron columns, no learning ones (the model does not learn); Σ = report.json's counters.
    expect((c.engine ?? []).map(([name]) => name)).toEqual(["neuronAccesses", "neuronUpdates", "neuronUpdatesWithInput"]);
    expectReconciles(c, r);
    expect(r.provenance.options.perLayerTicks).toBe(true);
    expect(existsSync(join(b, "layer-ticks.csv"))).toBe(false);
    const plain = JSON.parse(readFileSync(join(b, "report.json"), "utf8")) as RunReport;
    expect("perLayerTicks" in plain.provenance.options).toBe(false);
    const { perLayerTicks: _, ...options } = r.provenance.options;
    expect(JSON.stringify({ ...r, provenance: { ...r.provenance, options } })).toBe(JSON.stringify(plain));
    expect(readFileSync(join(a, "spikes.json"))).toEqual(readFileSync(join(b, "spikes.json")));
  });

  it("a learning model (stdp-pair on loihi): learning columns on the post population, Σ = report.json's counters", async () => {
    const out = join(TMP, "stdp");
    const plainOut = join(TMP, "stdp-plain");
    const model = resolve("examples/learning/stdp-pair.model.json");
    expect((await cli("run", model, "--arch", "loihi", "--out", out, "--quiet", "--per-layer-ticks")).code).toBe(0);
    expect((await cli("run", model, "--arch", "loihi", "--out", plainOut, "--quiet")).code).toBe(0);
    const { r, c } = readRun(out);
    expect((c.engine ?? []).map(([name]) => name)).toEqual([...LAYER_TICK_ENGINE_COLUMNS]);
    expect(r.totals.counters.synUpdates).toBeGreaterThan(0);
    expectReconciles(c, r);
    const su = c.engine!.find(([name]) => name === "synUpdates")![1];
    const P = c.populations.length;
    const post = c.populations.indexOf("out");
    let onPost = 0;
    for (let t = 0; t < c.steps; t++) onPost += su[t * P + post];
    expect(onPost).toBe(r.totals.counters.synUpdates);
    // The weights learned and the report are those of the run without the option.
    expect(readFileSync(join(out, "weights.json"))).toEqual(readFileSync(join(plainOut, "weights.json")));
    const plain = JSON.parse(readFileSync(join(plainOut, "report.json"), "utf8")) as RunReport;
    expect(r.totals).toEqual(plain.totals);
  });

  it("a core whose plastic synapses end in two populations is refused before the run (E_LAYER_TICKS_LEARNING)", async () => {
    const model = TWO_PLASTIC_POPULATIONS_MODEL;
    const file = join(TMP, "two-plastic.json");
    writeFileSync(file, JSON.stringify(model));
    const res = await cli("run", file, "--arch", "loihi", "--out", join(TMP, "two-plastic"), "--quiet", "--per-layer-ticks");
    expect([res.code, codeOf(res.stderr)]).toEqual([1, "E_LAYER_TICKS_LEARNING"]);
    expect(existsSync(join(TMP, "two-plastic"))).toBe(false);
    expect((await cli("run", file, "--arch", "loihi", "--out", join(TMP, "two-plastic"), "--quiet")).code).toBe(0);
  });

  it("with --threads the cores run on one thread, and the run says why; results are those of the threaded run", async () => {
    const a = join(TMP, "thr-a");
    const b = join(TMP, "thr-b");
    const res = await cli("run", EI, "--arch", "spinnaker2", "--steps", "30", "--threads", "2", "--out", a, "--per-layer-ticks");
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain("with --per-layer-ticks the chip's cores run on one thread");
    expect((await cli("run", EI, "--arch", "spinnaker2", "--steps", "30", "--threads", "2", "--out", b, "--quiet")).code).toBe(0);
    expect(readFileSync(join(a, "spikes.json"))).toEqual(readFileSync(join(b, "spikes.json")));
    const ra = JSON.parse(readFileSync(join(a, "report.json"), "utf8")) as RunReport;
    const rb = JSON.parse(readFileSync(join(b, "report.json"), "utf8")) as RunReport;
    expect(ra.totals).toEqual(rb.totals);
    expect(ra.perTick).toEqual(rb.perTick);
  });

  it("--json names the file", async () => {
    const out = join(TMP, "ei-json");
    const res = await cli("run", EI, "--arch", "generic", "--steps", "10", "--out", out, "--json", "--per-layer-ticks");
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).layerTicks).toBe(join(out, "layer-ticks.csv"));
  });

  it.skipIf(!HAS_SHARED)(`NIR conv graph and the same graph compiled to a program: the file reconciles ${SKIP_MSG}`, async () => {
    const dir = sharedPath("fixtures/nir/snntorch");
    const nir = join(dir, "snntorch_conv_lif.nir");
    const input = join(dir, "snntorch_conv_lif.input.npy");
    const out = join(TMP, "conv");
    expect((await cli("run", nir, "--input", input, "--arch", "generic", "--out", out, "--quiet", "--per-layer-ticks")).code).toBe(0);
    const { r, c } = readRun(out);
    expect(r.totals.counters.synOps).toBeGreaterThan(0);
    expectReconciles(c, r);
    const prog = join(TMP, "conv-prog");
    expect((await cli("compile", nir, "--arch", "generic", "--out", prog, "--quiet")).code).toBe(0);
    const outP = join(TMP, "conv-prog-run");
    expect((await cli("run", join(prog, "program.aerprog"), "--input", input, "--arch", "generic", "--out", outP, "--quiet", "--per-layer-ticks")).code).toBe(0);
    const p = readRun(outP);
    expectReconciles(p.c, p.r);
    expect(p.r.provenance.options.perLayerTicks).toBe(true);
  });

  it("is part of the all-or-none output set: layer-ticks.csv that cannot be written leaves no other output", async () => {
    const out = join(TMP, "ei-set");
    mkdirSync(join(out, "layer-ticks.csv"), { recursive: true });
    const res = await cli("run", EI, "--arch", "generic", "--steps", "10", "--out", out, "--quiet", "--per-layer-ticks");
    expect([res.code, codeOf(res.stderr)]).toEqual([1, "E_WRITE_FAILED"]);
    expect(readdirSync(out)).toEqual(["layer-ticks.csv"]);
  });

  it("more rows than MAX_LAYER_TICK_ROWS are refused before the run (E_LAYER_TICKS_SIZE)", async () => {
    const P = 11;
    const model = {
      format: "aerchip-model-1", name: "many", steps: 10,
      populations: Array.from({ length: P }, (_, i) => ({ name: `p${i}`, kind: "neuron", size: 1, vThreshold: 1, voltageDecay: 0.5 })),
      projections: [],
    };
    const file = join(TMP, "many.json");
    writeFileSync(file, JSON.stringify(model));
    const steps = Math.floor(MAX_LAYER_TICK_ROWS / P) + 1;
    const t0 = performance.now();
    const res = await cli("run", file, "--arch", "generic", "--steps", String(steps), "--out", join(TMP, "many"), "--quiet", "--per-layer-ticks");
    expect([res.code, codeOf(res.stderr)]).toEqual([1, "E_LAYER_TICKS_SIZE"]);
    expect(performance.now() - t0).toBeLessThan(5000); // refused before ~1e6 ticks were simulated
    expect(existsSync(join(TMP, "many"))).toBe(false);
  });

  it("rerun writes the file again and compares it; an edited original is E_RERUN_DIFFERS", async () => {
    const out = join(TMP, "ei-rr");
    expect((await cli("run", EI, "--arch", "generic", "--steps", "40", "--out", out, "--quiet", "--per-layer-ticks")).code).toBe(0);
    const again = await cli("rerun", join(out, "report.json"), "--out", join(TMP, "ei-rr2"), "--json");
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).layerTicks).toBe("identical");
    expect(readFileSync(join(TMP, "ei-rr2", "layer-ticks.csv"))).toEqual(readFileSync(join(out, "layer-ticks.csv")));
    const csv = readFileSync(join(out, "layer-ticks.csv"), "utf8").split("\n");
    csv[1] = csv[1].replace(/,(\d+)$/, (_, n: string) => `,${Number(n) + 1}`);
    writeFileSync(join(out, "layer-ticks.csv"), csv.join("\n"));
    const edited = await cli("rerun", join(out, "report.json"), "--out", join(TMP, "ei-rr3"), "--quiet");
    expect([edited.code, codeOf(edited.stderr)]).toEqual([1, "E_RERUN_DIFFERS"]);
  });

  it("rerun of a run written before the neuron columns: compared on the original's columns", async () => {
    const out = join(TMP, "ei-old");
    expect((await cli("run", EI, "--arch", "loihi", "--steps", "30", "--out", out, "--quiet", "--per-layer-ticks")).code).toBe(0);
    // The file as the earlier version wrote it: the first five columns only.
    const lines = readFileSync(join(out, "layer-ticks.csv"), "utf8").split("\n");
    const old = lines.map((l) => l.split(",").slice(0, 5).join(",")).join("\n");
    writeFileSync(join(out, "layer-ticks.csv"), old);
    const again = await cli("rerun", join(out, "report.json"), "--out", join(TMP, "ei-old2"), "--json");
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).layerTicks).toBe("leading columns identical");
    const text = await cli("rerun", join(out, "report.json"), "--out", join(TMP, "ei-old3"));
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("in every column the original has");
    // A changed shared column is still a difference.
    const edited = old.split("\n");
    edited[2] = edited[2].replace(/,(\d+)$/, (_, n: string) => `,${Number(n) + 1}`);
    writeFileSync(join(out, "layer-ticks.csv"), edited.join("\n"));
    const bad = await cli("rerun", join(out, "report.json"), "--out", join(TMP, "ei-old4"), "--quiet");
    expect([bad.code, codeOf(bad.stderr)]).toEqual([1, "E_RERUN_DIFFERS"]);
  });
});
