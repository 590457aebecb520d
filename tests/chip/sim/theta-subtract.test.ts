/**
 * A subtractive reset with an adaptive threshold removes the threshold the spike crossed, θ included
 * (audit s23d #2; docs/model-format.md `reset`, docs/learning.md §6):
 *
 *   fire iff v ≥ vThreshold + θ;  then v ← v − (vThreshold + θ);  then θ ← θ + thetaPlus
 *
 * The audit's theta_min model: in → out, weight 2, delay 1, input spikes at ticks 0, 1, 3 (arrivals 1, 2, 4),
 * vThreshold 1, thetaPlus 0.5, reset subtract. The expected trajectory comes from the loop below, written
 * from the equation; subtracting vThreshold alone would fire at 1, 2, 3, 4.
 */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { genericWith } from "../../helpers/specs.ts";

const STEPS = 5;
const ARRIVALS = [1, 2, 4];
const W = 2;
const V_TH = 1;
const THETA_PLUS = 0.5;

const MODEL = {
  format: "aerchip-model-1", name: "theta-subtract", steps: STEPS,
  populations: [
    { name: "in", kind: "input", size: 1, spikes: ARRIVALS.map((t) => [t - 1, 0]) },
    { name: "out", kind: "neuron", size: 1, vThreshold: V_TH, reset: "subtract", thetaPlus: THETA_PLUS },
  ],
  projections: [{ name: "in_out", pre: "in", post: "out", dense: { weights: [[W]], delays: 1 } }],
};

/** The documented rule, one neuron (voltageDecay 1, currentDecay 0, thetaDecay 1); `subtractTheta` false: v − vThreshold. */
function reference(subtractTheta: boolean): { spikes: number[]; v: number[] } {
  let v = 0;
  let theta = 0;
  const spikes: number[] = [];
  const vs: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    v += ARRIVALS.includes(t) ? W : 0;
    const th = V_TH + theta;
    if (v >= th) {
      v -= subtractTheta ? th : V_TH;
      theta += THETA_PLUS;
      spikes.push(t);
    }
    vs.push(v);
  }
  return { spikes, v: vs };
}

describe("reset subtract with an adaptive threshold", () => {
  it("subtracts vThreshold + θ (θ before the spike's increment): spikes at 1, 2, 4", () => {
    const spec = genericWith();
    const model = parseAerchipModel(MODEL as unknown as Json, "theta_min.json");
    const { program } = compileModel(model.graph, spec, {});
    const sim = simulate(spec, program, model.stimulus, { steps: STEPS, recordVoltages: ["out"] });
    const ref = reference(true);
    expect(ref.spikes).toEqual([1, 2, 4]);
    expect(reference(false).spikes).toEqual([1, 2, 3, 4]);
    expect(Array.from(sim.spikes.get("out")!.tick)).toEqual(ref.spikes);
    expect(Array.from(sim.voltages.get("out")!)).toEqual(ref.v);
  });
});
