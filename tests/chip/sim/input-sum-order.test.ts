/**
 * The order in which a tick's synaptic input I is summed (docs/model-format.md, "Per tick"; audit s23d #3):
 * by the tick the spike was emitted (older first), then in the order the sources fired, then synapse
 * order — not the projection order of the model file (snnref-1 P2's). Float addition is not associative,
 * so the two orders can differ in the last bits; this pins the documented one.
 *
 * The audit's order_min model: readout r; a_r (first in the file) 0.1 from a spike at tick 1 over delay 1;
 * b_r 0.2 and 0.3 from two spikes at tick 0 over delay 2. All three arrive at tick 2.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { genericWith } from "../../helpers/specs.ts";

const MODEL = {
  format: "aerchip-model-1", name: "sum-order", steps: 3,
  populations: [
    { name: "a", kind: "input", size: 1, spikes: [[1, 0]] },
    { name: "b", kind: "input", size: 2, spikes: [[0, 0], [0, 1]] },
    { name: "r", kind: "neuron", size: 1, spiking: false },
  ],
  projections: [
    { name: "a_r", pre: "a", post: "r", dense: { weights: [[0.1]], delays: 1 } },
    { name: "b_r", pre: "b", post: "r", dense: { weights: [[0.2], [0.3]], delays: 2 } },
  ],
};

describe("the synaptic input's summation order", () => {
  it("adds the older emission tick's events first: (0.2 + 0.3) + 0.1, not the file order (0.1 + 0.2) + 0.3", () => {
    const spec = genericWith();
    const model = parseAerchipModel(MODEL as unknown as Json, "order_min.json");
    const { program } = compileModel(model.graph, spec, {});
    const sim = simulate(spec, program, model.stimulus, { steps: 3, recordVoltages: ["r"] });
    const v = Array.from(sim.voltages.get("r")!);
    const emissionOrder = 0 + 0.2 + 0.3 + 0.1;
    const fileOrder = 0 + 0.1 + 0.2 + 0.3;
    expect(emissionOrder).not.toBe(fileOrder); // the two orders do differ in binary64
    expect(v).toEqual([0, 0, emissionOrder]);
  });
});
