/**
 * A `--packets-out` stream read back (audit-docs finding 8): the stream records the run's address layout
 * as its source's shape [2^xBits, 2^yBits, 2^coreBits, 2^axonBits], and `aerchip convert` writes it as
 * packet CSV (tick, t_us, address, x, y, core, axon) instead of failing with a hint (pass a geometry) that
 * the command line cannot follow. Every decoded destination is a core of mapping.json, below its axons.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { decodeAerStream, encodeAerStream } from "../../core/io/aer-stream.ts";
import { aerStreamSource } from "../../core/io/events/aer-packets.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-pkcsv-"));

describe("packet streams", () => {
  it("run --packets-out, then convert to .csv: one line per packet, addresses taken apart into mapping.json's cores", async () => {
    const dir = tmp();
    const out = join(dir, "o");
    const stream = join(dir, "p.aer");
    const r = await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--core-neurons", "100", "--out", out, "--packets-out", stream, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const source = await aerStreamSource(stream);
    expect(source.name).toBe("packets");
    expect(source.shape).toHaveLength(4);
    for (const d of source.shape) expect(Math.log2(d) % 1).toBe(0);

    const csv = join(dir, "p.csv");
    const c = await cli("convert", stream, csv, "--json");
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ mode: "packets", output: "csv" });
    const lines = readFileSync(csv, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("tick,t_us,address,x,y,core,axon");
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(lines.length - 1).toBe(report.totals.counters.packetsOut);
    const s = decodeAerStream(readFileSync(stream));

    const mapping = JSON.parse(readFileSync(join(out, "mapping.json"), "utf8"));
    const axons = new Map<string, number>();
    for (const core of mapping.cores) axons.set(`${core.tile.x},${core.tile.y},${core.coreInTile}`, core.inputAxons);
    expect(axons.size).toBeGreaterThan(1);
    const [, Y, C, A] = source.shape;
    const destinations = new Set<string>();
    for (let i = 1; i < lines.length; i++) {
      const [tick, tUs, address, x, y, core, axon] = lines[i].split(",").map(Number);
      expect(tick).toBe(s.tick[i - 1]);
      expect(tUs).toBe(tick * 1000); // the stream's tick: --tick-us, 1000 µs by default
      expect(address).toBe(s.address[i - 1]);
      expect(((x * Y + y) * C + core) * A + axon).toBe(address);
      const key = `${x},${y},${core}`;
      expect(axons.has(key), key).toBe(true);
      expect(axon).toBeLessThan(axons.get(key)!);
      destinations.add(key);
    }
    expect(destinations.size).toBeGreaterThan(1);

    // As a run's --input, a packet stream is not pixels: the hint names the command that reads it.
    const asInput = await cli("run", "tests/robustness/fixtures/small-valid.nir", "--arch", "generic", "--input", stream, "--out", join(dir, "in"));
    expect(asInput.code).toBe(1);
    expect(asInput.stderr).toMatch(/E_EVENTS_SHAPE/);
    expect(asInput.stderr).toMatch(/hint: .*aerchip convert FILE\.aer OUT\.csv/);
  });

  it("an unshaped packet stream gives tick,t_us,address; other outputs and --spikes are refused with a hint to write .csv", async () => {
    const dir = tmp();
    const stream = join(dir, "old.aer");
    writeFileSync(stream, encodeAerStream({ tickUs: 500, sources: [{ name: "packets", shape: [] }], tick: Uint32Array.of(0, 2, 2), address: Uint32Array.of(7, 70000, 3) }));
    expect((await cli("convert", stream, join(dir, "p.csv"), "--quiet")).code).toBe(0);
    expect(readFileSync(join(dir, "p.csv"), "utf8")).toBe("tick,t_us,address\n0,0,7\n2,1000,70000\n2,1000,3\n");
    for (const args of [[join(dir, "p.npy")], [join(dir, "q.csv"), "--spikes"]]) {
      const r = await cli("convert", stream, ...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/E_EVENTS_UNSUPPORTED/);
      expect(r.stderr).toMatch(/hint: convert it to \.csv/);
      expect(existsSync(args[0])).toBe(false);
    }
  });
});
