import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import h5wasm from "h5wasm/node";
import { ShdFile, readShd, readShdSamples } from "../../../../core/io/events/shd.ts";
import { collectEvents } from "../../../../core/io/events/batch.ts";
import { readEventsForInput } from "../../../../core/io/events/detect.ts";
import { buildHdf5, lookup3, shdFile, writeShdFile } from "./helpers/hdf5-writer.ts";
import { tempDir } from "./helpers/formats.ts";

const dir = tempDir();

// Times chosen exactly representable in float16 (multiples of 2^-12 below 0.5 s, 2^-11 below 1 s).
const samples = [
  { times: [0.000244140625, 0.25, 0.5, 0.75], units: [3, 699, 0, 42], label: 7 },
  { times: [], units: [], label: 2 },
  { times: [0.125, 0.125, 0.9990234375], units: [12, 13, 12], label: 19 },
];

describe("test HDF5 writer", () => {
  it("lookup3 matches Bob Jenkins' published test values", () => {
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
    expect(lookup3(new TextEncoder().encode("Four score and seven years ago"))).toBe(0x17770551);
    expect(lookup3(new TextEncoder().encode("Four score and seven years ago"), 1)).toBe(0xcd628161);
  });

  it("writes files libhdf5 (h5wasm) reads: groups, fixed and variable-length datasets", async () => {
    const p = join(dir, "check.h5");
    writeFileSync(p, buildHdf5({ kind: "group", children: {
      a: { kind: "dataset", type: { cls: "int", size: 4, signed: true }, data: [-1, 2, 3] },
      g: { kind: "group", children: { v: { kind: "dataset", type: { cls: "vlen", base: { cls: "float", size: 8 } }, data: [[1.5], [], [2, 3]] } } },
    } }));
    await h5wasm.ready;
    const f = new h5wasm.File(p, "r");
    try {
      expect(Array.from((f.get("a") as InstanceType<typeof h5wasm.Dataset>).value as Int32Array)).toEqual([-1, 2, 3]);
      const v = (f.get("g/v") as InstanceType<typeof h5wasm.Dataset>).value as Float64Array[];
      expect(v.map((r) => Array.from(r))).toEqual([[1.5], [], [2, 3]]);
    } finally {
      f.close();
    }
  });
});

