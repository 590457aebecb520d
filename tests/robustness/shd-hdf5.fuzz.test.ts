/**
 * Hostile input for the SHD / SSC HDF5 reader (core/io/events/shd.ts). Files are built with the
 * test-only HDF5 writer (tests/core/io/events/helpers/hdf5-writer.ts, deterministic bytes):
 *  - 10,000 random files, random bytes behind the HDF5 signature, and truncations of a valid file:
 *    all stop at the reader's own superblock check with E_EVENTS_FORMAT / E_EVENTS_TRUNCATED;
 *  - well-formed HDF5 files with hostile content, read through libhdf5 (as many as fit in ~8 s):
 *    NaN/Inf/negative/huge spike times, units outside 0..699, times and units of different lengths,
 *    empty samples, float16/32/64 times;
 *  - opt-in (AERCHIP_FUZZ_LIBHDF5=1): bit flips of a valid file, which reach libhdf5's own parsing and
 *    can make it loop forever (fixtures/shd-libhdf5-hang.h5 was found this way; see
 *    nir-hdf5.fuzz.test.ts and docs/threat-model.md).
 * Every input either reads or fails with an E_EVENTS_* AerchipError.
 */
import fc from "fast-check";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isAerchipError } from "../../core/diagnostics.ts";
import { EventsErrorCode } from "../../core/io/events/errors.ts";
import { readShdSamples } from "../../core/io/events/shd.ts";
import { shdFile } from "../core/io/events/helpers/hdf5-writer.ts";

const CODES = new Set<string>(Object.values(EventsErrorCode));
const DIR = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "aerchip-shd-fuzz-"));
const FILE = join(DIR, "fuzz.h5");
const HEADER_RUNS = 10_000;
const CONTENT_RUNS = 4_000;
const LIBHDF5_FUZZ = process.env.AERCHIP_FUZZ_LIBHDF5 === "1";

async function readCoded(bytes: Uint8Array): Promise<string> {
  writeFileSync(FILE, bytes);
  try {
    let events = 0;
    for await (const s of readShdSamples(FILE, { samplesPerRead: 3 })) {
      events += s.events.length;
      for (let i = 0; i < s.events.length; i++) {
        // What the reader promises for every event it returns.
        if (!(s.events.x[i] < 700) || !Number.isFinite(s.events.tUs[i]) || s.events.tUs[i] < 0) throw new Error(`bad event ${i}: x ${s.events.x[i]}, t ${s.events.tUs[i]}`);
      }
    }
    expect(events).toBeLessThanOrEqual(bytes.length);
    return "ok";
  } catch (e) {
    if (!isAerchipError(e)) throw new Error(`non-Aerchip exception: ${(e as Error)?.stack ?? String(e)}`);
    if (!CODES.has(e.code)) throw new Error(`unexpected code ${e.code}: ${e.message}`);
    return e.code;
  }
}

const valid = shdFile([
  { times: [0.001, 0.002, 0.5], units: [0, 10, 699], label: 3 },
  { times: [], units: [], label: 0 },
  { times: [0.25], units: [42], label: 19 },
]);

async function fuzz(gen: fc.Arbitrary<Uint8Array>, numRuns: number, seed: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  await fc.assert(fc.asyncProperty(gen, async (bytes) => {
    const code = await readCoded(bytes);
    seen.set(code, (seen.get(code) ?? 0) + 1);
  }), { numRuns, seed });
  return seen;
}

const HOSTILE_TIMES = [NaN, Infinity, -Infinity, -1, -0, 0, 1e300, 65504, 1e-8, 3.4e38];
const HOSTILE_UNITS = [0, 1, 699, 700, 701, 65535, 32768];
const sampleArb = fc.record({
  times: fc.array(fc.oneof(fc.constantFrom(...HOSTILE_TIMES), fc.double({ min: 0, max: 2, noNaN: true })), { maxLength: 6 }),
  units: fc.array(fc.oneof(fc.constantFrom(...HOSTILE_UNITS), fc.integer({ min: 0, max: 65535 })), { maxLength: 6 }),
  label: fc.integer({ min: 0, max: 65535 }),
});

describe("SHD HDF5 reader under hostile input", () => {
  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  it("the valid file reads", async () => {
    expect(await readCoded(valid)).toBe("ok");
  });

  it(`random bytes, random bytes behind the HDF5 signature and truncations give coded errors (${HEADER_RUNS} files)`, async () => {
    const sig = valid.subarray(0, 8);
    const seen = await fuzz(fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.uint8Array({ maxLength: 400 }).map((r) => { const out = new Uint8Array(8 + r.length); out.set(sig); out.set(r, 8); return out; }),
      fc.nat(valid.length - 1).map((cut) => valid.slice(0, cut)),
    ), HEADER_RUNS, 31);
    expect(seen.get("E_EVENTS_FORMAT") ?? 0).toBeGreaterThan(0);
    expect(seen.get("E_EVENTS_TRUNCATED") ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it(`well-formed files with hostile times, units, lengths and widths give coded errors (${CONTENT_RUNS} files)`, async () => {
    const seen = await fuzz(fc.tuple(fc.array(sampleArb, { minLength: 1, maxLength: 4 }), fc.constantFrom<2 | 4 | 8>(2, 4, 8)).map(([s, w]) => shdFile(s, w)), CONTENT_RUNS, 32);
    process.stdout.write(`shd-hdf5 fuzz (hostile content): ${JSON.stringify(Object.fromEntries(seen))}\n`);
    expect(seen.get("ok") ?? 0).toBeGreaterThan(0);
    expect(seen.size).toBeGreaterThan(1);
  }, 60_000);

  it.skipIf(!LIBHDF5_FUZZ)("bit flips of a valid file give coded errors (opt-in: AERCHIP_FUZZ_LIBHDF5=1; libhdf5 can hang on damaged files)", async () => {
    await fuzz(fc.array(fc.nat(valid.length * 8 - 1), { minLength: 1, maxLength: 4 }).map((bits) => {
      const out = valid.slice();
      for (const b of bits) out[b >>> 3] ^= 1 << (b & 7);
      return out;
    }), 2_000, 33);
  }, 120_000);

  // Found by the opt-in run above: a bit-flipped SHD file on which libhdf5 loops forever inside WebAssembly.
  // Enable when ShdFile.open reads through a worker thread with a time limit (it must then give E_EVENTS_CORRUPT).
  it.skip("KNOWN HANG: libhdf5 loops forever on fixtures/shd-libhdf5-hang.h5", async () => {
    expect(await readCoded(new Uint8Array(readFileSync(resolve("tests/robustness/fixtures/shd-libhdf5-hang.h5"))))).toBe("E_EVENTS_CORRUPT");
  });
});
