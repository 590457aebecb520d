/**
 * Property: on random small networks the event-driven multi-core chip produces exactly the spikes of the
 * naive dense reference (tests/reference/dense-sim.ts), whatever the core size and placement.
 * Weights are integers and decays dyadic, so every sum is exact in float64 in any order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../compiler/compile.ts";
import { simulate } from "../../chip/sim/run.ts";
import { parseAerchipModel } from "../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../compiler/frontends/json-fields.ts";
import { runDenseReference, type RefNet } from "../reference/dense-sim.ts";
import { genericWith } from "../helpers/specs.ts";

const netArb = fc.record({
  steps: fc.integer({ min: 5, max: 40 }),
  nIn: fc.integer({ min: 1, max: 6 }),
  pops: fc.array(fc.record({
    size: fc.integer({ min: 1, max: 10 }),
    decay: fc.constantFrom(1, 0.5, 0.75, 0.875),
    vTh: fc.integer({ min: 1, max: 6 }),
    bias: fc.constantFrom(0, 0.25, 0.5, 1, -0.25),
    reset: fc.constantFrom("zero" as const, "subtract" as const),
    refractory: fc.integer({ min: 0, max: 3 }),
    thresholdGt: fc.boolean(),
  }), { minLength: 1, maxLength: 3 }),
  density: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
  seed: fc.integer({ min: 0, max: 2 ** 30 }),
  coreNeurons: fc.integer({ min: 1, max: 8 }),
  placement: fc.constantFrom("greedy" as const, "linear" as const, "random" as const),
});

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

type NetParams = typeof netArb extends fc.Arbitrary<infer T> ? T : never;

function build(p: NetParams): { ref: RefNet; json: Json } {
  const rnd = lcg(p.seed);
  const spikes: Array<[number, number]> = [];
  for (let t = 0; t < p.steps; t++) for (let i = 0; i < p.nIn; i++) if (rnd() < 0.3) spikes.push([t, i]);
  const ref: RefNet = { steps: p.steps, populations: [{ name: "in", size: p.nIn, input: true, decay: 1, vTh: 1, bias: [], reset: "zero", refractory: 0, thresholdGt: false, spikes }], projections: [] };
  p.pops.forEach((q, k) => ref.populations.push({ name: `p${k}`, size: q.size, input: false, decay: q.decay, vTh: q.vTh, bias: new Array(q.size).fill(q.bias), reset: q.reset, refractory: q.refractory, thresholdGt: q.thresholdGt }));
  for (const pre of ref.populations) {
    for (const post of ref.populations) {
      if (post.input || rnd() > 0.7) continue;
      const synapses: RefNet["projections"][number]["synapses"] = [];
      for (let i = 0; i < pre.size; i++) for (let j = 0; j < post.size; j++) {
        if (rnd() < p.density) synapses.push({ i, j, w: Math.floor(rnd() * 9) - 3, d: 1 + Math.floor(rnd() * 8) });
      }
      if (synapses.length > 0) ref.projections.push({ pre: pre.name, post: post.name, synapses });
    }
  }
  const json = {
    format: "aerchip-model-1", name: "prop", steps: p.steps,
    populations: ref.populations.map((q) => q.input
      ? { name: q.name, kind: "input", size: q.size, spikes: spikes.map(([t, i]) => [t, i]) }
      : { name: q.name, kind: "neuron", size: q.size, voltageDecay: q.decay, vThreshold: q.vTh, bias: q.bias, reset: q.reset, refractoryTicks: q.refractory, thresholdOp: q.thresholdGt ? ">" : ">=" }),
    projections: ref.projections.map((pr, k) => ({
      name: `proj${k}`, pre: pr.pre, post: pr.post,
      sparse: { pre: pr.synapses.map((s) => s.i), post: pr.synapses.map((s) => s.j), weights: pr.synapses.map((s) => s.w), delays: pr.synapses.map((s) => s.d) },
    })),
  };
  return { ref, json: json as unknown as Json };
}

describe("chip vs naive dense reference", () => {
  it("spikes are identical on random networks, core sizes and placements", () => {
    fc.assert(fc.property(netArb, (p) => {
      const { ref, json } = build(p);
      const expected = runDenseReference(ref);
      const model = parseAerchipModel(json, "prop.json");
      const spec = genericWith({ maxNeurons: p.coreNeurons, maxDelayTicks: 8 });
      const { program } = compileModel(model.graph, spec, { placement: p.placement, seed: p.seed });
      const res = simulate(spec, program, model.stimulus, { steps: p.steps });
      for (const [name, list] of expected) {
        const sp = res.spikes.get(name)!;
        expect(Array.from(sp.tick, (t, k) => [t, sp.neuron[k]]), name).toEqual(list);
      }
    }), { numRuns: 150, seed: 1234 });
  });
});
