/**
 * `--threads N` (issue 8/9): the CLI's outputs are byte-identical for every thread count — the report,
 * spikes and mapping of a JSON model, a fixed-point run (with its float reference), a NIR model and a
 * SANA-FE network with the detailed timing model. Worker threads run the compiled engine: these tests
 * need an up-to-date dist/ (npm ci builds it).
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { distIsFresh, distNote } from "../helpers/dist.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

const DIST_OK = distIsFresh("chip/sim/threads/worker.js", ["chip", "core"]);
const NEEDS_DIST = distNote(DIST_OK);
const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-threads-"));

async function expectIdenticalOutputs(args: readonly string[]): Promise<void> {
  const dirs: string[] = [];
  for (const threads of ["1", "2", "3"]) {
    const out = tmp();
    const r = await cli(...args, "--out", out, "--threads", threads, "--quiet");
    expect(r.stderr, `--threads ${threads}`).toBe("");
    expect(r.code, `--threads ${threads}`).toBe(0);
    dirs.push(out);
  }
  const files = readdirSync(dirs[0]).sort();
  expect(files.length).toBeGreaterThanOrEqual(3);
  for (const d of dirs.slice(1)) {
    expect(readdirSync(d).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(d, f)).equals(readFileSync(join(dirs[0], f))), f).toBe(true);
  }
}

describe.skipIf(!DIST_OK)(`aerchip run --threads ${NEEDS_DIST}`, () => {
  it("the demo: report.json, spikes.json and mapping.json are byte-identical for 1, 2 and 3 threads", async () => {
    await expectIdenticalOutputs(["run", "examples/demo/ei-small.net.json", "--arch", "generic", "--core-neurons", "20", "--timing", "detailed"]);
  });

  it("with --timing detailed it says that the extra threads scheduled the messages", async () => {
    const r = await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--core-neurons", "20", "--timing", "detailed", "--out", tmp(), "--threads", "3");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/note: 2 of the 3 threads scheduled the detailed model's messages \(timing threads/);
    const simple = await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--core-neurons", "20", "--out", tmp(), "--threads", "2");
    expect(simple.code).toBe(0);
    expect(simple.stdout).not.toMatch(/timing threads/);
  });

  it("a fixed-point run (and its float64 reference) is byte-identical for 1, 2 and 3 threads", async () => {
    await expectIdenticalOutputs(["run", "examples/demo/ei-small.net.json", "--arch", "loihi", "--precision", "fixed", "--core-neurons", "25"]);
  });

  it("rejects --threads 0 and 65 with a message naming the option", async () => {
    const a = await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--out", tmp(), "--threads", "0");
    expect(a.code).not.toBe(0);
    expect(a.stderr).toMatch(/--threads/);
    const b = await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--out", tmp(), "--threads", "65");
    // Refused as the option is parsed (usage error, exit 2), before any worker starts.
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--threads/);
    expect(b.stderr).not.toMatch(/\n\s+at /);
  });
});

describe.skipIf(!DIST_OK || !HAS_SHARED)(`aerchip run --threads on NIR and SANA-FE models ${NEEDS_DIST} ${SKIP_MSG}`, () => {
  it("an snnTorch NIR export with its input: identical outputs for 1, 2 and 3 threads", async () => {
    const dir = sharedPath("fixtures/nir/snntorch");
    await expectIdenticalOutputs(["run", join(dir, "snntorch_dense_lif.nir"), "--input", join(dir, "snntorch_dense_lif.input.npy"), "--arch", "generic", "--core-neurons", "16"]);
  });

  it("SANA-FE's DVS network on its Loihi file, 100 steps, detailed timing: identical outputs for 1, 2 and 3 threads", async () => {
    await expectIdenticalOutputs(["run", sharedPath("fixtures/sanafe/dvs.yaml"), "--arch", sharedPath("fixtures/sanafe/loihi.yaml"), "--steps", "100", "--timing", "detailed"]);
  });
});

describe("aerchip run --threads on a plastic model", () => {
  it("runs on one thread and says so (the weights and spikes are those of --threads 1)", async () => {
    const a = tmp();
    const b = tmp();
    const one = await cli("run", "examples/learning/stdp-pair.model.json", "--arch", "loihi", "--out", a, "--quiet");
    expect(one.code).toBe(0);
    const two = await cli("run", "examples/learning/stdp-pair.model.json", "--arch", "loihi", "--out", b, "--threads", "2");
    expect(two.code).toBe(0);
    expect(two.stdout).toMatch(/note: ran on 1 thread of the 2 asked/);
    for (const f of ["weights.json", "spikes.json", "report.json"]) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
  });
});
