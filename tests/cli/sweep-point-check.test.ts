/**
 * audit s22b #18: a resumed sweep checks each point file (cli/sweep/point-check.ts) — its SHA-256 over the
 * row and its fields' types and ranges — and runs a point whose file fails again (saying so on stderr),
 * so an edited or damaged number never reaches sweep.csv/.md/.tex/.json.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { sweepCommand } from "../../cli/commands/sweep.ts";
import { checkPointRow, sealPointRow } from "../../cli/sweep/point-check.ts";
import type { PointRow } from "../../cli/sweep/point.ts";
import { stableJson } from "../../core/atomic-write.ts";
import { expectSameFiles, sweepSnapshot } from "../helpers/sweep-files.ts";

/** Two seeds of the demo network on loihi, 5 ticks a point, and its fresh outputs. */
async function freshSweep(): Promise<{ file: string; out: string; files: Map<string, Buffer> }> {
  const dir = mkdtempSync(join(tmpdir(), "aerchip-sweep-pc-"));
  const file = join(dir, "s.yaml");
  writeFileSync(file, `model: ${JSON.stringify(resolve("examples/demo/ei-small.net.json"))}\narch: loihi\nsteps: 5\nseed: [0, 1]\n`);
  const out = join(dir, "out");
  await sweepCommand(file, { out, quiet: true, threads: 1 });
  return { file, out, files: sweepSnapshot(out) };
}

/** Resumes the sweep with stderr captured. */
async function resume(file: string, out: string): Promise<{ summary: Awaited<ReturnType<typeof sweepCommand>>; stderr: string }> {
  const err: string[] = [];
  const ew = process.stderr.write.bind(process.stderr);
  const ow = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((s: string | Uint8Array) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return { summary: await sweepCommand(file, { out, threads: 1 }), stderr: err.join("") };
  } finally {
    process.stderr.write = ew;
    process.stdout.write = ow;
  }
}

const pointNames = (files: Map<string, Buffer>): string[] => [...files.keys()].filter((f) => f.startsWith("points/"));

describe("sweep resume checks point files (audit s22b #18)", () => {
  it("an edited number (a non-number, a negative, another count) or a file without its hash runs again, to the fresh sweep's bytes", async () => {
    const { file, out, files } = await freshSweep();
    const [name] = pointNames(files);
    const path = join(out, name);
    const original = files.get(name)!.toString("utf8");
    expect(JSON.parse(original).sha256).toMatch(/^[0-9a-f]{64}$/);
    const edits: Array<[string, string]> = [
      ["non-number", original.replace(/"synOps": \d+/, '"synOps": "x"')],
      ["negative", original.replace(/"synOps": \d+/, '"synOps": -5')],
      ["other count", original.replace(/"synOps": \d+/, '"synOps": 12345')],
      ["no hash", `${stableJson((({ sha256: _h, ...row }) => row)(JSON.parse(original)))}\n`],
    ];
    for (const [what, text] of edits) {
      expect(text, what).not.toBe(original);
      writeFileSync(path, text);
      const { summary, stderr } = await resume(file, out);
      expect(summary, what).toMatchObject({ points: 2, resumed: 1, ran: 1, failed: 0 });
      expect(stderr, what).toContain(`point file ${path}`);
      expect(stderr, what).toContain("running that point again");
      expectSameFiles(files, sweepSnapshot(out));
    }
    // Untouched files resume without a word.
    const { summary, stderr } = await resume(file, out);
    expect(summary).toMatchObject({ resumed: 2, ran: 0 });
    expect(stderr).toBe("");
  });

  it("a row outside its ranges is refused even with a recomputed hash", () => {
    // A fixed-point point of the demo network on loihi, as aerchip writes it (without the hash).
    const row = {"format": "aerchip-sweep-point", "version": 2, "id": "d6a5a0b137b38bd7", "index": 0, "params": {"arch": "loihi", "seed": 0, "precision": "fixed", "placement": "greedy", "coreNeurons": null, "meshWidth": null, "meshHeight": null, "weightBits": null}, "status": "ok", "errorMessage": null, "model": "ei-small", "chip": "loihi", "steps": 5, "coresUsed": 1, "coresAvailable": 128, "spikes": 105, "synOps": 2900, "energyPj": {"synapse": 68440, "neuron": 151431, "network": 0, "learning": 0, "static": 14179.521999999997, "total": 234050.522}, "simulatedTimeNs": 17292.1, "timeBasis": "modelled-latency", "averagePowerMw": 13.535112681513525, "agreement": {"spikes": 54, "spikesFloat": 54, "shared": 54, "jaccard": 1}} as PointRow;
    const sealed = (r: PointRow): Record<string, unknown> => JSON.parse(stableJson(sealPointRow(r)));
    expect(checkPointRow(sealed(row))).toEqual({ ok: true, row });
    const bad: Array<[string, PointRow]> = [
      ["synOps", { ...row, synOps: "x" } as unknown as PointRow],
      ["spikes", { ...row, spikes: -5 }],
      ["spikes", { ...row, spikes: 1.5 }],
      ["coresUsed", { ...row, coresUsed: row.coresAvailable! + 1 }],
      ["energyPj.total", { ...row, energyPj: { ...row.energyPj!, total: -1 } }],
      ["timeBasis", { ...row, timeBasis: "sometimes" } as unknown as PointRow],
      ["status", { ...row, status: "fine" }],
      ["model", { ...row, status: "E_SPEC_NOT_FOUND", errorMessage: "x" }],
    ];
    for (const [field, r] of bad) {
      const c = checkPointRow(sealed(r));
      expect(c.ok, field).toBe(false);
      if (!c.ok) expect(c.reason, field).toContain(`field ${field} `);
    }
    // Learning on a chip without energySynUpdatePj: learning null (not modelled, audit s24b #13) passes; other energies may not be null.
    expect(checkPointRow(sealed({ ...row, energyPj: { ...row.energyPj!, learning: null } })).ok).toBe(true);
    expect(checkPointRow(sealed({ ...row, energyPj: { ...row.energyPj!, network: null } } as unknown as PointRow)).ok).toBe(false);
    // A failed point's row (its error, nothing else) passes.
    const failed = { ...row, status: "E_CHIP_CORES_EXCEEDED", errorMessage: "the model needs 4 cores", model: null, chip: null, steps: null, coresUsed: null, coresAvailable: null, spikes: null, synOps: null, energyPj: null, simulatedTimeNs: null, timeBasis: null, averagePowerMw: null, agreement: null };
    expect(checkPointRow(sealed(failed)).ok).toBe(true);
  });
});
