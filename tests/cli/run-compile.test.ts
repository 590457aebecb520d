import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";
import { readProgramFile } from "../../chip/program/codec.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-cli-"));

describe("aerchip run on the bundled demo", () => {
  it("prints a summary and writes spikes.json, report.json and mapping.json", async () => {
    const out = tmp();
    const r = await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--out", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/synaptic ops/);
    expect(r.stdout).toMatch(/total/);
    const spikes = JSON.parse(readFileSync(join(out, "spikes.json"), "utf8"));
    expect(spikes.format).toBe("snnref-1-result");
    expect(Object.keys(spikes.spikes).sort()).toEqual(["E", "I"]);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.format).toBe("aerchip-report");
    expect(report.version).toBe(1);
    // The summary's spike count is the report's.
    const nSpikes = spikes.spikes.E.length + spikes.spikes.I.length;
    expect(report.totals.counters.neuronsFired).toBe(nSpikes);
    const mapping = JSON.parse(readFileSync(join(out, "mapping.json"), "utf8"));
    expect(mapping.coresUsed).toBe(report.chip.coresUsed);
  });

  it("is deterministic: the same inputs and seed give a byte-identical report.json", async () => {
    const a = tmp();
    const b = tmp();
    await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--out", a, "--seed", "5", "--placement", "random", "--quiet");
    await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--out", b, "--seed", "5", "--placement", "random", "--quiet");
    expect(readFileSync(join(a, "report.json"))).toEqual(readFileSync(join(b, "report.json")));
    expect(readFileSync(join(a, "spikes.json"))).toEqual(readFileSync(join(b, "spikes.json")));
  });
});

describe.skipIf(!HAS_SHARED)(`aerchip run/compile on reference cases ${SKIP_MSG}`, () => {
  it("run c04 writes spikes equal to the expected ones", async () => {
    const out = tmp();
    const r = await cli("run", sharedPath("fixtures/snnref/c04_ei_2000_int.net.json"), "--arch", "generic", "--out", out, "--core-neurons", "300");
    expect(r.code).toBe(0);
    const got = JSON.parse(readFileSync(join(out, "spikes.json"), "utf8"));
    const exp = JSON.parse(readFileSync(sharedPath("fixtures/snnref/c04_ei_2000_int.expected.json"), "utf8"));
    expect(got.spikes).toEqual(exp.spikes);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.totals.synapticEventsDelivered).toBe(exp.counts.synaptic_events);
    expect(report.totals.counters.synOps).toBeGreaterThan(exp.counts.synaptic_events);
  });

  it("compile writes a program that runs to the same spikes, and the mapping's utilisation", async () => {
    const out = tmp();
    const r = await cli("compile", sharedPath("fixtures/snnref/c04_ei_2000_int.net.json"), "--arch", "generic", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/neur %/);
    const mapping = JSON.parse(readFileSync(join(out, "mapping.json"), "utf8"));
    expect(mapping.cores.length).toBe(mapping.coresUsed);
    for (const c of mapping.cores) for (const u of Object.values(c.utilisation) as number[]) expect(u).toBeLessThanOrEqual(1);
    const program = readProgramFile(join(out, "program.aerprog"));
    expect(program.cores.length).toBe(mapping.coresUsed);
    expect(program.populations.map((p) => p.name)).toEqual(["stim", "E", "I"]);
  });
});

describe("errors are clear, coded, and leave no partial output", () => {
  it("a model that does not fit names the limit and exits 1 without a stack trace", async () => {
    const out = tmp();
    const specFile = join(tmp(), "small-chip.json");
    const generic = JSON.parse(readFileSync("chip/spec/presets/generic.json", "utf8"));
    writeFileSync(specFile, JSON.stringify({ ...generic, name: "small", mesh: { ...generic.mesh, widthTiles: 2, heightTiles: 2, coresPerTile: 1 }, core: { ...generic.core, maxNeurons: 64 } }));
    const r = await cli("run", "examples/demo/ei-small.net.json", "--arch", specFile, "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_CHIP_CORES_EXCEEDED/);
    expect(r.stderr).toMatch(/hint:/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(readdirSync(out)).toEqual([]);
  });

  it("a truncated model file gives E_MODEL_PARSE naming the file", async () => {
    const dir = tmp();
    const bad = join(dir, "bad.json");
    writeFileSync(bad, readFileSync("examples/demo/ei-small.net.json", "utf8").slice(0, 5000));
    const r = await cli("run", bad, "--arch", "generic", "--out", join(dir, "out"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_MODEL_PARSE/);
    expect(r.stderr).toContain("bad.json");
    expect(existsSync(join(dir, "out", "report.json"))).toBe(false);
  });

  it("an unknown preset lists the available ones", async () => {
    const r = await cli("run", "examples/demo/ei-small.net.json", "--arch", "nosuchchip", "--out", tmp());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_SPEC_NOT_FOUND/);
    expect(r.stderr).toMatch(/generic/);
  });

  it("a usage error exits 2", async () => {
    const r = await cli("run", "examples/demo/ei-small.net.json", "--out", tmp());
    expect(r.code).toBe(2);
  });
});

describe("packet trace and logs", () => {
  it("--packets-out writes every AER packet; addresses decode to the mapped cores", async () => {
    const { decodeAerStream } = await import("../../core/io/aer-stream.ts");
    const { aerLayoutFor, decodeAer } = await import("../../core/aer.ts");
    const out = tmp();
    const r = await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--core-neurons", "64", "--out", out, "--packets-out", join(out, "packets.aer"), "--log-file", join(out, "run.log"), "--quiet");
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    const mapping = JSON.parse(readFileSync(join(out, "mapping.json"), "utf8"));
    const stream = decodeAerStream(readFileSync(join(out, "packets.aer")));
    expect(stream.tick.length).toBe(report.totals.counters.packetsOut);
    const maxAxons = Math.max(...mapping.cores.map((c: { inputAxons: number }) => c.inputAxons));
    const layout = aerLayoutFor({ widthTiles: 16, heightTiles: 16, coresPerTile: 4, maxAxons });
    const cores = new Set(mapping.cores.map((c: { coreId: number }) => c.coreId));
    for (let i = 0; i < stream.address.length; i += 97) {
      const f = decodeAer(layout, stream.address[i]);
      expect(cores.has((f.y * 16 + f.x) * 4 + f.core)).toBe(true);
    }
    const log = readFileSync(join(out, "run.log"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(log.map((l: { phase: string }) => l.phase)).toEqual(["load", "compile", "build", "run", "write"]);
  });
});
