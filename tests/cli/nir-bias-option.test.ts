/**
 * `--nir-bias source|compartment` (audit s23c #4): where a NIR graph's constant drives go, recorded in the
 * provenance (only when not the default, so default reports are unchanged) and repeated by rerun; with
 * `source` the run summary and report.md say what share of the synaptic ops and dynamic energy the drive is.
 * `compartment` is a what-if on aerchip's chips: they have no per-population start tick, so the bias also acts
 * in the ticks before the population's latency and the spikes are not the graph's (W_NIR_NEEDS_START_TICK).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

interface Rep {
  provenance: { options: Record<string, unknown> };
  costs: Array<{ key: string; value: number }>;
  totals: { counters: { synOps: number; neuronsFired: number }; energyPj: { dynamic: number } };
  perPopulation: Array<{ name: string; spikes: number }>;
  perProjection: Array<{ name: string; pre: string; synapses: number; synOps: number }>;
  nir: { warnings: string[]; steps: number };
}
const read = (dir: string): Rep => JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Rep;

describe.skipIf(!HAS_SHARED)(`--nir-bias on snntorch_conv_lif, loihi ${SKIP_MSG}`, () => {
  const nir = sharedPath("fixtures/nir/snntorch/snntorch_conv_lif.nir");
  const input = sharedPath("fixtures/nir/snntorch/snntorch_conv_lif.input.npy");
  const root = mkdtempSync(join(tmpdir(), "aerchip-nir-bias-"));
  const run = (name: string, ...extra: string[]) => cli("run", nir, "--input", input, "--arch", "loihi", "--out", join(root, name), ...extra);

  it("source (default): the bias drive's share of synaptic ops and energy is printed and in report.md; compartment: no drive synapses, recorded, warned, rerun", async () => {
    const d = await run("default");
    expect(d.code, d.stderr).toBe(0);
    const s = await run("source", "--nir-bias", "source", "--quiet");
    expect(s.code, s.stderr).toBe(0);
    const c = await run("compartment", "--nir-bias", "compartment");
    expect(c.code).toBe(0);
    const [rd, rs, rc] = [read(join(root, "default")), read(join(root, "source")), read(join(root, "compartment"))];

    // The default is source, and a default run's provenance does not change (nothing recorded for it).
    expect(rs.totals).toEqual(rd.totals);
    expect(rd.provenance.options.nirBias).toBeUndefined();
    expect(rs.provenance.options.nirBias).toBeUndefined();
    expect(rc.provenance.options.nirBias).toBe("compartment");

    // source: one drive projection from __nir_bias, one op per synapse per bias spike (10,752 in the audit).
    const bias = rd.perProjection.filter((p) => p.pre === "__nir_bias");
    expect(bias).toHaveLength(1);
    const biasSpikes = rd.perPopulation.find((p) => p.name === "__nir_bias")!.spikes;
    expect(bias[0].synOps).toBe(bias[0].synapses * biasSpikes);
    expect(bias[0].synOps).toBe(10_752);
    const sop = rd.costs.find((k) => k.key === "energySynOpPj")!.value;
    const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
    const line = d.stdout.split("\n").find((l) => l.startsWith("constant drives:"));
    expect(line, d.stdout).toBeDefined();
    expect(line).toContain(`10,752 of ${rd.totals.counters.synOps.toLocaleString("en-US")} synaptic ops (${pct(bias[0].synOps / rd.totals.counters.synOps)})`);
    expect(line).toContain(`(${pct((bias[0].synOps * sop) / rd.totals.energyPj.dynamic)})`);
    expect(line).toContain("--nir-bias compartment");
    const md = await cli("report", join(root, "default", "report.json"), "--format", "md");
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/Constant drives \(\\_\\_nir\\_bias->1\): 10752 of \d+ synaptic ops/);

    // compartment: no helper neuron, no drive synapses, no drive line; warned on stderr and in the report.
    expect(rc.perProjection.some((p) => p.pre.startsWith("__"))).toBe(false);
    expect(rc.perPopulation.some((p) => p.name.startsWith("__"))).toBe(false);
    expect(c.stdout).not.toMatch(/constant drives:/);
    expect(c.stderr).toMatch(/W_NIR_NEEDS_START_TICK/);
    expect(rc.nir.warnings.some((w) => w.startsWith("W_NIR_NEEDS_START_TICK"))).toBe(true);
    // The input's projection is untouched (same input spikes); the synaptic ops fall by the drive's ops, less
    // what the hidden layer's changed spikes (bias acting before its latency tick) add or remove downstream.
    const ops = (r: Rep, name: string): number => r.perProjection.find((p) => p.name === name)!.synOps;
    expect(ops(rc, "input->1")).toBe(ops(rd, "input->1"));
    expect(rd.totals.counters.synOps - rc.totals.counters.synOps).toBe(bias[0].synOps + ops(rd, "1->5") - ops(rc, "1->5"));

    // rerun repeats the recorded --nir-bias.
    const re = await cli("rerun", join(root, "compartment", "report.json"), "--out", join(root, "compartment-re"), "--quiet");
    expect(re.code, re.stderr).toBe(0);
    expect(read(join(root, "compartment-re")).totals).toEqual(rc.totals);
  }, 180_000);

  it("--nir-bias is refused on a JSON model (it sets how a NIR graph is read)", async () => {
    const r = await cli("run", "examples/learning/stdp-pair.model.json", "--arch", "loihi", "--nir-bias", "compartment", "--out", join(root, "json"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--nir-bias does not apply to JSON models/);
  });
});
