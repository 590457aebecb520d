/** `aerchip convert` and event inputs of every format driving a run (issue 6). */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-convert-"));

describe.skipIf(!HAS_SHARED)(`event files on the command line ${SKIP_MSG}`, () => {
  it("convert .bin → .aedat → .csv → .bin gives back the recording byte for byte", async () => {
    const d = tmp();
    const bin = sharedPath("fixtures/events/sample_nmnist.bin");
    const a = await cli("convert", bin, join(d, "s.aedat"), "--quiet");
    expect(a.code).toBe(0);
    expect((await cli("convert", join(d, "s.aedat"), join(d, "s.csv"), "--quiet")).code).toBe(0);
    const r = await cli("convert", join(d, "s.csv"), join(d, "back.bin"), "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).count).toBe(4325);
    expect(readFileSync(join(d, "back.bin"))).toEqual(readFileSync(bin));
  });

  it("cnn_sinabs gives the same output counts from the .bin, its AEDAT 3.1 copy and its binned .npy spikes", async () => {
    const d = tmp();
    const bin = sharedPath("fixtures/events/sample_nmnist.bin");
    const nir = sharedPath("fixtures/nir/paper_cnn/cnn_sinabs.nir");
    expect((await cli("convert", bin, join(d, "s.aedat"), "--quiet")).code).toBe(0);
    expect((await cli("convert", bin, join(d, "s.npy"), "--spikes", "--tick-us", "1000", "--quiet")).code).toBe(0);
    const counts: string[] = [];
    for (const input of [bin, join(d, "s.aedat")]) {
      const r = await cli("run", nir, "--input", input, "--tick-us", "1000", "--arch", "generic", "--out", join(d, `o${counts.length}`));
      expect(r.code).toBe(0);
      counts.push(r.stdout.match(/spike counts \[([0-9, ]+)\]/)![1]);
    }
    expect(counts[1]).toBe(counts[0]);
    // A binned .npy spike tensor is 312 × 2 × 34 × 34: the same input.
    const r = await cli("run", nir, "--input", join(d, "s.npy"), "--arch", "generic", "--out", join(d, "o2"));
    expect(r.code).toBe(0);
    expect(r.stdout.match(/spike counts \[([0-9, ]+)\]/)![1]).toBe(counts[0]);
  });

  it("a truncated recording is a coded error with its byte offset", async () => {
    const d = tmp();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(d, "cut.bin"), readFileSync(sharedPath("fixtures/events/sample_nmnist.bin")).subarray(0, 1003));
    const r = await cli("convert", join(d, "cut.bin"), join(d, "x.csv"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_EVENTS_TRUNCATED/);
    expect(r.stderr).toMatch(/byte 1000/);
  });
});
