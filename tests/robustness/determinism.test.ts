/**
 * Determinism (issue 9): identical inputs and seed give byte-identical outputs across runs, thread
 * counts and placements, where the mapping does not change the modelled behaviour:
 *   - the same command twice: every output file byte-identical;
 *   - other placements (greedy, random with two seeds) and other core sizes: spikes.json byte-identical,
 *     and every counter that does not depend on where neurons sit (synaptic ops, neuron updates, spikes,
 *     weight reads, delivered events) identical; packets, hops, latency and energy may differ — that is
 *     what a mapping changes;
 *   - thread counts: tests/cli/threads.test.ts (every output byte-identical for 1, 2 and 3 threads).
 * Learning runs and sweeps: tests/cli/learn/checkpoint.test.ts and tests/cli/sweep-interrupt.test.ts
 * (interrupted + resumed = uninterrupted, byte for byte).
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-det-"));
const DEMO = "examples/demo/ei-small.net.json";
/** Counters a placement cannot change: the network's own activity. */
const MAPPING_FREE = ["synOps", "neuronAccesses", "neuronUpdates", "neuronUpdatesWithInput", "spikes", "neuronsFired", "weightReadBits", "overflows"] as const;

async function run(...args: string[]): Promise<string> {
  const out = tmp();
  const r = await cli("run", DEMO, "--out", out, "--quiet", ...args);
  expect(r.stderr, args.join(" ")).toBe("");
  expect(r.code).toBe(0);
  return out;
}

describe("determinism of aerchip run", () => {
  it("the same command twice writes byte-identical files (report, spikes, mapping)", async () => {
    const args = ["--arch", "loihi", "--placement", "random", "--seed", "11", "--timing", "detailed", "--precision", "fixed"];
    const a = await run(...args);
    const b = await run(...args);
    const files = readdirSync(a).sort();
    expect(files).toEqual(["aerchip-outputs.json", "mapping.json", "report.json", "spikes.json"]);
    for (const f of files) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
  });

  it("placements and core sizes change traffic, never spikes or the network's own work", async () => {
    const variants = [
      ["--placement", "greedy"],
      ["--placement", "random", "--seed", "1"],
      ["--placement", "random", "--seed", "2"],
      ["--placement", "greedy", "--core-neurons", "17"],
    ];
    const outs = [];
    for (const v of variants) outs.push(await run("--arch", "generic", ...v));
    const spikes0 = readFileSync(join(outs[0], "spikes.json"));
    const report0 = JSON.parse(readFileSync(join(outs[0], "report.json"), "utf8"));
    const hops = new Set<number>();
    for (const [i, o] of outs.entries()) {
      expect(readFileSync(join(o, "spikes.json")).equals(spikes0), variants[i].join(" ")).toBe(true);
      const r = JSON.parse(readFileSync(join(o, "report.json"), "utf8"));
      for (const k of MAPPING_FREE) expect(r.totals.counters[k], `${variants[i].join(" ")}: ${k}`).toBe(report0.totals.counters[k]);
      expect(r.totals.synapticEventsDelivered).toEqual(report0.totals.synapticEventsDelivered);
      const c = r.totals.counters;
      hops.add(c.hopsEast + c.hopsWest + c.hopsNorth + c.hopsSouth);
    }
    // The placements really differ (else this test would prove nothing about mappings).
    expect(hops.size).toBeGreaterThan(1);
  });
});
