import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeAerStream, encodeAerStream } from "../../../../core/io/aer-stream.ts";
import { readNpy } from "../../../../core/io/npy.ts";
import { encodeAerStreamEvents, readAerStreamEvents } from "../../../../core/io/events/aer-events.ts";
import { collectEvents, makeBatch } from "../../../../core/io/events/batch.ts";
import { convertEventFile } from "../../../../core/io/events/convert.ts";
import { detectEventFormat, readAllEvents, readEventsForInput } from "../../../../core/io/events/detect.ts";
import { writeSpikes } from "../../../../core/io/events/spike-writers.ts";
import { aedat2Bytes, eventsOf, nmnistBytes, plainNpyBytes, randomEvents, tempDir, type Ev } from "./helpers/formats.ts";
import { SKIP_MSG } from "../../../helpers/shared.ts";

const SHARED = resolve(process.cwd(), "../shared");
const hasShared = existsSync(SHARED);
const SAMPLE = join(SHARED, "fixtures/events/sample_nmnist.bin");
const dir = tempDir();
const g34 = { width: 34, height: 34, polarities: 2 };
const batchOf = (evs: readonly Ev[], g = g34) => makeBatch({ x: evs.map((e) => e.x), y: evs.map((e) => e.y), p: evs.map((e) => e.p), tUs: evs.map((e) => e.t) }, g);

describe("AER stream adapter", () => {
  it("events → AER stream (source [P, H, W], 1 µs ticks) → events round-trips", async () => {
    const evs = randomEvents(500, 34, 34, 9);
    const p = join(dir, "ev.aer");
    writeFileSync(p, encodeAerStreamEvents(batchOf(evs)));
    const s = decodeAerStream(readFileSync(p));
    expect(s.header.sources).toEqual([{ name: "events", shape: [2, 34, 34] }]);
    expect(s.address[0]).toBe((evs[0].p * 34 + evs[0].y) * 34 + evs[0].x);
    const back = await collectEvents(readAerStreamEvents(p, { chunkBytes: 64 }));
    expect(back.geometry).toEqual(g34);
    expect(await eventsOf([back] as never)).toEqual(evs);
  });

  it("a cut stream fails with the AER stream's own code and byte offset", async () => {
    const bytes = encodeAerStreamEvents(batchOf(randomEvents(50, 34, 34, 2)));
    const p = join(dir, "cut.aer");
    writeFileSync(p, bytes.subarray(0, bytes.length - 7));
    const err = await collectEvents(readAerStreamEvents(p)).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: "E_AER_TRUNCATED", file: p });
    expect((err as { byteOffset?: number }).byteOffset).toBeGreaterThan(0);
  });

  it("a stream of input spikes drives a chip input directly, and re-bins onto another tick", async () => {
    const p = join(dir, "in.aer");
    writeFileSync(p, encodeAerStream({ tickUs: 500, sources: [{ name: "input", shape: [10] }], tick: Uint32Array.of(0, 1, 3, 3), address: Uint32Array.of(4, 4, 9, 2) }));
    const same = await readEventsForInput(p, { inputShape: [10] });
    expect([Array.from(same.tick), Array.from(same.neuron), same.steps]).toEqual([[0, 1, 3, 3], [4, 4, 2, 9], 4]);
    const ms = await readEventsForInput(p, { inputShape: [10], tickUs: 1000 });
    // t = 0, 500, 1500, 1500 µs → ticks 0, 0, 1, 1; neuron 4 twice in tick 0 is one spike.
    expect([Array.from(ms.tick), Array.from(ms.neuron), ms.steps]).toEqual([[0, 1, 1], [4, 2, 9], 2]);
    await expect(readEventsForInput(p, { inputShape: [8] })).rejects.toMatchObject({ code: "E_EVENTS_SHAPE" });
  });
});

describe("format detection", () => {
  it("uses magic bytes before the extension", async () => {
    const a = join(dir, "looks-like.csv");
    writeFileSync(a, aedat2Bytes([{ x: 1, y: 1, p: 1, t: 1 }]));
    expect(await detectEventFormat(a)).toBe("aedat2");
    const b = join(dir, "stream.bin");
    writeFileSync(b, encodeAerStreamEvents(batchOf([{ x: 1, y: 2, p: 0, t: 3 }])));
    expect(await detectEventFormat(b)).toBe("aer-stream");
    const c = join(dir, "rec.bin");
    writeFileSync(c, nmnistBytes([{ x: 1, y: 2, p: 1, t: 3 }]));
    expect(await detectEventFormat(c)).toBe("nmnist");
    const d = join(dir, "x.dat2");
    writeFileSync(d, "hello");
    await expect(detectEventFormat(d)).rejects.toMatchObject({ code: "E_EVENTS_FORMAT" });
    const e = join(dir, "v4.aedat");
    writeFileSync(e, "#!AER-DAT4.0\r\n");
    await expect(detectEventFormat(e)).rejects.toMatchObject({ code: "E_EVENTS_UNSUPPORTED" });
  });
});

