/**
 * The Ψ drive of S-TLLR's graded traces in `aerchip run` (cli/psi-drive.ts; audit s19 B1, B2): the model's
 * `psi` is the default, a different --psi is refused, and a run whose graded traces had no drive says so.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aerchip-psi-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MODEL = "examples/learning/stllr.model.json";
const DELTA = "examples/learning/delta.npy";
const INITIAL = [0.6, 0.55, 0.5, 0.5, 0.55, 0.6, 0.3, 0.25, 0.2, 0.2, 0.25, 0.3];

interface Rule { psi?: string | null; gradedNonZero?: boolean; weightChanges: number }
async function run(model: string, out: string, ...extra: string[]) {
  const r = await cli("run", model, "--arch", "loihi", "--third-factor", DELTA, "--out", join(dir, out), "--quiet", ...extra);
  if (r.code !== 0) return { ...r, weights: "", report: undefined };
  const report = JSON.parse(readFileSync(join(dir, out, "report.json"), "utf8")) as { learning: { rules: Rule[]; notes: string[]; weightChanges: number }; provenance: { options: Record<string, unknown> } };
  return { ...r, weights: readFileSync(join(dir, out, "weights.json"), "utf8"), report };
}

function variant(name: string, edit: (m: { projections: Array<Record<string, unknown> & { learning: Record<string, unknown> }>; populations: Array<Record<string, unknown>> }) => void): string {
  const m = JSON.parse(readFileSync(MODEL, "utf8"));
  edit(m);
  const p = join(dir, `${name}.model.json`);
  writeFileSync(p, JSON.stringify(m));
  return p;
}

describe("the model's psi drives S-TLLR's graded traces", () => {
  it("without --psi the example learns exactly as with --psi triangle (its model's psi), and report.json records the Ψ used", async () => {
    const model = await run(MODEL, "model");
    expect(model.code, model.stderr).toBe(0);
    const flag = await run(MODEL, "flag", "--psi", "triangle");
    expect(flag.code, flag.stderr).toBe(0);
    expect(model.weights).toBe(flag.weights);
    expect(model.report!.learning.weightChanges).toBe(1044);
    expect(model.report!.learning.rules[0]).toMatchObject({ psi: "triangle", gradedNonZero: true });
    expect(model.report!.learning.notes).toEqual([]);
    // The option was not given, so none is recorded; rerun reads the model again and gets the same run.
    expect(model.report!.provenance.options.psi).toBeUndefined();
    const re = await cli("rerun", join(dir, "model", "report.json"), "--out", join(dir, "model-re"), "--quiet");
    expect(re.code, re.stderr).toBe(0);
    expect(readFileSync(join(dir, "model-re", "weights.json"), "utf8")).toBe(model.weights);
  });

  it("a --psi that differs from the model's psi is refused (exit 2), naming both", async () => {
    const r = await run(MODEL, "conflict", "--psi", "sigmoid");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CLI_OPTION/);
    expect(r.stderr).toMatch(/sigmoid/);
    expect(r.stderr).toMatch(/triangle/);
    expect(r.stderr).toMatch(/projections\[0\]\.learning\.psi/);
  });

  it("a rule without psi and no --psi: its graded traces get no drive, nothing is learned, and a note says so", async () => {
    const model = variant("nopsi", (m) => { delete m.projections[0].learning.psi; });
    const r = await run(model, "nopsi");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.weights).projections.in_out.weights).toEqual(INITIAL);
    expect(r.report!.learning.rules[0]).toMatchObject({ psi: null, gradedNonZero: false, weightChanges: 0 });
    expect(r.report!.learning.notes).toHaveLength(1);
    expect(r.report!.learning.notes[0]).toMatch(/--psi/);
    // --psi gives the drive such a model lacks, and is recorded.
    const withPsi = await run(model, "nopsi-flag", "--psi", "triangle");
    expect(withPsi.weights).toBe((await run(MODEL, "model2")).weights);
    expect(withPsi.report!.learning.rules[0].psi).toBe("triangle");
  });

  it("projections naming different Ψ are refused (the chip drives a run's graded traces by one Ψ)", async () => {
    const model = variant("two", (m) => {
      m.populations.push({ ...m.populations[1], name: "out2" });
      m.projections.push({ ...m.projections[0], name: "in_out2", post: "out2", learning: { ...m.projections[0].learning, psi: "sigmoid" } });
    });
    const r = await run(model, "two");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_LEARNING_PSI/);
  });
});
