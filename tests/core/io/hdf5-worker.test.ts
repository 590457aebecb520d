/**
 * libhdf5 in a worker thread with a time limit (core/io/hdf5-worker.ts): the two files on which libhdf5
 * loops forever (found by tests/robustness/*hdf5*.fuzz.test.ts) end, in this process, in their coded
 * errors within a few seconds; the stopped worker is replaced, so the next read works; h5wasm's failures
 * come back across the thread boundary as coded errors of the reader.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readHdf5Tree } from "../../../compiler/frontends/nir/read-hdf5.ts";
import { ShdFile, readShdSamples } from "../../../core/io/events/shd.ts";
import { Hdf5Worker, Hdf5WorkerError, hdf5WorkersStarted } from "../../../core/io/hdf5-worker.ts";
import { writeShdFile } from "./events/helpers/hdf5-writer.ts";

const FIX = resolve(process.cwd(), "tests/robustness/fixtures");
const NIR_HANG = join(FIX, "nir-libhdf5-hang.nir");
const SHD_HANG = join(FIX, "shd-libhdf5-hang.h5");
const VALID_NIR = join(FIX, "small-valid.nir");

afterEach(() => {
  vi.unstubAllEnvs();
});

async function timed<T>(f: () => Promise<T>): Promise<{ error: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    await f();
    return { error: undefined, ms: performance.now() - t0 };
  } catch (e) {
    return { error: e, ms: performance.now() - t0 };
  }
}

describe("libhdf5 hangs are stopped in-process", () => {
  it("the NIR file on which libhdf5 loops forever gives E_NIR_HDF5_HANG within the limit, and the next read works", async () => {
    vi.stubEnv("AERCHIP_HDF5_TIME_LIMIT_S", "1");
    const r = await timed(() => readHdf5Tree(NIR_HANG));
    expect(r.error).toMatchObject({ code: "E_NIR_HDF5_HANG", file: NIR_HANG });
    expect((r.error as Error).message).toContain("1.0 s");
    expect((r.error as { hint: string }).hint).toContain("AERCHIP_HDF5_TIME_LIMIT_S");
    // The limit (1 s) plus starting a worker (~0.3 s), with room for a loaded machine.
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    expect(r.ms).toBeLessThan(8000);
    const tree = await readHdf5Tree(VALID_NIR);
    expect([...tree.children.keys()]).toContain("node");
  }, 30_000);

  it("the SHD file on which libhdf5 loops forever gives E_EVENTS_HDF5_HANG within the limit", async () => {
    vi.stubEnv("AERCHIP_HDF5_TIME_LIMIT_S", "1");
    const r = await timed(async () => {
      for await (const s of readShdSamples(SHD_HANG)) void s;
    });
    expect(r.error).toMatchObject({ code: "E_EVENTS_HDF5_HANG", file: SHD_HANG });
    expect(r.ms).toBeLessThan(8000);
  }, 30_000);

  it("a synchronous read is stopped the same way (Atomics.wait on this thread)", () => {
    const w = Hdf5Worker.acquire();
    const t0 = performance.now();
    try {
      expect(() => w.callSync("tree", { path: NIR_HANG, maxElements: 2 ** 28, maxDepth: 64 }, { limitMs: 500, hangCode: "E_TEST_HANG", file: "x.nir" }))
        .toThrow(expect.objectContaining({ code: "E_TEST_HANG", file: "x.nir" }));
    } finally {
      w.release();
    }
    expect(performance.now() - t0).toBeLessThan(8000);
    // A stopped worker takes no more calls.
    expect(() => w.callSync("tree", { path: VALID_NIR, maxElements: 2 ** 28, maxDepth: 64 }, { limitMs: 5000, hangCode: "E_TEST_HANG", file: "x" })).toThrow(Hdf5WorkerError);
  }, 30_000);
});

describe("libhdf5 worker", () => {
  it("libhdf5's error on a file that is not HDF5 comes back as an Hdf5WorkerError tagged \"hdf5\", with libhdf5's reason on one line and its whole stack in the detail", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-h5w-"));
    try {
      const p = join(dir, "not.h5");
      writeFileSync(p, "this is not an HDF5 file at all, it is text\n".repeat(20));
      const w = Hdf5Worker.acquire();
      try {
        const err = await w.call("tree", { path: p, maxElements: 10, maxDepth: 4 }, { limitMs: 10_000, hangCode: "E_TEST_HANG", file: p }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Hdf5WorkerError);
        expect(err).toMatchObject({ tag: "hdf5", phase: "open" });
        expect((err as Error).message).toMatch(/^libhdf5: [^\n]*signature[^\n]*$/);
        expect(String((err as Hdf5WorkerError).detail?.stack)).toContain("HDF5-DIAG");
        // The worker is still usable after an ordinary libhdf5 error.
        const tree = await w.call<{ kind: string }>("tree", { path: VALID_NIR, maxElements: 2 ** 28, maxDepth: 64 }, { limitMs: 10_000, hangCode: "E_TEST_HANG", file: VALID_NIR });
        expect(tree.kind).toBe("group");
      } finally {
        w.release();
      }
      await expect(readHdf5Tree(p)).rejects.toMatchObject({ code: "E_NIR_NOT_HDF5" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the worker's own limits come back tagged and coded (E_NIR_TOO_LARGE / E_NIR_STRUCTURE are mapped by the NIR reader)", async () => {
    const w = Hdf5Worker.acquire();
    try {
      const err = await w.call("tree", { path: VALID_NIR, maxElements: 2, maxDepth: 64 }, { limitMs: 10_000, hangCode: "E_TEST_HANG", file: VALID_NIR }).catch((e: unknown) => e);
      expect(err).toMatchObject({ tag: "tooLarge" });
      const deep = await w.call("tree", { path: VALID_NIR, maxElements: 2 ** 28, maxDepth: 0 }, { limitMs: 10_000, hangCode: "E_TEST_HANG", file: VALID_NIR }).catch((e: unknown) => e);
      expect(deep).toMatchObject({ tag: "tooDeep" });
    } finally {
      w.release();
    }
  });

  it("reuses a released worker for the next read instead of starting one", async () => {
    await readHdf5Tree(VALID_NIR);
    const before = hdf5WorkersStarted();
    for (let i = 0; i < 5; i++) await readHdf5Tree(VALID_NIR);
    expect(hdf5WorkersStarted()).toBe(before);
  });

  it("a consumer that stops reading SHD samples early gives the worker back (the next file reuses it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-h5w-"));
    try {
      const p = join(dir, "a.h5");
      writeShdFile(p, [{ times: [0.5], units: [3], label: 1 }, { times: [0.25], units: [4], label: 2 }, { times: [], units: [], label: 0 }]);
      let n = 0;
      for await (const s of readShdSamples(p, { samplesPerRead: 1 })) {
        n += s.events.length;
        break; // the generator's finally closes the file
      }
      expect(n).toBe(1);
      const before = hdf5WorkersStarted();
      const f = await ShdFile.open(p);
      expect(f.samples).toBe(3);
      f.close();
      expect(hdf5WorkersStarted()).toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an SHD file open in one ShdFile holds its own worker; a read after close is refused with a coded error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aerchip-h5w-"));
    try {
      const p = join(dir, "a.h5");
      writeShdFile(p, [{ times: [0.5, 0.25], units: [3, 4], label: 2 }]);
      const a = await ShdFile.open(p);
      const b = await ShdFile.open(p);
      expect(Array.from(a.readSamples(0, 1)[0].events.x)).toEqual([3, 4]);
      expect(Array.from((await b.readSamplesAsync(0, 1))[0].events.tUs)).toEqual([500_000, 250_000]);
      a.close();
      a.close();
      expect(() => a.readSamples(0, 1)).toThrow(expect.objectContaining({ code: "E_EVENTS_OPTIONS" }));
      expect(b.readSamples(0, 1)[0].label).toBe(2);
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
