import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAedat2, decodeDvs128Address, encodeDvs128Address } from "../../../../core/io/events/aedat2.ts";
import { readAedat31, writeAedat31, type Aedat31Stats } from "../../../../core/io/events/aedat31.ts";
import { collectEvents, makeBatch } from "../../../../core/io/events/batch.ts";
import { parseGestureLabels, sliceByLabels, labelsPathFor } from "../../../../core/io/events/dvs-gesture-labels.ts";
import { readEventsForInput } from "../../../../core/io/events/detect.ts";
import { aedat2Bytes, aedat3Bytes, eventsOf, randomEvents, tempDir, type Ev } from "./helpers/formats.ts";

const dir = tempDir();

describe("AEDAT 2.0", () => {
  it("reads big-endian DVS128 events with jAER's layout (x mirrored, bit 0 = OFF), skipping bit-15 events", async () => {
    const evs: Ev[] = [{ x: 0, y: 0, p: 1, t: 10 }, { x: 127, y: 5, p: 0, t: 20 }, { x: 64, y: 127, p: 1, t: 30 }];
    const p = join(dir, "a.aedat");
    writeFileSync(p, aedat2Bytes([evs[0], { special: true, t: 15 }, evs[1], evs[2]]));
    const b = await collectEvents(readAedat2(p));
    expect(b.geometry).toEqual({ width: 128, height: 128, polarities: 2 });
    expect(await eventsOf([b] as never)).toEqual(evs);
  });

  it('"dvs128-raw" decodes the same bits unmirrored, polarity = bit 0', async () => {
    const p = join(dir, "raw.aedat");
    writeFileSync(p, aedat2Bytes([{ x: 10, y: 3, p: 1, t: 1 }]));
    const [e] = await eventsOf(readAedat2(p, { address: "dvs128-raw" }));
    expect(e).toEqual({ x: 117, y: 3, p: 0, t: 1 });
  });

  it("encode/decode of DVS128 addresses are inverse for every pixel and polarity", () => {
    const out = { x: 0, y: 0, p: 0 };
    for (const layout of ["dvs128", "dvs128-raw"] as const) {
      for (let x = 0; x < 128; x += 7) for (let y = 0; y < 128; y += 5) for (let p = 0; p < 2; p++) {
        expect(decodeDvs128Address(encodeDvs128Address(x, y, p, layout), layout, out)).toBe(true);
        expect(out).toEqual({ x, y, p });
      }
    }
  });

  it("unwraps the 32-bit timestamp when it jumps backwards", async () => {
    const p = join(dir, "wrap.aedat");
    writeFileSync(p, aedat2Bytes([{ x: 1, y: 1, p: 1, t: 4294967290 }, { x: 1, y: 1, p: 1, t: 5 }]));
    expect((await eventsOf(readAedat2(p))).map((e) => e.t)).toEqual([4294967290, 5 + 2 ** 32]);
    expect((await eventsOf(readAedat2(p, { unwrapTimestamps: false }))).map((e) => e.t)).toEqual([4294967290, 5]);
  });

  it("streams identically across chunk and batch boundaries", async () => {
    const evs = randomEvents(1000, 128, 128, 11);
    const p = join(dir, "many.aedat");
    writeFileSync(p, aedat2Bytes(evs));
    expect(await eventsOf(readAedat2(p, { chunkBytes: 64, batchEvents: 7 }))).toEqual(evs);
    expect(await eventsOf(readAedat2(p))).toEqual(evs);
  });

  it("a cut event is E_EVENTS_TRUNCATED at its offset; a missing version line is E_EVENTS_HEADER", async () => {
    const bytes = aedat2Bytes([{ x: 1, y: 1, p: 1, t: 1 }, { x: 2, y: 2, p: 0, t: 2 }]);
    const p = join(dir, "cut.aedat");
    writeFileSync(p, bytes.subarray(0, bytes.length - 3));
    await expect(collectEvents(readAedat2(p))).rejects.toMatchObject({ code: "E_EVENTS_TRUNCATED", byteOffset: bytes.length - 8 });
    const q = join(dir, "nohdr.aedat");
    writeFileSync(q, aedat2Bytes([{ x: 1, y: 1, p: 1, t: 1 }], "# no version\r\n"));
    await expect(collectEvents(readAedat2(q))).rejects.toMatchObject({ code: "E_EVENTS_HEADER", byteOffset: 0 });
  });
});

