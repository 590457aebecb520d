/**
 * `aerchip convert --spikes --counts` (audit-docs finding 7): the counts reach the file. A .csv gets a
 * `count` column (it was `tick,neuron` with or without --counts), a .npy holds the events merged into each
 * (tick, neuron) (it held 1 for every spike: the counts were dropped before the writer), and an .aer
 * stream, which has no place for a count, refuses --counts (E_CLI_OPTION) instead of ignoring it.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { readNpy } from "../../core/io/npy.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-counts-"));

/** Three events on pixel (1, 0) ON within tick 0, one on (0, 0) OFF in tick 1 (ticks of 10 µs). */
function events(dir: string): string {
  const path = join(dir, "ev.csv");
  writeFileSync(path, "x,y,t,p\n1,0,0,1\n1,0,3,1\n1,0,9,1\n0,0,12,0\n");
  return path;
}

describe("convert --spikes --counts", () => {
  it("a .csv gets a count column only with --counts", async () => {
    const dir = tmp();
    const ev = events(dir);
    expect((await cli("convert", ev, join(dir, "plain.csv"), "--spikes", "--tick-us", "10", "--quiet")).code).toBe(0);
    expect(readFileSync(join(dir, "plain.csv"), "utf8")).toBe("tick,neuron\n0,3\n1,0\n");
    const r = await cli("convert", ev, join(dir, "counts.csv"), "--spikes", "--counts", "--tick-us", "10", "--quiet");
    expect(r.code, r.stderr).toBe(0);
    // Shape [P, H, W] = [2, 1, 2]: (p=1, y=0, x=1) is neuron 3; (p=0, y=0, x=0) is neuron 0.
    expect(readFileSync(join(dir, "counts.csv"), "utf8")).toBe("tick,neuron,count\n0,3,3\n1,0,1\n");
  });

  it("a .npy holds the event counts, not 1 per spike", async () => {
    const dir = tmp();
    const r = await cli("convert", events(dir), join(dir, "c.npy"), "--spikes", "--counts", "--tick-us", "10", "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const a = readNpy(readFileSync(join(dir, "c.npy")));
    if (a.kind !== "plain") throw new Error("expected a plain tensor");
    expect(a.shape).toEqual([2, 2, 1, 2]);
    expect(Array.from(a.data as Uint32Array)).toEqual([0, 0, 0, 3, 1, 0, 0, 0]);
  });

  it("an .aer stream refuses --counts", async () => {
    const dir = tmp();
    const out = join(dir, "c.aer");
    const r = await cli("convert", events(dir), out, "--spikes", "--counts", "--tick-us", "10");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CLI_OPTION/);
    expect(r.stderr).toContain("field: --counts");
    expect(existsSync(out)).toBe(false);
    expect((await cli("convert", events(dir), out, "--spikes", "--tick-us", "10", "--quiet")).code).toBe(0);
  });
});
