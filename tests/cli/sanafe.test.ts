/**
 * SANA-FE's reference run reproduced on aerchip's chip simulator (docs/sanafe.md §9): loihi.yaml +
 * dvs.yaml, 1000 steps, SANA-FE's own mapping. Published numbers: docs/sanafe-notes.md (../shared).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-sanafe-"));

describe.skipIf(!HAS_SHARED)(`SANA-FE reference run on the chip simulator ${SKIP_MSG}`, () => {
  const net = sharedPath("fixtures/sanafe/dvs.yaml");
  const arch = sharedPath("fixtures/sanafe/loihi.yaml");

  it("simple timing: five counters exact, energy within 0.1%, time within 5% of 16.647 ms", async () => {
    const out = tmp();
    const r = await cli("run", net, "--arch", arch, "--steps", "1000", "--timing", "simple", "--out", out, "--quiet");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const rep = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(rep.totals.sanafe).toEqual({ synapticEvents: 51_366_924, packets: 3_724_738, hops: 8_851_223, neuronUpdates: 15_552_561, neuronsFired: 364_088 });
    const e = rep.totals.energyPj;
    const mj = (pj: number): number => pj / 1e9;
    expect(Math.abs(mj(e.total) - 3.003142) / 3.003142).toBeLessThan(1e-3);
    expect(Math.abs(mj(e.synapse) - 1.2391) / 1.2391).toBeLessThan(1e-3);
    expect(Math.abs(mj(e.neuron) - 1.31748) / 1.31748).toBeLessThan(1e-3);
    expect(Math.abs(mj(e.network) - 0.446562) / 0.446562).toBeLessThan(1e-3);
    expect(e.static).toBe(0);
    expect(Math.abs(rep.totals.simulatedTimeNs / 1e6 - 16.647) / 16.647).toBeLessThan(0.05);
  }, 180_000);

  it("detailed timing: the same counters, time within 10% of 18.938 ms", async () => {
    const out = tmp();
    const r = await cli("run", net, "--arch", arch, "--steps", "1000", "--timing", "detailed", "--out", out, "--quiet");
    expect(r.code).toBe(0);
    const rep = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(rep.totals.sanafe.synapticEvents).toBe(51_366_924);
    expect(rep.totals.sanafe.neuronsFired).toBe(364_088);
    expect(Math.abs(rep.totals.simulatedTimeNs / 1e6 - 18.938) / 18.938).toBeLessThan(0.1);
    // The two models bracket differently: detailed includes network congestion, so it is slower here.
    expect(rep.totals.simulatedTimeNs).toBeGreaterThan(16.647e6);
  }, 180_000);

  it("--remap onto the loihi preset: fits its 128 cores, same spikes, compared side by side with the hand mapping", async () => {
    const out = tmp();
    const r = await cli("run", net, "--arch", "loihi", "--remap", "--steps", "200", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/mapping comparison/);
    expect(r.stdout).toMatch(/hand mapping \(loihi_chip\)/);
    const remap = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    const hand = JSON.parse(readFileSync(join(out, "hand-mapping-report.json"), "utf8"));
    expect(remap.chip.coresUsed).toBeLessThanOrEqual(128);
    const mapping = JSON.parse(readFileSync(join(out, "mapping.json"), "utf8"));
    for (const c of mapping.cores) for (const u of Object.values(c.utilisation) as number[]) expect(u).toBeLessThanOrEqual(1);
    // Mapping never changes behaviour: same spikes, same synaptic events; traffic differs.
    expect(remap.totals.sanafe.neuronsFired).toBe(hand.totals.sanafe.neuronsFired);
    expect(remap.totals.sanafe.synapticEvents).toBe(hand.totals.sanafe.synapticEvents);
    expect(remap.totals.sanafe.hops).not.toBe(hand.totals.sanafe.hops);
  }, 180_000);
});
