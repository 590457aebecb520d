/**
 * The parts' outboxes (chip/sim/threads/outbox.ts): each part's source records are, per own neuron, the
 * records every part keeps for that neuron's spikes (segments.ts), tagged with the part; the boxes hold a
 * source's records for a target. Runs through the boxes are compared with one thread in fused.test.ts and
 * threads.test.ts.
 */
import { describe, expect, it } from "vitest";
import { loadJsonModel } from "../../../../compiler/frontends/load-model.ts";
import { compileModel } from "../../../../compiler/compile.ts";
import { buildSimState } from "../../../../chip/sim/state.ts";
import { heapArrays } from "../../../../chip/sim/alloc.ts";
import { partitionCores } from "../../../../chip/sim/threads/partition.ts";
import { buildSpikeRecords, REC_WORDS } from "../../../../chip/sim/threads/segments.ts";
import { buildOutboxes, OUTBOX_HEADER_WORDS } from "../../../../chip/sim/threads/outbox.ts";
import { genericWith } from "../../../helpers/specs.ts";

describe("buildOutboxes", () => {
  const model = loadJsonModel("examples/demo/ei-small.net.json");
  const spec = genericWith({ maxNeurons: 17 });
  const { program } = compileModel(model.graph, spec, { placement: "random", seed: 5 });
  const st = buildSimState(spec, program);

  it("gives each part, per own neuron, every part's records of that neuron in part order, tagged delay | part << 16", () => {
    for (const threads of [2, 3, 4]) {
      const bounds = partitionCores(st, threads);
      const P = bounds.length - 1;
      const starts = Array.from(bounds, (c) => st.coreNeuronStart[c]);
      const records = Array.from({ length: P }, (_, q) => buildSpikeRecords(st, starts[q], starts[q + 1]));
      const boxes = buildOutboxes(st, starts, records, heapArrays);
      expect(boxes.sources.length).toBe(P);
      let tagged = 0;
      for (let p = 0; p < P; p++) {
        const { recStart: start, rec } = boxes.sources[p];
        expect(start.length).toBe(starts[p + 1] - starts[p] + 1);
        for (let n = starts[p]; n < starts[p + 1]; n++) {
          const want: number[] = [];
          for (let q = 0; q < P; q++) {
            const r = records[q];
            for (let j = r.recStart[n]; j < r.recStart[n + 1]; j++) {
              const i = REC_WORDS * j;
              want.push(r.rec[i] | (q << 16), r.rec[i + 1], r.rec[i + 2], r.rec[i + 3]);
              if (q > 0) tagged++;
            }
          }
          const i = n - starts[p];
          expect(Array.from(rec.subarray(REC_WORDS * start[i], REC_WORDS * start[i + 1])), `neuron ${n}, ${threads} threads`).toEqual(want);
        }
      }
      expect(tagged, "some records go to parts other than 0").toBeGreaterThan(0);
    }
  });

  it("makes two boxes (tick parities) per source and target, each with room for the source's records of the target", () => {
    const bounds = partitionCores(st, 3);
    const P = bounds.length - 1;
    const starts = Array.from(bounds, (c) => st.coreNeuronStart[c]);
    const records = Array.from({ length: P }, (_, q) => buildSpikeRecords(st, starts[q], starts[q + 1]));
    const a = heapArrays;
    // heapArrays' arrays each start at byte 0 of their own buffer: record the boxes as they are made.
    const made: Int32Array[] = [];
    const boxes = buildOutboxes(st, starts, records, { ...a, i32: (n) => { const x = a.i32(n); made.push(x); return x; } });
    expect(boxes.table.length).toBe(2 * P * P);
    // The source record arrays come first per part (one i32 array each), then its 2P boxes.
    let m = 0;
    for (let p = 0; p < P; p++) {
      m++;
      for (let q = 0; q < P; q++) {
        const have = records[q].recStart[starts[p + 1]] - records[q].recStart[starts[p]];
        for (let parity = 0; parity < 2; parity++) {
          const box = made[m++];
          expect(box[2], `box ${p}→${q}`).toBe(REC_WORDS * Math.max(1, Math.min(16384, have)));
          expect(box.length).toBe(OUTBOX_HEADER_WORDS + box[2]);
        }
      }
    }
    expect(m).toBe(made.length);
  });
});
