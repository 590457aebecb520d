/**
 * cli/dataset-reader.ts: an SHD/SSC .h5 data set is opened once for the check of every sample and once
 * for the evaluation (audit N12: it was opened twice per sample, ~35 s before the first simulation on
 * SHD's 2,264-sample test set), and each sample's spikes are exactly those of the one-sample read
 * (readInputSpikes, `aerchip run --input F.h5 --sample I`), errors included.
 *
 * Fixture: a 700-channel SHD file written by tests/core/io/events/helpers/hdf5-writer.ts with samples of
 * several lengths (an empty one, float16 times on and between 1/1024 s ticks, one unit twice in a tick),
 * and one with a negative time (E_EVENTS_CORRUPT); the model: input[700] → Linear → IF[3] → output.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { cli } from "../helpers/cli.ts";
import { writeShd3Nir } from "../helpers/nir-dataset.ts";
import { writeShdFile } from "../core/io/events/helpers/hdf5-writer.ts";
import { ShdFile } from "../../core/io/events/shd.ts";
import { DatasetSampleReader } from "../../cli/dataset-reader.ts";
import { listDatasetSamples } from "../../cli/dataset-inputs.ts";
import { readInputSpikes } from "../../cli/spike-inputs.ts";
import { isAerchipError } from "../../core/diagnostics.ts";
import type { DatasetDocument } from "../../chip/report/dataset.ts";
import { readFileSync } from "node:fs";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-dataset-reader-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
const H5 = join(TMP, "shd.h5");
const BAD = join(TMP, "bad.h5");
const MODEL = join(TMP, "shd3.nir");
const K = 1 / 1024;

/** A deterministic sample: n spikes on units (7·k + i) mod 700 at sorted times in [0, 0.2) s. */
function sample(i: number, n: number): { times: number[]; units: number[]; label: number } {
  const times = Array.from({ length: n }, (_, k) => ((k * 37 + i * 11) % 200) / 1000).sort((a, b) => a - b);
  return { times, units: times.map((_, k) => (7 * k + i) % 700), label: i % 3 };
}

beforeAll(async () => {
  writeShdFile(H5, [
    sample(0, 40), { times: [], units: [], label: 1 }, sample(2, 300),
    { times: [1 * K, 1.5 * K, 1.7 * K, 5 * K], units: [3, 3, 699, 10], label: 0 }, sample(4, 1), sample(5, 120),
  ], 2);
  writeShdFile(BAD, [sample(0, 5), { times: [1 * K, -2 * K], units: [1, 2], label: 1 }, sample(2, 5)]);
  await writeShd3Nir(MODEL);
});

describe("DatasetSampleReader on an .h5 data set", () => {
  it("gives each sample's spikes exactly as the one-sample read does, at several --tick-us", async () => {
    const listing = await listDatasetSamples(H5);
    for (const tickUs of [undefined, 250, 3000]) {
      const reader = new DatasetSampleReader([700], tickUs);
      try {
        // In reverse order too: a shuffled data set reads the samples in any order.
        for (const s of [...listing.samples, ...[...listing.samples].reverse()]) {
          const want = await readInputSpikes(H5, [700], { ...(tickUs === undefined ? {} : { tickUs }), sample: s.sample });
          const got = await reader.read(s);
          expect(got, `sample ${s.sample} at ${tickUs}`).toEqual(want);
        }
      } finally {
        reader.close();
      }
    }
  });

  it("a sample the one-sample read refuses is refused with the same code, field and message", async () => {
    const listing = await listDatasetSamples(BAD);
    const reader = new DatasetSampleReader([700], undefined);
    try {
      expect((await reader.read(listing.samples[0])).tick.length).toBeGreaterThan(0);
      const err = async (p: Promise<unknown>): Promise<unknown> => p.then(() => null, (e: unknown) => e);
      const want = await err(readInputSpikes(BAD, [700], { sample: 1 }));
      const got = await err(reader.read(listing.samples[1]));
      expect(isAerchipError(want) && isAerchipError(got)).toBe(true);
      if (isAerchipError(want) && isAerchipError(got)) {
        expect([got.code, got.field, got.file, got.message]).toEqual([want.code, want.field, want.file, want.message]);
      }
      // The reader still serves the next sample after a refused one.
      expect(await reader.read(listing.samples[2])).toEqual(await readInputSpikes(BAD, [700], { sample: 2 }));
    } finally {
      reader.close();
    }
  });

  it("evaluate opens the file once to list it, once to check every sample and once to evaluate them, and closes it", async () => {
    const opens = vi.spyOn(ShdFile, "open");
    const closes = vi.spyOn(ShdFile.prototype, "close");
    const out = join(TMP, "out");
    const r = await cli("evaluate", MODEL, "--input", H5, "--arch", "loihi", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    // Was 1 + 6 + 6 (the listing, then every sample opened in the check and again in the evaluation).
    expect(opens).toHaveBeenCalledTimes(3);
    expect(closes).toHaveBeenCalledTimes(3);
    const d = JSON.parse(readFileSync(join(out, "dataset.json"), "utf8")) as DatasetDocument;
    expect(d.samples.map((s) => s.id)).toEqual(["#0", "#1", "#2", "#3", "#4", "#5"]);
    // Sample 3 at 1 ms ticks: unit 3 at 0.98 ms (tick 0) and 1.46 ms (tick 1), unit 699 at 1.66 ms, unit 10 at 4.88 ms.
    expect(d.samples[3].outputValues).toEqual([2, 1, 1]);
  });

  it("a refused sample in the check closes the file too", async () => {
    const opens = vi.spyOn(ShdFile, "open");
    const closes = vi.spyOn(ShdFile.prototype, "close");
    const r = await cli("evaluate", MODEL, "--input", BAD, "--arch", "loihi", "--out", join(TMP, "never"), "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_EVENTS_CORRUPT/);
    expect(opens).toHaveBeenCalledTimes(2);
    expect(closes).toHaveBeenCalledTimes(2);
  });
});
