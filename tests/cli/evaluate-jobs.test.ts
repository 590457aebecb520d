/**
 * `aerchip evaluate --jobs N`: the samples on N worker threads give byte-identical files to `--jobs 1`
 * (cli/evaluate/pool.ts merges the samples' outcomes in sample order).
 *
 * The graph of tests/cli/evaluate.test.ts (IF neuron 3 keeps 0.75 of a spike unless the state is reset,
 * so a worker that skipped the reset would show). 14 samples in 4 label folders, batches of one sample
 * (batchSize(14, 2) = 1), so the two workers' batches interleave; the first sample is 50,000 steps long,
 * so it finishes last: a merge in completion order instead of sample order would move its row, and its
 * simulated time (~6.7e6 ns against ~1e3 for the others) makes the float mean of the static-energy count
 * (core·ns) depend on the order it is summed in (at 50,000 steps, not at 55,000: checked). Both were
 * checked by breaking the merge by hand (rows, or only the energy terms, added in completion order): the
 * byte comparisons fail.
 *
 * The worker runs only from a fresh dist/ (Node 20 worker threads cannot load the .ts sources): those
 * tests import the compiled evaluate; from the sources, --jobs falls back to this thread (checked too).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { spikesNpy, writeIf4Nir, writeShd3Nir } from "../helpers/nir-dataset.ts";
import { distIsFresh, distNote } from "../helpers/dist.ts";
import { writeShdFile } from "../core/io/events/helpers/hdf5-writer.ts";
import { batchSize } from "../../cli/evaluate/pool.ts";
import type * as Evaluate from "../../cli/commands/evaluate.ts";

const DIST_OK = distIsFresh("cli/evaluate/worker.js", ["core", "chip", "compiler", "cli"]);
const NEEDS_DIST = distNote(DIST_OK, "dist/cli/evaluate/worker.js");

const TMP = mkdtempSync(join(tmpdir(), "aerchip-evaluate-jobs-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const MODEL = join(TMP, "if4.nir");
const DATA = join(TMP, "data");
const SAMPLES = 14;

beforeAll(async () => {
  await writeIf4Nir(MODEL, 0.75);
  for (const d of ["0", "1", "2", "3"]) mkdirSync(join(DATA, d), { recursive: true });
  // Sample k: label k mod 4, T = 4 + k steps (the first: 50,000), spikes spread over the channels.
  for (let k = 0; k < SAMPLES; k++) {
    const T = k === 0 ? 50_000 : 4 + k;
    const spikes: Array<[number, number]> = [];
    for (let t = 0; t < Math.min(T, 12); t++) if ((t * 7 + k * 3) % 5 < 2) spikes.push([t, (t + k) % 4]);
    spikesNpy(join(DATA, String(k % 4), `s${String(k).padStart(2, "0")}.npy`), T, 4, spikes);
  }
});

/** The six files of one evaluation, by name. */
function files(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))] as const));
}

function expectSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...b.keys()]).toEqual([...a.keys()]);
  // The CLI also writes the outputs manifest (cli/earlier-outputs.ts); the in-process writes here do not.
  expect([...a.keys()].filter((f) => f !== "aerchip-outputs.json")).toEqual(["dataset.html", "dataset.json", "dataset.md", "dataset.tex", "mapping.json", "samples.csv"]);
  for (const [name, data] of a) expect(b.get(name)!.equals(data), `${name} differs`).toBe(true);
}

