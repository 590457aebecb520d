/**
 * The constant drives' share of a NIR run (chip/report/nir-bias-drive.ts):
 *  - compute-in-memory chips (audit s23x #5): their synapse energy is crossbar reads, not energySynOpPj, so the
 *    share was a precise "0 pJ … (0.0 %)"; it is null there, and the summaries say it is not modelled;
 *  - chips billing connected synapses (audit s23y #6e, TrueNorth): the drive's energy bills its projections'
 *    events on non-zero weights (perProjection[].connectedSynOps), as the synapse energy does, not every entry.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nirBiasDrive } from "../../../chip/report/nir-bias-drive.ts";
import type { RunReport } from "../../../chip/report/run-report.ts";
import { nirBiasDriveLine } from "../../../cli/commands/run.ts";
import { cli } from "../../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../helpers/shared.ts";

/**
 * A report with one model projection in → A and one drive projection __nir_bias → A: the drive makes `driveOps`
 * synaptic ops, `driveConnected` of them on non-zero weights; `extra` sets the totals' billing fields.
 */
function report(o: { driveOps: number; driveConnected?: number; modelOps: number; synOpPj?: number; dynamicPj: number; totals?: Record<string, unknown> }): RunReport {
  const proj = (name: string, pre: string, synOps: number, connectedSynOps?: number) => ({
    name, pre, post: "A", synapses: 2, synOps, ...(connectedSynOps === undefined ? {} : { connectedSynOps }), synapticEventsDelivered: synOps,
  });
  return {
    provenance: { options: {} },
    costs: o.synOpPj === undefined ? [] : [{ key: "energySynOpPj", value: o.synOpPj, unit: "pJ", source: "t", evidence: "t" }],
    totals: {
      counters: { synOps: o.driveOps + o.modelOps, weightReadBits: 0 },
      energyPj: { dynamic: o.dynamicPj, synapse: o.dynamicPj, neuron: 0, network: 0, learning: 0, static: 0, total: o.dynamicPj },
      ...o.totals,
    },
    perProjection: [proj("in->A", "in", o.modelOps, o.modelOps), proj("__nir_bias->A", "__nir_bias", o.driveOps, o.driveConnected)],
    nir: {
      projections: [
        { projection: "in->A", pre: "in", post: "A", via: ["fc"], modelWeights: 2, synapses: 2, encoding: "sparse" },
        { projection: "__nir_bias->A", pre: "__nir_bias", post: "A", via: [], modelWeights: 0, synapses: 2, encoding: "sparse" },
      ],
    },
  } as unknown as RunReport;
}

describe("nirBiasDrive: energy share by what the chip bills", () => {
  it("connected billing: the drive's energy is its connected events × energySynOpPj (6 × 26 pJ), not every entry (10 × 26 pJ)", () => {
    // Synapse energy = (model 20 + drive 6) connected events × 26 pJ = 676 pJ.
    const d = nirBiasDrive(report({ driveOps: 10, driveConnected: 6, modelOps: 20, synOpPj: 26, dynamicPj: 26 * 26, totals: { synOpsBilledOn: "connected" } }))!;
    expect(d.synOps).toBe(10);
    expect(d.synOpsShare).toBeCloseTo(10 / 30, 12);
    expect(d.energyPj).toBe(6 * 26);
    expect(d.dynamicEnergyShare).toBeCloseTo(6 / 26, 12);
    expect(d.energyNotModelled).toBeUndefined();
  });

  it("entries billing (no synOpsBilledOn): every entry, as before", () => {
    const d = nirBiasDrive(report({ driveOps: 10, driveConnected: 6, modelOps: 20, synOpPj: 26, dynamicPj: 30 * 26 }))!;
    expect(d.energyPj).toBe(10 * 26);
  });

  it("connected billing without per-projection connected counts (an older report.json): no energy share rather than one on every entry", () => {
    const r = report({ driveOps: 10, modelOps: 20, synOpPj: 26, dynamicPj: 26 * 26, totals: { synOpsBilledOn: "connected" } });
    const d = nirBiasDrive(r)!;
    expect(d.energyPj).toBeNull();
    expect(d.dynamicEnergyShare).toBeNull();
    expect(d.energyNotModelled).toBe("no-connected-counts");
    expect(nirBiasDriveLine(r)).toMatch(/share of the dynamic energy is not known/);
  });

  it("compute-in-memory (totals.crossbar): energy share null and said not modelled, never a precise 0 %", () => {
    const r = report({ driveOps: 10, modelOps: 20, dynamicPj: 5000, totals: { crossbar: { reads: 4, activeRows: 9, conversions: 40, energyPj: 5000 } } });
    const d = nirBiasDrive(r)!;
    expect(d.synOps).toBe(10);
    expect(d.energyPj).toBeNull();
    expect(d.dynamicEnergyShare).toBeNull();
    expect(d.energyNotModelled).toBe("compute-in-memory");
    const line = nirBiasDriveLine(r);
    expect(line).toMatch(/^constant drives: 10 of 30 synaptic ops \(33\.3 %\) are /);
    expect(line).toMatch(/not modelled on compute-in-memory chips/);
    expect(line).not.toMatch(/0\.0 %|0 pJ/);
  });

  it("counts-only: no energy and no not-modelled reason (nothing of energy is reported)", () => {
    const r = report({ driveOps: 10, modelOps: 20, dynamicPj: 0, totals: { crossbar: { reads: 4, activeRows: 9, conversions: 40, energyPj: 0 } } });
    const d = nirBiasDrive({ ...r, provenance: { ...r.provenance, options: { costs: "counts" } } } as RunReport)!;
    expect(d.energyPj).toBeNull();
    expect(d.energyNotModelled).toBeUndefined();
  });
});

