/**
 * Hostile bytes for the NIR front end's HDF5 path: readNirDocument (superblock check, then libhdf5 in
 * h5wasm, then the tree walk) and lowering. Opening an HDF5 file through h5wasm costs about a millisecond,
 * so the counts are what fits in about 12 s on one loaded core: random bytes, random bytes behind a valid
 * signature, truncations, and bit flips / byte overwrites of a small valid NIR file, plus the same damage
 * applied to the NIR files under ../shared/fixtures when present. The structure level (what a file that
 * libhdf5 accepts may contain) is fuzzed with 10,000 trees in nir-structure.fuzz.test.ts.
 *
 * The valid file is a committed fixture (fixtures/small-valid.nir, written by h5wasm from the graph in
 * `writeValidNir` below) rather than written at test time: HDF5 object headers carry timestamps, so a
 * fresh file differs on every run and so would every generated input.
 *
 * libhdf5 HANG (contained): one bit flip in the data address of the `edges` dataset
 * (fixtures/nir-libhdf5-hang.nir, found by this fuzzer) makes libhdf5 loop forever inside WebAssembly
 * while converting the variable-length strings; other damaged files make libhdf5 abort() or request
 * > 2 GB of WebAssembly memory (refused by the 2 GB heap limit, reported as E_NIR_HDF5). libhdf5 runs in
 * a worker thread with a time limit (core/io/hdf5-worker.ts), so the loop ends in E_NIR_HDF5_HANG and
 * the damaged-file runs are on by default, with a 2 s limit per file (a healthy file this size reads in
 * ~1 ms). Their counts are set by time, not by the 10,000-input bound (which the header runs meet): the
 * worker is reused across files (~6 ms per damaged file), an abort retires it (~0.3 s to start a new
 * one; ~2 % of damaged files) and a hang costs the limit plus a restart (about 1 in 300 damaged ../shared
 * fixtures), so the 2,500 damaged files take about 25 s on a loaded core.
 */
import fc from "fast-check";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { isAerchipError } from "../../core/diagnostics.ts";
import { hdf5WorkersStarted } from "../../core/io/hdf5-worker.ts";
import { lowerNirDocument, readNirDocument } from "../../compiler/frontends/nir/index.ts";
import { nirFile, writeH5 } from "../compiler/frontends/nir/write-h5.ts";
import { SKIP_MSG } from "../helpers/shared.ts";

/** Fixed counts (not a time budget) so that every run tries the same inputs. */
const HEADER_RUNS = 10_000;
/** Damaged files that reach libhdf5 (see the header for why these counts). */
const GENERATED_RUNS = 1_500;
const FIXTURE_RUNS = 1_000;
/** Per-file libhdf5 time limit in these runs (AERCHIP_HDF5_TIME_LIMIT_S). */
const LIMIT_S = "2";
const FIXTURES = resolve("tests/robustness/fixtures");
const CODE = /^E_(NIR|MODEL)_[A-Z0-9_]+$/;
const DIR = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "aerchip-nir-fuzz-"));
const FILE = join(DIR, "fuzz.nir");
const SHARED = resolve(process.cwd(), "../shared");
const hasShared = existsSync(SHARED);

async function frontEnd(bytes: Uint8Array): Promise<string> {
  writeFileSync(FILE, bytes);
  try {
    const { doc, warnings } = await readNirDocument(FILE);
    lowerNirDocument(doc, {}, warnings);
    return "ok";
  } catch (e) {
    if (!isAerchipError(e)) throw new Error(`non-Aerchip exception: ${(e as Error)?.stack ?? String(e)}`);
    if (!CODE.test(e.code)) throw new Error(`unexpected code ${e.code}: ${e.message}`);
    return e.code;
  }
}

function damage(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    // Bit flips: the size (and so the superblock's end-of-file check) stays right, libhdf5 sees the damage.
    fc.array(fc.nat(valid.length * 8 - 1), { minLength: 1, maxLength: 6 }).map((bits) => {
      const out = valid.slice();
      for (const b of bits) out[b >>> 3] ^= 1 << (b & 7);
      return out;
    }),
    // A run of bytes overwritten (object headers, B-tree nodes, heap entries).
    fc.tuple(fc.nat(valid.length - 1), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, r]) => {
      const out = valid.slice();
      out.set(r.subarray(0, valid.length - at), at);
      return out;
    }),
    fc.nat(valid.length - 1).map((cut) => valid.slice(0, cut)),
  );
}

let valid: Uint8Array;
const fixtures: Array<{ name: string; bytes: Uint8Array }> = [];

/** How fixtures/small-valid.nir was written (kept to regenerate it; the test reads the committed bytes). */
export async function writeValidNir(path: string): Promise<void> {
  await writeH5(path, nirFile({
    in: { type: "Input", shape: [3n] },
    fc: { type: "Affine", weight: { f32: [0.5, 0, 1, 0, 1, 0.25, 1, 1, 0], shape: [3, 3] }, bias: [0, 0.1, 0] },
    lif: { type: "LIF", tau: [0.01, 0.01, 0.01], r: [1, 1, 1], v_leak: [0, 0, 0], v_threshold: [1, 1, 1], v_reset: [0, 0, 0] },
    out: { type: "Output", shape: [3n] },
  }, [["in", "fc"], ["fc", "lif"], ["lif", "out"]]));
}

