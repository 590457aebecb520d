/**
 * Hostile input for the SHD / SSC HDF5 reader (core/io/events/shd.ts). Files are built with the
 * test-only HDF5 writer (tests/core/io/events/helpers/hdf5-writer.ts, deterministic bytes):
 *  - 10,000 random files, random bytes behind the HDF5 signature, and truncations of a valid file:
 *    all stop at the reader's own superblock check with E_EVENTS_FORMAT / E_EVENTS_TRUNCATED;
 *  - well-formed HDF5 files with hostile content, read through libhdf5 (as many as fit in ~8 s):
 *    NaN/Inf/negative/huge spike times, units outside 0..699, times and units of different lengths,
 *    empty samples, float16/32/64 times;
 *  - bit flips of a valid file (BITFLIP_RUNS), which reach libhdf5's own parsing and can make it loop
 *    forever (fixtures/shd-libhdf5-hang.h5 was found this way; see docs/threat-model.md). libhdf5 runs
 *    in a worker thread with a time limit (core/io/hdf5-worker.ts), so such a file ends in
 *    E_EVENTS_HDF5_HANG; these runs use a 2 s limit per file (a healthy file this size reads in ~1 ms).
 *    The worker is reused across files, so a damaged file costs a few ms; an abort() restarts the
 *    worker (~0.3 s) and a hang costs the limit plus a restart — 1,000 files fit in ~8 s.
 * Every input either reads or fails with an E_EVENTS_* AerchipError.
 */
import fc from "fast-check";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isAerchipError } from "../../core/diagnostics.ts";
import { EventsErrorCode } from "../../core/io/events/errors.ts";
import { SHD_HANG_CODE, readShdSamples } from "../../core/io/events/shd.ts";
import { hdf5WorkersStarted } from "../../core/io/hdf5-worker.ts";
import { shdFile } from "../core/io/events/helpers/hdf5-writer.ts";

const CODES = new Set<string>([...Object.values(EventsErrorCode), SHD_HANG_CODE]);
const DIR = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "aerchip-shd-fuzz-"));
const FILE = join(DIR, "fuzz.h5");
const HEADER_RUNS = 10_000;
const CONTENT_RUNS = 4_000;
const BITFLIP_RUNS = 1_000;
/** Per-file libhdf5 time limit in these runs (AERCHIP_HDF5_TIME_LIMIT_S). */
const LIMIT_S = "2";

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
  beforeEach(() => {
    vi.stubEnv("AERCHIP_HDF5_TIME_LIMIT_S", LIMIT_S);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

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

  it(`bit flips of a valid file give coded errors (${BITFLIP_RUNS} files, ${LIMIT_S} s libhdf5 limit each)`, async () => {
    const started = hdf5WorkersStarted();
    const t0 = performance.now();
    const seen = await fuzz(fc.array(fc.nat(valid.length * 8 - 1), { minLength: 1, maxLength: 4 }).map((bits) => {
      const out = valid.slice();
      for (const b of bits) out[b >>> 3] ^= 1 << (b & 7);
      return out;
    }), BITFLIP_RUNS, 33);
    process.stdout.write(`shd-hdf5 fuzz (bit flips): ${JSON.stringify(Object.fromEntries(seen))}, ${hdf5WorkersStarted() - started} libhdf5 workers started, ${Math.round(performance.now() - t0)} ms\n`);
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(BITFLIP_RUNS);
    expect(seen.get("E_EVENTS_CORRUPT") ?? 0).toBeGreaterThan(0);
  }, 120_000);

  // Found by the bit-flip runs: a file on which libhdf5 loops forever inside WebAssembly; the worker is stopped.
  it("libhdf5 HANG: fixtures/shd-libhdf5-hang.h5 ends in E_EVENTS_HDF5_HANG at the limit", async () => {
    vi.stubEnv("AERCHIP_HDF5_TIME_LIMIT_S", "1");
    const t0 = performance.now();
    expect(await readCoded(new Uint8Array(readFileSync(resolve("tests/robustness/fixtures/shd-libhdf5-hang.h5"))))).toBe(SHD_HANG_CODE);
    expect(performance.now() - t0).toBeLessThan(8000);
  });
});
