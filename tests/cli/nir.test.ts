/**
 * NIR models on the chip through the CLI (issue 3 acceptance): the real compiler and simulator, with
 * cores small enough that every layer spans several cores.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpy, npyToFloat64, writeNpy } from "../../core/io/npy.ts";
import { createRng } from "../../core/rng.ts";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";

const tmp = (): string => mkdtempSync(join(tmpdir(), "aerchip-nir-"));
const npy = (p: string) => {
  const a = readNpy(readFileSync(p), p);
  if (a.kind !== "plain") throw new Error("structured");
  return { shape: a.shape, data: npyToFloat64(a.data) };
};

describe.skipIf(!HAS_SHARED)(`NIR exports on the chip ${SKIP_MSG}`, () => {
  const cases = [
    { name: "snntorch_dense_lif", hidden: "1", out: "3", coreNeurons: "7" },
    { name: "snntorch_conv_lif", hidden: "1", out: "5", coreNeurons: "64" },
    { name: "snntorch_rleaky_cuba", hidden: "1.lif", out: "3", coreNeurons: "5" },
  ];
  for (const c of cases) {
    it(`${c.name}: hidden and output spikes equal snnTorch's, mapped over several cores`, async () => {
      const out = tmp();
      const dir = sharedPath("fixtures/nir/snntorch");
      const r = await cli("run", join(dir, `${c.name}.nir`), "--input", join(dir, `${c.name}.input.npy`), "--arch", "generic", "--core-neurons", c.coreNeurons, "--out", out, "--quiet");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const mapping = JSON.parse(readFileSync(join(out, "mapping.json"), "utf8"));
      expect(mapping.coresUsed).toBeGreaterThanOrEqual(3);
      for (const [node, file] of [[c.hidden, "hidden_spikes"], [c.out, "output_spikes"]]) {
        const got = npy(join(out, `${node.replace(/[^A-Za-z0-9._-]/g, "_")}.npy`));
        const exp = npy(join(dir, `${c.name}.${file}.npy`));
        expect(got.data.length).toBe(exp.data.length);
        let mismatches = 0;
        for (let k = 0; k < exp.data.length; k++) if ((got.data[k] !== 0) !== (exp.data[k] !== 0)) mismatches++;
        expect(mismatches, `${node} mismatches`).toBe(0);
      }
    });
  }

  it("lif_norse driven by column 0 of traces/lif_norse.npy spikes at steps 460, 510, 710, 760", async () => {
    const tr = npy(sharedPath("fixtures/nir/paper_lif/traces/lif_norse.npy"));
    const T = tr.shape[0];
    const x = new Float32Array(T);
    for (let t = 0; t < T; t++) x[t] = tr.data[t * 3];
    const dir = tmp();
    writeFileSync(join(dir, "in.npy"), writeNpy(x, [T, 1]));
    const r = await cli("run", sharedPath("fixtures/nir/paper_lif/lif_norse.nir"), "--input", join(dir, "in.npy"), "--arch", "generic", "--out", join(dir, "out"), "--quiet");
    expect(r.code).toBe(0);
    const spikes = JSON.parse(readFileSync(join(dir, "out", "spikes.json"), "utf8"));
    expect(spikes.spikes["1"].map((p: number[]) => p[0])).toEqual([460, 510, 710, 760]);
  });

  it("cnn_sinabs compiles, runs on the N-MNIST sample, and reports mapping, costs and its 10 output counts", async () => {
    const out = tmp();
    const nirPath = sharedPath("fixtures/nir/paper_cnn/cnn_sinabs.nir");
    const c = await cli("compile", nirPath, "--arch", "generic", "--out", join(out, "c"));
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/synapses stored/);
    expect(c.stdout).toMatch(/neur %/);
    const r = await cli("run", nirPath, "--input", sharedPath("fixtures/events/sample_nmnist.bin"), "--tick-us", "1000", "--arch", "generic", "--out", join(out, "r"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/energy/);
    const m = r.stdout.match(/spike counts \[([0-9, ]+)\]/);
    expect(m).not.toBeNull();
    const counts = m![1].split(",").map((s) => Number(s.trim()));
    expect(counts.length).toBe(10);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const report = JSON.parse(readFileSync(join(out, "r", "report.json"), "utf8"));
    expect(report.nir.outputs[0].counts).toEqual(counts);
    // The recording spans 654..311,175 µs: 312 one-ms steps.
    expect(report.nir.steps).toBe(312);
    // The last line lists exactly the files in the output directory (it named .v.npy files there were none of).
    const wrote = r.stdout.trimEnd().split("\n").at(-1)!;
    const listed = wrote.replace(/^wrote /, "").split(", ").map((f) => f.replace(`${join(out, "r")}/`, "")).sort();
    // Every output but the outputs manifest (aerchip-outputs.json, the record of this list: cli/earlier-outputs.ts).
    expect(listed).toEqual(readdirSync(join(out, "r")).filter((f) => f !== "aerchip-outputs.json").sort());
  });

  for (const f of ["braille_noDelay_bias_zero.nir", "braille_noDelay_noBias_subtract.nir"]) {
    it(`${f} compiles and runs on a 256 × 12 input`, async () => {
      const rng = createRng(3);
      const x = new Uint8Array(256 * 12);
      for (let i = 0; i < x.length; i++) x[i] = rng.nextFloat() < 0.1 ? 1 : 0;
      const dir = tmp();
      writeFileSync(join(dir, "in.npy"), writeNpy(x, [256, 12], { bool: true }));
      const r = await cli("run", sharedPath("fixtures/nir/paper_rnn", f), "--input", join(dir, "in.npy"), "--arch", "generic", "--core-neurons", "16", "--out", join(dir, "out"), "--quiet");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const report = JSON.parse(readFileSync(join(dir, "out", "report.json"), "utf8"));
      expect(report.nir.steps).toBe(256);
      expect(report.chip.coresUsed).toBeGreaterThanOrEqual(3);
    });
  }

  it("the malformed nested Braille graph fails with a coded error naming the node and field", async () => {
    const r = await cli("compile", sharedPath("fixtures/nir/paper_rnn/braille_noDelay_bias_zero_subgraph.MALFORMED.nir"), "--arch", "generic", "--out", tmp());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_NIR_/);
    expect(r.stderr).toMatch(/lif/);
  });

  it("lif_rockpool loads only with --lenient, with a warning", async () => {
    const p = sharedPath("fixtures/nir/paper_lif/lif_rockpool.nir");
    const a = await cli("compile", p, "--arch", "generic", "--out", tmp());
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/E_NIR_SHAPE_MISMATCH/);
    const b = await cli("compile", p, "--arch", "generic", "--lenient", "--out", tmp());
    expect(b.code).toBe(0);
    expect(b.stderr).toMatch(/W_NIR_SHAPE/);
  });
});

describe.skipIf(!HAS_SHARED)(`compile once, run the program ${SKIP_MSG}`, () => {
  it("a compiled NIR program runs from program.aerprog on the same input, on the same cores, and spikes", async () => {
    const dir = sharedPath("fixtures/nir/snntorch");
    const out = tmp();
    const c = await cli("compile", join(dir, "snntorch_dense_lif.nir"), "--arch", "generic", "--out", join(out, "c"), "--quiet");
    expect(c.code).toBe(0);
    const a = await cli("run", join(out, "c", "program.aerprog"), "--arch", "generic", "--input", join(dir, "snntorch_dense_lif.input.npy"), "--out", join(out, "p"), "--quiet");
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    const b = await cli("run", join(dir, "snntorch_dense_lif.nir"), "--arch", "generic", "--input", join(dir, "snntorch_dense_lif.input.npy"), "--out", join(out, "m"), "--quiet");
    expect(b.code).toBe(0);
    const fromProgram = JSON.parse(readFileSync(join(out, "p", "report.json"), "utf8"));
    const fromModel = JSON.parse(readFileSync(join(out, "m", "report.json"), "utf8"));
    // The program run has no NIR latency bookkeeping (raw chip ticks); the chip and its cores are the same.
    expect(fromProgram.totals.counters.neuronsFired).toBeGreaterThan(0);
    expect(fromProgram.chip.coresUsed).toBe(fromModel.chip.coresUsed);
  });
});
