/**
 * docs/events.md §3: negative timestamps are E_EVENTS_CORRUPT. The CSV reader names the line, the .npy event
 * reader the element, both with the value (audit s24a finding 3: they were read, then dropped as "outside the
 * ticks" or taken as tick 0's origin, moving every other event later).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectEvents } from "../../../../core/io/events/batch.ts";
import { readCsvEvents } from "../../../../core/io/events/csv-events.ts";
import { decodeEventsNpy } from "../../../../core/io/events/npy-events.ts";
import { readEventsForInput } from "../../../../core/io/events/detect.ts";
import { structuredNpyBytes, tempDir } from "./helpers/formats.ts";

const dir = tempDir();

describe("negative event times", () => {
  it("a CSV line with t < 0 is E_EVENTS_CORRUPT naming the file, the line and the value; t = 0 passes", async () => {
    const p = join(dir, "neg.csv");
    const text = "x,y,t,p\n0,0,500,1\n1,0,-3000,1\n";
    writeFileSync(p, text);
    await expect(collectEvents(readCsvEvents(p))).rejects.toMatchObject({ code: "E_EVENTS_CORRUPT", file: p, field: "line 3", byteOffset: text.indexOf("1,0,-3000"), message: expect.stringContaining("-3000") });
    // Through the chip-input path too, with the first-event origin that would have shifted the other event.
    await expect(readEventsForInput(p, { inputShape: [4], geometry: { width: 2, height: 1, polarities: 2 }, t0Us: "first" })).rejects.toMatchObject({ code: "E_EVENTS_CORRUPT", field: "line 3" });
    const z = join(dir, "zero.csv");
    writeFileSync(z, "x,y,t,p\n0,0,0,1\n1,0,-0,1\n");
    expect((await collectEvents(readCsvEvents(z))).length).toBe(2);
  });

  it("a structured .npy event with t < 0 is E_EVENTS_CORRUPT naming the element and the value", () => {
    const bytes = structuredNpyBytes([
      { name: "x", descr: "<i2", values: [0, 1] },
      { name: "y", descr: "<i2", values: [0, 0] },
      { name: "t", descr: "<i8", values: [500n, -3000n] },
      { name: "p", descr: "|u1", values: [1, 1] },
    ]);
    expect(() => decodeEventsNpy(bytes, {}, "negt_ev.npy")).toThrow(expect.objectContaining({ code: "E_EVENTS_CORRUPT", file: "negt_ev.npy", field: "events[1].t", message: expect.stringContaining("-3000") }));
  });
});
