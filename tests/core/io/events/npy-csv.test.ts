import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectEvents, makeBatch } from "../../../../core/io/events/batch.ts";
import { decodeEventsNpy, encodeEventsNpy, readNpyEvents } from "../../../../core/io/events/npy-events.ts";
import { encodeCsvSpikes, readCsvEvents, writeCsvEvents } from "../../../../core/io/events/csv-events.ts";
import { readNpy } from "../../../../core/io/npy.ts";
import { eventsOf, plainNpyBytes, randomEvents, structuredNpyBytes, tempDir, type Ev } from "./helpers/formats.ts";

const dir = tempDir();

describe(".npy event arrays", () => {
  const evs: Ev[] = [{ x: 3, y: 4, p: 1, t: 10 }, { x: 33, y: 0, p: 0, t: 11 }, { x: 0, y: 33, p: 1, t: 5_000_000_000 }];

  it("reads tonic's DVS dtype (x <i2, y <i2, t <i8, p |b1) back to the events written", async () => {
    const p = join(dir, "dvs.npy");
    writeFileSync(p, structuredNpyBytes([
      { name: "x", descr: "<i2", values: evs.map((e) => e.x) },
      { name: "y", descr: "<i2", values: evs.map((e) => e.y) },
      { name: "t", descr: "<i8", values: evs.map((e) => BigInt(e.t)) },
      { name: "p", descr: "|b1", values: evs.map((e) => e.p) },
    ]));
    const b = await collectEvents(readNpyEvents(p, { batchEvents: 2 }));
    expect(await eventsOf([b] as never)).toEqual(evs);
    expect(b.geometry).toEqual({ width: 34, height: 34, polarities: 2 });
  });

  it("reads tonic's audio dtype (t, x, p) with y = 0, ±1 polarities and field order independence", () => {
    const b = decodeEventsNpy(structuredNpyBytes([
      { name: "t", descr: "<f8", values: [1.5, 2.5] },
      { name: "x", descr: "<u2", values: [699, 0] },
      { name: "p", descr: "|i1", values: [-1, 1] },
    ]), { geometry: { width: 700, height: 1, polarities: 2 } });
    expect([Array.from(b.x), Array.from(b.y), Array.from(b.p), Array.from(b.tUs)]).toEqual([[699, 0], [0, 0], [0, 1], [1.5, 2.5]]);
  });

  it("reads a plain N × 4 array by named columns with t in ms (tonic's pre-cut DVS Gesture layout x, y, p, t)", () => {
    const rows = [[1, 2, 1, 0.5], [3, 4, 0, 2]];
    const b = decodeEventsNpy(plainNpyBytes(rows.flat(), [2, 4]), { columns: "x,y,p,t", timeUnitUs: 1000 });
    expect([Array.from(b.x), Array.from(b.y), Array.from(b.p), Array.from(b.tUs)]).toEqual([[1, 3], [2, 4], [1, 0], [500, 2000]]);
    expect(() => decodeEventsNpy(plainNpyBytes(rows.flat(), [2, 4]))).toThrow(expect.objectContaining({ code: "E_EVENTS_SHAPE" }));
  });

  it("the writer round-trips (int64 µs; float64 when times have fractions) and matches tonic's dtype", () => {
    const g = { width: 34, height: 34, polarities: 2 };
    const b = makeBatch({ x: evs.map((e) => e.x), y: evs.map((e) => e.y), p: evs.map((e) => e.p), tUs: evs.map((e) => e.t) }, g);
    const bytes = encodeEventsNpy(b);
    const arr = readNpy(bytes);
    expect(arr.kind === "structured" && [...arr.fields].map(([k, f]) => `${k}:${f.dtype.descr}`)).toEqual(["x:<i2", "y:<i2", "t:<i8", "p:|b1"]);
    expect(decodeEventsNpy(bytes, { geometry: g })).toEqual(b);
    const frac = makeBatch({ x: [1], y: [1], p: [0], tUs: [0.25] }, g);
    const back = decodeEventsNpy(encodeEventsNpy(frac));
    expect(back.tUs[0]).toBe(0.25);
  });

  it("coordinates outside a given geometry are E_EVENTS_OUT_OF_RANGE naming the event", () => {
    const bytes = structuredNpyBytes([{ name: "x", descr: "<i2", values: [1, 40] }, { name: "t", descr: "<i8", values: [1n, 2n] }]);
    expect(() => decodeEventsNpy(bytes, { geometry: { width: 34, height: 34, polarities: 2 } })).toThrow(expect.objectContaining({ code: "E_EVENTS_OUT_OF_RANGE", field: "events[1]" }));
  });

  it("a truncated .npy is reported by the npy codec with its byte offset", () => {
    const bytes = structuredNpyBytes([{ name: "x", descr: "<i2", values: [1, 2] }, { name: "t", descr: "<i8", values: [1n, 2n] }]);
    expect(() => decodeEventsNpy(bytes.subarray(0, bytes.length - 3), {}, "cut.npy")).toThrow(expect.objectContaining({ code: "E_NPY_TRUNCATED", byteOffset: 128 }));
  });
});