beforeAll(() => {
  // Copies: Buffer.slice() is a view, and the mutators must never damage the originals.
  valid = new Uint8Array(readFileSync(join(FIXTURES, "small-valid.nir")));
  if (hasShared) {
    const dir = join(SHARED, "fixtures", "nir");
    for (const f of readdirSync(dir, { recursive: true }) as string[]) {
      const p = join(dir, f);
      if (f.endsWith(".nir") && statSync(p).size < 256 * 1024) fixtures.push({ name: f, bytes: new Uint8Array(readFileSync(p)) });
    }
  }
});
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

async function fuzz(gen: fc.Arbitrary<Uint8Array>, numRuns: number, seed: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  await fc.assert(fc.asyncProperty(gen, async (bytes) => {
    const code = await frontEnd(bytes);
    seen.set(code, (seen.get(code) ?? 0) + 1);
  }), { numRuns, seed });
  return seen;
}

const total = (m: Map<string, number>): number => [...m.values()].reduce((s, n) => s + n, 0);

describe("NIR HDF5 path under hostile bytes", () => {
  beforeEach(() => {
    vi.stubEnv("AERCHIP_HDF5_TIME_LIMIT_S", LIMIT_S);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("the valid file lowers", async () => {
    expect(await frontEnd(valid)).toBe("ok");
  });

  it(`random bytes, random bytes behind a valid signature and truncations give coded errors (${HEADER_RUNS} files)`, async () => {
    const sig = valid.subarray(0, 8);
    const seen = await fuzz(fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.uint8Array({ maxLength: 600 }).map((r) => { const out = new Uint8Array(8 + r.length); out.set(sig); out.set(r, 8); return out; }),
      fc.nat(valid.length - 1).map((cut) => valid.slice(0, cut)),
    ), HEADER_RUNS, 20);
    process.stdout.write(`nir-hdf5 fuzz (random / truncated): ${total(seen)} inputs, ${JSON.stringify(Object.fromEntries(seen))}\n`);
    expect(seen.get("E_NIR_NOT_HDF5") ?? 0).toBeGreaterThan(0);
    expect(seen.get("E_NIR_TRUNCATED") ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it.skipIf(!hasShared)(`every fixture under ../shared/fixtures/nir reads or fails coded, and 2,000 truncations of them give coded errors ${SKIP_MSG}`, async () => {
    expect(fixtures.length).toBeGreaterThan(0);
    for (const f of fixtures) expect(await frontEnd(f.bytes), f.name).toMatch(/^(ok|E_(NIR|MODEL)_[A-Z0-9_]+)$/);
    const seen = await fuzz(fc.integer({ min: 0, max: fixtures.length - 1 }).chain((i) => fc.nat(fixtures[i].bytes.length - 1).map((cut) => fixtures[i].bytes.slice(0, cut))), 2_000, 23);
    expect(seen.get("E_NIR_TRUNCATED") ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it(`bit flips and overwritten byte runs of a valid NIR file reach libhdf5 and give coded errors (${GENERATED_RUNS} files, ${LIMIT_S} s libhdf5 limit each)`, async () => {
    const started = hdf5WorkersStarted();
    const t0 = performance.now();
    const seen = await fuzz(damage(valid), GENERATED_RUNS, 21);
    process.stdout.write(`nir-hdf5 fuzz (damaged small-valid.nir): ${total(seen)} inputs, ${JSON.stringify(Object.fromEntries(seen))}, ` +
      `${hdf5WorkersStarted() - started} libhdf5 workers started, ${Math.round(performance.now() - t0)} ms\n`);
    expect(total(seen)).toBe(GENERATED_RUNS);
    expect(seen.get("E_NIR_HDF5") ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it.skipIf(!hasShared)(`damaged copies of the ../shared NIR fixtures give coded errors (${FIXTURE_RUNS} files) ${SKIP_MSG}`, async () => {
    expect(fixtures.length).toBeGreaterThan(0);
    const started = hdf5WorkersStarted();
    const t0 = performance.now();
    const seen = await fuzz(fc.integer({ min: 0, max: fixtures.length - 1 }).chain((i) => damage(fixtures[i].bytes)), FIXTURE_RUNS, 22);
    process.stdout.write(`nir-hdf5 fuzz (${fixtures.length} ../shared fixtures): ${total(seen)} inputs, ${JSON.stringify(Object.fromEntries(seen))}, ` +
      `${hdf5WorkersStarted() - started} libhdf5 workers started, ${Math.round(performance.now() - t0)} ms\n`);
    expect(total(seen)).toBe(FIXTURE_RUNS);
  }, 60_000);

  it("libhdf5 HANG: a flipped bit in the edges dataset's data address (fixtures/nir-libhdf5-hang.nir) ends in E_NIR_HDF5_HANG at the limit", async () => {
    vi.stubEnv("AERCHIP_HDF5_TIME_LIMIT_S", "1");
    const t0 = performance.now();
    expect(await frontEnd(new Uint8Array(readFileSync(join(FIXTURES, "nir-libhdf5-hang.nir"))))).toBe("E_NIR_HDF5_HANG");
    expect(performance.now() - t0).toBeLessThan(8000);
  });
});
