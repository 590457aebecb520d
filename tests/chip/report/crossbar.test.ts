/** Compute-in-memory accounting: crossbar reads charged by active rows and mapped columns, by hand. */
import { describe, expect, it } from "vitest";
import { parseAerchipModel } from "../../../compiler/frontends/aerchip-model.ts";
import type { Json } from "../../../compiler/frontends/json-fields.ts";
import { compileModel } from "../../../compiler/compile.ts";
import { simulate } from "../../../chip/sim/run.ts";
import { loadPreset } from "../../../chip/spec/load.ts";
import { crossbarCounts } from "../../../chip/report/crossbar.ts";
import { buildRunReport } from "../../../chip/report/run-report.ts";

describe("crossbar reads (cim-crossbar preset)", () => {
  it("charges reads · (fixed + columns · (ADC + mux)) + active rows · row energy", () => {
    // 3 inputs → 4 neurons. t0: inputs 0 and 1 fire (2 rows); t2: input 2 fires (listed twice: one spike).
    const json = {
      format: "aerchip-model-1", name: "xb", steps: 4,
      populations: [
        { name: "in", kind: "input", size: 3, spikes: [[0, 0], [0, 1], [2, 2], [2, 2]] },
        { name: "out", kind: "neuron", size: 4, vThreshold: 100 },
      ],
      projections: [{ name: "p", pre: "in", post: "out", dense: { weights: [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]], delays: 1 } }],
    };
    const spec = loadPreset("cim-crossbar");
    const model = parseAerchipModel(json as unknown as Json, "xb.json");
    const { program } = compileModel(model.graph, spec, {});
    const res = simulate(spec, program, model.stimulus, { steps: 4 });
    const xb = crossbarCounts(spec, program, res);
    const c = spec.costs;
    const outCore = program.populations.find((p) => p.name === "out")!.blocks[0].coreIndex;
    expect(xb.readsPerCore[outCore]).toBe(2);
    expect(xb.activeRowsPerCore[outCore]).toBe(3);
    expect(xb.columnsPerCore[outCore]).toBe(4);
    const perRead = c.energyCrossbarReadFixedPj!.value + 4 * (c.energyAdcConversionPj!.value + c.energyColumnMuxPj!.value);
    const expected = 2 * perRead + 3 * c.energyCrossbarRowReadPj!.value;
    expect(xb.energyPerCorePj[outCore]).toBeCloseTo(expected, 9);
    expect(xb.totalEnergyPj).toBeCloseTo(expected, 9);
    const report = buildRunReport(spec, program, res, { aerchipVersion: "test", inputs: [], options: {} }, "simple");
    expect(report.totals.crossbar!.reads).toBe(2);
    expect(report.totals.energyPj.synapse).toBeCloseTo(expected, 9);
    expect(report.totals.simulatedTimeNs).toBeGreaterThanOrEqual(2 * c.latencyCrossbarReadNs!.value);
  });
});
