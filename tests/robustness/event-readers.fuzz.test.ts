/**
 * Hostile-input properties for the event-recording readers: N-MNIST `.bin`, AEDAT 2.0 and AEDAT 3.1.
 * Each reader gets ≥ 10,000 generated files: random bytes (behind a valid header for AEDAT so the data
 * path is reached), every truncation of a valid file built here with aerchip's own encoders, single and
 * multiple bit flips of it, and hostile header lines and packet sizes (AEDAT 3.1 eventSize, capacity,
 * number, valid, TS offset and overflow set to 0, −1, 2^31−1, …). Every file either reads or fails with
 * an AerchipError whose code is one of the E_EVENTS_* codes — never another exception, never a hang
 * (each property has a time budget), and the heap never grows by more than the documented cap whatever
 * the declared sizes (the readers size nothing from a declared length before checking it against the
 * bytes left in the file).
 *
 * The readers take a path, so each input is written to one scratch file and read back with small chunk
 * and batch sizes, which exercises the buffer refill and batch-boundary paths on every input.
 */
import fc from "fast-check";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isAerchipError } from "../../core/diagnostics.ts";
import { EventsErrorCode } from "../../core/io/events/errors.ts";
import { makeBatch } from "../../core/io/events/batch.ts";
import { NmnistEncoder, NMNIST_GEOMETRY, readNmnist } from "../../core/io/events/nmnist.ts";
import { DVS128_GEOMETRY, encodeDvs128Address, readAedat2 } from "../../core/io/events/aedat2.ts";
import { aedat31Header, encodeAedat31Packets, readAedat31 } from "../../core/io/events/aedat31.ts";
import type { EventBatch, ReadEventsOptions } from "../../core/io/events/types.ts";

const CODES = new Set<string>(Object.values(EventsErrorCode));
// A RAM-backed directory when there is one: 40,000 small files through the disk cost seconds of syscalls.
const DIR = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "aerchip-events-fuzz-"));
const FILE = join(DIR, "input.bin");
/** The heap may not grow by more than this while reading one hostile file (documented in docs/threat-model.md). */
const HEAP_CAP_BYTES = 64 * 1024 * 1024;
const RUNS = 10_000;

type Reader = (path: string, o: ReadEventsOptions) => AsyncGenerator<EventBatch, void, undefined>;

/** Reads `bytes` with `reader`; returns the error code, "ok", and fails the test on any non-coded exception. */
async function readCoded(reader: Reader, bytes: Uint8Array, options: ReadEventsOptions): Promise<string> {
  writeFileSync(FILE, bytes);
  try {
    let events = 0;
    for await (const b of reader(FILE, options)) events += b.length;
    // A file cannot hold more events than it has bytes (the densest format uses 5 bytes per event).
    expect(events).toBeLessThanOrEqual(bytes.length);
    return "ok";
  } catch (e) {
    if (!isAerchipError(e)) throw new Error(`non-Aerchip exception: ${(e as Error)?.stack ?? String(e)}`);
    if (!CODES.has(e.code)) throw new Error(`unexpected code ${e.code}: ${e.message}`);
    return e.code;
  }
}

