/**
 * `aerchip run MODEL.json --input FILE [--input-population NAME]` (cli/model-input.ts): the file's spikes
 * replace one input population's embedded spikes, so the run equals the model with those spikes written
 * into it; the input population is the only one or the one named; a file that does not fit the population
 * is a coded error naming the file, the population and both sizes; the tick count follows the input (and
 * --steps); the provenance records the input, and `rerun` reproduces the report byte for byte.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { writeNpy } from "../../core/io/npy.ts";

const AUTOENCODER = "examples/conv/autoencoder.model.json";
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-model-input-"));

/** A T × 1 × 8 × 8 spike tensor for the auto-encoder's image (a cross, flashed on even ticks, and a moving dot) and its [tick, neuron] list. */
function imageSpikes(T: number): { npy: Uint8Array; list: Array<[number, number]> } {
  const S = 64;
  const d = new Uint8Array(T * S);
  const list: Array<[number, number]> = [];
  for (let t = 0; t < T; t++) {
    const on = new Set<number>(t % 2 === 0 ? [24, 25, 26, 27, 28, 29, 30, 31, 3, 11, 19, 35, 43, 51, 59] : []);
    on.add((t * 7) % S);
    for (const i of [...on].sort((a, b) => a - b)) {
      d[t * S + i] = 1;
      list.push([t, i]);
    }
  }
  return { npy: writeNpy(d, [T, 1, 8, 8], { bool: true }), list };
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

/** A model with two input populations, `a` [2, 2, 2] and `b` [1], into one neuron. */
function twoInputModel(dir: string): string {
  const path = join(dir, "two.json");
  writeFileSync(path, JSON.stringify({
    format: "aerchip-model-1", name: "two", steps: 5,
    populations: [
      { name: "a", kind: "input", size: 8, shape: [2, 2, 2] },
      { name: "b", kind: "input", size: 1, spikes: [[0, 0]] },
      { name: "n", kind: "neuron", size: 1, vThreshold: 0.5 },
    ],
    projections: [
      { name: "an", pre: "a", post: "n", dense: { weights: Array.from({ length: 8 }, () => [1]), delays: 1 } },
      { name: "bn", pre: "b", post: "n", dense: { weights: [[1]], delays: 1 } },
    ],
  }));
  return path;
}

describe("run MODEL.json --input", () => {
  it("the auto-encoder with --input x.npy equals the model with those spikes embedded (spikes.json, counters, energy); rerun is byte-identical", async () => {
    const dir = tmp();
    const T = 20;
    const { npy, list } = imageSpikes(T);
    const x = join(dir, "x.npy");
    writeFileSync(x, npy);
    const model = readJson(AUTOENCODER) as { steps: number; populations: Array<Record<string, unknown>> };
    const embedded = { ...model, steps: T, populations: model.populations.map((p) => (p.name === "image" ? { ...p, spikes: list } : p)) };
    const embeddedPath = join(dir, "embedded.model.json");
    writeFileSync(embeddedPath, JSON.stringify(embedded));

    const a = await cli("run", AUTOENCODER, "--input", x, "--arch", "loihi", "--out", join(dir, "a"), "--quiet");
    expect(a.code, a.stderr).toBe(0);
    const b = await cli("run", embeddedPath, "--arch", "loihi", "--out", join(dir, "b"), "--quiet");
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(join(dir, "a", "spikes.json"), "utf8")).toBe(readFileSync(join(dir, "b", "spikes.json"), "utf8"));
    const ra = readJson(join(dir, "a", "report.json"));
    const rb = readJson(join(dir, "b", "report.json"));
    expect(ra.steps).toBe(T); // the input's T, not the model's 24
    for (const k of ["totals", "perPopulation", "perProjection", "metrics"]) expect(ra[k], k).toEqual(rb[k]);
    expect((ra.totals as { counters: { spikes: number } }).counters.spikes).toBeGreaterThan(0);

    // The provenance records the input file and the population it drove; rerun reproduces the report.
    const p = ra.provenance as { inputs: Array<{ role: string; path: string }>; options: Record<string, unknown> };
    expect(p.inputs.map((i) => i.role)).toEqual(["model", "input"]);
    expect(p.inputs[1].path).toBe(x);
    expect(p.options.inputPopulation).toBe("image");
    const rr = await cli("rerun", join(dir, "a", "report.json"), "--out", join(dir, "rr"));
    expect(rr.code, rr.stderr).toBe(0);
    expect(readFileSync(join(dir, "rr", "report.json"), "utf8")).toBe(readFileSync(join(dir, "a", "report.json"), "utf8"));

    // --steps overrides the input's length, as for NIR graphs.
    const s = await cli("run", AUTOENCODER, "--input", x, "--steps", "7", "--arch", "loihi", "--out", join(dir, "s"), "--quiet");
    expect(s.code, s.stderr).toBe(0);
    expect(readJson(join(dir, "s", "report.json")).steps).toBe(7);
  });

  it("a tensor that does not fit the input population: E_EVENTS_SHAPE naming the file, the population and both sizes", async () => {
    const dir = tmp();
    const bad = join(dir, "bad.npy");
    writeFileSync(bad, writeNpy(new Uint8Array(5 * 63), [5, 63], { bool: true }));
    const r = await cli("run", AUTOENCODER, "--input", bad, "--arch", "loihi", "--out", join(dir, "o"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_EVENTS_SHAPE/);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toContain("input population \"image\"");
    expect(r.stderr).toContain("[5, 63]");
    expect(r.stderr).toContain("64 neurons");
  });

  it("several input populations: --input-population picks one (the others keep their spikes); without it a usage error lists them", async () => {
    const dir = tmp();
    const model = twoInputModel(dir);
    const events = join(dir, "ev.csv");
    writeFileSync(events, "x,y,t,p\n0,0,0,1\n1,0,5000,0\n1,1,9000,1\n");
    const none = await cli("run", model, "--input", events, "--arch", "generic", "--out", join(dir, "o0"));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/E_CLI_OPTION/);
    expect(none.stderr).toContain("field: --input-population");
    expect(none.stderr).toContain("(a, b)");
    const wrong = await cli("run", model, "--input", events, "--input-population", "n", "--arch", "generic", "--out", join(dir, "o1"));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("field: --input-population");
    // An event file onto a [C, H, W] population, binned at --tick-us: ticks 0, 2 (5000 µs), 4 (9000 µs) at 2 ms.
    const ok = await cli("run", model, "--input", events, "--input-population", "a", "--tick-us", "2000", "--arch", "generic", "--out", join(dir, "ok"), "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
    const spikes = readJson(join(dir, "ok", "spikes.json")) as { steps: number; spikes: Record<string, Array<[number, number]>> };
    expect(spikes.steps).toBe(5);
    // n fires one tick after each input spike: b's own at 0 and a's at 0 (tick 1), a's at 2 and 4 (ticks 3, 5 is past the end).
    expect(spikes.spikes.n).toEqual([[1, 0], [3, 0]]);
    const opts = (readJson(join(dir, "ok", "report.json")).provenance as { options: Record<string, unknown> }).options;
    expect(opts.inputPopulation).toBe("a");
    expect(opts.tickUs).toBe(2000);
    // The event accounting of NIR runs (cli/input-accounting.ts) holds for a JSON model's input too: 3 read, 3 spikes.
    expect(readJson(join(dir, "ok", "report.json")).input).toMatchObject({ kind: "events", eventsRead: 3, spikes: 3, eventsMerged: 0, warnings: [] });
    // At 10 ms with two events on one pixel they merge, and W_EVENTS_MERGED says so (1 of 3 > 10 %).
    const events2 = join(dir, "ev2.csv");
    writeFileSync(events2, "x,y,t,p\n0,0,0,1\n0,0,5000,1\n1,1,9000,1\n");
    const merged = await cli("run", model, "--input", events2, "--input-population", "a", "--tick-us", "10000", "--arch", "generic", "--out", join(dir, "ok2"));
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toMatch(/W_EVENTS_MERGED/);
    expect(readJson(join(dir, "ok2", "report.json")).input).toMatchObject({ kind: "events", eventsRead: 3, spikes: 2, eventsMerged: 1 });
    // In the input section only, not repeated in the top-level warnings (audit-s19 F4).
    expect(readJson(join(dir, "ok2", "report.json")).warnings).toBeUndefined();
  });

  it("options that read an --input file apply to a JSON model only with --input; --input-population needs --input", async () => {
    const dir = tmp();
    const out = join(dir, "o");
    for (const [flag, ...value] of [["--tick-us", "5"], ["--crop", "0,0,1,1"], ["--polarity", "merge"], ["--input-population", "image"], ["--realtime"]]) {
      const r = await cli("run", AUTOENCODER, "--arch", "loihi", "--out", out, flag, ...value);
      expect(r.code, flag).toBe(2);
      expect(r.stderr, flag).toMatch(/E_CLI_OPTION/);
      expect(r.stderr, flag).toContain(`field: ${flag}`);
    }
    // --realtime on a dense tensor (no tick length) is refused once the input is read, as for NIR graphs.
    const x = join(dir, "x.npy");
    writeFileSync(x, imageSpikes(4).npy);
    const rt = await cli("run", AUTOENCODER, "--input", x, "--realtime", "--arch", "loihi", "--out", out);
    expect(rt.code).toBe(2);
    expect(rt.stderr).toContain("field: --realtime");
    // compare takes it as run does (below); an event option without --input is refused there too.
    const cmp = await cli("compare", AUTOENCODER, "--crop", "0,0,8,8", "--arch", "loihi", "--out", out);
    expect(cmp.code).toBe(2);
    expect(cmp.stderr).toContain("field: --crop");
  });
});

describe("compare MODEL.json --input", () => {
  it("each chip's run is `run MODEL.json --input` (spikes and report totals); --input-population needs --input", async () => {
    const dir = tmp();
    const x = join(dir, "x.npy");
    writeFileSync(x, imageSpikes(12).npy);
    const out = join(dir, "cmp");
    const c = await cli("compare", AUTOENCODER, "--input", x, "--arch", "loihi,generic", "--out", out, "--quiet");
    expect(c.code, c.stderr).toBe(0);
    for (const chip of ["loihi", "generic"]) {
      const r = await cli("run", AUTOENCODER, "--input", x, "--arch", chip, "--out", join(dir, chip), "--quiet");
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(out, chip, "spikes.json"), "utf8")).toBe(readFileSync(join(dir, chip, "spikes.json"), "utf8"));
      expect(readJson(join(out, chip, "report.json")).totals).toEqual(readJson(join(dir, chip, "report.json")).totals);
    }
    const lone = await cli("compare", AUTOENCODER, "--input-population", "image", "--arch", "loihi", "--out", join(dir, "lone"));
    expect(lone.code).toBe(2);
    expect(lone.stderr).toMatch(/E_CLI_OPTION.*--input-population/);
    // Several input populations and no --input-population: one usage error listing them, before any chip runs.
    const events = join(dir, "ev.csv");
    writeFileSync(events, "x,y,t,p\n0,0,0,1\n");
    const two = await cli("compare", twoInputModel(dir), "--input", events, "--arch", "loihi,generic", "--out", join(dir, "two"));
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/E_CLI_OPTION/);
    expect(two.stderr).toContain("field: --input-population");
    expect(existsSync(join(dir, "two"))).toBe(false);
  }, 60_000);
});

