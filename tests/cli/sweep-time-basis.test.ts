/**
 * The sweep's time basis (docs/reports.md, "Time basis" and "Sweeps"):
 *   - the table's note says which basis its Time column and static energy follow;
 *   - re-audit s16 item 10: each point carries its own basis (sweep.csv `time_basis`, sweep.md/tex
 *     "Time basis", sweep.json rows[].timeBasis), so a sweep over loihi (compute-bound) and spinnaker2
 *     (paced at 1 ms ticks) says which times are paced;
 *   - a resume journal from before (point files of version 1, without a time basis) still finishes: those
 *     points run again, and the outputs are byte-identical to a fresh sweep's.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { sweepCommand } from "../../cli/commands/sweep.ts";
import { sweepTable } from "../../cli/sweep/formats.ts";
import type { SweepConfig } from "../../cli/sweep/config.ts";
import type { PointRow } from "../../cli/sweep/point.ts";

describe("sweep table note", () => {
  it("names the time basis convention", () => {
    const cfg = {
      file: "s.yaml", modelAsGiven: "m.json", model: "m.json", input: null, steps: 10, timing: "simple", tickUs: null, out: "o", swept: ["arch"],
      axes: { arch: ["truenorth", "loihi"], seed: [0], precision: ["float"], placement: ["greedy"], coreNeurons: [null], meshWidth: [null], meshHeight: [null], weightBits: [null] },
    } as unknown as SweepConfig;
    const note = sweepTable("m", cfg, []).note ?? "";
    expect(note).toContain("time basis");
    expect(note).toContain("tick period");
  });
});

/** A sweep over loihi and spinnaker2 of the demo network, 20 ticks a point. */
function sweepFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "aerchip-sweep-tb-"));
  const file = join(dir, "s.yaml");
  writeFileSync(file, `model: ${JSON.stringify(resolve("examples/demo/ei-small.net.json"))}\narch: [loihi, spinnaker2]\nsteps: 20\n`);
  return file;
}

const read = (out: string, f: string): string => readFileSync(join(out, f), "utf8");
const snapshot = (out: string): Record<string, string> => Object.fromEntries([
  ...["sweep.csv", "sweep.md", "sweep.tex", "sweep.json", "sweep.svg"].map((f) => [f, read(out, f)]),
  ...readdirSync(join(out, "points")).sort().map((f) => [`points/${f}`, read(out, join("points", f))]),
]);

describe("sweep: time basis per point", () => {
  let fresh: { file: string; out: string; files: Record<string, string> } | undefined;
  async function freshSweep(): Promise<{ file: string; out: string; files: Record<string, string> }> {
    if (fresh !== undefined) return fresh;
    const file = sweepFile();
    const out = join(file, "..", "out");
    await sweepCommand(file, { out, quiet: true, threads: 1 });
    fresh = { file, out, files: snapshot(out) };
    return fresh;
  }

  it("writes each point's time basis to sweep.csv, sweep.md, sweep.tex and sweep.json", async () => {
    const { out } = await freshSweep();
    const [head, ...lines] = read(out, "sweep.csv").trim().split("\n").map((l) => l.split(","));
    const col = (name: string): number => head.indexOf(name);
    expect(col("time_basis")).toBeGreaterThan(col("simulated_time_ns"));
    const byArch = Object.fromEntries(lines.map((l) => [l[col("arch")], { basis: l[col("time_basis")], timeNs: Number(l[col("simulated_time_ns")]) }]));
    expect(byArch.loihi.basis).toBe("modelled-latency");
    expect(byArch.spinnaker2.basis).toBe("tick-period");
    // Paced: 20 ticks of at least 1 ms each.
    expect(byArch.spinnaker2.timeNs).toBeGreaterThanOrEqual(20 * 1e6);
    const doc = JSON.parse(read(out, "sweep.json")) as { rows: PointRow[] };
    expect(doc.rows.map((r) => [r.params.arch, r.timeBasis])).toEqual([["loihi", "modelled-latency"], ["spinnaker2", "tick-period"]]);
    expect(doc.rows.every((r) => r.version === 2)).toBe(true);
    const md = read(out, "sweep.md");
    expect(md).toMatch(/\| Time basis \|/);
    expect(md).toMatch(/\| loihi \|.*\| modelled-latency \|/);
    expect(md).toMatch(/\| spinnaker2 \|.*\| tick-period \|/);
    expect(read(out, "sweep.tex")).toContain("Time basis");
  });

  it("resumes a journal of version-1 point files (no time basis) by running those points again, to the same bytes", async () => {
    const { file, files } = await freshSweep();
    // What an aerchip before the time-basis column left: version 1, no timeBasis.
    const old = join(mkdtempSync(join(tmpdir(), "aerchip-sweep-tb-old-")), "out");
    mkdirSync(join(old, "points"), { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      if (!name.startsWith("points/")) continue;
      const { timeBasis: _drop, ...row } = JSON.parse(text) as PointRow;
      writeFileSync(join(old, name), `${JSON.stringify({ ...row, version: 1 })}\n`);
    }
    const summary = await sweepCommand(file, { out: old, quiet: true, threads: 1 });
    expect(summary).toMatchObject({ points: 2, resumed: 0, outdated: 2, ran: 2 });
    expect(snapshot(old)).toEqual(files);
    // Finished now: a third run resumes both points.
    expect(await sweepCommand(file, { out: old, quiet: true, threads: 1 })).toMatchObject({ resumed: 2, outdated: 0, ran: 0 });
  });
});
