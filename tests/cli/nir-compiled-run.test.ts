/**
 * `aerchip compile model.nir` then `aerchip run program.aerprog --input X` gives the spikes and files of
 * `aerchip run model.nir --input X` (audit s23a #2): the program carries the graph's node map and latencies
 * (chip/program/types.ts NirProgramInfo), so the run lasts T + extraTicks ticks, input step t is fed at tick t
 * + the Input's latency, and spikes.json, <node>.npy, <node>.v.npy and report.json `nir` are in NIR steps.
 * Before: raw chip ticks shifted by each layer's latency, the run cut at T ticks (lif_norse: 3 spikes at
 * 461, 511, 711 instead of 460, 510, 710, 760) and no node files. A program without the record (written
 * before it existed) still runs as before, in chip ticks.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { npyToFloat64, readNpy, writeNpy } from "../../core/io/npy.ts";
import { createRng } from "../../core/rng.ts";
import { decodeProgram, encodeProgram } from "../../chip/program/codec.ts";
import { runReportSchema } from "../../chip/report/formats/json-schema.ts";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";
import { nirFile, writeH5 } from "../compiler/frontends/nir/write-h5.ts";

const TMP = mkdtempSync(join(tmpdir(), "aerchip-nir-compiled-"));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const json = (p: string) => JSON.parse(readFileSync(p, "utf8"));

/**
 * in[3] → Affine (bias) → CubaLIF[4] (v_leak ≠ 0: __nir_bias and __nir_once) → Linear → LIF[2] → Output,
 * and LIF → Linear → LI[2] → Output (a readout): latencies 1 and 2.
 */
async function graph(): Promise<{ model: string; input: string }> {
  const model = join(TMP, "g.nir");
  const rng = createRng(5);
  const w = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + (hi - lo) * rng.nextFloat());
  await writeH5(model, nirFile({
    in: { type: "Input", shape: [3n] },
    fc1: { type: "Affine", weight: { f64: w(12, -0.5, 2), shape: [4, 3] }, bias: { f64: w(4, -0.1, 0.2), shape: [4] } },
    cuba: { type: "CubaLIF", tau_syn: w(4, 2e-4, 5e-4), tau_mem: w(4, 5e-4, 2e-3), r: [1, 1, 1, 1], v_leak: [0.3, -0.2, 0.1, 0.5], v_threshold: [0.3, 0.3, 0.4, 0.3], v_reset: [0, 0, 0, 0], w_in: [1, 1, 1, 1] },
    fc2: { type: "Linear", weight: { f64: w(8, 0, 3), shape: [2, 4] } },
    lif: { type: "LIF", tau: [1e-3, 1e-3], r: [1, 1], v_leak: [0, 0], v_threshold: [0.2, 0.2] },
    fc3: { type: "Linear", weight: { f64: w(8, -1, 1), shape: [2, 4] } },
    li: { type: "LI", tau: [1e-3, 2e-3], r: [1, 1], v_leak: [0, 0] },
    out_lif: { type: "Output", shape: [2n] },
    out_li: { type: "Output", shape: [2n] },
  }, [["in", "fc1"], ["fc1", "cuba"], ["cuba", "fc2"], ["fc2", "lif"], ["lif", "out_lif"], ["cuba", "fc3"], ["fc3", "li"], ["li", "out_li"]]));
  const input = join(TMP, "g.in.npy");
  writeFileSync(input, writeNpy(Float32Array.from({ length: 40 * 3 }, () => (rng.nextFloat() < 0.4 ? 1 : 0)), [40, 3]));
  return { model, input };
}

/** Every output file of a run directory but report.json, mapping.json and the outputs manifest (which lists mapping.json or not), by name → bytes. */
function outputFiles(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).filter((f) => f !== "report.json" && f !== "mapping.json" && f !== "aerchip-outputs.json").sort().map((f) => [f, readFileSync(join(dir, f))]));
}

/** Options (each with a value) that compile takes and the program's run refuses: the program carries them. */
const COMPILE_ONLY = ["--precision", "--nir-bias", "--reset", "--dt"];

async function compareRuns(model: string, input: string, tag: string, extra: string[]): Promise<{ direct: string; compiled: string }> {
  const direct = join(TMP, `${tag}-direct`);
  const prog = join(TMP, `${tag}-prog`);
  const compiled = join(TMP, `${tag}-compiled`);
  const d = await cli("run", model, "--input", input, "--out", direct, "--quiet", ...extra);
  expect(d.code, d.stderr).toBe(0);
  const c = await cli("compile", model, "--out", prog, "--quiet", ...extra);
  expect(c.code, c.stderr).toBe(0);
  const r = await cli("run", join(prog, "program.aerprog"), "--input", input, "--out", compiled, "--quiet", ...extra.filter((a, i, all) => !COMPILE_ONLY.includes(a) && !COMPILE_ONLY.includes(all[i - 1])));
  expect(r.code, r.stderr).toBe(0);
  return { direct, compiled };
}

