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
 * KNOWN HANG (not fixed, see docs/threat-model.md): one bit flip in the data address of the `edges`
 * dataset (fixtures/nir-libhdf5-hang.nir, found by this fuzzer) makes libhdf5 loop forever inside
 * WebAssembly while converting the variable-length strings; a synchronous loop cannot be interrupted in
 * the same thread; other damaged files make libhdf5 abort() or request > 2 GB of WebAssembly memory
 * (refused by the 2 GB heap limit, reported as E_NIR_HDF5). In about 1 in 1,000 damaged files the loop
 * is hit, so the damaged-file runs are opt-in (AERCHIP_FUZZ_LIBHDF5=1) and the reproducer is skipped
 * until the HDF5 read runs in a worker thread with a time limit.
 */
import fc from "fast-check";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAerchipError } from "../../core/diagnostics.ts";
import { lowerNirDocument, readNirDocument } from "../../compiler/frontends/nir/index.ts";
import { nirFile, writeH5 } from "../compiler/frontends/nir/write-h5.ts";

/** Fixed counts (not a time budget) so that every run tries the same inputs. */
const HEADER_RUNS = 10_000;
/**
 * Damaged files that pass the superblock check reach libhdf5, which can loop forever (the KNOWN HANG
 * above) or abort; until the read is isolated in a worker with a time limit these runs are opt-in.
 */
const LIBHDF5_FUZZ = process.env.AERCHIP_FUZZ_LIBHDF5 === "1";
const GENERATED_RUNS = 1_500;
const FIXTURE_RUNS = 2_000;
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

  it.skipIf(!hasShared)("every fixture under ../shared/fixtures/nir reads or fails coded, and 2,000 truncations of them give coded errors (needs ../shared; skipped: ../shared not found)", async () => {
    expect(fixtures.length).toBeGreaterThan(0);
    for (const f of fixtures) expect(await frontEnd(f.bytes), f.name).toMatch(/^(ok|E_(NIR|MODEL)_[A-Z0-9_]+)$/);
    const seen = await fuzz(fc.integer({ min: 0, max: fixtures.length - 1 }).chain((i) => fc.nat(fixtures[i].bytes.length - 1).map((cut) => fixtures[i].bytes.slice(0, cut))), 2_000, 23);
    expect(seen.get("E_NIR_TRUNCATED") ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it.skipIf(!LIBHDF5_FUZZ)(`bit flips and overwritten byte runs of a valid NIR file reach libhdf5 and give coded errors (${GENERATED_RUNS} files; opt-in: AERCHIP_FUZZ_LIBHDF5=1, libhdf5 can hang on damaged files)`, async () => {
    const seen = await fuzz(damage(valid), GENERATED_RUNS, 21);
    process.stdout.write(`nir-hdf5 fuzz (damaged small-valid.nir): ${total(seen)} inputs, ${JSON.stringify(Object.fromEntries(seen))}\n`);
    expect(total(seen)).toBe(GENERATED_RUNS);
    expect(seen.get("E_NIR_HDF5") ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it.skipIf(!hasShared || !LIBHDF5_FUZZ)("damaged copies of the ../shared NIR fixtures give coded errors (needs ../shared and AERCHIP_FUZZ_LIBHDF5=1; skipped otherwise)", async () => {
    expect(fixtures.length).toBeGreaterThan(0);
    const seen = await fuzz(fc.integer({ min: 0, max: fixtures.length - 1 }).chain((i) => damage(fixtures[i].bytes)), FIXTURE_RUNS, 22);
    process.stdout.write(`nir-hdf5 fuzz (${fixtures.length} ../shared fixtures): ${total(seen)} inputs, ${JSON.stringify(Object.fromEntries(seen))}\n`);
    expect(total(seen)).toBe(FIXTURE_RUNS);
  }, 60_000);

  // Enable when readHdf5Tree runs libhdf5 in a worker with a time limit: it must then fail with E_NIR_HDF5.
  it.skip("KNOWN HANG: a flipped bit in the edges dataset's data address makes libhdf5 loop forever (fixtures/nir-libhdf5-hang.nir)", async () => {
    expect(await frontEnd(new Uint8Array(readFileSync(join(FIXTURES, "nir-libhdf5-hang.nir"))))).toBe("E_NIR_HDF5");
  });
});
