/**
 * --crop, --downsample, --polarity and --time-bins on an event --input (cli/event-transforms.ts): the
 * spikes they give, checked against the transform done by hand; the CLI plumbing, provenance and rerun.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readInputSpikes } from "../../cli/spike-inputs.ts";
import { cropOption, downsampleOption, eventTransformProvenance, eventTransformsFromProvenance, polarityOption } from "../../cli/event-transforms.ts";
import { cli } from "../helpers/cli.ts";
import { spikesNpy, writeIf4Nir } from "../helpers/nir-dataset.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-transforms-"));

/** Events x, y, t (µs), p as a CSV with a header. */
function csv(name: string, events: ReadonlyArray<readonly [number, number, number, number]>): string {
  const p = join(dir, name);
  writeFileSync(p, `x,y,t,p\n${events.map((e) => e.join(",")).join("\n")}\n`);
  return p;
}

/** (tick, neuron) pairs of a read, sorted. */
const pairs = (r: { tick: Int32Array; neuron: Int32Array }): string[] => Array.from(r.tick, (t, k) => `${t}:${r.neuron[k]}`).sort();

// A 16 × 8 sensor, both polarities; the last event fixes the geometry the CSV reader infers (max + 1).
const EVENTS: Array<[number, number, number, number]> = [[0, 0, 0, 0], [5, 3, 1500, 1], [6, 2, 1700, 1], [9, 7, 2100, 0], [12, 4, 2500, 1], [15, 7, 4000, 1]];

