/**
 * Each neuron's traffic per spike in one record (chip/sim/wasm/emit-record.ts), which a team's main thread
 * counts from: the record holds exactly the per-quantity arrays' values (zero for a neuron without routes),
 * and a state with a value above 16 bits gets no record (the kernel then reads the arrays). That the counts
 * themselves are unchanged is checked by tests/chip/sim/threads (every counter, 1 against 2–4 threads).
 */
import { describe, expect, it } from "vitest";
import { loadJsonModel } from "../../../../compiler/frontends/load-model.ts";
import { compileModel } from "../../../../compiler/compile.ts";
import { buildSimState, type SimState } from "../../../../chip/sim/state.ts";
import { buildEmitRecords, emitRecordsOf, EMIT_RECORD_WORDS } from "../../../../chip/sim/wasm/emit-record.ts";
import { genericWith } from "../../../helpers/specs.ts";

type Traffic = Parameters<typeof buildEmitRecords>[0];

function demoState(): SimState {
  const model = loadJsonModel("examples/demo/ei-small.net.json");
  const spec = genericWith({ maxNeurons: 19 });
  const { program } = compileModel(model.graph, spec, { placement: "random", seed: 3 });
  return buildSimState(spec, program);
}

/** One neuron (two with `second`) whose traffic is given; the rest of the fields as a state has them. */
function traffic(routes: number, synapses: number, hopsEast: number): Traffic {
  return {
    neuronCount: 2,
    routePtr: Uint32Array.of(0, routes, routes),
    neuronGroupStart: Uint32Array.of(0, 1, 1),
    groupSynStart: Uint32Array.of(0, synapses),
    neuronHopsEast: Uint32Array.of(hopsEast, 0), neuronHopsWest: Uint32Array.of(1, 0), neuronHopsNorth: Uint32Array.of(2, 0),
    neuronHopsSouth: Uint32Array.of(3, 0), neuronPacketsLocal: Uint32Array.of(4, 0), neuronPacketsInTile: Uint32Array.of(5, 0),
  };
}

describe("emission records", () => {
  it("hold each neuron's routes, hops, local and in-tile packets and synaptic ops; zero without routes", () => {
    const st = demoState();
    const rec = buildEmitRecords(st);
    expect(rec).toBeDefined();
    expect(rec!.length).toBe(EMIT_RECORD_WORDS * st.neuronCount);
    let withRoutes = 0, hopsSeen = 0;
    for (let n = 0; n < st.neuronCount; n++) {
      const routes = st.routePtr[n + 1] - st.routePtr[n];
      const syn = st.groupSynStart[st.neuronGroupStart[n + 1]] - st.groupSynStart[st.neuronGroupStart[n]];
      const want = routes === 0 ? [0, 0, 0, 0, 0, 0, 0, 0] : [
        routes, st.neuronHopsEast[n], st.neuronHopsWest[n], st.neuronHopsNorth[n], st.neuronHopsSouth[n],
        st.neuronPacketsLocal[n], st.neuronPacketsInTile[n], syn,
      ];
      expect(Array.from(rec!.subarray(EMIT_RECORD_WORDS * n, EMIT_RECORD_WORDS * (n + 1))), `neuron ${n}`).toEqual(want);
      if (routes > 0) withRoutes++;
      hopsSeen += st.neuronHopsEast[n] + st.neuronHopsWest[n] + st.neuronHopsNorth[n] + st.neuronHopsSouth[n];
    }
    // The case is not vacuous: neurons with routes, and traffic that crosses the mesh.
    expect(withRoutes).toBeGreaterThan(10);
    expect(hopsSeen).toBeGreaterThan(0);
  });

  it("are made once per state, in its memory (emitRecordsOf), with the same contents", () => {
    const st = demoState();
    const b = st.wasm!;
    expect(b.runs.emitRecord).toBeUndefined();
    const rec = emitRecordsOf(b, st)!;
    expect(rec.buffer).toBe(b.memory.buffer);
    expect(Array.from(rec)).toEqual(Array.from(buildEmitRecords(st)!));
    expect(emitRecordsOf(b, st)).toBe(rec);
  });

  it("16 bits per value: 65,535 fits; 65,536 routes, synapses or hops leave the state without records", () => {
    expect(Array.from(buildEmitRecords(traffic(65535, 65535, 65535))!)).toEqual([65535, 65535, 1, 2, 3, 4, 5, 65535, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(buildEmitRecords(traffic(65536, 1, 1))).toBeUndefined();
    expect(buildEmitRecords(traffic(1, 65536, 1))).toBeUndefined();
    expect(buildEmitRecords(traffic(1, 1, 65536))).toBeUndefined();
    // A neuron without routes is not counted, whatever its arrays hold.
    expect(buildEmitRecords(traffic(0, 70000, 70000))).toBeDefined();
  });
});
