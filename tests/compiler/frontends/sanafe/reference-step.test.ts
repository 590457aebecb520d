import { describe, expect, it } from "vitest";
import { parseSanafeArch } from "../../../../compiler/frontends/sanafe/arch.ts";
import { loadSanafe, type SanafeModel } from "../../../../compiler/frontends/sanafe/index.ts";
import { parseSanafeNetwork } from "../../../../compiler/frontends/sanafe/snn-parse.ts";
import { lowerSanafeNetwork } from "../../../../compiler/frontends/sanafe/snn.ts";
import { sanafeStimulus } from "../../../../compiler/frontends/sanafe/stimulus.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../../../helpers/shared.ts";
import { miniArch } from "./fixtures.ts";
import { runSanafeReference } from "./reference-step.ts";

function inlineModel(net: string): SanafeModel {
  const arch = parseSanafeArch(miniArch(), "mini.yaml");
  const network = parseSanafeNetwork(net, "net.yaml");
  const lowered = lowerSanafeNetwork(network, arch);
  return { ...lowered, arch, network, stimulus: (steps: number) => sanafeStimulus(lowered.inputUnits, steps) };
}

describe("reference stepper: SANA-FE per-step semantics on hand-computed ticks", () => {
  it("applies leak, 1/64 truncation, next-step input, refractory and the reverse threshold", () => {
    const m = inlineModel(`network:
  groups:
    - name: src
      neurons:
        - 0: {spikes: [1, 1, 1, 1, 1, 1]}
    - name: n
      attributes: {threshold: 10.945}
      neurons:
        - 0: {leak_decay: 0.5, refractory_delay: 2}
        - 1: {reverse_threshold: -5, reverse_reset_mode: hard, reverse_reset: -1}
  edges:
    - src.0 -> n.0: {weight: 7.3}
    - src.0 -> n.1: {weight: -3}
mappings:
  - src: {core: 0.0, soma: 'inp[0]'}
  - n: {core: 1.0}
`);
    const r = runSanafeReference(m, 6);
    // n.0, step by step (input from step s arrives at step s + 1):
    //  1: idle (v = 0, no input, no bias)   2: v = 7.3
    //  3: 7.3·0.5 = 3.65 → trunc(3.65·64)/64 = 3.640625; + 7.3 = 10.940625 ≤ 10.945 (no spike: the
    //     truncation matters, 10.95 would fire)
    //  4: 5.4703125 → 5.46875; + 7.3 = 12.76875 → spike, v = 0, refractory for 2 − 1 = 1 step
    //  5: refractory, input dropped            6: v = 7.3
    // n.1: 2: −3   3: −6 < −5 → −1   4: −4   5: −7 → −1   6: −4   (never fires)
    expect(Array.from(r.finalPotential.get("n") ?? [])).toEqual([7.3, -4]);
    expect(r.lifFired).toBe(1);
    expect(r.lifUpdates).toBe(10); // steps 2–6 for both (input or v ≠ 0)
    expect(r.lifAccesses).toBe(12);
    expect(r.neuronUpdates).toBe(16); // + 6 input spikes
    expect(r.neuronsFired).toBe(7);
    // Each input spike is one packet from core 0.0 to core 1.0 (one hop east) carrying 2 synapses.
    expect([r.packets, r.synapticEvents, r.hops, r.hopsEast]).toEqual([6, 12, 6, 6]);
  });
});

describe.skipIf(!HAS_SHARED)(`reference stepper on example_snn.yaml ${SKIP_MSG}`, () => {
  it("counts SANA-FE's five counters for 4 hand-computed steps", () => {
    const m = loadSanafe(sharedPath("fixtures/sanafe/example_snn.yaml"), sharedPath("fixtures/sanafe/example_chip.yaml"));
    const r = runSanafeReference(m, 4);
    // in.1 spikes at steps 1 and 3; out.0 ← in.1 (w 1), out.1 ← in.1 (w 3), out.1 → out.1 (w −4), threshold 2.
    //  1: in.1 fires (1 update, 1 fired); 1 packet (core 0.1 → 0.0) with 2 synapses.
    //  2: out.0 v = 1, out.1 v = 3 > 2 fires → 0 (2 updates, 1 fired); out.1 → itself: 1 packet, 1 synapse.
    //  3: out.0 v = 1 (v ≠ 0: updated), out.1 v = −4 (input), in.1 fires (3 updates, 1 fired); 1 packet, 2 synapses.
    //  4: out.0 v = 2 (not > 2), out.1 v = −1 (2 updates).
    expect([r.synapticEvents, r.packets, r.hops, r.neuronUpdates, r.neuronsFired]).toEqual([5, 3, 0, 8, 3]);
    expect(Array.from(r.finalPotential.get("out") ?? [])).toEqual([2, -1]);
  });
});
