/**
 * `aerchip run MODEL.nir --packets-out FILE` writes the run's AER packets, as it does for JSON models
 * (it was accepted and silently ignored: no file was written); --tick-us sets the stream's tick length.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

describe.skipIf(!HAS_SHARED)(`run of a NIR graph with --packets-out ${SKIP_MSG}`, () => {
  it("writes every AER packet of the run, with --tick-us as the stream's tick length", async () => {
    const { decodeAerStream } = await import("../../core/io/aer-stream.ts");
    const dir = sharedPath("fixtures/nir/snntorch");
    const out = mkdtempSync(join(tmpdir(), "aerchip-nirpk-"));
    const packets = join(out, "p.aer");
    const r = await cli("run", join(dir, "snntorch_dense_lif.nir"), "--input", join(dir, "snntorch_dense_lif.input.npy"), "--arch", "generic", "--core-neurons", "7",
      "--out", join(out, "o"), "--packets-out", packets, "--tick-us", "250", "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(packets)).toBe(true);
    const report = JSON.parse(readFileSync(join(out, "o", "report.json"), "utf8"));
    const stream = decodeAerStream(readFileSync(packets));
    expect(report.totals.counters.packetsOut).toBeGreaterThan(0);
    expect(stream.tick.length).toBe(report.totals.counters.packetsOut);
    expect(stream.header.tickUs).toBe(250);
  });
});