// Valid files built with aerchip's own encoders, 40 events each.
const N = 40;
const tUs = Array.from({ length: N }, (_, i) => i * 997 + (i % 3));
const nmnistValid = new NmnistEncoder().encode(makeBatch({ x: tUs.map((_, i) => i % 34), y: tUs.map((_, i) => (i * 7) % 34), p: tUs.map((_, i) => i & 1), tUs: tUs.map((t, i) => t + (i > 30 ? 2 ** 23 : 0)) }, NMNIST_GEOMETRY));
function aedat2Bytes(): Uint8Array {
  const head = new TextEncoder().encode("#!AER-DAT2.0\r\n# This is a raw AE data file created by aerchip tests\r\n# Data format is int32 address, int32 timestamp (8 bytes total)\r\n");
  const out = new Uint8Array(head.length + N * 8);
  out.set(head);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < N; i++) {
    dv.setUint32(head.length + i * 8, encodeDvs128Address(i % 128, (i * 5) % 128, i & 1));
    dv.setUint32(head.length + i * 8 + 4, tUs[i]);
  }
  return out;
}
const aedat2Valid = aedat2Bytes();
const aedat2HeaderBytes = aedat2Valid.length - N * 8;
const aedat31Head = aedat31Header(DVS128_GEOMETRY);
const aedat31Body = encodeAedat31Packets(makeBatch({ x: tUs.map((_, i) => i % 128), y: tUs.map((_, i) => (i * 3) % 128), p: tUs.map((_, i) => i & 1), tUs }, DVS128_GEOMETRY));
const aedat31Valid = concat(aedat31Head, aedat31Body);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function flip(bytes: Uint8Array, bits: readonly number[]): Uint8Array {
  const out = bytes.slice();
  for (const b of bits) out[(b >>> 3) % out.length] ^= 1 << (b & 7);
  return out;
}

const HOSTILE_I32 = [0, 1, -1, 2, 4, 7, 8, 9, 27, 28, 1000, 65536, 2 ** 24, 2 ** 30, 2 ** 31 - 1, -(2 ** 31)];
/** AEDAT 3.1 packet headers with hostile fields, followed by a few random bytes. */
const hostilePacket = fc.record({
  type: fc.constantFrom(1, 0, -1, 2, 32767),
  fields: fc.array(fc.oneof(fc.constantFrom(...HOSTILE_I32), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { minLength: 6, maxLength: 6 }),
  tail: fc.uint8Array({ maxLength: 64 }),
}).map(({ type, fields, tail }) => {
  const h = new Uint8Array(28);
  const dv = new DataView(h.buffer);
  dv.setInt16(0, type, true);
  dv.setInt16(2, 1, true);
  fields.forEach((v, i) => dv.setInt32(4 + 4 * i, v, true));
  return concat(h, tail);
});

const HEADER_LINES = ["#!AER-DAT2.0\r\n", "#!AER-DAT3.1\r\n", "#!AER-DAT3.1\n", "#!AER-DAT9.9\r\n", "#!AER-DAT\r\n", "#!END-HEADER\r\n", "#Sensor-Size: 0x0x0\r\n",
  "#Sensor-Size: 99999999x99999999x2\r\n", "#Sensor-Size: 65536x65536x256\r\n", "#Sensor-Size: 2x2x1\r\n", "#Source 1: DAVIS346\r\n", "#\r\n", "#", "# no newline"];
const hostileHeader = fc.array(fc.oneof(fc.constantFrom(...HEADER_LINES), fc.string({ maxLength: 30 }).map((s) => `#${s}\n`)), { maxLength: 6 })
  .map((lines) => new TextEncoder().encode(lines.join("")));

const options = fc.record({ chunkBytes: fc.constantFrom(64, 100, 4096), batchEvents: fc.constantFrom(1, 7, 1000) });

/** Runs `gen` through `reader` RUNS times within a wall-clock budget; returns the codes seen. */
async function fuzz(reader: Reader, gen: fc.Arbitrary<Uint8Array>, seed: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  let peak = 0;
  let runs = 0;
  await fc.assert(fc.asyncProperty(gen, options, async (bytes, o) => {
    const code = await readCoded(reader, bytes, o);
    seen.set(code, (seen.get(code) ?? 0) + 1);
    if (++runs % 64 === 0) {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - heapBefore);
    }
  }), { numRuns: RUNS, seed });
  // Garbage may accumulate between collections; the cap is far above it and far below any declared size.
  expect(peak).toBeLessThan(HEAP_CAP_BYTES * 4);
  return seen;
}

async function everyTruncation(reader: Reader, valid: Uint8Array): Promise<Set<string>> {
  const codes = new Set<string>();
  for (let cut = 0; cut < valid.length; cut++) codes.add(await readCoded(reader, valid.subarray(0, cut), { chunkBytes: 64, batchEvents: 7 }));
  return codes;
}