describe("SHD / SSC HDF5", () => {
  for (const timeBytes of [2, 4, 8] as const) {
    it(`reads spikes/times (float${timeBytes * 8}, s), spikes/units and labels back to the events written`, async () => {
      const p = join(dir, `shd${timeBytes}.h5`);
      writeShdFile(p, samples, timeBytes);
      const f = await ShdFile.open(p);
      try {
        expect(f.samples).toBe(3);
        expect(Array.from(f.labels ?? [])).toEqual([7, 2, 19]);
        expect(f.geometry).toEqual({ width: 700, height: 1, polarities: 1 });
        const got = f.readSamples(0, 3);
        got.forEach((s, i) => {
          expect(s.index).toBe(i);
          expect(s.label).toBe(samples[i].label);
          expect(Array.from(s.events.x)).toEqual(samples[i].units);
          expect(Array.from(s.events.tUs)).toEqual(samples[i].times.map((t) => t * 1e6));
          expect(Array.from(s.events.y).every((v) => v === 0) && Array.from(s.events.p).every((v) => v === 0)).toBe(true);
        });
      } finally {
        f.close();
      }
    });
  }

  it("streams samples one read at a time identically to one big read", async () => {
    const many = Array.from({ length: 23 }, (_, i) => ({ times: Array.from({ length: i % 5 }, (_, k) => (k + 1) / 8), units: Array.from({ length: i % 5 }, (_, k) => (i * 31 + k) % 700), label: i % 20 }));
    const p = join(dir, "many.h5");
    writeShdFile(p, many);
    const a = [];
    for await (const s of readShdSamples(p, { samplesPerRead: 1 })) a.push([s.index, s.label, Array.from(s.events.x), Array.from(s.events.tUs)]);
    const b = [];
    for await (const s of readShdSamples(p, { samplesPerRead: 64 })) b.push([s.index, s.label, Array.from(s.events.x), Array.from(s.events.tUs)]);
    expect(a).toEqual(b);
    expect(a.length).toBe(23);
    expect(a[7]).toEqual([7, 7, [217, 218], [125000, 250000]]);
  });

  it("one sample as an event stream, and as a chip input of 700 neurons", async () => {
    const p = join(dir, "one.h5");
    writeShdFile(p, samples);
    const b = await collectEvents(readShd(p, { sample: 2 }));
    expect(Array.from(b.x)).toEqual([12, 13, 12]);
    const s = await readEventsForInput(p, { inputShape: [700], sample: 2, tickUs: 1000 });
    // 0.125 s → tick 125 (units 12 and 13), 0.999… s → tick 999.
    expect(Array.from(s.tick)).toEqual([125, 125, 999]);
    expect(Array.from(s.neuron)).toEqual([12, 13, 12]);
    expect(s.steps).toBe(1000);
    await expect(collectEvents(readShd(p, { sample: 3 }))).rejects.toMatchObject({ code: "E_EVENTS_OPTIONS" });
  });

  it("a truncated file is E_EVENTS_TRUNCATED (byte offset = size); a non-HDF5 file is E_EVENTS_FORMAT", async () => {
    const bytes = shdFile(samples);
    const p = join(dir, "cut.h5");
    writeFileSync(p, bytes.subarray(0, bytes.length - 100));
    await expect(ShdFile.open(p)).rejects.toMatchObject({ code: "E_EVENTS_TRUNCATED", byteOffset: bytes.length - 100 });
    const q = join(dir, "text.h5");
    writeFileSync(q, "not hdf5 at all, just text that is long enough");
    await expect(ShdFile.open(q)).rejects.toMatchObject({ code: "E_EVENTS_FORMAT", byteOffset: 0 });
  });

  it("a file cut inside the superblock (8, 9, 12 bytes: no version byte, no offset size, no addresses) is E_EVENTS_TRUNCATED", async () => {
    const bytes = shdFile(samples);
    for (const n of [8, 9, 12]) {
      const p = join(dir, `cut${n}.h5`);
      writeFileSync(p, bytes.subarray(0, n));
      await expect(ShdFile.open(p), `${n} bytes`).rejects.toMatchObject({ code: "E_EVENTS_TRUNCATED", byteOffset: n });
    }
  });

  it("a unit beyond the geometry is E_EVENTS_OUT_OF_RANGE; mismatched times/units is E_EVENTS_CORRUPT; missing datasets E_EVENTS_HEADER", async () => {
    const p = join(dir, "bad.h5");
    writeShdFile(p, [{ times: [0.5], units: [800], label: 0 }]);
    const f = await ShdFile.open(p);
    try {
      expect(() => f.readSamples(0, 1)).toThrow(expect.objectContaining({ code: "E_EVENTS_OUT_OF_RANGE" }));
    } finally {
      f.close();
    }
    const wide = await ShdFile.open(p, { geometry: { width: 1000, height: 1, polarities: 1 } });
    try {
      expect(Array.from(wide.readSamples(0, 1)[0].events.x)).toEqual([800]);
    } finally {
      wide.close();
    }
    const q = join(dir, "mismatch.h5");
    writeShdFile(q, [{ times: [0.5, 0.6], units: [1], label: 0 }]);
    const g = await ShdFile.open(q);
    try {
      expect(() => g.readSamples(0, 1)).toThrow(expect.objectContaining({ code: "E_EVENTS_CORRUPT", field: "spikes/units[0]" }));
    } finally {
      g.close();
    }
    const r = join(dir, "nospikes.h5");
    writeFileSync(r, buildHdf5({ kind: "group", children: { labels: { kind: "dataset", type: { cls: "int", size: 2, signed: false }, data: [1] } } }));
    await expect(ShdFile.open(r)).rejects.toMatchObject({ code: "E_EVENTS_HEADER", field: "spikes/times" });
    expect(readFileSync(r).length).toBeGreaterThan(0);
  });
});
