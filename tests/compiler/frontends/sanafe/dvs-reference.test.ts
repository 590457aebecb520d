/**
 * Acceptance (issue 4): SANA-FE's reference run, loihi.yaml + dvs.yaml for 1000 steps, reproduced by
 * the SANA-FE front end + the reference stepper + both timing models. Expected values are SANA-FE
 * v2.2.1's own output (../shared/docs/sanafe-notes.md). Takes ~10 s.
 */
import { describe, expect, it } from "vitest";
import { loadSanafe } from "../../../../compiler/frontends/sanafe/index.ts";
import { TickWork } from "../../../../chip/timing/types.ts";
import { simpleTickLatencyNs } from "../../../../chip/timing/simple.ts";
import { createDetailedTiming } from "../../../../chip/timing/detailed.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../../helpers/shared.ts";
import { runSanafeReference } from "./reference-step.ts";

describe.skipIf(!HAS_SHARED)(`SANA-FE reference run: loihi.yaml + dvs.yaml, 1000 steps ${SKIP_MSG}`, () => {
  it("reproduces the five counters exactly, the energy within 0.1% and both simulated times", () => {
    const m = loadSanafe(sharedPath("fixtures/sanafe/dvs.yaml"), sharedPath("fixtures/sanafe/loihi.yaml"));
    expect(m.graph.populations.reduce((s, p) => s + p.size, 0)).toBe(18678);
    expect(m.graph.projections.reduce((s, p) => s + p.preIndex.length, 0)).toBe(3564441);
    const spec = m.arch.spec;
    const encodings = [...new Set(m.graph.projections.map((p) => p.encoding))].sort();
    const work = new TickWork(spec, m.placement.coresUsed, encodings);
    const detailed = createDetailedTiming();
    let simpleNs = 0;
    let detailedNs = 0;
    const r = runSanafeReference(m, 1000, {
      work,
      onTick: (_t, w) => {
        simpleNs += simpleTickLatencyNs(w, spec);
        detailedNs += detailed.tickLatencyNs(w, spec);
      },
    });
    expect(r.synapticEvents).toBe(51_366_924);
    expect(r.packets).toBe(3_724_738);
    expect(r.hops).toBe(8_851_223);
    expect(r.neuronUpdates).toBe(15_552_561);
    expect(r.neuronsFired).toBe(364_088);

    // Energy = counters × the costs read from loihi.yaml (pJ → mJ).
    const c = spec.costs;
    const val = (x: { value: number } | undefined): number => x?.value ?? NaN;
    let synapsePj = 0;
    for (const [enc, n] of r.synapticEventsByEncoding) synapsePj += n * val(c.synapseEncodings?.[enc]?.energySynOpPj);
    const somaPj = r.lifAccesses * val(c.energyNeuronAccessPj) + r.lifUpdates * val(c.energyNeuronUpdatePj) + r.lifFired * val(c.energySpikeOutPj);
    const networkPj = r.packets * (val(c.energyPacketOutPj) + val(c.energyPacketInPj)) +
      (r.hopsEast + r.hopsWest) * val(c.energyHopEastWestPj) + (r.hopsNorth + r.hopsSouth) * val(c.energyHopNorthSouthPj);
    const mJ = (pj: number): number => pj * 1e-9;
    const within = (got: number, want: number, rel: number): void => expect(Math.abs(got - want) / want).toBeLessThan(rel);
    within(mJ(synapsePj), 1.2391, 1e-3);
    within(mJ(somaPj), 1.31748, 1e-3);
    within(mJ(networkPj), 0.446562, 1e-3);
    within(mJ(synapsePj + somaPj + networkPj), 3.003142, 1e-3);

    // Simulated time: SANA-FE gives 16.647 ms (simple) and 18.938 ms (detailed).
    within(simpleNs * 1e-6, 16.647, 0.05);
    within(detailedNs * 1e-6, 18.938, 0.1);
    // Tighter than the acceptance bounds, to catch drift in the models.
    within(simpleNs * 1e-6, 16.647, 1e-3);
    within(detailedNs * 1e-6, 18.938, 5e-3);
  }, 180_000);
});