describe("event transforms on an --input", () => {
  it("downsample maps (x, y) to (⌊x/fx⌋, ⌊y/fy⌋) before the [C, H, W] index; several events in one tick and neuron are one spike", async () => {
    const file = csv("ev.csv", EVENTS);
    const got = await readInputSpikes(file, [2, 2, 4], { transforms: { downsample: { x: 4, y: 4 } } });
    const want = new Set(EVENTS.map(([x, y, t, p]) => `${Math.floor(t / 1000)}:${(p * 2 + Math.floor(y / 4)) * 4 + Math.floor(x / 4)}`));
    expect(pairs(got)).toEqual([...want].sort());
    // (5, 3, p1) and (6, 2, p1) at 1.5 / 1.7 ms land on one neuron in tick 1: one spike.
    expect(got.tick.length).toBe(EVENTS.length - 1);
  });

  it("crop keeps the box re-based to 0 and drops the rest, then downsample; polarity merges or selects channels", async () => {
    const file = csv("ev2.csv", EVENTS);
    const crop = await readInputSpikes(file, [2, 4, 8], { transforms: { crop: { x: 4, y: 2, width: 8, height: 4 } } });
    const inBox = EVENTS.filter(([x, y]) => x >= 4 && x < 12 && y >= 2 && y < 6);
    expect(pairs(crop)).toEqual(inBox.map(([x, y, t, p]) => `${Math.floor(t / 1000)}:${(p * 4 + (y - 2)) * 8 + (x - 4)}`).sort());
    const both = await readInputSpikes(file, [2, 2, 4], { transforms: { crop: { x: 4, y: 2, width: 8, height: 4 }, downsample: { x: 2, y: 2 } } });
    expect(pairs(both)).toEqual([...new Set(inBox.map(([x, y, t, p]) => `${Math.floor(t / 1000)}:${(p * 2 + Math.floor((y - 2) / 2)) * 4 + Math.floor((x - 4) / 2)}`))].sort());
    const on = await readInputSpikes(file, [8, 16], { transforms: { polarity: 1 } });
    expect(pairs(on)).toEqual(EVENTS.filter((e) => e[3] === 1).map(([x, y, t]) => `${Math.floor(t / 1000)}:${y * 16 + x}`).sort());
    const merged = await readInputSpikes(file, [1, 8, 16], { transforms: { polarity: "merge" } });
    expect(merged.tick.length).toBe(EVENTS.length);
  });

  it("time bins: N equal bins from the first to the last event, min(N − 1, ⌊(t − t0)·N / (t1 − t0)⌋), no tick length", async () => {
    const file = csv("ev3.csv", EVENTS);
    const got = await readInputSpikes(file, [2, 8, 16], { transforms: { timeBins: 4 } });
    expect(got.steps).toBe(4);
    expect(got.tickUs).toBeUndefined();
    expect(pairs(got)).toEqual(EVENTS.map(([x, y, t, p]) => `${Math.min(3, Math.floor((t * 4) / 4000))}:${(p * 8 + y) * 16 + x}`).sort());
  });

  it("a transformed sensor that is not the input's size or channels is refused, not put in a corner (audit-s18 F1)", async () => {
    const file = csv("ev5.csv", EVENTS);
    const code = async (shape: number[], transforms: object) => ((await readInputSpikes(file, shape, { transforms }).catch((e: unknown) => e)) as { code?: string; message?: string });
    // 16 × 8 downsampled by 2 is 8 × 4, not the input's 16 × 8.
    expect(await code([2, 8, 16], { downsample: { x: 2, y: 2 } })).toMatchObject({ code: "E_EVENTS_SHAPE" });
    expect((await code([2, 8, 16], { downsample: { x: 2, y: 2 } })).message).toMatch(/8×4 sensor with 2 channels; the model's input is 16×8/);
    expect(await code([2, 8, 16], { crop: { x: 0, y: 0, width: 8, height: 8 } })).toMatchObject({ code: "E_EVENTS_SHAPE" });
    // One polarity into a two-channel input.
    expect(await code([2, 8, 16], { polarity: 1 })).toMatchObject({ code: "E_EVENTS_SHAPE" });
    // The sizes that match are read.
    expect((await readInputSpikes(file, [2, 4, 8], { transforms: { downsample: { x: 2, y: 2 } } })).tick.length).toBeGreaterThan(0);
  });

  it("time bins by tonic's rule: an integer window ⌊span/N⌋ µs, events past N windows dropped (binToTicks binsRule)", async () => {
    const { binToTicks } = await import("../../core/io/events/transforms.ts");
    const t = Float64Array.of(0, 10, 25, 30);
    const ch = Int32Array.of(0, 1, 2, 3);
    // span 30 µs, 3 bins: proportional edges 10, 20 keep t = 30 in bin 2; tonic's window 10 drops it.
    expect(Array.from(binToTicks(t, ch, { bins: 3 }).tick)).toEqual([0, 1, 2, 2]);
    const tonic = binToTicks(t, ch, { bins: 3, binsRule: "tonic" });
    expect(Array.from(tonic.tick)).toEqual([0, 1, 2]);
    expect(Array.from(tonic.channel)).toEqual([0, 1, 2]);
    expect(tonic.steps).toBe(3);
    // 4 bins of a 30 µs span: window 7 µs; 25 → bin 3, 30 → 4 (dropped).
    expect(Array.from(binToTicks(t, ch, { bins: 4, binsRule: "tonic" }).tick)).toEqual([0, 1, 3]);
    const file = csv("ev6.csv", EVENTS);
    const got = await readInputSpikes(file, [2, 8, 16], { transforms: { timeBins: 4, timeBinsRule: "tonic" } });
    expect(got.tick.length).toBe(EVENTS.length - 1);
  });

  it("a dense spike tensor refuses every transform (its rows are ticks)", async () => {
    const dense = join(dir, "dense.npy");
    spikesNpy(dense, 3, 4, [[0, 1]]);
    for (const transforms of [{ downsample: { x: 2, y: 2 } }, { timeBins: 2 }]) {
      expect((await readInputSpikes(dense, [4], { transforms }).catch((e: unknown) => e)) as { code: string }).toMatchObject({ code: "E_EVENTS_OPTIONS" });
    }
  });

  it("parses the options and round-trips them through provenance", () => {
    const t = { crop: cropOption("1,2,30,40"), downsample: downsampleOption("4"), polarity: polarityOption("merge"), timeBins: 20 };
    expect(t.downsample).toEqual({ x: 4, y: 4 });
    const prov = eventTransformProvenance(t);
    expect(prov).toEqual({ crop: "1,2,30,40", downsample: "4,4", polarity: "merge", timeBins: 20 });
    expect(eventTransformsFromProvenance(prov, (k) => { throw new Error(k); })).toEqual(t);
    expect(eventTransformProvenance({})).toEqual({});
    expect(() => cropOption("1,2,0,4")).toThrow();
    expect(() => downsampleOption("0")).toThrow();
    expect(() => polarityOption("2")).toThrow();
    expect(() => eventTransformsFromProvenance({ downsample: "x" }, (k) => { throw new Error(`bad ${k}`); })).toThrow("bad downsample");
    expect(() => eventTransformsFromProvenance({ timeBins: 0 }, (k) => { throw new Error(`bad ${k}`); })).toThrow("bad timeBins");
  });
});

describe("aerchip run --downsample … (NIR graph, 4 inputs = 2 polarities × 1 × 2 pixels)", () => {
  it("equals the run on the events downsampled by hand, records the option, and reruns byte-identically", async () => {
    const model = join(dir, "if4.nir");
    await writeIf4Nir(model);
    // A 4 × 2 sensor with both polarities; downsampled by 2 it is 2 × 1 × 2 = the graph's 4 inputs.
    const raw: Array<[number, number, number, number]> = [[0, 0, 0, 0], [3, 1, 1000, 1], [2, 0, 2000, 0], [1, 1, 3000, 1], [3, 1, 3000, 0]];
    const rawFile = csv("raw.csv", raw);
    const handFile = csv("hand.csv", raw.map(([x, y, t, p]) => [Math.floor(x / 2), Math.floor(y / 2), t, p] as [number, number, number, number]));
    const a = join(dir, "ra"), b = join(dir, "rb"), c = join(dir, "rc");
    expect((await cli("run", model, "--input", rawFile, "--downsample", "2", "--arch", "generic", "--out", a, "--quiet")).code).toBe(0);
    expect((await cli("run", model, "--input", handFile, "--arch", "generic", "--out", b, "--quiet")).code).toBe(0);
    const spikes = (d: string) => JSON.parse(readFileSync(join(d, "spikes.json"), "utf8")).spikes;
    expect(spikes(a)).toEqual(spikes(b));
    expect(JSON.stringify(spikes(a))).not.toBe("{}");
    const report = JSON.parse(readFileSync(join(a, "report.json"), "utf8"));
    expect(report.provenance.options.downsample).toBe("2,2");
    expect(JSON.parse(readFileSync(join(b, "report.json"), "utf8")).provenance.options.downsample).toBeUndefined();
    const re = await cli("rerun", join(a, "report.json"), "--out", c, "--quiet");
    expect(re.code).toBe(0);
    expect(readFileSync(join(c, "spikes.json"))).toEqual(readFileSync(join(a, "spikes.json")));
  });

  it("compare passes them to every chip's run", async () => {
    const model = join(dir, "if4c.nir");
    await writeIf4Nir(model);
    const file = csv("cmp.csv", [[0, 0, 0, 0], [3, 1, 1000, 1], [2, 0, 2000, 0]]);
    const out = join(dir, "cmp");
    const r = await cli("compare", model, "--input", file, "--downsample", "2", "--arch", "generic,loihi", "--out", out, "--quiet");
    expect(r.code).toBe(0);
    for (const chip of ["generic", "loihi"]) expect(JSON.parse(readFileSync(join(out, chip, "report.json"), "utf8")).provenance.options.downsample).toBe("2,2");
    // compare.md says how the events were transformed (audit-s18 F3).
    expect(readFileSync(join(out, "compare.md"), "utf8")).toMatch(/Input: cmp\.csv, events downsampled by 2x2; 3 events read → 3 input spikes \(0 merged\)\./);
    expect((await cli("compare", "examples/demo/ei-small.net.json", "--polarity", "merge", "--arch", "generic", "--out", join(dir, "cmp2"))).code).toBe(2);
  });

  it("refuses transforms where no event file is read, and --time-bins with --tick-us or --realtime (exit 2)", async () => {
    const model = join(dir, "if4b.nir");
    await writeIf4Nir(model);
    const file = csv("ev4.csv", [[0, 0, 0, 0], [1, 1, 10, 1]]);
    const r1 = await cli("run", "examples/demo/ei-small.net.json", "--downsample", "2", "--arch", "generic", "--out", join(dir, "x1"));
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/--downsample/);
    const r2 = await cli("run", model, "--input", file, "--time-bins", "4", "--tick-us", "100", "--arch", "generic", "--out", join(dir, "x2"));
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--time-bins and --tick-us/);
    const r3 = await cli("run", model, "--input", file, "--time-bins", "4", "--realtime", "--arch", "generic", "--out", join(dir, "x3"));
    expect(r3.code).toBe(2);
  });
});

