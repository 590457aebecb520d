/**
 * `aerchip run` on a conductance-based LIF model (examples/cond/dc-coba.model.json, the first network of
 * tests/fixtures/lif-cond/brian2-coba.json): on spinnaker2 it writes Brian2's spikes and a report whose
 * neuron updates are one per lif-cond neuron and tick; on loihi it exits 1 with E_ARCH_NEURON_MODEL and
 * writes nothing; with --precision fixed it exits 1 with E_FIXED_COND_UNSUPPORTED.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { nothingRanHint } from "../../cli/commands/compare.ts";

const EXAMPLE = "examples/cond/dc-coba.model.json";
const FIXTURE = JSON.parse(readFileSync("tests/fixtures/lif-cond/brian2-coba.json", "utf8")) as { networks: Array<{ model: unknown; spikes: Record<string, [number, number][]> }> };

describe("aerchip run with a lif-cond model", () => {
  it("the example is the fixture's first network", () => {
    expect(JSON.parse(readFileSync(EXAMPLE, "utf8"))).toEqual(FIXTURE.networks[0].model);
  });

  it("--arch spinnaker2 writes Brian2's spikes and counts a neuron update per lif-cond neuron and tick", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "aerchip-cond-")), "out");
    const r = await cli("run", EXAMPLE, "--arch", "spinnaker2", "--out", out, "--quiet");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const spikes = JSON.parse(readFileSync(join(out, "spikes.json"), "utf8")) as { spikes: Record<string, [number, number][]> };
    expect(spikes.spikes.exc).toEqual(FIXTURE.networks[0].spikes.exc);
    expect(spikes.spikes.inh).toEqual(FIXTURE.networks[0].spikes.inh);
    const report = readFileSync(join(out, "report.json"), "utf8");
    const updates = /"neuronUpdates":\s*(\d+)/.exec(report);
    expect(updates?.[1]).toBe(String(10 * 400));
  });

  it("--arch loihi exits 1 with E_ARCH_NEURON_MODEL, naming the presets that run it, and writes no output", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "aerchip-cond-")), "out");
    const r = await cli("run", EXAMPLE, "--arch", "loihi", "--out", out, "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("E_ARCH_NEURON_MODEL");
    expect(r.stderr).toContain('population "exc" uses neuron model "lif-cond"');
    expect(r.stderr).toContain("generic, spinnaker2");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, "report.json"))).toBe(false);
  });

  it("aerchip presets prints each listing preset's neuron models with their source", async () => {
    const r = await cli("presets");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/spinnaker2:[\s\S]*?\n  neuronModels: lif, lif-cond \(SpiNNakerManchester\/sPyNNaker/);
    expect(r.stdout).toMatch(/\nloihi:[\s\S]*?\n  neuronModels: lif \(Davies et al/);
  });

  it("compare counts E_ARCH_NEURON_MODEL as a feature the chip lacks, not as an error in the model", () => {
    const hint = nothingRanHint(["E_ARCH_NEURON_MODEL"]);
    expect(hint).toContain("lack a feature the model uses");
    expect(hint).not.toContain("not about the chip's size");
  });

  it("--precision fixed exits 1 with E_FIXED_COND_UNSUPPORTED", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "aerchip-cond-")), "out");
    const r = await cli("run", EXAMPLE, "--arch", "spinnaker2", "--precision", "fixed", "--out", out, "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("E_FIXED_COND_UNSUPPORTED");
  });
});
