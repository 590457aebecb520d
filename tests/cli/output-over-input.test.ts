/**
 * An output path that is another output of the same set, or an input of the command, is refused before
 * anything is written (audit s22b #1: `run --packets-out OUT/report.json` lost the packet stream,
 * `--packets-out MODEL` destroyed the model, `report R --out R` and `convert IN IN` replaced their input):
 * E_CLI_OPTION, exit 2, naming both roles; the input is left as it was and no --out is created.
 * Covers run on a JSON model, a NIR graph, a SANA-FE network and a compiled program, report, convert,
 * compile, train and evaluate.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeNpy } from "../../core/io/npy.ts";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, sharedPath } from "../helpers/shared.ts";
import { tinyModel } from "../helpers/tiny-model.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-out-over-in-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** The command is refused with E_CLI_OPTION (exit 2) naming both roles, and `kept` is unchanged. */
async function refused(args: string[], roles: [string, string], kept: string): Promise<void> {
  const before = readFileSync(kept);
  const r = await cli(...args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/E_CLI_OPTION/);
  for (const role of roles) expect(r.stderr).toContain(role);
  expect(readFileSync(kept).equals(before)).toBe(true);
}

describe("outputs never replace an input or each other", () => {
  it("run (JSON model): --packets-out onto report.json or spikes.json of --out, onto the model, through a link; --log-file onto the model", async () => {
    const model = tinyModel(TMP);
    const out = join(TMP, "o1");
    await refused(["run", model, "--arch", "generic", "--out", out, "--packets-out", join(out, "report.json")], ["--packets-out", "report.json"], model);
    await refused(["run", model, "--arch", "generic", "--out", out, "--packets-out", join(out, "x", "..", "spikes.json")], ["--packets-out", "spikes.json"], model);
    expect(existsSync(out)).toBe(false);
    await refused(["run", model, "--arch", "generic", "--out", out, "--packets-out", model], ["--packets-out", "<model>"], model);
    symlinkSync(model, join(TMP, "model-link.json"));
    await refused(["run", model, "--arch", "generic", "--out", out, "--packets-out", join(TMP, "model-link.json")], ["--packets-out", "<model>"], model);
    await refused(["run", model, "--arch", "generic", "--out", out, "--log-file", model], ["--log-file", "<model>"], model);
    // An --out whose report.json is the model (the model kept in the output directory).
    const inOut = join(TMP, "o2");
    mkdirSync(inOut);
    copyFileSync(model, join(inOut, "report.json"));
    await refused(["run", join(inOut, "report.json"), "--arch", "generic", "--out", inOut], ["report.json", "<model>"], join(inOut, "report.json"));
    // A distinct --packets-out still runs.
    const ok = await cli("run", model, "--arch", "generic", "--out", out, "--packets-out", join(out, "p.aer"), "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("run (compiled program): --packets-out onto the program or its --input", async () => {
    const model = tinyModel(TMP);
    const comp = join(TMP, "comp");
    expect((await cli("compile", model, "--arch", "generic", "--out", comp, "--quiet")).code).toBe(0);
    const input = join(TMP, "in.npy");
    writeFileSync(input, writeNpy(new Uint8Array(10 * 4).fill(1), [10, 4], { bool: true }));
    const program = join(comp, "program.aerprog");
    await refused(["run", program, "--arch", "generic", "--input", input, "--out", join(TMP, "o3"), "--packets-out", program], ["--packets-out", "<model>"], program);
    await refused(["run", program, "--arch", "generic", "--input", input, "--out", join(TMP, "o3"), "--packets-out", input], ["--packets-out", "--input"], input);
    expect(existsSync(join(TMP, "o3"))).toBe(false);
  });

  it.skipIf(!HAS_SHARED)("run (NIR graph, SANA-FE network): --packets-out onto an input", async () => {
    const nirDir = join(TMP, "nir");
    mkdirSync(nirDir);
    const nir = join(nirDir, "g.nir");
    const input = join(nirDir, "g.input.npy");
    copyFileSync(sharedPath("fixtures/nir/snntorch/snntorch_dense_lif.nir"), nir);
    copyFileSync(sharedPath("fixtures/nir/snntorch/snntorch_dense_lif.input.npy"), input);
    await refused(["run", nir, "--input", input, "--arch", "generic", "--out", join(TMP, "o4"), "--packets-out", input], ["--packets-out", "--input"], input);
    await refused(["run", nir, "--input", input, "--arch", "generic", "--out", join(TMP, "o4"), "--packets-out", join(TMP, "o4", "mapping.json")], ["--packets-out", "mapping.json"], input);
    const sanafe = join(TMP, "dvs.yaml");
    copyFileSync(sharedPath("fixtures/sanafe/dvs.yaml"), sanafe);
    const arch = resolve(sharedPath("fixtures/sanafe/loihi.yaml"));
    await refused(["run", sanafe, "--arch", arch, "--steps", "2", "--out", join(TMP, "o5"), "--packets-out", sanafe], ["--packets-out", "<model>"], sanafe);
    expect(existsSync(join(TMP, "o4")) || existsSync(join(TMP, "o5"))).toBe(false);
  });

  it.skipIf(!HAS_SHARED)("run (NIR graph): a node's <node>.npy onto --input is refused before the run (audit s22r-y #1)", async () => {
    const out = join(TMP, "kn");
    mkdirSync(out);
    const input = join(out, "1.npy"); // node 1 of the graph writes 1.npy
    copyFileSync(sharedPath("fixtures/nir/snntorch/snntorch_dense_lif.input.npy"), input);
    await refused(["run", sharedPath("fixtures/nir/snntorch/snntorch_dense_lif.nir"), "--input", input, "--arch", "loihi", "--out", out], ["--out's 1.npy", "--input"], input);
    expect(existsSync(join(out, "report.json"))).toBe(false);
  });

  it("run (JSON model): a readout's <name>.v.npy onto --input is refused before the run (audit s22r-y #1)", async () => {
    const model = join(TMP, "readout.model.json");
    writeFileSync(model, JSON.stringify({
      format: "aerchip-model-1", name: "readout", steps: 4,
      populations: [{ name: "in", kind: "input", size: 2 }, { name: "R", kind: "neuron", size: 2, spiking: false, voltageDecay: 0.5 }],
      projections: [{ name: "in_R", pre: "in", post: "R", sparse: { pre: [0, 1], post: [0, 1], weights: [1, 2], delays: 1 } }],
    }));
    const out = join(TMP, "kr");
    mkdirSync(out);
    const input = join(out, "R.v.npy");
    writeFileSync(input, writeNpy(Uint8Array.of(1, 0, 0, 1, 1, 1, 0, 0), [4, 2], { bool: true }));
    await refused(["run", model, "--input", input, "--arch", "generic", "--out", out], ["--out's R.v.npy", "--input"], input);
    expect(existsSync(join(out, "report.json"))).toBe(false);
    // Another --input path runs and writes R.v.npy.
    copyFileSync(input, join(TMP, "r-in.npy"));
    const ok = await cli("run", model, "--input", join(TMP, "r-in.npy"), "--arch", "generic", "--out", out, "--quiet");
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("run --initial-weights D/weights.json --out D: refused only when the run writes weights.json (plastic projections), not for a frozen model (s23)", async () => {
    const plastic = resolve("examples/learning/stdp-pair.model.json");
    const d = join(TMP, "learned");
    expect((await cli("run", plastic, "--arch", "loihi", "--out", d, "--quiet")).code).toBe(0);
    const weights = join(d, "weights.json");
    // The plastic model would write its own weights.json over the one it reads: refused, before the run.
    await refused(["run", plastic, "--arch", "loihi", "--initial-weights", weights, "--out", d], ["--out's weights.json", "--initial-weights"], weights);
    // compare: each chip's run writes weights.json too, refused up front (a usage error, not a failed row).
    mkdirSync(join(TMP, "cmp", "loihi"), { recursive: true });
    copyFileSync(weights, join(TMP, "cmp", "loihi", "weights.json"));
    await refused(["compare", plastic, "--arch", "loihi", "--initial-weights", join(TMP, "cmp", "loihi", "weights.json"), "--out", join(TMP, "cmp")], ["--out's weights.json", "--initial-weights"], join(TMP, "cmp", "loihi", "weights.json"));
    // The same model without its learning rule writes no weights.json: it runs on the learned weights into D.
    const m = JSON.parse(readFileSync(plastic, "utf8"));
    delete m.projections[0].learning;
    const frozen = join(TMP, "frozen.model.json");
    writeFileSync(frozen, JSON.stringify(m));
    const before = readFileSync(weights);
    const r = await cli("run", frozen, "--arch", "loihi", "--initial-weights", weights, "--out", d, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(weights).equals(before)).toBe(true);
    expect(JSON.parse(readFileSync(join(d, "report.json"), "utf8")).provenance.inputs.map((i: { role: string }) => i.role)).toContain("initial-weights");
  });

  it("evaluate: --out the --input data-set directory or inside it is refused before the run (audit s22r-y #10)", async () => {
    const model = tinyModel(TMP);
    const ds = join(TMP, "ds10");
    mkdirSync(join(ds, "0"), { recursive: true });
    const sample = join(ds, "0", "a.npy");
    writeFileSync(sample, writeNpy(new Uint8Array(10 * 4).fill(1), [10, 4], { bool: true }));
    await refused(["evaluate", model, "--input", ds, "--arch", "generic", "--out", ds], ["--out", "--input"], sample);
    await refused(["evaluate", model, "--input", ds, "--arch", "generic", "--out", join(ds, "0", "res")], ["--out", "--input"], sample);
    await refused(["evaluate", model, "--input", ds, "--arch", "generic,loihi", "--out", join(ds, "..", "ds10")], ["--out", "--input"], sample);
    expect(existsSync(join(ds, "dataset.json")) || existsSync(join(ds, "0", "res"))).toBe(false);
  });

  it("compare, sweep, learn: a table onto the model or sweep file, a chip's report.json onto the model, --checkpoint onto learn's result (audit s22r-y #3)", async () => {
    const cm = join(TMP, "cm");
    mkdirSync(cm);
    const cmModel = join(cm, "compare.json");
    copyFileSync(tinyModel(TMP), cmModel);
    await refused(["compare", cmModel, "--arch", "generic,loihi", "--out", cm], ["compare.json", "<model>"], cmModel);
    mkdirSync(join(TMP, "cm2", "generic"), { recursive: true });
    const inChip = join(TMP, "cm2", "generic", "report.json");
    copyFileSync(tinyModel(TMP), inChip);
    await refused(["compare", inChip, "--arch", "generic,loihi", "--out", join(TMP, "cm2")], ["report.json", "<model>"], inChip);
    const sw = join(TMP, "sw3");
    mkdirSync(sw);
    copyFileSync(tinyModel(TMP), join(sw, "m.json"));
    const sweepFile = join(sw, "sweep.json");
    writeFileSync(sweepFile, JSON.stringify({ model: "m.json", arch: ["generic", "loihi"], steps: 5 }));
    await refused(["sweep", sweepFile, "--out", sw], ["sweep.json", "<sweep file>"], sweepFile);
    writeFileSync(join(sw, "s.yaml"), "model: sweep.md\narch: [generic]\n");
    copyFileSync(tinyModel(TMP), join(sw, "sweep.md"));
    await refused(["sweep", join(sw, "s.yaml"), "--out", sw], ["sweep.md", "model"], join(sw, "sweep.md"));
    const lc = join(TMP, "lc");
    await refused(["learn", "mnist", "--neurons", "4", "--train", "4", "--test", "2", "--arch", "loihi", "--out", lc, "--checkpoint", join(lc, "learn-mnist.json"), "--checkpoint-every", "2"], ["--checkpoint", "learn-mnist.json"], cmModel);
    expect(existsSync(join(lc, "learn-mnist.json"))).toBe(false);
  });

  it("report --out onto its input; convert OUT onto IN; compile and train onto the model; train --checkpoint onto train.json", async () => {
    const model = tinyModel(TMP);
    const out = join(TMP, "r1");
    expect((await cli("run", model, "--arch", "generic", "--out", out, "--quiet")).code).toBe(0);
    const report = join(out, "report.json");
    await refused(["report", report, "--format", "md", "--out", report], ["--out", "<report>"], report);
    await refused(["report", report, "--format", "html", "--out", join(out, "spikes.json")], ["--out", "spikes.json"], join(out, "spikes.json"));
    const img = join(TMP, "img.npy");
    writeFileSync(img, writeNpy(Float64Array.of(0.1, 0.5, 0.9, 1), [2, 2]));
    await refused(["convert", img, join(TMP, ".", "img.npy"), "--encode", "bernoulli", "--steps", "10"], ["<out>", "<in>"], img);
    const inCompileOut = join(TMP, "c1");
    mkdirSync(inCompileOut);
    copyFileSync(model, join(inCompileOut, "mapping.json"));
    await refused(["compile", join(inCompileOut, "mapping.json"), "--arch", "generic", "--out", inCompileOut], ["mapping.json", "<model>"], join(inCompileOut, "mapping.json"));
    const trainOut = join(TMP, "t1");
    await refused(["train", "examples/learning/stdp-pair.model.json", "--input", TMP, "--arch", "loihi", "--out", trainOut, "--checkpoint", join(trainOut, "train.json")], ["--checkpoint", "train.json"], model);
    expect(existsSync(trainOut)).toBe(false);
    await refused(["evaluate", model, "--input", TMP, "--arch", "generic", "--out", join(TMP, "e1"), "--log-file", model], ["--log-file", "<model>"], model);
    const labels = join(TMP, "e2", "samples.csv");
    mkdirSync(join(TMP, "e2"));
    writeFileSync(labels, "a.npy,0\n");
    await refused(["evaluate", model, "--input", TMP, "--labels", labels, "--arch", "generic", "--out", join(TMP, "e2")], ["samples.csv", "--labels"], labels);
  });
});