describe("CSV events", () => {
  it("detects a header and maps columns by name (any order, t_ms in ms, comments, CRLF)", async () => {
    const p = join(dir, "h.csv");
    writeFileSync(p, "# recorded by a test\r\np,t_ms,y,x,extra\r\n1,0.5,2,3,zzz\r\n\r\n0,2,4,5,q\r\n");
    expect(await eventsOf(readCsvEvents(p))).toEqual([{ x: 3, y: 2, p: 1, t: 500 }, { x: 5, y: 4, p: 0, t: 2000 }]);
  });

  it("without a header reads x,y,t,p (or the given columns); semicolons, tabs and spaces work", async () => {
    const p = join(dir, "n.csv");
    writeFileSync(p, "1;2;30;1\n4;5;60;-1\n");
    expect(await eventsOf(readCsvEvents(p))).toEqual([{ x: 1, y: 2, p: 1, t: 30 }, { x: 4, y: 5, p: 0, t: 60 }]);
    const q = join(dir, "s.txt");
    writeFileSync(q, "30 1 2 1\n60\t4 5 0");
    expect(await eventsOf(readCsvEvents(q, { columns: "t,x,y,p" }))).toEqual([{ x: 1, y: 2, p: 1, t: 30 }, { x: 4, y: 5, p: 0, t: 60 }]);
  });

  it("infers the geometry from the largest coordinates when none is given", async () => {
    const p = join(dir, "g.csv");
    writeFileSync(p, "x,y,t,p\n9,2,1,1\n1,7,2,0\n");
    const b = await collectEvents(readCsvEvents(p));
    expect(b.geometry).toEqual({ width: 10, height: 8, polarities: 2 });
  });

  it("streams identically across chunk and batch boundaries and round-trips through the writer", async () => {
    const evs = randomEvents(3000, 128, 128, 4);
    const g = { width: 128, height: 128, polarities: 2 };
    const b = makeBatch({ x: evs.map((e) => e.x), y: evs.map((e) => e.y), p: evs.map((e) => e.p), tUs: evs.map((e) => e.t) }, g);
    const p = join(dir, "rt.csv");
    expect(await writeCsvEvents(p, [b])).toBe(3000);
    expect(readFileSync(p, "utf8").split("\n")[0]).toBe("x,y,t,p");
    expect(await eventsOf(readCsvEvents(p, { chunkBytes: 256, batchEvents: 13, geometry: g }))).toEqual(evs);
    expect(await eventsOf(readCsvEvents(p))).toEqual(evs);
  });

  it("a malformed line is E_EVENTS_CORRUPT with the line's byte offset", async () => {
    const p = join(dir, "bad.csv");
    const text = "x,y,t,p\n1,2,3,1\n1,two,3,1\n";
    writeFileSync(p, text);
    await expect(collectEvents(readCsvEvents(p, { geometry: { width: 10, height: 10, polarities: 2 } }))).rejects.toMatchObject({ code: "E_EVENTS_CORRUPT", byteOffset: text.indexOf("1,two"), field: "line 3" });
    const q = join(dir, "short.csv");
    writeFileSync(q, "1,2,3,1\n1,2\n");
    await expect(collectEvents(readCsvEvents(q))).rejects.toMatchObject({ code: "E_EVENTS_CORRUPT", byteOffset: 8 });
    const r = join(dir, "hdr.csv");
    writeFileSync(r, "a,b,c\n1,2,3\n");
    await expect(collectEvents(readCsvEvents(r))).rejects.toMatchObject({ code: "E_EVENTS_HEADER" });
  });

  it("spike CSV has tick,neuron[,count]", () => {
    expect(encodeCsvSpikes([0, 2], [5, 1])).toBe("tick,neuron\n0,5\n2,1\n");
    expect(encodeCsvSpikes([0], [5], [3])).toBe("tick,neuron,count\n0,5,3\n");
  });
});