describe("a compiled NIR program runs in NIR steps, as the .nir file does", () => {
  for (const [arch, precision] of [["generic", "float"], ["loihi", "fixed"]] as const) {
    it(`hand-built graph (bias, CubaLIF v_leak, two latencies, a readout) on ${arch} ${precision}: the same spikes.json, <node>.npy, <node>.v.npy, nir section and counters`, async () => {
      const { model, input } = await graph();
      const { direct, compiled } = await compareRuns(model, input, `${arch}-${precision}`, ["--arch", arch, "--precision", precision]);
      const a = outputFiles(direct);
      const b = outputFiles(compiled);
      expect([...b.keys()]).toEqual(["cuba.npy", "li.v.npy", "lif.npy", "spikes.json"]);
      expect([...a.keys()]).toEqual([...b.keys()]);
      for (const [f, bytes] of a) expect({ f, same: bytes.equals(b.get(f)!) }).toEqual({ f, same: true });
      const ra = json(join(direct, "report.json"));
      const rb = json(join(compiled, "report.json"));
      expect(rb.nir).toEqual(ra.nir);
      expect(rb.steps).toBe(40 + 2);
      expect(rb.nir.extraTicks).toBe(2);
      expect(rb.totals.counters).toEqual(ra.totals.counters);
      expect(rb.readouts).toEqual(ra.readouts);
      // Something to compare: both layers fire.
      const sp = json(join(compiled, "spikes.json")).spikes;
      expect(sp.cuba.length).toBeGreaterThan(5);
      expect(sp.lif.length).toBeGreaterThan(5);
    });
  }

  it("report.json provenance.compiledWith shows the options the program was compiled with (as the graph's run records them), not as options; rerun repeats the run byte for byte (audit s23x #6)", async () => {
    const { model, input } = await graph();
    const flags = ["--arch", "loihi", "--precision", "fixed", "--nir-bias", "compartment", "--reset", "subtract", "--dt", "2e-4"];
    const { direct, compiled } = await compareRuns(model, input, "compiled-with", flags);
    // The program is the graph read with these options: the same spikes as the graph's run.
    expect(readFileSync(join(compiled, "spikes.json")).equals(readFileSync(join(direct, "spikes.json")))).toBe(true);
    const ra = json(join(direct, "report.json")).provenance;
    const rb = json(join(compiled, "report.json")).provenance;
    expect(rb.compiledWith).toEqual({ dtSeconds: 2e-4, precision: "fixed", reset: "subtract", recurrentBias: "nirtorch", nirBias: "compartment", ifMultiSpike: false, lenient: false });
    // The same values the graph's run records as its options.
    for (const k of ["dtSeconds", "precision", "reset", "recurrentBias", "nirBias", "ifMultiSpike", "lenient"]) expect({ k, v: rb.compiledWith[k] }).toEqual({ k, v: ra.options[k] });
    // Not options of the program run: rerun passes none of them, and repeats it.
    for (const k of Object.keys(rb.compiledWith)) expect(rb.options[k]).toBeUndefined();
    const again = await cli("rerun", join(compiled, "report.json"), "--out", join(TMP, "compiled-with-again"));
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(TMP, "compiled-with-again", "report.json"), "utf8")).toBe(readFileSync(join(compiled, "report.json"), "utf8"));
    const md = await cli("report", join(compiled, "report.json"), "--format", "md");
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain("compiled with nirBias | compartment");
    // The closed report schema knows the field (an unknown field would fail it).
    const res = runReportSchema.safeParse(json(join(compiled, "report.json")));
    expect(res.success, res.success ? "" : JSON.stringify(res.error.issues.slice(0, 3))).toBe(true);
  });

  it("a program whose NIR record has no lowering options (written before they were recorded) runs, showing dtSeconds and precision", async () => {
    const { model, input } = await graph();
    const prog = join(TMP, "no-lowering-prog");
    expect((await cli("compile", model, "--arch", "generic", "--out", prog, "--quiet")).code).toBe(0);
    const p = decodeProgram(readFileSync(join(prog, "program.aerprog")));
    const { lowering: _l, ...nir } = p.nir!;
    writeFileSync(join(prog, "old.aerprog"), encodeProgram({ ...p, nir }));
    const out = join(TMP, "no-lowering-run");
    const r = await cli("run", join(prog, "old.aerprog"), "--input", input, "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(json(join(out, "report.json")).provenance.compiledWith).toEqual({ dtSeconds: 1e-4, precision: "float" });
  });

  it("a program without the NIR record (written before it existed) runs as before: chip ticks from tick 0, no node files", async () => {
    const { model, input } = await graph();
    const prog = join(TMP, "old-prog");
    expect((await cli("compile", model, "--arch", "generic", "--out", prog, "--quiet")).code).toBe(0);
    const p = decodeProgram(readFileSync(join(prog, "program.aerprog")));
    expect(p.nir).toBeDefined();
    const { nir: _nir, ...old } = p;
    writeFileSync(join(prog, "old.aerprog"), encodeProgram(old));
    const out = join(TMP, "old-run");
    const r = await cli("run", join(prog, "old.aerprog"), "--input", input, "--arch", "generic", "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["aerchip-outputs.json", "li.v.npy", "report.json", "spikes.json"]);
    const rep = json(join(out, "report.json"));
    expect(rep.steps).toBe(40);
    expect(rep.nir).toBeUndefined();
  });

  it.skipIf(!HAS_SHARED)(`lif_norse, 761 steps: compiled and direct both spike at 460, 510, 710, 760 ${SKIP_MSG}`, async () => {
    const tr = readNpy(readFileSync(sharedPath("fixtures/nir/paper_lif/traces/lif_norse.npy")));
    if (tr.kind !== "plain") throw new Error("structured");
    const data = npyToFloat64(tr.data);
    const x = Float32Array.from({ length: 761 }, (_, t) => data[t * tr.shape[1]]);
    const input = join(TMP, "norse761.npy");
    writeFileSync(input, writeNpy(x, [761, 1]));
    const { direct, compiled } = await compareRuns(sharedPath("fixtures/nir/paper_lif/lif_norse.nir"), input, "norse", ["--arch", "generic"]);
    for (const dir of [direct, compiled]) expect(json(join(dir, "spikes.json")).spikes["1"].map((p: number[]) => p[0])).toEqual([460, 510, 710, 760]);
    expect(readFileSync(join(compiled, "1.npy")).equals(readFileSync(join(direct, "1.npy")))).toBe(true);
  });
});
