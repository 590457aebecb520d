/**
 * Cross-check: the named pair rule run by the reference `simulateSynapse` gives bit-for-bit the same
 * final weight as the chip simulator's existing pair-STDP engine (snnref-1 semantics) on random
 * spike trains, for all-to-all and nearest pairing. One plastic synapse pre → post; the post neuron
 * (decay 0, threshold 1) is driven to spike exactly one tick after a `drive` input spike, and the
 * plastic weight (bounded to [0, 0.5]) can never make it fire on its own.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../../../core/rng.ts";
import { parseSnnref } from "../../../compiler/frontends/snnref.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { pairStdp, simulateSynapse } from "../../../chip/program/named-rules.ts";
import { genericWith } from "../../helpers/specs.ts";

function randomTicks(rng: ReturnType<typeof createRng>, steps: number, p: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < steps; t++) if (rng.nextFloat() < p) out.push(t);
  return out;
}

describe("named pair rule = chip pair-STDP engine", () => {
  for (const mode of ["all_to_all", "nearest"] as const) {
    for (const seed of [1, 2, 3]) {
      it(`${mode}, seed ${seed}`, () => {
        const rng = createRng(seed);
        const steps = 60;
        const preEmit = randomTicks(rng, steps - 1, 0.3);
        const driveEmit = randomTicks(rng, steps - 1, 0.3);
        const stdp = { mode, A_plus: 0.013, A_minus: 0.011, decay_pre: 0.9, decay_post: 0.8, wmin: 0, wmax: 0.5 };
        const net = {
          format: "snnref-1", name: "one-synapse", steps,
          populations: [
            { name: "pre", kind: "input", size: 1, spikes: preEmit.map((t) => [t, 0]) },
            { name: "drive", kind: "input", size: 1, spikes: driveEmit.map((t) => [t, 0]) },
            { name: "post", kind: "lif", size: 1, decay: 0, v_th: 1, reset: "zero" },
          ],
          projections: [
            { name: "plastic", pre: "pre", post: "post", dtype: "float", dense: { weights: [[0.25]], delays: 1 }, stdp },
            { name: "drv", pre: "drive", post: "post", dtype: "float", dense: { weights: [[5]], delays: 1 } },
          ],
        };
        const model = parseSnnref(net as unknown as Json, "one-synapse.json");
        const { program } = compileModel(model.graph, genericWith());
        const res = simulate(genericWith(), program, model.stimulus, { steps });
        const postTicks = Array.from(res.spikes.get("post")?.tick ?? []);
        // The drive alone decides the post spikes: one tick after each drive emission.
        expect(postTicks).toEqual(driveEmit.map((t) => t + 1));
        const rule = pairStdp({
          aPlus: 0.013, aMinus: 0.011, preDecay: 0.9, postDecay: 0.8, wMin: 0, wMax: 0.5,
          pairing: mode === "nearest" ? "nearest" : "all-to-all",
        });
        const ref = simulateSynapse(rule, { ticks: steps, preTicks: preEmit.map((t) => t + 1), postTicks, w0: 0.25 });
        const chipW = res.finalWeights.get("plastic")?.[0];
        expect(chipW).toBeDefined();
        expect(ref.finalW).toBe(chipW);
        expect(ref.finalW).not.toBe(0.25);
      });
    }
  }
});