describe("aerchip evaluate with event transforms", () => {
  /** A directory data set of CSV recordings on a 4 × 2 sensor, labels from the folders. */
  function dataset(): string {
    const root = join(dir, "ds");
    const recs: Array<[number, Array<[number, number, number, number]>]> = [
      [0, [[0, 0, 0, 0], [1, 1, 1000, 0], [3, 1, 1000, 1]]],
      [1, [[2, 0, 0, 0], [3, 1, 3000, 1], [0, 1, 500, 1]]],
      [3, [[3, 1, 0, 1], [2, 1, 2000, 1], [0, 0, 2000, 0]]],
    ];
    recs.forEach(([label, ev], i) => {
      mkdirSync(join(root, String(label)), { recursive: true });
      writeFileSync(join(root, String(label), `r${i}.csv`), `x,y,t,p\n${ev.map((e) => e.join(",")).join("\n")}\n`);
    });
    return root;
  }

  it("each row is `run` with the same transforms; provenance records them; rerun is byte-identical; --time-bins is stated", async () => {
    const model = join(dir, "if4e.nir");
    await writeIf4Nir(model);
    const ds = dataset();
    const out = join(dir, "ev-out");
    const r = await cli("evaluate", model, "--input", ds, "--crop", "0,0,4,2", "--downsample", "2", "--arch", "generic", "--out", out, "--quiet");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8"));
    expect(doc.provenance.options).toMatchObject({ crop: "0,0,4,2", downsample: "2,2" });
    // The tables a paper quotes say how the events were transformed (audit-s18 F3).
    expect(readFileSync(join(out, "dataset.md"), "utf8")).toMatch(/events cropped to 4x2 at \(0, 0\), downsampled by 2x2, binned at 1000 us per step/);
    for (const s of doc.samples) {
      const one = join(dir, `ev-run-${s.index}`);
      expect((await cli("run", model, "--input", join(ds, s.id), "--crop", "0,0,4,2", "--downsample", "2", "--arch", "generic", "--out", one, "--quiet")).code).toBe(0);
      const rep = JSON.parse(readFileSync(join(one, "report.json"), "utf8"));
      expect(s.synOps).toBe(rep.totals.counters.synOps);
      expect(s.inputSpikes).toBeGreaterThan(0);
    }
    const again = join(dir, "ev-re");
    expect((await cli("rerun", join(out, "dataset.json"), "--out", again, "--quiet")).code).toBe(0);
    expect(readFileSync(join(again, "samples.csv"))).toEqual(readFileSync(join(out, "samples.csv")));
    const binned = join(dir, "ev-bins");
    expect((await cli("evaluate", model, "--input", ds, "--downsample", "2", "--time-bins", "5", "--arch", "generic", "--out", binned, "--quiet")).code).toBe(0);
    const b = JSON.parse(readFileSync(join(binned, "dataset.json"), "utf8"));
    expect(b.input).toMatchObject({ timeBins: 5, tickUs: null, denseTensors: 0 });
    expect(b.samples.every((s: { steps: number }) => s.steps === 5)).toBe(true);
    expect(readFileSync(join(binned, "dataset.md"), "utf8")).toMatch(/5 equal bins per sample/);
    const clash = await cli("evaluate", model, "--input", ds, "--time-bins", "5", "--tick-us", "10", "--arch", "generic", "--out", join(dir, "ev-x"));
    expect(clash.code).toBe(2);
    // --time-bins-rule tonic: recorded, stated, rerun; without --time-bins it is refused.
    const tonicOut = join(dir, "ev-tonic");
    expect((await cli("evaluate", model, "--input", ds, "--downsample", "2", "--time-bins", "5", "--time-bins-rule", "tonic", "--arch", "generic", "--out", tonicOut, "--quiet")).code).toBe(0);
    expect(JSON.parse(readFileSync(join(tonicOut, "dataset.json"), "utf8")).provenance.options.timeBinsRule).toBe("tonic");
    expect(readFileSync(join(tonicOut, "dataset.md"), "utf8")).toMatch(/tonic's integer window/);
    expect((await cli("rerun", join(tonicOut, "dataset.json"), "--out", join(dir, "ev-tonic-re"), "--quiet")).code).toBe(0);
    expect((await cli("evaluate", model, "--input", ds, "--time-bins-rule", "tonic", "--arch", "generic", "--out", join(dir, "ev-y"))).code).toBe(2);
  });
});

describe("--sensor-size (audit-s18 F8)", () => {
  it("gives an N-MNIST-format .bin its sensor (N-CALTECH101-sized recordings), so it can be downsampled onto the input", async () => {
    // Two events on a 200 × 160 sensor in the 5-byte ATIS format: x, y, p|t(23), t.
    const ev = (x: number, y: number, p: number, t: number) => [x, y, (p << 7) | ((t >> 16) & 0x7f), (t >> 8) & 0xff, t & 0xff];
    const file = join(dir, "big.bin");
    writeFileSync(file, Uint8Array.from([...ev(199, 159, 1, 500), ...ev(4, 8, 0, 1500)]));
    // Without the size the reader takes N-MNIST's 34 × 34 and refuses x = 199, naming the option.
    const e = (await readInputSpikes(file, [2, 40, 50], { transforms: { downsample: { x: 4, y: 4 } } }).catch((x: unknown) => x)) as { code: string; hint: string };
    expect(e.code).toBe("E_EVENTS_OUT_OF_RANGE");
    expect(e.hint).toMatch(/--sensor-size/);
    const got = await readInputSpikes(file, [2, 40, 50], { transforms: { sensorSize: { width: 200, height: 160, polarities: 2 }, downsample: { x: 4, y: 4 } } });
    expect(pairs(got)).toEqual([`0:${(1 * 40 + 39) * 50 + 49}`, `1:${(0 * 40 + 2) * 50 + 1}`].sort());
  });
});