const randomBytes = fc.uint8Array({ maxLength: 300 });
const bitFlips = (valid: Uint8Array): fc.Arbitrary<Uint8Array> => fc.array(fc.nat(valid.length * 8 - 1), { minLength: 1, maxLength: 4 }).map((bits) => flip(valid, bits));

describe("event readers under hostile input", () => {
  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  it("the valid files read back (so the fuzz inputs start from real recordings)", async () => {
    expect(await readCoded(readNmnist, nmnistValid, {})).toBe("ok");
    expect(await readCoded(readAedat2, aedat2Valid, {})).toBe("ok");
    expect(await readCoded(readAedat31, aedat31Valid, {})).toBe("ok");
  });

  it("N-MNIST .bin: every truncation, then 10,000 random / bit-flipped / spliced files give coded errors", async () => {
    const cut = await everyTruncation(readNmnist, nmnistValid);
    expect(cut).toContain("E_EVENTS_TRUNCATED");
    const seen = await fuzz(readNmnist, fc.oneof(randomBytes, bitFlips(nmnistValid), fc.tuple(fc.nat(nmnistValid.length), randomBytes).map(([at, r]) => concat(nmnistValid.subarray(0, at), r))), 901);
    expect(seen.get("E_EVENTS_OUT_OF_RANGE") ?? 0).toBeGreaterThan(0);
    expect(seen.get("ok") ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it("AEDAT 2.0: every truncation, then 10,000 random headers, data and bit flips give coded errors", async () => {
    const cut = await everyTruncation(readAedat2, aedat2Valid);
    expect(cut).toContain("E_EVENTS_TRUNCATED");
    const header = aedat2Valid.subarray(0, aedat2HeaderBytes);
    const seen = await fuzz(readAedat2, fc.oneof(
      randomBytes,
      randomBytes.map((r) => concat(header, r)),
      fc.tuple(hostileHeader, randomBytes).map(([h, r]) => concat(h, r)),
      bitFlips(aedat2Valid),
    ), 902);
    expect(seen.get("E_EVENTS_HEADER") ?? 0).toBeGreaterThan(0);
    expect(seen.get("ok") ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it("AEDAT 3.1: every truncation, then 10,000 hostile packet headers, header lines, data and bit flips give coded errors", async () => {
    const cut = await everyTruncation(readAedat31, aedat31Valid);
    expect(cut).toContain("E_EVENTS_TRUNCATED");
    const seen = await fuzz(readAedat31, fc.oneof(
      randomBytes,
      randomBytes.map((r) => concat(aedat31Head, r)),
      fc.array(hostilePacket, { minLength: 1, maxLength: 3 }).map((ps) => concat(aedat31Head, ...ps)),
      fc.tuple(hostileHeader, hostilePacket).map(([h, p]) => concat(h, p)),
      bitFlips(aedat31Valid),
    ), 903);
    expect(seen.get("E_EVENTS_CORRUPT") ?? 0).toBeGreaterThan(0);
    expect(seen.get("E_EVENTS_TRUNCATED") ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it("an AEDAT 3.1 packet declaring 2^31−1 events of 2^31−1 bytes is refused before allocating", async () => {
    const h = new Uint8Array(28);
    const dv = new DataView(h.buffer);
    dv.setInt16(0, 1, true);
    for (const [at, v] of [[4, 2 ** 31 - 1], [8, 4], [16, 2 ** 31 - 1], [20, 2 ** 31 - 1], [24, 0]] as const) dv.setInt32(at, v, true);
    const before = process.memoryUsage().arrayBuffers;
    expect(await readCoded(readAedat31, concat(aedat31Head, h, new Uint8Array(16)), {})).toBe("E_EVENTS_TRUNCATED");
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(HEAP_CAP_BYTES);
  });
});