describe("chip input from files", () => {
  it("a dense T × input-shape .npy tensor gives its nonzero entries; values other than 0/1 are refused", async () => {
    const p = join(dir, "dense.npy");
    writeFileSync(p, plainNpyBytes([0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0], [3, 2, 2], "|b1"));
    const s = await readEventsForInput(p, { inputShape: [2, 2] });
    expect([Array.from(s.tick), Array.from(s.neuron), s.steps]).toEqual([[0, 1, 1], [1, 1, 2], 3]);
    const q = join(dir, "dense2.npy");
    writeFileSync(q, plainNpyBytes([0, 2, 0, 0], [1, 4]));
    await expect(readEventsForInput(q, { inputShape: [4] })).rejects.toMatchObject({ code: "E_EVENTS_RANGE" });
    await expect(readEventsForInput(p, { inputShape: [5] })).rejects.toMatchObject({ code: "E_EVENTS_SHAPE" });
  });

  it("an N-CALTECH101-sized .bin maps onto a larger input without a geometry (the input's H × W is the sensor)", async () => {
    const p = join(dir, "caltech.bin");
    writeFileSync(p, nmnistBytes([{ x: 200, y: 150, p: 1, t: 10 }, { x: 0, y: 0, p: 0, t: 1999 }]));
    const s = await readEventsForInput(p, { inputShape: [2, 180, 240] });
    expect([Array.from(s.tick), Array.from(s.neuron), s.steps]).toEqual([[0, 1], [(180 + 150) * 240 + 200, 0], 2]);
    await expect(readEventsForInput(p, { inputShape: [2, 34, 34] })).rejects.toMatchObject({ code: "E_EVENTS_OUT_OF_RANGE", byteOffset: 0 });
  });

  it("transforms apply before mapping: a 128×128 recording downsampled by 4 onto [2, 32, 32]", async () => {
    const p = join(dir, "big.aedat");
    writeFileSync(p, aedat2Bytes([{ x: 127, y: 127, p: 1, t: 10 }, { x: 4, y: 0, p: 0, t: 2500 }]));
    const s = await readEventsForInput(p, { inputShape: [2, 32, 32], downsample: 4, tickUs: 1000 });
    expect([Array.from(s.tick), Array.from(s.neuron)]).toEqual([[0, 2], [(1 * 32 + 31) * 32 + 31, 1]]);
    await expect(readEventsForInput(p, { inputShape: [2, 32, 32] })).rejects.toMatchObject({ code: "E_EVENTS_OUT_OF_RANGE", file: p });
  });
});

describe.skipIf(!hasShared)(`the N-MNIST sample as chip input ${SKIP_MSG}`, () => {
  it("binned at 1 ms onto [2, 34, 34]: 312 steps and one spike per distinct (ms, polarity, pixel)", async () => {
    const raw = readFileSync(SAMPLE);
    const keys = new Set<number>();
    for (let o = 0; o < raw.length; o += 5) {
      const t = (raw[o + 2] & 0x7f) * 65536 + raw[o + 3] * 256 + raw[o + 4];
      keys.add(Math.floor(t / 1000) * 2312 + ((raw[o + 2] >> 7) * 34 + raw[o + 1]) * 34 + raw[o]);
    }
    const s = await readEventsForInput(SAMPLE, { inputShape: [2, 34, 34], tickUs: 1000 });
    expect(s.steps).toBe(312);
    expect(s.tick.length).toBe(keys.size);
    for (let k = 0; k < s.tick.length; k++) expect(keys.has(s.tick[k] * 2312 + s.neuron[k])).toBe(true);
    const hwc = await readEventsForInput(SAMPLE, { inputShape: [34, 34, 2], tickUs: 1000 });
    expect(hwc.tick.length).toBe(keys.size);
    const bins = await readEventsForInput(SAMPLE, { inputShape: [2, 34, 34], bins: 10 });
    expect(bins.steps).toBe(10);
  });

  it("converts .bin → .aedat → .csv → .npy → .aer → .bin without changing an event", async () => {
    const original = await eventsOf((await import("../../../../core/io/events/nmnist.ts")).readNmnist(SAMPLE));
    const chain = ["s.aedat", "s.csv", "s.npy", "s.aer", "s.bin"].map((f) => join(dir, f));
    let from = SAMPLE;
    for (const to of chain) {
      const r = await convertEventFile(from, to, { geometry: g34 });
      expect(r.count).toBe(4325);
      from = to;
    }
    expect(await eventsOf((await import("../../../../core/io/events/detect.ts")).readEvents(from))).toEqual(original);
    expect(readFileSync(from)).toEqual(readFileSync(SAMPLE));
  });

  it("spikes mode writes the same dense tensor readEventsForInput produces", async () => {
    const out = join(dir, "dense-out.npy");
    const r = await convertEventFile(SAMPLE, out, { output: "spikes", tickUs: 1000 });
    expect(r.steps).toBe(312);
    const arr = readNpy(readFileSync(out));
    expect(arr.kind === "plain" && arr.shape).toEqual([312, 2, 34, 34]);
    const back = await readEventsForInput(out, { inputShape: [2, 34, 34] });
    const direct = await readEventsForInput(SAMPLE, { inputShape: [2, 34, 34], tickUs: 1000 });
    expect(Array.from(back.tick)).toEqual(Array.from(direct.tick));
    expect(Array.from(back.neuron)).toEqual(Array.from(direct.neuron));
  });
});

