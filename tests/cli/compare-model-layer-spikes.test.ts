/**
 * compare's spike column counts the model's layers only (audit s23x #7): "Spikes (excl. inputs)" was
 * counters.neuronsFired, which counts the NIR front end's constant-drive sources too; odin holds delays of one
 * tick only, so its drives come from staged sources (`__nir_bias_from_<s>`) that fire besides `__nir_bias`, and
 * identical model spikes read 494 on odin against 393 on loihi. "Spikes (model layers)" (modelLayerSpikes,
 * model_layer_spikes) leaves inputs and helpers out, as evaluate's column of that name does.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunReport } from "../../chip/report/run-report.ts";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

describe.skipIf(!HAS_SHARED)(`compare's spike column on a NIR graph with biases ${SKIP_MSG}`, () => {
  it("odin and loihi: equal model-layer spikes (the NIR nodes' own), though their helpers fire differently; every format says \"model layers\"", async () => {
    const base = sharedPath("fixtures/nir/snntorch/snntorch_dense_lif");
    const out = mkdtempSync(join(tmpdir(), "aerchip-compare-layers-"));
    const r = await cli("compare", `${base}.nir`, "--input", `${base}.input.npy`, "--arch", "odin,loihi", "--reset", "snntorch-subtract", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    const reports = ["odin", "loihi"].map((d) => JSON.parse(readFileSync(join(out, d, "report.json"), "utf8")) as RunReport);
    // The model's layers: the populations the graph's weighted edges end on (report.json nir.projections with a `via` node).
    const layerSpikes = reports.map((rep) => {
      const nodes = new Set(rep.nir!.projections.filter((p) => p.via.length > 0).map((p) => p.post));
      return rep.perPopulation.filter((p) => nodes.has(p.name)).reduce((a, p) => a + p.spikes, 0);
    });
    expect(layerSpikes[0]).toBe(layerSpikes[1]);
    expect(layerSpikes[0]).toBeGreaterThan(0);
    // The helpers do differ, so a column that counted them would differ too.
    expect(reports[0].totals.counters.neuronsFired).not.toBe(reports[1].totals.counters.neuronsFired);

    const json = JSON.parse(readFileSync(join(out, "compare.json"), "utf8")) as { version: number; rows: Array<Record<string, unknown>> };
    expect(json.version).toBe(3);
    expect(json.rows.map((x) => x.modelLayerSpikes)).toEqual(layerSpikes);
    expect(json.rows[0]).not.toHaveProperty("nonInputSpikes");
    const [head, ...lines] = readFileSync(join(out, "compare.csv"), "utf8").trimEnd().split("\n").map((l) => l.split(","));
    expect(lines.map((l) => Number(l[head.indexOf("model_layer_spikes")]))).toEqual(layerSpikes);
    expect(head).not.toContain("non_input_spikes");
    for (const text of [r.stdout, readFileSync(join(out, "compare.md"), "utf8"), readFileSync(join(out, "compare.tex"), "utf8").replaceAll("\\\\", " ")]) {
      expect(text).toContain("Spikes (model layers)");
      expect(text).not.toContain("excl. inputs");
    }
    // The definition under the table says what is left out.
    expect(readFileSync(join(out, "compare.md"), "utf8")).toMatch(/spikes \(model layers\) = spikes of the model's layers, inputs and front-end helpers/);
  });
});
