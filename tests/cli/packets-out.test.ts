/**
 * `--packets-out FILE` for every kind of run: a JSON model (tests/cli/run-compile.test.ts), a NIR graph
 * and a compiled program. Each writes the AER stream with one packet per packet the report counts (the
 * option was silently ignored for NIR graphs and programs before).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { decodeAerStream } from "../../core/io/aer-stream.ts";
import { writeNpy } from "../../core/io/npy.ts";
import { readProgramFile } from "../../chip/program/codec.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-pk-"));

/** A T × size spike tensor with every input neuron firing every `period` ticks (offset by its index). */
function spikeTensor(T: number, size: number, period: number): Uint8Array {
  const a = new Uint8Array(T * size);
  for (let t = 0; t < T; t++) for (let i = 0; i < size; i++) if ((t + i) % period === 0) a[t * size + i] = 1;
  return a;
}

function expectStreamMatchesReport(out: string, stream: string): void {
  const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
  const s = decodeAerStream(readFileSync(stream));
  expect(report.totals.counters.packetsOut).toBeGreaterThan(0);
  expect(s.tick.length).toBe(report.totals.counters.packetsOut);
  for (let i = 1; i < s.tick.length; i++) expect(s.tick[i]).toBeGreaterThanOrEqual(s.tick[i - 1]);
}

describe("--packets-out", () => {
  it("a compiled program writes its packets", async () => {
    const dir = tmp();
    const c = await cli("compile", "examples/demo/ei-small.net.json", "--arch", "generic", "--out", join(dir, "c"), "--quiet");
    expect(c.code).toBe(0);
    const program = readProgramFile(join(dir, "c", "program.aerprog"));
    const shape = program.populations.find((p) => p.kind === "input")!.shape;
    const size = shape.reduce((a, b) => a * b, 1);
    writeFileSync(join(dir, "in.npy"), writeNpy(spikeTensor(60, size, 3), [60, ...shape], { bool: true }));
    const out = join(dir, "o");
    const r = await cli("run", join(dir, "c", "program.aerprog"), "--arch", "generic", "--input", join(dir, "in.npy"), "--out", out, "--packets-out", join(dir, "p.aer"), "--quiet");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expectStreamMatchesReport(out, join(dir, "p.aer"));
  });

  it("a NIR graph writes its packets", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "in.npy"), writeNpy(spikeTensor(40, 3, 2), [40, 3], { bool: true }));
    const out = join(dir, "o");
    const r = await cli("run", "tests/robustness/fixtures/small-valid.nir", "--arch", "generic", "--input", join(dir, "in.npy"), "--out", out, "--packets-out", join(dir, "p.aer"), "--quiet");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expectStreamMatchesReport(out, join(dir, "p.aer"));
  });
});