describe.skipIf(!HAS_SHARED)(`constant drives of snntorch_dense_lif on cim-crossbar and truenorth ${SKIP_MSG}`, () => {
  const nir = sharedPath("fixtures/nir/snntorch/snntorch_dense_lif.nir");
  const input = sharedPath("fixtures/nir/snntorch/snntorch_dense_lif.input.npy");
  const root = mkdtempSync(join(tmpdir(), "aerchip-nir-drive-"));

  it("cim-crossbar: the summary line and report.md say the energy share is not modelled (was \"0 pJ … (0.0 %)\")", async () => {
    const out = join(root, "cim");
    const r = await cli("run", nir, "--arch", "cim-crossbar", "--input", input, "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const line = r.stdout.split("\n").find((l) => l.startsWith("constant drives:"))!;
    expect(line).toMatch(/not modelled on compute-in-memory chips/);
    expect(line).not.toMatch(/dynamic energy \(/);
    const rep = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;
    expect(rep.totals.crossbar!.energyPj).toBeGreaterThan(0);
    const md = await cli("report", join(out, "report.json"), "--format", "md");
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toMatch(/not modelled on compute-in-memory chips/);
  });

  it("truenorth: report.json has each projection's connected events (Σ = connectedSynOpsByEncoding) and the drive bills its own", async () => {
    const out = join(root, "tn");
    const r = await cli("run", nir, "--arch", "truenorth", "--input", input, "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;
    expect(rep.totals.synOpsBilledOn).toBe("connected");
    const connected = rep.perProjection.map((p) => p.connectedSynOps!);
    expect(connected.every((n) => Number.isFinite(n))).toBe(true);
    const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    expect(sum(connected)).toBe(sum(Object.values(rep.totals.connectedSynOpsByEncoding!)));
    const sop = rep.costs.find((c) => c.key === "energySynOpPj")!.value;
    const d = nirBiasDrive(rep)!;
    const drive = rep.perProjection.filter((p) => d.projections.includes(p.name));
    expect(sum(drive.map((p) => p.connectedSynOps!))).toBeGreaterThan(0);
    expect(d.energyPj).toBeCloseTo(sum(drive.map((p) => p.connectedSynOps!)) * sop, 6);
    // Truenorth keeps one delay per neuron output (audit s25a #4): the layers' biases (delays 1 and 2) come from two
    // sources, and the drive counts both, as it counted __nir_bias's two projections on chips with per-synapse delays.
    expect(d.projections).toEqual(["__nir_bias->1", "__nir_bias_delay_2->3"]);
    // The same drive ops as on generic, whose one __nir_bias sends with both delays.
    const g = await cli("run", nir, "--arch", "generic", "--input", input, "--out", join(root, "generic"), "--quiet");
    expect(g.code, g.stderr).toBe(0);
    const generic = nirBiasDrive(JSON.parse(readFileSync(join(root, "generic", "report.json"), "utf8")) as RunReport)!;
    expect(generic.projections).toEqual(["__nir_bias->1", "__nir_bias->3"]);
    expect(d.synOps).toBe(generic.synOps);
  });
});
