/**
 * Partitioning cores over threads (chip/sim/threads/partition.ts) and each thread's share of the spikes'
 * synapses (segments.ts): pure functions, no worker needed.
 */
import { describe, expect, it } from "vitest";
import { loadJsonModel } from "../../../../compiler/frontends/load-model.ts";
import { compileModel } from "../../../../compiler/compile.ts";
import { buildSimState, synapseTarget, type SimState } from "../../../../chip/sim/state.ts";
import { NeuronKind } from "../../../../chip/program/types.ts";
import { partitionCores, SYNAPSE_WEIGHT } from "../../../../chip/sim/threads/partition.ts";
import { buildPartRecords, buildSpikeRecords, REC_WORDS } from "../../../../chip/sim/threads/segments.ts";
import { genericWith } from "../../../helpers/specs.ts";

const DEMO = "examples/demo/ei-small.net.json";

function demoState(maxNeurons: number, layout?: "wide" | "flat32" | "offset16"): SimState {
  const model = loadJsonModel(DEMO);
  const spec = genericWith({ maxNeurons });
  const { program } = compileModel(model.graph, spec, { placement: "random", seed: 5 });
  return buildSimState(spec, program, layout === undefined ? {} : { layout });
}

describe("partitionCores", () => {
  const st = demoState(17);

  it("gives contiguous, non-empty core ranges covering every core, at most one part per core", () => {
    for (const threads of [1, 2, 3, 4, 7, st.coreCount, st.coreCount + 5]) {
      const b = partitionCores(st, threads);
      const P = b.length - 1;
      expect(P).toBe(Math.min(threads, st.coreCount));
      expect(b[0]).toBe(0);
      expect(b[P]).toBe(st.coreCount);
      for (let p = 0; p < P; p++) expect(b[p + 1], `part ${p} of ${threads}`).toBeGreaterThan(b[p]);
    }
  });

  it("balances non-input neurons plus weighted incoming synapses: no part holds more than an equal share plus its largest core", () => {
    const C = st.coreCount;
    const work = new Float64Array(C);
    for (let n = 0; n < st.neuronCount; n++) if (st.kind[n] !== NeuronKind.input) work[st.coreOfNeuron[n]] += 1;
    for (let r = 0; r < st.routeDestCore.length; r++) work[st.routeDestCore[r]] += SYNAPSE_WEIGHT * st.routeSynapses[r];
    const total = work.reduce((a, b) => a + b, 0);
    const biggest = Math.max(...work);
    for (const threads of [2, 3, 4]) {
      const b = partitionCores(st, threads);
      for (let p = 0; p < threads; p++) {
        let w = 0;
        for (let c = b[p]; c < b[p + 1]; c++) w += work[c];
        expect(w, `part ${p} of ${threads}`).toBeLessThanOrEqual(total / threads + biggest);
      }
    }
  });

  it("gives part 0 a smaller share when asked (the main thread also counts and times each tick)", () => {
    const even = partitionCores(st, 2, 1);
    const small = partitionCores(st, 2, 0.5);
    expect(small[1]).toBeLessThan(even[1]);
  });
});

describe("buildSpikeRecords: each thread's share of every spike's synapses", () => {
  for (const layout of ["offset16", "flat32", "wide"] as const) {
    it(`covers every synapse exactly once, in each neuron's synapse order, over the parts (${layout})`, () => {
      const st = demoState(23, layout);
      const b = partitionCores(st, 3);
      const owner = (n: number): number => { let p = 0; while (st.coreNeuronStart[b[p + 1]] <= n) p++; return p; };
      const parts = [0, 1, 2].map((p) => buildSpikeRecords(st, st.coreNeuronStart[b[p]], st.coreNeuronStart[b[p + 1]]));
      // One pass for all parts (as a team builds them) gives each part's records; a part left out gets none.
      const neuronBounds = Uint32Array.from(b, (c) => st.coreNeuronStart[c]);
      const all = buildPartRecords(st, neuronBounds, [true, true, true]);
      all.forEach((r, p) => {
        expect(Array.from(r!.recStart), `part ${p} recStart`).toEqual(Array.from(parts[p].recStart));
        expect(Array.from(r!.rec), `part ${p} rec`).toEqual(Array.from(parts[p].rec));
      });
      const some = buildPartRecords(st, neuronBounds, [true, false, true]);
      expect(some[1]).toBeUndefined();
      expect(Array.from(some[2]!.rec)).toEqual(Array.from(parts[2].rec));
      for (let n = 0; n < st.neuronCount; n++) {
        const g0 = st.neuronGroupStart[n];
        const g1 = st.neuronGroupStart[n + 1];
        const s0 = st.groupSynStart[g0];
        const s1 = st.groupSynStart[g1];
        const seen = new Uint8Array(s1 - s0);
        parts.forEach((r, p) => {
          let last = -1;
          let lastGroup = -1;
          for (let k = r.recStart[n]; k < r.recStart[n + 1]; k++) {
            const [delay, lo, hi, base] = r.rec.subarray(REC_WORDS * k, REC_WORDS * (k + 1));
            expect(lo).toBeGreaterThan(last - 1);
            expect(hi).toBeGreaterThan(lo);
            // One group per record, with that group's delay; the base its bucket record carries.
            let g = g0;
            while (st.groupSynStart[g + 1] <= (lo & 0x7fffffff)) g++;
            // Runs are maximal: a record never starts where the previous one of its group ended.
            expect(g === lastGroup && (lo & 0x7fffffff) === last, `neuron ${n}: records split a run`).toBe(false);
            last = hi;
            lastGroup = g;
            expect(hi).toBeLessThanOrEqual(st.groupSynStart[g + 1]);
            expect(delay).toBe(st.groupDelay[g]);
            expect(base).toBe(layout === "offset16" ? st.synapses.neuronBase[n] : 0);
            for (let s = lo; s < hi; s++) {
              expect(owner(synapseTarget(st, n, s))).toBe(p);
              seen[s - s0]++;
            }
          }
        });
        for (let i = 0; i < seen.length; i++) expect(seen[i], `neuron ${n} synapse ${s0 + i}`).toBe(1);
      }
    });
  }
});
