/**
 * What the learning energy bills (ChipSpec.learningBilledOn, `run --bill-learning`): "evaluations" (the presets'
 * default, Loihi's engine) = synapse updates × energySynUpdatePj; "changes" = updates that changed a weight ×
 * energySynUpdatePj, per run, core and tick. report.json records the basis, the rendered energy table says it, and
 * `aerchip rerun` reproduces it. Options that cannot apply are refused; a bad spec value has a stable code.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { HAS_SHARED, SKIP_MSG, sharedPath } from "../helpers/shared.ts";
import type { RunReport } from "../../chip/report/run-report.ts";
import { renderMarkdown } from "../../chip/report/formats/markdown.ts";
import { renderCsv } from "../../chip/report/formats/csv.ts";
import { energyTerms } from "../../chip/report/energy-terms.ts";
import { loadPreset } from "../../chip/spec/load.ts";
import { validateChipSpec } from "../../chip/spec/validate.ts";
import { writeNpy } from "../../core/io/npy.ts";

const STLLR = "examples/learning/stllr.model.json";
const DELTA = "examples/learning/delta.npy";
const TMP = mkdtempSync(join(tmpdir(), "aerchip-bill-learning-"));

const read = (dir: string): RunReport => JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as RunReport;
const perUpdatePj = (r: RunReport): number => r.costs.find((c) => c.key === "energySynUpdatePj")!.value;

async function run(name: string, ...extra: string[]): Promise<RunReport> {
  const out = join(TMP, name);
  const res = await cli("run", STLLR, "--arch", "loihi", "--out", out, "--quiet", ...extra);
  expect(res.code, res.stderr).toBe(0);
  return read(out);
}

describe("learning energy billed on evaluations or on weight changes", () => {
  it("default (loihi: evaluations): learning = synapse updates × 120 pJ, the basis recorded", async () => {
    const r = await run("default", "--third-factor", DELTA);
    expect(r.totals.learningBilledOn).toBe("evaluations");
    expect(r.chip.name).toBe("loihi");
    expect(r.totals.energyPj.learning).toBeCloseTo(r.totals.counters.synUpdates * perUpdatePj(r), 6);
    expect(r.totals.counters.synUpdates).toBe(1080);
    expect(renderMarkdown(r)).toContain("Learning billed on evaluations");
  });

  it("--bill-learning changes: learning = weight changes × 120 pJ, per core and tick too; rendered and rerun", async () => {
    const r = await run("changes", "--third-factor", DELTA, "--bill-learning", "changes");
    const l = r.learning!;
    expect(r.totals.learningBilledOn).toBe("changes");
    expect(r.provenance.options.billLearning).toBe("changes");
    expect(r.chip.name).toBe("loihi*");
    expect(l.weightChanges).toBe(1044);
    expect(l.synUpdates).toBe(1080);
    expect(r.totals.energyPj.learning).toBeCloseTo(1044 * perUpdatePj(r), 6);
    // Per core and per tick the same basis: their sums give the totals.
    expect(r.perCore.reduce((a, c) => a + c.energyPj.learning, 0)).toBeCloseTo(r.totals.energyPj.learning!, 6);
    expect(r.perTick.energyPj.reduce((a, b) => a + b, 0)).toBeCloseTo(r.totals.energyPj.dynamic, 6);
    // The count × cost row of the learning energy is the weight changes.
    const term = energyTerms(r).find((t) => t.component === "learning")!;
    expect([term.countKey, term.count, term.costKey]).toEqual(["weight_changes", 1044, "energySynUpdatePj"]);
    expect(renderMarkdown(r)).toContain("Learning billed on weight changes");
    const [head, totals] = renderCsv(r).split("\n").map((line) => line.split(","));
    expect(totals[head.indexOf("learning_billed_on")]).toBe("changes");
    // Everything but the energies is as in a run billed on evaluations.
    const ev = read(join(TMP, "default"));
    expect(r.totals.counters).toEqual(ev.totals.counters);
    expect(r.learning!.weightChanges).toBe(ev.learning!.weightChanges);
    // rerun reproduces the basis.
    const again = await cli("rerun", join(TMP, "changes", "report.json"), "--out", join(TMP, "changes-rerun"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    const rr = read(join(TMP, "changes-rerun"));
    expect(rr.totals.learningBilledOn).toBe("changes");
    expect(rr.totals.energyPj.learning).toBe(r.totals.energyPj.learning);
  });

  it("--bill-learning changes with a zero third factor: no weight changes, no learning energy (1,080 updates still counted)", async () => {
    const zero = join(TMP, "zero.npy");
    writeFileSync(zero, writeNpy(new Float64Array(80), [80]));
    const r = await run("zero", "--third-factor", zero, "--bill-learning", "changes");
    expect(r.learning!.weightChanges).toBe(0);
    expect(r.totals.counters.synUpdates).toBe(1080);
    expect(r.totals.energyPj.learning).toBe(0);
    expect(r.learning!.notes[0]).toMatch(/bills only the updates that changed a weight/);
    const ev = await run("zero-ev", "--third-factor", zero);
    expect(ev.totals.energyPj.learning).toBeCloseTo(1080 * perUpdatePj(ev), 6);
  });

  it("refused where it cannot apply: a model that does not learn, a value not in the list (exit 2)", async () => {
    const nonPlastic = await cli("run", "examples/demo/ei-small.net.json", "--arch", "generic", "--bill-learning", "changes", "--out", join(TMP, "np"));
    expect(nonPlastic.code).toBe(2);
    expect(nonPlastic.stderr).toContain("E_CLI_OPTION");
    const bad = await cli("run", STLLR, "--arch", "loihi", "--bill-learning", "sometimes", "--out", join(TMP, "bad"));
    expect(bad.code).toBe(2);
  });

  it("chip spec: learningBilledOn is validated (E_SPEC_INVALID) and read from a spec file", async () => {
    const preset = loadPreset("loihi");
    expect(preset.learningBilledOn).toBe("evaluations");
    // `aerchip presets` prints it with its source.
    const listed = await cli("presets");
    expect(listed.stdout).toMatch(/learningBilledOn: evaluations \(hardware-facts\.md §3\.1/);
    const diags = validateChipSpec({ ...preset, learningBilledOn: "sometimes" });
    expect(diags.map((d) => [d.code, d.field])).toEqual([["E_SPEC_INVALID", "learningBilledOn"]]);
    const file = join(TMP, "loihi-changes.json");
    writeFileSync(file, JSON.stringify({ ...preset, name: "loihi-event-driven", learningBilledOn: "changes" }));
    const out = join(TMP, "spec-file");
    const res = await cli("run", STLLR, "--arch", file, "--third-factor", DELTA, "--out", out, "--quiet");
    expect(res.code, res.stderr).toBe(0);
    const r = read(out);
    expect(r.totals.learningBilledOn).toBe("changes");
    expect(r.totals.energyPj.learning).toBeCloseTo(r.learning!.weightChanges * perUpdatePj(r), 6);
  });
});

describe("train --bill-learning", () => {
  it("changes: learning energy per training sample = weight changes × 120 pJ ÷ samples; recorded, and rerun reproduces it", async () => {
    const data = join(TMP, "data");
    mkdirSync(data, { recursive: true });
    for (const [k, name] of ["a", "b"].entries()) {
      const d = new Uint8Array(24 * 4);
      for (let t = 0; t < 24; t++) for (let i = 0; i < 4; i++) if ((t + i + k) % 3 === 0) d[t * 4 + i] = 1;
      writeFileSync(join(data, `${name}.npy`), writeNpy(d, [24, 4], { bool: true }));
    }
    const out = join(TMP, "train");
    const res = await cli("train", "examples/learning/stdp-pair.model.json", "--input", data, "--arch", "loihi", "--bill-learning", "changes", "--out", out, "--quiet");
    expect(res.code, res.stderr).toBe(0);
    type Train = { learningBilledOn: string; weightChanges: number; perTrainingSample: { synUpdates: number; energyPj: { learning: number } }; provenance: { options: Record<string, unknown> } };
    const doc = JSON.parse(readFileSync(join(out, "train.json"), "utf8")) as Train;
    expect(doc.learningBilledOn).toBe("changes");
    expect(doc.provenance.options.billLearning).toBe("changes");
    expect(doc.weightChanges).toBeGreaterThan(0);
    expect(doc.weightChanges).toBeLessThan(doc.perTrainingSample.synUpdates * 2);
    expect(doc.perTrainingSample.energyPj.learning).toBeCloseTo((doc.weightChanges * 120) / 2, 6);
    const again = await cli("rerun", join(out, "train.json"), "--out", join(TMP, "train-rerun"), "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(TMP, "train-rerun", "train.json"), "utf8")) as Train).perTrainingSample.energyPj.learning).toBe(doc.perTrainingSample.energyPj.learning);
  }, 60_000);
});

describe("compare and learn --bill-learning", () => {
  it("compare: every chip bills changes (its report.json says so), the table's note says it; a model that does not learn is refused once", async () => {
    const out = join(TMP, "cmp");
    const res = await cli("compare", "examples/learning/stdp-pair.model.json", "--arch", "loihi,generic", "--bill-learning", "changes", "--out", out, "--quiet");
    expect(res.code, res.stderr).toBe(0);
    for (const chip of ["loihi", "generic"]) {
      const r = read(join(out, chip));
      expect(r.totals.learningBilledOn).toBe("changes");
      expect(r.learning!.weightChanges).toBeGreaterThan(0);
      expect(r.learning!.weightChanges).toBeLessThan(r.totals.counters.synUpdates);
      expect(r.totals.energyPj.learning).toBeCloseTo(r.learning!.weightChanges * perUpdatePj(r), 6);
    }
    expect(readFileSync(join(out, "compare.md"), "utf8")).toContain("Learning energy billed on weight changes.");
    const np = await cli("compare", "examples/demo/ei-small.net.json", "--arch", "generic", "--bill-learning", "changes", "--out", join(TMP, "cmp-np"));
    expect(np.code).toBe(2);
    expect(np.stderr).toContain("E_CLI_OPTION");
  }, 60_000);

  it("learn mnist: learning energy per training sample on changes is below the one on evaluations, and the result says its basis", async () => {
    const args = ["learn", "mnist", "--neurons", "4", "--train", "20", "--test", "10", "--arch", "loihi", "--quiet"];
    expect((await cli(...args, "--bill-learning", "changes", "--out", join(TMP, "learn-ch"))).code).toBe(0);
    expect((await cli(...args, "--out", join(TMP, "learn-ev"))).code).toBe(0);
    type Learn = { arch: string; results: Array<{ learningBilledOn: string; learningEnergyPerTrainSamplePj: number; opsPerTrainSample: { synUpdates: number } }> };
    const ch = JSON.parse(readFileSync(join(TMP, "learn-ch", "learn-mnist.json"), "utf8")) as Learn;
    const ev = JSON.parse(readFileSync(join(TMP, "learn-ev", "learn-mnist.json"), "utf8")) as Learn;
    expect([ch.arch, ch.results[0].learningBilledOn, ev.results[0].learningBilledOn]).toEqual(["loihi*", "changes", "evaluations"]);
    expect(ev.results[0].learningEnergyPerTrainSamplePj).toBeCloseTo(ev.results[0].opsPerTrainSample.synUpdates * 120, 3);
    expect(ch.results[0].opsPerTrainSample.synUpdates).toBe(ev.results[0].opsPerTrainSample.synUpdates);
    expect(ch.results[0].learningEnergyPerTrainSamplePj).toBeGreaterThan(0);
    expect(ch.results[0].learningEnergyPerTrainSamplePj).toBeLessThan(ev.results[0].learningEnergyPerTrainSamplePj);
    // Billed on changes, the file holds the count it bills (audit s20b F2): energy = changes × 120 pJ; on evaluations it is absent.
    const changes = (ch.results[0].opsPerTrainSample as { weightChanges?: number }).weightChanges!;
    expect(ch.results[0].learningEnergyPerTrainSamplePj).toBeCloseTo(changes * 120, 3);
    expect((ev.results[0].opsPerTrainSample as { weightChanges?: number }).weightChanges).toBeUndefined();
  }, 60_000);
});

describe("--bill-learning in checkpoints and on compiled programs (audit s20b F7)", () => {
  it("a learn checkpoint resumed with another --bill-learning names the option; a program's refusal says where its basis comes from", async () => {
    const ck = join(TMP, "bill.ckpt");
    const args = ["learn", "mnist", "--neurons", "2", "--train", "4", "--test", "2", "--label-samples", "2", "--arch", "loihi", "--set", "presentMs=20", "--checkpoint", ck, "--checkpoint-every", "1", "--quiet"];
    expect((await cli(...args, "--bill-learning", "changes", "--out", join(TMP, "bill-ck"))).code).toBe(0);
    const other = await cli(...args, "--resume", "--out", join(TMP, "bill-ck2"));
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/E_CHECKPOINT_MISMATCH: .* billLearning/);
    const prog = join(TMP, "rw-prog");
    expect((await cli("compile", "examples/learning/reward-stdp.model.json", "--arch", "loihi", "--out", prog)).code).toBe(0);
    const r = await cli("run", join(prog, "program.aerprog"), "--arch", "loihi", "--bill-learning", "changes", "--out", join(TMP, "rw-prog-run"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/learningBilledOn/);
  }, 60_000);
});

describe.skipIf(!HAS_SHARED)(`pair STDP counts no weight changes ${SKIP_MSG}`, () => {
  const C05 = sharedPath("fixtures/snnref/c05_stdp_all2all_dense.net.json");

  it("--bill-learning changes is refused (exit 2); a spec file billing changes fails with E_LEARNING_BILLING (exit 1)", async () => {
    const opt = await cli("run", C05, "--arch", "generic", "--bill-learning", "changes", "--out", join(TMP, "c05"));
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain("E_CLI_OPTION");
    const file = join(TMP, "generic-changes.json");
    writeFileSync(file, JSON.stringify({ ...loadPreset("generic"), learningBilledOn: "changes" }));
    const spec = await cli("run", C05, "--arch", file, "--out", join(TMP, "c05-spec"));
    expect(spec.code).toBe(1);
    expect(spec.stderr).toContain("E_LEARNING_BILLING");
    // On evaluations it runs and records the basis.
    const ev = await cli("run", C05, "--arch", "generic", "--bill-learning", "evaluations", "--out", join(TMP, "c05-ev"), "--quiet");
    expect(ev.code, ev.stderr).toBe(0);
    expect(read(join(TMP, "c05-ev")).totals.learningBilledOn).toBe("evaluations");
  });

  it("a NIR graph (no learning rules) refuses --bill-learning (exit 2)", async () => {
    const nir = await cli("run", sharedPath("fixtures/nir/paper_cnn/cnn_sinabs.nir"), "--arch", "loihi", "--bill-learning", "evaluations", "--out", join(TMP, "nir"));
    expect(nir.code).toBe(2);
    expect(nir.stderr).toContain("--bill-learning");
  });
});