describe("writers and conversion errors", () => {
  it("HDF5 output is E_EVENTS_UNSUPPORTED and writes nothing; unknown extensions are E_EVENTS_FORMAT", async () => {
    const src = join(dir, "c.bin");
    writeFileSync(src, nmnistBytes([{ x: 1, y: 2, p: 1, t: 3 }]));
    await expect(convertEventFile(src, join(dir, "o.h5"))).rejects.toMatchObject({ code: "E_EVENTS_UNSUPPORTED" });
    expect(existsSync(join(dir, "o.h5"))).toBe(false);
    await expect(convertEventFile(src, join(dir, "o.xyz"))).rejects.toMatchObject({ code: "E_EVENTS_FORMAT" });
  });

  it("events N-MNIST cannot store fail the conversion and leave no partial output", async () => {
    const src = join(dir, "wide.aedat");
    writeFileSync(src, aedat2Bytes([{ x: 1, y: 1, p: 1, t: 1 }, { x: 2, y: 2, p: 0, t: 0 }]));
    // Read without unwrapping, the second timestamp goes backwards, which N-MNIST cannot store.
    await expect(convertEventFile(src, join(dir, "wide.bin"), { unwrapTimestamps: false })).rejects.toMatchObject({ code: "E_EVENTS_RANGE" });
    expect(existsSync(join(dir, "wide.bin"))).toBe(false);
  });

  it("spike writers: dense .npy (bool or counts), AER stream, CSV", () => {
    const s = { tick: [0, 2, 2], neuron: [1, 0, 3], steps: 3, count: [1, 4, 1] };
    writeSpikes(join(dir, "sp.npy"), s, { shape: [2, 2] });
    const a = readNpy(readFileSync(join(dir, "sp.npy")));
    expect(a.kind === "plain" && [a.dtype.descr, a.shape, Array.from(a.data as Uint8Array)]).toEqual(["|b1", [3, 2, 2], [0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]]);
    writeSpikes(join(dir, "spc.npy"), s, { shape: [4], counts: true });
    const c = readNpy(readFileSync(join(dir, "spc.npy")));
    expect(c.kind === "plain" && Array.from(c.data as Uint32Array)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 4, 0, 0, 1]);
    writeSpikes(join(dir, "sp.aer"), s, { shape: [4], tickUs: 250 });
    const st = decodeAerStream(readFileSync(join(dir, "sp.aer")));
    expect([st.header.tickUs, Array.from(st.tick), Array.from(st.address)]).toEqual([250, [0, 2, 2], [1, 0, 3]]);
    writeSpikes(join(dir, "sp.csv"), s);
    expect(readFileSync(join(dir, "sp.csv"), "utf8")).toBe("tick,neuron,count\n0,1,1\n2,0,4\n2,3,1\n");
    expect(() => writeSpikes(join(dir, "bad.npy"), { tick: [5], neuron: [0], steps: 3 }, { shape: [1] })).toThrow(expect.objectContaining({ code: "E_EVENTS_RANGE" }));
  });

  it("readAllEvents reads any format into one batch", async () => {
    const p = join(dir, "all.bin");
    writeFileSync(p, nmnistBytes([{ x: 1, y: 2, p: 1, t: 3 }, { x: 4, y: 5, p: 0, t: 6 }]));
    const b = await readAllEvents(p, { batchEvents: 1 });
    expect([b.length, Array.from(b.x)]).toEqual([2, [1, 4]]);
  });
});