describe("an --input that gives no tick", () => {
  it("is refused with E_INPUT_EMPTY naming why (every event cropped away, or a 0-row tensor), unless --steps asks for ticks (audit-s19 F8)", async () => {
    const dir = tmp();
    const model = twoInputModel(dir);
    const events = join(dir, "ev.csv");
    writeFileSync(events, "x,y,t,p\n0,0,0,1\n1,0,5000,0\n1,1,9000,1\n");
    // A crop box with no event in it: all 3 dropped.
    const cropped = await cli("run", model, "--input", events, "--input-population", "a", "--sensor-size", "4,4,2", "--crop", "2,2,2,2", "--arch", "generic", "--out", join(dir, "c"));
    expect(cropped.code).toBe(1);
    expect(cropped.stderr).toMatch(/E_INPUT_EMPTY.*all 3 of its events were dropped \(3 by the transforms/);
    const empty = join(dir, "empty.npy");
    writeFileSync(empty, writeNpy(new Uint8Array(0), [0, 2, 2, 2], { bool: true }));
    const zero = await cli("run", model, "--input", empty, "--input-population", "a", "--arch", "generic", "--out", join(dir, "z"));
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/E_INPUT_EMPTY.*0 rows/);
    // --steps runs the model that long anyway.
    const steps = await cli("run", model, "--input", empty, "--input-population", "a", "--steps", "3", "--arch", "generic", "--out", join(dir, "s"), "--quiet");
    expect(steps.code, steps.stderr).toBe(0);
  });
});
