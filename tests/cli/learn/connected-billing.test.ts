/**
 * `learn` (Diehl & Cook) on a chip spec billing energySynOpPj on connected synapses (synOpsBilledOn "connected",
 * a user spec: no preset with that basis learns): it billed every synapse entry, as if the basis were "entries".
 * It now bills the events on non-zero weights, as `run`'s report does (cli/learn/accumulate.ts). With 3-bit weights
 * some input → exc weights are 0 (rounded or depressed to wMin 0), so input spikes read zero-weight entries: with the
 * same seed the spikes and ops are the chip's either way (the basis changes no dynamics), and the energies differ by exactly
 *   (synOps − connectedSynOps) · energySynOpPj   per training sample (loihi: one energySynOpPj for every encoding).
 */
import { describe, expect, it } from "vitest";
import { loadPreset } from "../../../chip/spec/load.ts";
import type { ChipSpec } from "../../../chip/spec/types.ts";
import { loadMnistSplit } from "../../../cli/learn/mnist-data.ts";
import { trainDiehlCook } from "../../../cli/learn/diehl-cook.ts";

describe("Diehl & Cook on a spec billing connected synapses", () => {
  it("bills the events on non-zero weights, (synOps − connected) × energySynOpPj less than on entries, spikes unchanged", () => {
    const loihi = loadPreset("loihi");
    expect(loihi.synOpsBilledOn).toBeUndefined();
    expect(loihi.costs.synapseEncodings).toBeUndefined();
    const connected: ChipSpec = { ...loihi, name: "loihi-connected", synOpsBilledOn: "connected" };
    const data = loadMnistSplit(12, 6, 1);
    const opts = { neurons: 4, seed: 3, labelSamples: 12, weightBits: 3 };
    const a = trainDiehlCook(loihi, data, opts);
    const b = trainDiehlCook(connected, data, opts);
    expect(b.opsPerTrainSample.synOps).toBe(a.opsPerTrainSample.synOps);
    expect(b.opsPerTrainSample.spikes).toBe(a.opsPerTrainSample.spikes);
    expect(a.opsPerTrainSample.connectedSynOps).toBeUndefined();
    const conn = b.opsPerTrainSample.connectedSynOps!;
    expect(conn).toBeGreaterThan(0);
    expect(conn).toBeLessThan(b.opsPerTrainSample.synOps);
    const sop = loihi.costs.energySynOpPj!.value;
    expect(a.energyPerTrainSamplePj - b.energyPerTrainSamplePj).toBeCloseTo((b.opsPerTrainSample.synOps - conn) * sop, 6);
    // The frozen test bills connected events too.
    expect(b.energyPerInferencePj).toBeLessThan(a.energyPerInferencePj);
    expect(b.learningEnergyPerTrainSamplePj).toBe(a.learningEnergyPerTrainSamplePj);
  }, 60_000);
});