describe("AEDAT 3.1", () => {
  const pk1 = [{ x: 5, y: 6, p: 1, t: 100 }, { x: 7, y: 8, p: 0, t: 101, invalid: true }, { x: 127, y: 0, p: 0, t: 150 }];
  const pk2 = [{ x: 0, y: 127, p: 1, t: 7 }];
  const expected: Ev[] = [{ x: 5, y: 6, p: 1, t: 100 }, { x: 127, y: 0, p: 0, t: 150 }, { x: 0, y: 127, p: 1, t: 2 ** 31 + 7 }];

  function file(): string {
    const p = join(dir, "g.aedat");
    writeFileSync(p, aedat3Bytes([
      { events: pk1, spare: 2 },
      { type: 2, eventSize: 12, rawEvents: 3 }, // a frame-type packet: skipped
      { events: pk2, tsOverflow: 1 },
    ]));
    return p;
  }

  it("reads polarity packets, skips invalid events, unused slots and other packet types, applies tsOverflow << 31", async () => {
    const stats: Aedat31Stats = { packets: 0, polarityPackets: 0, skippedPackets: 0, invalidEvents: 0 };
    const p = file();
    const b = await collectEvents(readAedat31(p, { stats }));
    expect(await eventsOf([b] as never)).toEqual(expected);
    expect(b.geometry).toEqual({ width: 128, height: 128, polarities: 2 });
    expect(stats).toEqual({ packets: 3, polarityPackets: 2, skippedPackets: 1, invalidEvents: 1 });
  });

  it("streams identically across chunk and batch boundaries", async () => {
    const evs = randomEvents(2000, 128, 128, 3);
    const packets = [];
    for (let i = 0; i < evs.length; i += 333) packets.push({ events: evs.slice(i, i + 333), spare: i % 2 });
    const p = join(dir, "many3.aedat");
    writeFileSync(p, aedat3Bytes(packets));
    expect(await eventsOf(readAedat31(p, { chunkBytes: 64, batchEvents: 5 }))).toEqual(evs);
    expect(await eventsOf(readAedat31(p))).toEqual(evs);
  });

  it("a packet cut inside its header or body is E_EVENTS_TRUNCATED at the packet's offset", async () => {
    const bytes = aedat3Bytes([{ events: pk1 }, { events: pk2 }]);
    const secondAt = bytes.length - (28 + 8);
    const p = join(dir, "cutbody.aedat");
    writeFileSync(p, bytes.subarray(0, bytes.length - 4));
    await expect(collectEvents(readAedat31(p))).rejects.toMatchObject({ code: "E_EVENTS_TRUNCATED", byteOffset: secondAt });
    const q = join(dir, "cuthead.aedat");
    writeFileSync(q, bytes.subarray(0, secondAt + 10));
    await expect(collectEvents(readAedat31(q))).rejects.toMatchObject({ code: "E_EVENTS_TRUNCATED", byteOffset: secondAt });
  });

  it("eventNumber > eventCapacity is E_EVENTS_CORRUPT at the packet; no END-HEADER is E_EVENTS_TRUNCATED", async () => {
    const bytes = aedat3Bytes([{ events: pk2, number: 9 }]);
    const p = join(dir, "corrupt.aedat");
    writeFileSync(p, bytes);
    await expect(collectEvents(readAedat31(p))).rejects.toMatchObject({ code: "E_EVENTS_CORRUPT", byteOffset: bytes.length - 36 });
    const q = join(dir, "noend.aedat");
    writeFileSync(q, aedat3Bytes([{ events: pk2 }], "#!AER-DAT3.1\r\n#Format: RAW\r\n"));
    await expect(collectEvents(readAedat31(q))).rejects.toMatchObject({ code: "E_EVENTS_TRUNCATED" });
  });

  it("a recording with no packets is an empty stream that still carries its geometry", async () => {
    const p = join(dir, "empty.aedat");
    writeFileSync(p, aedat3Bytes([]));
    const b = await collectEvents(readAedat31(p));
    expect([b.length, b.geometry]).toEqual([0, { width: 128, height: 128, polarities: 2 }]);
  });

  it("takes the geometry from a known camera in the header", async () => {
    const p = join(dir, "davis.aedat");
    writeFileSync(p, aedat3Bytes([{ events: [{ x: 300, y: 200, p: 1, t: 1 }] }], "#!AER-DAT3.1\r\n#Source 1: DAVIS346B\r\n#!END-HEADER\r\n"));
    const b = await collectEvents(readAedat31(p));
    expect(b.geometry).toEqual({ width: 346, height: 260, polarities: 2 });
    expect(b.x[0]).toBe(300);
  });

  it("the writer round-trips, including times past 2^31 µs and a non-DVS128 geometry", async () => {
    const evs = randomEvents(5000, 240, 180, 8, 2_000_000); // spans ~5000 s > 2^31 µs
    expect(evs[evs.length - 1].t).toBeGreaterThan(2 ** 31);
    const g = { width: 240, height: 180, polarities: 2 };
    const b = makeBatch({ x: evs.map((e) => e.x), y: evs.map((e) => e.y), p: evs.map((e) => e.p), tUs: evs.map((e) => e.t) }, g);
    const p = join(dir, "rt.aedat");
    expect(await writeAedat31(p, [b], g)).toBe(5000);
    const back = await collectEvents(readAedat31(p, { chunkBytes: 100 }));
    expect(back.geometry).toEqual(g);
    expect(await eventsOf([back] as never)).toEqual(evs);
  });
});

