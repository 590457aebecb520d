/**
 * NIR biases past the first layer on chips with core.maxDelayTicks 1 (odin, cim-crossbar; audit s23a #5):
 * `aerchip run`, `evaluate`, `sweep` and `compile` lower the graph for the chip's delay limit, so snnTorch's dense LIF export
 * (biases into the output layer, latency 2) runs there instead of E_CORE_DELAY_EXCEEDED, with snnTorch's spikes.
 * On truenorth (one delay per neuron output, synapseEncoding.delayPerSynapse false; audit s25a #4) they lower it with
 * a bias source per delay (`__nir_bias_delay_2`), so it runs there instead of E_CORE_DELAY_PER_NEURON.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpy, npyToFloat64 } from "../../core/io/npy.ts";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-nir-bias-delay-"));
const npy = (p: string): Float64Array => {
  const a = readNpy(readFileSync(p), p);
  if (a.kind !== "plain") throw new Error("structured");
  return npyToFloat64(a.data);
};

describe.skipIf(!HAS_SHARED)(`NIR biases on chips with a delay of at most 1 or one delay per neuron output ${SKIP_MSG}`, () => {
  const dir = sharedPath("fixtures/nir/snntorch");
  const model = join(dir, "snntorch_dense_lif.nir");
  const drives: Record<string, string[]> = {
    odin: ["__nir_bias->1", "__nir_bias_from_1->3"],
    "cim-crossbar": ["__nir_bias->1", "__nir_bias_from_1->3"],
    truenorth: ["__nir_bias->1", "__nir_bias_delay_2->3"],
  };
  for (const [arch, drive] of Object.entries(drives)) {
    it(`${arch}: snntorch_dense_lif runs (float) with snnTorch's hidden and output spikes, the output layer's bias from ${drive[1].replace(/->.*/, "")}`, async () => {
      const out = tmp();
      const r = await cli("run", model, "--input", join(dir, "snntorch_dense_lif.input.npy"), "--arch", arch, "--out", out, "--quiet");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      for (const [node, file] of [["1", "hidden_spikes"], ["3", "output_spikes"]]) {
        const got = npy(join(out, `${node}.npy`));
        const want = npy(join(dir, `snntorch_dense_lif.${file}.npy`));
        expect(got.length).toBe(want.length);
        let mismatches = 0;
        let spikes = 0;
        for (let k = 0; k < got.length; k++) {
          if ((got[k] !== 0) !== (want[k] !== 0)) mismatches++;
          if (want[k] !== 0) spikes++;
        }
        expect({ node, mismatches }).toEqual({ node, mismatches: 0 });
        expect(spikes).toBeGreaterThan(10);
      }
      const mapping = JSON.parse(readFileSync(join(out, "mapping.json"), "utf8")) as { nirProjections: Array<{ pre: string; post: string }> };
      expect(mapping.nirProjections.filter((p) => p.pre.startsWith("__nir_bias")).map((p) => `${p.pre}->${p.post}`)).toEqual(drive);
    });
  }

  it.each(["odin", "truenorth"])("evaluate on %s: a sample's output spike counts equal run's", async (arch) => {
    const data = tmp();
    mkdirSync(join(data, "0"));
    copyFileSync(join(dir, "snntorch_dense_lif.input.npy"), join(data, "0", "s.npy"));
    const out = tmp();
    const r = await cli("evaluate", model, "--input", data, "--arch", arch, "--out", join(out, "e"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const row = (JSON.parse(readFileSync(join(out, "e", "dataset.json"), "utf8")) as { samples: Array<{ outputValues: number[] }> }).samples[0];
    const run = await cli("run", model, "--input", join(data, "0", "s.npy"), "--arch", arch, "--out", join(out, "r"), "--quiet");
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "r", "report.json"), "utf8")) as { nir: { outputs: Array<{ counts: number[] }> } };
    expect(row.outputValues).toEqual(report.nir.outputs[0].counts);
    expect(row.outputValues.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
  });

  it("sweep over odin, cim-crossbar and truenorth: every point runs", async () => {
    const d = tmp();
    const file = join(d, "sweep.yaml");
    writeFileSync(file, `model: ${model}\ninput: ${join(dir, "snntorch_dense_lif.input.npy")}\narch: [odin, cim-crossbar, truenorth]\nout: ${join(d, "out")}\n`);
    const r = await cli("sweep", file, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const points = (JSON.parse(readFileSync(join(d, "out", "sweep.json"), "utf8")) as { rows: Array<{ status: string }> }).rows;
    expect(points.map((p) => p.status)).toEqual(["ok", "ok", "ok"]);
  });

  it.each(["odin", "truenorth"])("compile for %s holds every synapse (odin: delays of 1 tick; truenorth: one delay per source)", async (arch) => {
    const out = tmp();
    const r = await cli("compile", model, "--arch", arch, "--out", out, "--quiet");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});