describe("evaluate --jobs", () => {
  it("batches are one sample each on this data set, so the workers' samples interleave", () => {
    expect(batchSize(SAMPLES, 2)).toBe(1);
    expect(batchSize(SAMPLES, 3)).toBe(1);
    expect(batchSize(10_000, 2)).toBe(16);
  });

  it("--jobs 2 with --threads 2 is refused (E_CLI_OPTION, exit 2), also with several chips", async () => {
    for (const arch of ["generic", "generic,loihi"]) {
      const out = join(TMP, `refused-${arch.replace(",", "-")}`);
      const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", arch, "--out", out, "--jobs", "2", "--threads", "2");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("E_CLI_OPTION");
      expect(r.stderr).toContain("--jobs");
    }
    // Either alone, or with the other at 1, runs.
    expect((await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--out", join(TMP, "j2t1"), "--jobs", "2", "--threads", "1", "--quiet")).code).toBe(0);
  });

  it("--jobs out of 1 … 64 is a usage error; evaluateDataset refuses it too", async () => {
    for (const bad of ["0", "65", "1.5"]) {
      const r = await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--out", join(TMP, "bad"), "--jobs", bad);
      expect(r.code, bad).toBe(2);
    }
    const { evaluateDataset } = await import("../../cli/commands/evaluate.ts");
    await expect(evaluateDataset(MODEL, { input: DATA, arch: "generic", jobs: 0 })).rejects.toMatchObject({ code: "E_CLI_OPTION" });
    await expect(evaluateDataset(MODEL, { input: DATA, arch: "generic", jobs: 2, threads: 2 })).rejects.toMatchObject({ code: "E_CLI_OPTION" });
  });

  it("from the sources (no compiled worker) --jobs 2 runs on this thread, with the same files", async () => {
    const one = join(TMP, "src-j1");
    const two = join(TMP, "src-j2");
    expect((await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--out", one, "--quiet")).code).toBe(0);
    expect((await cli("evaluate", MODEL, "--input", DATA, "--arch", "generic", "--out", two, "--quiet", "--jobs", "2")).code).toBe(0);
    expectSameFiles(files(one), files(two));
    const { evaluateDataset } = await import("../../cli/commands/evaluate.ts");
    expect((await evaluateDataset(MODEL, { input: DATA, arch: "generic", jobs: 2, samples: "1:3" })).parallel).toEqual({ mode: "in-process", threads: 1 });
  });
});

describe("a batch of samples (what one worker runs)", () => {
  it("an AerchipError in a sample ends the batch: the samples before it, and the error as data, thrown again as it was", async () => {
    const { runSampleBatch, aerchipErrorOf } = await import("../../cli/evaluate/batch.ts");
    const { loadArch } = await import("../../cli/load-arch.ts");
    const sample = (k: number, path: string) => ({ index: k, path, label: 0, id: `s${k}` });
    const setup = { key: "test", modelPath: MODEL, spec: loadArch("generic"), provenance: { aerchipVersion: "test", inputs: [], options: {} }, options: { seed: 0, placement: "greedy" as const, timing: "simple" as const } };
    const ok = join(DATA, "1", "s01.npy");
    const r = await runSampleBatch({ setup, samples: [sample(5, ok), sample(6, join(DATA, "missing.npy")), sample(7, ok)], first: 5, total: 9 });
    expect(r.outcomes.map((o) => o.row.index)).toEqual([5]);
    expect(r.error).toMatchObject({ position: 6, file: join(DATA, "missing.npy") });
    const e = aerchipErrorOf(r.error!);
    expect(e.code).toBe(r.error!.code);
    expect(e.code).toMatch(/^E_/);
    expect(e.message).toBe(r.error!.message);
  });
});

describe.skipIf(!DIST_OK)(`evaluate --jobs on worker threads ${NEEDS_DIST}`, () => {
  const load = async (): Promise<typeof Evaluate> => (await import(pathToFileURL(resolve("dist/cli/commands/evaluate.js")).href)) as typeof Evaluate;

  /** The compiled evaluation's files, written to `out`; checks that the samples ran where asked. */
  async function evaluateInto(out: string, opts: Partial<Evaluate.EvaluateDatasetOptions>, mode: "workers" | "in-process", threads: number, count = SAMPLES): Promise<Map<string, Buffer>> {
    const m = await load();
    const done: number[] = [];
    const result = await m.evaluateDataset(MODEL, { input: DATA, arch: "loihi", quiet: true, ...opts }, { onSample: (d) => done.push(d) });
    expect(result.parallel).toEqual({ mode, threads });
    // The progress counts every sample once, up to all of them.
    expect(done.at(-1)).toBe(count);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    mkdirSync(out, { recursive: true });
    const { writeOutputSet } = await import("../../core/atomic-write.ts");
    writeOutputSet(await m.datasetOutputFiles(out, result), [out]);
    return files(out);
  }

  for (const precision of ["float", "fixed"] as const) {
    it(`--precision ${precision}: --jobs 2 and 3 give the files of --jobs 1, byte for byte`, async () => {
      const one = await evaluateInto(join(TMP, `${precision}-j1`), { precision }, "in-process", 1);
      expectSameFiles(one, await evaluateInto(join(TMP, `${precision}-j2`), { precision, jobs: 2 }, "workers", 2));
      expectSameFiles(one, await evaluateInto(join(TMP, `${precision}-j3`), { precision, jobs: 3 }, "workers", 3));
    }, 120_000);
  }

  it("--timing detailed, paced at a tick period: --jobs 2 gives the files of --jobs 1", async () => {
    const opts = { timing: "detailed" as const, tickPeriodUs: 1000, samples: "1:" };
    const one = await evaluateInto(join(TMP, "detailed-j1"), opts, "in-process", 1, SAMPLES - 1);
    expectSameFiles(one, await evaluateInto(join(TMP, "detailed-j2"), { ...opts, jobs: 2 }, "workers", 2, SAMPLES - 1));
  }, 120_000);

  it("more jobs than samples uses one worker per sample", async () => {
    const m = await load();
    const one = await m.evaluateDataset(MODEL, { input: DATA, arch: "generic", samples: "1:4", quiet: true });
    const many = await m.evaluateDataset(MODEL, { input: DATA, arch: "generic", samples: "1:4", jobs: 8, quiet: true });
    expect(many.parallel).toEqual({ mode: "workers", threads: 3 });
    expect(JSON.stringify(many.document)).toBe(JSON.stringify(one.document));
  }, 60_000);

  it("an SHD/SSC .h5 data set (each worker reads its samples from the file): the same document", async () => {
    const model = join(TMP, "shd3.nir");
    // Units 3, 10 and 699 drive classes 0, 1 and 2.
    await writeShd3Nir(model);
    const K = 1 / 1024;
    const h5 = join(TMP, "shd.h5");
    writeShdFile(h5, Array.from({ length: 6 }, (_, k) => ({ times: [(1 + k) * K, (5 + 2 * k) * K], units: [[3, 10, 699][k % 3], 10], label: k % 3 })));
    const m = await load();
    const one = await m.evaluateDataset(model, { input: h5, arch: "loihi", quiet: true });
    const two = await m.evaluateDataset(model, { input: h5, arch: "loihi", jobs: 2, quiet: true });
    expect(two.parallel).toEqual({ mode: "workers", threads: 2 });
    expect(JSON.stringify(two.document)).toBe(JSON.stringify(one.document));
    expect(one.document.samples.map((x) => x.prediction)).toEqual([0, 1, 1, 0, 1, 1]);
  }, 60_000);

  it("a sample that fails while the workers run stops the evaluation with the error --jobs 1 gives (the lowest-index failure)", async () => {
    const m = await load();
    // Files s12 and s13 (positions 3 and 7 of the data set's order: 0/s00, 0/s04, 0/s08, 0/s12, 1/s01, …)
    // are removed after the check of every sample, once a first sample is done: their reads fail. Their
    // batches have not started then: one worker still runs the 50,000-step 0/s00, the other takes
    // positions 1, 2, … one at a time. Position 3 fails first in both runs.
    const failure = async (jobs: number): Promise<{ code: string; message: string; file: string | undefined }> => {
      const data = join(TMP, `data-fail-${jobs}`);
      cpSync(DATA, data, { recursive: true });
      const doomed = [join(data, "0", "s12.npy"), join(data, "1", "s13.npy")];
      let removed = false;
      const e = await m.evaluateDataset(MODEL, { input: data, arch: "generic", jobs, quiet: true }, {
        onSample: () => {
          if (removed) return;
          removed = true;
          for (const f of doomed) rmSync(f);
        },
      }).then(() => undefined, (x: unknown) => x as { code: string; message: string; file: string | undefined });
      expect(e, `--jobs ${jobs}`).toBeDefined();
      return { code: e!.code, message: e!.message, file: e!.file };
    };
    const one = await failure(1);
    expect(one.file).toBe(join(TMP, "data-fail-1", "0", "s12.npy"));
    const two = await failure(2);
    expect(two.code).toBe(one.code);
    expect(two.message).toBe(one.message.replaceAll("data-fail-1", "data-fail-2"));
    expect(two.file).toBe(join(TMP, "data-fail-2", "0", "s12.npy"));
  }, 60_000);

  it("a worker that cannot start (its module throws) before any batch is queued rejects the run instead of hanging or crashing", async () => {
    const pool = (await import(pathToFileURL(resolve("dist/cli/evaluate/pool.js")).href)) as typeof import("../../cli/evaluate/pool.ts");
    const bad = join(TMP, "bad-worker.mjs");
    writeFileSync(bad, "throw new Error('worker module broken');\n");
    const workers = pool.startSampleWorkers(pathToFileURL(bad), 2, 4, { modelPath: MODEL, nir: {} });
    try {
      const { loadArch } = await import("../../cli/load-arch.ts");
      const setup = { key: "bad", modelPath: MODEL, spec: loadArch("generic"), provenance: { aerchipVersion: "test", inputs: [], options: {} }, options: { seed: 0, placement: "greedy" as const, timing: "simple" as const } };
      const samples = [1, 2, 3, 4].map((k) => ({ index: k, path: join(DATA, "1", "s01.npy"), label: 1, id: `s${k}` }));
      // The workers fail while no batch is queued (as while the main thread checks the samples).
      await new Promise((r) => setTimeout(r, 1500));
      await expect(workers.run(setup, samples, () => {}, () => {})).rejects.toThrow(/worker module broken/);
    } finally {
      await workers.close();
    }
  }, 60_000);

  it("an interrupt while the workers run stops them: E_INTERRUPTED, and no evaluation is returned", async () => {
    const m = await load();
    const signals = (await import(pathToFileURL(resolve("dist/cli/interrupt.js")).href)) as typeof import("../../cli/interrupt.ts");
    try {
      // The first sample (50,000 steps) is still running when the others have finished.
      const run = m.evaluateDataset(MODEL, { input: DATA, arch: "generic", jobs: 2, quiet: true }, { onSample: () => signals.requestInterrupt() });
      await expect(run).rejects.toMatchObject({ code: "E_INTERRUPTED" });
    } finally {
      signals.clearInterrupt();
    }
  }, 60_000);

  it("the CLI: `aerchip evaluate --jobs 2` writes the files `--jobs 1` writes; dataset.json records no --jobs", () => {
    const run = (out: string, ...extra: string[]): void => {
      const r = spawnSync(process.execPath, ["bin/aerchip.js", "evaluate", MODEL, "--input", DATA, "--arch", "loihi", "--out", out, "--quiet", ...extra], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
    };
    const one = join(TMP, "cli-j1");
    const two = join(TMP, "cli-j2");
    run(one);
    run(two, "--jobs", "2");
    expectSameFiles(files(one), files(two));
    const options = (JSON.parse(readFileSync(join(two, "dataset.json"), "utf8")) as { provenance: { options: Record<string, unknown> } }).provenance.options;
    expect(options).not.toHaveProperty("jobs");
    expect(options).not.toHaveProperty("threads");
    // Several chips: each chip's evaluation on the workers, the same files as --jobs 1.
    const many1 = join(TMP, "cli-many-j1");
    const many2 = join(TMP, "cli-many-j2");
    const runMany = (out: string, ...extra: string[]): void => {
      const r = spawnSync(process.execPath, ["bin/aerchip.js", "evaluate", MODEL, "--input", DATA, "--arch", "generic,loihi", "--samples", "1:", "--out", out, "--quiet", ...extra], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
    };
    runMany(many1);
    runMany(many2, "--jobs", "2");
    for (const chip of ["generic", "loihi"]) expectSameFiles(files(join(many1, chip)), files(join(many2, chip)));
    for (const f of ["evaluate-compare.md", "evaluate-compare.csv", "evaluate-compare.json"]) expect(readFileSync(join(many2, f)).equals(readFileSync(join(many1, f))), f).toBe(true);
  }, 120_000);
});