describe("DVS128 Gesture labels", () => {
  it("parses class,startTime_usec,endTime_usec and names the bad line", () => {
    expect(parseGestureLabels("class,startTime_usec,endTime_usec\r\n1,100,200\r\n11,250,400\r\n")).toEqual([
      { label: 1, startUs: 100, endUs: 200 }, { label: 11, startUs: 250, endUs: 400 },
    ]);
    expect(() => parseGestureLabels("class,startTime_usec,endTime_usec\n1,300,200\n", "l.csv")).toThrow(expect.objectContaining({ code: "E_EVENTS_CORRUPT", field: "line 2", byteOffset: 34 }));
    expect(labelsPathFor("/d/user01_fluorescent.aedat")).toBe("/d/user01_fluorescent_labels.csv");
  });

  it("slices a recording into labelled samples [start, end) and feeds one to a chip input", async () => {
    const evs: Ev[] = [];
    for (let t = 0; t < 1000; t += 10) evs.push({ x: (t / 10) % 128, y: 1, p: (t / 10) & 1, t });
    const p = join(dir, "user01_lab.aedat");
    writeFileSync(p, aedat3Bytes([{ events: evs.slice(0, 40) }, { events: evs.slice(40) }]));
    const labels = parseGestureLabels("class,startTime_usec,endTime_usec\n3,100,300\n7,500,505\n2,900,2000\n");
    const samples = [];
    for await (const s of sliceByLabels(readAedat31(p, { batchEvents: 16 }), labels)) samples.push(s);
    expect(samples.map((s) => [s.index, s.label, s.events.length])).toEqual([[0, 3, 20], [1, 7, 1], [2, 2, 10]]);
    expect(Array.from(samples[0].events.tUs)).toEqual(evs.filter((e) => e.t >= 100 && e.t < 300).map((e) => e.t));
    const lp = join(dir, "user01_lab_labels.csv");
    writeFileSync(lp, "class,startTime_usec,endTime_usec\n3,100,300\n7,500,505\n2,900,2000\n");
    // Sample 0 on a [2, 128, 128] input with 50 µs ticks from the label's start: 20 events, 2 per tick.
    const s = await readEventsForInput(p, { inputShape: [2, 128, 128], labels: lp, sample: 0, tickUs: 50 });
    expect(s.steps).toBe(4);
    expect(s.tick.length).toBe(20);
    expect(Array.from(s.tick)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3].sort((a, b) => a - b));
  });
});
