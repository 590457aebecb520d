import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { collectEvents } from "../../../../core/io/events/batch.ts";
import { readNmnist, writeNmnist } from "../../../../core/io/events/nmnist.ts";
import { makeBatch } from "../../../../core/io/events/batch.ts";
import { eventsOf, nmnistBytes, randomEvents, tempDir } from "./helpers/formats.ts";
import { SKIP_MSG } from "../../../helpers/shared.ts";

const SHARED = resolve(process.cwd(), "../shared");
const hasShared = existsSync(SHARED);
const SAMPLE = join(SHARED, "fixtures/events/sample_nmnist.bin");

describe.skipIf(!hasShared)(`N-MNIST sample recording ${SKIP_MSG}`, () => {
  it("reads to 4,325 events, x and y in 0..33, timestamps 654..311,175 µs, 2,145 ON (fixture README)", async () => {
    const b = await collectEvents(readNmnist(SAMPLE));
    expect(b.length).toBe(4325);
    expect(b.geometry).toEqual({ width: 34, height: 34, polarities: 2 });
    let minXY = Infinity;
    let maxXY = -Infinity;
    let on = 0;
    for (let i = 0; i < b.length; i++) {
      minXY = Math.min(minXY, b.x[i], b.y[i]);
      maxXY = Math.max(maxXY, b.x[i], b.y[i]);
      on += b.p[i];
    }
    expect(minXY).toBeGreaterThanOrEqual(0);
    expect(maxXY).toBeLessThanOrEqual(33);
    expect(Math.min(...b.tUs)).toBe(654);
    expect(Math.max(...b.tUs)).toBe(311175);
    expect(on).toBe(2145);
  });

  it("the first event decodes from its five bytes as documented", async () => {
    const raw = readFileSync(SAMPLE);
    const b = await collectEvents(readNmnist(SAMPLE));
    expect(b.x[0]).toBe(raw[0]);
    expect(b.y[0]).toBe(raw[1]);
    expect(b.p[0]).toBe(raw[2] >> 7);
    expect(b.tUs[0]).toBe((raw[2] & 0x7f) * 65536 + raw[3] * 256 + raw[4]);
  });

  it("streams identically through tiny chunks and batches (chunk boundaries inside records)", async () => {
    const whole = await eventsOf(readNmnist(SAMPLE));
    let batches = 0;
    const parts = [];
    for await (const b of readNmnist(SAMPLE, { chunkBytes: 7, batchEvents: 97 })) {
      expect(b.length).toBeLessThanOrEqual(97);
      batches++;
      parts.push(b);
    }
    expect(batches).toBe(Math.ceil(4325 / 97));
    expect(await eventsOf((async function* () { yield* parts; })())).toEqual(whole);
  });

  it("first saccade only keeps events before 100 ms", async () => {
    const all = await eventsOf(readNmnist(SAMPLE));
    const first = await eventsOf(readNmnist(SAMPLE, { firstSaccadeOnly: true }));
    expect(first.length).toBe(all.filter((e) => e.t < 100_000).length);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(all.length);
  });
});

describe("N-MNIST format", () => {
  const dir = tempDir();

  it("drops overflow markers (y = 240) and adds 2^13 µs to every later event", async () => {
    const p = join(dir, "ovf.bin");
    writeFileSync(p, nmnistBytes([{ x: 1, y: 2, p: 1, t: 100 }, "marker", { x: 3, y: 4, p: 0, t: 50 }, "marker", { x: 5, y: 6, p: 1, t: 7 }]));
    expect(await eventsOf(readNmnist(p))).toEqual([
      { x: 1, y: 2, p: 1, t: 100 },
      { x: 3, y: 4, p: 0, t: 50 + 8192 },
      { x: 5, y: 6, p: 1, t: 7 + 2 * 8192 },
    ]);
    const arithmetic = await eventsOf(readNmnist(p, { overflowIncrementUs: 2 ** 23 }));
    expect(arithmetic[2].t).toBe(7 + 2 * 2 ** 23);
  });

  it("a file cut inside a record is E_EVENTS_TRUNCATED at the cut record's offset", async () => {
    const p = join(dir, "cut.bin");
    writeFileSync(p, nmnistBytes([{ x: 1, y: 1, p: 0, t: 1 }, { x: 2, y: 2, p: 1, t: 2 }, { x: 3, y: 3, p: 1, t: 3 }]).subarray(0, 13));
    await expect(collectEvents(readNmnist(p))).rejects.toMatchObject({ code: "E_EVENTS_TRUNCATED", byteOffset: 10, file: p });
  });

  it("an event outside the geometry is E_EVENTS_OUT_OF_RANGE with its byte offset; a larger geometry reads it", async () => {
    const p = join(dir, "wide.bin");
    writeFileSync(p, nmnistBytes([{ x: 1, y: 1, p: 0, t: 1 }, { x: 200, y: 100, p: 1, t: 2 }]));
    await expect(collectEvents(readNmnist(p))).rejects.toMatchObject({ code: "E_EVENTS_OUT_OF_RANGE", byteOffset: 5 });
    const b = await collectEvents(readNmnist(p, { geometry: { width: 240, height: 180, polarities: 2 } }));
    expect(Array.from(b.x)).toEqual([1, 200]);
  });

  it("a missing file is E_EVENTS_NOT_FOUND", async () => {
    await expect(collectEvents(readNmnist(join(dir, "nope.bin")))).rejects.toMatchObject({ code: "E_EVENTS_NOT_FOUND" });
  });

  it("the writer round-trips events past the 23-bit range (inserting overflow markers)", async () => {
    const evs = randomEvents(3000, 34, 34, 5, 9000); // spans ~13.5 s > 2^23 µs
    expect(evs[evs.length - 1].t).toBeGreaterThan(2 ** 23);
    const b = makeBatch({ x: evs.map((e) => e.x), y: evs.map((e) => e.y), p: evs.map((e) => e.p), tUs: evs.map((e) => e.t) }, { width: 34, height: 34, polarities: 2 });
    const p = join(dir, "rt.bin");
    expect(await writeNmnist(p, [b])).toBe(3000);
    const bytes = readFileSync(p);
    let markers = 0;
    for (let i = 1; i < bytes.length; i += 5) if (bytes[i] === 240) markers++;
    expect(markers).toBeGreaterThan(0);
    expect(await eventsOf(readNmnist(p, { chunkBytes: 64 }))).toEqual(evs);
  });

  it("the writer refuses y = 240 and decreasing times", async () => {
    const g = { width: 256, height: 256, polarities: 2 };
    await expect(writeNmnist(join(dir, "bad1.bin"), [makeBatch({ x: [0], y: [240], p: [0], tUs: [0] }, g)])).rejects.toMatchObject({ code: "E_EVENTS_RANGE" });
    await expect(writeNmnist(join(dir, "bad2.bin"), [makeBatch({ x: [0, 0], y: [0, 0], p: [0, 0], tUs: [5, 4] }, g)])).rejects.toMatchObject({ code: "E_EVENTS_RANGE" });
    expect(existsSync(join(dir, "bad2.bin"))).toBe(false);
  });
});
